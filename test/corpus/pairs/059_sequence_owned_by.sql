-- A sequence attached to a column with OWNED BY (so it goes with the
-- column), and another one detached with OWNED BY NONE.
-- From: PostgreSQL docs, "CREATE SEQUENCE ... OWNED BY".
-- @a
CREATE TABLE products (
    id integer PRIMARY KEY,
    code integer
);
CREATE SEQUENCE products_code_seq;
CREATE SEQUENCE products_id_seq OWNED BY products.id;
-- @b
CREATE TABLE products (
    id integer PRIMARY KEY,
    code integer
);
CREATE SEQUENCE products_code_seq OWNED BY products.code;
CREATE SEQUENCE products_id_seq;
