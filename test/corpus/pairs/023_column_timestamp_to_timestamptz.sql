-- timestamp without time zone -> timestamptz, and a time precision change.
-- From: PostgreSQL docs, "8.5. Date/Time Types"; an audit column fixed
-- after a daylight saving time incident.
-- @a
CREATE TABLE shipments (
    id integer PRIMARY KEY,
    shipped_at timestamp,
    delivered_at timestamp(6) with time zone
);
-- @b
CREATE TABLE shipments (
    id integer PRIMARY KEY,
    shipped_at timestamptz,
    delivered_at timestamp(0) with time zone
);
