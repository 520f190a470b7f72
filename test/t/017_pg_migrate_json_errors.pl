# pg_migrate with --json when a verb stops before its work: one JSON object
# on stdout, {"ok": false, "exit", "error", "sqlstate", "detail", "hint"},
# for no connection (exit 2, a password never in it), an extension missing
# or too old (3), the server refusing (4), a bad folder (5); a fleet's
# failed target carries the same fields.  And bad values of the numeric
# options, --lock-timeout and --statement-timeout included (their format,
# and their range): a usage error (exit 1) naming the option with an
# example, before connecting.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib $FindBin::RealBin;
use JSON::PP ();
use MigrateTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = migrate_node('client_json_errors');
my $tmp = PostgreSQL::Test::Utils::tempdir;
my $dir = "$tmp/migrations";
mkdir $dir or die;
my @db = ('-d', 'postgres', '--dir', $dir);

# stdout must be exactly one JSON object (decode_json refuses trailing text)
sub one_object
{
	my ($out, $name) = @_;
	my $obj = eval { JSON::PP::decode_json($out) };
	ok(defined $obj && ref $obj eq 'HASH', "$name: stdout is one JSON object")
	  or diag("stdout:\n$out\n$@");
	return $obj // {};
}

# A failed --json run: its exit code, one object with ok false and the
# same exit, the error as on stderr
sub json_failure
{
	my ($args, $code, $error_re, $name) = @_;
	my ($rc, $out, $err) = pg_migrate($node, @$args);
	is($rc, $code, "$name: exit code $code") or diag("stderr:\n$err");
	my $obj = one_object($out, $name);
	is($obj->{ok}, JSON::PP::false, "$name: ok is false");
	is($obj->{exit}, $code, "$name: exit in the object");
	like($obj->{error} // '', $error_re, "$name: error");
	like($err, $error_re, "$name: the message still on stderr");
	return ($obj, $out, $err);
}

# 2: no connection
my ($obj) = json_failure([ '-h', "$tmp/nosuchdir", '-p', '1', '--json', 'status' ], 2,
	qr/could not connect to the database/, 'no server');
is($obj->{sqlstate}, undef, 'no server: no sqlstate');
my ($o, $out, $err) = json_failure(
	[ '-d', "host=$tmp/nosuchdir port=1 password=hunter2 dbname=x", '--json', 'status' ],
	2, qr/could not connect/, 'no server, a password in the string');
unlike($out . $err, qr/hunter2/, 'no server: the password is not printed');
($o, $out, $err) = json_failure([ '-d', 'password=hunter2 host', '--json', 'status' ], 2,
	qr/invalid connection string/, 'a connection string libpq cannot parse');
unlike($out . $err, qr/hunter2/, 'a bad connection string: the password is not printed');
like($o->{detail} // '', qr/not shown/, 'a bad connection string: the detail says why');

# 3: extension missing, or too old
$node->safe_psql('postgres', 'CREATE DATABASE noext');
($o) = json_failure([ '-d', 'noext', '--dir', $dir, '--json', 'status' ], 3,
	qr/extension "migrate" is not installed in database "noext"/, 'no extension');
like($o->{hint} // '', qr/pg_migrate init/, 'no extension: the hint');
$node->safe_psql('postgres', 'CREATE DATABASE old');
$node->safe_psql('old', 'CREATE EXTENSION migrate');
$node->safe_psql('old', "UPDATE pg_extension SET extversion = '0.0' WHERE extname = 'migrate'");
($o) = json_failure([ '-d', 'old', '--dir', $dir, '--json', 'history' ], 3,
	qr/older than this client/, 'an old extension');
like($o->{hint} // '', qr/ALTER EXTENSION migrate UPDATE/, 'an old extension: the hint');

# 4: the server refused, with its SQLSTATE
($o) = json_failure([ @db, '--json', 'verify', 'nope' ], 4, qr/"nope"/, 'an unknown target');
like($o->{sqlstate} // '', qr/^[0-9A-Z]{5}$/, 'an unknown target: the SQLSTATE');
($o) = json_failure([ @db, '--json', 'plan', 'nope' ], 4, qr/"nope"/,
	'plan to an unknown target');
is($o->{sqlstate}, '42704', 'plan to an unknown target: the SQLSTATE');

# 5: a folder that cannot be used
json_failure([ '-d', 'postgres', '--dir', "$tmp/nosuchfolder", '--json', 'check' ], 5,
	qr/nosuchfolder/, 'a missing folder');
mkdir "$tmp/bad" or die;
open my $fh, '>', "$tmp/bad/0001_bad.sql" or die;
print $fh "\xff\xfe not UTF-8\n";
close $fh;
json_failure([ '-d', 'postgres', '--dir', "$tmp/bad", '--json', 'verify' ], 5, qr/UTF-8|utf8/i,
	'a file that is not UTF-8');

# A --json run that succeeds, or fails after printing its result, prints
# its own JSON only
($o, $out) = (undef, pg_migrate_exits($node, [ @db, '--json', 'status' ], 0, undef, undef,
	'status --json'));
is_deeply(JSON::PP::decode_json($out), [], 'status --json: the empty array, nothing else');

# A fleet: the failed target's entry carries the error fields
my ($rc, $fout, $ferr) = pg_migrate($node, '-d', 'postgres', '-d', 'noext', '--dir', $dir,
	'--keep-going', '--json', 'status');
is($rc, 3, 'fleet with a target without the extension: exit 3');
my $summary = one_object($fout, 'fleet --json');
my ($ok, $bad) = @{ $summary->{targets} // [ {}, {} ] };
is($ok->{error}, undef, 'fleet: the target that succeeded has no error');
is($bad->{exit}, 3, 'fleet: the failed target exits 3');
like($bad->{error} // '', qr/extension "migrate" is not installed in database "noext"/,
	'fleet: the failed target carries its error');
like($bad->{hint} // '', qr/pg_migrate init/, 'fleet: and its hint');
ok(exists $bad->{sqlstate}, 'fleet: and a sqlstate field');
is($bad->{output}{error}, $bad->{error}, 'fleet: its output is its own error object');

# Bad values of numeric options: exit 1 before connecting (the host does
# not exist: a connection would exit 2), naming the option, with an example
foreach my $case (
	[ '--lock-timeout', 'abc' ], [ '--lock-timeout', '' ], [ '--lock-timeout', '-5' ],
	[ '--lock-timeout', '5 sec' ], [ '--lock-timeout', 's' ], [ '--statement-timeout', 'abc' ],
	[ '--statement-timeout', '-1s' ], [ '--statement-timeout', '' ],
	[ '--retry-until', 'abc' ], [ '--retry-until', '-1' ], [ '--retry-until', '' ],
	[ '--jobs', 'abc' ], [ '--jobs', '-2' ], [ '--jobs', '' ],
	[ '--canary', 'abc' ], [ '--canary', '-1' ], [ '--canary', '' ],
	[ '--lock-retries', 'abc' ], [ '--lock-retries', '-1' ], [ '--lock-retries', '' ],
	[ '--lock-retries', '1001' ])
{
	my ($opt, $val) = @$case;
	pg_migrate_exits($node, [ '-h', "$tmp/nosuchdir", '-p', '1', "$opt=$val", 'status' ], 1,
		qr/^$/,
		qr/error: invalid value "\Q$val\E" for option \Q$opt\E\n.*\n.*hint: For example: \Q$opt\E=\S+/,
		"usage: $opt=\"$val\"");
}

# Times out of the settings' range (0 to INT_MAX milliseconds, as the
# server rounds them): a usage error naming the option and the range,
# before connecting.  The server would only warn about migrate.lock_timeout
# when the library loads, and leave it at 0: no retry at all.
foreach my $case (
	[ '--lock-timeout', '25d', 'migrate.lock_timeout' ],
	[ '--lock-timeout', '2147483648', 'migrate.lock_timeout' ],
	[ '--lock-timeout', '2147483647.5ms', 'migrate.lock_timeout' ],
	[ '--lock-timeout', '597h', 'migrate.lock_timeout' ],
	[ '--lock-timeout', '99999999999999999999999s', 'migrate.lock_timeout' ],
	[ '--statement-timeout', '25d', 'statement_timeout' ])
{
	my ($opt, $val, $setting) = @$case;
	pg_migrate_exits($node, [ '-h', "$tmp/nosuchdir", '-p', '1', "$opt=$val", 'status' ], 1,
		qr/^$/,
		qr/error: invalid value "\Q$val\E" for option \Q$opt\E\n.*detail: \Q$setting\E takes from 0 to 2147483647 milliseconds \(24 days, 20 hours, 31 minutes and 23\.647 seconds\)\.\n.*hint: For example: \Q$opt\E=5s/,
		"out of range: $opt=\"$val\"");
}

# The server's units are accepted, and the server applies them: to
# migrate.lock_timeout, which the library checks as it loads (a value it
# refused would be a WARNING on stderr)
foreach my $val ('500ms', '2s', '1min', '1h', '1d', '250', '1.5s', '10 s', '24d',
	'2147483647', '2147483647.4ms', '596h')
{
	pg_migrate_exits($node, [ @db, '--lock-timeout', $val, '--statement-timeout', $val, 'status' ],
		0, undef, qr/^$/, "--lock-timeout $val");
}

done_testing();
