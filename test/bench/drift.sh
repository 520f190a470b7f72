#!/usr/bin/env bash
# Benchmark: what finding drift costs, against the classic check.
#
# Builds the schema of the drift anchor (N tables, default 10,000, each
#   CREATE TABLE t_i (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
#                     parent_id int REFERENCES parent(id),
#                     name text NOT NULL DEFAULT 'n<i>',
#                     qty numeric(10,2) CHECK (qty >= 0),
#                     created timestamptz DEFAULT now())
#   CREATE INDEX t_i_name_idx ON t_i (name)
# committed every 500 tables), creates the extension afterwards, so nothing
# of the build is logged, and saves that state as the expected one with
# migrate_stamp('heads').  Then times, on the same database:
#
#   - the classic DBA check: pg_dump --schema-only of the live database, then
#     diff against the dump taken before (as the anchor script does);
#   - SELECT count(*) FROM migrate_drift() as the first call of a fresh
#     session (cold: the library loads, the catalog caches are empty), and
#     again in the same session (warm).
#
# Each is the median of R runs (default 3), one fresh session per run.  The
# peak memory is the backend's VmHWM (/proc/<pid>/status, pid from
# pg_backend_pid()), read in the same session after its two calls, and
# before them for comparison; it counts the shared buffers the backend
# touched too.  Prints one table: seconds, the ratio to pg_dump + diff and the
# target (at most 1/20 = 0.05), and the peak memory.  Last, it makes one
# change out of band and checks that both ways see it.
#
# Starts its own throwaway cluster (test/cluster.sh).  The extension must be
# installed: test/bench/run.sh builds and installs it first.  Exits non-zero
# only when something fails; a ratio above the target is reported, not an
# error.  Building 10,000 tables takes a minute or two.
#
#   bash test/bench/drift.sh [N]       BENCH_DRIFT_RUNS=3
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

tables=${1:-10000}
runs=${BENCH_DRIFT_RUNS:-3}
target=0.05
db=bench_drift
if ! [[ $tables =~ ^[1-9][0-9]*$ && $runs =~ ^[1-9][0-9]*$ ]]; then
	echo "usage: bash test/bench/drift.sh [N], N and BENCH_DRIFT_RUNS positive integers" >&2
	exit 2
fi

bench_start

# The session of one drift run: VmHWM, the cold call, the warm call, VmHWM;
# psql prints the counts, the "Time:" lines of \timing and the VmHWM lines
cat >"$workdir/session.sql" <<'SQL'
SELECT pg_backend_pid() AS bench_pid \gset
\setenv BENCH_PID :bench_pid
\! grep '^VmHWM:' "/proc/$BENCH_PID/status"
\timing on
SELECT count(*) FROM migrate_drift();
SELECT count(*) FROM migrate_drift();
\timing off
\! grep '^VmHWM:' "/proc/$BENCH_PID/status"
SQL

# The classic check: dump the live schema, compare it with the release dump;
# prints the seconds and "same" or "differs"
dump_and_diff() {
	local start end result
	start=$EPOCHREALTIME
	pg_dump --schema-only "${restrict[@]}" -d "$db" -f "$workdir/live.sql" || return 1
	if diff -q "$workdir/release.sql" "$workdir/live.sql" >/dev/null; then
		result=same
	else
		result=differs
	fi
	end=$EPOCHREALTIME
	awk -v s="$start" -v e="$end" -v r="$result" 'BEGIN { printf "%.3f %s\n", e - s, r }'
}

# One fresh session: prints cold and warm seconds, the number of drift rows
# of each call, and VmHWM in kB before and after the calls
drift_session() {
	local out
	out=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" -f "$workdir/session.sql") ||
		return 1
	awk '/^Time:/ { t[++nt] = $2 / 1000 }
		 /^VmHWM:/ { m[++nm] = $2 }
		 /^[0-9]+$/ { c[++nc] = $1 }
		 END {
			if (nt != 2 || nm != 2 || nc != 2) exit 1
			printf "%.3f %.3f %d %d %d %d\n", t[1], t[2], c[1], c[2], m[1], m[2]
		 }' <<<"$out"
}

echo "drift: $tables tables, $runs runs each"

