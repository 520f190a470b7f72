# pg_migrate's command line and connection: --help for the program and for
# every verb, --version, usage errors (exit 1, nothing changed), an
# unreachable server (exit 2 after --retry-until), a server that starts
# while the client retries, --lock-timeout and --statement-timeout applied
# to the session (exit 4, nothing applied), and a connection lost in the
# middle of push --each (exit 2; the committed prefix stays, the rerun
# finishes the job), and in the middle of an atomic push (nothing stays);
# and an extension older than the client (exit 3).
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use IPC::Run;
use MigrateTest;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);

my $node = migrate_node('client_cli');
my $tmp = PostgreSQL::Test::Utils::tempdir;
my $dir = "$tmp/migrations";
mkdir $dir or die;
my @db = ('-d', 'postgres', '--dir', $dir);

sub write_file
{
	my ($path, $content) = @_;
	open my $fh, '>', $path or die "$path: $!";
	print $fh $content;
	close $fh;
}

# --help, --version
my @verbs = qw(init new dev register push downgrade stamp status history show drift
  verify plan script reset export check);
my $help = pg_migrate_exits($node, ['--help'], 0, qr/^Usage:\n  pg_migrate \[OPTION\]\.\.\. VERB/m,
	undef, '--help');
like($help, qr/^  \Q$_\E\b/m, "--help lists verb $_") foreach @verbs;
like($help, qr/^Exit codes:\n  0   success\n  1   usage/m, '--help documents the exit codes');
like($help, qr/^  1   usage: .*\n(?:      .*\n)*?      .*without --yes\n  2   /m,
	'--help: exit 1 as the README says, reset without --yes included');
like($help, qr/^  7   fleet: .*\n.*\n.*first target, in the order given, that\n      failed\n/m,
	"--help: a fleet's exit code explained under 7, as the README does");
pg_migrate_exits($node, ['-?'], 0, qr/^Usage:/m, undef, '-?');
foreach my $verb (@verbs)
{
	pg_migrate_exits($node, [ $verb, '--help' ], 0,
		qr/^pg_migrate \Q$verb\E: .*\n\nUsage:\n  pg_migrate \[OPTION\]\.\.\. \Q$verb\E/,
		undef, "$verb --help");
}
pg_migrate_exits($node, [ 'help', 'push' ], 0, qr/--each\s+commit after each revision/, undef,
	'help push');
pg_migrate_exits($node, ['--version'], 0, qr/^pg_migrate \(migrate\) \d+\.\d+$/m, undef, '--version');

# Usage errors: exit 1, a message and a hint, nothing done
my $catalog = catalog_rows($node, 'postgres');
my @usage = (
	[ [], qr/error: no verb given\n.*hint: Try "pg_migrate --help"/, 'no verb' ],
	[ ['frob'], qr/error: unknown verb "frob"/, 'an unknown verb' ],
	[ [ 'status', '--frob' ], qr/error: unknown option or missing value: "--frob"/, 'an unknown option' ],
	[ [ 'status', '-d' ], qr/error: option -d needs a value/, 'an option without its value' ],
	[ [ 'status', '--json', '--each' ], qr/error: option --each does not apply to verb "status"/,
		'an option of another verb' ],
	[ ['show'], qr/error: verb "show" needs an argument\n.*hint: Usage: pg_migrate show REV/,
		'a missing argument' ],
	[ [ 'status', 'extra' ], qr/error: too many arguments for verb "status" \(first extra: "extra"\)/,
		'an extra argument' ],
	[ [ 'push', 'a', 'b' ], qr/too many arguments/, 'push with two targets' ],
	[ [ 'plan', 'a', 'b' ], qr/too many arguments for verb "plan"/, 'plan with two targets' ],
	[ [ 'plan', '--each' ], qr/error: option --each does not apply to verb "plan"/,
		'plan --each' ],
	[ [ 'new', '  ' ], qr/error: the message of a new revision must not be empty/, 'an empty message' ],
	[ [ 'new', 'y' x 1001 ], qr/error: the message is too long/, 'a message too long to register' ],
	[ [ '--retry-until', 'soon', 'status' ], qr/error: invalid value "soon" for option --retry-until/,
		'a bad number of seconds' ],
	[ ['reset'], qr/error: reset downgrades every revision.*\n.*hint: Give --yes/, 'reset without --yes' ]);
