#!/usr/bin/env bash
# Benchmark: does a migration stall the queries on its table when a long
# transaction holds a lock on it?
#
# A table accounts (id int PRIMARY KEY, balance int) of 100,000 rows takes
# a pgbench load (-c 4 -j 2, rate-limited to R transactions a second,
# default 400, so that latency is a wait and not a queue of its own: each
# transaction UPDATEs a random account).  pgbench logs every transaction's
# latency (-l).  Three ways, each a window of W seconds (default 20) of load
# on a fresh copy of the table:
#   alone      the load only
#   queued     at 3 s a session reads the table in a transaction that stays
#              open H seconds (default 3: an analyst's query, a slow
#              report); at 3.2 s a revision ALTER TABLE accounts ADD COLUMN
#              runs through migrate_push() with no migrate.lock_timeout: it
#              queues for ACCESS EXCLUSIVE behind the reader, and every
#              UPDATE queues behind it until the reader ends
#   retried    the same with migrate.lock_timeout = T (default 20ms) and
#              migrate.lock_retries = 100: the ALTER gives up after T, the
#              push rolls back and pauses, the UPDATEs run; it retries until
#              the reader is gone
# Per way (medians of R runs, default 3): p50, p99 and the worst latency of
# the load's transactions over the window, in ms, and the push's seconds.
# Target: the retried p99 within 2x of alone's.
#
# Starts its own throwaway cluster (test/cluster.sh).  The extension must be
# installed, pgbench in the server's bindir or on PATH: test/bench/run.sh
# builds and installs the extension first.  Exits non-zero only when
# something fails; a target not met is reported.  About three and a half
# minutes with the defaults.
#
#   bash test/bench/lock_timeout.sh    BENCH_LOCK_RUNS=3 BENCH_LOCK_WINDOW=20
#                                      BENCH_LOCK_HOLD=3 BENCH_LOCK_TIMEOUT=20ms
#                                      BENCH_LOCK_RATE=400
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

runs=${BENCH_LOCK_RUNS:-3}
window=${BENCH_LOCK_WINDOW:-20}
hold=${BENCH_LOCK_HOLD:-3}
timeout=${BENCH_LOCK_TIMEOUT:-20ms}
rate=${BENCH_LOCK_RATE:-400}
if (($# > 0)) || ! [[ $runs =~ ^[1-9][0-9]*$ && $window =~ ^[1-9][0-9]*$ &&
	$hold =~ ^[1-9][0-9]*$ && $rate =~ ^[1-9][0-9]*$ && $timeout =~ ^[0-9]+(ms|s)?$ ]] ||
	((window < hold + 6)); then
	echo "usage: bash test/bench/lock_timeout.sh (BENCH_LOCK_RUNS, _WINDOW >= _HOLD + 6, _HOLD, _RATE: positive integers; BENCH_LOCK_TIMEOUT: 50ms, 1s, ...)" >&2
	exit 2
fi
target=2
db=bench_lock
ways=(alone queued retried)
declare -A label=(
	[alone]="pgbench alone"
	[queued]="push behind a ${hold} s reader, no \`migrate.lock_timeout\`"
	[retried]="the same, \`migrate.lock_timeout = '$timeout'\`, retries"
)

bench_start
if ! command -v pgbench >/dev/null 2>&1; then
	echo "lock_timeout: no pgbench in $CLUSTER_BINDIR or on PATH" >&2
	exit 1
fi

cat >"$workdir/load.sql" <<'SQL'
\set id random(1, 100000)
UPDATE accounts SET balance = balance + 1 WHERE id = :id;
SQL

sql -d postgres -c "CREATE DATABASE bench_accounts"
sql -d bench_accounts -c "CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)" \
	-c "INSERT INTO accounts SELECT g, 0 FROM generate_series(1, 100000) g" \
	-c "VACUUM ANALYZE accounts" -c "CREATE EXTENSION migrate" \
	-c "SELECT migrate_add('account notes', 'ALTER TABLE accounts ADD COLUMN note text;', 'ALTER TABLE accounts DROP COLUMN note;', id => 'notes', revises => '{}')" \
	>/dev/null

