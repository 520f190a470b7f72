# shellcheck shell=bash
# Helpers shared by the benchmarks in test/bench.  Source it from a benchmark
# (test/bench/run.sh runs only *.sh files, so this one is never run as a
# benchmark); it sources test/cluster.sh, goes to the repository top and
# exports LC_ALL=C.
#
#   bench_start        a work directory in $workdir, traps that end the
#                      benchmark's background jobs, stop the cluster and
#                      remove the directory on every exit, then cluster_start
#   sql ARGS...        psql, quiet, unaligned, tuples only, stopping at the
#                      first error, with client_min_messages = warning
#   median V...        the median of the values, three decimals
#   ratio A B          A / B, three decimals (0 when B is 0)
#   megabytes KB       kB as MB, one decimal
#   at_most V T        "met" when V <= T, else "not met"
#   at_least V T       "met" when V >= T, else "not met"

export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source-path=SCRIPTDIR source=../cluster.sh
source test/cluster.sh

# shellcheck disable=SC2317  # invoked by the EXIT trap
bench__cleanup() {
	local pids
	pids=$(jobs -p)
	if [[ -n $pids ]]; then
		# shellcheck disable=SC2086  # one pid a word
		kill $pids 2>/dev/null || true
	fi
	cluster_stop
	if [[ -n ${workdir:-} ]]; then
		rm -rf -- "$workdir"
	fi
}

bench_start() {
	workdir=$(mktemp -d "${TMPDIR:-/tmp}/migrate-bench.XXXXXX") || return 1
	trap bench__cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	cluster_start
}

sql() {
	PGOPTIONS='-c client_min_messages=warning' psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"
}

median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
		END { if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2];
			  else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'
}

megabytes() {
	awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'
}

at_most() {
	awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t ? "met" : "not met") }'
}

at_least() {
	awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t ? "met" : "not met") }'
}

# Write $workdir/sampler.pl: "perl sampler.pl PID STOPFILE" reads RssAnon of
# /proc/PID/status as fast as it can until STOPFILE exists, then prints the
# largest value seen (kB) and the number of samples.  The kernel keeps a peak
# of the whole resident set only (VmHWM), which counts shared buffers too.
bench_write_sampler() {
	cat >"$workdir/sampler.pl" <<'PERL'
use strict;
my ($pid, $stop) = @ARGV;
my ($max, $n) = (0, 0);
until (-e $stop) {
	open(my $fh, '<', "/proc/$pid/status") or last;
	while (<$fh>) {
		if (/^RssAnon:\s+(\d+)/) { $max = $1 if $1 > $max; last }
	}
	close $fh;
	$n++;
}
print "$max $n\n";
PERL
}
