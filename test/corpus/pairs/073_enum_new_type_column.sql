-- A new enum type and a column of it with a default, replacing a text
-- column with a check constraint.
-- From: a subscription plan stored as text, moved to an enum.
-- @a
CREATE TABLE subscriptions (
    id integer PRIMARY KEY,
    plan text NOT NULL DEFAULT 'free' CHECK (plan IN ('free', 'pro', 'team'))
);
-- @b
CREATE TYPE plan_kind AS ENUM ('free', 'pro', 'team');
CREATE TABLE subscriptions (
    id integer PRIMARY KEY,
    plan plan_kind NOT NULL DEFAULT 'free'
);
