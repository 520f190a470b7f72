#!/usr/bin/env bash
# Benchmark: what the DDL log costs out-of-band DDL.
#
# Creates N tables (default 1,000), one statement each,
#   CREATE TABLE t_i (id int PRIMARY KEY, name text NOT NULL,
#                     created timestamptz DEFAULT now())
# sent by one psql session from a file -- the realistic out-of-band case: the
# session never called a migrate function, so the library loads at its first
# DDL -- once in autocommit mode and once inside one transaction, into a
# database without the extension and into one with migrate installed and
# migrate.guard = log.  Each run gets two new databases and a CHECKPOINT
# first; the two databases alternate (and swap who goes first every run).
# Nothing is dropped until the end: dropping a database of a thousand tables
# leaves the file system thousands of recently freed inodes, which the file
# creations of the next minute search past (ext4 without a journal, as here:
# a third of the backend's samples), more for whichever timing comes first,
# and that swamped the difference measured.  Prints the median of the runs
# in seconds, the ratio, and the target: at most 1.10x.
# The ratio is the median of each run's own ratio (the two timings of a run
# are taken back to back), which a machine whose speed drifts during the
# benchmark disturbs less than the ratio of the medians.
#
# Two measures: the wall-clock time of the psql session, and the CPU time
# (user + system) of its server backend, read from /proc at the end of the
# session.  Creating a table is mostly creating files, so on a machine whose
# disk is shared the wall-clock time swings from run to run and dilutes the
# extension's cost; the backend's CPU time is steadier and shows that cost.
#
# Starts its own throwaway cluster (test/cluster.sh: fsync and synchronous
# commit are off there, so commits are cheap and the ratio is, if anything,
# pessimistic), in /dev/shm where there is one (BENCH_DISK=1: in /tmp as the
# other benchmarks).  On this shared machine's disk, the kernel's search for
# free inodes past those other work had just freed (ext4 without a journal
# skips inodes freed in the last minutes) took from a third to two thirds
# of the backend's samples, and more for whichever database went first: the
# same script's CPU time went from 0.7 s to 2.8 s within one run of the
# benchmark.  In memory, creating a file costs less, so the extension's
# share of the time is larger there, not smaller.  The extension must be installed: test/bench/run.sh builds and
# installs it first.  Exits non-zero only when something fails; a ratio above
# the target is reported, not an error.
#
#   bash test/bench/ddl_overhead.sh      BENCH_TABLES=1000 BENCH_RUNS=7 BENCH_DISK=0
set -euo pipefail

if [[ ${BENCH_DISK:-0} != 1 && -d /dev/shm && -w /dev/shm ]]; then
	export CLUSTER_BASE=/dev/shm
fi
# shellcheck source-path=SCRIPTDIR source=lib.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

tables=${BENCH_TABLES:-1000}
runs=${BENCH_RUNS:-7}
target=1.10
modes=(autocommit transaction)
kinds=(plain migrate)
declare -A label=(
	[autocommit]="autocommit"
	[transaction]="one transaction"
	[plain]="no extension"
	[migrate]="migrate, guard = log"
)

bench_start

# The two scripts: the same statements, bare or in one transaction; both end
# by writing the CPU time of their backend, in clock ticks, to $BENCH_CPU_FILE
for ((i = 1; i <= tables; i++)); do
	echo "CREATE TABLE t_$i (id int PRIMARY KEY, name text NOT NULL, created timestamptz DEFAULT now());"
done >"$workdir/statements.sql"
cat >"$workdir/cpu.sql" <<'SQL'
SELECT pg_backend_pid() AS bench_pid \gset
\setenv BENCH_PID :bench_pid
\! awk '{ print $14 + $15 }' "/proc/$BENCH_PID/stat" >"$BENCH_CPU_FILE" 2>/dev/null
SQL
cat "$workdir/statements.sql" "$workdir/cpu.sql" >"$workdir/autocommit.sql"
{
	echo "BEGIN;"
	cat "$workdir/statements.sql"
	echo "COMMIT;"
	cat "$workdir/cpu.sql"
} >"$workdir/transaction.sql"
ticks=$(getconf CLK_TCK)

