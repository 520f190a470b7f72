-- ICU collations added: a case-insensitive (nondeterministic) one and a
-- German phone book order, used by columns.
-- From: PostgreSQL docs, "24.2.2.3. ICU Collations" and "24.2.2.4.
-- Nondeterministic Collations".
-- @a
CREATE TABLE contacts (
    id integer PRIMARY KEY,
    last_name text,
    email text
);
-- @b
CREATE COLLATION case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE COLLATION german_phonebook (provider = icu, locale = 'de-u-co-phonebk');
CREATE TABLE contacts (
    id integer PRIMARY KEY,
    last_name text COLLATE german_phonebook,
    email text COLLATE case_insensitive
);
