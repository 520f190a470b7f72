-- 001: the first revision of the demo schema.
-- A registration file: replaying it is a no-op once registered.
SELECT migrate_add(
  id      => '001_create_users',
  message => 'create users',
  revises => '{}',
  up      => $up$
    CREATE TABLE users (
      id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name   text NOT NULL,
      active boolean NOT NULL DEFAULT true
    );
  $up$,
  down    => $down$
    DROP TABLE users;
  $down$);
