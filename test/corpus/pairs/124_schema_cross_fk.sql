-- Objects in two schemas: a table moved between schemas is a drop and an
-- add; a foreign key from one schema to another is added.
-- From: PostgreSQL docs, "5.9.1. Creating a Schema"; an application split
-- into "billing" and "crm" schemas.
-- @a
CREATE SCHEMA crm;
CREATE SCHEMA billing;
CREATE TABLE crm.customers (
    id bigint PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE billing.invoices (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL,
    amount numeric NOT NULL
);
-- @b
CREATE SCHEMA crm;
CREATE SCHEMA billing;
CREATE TABLE crm.customers (
    id bigint PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE billing.invoices (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES crm.customers (id),
    amount numeric NOT NULL
);
CREATE INDEX invoices_customer ON billing.invoices (customer_id);
CREATE VIEW crm.customer_balance AS
    SELECT c.id, c.name, coalesce(sum(i.amount), 0) AS owed
    FROM crm.customers c LEFT JOIN billing.invoices i ON i.customer_id = c.id
    GROUP BY c.id, c.name;
