-- A DO ALSO rule that sends a NOTIFY, and a DO INSTEAD NOTHING rule that
-- makes a table append-only.
-- From: PostgreSQL docs, "CREATE RULE" (notify_me) and "41.4.1. How Update
-- Rules Work".
-- @a
CREATE TABLE mytable (
    id integer PRIMARY KEY,
    v text
);
CREATE TABLE ledger (
    id integer PRIMARY KEY,
    amount numeric NOT NULL
);
-- @b
CREATE TABLE mytable (
    id integer PRIMARY KEY,
    v text
);
CREATE TABLE ledger (
    id integer PRIMARY KEY,
    amount numeric NOT NULL
);
CREATE RULE notify_me AS ON UPDATE TO mytable DO ALSO NOTIFY mytable;
CREATE RULE ledger_no_delete AS ON DELETE TO ledger DO INSTEAD NOTHING;
CREATE RULE ledger_no_update AS ON UPDATE TO ledger DO INSTEAD NOTHING;
