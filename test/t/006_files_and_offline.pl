# Migrations as files.
# (a) migrate_export() files registered with migrate_add_file() in an empty
#     database, then pushed, give the catalog and the schema of the source
#     database.
# (b) migrate_script() written to a file and run with psql -1 in one database
#     leaves the same applied set, history and schema as migrate_push() in
#     another; the same file run again stops at its state check.  The same
#     for a downgrade script, and for a script written from "base" in a
#     database where everything is applied.
# The catalog has a branch and a merge, a revision that SETs search_path and
# ROLE, a script holding the dollar-quote tag the export uses, a trailing
# comment, a message with a quote and a newline, a generated id and an
# irreversible revision.
use strict;
use warnings FATAL => 'all';

use File::Basename;
use FindBin;
use lib $FindBin::RealBin;
use MigrateTest;
use MIME::Base64;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = migrate_node('files');
my $tmp = PostgreSQL::Test::Utils::tempdir;

$node->safe_psql('postgres', <<'SQL');
SELECT migrate_add('create account',
	$$CREATE TABLE account (id bigint PRIMARY KEY, name text NOT NULL)$$,
	NULL, id => 'r1');
CREATE ROLE app_owner;
SELECT migrate_add('create the app''s schema', $$
CREATE SCHEMA app AUTHORIZATION app_owner;
SET ROLE app_owner;
SET search_path = app;
CREATE TABLE item (id bigint PRIMARY KEY, account_id bigint NOT NULL);
CREATE FUNCTION item_count() RETURNS bigint LANGUAGE sql
    AS $up$SELECT count(*) FROM app.item$up$;
$$, $$DROP SCHEMA app CASCADE$$, id => 'app', revises => '{r1}');
SELECT migrate_add(E'add email\nand its index', $$
ALTER TABLE account ADD COLUMN email text; -- contact
CREATE INDEX account_email ON account (email) -- trailing comment
$$, $$DROP INDEX account_email; ALTER TABLE account DROP COLUMN email$$,
	revises => '{r1}');
SELECT migrate_merge('merge app and email', id => 'm1');
SELECT migrate_add('account items',
	$$CREATE VIEW account_items AS
	  SELECT a.id, count(i.id) AS items
	  FROM account a LEFT JOIN app.item i ON i.account_id = a.id
	  GROUP BY a.id$$,
	$$DROP VIEW account_items$$, id => 'r3');
SQL
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM migrate.revision WHERE id ~ '^[0-9a-f]{12}\$'"),
	'1',
	'the email revision has a generated id');

# Write the text a query returns (one row, one column) to a file, byte for byte
sub query_to_file
{
	my ($db, $query, $file) = @_;
	my $b64 = $node->safe_psql($db,
		"SELECT encode(convert_to(($query), 'UTF8'), 'base64')");

	append_to_file($file, decode_base64($b64));
	return $file;
}

# Run a file with psql -v ON_ERROR_STOP=1 (and @opts) in $db
sub psql_file_ok
{
	my ($db, $file, $name, @opts) = @_;

	$node->command_ok(
		[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', @opts, '-f', $file, '-d', $db ],
		$name);
}

# The exported registration files, in their names' order
my @files;
foreach my $name (split /\n/,
	$node->safe_psql('postgres', 'SELECT filename FROM migrate_export() ORDER BY filename'))
{
	push @files,
	  query_to_file('postgres',
		"SELECT content FROM migrate_export() WHERE filename = '$name'",
		"$tmp/$name");
}
is(scalar(@files), 5, 'one file per revision');

# Register a file with migrate_add_file(), its bytes passed as they are
sub register_file_ok
{
	my ($db, $file, $name) = @_;
	my ($ret, $out, $err) = $node->psql(
		$db,
		"SELECT migrate_add_file(:'name', :'content')",
		extra_params => [
			'-v', 'ON_ERROR_STOP=1',
			'-v', 'name=' . basename($file),
			'-v', 'content=' . slurp_file($file)
		]);
	is($ret, 0, $name) or diag($err);
}

# A new database with the extension, and every exported file registered
sub replayed_database
{
	my ($db) = @_;

	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, 'CREATE EXTENSION migrate');
	register_file_ok($db, $_, "$db: register " . basename($_)) foreach @files;
}

my $revisions = q{
	SELECT row_number() OVER (ORDER BY position), id, parents, message,
		   checksum, up_sql, down_sql
	FROM migrate.revision ORDER BY position};
