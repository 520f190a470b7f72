-- An enum value added at the end.
-- From: PostgreSQL docs, "8.7. Enumerated Types" (mood) and "ALTER TYPE ...
-- ADD VALUE".
-- @a
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE person (
    name text,
    current_mood mood
);
-- @b
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'ecstatic');
CREATE TABLE person (
    name text,
    current_mood mood
);
