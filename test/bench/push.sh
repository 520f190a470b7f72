#!/usr/bin/env bash
# Benchmark: what applying and registering migrations costs, against the
# floor of running the same DDL with psql, and against Alembic and Sqitch.
#
# 1. Apply N revisions (default 1,000), each the DDL of the push anchor
#    (/work/shared/bench/anchors_push.sh):
#      CREATE TABLE t_i (id int PRIMARY KEY, name text NOT NULL,
#                        created timestamptz DEFAULT now());
#    - the floor: the same statements with psql -1 -f, one transaction;
#    - SELECT count(*) FROM migrate_push(), one psql session, after the
#      revisions were registered (registration is timed apart, below);
#    - CALL migrate_deploy(), which commits after each revision;
#    - Alembic 1.8 upgrade head, one transaction and one per revision, and
#      Sqitch deploy (one psql per change, as Sqitch does it), when their
#      Debian packages are installed or installable (see below).
#    Every figure is the wall-clock time of the client process, connection
#    included; the ratio is the median of each run's own ratio to that run's
#    floor.  Targets: push at most 1.10x the floor, deploy at most 1.5x.
# 2. Registration of the same N revisions: one file per revision, as
#    migrate_export() writes them (SELECT migrate_add(id => ..., revises =>
#    '{parent}', up => $up$...$up$, down => $down$...$down$)), replayed in
#    one psql session (psql -f file1 -f file2 ...), against the floor: files
#    that INSERT the same text into a plain table and return its id
#    (INSERT ... RETURNING id), replayed the same way.  Target: at most 1.3x
#    the floor.  migrate_add() returns the id, one row per file, so the
#    floor returns one too; the plain INSERT, which returns no row, is timed
#    and shown beside it (README "Decisions": the registration floor).
#    Three registrations a run, each after its own floors: one takes a few
#    tenths of a second, about the size of a shared machine's noise.
# 3. Scale: revisions of one small statement each,
#      CREATE FUNCTION f_i() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT i';
#    at N and at S (default 10,000) revisions: registration, migrate_push()
#    and migrate_deploy() as time per revision (push and deploy timed with
#    psql's \timing in their session, registration as the whole replay), and
#    the floor psql -1 -f of the same statements.  Target: the time per
#    revision at S within 1.2x of that at N.  After the push of S revisions,
#    the first call of a fresh session of migrate_status(), migrate_push()
#    with nothing pending and migrate_history() (S rows), each under 50 ms.
#    Why functions: a CREATE TABLE takes a lock held to the end of the
#    transaction, so 10,000 of them in one push exceed the lock table
#    (max_locks_per_transaction); COMMENT ON one table 10,000 times in one
#    transaction makes a chain of 10,000 versions of one pg_description row
#    that each later COMMENT walks, so that the DDL itself, not migrate,
#    grows with N.  CREATE FUNCTION takes no lock and touches new rows only.
# 4. Peak memory: VmHWM of the pushing backend (/proc/<pid>/status, pid from
#    pg_backend_pid()), read in the push session before and right after the
#    push of N and of S revisions.  It counts the shared buffers and the
#    mapped files the backend touched too: RssShmem + RssFile after the push
#    are printed beside it, and the private peak is at least VmHWM minus them.
#
# Each run uses fresh databases (a registered database is copied with
# CREATE DATABASE ... TEMPLATE for the deploy) and a CHECKPOINT before each
# timed step; R runs (default 3), medians printed in one table.
#
# Alembic and Sqitch: when python3-alembic, python3-psycopg2, sqitch or
# libdbd-pg-perl are missing, they are installed with apt-get as root or
# through password-less sudo (BENCH_PUSH_INSTALL=0 never installs); when that
# is not possible, their rows say "not installed".  Sqitch's configuration
# stays in the work directory (SQITCH_USER_CONFIG), not in ~/.sqitch.
#
# Starts its own throwaway cluster (test/cluster.sh: fsync and synchronous
# commit are off there).  The extension must be installed: test/bench/run.sh
# builds and installs it first.  Exits non-zero only when something fails; a
# target not met is reported, not an error.  About 3.5 minutes on 2 cores
# (plus the package installation the first time), most of it the
# registrations of S revisions and Sqitch.
#
#   bash test/bench/push.sh [N [S]]     BENCH_PUSH_RUNS=3 BENCH_PUSH_INSTALL=1
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

