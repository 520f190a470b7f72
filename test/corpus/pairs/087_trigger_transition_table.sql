-- A statement-level trigger with transition tables (REFERENCING NEW TABLE).
-- From: PostgreSQL docs, "43.10.1. Triggers on Data Changes" (Example 43.7,
-- auditing with transition tables).
-- @a
CREATE TABLE emp (
    empname text NOT NULL,
    salary integer
);
CREATE TABLE emp_audit (
    operation char(1) NOT NULL,
    stamp timestamp NOT NULL,
    userid text NOT NULL,
    empname text NOT NULL,
    salary integer
);
-- @b
CREATE TABLE emp (
    empname text NOT NULL,
    salary integer
);
CREATE TABLE emp_audit (
    operation char(1) NOT NULL,
    stamp timestamp NOT NULL,
    userid text NOT NULL,
    empname text NOT NULL,
    salary integer
);
CREATE FUNCTION process_emp_audit() RETURNS trigger AS $emp_audit$
    BEGIN
        IF (TG_OP = 'DELETE') THEN
            INSERT INTO emp_audit
                SELECT 'D', now(), user, o.* FROM old_table o;
        ELSIF (TG_OP = 'UPDATE') THEN
            INSERT INTO emp_audit
                SELECT 'U', now(), user, n.* FROM new_table n;
        ELSIF (TG_OP = 'INSERT') THEN
            INSERT INTO emp_audit
                SELECT 'I', now(), user, n.* FROM new_table n;
        END IF;
        RETURN NULL;
    END;
$emp_audit$ LANGUAGE plpgsql;
CREATE TRIGGER emp_audit_ins
    AFTER INSERT ON emp
    REFERENCING NEW TABLE AS new_table
    FOR EACH STATEMENT EXECUTE FUNCTION process_emp_audit();
CREATE TRIGGER emp_audit_upd
    AFTER UPDATE ON emp
    REFERENCING OLD TABLE AS old_table NEW TABLE AS new_table
    FOR EACH STATEMENT EXECUTE FUNCTION process_emp_audit();
CREATE TRIGGER emp_audit_del
    AFTER DELETE ON emp
    REFERENCING OLD TABLE AS old_table
    FOR EACH STATEMENT EXECUTE FUNCTION process_emp_audit();
