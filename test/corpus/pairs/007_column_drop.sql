-- Columns dropped, one of them carrying an index and a check constraint.
-- From: PostgreSQL docs, "5.6.2. Removing a Column"; a contacts table losing
-- its fax number.
-- @a
CREATE TABLE contacts (
    id integer PRIMARY KEY,
    name text NOT NULL,
    fax text CHECK (fax ~ '^[0-9 +]+$'),
    pager text
);
CREATE INDEX contacts_fax ON contacts (fax);
-- @b
CREATE TABLE contacts (
    id integer PRIMARY KEY,
    name text NOT NULL
);
