# pg_migrate check, the CI gate: each of its exit codes on its own, several
# failures at once (the smallest code, every finding printed), and that it
# changes nothing.  Then bad folders and files, refused by register and push
# with exit 5 and nothing registered: no up section, an unknown parent, two
# files claiming one id, a file edited after it was applied, a non-UTF-8
# file, a NUL byte, a folder named *.sql, a missing folder; and an empty folder.
# Then verify with a failed proof (exit 6), verify and drift --json parsed,
# and a migrations folder that is a symbolic link.
use strict;
use warnings FATAL => 'all';

use File::Copy;
use FindBin;
use lib $FindBin::RealBin;
use JSON::PP;
use MigrateTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = migrate_node('client_check');
my $tmp = PostgreSQL::Test::Utils::tempdir;
my $dir = "$tmp/migrations";
my $aside = "$tmp/aside";
mkdir $dir or die;
mkdir $aside or die;
my @db = ('-d', 'postgres', '--dir', $dir);

sub write_file
{
	my ($path, $content) = @_;
	open my $fh, '>', $path or die "$path: $!";
	binmode $fh;
	print $fh $content;
	close $fh;
}

write_file("$dir/0001_a.sql",
	"-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n");
write_file("$dir/0002_b.sql",
	"-- migrate:up\nCREATE TABLE b (id int);\n-- migrate:down\nDROP TABLE b;\n");
pg_migrate_exits($node, [ @db, 'push' ], 0, qr/^2 revisions applied$/m, undef, 'push');
pg_migrate_exits($node, [ @db, 'check' ], 0, qr/^check passed: 2 files/m, undef,
	'check: all agree');

# Each failure on its own, and the catalog untouched by every check
my $catalog = catalog_rows($node, 'postgres');

# 10: a file edited after it was applied
write_file("$dir/0001_a.sql",
	"-- migrate:up\nCREATE TABLE a (id bigint);\n-- migrate:down\nDROP TABLE a;\n");
pg_migrate_exits($node, [ @db, 'check' ], 10, qr/^check failed \(exit 10\)$/m,
	qr/check: changed: file 0001_a\.sql, revision 0001_a\n\s+revision "0001_a" is applied and cannot be changed/,
	'check: an applied file was edited');
# push refuses it too, and registers nothing
pg_migrate_exits($node, [ @db, 'push' ], 5, undef,
	qr/revision "0001_a" is applied and cannot be changed \(SQLSTATE 55000\)\n.*detail: .*\n.*hint: .*\n.*while registering file/,
	'push: an applied file was edited');
write_file("$dir/0001_a.sql",
	"-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n");

# 11: a registered revision without its file
move("$dir/0002_b.sql", "$aside/0002_b.sql") or die;
pg_migrate_exits($node, [ @db, 'check' ], 11, undef,
	qr/check: missing: revision 0002_b/, 'check: a file is missing');
move("$aside/0002_b.sql", "$dir/0002_b.sql") or die;

# 12: a file not registered
write_file("$dir/0003_c.sql",
	"-- migrate:up\nCREATE TABLE c (id int);\n-- migrate:down\nDROP TABLE c;\n");
pg_migrate_exits($node, [ @db, 'check' ], 12, undef,
	qr/check: unregistered: file 0003_c\.sql, revision 0003_c/, 'check: a new file');
pg_migrate_exits($node, [ @db, 'check', '--allow-pending' ], 12, undef, undef,
	'check --allow-pending: a new file still fails');

# 13: drift
$node->safe_psql('postgres', 'ALTER TABLE a ADD COLUMN x int');
move("$dir/0003_c.sql", "$aside/0003_c.sql") or die;
pg_migrate_exits($node, [ @db, 'check' ], 13, undef,
	qr/check: drift: column public\.a\.x added/, 'check: drift');
$node->safe_psql('postgres', 'ALTER TABLE a DROP COLUMN x');

