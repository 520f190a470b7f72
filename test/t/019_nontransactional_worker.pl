# Non-transactional revisions run by the background worker: a failing
# concurrent build (its clear error, the INVALID index it left dropped, a
# clean retry once the data is fixed); kill -9 of the worker and of the
# server during a build (the rerun drops the INVALID index and finishes,
# and nothing is marked applied too early); the client going away during a
# step (the worker finishes and records it); and, while a worker runs, a
# push refused and writes on the table going on.
use strict;
use warnings;

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('worker');
$node->init;
$node->append_conf('postgresql.conf', "restart_after_crash = on\n");
$node->start;

sub q1 { return $node->safe_psql('postgres', shift); }

# a psql session kept open, fed statements one at a time
sub session
{
	my %s = (in => '', out => '', err => '');
	$s{h} = IPC::Run::start(
		[ 'psql', '-XAtq', '-v', 'ON_ERROR_STOP=0', '-d', $node->connstr('postgres') ],
		'<', \$s{in}, '>', \$s{out}, '2>', \$s{err});
	return \%s;
}

sub send_sql
{
	my ($s, $sql) = @_;
	$s->{in} .= "$sql\n";
	$s->{h}->pump while length $s->{in};
}

# the state of a revision as migrate_status() says it
sub state_of
{
	return q1("SELECT state FROM migrate_status() WHERE revision = '$_[0]'");
}

sub wait_for_phase
{
	my ($pattern) = @_;
	ok( $node->poll_query_until('postgres',
			"SELECT EXISTS (SELECT FROM pg_stat_progress_create_index p"
			  . " JOIN pg_stat_activity a USING (pid)"
			  . " WHERE a.backend_type = 'migrate worker' AND p.phase ~ '$pattern')"),
		"the worker's build reaches phase /$pattern/");
}

q1(<<'SQL');
CREATE EXTENSION migrate;
CREATE TABLE account (id int PRIMARY KEY, email text);
INSERT INTO account SELECT g, 'u' || (g % 100) FROM generate_series(1, 1000) g;
SQL

# ------------------------------------------------------------------
# A failing step: a unique build over duplicate rows
# ------------------------------------------------------------------
q1(<<'SQL');
SELECT migrate_add('unique emails',
	'CREATE UNIQUE INDEX CONCURRENTLY account_email_key ON account (email)',
	'DROP INDEX CONCURRENTLY account_email_key',
	id => 'u1', revises => '{}', transactional => false);
SQL
my ($ret, $out, $err) = $node->psql('postgres', 'CALL migrate_deploy()');
isnt($ret, 0, 'a deploy whose build meets duplicates fails');
like($err, qr/could not create unique index "account_email_key"/, 'with the server\'s own message');
like($err, qr/DETAIL:  Key \(email\)=\(u\d+\) is duplicated/, 'and its detail');
like($err, qr/step 1 at line 1, in a background worker/, 'the context names the step');
like($err, qr/HINT:  Fix the cause and call migrate_deploy\(\) again/, 'the hint says what to do');
is(state_of('u1'), 'apply failed', 'status says the run failed');
is(q1("SELECT state || ' ' || attempts || ' ' || sqlstate FROM migrate_steps('u1')"),
	'failed 1 23505', 'the step is failed, with its SQLSTATE');
is(q1("SELECT count(*) FROM pg_class WHERE relname = 'account_email_key'"),
	'0', 'the INVALID index the build left is dropped at once');
is(q1("SELECT action || ' ' || sqlstate || ' ' || statement FROM migrate_history() WHERE revision = 'u1'"),
	'failure 23505 1', 'the history has the failure');

q1("UPDATE account SET email = 'u' || id");
($ret, $out, $err) = $node->psql('postgres', 'CALL migrate_deploy()');
is($ret, 0, 'after the data is fixed, the deploy succeeds') or diag($err);
like($err, qr/step 1 of 1 of revision "u1" done/, 'it tells the step done');
is(state_of('u1'), 'applied', 'the revision is applied');
is(q1("SELECT state || ' ' || attempts FROM migrate_steps('u1')"), 'done 2',
	'in a second attempt');
is(q1("SELECT indisvalid FROM pg_index WHERE indexrelid = 'account_email_key'::regclass"),
	't', 'the index is valid');
