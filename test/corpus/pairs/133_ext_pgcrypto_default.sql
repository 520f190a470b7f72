-- pgcrypto added: password hashes computed with crypt() in a function, and
-- a random token default using gen_random_bytes().
-- From: PostgreSQL docs, "F.28. pgcrypto" (crypt, gen_salt).
-- @a
CREATE TABLE accounts (
    id bigint PRIMARY KEY,
    login text NOT NULL UNIQUE,
    password_hash text
);
-- @b
CREATE EXTENSION pgcrypto;
CREATE TABLE accounts (
    id bigint PRIMARY KEY,
    login text NOT NULL UNIQUE,
    password_hash text,
    api_token text NOT NULL DEFAULT encode(gen_random_bytes(16), 'hex')
);
CREATE FUNCTION set_password(p_login text, p_password text) RETURNS void
LANGUAGE sql AS $$
    UPDATE accounts SET password_hash = crypt(p_password, gen_salt('bf')) WHERE login = p_login;
$$;
