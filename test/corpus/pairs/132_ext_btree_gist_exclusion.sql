-- btree_gist added so that an exclusion constraint can mix equality on a
-- scalar with overlap on a range: no double booking of a room.
-- From: PostgreSQL docs, "F.8. btree_gist" (the zoo cages example) and
-- "8.17.10. Constraints on Ranges".
-- @a
CREATE TABLE room_reservation (
    room text,
    during tsrange
);
-- @b
CREATE EXTENSION btree_gist;
CREATE TABLE room_reservation (
    room text,
    during tsrange,
    EXCLUDE USING GIST (room WITH =, during WITH &&)
);
