-- A table removed: a legacy sessions table replaced by a store outside the
-- database.
-- From: a web application moving its sessions to a cache.
-- @a
CREATE TABLE users (
    id bigint PRIMARY KEY,
    login text NOT NULL UNIQUE
);
CREATE TABLE web_sessions (
    token text PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id),
    expires_at timestamptz NOT NULL
);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);
-- @b
CREATE TABLE users (
    id bigint PRIMARY KEY,
    login text NOT NULL UNIQUE
);
