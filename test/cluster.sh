# shellcheck shell=bash
# Throwaway PostgreSQL cluster for the migrate test and demo scripts.
# Source this file, then:
#
#   cluster_start      initdb a new cluster in a fresh mktemp -d directory,
#                      start it (unix socket in that directory only, no TCP),
#                      export PGHOST/PGPORT/PGUSER/PGDATABASE and put the
#                      server's bindir first in PATH
#   cluster_log_tail [N]  print the last N (default 60) lines of the server log
#   cluster_stop       stop that cluster and delete its directory (idempotent;
#                      copies the server log to $CLUSTER_SAVE_LOG first if set)
#
# Callers must install a trap so cluster_stop runs on every exit, e.g.
#   trap cluster_stop EXIT; trap 'exit 130' INT; trap 'exit 143' TERM
#
# PostgreSQL refuses to run as root: as root the server runs as the `postgres`
# system user (or a dedicated `migrate-test` user created when `postgres` does
# not exist), through runuser; otherwise it runs as the calling user. Only the
# cluster created here is ever touched: no pg_ctlcluster, no system clusters.
#
# Exported after cluster_start:
#   PGHOST PGPORT PGUSER=postgres PGDATABASE=postgres  connection for psql & co
#   CLUSTER_DIR      the temporary directory (socket directory too)
#   CLUSTER_PGDATA   the data directory ($CLUSTER_DIR/data)
#   CLUSTER_LOG      the server log file ($CLUSTER_DIR/server.log)
#   CLUSTER_BINDIR   the server's bindir (pg_config --bindir)
#   CLUSTER_OS_USER  the operating-system user the server runs as
# Inputs: MIGRATE_PG_MAJOR (the PostgreSQL major version to test: 15, the
# default, 17 or 18), PG_CONFIG (defaults to
# /usr/lib/postgresql/$MIGRATE_PG_MAJOR/bin/pg_config when it exists, else
# pg_config), CLUSTER_SAVE_LOG (optional path), CLUSTER_SETTINGS (optional
# lines for postgresql.conf, after the ones set here), CLUSTER_BASE (optional
# directory to make the cluster's directory in, instead of /tmp or $TMPDIR).

MIGRATE_PG_MAJOR=${MIGRATE_PG_MAJOR:-15}
export MIGRATE_PG_MAJOR
if [[ -z ${PG_CONFIG:-} ]]; then
	if [[ -x /usr/lib/postgresql/$MIGRATE_PG_MAJOR/bin/pg_config ]]; then
		PG_CONFIG=/usr/lib/postgresql/$MIGRATE_PG_MAJOR/bin/pg_config
	else
		PG_CONFIG=pg_config
	fi
fi
export PG_CONFIG

# Name of the unprivileged user that owns servers started by root.
cluster_os_user() {
	if ((EUID != 0)); then
		id -un
		return
	fi
	if getent passwd postgres >/dev/null; then
		echo postgres
		return
	fi
	if ! getent passwd migrate-test >/dev/null; then
		useradd --system --user-group --create-home \
			--home-dir /var/lib/migrate-test --shell /bin/bash \
			migrate-test >&2 || return 1
	fi
	echo migrate-test
}

# Run a command as the server's owner, from a directory that owner can read.
cluster__as_owner() {
	if ((EUID == 0)); then
		(cd "$CLUSTER_DIR" && runuser -u "$CLUSTER_OS_USER" -- "$@")
	else
		(cd "$CLUSTER_DIR" && "$@")
	fi
}

# A port nobody seems to use: no socket file in the usual places, nothing
# accepting TCP connections on localhost. The server listens on its own
# private socket only, so a clash could not hurt other servers anyway.
cluster__free_port() {
	local port tries
	for ((tries = 0; tries < 100; tries++)); do
		port=$((20000 + RANDOM % 40000))
		[[ -e /tmp/.s.PGSQL.$port || -e /var/run/postgresql/.s.PGSQL.$port ]] && continue
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			continue
		fi
		echo "$port"
		return 0
	done
	echo "cluster: could not find a free port" >&2
	return 1
}