start=$EPOCHREALTIME
sql -d postgres -c "CREATE DATABASE $db"
sql -d "$db" -c "CREATE TABLE parent (id int PRIMARY KEY)"
sql -d "$db" <<SQL
DO \$\$ BEGIN FOR i IN 1..$tables LOOP
 IF i % 500 = 0 THEN COMMIT; END IF;
 EXECUTE format('CREATE TABLE t_%s (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, parent_id int REFERENCES parent(id), name text NOT NULL DEFAULT %L, qty numeric(10,2) CHECK (qty >= 0), created timestamptz DEFAULT now())', i, 'n'||i);
 EXECUTE format('CREATE INDEX t_%s_name_idx ON t_%s (name)', i, i);
END LOOP; END \$\$;
SQL
sql -d "$db" -c "CREATE EXTENSION migrate" -c "SELECT count(*) FROM migrate_stamp('heads')" >/dev/null
sql -d "$db" -c "VACUUM ANALYZE" -c "CHECKPOINT"
objects=$(sql -d "$db" -c \
	"SELECT count(*) FROM migrate.snapshot, regexp_split_to_table(objects, E'\n') AS line WHERE line <> ''")
awk -v s="$start" -v e="$EPOCHREALTIME" -v o="$objects" \
	'BEGIN { printf "  built and stamped in %.1f s: %d objects in the expected model\n", e - s, o }'
# pg_dump 15.14 and later write \restrict lines with a random key unless
# given one: give both dumps the same, so that diff compares the schemas
restrict=()
if [[ $(pg_dump --help) == *--restrict-key=* ]]; then
	restrict=(--restrict-key=migratebench)
fi
pg_dump --schema-only "${restrict[@]}" -d "$db" -f "$workdir/release.sql"

declare -a dump=() cold=() warm=() hwm=() before=()
for ((run = 1; run <= runs; run++)); do
	out=$(dump_and_diff)
	read -r seconds result <<<"$out"
	if [[ $result != same ]]; then
		echo "bench: the live dump differs from the release dump, yet nothing changed" >&2
		exit 1
	fi
	dump+=("$seconds")
	out=$(drift_session)
	read -r c w rows_cold rows_warm hwm_before hwm_after <<<"$out"
	if ((rows_cold != 0 || rows_warm != 0)); then
		echo "bench: migrate_drift() returned $rows_cold and $rows_warm rows, yet nothing changed" >&2
		exit 1
	fi
	cold+=("$c")
	warm+=("$w")
	before+=("$hwm_before")
	hwm+=("$hwm_after")
	echo "  run $run: pg_dump + diff $seconds s ($result), migrate_drift() cold $c s, warm $w s," \
		"VmHWM $(megabytes "$hwm_before") -> $(megabytes "$hwm_after") MB"
done

dump_s=$(median "${dump[@]}")
peak=$(median "${hwm[@]}")
peak_before=$(median "${before[@]}")
above=0
echo
printf '%-34s %9s %16s %9s\n' "$tables tables, median of $runs" seconds "ratio to pg_dump" target
printf '%-34s %9s\n' "pg_dump --schema-only + diff" "$dump_s"
for measure in cold warm; do
	if [[ $measure == cold ]]; then
		what="migrate_drift(), fresh session"
		s=$(median "${cold[@]}")
	else
		what="migrate_drift(), same session"
		s=$(median "${warm[@]}")
	fi
	r=$(ratio "$s" "$dump_s")
	verdict=$(at_most "$r" "$target")
	[[ $verdict == met ]] || above=1
	printf '%-34s %9s %16s %9s %s\n' "$what" "$s" "$r" "<= $target" "$verdict"
done
printf '%-34s %9s MB (%s MB before the first call)\n' "peak memory of the backend (VmHWM)" \
	"$(megabytes "$peak")" "$(megabytes "$peak_before")"
if ((above)); then
	echo "drift: a ratio is above the target of $target"
fi

# Both ways see one change made out of band
sql -d "$db" -c "ALTER TABLE t_1 ADD COLUMN note text"
out=$(dump_and_diff)
read -r _ result <<<"$out"
rows=$(sql -d "$db" -c "SELECT string_agg(kind || ' ' || identity || ' ' || change, ', ') FROM migrate_drift()")
if [[ $result != differs || $rows != "column public.t_1.note added" ]]; then
	echo "bench: after ALTER TABLE t_1 ADD COLUMN note: pg_dump + diff says \"$result\", migrate_drift() \"$rows\"" >&2
	exit 1
fi
echo "(one column added out of band: the dumps differ, migrate_drift() shows \"$rows\")"
