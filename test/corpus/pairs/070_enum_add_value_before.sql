-- Enum values added in the middle (BEFORE / AFTER an existing label), so
-- the sort order of the type changes.
-- From: PostgreSQL docs, "ALTER TYPE ... ADD VALUE ... BEFORE"; an order
-- status that gains intermediate steps.
-- @a
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped', 'delivered');
CREATE TABLE orders (
    id integer PRIMARY KEY,
    status order_status NOT NULL DEFAULT 'new'
);
-- @b
CREATE TYPE order_status AS ENUM ('new', 'awaiting_payment', 'paid', 'packed', 'shipped', 'delivered');
CREATE TABLE orders (
    id integer PRIMARY KEY,
    status order_status NOT NULL DEFAULT 'new'
);