# One run of way $1 on a fresh copy; sets p50, p99, worst (ms) and push (s)
measure() {
	local way=$1 pid reader="" t0 t1
	sql -d postgres -c "DROP DATABASE IF EXISTS $db" \
		-c "CREATE DATABASE $db TEMPLATE bench_accounts STRATEGY FILE_COPY" -c "CHECKPOINT"
	rm -f "$workdir"/lat*
	(cd "$workdir" && exec pgbench -n -c 4 -j 2 -R "$rate" -f load.sql -T "$window" \
		-l --log-prefix=lat "$db" >pgbench.out 2>pgbench.err) &
	pid=$!
	push=0
	if [[ $way != alone ]]; then
		sleep 3
		sql -d "$db" -c "BEGIN" -c "SELECT count(*) FROM accounts WHERE id = 1" \
			-c "SELECT pg_sleep($hold)" -c "COMMIT" >/dev/null &
		reader=$!
		sleep 0.2
		t0=$EPOCHREALTIME
		if [[ $way == queued ]]; then
			sql -d "$db" -c "SELECT count(*) FROM migrate_push()" >/dev/null
		else
			sql -d "$db" -c "SET migrate.lock_timeout = '$timeout'" \
				-c "SET migrate.lock_retries = 100" \
				-c "SELECT count(*) FROM migrate_push()" >/dev/null
		fi
		t1=$EPOCHREALTIME
		push=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
		wait "$reader"
	fi
	if ! wait "$pid"; then
		echo "lock_timeout: pgbench failed:" >&2
		cat "$workdir/pgbench.err" "$workdir/pgbench.out" >&2
		return 1
	fi
	# the third field of a pgbench log line: the latency in microseconds
	read -r p50 p99 worst < <(cat "$workdir"/lat* | awk '{ print $3 / 1000 }' | sort -n |
		awk '{ v[NR] = $1 } END {
			printf "%.2f %.2f %.2f\n", v[int(NR * 0.50) + 1], v[int(NR * 0.99) + 1], v[NR] }')
}

echo "lock_timeout: 100000 rows, pgbench -c 4 -j 2 -R $rate, ${window} s windows, reader holds ${hold} s, $runs runs"
declare -A P50 P99 WORST PUSH
for ((run = 1; run <= runs; run++)); do
	for way in "${ways[@]}"; do
		measure "$way"
		P50[$way]+="$p50 "
		P99[$way]+="$p99 "
		WORST[$way]+="$worst "
		PUSH[$way]+="$push "
		echo "  run $run, $way: p50 $p50 ms, p99 $p99 ms, worst $worst ms, push ${push} s"
	done
done

echo
echo "lock_timeout: pgbench -c 4 -j 2 -R $rate UPDATE on 100,000 rows; ${hold} s reader; median of $runs runs"
echo
echo "| load | p50, ms | p99, ms | worst, ms | push, s | p99 / alone | target |"
echo "|---|---|---|---|---|---|---|"
# shellcheck disable=SC2086  # the values, one a word
alone99=$(median ${P99[alone]})
for way in "${ways[@]}"; do
	# shellcheck disable=SC2086
	m50=$(median ${P50[$way]}) m99=$(median ${P99[$way]}) mw=$(median ${WORST[$way]})
	# shellcheck disable=SC2086
	mp=$(median ${PUSH[$way]})
	r=$(ratio "$m99" "$alone99")
	verdict=""
	if [[ $way == retried ]]; then
		verdict="≤ ${target}× — $(at_most "$r" "$target")"
	fi
	[[ $way == alone ]] && mp="—"
	echo "| ${label[$way]} | $m50 | $m99 | $mw | $mp | ${r}× | $verdict |"
done
