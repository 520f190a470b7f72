-- citext for case-insensitive email addresses: the extension added and a
-- column's type changed to it.
-- From: PostgreSQL docs, "F.10. citext" (the users table).
-- @a
CREATE TABLE users (
    nick text PRIMARY KEY,
    pass text NOT NULL
);
-- @b
CREATE EXTENSION citext;
CREATE TABLE users (
    nick citext PRIMARY KEY,
    pass text NOT NULL
);
