-- A UNIQUE constraint with INCLUDE columns (a covering index), and a
-- change of its included columns.
-- From: PostgreSQL docs, "11.9. Index-Only Scans and Covering Indexes".
-- @a
CREATE TABLE accounts (
    id bigint PRIMARY KEY,
    username text NOT NULL,
    display_name text,
    avatar_url text,
    CONSTRAINT accounts_username_key UNIQUE (username) INCLUDE (display_name)
);
-- @b
CREATE TABLE accounts (
    id bigint PRIMARY KEY,
    username text NOT NULL,
    display_name text,
    avatar_url text,
    CONSTRAINT accounts_username_key UNIQUE (username) INCLUDE (display_name, avatar_url),
    CONSTRAINT accounts_id_name UNIQUE (id) INCLUDE (username)
);
