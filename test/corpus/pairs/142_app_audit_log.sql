-- An audit log, release 2: a generic trigger that records every change as
-- jsonb, the log partitioned by month, append-only by a rule and by
-- privileges, a view of recent changes.
-- From: the classic trigger-based audit trail.
-- @a
CREATE TABLE accounts (
    id bigint PRIMARY KEY,
    owner_name text NOT NULL,
    balance numeric(14,2) NOT NULL DEFAULT 0
);
CREATE TABLE audit_log (
    id bigserial PRIMARY KEY,
    table_name text NOT NULL,
    operation text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now(),
    row_data text
);
-- @b
CREATE TABLE accounts (
    id bigint PRIMARY KEY,
    owner_name text NOT NULL,
    balance numeric(14,2) NOT NULL DEFAULT 0
);
CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY,
    table_name text NOT NULL,
    operation text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by text NOT NULL DEFAULT current_user,
    old_row jsonb,
    new_row jsonb,
    PRIMARY KEY (id, changed_at)
) PARTITION BY RANGE (changed_at);
CREATE TABLE audit_log_2025_01 PARTITION OF audit_log FOR VALUES FROM ('2025-01-01') TO ('2025-02-01');
CREATE TABLE audit_log_2025_02 PARTITION OF audit_log FOR VALUES FROM ('2025-02-01') TO ('2025-03-01');
CREATE INDEX audit_log_table ON audit_log (table_name, changed_at);
CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_log (table_name, operation, old_row, new_row)
    VALUES (TG_TABLE_NAME, TG_OP,
            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END);
    RETURN NULL;
END;
$$;
CREATE TRIGGER accounts_audit AFTER INSERT OR UPDATE OR DELETE ON accounts
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE VIEW recent_changes AS
    SELECT table_name, operation, changed_at, changed_by
    FROM audit_log WHERE changed_at > now() - interval '1 day';
REVOKE ALL ON audit_log FROM PUBLIC;
GRANT SELECT ON audit_log, recent_changes TO app_admin;
GRANT INSERT ON audit_log TO app_service;
COMMENT ON TABLE audit_log IS 'append-only: no role may update or delete';
