-- A schema's comment and privileges changed, and objects in it granted.
-- From: PostgreSQL docs, "5.9.6. Usage Patterns" and "COMMENT ON SCHEMA";
-- a reporting schema opened to analysts.
-- @a
CREATE SCHEMA reporting;
COMMENT ON SCHEMA reporting IS 'internal';
CREATE TABLE reporting.kpis (
    name text PRIMARY KEY,
    value numeric
);
-- @b
CREATE SCHEMA reporting;
COMMENT ON SCHEMA reporting IS 'dashboards read from here';
GRANT USAGE ON SCHEMA reporting TO app_reader;
CREATE TABLE reporting.kpis (
    name text PRIMARY KEY,
    value numeric
);
GRANT SELECT ON reporting.kpis TO app_reader;
COMMENT ON TABLE reporting.kpis IS 'one row per indicator';
