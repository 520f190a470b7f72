-- A generation expression changed, and another generated column becomes a
-- plain column.
-- From: an order lines table whose total now includes tax.
-- @a
CREATE TABLE order_lines (
    id integer PRIMARY KEY,
    quantity integer NOT NULL,
    unit_price numeric(10,2) NOT NULL,
    tax_rate numeric(4,3) NOT NULL DEFAULT 0.2,
    total numeric GENERATED ALWAYS AS (quantity * unit_price) STORED,
    label text GENERATED ALWAYS AS ('line ' || id) STORED
);
-- @b
CREATE TABLE order_lines (
    id integer PRIMARY KEY,
    quantity integer NOT NULL,
    unit_price numeric(10,2) NOT NULL,
    tax_rate numeric(4,3) NOT NULL DEFAULT 0.2,
    total numeric GENERATED ALWAYS AS (quantity * unit_price * (1 + tax_rate)) STORED,
    label text
);
