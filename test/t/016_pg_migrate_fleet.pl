# pg_migrate on a fleet: three clusters, seven databases each (twenty-one
# targets), pushed with --jobs 4 from -d options and from --targets; the
# summary table and agreeing fingerprints.  Then one target failing: without
# --keep-going the targets after it are skipped, with it the others run, and
# --canary stops the rest when a canary fails; every time the exit code is
# the failed target's.  All targets succeeding with a schema that differs
# exits 7.  A verb that runs on one database only, and fleet options
# without a fleet, are usage errors.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use JSON::PP ();
use MigrateTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $tmp = PostgreSQL::Test::Utils::tempdir;
my $dir = "$tmp/migrations";
mkdir $dir or die;

sub write_file
{
	my ($path, $content) = @_;
	open my $fh, '>', $path or die "$path: $!";
	print $fh $content;
	close $fh;
}

write_file("$dir/0001_users.sql",
	"CREATE TABLE users (id int PRIMARY KEY);\n-- migrate:down\nDROP TABLE users;\n");
write_file("$dir/0002_orders.sql",
	"CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users);\n"
	  . "-- migrate:down\nDROP TABLE orders;\n");

# Three clusters, seven databases each, the extension in every one
my @nodes;
my @targets;
foreach my $n (1 .. 3)
{
	my $node = PostgreSQL::Test::Cluster->new("fleet$n");
	$node->init;
	$node->start;
	foreach my $d (1 .. 7)
	{
		$node->safe_psql('postgres', "CREATE DATABASE db$d");
		$node->safe_psql("db$d", 'CREATE EXTENSION migrate');
		push @targets, [ $node, "db$d", $node->connstr("db$d") ];
	}
	push @nodes, $node;
}
is(scalar(@targets), 21, 'twenty-one targets on three clusters');

# Run pg_migrate with the environment of the first node (the targets name
# their own host and port)
sub fleet
{
	return pg_migrate_exits($nodes[0], @_);
}

my @all = map { ('-d', $_->[2]) } @targets;
my $out = fleet([ @all, '--dir', $dir, '--jobs', '4', 'push' ], 0,
	qr/^21 targets: 21 succeeded, 0 failed, 0 skipped; fingerprints agree$/m,
	qr/applied revision "0002_orders"/, 'push to 21 targets, 4 at a time');
my @rows = ($out =~ /^(\S+\/db\d)\s+ok\s+0\s+2\s+[0-9.]+\s+([0-9a-f]{12})$/mg);
is(scalar(@rows), 42, 'the summary has one row a target: ok, 2 applied, a fingerprint');
my %fps = @rows;
my %distinct = map { $_ => 1 } values %fps;
is(scalar(keys %distinct), 1, 'one fingerprint for all');
like($out, qr/^\[\S+\/db1\] 2 revisions applied$/m, 'the output of each target is marked with it');
foreach my $t (@targets)
{
	is(status_lines($t->[0], $t->[1]), "0001_users:applied\n0002_orders:applied",
		$t->[0]->name . " $t->[1] has both revisions");
}

# --targets FILE, with comments and blank lines; check agrees everywhere
write_file("$tmp/targets",
	"# the fleet\n\n" . join("\n", map { $_->[2] } @targets) . "\n");
fleet([ '--targets', "$tmp/targets", '--dir', $dir, '--jobs', '3', 'check' ], 0,
	qr/^21 targets: 21 succeeded/m, undef, 'check --targets FILE');

# --json on a fleet: one object, each target's own JSON inside it
my $json = JSON::PP::decode_json(
	fleet([ @all, '--dir', $dir, '--jobs', '4', '--json', 'status' ], 0, undef,
		qr/^21 targets: 21 succeeded/m, 'status --json on the fleet'));
is_deeply(
	[
		$json->{exit}, $json->{fingerprints_agree}, scalar(@{ $json->{targets} }),
		scalar(grep { $_->{result} eq 'ok' && @{ $_->{output} } == 2 } @{ $json->{targets} })
	],
	[ 0, JSON::PP::true, 21, 21 ],
	'status --json: every target, with its two revisions');

