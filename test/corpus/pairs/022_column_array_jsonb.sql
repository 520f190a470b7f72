-- Array and json columns: a comma-separated text column becomes text[]
-- (an explicit cast, no assignment cast), json -> jsonb, a new int[] with
-- an empty-array default.
-- From: PostgreSQL docs, "8.14. JSON Types" and "8.15. Arrays"; a profile
-- table moving its settings to jsonb.
-- @a
CREATE TABLE profiles (
    user_id bigint PRIMARY KEY,
    tags text,
    settings json
);
-- @b
CREATE TABLE profiles (
    user_id bigint PRIMARY KEY,
    tags text[],
    settings jsonb NOT NULL DEFAULT '{}',
    favourite_ids integer[] NOT NULL DEFAULT '{}'
);
