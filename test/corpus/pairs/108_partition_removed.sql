-- An old partition removed (retention), and a partition's bounds that the
-- new schema splits in two.
-- From: PostgreSQL docs, "5.11.2.2. Partition Maintenance" (dropping the
-- oldest partition).
-- @a
CREATE TABLE logs (
    logged_at timestamptz NOT NULL,
    line text
) PARTITION BY RANGE (logged_at);
CREATE TABLE logs_2023 PARTITION OF logs FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE logs_2024 PARTITION OF logs FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- @b
CREATE TABLE logs (
    logged_at timestamptz NOT NULL,
    line text
) PARTITION BY RANGE (logged_at);
CREATE TABLE logs_2024h1 PARTITION OF logs FOR VALUES FROM ('2024-01-01') TO ('2024-07-01');
CREATE TABLE logs_2024h2 PARTITION OF logs FOR VALUES FROM ('2024-07-01') TO ('2025-01-01');
