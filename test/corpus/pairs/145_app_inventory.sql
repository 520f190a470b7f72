-- A warehouse inventory, release 2: locations as a tree (self foreign
-- key), stock per location with a generated value column, a low-stock
-- materialized view, a movement ledger with a deferred balance check,
-- quantities as a domain.
-- From: a warehouse management application.
-- @a
CREATE TABLE items (
    sku text PRIMARY KEY,
    name text NOT NULL,
    unit_cost numeric(10,2)
);
CREATE TABLE stock (
    sku text NOT NULL REFERENCES items (sku),
    location text NOT NULL,
    quantity integer NOT NULL,
    PRIMARY KEY (sku, location)
);
-- @b
CREATE DOMAIN qty AS integer CHECK (VALUE >= 0);
CREATE TABLE locations (
    code text PRIMARY KEY,
    parent_code text REFERENCES locations (code),
    kind text NOT NULL DEFAULT 'shelf'
);
CREATE TABLE items (
    sku text PRIMARY KEY,
    name text NOT NULL,
    unit_cost numeric(10,2) NOT NULL DEFAULT 0,
    reorder_level qty NOT NULL DEFAULT 10
);
CREATE TABLE stock (
    sku text NOT NULL REFERENCES items (sku),
    location text NOT NULL REFERENCES locations (code),
    quantity qty NOT NULL,
    unit_cost numeric(10,2) NOT NULL DEFAULT 0,
    value numeric GENERATED ALWAYS AS (quantity * unit_cost) STORED,
    PRIMARY KEY (sku, location)
);
CREATE TABLE movements (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku text NOT NULL,
    location text NOT NULL,
    delta integer NOT NULL CHECK (delta <> 0),
    moved_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (sku, location) REFERENCES stock (sku, location) DEFERRABLE INITIALLY DEFERRED
);
CREATE MATERIALIZED VIEW low_stock AS
    SELECT i.sku, i.name, sum(s.quantity) AS on_hand
    FROM items i JOIN stock s ON s.sku = i.sku
    GROUP BY i.sku, i.name, i.reorder_level
    HAVING sum(s.quantity) < i.reorder_level;
CREATE UNIQUE INDEX low_stock_sku ON low_stock (sku);
