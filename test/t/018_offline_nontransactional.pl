# The offline script of a plan that holds a non-transactional revision,
# written by migrate_script() to a file and run with psql -f (no -1):
# (a) a push script builds the concurrent index (valid), records the
#     revision applied with its history row, and runs the transactional
#     revisions before and after it, each step in a transaction of its
#     own; run again, its first check stops it before anything runs
# (b) the downgrade script drops the index concurrently and records it
# (c) a failing statement (a unique index built concurrently over duplicate
#     rows) stops the script: the statement before it stays done, the
#     revision is not marked applied, nothing after it runs; the way the
#     script's comment gives (finish by hand, stamp, write the script
#     again) then works
# (d) a later transaction of the script checks the state again: a database
#     changed between two steps stops it
# (e) pg_migrate script of a folder with a "-- transaction: no" file:
#     psql -f of its output registers the files and applies them
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use IPC::Run;
use MigrateTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = migrate_node('offline_nontx');
my $tmp = PostgreSQL::Test::Utils::tempdir;

$node->safe_psql('postgres', <<'SQL');
CREATE TABLE account (id int PRIMARY KEY, email text, name text);
INSERT INTO account
	SELECT i, 'user' || i || '@example.com', 'name ' || (i % 10)
	FROM generate_series(1, 1000) i;
SELECT migrate_add('create audit', 'CREATE TABLE audit (id int)',
	'DROP TABLE audit', id => 'r1', revises => '{}');
SELECT migrate_add('index emails',
	'CREATE INDEX CONCURRENTLY account_email ON account (email)',
	'DROP INDEX CONCURRENTLY account_email', id => 'r2', transactional => false);
SELECT migrate_add('audit note', 'ALTER TABLE audit ADD COLUMN note text',
	'ALTER TABLE audit DROP COLUMN note', id => 'r3');
SQL

# migrate_script(@args) of database postgres, written to $tmp/$name.sql
sub script_file
{
	my ($name, @args) = @_;
	my $call = 'migrate_script(' . join(', ', map { "'$_'" } @args) . ')';
	my $file = "$tmp/$name.sql";

	append_to_file($file, $node->safe_psql('postgres', "SELECT $call") . "\n");
	return $file;
}

# Run a file with psql -f, without -1 and without -v ON_ERROR_STOP (the
# script sets it), plus @opts; returns (exit code, stderr)
sub run_file
{
	my ($db, $file, @opts) = @_;
	my ($out, $err) = ('', '');
	local %ENV = $node->_get_env();

	IPC::Run::run([ 'psql', '-X', '-q', @opts, '-d', $db, '-f', $file ],
		'<', \undef, '>', \$out, '2>', \$err);
	return ($? >> 8, $err);
}

# "valid", "invalid" or "missing": the state of index $index
sub index_state
{
	my ($db, $index) = @_;
	return $node->safe_psql($db,
		"SELECT coalesce((SELECT CASE WHEN indisvalid THEN 'valid' ELSE 'invalid' END"
		  . " FROM pg_index WHERE indexrelid = to_regclass('$index')), 'missing')");
}

# The table's name when it exists, else an empty string
sub to_regclass_of
{
	my ($table) = @_;
	return $node->safe_psql('postgres', "SELECT to_regclass('$table')");
}

# The history as "revision:action" lines, oldest first, from $seq on
sub history_since
{
	my ($seq) = @_;
	return $node->safe_psql('postgres',
		"SELECT string_agg(revision || ':' || action, ' ' ORDER BY seq)"
		  . " FROM migrate.history WHERE seq > $seq");
}

my $last_seq = 'SELECT coalesce(max(seq), 0) FROM migrate.history';

# (a) the push script
my $push = script_file('push');
like(slurp_file($push),
	qr/^-- Run it with psql -f <file>, not with -1: .*\n(?:--.*\n)*\n\\set ON_ERROR_STOP on\n\\set AUTOCOMMIT on\n\nBEGIN;\nLOCK TABLE migrate\.applied /m,
	'push: the header says psql -f without -1, and the script starts a transaction with the lock');
like(slurp_file($push),
	qr/^COMMIT;\n\n-- upgrade r2: index emails\n(?:--.*\n)+CREATE INDEX CONCURRENTLY account_email ON account \(email\);\nRESET SESSION AUTHORIZATION;\nRESET ALL;\nBEGIN;\n/m,
	'push: the concurrent index is built between two transactions');
my ($rc, $err) = run_file('postgres', $push);
is($rc, 0, 'push: psql -f runs the script');
is($err, '', 'push: no error and no warning');
is(index_state('postgres', 'account_email'), 'valid', 'push: the concurrent index exists and is valid');
is(status_lines($node, 'postgres'), "r1:applied\nr2:applied\nr3:applied",
	'push: migrate_status() shows every revision applied');
