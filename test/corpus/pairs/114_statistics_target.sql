-- Per-column statistics targets raised for skewed columns, and one reset.
-- From: PostgreSQL docs, "ALTER TABLE ... ALTER COLUMN ... SET STATISTICS"
-- and "14.2. Statistics Used by the Planner".
-- @a
CREATE TABLE page_views (
    id bigint PRIMARY KEY,
    url text,
    country text,
    referrer text
);
ALTER TABLE page_views ALTER COLUMN referrer SET STATISTICS 500;
-- @b
CREATE TABLE page_views (
    id bigint PRIMARY KEY,
    url text,
    country text,
    referrer text
);
ALTER TABLE page_views ALTER COLUMN url SET STATISTICS 1000;
ALTER TABLE page_views ALTER COLUMN country SET STATISTICS 300;
