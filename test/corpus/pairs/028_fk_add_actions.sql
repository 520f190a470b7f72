-- Foreign keys added with referential actions: ON DELETE CASCADE,
-- ON DELETE SET NULL, ON UPDATE CASCADE, ON DELETE RESTRICT.
-- From: PostgreSQL docs, "5.4.5. Foreign Keys" (products, orders,
-- order_items).
-- @a
CREATE TABLE products (
    product_no integer PRIMARY KEY,
    name text,
    price numeric
);
CREATE TABLE orders (
    order_id integer PRIMARY KEY,
    shipping_address text
);
CREATE TABLE order_items (
    product_no integer,
    order_id integer,
    quantity integer,
    PRIMARY KEY (product_no, order_id)
);
CREATE TABLE reviews (
    id integer PRIMARY KEY,
    product_no integer,
    body text
);
-- @b
CREATE TABLE products (
    product_no integer PRIMARY KEY,
    name text,
    price numeric
);
CREATE TABLE orders (
    order_id integer PRIMARY KEY,
    shipping_address text
);
CREATE TABLE order_items (
    product_no integer REFERENCES products ON DELETE RESTRICT ON UPDATE CASCADE,
    order_id integer REFERENCES orders ON DELETE CASCADE,
    quantity integer,
    PRIMARY KEY (product_no, order_id)
);
CREATE TABLE reviews (
    id integer PRIMARY KEY,
    product_no integer REFERENCES products ON DELETE SET NULL,
    body text
);