my $status = q{
	SELECT revision, message, state, is_head, is_current, parents,
		   applied_by, reversible
	FROM migrate_status()};

# (a) export, replay, push
$node->safe_psql('postgres', 'SELECT count(*) FROM migrate_push()');
replayed_database('replay');
is($node->safe_psql('replay', $revisions),
	$node->safe_psql('postgres', $revisions),
	'replayed files: same revisions (ids, parents, messages, checksums, scripts, order)');
my $catalog = catalog_rows($node, 'replay');
register_file_ok('replay', $_, 'registering ' . basename($_) . ' again') foreach @files;
is(catalog_rows($node, 'replay'), $catalog, 'replaying the files again is a no-op');
is($node->safe_psql('replay', 'SELECT count(*) FROM migrate_push()'),
	'5', 'the push in the replayed database applies every revision');
is($node->safe_psql('replay', $status),
	$node->safe_psql('postgres', $status), 'replayed files: same migrate_status()');
is(schema_dump($node, 'replay', "$tmp/replay.dump"),
	schema_dump($node, 'postgres', "$tmp/source.dump"),
	'replayed files: same schema as the source');
is( $node->safe_psql(
		'replay', q{
		SELECT c.relnamespace::regnamespace || ' ' || pg_get_userbyid(c.relowner)
		FROM pg_class c WHERE relname IN ('item', 'account_items') ORDER BY relname}),
	"public postgres\napp app_owner",
	'the search_path and role a script SETs do not reach the next revision');

# (b) an offline script in database b, migrate_push() in database a; the
# same for a downgrade
replayed_database($_) foreach ('a', 'b');
$node->safe_psql($_, "SELECT count(*) FROM migrate_push('r1')") foreach ('a', 'b');

# $call in a, the script of $target (written in a beforehand) in b
sub compare_script
{
	my ($call, $target, $label) = @_;
	my $file = query_to_file('a', "SELECT migrate_script('$target')",
		"$tmp/$label.sql");

	psql_file_ok('b', $file, "$label: psql -1 -f of the script", '-1');
	$node->safe_psql('a', "SELECT count(*) FROM $call");
	is(applied_ids($node, 'b'), applied_ids($node, 'a'),
		"$label: same applied set");
	is(history_actions($node, 'b'), history_actions($node, 'a'),
		"$label: same history actions, in the same order");
	is($node->safe_psql('b', $status),
		$node->safe_psql('a', $status), "$label: same migrate_status()");
	my $schema = schema_dump($node, 'b', "$tmp/$label.b.dump");
	is($schema, schema_dump($node, 'a', "$tmp/$label.a.dump"),
		"$label: same schema");

	# the same file again: the state check stops it, nothing changes
	my $catalog = catalog_rows($node, 'b');
	$node->command_fails_like(
		[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-1', '-f', $file, '-d', 'b' ],
		qr/the database is not in the state this script starts from/,
		"$label: running the script again fails its state check");
	is(catalog_rows($node, 'b'), $catalog, "$label: the second run changed no catalog row");
	is(schema_dump($node, 'b', "$tmp/$label.b2.dump"), $schema,
		"$label: the second run changed no schema object");
}

compare_script('migrate_push()', 'heads', 'push');
is(applied_ids($node, 'b'), applied_ids($node, 'postgres'),
	'push: the script applied every revision');
is(schema_dump($node, 'b', "$tmp/b.dump"), schema_dump($node, 'postgres', "$tmp/source2.dump"),
	'push: the script gives the schema of the source database');
compare_script("migrate_downgrade('r1')", 'r1', 'downgrade');
is(applied_ids($node, 'b'), 'r1', 'downgrade: the script leaves r1 applied');

# a script written for another database: from "base", where all is applied
my $from_base = query_to_file('postgres', "SELECT migrate_script('heads', 'base')",
	"$tmp/from_base.sql");
replayed_database('c');
psql_file_ok('c', $from_base, 'from base: psql -1 -f of the script', '-1');
is(applied_ids($node, 'c'), applied_ids($node, 'replay'),
	'from base: same applied set as a push');
is(history_actions($node, 'c'), history_actions($node, 'replay'),
	'from base: same history actions as a push');
is(schema_dump($node, 'c', "$tmp/c.dump"), schema_dump($node, 'replay', "$tmp/replay2.dump"),
	'from base: same schema as a push');

$node->stop;
done_testing();
