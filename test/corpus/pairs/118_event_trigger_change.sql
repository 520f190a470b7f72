-- An event trigger changed: restricted to some command tags (a drop and a
-- create), and another one disabled.
-- From: PostgreSQL docs, "CREATE EVENT TRIGGER ... WHEN TAG IN" and "ALTER
-- EVENT TRIGGER ... DISABLE".
-- @a
CREATE FUNCTION report_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE 'ddl: %', tg_tag;
END;
$$;
CREATE EVENT TRIGGER report_ddl_end ON ddl_command_end EXECUTE FUNCTION report_ddl();
CREATE EVENT TRIGGER report_ddl_rewrite ON table_rewrite EXECUTE FUNCTION report_ddl();
-- @b
CREATE FUNCTION report_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE 'ddl: %', tg_tag;
END;
$$;
CREATE EVENT TRIGGER report_ddl_end ON ddl_command_end
    WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE', 'DROP TABLE')
    EXECUTE FUNCTION report_ddl();
CREATE EVENT TRIGGER report_ddl_rewrite ON table_rewrite EXECUTE FUNCTION report_ddl();
ALTER EVENT TRIGGER report_ddl_rewrite DISABLE;
