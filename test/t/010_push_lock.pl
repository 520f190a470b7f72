# The migration lock: SHARE UPDATE EXCLUSIVE on migrate.applied, which only
# the extension takes.  A role with no grant cannot hold it or anything that
# conflicts with it, however it tries, so it cannot stall a push.  A push
# that waits for another names the holder in a NOTICE, and lock_timeout
# bounds the wait.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use MigrateTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = migrate_node('push_lock');
$node->safe_psql(
	'postgres', q{
CREATE ROLE regress_nobody LOGIN;
CREATE ROLE regress_deployer LOGIN;
GRANT EXECUTE ON FUNCTION migrate_add(text, text, text, text, text[], boolean, text, integer, text[]),
						  migrate_push(text) TO regress_deployer;
GRANT CREATE ON SCHEMA public TO regress_deployer, regress_nobody;
});

# psql as a role, with an application_name, in the background; its
# progress NOTICEs are kept out
sub session_as
{
	my ($role, $app) = @_;
	my $s = $node->background_psql('postgres',
		extra_params => [ '-U', $role ], on_error_stop => 0);
	$s->query_safe(
		"SET application_name = '$app'; SET client_min_messages = warning");
	return $s;
}

#
# 1. Everything a role with no grant can do to the lock's table
#
my $nobody = session_as('regress_nobody', 'nobody');
# the advisory key the push used to serialize on
$nobody->query_safe('SELECT pg_advisory_lock(1835624306, 1)');
# an open transaction that has read the catalog through the functions open
# to everyone (ACCESS SHARE on migrate.applied, to its end), and done DDL,
# which the event trigger logs as the extension owner
$nobody->query_safe(
	'BEGIN; SELECT count(*) FROM migrate_status(); CREATE TABLE nobody_t (i int)');
# and has reached the table by its OID, with no privilege, through a
# sequence function: it locks ROW EXCLUSIVE before it finds no sequence, and
# keeps the lock past the error rolled back to a savepoint
my $applied_oid = "(SELECT c.oid FROM pg_class c JOIN pg_namespace n"
  . " ON n.oid = c.relnamespace WHERE n.nspname = 'migrate' AND c.relname = 'applied')";
$nobody->query_safe('SAVEPOINT s');
$nobody->query("SELECT setval($applied_oid, 1)");
# (15 says "is not a sequence", 17 and later "cannot open relation")
like(
	$nobody->{stderr},
	qr/"applied" is not a sequence|cannot open relation "applied"/,
	'setval() on the table fails, after taking its lock');
$nobody->query('ROLLBACK TO s');
is( $node->safe_psql('postgres',
		"SELECT string_agg(mode, ',' ORDER BY mode) FROM pg_locks l"
		  . " JOIN pg_stat_activity a USING (pid)"
		  . " WHERE a.application_name = 'nobody'"
		  . " AND l.relation = 'migrate.applied'::regclass"),
	'AccessShareLock,RowExclusiveLock',
	'the ungranted session holds ACCESS SHARE and ROW EXCLUSIVE on migrate.applied, nothing stronger'
);

# the ways to lock it harder fail before they hold anything
my ($ret, $out, $err) = (0, '', '');
for my $try (
	'LOCK TABLE migrate.applied IN ACCESS EXCLUSIVE MODE',
	'LOCK TABLE migrate.applied IN SHARE UPDATE EXCLUSIVE MODE',
	'SELECT * FROM migrate.applied FOR UPDATE',
	'DELETE FROM migrate.applied')
{
	($ret, $out, $err) = $node->psql('postgres', "BEGIN; $try;",
		extra_params => [ '-U', 'regress_nobody' ]);
	like($err, qr/permission denied for schema migrate/,
		"an ungranted role cannot run: $try");
}
# by OID: the maintenance commands check ownership before they hold it
for my $try (
	"ANALYZE",
	"SELECT brin_summarize_new_values(i.indexrelid) FROM pg_index i"
	  . " WHERE i.indrelid = $applied_oid")
{
	($ret, $out, $err) = $node->psql('postgres', "BEGIN; $try; SELECT pg_sleep(0)",
		extra_params => [ '-U', 'regress_nobody' ]);
	is( $node->safe_psql('postgres',
			"SELECT count(*) FROM pg_locks WHERE relation = 'migrate.applied'::regclass"
			  . " AND mode NOT IN ('AccessShareLock', 'RowExclusiveLock')"),
		'0',
		"an ungranted role holds no conflicting lock after: $try");
}

