-- Functions, types and sequences in a second schema, changed together
-- with objects in public that use them.
-- From: an application keeping its helpers in a "util" schema.
-- @a
CREATE SCHEMA util;
CREATE TYPE util.color AS ENUM ('red', 'green');
CREATE FUNCTION util.normalize_email(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(trim($1)) $$;
CREATE TABLE users (
    id bigint PRIMARY KEY,
    email text NOT NULL,
    favourite util.color
);
CREATE UNIQUE INDEX users_email ON users (util.normalize_email(email));
-- @b
CREATE SCHEMA util;
CREATE TYPE util.color AS ENUM ('red', 'green', 'blue');
CREATE FUNCTION util.normalize_email(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(trim($1)) $$;
CREATE SEQUENCE util.ticket_seq START 1000;
CREATE TABLE users (
    id bigint PRIMARY KEY,
    email text NOT NULL,
    favourite util.color,
    ticket bigint DEFAULT nextval('util.ticket_seq')
);
CREATE UNIQUE INDEX users_email ON users (util.normalize_email(email));
