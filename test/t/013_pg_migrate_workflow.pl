# pg_migrate, the client, through the whole workflow on one node:
# init -> new -> edit -> push -> status -> history -> show -> downgrade ->
# check -> plan -> verify -> push --each -> register -> script (run with
# psql in another database) -> stamp -> drift -> reset.  Each step checks the exit
# code, the output and what the database holds afterwards.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use JSON::PP;
use MigrateTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('client_workflow');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE app');
my $dir = PostgreSQL::Test::Utils::tempdir . '/migrations';
my @app = ('-d', 'app', '--dir', $dir);

# Write a file of the folder
sub write_file
{
	my ($name, $content) = @_;
	open my $fh, '>', "$dir/$name" or die "$dir/$name: $!";
	print $fh $content;
	close $fh;
}

# Fill the sections of a template file pg_migrate new wrote
sub fill_template
{
	my ($name, $up, $down) = @_;
	my $content = slurp_file("$dir/$name");

	$content =~ s/^-- migrate:up\n/-- migrate:up\n$up\n/m or die "no up marker in $name";
	$content =~ s/^-- migrate:down\n/-- migrate:down\n$down\n/m or die "no down marker in $name";
	write_file($name, $content);
}

# Before init: no extension, a clear message, exit 3
pg_migrate_exits($node, [ @app, 'status' ], 3, undef,
	qr/extension "migrate" is not installed in database "app".*\n.*hint: Run "pg_migrate init"/,
	'status before init');

# init: the extension and the folder
pg_migrate_exits($node, [ @app, 'init' ], 0, qr/extension migrate ready/, undef, 'init');
ok(-d $dir, 'init creates the folder');
is($node->safe_psql('app', "SELECT count(*) FROM pg_extension WHERE extname = 'migrate'"),
	'1', 'init creates the extension');
pg_migrate_exits($node, [ @app, 'init' ], 0, undef, undef, 'init again is a no-op');

# new: templates, numbered, each revising the one before
pg_migrate_exits($node, [ @app, 'new', 'create users' ], 0,
	qr/^\Q$dir\E\/0001_create_users\.sql$/m, undef, 'new, first file');
like(slurp_file("$dir/0001_create_users.sql"),
	qr/\A-- message: create users\n-- revises: none\n-- migrate:up\n\n-- migrate:down\n/,
	'the first template is a root with empty sections');
fill_template('0001_create_users.sql',
	'CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);',
	'DROP TABLE users;');
pg_migrate_exits($node, [ @app, 'new', 'Add e-mail to users!' ], 0,
	qr/0002_add_e_mail_to_users\.sql$/m, undef, 'new, second file');
like(slurp_file("$dir/0002_add_e_mail_to_users.sql"),
	qr/^-- revises: 0001_create_users$/m, 'the second template revises the first');

# An unedited template is refused at registration, and nothing changes
pg_migrate_exits($node, [ @app, 'push' ], 5, undef,
	qr/the up script has no statements.*\n(?:.*\n)*.*while registering file ".*0002_add_e_mail_to_users\.sql" \(nothing of the folder is registered\)/,
	'push with an empty template');
is($node->safe_psql('app', 'SELECT count(*) FROM migrate.revision'), '0',
	'the refused push registered nothing');
is($node->safe_psql('app', "SELECT to_regclass('users') IS NULL"), 't',
	'the refused push created nothing');

fill_template('0002_add_e_mail_to_users.sql',
	'ALTER TABLE users ADD COLUMN email text;',
	'ALTER TABLE users DROP COLUMN email;');

# push: both applied, one progress line each on stderr, the rows on stdout
my ($rc, $out, $err) = pg_migrate($node, @app, 'push');
is($rc, 0, 'push: exit code 0');
like($out, qr/^0001_create_users\s+create users\s+\d\d:\d\d:\d\d/m, 'push lists the first revision');
like($out, qr/^2 revisions applied$/m, 'push counts what it applied');
like($err,
	qr/^pg_migrate: applied revision "0001_create_users": create users \(took [0-9.]+ ms\)\npg_migrate: applied revision "0002_add_e_mail_to_users": Add e-mail to users! \(took [0-9.]+ ms\)$/m,
	'push relays one progress line per revision, with its time');
is(status_lines($node, 'app'),
	"0001_create_users:applied\n0002_add_e_mail_to_users:applied",
	'push applied both');

# status, history, show
pg_migrate_exits($node, [ @app, 'status' ], 0,
	qr/^revision\s+message\s+state.*\n-+.*\n0001_create_users\s+create users\s+applied/m, undef, 'status');
my $status = decode_json(pg_migrate_exits($node, [ @app, 'status', '--json' ], 0, undef, undef,
	'status --json'));
