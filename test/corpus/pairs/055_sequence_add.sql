-- A standalone sequence added for human-readable order numbers, used by a
-- column default.
-- From: PostgreSQL docs, "CREATE SEQUENCE" (serial with START 101).
-- @a
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    placed_at timestamptz NOT NULL DEFAULT now()
);
-- @b
CREATE SEQUENCE order_number_seq START 101;
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    placed_at timestamptz NOT NULL DEFAULT now(),
    order_number bigint NOT NULL DEFAULT nextval('order_number_seq')
);
