-- Subscription billing, release 2: plans with prices in cents, invoices
-- numbered from a sequence that starts higher than before, invoice lines,
-- a sequence-backed invoice number default, a credit balance procedure,
-- an unlogged table for webhook deduplication.
-- From: a SaaS billing module.
-- @a
CREATE SEQUENCE invoice_number_seq START 1000;
CREATE TABLE plans (
    code text PRIMARY KEY,
    monthly_price numeric NOT NULL
);
CREATE TABLE subscriptions (
    id bigint PRIMARY KEY,
    plan_code text NOT NULL REFERENCES plans (code),
    started_on date NOT NULL
);
CREATE TABLE invoices (
    id bigint PRIMARY KEY,
    subscription_id bigint NOT NULL REFERENCES subscriptions (id),
    number bigint NOT NULL DEFAULT nextval('invoice_number_seq'),
    total numeric NOT NULL
);
-- @b
CREATE SEQUENCE invoice_number_seq START 500000 MINVALUE 500000;
CREATE TABLE plans (
    code text PRIMARY KEY,
    monthly_price_cents bigint NOT NULL CHECK (monthly_price_cents >= 0),
    yearly_price_cents bigint
);
CREATE TABLE subscriptions (
    id bigint PRIMARY KEY,
    plan_code text NOT NULL REFERENCES plans (code) ON UPDATE CASCADE,
    started_on date NOT NULL,
    cancelled_on date,
    credit_cents bigint NOT NULL DEFAULT 0,
    CHECK (cancelled_on IS NULL OR cancelled_on >= started_on)
);
CREATE TABLE invoices (
    id bigint PRIMARY KEY,
    subscription_id bigint NOT NULL REFERENCES subscriptions (id),
    number bigint NOT NULL UNIQUE DEFAULT nextval('invoice_number_seq'),
    total_cents bigint NOT NULL,
    issued_on date NOT NULL DEFAULT current_date
);
CREATE TABLE invoice_lines (
    invoice_id bigint NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    line_no integer NOT NULL,
    description text NOT NULL,
    amount_cents bigint NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);
CREATE UNLOGGED TABLE webhook_events_seen (
    event_id text PRIMARY KEY,
    seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE PROCEDURE add_credit(p_subscription bigint, p_cents bigint)
LANGUAGE sql AS $$
    UPDATE subscriptions SET credit_cents = credit_cents + p_cents WHERE id = p_subscription;
$$;
