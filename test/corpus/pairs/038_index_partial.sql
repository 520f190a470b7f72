-- Partial indexes: one added, one whose predicate changes.
-- From: PostgreSQL docs, "11.8. Partial Indexes" (unbilled orders, access
-- log without the internal addresses).
-- @a
CREATE TABLE orders (
    order_nr integer PRIMARY KEY,
    amount numeric,
    billed boolean NOT NULL DEFAULT false
);
CREATE TABLE access_log (
    url text,
    client_ip inet
);
CREATE INDEX access_log_client_ip_ix ON access_log (client_ip)
    WHERE NOT (client_ip > inet '192.168.100.0' AND client_ip < inet '192.168.100.255');
-- @b
CREATE TABLE orders (
    order_nr integer PRIMARY KEY,
    amount numeric,
    billed boolean NOT NULL DEFAULT false
);
CREATE TABLE access_log (
    url text,
    client_ip inet
);
CREATE INDEX access_log_client_ip_ix ON access_log (client_ip)
    WHERE NOT (client_ip > inet '10.0.0.0' AND client_ip < inet '10.255.255.255');
CREATE INDEX orders_unbilled_index ON orders (order_nr) WHERE billed IS NOT true;
