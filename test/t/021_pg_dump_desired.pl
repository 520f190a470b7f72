# A pg_dump --schema-only file is a migration and a desired state:
#   - as a desired state (migrate_diff), the dump of a database yields no
#     change against that database, and no problem;
#   - as the first revision (a baseline) of an empty database, it registers,
#     pushes, leaves no drift, and a dump of the result is the same dump;
#   - a changed dump of the same database is a desired state whose diff
#     pushes to exactly that dump.
# Done for a rich schema (several schemas, extensions, every object kind
# the model covers) and for the demo's schema (test/demo/migrations).
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use MigrateTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = migrate_node('pg_dump_desired');
my $tmp = PostgreSQL::Test::Utils::tempdir;
my $demo = "$FindBin::RealBin/../demo/migrations";

$node->safe_psql('postgres', q{
	CREATE ROLE app_reader;
	CREATE ROLE app_writer;
});

# The whole dump, the migrate extension's lines included (pg_dump writes
# CREATE EXTENSION migrate; the desired state skips it), without the
# \restrict lines, whose key changes with every run.
sub dump_of
{
	my ($db, $name) = @_;
	return schema_dump($node, $db, "$tmp/$name.sql", with_migrate => 1);
}

sub quoted
{
	my ($text) = @_;
	die "the text holds the quote tag" if $text =~ /\$dump\$/;
	return "\$dump\$$text\$dump\$";
}

# Run the checks on database $db, whose schema is built already
sub check_dump
{
	my ($db, $what) = @_;
	my $dump = dump_of($db, "$db-before");

	# 1. the dump as the desired state of the database it came from
	is( $node->safe_psql(
			$db, 'SELECT changes, ok, problems FROM migrate_diff('
			  . quoted($dump) . ')'),
		'0|t|{}',
		"$what: its own dump as the desired state changes nothing");

	# 2. the dump as the baseline revision of an empty database
	my $fresh = "${db}_fresh";
	$node->safe_psql('postgres', "CREATE DATABASE $fresh");
	$node->safe_psql($fresh, 'CREATE EXTENSION migrate');
	$node->safe_psql($fresh,
		"SET migrate.lint = off; SELECT migrate_add('baseline', "
		  . quoted($dump)
		  . ", id => 'baseline')");
	$node->safe_psql($fresh, 'SELECT count(*) FROM migrate_push()');
	is($node->safe_psql($fresh, 'SELECT count(*) FROM migrate_drift()'),
		'0', "$what: no drift after pushing the dump");
	is(dump_of($fresh, "$fresh-after"), $dump,
		"$what: the pushed dump dumps the same");

	return $dump;
}

