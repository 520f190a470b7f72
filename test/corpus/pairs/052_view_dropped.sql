-- A view dropped, together with the table it reads.
-- From: a retired feature (wish lists) removed from a shop.
-- @a
CREATE TABLE customers (
    id integer PRIMARY KEY,
    name text
);
CREATE TABLE wishlist_items (
    customer_id integer REFERENCES customers (id),
    product text NOT NULL
);
CREATE VIEW wishlist_counts AS
    SELECT customer_id, count(*) AS items FROM wishlist_items GROUP BY customer_id;
-- @b
CREATE TABLE customers (
    id integer PRIMARY KEY,
    name text
);
