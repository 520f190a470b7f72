-- Column defaults added, changed and dropped.
-- From: PostgreSQL docs, "5.2. Default Values" and "5.6.5. Changing a
-- Column's Default Value".
-- @a
CREATE TABLE tickets (
    id integer PRIMARY KEY,
    status text DEFAULT 'new',
    priority integer,
    opened_at timestamptz DEFAULT now(),
    assignee text DEFAULT 'nobody'
);
-- @b
CREATE TABLE tickets (
    id integer PRIMARY KEY,
    status text DEFAULT 'open',
    priority integer DEFAULT 3,
    opened_at timestamptz DEFAULT statement_timestamp(),
    assignee text
);
