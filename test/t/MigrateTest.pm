# Helpers shared by the TAP tests of the migrate extension (test/t/*.pl).
# A test loads it with
#
#   use FindBin;
#   use lib $FindBin::RealBin;
#   use MigrateTest;
#
# Every helper works on a PostgreSQL::Test::Cluster node and a database name;
# the extension must be installed (make install), the tests use it as is.

package MigrateTest;

use strict;
use warnings FATAL => 'all';

use Exporter 'import';
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

our @EXPORT = qw(
  migrate_node
  add_revision
  add_blocked_chain
  check_chain
  status_lines
  applied_ids
  history_actions
  catalog_rows
  tables_of
  column_count
  start_blocker
  start_parked
  wait_for_lock_wait
  end_session
  schema_dump
  start_after_kill9
  recovered_after_crash
  pg_migrate_path
  pg_migrate
  pg_migrate_exits
);

# A new node, started, with the extension created in database "postgres".
# %params go to init() (e.g. allows_streaming => 1).
sub migrate_node
{
	my ($name, %params) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);

	$node->init(%params);
	$node->start;
	$node->safe_psql('postgres', 'CREATE EXTENSION migrate');
	return $node;
}

# Register a revision: add_revision($node, $db, id, message, up, down,
# [parents]).  down undef = irreversible; parents undef = the single head.
sub add_revision
{
	my ($node, $db, $id, $message, $up, $down, $parents) = @_;
	my $revises =
	  defined $parents ? "'{" . join(',', @$parents) . "}'" : 'NULL';
	my $downsql = defined $down ? "\$migrate_test\$$down\$migrate_test\$" : 'NULL';

	return $node->safe_psql($db,
		"SELECT migrate_add(message => \$migrate_test\$$message\$migrate_test\$,"
		  . " up => \$migrate_test\$$up\$migrate_test\$, down => $downsql,"
		  . " id => '$id', revises => $revises)");
}

# A table "blocker" (not a migration) and revisions r1 .. r$count, each
# creating a table t<i>; r$blocked also adds a column "note" to blocker, so
# that it waits while another session keeps blocker locked.
sub add_blocked_chain
{
	my ($node, $db, $count, $blocked) = @_;

	$node->safe_psql($db, 'CREATE TABLE blocker (id int)');
	foreach my $i (1 .. $count)
	{
		my ($message, $up, $down) =
		  ("create t$i", "CREATE TABLE t$i (id int)", "DROP TABLE t$i");

		if ($i == $blocked)
		{
			$message .= ', alter blocker';
			$up .= '; ALTER TABLE blocker ADD COLUMN note text';
			$down = "ALTER TABLE blocker DROP COLUMN note; $down";
		}
		add_revision($node, $db, "r$i", $message, $up, $down);
	}
}

# The state of a chain add_blocked_chain() registered, when exactly its first
# $applied revisions are applied: in migrate_status(), in the history (one
# upgrade each, nothing else) and in the schema
sub check_chain
{
	my ($node, $db, $count, $blocked, $applied, $when) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;

	is( status_lines($node, $db),
		join("\n",
			map { "r$_:" . ($_ <= $applied ? 'applied' : 'pending') } 1 .. $count),
		"$when: migrate_status() shows r1 to r$applied applied, the rest pending");
	is( history_actions($node, $db),
		join("\n", map { "r$_:upgrade" } 1 .. $applied),
		"$when: the history holds one upgrade for each of them and nothing else");
	is( tables_of($node, $db),
		join(' ', 'public.blocker', map { "public.t$_" } 1 .. $applied),
		"$when: the tables of those revisions exist, and no other");
	is(column_count($node, $db, 'blocker', 'note'),
		$blocked <= $applied ? '1' : '0',
		"$when: the column r$blocked adds exists only if r$blocked is applied");
}

# migrate_status() as "revision:state" lines, in apply order
sub status_lines
{
	my ($node, $db) = @_;
	return $node->safe_psql($db,
		"SELECT revision || ':' || state FROM migrate_status()");
}

# The applied set, sorted, comma-separated
sub applied_ids
{
	my ($node, $db) = @_;
	return $node->safe_psql($db,
		'SELECT string_agg(id, \',\' ORDER BY id COLLATE "C") FROM migrate.applied');
}

# The history as "revision:action" lines, oldest first
sub history_actions
{
	my ($node, $db) = @_;
	return $node->safe_psql($db,
		"SELECT revision || ':' || action FROM migrate.history ORDER BY seq");
}

# Every row of the catalog, whole, in a stable order, and the history
# sequence's state: two databases holding the same catalog give equal text.
sub catalog_rows
{
	my ($node, $db) = @_;
	return $node->safe_psql(
		$db, q{
		SELECT 'revision ' || r::text FROM migrate.revision r ORDER BY position;
		SELECT 'applied ' || a::text FROM migrate.applied a ORDER BY id COLLATE "C";
		SELECT 'history ' || h::text FROM migrate.history h ORDER BY seq;
		SELECT 'history_seq ' || last_value || ' ' || is_called FROM migrate.history_seq;
	});
}

