# pg_upgrade from an older major version to the one under test, with migrate
# in use: the history, the applied set, the DDL log and the fingerprint
# survive, nothing is reported as drift, migrate_push() afterwards is a
# no-op, and the next revision pushes as usual.
#
# It needs an installation of the older version with this tree built and
# installed in it: MIGRATE_UPGRADE_FROM names its directory (bin/, lib/),
# MIGRATE_UPGRADE_LIBS a folder of shared libraries its binaries need that
# this system lacks. make test-all sets both in the 17 and 18 roots, from the
# 15 root; elsewhere (make test) the test is skipped and says why.
use strict;
use warnings;

use File::Temp;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $from = $ENV{MIGRATE_UPGRADE_FROM};
if (!$from)
{
	plan skip_all =>
	  'MIGRATE_UPGRADE_FROM is not set (make test-all sets it for 17 and 18)';
}
# a folder that was named must be there: from here on, a failure fails
ok(-x "$from/bin/postgres", "the old installation $from has a server")
  or BAIL_OUT("MIGRATE_UPGRADE_FROM=$from has no bin/postgres");
if ($ENV{MIGRATE_UPGRADE_LIBS})
{
	$ENV{LD_LIBRARY_PATH} = join(':',
		$ENV{MIGRATE_UPGRADE_LIBS},
		grep { defined && length } $ENV{LD_LIBRARY_PATH});
}

my $old = PostgreSQL::Test::Cluster->new('old', install_path => $from);
my $new = PostgreSQL::Test::Cluster->new('new');
cmp_ok($old->pg_version->major, '<', $new->pg_version->major,
	'the old server (' . $old->pg_version . ') is older than the new one ('
	  . $new->pg_version . ')');

$old->init;
$old->start;
$old->safe_psql('postgres', 'CREATE EXTENSION migrate');
my $setup = <<'SQL';
SET client_min_messages = warning;
CREATE ROLE regress_upgrade_reader;
SELECT migrate_add('users', $$
	CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		email text NOT NULL UNIQUE, active boolean NOT NULL DEFAULT true);
	CREATE VIEW active_users AS SELECT id, email FROM users WHERE active;
	GRANT SELECT ON users, active_users TO regress_upgrade_reader;
$$, 'DROP VIEW active_users; DROP TABLE users;', id => 'a1');
SELECT migrate_add('posts', $$
	CREATE TABLE posts (id serial PRIMARY KEY,
		user_id bigint REFERENCES users ON DELETE CASCADE, body text);
	CREATE FUNCTION post_count(u bigint) RETURNS bigint LANGUAGE sql STABLE
		AS 'SELECT count(*) FROM posts WHERE user_id = u';
	CREATE MATERIALIZED VIEW post_counts AS
		SELECT user_id, count(*) AS n FROM posts GROUP BY user_id;
$$, 'DROP MATERIALIZED VIEW post_counts; DROP FUNCTION post_count(bigint); DROP TABLE posts;',
	id => 'a2');
SELECT migrate_add('domain', $$
	CREATE DOMAIN posint AS integer NOT NULL CHECK (VALUE > 0);
	ALTER TABLE posts ADD COLUMN score posint DEFAULT 1;
$$, 'ALTER TABLE posts DROP COLUMN score; DROP DOMAIN posint;', id => 'a3');
SELECT count(*) FROM migrate_push();
SELECT count(*) FROM migrate_downgrade('-1');
SELECT count(*) FROM migrate_push();
SQL
$old->safe_psql('postgres', $setup);

# what must survive
my %queries = (
	'fingerprint' => 'SELECT migrate_fingerprint()',
	'status' =>
	  'SELECT revision, state, applied_at FROM migrate_status() ORDER BY revision',
	'history' =>
	  'SELECT seq, revision, action, started_at, fingerprint FROM migrate_history() ORDER BY seq',
	'DDL log' =>
	  'SELECT seq, logged_at, revision, command_tag, object_identity FROM migrate_ddl_log() ORDER BY seq',
	'extension version' =>
	  "SELECT extversion FROM pg_extension WHERE extname = 'migrate'",);
my %before;
$before{$_} = $old->safe_psql('postgres', $queries{$_}) for keys %queries;
is($old->safe_psql('postgres', 'SELECT count(*) FROM migrate_drift()'),
	'0', 'no drift before the upgrade');
like($before{'DDL log'}, qr/CREATE VIEW/, 'the DDL log has rows to carry');

# Debian's 15.20 and 17.12 keep a "pg_attver" option on every column
# (pg_attribute.attoptions), which their own pg_dump reads back, but 18.6's
# pg_dump writes it as a plain column option that 18 refuses ("unrecognized
# parameter"): pg_upgrade from those releases to 18 fails for any database
# with a table, migrate or not. A DBA has to remove the option first; so does
# this test, on the objects pg_upgrade dumps, and only for 18 and later.
if ($new->pg_version >= 18)
{
	my $cleared = $old->safe_psql(
		'postgres', q{
WITH c AS (
	UPDATE pg_catalog.pg_attribute
	   SET attoptions = NULLIF(ARRAY(SELECT o FROM unnest(attoptions) AS o
									 WHERE o NOT LIKE 'pg_attver=%'), '{}')
	 WHERE attrelid >= 16384 AND attoptions::text LIKE '%pg_attver=%'
	RETURNING 1)
SELECT count(*) FROM c});
	note("cleared the pg_attver option of $cleared columns before pg_upgrade to 18");
}
$old->stop;

# pg_upgrade: the new cluster without data checksums, as the old one is
$new->init(no_data_checksums => 1);
my $workdir = File::Temp->newdir(DIR => $PostgreSQL::Test::Utils::tmp_check);
chdir $workdir or die "chdir $workdir: $!";
command_ok(
	[
		'pg_upgrade', '--no-sync',
		'-d', $old->data_dir,
		'-D', $new->data_dir,
		'-b', $old->config_data('--bindir'),
		'-B', $new->config_data('--bindir'),
		'-s', $new->host,
		'-p', $old->port,
		'-P', $new->port,
	],
	'pg_upgrade from ' . $old->pg_version . ' to ' . $new->pg_version);
chdir $PostgreSQL::Test::Utils::tmp_check;
$new->start;

for my $what (sort keys %queries)
{
	is($new->safe_psql('postgres', $queries{$what}),
		$before{$what}, "the $what survives the upgrade");
}
is($new->safe_psql('postgres', 'SELECT count(*) FROM migrate_drift()'),
	'0', 'no drift after the upgrade: the model reads the same on both');
is($new->safe_psql('postgres', 'SELECT count(*) FROM migrate_push()'),
	'0', 'migrate_push() after the upgrade is a no-op');
is( $new->safe_psql(
		'postgres', q{
SET client_min_messages = warning;
SELECT migrate_add('tags', 'CREATE TABLE tags (name text PRIMARY KEY)',
	'DROP TABLE tags', id => 'a4');
SELECT revision FROM migrate_push();
SELECT count(*) FROM migrate_downgrade('-1');
SELECT count(*) FROM migrate_drift();}),
	"a4\na4\n1\n0",
	'the next revision registers, pushes and downgrades on the new server');
is( $new->safe_psql('postgres',
		"SELECT command_tag FROM migrate_ddl_log() WHERE revision = 'a4'"
		  . " AND object_identity = 'public.tags' ORDER BY seq"),
	"CREATE TABLE\nDROP TABLE",
	'and the event triggers log its DDL there');

$new->stop;
done_testing();
