-- An index and a primary key added on a partitioned table (PostgreSQL
-- creates them on every partition), and a foreign key from it.
-- From: PostgreSQL docs, "5.11.2.3. Limitations" and "CREATE INDEX" (on
-- partitioned tables).
-- @a
CREATE TABLE stores (
    id integer PRIMARY KEY
);
CREATE TABLE sales (
    store_id integer NOT NULL,
    sold_on date NOT NULL,
    amount numeric
) PARTITION BY RANGE (sold_on);
CREATE TABLE sales_2024 PARTITION OF sales FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE sales_2025 PARTITION OF sales FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
-- @b
CREATE TABLE stores (
    id integer PRIMARY KEY
);
CREATE TABLE sales (
    store_id integer NOT NULL REFERENCES stores (id),
    sold_on date NOT NULL,
    amount numeric,
    PRIMARY KEY (store_id, sold_on)
) PARTITION BY RANGE (sold_on);
CREATE TABLE sales_2024 PARTITION OF sales FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE sales_2025 PARTITION OF sales FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX sales_amount ON sales (amount);
