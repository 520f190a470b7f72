-- Column types widened: integer -> bigint on a key and the foreign key that
-- points at it, real -> double precision, numeric(8,2) -> numeric(12,2).
-- From: an events table running out of 32-bit ids.
-- @a
CREATE TABLE events (
    id integer PRIMARY KEY,
    score real,
    amount numeric(8,2)
);
CREATE TABLE event_tags (
    event_id integer NOT NULL REFERENCES events (id),
    tag text NOT NULL
);
-- @b
CREATE TABLE events (
    id bigint PRIMARY KEY,
    score double precision,
    amount numeric(12,2)
);
CREATE TABLE event_tags (
    event_id bigint NOT NULL REFERENCES events (id),
    tag text NOT NULL
);
