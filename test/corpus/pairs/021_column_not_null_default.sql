-- A NOT NULL column with a default added to a table, and a default plus
-- NOT NULL added to an existing column at once.
-- From: a users table that gains a locale and a mandatory status.
-- @a
CREATE TABLE users (
    id bigint PRIMARY KEY,
    email text NOT NULL,
    status text
);
-- @b
CREATE TABLE users (
    id bigint PRIMARY KEY,
    email text NOT NULL,
    status text NOT NULL DEFAULT 'active',
    locale text NOT NULL DEFAULT 'en'
);
