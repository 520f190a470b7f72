-- An enum value removed (and one renamed, which is a removal and an
-- addition to a diff), with a table column using the type.
-- From: a payment method enum losing "cheque".
-- @a
CREATE TYPE payment_method AS ENUM ('card', 'cheque', 'transfer', 'cash');
CREATE TABLE payments (
    id integer PRIMARY KEY,
    method payment_method NOT NULL
);
-- @b
CREATE TYPE payment_method AS ENUM ('card', 'transfer', 'cash');
CREATE TABLE payments (
    id integer PRIMARY KEY,
    method payment_method NOT NULL
);
