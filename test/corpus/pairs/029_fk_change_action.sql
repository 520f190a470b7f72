-- A foreign key's actions and match type changed: NO ACTION -> CASCADE,
-- and MATCH SIMPLE -> MATCH FULL on a two-column key.
-- From: a comments table whose comments now go with their post.
-- @a
CREATE TABLE posts (
    id integer PRIMARY KEY,
    site_id integer NOT NULL,
    UNIQUE (site_id, id)
);
CREATE TABLE comments (
    id integer PRIMARY KEY,
    post_id integer,
    site_id integer,
    CONSTRAINT comments_post_fk FOREIGN KEY (post_id) REFERENCES posts (id),
    CONSTRAINT comments_site_post_fk FOREIGN KEY (site_id, post_id) REFERENCES posts (site_id, id)
);
-- @b
CREATE TABLE posts (
    id integer PRIMARY KEY,
    site_id integer NOT NULL,
    UNIQUE (site_id, id)
);
CREATE TABLE comments (
    id integer PRIMARY KEY,
    post_id integer,
    site_id integer,
    CONSTRAINT comments_post_fk FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT comments_site_post_fk FOREIGN KEY (site_id, post_id) REFERENCES posts (site_id, id) MATCH FULL
);