is_deeply(
	[ map { [ $_->{revision}, $_->{state}, $_->{is_head}, $_->{parents} ] } @$status ],
	[
		[ '0001_create_users', 'applied', JSON::PP::false, [] ],
		[ '0002_add_e_mail_to_users', 'applied', JSON::PP::true, ['0001_create_users'] ]
	],
	'status --json: states, booleans and parents as JSON');
my $history = decode_json(pg_migrate_exits($node, [ @app, 'history', '--json' ], 0, undef, undef,
	'history --json'));
is(join(',', map { "$_->{revision}:$_->{action}" } @$history),
	'0001_create_users:upgrade,0002_add_e_mail_to_users:upgrade', 'history --json');
pg_migrate_exits($node, [ @app, 'history' ], 0, qr/^seq\s+revision\s+action/m, undef, 'history');
pg_migrate_exits($node, [ @app, 'show', 'head' ], 0,
	qr/^revision\s+0002_add_e_mail_to_users\n(?:.*\n)*-- up\nALTER TABLE users ADD COLUMN email text;\n(?:.*\n)*-- down\nALTER TABLE users DROP COLUMN email;/m,
	undef, 'show head');

# check passes; downgrade -1 makes the second pending, and check says so
pg_migrate_exits($node, [ @app, 'check' ], 0, qr/^check passed/m, undef, 'check after push');
pg_migrate_exits($node, [ @app, 'downgrade' ], 0, qr/^1 revisions downgraded$/m,
	qr/reverted revision "0002_add_e_mail_to_users"/, 'downgrade (default -1)');
is(column_count($node, 'app', 'users', 'email'), '0', 'downgrade dropped the column');
pg_migrate_exits($node, [ @app, 'check' ], 14, undef,
	qr/check: pending: revision 0002_add_e_mail_to_users/, 'check with a pending revision');
pg_migrate_exits($node, [ @app, 'check', '--allow-pending' ], 0, undef, undef,
	'check --allow-pending');

# plan measures the pending revision, prints what it is, and changes nothing
($rc, $out, $err) = pg_migrate($node, @app, 'plan');
is($rc, 0, 'plan: exit code 0') or diag("stderr:\n$err");
like($out, qr/^revision\s+statement\s+line\s+command\s+locks\s+rewritten\s+ms\s+wal\n[- ]+\n/m,
	'plan prints a table');
like($out,
	qr/^0002_add_e_mail_to_users\s+1\s+1\s+ALTER TABLE\s+public\.users AccessExclusiveLock\s+[0-9]+\.[0-9]\s+[0-9]+ (?:bytes|kB)$/m,
	'plan: the statement, the lock it takes, no rewrite, its time and its WAL');
like($out, qr/^1 statements; measured on this database now, then rolled back: nothing was applied$/m,
	'plan says where the numbers come from, and that nothing stays');
is(status_lines($node, 'app'),
	"0001_create_users:applied\n0002_add_e_mail_to_users:pending", 'plan applied nothing');
is(column_count($node, 'app', 'users', 'email'), '0', 'plan left no column behind');
my $plan = decode_json(pg_migrate_exits($node, [ @app, 'plan', '--json' ], 0, undef, undef,
	'plan --json'));
is_deeply(
	[ map { [ $_->{revision}, $_->{statement}, $_->{command}, $_->{locks}, $_->{rewritten} ] } @$plan ],
	[ [ '0002_add_e_mail_to_users', 1, 'ALTER TABLE', ['public.users AccessExclusiveLock'], [] ] ],
	'plan --json: every column, the lists as arrays');
cmp_ok($plan->[0]{wal_bytes}, '>', 0, 'plan --json: the WAL as a number');

# verify proves the pending revision and changes nothing
pg_migrate_exits($node, [ @app, 'verify' ], 0, qr/^0002_add_e_mail_to_users\s+t/m, undef,
	'verify');
is(status_lines($node, 'app'),
	"0001_create_users:applied\n0002_add_e_mail_to_users:pending", 'verify changed nothing');

# push --each commits per revision through migrate_deploy
pg_migrate_exits($node, [ @app, 'push', '--each' ], 0, qr/^1 revisions applied$/m,
	qr/applied revision "0002_add_e_mail_to_users"/, 'push --each');
my $check = decode_json(pg_migrate_exits($node, [ @app, 'check', '--json' ], 0, undef, undef,
	'check --json'));
is_deeply([ $check->{ok}, $check->{exit}, $check->{files}, $check->{findings} ],
	[ JSON::PP::true, 0, 2, [] ], 'check --json: everything agrees');

# register is idempotent
pg_migrate_exits($node, [ @app, 'register' ], 0, qr/^2 files, 0 new revisions registered$/m,
	undef, 'register an unchanged folder');

