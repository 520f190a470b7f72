-- A new MINVALUE and START above the old START: the options must be applied
-- in an order that works (RESTART below the new MINVALUE fails), and the
-- down script must lower MINVALUE again.
-- From: PostgreSQL docs, "ALTER SEQUENCE"; invoice numbers that must start
-- at 2024000 from now on.
-- @a
CREATE SEQUENCE invoice_no_seq START 1 MINVALUE 1;
CREATE SEQUENCE credit_no_seq START 500 MINVALUE 100 MAXVALUE 100000;
-- @b
CREATE SEQUENCE invoice_no_seq START 2024000 MINVALUE 2024000;
CREATE SEQUENCE credit_no_seq START 50 MINVALUE 10 MAXVALUE 1000;
