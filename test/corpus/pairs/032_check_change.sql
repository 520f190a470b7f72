-- A check constraint's expression changed under the same name, and a
-- NO INHERIT check.
-- From: a reservations table whose party size limit grew.
-- @a
CREATE TABLE reservations (
    id integer PRIMARY KEY,
    party_size integer NOT NULL,
    CONSTRAINT party_size_range CHECK (party_size BETWEEN 1 AND 8)
);
-- @b
CREATE TABLE reservations (
    id integer PRIMARY KEY,
    party_size integer NOT NULL,
    CONSTRAINT party_size_range CHECK (party_size BETWEEN 1 AND 20),
    CONSTRAINT reservations_only_here CHECK (id > 0) NO INHERIT
);