# script: the registrations and the push for another database, run by psql
$node->safe_psql('postgres', 'CREATE DATABASE copy');
$node->safe_psql('copy', 'CREATE EXTENSION migrate');
my $script = pg_migrate_exits($node, [ '-d', 'copy', '--dir', $dir, 'script' ], 0,
	qr/migrate_add_file\('0001_create_users\.sql'/, undef, 'script');
is($node->safe_psql('copy', 'SELECT count(*) FROM migrate.revision'), '0',
	'script registered nothing');
my $script_file = PostgreSQL::Test::Utils::tempdir . '/push.sql';
open my $sf, '>', $script_file or die $!;
print $sf $script;
close $sf;
$node->command_ok(
	[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-1', '-f', $script_file, '-d', 'copy' ],
	'the script runs with psql -1');
is(status_lines($node, 'copy'), status_lines($node, 'app'),
	'the script applied what push applied');
# The offline script records no expected state (a known gap): until a
# stamp records it, every object is drift
pg_migrate_exits($node, [ '-d', 'copy', '--dir', $dir, 'check' ], 13, undef,
	qr/check: drift: table public\.users added/, 'check after the script: no expected state yet');
pg_migrate_exits($node, [ '-d', 'copy', '--dir', $dir, 'stamp', 'heads' ], 0,
	qr/^0 revisions stamped$/m, undef, 'stamp heads records the expected state');
pg_migrate_exits($node, [ '-d', 'copy', '--dir', $dir, 'check' ], 0, undef, undef,
	'check after the stamp: the copy agrees with the folder');

# stamp: a database that has the schema already
$node->safe_psql('postgres', 'CREATE DATABASE legacy');
$node->safe_psql('legacy', 'CREATE EXTENSION migrate');
$node->safe_psql('legacy',
	'CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL, email text)');
pg_migrate_exits($node, [ '-d', 'legacy', '--dir', $dir, 'stamp', 'heads' ], 0,
	qr/^2 revisions stamped$/m, undef, 'stamp heads');
is(status_lines($node, 'legacy'),
	"0001_create_users:applied\n0002_add_e_mail_to_users:applied", 'stamp marked both applied');
is($node->safe_psql('legacy', "SELECT count(*) FROM migrate.history WHERE action = 'upgrade'"),
	'0', 'stamp ran nothing');

# drift: a change behind the migrations' back
$node->safe_psql('app', 'ALTER TABLE users ADD COLUMN nickname text');
pg_migrate_exits($node, [ @app, 'drift' ], 6, qr/^column\s+public\.users\.nickname\s+added/m,
	undef, 'drift finds the column');
pg_migrate_exits($node, [ @app, 'check' ], 13, undef,
	qr/check: drift: column public\.users\.nickname added/, 'check with drift');
$node->safe_psql('app', 'ALTER TABLE users DROP COLUMN nickname');
pg_migrate_exits($node, [ @app, 'drift' ], 0, undef, undef, 'no drift once undone');

# reset wants --yes; with it, everything down and up again
pg_migrate_exits($node, [ @app, 'reset' ], 1, undef, qr/hint: Give --yes/, 'reset without --yes');
pg_migrate_exits($node, [ @app, 'reset', '--yes' ], 0,
	qr/0002_add_e_mail_to_users\s+Add e-mail to users!\s+downgrade/, undef, 'reset --yes');
is(status_lines($node, 'app'),
	"0001_create_users:applied\n0002_add_e_mail_to_users:applied", 'reset leaves everything applied');

# downgrade -1: a relative target is an argument, not an option
pg_migrate_exits($node, [ @app, 'downgrade', '-1' ], 0, qr/^1 revisions downgraded$/m, undef,
	'downgrade -1');
is(status_lines($node, 'app'),
	"0001_create_users:applied\n0002_add_e_mail_to_users:pending", 'downgrade -1 undid the last one');
pg_migrate_exits($node, [ @app, 'push', 'head' ], 0, qr/^1 revisions applied$/m, undef,
	'push head');

# export: the catalog as files, which check finds equal to the catalog
my $exported = PostgreSQL::Test::Utils::tempdir . '/exported';
pg_migrate_exits($node, [ '-d', 'app', '--dir', $exported, 'export' ], 0,
	qr/\/0001_create_users\.sql\n.*\/0002_add_e_mail_to_users\.sql$/m,
	qr/2 files written, 0 already there/, 'export');
is( $node->safe_psql(
		'app',
		"SELECT content = :'file' FROM migrate_export() WHERE revision = '0001_create_users'",
		extra_params => [ '-v', 'file=' . slurp_file("$exported/0001_create_users.sql") ]),
	't',
	'export writes what migrate_export() says, byte for byte');
pg_migrate_exits($node, [ '-d', 'app', '--dir', $exported, 'check' ], 0, undef, undef,
	'check of the exported folder');
pg_migrate_exits($node, [ '-d', 'app', '--dir', $exported, 'export' ], 0, undef,
	qr/0 files written, 2 already there/, 'export again leaves the files alone');
open my $fh, '>>', "$exported/0001_create_users.sql" or die;
print $fh "-- edited\n";
close $fh;
pg_migrate_exits($node, [ '-d', 'app', '--dir', $exported, 'export' ], 5, undef,
	qr/file ".*0001_create_users\.sql" exists with other text; not overwritten/,
	'export does not overwrite an edited file');

# dev: the migration to a desired state, generated, applied, and written
# into the folder under the next name, its id the file's name
$node->safe_psql('postgres', 'CREATE DATABASE devdb');
my $devdir = PostgreSQL::Test::Utils::tempdir . '/dev';
my @dev = ('-d', 'devdb', '--dir', $devdir);
pg_migrate_exits($node, [ @dev, 'init' ], 0, undef, undef, 'init for dev');
my $schema = PostgreSQL::Test::Utils::tempdir . '/schema.sql';
open my $sfh, '>', $schema or die;
print $sfh "CREATE TABLE \"user\" (id integer PRIMARY KEY, name text NOT NULL);\n";
close $sfh;
pg_migrate_exits($node, [ @dev, 'dev', 'create user', '--desired', $schema ], 0,
	qr/^\Q$devdir\E\/0001_create_user\.sql$/m,
	qr/applied revision "0001_create_user": create user/, 'dev --desired FILE');
like(slurp_file("$devdir/0001_create_user.sql"),
	qr/\A-- message: create user\n-- id: 0001_create_user\n-- revises: none\n-- migrate:up\n(?:.*\n)*CREATE TABLE public\."user"/,
	'dev writes the revision file');
is(status_lines($node, 'devdb'), '0001_create_user:applied', 'dev applied it');
pg_migrate_exits($node, [ @dev, 'dev', 'again', '--desired', $schema ], 4, undef,
	qr/no changes detected in the managed schemas \(SQLSTATE 55000\)/, 'dev with nothing to change');
ok(!-e "$devdir/0002_again.sql", 'a refused dev writes no file');
# diff: the same comparison, printed, nothing applied; exit 6 when it differs
pg_migrate_exits($node, [ @dev, 'diff', '--desired', $schema ], 0,
	qr/\A-- live -> desired\n\z/, undef, 'diff: the database matches schema.sql');
my $wider = PostgreSQL::Test::Utils::tempdir . "/wider.sql";
open my $wfh, '>', $wider or die;
print $wfh "CREATE TABLE \"user\" (id integer PRIMARY KEY, name text NOT NULL, note text);\n";
close $wfh;
pg_migrate_exits($node, [ @dev, 'diff', '--desired', $wider ], 6,
	qr/^ALTER TABLE public\."user" ADD COLUMN note text;$/m, undef,
	'diff: a column more in the desired state');
pg_migrate_exits($node, [ @dev, 'diff', '--desired', $wider, '--json' ], 6,
	qr/"changes":\s*1/, undef, 'diff --json');
is(status_lines($node, 'devdb'), '0001_create_user:applied', 'diff applied nothing');
pg_migrate_exits($node, [ @dev, 'diff' ], 1, undef, qr/diff needs the desired state/,
	'diff without --desired');
pg_migrate_exits($node, [ @dev, 'diff', '--desired', $wider, '--force' ], 1, undef,
	qr/option --force does not apply to verb "diff"/, 'diff --force');
$node->safe_psql('devdb', 'CREATE SCHEMA model; CREATE TABLE model."user" (id integer PRIMARY KEY, name text NOT NULL, email text)');
pg_migrate_exits($node, [ @dev, 'dev', 'add email', '--desired', 'model' ], 0,
	qr/0002_add_email\.sql$/m, undef, 'dev --desired SCHEMA');
like(slurp_file("$devdir/0002_add_email.sql"), qr/^-- revises: 0001_create_user$/m,
	'the second dev file revises the first');
pg_migrate_exits($node, [ @dev, 'check' ], 0, undef, undef, 'check agrees with the dev files');
pg_migrate_exits($node, [ @dev, 'dev', 'x' ], 1, undef, qr/dev needs the desired state/,
	'dev without --desired');
pg_migrate_exits($node, [ @dev, 'push', '--desired', 'model' ], 1, undef,
	qr/option --desired does not apply to verb "push"/, '--desired with another verb');

$node->stop;
done_testing();
