-- Comments on functions, procedures, aggregates, types and domains.
-- From: PostgreSQL docs, "COMMENT" (ON FUNCTION, ON TYPE, ON DOMAIN,
-- ON AGGREGATE, ON PROCEDURE).
-- @a
CREATE TYPE currency AS ENUM ('EUR', 'USD');
CREATE TYPE money_amount AS (amount numeric, currency currency);
CREATE DOMAIN cents AS bigint CHECK (VALUE >= 0);
CREATE FUNCTION to_cents(numeric) RETURNS cents LANGUAGE sql IMMUTABLE AS $$ SELECT ($1 * 100)::bigint $$;
CREATE PROCEDURE noop() LANGUAGE sql AS $$ SELECT 1 $$;
CREATE AGGREGATE total_cents(cents) (sfunc = int8pl, stype = bigint, initcond = '0');
COMMENT ON FUNCTION to_cents(numeric) IS 'rounds down';
-- @b
CREATE TYPE currency AS ENUM ('EUR', 'USD');
CREATE TYPE money_amount AS (amount numeric, currency currency);
CREATE DOMAIN cents AS bigint CHECK (VALUE >= 0);
CREATE FUNCTION to_cents(numeric) RETURNS cents LANGUAGE sql IMMUTABLE AS $$ SELECT ($1 * 100)::bigint $$;
CREATE PROCEDURE noop() LANGUAGE sql AS $$ SELECT 1 $$;
CREATE AGGREGATE total_cents(cents) (sfunc = int8pl, stype = bigint, initcond = '0');
COMMENT ON FUNCTION to_cents(numeric) IS 'truncates towards zero';
COMMENT ON TYPE currency IS 'ISO 4217 codes we accept';
COMMENT ON TYPE money_amount IS 'an amount with its currency';
COMMENT ON DOMAIN cents IS 'money in the smallest unit';
COMMENT ON PROCEDURE noop() IS 'placeholder for the scheduler';
COMMENT ON AGGREGATE total_cents(cents) IS 'sum of cents';
