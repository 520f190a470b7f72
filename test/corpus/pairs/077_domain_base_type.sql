-- A domain's base type changed (integer -> bigint), with a column of it.
-- From: a quantity domain that outgrew 32 bits.
-- @a
CREATE DOMAIN quantity AS integer CHECK (VALUE >= 0);
CREATE TABLE stock (
    sku text PRIMARY KEY,
    on_hand quantity NOT NULL
);
-- @b
CREATE DOMAIN quantity AS bigint CHECK (VALUE >= 0);
CREATE TABLE stock (
    sku text PRIMARY KEY,
    on_hand quantity NOT NULL
);
