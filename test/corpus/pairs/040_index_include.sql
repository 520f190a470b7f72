-- A covering index with INCLUDE, and one whose INCLUDE list changes.
-- From: PostgreSQL docs, "11.9. Index-Only Scans and Covering Indexes".
-- @a
CREATE TABLE tab (
    x integer,
    y integer,
    z text
);
CREATE INDEX tab_x_y ON tab (x) INCLUDE (y);
-- @b
CREATE TABLE tab (
    x integer,
    y integer,
    z text
);
CREATE INDEX tab_x_y ON tab (x) INCLUDE (y, z);
CREATE UNIQUE INDEX tab_y_inc ON tab (y) INCLUDE (x);
