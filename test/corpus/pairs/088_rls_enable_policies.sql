-- Row level security enabled on a table, with policies for a role.
-- From: PostgreSQL docs, "5.8. Row Security Policies" (the accounts and
-- managers example).
-- @a
CREATE TABLE accounts (
    manager text,
    company text,
    contact_email text
);
-- @b
CREATE TABLE accounts (
    manager text,
    company text,
    contact_email text
);
ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY account_managers ON accounts TO app_admin
    USING (manager = current_user);
CREATE POLICY account_readers ON accounts FOR SELECT TO app_reader
    USING (true);
