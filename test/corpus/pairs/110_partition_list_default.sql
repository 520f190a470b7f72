-- A list-partitioned table: a value moved into a new partition, and a
-- DEFAULT partition added.
-- From: PostgreSQL docs, "CREATE TABLE ... PARTITION BY LIST" (cities by
-- first letter) and "DEFAULT" partitions.
-- @a
CREATE TABLE customers (
    id integer NOT NULL,
    country text NOT NULL
) PARTITION BY LIST (country);
CREATE TABLE customers_eu PARTITION OF customers FOR VALUES IN ('FR', 'DE', 'IT');
CREATE TABLE customers_us PARTITION OF customers FOR VALUES IN ('US');
-- @b
CREATE TABLE customers (
    id integer NOT NULL,
    country text NOT NULL
) PARTITION BY LIST (country);
CREATE TABLE customers_eu PARTITION OF customers FOR VALUES IN ('FR', 'DE', 'IT', 'ES');
CREATE TABLE customers_us PARTITION OF customers FOR VALUES IN ('US');
CREATE TABLE customers_other PARTITION OF customers DEFAULT;
