# pg_dump and restore carry the migrate catalog: revisions, the applied set
# and the history survive a custom-format dump restored with pg_restore, and
# a plain --schema-only dump completed with a data-only dump of the
# extension, so a push in the restored database is a no-op and the history
# goes on from where it was.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use MigrateTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = migrate_node('dump_restore');
my $tmp = PostgreSQL::Test::Utils::tempdir;

add_revision($node, 'postgres', 'r1', 'create account',
	'CREATE TABLE account (id int PRIMARY KEY)', 'DROP TABLE account');
add_revision($node, 'postgres', 'r2', 'add a name',
	'ALTER TABLE account ADD COLUMN name text', undef);
add_revision($node, 'postgres', 'r3', 'create audit',
	'CREATE TABLE audit (id int)', 'DROP TABLE audit');
# a history with more than upgrades
$node->safe_psql(
	'postgres', q{
	SELECT count(*) FROM migrate_push();
	SELECT count(*) FROM migrate_downgrade('-1');
	SELECT count(*) FROM migrate_push();
	INSERT INTO account VALUES (1, 'one');
});
my $catalog = catalog_rows($node, 'postgres');
my $status = $node->safe_psql('postgres', 'SELECT * FROM migrate_status()');
is(history_actions($node, 'postgres'),
	"r1:upgrade\nr2:upgrade\nr3:upgrade\nr3:downgrade\nr3:upgrade",
	'the source history has upgrades and a downgrade');

# Every row equal, the push a no-op, the history going on where it stopped
sub check_restored
{
	my ($db, $how) = @_;

	is(catalog_rows($node, $db), $catalog,
		"$how: revisions, applied set and history are identical");
	is($node->safe_psql($db, 'SELECT * FROM migrate_status()'),
		$status, "$how: migrate_status() is the same");
	is($node->safe_psql($db, 'SELECT count(*) FROM migrate_push()'),
		'0', "$how: migrate_push() applies nothing");
	is(catalog_rows($node, $db), $catalog, "$how: the push wrote nothing");
	is( $node->safe_psql(
			$db, q{
			SELECT revision FROM migrate_downgrade('-1');
			SELECT seq = (SELECT max(seq) FROM migrate.history WHERE action = 'upgrade') + 1
			FROM migrate.history WHERE action = 'downgrade' ORDER BY seq DESC LIMIT 1;
		}),
		"r3\nt",
		"$how: a downgrade works and its history row follows the others");
	is(tables_of($node, $db), 'public.account', "$how: the downgrade dropped audit");
	add_revision($node, $db, 'r4', 'create ledger',
		'CREATE TABLE ledger (id int)', 'DROP TABLE ledger');
	is($node->safe_psql($db, 'SELECT string_agg(revision, \',\') FROM migrate_push()'),
		'r3,r4', "$how: a new revision registers and pushes");
}

# custom format, pg_restore into a new database
$node->command_ok([ 'pg_dump', '-Fc', '-f', "$tmp/custom.dump", 'postgres' ],
	'pg_dump -Fc');
$node->safe_psql('postgres', 'CREATE DATABASE restored');
$node->command_ok(
	[ 'pg_restore', '--exit-on-error', '-d', 'restored', "$tmp/custom.dump" ],
	'pg_restore into a new database');
is($node->safe_psql('restored', 'SELECT * FROM account'),
	'1|one', 'pg_restore: the user data is back');
check_restored('restored', 'pg_restore');

# A plain --schema-only dump leaves out every table's rows, the configuration
# tables' included (pg_dump puts their rows in the data section): the catalog
# comes with a data-only dump of the extension's schema.
$node->command_ok(
	[ 'pg_dump', '--schema-only', '-f', "$tmp/schema.sql", 'postgres' ],
	'pg_dump --schema-only');
unlike(slurp_file("$tmp/schema.sql"), qr/^COPY migrate\./m,
	'the schema-only dump holds no row of the migrate catalog');
$node->command_ok(
	[
		'pg_dump', '--data-only', '--extension=migrate', '--schema=migrate',
		'-f', "$tmp/catalog.sql", 'postgres'
	],
	'pg_dump --data-only --extension=migrate --schema=migrate');
my $catalog_dump = slurp_file("$tmp/catalog.sql");
like($catalog_dump, qr/^COPY migrate\.revision /m,
	'the data-only dump of the extension holds the rows of migrate.revision');
unlike($catalog_dump, qr/^COPY public\./m, 'and no user data');
$node->safe_psql('postgres', 'CREATE DATABASE schemaonly');
foreach my $file ('schema.sql', 'catalog.sql')
{
	$node->command_ok(
		[
			'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1',
			'-f', "$tmp/$file", '-d', 'schemaonly'
		],
		"$file restores with psql");
}
is($node->safe_psql('schemaonly', 'SELECT count(*) FROM account'),
	'0', 'schema-only: the user table is there, without its rows');
check_restored('schemaonly', 'schema-only');

$node->stop;
done_testing();
