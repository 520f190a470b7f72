-- An extension updated to a newer version (hstore 1.7 -> 1.8), with a
-- column of its type.
-- From: PostgreSQL docs, "F.18. hstore"; a product catalog keeping free
-- attributes in hstore.
-- @a
CREATE EXTENSION hstore VERSION '1.7';
CREATE TABLE items (
    id bigint PRIMARY KEY,
    attrs hstore NOT NULL DEFAULT ''
);
-- @b
CREATE EXTENSION hstore VERSION '1.8';
CREATE TABLE items (
    id bigint PRIMARY KEY,
    attrs hstore NOT NULL DEFAULT ''
);