# a push, with a lock timeout that would end it if it had to wait
$node->safe_psql(
	'postgres', q{
SELECT migrate_add('create widgets', 'CREATE TABLE widgets (id int)', id => 'w1');
}, extra_params => [ '-U', 'regress_deployer' ]);
($ret, $out, $err) = $node->psql(
	'postgres',
	"SET lock_timeout = '5s'; SELECT revision FROM migrate_push();",
	extra_params => [ '-U', 'regress_deployer' ]);
is($ret, 0, 'the push does not wait for the ungranted session');
is($out, 'w1', 'the push applies w1');
unlike($err, qr/waiting for the migration lock/,
	'the push never waited for the lock');
$nobody->query('ROLLBACK');
$nobody->quit;

#
# 2. A push that waits for another names the holder
#
$node->safe_psql(
	'postgres', q{
SELECT migrate_add('create gadgets', 'CREATE TABLE gadgets (id int)', id => 'w2');
SELECT migrate_add('create gizmos', 'CREATE TABLE gizmos (id int)', id => 'w3');
}, extra_params => [ '-U', 'regress_deployer' ]);
my $holder = session_as('regress_deployer', 'holder_app');
$holder->query_safe("BEGIN; SELECT revision FROM migrate_push('w2')");
my $holder_pid = $holder->query_safe('SELECT pg_backend_pid()');

# lock_timeout bounds the wait; the NOTICE comes first
($ret, $out, $err) = $node->psql(
	'postgres',
	"SET lock_timeout = '300ms'; SELECT revision FROM migrate_push();",
	extra_params => [ '-U', 'regress_deployer' ]);
isnt($ret, 0, 'a push with a lock timeout gives up');
like(
	$err,
	qr/NOTICE:  waiting for the migration lock\n.*DETAIL:  Process $holder_pid holds it: role "regress_deployer", application "holder_app", idle in transaction, in a transaction started at \d{4}-\d\d-\d\d [\d:.]+[+-]\d\d\.\nHINT:  Another migration is running\..*ERROR:  canceling statement due to lock timeout/s,
	'the waiting push names the holder (pid, role, application, state, since when), then times out'
);

# without a timeout it waits, and goes on when the holder commits
my $waiter = $node->background_psql('postgres',
	extra_params => [ '-U', 'regress_deployer' ]);
$waiter->query_until(qr/started/,
	"\\echo started\nSELECT revision AS waited FROM migrate_push();\n");
wait_for_lock_wait($node, 'postgres', 'SELECT revision AS waited', 'relation');
$holder->query_safe('COMMIT');
my ($waited) = $waiter->query("SELECT 'waiter done'");
is($waited, "w3\nwaiter done", 'the waiter applies what is left: w3');
like(
	$waiter->{stderr},
	qr/waiting for the migration lock\n.*DETAIL:  Process $holder_pid holds it: role "regress_deployer", application "holder_app"/s,
	'the waiter said who it waited for');
$_->quit for ($holder, $waiter);
is( $node->safe_psql('postgres',
		"SELECT string_agg(revision || ':' || action, ' ' ORDER BY seq) FROM migrate_history()"
	),
	'w1:upgrade w2:upgrade w3:upgrade',
	'each revision is applied once');

