# Dump and restore under migrate.guard = error, set in postgresql.conf so that
# every session has it.  pg_restore runs DDL outside any migration, so the
# guard refuses it; the documented path is for the superuser running
# pg_restore to turn the guard off for its own sessions:
#
#   PGOPTIONS='-c migrate.guard=off' pg_restore -d newdb dump
#
# The restored database then holds the same revisions, applied set, history
# and DDL log as the source, a push there is a no-op, and the guard still
# refuses out-of-band DDL in it.  A role that is not a superuser cannot turn
# the guard off the same way.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use MigrateTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = migrate_node('guard_restore');
my $tmp = PostgreSQL::Test::Utils::tempdir;
my $refusal =
  qr/ERROR:  schema changes outside a migration are not allowed\nDETAIL:  migrate\.guard is "error": .* was refused\./;

# Every row of the DDL log, whole, and the state of its sequence
sub ddl_log_rows
{
	my ($db) = @_;
	return $node->safe_psql(
		$db, q{
		SELECT 'ddl_log ' || l::text FROM migrate.ddl_log l ORDER BY seq;
		SELECT 'ddl_log_seq ' || last_value || ' ' || is_called FROM migrate.ddl_log_seq;
	});
}

# The DDL log in short: revision (or "-" out of band), tag, object
sub ddl_log_summary
{
	my ($db) = @_;
	return $node->safe_psql($db,
		"SELECT coalesce(revision, '-') || ' ' || command_tag || ' ' || object_identity"
		  . ' FROM migrate.ddl_log ORDER BY seq');
}

# Run $sql in $db with psql, as $user if given; returns the exit code and
# what psql wrote to stderr
sub psql_as
{
	my ($db, $sql, $user) = @_;
	my ($stdout, $stderr);
	my $rc = $node->psql(
		$db, $sql,
		stdout => \$stdout,
		stderr => \$stderr,
		extra_params => defined $user ? [ '-U', $user ] : []);

	return ($rc, $stderr);
}

# Run $sql in $db (as $user if given) and check that the guard refuses it
# and, if $relation is given, that it does not exist afterwards
sub refused
{
	my ($db, $sql, $relation, $what, $user) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	my ($rc, $stderr) = psql_as($db, $sql, $user);

	isnt($rc, 0, "$what: the statement fails");
	like($stderr, $refusal, "$what: the guard refuses it");
	return unless defined $relation;
	is($node->safe_psql($db, "SELECT to_regclass('$relation') IS NULL"),
		't', "$what: $relation does not exist");
}

# The source: two revisions pushed, and out-of-band DDL logged while the
# guard was still at its default, log
add_revision($node, 'postgres', 'r1', 'create account',
	'CREATE TABLE account (id int PRIMARY KEY, name text)',
	'DROP TABLE account');
add_revision($node, 'postgres', 'r2', 'index account names',
	'CREATE INDEX account_name ON account (name)',
	'DROP INDEX account_name');
$node->safe_psql(
	'postgres', q{
	SET client_min_messages = warning;
	SELECT count(*) FROM migrate_push();
	CREATE TABLE scratch (id int);
	DROP TABLE scratch;
	INSERT INTO account VALUES (1, 'one');
});
is( ddl_log_summary('postgres'),
	join("\n",
		'r1 CREATE TABLE public.account',
		'r1 CREATE INDEX public.account_pkey',
		'r2 CREATE INDEX public.account_name',
		'- CREATE TABLE public.scratch',
		'- DROP TABLE public.scratch'),
	'the source DDL log holds the pushed revisions and the out-of-band DDL');

# From now on every session runs with migrate.guard = error
$node->append_conf('postgresql.conf', 'migrate.guard = error');
$node->reload;
is($node->safe_psql('postgres', 'SHOW migrate.guard'),
	'error', 'postgresql.conf sets migrate.guard = error for every session');
refused('postgres', 'CREATE TABLE oob (id int)', 'oob',
	'out-of-band DDL in the source');

my $catalog = catalog_rows($node, 'postgres');
my $ddl_log = ddl_log_rows('postgres');
my $status = $node->safe_psql('postgres', 'SELECT * FROM migrate_status()');

$node->command_ok([ 'pg_dump', '-Fc', '-f', "$tmp/guarded.dump", 'postgres' ],
	'pg_dump -Fc works under migrate.guard = error');

# A plain pg_restore is refused at its first DDL
$node->safe_psql('postgres', 'CREATE DATABASE refused');
$node->command_fails_like(
	[ 'pg_restore', '--exit-on-error', '-d', 'refused', "$tmp/guarded.dump" ],
	$refusal,
	'pg_restore without migrate.guard = off is refused by the guard');

# The documented path: the superuser running pg_restore turns the guard off
$node->safe_psql('postgres', 'CREATE DATABASE restored');
{
	local $ENV{PGOPTIONS} = '-c migrate.guard=off';
	$node->command_ok(
		[ 'pg_restore', '--exit-on-error', '-d', 'restored', "$tmp/guarded.dump" ],
		"pg_restore with PGOPTIONS='-c migrate.guard=off' succeeds");
}
is($node->safe_psql('restored', 'SELECT * FROM account'),
	'1|one', 'the user data is back');
