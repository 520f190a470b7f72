-- A booking system, release 2: resources and bookings with a tstzrange,
-- no overlapping bookings of a resource (btree_gist exclusion), opening
-- hours as a composite type, a domain for durations, cancelled bookings
-- kept out of the constraint.
-- From: a meeting room / appointment booking application.
-- @a
CREATE TABLE resources (
    id integer PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE bookings (
    id bigint PRIMARY KEY,
    resource_id integer NOT NULL REFERENCES resources (id),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    CHECK (ends_at > starts_at)
);
-- @b
CREATE EXTENSION btree_gist;
CREATE DOMAIN slot_minutes AS integer CHECK (VALUE > 0 AND VALUE % 15 = 0);
CREATE TYPE opening_hours AS (
    opens time,
    closes time
);
CREATE TABLE resources (
    id integer PRIMARY KEY,
    name text NOT NULL,
    slot slot_minutes NOT NULL DEFAULT 30,
    hours opening_hours
);
CREATE TABLE bookings (
    id bigint PRIMARY KEY,
    resource_id integer NOT NULL REFERENCES resources (id),
    during tstzrange NOT NULL,
    cancelled boolean NOT NULL DEFAULT false,
    booked_by text NOT NULL DEFAULT current_user,
    CONSTRAINT bookings_no_overlap EXCLUDE USING gist (resource_id WITH =, during WITH &&) WHERE (NOT cancelled)
);
CREATE INDEX bookings_during ON bookings USING gist (during);