#
# 4. migrate.lock_timeout: a revision that times out on a table lock names
#    who holds it, read with the pusher's own rights: a non-superuser sees
#    a superuser's session but not its state or query, and sees its own
#
$node->safe_psql(
	'postgres', q{
CREATE TABLE guarded (id int);
ALTER TABLE guarded OWNER TO regress_deployer;
});
$node->safe_psql('postgres',
	"SELECT migrate_add('guarded note', 'ALTER TABLE guarded ADD COLUMN note text;', 'ALTER TABLE guarded DROP COLUMN note;', id => 'g1')",
	extra_params => [ '-U', 'regress_deployer' ]);
my $push_sql = "SET migrate.lock_timeout = '100ms'; SET migrate.lock_retries = 0; SELECT revision FROM migrate_push();";

my $super = $node->background_psql('postgres');
$super->query_safe("SET application_name = 'super_app'; BEGIN; SELECT count(*) /* secret plan */ FROM guarded");
($ret, $out, $err) = $node->psql('postgres', $push_sql,
	extra_params => [ '-U', 'regress_deployer' ]);
isnt($ret, 0, 'a push blocked by a superuser gives up after its lock timeout');
like(
	$err,
	qr/ERROR:  revision "g1" could not get AccessExclusiveLock on relation public\.guarded\nDETAIL:  Its statement 1 at line 1 waited 100 ms\. Held by:\nprocess \d+ \(role \w+, application "super_app", state not visible to this role\)\nHINT:  Nothing of the push was applied\./,
	'it names the superuser\'s session, but not its state or query');
unlike($err, qr/secret/, 'the superuser\'s query stays hidden from the pusher');
$super->query_safe('COMMIT');
$super->quit;

my $own = session_as('regress_deployer', 'own_app');
$own->query_safe("BEGIN; SELECT count(*) /* my own plan */ FROM guarded");
($ret, $out, $err) = $node->psql('postgres', $push_sql,
	extra_params => [ '-U', 'regress_deployer' ]);
like(
	$err,
	qr/Held by:\nprocess \d+ \(role regress_deployer, application "own_app", idle in transaction, transaction open for [\d.]+ s\): SELECT count\(\*\) \/\* my own plan \*\/ FROM guarded/,
	'a session of the pusher\'s own role is shown whole');
$own->query_safe('COMMIT');
$own->quit;
($ret, $out, $err) = $node->psql('postgres', $push_sql,
	extra_params => [ '-U', 'regress_deployer' ]);
is($out, 'g1', 'with the blocker gone the push applies it');
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM migrate_history() WHERE revision = 'g1'"),
	'1', 'and the failed pushes left no history row');

# a NOWAIT that fails at once was not waiting: it is not retried, and no
# earlier wait is named as its cause
$node->safe_psql('postgres',
	"SELECT migrate_add('guarded nowait', 'LOCK TABLE guarded IN ACCESS EXCLUSIVE MODE NOWAIT;', 'SELECT 1;', id => 'g2')",
	extra_params => [ '-U', 'regress_deployer' ]);
$own = session_as('regress_deployer', 'own_app');
$own->query_safe("BEGIN; SELECT count(*) FROM guarded");
($ret, $out, $err) = $node->psql('postgres',
	"SET migrate.lock_timeout = '100ms'; SET migrate.lock_retries = 5; SELECT revision FROM migrate_push();",
	extra_params => [ '-U', 'regress_deployer' ]);
like($err, qr/ERROR:  could not obtain lock on relation "guarded"/,
	'a failed NOWAIT is the server\'s own error');
unlike($err, qr/next attempt|Held by/, 'and is not retried');
$own->query_safe('COMMIT');
$own->quit;
($ret, $out, $err) = $node->psql('postgres', 'SELECT revision FROM migrate_push();',
	extra_params => [ '-U', 'regress_deployer' ]);
is($out, 'g2', 'with nobody in the way the NOWAIT revision goes through');

