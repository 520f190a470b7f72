-- A new hash-partitioned table with its partitions, and a sub-partitioned
-- one (a partition that is itself partitioned).
-- From: PostgreSQL docs, "CREATE TABLE ... PARTITION BY HASH" (orders with
-- MODULUS / REMAINDER) and multi-level partitioning.
-- @a
CREATE TABLE customers (
    id bigint PRIMARY KEY
);
-- @b
CREATE TABLE customers (
    id bigint PRIMARY KEY
);
CREATE TABLE orders (
    order_id bigint NOT NULL,
    customer_id bigint NOT NULL,
    placed date NOT NULL
) PARTITION BY HASH (order_id);
CREATE TABLE orders_p0 PARTITION OF orders FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE orders_p1 PARTITION OF orders FOR VALUES WITH (MODULUS 2, REMAINDER 1)
    PARTITION BY RANGE (placed);
CREATE TABLE orders_p1_2025 PARTITION OF orders_p1 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
