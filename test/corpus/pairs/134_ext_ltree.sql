-- ltree for a category tree: the extension, a column and a GiST index.
-- From: PostgreSQL docs, "F.23. ltree" (the test table and its indexes).
-- @a
CREATE TABLE test (
    id integer PRIMARY KEY,
    label text
);
-- @b
CREATE EXTENSION ltree;
CREATE TABLE test (
    id integer PRIMARY KEY,
    label text,
    path ltree
);
CREATE INDEX path_gist_idx ON test USING GIST (path);
CREATE INDEX path_idx ON test USING BTREE (path);
