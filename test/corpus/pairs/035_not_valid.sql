-- Constraints added NOT VALID, so that a big table is not scanned while
-- they are added (a foreign key and a check).
-- From: PostgreSQL docs, "ALTER TABLE ... ADD table_constraint [ NOT VALID ]".
-- @a
CREATE TABLE authors (
    id integer PRIMARY KEY
);
CREATE TABLE books (
    id integer PRIMARY KEY,
    author_id integer,
    pages integer
);
-- @b
CREATE TABLE authors (
    id integer PRIMARY KEY
);
CREATE TABLE books (
    id integer PRIMARY KEY,
    author_id integer,
    pages integer
);
ALTER TABLE books ADD CONSTRAINT books_author_fk FOREIGN KEY (author_id) REFERENCES authors (id) NOT VALID;
ALTER TABLE books ADD CONSTRAINT books_pages_positive CHECK (pages > 0) NOT VALID;
