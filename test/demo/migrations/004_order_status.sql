-- 004, first attempt: the UPDATE on line 3 of the script names a column that
-- does not exist, so the push fails and rolls back as a whole.
SELECT migrate_add(
  id      => '004_order_status',
  message => 'add order status',
  revises => '{003_create_orders}',
  up      => $up$
    ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';
    UPDATE orders SET status = 'paid' WHERE paid_at IS NOT NULL;
  $up$,
  down    => $down$
    ALTER TABLE orders DROP COLUMN status;
  $down$);
