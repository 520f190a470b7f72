#!/usr/bin/env bash
# Benchmark: do writes keep flowing while a migration builds an index on a
# live table?
#
# A table of N rows (default 2,000,000)
#   orders (id bigserial PRIMARY KEY, customer int, amount numeric,
#           note text, created timestamptz DEFAULT now())
# takes a steady write load from pgbench (-c 4 -j 2, no rate limit: each
# transaction INSERTs an order and UPDATEs a random existing one).  After a
# warm-up and a baseline window, the index orders (customer) is built, one of
# three ways:
#   plain          CREATE INDEX orders_customer ON orders (customer), from
#                  psql: its SHARE lock makes every write wait for the build
#   concurrently   CREATE INDEX CONCURRENTLY, the same index, from psql
#   migrate        that statement as a non-transactional revision,
#                  migrate_add(..., transactional => false), applied by
#                  CALL migrate_deploy()
# and the load goes on a little after the build.  The timestamps taken just
# before and just after the build bound the window "during".  The writes are
# counted from the table, to the microsecond: every row pgbench inserts has
# created = clock_timestamp(), taken when its INSERT runs, after any wait
# for a lock, so a write that waited for the build counts when it happened.
# Per way: the writes per second before the build (the baseline window) and
# during it, their ratio, the worst single second during the build (the
# fewest writes in a whole second from its start) and the build's seconds.
# Each run gives each way a fresh copy of the table (CREATE DATABASE ...
# TEMPLATE); R runs (default 3), the ways interleaved in every run, medians
# printed in one table (the ratio: the median of the runs' own ratios).
# Target: during/before >= 0.5 for the two concurrent builds; the plain
# build stops the writes (worst second 0), which is what it shows, not a
# target.  The load saturates the machine, so the build and the writes
# compete for the same cores: the ratio is, if anything, pessimistic.
#
# A probe on a small table first checks that migrate_deploy() runs a
# non-transactional revision; a build of the extension from before its
# background worker refuses ("cannot run non-transactional revision ...
# yet"), and then the migrate row says n/a.
#
# Starts its own throwaway cluster (test/cluster.sh).  The extension must be
# installed, and pgbench must be in the server's bindir or on PATH:
# test/bench/run.sh builds and installs the extension first.  Exits non-zero
# only when something fails; a ratio below the target is reported, not an
# error.  About two minutes on a 2-core machine with the defaults.
#
#   bash test/bench/concurrent_index.sh [N]     BENCH_INDEX_RUNS=3
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

