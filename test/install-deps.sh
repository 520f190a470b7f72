#!/usr/bin/env bash
# Install the Debian packages that building and testing the migrate extension
# needs: the PostgreSQL server and headers (MIGRATE_PG_MAJOR, default 15), pgTAP and pg_prove, IPC::Run for
# the TAP suite, git (the extension update test reads old releases from the
# history), and a C toolchain. Only packages that are missing are
# installed (apt-get update runs only then). Works as root, or as a normal
# user through sudo. Prints one line when everything is already present.
#
#   bash test/install-deps.sh
#   MIGRATE_PG_MAJOR=17 bash test/install-deps.sh   (inside a trixie root)
set -euo pipefail

major=${MIGRATE_PG_MAJOR:-15}

packages=(
	postgresql-common
	"postgresql-$major"
	"postgresql-client-$major"
	"postgresql-server-dev-$major"
	"postgresql-$major-pgtap"
	libtap-parser-sourcehandler-pgtap-perl
	libipc-run-perl
	perl
	make
	gcc
	libc6-dev
	util-linux
	passwd
	diffutils
	git
)

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: this script needs a Debian/Ubuntu system (dpkg-query, apt-get)" >&2
	exit 1
fi

missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	if [[ $status != installed ]]; then
		missing+=("$pkg")
	fi
done

if ((${#missing[@]} == 0)); then
	echo "install-deps: all ${#packages[@]} required packages are installed"
	exit 0
fi

echo "install-deps: installing missing packages: ${missing[*]}"

if ((EUID == 0)); then
	as_root=(env)
elif command -v sudo >/dev/null 2>&1; then
	as_root=(sudo env)
else
	echo "install-deps: not root and sudo is missing; as root run:" >&2
	echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
	exit 1
fi

apt_env=(DEBIAN_FRONTEND=noninteractive)
apt_opts=(-q -y --no-install-recommends
	-o Dpkg::Options::=--force-confdef
	-o Dpkg::Options::=--force-confold)

"${as_root[@]}" "${apt_env[@]}" apt-get -q update
"${as_root[@]}" "${apt_env[@]}" apt-get install "${apt_opts[@]}" "${missing[@]}" </dev/null

still_missing=()
for pkg in "${missing[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	[[ $status == installed ]] || still_missing+=("$pkg")
done
if ((${#still_missing[@]})); then
	echo "install-deps: still missing after apt-get install: ${still_missing[*]}" >&2
	exit 1
fi
echo "install-deps: done"
