-- Constraints made DEFERRABLE INITIALLY DEFERRED (a circular pair of
-- foreign keys) and a unique constraint made DEFERRABLE.
-- From: PostgreSQL docs, "SET CONSTRAINTS"; a playlist whose positions are
-- swapped inside a transaction.
-- @a
CREATE TABLE departments (
    id integer PRIMARY KEY,
    manager_id integer
);
CREATE TABLE employees (
    id integer PRIMARY KEY,
    department_id integer NOT NULL REFERENCES departments (id)
);
ALTER TABLE departments ADD CONSTRAINT departments_manager_fk FOREIGN KEY (manager_id) REFERENCES employees (id);
CREATE TABLE playlist_items (
    playlist_id integer NOT NULL,
    position integer NOT NULL,
    track text NOT NULL,
    CONSTRAINT playlist_position UNIQUE (playlist_id, position)
);
-- @b
CREATE TABLE departments (
    id integer PRIMARY KEY,
    manager_id integer
);
CREATE TABLE employees (
    id integer PRIMARY KEY,
    department_id integer NOT NULL REFERENCES departments (id) DEFERRABLE INITIALLY DEFERRED
);
ALTER TABLE departments ADD CONSTRAINT departments_manager_fk FOREIGN KEY (manager_id) REFERENCES employees (id) DEFERRABLE INITIALLY DEFERRED;
CREATE TABLE playlist_items (
    playlist_id integer NOT NULL,
    position integer NOT NULL,
    track text NOT NULL,
    CONSTRAINT playlist_position UNIQUE (playlist_id, position) DEFERRABLE INITIALLY IMMEDIATE
);
