# The extension's upgrade path, after pgTAP's updatecheck: for every released
# version (sql/releases), a database created at that release and brought up
# with ALTER EXTENSION migrate UPDATE is identical to one created at the
# current version: functions, the catalog's tables, grants, event triggers,
# comments, the member list and the dump settings. The release's install
# script comes from git (tag v<version>, or the commit sql/releases names;
# test/release-script.sh); without git or that history the test fails. The
# catalog written through the release's API survives the update, a push after
# it is a no-op, a new revision registers and pushes, and a role without a
# grant cannot call what the current version revokes from PUBLIC.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use MigrateTest;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $top = "$FindBin::RealBin/../..";
my $tmp = PostgreSQL::Test::Utils::tempdir;

my $node = PostgreSQL::Test::Cluster->new('extension_update');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE ROLE regress_nobody LOGIN');
my $current = $node->safe_psql('postgres',
	"SELECT default_version FROM pg_available_extensions WHERE name = 'migrate'");
isnt($current, '', "the current version ($current) is installed");
my $extdir = $node->config_data('--sharedir') . '/extension';

# Run test/release-script.sh; returns ($ok, stdout, stderr)
sub release_script
{
	my (@args) = @_;
	my ($out, $err) = ('', '');
	my $ok = IPC::Run::run([ 'bash', "$top/test/release-script.sh", @args ],
		'>', \$out, '2>', \$err);
	return ($ok, $out, $err);
}

# The installed release scripts this test wrote, and what was there before
# (undef: nothing), put back at the end
my %written;

END
{
	foreach my $file (keys %written)
	{
		if (defined $written{$file})
		{
			open(my $fh, '>', $file) or next;
			print $fh $written{$file};
			close $fh;
		}
		else
		{
			unlink $file;
		}
	}
}

# Make the server's extension directory hold release ${version}'s install
# script as git has it; true when it does.
sub install_release
{
	my ($version) = @_;
	my ($ok, $script, $err) = release_script($version);

	if (!$ok)
	{
		fail("the install script of release $version comes from git");
		diag("test/release-script.sh $version failed:\n$err"
			  . 'this test needs a clone with the history of sql/releases'
			  . ' (run-tests.sh passes MIGRATE_GIT_DIR to its copy of the tree)');
		return 0;
	}
	my $file = "$extdir/migrate--$version.sql";
	my $installed = -e $file ? slurp_file($file) : undef;
	if (!defined $installed || $installed ne $script)
	{
		if (!-w $extdir)
		{
			fail("$file is release ${version}'s install script");
			diag(
				(defined $installed ? "$file differs from release $version in git" : "$file is missing")
				  . ", and $extdir is not writable by"
				  . ' this user; install the release scripts first:'
				  . ' make releases && sudo make install-releases'
				  . ' (make test does it)');
			return 0;
		}
		$written{$file} = $installed unless exists $written{$file};
		open(my $fh, '>', $file) or die "could not write $file: $!";
		print $fh $script;
		close $fh;
	}
	pass("$file is release ${version}'s install script, as git has it");
	return 1;
}

