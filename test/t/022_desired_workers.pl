# The two background workers of a desired state given as SQL (the keeper,
# which creates and drops the scratch database, and the reader, which runs
# the SQL there): whatever ends the call, the scratch database is dropped
# and no worker is left.  pg_terminate_backend() of the keeper, of the
# reader and of the caller, a cancel of the caller, a fast shutdown; no free
# worker slot for the keeper or for the reader; a model larger than the
# message queue.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use MigrateTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('desired_workers');
$node->init;
# the logical replication launcher takes one slot: one call (two workers)
# and the keeper of a second fit, the second's reader does not
$node->append_conf('postgresql.conf', "max_worker_processes = 4\n");
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION migrate');

my $scratch =
  "SELECT count(*) FROM pg_database WHERE datname LIKE 'migrate\\_desired\\_%'";
my $workers =
  "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'migrate desired state'";

# A call whose SQL sleeps, and the pids of its keeper and of its reader once
# the reader sleeps in the scratch database
sub start_sleeping_call
{
	my ($tag) = @_;
	my $session = start_parked($node, 'postgres',
		"SELECT changes AS $tag FROM migrate_diff('SELECT pg_sleep(300)');");
	my $where = "backend_type = 'migrate desired state'";

	$node->poll_query_until('postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE $where"
		  . " AND wait_event = 'PgSleep'")
	  or die "the reader of $tag never sleeps";
	my $reader = $node->safe_psql('postgres',
		"SELECT pid FROM pg_stat_activity WHERE $where AND wait_event = 'PgSleep'");
	my $keeper = $node->safe_psql('postgres',
		"SELECT pid FROM pg_stat_activity WHERE $where AND datname = 'postgres'");
	my $caller = $node->safe_psql('postgres',
		"SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT changes AS $tag%'"
		  . " AND pid <> pg_backend_pid()");
	return ($session, $caller, $keeper, $reader);
}

sub all_gone
{
	my ($what) = @_;
	ok($node->poll_query_until('postgres', "SELECT ($scratch) + ($workers) = 0"),
		"$what: the scratch database is dropped and no worker is left");
}

# the keeper terminated: it stops the reader and drops the database first
my ($s, $caller, $keeper, $reader) = start_sleeping_call('a');
is($node->safe_psql('postgres', $scratch), '1', 'the scratch database exists meanwhile');
$node->safe_psql('postgres', "SELECT pg_terminate_backend($keeper)");
like(end_session($s), qr/stopped without an answer/, 'keeper terminated: the caller is told');
all_gone('keeper terminated');

# the reader terminated
($s, $caller, $keeper, $reader) = start_sleeping_call('b');
$node->safe_psql('postgres', "SELECT pg_terminate_backend($reader)");
like(end_session($s), qr/stopped without an answer/, 'reader terminated: the caller is told');
all_gone('reader terminated');

# the caller terminated, and the caller canceled
($s, $caller, $keeper, $reader) = start_sleeping_call('c');
$node->safe_psql('postgres', "SELECT pg_terminate_backend($caller)");
like(end_session($s), qr/terminating connection/, 'caller terminated');
all_gone('caller terminated');
($s, $caller, $keeper, $reader) = start_sleeping_call('d');
$node->safe_psql('postgres', "SELECT pg_cancel_backend($caller)");
like(end_session($s), qr/canceling statement due to user request/, 'caller canceled');
all_gone('caller canceled');

# no slot for the second call's reader, then none for a third call's keeper
($s, $caller, $keeper, $reader) = start_sleeping_call('e');
my ($ret, $out, $err) = $node->psql('postgres',
	"SELECT changes FROM migrate_diff('CREATE TABLE t (i int)')");
like($err, qr/could not start a background worker to read the desired state/,
	'no slot for the reader: a clean error');
is($node->safe_psql('postgres', $scratch), '1',
	"and the reader's database is dropped again");
my $third = start_parked($node, 'postgres',
	"SELECT changes AS f FROM migrate_diff('SELECT pg_sleep(300)');");
$node->poll_query_until('postgres', "SELECT ($workers) = 3")
  or die 'the second call has no keeper';
($ret, $out, $err) = $node->psql('postgres',
	"SELECT changes FROM migrate_diff('CREATE TABLE t (i int)')");
like($err, qr/Every background worker slot is taken/, 'no slot for the keeper: a clean error');
$node->safe_psql('postgres',
	"SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT changes AS f%'"
	  . " AND pid <> pg_backend_pid()");
end_session($third);

# a fast shutdown: the keeper drops the database before it ends
$node->stop('fast');
end_session($s);
$node->start;
is($node->safe_psql('postgres', "$scratch"), '0',
	'fast shutdown: the scratch database is dropped');

# a model larger than the 64 kB queue comes through whole
my $tables = join('',
	map { "CREATE TABLE public.wide_$_ (" . join(', ', map { "column_$_ text" } 1 .. 60) . ");\n" }
	  1 .. 80);
is( $node->safe_psql('postgres',
		"SELECT changes, length(up) > 100000 FROM migrate_diff(\$d\$$tables\$d\$)"),
	'80|t', 'a model of 4,880 objects arrives whole');
all_gone('after the large model');

$node->stop;
done_testing();
