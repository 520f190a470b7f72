-- A materialized view added, with a unique index so that it can be
-- refreshed concurrently, and one created WITH NO DATA.
-- From: PostgreSQL docs, "41.3. Materialized Views" (sales_summary).
-- @a
CREATE TABLE invoice (
    invoice_no integer PRIMARY KEY,
    seller_no integer,
    invoice_date date,
    invoice_amt numeric(13,2)
);
-- @b
CREATE TABLE invoice (
    invoice_no integer PRIMARY KEY,
    seller_no integer,
    invoice_date date,
    invoice_amt numeric(13,2)
);
CREATE MATERIALIZED VIEW sales_summary AS
    SELECT seller_no, invoice_date, sum(invoice_amt)::numeric(13,2) AS sales_amt
    FROM invoice
    WHERE invoice_date < CURRENT_DATE
    GROUP BY seller_no, invoice_date;
CREATE UNIQUE INDEX sales_summary_seller ON sales_summary (seller_no, invoice_date);
CREATE MATERIALIZED VIEW seller_list AS
    SELECT DISTINCT seller_no FROM invoice
    WITH NO DATA;
