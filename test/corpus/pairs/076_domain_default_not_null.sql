-- A domain's default and NOT NULL changed, and a NOT VALID domain check.
-- From: PostgreSQL docs, "ALTER DOMAIN ... SET DEFAULT / SET NOT NULL /
-- ADD CONSTRAINT ... NOT VALID".
-- @a
CREATE DOMAIN percentage AS numeric(5,2) CHECK (VALUE >= 0);
CREATE DOMAIN label AS text;
-- @b
CREATE DOMAIN percentage AS numeric(5,2) DEFAULT 0 NOT NULL CHECK (VALUE >= 0);
CREATE DOMAIN label AS text DEFAULT 'untitled';
ALTER DOMAIN percentage ADD CONSTRAINT percentage_max CHECK (VALUE <= 100) NOT VALID;
