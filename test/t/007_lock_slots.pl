# A chain too long for one transaction's lock slots: migrate_push() fails
# cleanly, with a hint that names migrate_deploy(), and leaves nothing;
# CALL migrate_deploy() applies the same chain, committing after each
# revision.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $n = 120;    # revisions, each creating a table with a primary key

my $node = PostgreSQL::Test::Cluster->new('locks');
$node->init;
# the shared lock table holds max_locks_per_transaction * max_connections
# entries: 10 * 10 = 100, fewer than the 120 tables of one push need
$node->append_conf('postgresql.conf',
	"max_locks_per_transaction = 10\nmax_connections = 10\n");
# 18 sizes the lock table by 16 autovacuum worker slots more (its
# autovacuum_worker_slots): keep it as small as on 15 and 17
$node->append_conf('postgresql.conf', "autovacuum_worker_slots = 1\n")
  if $node->pg_version >= 18;
$node->start;

$node->safe_psql('postgres', 'CREATE EXTENSION migrate');
$node->safe_psql('postgres', <<"SQL");
SET client_min_messages = warning;
SELECT migrate_add(format('table %s', i),
                   format('CREATE TABLE t_%s (id int PRIMARY KEY, name text)', i),
                   format('DROP TABLE t_%s', i),
                   id => format('r%s', lpad(i::text, 4, '0')))
  FROM generate_series(1, $n) AS i;
SQL

my ($ret, $stdout, $stderr) =
  $node->psql('postgres', 'SET client_min_messages = warning; SELECT count(*) FROM migrate_push()');
isnt($ret, 0, 'push of the long chain fails');
like($stderr, qr/out of shared memory/, 'because the lock table is full');
like($stderr, qr/max_locks_per_transaction/, 'the hint names the setting');
like($stderr, qr/CALL migrate_deploy\(\)/, 'and the way out: migrate_deploy');
like($stderr, qr/while applying revision "r\d{4}"/, 'the context names the revision');

is($node->safe_psql('postgres',
		"SELECT count(*) FROM migrate_status() WHERE state = 'applied'"),
	'0', 'nothing of the failed push is applied');
is($node->safe_psql('postgres',
		"SELECT count(*) FROM pg_tables WHERE tablename ~ '^t_\\d+\$'"),
	'0', 'and none of its tables exist');

($ret, $stdout, $stderr) =
  $node->psql('postgres', 'SET client_min_messages = warning; CALL migrate_deploy()');
is($ret, 0, 'deploy of the same chain succeeds') or diag($stderr);
is($node->safe_psql('postgres',
		"SELECT count(*) FROM migrate_status() WHERE state = 'applied'"),
	"$n", 'every revision is applied');
is($node->safe_psql('postgres',
		"SELECT count(*) FROM pg_tables WHERE tablename ~ '^t_\\d+\$'"),
	"$n", 'every table exists');
is($node->safe_psql('postgres',
		"SELECT count(DISTINCT xid) FROM migrate_history() WHERE action = 'upgrade'"),
	"$n", 'each revision was committed in its own transaction');

$node->stop;
done_testing();
