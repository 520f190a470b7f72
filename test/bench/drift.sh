#!/usr/bin/env bash
# Benchmark: what finding drift costs, against the classic check, and how it
# grows from 10,000 tables to 100,000.
#
# For each size N (default 10,000; 100,000 too with BENCH_LARGE=1, or the
# sizes given as arguments) builds the schema of the drift anchor: N tables,
#   CREATE TABLE t_i (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
#                     parent_id int REFERENCES parent_<i/100>(id),
#                     name text NOT NULL DEFAULT 'n<i>',
#                     qty numeric(10,2) CHECK (qty >= 0),
#                     created timestamptz DEFAULT now())
#   CREATE INDEX t_i_name_idx ON t_i (name)
# a parent table per hundred (one parent for all would give it two triggers
# per table, and every new foreign key would rebuild its relcache entry with
# all of them: a build quadratic in N), committed every 500 tables.  It
# creates the extension afterwards, so nothing of the build is logged, and
# saves that state as the expected one with migrate_stamp('heads').  Then
# times, on the same database:
#
#   - the classic DBA check: pg_dump --schema-only of the live database, then
#     diff against the dump taken before (as the anchor script does);
#   - SELECT count(*) FROM migrate_drift() as the first call of a fresh
#     session (cold: the library loads, the catalog caches are empty), again
#     in the same session (warm), and migrate_fingerprint() after them.
#
# Each is the median of R runs (default 3), one fresh session per run.
# Memory is measured in a session of its own, with the same three calls:
#   - private: the peak of the backend's own memory (RssAnon in
#     /proc/<pid>/status, read by a sampler every few microseconds while the
#     calls run: the kernel keeps no peak of it alone), from the pid of
#     pg_backend_pid();
#   - VmHWM: the kernel's peak of the whole resident set, which counts the
#     shared buffers the backend touched too (shared_buffers = 128 MB here,
#     and reading catalogs of this size touches nearly all of it).
# The targets are those of the private peak: at most 64 MB at 10,000 tables
# and 256 MB at 100,000.  The time targets: at most 1/50 of pg_dump + diff
# (0.02), and, when both sizes ran, the time at 100,000 at most 11 times the
# time at 10,000 (linear).  Last, at the first size, it makes one change out
# of band and checks that both ways see it.
#
# Starts its own throwaway cluster (test/cluster.sh).  The extension must be
# installed: test/bench/run.sh builds and installs it first.  Exits non-zero
# only when something fails; a target not met is reported, not an error.
# Building 10,000 tables takes about 20 s, 100,000 about 5 minutes, and
# pg_dump of 100,000 tables over a minute each time.
#
#   bash test/bench/drift.sh [N...]      BENCH_DRIFT_RUNS=3 BENCH_LARGE=1
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

