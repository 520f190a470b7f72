-- A primary key added to a table that had none, and a composite one to a
-- link table.
-- From: PostgreSQL docs, "5.4.4. Primary Keys".
-- @a
CREATE TABLE suppliers (
    id integer NOT NULL,
    name text
);
CREATE TABLE supplier_parts (
    supplier_id integer NOT NULL,
    part_no text NOT NULL
);
-- @b
CREATE TABLE suppliers (
    id integer NOT NULL PRIMARY KEY,
    name text
);
CREATE TABLE supplier_parts (
    supplier_id integer NOT NULL,
    part_no text NOT NULL,
    CONSTRAINT supplier_parts_pk PRIMARY KEY (supplier_id, part_no)
);
