-- Triggers disabled, and one set to fire only for replication (ENABLE
-- REPLICA) and one ALWAYS.
-- From: PostgreSQL docs, "ALTER TABLE ... DISABLE / ENABLE [ REPLICA |
-- ALWAYS ] TRIGGER"; a table replicated with logical replication.
-- @a
CREATE TABLE items (
    id integer PRIMARY KEY,
    name text,
    changed_at timestamptz
);
CREATE FUNCTION items_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed_at := now();
    RETURN NEW;
END;
$$;
CREATE TRIGGER items_a BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION items_changed();
CREATE TRIGGER items_b BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION items_changed();
CREATE TRIGGER items_c BEFORE DELETE ON items FOR EACH ROW EXECUTE FUNCTION items_changed();
-- @b
CREATE TABLE items (
    id integer PRIMARY KEY,
    name text,
    changed_at timestamptz
);
CREATE FUNCTION items_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed_at := now();
    RETURN NEW;
END;
$$;
CREATE TRIGGER items_a BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION items_changed();
CREATE TRIGGER items_b BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION items_changed();
CREATE TRIGGER items_c BEFORE DELETE ON items FOR EACH ROW EXECUTE FUNCTION items_changed();
ALTER TABLE items DISABLE TRIGGER items_a;
ALTER TABLE items ENABLE REPLICA TRIGGER items_b;
ALTER TABLE items ENABLE ALWAYS TRIGGER items_c;