# The extension as the catalogs of $db describe it: one query per aspect, a
# line per object (sorted by describe())
my $members = q{
	SELECT d.classid, d.objid, d.objsubid
	FROM pg_catalog.pg_depend d
	JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
	WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
	  AND d.deptype = 'e' AND e.extname = 'migrate'
};
my $member_rels = qq{
	SELECT c.oid FROM pg_catalog.pg_class c
	WHERE c.relnamespace = 'migrate'::pg_catalog.regnamespace
	   OR c.oid IN (SELECT objid FROM ($members) m
					WHERE m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass)
	   OR c.oid IN (SELECT i.indexrelid FROM pg_catalog.pg_index i
					JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
					WHERE t.relnamespace = 'migrate'::pg_catalog.regnamespace)
};
my %aspects = (
	'extension' => q{
		SELECT extname || ' ' || extversion || ' schema ' || extnamespace::regnamespace
			   || ' owner ' || extowner::regrole || ' relocatable ' || extrelocatable
		FROM pg_extension WHERE extname = 'migrate'},
	'member list (pg_depend deptype e)' => qq{
		SELECT pg_describe_object(classid, objid, objsubid) FROM ($members) m},
	'dump settings (extconfig, extcondition)' => q{
		SELECT c.cfg::regclass::text || ' condition '
			   || coalesce(quote_literal(e.extcondition[c.i]), 'NULL')
		FROM pg_extension e, unnest(e.extconfig) WITH ORDINALITY AS c (cfg, i)
		WHERE e.extname = 'migrate'},
	'functions' => qq{
		SELECT p.oid::regprocedure::text
			   || ' | args ' || pg_get_function_arguments(p.oid)
			   || ' | result ' || coalesce(pg_get_function_result(p.oid), '-')
			   || ' | kind ' || p.prokind::text || ' language ' || l.lanname
			   || ' | volatile ' || p.provolatile::text || ' strict ' || p.proisstrict
			   || ' security definer ' || p.prosecdef
			   || ' leakproof ' || p.proleakproof || ' parallel ' || p.proparallel::text
			   || ' cost ' || p.procost || ' rows ' || p.prorows
			   || ' | config ' || coalesce(p.proconfig::text, '-')
			   || ' | src ' || p.prosrc || ' | bin ' || coalesce(p.probin, '-')
			   || ' | owner ' || p.proowner::regrole
		FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
		WHERE p.oid IN (SELECT objid FROM ($members) m
						WHERE m.classid = 'pg_proc'::regclass)
		   OR p.pronamespace = 'migrate'::regnamespace},
	'relations' => qq{
		SELECT c.oid::regclass::text || ' kind ' || c.relkind::text
			   || ' persistence ' || c.relpersistence::text
			   || ' owner ' || c.relowner::regrole
			   || ' options ' || coalesce(c.reloptions::text, '-')
			   || ' row security ' || c.relrowsecurity || ' forced ' || c.relforcerowsecurity
		FROM pg_class c WHERE c.oid IN ($member_rels)},
	'columns' => qq{
		SELECT a.attrelid::regclass::text || '.' || a.attname
			   || ' ' || format_type(a.atttypid, a.atttypmod) || ' #' || a.attnum
			   || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
			   || coalesce(' DEFAULT ' || pg_get_expr(ad.adbin, ad.adrelid), '')
			   || CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END
			   || CASE WHEN a.attgenerated <> '' THEN ' generated ' || a.attgenerated::text ELSE '' END
			   || CASE WHEN a.attcollation <> 0 THEN ' collate ' || a.attcollation::regcollation ELSE '' END
		FROM pg_attribute a
		LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
		WHERE a.attrelid IN ($member_rels) AND a.attnum > 0 AND NOT a.attisdropped},
	'constraints' => qq{
		SELECT co.conrelid::regclass::text || ' ' || co.conname || ' '
			   || pg_get_constraintdef(co.oid)
			   || CASE WHEN co.condeferrable THEN ' deferrable' ELSE '' END
		FROM pg_constraint co WHERE co.conrelid IN ($member_rels)},
	'indexes' => qq{
		SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
		WHERE i.indrelid IN ($member_rels)},
	'sequences' => qq{
		SELECT s.seqrelid::regclass::text || ' ' || format_type(s.seqtypid, NULL)
			   || ' start ' || s.seqstart || ' increment ' || s.seqincrement
			   || ' min ' || s.seqmin || ' max ' || s.seqmax || ' cache ' || s.seqcache
			   || ' cycle ' || s.seqcycle
			   || coalesce(' owned by ' || (SELECT pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid)
											FROM pg_depend d
											WHERE d.classid = 'pg_class'::regclass
											  AND d.objid = s.seqrelid AND d.deptype = 'a'), '')
		FROM pg_sequence s WHERE s.seqrelid IN ($member_rels)},
	'triggers and policies' => qq{
		SELECT pg_get_triggerdef(t.oid) || ' enabled ' || t.tgenabled::text FROM pg_trigger t
		WHERE t.tgrelid IN ($member_rels) AND NOT t.tgisinternal
		UNION ALL
		SELECT 'policy ' || p.polname || ' on ' || p.polrelid::regclass
		FROM pg_policy p WHERE p.polrelid IN ($member_rels)},
	'grants (nspacl, relacl, attacl, proacl)' => qq{
		SELECT 'schema ' || n.nspname || ' ' || coalesce(n.nspacl::text, 'default')
		FROM pg_namespace n
		WHERE n.oid IN (SELECT objid FROM ($members) m
						WHERE m.classid = 'pg_namespace'::regclass)
		UNION ALL
		SELECT c.oid::regclass::text || ' ' || coalesce(c.relacl::text, 'default')
		FROM pg_class c WHERE c.oid IN ($member_rels)
		UNION ALL
		SELECT a.attrelid::regclass::text || '.' || a.attname || ' ' || a.attacl::text
		FROM pg_attribute a
		WHERE a.attrelid IN ($member_rels) AND a.attacl IS NOT NULL
		UNION ALL
		SELECT p.oid::regprocedure::text || ' ' || coalesce(p.proacl::text, 'default')
		FROM pg_proc p
		WHERE p.oid IN (SELECT objid FROM ($members) m WHERE m.classid = 'pg_proc'::regclass)
		   OR p.pronamespace = 'migrate'::regnamespace},
	'event triggers' => q{
		SELECT evtname || ' on ' || evtevent || ' execute ' || evtfoid::regprocedure
			   || ' enabled ' || evtenabled::text || ' tags ' || coalesce(evttags::text, '-')
			   || ' owner ' || evtowner::regrole
		FROM pg_event_trigger},
	'comments (every member, and the columns of its tables)' => qq{
		SELECT pg_describe_object(m.classid, m.objid, 0) || ': '
			   || coalesce(quote_literal(d.description), 'no comment')
		FROM ($members) m
		LEFT JOIN pg_description d
			   ON d.classoid = m.classid AND d.objoid = m.objid AND d.objsubid = 0
		UNION ALL
		SELECT pg_describe_object(d.classoid, d.objoid, d.objsubid) || ': '
			   || quote_literal(d.description)
		FROM pg_description d
		WHERE d.classoid = 'pg_class'::regclass AND d.objoid IN ($member_rels)
		  AND d.objsubid > 0});

