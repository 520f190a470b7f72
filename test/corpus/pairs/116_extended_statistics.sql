-- Extended statistics (CREATE STATISTICS) on correlated columns.
-- From: PostgreSQL docs, "14.2.2. Extended Statistics" (zip code and city
-- are functionally dependent).
-- @a
CREATE TABLE zipcodes (
    zip text PRIMARY KEY,
    city text,
    state text
);
-- @b
CREATE TABLE zipcodes (
    zip text PRIMARY KEY,
    city text,
    state text
);
CREATE STATISTICS zipcodes_deps (dependencies) ON city, state FROM zipcodes;
CREATE STATISTICS zipcodes_mcv (mcv, ndistinct) ON zip, city FROM zipcodes;