foreach my $case (@usage)
{
	my ($args, $err_re, $what) = @$case;
	pg_migrate_exits($node, [ @db, @$args ], 1, undef, $err_re, "usage: $what");
}
is(catalog_rows($node, 'postgres'), $catalog, 'no usage error changed anything');
ok(!-e "$dir/0001_.sql", 'no file written');
is_deeply([ glob("$dir/*") ], [], 'no file written at all');

# A server error: exit 4, with its SQLSTATE, detail and hint
pg_migrate_exits($node, [ @db, 'show', 'nope' ], 4, undef,
	qr/error: revision "nope" does not exist \(SQLSTATE 42704\)\n.*hint: Name a revision/,
	'an unknown revision');

# An extension older than the client: exit 3, and what to do
$node->safe_psql('postgres', 'CREATE DATABASE old');
$node->safe_psql('old', 'CREATE EXTENSION migrate');
$node->safe_psql('old', "UPDATE pg_extension SET extversion = '0.0' WHERE extname = 'migrate'");
pg_migrate_exits($node, [ '-d', 'old', '--dir', $dir, 'status' ], 3, undef,
	qr/error: extension "migrate" is version 0\.0 in database "old", older than this client \(\d+\.\d+\)\n.*hint: Run ALTER EXTENSION migrate UPDATE/,
	'an extension older than the client');

# Unreachable: exit 2 once --retry-until has passed
my $start = time;
pg_migrate_exits($node, [ '-h', "$tmp/nosuchdir", '-p', '1', '--retry-until', '1', 'status' ], 2,
	undef,
	qr/could not connect yet \(.*\); trying again in 0\.1 s\n(?:.*\n)*.*error: could not connect to the database: .*\n(?:.*\n)*.*detail: Gave up after trying for 1 seconds/,
	'an unreachable server');
cmp_ok(time - $start, '>=', 1, 'the client kept trying for the whole second');
pg_migrate_exits($node, [ '-h', "$tmp/nosuchdir", '-p', '1', 'status' ], 2, undef,
	qr/could not connect to the database/, 'an unreachable server, no retry');

# A password is never printed: libpq's message about a connection string
# it cannot parse quotes the string, so it is withheld when the string may
# hold a password, alone and in a fleet
foreach my $case (
	[ 'postgresql://u:S3cret@[::1/postgres', 'a URI' ],
	[ 'host=/nowhere password=S3cret Pw9x dbname=postgres', 'a keyword list' ])
{
	my ($conninfo, $what) = @$case;
	my ($rc, $out, $err) = pg_migrate($node, '-d', $conninfo, '--dir', $dir, 'status');
	is($rc, 2, "$what with a password that libpq cannot parse: exit 2");
	like($err, qr/error: invalid connection string\n.*detail: libpq's message is not shown/,
		"$what with a password: said so");
	unlike($out . $err, qr/S3cret|Pw9x/, "$what with a password: the password is not printed");
	($rc, $out, $err) =
	  pg_migrate($node, '-d', $conninfo, '-d', 'postgres', '--keep-going', '--dir', $dir, 'status');
	is($rc, 2, "$what with a password in a fleet: exit 2");
	unlike($out . $err, qr/S3cret|Pw9x/, "$what with a password in a fleet: not printed");
}
pg_migrate_exits($node, [ '-d', 'host=/nowhere dbname', '--dir', $dir, 'status' ], 2, undef,
	qr/error: invalid connection string\n.*detail: missing "=" after "dbname"/,
	'a connection string without a password: libpq says what is wrong');