sub describe
{
	my ($db) = @_;
	my %shape;

	foreach my $aspect (keys %aspects)
	{
		$shape{$aspect} = $node->safe_psql($db,
			"SELECT line FROM ($aspects{$aspect}) AS s (line) ORDER BY line COLLATE \"C\"");
	}
	return \%shape;
}

# Equal texts, or a failure with a unified diff of the two
sub same_text
{
	my ($got, $expected, $got_label, $expected_label, $name) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;

	return pass($name) if $got eq $expected;
	fail($name);
	my $n = 0;
	$n++ while -e "$tmp/diff$n.a";
	PostgreSQL::Test::Utils::append_to_file("$tmp/diff$n.a", "$expected\n");
	PostgreSQL::Test::Utils::append_to_file("$tmp/diff$n.b", "$got\n");
	my ($out, $err) = ('', '');
	IPC::Run::run(
		[
			'diff', '-u', '--label', $expected_label, '--label', $got_label,
			"$tmp/diff$n.a", "$tmp/diff$n.b"
		],
		'>', \$out, '2>', \$err);
	diag($out . $err);
	return 0;
}

# The member functions of the extension in $db, as regprocedure texts
sub member_functions
{
	my ($db) = @_;
	return sort split /\n/, $node->safe_psql($db, qq{
		SELECT p.oid::regprocedure::text FROM pg_proc p
		WHERE p.oid IN (SELECT objid FROM ($members) m WHERE m.classid = 'pg_proc'::regclass)});
}

# A call of function $sig (regprocedure text) with a NULL for every argument,
# as $role; returns psql's stderr ('' when it ran)
sub call_as
{
	my ($db, $role, $sig) = @_;
	my $sql = $node->safe_psql($db, qq{
		SELECT CASE p.prokind WHEN 'p' THEN 'CALL ' ELSE 'SELECT ' END
			   || p.oid::regproc::text || '('
			   || coalesce((SELECT string_agg('NULL::' || format_type(t, NULL), ', ' ORDER BY i)
							FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a (t, i)), '')
			   || ')'
		FROM pg_proc p WHERE p.oid = '$sig'::regprocedure});
	my ($out, $err) = ('', '');
	$node->psql(
		$db, "BEGIN; $sql; ROLLBACK",
		stdout => \$out,
		stderr => \$err,
		on_error_stop => 1,
		extra_params => [ '-U', $role ]);
	return $err;
}

# The database at the current version
$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', 'CREATE EXTENSION migrate');
my $fresh = describe('fresh');
foreach my $aspect (sort grep { $_ ne 'triggers and policies' } keys %aspects)
{
	isnt($fresh->{$aspect}, '', "a fresh install has $aspect to compare");
}
my %fresh_functions = map { $_ => 1 } member_functions('fresh');

my ($listed, $list) = (release_script('--list'))[ 0, 1 ];
my @releases = grep { $_ ne $current } split /\n/, $list;
ok($listed && @releases > 0,
	"sql/releases lists the releases before $current: @releases");

