-- An extension dropped once nothing uses it any more (fuzzystrmatch and
-- unaccent), the column that used one changed back to plain text.
-- From: PostgreSQL docs, "DROP EXTENSION"; a search feature replaced by an
-- external engine.
-- @a
CREATE EXTENSION fuzzystrmatch;
CREATE EXTENSION citext;
CREATE TABLE names (
    id integer PRIMARY KEY,
    name citext
);
-- @b
CREATE TABLE names (
    id integer PRIMARY KEY,
    name text
);
