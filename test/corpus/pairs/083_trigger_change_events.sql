-- A trigger changed: it now fires on UPDATE OF some columns too, and
-- another moves from AFTER to BEFORE.
-- From: an updated_at trigger that missed updates.
-- @a
CREATE TABLE documents (
    id integer PRIMARY KEY,
    title text,
    body text,
    updated_at timestamptz
);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
CREATE FUNCTION note_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE 'document % changed', NEW.id;
    RETURN NEW;
END;
$$;
CREATE TRIGGER documents_touch BEFORE INSERT ON documents
    FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER documents_note AFTER UPDATE ON documents
    FOR EACH ROW EXECUTE FUNCTION note_change();
-- @b
CREATE TABLE documents (
    id integer PRIMARY KEY,
    title text,
    body text,
    updated_at timestamptz
);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
CREATE FUNCTION note_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE 'document % changed', NEW.id;
    RETURN NEW;
END;
$$;
CREATE TRIGGER documents_touch BEFORE INSERT OR UPDATE OF title, body ON documents
    FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER documents_note BEFORE UPDATE ON documents
    FOR EACH ROW EXECUTE FUNCTION note_change();