foreach my $version (@releases)
{
	my $db = 'from_' . ($version =~ s/\W/_/gr);

	next unless install_release($version);
	$node->safe_psql('postgres', "CREATE DATABASE $db");

	# Every C function of the release's script resolves in the current
	# library: CREATE FUNCTION ... LANGUAGE C looks each symbol up.
	$node->safe_psql($db, "SET check_function_bodies = on; CREATE EXTENSION migrate VERSION '$version'");
	is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'migrate'"),
		$version, "$version: created at $version against the current library");

	# a catalog written through the release's API: revisions, a push, a
	# downgrade and a push again, out-of-band DDL in the log
	add_revision($node, $db, 'r1', 'create account',
		'CREATE EXTENSION citext; CREATE TABLE account (id int PRIMARY KEY);'
		  . ' CREATE VIEW account_ids AS SELECT id FROM account;'
		  . ' GRANT SELECT ON account TO PUBLIC',
		'DROP VIEW account_ids; DROP TABLE account; DROP EXTENSION citext');
	add_revision($node, $db, 'r2', 'add a name',
		'ALTER TABLE account ADD COLUMN name text', 'ALTER TABLE account DROP COLUMN name');
	$node->safe_psql(
		$db, q{
		SELECT count(*) FROM migrate_push();
		SELECT count(*) FROM migrate_downgrade('-1');
		SELECT count(*) FROM migrate_push();
		CREATE TABLE outside (id int);
	});
	my $catalog = catalog_rows($node, $db);
	my $status = status_lines($node, $db);
	my $ddl_log = $node->safe_psql($db,
		'SELECT seq, command_tag, object_identity, revision FROM migrate.ddl_log ORDER BY seq');
	my $last_logged = $node->safe_psql($db, 'SELECT max(seq) FROM migrate.ddl_log');
	my $drift = $node->safe_psql($db, 'SELECT kind, identity, change FROM migrate_drift()');
	my @old_functions = member_functions($db);
	is($status, "r1:applied\nr2:applied", "$version: r1 and r2 applied");

	# The expected state as the release's own library saved it: 0.1's wrote
	# a view's query as pg_get_viewdef() deparses it (qualified columns on
	# 15), kept the owner's default item in a grant list, and had no
	# extensions in its model; the update must settle those and keep the
	# real drift (the table "outside").
	if ($version eq '0.1')
	{
		$node->safe_psql(
			$db, q{
			SET search_path = pg_catalog;  -- as the model reads: names qualified
			UPDATE migrate.snapshot SET objects = replace(objects,
				substring(objects FROM E'\nview\tpublic.account_ids\t[^\n]*'),
				substring(objects FROM E'\nview\tpublic.account_ids\t[^\n]*? as ')
				  || replace(pg_get_viewdef('public.account_ids'::regclass), E'\n', '\n'));
			UPDATE migrate.snapshot SET objects = replace(objects,
				substring(objects FROM E'\nprivileges\ttable public.account\t[^\n]*'),
				E'\nprivileges\ttable public.account\t'
				  || (SELECT string_agg(item, ' ' ORDER BY item COLLATE "C")
					  FROM unnest(string_to_array(substring(objects
								FROM E'\nprivileges\ttable public.account\t([^\n]*)'), ' ')
							|| (SELECT a::text FROM pg_class c, unnest(acldefault('r', c.relowner)) a
								WHERE c.oid = 'public.account'::regclass)) AS item));
			UPDATE migrate.snapshot
			SET objects = regexp_replace(objects, E'\nextension\t[^\n]*', '', 'g');
		});
		my $aged = $node->safe_psql($db, 'SELECT kind, identity, change FROM migrate_drift()');
		like($aged, qr/^extension\|citext\|added$/m,
			"$version: an extension ${version}'s library did not read reads as drift to the current one");
		like($aged, qr/^privileges\|table public\.account\|changed$/m,
			"$version: a grant list as ${version}'s library saved it reads as drift to the current one");
		# (16 and later deparse the view the same way as the current library)
		like($aged, qr/^view\|public\.account_ids\|changed$/m,
			"$version: so does a view's query as ${version}'s library deparsed it on 15")
		  if $node->pg_version < 16;
	}

	$node->safe_psql($db, 'ALTER EXTENSION migrate UPDATE');
	is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'migrate'"),
		$current, "$version: ALTER EXTENSION migrate UPDATE brings it to $current");

	# the same extension as a fresh install, aspect by aspect
	my $updated = describe($db);
	foreach my $aspect (sort keys %aspects)
	{
		same_text($updated->{$aspect}, $fresh->{$aspect},
			"$db (created at $version, updated)", "fresh (created at $current)",
			"$version: $aspect identical after the update");
	}

	# the catalog carried across, untouched by the update and by a push; 0.2
	# adds the columns migrate.revision.transactional, true for every
	# revision 0.1 held, and lock_timeout, lock_retries (NULL: the
	# session's) and lint_allow (none)
	my $catalog_updated = $catalog;
	$catalog_updated =~ s/^(revision .*)\)$/$1,t,,,{})/mg if $version eq '0.1';
	is(catalog_rows($node, $db), $catalog_updated,
		"$version: revisions, applied set and history survive the update");
	is( $node->safe_psql(
			$db, qq{
			SELECT seq, command_tag, object_identity, revision FROM migrate.ddl_log
			WHERE seq <= $last_logged ORDER BY seq;
			SELECT string_agg(command_tag || ' ' || object_identity || ' ' || coalesce(revision, 'out of band'), ', ')
			FROM migrate.ddl_log WHERE seq > $last_logged;
		}),
		"$ddl_log\nALTER EXTENSION migrate out of band",
		"$version: the DDL log survives; the update adds the ALTER EXTENSION only, none of its script's statements");
	is(status_lines($node, $db), $status, "$version: migrate_status() is the same");
	is($node->safe_psql($db,
			'SELECT revision || \':\' || action FROM migrate_history() ORDER BY seq'),
		"r1:upgrade\nr2:upgrade\nr2:downgrade\nr2:upgrade",
		"$version: migrate_history() shows the history written before the update");
	is($node->safe_psql($db, 'SELECT count(*) FROM migrate_push()'),
		'0', "$version: migrate_push() after the update applies nothing");
	is(catalog_rows($node, $db), $catalog_updated, "$version: and writes nothing");
	isnt($drift, '', "$version: the out-of-band table is drift");
	is($node->safe_psql($db, 'SELECT kind, identity, change FROM migrate_drift()'),
		$drift, "$version: migrate_drift() shows the same drift after the update");

	# new revisions, through the old API and through the files of 0.2
	add_revision($node, $db, 'r3', 'create ledger',
		'CREATE TABLE ledger (id int)', 'DROP TABLE ledger');
	is( $node->safe_psql(
			$db, q{
			SELECT migrate_add_file('r4.sql', $f$-- message: create audit
CREATE TABLE audit (id int);
-- migrate:down
DROP TABLE audit;
$f$, 'r3');
			SELECT string_agg(revision, ',') FROM migrate_push();
		}),
		"r4\nr3,r4",
		"$version: new revisions register (migrate_add, migrate_add_file) and push after the update");
	is(tables_of($node, $db), 'public.account public.audit public.ledger public.outside',
		"$version: their tables exist");

	# a role without a grant: what the current version added and a fresh
	# install keeps from PUBLIC stays out of its reach after the update too
	my %old = map { $_ => 1 } @old_functions;
	my @new = grep { !$old{$_} } member_functions($db);
	foreach my $sig (@new)
	{
		my $public = $node->safe_psql('fresh',
			"SELECT has_function_privilege('regress_nobody', '$sig', 'EXECUTE')");
		my $err = call_as($db, 'regress_nobody', $sig);
		if ($public eq 't')
		{
			unlike($err, qr/permission denied/,
				"$version: new $sig, open to PUBLIC in a fresh install, is open after the update");
		}
		else
		{
			like($err, qr/permission denied for (function|procedure)/,
				"$version: new $sig, revoked from PUBLIC in a fresh install, is refused to a role without a grant after the update");
		}
	}
	is_deeply(\@new, [ grep { !$old{$_} } sort keys %fresh_functions ],
		"$version: the functions checked are those $current adds: @new");
}

