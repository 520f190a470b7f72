-- View options: WITH CHECK OPTION, security_barrier, security_invoker
-- (PostgreSQL 15).
-- From: PostgreSQL docs, "CREATE VIEW" (updatable views, check options) and
-- "41.5. Rules and Privileges".
-- @a
CREATE TABLE films (
    code char(5) PRIMARY KEY,
    title varchar(40) NOT NULL,
    kind varchar(10)
);
CREATE VIEW comedies AS
    SELECT * FROM films WHERE kind = 'Comedy';
CREATE VIEW film_titles AS
    SELECT code, title FROM films;
-- @b
CREATE TABLE films (
    code char(5) PRIMARY KEY,
    title varchar(40) NOT NULL,
    kind varchar(10)
);
CREATE VIEW comedies AS
    SELECT * FROM films WHERE kind = 'Comedy'
    WITH LOCAL CHECK OPTION;
CREATE VIEW film_titles WITH (security_barrier = true, security_invoker = true) AS
    SELECT code, title FROM films;
