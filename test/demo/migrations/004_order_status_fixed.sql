-- 004, fixed: the revision was never applied, so registering the same id
-- again replaces it (with a NOTICE).
SELECT migrate_add(
  id      => '004_order_status',
  message => 'add order status',
  revises => '{003_create_orders}',
  up      => $up$
    ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';
    ALTER TABLE orders ADD CONSTRAINT orders_status_check
      CHECK (status IN ('new', 'paid', 'shipped'));
  $up$,
  down    => $down$
    ALTER TABLE orders DROP COLUMN status;
  $down$);
