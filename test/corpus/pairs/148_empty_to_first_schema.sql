-- The first revision of a project: a is empty, b is a small schema (a
-- sequence, a table, a view, a function).
-- From: a to-do list application's first schema.sql.
-- @a
-- @b
CREATE TABLE todos (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title text NOT NULL,
    done boolean NOT NULL DEFAULT false,
    due date
);
CREATE VIEW overdue AS
    SELECT id, title, due FROM todos WHERE NOT done AND due < current_date;
CREATE FUNCTION complete(p_id bigint) RETURNS void LANGUAGE sql AS $$
    UPDATE todos SET done = true WHERE id = p_id;
$$;