is(q1("SELECT revision FROM migrate_ddl_log() WHERE object_identity = 'public.account_email_key' AND NOT dropped ORDER BY seq DESC LIMIT 1"),
	'u1', 'the DDL log attributes the build to the revision');

# ------------------------------------------------------------------
# kill -9 of the worker while its build waits for a writer
# ------------------------------------------------------------------
q1(<<'SQL');
SELECT migrate_add('id index',
	'CREATE INDEX CONCURRENTLY account_id_email ON account (id, email)',
	'DROP INDEX CONCURRENTLY account_id_email',
	id => 'k1', transactional => false);
SQL
my $blocker = session();
send_sql($blocker, "BEGIN; INSERT INTO account VALUES (-1, 'blocker');");

($ret, $out, $err) = $node->psql('postgres', "CALL migrate_deploy('heads', wait => false)");
is($ret, 0, 'a deploy that does not wait returns') or diag($err);
like($err, qr/applying revision "k1" \(id index\) in a background worker: 1 step/,
	'and says a worker applies the revision');
wait_for_phase('waiting for writers');

# meanwhile: writes go on, a push is refused, a deploy that does not wait says so
q1("INSERT INTO account VALUES (-2, 'writer'); UPDATE account SET email = 'w' WHERE id = 1");
pass('writes on the table go on during the build');
($ret, $out, $err) = $node->psql('postgres', 'SELECT migrate_push()');
like($err, qr/migrate_push\(\) cannot run while a background worker runs a non-transactional revision/,
	'a push is refused while the worker runs');
like($err, qr/The worker is applying revision "k1"/, 'naming the revision');
is(state_of('k1'), 'applying', 'status says the revision is being applied');
is(q1("SELECT indisvalid FROM pg_index WHERE indexrelid = 'account_id_email'::regclass"),
	'f', 'the index exists, INVALID, while it waits');

my $wpid = q1("SELECT backend_pid FROM migrate_steps('k1')");
kill 'KILL', $wpid;
$blocker->{h}->finish;
ok($node->poll_query_until('postgres', 'SELECT true'), 'the server is back after the crash');
is(state_of('k1'), 'apply interrupted', 'the revision is not applied: the run was interrupted');
is(q1("SELECT state FROM migrate_steps('k1')"), 'running', 'its step still reads running');
is(q1("SELECT indisvalid FROM pg_index WHERE indexrelid = 'account_id_email'::regclass"),
	'f', 'the INVALID index is still there');

($ret, $out, $err) = $node->psql('postgres', 'CALL migrate_deploy()');
is($ret, 0, 'the next deploy resumes the revision') or diag($err);
is(state_of('k1'), 'applied', 'and applies it');
is(q1("SELECT state || ' ' || attempts FROM migrate_steps('k1')"), 'done 2', 'in a second attempt');
is(q1("SELECT count(*) || ' ' || bool_and(indisvalid) FROM pg_index WHERE indexrelid::regclass::text = 'account_id_email'"),
	'1 true', 'one index of that name remains, valid: the left one was dropped first');

# ------------------------------------------------------------------
# The server killed (immediate stop) during a build
# ------------------------------------------------------------------
q1(<<'SQL');
SELECT migrate_add('another index',
	'CREATE INDEX CONCURRENTLY account_email_id ON account (email, id)',
	id => 's1', transactional => false);
SQL
$blocker = session();
send_sql($blocker, "BEGIN; INSERT INTO account VALUES (-3, 'blocker');");
($ret, $out, $err) = $node->psql('postgres', "CALL migrate_deploy('heads', wait => false)");
wait_for_phase('waiting for writers');
$node->stop('immediate');
$blocker->{h}->finish;
$node->start;
is(state_of('s1'), 'apply interrupted', 'after the server crash the revision is not applied');
($ret, $out, $err) = $node->psql('postgres', 'CALL migrate_deploy()');
is($ret, 0, 'the next deploy finishes it') or diag($err);
is(q1("SELECT count(*) || ' ' || bool_and(indisvalid) FROM pg_index WHERE indexrelid::regclass::text = 'account_email_id'"),
	'1 true', 'with one valid index');
is(q1("SELECT count(*) FROM pg_index WHERE NOT indisvalid"), '0', 'and no INVALID index anywhere');

# ------------------------------------------------------------------
# The client goes away during a step: the worker finishes it
# ------------------------------------------------------------------
q1(<<'SQL');
SELECT migrate_add('third index',
	'CREATE INDEX CONCURRENTLY account_id_desc ON account (id DESC)',
	'DROP INDEX CONCURRENTLY account_id_desc',
	id => 'c1', transactional => false);