# The update to 0.2 drops and creates migrate_add, migrate_status and
# migrate_show again (new argument, new result column): what the owner
# granted or revoked on them at 0.1 is carried over.
if (install_release('0.1'))
{
	$node->safe_psql('postgres', 'CREATE DATABASE grants_0_1');
	$node->safe_psql(
		'grants_0_1', q{
		CREATE EXTENSION migrate VERSION '0.1';
		GRANT EXECUTE ON FUNCTION migrate_add(text, text, text, text, text[]) TO regress_nobody;
		REVOKE EXECUTE ON FUNCTION migrate_show(text) FROM PUBLIC;
		ALTER EXTENSION migrate UPDATE TO '0.2';
	});
	is( $node->safe_psql(
			'grants_0_1', q{
		SELECT has_function_privilege('regress_nobody', 'migrate_add(text, text, text, text, text[], boolean, text, integer, text[])', 'EXECUTE'),
			   has_function_privilege('regress_nobody', 'migrate_status()', 'EXECUTE'),
			   has_function_privilege('regress_nobody', 'migrate_show(text)', 'EXECUTE'),
			   has_function_privilege('regress_nobody', 'migrate_push(text)', 'EXECUTE')}),
		't|t|f|f',
		'0.1 to 0.2: a grant on migrate_add and a revoke on migrate_show survive their re-creation');
}

$node->stop;
done_testing();