is( $node->safe_psql(
		'postgres', q{
		SELECT string_agg(h.revision || ':' || h.action || ':' || (h.checksum = r.checksum)
						  || ':' || (h.duration IS NULL) || ':' || (h.xid IS NOT NULL), ' '
						  ORDER BY h.seq)
		FROM migrate.history h JOIN migrate.revision r ON r.id = h.revision}),
	'r1:upgrade:true:true:true r2:upgrade:true:true:true r3:upgrade:true:true:true',
	'push: one upgrade row each, with its checksum and transaction, without a duration');
is($node->safe_psql('postgres', 'SELECT count(DISTINCT xid) FROM migrate.history'),
	'3', 'push: r1, r2 and r3 were recorded in three transactions');
is(column_count($node, 'postgres', 'audit', 'note'), '1', 'push: r3, after r2, ran');

my $catalog = catalog_rows($node, 'postgres');
($rc, $err) = run_file('postgres', $push);
is($rc, 3, 'push again: psql stops');
like($err, qr/the database is not in the state this script starts from/,
	'push again: the first check stops it');
unlike($err, qr/CREATE INDEX|already exists/, 'push again: before any statement ran');
is(catalog_rows($node, 'postgres'), $catalog, 'push again: no catalog row changed');

# (b) the downgrade script
my $seq = $node->safe_psql('postgres', $last_seq);
my $down = script_file('down', 'base');
like(slurp_file($down),
	qr/^-- downgrade r2: index emails\n(?:--.*\n)+DROP INDEX CONCURRENTLY account_email;\n/m,
	'downgrade: the down script of r2 is written');
($rc, $err) = run_file('postgres', $down);
is($rc, 0, 'downgrade: psql -f runs the script');
is($err, '', 'downgrade: no error and no warning');
is(index_state('postgres', 'account_email'), 'missing', 'downgrade: the index is dropped');
is(to_regclass_of('audit'), '', 'downgrade: r1 is undone too');
is(status_lines($node, 'postgres'), "r1:pending\nr2:pending\nr3:pending",
	'downgrade: nothing is applied');
is(history_since($seq), 'r3:downgrade r2:downgrade r1:downgrade',
	'downgrade: one downgrade row each, newest first');

# (c) a failing non-transactional statement
$node->safe_psql('postgres', <<'SQL');
SELECT migrate_add('unique names', $$
ALTER TABLE account ADD COLUMN nickname text;
CREATE UNIQUE INDEX CONCURRENTLY account_name_key ON account (name);
CREATE INDEX CONCURRENTLY account_nickname ON account (nickname);
$$, $$
DROP INDEX CONCURRENTLY account_nickname;
DROP INDEX CONCURRENTLY account_name_key;
ALTER TABLE account DROP COLUMN nickname;
$$, id => 'r4', transactional => false);
SELECT migrate_add('after r4', 'CREATE TABLE after_r4 (id int)', 'DROP TABLE after_r4', id => 'r5');
SQL
$seq = $node->safe_psql('postgres', $last_seq);
my $failing = script_file('failing');
($rc, $err) = run_file('postgres', $failing);
is($rc, 3, 'failing: psql stops');
like($err, qr/could not create unique index "account_name_key"/,
	'failing: at the unique index');
is(status_lines($node, 'postgres'),
	"r1:applied\nr2:applied\nr3:applied\nr4:pending\nr5:pending",
	'failing: the revisions before r4 stay applied; r4 is not marked applied');
is(history_since($seq), 'r1:upgrade r2:upgrade r3:upgrade', 'failing: no history row for r4');
is(column_count($node, 'postgres', 'account', 'nickname'), '1',
	'failing: the statement before the failing one stays done');
is(index_state('postgres', 'account_name_key'), 'invalid',
	'failing: the failed concurrent build leaves an invalid index');
is(index_state('postgres', 'account_nickname'), 'missing',
	'failing: the statement after it did not run');
is(to_regclass_of('after_r4'), '', 'failing: r5 did not run');

# what the comment before r4 says: the rest by hand, a stamp, the script again
$node->safe_psql('postgres', <<'SQL');
DROP INDEX account_name_key;
UPDATE account SET name = 'name ' || id;
SQL
$node->safe_psql('postgres', $_) foreach (
	'CREATE UNIQUE INDEX CONCURRENTLY account_name_key ON account (name)',
	'CREATE INDEX CONCURRENTLY account_nickname ON account (nickname)');
$node->safe_psql('postgres', "SELECT count(*) FROM migrate_stamp('r4')");
my $rest = script_file('rest');
like(slurp_file($rest), qr/^-- Run it in one transaction: psql -v ON_ERROR_STOP=1 -1 -f <file>$/m,
	'the rest: only r5 is left, so the script is one transaction again');
