-- A RESTRICTIVE policy added on top of permissive ones, and a policy for
-- INSERT only.
-- From: PostgreSQL docs, "5.8. Row Security Policies" (admin_local_only,
-- restrictive policies).
-- @a
CREATE TABLE documents (
    id integer PRIMARY KEY,
    owner_name text NOT NULL,
    tenant text NOT NULL,
    body text
);
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY documents_owner ON documents USING (owner_name = current_user);
-- @b
CREATE TABLE documents (
    id integer PRIMARY KEY,
    owner_name text NOT NULL,
    tenant text NOT NULL,
    body text
);
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY documents_owner ON documents USING (owner_name = current_user);
CREATE POLICY documents_tenant ON documents AS RESTRICTIVE
    USING (tenant = current_setting('app.tenant', true));
CREATE POLICY documents_insert ON documents FOR INSERT TO app_writer
    WITH CHECK (owner_name = current_user);
