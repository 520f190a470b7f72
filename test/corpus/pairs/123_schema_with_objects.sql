-- A second schema, created with its objects, and a foreign key across
-- schemas.
-- From: PostgreSQL docs, "5.9. Schemas"; an application that moves its
-- reporting tables into a schema of their own.
-- @a
CREATE TABLE accounts (
    id bigint PRIMARY KEY,
    email text NOT NULL UNIQUE
);
-- @b
CREATE TABLE accounts (
    id bigint PRIMARY KEY,
    email text NOT NULL UNIQUE
);
CREATE SCHEMA reporting;
COMMENT ON SCHEMA reporting IS 'read models for the dashboards';
CREATE TABLE reporting.daily_signups (
    day date PRIMARY KEY,
    signups integer NOT NULL DEFAULT 0
);
CREATE TABLE reporting.account_flags (
    account_id bigint PRIMARY KEY REFERENCES public.accounts (id) ON DELETE CASCADE,
    flags text[] NOT NULL DEFAULT '{}'
);