is(catalog_rows($node, 'postgres'), $catalog, 'no check changed the catalog');

# 14: a registered revision that is not applied
move("$aside/0003_c.sql", "$dir/0003_c.sql") or die;
pg_migrate_exits($node, [ @db, 'register' ], 0, qr/^3 files, 1 new revisions registered$/m,
	undef, 'register the new file');
pg_migrate_exits($node, [ @db, 'check' ], 14, undef,
	qr/check: pending: revision 0003_c/, 'check: a pending revision');
pg_migrate_exits($node, [ @db, 'check', '--allow-pending' ], 0, undef, undef,
	'check --allow-pending: pending is allowed');

# A changed file of a revision that is not applied: 10 as well
write_file("$dir/0003_c.sql",
	"-- migrate:up\nCREATE TABLE c (id bigint);\n-- migrate:down\nDROP TABLE c;\n");
pg_migrate_exits($node, [ @db, 'check', '--allow-pending' ], 10, undef,
	qr/check: changed: file 0003_c\.sql, revision 0003_c\n\s+The file's scripts differ/,
	'check: a pending file was edited');

# ... and its message or its parent changed, as the extension judges it
write_file("$dir/0003_c.sql",
	"-- message: another message\n-- migrate:up\nCREATE TABLE c (id int);\n-- migrate:down\nDROP TABLE c;\n");
pg_migrate_exits($node, [ @db, 'check', '--allow-pending' ], 10, undef,
	qr/check: changed: file 0003_c\.sql, revision 0003_c\n\s+The file's message differs/,
	'check: the message of a pending file was edited');
write_file("$dir/0003_c.sql",
	"-- revises: 0001_a\n-- migrate:up\nCREATE TABLE c (id int);\n-- migrate:down\nDROP TABLE c;\n");
pg_migrate_exits($node, [ @db, 'check', '--allow-pending' ], 10, undef,
	qr/check: changed: file 0003_c\.sql, revision 0003_c\n\s+The file's parents differ/,
	'check: the parent of a pending file was edited');
write_file("$dir/0003_c.sql",
	"-- migrate:up\nCREATE TABLE c (id bigint);\n-- migrate:down\nDROP TABLE c;\n");

# Several at once: every finding, the smallest code
$node->safe_psql('postgres', 'ALTER TABLE b ADD COLUMN y int');
move("$dir/0002_b.sql", "$aside/0002_b.sql") or die;
my $json = decode_json(pg_migrate_exits($node, [ @db, 'check', '--json' ], 10, undef, undef,
	'check --json with several failures'));
is_deeply(
	[ $json->{ok}, $json->{exit}, [ sort map { $_->{kind} } @{ $json->{findings} } ] ],
	[ JSON::PP::false, 10, [qw(changed drift missing pending)] ],
	'check --json lists every finding, and the smallest code wins');
move("$aside/0002_b.sql", "$dir/0002_b.sql") or die;
$node->safe_psql('postgres', 'ALTER TABLE b DROP COLUMN y');
write_file("$dir/0003_c.sql",
	"-- migrate:up\nCREATE TABLE c (id int);\n-- migrate:down\nDROP TABLE c;\n");
pg_migrate_exits($node, [ @db, 'push' ], 0, qr/^1 revisions applied$/m, undef, 'push the third');
pg_migrate_exits($node, [ @db, 'check' ], 0, undef, undef, 'check: all agree again');

