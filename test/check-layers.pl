#!/usr/bin/perl
# Check that src/ is layered as the README's "Code map" says: every file
# includes only headers of its own module or of a lower layer, the modules'
# include graph has no circle, and each public header declares only what
# other modules use (private headers: *_int.h, readers.h).  C refuses a call
# without a declaration (-Werror), so the includes bound the calls.  Prints
# the graph; exits non-zero on any of those.
#
#   perl test/check-layers.pl        (make test runs it)
use strict;
use warnings;

use File::Basename;
use FindBin;

my $src = "$FindBin::RealBin/../src";

# The layers, bottom up.  A module is a folder (catalog, model, diff) or,
# where one folder holds modules of two layers (base, core, sql), a file.
my @layers = (
	[qw(base/compat base/util base/session base/owner base/runner)],
	[qw(core/script core/graph core/locksafe)],
	[qw(catalog model core/lint)],
	[qw(diff)],
	[qw(core/snapshot core/revfile core/registry core/migration)],
	[qw(core/worker core/dryrun core/desired)],
	[
		qw(sql/register sql/apply sql/offline sql/ddl_log sql/drift sql/info sql/autogen sql/lint)
	],
	[qw(migrate)]);
my %rank;
for my $i (0 .. $#layers)
{
	$rank{$_} = $i for @{ $layers[$i] };
}

# the module a path under src/ belongs to ("model/relations.c" -> "model")
sub module_of
{
	my ($path) = @_;
	(my $m = $path) =~ s/\.[ch]$//;
	return $m if exists $rank{$m};
	my $dir = dirname($path);
	return $dir if exists $rank{$dir};
	# a module's private header (model_int.h, catalog_int.h, readers.h)
	return undef;
}

my $failed = 0;
my %edges;
my @files = map { s{^\Q$src\E/}{}r } (glob("$src/*.c"), glob("$src/*/*.[ch]"));
for my $file (sort @files)
{
	my $from = module_of($file);
	if (!defined $from)
	{
		# private headers belong to the folder they are in
		$from = dirname($file);
		if (!exists $rank{$from})
		{
			print "not in any layer: src/$file\n";
			$failed = 1;
			next;
		}
	}
	open my $fh, '<', "$src/$file" or die "src/$file: $!";
	while (my $line = <$fh>)
	{
		next unless $line =~ /^#include "([a-z_]+\/[a-z_]+\.h)"/;
		my $header = $1;
		# PostgreSQL's own headers (catalog/pg_type.h) are not ours
		next unless -f "$src/$header";
		my $to = module_of($header) // dirname($header);
		if (!exists $rank{$to})
		{
			print "src/$file includes $header, which is in no layer\n";
			$failed = 1;
			next;
		}
		next if $to eq $from;
		if ($header =~ /_int\.h$|readers\.h$/)
		{
			print "src/$file includes $header, private to $to\n";
			$failed = 1;
		}
		if ($rank{$to} > $rank{$from})
		{
			print "src/$file ($from, layer $rank{$from}) includes $header"
			  . " ($to, layer $rank{$to}): an upward call\n";
			$failed = 1;
		}
		$edges{$from}{$to} = 1;
	}
	close $fh;
}

# no circle among modules (same-layer includes are allowed if acyclic)
my %state;    # 1: on the path, 2: done
sub visit
{
	my ($m, @path) = @_;
	return if ($state{$m} // 0) == 2;
	if (($state{$m} // 0) == 1)
	{
		print "circle: ", join(' -> ', @path, $m), "\n";
		$failed = 1;
		return;
	}
	$state{$m} = 1;
	visit($_, @path, $m) for sort keys %{ $edges{$m} // {} };
	$state{$m} = 2;
}
visit($_) for sort keys %rank;

# each public header declares only what other modules use
my %text;
for my $file (@files)
{
	open my $fh, '<', "$src/$file" or die;
	local $/;
	$text{$file} = <$fh>;
	close $fh;
}
for my $header (sort grep { /\.h$/ && !/_int\.h$|readers\.h$/ } @files)
{
	my $mod = module_of($header) // next;
	while ($text{$header} =~ /^extern\s[^;(]*?\**\b([a-z_][a-z0-9_]*)\s*\(/mg)
	{
		my $name = $1;
		my @users = grep {
			/\.c$/
			  && (module_of($_) // dirname($_)) ne $mod
			  && $text{$_} =~ /\b\Q$name\E\b/
		} @files;
		next if @users;
		print "src/$header exports $name, which no other module uses\n";
		$failed = 1;
	}
}

for my $i (reverse 0 .. $#layers)
{
	for my $m (@{ $layers[$i] })
	{
		my @to = sort keys %{ $edges{$m} // {} };
		printf "  layer %d  %-16s -> %s\n", $i, $m, @to ? join(' ', @to) : '-';
	}
}
print $failed ? "layers: FAILED\n" : "layers: ok, no upward include, no circle, no export unused\n";
exit $failed;
