#!/usr/bin/perl
# Run a command as a "child subreaper" (Linux prctl PR_SET_CHILD_SUBREAPER):
# servers that the command starts and that get orphaned (pg_ctl exits after
# starting a postmaster) are re-parented to this process, which reaps them as
# soon as they exit. Without it, where PID 1 reaps orphans late (some
# container and VM init processes), a postmaster killed with SIGKILL stays a
# zombie for a while, and a restart of the same data directory fails with
# 'lock file "postmaster.pid" already exists' (PostgreSQL::Test::Cluster's
# kill9 followed by start). When the command ends, orphans still running
# (servers of a TAP test interrupted by Ctrl-C, whose END block never ran) get
# SIGQUIT (immediate shutdown), then SIGKILL after 10 s. Only descendants of
# the command can become our children. Exits with the command's status.
#
#   perl test/subreaper.pl COMMAND [ARGS...]
use strict;
use warnings;
use POSIX qw(WNOHANG);

die "usage: $0 command [args...]\n" unless @ARGV;

my $PR_SET_CHILD_SUBREAPER = 36;
my $sys_prctl = eval { require 'syscall.ph'; SYS_prctl() };
$sys_prctl //= { x86_64 => 157, aarch64 => 167 }->{ (POSIX::uname())[4] };
if (!defined $sys_prctl
	|| syscall($sys_prctl, $PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
{
	warn "subreaper: cannot become a child subreaper; running the command as is\n";
}

my $child = fork() // die "subreaper: fork: $!\n";
if ($child == 0)
{
	no warnings 'exec';
	exec { $ARGV[0] } @ARGV;
	print STDERR "subreaper: cannot run $ARGV[0]: $!\n";
	POSIX::_exit(127);
}

# Ctrl-C reaches the whole process group; let the command handle it and
# report how it ended. Forward TERM and HUP.
$SIG{INT} = 'IGNORE';
$SIG{QUIT} = 'IGNORE';
$SIG{PIPE} = 'IGNORE';    # whoever reads our stderr may be gone already
$SIG{TERM} = sub { kill 'TERM', $child };
$SIG{HUP} = sub { kill 'HUP', $child };

my $status;
while (1)
{
	my $pid = waitpid(-1, 0);
	if ($pid == $child)
	{
		$status = $?;
		last;
	}
	last if $pid < 0 && !$!{EINTR};
}
die "subreaper: lost track of the command\n" unless defined $status;

# Our living children now: orphans re-parented to us.
sub orphans
{
	my @kids;
	opendir(my $dir, '/proc') or return ();
	foreach my $pid (grep { /^\d+$/ } readdir($dir))
	{
		open(my $fh, '<', "/proc/$pid/stat") or next;
		my $stat = <$fh> // '';
		close($fh);
		# "pid (comm) state ppid ..."; comm may contain spaces and parentheses
		next unless $stat =~ /^.*\)\s+(\S)\s+(\d+)\s/s;
		push @kids, $pid if $2 == $$ && $1 ne 'Z';
	}
	closedir($dir);
	return @kids;
}

my %signalled;    # pid => time SIGQUIT was sent
my $start = time;
while (1)
{
	1 while waitpid(-1, WNOHANG) > 0;
	my @kids = orphans();
	last unless @kids;
	foreach my $pid (@kids)
	{
		if (!exists $signalled{$pid})
		{
			kill 'QUIT', $pid;
			$signalled{$pid} = time;
			warn "subreaper: stopping leftover process $pid\n";
		}
		elsif (time - $signalled{$pid} >= 10)
		{
			kill 'KILL', $pid;
		}
	}
	if (time - $start > 30)
	{
		warn "subreaper: giving up on processes @kids\n";
		last;
	}
	select(undef, undef, undef, 0.1);
}

exit(128 + ($status & 127)) if $status & 127;
exit($status >> 8);