# Bad files: exit 5, and nothing registered
$catalog = catalog_rows($node, 'postgres');
my @bad = (
	[ '0004_no_up.sql', "-- message: nothing\n", qr/the up script has no statements/, 'no up section' ],
	[
		'0004_orphan.sql', "-- revises: nowhere\nCREATE TABLE d (id int);\n",
		qr/nowhere/, 'an unknown parent'
	],
	[ '0004_typo.sql', "-- mesage: typo\nCREATE TABLE d (id int);\n", qr/unknown header line "mesage"/,
		'an unknown header key' ],
	[ '0004_dup.sql', "-- id: 0003_c\nCREATE TABLE d (id int);\n", qr/0003_c/, 'two files claiming one id' ],
	[ '0004_latin1.sql', "-- message: caf\xe9\nCREATE TABLE d (id int);\n",
		qr/file ".*0004_latin1\.sql" is not valid UTF-8 at line 1/, 'a non-UTF-8 file' ],
	[ '0004_nul.sql', "CREATE TABLE d (id int);\n\0\n",
		qr/file ".*0004_nul\.sql" holds a NUL byte at line 2/, 'a NUL byte' ]);
foreach my $case (@bad)
{
	my ($name, $content, $err_re, $what) = @$case;
	write_file("$dir/$name", $content);
	pg_migrate_exits($node, [ @db, 'push' ], 5, undef, $err_re, "push with $what");
	pg_migrate_exits($node, [ @db, 'register' ], 5, undef, $err_re, "register with $what");
	pg_migrate_exits($node, [ @db, 'check' ], 5, undef, $err_re, "check with $what");
	unlink "$dir/$name" or die;
	is(catalog_rows($node, 'postgres'), $catalog, "$what: the catalog is unchanged");
}

# A folder named like a file: exit 5, not a revision silently left out
mkdir "$dir/0004_folder.sql" or die;
foreach my $verb (qw(push register check))
{
	pg_migrate_exits($node, [ @db, $verb ], 5, undef,
		qr/error: ".*0004_folder\.sql" is not a regular file/, "$verb with a folder named *.sql");
}
rmdir "$dir/0004_folder.sql" or die;
is(catalog_rows($node, 'postgres'), $catalog, 'a folder named *.sql: the catalog is unchanged');

# Two files claiming one id, both unapplied: the client sees it
write_file("$dir/0004_d.sql", "-- id: twin\nCREATE TABLE d (id int);\n");
write_file("$dir/0005_e.sql", "-- id: twin\n-- revises: 0003_c\nCREATE TABLE e (id int);\n");
pg_migrate_exits($node, [ @db, 'push' ], 5, undef,
	qr/files "0004_d\.sql" and "0005_e\.sql" both hold revision "twin"/,
	'push with two files claiming one unapplied id');
unlink "$dir/0004_d.sql", "$dir/0005_e.sql";
is(catalog_rows($node, 'postgres'), $catalog, 'twins: the catalog is unchanged');

# A missing folder: exit 5 with a hint; an empty folder: a warning
pg_migrate_exits($node, [ '--dir', "$tmp/nowhere", 'push' ], 5, undef,
	qr/migrations folder ".*nowhere" does not exist\n.*hint: Run "pg_migrate init"/,
	'push with a missing folder');
pg_migrate_exits($node, [ '--dir', "$tmp/nowhere", 'check' ], 5, undef,
	qr/does not exist/, 'check with a missing folder');
mkdir "$tmp/empty" or die;
pg_migrate_exits($node, [ '--dir', "$tmp/empty", 'push' ], 0, qr/^0 revisions applied$/m,
	qr/warning: migrations folder ".*empty" holds no \.sql file/, 'push with an empty folder');
pg_migrate_exits($node, [ '--dir', "$tmp/empty", 'check' ], 11, undef,
	qr/check: missing: revision 0001_a/, 'check with an empty folder: every revision is missing');
is(catalog_rows($node, 'postgres'), $catalog, 'the catalog is unchanged at the end');

# Names and scripts with quotes, backslashes, braces, commas and non-ASCII
# text go through the one-statement registration unchanged
$node->safe_psql('postgres', 'CREATE DATABASE odd');
$node->safe_psql('odd', 'CREATE EXTENSION migrate');
mkdir "$tmp/odd" or die;
my $odd_up = q{CREATE TABLE "odd ""t""" (v text DEFAULT E'a\\b"c{d},e');};
write_file("$tmp/odd/0001_odd \"name\", {x}.sql",
	"-- message: quotes \" and \\ backslash, {braces}, commas, \xc3\xa9\n-- id: odd\n"
	  . "$odd_up\n-- migrate:down\nDROP TABLE \"odd \"\"t\"\"\";\n");
