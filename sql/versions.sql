--
-- One rich schema, every kind the model covers, built the same way on every
-- PostgreSQL version the matrix runs (make test-all). This file has ONE
-- expected output for all of them: the DDL the diff engine generates from
-- the model, the fingerprint after applying it and the drift report must be
-- byte for byte the same on 15, 17 and 18. A fingerprint taken on one
-- version therefore equals one taken on another for the same schema, which
-- is what a DBA comparing an old primary with an upgraded copy relies on.
--
CREATE EXTENSION migrate;
SET client_min_messages = warning;
CREATE ROLE regress_versions_reader;
CREATE FOREIGN DATA WRAPPER regress_versions_fdw;
CREATE SERVER regress_versions_server FOREIGN DATA WRAPPER regress_versions_fdw;

-- the desired state, in its own schema
CREATE SCHEMA desired;
SET search_path = desired;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN posint AS integer DEFAULT 1 NOT NULL CHECK (VALUE > 0);
CREATE TYPE pair AS (a integer, b text);
CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE SEQUENCE ticket AS integer START 100 INCREMENT 10 MINVALUE 5 MAXVALUE 100000 CACHE 1 CYCLE;
CREATE FUNCTION add_one(a integer) RETURNS integer LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	AS $$ SELECT a + 1 $$;
CREATE TABLE users (
	id bigint GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5) PRIMARY KEY,
	email text COLLATE "C" NOT NULL,
	name varchar(80) DEFAULT 'anon',
	score numeric(10,2) NOT NULL CHECK (score >= 0),
	feeling mood DEFAULT 'ok',
	age posint,
	tags text[] DEFAULT '{}',
	meta jsonb DEFAULT '{"a": 1}'::jsonb,
	lower_email text GENERATED ALWAYS AS (lower(email)) STORED,
	active boolean NOT NULL DEFAULT true,
	CONSTRAINT users_email_key UNIQUE NULLS NOT DISTINCT (email),
	CONSTRAINT users_name_check CHECK (name <> '') NOT VALID
);
CREATE TABLE posts (
	id serial PRIMARY KEY,
	user_id bigint REFERENCES users (id) ON DELETE CASCADE,
	editor_id bigint,
	slug text NOT NULL,
	body text,
	during tstzrange,
	ticket integer DEFAULT nextval('ticket'),
	CONSTRAINT posts_slug_key UNIQUE (slug) DEFERRABLE INITIALLY DEFERRED,
	CONSTRAINT posts_editor_fkey FOREIGN KEY (editor_id) REFERENCES users (id)
		ON DELETE SET NULL (editor_id),
	CONSTRAINT posts_no_overlap EXCLUDE USING gist (during WITH &&)
);
CREATE INDEX posts_lower_slug ON posts (lower(slug) DESC NULLS LAST) WHERE body IS NOT NULL;
CREATE INDEX posts_user_incl ON posts (user_id) INCLUDE (slug) WITH (fillfactor = 80);
CREATE VIEW active_users WITH (security_barrier) AS
	SELECT id, email, name FROM users WHERE active WITH LOCAL CHECK OPTION;
CREATE MATERIALIZED VIEW post_counts AS
	SELECT user_id, count(*) AS n FROM posts GROUP BY user_id;
CREATE UNIQUE INDEX post_counts_user ON post_counts (user_id);
CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql STABLE
	AS $$ SELECT count(*) FROM users $$;
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
	SET search_path = pg_catalog
	AS $$ BEGIN NEW.body := coalesce(NEW.body, ''); RETURN NEW; END $$;
CREATE PROCEDURE touch(who bigint DEFAULT NULL) LANGUAGE sql
	AS $$ UPDATE users SET active = true WHERE id = who $$;
CREATE AGGREGATE total (integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0');
CREATE TRIGGER posts_stamp BEFORE INSERT OR UPDATE OF body ON posts
	FOR EACH ROW WHEN (NEW.body IS NULL) EXECUTE FUNCTION stamp();
CREATE TRIGGER posts_stamp_replica BEFORE DELETE ON posts
	FOR EACH ROW EXECUTE FUNCTION stamp();
ALTER TABLE posts ENABLE REPLICA TRIGGER posts_stamp_replica;
ALTER TABLE posts ENABLE ROW LEVEL SECURITY;
ALTER TABLE posts FORCE ROW LEVEL SECURITY;
CREATE POLICY own_posts ON posts FOR SELECT TO regress_versions_reader
	USING (user_id > 0);
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL CHECK (at > '2000-01-01'),
	PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events
	FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE events_other PARTITION OF events DEFAULT;
CREATE TABLE base (id integer NOT NULL);
CREATE TABLE child (extra text) INHERITS (base);
CREATE UNLOGGED TABLE scratch (x integer, p pair, r floatrange) WITH (fillfactor = 70);
CREATE FOREIGN TABLE remote (id integer NOT NULL, label text)
	SERVER regress_versions_server OPTIONS (source 'remote_table');
COMMENT ON TABLE users IS 'people';
COMMENT ON COLUMN users.email IS 'where mail goes';
COMMENT ON CONSTRAINT users_email_key ON users IS 'one account per address';
COMMENT ON FUNCTION add_one(integer) IS 'plus one';
COMMENT ON TYPE mood IS 'how it went';
COMMENT ON VIEW active_users IS 'who is in';
GRANT SELECT, INSERT ON users TO regress_versions_reader WITH GRANT OPTION;
GRANT UPDATE (name) ON users TO regress_versions_reader;
GRANT USAGE ON SEQUENCE ticket TO regress_versions_reader;
REVOKE EXECUTE ON FUNCTION user_count() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION user_count() TO regress_versions_reader;
RESET search_path;

-- the model of that schema, rendered as the DDL that builds it
SELECT changes, ok, problems FROM migrate_diff('desired');
SELECT up FROM migrate_diff('desired');
SELECT down FROM migrate_diff('desired');

-- applied as a revision, the managed schema's fingerprint is the same
-- string on every version; so is the desired schema's, read the same way
SELECT migrate_add('rich schema', up, down, id => 'rich') FROM migrate_diff('desired');
SELECT revision FROM migrate_push();
SELECT changes FROM migrate_diff('desired');
SELECT migrate_fingerprint();
SELECT count(*) AS drift FROM migrate_drift();

-- and down leaves nothing behind
SELECT revision FROM migrate_downgrade('base');
SELECT count(*) AS left_behind FROM pg_class WHERE relnamespace = 'public'::regnamespace;
SELECT migrate_fingerprint();

DROP SCHEMA desired CASCADE;
DROP EXTENSION migrate CASCADE;
DROP SERVER regress_versions_server;
DROP FOREIGN DATA WRAPPER regress_versions_fdw;
DROP ROLE regress_versions_reader;
