-- FORCE ROW LEVEL SECURITY (the table owner is subject to policies too),
-- and row level security disabled on another table.
-- From: PostgreSQL docs, "ALTER TABLE ... FORCE ROW LEVEL SECURITY".
-- @a
CREATE TABLE notes (
    id integer PRIMARY KEY,
    owner_name text NOT NULL DEFAULT current_user,
    body text
);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_owner ON notes USING (owner_name = current_user);
CREATE TABLE public_notes (
    id integer PRIMARY KEY,
    body text
);
ALTER TABLE public_notes ENABLE ROW LEVEL SECURITY;
-- @b
CREATE TABLE notes (
    id integer PRIMARY KEY,
    owner_name text NOT NULL DEFAULT current_user,
    body text
);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes FORCE ROW LEVEL SECURITY;
CREATE POLICY notes_owner ON notes USING (owner_name = current_user);
CREATE TABLE public_notes (
    id integer PRIMARY KEY,
    body text
);
