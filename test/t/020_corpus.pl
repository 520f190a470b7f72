# The schema-pair corpus (test/corpus/pairs/*.sql), measured against an
# independent oracle: pg_dump.
#
# Each pair file holds a schema "a" and a schema "b" as a team keeps them in
# schema.sql.  For each pair, on one cluster, with databases made and dropped
# per pair:
#
#   oracles   a and b are each loaded alone, with psql, into a fresh database
#             without the extension, and dumped (pg_dump --schema-only);
#   migrate   in a fresh database with CREATE EXTENSION migrate, a is
#             registered (migrate_add) and pushed, and migrate_drift() must be
#             empty; then migrate_diff(desired => b): an error, or ok false,
#             makes the pair "refused" (a proof that fails only on the down
#             script does not: the pair goes on, and its round trip fails).
#             Otherwise its up and down scripts are
#             registered and pushed (a review list is advice, not a refusal),
#             drift must be empty again, and the dump must equal b's, entry by
#             entry ("exact"); migrate_downgrade() must then give a's dump
#             back ("round trip"), with no drift either;
#   drift     in another fresh database a is pushed, then b is made out of
#             band (what a created is dropped with the DROP statements of
#             pg_dump --clean of a's oracle, and b is loaded with psql): every
#             entry that differs between the two oracles must be reported by
#             migrate_drift() (see drift_candidates for how a pg_dump entry
#             maps to the drift's kind and identity), or it is a "drift miss".
#
# The guard (README "The guard") is left at its default, log, which records
# the out-of-band DDL and never blocks it.  The lint is off: its advice is
# not what this test measures.
#
# Roles the pairs grant to, created once for the cluster: see @ROLES.
#
# A pair refused on purpose is listed in test/corpus/refused.txt as
# "pair-name: reason"; an unlisted refusal fails the test, and so does a
# listed pair that is no longer refused.
#
# Environment: CORPUS_ONLY, a regular expression, runs only the pairs whose
# name matches it; CORPUS_REPORT, a path, gets a copy of the per-pair report
# (always written to tmp_check/corpus-report.txt).
use strict;
use warnings FATAL => 'all';

use File::Basename;
use FindBin;
use IPC::Run;
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# What the corpus must score (percentages of all pairs), and what it may miss
my $EXACT_MIN = 97;
my $ROUND_TRIP_MIN = 97;
my $DRIFT_MISSES_MAX = 0;
my $FALSE_POSITIVES_MAX = 0;

# The roles the pairs grant to, policies name, and so on
my @ROLES = qw(app_reader app_writer app_admin app_service);

my $corpus = "$FindBin::RealBin/../corpus";

my $node = PostgreSQL::Test::Cluster->new('corpus');
# wal_level logical, as publications want, and UTF8 whatever the locale of
# the environment, as ICU collations want
$node->init(allows_streaming => 'logical', extra => [ '--encoding=UTF8', '--locale=C' ]);
$node->append_conf('postgresql.conf', "migrate.lint = off\n");
$node->start;
$node->safe_psql('postgres', join('', map { "CREATE ROLE $_;\n" } @ROLES));

#
# Pairs and the list of refusals
#

# A pair file: a header comment, then "-- @a" and "-- @b" sections
sub read_pair
{
	my ($file) = @_;
	my $text = slurp_file($file);
	my ($header, $sql_a, $sql_b) =
	  $text =~ /\A(.*?)^-- \@a[ \t]*\n(.*?)^-- \@b[ \t]*\n(.*)\z/ms
	  or die "$file: no \"-- \@a\" line followed by a \"-- \@b\" line";
	die "$file: no header comment saying what the pair exercises"
	  unless $header =~ /^--\s*\S/m;
	return { name => basename($file, '.sql'), a => $sql_a, b => $sql_b };
}

