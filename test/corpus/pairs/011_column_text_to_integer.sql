-- Type changes that need an explicit cast: text -> integer, text -> date,
-- integer -> boolean.
-- From: a spreadsheet import whose columns were all text at first.
-- @a
CREATE TABLE imported (
    id integer PRIMARY KEY,
    quantity text,
    delivered text,
    archived integer DEFAULT 0
);
-- @b
CREATE TABLE imported (
    id integer PRIMARY KEY,
    quantity integer,
    delivered date,
    archived boolean
);
