-- A composite type added, used by a table column and a function.
-- From: PostgreSQL docs, "8.16. Composite Types" (inventory_item).
-- @a
CREATE TABLE on_hand (
    count integer
);
-- @b
CREATE TYPE inventory_item AS (
    name text,
    supplier_id integer,
    price numeric
);
CREATE TABLE on_hand (
    item inventory_item,
    count integer
);
CREATE FUNCTION price_extension(inventory_item, integer) RETURNS numeric
AS 'SELECT $1.price * $2' LANGUAGE SQL;
