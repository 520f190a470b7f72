-- varchar lengths changed: one longer, one shorter, one to text, and a
-- text column limited to varchar.
-- From: a customer table whose limits were picked too early.
-- @a
CREATE TABLE customers (
    id integer PRIMARY KEY,
    first_name varchar(20),
    country_code varchar(10),
    notes varchar(200),
    city text
);
-- @b
CREATE TABLE customers (
    id integer PRIMARY KEY,
    first_name varchar(100),
    country_code varchar(2),
    notes text,
    city varchar(80)
);
