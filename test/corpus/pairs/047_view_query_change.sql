-- A view's query changed: a new column at the end, a different filter, and
-- a view whose column changes type (so it must be dropped and created).
-- From: a reporting view of active customers.
-- @a
CREATE TABLE customers (
    id integer PRIMARY KEY,
    name text NOT NULL,
    active boolean NOT NULL DEFAULT true,
    credit numeric(10,2)
);
CREATE VIEW active_customers AS
    SELECT id, name FROM customers WHERE active;
CREATE VIEW customer_credit AS
    SELECT id, credit::integer AS credit FROM customers;
-- @b
CREATE TABLE customers (
    id integer PRIMARY KEY,
    name text NOT NULL,
    active boolean NOT NULL DEFAULT true,
    credit numeric(10,2)
);
CREATE VIEW active_customers AS
    SELECT id, name, credit FROM customers WHERE active AND credit > 0;
CREATE VIEW customer_credit AS
    SELECT id, credit FROM customers;