($rc, $err) = run_file('postgres', $rest, '-1', '-v', 'ON_ERROR_STOP=1');
is($rc, 0, 'the rest: psql -1 -f runs the script written again');
is(status_lines($node, 'postgres'),
	"r1:applied\nr2:applied\nr3:applied\nr4:applied\nr5:applied",
	'the rest: every revision applied');
is(index_state('postgres', 'account_name_key'), 'valid', 'the rest: the unique index is valid');

# (d) the database changed between two steps of a script: the downgrade
# of r5 and r4 run up to the first statement of r4, then r5 stamped again
# by another session, then the rest
my $undo = slurp_file(script_file('undo', 'r3'));
my $cut = "DROP INDEX CONCURRENTLY account_nickname;\n";
my $at = index($undo, $cut);
ok($at > 0, 'changed: the downgrade script holds the first statement of r4');
append_to_file("$tmp/undo1.sql", substr($undo, 0, $at + length($cut)));
append_to_file("$tmp/undo2.sql", substr($undo, $at + length($cut)));
($rc, $err) = run_file('postgres', "$tmp/undo1.sql");
is($rc, 0, 'changed: the first part runs');
is(status_lines($node, 'postgres'),
	"r1:applied\nr2:applied\nr3:applied\nr4:applied\nr5:pending",
	'changed: r5 is undone, r4 still applied');
$node->safe_psql('postgres', "SELECT count(*) FROM migrate_stamp('r5')");
($rc, $err) = run_file('postgres', "$tmp/undo2.sql", '-v', 'ON_ERROR_STOP=1');
is($rc, 3, 'changed: psql stops');
like($err,
	qr/the database changed while this script ran\nDETAIL:  It expects exactly these revisions applied: r1, r2, r3, r4\./,
	'changed: the check before r4 is recorded stops it, naming the state it expects');
is(status_lines($node, 'postgres'),
	"r1:applied\nr2:applied\nr3:applied\nr4:applied\nr5:applied",
	'changed: r4 is not recorded as undone');
is(column_count($node, 'postgres', 'account', 'nickname'), '0',
	'changed: the statements of r4 before the check stay done');

# (e) the client
$node->safe_psql('postgres', 'CREATE DATABASE client');
$node->safe_psql('client', 'CREATE EXTENSION migrate');
my $dir = "$tmp/migrations";
mkdir $dir or die "$dir: $!";
append_to_file("$dir/0001_users.sql", <<'SQL');
-- message: users
-- revises: none
-- migrate:up
CREATE TABLE users (id int PRIMARY KEY, email text);
INSERT INTO users SELECT i, 'u' || i FROM generate_series(1, 100) i;
-- migrate:down
DROP TABLE users;
SQL
append_to_file("$dir/0002_users_email.sql", <<'SQL');
-- message: index users' emails
-- transaction: no
-- migrate:up
CREATE INDEX CONCURRENTLY users_email ON users (email);
-- migrate:down
DROP INDEX CONCURRENTLY users_email;
SQL
my $client = pg_migrate_exits($node, [ '-d', 'client', '--dir', $dir, 'script' ], 0,
	qr/\A-- pg_migrate script: the 2 files of ".*" registered, then the push to heads\n-- run it with psql -f FILE, not with -1: it commits in steps \(see below\);\n-- the registrations commit first, in one transaction\n\\set ON_ERROR_STOP on\n\nBEGIN;\nSELECT (?:public\.)?migrate_add_file\('0001_users\.sql', .*COMMIT;\n\n-- migrate: offline script, push to "heads"/s,
	undef, 'client script');
is($node->safe_psql('client', 'SELECT count(*) FROM migrate.revision'), '0',
	'client script: nothing registered');
append_to_file("$tmp/client.sql", $client);
($rc, $err) = run_file('client', "$tmp/client.sql");
is($rc, 0, 'client script: psql -f runs it');
is($err, '', 'client script: no error and no warning');
is(status_lines($node, 'client'), "0001_users:applied\n0002_users_email:applied",
	'client script: both revisions applied');
is(index_state('client', 'users_email'), 'valid', 'client script: the concurrent index is valid');
# without a non-transactional revision the script is one transaction, as before
$node->safe_psql('postgres', 'CREATE DATABASE client2');
$node->safe_psql('client2', 'CREATE EXTENSION migrate');
pg_migrate_exits($node, [ '-d', 'client2', '--dir', $dir, 'script', '0001_users' ], 0,
	qr/\A-- pg_migrate script: .*\n-- run it in one transaction: psql -v ON_ERROR_STOP=1 -1 -f FILE\n\nSELECT /,
	undef, 'client script of transactional revisions');

$node->stop;
done_testing();
