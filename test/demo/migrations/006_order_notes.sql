-- 006: reviewed as offline SQL, then deployed with the committing procedure.
SELECT migrate_add(
  id      => '006_order_notes',
  message => 'add order notes',
  revises => '{005_countries}',
  up      => $up$
    ALTER TABLE orders ADD COLUMN note text;
    COMMENT ON COLUMN orders.note IS 'free text from the customer';
  $up$,
  down    => $down$
    ALTER TABLE orders DROP COLUMN note;
  $down$);
