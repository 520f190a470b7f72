#!/usr/bin/env bash
# What `make bench` runs, from the repository top: the set-up of
# test/run-tests.sh (missing packages, build with warnings as errors,
# install), then every benchmark test/bench/*.sh but this one, each on its
# own throwaway cluster.  Benchmarks print their numbers; they are not timed
# tests.  Exits non-zero when the set-up or a benchmark fails.
#
#   bash test/bench/run.sh        (or: make bench)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source-path=SCRIPTDIR source=../common.sh
source test/common.sh

echo "=== dependencies ==="
bash test/install-deps.sh

buildlog=$(mktemp "${TMPDIR:-/tmp}/migrate-bench-build.XXXXXX")
trap 'rm -f -- "$buildlog"' EXIT

# Run a set-up step quietly; on failure show its output and stop
step() {
	local what=$1
	shift
	if ! "$@" >"$buildlog" 2>&1; then
		cat "$buildlog" >&2
		echo "bench: $what failed" >&2
		exit 1
	fi
}

echo "=== build (COPT=$MIGRATE_COPT) ==="
step build migrate_build

echo "=== install ==="
step install migrate_install

failed=()
for bench in test/bench/*.sh; do
	[[ $bench == test/bench/run.sh ]] && continue
	echo
	echo "=== $bench ==="
	if ! bash "$bench"; then
		failed+=("$bench")
	fi
done

echo
if ((${#failed[@]})); then
	echo "bench: failed: ${failed[*]}" >&2
	exit 1
fi
echo "bench: done"