# The ordinary tables of a database outside pg_catalog, information_schema
# and migrate, as "schema.table" words, sorted, on one line
sub tables_of
{
	my ($node, $db) = @_;
	return $node->safe_psql(
		$db, q{
		SELECT string_agg(table_schema || '.' || table_name, ' '
						  ORDER BY table_schema, table_name)
		FROM information_schema.tables
		WHERE table_type = 'BASE TABLE'
		  AND table_schema NOT IN ('pg_catalog', 'information_schema', 'migrate')
	});
}

# How many columns named $column table $table has (0 or 1)
sub column_count
{
	my ($node, $db, $table, $column) = @_;
	return $node->safe_psql($db,
		"SELECT count(*) FROM pg_attribute WHERE attrelid = '$table'::regclass"
		  . " AND attname = '$column' AND NOT attisdropped");
}

# A session holding an ACCESS EXCLUSIVE lock on $table in an open
# transaction, so that a script touching it waits
sub start_blocker
{
	my ($node, $db, $table) = @_;
	my $session = $node->background_psql($db);

	$session->query_safe("BEGIN; LOCK TABLE $table IN ACCESS EXCLUSIVE MODE");
	return $session;
}

# A session that starts $sql and does not wait for it to end
sub start_parked
{
	my ($node, $db, $sql) = @_;
	my $session = $node->background_psql($db);

	$session->query_until(qr/started/, "\\echo started\n$sql\n");
	return $session;
}

# Wait until exactly one backend runs a query starting with $prefix and waits
# on a lock of type $event ("relation", ...); return its pid.
sub wait_for_lock_wait
{
	my ($node, $db, $prefix, $event) = @_;
	my $where =
	    "wait_event_type = 'Lock' AND wait_event = '$event'"
	  . " AND query LIKE '$prefix%' AND pid <> pg_backend_pid()";

	$node->poll_query_until($db,
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE $where")
	  or die "no backend running \"$prefix\" waits on a $event lock";
	return $node->safe_psql($db,
		"SELECT pid FROM pg_stat_activity WHERE $where");
}

# End a background session whose server connection may be gone already;
# return what it wrote to stderr.
sub end_session
{
	my ($session) = @_;

	$session->{run}->pump_nb();
	$session->{stdin} .= "\\q\n" if $session->{run}->pumpable();
	eval { $session->{run}->finish; };
	return $session->{stderr};
}

# pg_dump --schema-only of $db without the migrate catalog (with_migrate => 1:
# with it), and without the \restrict / \unrestrict lines (random keys) that
# pg_dump 15.14+ writes
sub schema_dump
{
	my ($node, $db, $file, %opts) = @_;
	my @exclude = $opts{with_migrate} ? () : ('--exclude-schema=migrate');

	$node->command_ok(
		[ 'pg_dump', '--schema-only', @exclude, '-d', $db, '-f', $file ],
		"pg_dump --schema-only of $db");
	my $dump = slurp_file($file);
	$dump =~ s/^\\(?:un)?restrict .*\n//mg;
	return $dump;
}

# Start a node whose postmaster was killed with kill9: its other processes
# exit when they notice, and until the last one is gone the old shared memory
# is in use and the start fails; try again.
sub start_after_kill9
{
	my ($node) = @_;

	for (my $i = 0; $i < 10 * $PostgreSQL::Test::Utils::timeout_default; $i++)
	{
		return if $node->start(fail_ok => 1);
		usleep(100_000);
	}
	die 'the node does not start again after kill9';
}

# Wait for the node to accept connections again after a crash, and check that
# it went through crash recovery (not a clean start); $offset is the log
# position before the crash.
sub recovered_after_crash
{
	my ($node, $offset) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;

	$node->poll_query_until('postgres', 'SELECT NOT pg_is_in_recovery()')
	  or die "the node does not come back after the crash";
	ok( $node->log_contains(
			qr/database system was (?:interrupted|not properly shut down); automatic recovery in progress/,
			$offset),
		'the server went through crash recovery');
}

# The pg_migrate program: the one installed next to the server's programs
# (pg_config --bindir), else the one built in this tree
sub pg_migrate_path
{
	my $bindir = `pg_config --bindir`;
	chomp $bindir;
	return "$bindir/pg_migrate" if $bindir ne '' && -x "$bindir/pg_migrate";
	my $built = ($ENV{TESTDIR} // '.') . '/src/bin/pg_migrate/pg_migrate';
	return $built if -x $built;
	die 'pg_migrate is neither installed (pg_config --bindir) nor built';
}

# Run pg_migrate against $node with @args; return (exit code, stdout,
# stderr)
sub pg_migrate
{
	my ($node, @args) = @_;
	my ($out, $err) = ('', '');
	local %ENV = $node->_get_env();

	IPC::Run::run([ pg_migrate_path(), @args ], '<', \undef, '>', \$out, '2>', \$err);
	die 'pg_migrate died of signal ' . ($? & 127) if $? & 127;
	return ($? >> 8, $out, $err);
}

# Run pg_migrate against $node and check its exit code and that stdout and
# stderr match the patterns given (undef: not checked); returns stdout.
sub pg_migrate_exits
{
	my ($node, $args, $code, $out_re, $err_re, $name) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	my ($rc, $out, $err) = pg_migrate($node, @$args);

	is($rc, $code, "$name: exit code $code")
	  or diag("pg_migrate @$args\nstdout:\n$out\nstderr:\n$err");
	like($out, $out_re, "$name: stdout") if defined $out_re;
	like($err, $err_re, "$name: stderr") if defined $err_re;
	return $out;
}

1;
