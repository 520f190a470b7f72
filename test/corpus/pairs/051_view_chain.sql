-- A chain of views (a view over a view) where the bottom one changes.
-- From: a sales dashboard: monthly totals over a cleaned-up view.
-- @a
CREATE TABLE payments (
    id integer PRIMARY KEY,
    paid_at timestamptz NOT NULL,
    amount numeric NOT NULL,
    refunded boolean NOT NULL DEFAULT false
);
CREATE VIEW good_payments AS
    SELECT id, paid_at, amount FROM payments;
CREATE VIEW monthly_revenue AS
    SELECT date_trunc('month', paid_at) AS month, sum(amount) AS revenue
    FROM good_payments GROUP BY 1;
-- @b
CREATE TABLE payments (
    id integer PRIMARY KEY,
    paid_at timestamptz NOT NULL,
    amount numeric NOT NULL,
    refunded boolean NOT NULL DEFAULT false
);
CREATE VIEW good_payments AS
    SELECT id, paid_at, amount FROM payments WHERE NOT refunded;
CREATE VIEW monthly_revenue AS
    SELECT date_trunc('month', paid_at) AS month, sum(amount) AS revenue
    FROM good_payments GROUP BY 1;
