-- An event trigger added, with its function.
-- From: PostgreSQL docs, "40.4. A Complete Event Trigger Example" and
-- "CREATE EVENT TRIGGER" (the snitch example, which only reports).
-- @a
CREATE TABLE t (
    id integer
);
-- @b
CREATE TABLE t (
    id integer
);
CREATE FUNCTION snitch() RETURNS event_trigger AS $$
BEGIN
    RAISE NOTICE 'snitch: % %', tg_event, tg_tag;
END;
$$ LANGUAGE plpgsql;
CREATE EVENT TRIGGER snitch ON ddl_command_start EXECUTE FUNCTION snitch();
