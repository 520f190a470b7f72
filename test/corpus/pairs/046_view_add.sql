-- A view added over a join.
-- From: PostgreSQL docs, "3.2. Views" (the weather and cities tables).
-- @a
CREATE TABLE cities (
    name varchar(80) PRIMARY KEY,
    location point
);
CREATE TABLE weather (
    city varchar(80) REFERENCES cities (name),
    temp_lo int,
    temp_hi int,
    prcp real,
    date date
);
-- @b
CREATE TABLE cities (
    name varchar(80) PRIMARY KEY,
    location point
);
CREATE TABLE weather (
    city varchar(80) REFERENCES cities (name),
    temp_lo int,
    temp_hi int,
    prcp real,
    date date
);
CREATE VIEW myview AS
    SELECT name, temp_lo, temp_hi, prcp, date, location
        FROM weather, cities
        WHERE city = name;
