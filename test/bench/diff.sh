#!/usr/bin/env bash
# Benchmark: what migrate_diff() costs on a large schema with a few changes.
#
# The live schema is the drift anchor's (test/bench/drift.sh) in a schema
# "app": N tables (default 10,000) with five columns, a primary key, a
# foreign key to one of N/100 parents, a check and an index each.  The
# desired state is the same with three changes: a column added to t_1, an
# index on t_2, a new table.  Two ways of giving it:
#
#   - as a schema of the same database ("app_next", built by the same
#     script): migrate_diff('app_next', 'app') reads both schemas, writes the
#     migration and proves it in a rolled-back subtransaction.  Against the
#     classic look at the same schema: pg_dump --schema-only --schema=app of
#     the same database (target: at most its time, ratio <= 1);
#   - as SQL: the database's own pg_dump --schema-only, with the three changes
#     appended (a schema.sql kept in git): migrate_diff(sql) builds it in a
#     scratch database first, so it is compared with the floor of building
#     it: psql -f of the same file into an empty database (created untimed).
#
# Each is the median of R runs (default 3), each call in a fresh session,
# which also checks the answer: ok (proved), the three changes in the up
# script.  Memory: the peak of the calling backend's RssAnon, sampled (see
# test/bench/drift.sh); for SQL the desired state is read by a background
# worker whose memory is its own.
#
# Starts its own throwaway cluster (test/cluster.sh); the extension must be
# installed (test/bench/run.sh does it).  Exits non-zero only when something
# fails; a target not met is reported.  Takes a few minutes at 10,000.
#
#   bash test/bench/diff.sh [N]      BENCH_DIFF_RUNS=3
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

tables=${1:-10000}
runs=${BENCH_DIFF_RUNS:-3}
if ! [[ $tables =~ ^[1-9][0-9]*$ && $runs =~ ^[1-9][0-9]*$ ]]; then
	echo "usage: bash test/bench/diff.sh [N], N and BENCH_DIFF_RUNS positive integers" >&2
	exit 2
fi

bench_start

# The schema of the anchor in schema $1, N tables
build_schema() {
	local db=$1 schema=$2
	sql -d "$db" <<SQL
CREATE SCHEMA $schema;
SET search_path = $schema;
DO \$\$ BEGIN FOR i IN 1..$tables LOOP
 IF i % 500 = 0 THEN COMMIT; END IF;
 IF i = 1 OR i % 100 = 0 THEN
  EXECUTE format('CREATE TABLE parent_%s (id int PRIMARY KEY)', i / 100);
 END IF;
 EXECUTE format('CREATE TABLE t_%s (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, parent_id int REFERENCES parent_%s(id), name text NOT NULL DEFAULT %L, qty numeric(10,2) CHECK (qty >= 0), created timestamptz DEFAULT now())', i, i / 100, 'n'||i);
 EXECUTE format('CREATE INDEX t_%s_name_idx ON t_%s (name)', i, i);
END LOOP; END \$\$;
SQL
}

# The three changes, in schema $1
changes() {
	cat <<SQL
ALTER TABLE $1.t_1 ADD COLUMN note text;
CREATE INDEX t_2_qty_idx ON $1.t_2 (qty);
CREATE TABLE $1.t_new (id int PRIMARY KEY, label text);
SQL
}

bench_write_sampler

# One migrate_diff() call in a fresh session, its memory sampled: prints
# the seconds, the private peak in kB, ok, the number of changes, and
# whether the up script has the three changes.  $3: a psql file to run
# first (it sets the variable the call uses), or nothing.
diff_session() {
	local db=$1 call=$2 first=${3:-} out peak
	rm -f "$workdir/stop" "$workdir/peak"
	{
		[[ -z $first ]] || echo "\\i $first"
		cat <<SQL
SELECT pg_backend_pid() AS bench_pid \gset
\\setenv BENCH_PID :bench_pid
\\! perl "$workdir/sampler.pl" "\$BENCH_PID" "$workdir/stop" >"$workdir/peak" & sleep 0.2
\\timing on
SELECT ok, changes,
       up LIKE '%ADD COLUMN note text%' AND up LIKE '%t_2_qty_idx%' AND up LIKE '%t_new%'
  FROM $call;
\\timing off
\\! touch "$workdir/stop"; sleep 0.2
SQL
	} >"$workdir/call.sql"
	out=$(psql -X -q -A -t -F ' ' -v ON_ERROR_STOP=1 -d "$db" -f "$workdir/call.sql") || return 1
	read -r peak _ <"$workdir/peak"
	awk -v p="$peak" '/^Time:/ { t = $2 / 1000 } /^[tf] [0-9]+ [tf]$/ { r = $0 }
		END { if (!t || !r) exit 1; printf "%.3f %d %s\n", t, p, r }' <<<"$out"
}

