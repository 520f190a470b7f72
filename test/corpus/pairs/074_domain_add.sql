-- Domains added and used by columns: a US postal code and a positive
-- amount.
-- From: PostgreSQL docs, "8.18. Domain Types" and "CREATE DOMAIN"
-- (us_postal_code).
-- @a
CREATE TABLE us_snail_addy (
    address_id serial PRIMARY KEY,
    street1 text NOT NULL,
    city text NOT NULL,
    postal text NOT NULL
);
-- @b
CREATE DOMAIN us_postal_code AS TEXT
CHECK (
    VALUE ~ '^\d{5}$'
    OR VALUE ~ '^\d{5}-\d{4}$'
);
CREATE DOMAIN positive_amount AS numeric(12,2) CHECK (VALUE > 0);
CREATE TABLE us_snail_addy (
    address_id serial PRIMARY KEY,
    street1 text NOT NULL,
    city text NOT NULL,
    postal us_postal_code NOT NULL,
    parcel_value positive_amount
);
