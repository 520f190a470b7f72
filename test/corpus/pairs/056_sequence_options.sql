-- Sequence options changed: increment, cache, cycle, maxvalue.
-- From: PostgreSQL docs, "ALTER SEQUENCE"; a ticket counter that wraps.
-- @a
CREATE SEQUENCE ticket_seq;
CREATE SEQUENCE batch_seq INCREMENT BY 1 MAXVALUE 1000000 NO CYCLE;
-- @b
CREATE SEQUENCE ticket_seq INCREMENT BY 5 CACHE 50;
CREATE SEQUENCE batch_seq INCREMENT BY 1 MAXVALUE 9999 CYCLE;
