-- An authentication module, release 2: case-insensitive unique emails
-- (an expression index), password reset tokens with expiry, login
-- attempts with a BRIN index, a SECURITY DEFINER login check, MFA columns,
-- the password column hidden by column privileges.
-- From: a typical user accounts module.
-- @a
CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE sessions (
    token text PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL
);
GRANT SELECT ON users TO app_service;
-- @b
CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL,
    password_hash text NOT NULL,
    mfa_secret text,
    mfa_enabled boolean NOT NULL DEFAULT false,
    locked_until timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_ci ON users (lower(email));
CREATE TABLE sessions (
    token text PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    user_agent text
);
CREATE INDEX sessions_expiry ON sessions (expires_at);
CREATE TABLE password_resets (
    token text PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    CHECK (used_at IS NULL OR used_at <= expires_at)
);
CREATE TABLE login_attempts (
    user_id bigint REFERENCES users (id) ON DELETE SET NULL,
    attempted_at timestamptz NOT NULL DEFAULT now(),
    success boolean NOT NULL,
    ip inet
);
CREATE INDEX login_attempts_time ON login_attempts USING brin (attempted_at);
CREATE FUNCTION user_is_locked(p_user bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT coalesce(locked_until > now(), false) FROM users WHERE id = p_user;
$$;
REVOKE ALL ON FUNCTION user_is_locked(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION user_is_locked(bigint) TO app_service;
GRANT SELECT (id, email, mfa_enabled, locked_until, created_at) ON users TO app_service;
GRANT INSERT ON login_attempts TO app_service;
