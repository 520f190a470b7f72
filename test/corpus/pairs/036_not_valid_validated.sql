-- Constraints that were NOT VALID are validated (the second step of the
-- NOT VALID recipe).
-- From: PostgreSQL docs, "ALTER TABLE ... VALIDATE CONSTRAINT".
-- @a
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
-- @b
CREATE TABLE authors (
    id integer PRIMARY KEY
);
CREATE TABLE books (
    id integer PRIMARY KEY,
    author_id integer,
    pages integer
);
ALTER TABLE books ADD CONSTRAINT books_author_fk FOREIGN KEY (author_id) REFERENCES authors (id);
ALTER TABLE books ADD CONSTRAINT books_pages_positive CHECK (pages > 0);
