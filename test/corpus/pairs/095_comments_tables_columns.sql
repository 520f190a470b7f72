-- Comments on tables and columns: added, changed, removed.
-- From: PostgreSQL docs, "COMMENT" (COMMENT ON TABLE mytable IS ...); a
-- data dictionary kept in the schema.
-- @a
CREATE TABLE customers (
    id integer PRIMARY KEY,
    email text,
    vip boolean
);
COMMENT ON TABLE customers IS 'customers';
COMMENT ON COLUMN customers.vip IS 'gets free shipping';
COMMENT ON COLUMN customers.email IS 'login';
-- @b
CREATE TABLE customers (
    id integer PRIMARY KEY,
    email text,
    vip boolean
);
COMMENT ON TABLE customers IS 'people and companies who bought at least once';
COMMENT ON COLUMN customers.email IS 'login, unique, lower case';
COMMENT ON COLUMN customers.id IS 'surrogate key';
