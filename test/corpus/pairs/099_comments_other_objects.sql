-- Comments on triggers, policies, sequences, views, materialized views and
-- rules.
-- From: PostgreSQL docs, "COMMENT" (ON TRIGGER, ON POLICY, ON SEQUENCE, ON
-- VIEW, ON RULE).
-- @a
CREATE SEQUENCE serial_no;
CREATE TABLE items (
    id integer PRIMARY KEY,
    owner_name text
);
CREATE FUNCTION items_noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER items_check BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION items_noop();
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
CREATE POLICY items_mine ON items USING (owner_name = current_user);
CREATE VIEW item_ids AS SELECT id FROM items;
CREATE MATERIALIZED VIEW item_count AS SELECT count(*) AS n FROM items;
CREATE RULE item_ids_del AS ON DELETE TO item_ids DO INSTEAD NOTHING;
-- @b
CREATE SEQUENCE serial_no;
CREATE TABLE items (
    id integer PRIMARY KEY,
    owner_name text
);
CREATE FUNCTION items_noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER items_check BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION items_noop();
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
CREATE POLICY items_mine ON items USING (owner_name = current_user);
CREATE VIEW item_ids AS SELECT id FROM items;
CREATE MATERIALIZED VIEW item_count AS SELECT count(*) AS n FROM items;
CREATE RULE item_ids_del AS ON DELETE TO item_ids DO INSTEAD NOTHING;
COMMENT ON SEQUENCE serial_no IS 'printed on the labels';
COMMENT ON TRIGGER items_check ON items IS 'placeholder for checks';
COMMENT ON POLICY items_mine ON items IS 'owners see their items';
COMMENT ON VIEW item_ids IS 'ids only';
COMMENT ON MATERIALIZED VIEW item_count IS 'refreshed nightly';
COMMENT ON RULE item_ids_del ON item_ids IS 'deletes through the view do nothing';
