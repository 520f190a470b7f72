-- An exclusion constraint on a range column: no two bookings of the same
-- room may overlap (GiST, no extension needed for a single range column).
-- From: PostgreSQL docs, "8.17.10. Constraints on Ranges".
-- @a
CREATE TABLE reservation (
    id integer PRIMARY KEY,
    during tsrange NOT NULL
);
-- @b
CREATE TABLE reservation (
    id integer PRIMARY KEY,
    during tsrange NOT NULL,
    EXCLUDE USING gist (during WITH &&)
);
CREATE TABLE maintenance_window (
    id integer PRIMARY KEY,
    slot tstzrange NOT NULL,
    CONSTRAINT maintenance_no_overlap EXCLUDE USING gist (slot WITH &&) WHERE (NOT isempty(slot))
);