# A fleet marks each target with its database name, "postgres" and names
# starting with it too
$node->safe_psql('postgres', 'CREATE DATABASE postgres_app');
my ($frc, $fout, $ferr) = pg_migrate($node, '-d', 'postgres', '-d', 'postgres_app', '--keep-going',
	'--dir', $dir, 'status');
is($frc, 3, 'a fleet of postgres and postgres_app: exit 3 (no extension in postgres_app)');
like($fout, qr/^postgres\s+ok\s+0\s.*\npostgres_app\s+no extension\s+3\s/m,
	'a fleet of postgres and postgres_app: each named in the summary');
like($ferr, qr/^\[postgres_app\] pg_migrate: error: extension "migrate" is not installed/m,
	'a fleet of postgres and postgres_app: the lines marked with the name');

# A targets file with a line too long for the client: refused, not cut
# into two targets
write_file("$tmp/long-targets", "# fleet\npostgres\ndbname=" . ('x' x 5000) . "\n");
pg_migrate_exits($node, [ '--targets', "$tmp/long-targets", '--dir', $dir, 'status' ], 1, qr/\A\z/,
	qr/error: line 3 of targets file ".*long-targets" is too long/, 'a targets file with a long line');

# Retry while the server starts
write_file("$dir/0001_t1.sql", "CREATE TABLE t1 (id int);\n-- migrate:down\nDROP TABLE t1;\n");
$node->stop;
my ($out, $err) = ('', '');
my $client;
{
	local %ENV = $node->_get_env();
	$client = IPC::Run::start([ pg_migrate_path(), @db, '--retry-until', '60', 'push' ],
		'<', \undef, '>', \$out, '2>', \$err);
}
usleep(1_500_000);
$node->start;
$client->finish;
is($client->full_result(0) >> 8, 0, 'push waiting for the server: exit code 0');
like($err, qr/could not connect yet/, 'it retried while the server was down');
like($out, qr/^1 revisions applied$/m, 'then it pushed');

# --lock-timeout and --lock-retries: a revision waiting on a lock is
# rolled back with its push and retried; when the retries run out the
# push fails naming the lock and its holder, and nothing is applied
$node->safe_psql('postgres', 'CREATE TABLE blocker (id int)');
write_file("$dir/0002_t2.sql", "CREATE TABLE t2 (id int);\n-- migrate:down\nDROP TABLE t2;\n");
write_file("$dir/0003_alter.sql",
	"ALTER TABLE blocker ADD COLUMN note text;\n-- migrate:down\nALTER TABLE blocker DROP COLUMN note;\n");
write_file("$dir/0004_t4.sql", "CREATE TABLE t4 (id int);\n-- migrate:down\nDROP TABLE t4;\n");
my $blocker = start_blocker($node, 'postgres', 'blocker');
my ($push_rc, $push_out, $push_err) =
  pg_migrate($node, @db, '--lock-timeout', '200ms', '--lock-retries', '1', 'push');
