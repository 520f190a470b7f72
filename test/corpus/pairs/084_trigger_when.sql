-- Triggers with a WHEN condition: added, and changed.
-- From: PostgreSQL docs, "CREATE TRIGGER" (check_update WHEN
-- (OLD.balance IS DISTINCT FROM NEW.balance), log_update).
-- @a
CREATE TABLE accounts (
    id integer PRIMARY KEY,
    balance numeric NOT NULL DEFAULT 0
);
CREATE FUNCTION check_account_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.balance < 0 THEN
        RAISE EXCEPTION 'balance of account % would go negative', NEW.id;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER check_update
    BEFORE UPDATE ON accounts
    FOR EACH ROW
    EXECUTE FUNCTION check_account_update();
-- @b
CREATE TABLE accounts (
    id integer PRIMARY KEY,
    balance numeric NOT NULL DEFAULT 0
);
CREATE FUNCTION check_account_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.balance < 0 THEN
        RAISE EXCEPTION 'balance of account % would go negative', NEW.id;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER check_update
    BEFORE UPDATE ON accounts
    FOR EACH ROW
    WHEN (OLD.balance IS DISTINCT FROM NEW.balance)
    EXECUTE FUNCTION check_account_update();
CREATE TRIGGER check_insert
    BEFORE INSERT ON accounts
    FOR EACH ROW
    WHEN (NEW.balance <> 0)
    EXECUTE FUNCTION check_account_update();
