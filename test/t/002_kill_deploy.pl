# The server killed with SIGKILL while CALL migrate_deploy() waits in the
# third revision: after crash recovery exactly the committed prefix (the first
# two revisions) is applied and recorded, the rest is pending, and a new
# deploy finishes the job.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use MigrateTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = migrate_node('kill_deploy');

# r3 waits for a table another session keeps locked
add_blocked_chain($node, 'postgres', 4, 3);

my $blocker = start_blocker($node, 'postgres', 'blocker');
my $deployer = start_parked($node, 'postgres', 'CALL migrate_deploy();');
wait_for_lock_wait($node, 'postgres', 'CALL migrate_deploy', 'relation');

# while r3 waits, the first two are already committed
is(applied_ids($node, 'postgres'), 'r1,r2',
	'while the deploy waits in r3, r1 and r2 are committed');

my $offset = -s $node->logfile;
$node->kill9;
# the backends go away when they notice that the postmaster is gone
like(end_session($deployer), qr/applied revision "r2": create t2/,
	'the deploy had reported r2 when the server was killed');
end_session($blocker);
start_after_kill9($node);
recovered_after_crash($node, $offset);

check_chain($node, 'postgres', 4, 3, 2, 'after recovery');

# a new deploy finishes the job
my ($ret, $out, $err) = $node->psql('postgres', 'CALL migrate_deploy()',
	on_error_stop => 1);
is($ret, 0, 'a new deploy succeeds');
unlike($err, qr/revision "r[12]"/, 'it does not apply r1 or r2 again');
like($err, qr/applied revision "r3".*applied revision "r4"/s,
	'it applies r3, then r4');
check_chain($node, 'postgres', 4, 3, 4, 'after the new deploy');

$node->stop;
done_testing();