# A new database $2 of kind $1, with the extension for "migrate"
fresh_database() {
	local kind=$1 db=$2
	sql -d postgres -c "CREATE DATABASE $db"
	if [[ $kind == migrate ]]; then
		sql -d "$db" -c "CREATE EXTENSION migrate" \
			-c "ALTER DATABASE $db SET migrate.guard = log"
	fi
}

# Run a script in one psql session; print its wall-clock seconds and its
# backend's CPU seconds.  Called in $(...), where set -e does not reach:
# return psql's failure explicitly.
time_script() {
	local db=$1 file=$2 start end cpu
	rm -f "$workdir/cpu"
	start=$EPOCHREALTIME
	BENCH_CPU_FILE=$workdir/cpu psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$file" >/dev/null ||
		return 1
	end=$EPOCHREALTIME
	cpu=$(cat "$workdir/cpu" 2>/dev/null) || cpu=
	awk -v s="$start" -v e="$end" -v c="${cpu:-0}" -v t="$ticks" \
		'BEGIN { printf "%.3f %.3f\n", e - s, c / t }'
}

# The migrate database $1 logged what it should: a row per table and per
# primary-key index, none attributed to a revision
check_logged() {
	local got
	got=$(sql -d "$1" -c \
		"SELECT count(*) FILTER (WHERE revision IS NULL) || ' ' || count(*) FROM migrate.ddl_log")
	if [[ $got != "$((2 * tables)) $((2 * tables))" ]]; then
		echo "bench: expected $((2 * tables)) out-of-band rows in migrate.ddl_log, got (out of band, all): $got" >&2
		return 1
	fi
}

echo "ddl_overhead: $tables x CREATE TABLE, one psql session from a file, $runs runs each"

# times[mode.measure.kind] and ratios[mode.measure]: lists of words
declare -A times=() ratios=() wall=() cpu=()
for ((run = 1; run <= runs; run++)); do
	for mode in "${modes[@]}"; do
		order=("${kinds[@]}")
		if ((run % 2 == 0)); then
			order=("${kinds[1]}" "${kinds[0]}")
		fi
		for kind in "${kinds[@]}"; do
			fresh_database "$kind" "bench_${kind}_${mode}_$run"
		done
		sql -d postgres -c "CHECKPOINT"
		for kind in "${order[@]}"; do
			result=$(time_script "bench_${kind}_${mode}_$run" "$workdir/$mode.sql")
			read -r "wall[$kind]" "cpu[$kind]" <<<"$result"
			if [[ $kind == migrate ]]; then
				check_logged "bench_${kind}_${mode}_$run"
			fi
			times[$mode.wall.$kind]+="${wall[$kind]} "
			times[$mode.cpu.$kind]+="${cpu[$kind]} "
			echo "  run $run, ${label[$mode]}, ${label[$kind]}: ${wall[$kind]} s, backend CPU ${cpu[$kind]} s"
		done
		ratios[$mode.wall]+="$(ratio "${wall[migrate]}" "${wall[plain]}") "
		ratios[$mode.cpu]+="$(ratio "${cpu[migrate]}" "${cpu[plain]}") "
	done
done

echo
printf '%-28s %14s %22s %7s %10s\n' "$tables tables" "${label[plain]}" "${label[migrate]}" \
	ratio target
above=0
for mode in "${modes[@]}"; do
	for measure in wall cpu; do
		# shellcheck disable=SC2086  # the times are lists of words
		{
			plain=$(median ${times[$mode.$measure.plain]})
			migrate=$(median ${times[$mode.$measure.migrate]})
			r=$(median ${ratios[$mode.$measure]} | awk '{ printf "%.2f", $1 }')
		}
		verdict=$(at_most "$r" "$target")
		[[ $verdict == met ]] || above=1
		what="${label[$mode]}, wall clock"
		[[ $measure == cpu ]] && what="${label[$mode]}, backend CPU"
		printf '%-28s %12s s %20s s %6sx %9sx %s\n' "$what" "$plain" "$migrate" "$r" \
			"<= $target" "$verdict"
	done
done
echo "(seconds, median of $runs runs; ratio: median of the runs' ratios)"
if ((above)); then
	echo "ddl_overhead: a ratio is above the target of ${target}x"
fi
