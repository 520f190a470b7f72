-- Functions added: an SQL function and a PL/pgSQL function.
-- From: PostgreSQL docs, "38.5. Query Language (SQL) Functions" (add_em)
-- and "43.3. Declarations" (sales_tax).
-- @a
CREATE TABLE emp (
    name text PRIMARY KEY,
    salary numeric,
    age integer
);
-- @b
CREATE TABLE emp (
    name text PRIMARY KEY,
    salary numeric,
    age integer
);
CREATE FUNCTION add_em(x integer, y integer) RETURNS integer
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT x + y; $$;
CREATE FUNCTION sales_tax(subtotal real) RETURNS real AS $$
BEGIN
    RETURN subtotal * 0.06;
END;
$$ LANGUAGE plpgsql;
CREATE FUNCTION double_salary(emp) RETURNS numeric AS $$
    SELECT $1.salary * 2 AS salary;
$$ LANGUAGE SQL;