# refused.txt: "pair-name: reason" lines; # comments and blank lines
sub read_refusals
{
	my %list;
	my $file = "$corpus/refused.txt";
	return \%list unless -e $file;
	foreach my $line (split /\n/, slurp_file($file))
	{
		next if $line =~ /^\s*(#|$)/;
		my ($name, $reason) = $line =~ /^(\S+):\s*(\S.*)$/
		  or die "$file: a line is not \"pair-name: reason\": $line";
		$list{$name} = $reason;
	}
	return \%list;
}

#
# Talking to the node
#

# Run SQL in $db; returns (ok, stdout, the first error line of stderr)
sub run_sql
{
	my ($db, $sql) = @_;
	my ($rc, $out, $err) = $node->psql($db, $sql, on_error_stop => 1);
	my ($first) = $err =~ /^((?:ERROR|FATAL|psql:.*ERROR):.*)$/m;
	return ($rc == 0, $out, $first // $err);
}

# $text as a dollar-quoted literal whose tag it does not contain
sub dollar_quote
{
	my ($text) = @_;
	my $n = 0;
	$n++ while index($text, "\$c$n\$") >= 0;
	return "\$c$n\$$text\$c$n\$";
}

# Drop and create the databases named
sub fresh_databases
{
	my @names = @_;
	$node->safe_psql('postgres',
		join('',
			map { "DROP DATABASE IF EXISTS $_ WITH (FORCE);\nCREATE DATABASE $_;\n" }
			  @names));
}

# pg_dump --schema-only of $db, with @options; returns its text
sub dump_text
{
	my ($db, @options) = @_;
	my ($out, $err);
	my @cmd = ($node->installed_command('pg_dump'),
		'--schema-only', '--exclude-schema=migrate', @options,
		'-d', $node->connstr($db));
	local %ENV = $node->_get_env();
	IPC::Run::run(\@cmd, '>', \$out, '2>', \$err)
	  or die "pg_dump of $db failed: $err";
	return $out;
}

# Register $up (and $down) as revision $id and push it; returns (ok, error)
sub add_and_push
{
	my ($db, $id, $up, $down) = @_;
	my $downsql = defined $down ? dollar_quote($down) : 'NULL';
	my ($ok, undef, $err) = run_sql($db,
		    "SELECT migrate_add('$id', up => "
		  . dollar_quote($up)
		  . ", down => $downsql, id => '$id');\n"
		  . "SELECT count(*) FROM migrate_push();\n");
	return ($ok, $err);
}

# migrate_drift() as "kind\tidentity\tchange" lines
sub drift_rows
{
	my ($db) = @_;
	my ($ok, $out, $err) = run_sql($db,
		"SELECT kind || E'\\t' || identity || E'\\t' || change"
		  . " FROM migrate_drift() ORDER BY 1");
	die "migrate_drift() failed in $db: $err" unless $ok;
	return grep { $_ ne '' } split /\n/, $out;
}

# Does SQL text hold any statement?  (comments and blank lines do not count)
sub has_statements
{
	my ($sql) = @_;
	(my $s = $sql) =~ s/--[^\n]*//g;
	return $s =~ /\S/;
}

#
# The oracle: a dump as a map of entries
#

# Split a dump into its TOC entries, keyed by "type\tschema\tname" (the
# "-- Name: X; Type: T; Schema: S; Owner: O" headers), each normalized.
# Only what the model leaves out on purpose is normalized away:
#   - owners ("Owner:" in the header, ALTER ... OWNER TO): the model reads
#     every owner as the same, a migration does not hand objects around;
#   - the order of columns inside CREATE TABLE: the model ignores it, and
#     ALTER TABLE ADD COLUMN can only append;
#   - pg_dump's \restrict / \unrestrict lines (a random key each run) and
#     the SET lines (session settings of the dump's own run, not schema);
#   - the order of the GRANT and REVOKE lines of an ACL entry: pg_dump
#     prints a privilege array in the order the grants were made, and
#     privileges are a set;
#   - the lone "--" lines and blank lines around the headers.
# The entries of the migrate extension itself are dropped.
sub dump_entries
{
	my ($text) = @_;
	my (%entries, $key);

	foreach my $line (split /\n/, $text)
	{
		if ($line =~ /^-- Name: (.*?); Type: ([^;]*); Schema: ([^;]*); Owner: ?(.*)$/)
		{
			$key = "$2\t$3\t$1";
			my $n = 1;
			$n++ while exists $entries{ $n == 1 ? $key : "$key#$n" };
			$key .= "#$n" if $n > 1;
			$entries{$key} = '';
			next;
		}
		next unless defined $key;    # the preamble
		next if $line =~ /^--$/ || $line =~ /^\s*$/;
		next if $line =~ /^-- PostgreSQL database dump complete$/;
		next if $line =~ /^\\(?:un)?restrict /;
		next if $line =~ /^SET \w+ = .*;$/;
		next if $line =~ /^SELECT pg_catalog\.set_config\('search_path', '', false\);$/;
		next if $line =~ /^ALTER .* OWNER TO .*;$/;
		$entries{$key} .= "$line\n";
	}
	foreach my $k (keys %entries)
	{
		delete $entries{$k}
		  if $k eq "EXTENSION\t-\tmigrate" || $k eq "COMMENT\t-\tEXTENSION migrate";
	}
	foreach my $k (keys %entries)
	{
		$entries{$k} = sort_table_columns($entries{$k});
		$entries{$k} = join('', sort map { "$_\n" } split /\n/, $entries{$k})
		  if $k =~ /^ACL\t/;
	}
	return \%entries;
}

# The lines inside "CREATE [UNLOGGED|FOREIGN] TABLE x (" ... ")" sorted, each
# without its trailing comma: column order is not part of the model.
sub sort_table_columns
{
	my ($text) = @_;
	$text =~ s{^(CREATE (?:UNLOGGED |FOREIGN )?TABLE \S+ \(\n)(.*?\n)(?=\))}{
		my ($head, $body) = ($1, $2);
		$head . join('', sort map { s/,$//r . "\n" } split /\n/, $body);
	}gmse;
	return $text;
}

# The oracle of database $db: its dump's entries, and each extension's
# version added to its EXTENSION entry (pg_dump leaves versions out: a
# restore creates the default version, so two dumps cannot tell hstore 1.7
# from 1.8)
sub oracle
{
	my ($db) = @_;
	my $entries = dump_entries(dump_text($db));
	my $versions = $node->safe_psql($db,
		"SELECT extname || ' ' || extversion FROM pg_extension WHERE extname <> 'migrate'");
	foreach my $line (split /\n/, $versions)
	{
		my ($name, $version) = split / /, $line;
		my $key = "EXTENSION\t-\t$name";
		$entries->{$key} .= "-- version $version\n" if exists $entries->{$key};
	}
	return $entries;
}

# The entries that differ between two dumps: [key, what, detail]
sub compare_entries
{
	my ($want, $got) = @_;
	my @diffs;
	my %keys = map { $_ => 1 } keys %$want, keys %$got;

	foreach my $k (sort keys %keys)
	{
		if (!exists $got->{$k})
		{
			push @diffs, [ $k, 'missing', first_line($want->{$k}) ];
		}
		elsif (!exists $want->{$k})
		{
			push @diffs, [ $k, 'extra', first_line($got->{$k}) ];
		}
		elsif ($want->{$k} ne $got->{$k})
		{
			push @diffs, [ $k, 'differs', line_changes($want->{$k}, $got->{$k}) ];
		}
	}
	return @diffs;
}

sub first_line
{
	my ($text) = @_;
	my ($line) = $text =~ /^(.*)$/m;
	return shorten($line // '');
}

sub shorten
{
	my ($s) = @_;
	return length($s) > 150 ? substr($s, 0, 147) . '...' : $s;
}

# "-line" for lines only the wanted text has, "+line" for the other's
sub line_changes
{
	my ($want, $got) = @_;
	my (%w, %g);
	$w{$_}++ foreach split /\n/, $want;
	$g{$_}++ foreach split /\n/, $got;
	my @out = (
		(map { '-' . shorten($_) } grep { !$g{$_} } split /\n/, $want),
		(map { '+' . shorten($_) } grep { !$w{$_} } split /\n/, $got));
	@out = ('(the same lines in another order)') unless @out;
	splice(@out, 4, @out - 4, '...') if @out > 5;
	return join(' | ', @out);
}

sub describe_diffs
{
	return map {
		my ($type, $schema, $name) = split /\t/, $_->[0];
		"$type $schema.$name: $_->[1]: $_->[2]"
	} @_;
}

#
# From a pg_dump entry to the drift rows that report it
#

# Partition and inheritance parents, and the indexes partition indexes are
# attached to, read from the dumps: "schema.child" => ["schema.parent", ...]
sub dump_parents
{
	my %parents;
	foreach my $entries (@_)
	{
		foreach my $text (values %$entries)
		{
			while ($text =~ /^ALTER TABLE ONLY (\S+) ATTACH PARTITION (\S+) /mg)
			{
				push @{ $parents{ unquote($2) } }, unquote($1);
			}
			while ($text =~ /^ALTER INDEX (\S+) ATTACH PARTITION (\S+);/mg)
			{
				push @{ $parents{ unquote($2) } }, unquote($1);
			}
			while ($text =~ /^CREATE (?:UNLOGGED )?TABLE (\S+) \(.*?^\)\nINHERITS \((.*?)\)/msg)
			{
				my $child = unquote($1);
				push @{ $parents{$child} }, map { unquote($_) } split /, /, $2;
			}
		}
	}
	return \%parents;
}

# Identities are compared without their double quotes: pg_dump's names are
# bare, the drift's are quoted where needed.
sub unquote
{
	my ($s) = @_;
	$s =~ tr/"//d;
	return $s;
}

# The drift rows that would report a difference in the pg_dump entry
# (type, schema, name): a list of [kind pattern, identity pattern], anchored
# regular expressions, matched against identities without their double
# quotes.  The drift model names an object by its kind and its
# schema-qualified identity (README "Drift"); pg_dump by its type, schema and
# a name that, for the parts of a table, starts with the table's.  The
# mapping:
#
#   SCHEMA s, EXTENSION e, EVENT TRIGGER e, PUBLICATION p
#                          the object of that name, of that kind
#   PUBLICATION TABLE "p t", PUBLICATION TABLES IN SCHEMA "p s"
#                          publication p (or any kind naming "p ...")
#   TABLE, FOREIGN TABLE   the table, or any of its columns and constraints
#                          (CREATE TABLE holds both, and the table's storage
#                          options, statistics targets, inheritance);
#                          for a partition or child also its parents' (a
#                          column added to a partitioned table shows in
#                          every partition's CREATE TABLE)
#   TABLE ATTACH           the partition (its bound), or its parent
#   VIEW, MATERIALIZED VIEW the view, or one of its columns
#   SEQUENCE, SEQUENCE OWNED BY
#                          the sequence, or the column it belongs to (an
#                          identity's sequence entry holds the column's
#                          ADD GENERATED; OWNED BY names the column)
#   DEFAULT "t c"          column s.t.c (or the parent's column: pg_dump
#                          writes inherited defaults on the child)
#   CONSTRAINT, FK CONSTRAINT, CHECK CONSTRAINT "t c"
#                          constraint "s.t c", its index s.c, the domain s.t
#                          (a domain's NOT VALID check), a parent's
#                          constraint; CLUSTER ON in it: the table
#   INDEX, INDEX ATTACH    the index, or the index it is attached to, or the
#                          primary key or unique constraint of that name
#                          (which owns it); CLUSTER ON in it: the table
#   TRIGGER, POLICY, RULE "t x"
#                          trigger/policy/rule "s.t x"
#   ROW SECURITY t         table s.t
#   TYPE                   enum, composite type, range or type s.n
#   DOMAIN, COLLATION, STATISTICS, FUNCTION, PROCEDURE, AGGREGATE
#                          that kind, s.n (routines with their argument
#                          types, as both write them)
#   COMMENT "KIND x"       kind comment, identity "<kind> <object>" with the
#                          object named as above ("column s.t.c",
#                          "constraint s.t c", "schema s", ...); a routine's
#                          arguments are written with their names there,
#                          the model's without (routine_pattern); an
#                          extension's comment also by the extension
#   ACL "KIND x"           kind privileges, the same identity (pg_dump says
#                          TABLE for views and materialized views too)
#   anything else          any kind, identity s.n
sub drift_candidates
{
	my ($type, $schema, $name, $texts, $parents) = @_;
	$name = unquote($name);
	my $q = $schema eq '-' ? $name : "$schema.$name";
	my @c;
	my $any = '.*';
	# "t x" names: the table (or domain) and the part
	my ($rel, $part) = $name =~ /^(\S+) (.+)$/;
	my $qrel = defined $rel ? "$schema.$rel" : undef;
	my @rel_parents = defined $qrel ? @{ $parents->{$qrel} // [] } : ();
	my @own_parents = @{ $parents->{$q} // [] };

	if ($type =~ /^(SCHEMA|EXTENSION|EVENT TRIGGER|PUBLICATION|COLLATION|DOMAIN|STATISTICS)$/)
	{
		push @c, [ lc($type), exact($q) ];
	}
	elsif ($type =~ /^PUBLICATION TABLES?(?: IN SCHEMA)?$/)
	{
		my ($pub) = $name =~ /^(\S+)/;
		push @c, [ 'publication', exact($pub) ], [ $any, exact($pub) . ' .*' ];
	}
	elsif ($type =~ /^(FOREIGN )?TABLE$/)
	{
		foreach my $t ($q, @own_parents)
		{
			push @c, [ 'table|foreign table|partitioned table', exact($t) ],
			  [ 'column', exact($t) . '\..*' ], [ 'constraint', exact($t) . ' .*' ];
		}
	}
	elsif ($type eq 'TABLE ATTACH')
	{
		push @c, [ $any, exact($_) ] foreach $q, @own_parents;
	}
	elsif ($type =~ /^(MATERIALIZED )?VIEW$/)
	{
		push @c, [ lc($type), exact($q) ], [ 'column', exact($q) . '\..*' ];
	}
	elsif ($type =~ /^SEQUENCE( OWNED BY)?$/)
	{
		push @c, [ 'sequence', exact($q) ];
		foreach my $text (@$texts)
		{
			push @c, [ 'column', exact(unquote("$1.$2")) ]
			  while $text =~ /^ALTER TABLE (?:ONLY )?(\S+) ALTER COLUMN (\S+) ADD GENERATED/mg;
			push @c, [ 'column', exact(unquote($1)) ]
			  while $text =~ /OWNED BY (\S+);/mg;
		}
	}
	elsif ($type eq 'DEFAULT' && defined $rel)
	{
		push @c, [ 'column', exact("$_.$part") ] foreach $qrel, @rel_parents;
	}
	elsif ($type =~ /^(FK |CHECK )?CONSTRAINT$/ && defined $rel)
	{
		push @c, [ 'constraint', exact("$qrel $part") ],
		  [ 'index', exact("$schema.$part") ], [ 'domain', exact($qrel) ];
		push @c, [ 'constraint', exact($_) . ' .*' ] foreach @rel_parents;
		push @c, cluster_candidates($texts);
	}
	elsif ($type =~ /^INDEX( ATTACH)?$/)
	{
		foreach my $index ($q, @own_parents)
		{
			# the index of a primary key or unique constraint is the
			# constraint's: "schema.table index"
			my ($s, $n) = $index =~ /^([^.]+)\.(.*)$/;
			push @c, [ 'index', exact($index) ],
			  [ 'constraint', exact($s) . '\.\S+ ' . exact($n) ];
		}
		push @c, cluster_candidates($texts);
	}
	elsif ($type =~ /^(TRIGGER|POLICY|RULE)$/ && defined $rel)
	{
		push @c, [ lc($type), exact("$qrel $part") ];
	}
	elsif ($type eq 'ROW SECURITY')
	{
		push @c, [ 'table|partitioned table', exact($q) ];
	}
	elsif ($type eq 'TYPE')
	{
		push @c, [ 'enum|composite type|range|type', exact($q) ];
	}
	elsif ($type =~ /^(FUNCTION|PROCEDURE|AGGREGATE)$/)
	{
		push @c, [ lc($type), routine_pattern($q) ];
	}
	elsif ($type eq 'COMMENT' || $type eq 'ACL')
	{
		my $kind = $type eq 'COMMENT' ? 'comment' : 'privileges';
		push @c, [ $kind, object_label($schema, $name) ];
		# an extension's comment comes with it, from its control file
		push @c, [ 'extension', exact($1) ] if $name =~ /^EXTENSION (\S+)$/;
	}
	else
	{
		push @c, [ $any, exact($q) ];
	}
	return @c;
}

# A CLUSTER ON statement in an index or constraint entry belongs to the
# table: the drift may report it there
sub cluster_candidates
{
	my ($texts) = @_;
	my @c;
	foreach my $text (@$texts)
	{
		push @c, [ 'table|partitioned table', exact(unquote($1)) ]
		  while $text =~ /^ALTER TABLE (?:ONLY )?(\S+) CLUSTER ON /mg;
	}
	return @c;
}

# The "<kind> <identity>" pattern a COMMENT or ACL entry's name ("TABLE t",
# "COLUMN t.c", "CONSTRAINT c ON t", "FUNCTION f(x integer)", ...) stands for
sub object_label
{
	my ($schema, $name) = @_;
	my $prefix = $schema eq '-' ? '' : "$schema.";
	my %kinds = (
		'TABLE' => 'table|partitioned table|foreign table|view|materialized view',
		'FOREIGN TABLE' => 'foreign table',
		'VIEW' => 'view',
		'MATERIALIZED VIEW' => 'materialized view',
		'SEQUENCE' => 'sequence',
		'INDEX' => 'index',
		'TYPE' => 'enum|composite type|range|type|domain',
		'DOMAIN' => 'domain',
		'FUNCTION' => 'function',
		'PROCEDURE' => 'procedure',
		'AGGREGATE' => 'aggregate',
		'COLUMN' => 'column',
		'COLLATION' => 'collation',
		'STATISTICS' => 'statistics',
		'SCHEMA' => 'schema',
		'EXTENSION' => 'extension',
		'EVENT TRIGGER' => 'event trigger',
		'PUBLICATION' => 'publication');

	if ($name =~ /^(CONSTRAINT|TRIGGER|POLICY|RULE) (\S+) ON (DOMAIN )?(\S+)$/)
	{
		my $kind = $3 ? 'constraint|domain constraint' : lc($1);
		return "(?:$kind) " . exact("$prefix$4 $2");
	}
	foreach my $k (sort { length($b) <=> length($a) } keys %kinds)
	{
		next unless $name =~ /^\Q$k\E (.+)$/;
		my $object = $1;
		return "(?:$kinds{$k}) " . exact($object)
		  if $k =~ /^(SCHEMA|EXTENSION|EVENT TRIGGER|PUBLICATION)$/;
		return "(?:$kinds{$k}) " . routine_pattern("$prefix$object")
		  if $k =~ /^(FUNCTION|PROCEDURE|AGGREGATE)$/;
		return "(?:$kinds{$k}) " . exact("$prefix$object");
	}
	return '.* ' . exact("$prefix$name");
}

# A routine's "schema.name(arguments)" as pg_dump names it as a pattern of
# the model's "schema.name(types)".  COMMENT and ACL entries write the
# arguments as pg_get_function_arguments() does: with modes, names and
# defaults, output arguments included; the model keeps the input types.
# Whether an argument's first word is its name or part of its type
# ("double precision") is left open: both are allowed.
sub routine_pattern
{
	my ($signature) = @_;
	my ($routine, $args) = $signature =~ /^(.*?)\((.*)\)$/s
	  or return exact($signature);
	my @types;

	foreach my $arg (split_arguments($args))
	{
		$arg =~ s/ DEFAULT .*$//s;
		next if $arg =~ /^OUT /;
		$arg =~ s/^(?:IN|INOUT|VARIADIC) //;
		my ($unnamed) = $arg =~ /^\S+ (.+)$/;
		push @types,
		  defined $unnamed
		  ? '(?:' . exact($arg) . '|' . exact($unnamed) . ')'
		  : exact($arg);
	}
	return exact($routine) . '\(' . join(', ', @types) . '\)';
}

# Arguments split at the commas outside parentheses, brackets and quotes
sub split_arguments
{
	my ($args) = @_;
	my (@out, $depth, $quote);
	my $cur = '';
	$depth = 0;
	foreach my $ch (split //, $args)
	{
		if ($quote)
		{
			$quote = 0 if $ch eq "'";
		}
		elsif ($ch eq "'")
		{
			$quote = 1;
		}
		elsif ($ch =~ /[([]/)
		{
			$depth++;
		}
		elsif ($ch =~ /[)\]]/)
		{
			$depth--;
		}
		elsif ($ch eq ',' && $depth == 0)
		{
			push @out, $cur;
			$cur = '';
			next;
		}
		$cur .= $ch;
	}
	push @out, $cur if $cur ne '';
	s/^\s+|\s+$//g foreach @out;
	return @out;
}

sub exact
{
	my ($s) = @_;
	return quotemeta($s);
}

# The differing entries no drift row reports; and the drift rows that match
# no difference (reported, not counted: the oracle sees no change there)
sub drift_misses
{
	my ($diffs, $rows, $oa, $ob) = @_;
	my $parents = dump_parents($oa, $ob);
	my @rows = map { [ split /\t/, $_ ] } @$rows;
	my (@misses, %used);

	foreach my $d (@$diffs)
	{
		my ($type, $schema, $name) = split /\t/, $d->[0];
		$name =~ s/#\d+$//;
		my $texts = [ grep { defined } $oa->{ $d->[0] }, $ob->{ $d->[0] } ];
		my @cands = drift_candidates($type, $schema, $name, $texts, $parents);
		my $found = 0;
		foreach my $i (0 .. $#rows)
		{
			my ($kind, $identity) = @{ $rows[$i] };
			my $id = unquote($identity);
			foreach my $c (@cands)
			{
				if ($kind =~ /^(?:$c->[0])$/ && $id =~ /^(?:$c->[1])$/)
				{
					$found = 1;
					$used{$i} = 1;
				}
			}
		}
		push @misses, $d unless $found;
	}
	my @unmatched = map { join(' ', @{ $rows[$_] }) } grep { !$used{$_} } 0 .. $#rows;
	return (\@misses, \@unmatched);
}

#
# One pair
#

# What happened to a pair: a hash with
#   refused (reason), exact, round_trip, false_positives (list),
#   drift_misses (list), drift_extra (list), notes (list), causes (list)
sub run_pair
{
	my ($pair) = @_;
	my %r = (
		name => $pair->{name},
		exact => 0,
		round_trip => 0,
		false_positives => [],
		drift_misses => [],
		drift_extra => [],
		notes => [],
		causes => []);
	my ($sql_a, $sql_b) = ($pair->{a}, $pair->{b});
	my $a_nonempty = has_statements($sql_a);

	fresh_databases(qw(corpus_oa corpus_ob corpus_m corpus_d));

	# the oracles
	my ($ok, $out, $err) = run_sql('corpus_oa', $sql_a);
	return { %r, broken => "a does not load: $err" } unless $ok;
	($ok, $out, $err) = run_sql('corpus_ob', $sql_b);
	return { %r, broken => "b does not load: $err" } unless $ok;
	my $oa = oracle('corpus_oa');
	my $ob = oracle('corpus_ob');
	my @oracle_diffs = compare_entries($oa, $ob);
	return { %r, broken => 'a and b dump the same: the pair changes nothing' }
	  unless @oracle_diffs;
	my $drops = drop_statements(dump_text('corpus_oa', '--clean', '--if-exists'));

	# migrate: a pushed, then the generated a -> b, then its down
	$node->safe_psql($_, 'CREATE EXTENSION migrate') foreach qw(corpus_m corpus_d);
	if ($a_nonempty)
	{
		($ok, $err) = add_and_push('corpus_m', 'a', $sql_a, undef);
		return { %r, broken => "a does not push through migrate: $err" } unless $ok;
		false_positives(\%r, 'corpus_m', 'after pushing a');
	}
	migrate_pair(\%r, $sql_b, $oa, $ob);

	# drift: a pushed, then b made out of band
	if ($a_nonempty)
	{
		($ok, $err) = add_and_push('corpus_d', 'a', $sql_a, undef);
		return { %r, broken => "a does not push through migrate: $err" } unless $ok;
	}
	my $public_reset = '';
	$public_reset = public_schema_reset()
	  if grep { /^(COMMENT|ACL)\t-\tSCHEMA public$/ } keys %$oa;
	($ok, $out, $err) = run_sql('corpus_d',
		"SET migrate.guard = log;\n$drops$public_reset$sql_b");
	return { %r, broken => "b does not load over a: $err" } unless $ok;
	my ($misses, $unmatched) =
	  drift_misses(\@oracle_diffs, [ drift_rows('corpus_d') ], $oa, $ob);
	$r{drift_misses} = [ describe_diffs(@$misses) ];
	$r{drift_extra} = $unmatched;
	push @{ $r{causes} }, map { 'drift misses ' . cause_of_diff($_) } @$misses;
	return \%r;
}

# Generate a -> b in corpus_m (a is pushed there), push it, compare, go down
sub migrate_pair
{
	my ($r, $sql_b, $oa, $ob) = @_;
	my ($ok, $out, $err) = run_sql('corpus_m',
		"SELECT json_build_object('up', up, 'down', down, 'changes', changes,"
		  . " 'ok', ok, 'problems', problems, 'review', review)"
		  . ' FROM migrate_diff(desired => ' . dollar_quote($sql_b) . ')');
	if (!$ok)
	{
		$r->{refused} = "migrate_diff fails: $err";
		push @{ $r->{causes} }, 'refused: ' . generalize($err);
		return;
	}
	my $diff = decode_json($out);
	# A proof that fails on the up script is a refusal; one that fails only
	# on the down script is not (migrate_dev applies such a migration with a
	# WARNING: an enum value cannot be removed): the pair is pushed, and its
	# round trip fails.
	my @problems = @{ $diff->{problems} // [] };
	my @up_problems = grep { !/^(?:after down: |the down script fails)/ } @problems;
	if (@up_problems)
	{
		$r->{refused} = 'the proof fails: ' . join('; ', @problems);
		push @{ $r->{causes} }, map { 'refused: ' . generalize($_) } @problems;
		return;
	}
	if (@problems)
	{
		push @{ $r->{notes} }, 'the proof of the down script fails: ' . join('; ', @problems);
		push @{ $r->{causes} }, map { 'down proof: ' . generalize($_) } @problems;
	}
	push @{ $r->{notes} }, scalar(@{ $diff->{review} }) . ' review notes'
	  if @{ $diff->{review} // [] };

	if ($diff->{changes} == 0)
	{
		$r->{nothing_generated} = 1;
		push @{ $r->{causes} }, 'no change generated';
	}
	else
	{
		($ok, $err) = add_and_push('corpus_m', 'b', $diff->{up}, $diff->{down});
		if (!$ok)
		{
			push @{ $r->{notes} }, "the generated revision does not push: $err";
			push @{ $r->{causes} }, 'the generated up fails: ' . generalize($err);
			return;
		}
		false_positives($r, 'corpus_m', 'after pushing a -> b');
	}
	my @diffs = compare_entries($ob, oracle('corpus_m'));
	$r->{exact} = !@diffs;
	$r->{not_exact} = [ describe_diffs(@diffs) ];
	push @{ $r->{causes} }, map { 'not exact: ' . cause_of_diff($_) } @diffs;
	return if $diff->{changes} == 0;

	($ok, $out, $err) =
	  run_sql('corpus_m', 'SELECT count(*) FROM migrate_downgrade()');
	if (!$ok)
	{
		push @{ $r->{notes} }, "the down script fails: $err";
		push @{ $r->{causes} }, 'the generated down fails: ' . generalize($err);
		return;
	}
	false_positives($r, 'corpus_m', 'after the downgrade');
	@diffs = compare_entries($oa, oracle('corpus_m'));
	$r->{round_trip} = !@diffs;
	$r->{not_round_trip} = [ describe_diffs(@diffs) ];
	push @{ $r->{causes} }, map { 'no round trip: ' . cause_of_diff($_) } @diffs;
}

# Drift right after a push is a false positive
sub false_positives
{
	my ($r, $db, $when) = @_;
	my @rows = drift_rows($db);
	push @{ $r->{false_positives} }, map { s/\t/ /gr . " ($when)" } @rows;
	push @{ $r->{causes} }, map { 'false positive: ' . (split /\t/)[0] } @rows;
}

# The DROP statements pg_dump --clean writes before the first entry
sub drop_statements
{
	my ($text) = @_;
	my ($head) = $text =~ /\A(.*?)^-- Name: /ms;
	$head //= $text;
	return join('', map { "$_\n" }
		  grep { /^(DROP|ALTER) / && !/ EXTENSION IF EXISTS migrate;$/ }
		  split /\n/, $head);
}

# Schema public back to what CREATE DATABASE gives (its comment and
# privileges are not dropped by the DROP statements)
sub public_schema_reset
{
	return "COMMENT ON SCHEMA public IS 'standard public schema';\n"
	  . 'REVOKE ALL ON SCHEMA public FROM PUBLIC, ' . join(', ', @ROLES) . ";\n"
	  . "GRANT USAGE ON SCHEMA public TO PUBLIC;\n";
}

# An error message with its names taken out, to group pairs by cause
sub generalize
{
	my ($msg) = @_;
	$msg =~ s/^(?:psql:[^:]*:\d+: )?ERROR:\s+//;
	$msg =~ s/"[^"]*"/"…"/g;
	$msg =~ s/\b\d{4,}\b/N/g;
	$msg =~ s/\b(?:public|other|[a-z_]+)\.[a-z_.]+\b/…/g;
	return shorten($msg);
}

sub cause_of_diff
{
	my ($d) = @_;
	my ($type) = split /\t/, $d->[0];
	return "$type ($d->[1])";
}

#
# The run
#

my @files = sort glob("$corpus/pairs/*.sql");
my $only = $ENV{CORPUS_ONLY};
@files = grep { basename($_) =~ /$only/ } @files if defined $only;
my @pairs = map { read_pair($_) } @files;
my $refusals = read_refusals();
my (@report, %by_cause);
my %count = map { $_ => 0 } qw(exact round_trip refused explained drift_misses false_positives broken);

ok(@pairs >= (defined $only ? 1 : 100), scalar(@pairs) . ' pairs in the corpus');
foreach my $name (sort keys %$refusals)
{
	ok(grep({ $_->{name} eq $name } @pairs) || defined $only,
		"refused.txt names a pair of the corpus: $name");
}

foreach my $pair (@pairs)
{
	my $r = run_pair($pair);
	my $name = $r->{name};
	my @lines;

	if ($r->{broken})
	{
		$count{broken}++;
		fail("$name: $r->{broken}");
		push @report, "$name: BROKEN: $r->{broken}";
		next;
	}
	my $listed = $refusals->{$name};
	if (defined $r->{refused})
	{
		$count{refused}++;
		$count{explained}++ if defined $listed;
		ok(defined $listed, "$name: refused, and refused.txt explains why")
		  or diag("$name: $r->{refused}");
	}
	else
	{
		ok(!defined $listed, "$name: not refused, so not in refused.txt")
		  or diag("$name is listed in refused.txt but is no longer refused");
	}
	$count{exact}++ if $r->{exact};
	$count{round_trip}++ if $r->{round_trip};
	$count{drift_misses} += @{ $r->{drift_misses} };
	$count{false_positives} += @{ $r->{false_positives} };
	is(scalar(@{ $r->{false_positives} }), 0, "$name: no drift right after a push")
	  or diag(join("\n", @{ $r->{false_positives} }));
	is(scalar(@{ $r->{drift_misses} }), 0,
		"$name: drift reports every difference between a and b")
	  or diag(join("\n", @{ $r->{drift_misses} }));

	my $verdict =
	    defined $r->{refused} ? 'refused'
	  : $r->{nothing_generated} ? 'NOT EXACT: migrate_diff finds no change'
	  : join(', ',
		$r->{exact} ? 'exact' : 'NOT EXACT',
		$r->{round_trip} ? 'round trip' : 'NO ROUND TRIP');
	$verdict .= ', drift misses ' . @{ $r->{drift_misses} } if @{ $r->{drift_misses} };
	$verdict .= ', false positives ' . @{ $r->{false_positives} }
	  if @{ $r->{false_positives} };
	push @lines, "$name: $verdict";
	push @lines, "  refused: $r->{refused}" if defined $r->{refused};
	push @lines, "  (listed: $listed)" if defined $r->{refused} && defined $listed;
	push @lines, map { "  not exact: $_" } @{ $r->{not_exact} // [] };
	push @lines, map { "  no round trip: $_" } @{ $r->{not_round_trip} // [] };
	push @lines, map { "  false positive: $_" } @{ $r->{false_positives} };
	push @lines, map { "  drift miss: $_" } @{ $r->{drift_misses} };
	push @lines, map { "  note: $_" } @{ $r->{notes} };
	push @lines, map { "  drift also says: $_" } @{ $r->{drift_extra} };
	note($_) foreach @lines;
	push @report, @lines;
	my %seen;
	push @{ $by_cause{$_} }, $name foreach grep { !$seen{$_}++ } @{ $r->{causes} };
}

my $n = @pairs;
my $share = sub { $n ? 100 * $_[0] / $n : 0 };
my $pct = sub { sprintf('%.1f', $share->($_[0])) };
my $summary = sprintf(
	'corpus: %d pairs: exact %d (%s%%), round trip %d (%s%%), refused %d (%d explained), drift misses %d, false positives %d',
	$n, $count{exact}, $pct->($count{exact}), $count{round_trip},
	$pct->($count{round_trip}), $count{refused}, $count{explained},
	$count{drift_misses}, $count{false_positives});
$summary .= ", broken $count{broken}" if $count{broken};

my @by_cause = map {
	sprintf("%s: %d: %s", $_, scalar(@{ $by_cause{$_} }), join(' ', @{ $by_cause{$_} }))
} sort { @{ $by_cause{$b} } <=> @{ $by_cause{$a} } || $a cmp $b } keys %by_cause;
my $report = join("\n", $summary, '', 'by cause:', @by_cause, '', 'per pair:', @report) . "\n";
my $report_file = "${PostgreSQL::Test::Utils::tmp_check}/corpus-report.txt";
foreach my $file ($report_file, $ENV{CORPUS_REPORT} // ())
{
	open my $fh, '>', $file or die "$file: $!";
	print $fh $report;
	close $fh;
}
diag($summary);

ok($share->($count{exact}) >= $EXACT_MIN, "at least $EXACT_MIN% of the pairs are exact");
ok($share->($count{round_trip}) >= $ROUND_TRIP_MIN,
	"at least $ROUND_TRIP_MIN% of the pairs round trip");
ok($count{drift_misses} <= $DRIFT_MISSES_MAX, "at most $DRIFT_MISSES_MAX drift misses");
ok($count{false_positives} <= $FALSE_POSITIVES_MAX,
	"at most $FALSE_POSITIVES_MAX false positives");

$node->stop;
done_testing();
