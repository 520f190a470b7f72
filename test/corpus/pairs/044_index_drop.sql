-- Indexes dropped: a duplicate of the primary key and an unused one.
-- From: an index clean-up after reading pg_stat_user_indexes.
-- @a
CREATE TABLE sessions (
    id bigint PRIMARY KEY,
    user_id bigint NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX sessions_id_dup ON sessions (id);
CREATE INDEX sessions_created ON sessions (created_at);
CREATE INDEX sessions_user ON sessions (user_id);
-- @b
CREATE TABLE sessions (
    id bigint PRIMARY KEY,
    user_id bigint NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
