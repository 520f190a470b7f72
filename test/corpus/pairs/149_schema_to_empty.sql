-- Everything removed: b is empty.  An empty desired state is refused on
-- purpose (it would drop every object, most likely by mistake).
-- From: a project being decommissioned.
-- @a
CREATE TABLE leftovers (
    id integer PRIMARY KEY,
    note text
);
CREATE INDEX leftovers_note ON leftovers (note);
-- @b
