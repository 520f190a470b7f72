# A streaming standby built from a base backup follows the migrate catalog:
# after a push on the primary, migrate_status() on the standby reports the
# same applied set, and the standby refuses to change anything (read-only).
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use MigrateTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $primary = migrate_node('primary', allows_streaming => 1);
add_revision($primary, 'postgres', 'r1', 'create t1',
	'CREATE TABLE t1 (id int)', 'DROP TABLE t1');

$primary->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
$standby->start;

add_revision($primary, 'postgres', 'r2', 'create t2',
	'CREATE TABLE t2 (id int)', 'DROP TABLE t2');
add_revision($primary, 'postgres', 'r3', 'create t3',
	'CREATE TABLE t3 (id int)', 'DROP TABLE t3');

my $status_query = 'SELECT * FROM migrate_status()';

# Status, applied set and tables of the standby are those of the primary
sub check_standby
{
	my ($when, $applied) = @_;

	$primary->wait_for_catchup($standby, 'replay');
	is(applied_ids($primary, 'postgres'), $applied, "$when: primary applied set");
	is($standby->safe_psql('postgres', $status_query),
		$primary->safe_psql('postgres', $status_query),
		"$when: migrate_status() on the standby is that of the primary");
	is(tables_of($standby, 'postgres'), tables_of($primary, 'postgres'),
		"$when: the standby has the same tables");
}

$primary->safe_psql('postgres', "SELECT count(*) FROM migrate_push('r2')");
check_standby('after a push to r2', 'r1,r2');
is(status_lines($standby, 'postgres'), "r1:applied\nr2:applied\nr3:pending",
	'the standby sees r3 pending');

$primary->safe_psql('postgres', 'SELECT count(*) FROM migrate_push()');
check_standby('after a push to heads', 'r1,r2,r3');

# the read functions work on the standby and say what they say on the primary
foreach my $call (
	'SELECT * FROM migrate_heads()',
	'SELECT * FROM migrate_current()',
	'SELECT * FROM migrate_history()',
	"SELECT * FROM migrate_show('r2')",
	'SELECT * FROM migrate_export()',
	"SELECT migrate_script('r1')")
{
	is($standby->safe_psql('postgres', $call),
		$primary->safe_psql('postgres', $call),
		"$call on the standby is the same as on the primary");
}

# the standby refuses every change, with a clear error, and changes nothing
my $catalog = catalog_rows($standby, 'postgres');
foreach my $call (
	'SELECT * FROM migrate_push()',
	"SELECT * FROM migrate_downgrade('-1')",
	'CALL migrate_deploy()',
	"SELECT migrate_add('more', 'CREATE TABLE t4 (id int)')")
{
	my ($ret, $out, $err) =
	  $standby->psql('postgres', "\\set VERBOSITY verbose\n$call");
	isnt($ret, 0, "$call fails on the standby");
	like(
		$err,
		qr/ERROR:  25006: cannot change migrations in a read-only transaction/,
		"$call: the error says the transaction is read-only (25006)");
	like(
		$err,
		qr/HINT:  The server is a standby: run migrations on the primary\./,
		"$call: the hint says to run it on the primary");
}
is(catalog_rows($standby, 'postgres'), $catalog,
	'the refused calls changed nothing on the standby');

$standby->stop;
$primary->stop;
done_testing();
