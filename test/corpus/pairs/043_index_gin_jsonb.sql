-- GIN indexes on jsonb (jsonb_path_ops) and on a full-text tsvector
-- expression.
-- From: PostgreSQL docs, "8.14.4. jsonb Indexing" and "12.2.2. Creating
-- Indexes".
-- @a
CREATE TABLE api (
    id integer PRIMARY KEY,
    jdoc jsonb
);
CREATE TABLE pgweb (
    id integer PRIMARY KEY,
    title text,
    body text
);
-- @b
CREATE TABLE api (
    id integer PRIMARY KEY,
    jdoc jsonb
);
CREATE TABLE pgweb (
    id integer PRIMARY KEY,
    title text,
    body text
);
CREATE INDEX idxginp ON api USING GIN (jdoc jsonb_path_ops);
CREATE INDEX idxgintags ON api USING GIN ((jdoc -> 'tags'));
CREATE INDEX pgweb_idx ON pgweb USING GIN (to_tsvector('english', title || ' ' || body));
