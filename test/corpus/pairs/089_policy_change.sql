-- A policy's USING and WITH CHECK expressions changed, and its roles.
-- From: PostgreSQL docs, "5.8. Row Security Policies" (the passwd example:
-- user_mod, all_view).
-- @a
CREATE TABLE passwd (
    user_name text UNIQUE NOT NULL,
    pwhash text,
    uid int PRIMARY KEY,
    shell text NOT NULL
);
ALTER TABLE passwd ENABLE ROW LEVEL SECURITY;
CREATE POLICY all_view ON passwd FOR SELECT USING (true);
CREATE POLICY user_mod ON passwd FOR UPDATE
    USING (current_user = user_name);
-- @b
CREATE TABLE passwd (
    user_name text UNIQUE NOT NULL,
    pwhash text,
    uid int PRIMARY KEY,
    shell text NOT NULL
);
ALTER TABLE passwd ENABLE ROW LEVEL SECURITY;
CREATE POLICY all_view ON passwd FOR SELECT TO app_reader, app_writer USING (true);
CREATE POLICY user_mod ON passwd FOR UPDATE
    USING (current_user = user_name)
    WITH CHECK (
        current_user = user_name AND
        shell IN ('/bin/bash', '/bin/sh', '/bin/dash', '/bin/zsh', '/bin/tcsh')
    );
