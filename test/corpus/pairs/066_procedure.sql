-- Procedures: one added (with COMMIT-free body), one whose body changes.
-- From: PostgreSQL docs, "CREATE PROCEDURE" (insert_data) and "38.4. User-
-- defined Procedures".
-- @a
CREATE TABLE tbl (
    v integer
);
CREATE PROCEDURE insert_data(a integer, b integer)
LANGUAGE sql
AS $$
INSERT INTO tbl VALUES (a);
INSERT INTO tbl VALUES (b);
$$;
-- @b
CREATE TABLE tbl (
    v integer
);
CREATE PROCEDURE insert_data(a integer, b integer)
LANGUAGE sql
AS $$
INSERT INTO tbl VALUES (a), (b);
$$;
CREATE PROCEDURE purge_negative()
LANGUAGE plpgsql
AS $$
BEGIN
    DELETE FROM tbl WHERE v < 0;
END;
$$;
