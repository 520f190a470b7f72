# pg_terminate_backend() of a pusher that waits on the migration
# lock while another session's push holds it: the holder's push proceeds and
# commits, a second waiter still finds nothing left to do, and every revision
# is applied exactly once.  Then the other way round: the holder terminated
# leaves nothing, and the waiter applies everything.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use MigrateTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = migrate_node('terminate_waiter');

# the holder's push waits in r2 for a table another session keeps locked
add_blocked_chain($node, 'postgres', 3, 2);

my $blocker = start_blocker($node, 'postgres', 'blocker');
my $holder =
  start_parked($node, 'postgres', 'SELECT revision AS a FROM migrate_push();');
my $holder_pid =
  wait_for_lock_wait($node, 'postgres', 'SELECT revision AS a', 'relation');

# two more pushers queue on the migration lock the holder took
my $victim =
  start_parked($node, 'postgres', 'SELECT revision AS b FROM migrate_push();');
my $victim_pid =
  wait_for_lock_wait($node, 'postgres', 'SELECT revision AS b', 'relation');
my $waiter =
  start_parked($node, 'postgres', 'SELECT revision AS c FROM migrate_push();');
wait_for_lock_wait($node, 'postgres', 'SELECT revision AS c', 'relation');
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM pg_locks WHERE locktype = 'relation'"
		  . " AND relation = 'migrate.applied'::regclass"
		  . " AND mode = 'ShareUpdateExclusiveLock' AND pid = $holder_pid AND granted"),
	'1',
	'the holder holds the migration lock');

is( $node->safe_psql('postgres', "SELECT pg_terminate_backend($victim_pid)"),
	't', 'the waiting pusher is terminated');
like(
	end_session($victim),
	qr/terminating connection due to administrator command/,
	'the terminated pusher is told why');
ok( $node->poll_query_until('postgres',
		"SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = $victim_pid"),
	'the terminated backend is gone');

# let the holder go on
$blocker->query_safe('COMMIT');
my ($holder_out) = $holder->query("SELECT 'holder done'");
is($holder_out, "r1\nr2\nr3\nholder done",
	"the holder's push applies r1, r2 and r3");
unlike($holder->{stderr}, qr/ERROR/, "the holder's push raises no error");
my ($waiter_out) = $waiter->query("SELECT 'waiter done'");
is($waiter_out, 'waiter done',
	'the other waiter then finds nothing left to do');
$_->quit for ($blocker, $holder, $waiter);

check_chain($node, 'postgres', 3, 2, 3, 'after the holder committed');

# the holder terminated in the middle of its push: the waiter takes over
add_revision($node, 'postgres', 'r4', 'create t4',
	'CREATE TABLE t4 (id int)', 'DROP TABLE t4');
add_revision($node, 'postgres', 'r5', 'alter blocker again',
	'ALTER TABLE blocker ADD COLUMN note2 text',
	'ALTER TABLE blocker DROP COLUMN note2');
$blocker = start_blocker($node, 'postgres', 'blocker');
$holder =
  start_parked($node, 'postgres', 'SELECT revision AS d FROM migrate_push();');
$holder_pid =
  wait_for_lock_wait($node, 'postgres', 'SELECT revision AS d', 'relation');
$waiter =
  start_parked($node, 'postgres', 'SELECT revision AS e FROM migrate_push();');
wait_for_lock_wait($node, 'postgres', 'SELECT revision AS e', 'relation');

is($node->safe_psql('postgres', "SELECT pg_terminate_backend($holder_pid)"),
	't', 'the pusher holding the lock, waiting in r5, is terminated');
like(
	end_session($holder),
	qr/applied revision "r4".*terminating connection due to administrator command/s,
	'it had applied r4 in its transaction');
# the waiter now holds the migration lock and waits in r5 in turn
ok( $node->poll_query_until('postgres',
		"SELECT count(*) = 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
		  . " WHERE NOT l.granted AND l.relation = 'blocker'::regclass"
		  . " AND a.query LIKE 'SELECT revision AS e%'"),
	'the waiter then waits for the table r5 alters');
is(tables_of($node, 'postgres'), 'public.blocker public.t1 public.t2 public.t3',
	'nothing of the terminated push is visible');
$blocker->query_safe('COMMIT');
($waiter_out) = $waiter->query("SELECT 'waiter done'");
is($waiter_out, "r4\nr5\nwaiter done", 'the waiter applies r4 and r5');
$_->quit for ($blocker, $waiter);
is(history_actions($node, 'postgres'),
	"r1:upgrade\nr2:upgrade\nr3:upgrade\nr4:upgrade\nr5:upgrade",
	'r4 and r5 are applied exactly once');
is(column_count($node, 'postgres', 'blocker', 'note2'), '1',
	'the column r5 adds exists');

$node->stop;
done_testing();
