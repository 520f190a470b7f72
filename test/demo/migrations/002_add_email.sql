-- 002: the Alembic tutorial's change: add an email field with a unique index.
SELECT migrate_add(
  id      => '002_add_email',
  message => 'add email to users',
  revises => '{001_create_users}',
  up      => $up$
    ALTER TABLE users ADD COLUMN email text;
    CREATE UNIQUE INDEX ix_users_email ON users (email);
  $up$,
  down    => $down$
    DROP INDEX ix_users_email;
    ALTER TABLE users DROP COLUMN email;
  $down$);