is($push_rc, 4, 'push --lock-timeout with a blocked revision: exit code 4');
like($push_err,
	qr/pg_migrate: revision "0003_alter", statement 1 at line 1, waited 200 ms for AccessExclusiveLock on relation public\.blocker: the push rolled back, next attempt in \d+ ms \(2 of 2\) \(held by:\nprocess \d+ \(role \w+, application "015_pg_migrate_cli\.pl", idle in transaction, transaction open for [\d.]+ s\): LOCK TABLE blocker IN ACCESS EXCLUSIVE MODE ;\)\n(?:.*\n)*pg_migrate: error: revision "0003_alter" could not get AccessExclusiveLock on relation public\.blocker in 2 attempts \(SQLSTATE 55P03\)\npg_migrate: detail: Its statement 1 at line 1 waited 200 ms each time\. Held by:\nprocess \d+ \(role \w+, application "015_pg_migrate_cli\.pl", idle in transaction, /,
	'push --lock-timeout with a blocked revision: the retry, then the error naming the lock');
unlike($push_err, qr/applied revision/,
	'no revision is said to be applied: the attempts that ran 0002_t2 were rolled back');
is(status_lines($node, 'postgres'), '0001_t1:applied', 'the failed push applied and registered nothing');

# --statement-timeout
pg_migrate_exits($node, [ @db, '--statement-timeout', '100ms', '--lock-timeout', '0', 'push' ], 4,
	undef, qr/canceling statement due to statement timeout \(SQLSTATE 57014\)/,
	'push --statement-timeout with a blocked revision');
is(status_lines($node, 'postgres'), '0001_t1:applied', 'that push left nothing either');

# Start pg_migrate with @args, wait until its query starting with $prefix
# waits on the blocker's lock, terminate its backend; check that it exits 2
# and says the connection was lost
sub lose_connection
{
	my ($prefix, $what, @args) = @_;
	my ($out, $err) = ('', '');
	my $client;
	{
		local %ENV = $node->_get_env();
		$client = IPC::Run::start([ pg_migrate_path(), @db, @args ],
			'<', \undef, '>', \$out, '2>', \$err);
	}
	my $pid = wait_for_lock_wait($node, 'postgres', $prefix, 'relation');
	$node->safe_psql('postgres', "SELECT pg_terminate_backend($pid)");
	$client->finish;
	is($client->full_result(0) >> 8, 2, "$what whose connection is lost: exit code 2");
	like($err, qr/detail: The connection to the server was lost/,
		"$what: it says the connection was lost");
}

# A connection lost in the middle of an atomic push: nothing of it stays
lose_connection('SELECT revision', 'push', 'push');
is(status_lines($node, 'postgres'), '0001_t1:applied', 'nothing of the lost push stays');

# A connection lost in the middle of push --each: the committed prefix
# stays, the rerun finishes
lose_connection('CALL', 'push --each', 'push', '--each');
is( status_lines($node, 'postgres'),
	"0001_t1:applied\n0002_t2:applied\n0003_alter:pending\n0004_t4:pending",
	'the revision committed before the loss stays applied, nothing of the others');
end_session($blocker);
pg_migrate_exits($node, [ @db, 'push', '--each' ], 0, qr/^2 revisions applied$/m, undef,
	'the rerun finishes the job');
pg_migrate_exits($node, [ @db, 'check' ], 0, undef, undef, 'check agrees');

# A push that outlasts its blocker: the attempts before the last were
# rolled back, so each revision is reported applied once, after the last
write_file("$dir/0005_t5.sql", "CREATE TABLE t5 (id int);\n-- migrate:down\nDROP TABLE t5;\n");
write_file("$dir/0006_alter.sql",
	"ALTER TABLE blocker ADD COLUMN other text;\n-- migrate:down\nALTER TABLE blocker DROP COLUMN other;\n");
$blocker = start_blocker($node, 'postgres', 'blocker');
($out, $err) = ('', '');
{
	local %ENV = $node->_get_env();
	my $timer = IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default);
	$client = IPC::Run::start(
		[ pg_migrate_path(), @db, '--lock-timeout', '100ms', '--lock-retries', '100', 'push' ],
		'<', \undef, '>', \$out, '2>', \$err, $timer);
	$client->pump until $err =~ /next attempt in \d+ ms \(3 of 101\)/ || $timer->is_expired;
}
end_session($blocker);
$client->finish;
is($client->full_result(0) >> 8, 0, 'a push that outlasts its blocker: exit code 0');
like($err, qr/\(3 of 101\)/, 'it retried twice');
is(scalar(() = $err =~ /applied revision "0005_t5"/g), 1,
	'the revision before the blocked one is reported applied once');
is(scalar(() = $err =~ /applied revision "0006_alter"/g), 1, 'and the blocked one once');
like($err, qr/\(3 of 101\)[^\n]*\n(?:[^\n]*\n)*pg_migrate: applied revision "0005_t5"/,
	'after the retries');
like($out, qr/^2 revisions applied$/m, 'both are applied');

$node->stop;
done_testing();
