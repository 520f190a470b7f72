-- A self-referencing foreign key added to a tree of categories, with a
-- check that a node is not its own parent.
-- From: a shop's category tree.
-- @a
CREATE TABLE categories (
    id integer PRIMARY KEY,
    parent_id integer,
    name text NOT NULL
);
-- @b
CREATE TABLE categories (
    id integer PRIMARY KEY,
    parent_id integer REFERENCES categories (id) ON DELETE CASCADE,
    name text NOT NULL,
    CHECK (parent_id <> id)
);
CREATE INDEX categories_parent ON categories (parent_id);