pg_migrate_exits($node, [ '-d', 'odd', '--dir', "$tmp/odd", 'push' ], 0,
	qr/^1 revisions applied$/m, undef, 'push of a file with odd characters');
is($node->safe_psql('odd', "SELECT up_sql FROM migrate.revision WHERE id = 'odd'"),
	$odd_up, 'its script is registered byte for byte');
pg_migrate_exits($node, [ '-d', 'odd', '--dir', "$tmp/odd", 'check' ], 0, undef, undef,
	'check agrees with it');

# verify with a down script that does not undo its up: exit 6, and its
# --json and drift's --json are JSON even with odd identifiers
$node->safe_psql('postgres', 'CREATE DATABASE proof');
$node->safe_psql('proof', 'CREATE EXTENSION migrate');
mkdir "$tmp/proof" or die;
write_file("$tmp/proof/0001_half.sql",
	"-- message: a \"quoted\" \\ message, \xc3\xa9\nCREATE TABLE a (x int);\nCREATE TABLE b (x int);\n"
	  . "-- migrate:down\nDROP TABLE a;\n");
my @proof = ('-d', 'proof', '--dir', "$tmp/proof");
pg_migrate_exits($node, [ @proof, 'verify' ], 6, qr/^0001_half\s+f\s+the down script does not restore/m,
	qr/error: 1 of the revisions failed their proof/, 'verify with a failed proof');
my $proof = decode_json(pg_migrate_exits($node, [ @proof, 'verify', '--json' ], 6, undef, undef,
	'verify --json with a failed proof'));
is_deeply([ map { [ $_->{revision}, $_->{ok} ? 1 : 0 ] } @$proof ], [ [ '0001_half', 0 ] ],
	'verify --json: the failed proof as JSON');
is(status_lines($node, 'proof'), '', 'verify registered nothing');

# A migrations folder that is a symbolic link is read through it
symlink("$tmp/proof", "$tmp/proof-link") or die;
pg_migrate_exits($node, [ '-d', 'proof', '--dir', "$tmp/proof-link", 'push' ], 0,
	qr/^1 revisions applied$/m, undef, 'push from a folder that is a symbolic link');
is(status_lines($node, 'proof'), '0001_half:applied', 'the file behind the link is applied');

$node->safe_psql('proof', q{CREATE TABLE "odd ""t"" \ é" (v int)});
my $drift = decode_json(pg_migrate_exits($node, [ @proof, 'drift', '--json' ], 6, undef, undef,
	'drift --json with an odd identifier'));
is_deeply([ sort map { "$_->{kind} $_->{identity} $_->{change}" } @$drift ],
	[ qq{column public."odd ""t"" \\ \x{e9}".v added}, qq{table public."odd ""t"" \\ \x{e9}" added} ],
	'drift --json: the identifiers through JSON unchanged');

# A file that starts with a byte order mark (an editor on Windows): the
# header is read, the mark is no statement
mkdir "$tmp/bom" or die;
write_file("$tmp/bom/0001_bom.sql",
	"\xef\xbb\xbf-- message: with a mark\nCREATE TABLE bom (x int);\n-- migrate:down\nDROP TABLE bom;\n");
pg_migrate_exits($node, [ '-d', 'proof', '--dir', "$tmp/bom", 'push' ], 0,
	qr/^1 revisions applied$/m, undef, 'push of a file with a byte order mark');
is($node->safe_psql('proof', "SELECT message FROM migrate.revision WHERE id = '0001_bom'"),
	'with a mark', 'its header is read');

$node->stop;
done_testing();