rows=${1:-2000000}
runs=${BENCH_INDEX_RUNS:-3}
if (($# > 1)) || ! [[ $rows =~ ^[1-9][0-9]*$ && $runs =~ ^[1-9][0-9]*$ ]] || ((rows < 1000)); then
	echo "usage: bash test/bench/concurrent_index.sh [N], N an integer >= 1000, BENCH_INDEX_RUNS a positive integer" >&2
	exit 2
fi
target=0.5
warmup=2          # seconds of load before the baseline window
baseline=5        # seconds of the baseline window, just before the build
after=2           # seconds of load after the build
build_timeout=300 # seconds a build may take before the benchmark gives up
db=bench_index
ways=(plain concurrently migrate)
index_sql='CREATE INDEX CONCURRENTLY orders_customer ON orders (customer)'
now_sql='SELECT extract(epoch FROM clock_timestamp())'
declare -A label=(
	[plain]="\`CREATE INDEX\`, psql"
	[concurrently]="\`CREATE INDEX CONCURRENTLY\`, psql"
	[migrate]="the same, as a revision, \`CALL migrate_deploy()\`"
)
na="n/a (deploy cannot run non-transactional revisions in this build)"

bench_start
if ! command -v pgbench >/dev/null 2>&1; then
	echo "concurrent_index: no pgbench in $CLUSTER_BINDIR or on PATH" >&2
	exit 1
fi

# The write load: one order in, one random existing order changed
cat >"$workdir/writes.sql" <<SQL
\\set customer random(1, 100000)
\\set cents random(100, 100000)
\\set id random(1, $rows)
BEGIN;
INSERT INTO orders (customer, amount, note, created) VALUES (:customer, :cents / 100.0, 'pgbench', clock_timestamp());
UPDATE orders SET amount = amount + 1 WHERE id = :id;
COMMIT;
SQL

# psql for a build: sql, with a statement timeout
build_sql() {
	PGOPTIONS="-c client_min_messages=warning -c statement_timeout=${build_timeout}s" \
		psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"
}

# Wait until revision $2 is applied in database $1: a deploy may hand
# non-transactional revisions to a background worker and return first
wait_applied() {
	local deadline=$((SECONDS + build_timeout))
	until [[ $(sql -d "$1" -c "SELECT count(*) FROM migrate.applied WHERE id = '$2'") == 1 ]]; do
		if ((SECONDS >= deadline)); then
			echo "concurrent_index: revision $2 not applied after ${build_timeout}s" >&2
			return 1
		fi
		sleep 0.1
	done
}

# Does migrate_deploy() run a non-transactional revision?  Sets deploy_runs
# to yes, or to no when it refuses with the "... yet" error; any other
# failure fails
probe_deploy() {
	local err
	sql -d postgres -c "CREATE DATABASE bench_probe"
	sql -d bench_probe -c "CREATE EXTENSION migrate" -c "CREATE TABLE t (i int)" \
		-c "SELECT migrate_add('probe index', 'CREATE INDEX CONCURRENTLY t_i ON t (i)', 'DROP INDEX CONCURRENTLY t_i', id => 'probe', revises => '{}', transactional => false)" \
		>/dev/null
	if ! err=$(build_sql -d bench_probe -c "CALL migrate_deploy()" 2>&1); then
		if [[ $err == *"cannot run non-transactional revision"*"yet"* ]]; then
			deploy_runs=no
			return 0
		fi
		echo "concurrent_index: the probe's CALL migrate_deploy() failed: $err" >&2
		return 1
	fi
	wait_applied bench_probe probe
	deploy_runs=yes
}

# A fresh copy of the table in $db; for the migrate way, the extension and
# the revision registered (not applied)
fresh_copy() {
	sql -d postgres -c "DROP DATABASE IF EXISTS $db" \
		-c "CREATE DATABASE $db TEMPLATE bench_orders STRATEGY FILE_COPY"
	if [[ $1 == migrate ]]; then
		sql -d "$db" -c "CREATE EXTENSION migrate" \
			-c "SELECT migrate_add('customer index', '$index_sql', 'DROP INDEX CONCURRENTLY orders_customer', id => 'idx', revises => '{}', transactional => false)" \
			>/dev/null
	fi
	sql -d postgres -c "CHECKPOINT"
}

# Build the index way $1 in $db; sets start and end, epoch seconds read
# from the server's clock in the building session just before and just
# after the statement (for the migrate way, when the revision is applied)
build() {
	local stmt out
	case $1 in
	plain) stmt="CREATE INDEX orders_customer ON orders (customer)" ;;
	concurrently) stmt=$index_sql ;;
	migrate) stmt="CALL migrate_deploy()" ;;
	esac
	out=$(build_sql -d "$db" -c "$now_sql" -c "$stmt" -c "$now_sql")
	start=${out%%$'\n'*}
	end=${out##*$'\n'}
	# a deploy that hands the revision to a background worker may return first
	if [[ $1 == migrate && $(sql -d "$db" -c "SELECT count(*) FROM migrate.applied WHERE id = 'idx'") != 1 ]]; then
		wait_applied "$db" idx
		end=$EPOCHREALTIME
	fi
}

# The writes of the window from $1 to $2 (epoch seconds), counted from the
# rows pgbench inserted, each stamped with the moment of its INSERT: prints
# their number per second, and the worst second (the fewest writes in a
# whole second from $1 on; the window's own rate when it is shorter than a
# second)
window() {
	sql -d "$db" -v a="$1" -v b="$2" -v n="$rows" <<'SQL'
WITH w AS (
	SELECT floor(extract(epoch FROM created) - :a)::int AS k
	FROM orders
	WHERE id > :n AND created >= to_timestamp(:a) AND created < to_timestamp(:b)),
seconds AS (
	SELECT k, count(w.k) AS n
	FROM generate_series(0, floor(:b - :a)::int - 1) AS k LEFT JOIN w USING (k)
	GROUP BY k)
SELECT round((SELECT count(*) FROM w) / (:b - :a), 1),
	   round(coalesce((SELECT min(n) FROM seconds), (SELECT count(*) FROM w) / (:b - :a)), 1)
SQL
}

