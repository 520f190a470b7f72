#!/usr/bin/env bash
# Benchmark: the client, pg_migrate.
#
# 1. A folder of N revision files (default 1,000), each
#      CREATE TABLE t_i (id int PRIMARY KEY, name text NOT NULL,
#                        created timestamptz DEFAULT now());
#    with its down script, pushed into an empty database (the extension
#    created) with `pg_migrate push`: registration of every file and the
#    push, in one transaction, end to end (the client process's wall clock,
#    connection included), against the floor: the same DDL with
#    `psql -1 -f`.  Target: at most 1.15x the floor (the median of the runs'
#    own ratios).
# 2. A fleet of D databases (default 20) on the cluster, each pushed a
#    folder of F files (default 100, the same DDL): `pg_migrate --jobs 4
#    push` against `--jobs 1`, fresh databases each time; the speed-up.
#
# Each run starts from fresh databases and a CHECKPOINT; R runs (default 3),
# medians printed in one table.  Starts its own throwaway cluster; the
# extension and pg_migrate must be installed (test/bench/run.sh does it).
#
#   bash test/bench/client.sh [N [D [F]]]     BENCH_CLIENT_RUNS=3
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

files=${1:-1000}
dbs=${2:-20}
fleet_files=${3:-100}
runs=${BENCH_CLIENT_RUNS:-3}
for v in "$files" "$dbs" "$fleet_files" "$runs"; do
	if ! [[ $v =~ ^[1-9][0-9]*$ ]]; then
		echo "usage: bash test/bench/client.sh [N [D [F]]], positive integers" >&2
		exit 2
	fi
done
push_target=1.15

bench_start
if ! command -v pg_migrate >/dev/null 2>&1; then
	echo "client: pg_migrate is not installed in $CLUSTER_BINDIR" >&2
	exit 1
fi

# A folder of $2 revision files in $1, and the same DDL in $1.sql
make_folder() {
	local dir=$1 n=$2 i
	mkdir -p "$dir"
	: >"$dir.sql"
	for ((i = 1; i <= n; i++)); do
		printf -v i4 '%04d' "$i"
		printf 'CREATE TABLE t_%s (id int PRIMARY KEY, name text NOT NULL, created timestamptz DEFAULT now());\n-- migrate:down\nDROP TABLE t_%s;\n' \
			"$i4" "$i4" >"$dir/${i4}_t_$i4.sql"
		printf 'CREATE TABLE t_%s (id int PRIMARY KEY, name text NOT NULL, created timestamptz DEFAULT now());\n' \
			"$i4" >>"$dir.sql"
	done
}

# Seconds the command takes, wall clock
seconds() {
	local start end
	start=$(date +%s.%N)
	"$@" >/dev/null
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}

fresh_db() {
	sql -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
	if [[ ${2:-} == ext ]]; then
		sql -d "$1" -c 'CREATE EXTENSION migrate'
	fi
}

make_folder "$workdir/folder" "$files"
make_folder "$workdir/fleet" "$fleet_files"

floors=() pushes=() ratios=() jobs1=() jobs4=() speedups=()
for ((r = 1; r <= runs; r++)); do
	fresh_db floor
	fresh_db client ext
	sql -d postgres -c CHECKPOINT
	floor=$(seconds psql -X -q -v ON_ERROR_STOP=1 -1 -f "$workdir/folder.sql" -d floor)
	sql -d postgres -c CHECKPOINT
	push=$(seconds pg_migrate -q -d client --dir "$workdir/folder" push)
	[[ $(sql -d client -c 'SELECT count(*) FROM migrate.applied') == "$files" ]] || {
		echo "client: the push did not apply $files revisions" >&2
		exit 1
	}
	floors+=("$floor") pushes+=("$push") ratios+=("$(ratio "$push" "$floor")")

	for jobs in 1 4; do
		targets=()
		for ((d = 1; d <= dbs; d++)); do
			fresh_db "fleet$d" ext
			targets+=(-d "fleet$d")
		done
		sql -d postgres -c CHECKPOINT
		t=$(seconds pg_migrate -q "${targets[@]}" --dir "$workdir/fleet" --jobs "$jobs" push)
		if ((jobs == 1)); then
			jobs1+=("$t")
		else
			jobs4+=("$t")
		fi
	done
	speedups+=("$(ratio "${jobs1[-1]}" "${jobs4[-1]}")")
	echo "run $r: psql -1 -f ${floor}s, pg_migrate push ${push}s; fleet --jobs 1 ${jobs1[-1]}s, --jobs 4 ${jobs4[-1]}s"
done

push_ratio=$(median "${ratios[@]}")
echo
echo "client: $files files into an empty database; a fleet of $dbs databases, $fleet_files files each; median of $runs runs"
echo
echo "| case | seconds | ratio | target |"
echo "|---|---|---|---|"
echo "| \`psql -1 -f\` of the same DDL (the floor) | $(median "${floors[@]}") | 1.00× | |"
echo "| \`pg_migrate push\`, registration included | $(median "${pushes[@]}") | ${push_ratio}× | ≤ ${push_target}× — $(at_most "$push_ratio" "$push_target") |"
echo "| fleet, \`--jobs 1\` | $(median "${jobs1[@]}") | 1.00× | |"
echo "| fleet, \`--jobs 4\` | $(median "${jobs4[@]}") | speed-up $(median "${speedups[@]}")× | |"
