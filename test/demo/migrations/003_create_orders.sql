-- 003: a second table, with a foreign key; the file keeps the
-- BEGIN/COMMIT wrapper a hand-written script often has (migrate drops it).
SELECT migrate_add(
  id      => '003_create_orders',
  message => 'create orders',
  revises => '{002_add_email}',
  up      => $up$
    BEGIN;
    CREATE TABLE orders (
      id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      user_id bigint NOT NULL REFERENCES users (id),
      total   numeric(10,2) NOT NULL CHECK (total >= 0)
    );
    CREATE INDEX ix_orders_user ON orders (user_id);
    COMMIT;
  $up$,
  down    => $down$
    DROP TABLE orders;
  $down$);