runs=${BENCH_DRIFT_RUNS:-3}
if (($#)); then
	sizes=("$@")
elif [[ ${BENCH_LARGE:-0} == 1 ]]; then
	sizes=(10000 100000)
else
	sizes=(10000)
fi
ratio_target=0.02
growth_target=11
for n in "${sizes[@]}" "$runs"; do
	if ! [[ $n =~ ^[1-9][0-9]*$ ]]; then
		echo "usage: bash test/bench/drift.sh [N...], N and BENCH_DRIFT_RUNS positive integers" >&2
		exit 2
	fi
done
# memory target in MB by size
memory_target() {
	if (($1 <= 10000)); then echo 64; else echo 256; fi
}

# pg_dump locks every table in one transaction: past 10,000 tables the
# default lock table (64 per connection, 100 connections) is too small
largest=$(printf '%s\n' "${sizes[@]}" | sort -n | tail -1)
if ((largest > 6000)); then
	export CLUSTER_SETTINGS="max_locks_per_transaction = $((largest / 50 + 64))"
fi
bench_start

# The timed session: the cold call, the warm call, the fingerprint; psql
# prints the count, the "Time:" lines of \timing and the fingerprint
cat >"$workdir/session.sql" <<'SQL'
\timing on
SELECT count(*) FROM migrate_drift();
SELECT count(*) FROM migrate_drift();
SELECT migrate_fingerprint();
SQL

# The memory session: the same calls, a sampler of the backend's RssAnon
# running from before the first to after the last; then VmHWM and RssShmem
cat >"$workdir/memory.sql" <<'SQL'
SELECT pg_backend_pid() AS bench_pid \gset
\setenv BENCH_PID :bench_pid
\! perl "$BENCH_SAMPLER" "$BENCH_PID" "$BENCH_STOP" >"$BENCH_PEAK" & sleep 0.2
SELECT count(*) FROM migrate_drift();
SELECT count(*) FROM migrate_drift();
SELECT migrate_fingerprint() IS NOT NULL;
\! touch "$BENCH_STOP"; wait; sleep 0.2
\! grep -E '^(VmHWM|RssShmem):' "/proc/$BENCH_PID/status"
SQL

bench_write_sampler

# The classic check: dump the live schema, compare it with the release dump;
# prints the seconds and "same" or "differs"
dump_and_diff() {
	local db=$1 start end result
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

# One fresh session: prints cold, warm and fingerprint seconds and the
# number of drift rows of each call
drift_session() {
	local db=$1 out
	out=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" -f "$workdir/session.sql") ||
		return 1
	awk '/^Time:/ { t[++nt] = $2 / 1000 }
		 /^[0-9]+$/ { c[++nc] = $1 }
		 END {
			if (nt != 3 || nc != 2) exit 1
			printf "%.3f %.3f %.3f %d %d\n", t[1], t[2], t[3], c[1], c[2]
		 }' <<<"$out"
}

# One fresh session for memory: prints the private peak, VmHWM and RssShmem
# in kB, and the number of samples
memory_session() {
	local db=$1 out
	rm -f "$workdir/stop" "$workdir/peak"
	out=$(BENCH_SAMPLER=$workdir/sampler.pl BENCH_STOP=$workdir/stop BENCH_PEAK=$workdir/peak \
		psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" -f "$workdir/memory.sql") || return 1
	read -r peak samples <"$workdir/peak"
	awk -v p="$peak" -v s="$samples" '/^VmHWM:/ { h = $2 } /^RssShmem:/ { sh = $2 }
		END { if (!h || !p) exit 1; printf "%d %d %d %d\n", p, h, sh, s }' <<<"$out"
}

# pg_dump 15.14 and later write \restrict lines with a random key unless
# given one: give both dumps the same, so that diff compares the schemas
restrict=()
if [[ $(pg_dump --help) == *--restrict-key=* ]]; then
	restrict=(--restrict-key=migratebench)
fi

declare -A result_cold result_warm result_fp
unmet=()
summary=()
first=1
for tables in "${sizes[@]}"; do
	db=bench_drift_$tables
	echo "drift: $tables tables, $runs runs each"

	start=$EPOCHREALTIME
	sql -d postgres -c "CREATE DATABASE $db"
	sql -d "$db" <<SQL
DO \$\$ BEGIN FOR i IN 1..$tables LOOP
 IF i % 500 = 0 THEN COMMIT; END IF;
 IF i = 1 OR i % 100 = 0 THEN
  EXECUTE format('CREATE TABLE parent_%s (id int PRIMARY KEY)', i / 100);
 END IF;
 EXECUTE format('CREATE TABLE t_%s (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, parent_id int REFERENCES parent_%s(id), name text NOT NULL DEFAULT %L, qty numeric(10,2) CHECK (qty >= 0), created timestamptz DEFAULT now())', i, i / 100, 'n'||i);
 EXECUTE format('CREATE INDEX t_%s_name_idx ON t_%s (name)', i, i);
END LOOP; END \$\$;
SQL
	sql -d "$db" -c "CREATE EXTENSION migrate" -c "SELECT count(*) FROM migrate_stamp('heads')" >/dev/null
	sql -d "$db" -c "VACUUM ANALYZE" -c "CHECKPOINT"
	objects=$(sql -d "$db" -c \
		"SELECT count(*) FROM migrate.snapshot, regexp_split_to_table(objects, E'\n') AS line WHERE line <> ''")
	awk -v s="$start" -v e="$EPOCHREALTIME" -v o="$objects" \
		'BEGIN { printf "  built and stamped in %.1f s: %d objects in the expected model\n", e - s, o }'
	pg_dump --schema-only "${restrict[@]}" -d "$db" -f "$workdir/release.sql"

	declare -a dump=() cold=() warm=() fp=()
	for ((run = 1; run <= runs; run++)); do
		out=$(dump_and_diff "$db")
		read -r seconds result <<<"$out"
		if [[ $result != same ]]; then
			echo "bench: the live dump differs from the release dump, yet nothing changed" >&2
			exit 1
		fi
		dump+=("$seconds")
		out=$(drift_session "$db")
		read -r c w f rows_cold rows_warm <<<"$out"
		if ((rows_cold != 0 || rows_warm != 0)); then
			echo "bench: migrate_drift() returned $rows_cold and $rows_warm rows, yet nothing changed" >&2
			exit 1
		fi
		cold+=("$c")
		warm+=("$w")
		fp+=("$f")
		echo "  run $run: pg_dump + diff $seconds s ($result), migrate_drift() cold $c s, warm $w s," \
			"migrate_fingerprint() $f s"
	done
	out=$(memory_session "$db")
	read -r private hwm shmem samples <<<"$out"
	echo "  memory: private peak $(megabytes "$private") MB ($samples samples)," \
		"VmHWM $(megabytes "$hwm") MB of which $(megabytes "$shmem") MB shared memory"

	dump_s=$(median "${dump[@]}")
	result_cold[$tables]=$(median "${cold[@]}")
	result_warm[$tables]=$(median "${warm[@]}")
	result_fp[$tables]=$(median "${fp[@]}")
	mtarget=$(memory_target "$tables")
	echo
	printf '%-36s %9s %16s %9s\n' "$tables tables, median of $runs" seconds "ratio to pg_dump" target
	printf '%-36s %9s\n' "pg_dump --schema-only + diff" "$dump_s"
	for measure in cold warm fp; do
		case $measure in
		cold) what="migrate_drift(), fresh session" s=${result_cold[$tables]} ;;
		warm) what="migrate_drift(), same session" s=${result_warm[$tables]} ;;
		fp) what="migrate_fingerprint()" s=${result_fp[$tables]} ;;
		esac
		r=$(ratio "$s" "$dump_s")
		verdict=$(at_most "$r" "$ratio_target")
		[[ $verdict == met ]] || unmet+=("$tables tables: $what ratio $r")
		printf '%-36s %9s %16s %9s %s\n' "$what" "$s" "$r" "<= $ratio_target" "$verdict"
	done
	verdict=$(at_most "$(megabytes "$private")" "$mtarget")
	[[ $verdict == met ]] || unmet+=("$tables tables: private peak $(megabytes "$private") MB")
	printf '%-36s %9s MB %13s %9s %s\n' "peak memory, private (RssAnon)" "$(megabytes "$private")" "" \
		"<= $mtarget" "$verdict"
	printf '%-36s %9s MB   (%s MB of it shared buffers and other shared memory)\n' \
		"peak memory, VmHWM" "$(megabytes "$hwm")" "$(megabytes "$shmem")"
	summary+=("$(printf '%s %s %s %s %s %s %s' "$tables" "$dump_s" "${result_cold[$tables]}" \
		"${result_warm[$tables]}" "${result_fp[$tables]}" "$(megabytes "$private")" "$(megabytes "$hwm")")")

	if ((first)); then
		# Both ways see one change made out of band
		sql -d "$db" -c "ALTER TABLE t_1 ADD COLUMN note text"
		out=$(dump_and_diff "$db")
		read -r _ result <<<"$out"
		rows=$(sql -d "$db" -c "SELECT string_agg(kind || ' ' || identity || ' ' || change, ', ') FROM migrate_drift()")
		if [[ $result != differs || $rows != "column public.t_1.note added" ]]; then
			echo "bench: after ALTER TABLE t_1 ADD COLUMN note: pg_dump + diff says \"$result\", migrate_drift() \"$rows\"" >&2
			exit 1
		fi
		echo "(one column added out of band: the dumps differ, migrate_drift() shows \"$rows\")"
		first=0
	fi
	sql -d postgres -c "DROP DATABASE $db"
	echo
done

# Linear: each size's time against the first size's, scaled
if ((${#sizes[@]} > 1)); then
	base=${sizes[0]}
	for tables in "${sizes[@]:1}"; do
		scale=$(awk -v a="$tables" -v b="$base" 'BEGIN { printf "%g", a / b }')
		limit=$(awk -v s="$scale" -v g="$growth_target" -v b=10 'BEGIN { printf "%.3g", s * g / b }')
		echo "growth from $base to $tables tables (${scale}x the tables; target at most ${limit}x):"
		for measure in cold warm fp; do
			case $measure in
			cold) what="migrate_drift(), fresh session" a=${result_cold[$tables]} b=${result_cold[$base]} ;;
			warm) what="migrate_drift(), same session" a=${result_warm[$tables]} b=${result_warm[$base]} ;;
			fp) what="migrate_fingerprint()" a=${result_fp[$tables]} b=${result_fp[$base]} ;;
			esac
			g=$(ratio "$a" "$b")
			verdict=$(at_most "$g" "$limit")
			[[ $verdict == met ]] || unmet+=("growth of $what ${g}x")
			printf '  %-34s %9sx %9s %s\n' "$what" "$g" "<= ${limit}x" "$verdict"
		done
	done
fi

echo "summary: tables, pg_dump + diff s, drift cold s, drift warm s, fingerprint s, private MB, VmHWM MB"
printf '  %s\n' "${summary[@]}"
if ((${#unmet[@]})); then
	printf 'drift: target not met: %s\n' "${unmet[@]}"
fi
