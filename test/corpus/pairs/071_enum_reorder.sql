-- Enum labels reordered (no value added or removed): the type must be
-- rebuilt, and the column using it converted.
-- From: a severity enum whose order was wrong, so sorting by it was wrong.
-- @a
CREATE TYPE severity AS ENUM ('low', 'high', 'medium');
CREATE TABLE incidents (
    id integer PRIMARY KEY,
    severity severity NOT NULL
);
-- @b
CREATE TYPE severity AS ENUM ('low', 'medium', 'high');
CREATE TABLE incidents (
    id integer PRIMARY KEY,
    severity severity NOT NULL
);
