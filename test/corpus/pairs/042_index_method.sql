-- Index access methods changed: btree -> hash for equality lookups, a BRIN
-- index on an append-only timestamp, and a GiST index on a point column.
-- From: PostgreSQL docs, "11.2. Index Types".
-- @a
CREATE TABLE readings (
    sensor_id text NOT NULL,
    taken_at timestamptz NOT NULL,
    position point,
    value double precision
);
CREATE INDEX readings_sensor ON readings (sensor_id);
CREATE INDEX readings_taken ON readings (taken_at);
-- @b
CREATE TABLE readings (
    sensor_id text NOT NULL,
    taken_at timestamptz NOT NULL,
    position point,
    value double precision
);
CREATE INDEX readings_sensor ON readings USING hash (sensor_id);
CREATE INDEX readings_taken ON readings USING brin (taken_at) WITH (pages_per_range = 32);
CREATE INDEX readings_position ON readings USING gist (position);
