-- An extension that needs another one (earthdistance requires cube),
-- both added, with a function index that uses them.
-- From: PostgreSQL docs, "F.14. earthdistance" (cube-based earth
-- distances).
-- @a
CREATE TABLE shops (
    id integer PRIMARY KEY,
    lat float8 NOT NULL,
    lon float8 NOT NULL
);
-- @b
CREATE EXTENSION cube;
CREATE EXTENSION earthdistance;
CREATE TABLE shops (
    id integer PRIMARY KEY,
    lat float8 NOT NULL,
    lon float8 NOT NULL
);
CREATE INDEX shops_location ON shops USING gist (ll_to_earth(lat, lon));