# Seconds of a command
seconds() {
	local start=$EPOCHREALTIME
	"$@" >/dev/null || return 1
	awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", e - s }'
}

restrict=()
if [[ $(pg_dump --help) == *--restrict-key=* ]]; then
	restrict=(--restrict-key=migratebench)
fi

echo "diff: $tables tables, $runs runs each"
start=$EPOCHREALTIME
# the schema case: app and app_next in one database
sql -d postgres -c "CREATE DATABASE bench_diff_schema"
build_schema bench_diff_schema app
build_schema bench_diff_schema app_next
changes app_next | sql -d bench_diff_schema
sql -d bench_diff_schema -c "CREATE EXTENSION migrate"
# the SQL case: app alone, the desired state its dump and the changes
sql -d postgres -c "CREATE DATABASE bench_diff_sql"
build_schema bench_diff_sql app
sql -d bench_diff_sql -c "CREATE EXTENSION migrate"
sql -d bench_diff_schema -c "VACUUM ANALYZE"
sql -d bench_diff_sql -c "VACUUM ANALYZE" -c "CHECKPOINT"
pg_dump --schema-only "${restrict[@]}" -d bench_diff_sql -f "$workdir/desired.sql"
changes app >>"$workdir/desired.sql"
awk -v s="$start" -v e="$EPOCHREALTIME" -v b="$(wc -c <"$workdir/desired.sql")" \
	'BEGIN { printf "  built in %.1f s; the desired SQL is %.1f MB\n", e - s, b / 1048576 }'
# migrate_diff() takes the SQL as a literal: a psql variable holds it
printf '\\set desired `cat %s`\n' "$workdir/desired.sql" >"$workdir/set.sql"

declare -a dump=() schema_s=() schema_mem=() restore=() sql_s=() sql_mem=()
# Stop unless the call just read proved its migration and wrote the three
# changes ($ok and $found of the line diff_session printed); $1 names it
check_answer() {
	if [[ $ok != t || $found != t ]]; then
		echo "bench: $1: ok = $ok, the three changes in up: $found" >&2
		exit 1
	fi
}

for ((run = 1; run <= runs; run++)); do
	d=$(seconds pg_dump --schema-only "${restrict[@]}" --schema=app -d bench_diff_schema -f "$workdir/dump.sql")
	dump+=("$d")

	out=$(diff_session bench_diff_schema "migrate_diff('app_next', 'app')")
	read -r s1 mem ok n found <<<"$out"
	check_answer "migrate_diff('app_next', 'app')"
	schema_s+=("$s1")
	schema_mem+=("$mem")

	sql -d postgres -c "DROP DATABASE IF EXISTS bench_restore" -c "CREATE DATABASE bench_restore"
	r=$(seconds psql -X -q -v ON_ERROR_STOP=1 -d bench_restore -f "$workdir/desired.sql")
	sql -d postgres -c "DROP DATABASE bench_restore"
	restore+=("$r")

	out=$(diff_session bench_diff_sql "migrate_diff(:'desired')" "$workdir/set.sql")
	read -r s2 mem ok n found <<<"$out"
	check_answer "migrate_diff(desired SQL)"
	sql_s+=("$s2")
	sql_mem+=("$mem")
	echo "  run $run: pg_dump -s -n app $d s, migrate_diff(schema) $s1 s ($n changes);" \
		"psql -f of the desired SQL $r s, migrate_diff(SQL) $s2 s"
done

dump_m=$(median "${dump[@]}")
schema_m=$(median "${schema_s[@]}")
restore_m=$(median "${restore[@]}")
sql_m=$(median "${sql_s[@]}")
r1=$(ratio "$schema_m" "$dump_m")
r2=$(ratio "$sql_m" "$restore_m")
v1=$(at_most "$r1" 1)
echo
printf '%-46s %9s %9s %12s %s\n' "$tables tables + 3 changes, median of $runs" seconds ratio "private MB" target
printf '%-46s %9s %9s\n' "pg_dump --schema-only --schema=app" "$dump_m" "1.000"
printf '%-46s %9s %9s %12s %s\n' "migrate_diff('app_next', 'app'), proved" "$schema_m" "$r1" \
	"$(megabytes "$(median "${schema_mem[@]}")")" "<= 1 $v1"
printf '%-46s %9s %9s\n' "psql -f of the desired SQL, empty database" "$restore_m" "1.000"
printf '%-46s %9s %9s %12s\n' "migrate_diff(desired SQL), proved" "$sql_m" "$r2" \
	"$(megabytes "$(median "${sql_mem[@]}")")"
if [[ $v1 != met ]]; then
	echo "diff: target not met: migrate_diff of a schema takes ${r1}x pg_dump --schema-only"
fi