# A rich schema: several schemas, extensions, and the kinds of the model
$node->safe_psql('postgres', 'CREATE DATABASE rich');
$node->safe_psql('rich', 'CREATE EXTENSION migrate');
$node->safe_psql('rich', q{
	CREATE EXTENSION citext;
	CREATE EXTENSION hstore;
	CREATE SCHEMA app;
	CREATE SCHEMA audit;
	COMMENT ON SCHEMA app IS 'the application';
	GRANT USAGE ON SCHEMA app TO app_reader, app_writer;
	CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');
	CREATE DOMAIN app.email AS public.citext CHECK (VALUE ~ '@');
	CREATE TYPE app.address AS (street text, city text);
	CREATE TYPE app.floatrange AS RANGE (subtype = float8);
	CREATE SEQUENCE app.invoice_no START 1000 INCREMENT 10 CACHE 5;
	CREATE TABLE app.users (
		id bigint GENERATED ALWAYS AS IDENTITY (START WITH 100) PRIMARY KEY,
		email app.email NOT NULL UNIQUE,
		name text NOT NULL DEFAULT '',
		mood app.mood,
		home app.address,
		attrs public.hstore,
		name_upper text GENERATED ALWAYS AS (upper(name)) STORED,
		created timestamptz NOT NULL DEFAULT now(),
		CONSTRAINT name_length CHECK (length(name) < 200)
	);
	COMMENT ON TABLE app.users IS 'who logs in';
	COMMENT ON COLUMN app.users.email IS 'unique, case-insensitive';
	CREATE INDEX users_created ON app.users (created DESC) WHERE mood IS NOT NULL;
	CREATE TABLE app.orders (
		id serial,
		user_id bigint NOT NULL REFERENCES app.users ON DELETE CASCADE,
		invoice integer DEFAULT nextval('app.invoice_no'),
		total numeric(12, 2) NOT NULL CHECK (total >= 0),
		placed date NOT NULL,
		PRIMARY KEY (id, placed)
	) PARTITION BY RANGE (placed);
	CREATE TABLE app.orders_2025 PARTITION OF app.orders
		FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
	CREATE TABLE app.orders_2026 PARTITION OF app.orders
		FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
	CREATE TABLE audit.event (
		at timestamptz NOT NULL DEFAULT now(),
		who bigint REFERENCES app.users,
		what text
	);
	CREATE TABLE audit.login_event (ip inet) INHERITS (audit.event);
	CREATE UNLOGGED TABLE audit.scratch (k text PRIMARY KEY, v jsonb)
		WITH (fillfactor = 70);
	CREATE VIEW app.active_users AS
		SELECT id, email, name FROM app.users WHERE mood IS DISTINCT FROM 'sad';
	COMMENT ON VIEW app.active_users IS 'not sad';
	CREATE MATERIALIZED VIEW app.order_totals AS
		SELECT user_id, sum(total) AS total FROM app.orders GROUP BY user_id;
	CREATE UNIQUE INDEX order_totals_user ON app.order_totals (user_id);
	CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql
		AS $$BEGIN NEW.name := btrim(NEW.name); RETURN NEW; END$$;
	CREATE TRIGGER users_touch BEFORE INSERT OR UPDATE OF name ON app.users
		FOR EACH ROW EXECUTE FUNCTION app.touch();
	CREATE FUNCTION app.user_count() RETURNS bigint LANGUAGE sql STABLE
		BEGIN ATOMIC SELECT count(*) FROM app.users; END;
	CREATE PROCEDURE audit.purge(keep interval) LANGUAGE sql
		AS $$DELETE FROM audit.event WHERE at < now() - keep$$;
	CREATE AGGREGATE app.concat_all(text) (sfunc = textcat, stype = text, initcond = '');
	ALTER TABLE app.users ENABLE ROW LEVEL SECURITY;
	CREATE POLICY own_rows ON app.users FOR SELECT TO app_reader USING (true);
	GRANT SELECT ON ALL TABLES IN SCHEMA app TO app_reader;
	GRANT INSERT (user_id, total, placed), UPDATE (total) ON app.orders TO app_writer;
	GRANT EXECUTE ON FUNCTION app.user_count() TO app_reader;
});
my $rich = check_dump('rich', 'rich schema');

# 3. a changed dump is a desired state: its diff pushes to exactly it
my $changed = $rich;
$changed =~ s/(    what text)\n/$1,\n    severity smallint DEFAULT 1 NOT NULL\n/
  or die "the dump has no audit.event";
$changed .= "CREATE SCHEMA billing;\nCREATE TABLE billing.plan (id integer NOT NULL, name text);\n";
my $diff = $node->safe_psql('rich',
	'SELECT changes, ok FROM migrate_diff(' . quoted($changed) . ')');
is($diff, '3|t', 'rich schema: a changed dump diffs to three proved changes');
$node->safe_psql('rich',
	"SET migrate.lint = off; SELECT migrate_dev('to the changed dump', "
	  . quoted($changed) . ", id => 'changed')");
is( $node->safe_psql('rich', 'SELECT changes FROM migrate_diff(' . quoted($changed) . ')'),
	'0', 'rich schema: after migrate_dev the changed dump is the state');
is($node->safe_psql('rich', 'SELECT count(*) FROM migrate_drift()'),
	'0', 'rich schema: no drift after migrate_dev');
like(dump_of('rich', 'rich-changed'), qr/CREATE TABLE billing\.plan/,
	'rich schema: the new schema and its table are there');

# The demo's schema, from its revision files
$node->safe_psql('postgres', 'CREATE DATABASE demo');
$node->safe_psql('demo', 'CREATE EXTENSION migrate');
for my $file (qw(001_create_users 002_add_email 003_create_orders 004_order_status_fixed))
{
	$node->command_ok([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'demo',
			'-f', "$demo/$file.sql" ], "demo revision file $file");
}
$node->safe_psql('demo', 'SELECT count(*) FROM migrate_push()');
check_dump('demo', "demo's schema");

# Nothing is left behind: no scratch database survives a diff
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM pg_database WHERE datname LIKE 'migrate_desired%'"),
	'0', 'no scratch database is left');

$node->stop;
done_testing();