is(catalog_rows($node, 'restored'), $catalog,
	'revisions, applied set and history are identical to the source');
is(ddl_log_rows('restored'), $ddl_log,
	'the DDL log is identical to the source: the restore logged nothing');
is($node->safe_psql('restored', 'SELECT * FROM migrate_status()'),
	$status, 'migrate_status() is the same');
is($node->safe_psql('restored', 'SELECT count(*) FROM migrate_push()'),
	'0', 'migrate_push() applies nothing');
is(catalog_rows($node, 'restored'), $catalog, 'the push wrote nothing');
is(ddl_log_rows('restored'), $ddl_log, 'nor did it log anything');

# The guard still holds in the restored database, and migrations still work
is($node->safe_psql('restored', 'SHOW migrate.guard'),
	'error', 'the restored database runs with migrate.guard = error');
refused('restored', 'CREATE TABLE oob (id int)', 'oob',
	'CREATE TABLE out of band in the restored database');
refused('restored', 'DROP TABLE account', undef,
	'DROP TABLE out of band in the restored database');
is($node->safe_psql('restored', 'SELECT count(*) FROM account'),
	'1', 'the refused DROP TABLE left account in place');
add_revision($node, 'restored', 'r3', 'create ledger',
	'CREATE TABLE ledger (id int)', 'DROP TABLE ledger');
is($node->safe_psql('restored', 'SELECT string_agg(revision, \',\') FROM migrate_push()'),
	'r3', 'a new revision pushes in the restored database');
is( $node->safe_psql('restored',
		"SELECT revision || ' ' || command_tag || ' ' || object_identity"
		  . ' FROM migrate.ddl_log ORDER BY seq DESC LIMIT 1'),
	'r3 CREATE TABLE public.ledger',
	'its DDL is logged with its revision, after the restored rows');

# A role that is not a superuser cannot turn the guard off with PGOPTIONS.
# The setting is only a placeholder until the library loads (the first DDL
# fires the event triggers); then PostgreSQL refuses the value with a
# WARNING.  The guard must stay at "error", as postgresql.conf says.
$node->safe_psql(
	'restored', q{
	CREATE ROLE regress_plain LOGIN;
	SET migrate.guard = off;
	GRANT CREATE ON SCHEMA public TO regress_plain;
});
refused('restored', 'CREATE TABLE plain_oob (id int)', 'plain_oob',
	'out-of-band DDL by a plain role', 'regress_plain');
{
	local $ENV{PGOPTIONS} = '-c migrate.guard=off';
	my (undef, $stderr) =
	  psql_as('restored', 'CREATE TABLE plain_oob (id int)', 'regress_plain');

	like(
		$stderr,
		qr/WARNING:  permission denied to set parameter "migrate\.guard"/,
		"PGOPTIONS='-c migrate.guard=off' of a plain role: PostgreSQL refuses the setting"
	);
	like(
		$stderr,
		qr/WARNING:  migrate\.guard is "error" for this session/,
		"PGOPTIONS='-c migrate.guard=off' of a plain role: the extension fails closed");
	like($stderr, $refusal,
		"PGOPTIONS='-c migrate.guard=off' of a plain role: the guard still refuses DDL");
	is($node->safe_psql('restored', "SELECT to_regclass('plain_oob') IS NULL"),
		't', "PGOPTIONS='-c migrate.guard=off' of a plain role: plain_oob does not exist");
}

# With the library in shared_preload_libraries the setting is real from the
# start: a plain role's PGOPTIONS fails the connection, while the superuser's
# documented path still works.
$node->safe_psql(
	'restored', q{
	SET migrate.guard = off;
	DROP TABLE IF EXISTS plain_oob;
});
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'migrate'");
$node->restart;
{
	local $ENV{PGOPTIONS} = '-c migrate.guard=off';
	my ($rc, $stderr) =
	  psql_as('restored', 'CREATE TABLE plain_oob (id int)', 'regress_plain');

	is($rc, 2, 'preloaded: the plain role cannot connect with the guard off');
	like(
		$stderr,
		qr/FATAL:  permission denied to set parameter "migrate\.guard"/,
		'preloaded: the connection fails with "permission denied to set parameter"'
	);
	is($node->safe_psql('restored', 'SHOW migrate.guard'),
		'off', 'preloaded: the superuser still turns the guard off with PGOPTIONS');
}
is($node->safe_psql('restored', "SELECT to_regclass('plain_oob') IS NULL"),
	't', 'preloaded: plain_oob does not exist');
refused('restored', 'CREATE TABLE plain_oob (id int)', 'plain_oob',
	'preloaded: out-of-band DDL by a plain role without PGOPTIONS',
	'regress_plain');

$node->stop;
done_testing();
