-- A collation redefined (another ICU locale under the same name) and one
-- dropped; a column that used it goes back to the default.
-- From: PostgreSQL docs, "CREATE COLLATION" and "24.2.2.3.2. ICU
-- Collations" (numeric ordering with kn).
-- @a
CREATE COLLATION natural_sort (provider = icu, locale = 'en-u-kn-false');
CREATE COLLATION legacy_order (provider = icu, locale = 'fr');
CREATE TABLE files (
    name text COLLATE natural_sort PRIMARY KEY,
    title text COLLATE legacy_order
);
-- @b
CREATE COLLATION natural_sort (provider = icu, locale = 'en-u-kn-true');
CREATE TABLE files (
    name text COLLATE natural_sort PRIMARY KEY,
    title text
);