revisions=${1:-1000}
scale=${2:-10000}
runs=${BENCH_PUSH_RUNS:-3}
install=${BENCH_PUSH_INSTALL:-1}
if ! [[ $revisions =~ ^[1-9][0-9]*$ && $scale =~ ^[1-9][0-9]*$ && $runs =~ ^[1-9][0-9]*$ ]]; then
	echo "usage: bash test/bench/push.sh [N [S]], N, S and BENCH_PUSH_RUNS positive integers" >&2
	exit 2
fi
push_target=1.10
deploy_target=1.5
registration_target=1.3
scale_target=1.2
reg_reps=3
quick_target=0.050
tool_packages=(python3-alembic python3-psycopg2 sqitch libdbd-pg-perl)

bench_start

# Install the packages of Alembic and Sqitch that are missing, when this user
# can (root, or sudo without a password); a failure only leaves their rows
# "not installed"
install_tools() {
	local pkg status missing=() as_root
	if ((!install)) || ! command -v dpkg-query >/dev/null 2>&1 ||
		! command -v apt-get >/dev/null 2>&1; then
		return 0
	fi
	for pkg in "${tool_packages[@]}"; do
		status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
		[[ $status == installed ]] || missing+=("$pkg")
	done
	((${#missing[@]})) || return 0
	if ((EUID == 0)); then
		as_root=(env)
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		as_root=(sudo -n env)
	else
		echo "push: not root and no password-less sudo: not installing ${missing[*]}"
		return 0
	fi
	echo "push: installing ${missing[*]}"
	if ! {
		"${as_root[@]}" DEBIAN_FRONTEND=noninteractive apt-get -q update &&
			"${as_root[@]}" DEBIAN_FRONTEND=noninteractive apt-get install -q -y \
				--no-install-recommends -o Dpkg::Options::=--force-confdef \
				-o Dpkg::Options::=--force-confold "${missing[@]}" </dev/null
	} >"$workdir/apt.log" 2>&1; then
		tail -n 5 "$workdir/apt.log"
		echo "push: apt-get failed; what is missing is reported \"not installed\""
	fi
}

# The Python that imports Alembic and psycopg2, if any
alembic_python() {
	local py
	for py in python3 /usr/bin/python3; do
		if command -v "$py" >/dev/null 2>&1 &&
			"$py" -c 'import alembic, sqlalchemy, psycopg2' 2>/dev/null; then
			command -v "$py"
			return 0
		fi
	done
	return 1
}

have_sqitch() {
	command -v sqitch >/dev/null 2>&1 && perl -MDBD::Pg -e 1 2>/dev/null
}

# The up and down scripts of revision $2 of kind $1 (table or function), in
# the variables up and down
revision_sql() {
	if [[ $1 == table ]]; then
		up="CREATE TABLE t_$2 (id int PRIMARY KEY, name text NOT NULL, created timestamptz DEFAULT now());"
		down="DROP TABLE t_$2;"
	else
		up="CREATE FUNCTION f_$2() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $2';"
		down="DROP FUNCTION f_$2();"
	fi
}

# Write $2 revisions of kind $3 into directory $1:
#   ddl.sql           every up script, in order (the floor of a push)
#   add/<n>_<id>.sql  one registration file per revision, as migrate_export()
#                     writes them, each naming its parent
#   insert/<n>.sql    the same text inserted into a plain table, and
#   returning/<n>.sql the same INSERT returning the id (the floor of
#                     registration), for table revisions only (part 2)
write_revisions() {
	local dir=$1 n=$2 kind=$3 i id file parent='{}' up down width=${#2}
	((width >= 5)) || width=5
	mkdir -p "$dir/add" "$dir/insert" "$dir/returning"
	: >"$dir/ddl.sql"
	for ((i = 1; i <= n; i++)); do
		revision_sql "$kind" "$i"
		printf -v id 'r%0*d' "$width" "$i"
		printf -v file '%0*d_%s.sql' "$width" "$i" "$id"
		echo "$up" >>"$dir/ddl.sql"
		# shellcheck disable=SC2016  # $up$ and $down$ are dollar quotes
		printf -- '-- migrate revision %s: %s %d\nSELECT migrate_add(\n    id      => %s,\n    message => %s,\n    revises => %s,\n    up      => $up$%s$up$,\n    down    => $down$%s$down$);\n' \
			"$id" "$kind" "$i" "'$id'" "'$kind $i'" "'$parent'" "$up" "$down" >"$dir/add/$file"
		if [[ $kind == table ]]; then
			# shellcheck disable=SC2016
			printf -- 'INSERT INTO revision (id, message, parents, up_sql, down_sql)\nVALUES (%s, %s, %s, $up$%s$up$, $down$%s$down$);\n' \
				"'$id'" "'$kind $i'" "'$parent'" "$up" "$down" >"$dir/insert/$file"
			# shellcheck disable=SC2016
			printf -- 'INSERT INTO revision (id, message, parents, up_sql, down_sql)\nVALUES (%s, %s, %s, $up$%s$up$, $down$%s$down$)\nRETURNING id;\n' \
				"'$id'" "'$kind $i'" "'$parent'" "$up" "$down" >"$dir/returning/$file"
		fi
		parent="{$id}"
	done
}

# The Alembic project of directory $1 ($2 revisions of tables), as the
# anchor script writes it
write_alembic() {
	local dir=$1/alembic n=$2 i id prev=None up down
	mkdir -p "$dir/versions"
	cat >"$dir/env.py" <<-'PY'
		import os
		from alembic import context
		from sqlalchemy import create_engine

		engine = create_engine(os.environ["ALEMBIC_URL"])
		with engine.connect() as connection:
		    context.configure(connection=connection, target_metadata=None,
		                      transaction_per_migration=os.environ["ALEMBIC_TPM"] == "1")
		    with context.begin_transaction():
		        context.run_migrations()
	PY
	printf '[alembic]\nscript_location = %s\n' "$dir" >"$1/alembic.ini"
	for ((i = 1; i <= n; i++)); do
		revision_sql table "$i"
		printf -v id 'r%011d' "$i"
		cat >"$dir/versions/$id.py" <<-PY
			from alembic import op
			revision = '$id'
			down_revision = $prev
			branch_labels = None
			depends_on = None
			def upgrade():
			    op.execute("""$up""")
			def downgrade():
			    op.execute("""$down""")
		PY
		prev="'$id'"
	done
}

# The Sqitch project of directory $1 ($2 changes of tables), as the anchor
# script writes it, the plan written directly (sqitch add is a Perl start-up
# per change)
write_sqitch() {
	local dir=$1/sqitch n=$2 i up down
	mkdir -p "$dir"
	(cd "$dir" && sqitch init bench --engine pg >/dev/null)
	for ((i = 1; i <= n; i++)); do
		revision_sql table "$i"
		echo "c$i 2024-01-01T00:00:00Z bench <bench@example.com> # table $i" >>"$dir/sqitch.plan"
		echo "$up" >"$dir/deploy/c$i.sql"
		echo "$down" >"$dir/revert/c$i.sql"
		echo "SELECT 1/count(*) FROM pg_tables WHERE tablename = 't_$i';" >"$dir/verify/c$i.sql"
	done
}

# Run a command, its output in $workdir/step.log; print its wall-clock
# seconds.  Called in $(...), where set -e does not reach: return the
# failure explicitly, after showing the output.
timed() {
	local start=$EPOCHREALTIME
	if ! "$@" >"$workdir/step.log" 2>&1; then
		tail -n 20 "$workdir/step.log" >&2
		return 1
	fi
	awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", e - s }'
}

# A fresh database $1, with the extension when $2 is "migrate"
fresh_database() {
	sql -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
	if [[ ${2:-} == migrate ]]; then
		sql -d "$1" -c "CREATE EXTENSION migrate"
	fi
}

checkpoint() {
	sql -d postgres -c "CHECKPOINT"
}

# Stop unless database $1 holds $2 objects of kind $3 (t_i tables or f_i
# functions) and, with a fourth argument, $2 applied revisions
check_applied() {
	local db=$1 n=$2 kind=$3 got query
	if [[ $kind == table ]]; then
		query="SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 't\\_%'"
	else
		query="SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proname LIKE 'f\\_%'"
	fi
	if [[ -n ${4:-} ]]; then
		query="SELECT ($query) || ' ' || (SELECT count(*) FROM migrate_status() WHERE state = 'applied')"
	fi
	got=$(sql -d "$db" -c "$query")
	if [[ $got != "$n" && $got != "$n $n" ]]; then
		echo "bench: $db: expected $n objects${4:+ and $n applied revisions}, got $got" >&2
		exit 1
	fi
}

# psql arguments that replay every file of directory $1 in one session, in
# the array files
replay_args() {
	local f
	files=()
	for f in "$1"/*.sql; do
		files+=(-f "$f")
	done
}

replay() {
	PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 "$@"
}

# Register the revisions of directory $2 into a fresh database $1 and print
# the seconds; stop unless all are registered
register() {
	local db=$1 dir=$2 n=$3 s got
	fresh_database "$db" migrate
	checkpoint
	replay_args "$dir/add"
	s=$(timed replay -d "$db" "${files[@]}")
	got=$(sql -d "$db" -c "SELECT count(*) FROM migrate_status() WHERE state = 'pending'")
	if [[ $got != "$n" ]]; then
		echo "bench: $db: expected $n pending revisions after registration, got $got" >&2
		exit 1
	fi
	echo "$s"
}

# The session that pushes: VmHWM before and after, the push timed by psql,
# and after it the shared memory and mapped files the backend touched
# (RssShmem + RssFile), which VmHWM counts too; prints "<push seconds>
# <VmHWM kB before> <VmHWM kB after> <RssShmem + RssFile kB after> <rows>"
cat >"$workdir/push_session.sql" <<'SQL'
SET client_min_messages = warning;
SELECT pg_backend_pid() AS bench_pid \gset
\setenv BENCH_PID :bench_pid
\! grep '^VmHWM:' "/proc/$BENCH_PID/status"
\timing on
SELECT count(*) FROM migrate_push();
\timing off
\! grep -E '^(VmHWM|RssShmem|RssFile):' "/proc/$BENCH_PID/status"
SQL
push_session() {
	local out
	out=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -f "$workdir/push_session.sql") || return 1
	awk '/^Time:/ { t = $2 / 1000 } /^VmHWM:/ { m[++nm] = $2 } /^Rss(Shmem|File):/ { shared += $2 }
		/^[0-9]+$/ { c = $1 }
		END { if (nm != 2 || t == "") exit 1; printf "%.3f %d %d %d %d\n", t, m[1], m[2], shared, c }' <<<"$out"
}

# One statement as the first of a fresh session, timed by psql: seconds
first_call() {
	local out
	out=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "SET client_min_messages = warning" \
		-c '\timing on' -c "$2") || return 1
	awk '/^Time:/ { printf "%.3f\n", $2 / 1000 }' <<<"$out"
}

install_tools
python=$(alembic_python) || python=
sqitch_ok=0
if have_sqitch; then
	sqitch_ok=1
fi

echo "push: writing $revisions table revisions and $revisions + $scale function revisions"
write_revisions "$workdir/tables" "$revisions" table
write_revisions "$workdir/small.$revisions" "$revisions" function
if ((scale != revisions)); then
	write_revisions "$workdir/small.$scale" "$scale" function
fi
if [[ -n $python ]]; then
	write_alembic "$workdir/tables" "$revisions"
fi
if ((sqitch_ok)); then
	export SQITCH_USER_CONFIG=$workdir/sqitch-user.conf SQITCH_SYSTEM_CONFIG=$workdir/sqitch-system.conf
	export SQITCH_FULLNAME=bench SQITCH_EMAIL=bench@example.com
	write_sqitch "$workdir/tables" "$revisions"
fi

# The labels of the cases; parts 1 and 2 fill times[<case>] and
# ratios[<case>] with lists of words
declare -A label=(
	[floor]="psql -1 -f, one transaction (the floor)"
	[push]="SELECT count(*) FROM migrate_push()"
	[deploy]="CALL migrate_deploy()"
	[alembic1]="Alembic upgrade head, one transaction"
	[alembicN]="Alembic upgrade head, one per revision"
	[sqitch]="Sqitch deploy"
	[reg_plain]="INSERT into a plain table"
	[reg_floor]="INSERT ... RETURNING id (the floor)"
	[reg]="SELECT migrate_add(...), one file each"
	[s_floor]="psql -1 -f (the floor)"
	[s_registration]="registration, one file each"
	[s_push]="migrate_push()"
	[s_deploy]="migrate_deploy()"
	[s_status]="SELECT count(*) FROM migrate_status()"
	[s_idle]="migrate_push(), nothing pending"
	[s_history]="SELECT count(*) FROM migrate_history()"
)
declare -A times=() ratios=() absent=() reg_floors=()
[[ -n $python ]] || absent[alembic1]=1 absent[alembicN]=1
((sqitch_ok)) || absent[sqitch]=1
# record CASE SECONDS FLOOR: the time and this run's ratio to its floor
record() {
	times[$1]+="$2 "
	ratios[$1]+="$(ratio "$2" "$3") "
	echo "  run $run, ${label[$1]}: $2 s ($(ratio "$2" "$3" | awk '{ printf "%.2f", $1 }')x)"
}

run_alembic() {
	local tpm=$1 db=bench_alembic
	fresh_database "$db"
	checkpoint
	(cd "$workdir/tables" &&
		ALEMBIC_URL="postgresql+psycopg2://$PGUSER@/$db?host=$PGHOST&port=$PGPORT" ALEMBIC_TPM=$tpm \
			timed "$python" -m alembic -c alembic.ini upgrade head)
}

run_sqitch() {
	local db=bench_sqitch
	fresh_database "$db"
	checkpoint
	(cd "$workdir/tables/sqitch" && timed sqitch deploy "db:pg:$db")
}

echo "push: part 1 and 2, $revisions CREATE TABLE revisions, $runs runs"
for ((run = 1; run <= runs; run++)); do
	fresh_database bench_floor
	checkpoint
	floor=$(timed psql -X -q -1 -v ON_ERROR_STOP=1 -d bench_floor -f "$workdir/tables/ddl.sql")
	check_applied bench_floor "$revisions" table
	record floor "$floor" "$floor"

	# a registration of 1,000 files takes a few tenths of a second, where a
	# shared machine's noise is of the same size: reg_reps of them per run,
	# each with its own floors just before it
	for ((rep = 1; rep <= reg_reps; rep++)); do
		for floor_kind in insert returning; do
			fresh_database bench_insert
			sql -d bench_insert -c "CREATE TABLE revision (id text PRIMARY KEY, message text NOT NULL,
				parents text[] NOT NULL, up_sql text NOT NULL, down_sql text,
				position bigserial, created_at timestamptz NOT NULL DEFAULT now())"
			checkpoint
			replay_args "$workdir/tables/$floor_kind"
			reg_floors[$floor_kind]=$(timed replay -d bench_insert "${files[@]}")
		done
		record reg_floor "${reg_floors[returning]}" "${reg_floors[returning]}"
		record reg_plain "${reg_floors[insert]}" "${reg_floors[returning]}"
		s=$(register bench_push "$workdir/tables" "$revisions")
		record reg "$s" "${reg_floors[returning]}"
		# the ratio to the plain INSERT, shown beside the target's
		ratios[reg_to_plain]+="$(ratio "$s" "${reg_floors[insert]}") "
	done

	sql -d postgres -c "DROP DATABASE IF EXISTS bench_deploy" -c "CREATE DATABASE bench_deploy TEMPLATE bench_push"
	checkpoint
	s=$(timed psql -X -q -v ON_ERROR_STOP=1 -d bench_push -c "SET client_min_messages = warning" \
		-c "SELECT count(*) FROM migrate_push()")
	check_applied bench_push "$revisions" table migrate
	record push "$s" "$floor"
	checkpoint
	s=$(timed psql -X -q -v ON_ERROR_STOP=1 -d bench_deploy -c "SET client_min_messages = warning" \
		-c "CALL migrate_deploy()")
	check_applied bench_deploy "$revisions" table migrate
	record deploy "$s" "$floor"

	if [[ -n $python ]]; then
		for tpm in 0 1; do
			s=$(run_alembic "$tpm")
			check_applied bench_alembic "$revisions" table
			if ((tpm)); then record alembicN "$s" "$floor"; else record alembic1 "$s" "$floor"; fi
		done
	fi
	if ((sqitch_ok)); then
		s=$(run_sqitch)
		check_applied bench_sqitch "$revisions" table
		record sqitch "$s" "$floor"
	fi
done

# Part 3 and 4: times[s_<case>.<size>], in seconds (one size when N = S)
sizes=("$revisions")
if ((scale != revisions)); then
	sizes+=("$scale")
fi
declare -A hwm=() hwm_before=() hwm_shared=()
echo "push: part 3 and 4, $revisions and $scale CREATE FUNCTION revisions, $runs runs"
for ((run = 1; run <= runs; run++)); do
	for n in "${sizes[@]}"; do
		dir=$workdir/small.$n
		fresh_database bench_floor
		checkpoint
		floor=$(timed psql -X -q -1 -v ON_ERROR_STOP=1 -d bench_floor -f "$dir/ddl.sql")
		check_applied bench_floor "$n" function
		registration=$(register bench_push "$dir" "$n")
		sql -d postgres -c "DROP DATABASE IF EXISTS bench_deploy" -c "CREATE DATABASE bench_deploy TEMPLATE bench_push"

		checkpoint
		out=$(push_session bench_push)
		read -r push before after shared rows <<<"$out"
		check_applied bench_push "$n" function migrate
		hwm_before[$n]+="$before "
		hwm[$n]+="$after "
		hwm_shared[$n]+="$shared "
		checkpoint
		deploy=$(first_call bench_deploy "CALL migrate_deploy()")
		check_applied bench_deploy "$n" function migrate

		status=$(first_call bench_push "SELECT count(*) FROM migrate_status()")
		idle=$(first_call bench_push "SELECT count(*) FROM migrate_push()")
		history=$(first_call bench_push "SELECT count(*) FROM migrate_history()")
		for c in floor registration push deploy status idle history; do
			times[s_$c.$n]+="${!c} "
		done
		echo "  run $run, $n revisions: floor $floor s, registration $registration s," \
			"push $push s ($rows rows), deploy $deploy s, status $status s, empty push $idle s," \
			"history $history s, VmHWM $(megabytes "$before") -> $(megabytes "$after") MB" \
			"($(megabytes "$shared") MB shared memory and files)"
	done
done

# The table
row() {
	printf '%-50s %13s %15s %10s  %s\n' "$@" | sed 's/ *$//'
}
# median of a list of words, as "1.23x"
median_ratio() {
	# shellcheck disable=SC2086  # a list of words
	median $1 | awk '{ printf "%.2fx", $1 }'
}
per_revision() {
	awk -v s="$1" -v n="$2" 'BEGIN { printf "%.4f", s * 1000 / n }'
}
missed=0
verdict() {
	local v
	v=$(at_most "$1" "$2")
	[[ $v == met ]] || missed=1
	echo "$v"
}

echo
row "case (median of $runs runs)" seconds "ratio / ms/rev" target verdict
echo "$revisions revisions: CREATE TABLE t_i (id int PRIMARY KEY, name text NOT NULL, created timestamptz DEFAULT now())"
for c in floor push deploy alembic1 alembicN sqitch; do
	if [[ -n ${absent[$c]:-} ]]; then
		row "  ${label[$c]}" "not installed"
		continue
	fi
	# shellcheck disable=SC2086  # a list of words
	s=$(median ${times[$c]})
	r=$(median_ratio "${ratios[$c]}")
	case $c in
	push) row "  ${label[$c]}" "$s" "$r" "<= ${push_target}x" "$(verdict "${r%x}" "$push_target")" ;;
	deploy) row "  ${label[$c]}" "$s" "$r" "<= ${deploy_target}x" "$(verdict "${r%x}" "$deploy_target")" ;;
	*) row "  ${label[$c]}" "$s" "$r" ;;
	esac
done
echo "registration of the same $revisions revisions, replayed in one psql session ($reg_reps a run)"
# shellcheck disable=SC2086  # a list of words
row "  ${label[reg_floor]}" "$(median ${times[reg_floor]})" "$(median_ratio "${ratios[reg_floor]}")"
# shellcheck disable=SC2086  # a list of words
row "  ${label[reg_plain]}" "$(median ${times[reg_plain]})" "$(median_ratio "${ratios[reg_plain]}")"
# shellcheck disable=SC2086  # a list of words
s=$(median ${times[reg]})
r=$(median_ratio "${ratios[reg]}")
row "  ${label[reg]}" "$s" "$r" "<= ${registration_target}x" \
	"$(verdict "${r%x}" "$registration_target")"
row "    the same, to the plain INSERT" "" "$(median_ratio "${ratios[reg_to_plain]}")"
echo "scale: CREATE FUNCTION f_i() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT i', per revision"
for c in floor registration push deploy; do
	# shellcheck disable=SC2086  # lists of words
	{
		small=$(median ${times[s_$c.$revisions]})
		large=$(median ${times[s_$c.$scale]})
	}
	per_small=$(per_revision "$small" "$revisions")
	per_large=$(per_revision "$large" "$scale")
	growth=$(ratio "$per_large" "$per_small" | awk '{ printf "%.2f", $1 }')
	row "  ${label[s_$c]}, $revisions" "$small" "$per_small ms"
	if [[ $c == floor ]]; then
		row "  ${label[s_$c]}, $scale" "$large" "$per_large ms" "(${growth}x)"
	else
		row "  ${label[s_$c]}, $scale" "$large" "$per_large ms" "<= ${scale_target}x" \
			"$(verdict "$growth" "$scale_target") (${growth}x)"
	fi
done
echo "$scale revisions applied: the first call of a fresh session"
for c in status idle history; do
	# shellcheck disable=SC2086  # a list of words
	s=$(median ${times[s_$c.$scale]})
	row "  ${label[s_$c]}" "$s" "" "< $quick_target s" "$(verdict "$s" "$quick_target")"
done
echo "peak memory of the pushing backend: VmHWM after the push, before it, and RssShmem + RssFile"
for n in "${sizes[@]}"; do
	# shellcheck disable=SC2086  # lists of words
	row "  push of $n revisions" "$(megabytes "$(median ${hwm[$n]})") MB" \
		"$(megabytes "$(median ${hwm_before[$n]})") MB" "$(megabytes "$(median ${hwm_shared[$n]})") MB"
done
printf '%s\n' "(seconds: wall clock of the client for $revisions tables and registrations, psql's \\timing"
echo " for the scale's push, deploy and first calls; ratio: the median of each run's ratio to its floor)"
if ((missed)); then
	echo "push: a target is not met"
fi
