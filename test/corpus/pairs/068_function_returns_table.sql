-- A set-returning function over a table (RETURNS SETOF the table's row
-- type, and RETURNS TABLE), so it depends on the table.
-- From: PostgreSQL docs, "38.5.8. SQL Functions Returning Sets" and
-- "38.5.9. SQL Functions Returning TABLE".
-- @a
CREATE TABLE tab (
    y integer,
    z integer
);
-- @b
CREATE TABLE tab (
    y integer,
    z integer
);
CREATE FUNCTION gettab(integer) RETURNS SETOF tab AS $$
    SELECT * FROM tab WHERE y = $1;
$$ LANGUAGE SQL STABLE;
CREATE FUNCTION sum_n_product_with_tab(x integer)
RETURNS TABLE(sum integer, product integer) AS $$
    SELECT $1 + tab.y, $1 * tab.y FROM tab;
$$ LANGUAGE SQL;