# One run of way $1 on a fresh copy; sets before, during, r (their ratio),
# worst (the worst second) and seconds (the build's)
measure() {
	local way=$1 pid valid out
	fresh_copy "$way" >/dev/null
	pgbench -n -c 4 -j 2 -f "$workdir/writes.sql" \
		-T $((warmup + baseline + build_timeout + after + 10)) "$db" \
		>"$workdir/pgbench.out" 2>"$workdir/pgbench.err" &
	pid=$!
	sleep $((warmup + baseline))
	build "$way"
	sleep "$after"
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "concurrent_index: pgbench ended before the load was over:" >&2
		cat "$workdir/pgbench.err" "$workdir/pgbench.out" >&2
		return 1
	fi
	kill -TERM "$pid"
	wait "$pid" || true
	if [[ -s $workdir/pgbench.err ]]; then
		cat "$workdir/pgbench.err" >&2
		echo "concurrent_index: pgbench reported errors (above)" >&2
		return 1
	fi
	valid=$(sql -d "$db" -c "SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_customer'::regclass")
	if [[ $valid != t ]]; then
		echo "concurrent_index: the $way build left no valid index" >&2
		return 1
	fi
	out=$(window "$(awk -v s="$start" -v b="$baseline" 'BEGIN { printf "%.6f", s - b }')" "$start")
	before=${out%%|*}
	out=$(window "$start" "$end")
	IFS='|' read -r during worst <<<"$out"
	r=$(ratio "$during" "$before")
	seconds=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
}

echo "concurrent_index: $rows rows, pgbench -c 4 -j 2 writing, $runs runs"

t0=$EPOCHREALTIME
sql -d postgres -c "CREATE DATABASE bench_orders"
sql -d bench_orders \
	-c "CREATE TABLE orders (id bigserial PRIMARY KEY, customer int, amount numeric, note text, created timestamptz DEFAULT now())" \
	-c "INSERT INTO orders (customer, amount, note)
		SELECT (random() * 100000)::int, round((random() * 1000)::numeric, 2), md5(g::text)
		FROM generate_series(1, $rows) AS g" \
	-c "VACUUM ANALYZE orders"
awk -v s="$t0" -v e="$EPOCHREALTIME" -v r="$rows" \
	'BEGIN { printf "  table of %d rows built in %.1f s\n", r, e - s }'

probe_deploy
if [[ $deploy_runs == no ]]; then
	ways=(plain concurrently)
	echo "  migrate_deploy() refuses non-transactional revisions in this build: the migrate way is skipped"
fi

# results[way.measure]: lists of words
declare -A results=()
for ((run = 1; run <= runs; run++)); do
	for way in "${ways[@]}"; do
		measure "$way"
		results[$way.before]+="$before "
		results[$way.during]+="$during "
		results[$way.ratio]+="$r "
		results[$way.worst]+="$worst "
		results[$way.seconds]+="$seconds "
		echo "  run $run, $way: before $before tx/s, during $during tx/s (${r}x), worst second $worst, build $seconds s"
	done
done

echo
echo "concurrent_index: $rows rows, pgbench -c 4 -j 2 INSERT + UPDATE; median of $runs runs"
echo
echo "| build | before, tx/s | during, tx/s | during/before | worst second, tx | build, s | target |"
echo "|---|---|---|---|---|---|---|"
below=0
for way in plain concurrently migrate; do
	if [[ -z ${results[$way.ratio]:-} ]]; then
		echo "| ${label[$way]} | $na | | | | | |"
		continue
	fi
	# shellcheck disable=SC2086  # the results are lists of words
	{
		before=$(median ${results[$way.before]} | awk '{ printf "%.0f", $1 }')
		during=$(median ${results[$way.during]} | awk '{ printf "%.0f", $1 }')
		r=$(median ${results[$way.ratio]} | awk '{ printf "%.2f", $1 }')
		worst=$(median ${results[$way.worst]} | awk '{ printf "%.0f", $1 }')
		seconds=$(median ${results[$way.seconds]} | awk '{ printf "%.1f", $1 }')
	}
	verdict=
	if [[ $way != plain ]]; then
		verdict=$(at_least "$r" "$target")
		[[ $verdict == met ]] || below=1
		verdict="≥ ${target}× — $verdict"
	fi
	echo "| ${label[$way]} | $before | $during | ${r}× | $worst | $seconds | $verdict |"
done
if ((below)); then
	echo "concurrent_index: a concurrent build's ratio is below the target of ${target}x"
fi
