-- A rule's action changed (CREATE OR REPLACE RULE), and a rule dropped.
-- From: PostgreSQL docs, "41.4. Rules on INSERT, UPDATE, and DELETE" (the
-- shoelace_upd and shoelace_del rules).
-- @a
CREATE TABLE shoelace_data (
    sl_name text PRIMARY KEY,
    sl_avail integer,
    sl_color text
);
CREATE VIEW shoelace AS
    SELECT sl_name, sl_avail, sl_color FROM shoelace_data;
CREATE RULE shoelace_upd AS ON UPDATE TO shoelace
    DO INSTEAD
    UPDATE shoelace_data
       SET sl_name = NEW.sl_name,
           sl_avail = NEW.sl_avail,
           sl_color = NEW.sl_color
     WHERE sl_name = OLD.sl_name;
CREATE RULE shoelace_del AS ON DELETE TO shoelace
    DO INSTEAD
    DELETE FROM shoelace_data
     WHERE sl_name = OLD.sl_name;
-- @b
CREATE TABLE shoelace_data (
    sl_name text PRIMARY KEY,
    sl_avail integer,
    sl_color text
);
CREATE VIEW shoelace AS
    SELECT sl_name, sl_avail, sl_color FROM shoelace_data;
CREATE RULE shoelace_upd AS ON UPDATE TO shoelace
    DO INSTEAD
    UPDATE shoelace_data
       SET sl_avail = NEW.sl_avail,
           sl_color = NEW.sl_color
     WHERE sl_name = OLD.sl_name;
