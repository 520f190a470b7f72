# shellcheck shell=bash
# Shared set-up for test/run-tests.sh and test/demo.sh: repository top,
# PG_CONFIG, build and install of the extension. Source it; it sources
# test/cluster.sh too.
#
#   migrate_build                  make clean, then make with warnings as errors
#   migrate_releases               make releases: the install scripts of the
#                                  released versions, from git, into build/
#   migrate_install [TARGET...]    make install (or the TARGETs), through sudo
#                                  when not root and the install directories
#                                  are not writable

MIGRATE_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export MIGRATE_TOP

# shellcheck source-path=SCRIPTDIR source=cluster.sh
source "$MIGRATE_TOP/test/cluster.sh"

# Warnings are errors. -Wno-unused-parameter is needed for PostgreSQL's own
# headers (lib/ilist.h, storage/bufpage.h) and PG_FUNCTION_ARGS.
MIGRATE_COPT="-Werror -Wextra -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers"

migrate_make() {
	make --no-print-directory -C "$MIGRATE_TOP" PG_CONFIG="$PG_CONFIG" "$@"
}

migrate_build() {
	migrate_make clean >/dev/null &&
		migrate_make COPT="$MIGRATE_COPT"
}

migrate_releases() {
	migrate_make releases
}

migrate_install() {
	local pkglibdir sharedir targets=("${@:-install}")
	pkglibdir=$("$PG_CONFIG" --pkglibdir) || return 1
	sharedir=$("$PG_CONFIG" --sharedir) || return 1
	if ((EUID == 0)) || { [[ -w $pkglibdir && -w $sharedir/extension ]]; }; then
		migrate_make "${targets[@]}"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$(command -v make)" --no-print-directory -C "$MIGRATE_TOP" \
			PG_CONFIG="$PG_CONFIG" "${targets[@]}"
	else
		echo "install: not root, sudo missing, and $pkglibdir is not writable" >&2
		return 1
	fi
}
