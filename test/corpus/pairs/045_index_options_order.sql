-- Index column order options and storage parameters: DESC NULLS LAST, a
-- fillfactor, and a text_pattern_ops operator class.
-- From: PostgreSQL docs, "11.4. Indexes and ORDER BY" and "11.10. Operator
-- Classes and Operator Families".
-- @a
CREATE TABLE articles (
    id integer PRIMARY KEY,
    slug text NOT NULL,
    published_at timestamptz
);
CREATE INDEX articles_published ON articles (published_at);
CREATE INDEX articles_slug ON articles (slug);
-- @b
CREATE TABLE articles (
    id integer PRIMARY KEY,
    slug text NOT NULL,
    published_at timestamptz
);
CREATE INDEX articles_published ON articles (published_at DESC NULLS LAST) WITH (fillfactor = 80);
CREATE INDEX articles_slug ON articles (slug text_pattern_ops);
