# A backend killed with SIGKILL in the middle of SELECT migrate_push(): the
# server goes through crash recovery, and nothing of the push remains: every
# revision pending, none of its tables, no history.  A new push then applies
# everything.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use MigrateTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = migrate_node('kill_push');
# the test framework turns it off; on is the default a DBA runs with
$node->append_conf('postgresql.conf', 'restart_after_crash = on');
$node->reload;

# r2 waits for a table another session keeps locked, after r1 ran
add_blocked_chain($node, 'postgres', 3, 2);

my $blocker = start_blocker($node, 'postgres', 'blocker');
my $pusher = start_parked($node, 'postgres', 'SELECT * FROM migrate_push();');
my $pid = wait_for_lock_wait($node, 'postgres', 'SELECT * FROM migrate_push', 'relation');

my $offset = -s $node->logfile;
is(kill('KILL', $pid), 1, 'the pushing backend is sent SIGKILL');
# the postmaster must notice before we poll: until then the old instance
# still answers, and the poll in recovered_after_crash() would pass at once
$node->wait_for_log(qr/all server processes terminated; reinitializing/, $offset);
recovered_after_crash($node, $offset);
like(end_session($pusher), qr/applied revision "r1": create t1/,
	'the push had applied r1 in its transaction when it was killed');
end_session($blocker);

check_chain($node, 'postgres', 3, 2, 0, 'after recovery');

# the catalog agrees with the schema: pushing again creates every table
is( $node->safe_psql('postgres',
		'SELECT string_agg(revision, \',\') FROM migrate_push()'),
	'r1,r2,r3',
	'a new push applies every revision');
check_chain($node, 'postgres', 3, 2, 3, 'after the new push');

$node->stop;
done_testing();
