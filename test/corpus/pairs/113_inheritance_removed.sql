-- Table inheritance removed (NO INHERIT), the parent having a serial key
-- whose default the child shares.
-- From: PostgreSQL docs, "5.10. Inheritance" and "ALTER TABLE ... NO
-- INHERIT"; a legacy archive table split from its parent.
-- @a
CREATE TABLE events (
    id serial,
    happened_at timestamptz NOT NULL DEFAULT now(),
    payload text
);
CREATE TABLE events_archive (
    archived_at timestamptz
) INHERITS (events);
-- @b
CREATE TABLE events (
    id serial,
    happened_at timestamptz NOT NULL DEFAULT now(),
    payload text
);
CREATE TABLE events_archive (
    id integer NOT NULL,
    happened_at timestamptz NOT NULL,
    payload text,
    archived_at timestamptz
);