#
# 5. What reading the blockers meets: a role that may not read
#    pg_stat_activity (the retry goes on, the holders counted, not named),
#    a cancel while they are read (it ends the call; a deploy records it),
#    and a holder that waits for the pusher (both wait for each other: the
#    push stops at once, 40P01, naming it)
#
$node->safe_psql('postgres',
	'GRANT EXECUTE ON PROCEDURE migrate_deploy(text) TO regress_deployer');
$node->safe_psql('postgres',
	"SELECT migrate_add('guarded other', 'ALTER TABLE guarded ADD COLUMN other text;', 'ALTER TABLE guarded DROP COLUMN other;', id => 'g3')",
	extra_params => [ '-U', 'regress_deployer' ]);
my $retry_sql = "SET migrate.lock_timeout = '100ms'; SET migrate.lock_retries = 1;";
my $unread = 'blockers could not be read: permission denied for view pg_stat_activity';

# the last row of g3's history, "action sqlstate error"
sub last_g3_row
{
	return $node->safe_psql('postgres',
		"SELECT action || ' ' || sqlstate || ' ' || error FROM migrate_history()"
		  . " WHERE revision = 'g3' ORDER BY seq DESC LIMIT 1");
}

$node->safe_psql('postgres', 'REVOKE SELECT ON pg_catalog.pg_stat_activity FROM PUBLIC');
$own = session_as('regress_deployer', 'own_app');
$own->query_safe("BEGIN; SELECT count(*) FROM guarded");
($ret, $out, $err) = $node->psql('postgres',
	"$retry_sql SELECT revision FROM migrate_push();",
	extra_params => [ '-U', 'regress_deployer' ]);
like(
	$err,
	qr/NOTICE:  revision "g3", statement 1 at line 1, waited 100 ms for AccessExclusiveLock on relation public\.guarded: the push rolled back, next attempt in \d+ ms \(2 of 2\)\nDETAIL:  Held by 1 session; \Q$unread\E\.\n/,
	'blockers that cannot be read: the push still retries, and says why it does not name them');
like(
	$err,
	qr/ERROR:  revision "g3" could not get AccessExclusiveLock on relation public\.guarded in 2 attempts\nDETAIL:  Its statement 1 at line 1 waited 100 ms each time\. Held by 1 session; \Q$unread\E\.\nHINT:  Nothing of the push was applied\./,
	'and fails with the lock timeout, not with the read');
($ret, $out, $err) = $node->psql('postgres', "$retry_sql CALL migrate_deploy();",
	extra_params => [ '-U', 'regress_deployer' ]);
like(
	$err,
	qr/ERROR:  revision "g3" could not get AccessExclusiveLock on relation public\.guarded in 2 attempts\nDETAIL:  Its statement 1 at line 1 waited 100 ms each time\. Held by 1 session; \Q$unread\E\./,
	'a deploy that runs out of retries fails the same way');
is( $node->safe_psql('postgres',
		"SELECT string_agg(action || ' ' || sqlstate || ' ' || error, E'\\n' ORDER BY seq)"
		  . " FROM migrate_history() WHERE revision = 'g3'"),
	"retry 55P03 waited 100 ms for AccessExclusiveLock on relation public.guarded; held by 1 session ($unread)\n"
	  . 'failure 55P03 revision "g3" could not get AccessExclusiveLock on relation public.guarded in 2 attempts',
	'and records its retry and its failure');
$node->safe_psql('postgres', 'GRANT SELECT ON pg_catalog.pg_stat_activity TO PUBLIC');

