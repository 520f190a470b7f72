-- A primary key moved from a natural key to a surrogate key, the natural
-- key kept as UNIQUE, with a foreign key that follows.
-- From: a countries table whose code was the key.
-- @a
CREATE TABLE countries (
    id integer NOT NULL,
    code char(2) PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE cities (
    id integer PRIMARY KEY,
    country_code char(2) REFERENCES countries (code),
    name text
);
-- @b
CREATE TABLE countries (
    id integer PRIMARY KEY,
    code char(2) NOT NULL UNIQUE,
    name text NOT NULL
);
CREATE TABLE cities (
    id integer PRIMARY KEY,
    country_code char(2) REFERENCES countries (code),
    name text
);
