-- A composite type changed: an attribute added and one's type changed
-- (ALTER TYPE ... ADD / ALTER ATTRIBUTE), no table uses it.
-- From: PostgreSQL docs, "ALTER TYPE" (compfoo); an API result type.
-- @a
CREATE TYPE api_result AS (
    status integer,
    message text
);
-- @b
CREATE TYPE api_result AS (
    status bigint,
    message text,
    retry_after interval
);
