-- Column collations changed: to "C" for codes compared byte by byte, and
-- back to the default.
-- From: PostgreSQL docs, "24.2. Collation Support".
-- @a
CREATE TABLE skus (
    code text PRIMARY KEY,
    title text COLLATE "C",
    brand text
);
-- @b
CREATE TABLE skus (
    code text COLLATE "C" PRIMARY KEY,
    title text,
    brand text COLLATE "POSIX"
);
