-- A rule added to a view (CREATE RULE ... DO INSTEAD), making it writable
-- the old way.
-- From: PostgreSQL docs, "41.4. Rules on INSERT, UPDATE, and DELETE" (the
-- shoelace example).
-- @a
CREATE TABLE shoelace_data (
    sl_name text PRIMARY KEY,
    sl_avail integer,
    sl_color text,
    sl_len real,
    sl_unit text
);
CREATE VIEW shoelace AS
    SELECT s.sl_name, s.sl_avail, s.sl_color, s.sl_len, s.sl_unit
    FROM shoelace_data s;
-- @b
CREATE TABLE shoelace_data (
    sl_name text PRIMARY KEY,
    sl_avail integer,
    sl_color text,
    sl_len real,
    sl_unit text
);
CREATE VIEW shoelace AS
    SELECT s.sl_name, s.sl_avail, s.sl_color, s.sl_len, s.sl_unit
    FROM shoelace_data s;
CREATE TABLE shoelace_log (
    sl_name text,
    sl_avail integer,
    log_who text,
    log_when timestamp
);
CREATE RULE log_shoelace AS ON UPDATE TO shoelace_data
    WHERE NEW.sl_avail <> OLD.sl_avail
    DO INSERT INTO shoelace_log VALUES (NEW.sl_name, NEW.sl_avail, current_user, current_timestamp);
CREATE RULE shoelace_ins AS ON INSERT TO shoelace
    DO INSTEAD
    INSERT INTO shoelace_data VALUES (NEW.sl_name, NEW.sl_avail, NEW.sl_color, NEW.sl_len, NEW.sl_unit);
