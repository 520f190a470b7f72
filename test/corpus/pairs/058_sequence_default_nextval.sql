-- A column default taken from a sequence (nextval of a sequence the table
-- does not own), added to one column and moved to another sequence on
-- another.
-- From: a legacy schema sharing one id sequence between two tables.
-- @a
CREATE SEQUENCE global_id_seq;
CREATE SEQUENCE legacy_id_seq;
CREATE TABLE notes (
    id bigint PRIMARY KEY DEFAULT nextval('legacy_id_seq'),
    body text
);
CREATE TABLE tasks (
    id bigint PRIMARY KEY,
    title text
);
-- @b
CREATE SEQUENCE global_id_seq;
CREATE SEQUENCE legacy_id_seq;
CREATE TABLE notes (
    id bigint PRIMARY KEY DEFAULT nextval('global_id_seq'),
    body text
);
CREATE TABLE tasks (
    id bigint PRIMARY KEY DEFAULT nextval('global_id_seq'),
    title text
);
