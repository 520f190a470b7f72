-- A sequence's data type changed: AS integer -> AS bigint (its max value
-- follows), and AS smallint for a small counter.
-- From: PostgreSQL docs, "CREATE SEQUENCE ... AS data_type".
-- @a
CREATE SEQUENCE event_id_seq AS integer;
CREATE SEQUENCE level_seq AS bigint MAXVALUE 30000;
-- @b
CREATE SEQUENCE event_id_seq AS bigint;
CREATE SEQUENCE level_seq AS smallint;