# a cancel while the blockers are read (the read queues behind a DBA's lock
# on pg_locks) ends the call, and is not taken for a failed read; a deploy
# records it as the revision's failure first
my $dba = $node->background_psql('postgres');
my $dba_pid = $dba->query_safe('SELECT pg_backend_pid()');
$dba->query_safe('BEGIN; LOCK TABLE pg_catalog.pg_locks IN ACCESS EXCLUSIVE MODE');
foreach my $case ([ 'push', 'SELECT revision FROM migrate_push()' ],
	[ 'deploy', 'CALL migrate_deploy()' ])
{
	my ($what, $sql) = @$case;
	my $pusher = $node->background_psql('postgres',
		extra_params => [ '-U', 'regress_deployer' ], on_error_stop => 0);
	my $pid = $pusher->query_safe('SELECT pg_backend_pid()');

	$pusher->query_until(qr/started/, "\\echo started\n$retry_sql $sql;\n");
	$node->poll_query_until('postgres',
		"SELECT $dba_pid = ANY (pg_blocking_pids($pid))")
	  or die "the $what does not wait to read pg_locks";
	$node->safe_psql('postgres', "SELECT pg_cancel_backend($pid)");
	$pusher->query('SELECT 1');
	like($pusher->{stderr}, qr/ERROR:  canceling statement due to user request/,
		"$what: a cancel while the blockers are read ends the call");
	unlike($pusher->{stderr}, qr/could not be read|could not get|next attempt/,
		"$what: it is neither a failed read nor a retry");
	$pusher->quit;
}
$dba->query_safe('COMMIT');
$dba->quit;
is(last_g3_row(), 'failure 57014 canceling statement due to user request',
	'the cancelled deploy recorded the cancel as its failure');

# statement_timeout during the retries of a deploy: the same
($ret, $out, $err) = $node->psql('postgres',
	"SET statement_timeout = '700ms'; SET migrate.lock_timeout = '100ms';"
	  . " SET migrate.lock_retries = 100; CALL migrate_deploy();",
	extra_params => [ '-U', 'regress_deployer' ]);
like($err, qr/ERROR:  canceling statement due to statement timeout/,
	'statement_timeout ends a deploy that is retrying');
is(last_g3_row(), 'failure 57014 canceling statement due to statement timeout',
	'and the deploy recorded it');
$own->query_safe('COMMIT');

# the holder then calls migrate_push() and queues for the migration lock the
# pusher holds: the two wait for each other (its deadlock check, set late,
# does not break the cycle), so the push stops at once instead of retrying
my $cycler = $node->background_psql('postgres', on_error_stop => 0);
$cycler->query_safe("SET application_name = 'cycle_app'; SET deadlock_timeout = '60s';"
	  . " SET client_min_messages = warning; BEGIN; SELECT count(*) FROM guarded");
my $pusher = $node->background_psql('postgres', on_error_stop => 0);
$pusher->query_until(qr/started/,
	"\\echo started\nSET migrate.lock_timeout = '500ms'; SET migrate.lock_retries = 3;\n"
	  . "SELECT revision AS cycled FROM migrate_push();\n");
wait_for_lock_wait($node, 'postgres', 'SELECT revision AS cycled', 'relation');
$cycler->query_until(qr/started/, "\\echo started\nSELECT revision FROM migrate_push();\n");
my ($sqlstate) = $pusher->query('\\echo :LAST_ERROR_SQLSTATE');
like(
	$pusher->{stderr},
	qr/ERROR:  revision "g3" and a session holding AccessExclusiveLock on relation public\.guarded wait for each other\nDETAIL:  Its statement 1 at line 1 waited 500 ms for it\. That session waits for ShareUpdateExclusiveLock on relation migrate\.applied, which this session holds, so another attempt could only wait again:\nprocess (\d+) \(role \w+, application "cycle_app", active, transaction open for [\d.]+ s\): SELECT revision FROM migrate_push\(\);\nHINT:  Nothing of the push was applied\. Process \1 goes on once this call has ended; run it again when that transaction is over\./,
	'a holder waiting for the pusher: the push stops at once, naming it');
is($sqlstate, '40P01', 'as a deadlock');
unlike($pusher->{stderr}, qr/could not get/, 'without retrying to the end');
$pusher->quit;
is($cycler->query_safe('COMMIT'), 'g3', 'and the other session, no longer blocked, applied g3');
$cycler->quit;

$node->stop;
done_testing();
