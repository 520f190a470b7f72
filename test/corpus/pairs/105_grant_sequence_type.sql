-- Privileges on sequences (USAGE, SELECT, UPDATE) and on types and domains
-- (USAGE revoked from PUBLIC).
-- From: PostgreSQL docs, "GRANT ... ON SEQUENCE / ON TYPE / ON DOMAIN".
-- @a
CREATE SEQUENCE order_seq;
CREATE TYPE shipping_speed AS ENUM ('standard', 'express');
CREATE DOMAIN weight_kg AS numeric CHECK (VALUE > 0);
-- @b
CREATE SEQUENCE order_seq;
CREATE TYPE shipping_speed AS ENUM ('standard', 'express');
CREATE DOMAIN weight_kg AS numeric CHECK (VALUE > 0);
GRANT USAGE, SELECT ON SEQUENCE order_seq TO app_writer;
GRANT UPDATE ON SEQUENCE order_seq TO app_admin;
REVOKE USAGE ON TYPE shipping_speed FROM PUBLIC;
GRANT USAGE ON TYPE shipping_speed TO app_writer;
REVOKE USAGE ON DOMAIN weight_kg FROM PUBLIC;
GRANT USAGE ON DOMAIN weight_kg TO app_service;
