-- A constraint trigger, DEFERRABLE INITIALLY DEFERRED, checking a rule at
-- commit.
-- From: PostgreSQL docs, "CREATE TRIGGER ... CONSTRAINT"; an accounting
-- rule that a journal entry's lines balance.
-- @a
CREATE TABLE journal_lines (
    entry_id integer NOT NULL,
    account text NOT NULL,
    amount numeric NOT NULL
);
-- @b
CREATE TABLE journal_lines (
    entry_id integer NOT NULL,
    account text NOT NULL,
    amount numeric NOT NULL
);
CREATE FUNCTION check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT sum(amount) FROM journal_lines WHERE entry_id = NEW.entry_id) <> 0 THEN
        RAISE EXCEPTION 'journal entry % does not balance', NEW.entry_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER journal_balanced
    AFTER INSERT OR UPDATE ON journal_lines
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION check_entry_balanced();
