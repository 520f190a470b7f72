#!/usr/bin/env bash
# What `make demo` runs: the same set-up as test/run-tests.sh (missing
# packages, build with warnings as errors, install, throwaway PostgreSQL
# cluster of MIGRATE_PG_MAJOR (default 15) removed on any exit), then a
# database "demo" and the session in test/demo/session.sql, run by psql
# with every query echoed and followed by its result, notices and errors.
# An error in the session does not stop it.
#
#   bash test/demo.sh        (or: make demo)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR source=common.sh
source test/common.sh

session=test/demo/session.sql
if [[ ! -f $session ]]; then
	echo "demo: $session is missing; there is no demo session to run" >&2
	exit 1
fi

buildlog=$(mktemp "${TMPDIR:-/tmp}/migrate-demo-build.XXXXXX")
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
	cluster_stop
	rm -f -- "$buildlog"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

echo "=== dependencies ==="
bash test/install-deps.sh

echo "=== build ==="
if ! migrate_build >"$buildlog" 2>&1; then
	cat "$buildlog" >&2
	echo "demo: build failed" >&2
	exit 1
fi
echo "built (COPT=$MIGRATE_COPT)"

echo "=== install ==="
if ! migrate_install >"$buildlog" 2>&1; then
	cat "$buildlog" >&2
	echo "demo: make install failed" >&2
	exit 1
fi
echo "installed into $("$PG_CONFIG" --pkglibdir) and $("$PG_CONFIG" --sharedir)/extension"

echo "=== cluster ==="
cluster_start
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE demo'

echo "=== session: $session (database demo) ==="
echo
set +e
psql -X -d demo -v ON_ERROR_STOP=0 -v VERBOSITY=default --echo-queries \
	-P pager=off -f "$session" 2>&1
rc=$?
set -e
echo
if ((rc != 0)); then
	echo "demo: psql exited with status $rc" >&2
	cluster_log_tail 40 >&2
	exit "$rc"
fi
echo "=== demo finished ==="
