-- An online shop, release 2: money as numeric(12,2) with a currency,
-- stock with a check, an order status history table, a discount code
-- table with a partial unique index, an order total function, prices
-- history partitioned by year.
-- From: a typical e-commerce schema.
-- @a
CREATE TABLE customers (
    id bigserial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name text NOT NULL
);
CREATE TABLE products (
    id bigserial PRIMARY KEY,
    sku text NOT NULL UNIQUE,
    name text NOT NULL,
    price numeric NOT NULL,
    stock integer NOT NULL DEFAULT 0
);
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    status text NOT NULL DEFAULT 'new',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE order_lines (
    order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id bigint NOT NULL REFERENCES products (id),
    quantity integer NOT NULL,
    unit_price numeric NOT NULL,
    PRIMARY KEY (order_id, product_id)
);
-- @b
CREATE TABLE customers (
    id bigserial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name text NOT NULL,
    phone text
);
CREATE TABLE products (
    id bigserial PRIMARY KEY,
    sku text NOT NULL UNIQUE,
    name text NOT NULL,
    price numeric(12,2) NOT NULL CHECK (price >= 0),
    currency char(3) NOT NULL DEFAULT 'EUR',
    stock integer NOT NULL DEFAULT 0 CHECK (stock >= 0)
);
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'paid', 'shipped', 'cancelled')),
    discount_code text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer ON orders (customer_id, created_at DESC);
CREATE TABLE order_lines (
    order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id bigint NOT NULL REFERENCES products (id),
    quantity integer NOT NULL CHECK (quantity > 0),
    unit_price numeric(12,2) NOT NULL,
    PRIMARY KEY (order_id, product_id)
);
CREATE TABLE order_status_history (
    order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    status text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE discount_codes (
    code text PRIMARY KEY,
    percent integer NOT NULL CHECK (percent BETWEEN 1 AND 90),
    active boolean NOT NULL DEFAULT true,
    campaign text
);
CREATE UNIQUE INDEX discount_codes_one_active_campaign ON discount_codes (campaign) WHERE active;
CREATE TABLE price_history (
    product_id bigint NOT NULL,
    valid_from date NOT NULL,
    price numeric(12,2) NOT NULL
) PARTITION BY RANGE (valid_from);
CREATE TABLE price_history_2025 PARTITION OF price_history FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE price_history_2026 PARTITION OF price_history FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE FUNCTION order_total(p_order bigint) RETURNS numeric LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(quantity * unit_price), 0) FROM order_lines WHERE order_id = p_order;
$$;
GRANT SELECT ON products TO app_reader;
GRANT SELECT, INSERT, UPDATE ON orders, order_lines TO app_writer;
