-- A domain's check constraint changed, one added, one dropped.
-- From: PostgreSQL docs, "ALTER DOMAIN ... ADD CONSTRAINT / DROP
-- CONSTRAINT"; an email domain that got stricter.
-- @a
CREATE DOMAIN email AS text
    CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%')
    CONSTRAINT email_short CHECK (length(VALUE) < 100);
CREATE TABLE subscribers (
    id integer PRIMARY KEY,
    address email NOT NULL
);
-- @b
CREATE DOMAIN email AS text
    CONSTRAINT email_has_at CHECK (VALUE ~ '^[^@\s]+@[^@\s]+$')
    CONSTRAINT email_lower CHECK (VALUE = lower(VALUE));
CREATE TABLE subscribers (
    id integer PRIMARY KEY,
    address email NOT NULL
);
