#!/usr/bin/env bash
# What `make test` runs. From the repository top:
#   1. install missing Debian packages (test/install-deps.sh)
#   2. make clean, then build with warnings as errors; make releases (the
#      install scripts of the released versions, from git: the update test
#      creates the extension at each of them)
#   3. make install install-releases (through sudo when not root)
#   4. start a throwaway PostgreSQL cluster (test/cluster.sh; the version is
#      MIGRATE_PG_MAJOR, default 15)
#   5. run every suite, each on its own so one failure hides nothing:
#        layers       perl test/check-layers.pl (src/ calls down only)
#        pg_regress   make installcheck ISOLATION= TAP_TESTS=
#        isolation    make installcheck REGRESS= TAP_TESTS=      (if ISOLATION set)
#        pgTAP        pg_prove on test/pgtap/*.sql, each file in a fresh
#                     database "migrate_pgtap" that has pgtap installed
#        TAP          make installcheck REGRESS= ISOLATION= TAP_TESTS=1
#                     PROVE_TESTS='test/t/*.pl'  (if test/t/*.pl exist; as root
#                     it runs as an unprivileged user in a copy of the tree
#                     without .git, and MIGRATE_GIT_DIR names the clone's)
#   6. print diffs and the server log tail for what failed, stop the cluster
#   7. print "migrate: N passed, M failed" and exit non-zero if anything
#      failed or nothing ran
#
#   bash test/run-tests.sh        (or: make test)
#
# A set-up step that fails (build, install, cluster) counts as one failure.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR source=common.sh
source test/common.sh

passed=0
failed=0
summary_printed=0
results=()                      # one line per suite for the final report
rundir=$(mktemp -d "${TMPDIR:-/tmp}/migrate-run.XXXXXX")
tapcopy=""
export CLUSTER_SAVE_LOG=$MIGRATE_TOP/log/server.log