# A third revision that fails on one target (db3 of the second cluster)
my $bad = $targets[9];
is($bad->[1], 'db3', 'the failing target is db3');
$bad->[0]->safe_psql($bad->[1], 'CREATE TABLE payments (id int)');
write_file("$dir/0003_payments.sql",
	"CREATE TABLE payments (id int PRIMARY KEY);\n-- migrate:down\nDROP TABLE payments;\n");

sub applied_count
{
	return scalar grep {
		$_->[0]->safe_psql($_->[1],
			"SELECT count(*) FROM migrate.applied WHERE id = '0003_payments'") eq '1'
	} @targets;
}

# Without --keep-going, one at a time: the targets after it are skipped
$out = fleet([ @all, '--dir', $dir, 'push' ], 4,
	qr/^21 targets: 9 succeeded, 1 failed, 11 skipped/m,
	qr/relation "payments" already exists \(SQLSTATE 42P07\)/, 'push: one target fails');
like($out, qr/^\S+\/db3\s+failed\s+4\s+0\s/m, 'the summary names the failed target');
like($out, qr/^\S+\/db4\s+skipped\s*$/m, 'and the skipped ones');
is(applied_count(), 9, 'the nine targets before it are pushed, no other');

# --keep-going: every other target is pushed, the exit code is still 4
fleet([ @all, '--dir', $dir, '--jobs', '4', '--keep-going', 'push' ], 4,
	qr/^21 targets: 20 succeeded, 1 failed, 0 skipped/m, undef, 'push --keep-going');
is(applied_count(), 20, 'every target but the failing one has the revision');

# --canary: a failing canary stops the others
$bad->[0]->safe_psql($bad->[1], 'DROP TABLE payments');
my @others = map { ('-d', $_->[2]) } grep { $_ != $bad } @targets;
write_file("$dir/0004_refunds.sql",
	"CREATE TABLE refunds (id int PRIMARY KEY);\n-- migrate:down\nDROP TABLE refunds;\n");
$bad->[0]->safe_psql($bad->[1], 'CREATE TABLE refunds (id int)');
fleet([ '-d', $targets[0][2], '-d', $bad->[2], @others[ 2 .. $#others ], '--dir', $dir,
		'--canary', '2', '--jobs', '4', 'push' ], 4,
	qr/^21 targets: 1 succeeded, 1 failed, 19 skipped/m,
	qr/a canary target failed: the 19 other targets are not started/, 'push --canary 2');
$bad->[0]->safe_psql($bad->[1], 'DROP TABLE refunds');

# Everything succeeds, but one schema has more: fingerprints differ, exit 7
$targets[20][0]->safe_psql($targets[20][1], 'CREATE TABLE extra (id int)');
fleet([ @all, '--dir', $dir, '--jobs', '4', 'push' ], 7,
	qr/^21 targets: 21 succeeded, 0 failed, 0 skipped; fingerprints differ$/m,
	qr/error: the targets' fingerprints differ/, 'push with one schema that differs');

# init on a fleet: the extension everywhere, the folder made once
my @fresh;
foreach my $node (@nodes)
{
	$node->safe_psql('postgres', 'CREATE DATABASE fresh');
	push @fresh, '-d', $node->connstr('fresh');
}
fleet([ @fresh, '--dir', "$tmp/new_folder", '--jobs', '3', 'init' ], 0,
	qr/^3 targets: 3 succeeded/m, undef, 'init on three targets at once');
ok(-d "$tmp/new_folder", 'init made the folder');
is($_->safe_psql('fresh', "SELECT count(*) FROM pg_extension WHERE extname = 'migrate'"),
	'1', $_->name . ': init created the extension')
  foreach @nodes;

# Usage errors
fleet([ '-d', 'db1', '-d', 'db2', '--dir', $dir, 'new', 'x' ], 1, undef,
	qr/error: verb "new" runs on one database only/, 'new on a fleet');
fleet([ '-d', 'db1', '--dir', $dir, '--jobs', '2', 'push' ], 1, undef,
	qr/error: --jobs, --canary and --keep-going need several targets/, '--jobs without a fleet');
fleet([ @all, '--dir', $dir, '--jobs', '0', 'push' ], 1, undef,
	qr/invalid value "0" for option --jobs/, '--jobs 0');

$_->stop foreach @nodes;
done_testing();
