-- Comments on a view and on its columns: added, changed, removed.
-- From: PostgreSQL docs, "COMMENT" (COMMENT ON COLUMN works on view
-- columns); a documented reporting view.
-- @a
CREATE TABLE sales (
    id integer PRIMARY KEY,
    region text NOT NULL,
    amount numeric NOT NULL
);
CREATE VIEW sales_by_region AS
    SELECT region, sum(amount) AS total FROM sales GROUP BY region;
COMMENT ON COLUMN sales_by_region.total IS 'sum of amounts';
COMMENT ON COLUMN sales_by_region.region IS 'sales region';
-- @b
CREATE TABLE sales (
    id integer PRIMARY KEY,
    region text NOT NULL,
    amount numeric NOT NULL
);
CREATE VIEW sales_by_region AS
    SELECT region, sum(amount) AS total FROM sales GROUP BY region;
COMMENT ON VIEW sales_by_region IS 'one row per region';
COMMENT ON COLUMN sales_by_region.total IS 'sum of amounts, in euros';