print_summary() {
	local line
	echo
	echo "=== summary ==="
	for line in "${results[@]}"; do
		echo "  $line"
	done
	echo "migrate: $passed passed, $failed failed"
	summary_printed=1
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	cluster_stop
	if [[ -n $tapcopy ]]; then
		rm -rf -- "$tapcopy"
	fi
	rm -rf -- "$rundir"
	if ((!summary_printed)); then
		results+=("aborted (exit status $rc)")
		failed=$((failed + 1))
		print_summary
		((rc != 0)) || rc=1
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

banner() {
	echo
	echo "=== $* ==="
}

# A setup step failed: count it, report, stop.
setup_failed() {
	echo "migrate: $1 failed" >&2
	results+=("$1: FAILED")
	failed=$((failed + 1))
	cluster_log_tail 40
	print_summary
	exit 1
}

# Value of a variable as the Makefile (and PGXS) sees it.
make_var() {
	migrate_make -s -f Makefile -f - _migrate_print_var VAR="$1" <<'MK'
_migrate_print_var:
	@echo '$($(VAR))'
MK
}

# Print a file, at most 500 lines.
show_file() {
	local f=$1 n
	[[ -f $f ]] || return 0
	n=$(wc -l <"$f")
	echo "----- $f -----"
	head -n 500 "$f"
	if ((n > 500)); then
		echo "... ($((n - 500)) more lines in $f)"
	fi
	echo "----- end of $f -----"
}

# Run a command, show its output and keep a copy in $rundir/$1.out; sets rc.
run_logged() {
	local name=$1
	shift
	set +e
	"$@" 2>&1 | tee -i "$rundir/$name.out"
	rc=${PIPESTATUS[0]}
	set -e
}

# The layering of src/ (test/check-layers.pl): one check, counted as a suite
run_layers() {
	banner "layers: test/check-layers.pl"
	run_logged layers perl test/check-layers.pl
	if ((rc == 0)); then
		passed=$((passed + 1))
		results+=("layers: 1 passed, 0 failed")
	else
		failed=$((failed + 1))
		results+=("layers: 0 passed, 1 failed")
	fi
}

# pg_regress / pg_isolation_regress: count "test x ... ok" / "... FAILED" lines
# (15), or "ok N - x" / "not ok N - x" lines (16 and later print TAP).
# A non-zero exit with no failed test line (e.g. cannot connect) counts as one.
count_regress() {
	local label=$1 out=$2 diffs=$3 p f
	p=$(grep -cE '^((test |     )[^ ]+ +\.\.\. ok|ok [0-9]+ +[-+] )' "$out" || true)
	f=$(grep -cE '^((test |     )[^ ]+ +\.\.\. (FAILED|failed)|not ok [0-9]+ +[-+] )' "$out" || true)
	if ((rc != 0 && f == 0)); then
		f=1
	fi
	if ((rc == 0 && p == 0)); then
		echo "$label: no test result found in the output" >&2
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	results+=("$label: $p passed, $f failed")
	if ((f)); then
		show_file "$diffs"
	fi
}

run_regress() {
	local regress
	regress=$(make_var REGRESS)
	banner "pg_regress: ${regress:-nothing}"
	if [[ -z $regress ]]; then
		echo "REGRESS is empty; skipped"
		results+=("pg_regress: skipped (REGRESS empty)")
		return 0
	fi
	rm -f regression.diffs regression.out
	run_logged regress migrate_make installcheck ISOLATION= TAP_TESTS=
	count_regress pg_regress "$rundir/regress.out" regression.diffs
}

run_isolation() {
	local isolation
	isolation=$(make_var ISOLATION)
	banner "isolation: ${isolation:-nothing}"
	if [[ -z $isolation ]]; then
		echo "ISOLATION is empty; skipped"
		results+=("isolation: skipped (ISOLATION empty)")
		return 0
	fi
	rm -rf output_iso
	run_logged isolation migrate_make installcheck REGRESS= TAP_TESTS=
	count_regress isolation "$rundir/isolation.out" output_iso/regression.diffs
}

run_pgtap() {
	local files f p=0 fl=0
	banner "pgTAP: test/pgtap/*.sql"
	shopt -s nullglob
	files=(test/pgtap/*.sql)
	shopt -u nullglob
	if ((${#files[@]} == 0)); then
		echo "no test/pgtap/*.sql files; skipped"
		results+=("pgTAP: skipped (no test/pgtap/*.sql)")
		return 0
	fi
	for f in "${files[@]}"; do
		# a fresh database per file: files may commit, or leave state behind
		if ! PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -d postgres \
			-c 'DROP DATABASE IF EXISTS migrate_pgtap WITH (FORCE)' \
			-c 'CREATE DATABASE migrate_pgtap' ||
			! psql -X -q -v ON_ERROR_STOP=1 -d migrate_pgtap \
				-c 'CREATE EXTENSION pgtap'; then
			echo "pgTAP: could not prepare database migrate_pgtap for $f" >&2
			fl=$((fl + 1))
			continue
		fi
		run_logged "pgtap-$(basename "$f" .sql)" pg_prove --dbname=migrate_pgtap "$f"
		if ((rc == 0)); then
			p=$((p + 1))
		else
			fl=$((fl + 1))
		fi
	done
	psql -X -q -d postgres -c 'DROP DATABASE migrate_pgtap WITH (FORCE)' || true
	passed=$((passed + p))
	failed=$((failed + fl))
	results+=("pgTAP: $p files passed, $fl failed")
}

# Perl TAP tests with PostgreSQL::Test::Cluster. They start their own servers,
# which PostgreSQL refuses as root: then run them as the unprivileged cluster
# user in a copy of the tree that user can write to, and copy tmp_check/ back.
# test/subreaper.pl reaps the servers they kill (kill9, then start again).
# TMPDIR points inside the run's own temporary directory, so the socket
# directories a test leaves behind when it is interrupted go away with it.
run_tap() {
	local files user total p f failed_files name out skipped gitdir corpus
	banner "TAP: test/t/*.pl"
	shopt -s nullglob
	files=(test/t/*.pl)
	shopt -u nullglob
	if ((${#files[@]} == 0)); then
		echo "no test/t/*.pl files; skipped"
		results+=("TAP: skipped (no test/t/*.pl)")
		return 0
	fi
	local args=(installcheck REGRESS= ISOLATION= TAP_TESTS=1 "PROVE_TESTS=test/t/*.pl")
	if ((EUID == 0)); then
		user=$(cluster_os_user)
		tapcopy=$(mktemp -d /tmp/migrate-tap.XXXXXX)
		tar -C "$MIGRATE_TOP" --exclude=./.git --exclude=./results \
			--exclude=./output_iso --exclude=./tmp_check --exclude=./log \
			-cf - . | tar -C "$tapcopy" -xf -
		mkdir "$tapcopy/.tmp"
		chown -R "$user": "$tapcopy"
		echo "(running as $user in $tapcopy)"
		# the history stays in the clone: test/release-script.sh reads it there
		gitdir=$(git -C "$MIGRATE_TOP" rev-parse --absolute-git-dir 2>/dev/null || true)
		run_logged tap perl test/subreaper.pl \
			runuser -u "$user" -- env HOME="$tapcopy" TMPDIR="$tapcopy/.tmp" \
			MIGRATE_GIT_DIR="$gitdir" \
			make --no-print-directory -C "$tapcopy" PG_CONFIG="$PG_CONFIG" "${args[@]}"
		rm -rf tmp_check
		if [[ -d $tapcopy/tmp_check ]]; then
			cp -R "$tapcopy/tmp_check" tmp_check
		fi
	else
		mkdir -p "$rundir/tmp"
		run_logged tap perl test/subreaper.pl env TMPDIR="$rundir/tmp" \
			make --no-print-directory PG_CONFIG="$PG_CONFIG" "${args[@]}"
	fi
	out=$rundir/tap.out
	total=$(sed -n 's/^Files=\([0-9][0-9]*\), Tests=.*/\1/p' "$out" | tail -n 1)
	mapfile -t failed_files < <(sed -n 's/^\(test\/t\/[^ ]*\.pl\) *(Wstat: .*/\1/p' "$out" | sort -u)
	f=${#failed_files[@]}
	if [[ -z $total ]]; then
		total=$f
	fi
	if ((rc != 0 && f == 0)); then
		f=1
	fi
	# a file that skips itself (prove: "... skipped: why") passed nothing
	skipped=$(grep -cE '^test/t/[^ ]+\.pl \.+ skipped' "$out" || true)
	p=$((total - ${#failed_files[@]} - skipped))
	((p >= 0)) || p=0
	if ((rc == 0 && p == 0)); then
		echo "TAP: no test result found in the output" >&2
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if ((skipped)); then
		results+=("TAP: $p files passed, $f failed, $skipped skipped")
	else
		results+=("TAP: $p files passed, $f failed")
	fi
	# the schema-pair corpus' scores (test/t/020_corpus.pl)
	corpus=$(grep -o 'corpus: [0-9]* pairs: .*' "$out" | tail -n 1 || true)
	if [[ -n $corpus ]]; then
		results+=("  $corpus")
	fi
	for name in "${failed_files[@]}"; do
		show_file "tmp_check/log/regress_log_$(basename "$name" .pl)"
	done
}

banner "dependencies"
bash test/install-deps.sh || setup_failed "install-deps"

banner "build (COPT=$MIGRATE_COPT)"
migrate_build || setup_failed "build"
migrate_releases || setup_failed "releases (the install scripts of sql/releases, from git)"

banner "install"
migrate_install install install-releases || setup_failed "install"

banner "cluster"
rm -rf log
cluster_start || setup_failed "cluster start"

run_layers
run_regress
run_isolation
run_pgtap
run_tap

if ((failed > 0)); then
	banner "server log"
	cluster_log_tail 80
	echo "(the whole server log is kept in log/server.log)"
fi
cluster_stop

if ((passed == 0 && failed == 0)); then
	results+=("no test ran at all")
fi
print_summary
if ((failed > 0 || passed == 0)); then
	exit 1
fi
exit 0
