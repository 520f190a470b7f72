-- UNIQUE NULLS NOT DISTINCT (PostgreSQL 15): one row with a NULL at most.
-- From: PostgreSQL docs, "5.4.3. Unique Constraints"; an address book where
-- one address per person may lack a label.
-- @a
CREATE TABLE addresses (
    person_id integer NOT NULL,
    label text,
    line1 text NOT NULL,
    UNIQUE (person_id, label)
);
-- @b
CREATE TABLE addresses (
    person_id integer NOT NULL,
    label text,
    line1 text NOT NULL,
    UNIQUE NULLS NOT DISTINCT (person_id, label)
);