SQL
$blocker = session();
send_sql($blocker, "BEGIN; INSERT INTO account VALUES (-4, 'blocker');");
my $client = session();
send_sql($client, "SET application_name = 'deployer'; CALL migrate_deploy();");
wait_for_phase('waiting for writers');
ok(q1("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'deployer'") eq 't',
	'the deploying session is terminated');
$client->{h}->finish;
send_sql($blocker, 'COMMIT;');
ok($node->poll_query_until('postgres',
		"SELECT state = 'applied' FROM migrate_status() WHERE revision = 'c1'"),
	'the worker finishes the revision without its client');
is(q1("SELECT action FROM migrate_history() WHERE revision = 'c1'"), 'upgrade',
	'and records it in the history');
$blocker->{h}->finish;

# ------------------------------------------------------------------
# Down scripts run the same way
# ------------------------------------------------------------------
($ret, $out, $err) = $node->psql('postgres', "CALL migrate_deploy_downgrade('s1')");
is($ret, 0, 'migrate_deploy_downgrade runs a non-transactional down script') or diag($err);
is(q1("SELECT count(*) FROM pg_class WHERE relname = 'account_id_desc'"), '0',
	'DROP INDEX CONCURRENTLY ran');
is(state_of('c1'), 'pending', 'the revision is unapplied');
is(q1("SELECT string_agg(direction || ' ' || state, ', ') FROM migrate_steps('c1')"),
	'down done', 'its down steps are the record now');
is(q1('SELECT count(*) FROM migrate_drift()'), '0', 'no drift after all of it');

# ------------------------------------------------------------------
# migrate.guard = error lets the worker's steps through, and nothing else
# ------------------------------------------------------------------
q1("ALTER DATABASE postgres SET migrate.guard = 'error'");
q1(<<'SQL');
SELECT migrate_add('guarded index',
	'CREATE INDEX CONCURRENTLY account_guarded ON account (email, id)',
	id => 'g1', transactional => false);
SQL
($ret, $out, $err) = $node->psql('postgres', 'CALL migrate_deploy()');
is($ret, 0, 'under the error guard the worker builds the index') or diag($err);
is(state_of('g1'), 'applied', 'and the revision is applied');
($ret, $out, $err) = $node->psql('postgres', 'CREATE INDEX account_oob ON account (id)');
like($err, qr/migrate.guard is "error"/, 'while DDL out of band is still refused');
q1('ALTER DATABASE postgres RESET migrate.guard');

# ------------------------------------------------------------------
# An interrupted DETACH PARTITION ... CONCURRENTLY is finalized on the rerun
# ------------------------------------------------------------------
q1(<<'SQL');
CREATE TABLE event (at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE event_2025 PARTITION OF event FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
SELECT migrate_add('detach 2025',
	'ALTER TABLE event DETACH PARTITION event_2025 CONCURRENTLY',
	id => 'd1', transactional => false);
SQL
$blocker = session();
send_sql($blocker, 'BEGIN; SELECT count(*) FROM event;');
($ret, $out, $err) = $node->psql('postgres', "CALL migrate_deploy('heads', wait => false)");
ok( $node->poll_query_until('postgres',
		"SELECT inhdetachpending FROM pg_inherits WHERE inhrelid = 'event_2025'::regclass"),
	'the detach commits its first phase and waits for the reader');
kill 'KILL', q1("SELECT backend_pid FROM migrate_steps('d1')");
$blocker->{h}->finish;
ok($node->poll_query_until('postgres', 'SELECT true'), 'the server is back');
is(state_of('d1'), 'apply interrupted', 'the detach revision is not applied');
is(q1("SELECT inhdetachpending FROM pg_inherits WHERE inhrelid = 'event_2025'::regclass"),
	't', 'the partition is left pending detach');
($ret, $out, $err) = $node->psql('postgres', 'CALL migrate_deploy()');
is($ret, 0, 'the next deploy finishes the detach') or diag($err);
is(q1("SELECT count(*) FROM pg_inherits WHERE inhrelid = 'event_2025'::regclass"),
	'0', 'the partition is detached (finalized)');
is(state_of('d1'), 'applied', 'and the revision is applied');

done_testing();
