-- pg_trgm added for fuzzy search: a GiST trigram index and a GIN one.
-- From: PostgreSQL docs, "F.35. pg_trgm" (Index Support).
-- @a
CREATE TABLE test_trgm (
    t text
);
CREATE TABLE words (
    word text
);
-- @b
CREATE EXTENSION pg_trgm;
CREATE TABLE test_trgm (
    t text
);
CREATE TABLE words (
    word text
);
CREATE INDEX trgm_idx ON test_trgm USING GIST (t gist_trgm_ops);
CREATE INDEX words_trgm_idx ON words USING GIN (word gin_trgm_ops);