cluster_start() {
	if [[ -n ${CLUSTER_DIR:-} ]]; then
		echo "cluster: a cluster is already running in $CLUSTER_DIR" >&2
		return 1
	fi

	local bindir version base port
	bindir=$("$PG_CONFIG" --bindir) || return 1
	version=$("$PG_CONFIG" --version) || return 1
	if [[ ! -x $bindir/initdb || ! -x $bindir/pg_ctl ]]; then
		echo "cluster: no initdb/pg_ctl in $bindir (is postgresql-$MIGRATE_PG_MAJOR installed?)" >&2
		return 1
	fi
	if [[ $version != "PostgreSQL $MIGRATE_PG_MAJOR."* ]]; then
		echo "cluster: $PG_CONFIG reports '$version', expected PostgreSQL $MIGRATE_PG_MAJOR" >&2
		return 1
	fi

	CLUSTER_OS_USER=$(cluster_os_user) || return 1
	# root: the server user must be able to reach the directory, so use /tmp
	if [[ -n ${CLUSTER_BASE:-} ]]; then
		base=$CLUSTER_BASE
	elif ((EUID == 0)); then base=/tmp; else base=${TMPDIR:-/tmp}; fi
	CLUSTER_DIR=$(mktemp -d "$base/migrate-pg.XXXXXX") || return 1
	CLUSTER_PGDATA=$CLUSTER_DIR/data
	CLUSTER_LOG=$CLUSTER_DIR/server.log
	CLUSTER_BINDIR=$bindir
	export CLUSTER_DIR CLUSTER_PGDATA CLUSTER_LOG CLUSTER_BINDIR CLUSTER_OS_USER

	# unix socket paths are limited to 107 bytes
	if ((${#CLUSTER_DIR} > 80)); then
		echo "cluster: temporary directory path too long for a socket: $CLUSTER_DIR" >&2
		return 1
	fi
	chmod 700 "$CLUSTER_DIR"
	if ((EUID == 0)); then
		chown "$CLUSTER_OS_USER": "$CLUSTER_DIR" || return 1
	fi
	port=${CLUSTER_PORT:-$(cluster__free_port)} || return 1

	if ! cluster__as_owner "$bindir/initdb" --pgdata="$CLUSTER_PGDATA" \
		--username=postgres --auth=trust --encoding=UTF8 --no-locale \
		--no-sync >"$CLUSTER_DIR/initdb.log" 2>&1; then
		echo "cluster: initdb failed:" >&2
		cat "$CLUSTER_DIR/initdb.log" >&2
		return 1
	fi

	# settings for a fast, private, quiet test server
	cat >>"$CLUSTER_PGDATA/postgresql.conf" <<-CONF

		# --- added by test/cluster.sh ---
		listen_addresses = ''
		port = $port
		unix_socket_directories = '$CLUSTER_DIR'
		unix_socket_permissions = 0700
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		logging_collector = off
		log_min_messages = warning
		log_min_error_statement = error
		log_line_prefix = '%m [%p] %q%u@%d '
		log_checkpoints = off
		log_autovacuum_min_duration = -1
		lc_messages = 'C'
		timezone = 'UTC'
		log_timezone = 'UTC'
	CONF
	if [[ -n ${CLUSTER_SETTINGS:-} ]]; then
		printf '%s\n' "$CLUSTER_SETTINGS" >>"$CLUSTER_PGDATA/postgresql.conf"
	fi

	if ! cluster__as_owner "$bindir/pg_ctl" --pgdata="$CLUSTER_PGDATA" \
		--log="$CLUSTER_LOG" --wait --timeout=60 --silent start; then
		echo "cluster: server did not start; log:" >&2
		cluster_log_tail 40 >&2
		return 1
	fi

	unset PGHOSTADDR PGSERVICE PGSERVICEFILE PGOPTIONS PGSSLMODE PGREQUIRESSL \
		PGTARGETSESSIONATTRS PGPASSWORD PGPASSFILE
	export PGHOST=$CLUSTER_DIR PGPORT=$port PGUSER=postgres PGDATABASE=postgres
	export PATH="$bindir:$PATH"

	if ! "$bindir/psql" -X -q -A -t -c 'SELECT 1' >/dev/null; then
		echo "cluster: cannot connect to the new server" >&2
		cluster_log_tail 40 >&2
		return 1
	fi
	echo "cluster: PostgreSQL $("$bindir/psql" -X -A -t -c 'SHOW server_version') running as $CLUSTER_OS_USER, socket $PGHOST port $PGPORT"
}

cluster_log_tail() {
	local lines=${1:-60}
	if [[ -n ${CLUSTER_LOG:-} && -f $CLUSTER_LOG ]]; then
		echo "----- server log ($CLUSTER_LOG), last $lines lines -----"
		tail -n "$lines" "$CLUSTER_LOG"
		echo "----- end of server log -----"
	fi
}

cluster_stop() {
	[[ -n ${CLUSTER_DIR:-} ]] || return 0
	local dir=$CLUSTER_DIR pid

	if [[ -f $dir/data/postmaster.pid ]]; then
		if ! cluster__as_owner "$CLUSTER_BINDIR/pg_ctl" --pgdata="$dir/data" \
			--mode=fast --wait --timeout=30 --silent stop; then
			cluster__as_owner "$CLUSTER_BINDIR/pg_ctl" --pgdata="$dir/data" \
				--mode=immediate --wait --timeout=30 --silent stop || true
		fi
		# last resort: the postmaster of *this* data directory only
		if [[ -f $dir/data/postmaster.pid ]]; then
			pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
			if [[ $pid =~ ^[0-9]+$ ]] && [[ $(readlink "/proc/$pid/cwd" 2>/dev/null) == "$dir/data" ]]; then
				kill -KILL "$pid" 2>/dev/null || true
				sleep 1
			fi
		fi
	fi

	if [[ -n ${CLUSTER_SAVE_LOG:-} && -f $dir/server.log ]]; then
		{ mkdir -p "$(dirname "$CLUSTER_SAVE_LOG")" &&
			cp "$dir/server.log" "$CLUSTER_SAVE_LOG"; } || true
	fi
	case $dir in
	*/migrate-pg.*) rm -rf -- "$dir" ;;
	esac
	unset CLUSTER_DIR CLUSTER_PGDATA CLUSTER_LOG
}
