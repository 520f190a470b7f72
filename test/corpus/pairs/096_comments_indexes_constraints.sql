-- Comments on indexes and constraints (table and domain constraints).
-- From: PostgreSQL docs, "COMMENT" (ON INDEX, ON CONSTRAINT ... ON table,
-- ON CONSTRAINT ... ON DOMAIN).
-- @a
CREATE DOMAIN rating AS integer CONSTRAINT rating_range CHECK (VALUE BETWEEN 1 AND 5);
CREATE TABLE reviews (
    id integer PRIMARY KEY,
    product text NOT NULL,
    stars rating,
    CONSTRAINT reviews_product_not_blank CHECK (product <> '')
);
CREATE INDEX reviews_product ON reviews (product);
-- @b
CREATE DOMAIN rating AS integer CONSTRAINT rating_range CHECK (VALUE BETWEEN 1 AND 5);
CREATE TABLE reviews (
    id integer PRIMARY KEY,
    product text NOT NULL,
    stars rating,
    CONSTRAINT reviews_product_not_blank CHECK (product <> '')
);
CREATE INDEX reviews_product ON reviews (product);
COMMENT ON INDEX reviews_product IS 'for the product page';
COMMENT ON INDEX reviews_pkey IS 'the primary key index';
COMMENT ON CONSTRAINT reviews_product_not_blank ON reviews IS 'empty names broke the feed';
COMMENT ON CONSTRAINT rating_range ON DOMAIN rating IS 'five stars at most';
