#!/usr/bin/env bash
# make test-all: every suite of `make test`, against each supported PostgreSQL
# major version, each inside a Debian root of the suite that ships it:
#
#   15  bookworm      17  trixie      18  forky (testing)
#
# (16 is in no reachable Debian suite; see README "PostgreSQL versions".)
#
#   bash test/matrix.sh            all of 15 17 18   (or: make test-all)
#   bash test/matrix.sh 17 18      only those
#
# For each version: make sure the cached root exists (debootstrap, then the
# server, headers, pgTAP and tools through test/install-deps.sh inside it),
# copy the working tree into the root, mount /proc, /dev and a private
# /dev/shm, and run test/run-tests.sh there with MIGRATE_PG_MAJOR set. Its
# whole output goes to <cache>/<suite>.run.log; what failed is printed here.
# One line per version at the end; the exit status is non-zero if any
# version failed or could not be prepared.
#
# Roots are kept between runs in $MIGRATE_MATRIX_CACHE (default
# /var/cache/migrate-matrix, outside the repository); a root is rebuilt when
# its marker file (.migrate-matrix-root) is missing or from another format,
# or when MIGRATE_MATRIX_REBUILD=1. A root older than a week gets
# `apt-get upgrade` first, so the point releases it tests stay current.
# Needs root (debootstrap, chroot, mount) and network access to the Debian
# mirror ($MIGRATE_MATRIX_MIRROR, default http://deb.debian.org/debian) when
# a root is built or refreshed. Servers inside run as the `postgres` user of
# the root; no cluster outside the roots is touched.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
top=$(pwd)

cache=${MIGRATE_MATRIX_CACHE:-/var/cache/migrate-matrix}
mirror=${MIGRATE_MATRIX_MIRROR:-http://deb.debian.org/debian}
format=2
max_age_days=7

suite_of() {
	case $1 in
	15) echo bookworm ;;
	17) echo trixie ;;
	18) echo forky ;;
	*) return 1 ;;
	esac
}

usage() {
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

versions=()
for arg in "$@"; do
	case $arg in
	-h | --help)
		usage
		exit 0
		;;
	*)
		if ! suite_of "$arg" >/dev/null; then
			echo "matrix: unsupported PostgreSQL version \"$arg\" (supported: 15 17 18)" >&2
			exit 2
		fi
		versions+=("$arg")
		;;
	esac
done
((${#versions[@]})) || versions=(15 17 18)

if ((EUID != 0)); then
	if command -v sudo >/dev/null 2>&1; then
		echo "matrix: debootstrap, chroot and mount need root: running through sudo"
		exec sudo --preserve-env=MIGRATE_MATRIX_CACHE,MIGRATE_MATRIX_MIRROR,MIGRATE_MATRIX_REBUILD \
			bash "${BASH_SOURCE[0]}" "$@"
	fi
	echo "matrix: needs root for debootstrap, chroot and mount; run it as root or through sudo" >&2
	exit 2
fi
for tool in debootstrap chroot mount umount flock; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		if [[ $tool == debootstrap ]]; then
			echo "matrix: installing debootstrap"
			DEBIAN_FRONTEND=noninteractive apt-get -q update >/dev/null &&
				DEBIAN_FRONTEND=noninteractive apt-get install -q -y --no-install-recommends debootstrap >/dev/null || {
				echo "matrix: could not install debootstrap" >&2
				exit 2
			}
		else
			echo "matrix: $tool is missing" >&2
			exit 2
		fi
	fi
done
mkdir -p "$cache"

mounted=()
# shellcheck disable=SC2317  # invoked by traps
unmount_all() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount -l "${mounted[i]}" 2>/dev/null || true
	done
	mounted=()
}
trap unmount_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

mount_in() {
	local root=$1
	mkdir -p "$root/proc" "$root/dev"
	mount -t proc proc "$root/proc" && mounted+=("$root/proc") || return 1
	mount --bind /dev "$root/dev" && mounted+=("$root/dev") || return 1
	# a private /dev/shm: the servers' dynamic shared memory lives there
	mount -t tmpfs -o mode=1777,size=1g tmpfs "$root/dev/shm" && mounted+=("$root/dev/shm") || return 1
	cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
}

in_root() {
	local root=$1
	shift
	chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive "$@"
}

marker_field() {
	sed -n "s/^$2=//p" "$1" 2>/dev/null | head -n 1
}

# Build (or refresh) the root for one version. Prints what it did.
prepare_root() {
	local major=$1 suite root marker start age built script
	suite=$(suite_of "$major")
	root=$cache/$suite
	marker=$root/.migrate-matrix-root
	start=$SECONDS
	if [[ ${MIGRATE_MATRIX_REBUILD:-0} == 1 || $(marker_field "$marker" format) != "$format" ||
		$(marker_field "$marker" postgresql) != "$major" ]]; then
		echo "matrix: $major: building a $suite root in $root (debootstrap, a few minutes)"
		rm -rf --one-file-system "$root"
		mkdir -p "$root"
		# an older debootstrap has no script for a newer suite (bookworm's
		# knows no forky): every Debian suite uses the same one, sid's
		script=()
		if [[ ! -e /usr/share/debootstrap/scripts/$suite && -e /usr/share/debootstrap/scripts/sid ]]; then
			script=(/usr/share/debootstrap/scripts/sid)
		fi
		if ! debootstrap --variant=minbase "$suite" "$root" "$mirror" "${script[@]}" \
			>"$cache/$suite.debootstrap.log" 2>&1; then
			echo "matrix: $major: debootstrap failed; last lines of $cache/$suite.debootstrap.log:" >&2
			tail -n 20 "$cache/$suite.debootstrap.log" >&2
			return 1
		fi
		{
			echo "deb $mirror $suite main"
			# testing has no -updates/-security of its own worth asking for
			if [[ $suite != forky ]]; then
				echo "deb $mirror $suite-updates main"
				echo "deb ${mirror%/debian}/debian-security $suite-security main"
			fi
		} >"$root/etc/apt/sources.list"
		# The mirror here may serve a suite's Release file past its
		# Valid-Until date (testing's is short): accept it, as a snapshot
		# mirror needs. Signatures are still checked.
		cat >"$root/etc/apt/apt.conf.d/90migrate-matrix" <<-'APT'
			Acquire::Check-Valid-Until "false";
			APT::Install-Recommends "false";
			APT::Install-Suggests "false";
		APT
		# no service may start inside the root; no "main" cluster either
		printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
		chmod 755 "$root/usr/sbin/policy-rc.d"
		mkdir -p "$root/etc/postgresql-common"
		echo "create_main_cluster = false" >"$root/etc/postgresql-common/createcluster.conf"
		built=1
	else
		built=0
		age=$((($(date +%s) - $(stat -c %Y "$marker")) / 86400))
	fi
	mount_in "$root" || return 1
	mkdir -p "$root/build"
	cp "$top/test/install-deps.sh" "$root/build/install-deps.sh"
	if ((built)); then
		if ! in_root "$root" env MIGRATE_PG_MAJOR="$major" bash /build/install-deps.sh >"$cache/$suite.install.log" 2>&1; then
			echo "matrix: $major: installing packages failed; last lines of $cache/$suite.install.log:" >&2
			tail -n 30 "$cache/$suite.install.log" >&2
			return 1
		fi
		printf 'format=%s\nsuite=%s\npostgresql=%s\nbuilt=%s\nseconds=%s\n' \
			"$format" "$suite" "$major" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$((SECONDS - start))" >"$marker"
		echo "matrix: $major: $suite root built in $((SECONDS - start)) s"
	elif ((age >= max_age_days)); then
		echo "matrix: $major: $suite root is $age days old; apt-get upgrade"
		if in_root "$root" sh -c 'apt-get -q update && apt-get -q -y upgrade' >"$cache/$suite.upgrade.log" 2>&1; then
			touch "$marker"
		else
			echo "matrix: $major: upgrade failed (see $cache/$suite.upgrade.log); testing the root as it is" >&2
		fi
	fi
	# packages the tests need that a cached root may lack (prints one line)
	if ! in_root "$root" env MIGRATE_PG_MAJOR="$major" bash /build/install-deps.sh >>"$cache/$suite.install.log" 2>&1; then
		echo "matrix: $major: installing packages failed (see $cache/$suite.install.log)" >&2
		return 1
	fi
}

# Copy the working tree (what is committed and what is not, without build
# outputs) into a root's /build/migrate, with the history (the extension
# update test reads old releases from it).
copy_tree() {
	local root=$1
	rm -rf --one-file-system "$root/build/migrate"
	mkdir -p "$root/build/migrate"
	tar -C "$top" --exclude=./.git --exclude=./results --exclude=./output_iso \
		--exclude=./tmp_check --exclude=./log --exclude='*.o' --exclude='*.so' \
		--exclude='*.bc' --exclude=./build -cf - . | tar -C "$root/build/migrate" -xf -
	if [[ -d $top/.git ]]; then
		git -C "$top" clone -q --no-hardlinks "$top" "$root/build/migrate/.git-clone" &&
			mv "$root/build/migrate/.git-clone/.git" "$root/build/migrate/.git" &&
			rm -rf "$root/build/migrate/.git-clone"
	fi
}

# The oldest version's root, with this tree built and installed in it, is
# the "from" side of the pg_upgrade test (test/t/012_pg_upgrade.pl) run in
# the newer roots. Done once per matrix run: by the run of that version
# itself (make test installs the tree), or here.
old_major=15
old_ready=0
prepare_old() {
	local root
	((old_ready)) && return 0
	root=$cache/$(suite_of "$old_major")
	echo "matrix: $old_major: building this tree in the $(suite_of "$old_major") root for the pg_upgrade test"
	prepare_root "$old_major" || return 1
	copy_tree "$root"
	if ! in_root "$root" bash -c 'cd /build/migrate && make -s install' >"$cache/upgrade-from.log" 2>&1; then
		echo "matrix: building in the $old_major root failed (see $cache/upgrade-from.log)" >&2
		unmount_all
		return 1
	fi
	unmount_all
	old_ready=1
}

# Mount the old root read-only at /build/old<major> inside root, and link
# the libraries its binaries need that root's suite lacks (the ICU, LDAP and
# libxml2 of another Debian release; the C library is the newer one's, which
# runs binaries built against an older one) into /build/old-libs.
mount_old() {
	local root=$1 old=$cache/$(suite_of "$old_major")
	mkdir -p "$root/build/old$old_major"
	mount --bind "$old" "$root/build/old$old_major" && mounted+=("$root/build/old$old_major") || return 1
	mount -o remount,ro,bind "$root/build/old$old_major" || return 1
	cp "$top/test/matrix-old-libs.sh" "$root/build/matrix-old-libs.sh"
	in_root "$root" bash /build/matrix-old-libs.sh "/build/old$old_major" /build/old-libs
}

run_in_root() {
	local major=$1 suite root log upgrade_env=()
	suite=$(suite_of "$major")
	root=$cache/$suite
	log=$cache/$suite.run.log
	copy_tree "$root"
	if ((major > old_major)); then
		mount_old "$root" || {
			echo "matrix: $major: could not mount the $old_major root for the pg_upgrade test" >"$log"
			return 1
		}
		upgrade_env=(MIGRATE_UPGRADE_FROM="/build/old$old_major/usr/lib/postgresql/$old_major"
			MIGRATE_UPGRADE_LIBS=/build/old-libs)
	fi
	in_root "$root" env MIGRATE_PG_MAJOR="$major" "${upgrade_env[@]}" \
		bash -c 'cd /build/migrate && bash test/run-tests.sh' >"$log" 2>&1
}

summary=()
status=0
for major in "${versions[@]}"; do
	suite=$(suite_of "$major")
	echo "=== PostgreSQL $major ($suite) ==="
	t0=$SECONDS
	if ! prepare_root "$major"; then
		unmount_all
		summary+=("PostgreSQL $major ($suite): FAILED to prepare the root ($((SECONDS - t0)) s)")
		status=1
		continue
	fi
	unmount_all
	if ((major > old_major)) && ! prepare_old; then
		summary+=("PostgreSQL $major ($suite): FAILED to prepare the $old_major root for the pg_upgrade test")
		status=1
		continue
	fi
	mount_in "$cache/$suite" || {
		summary+=("PostgreSQL $major ($suite): FAILED to mount /proc and /dev in the root")
		status=1
		continue
	}
	prep=$((SECONDS - t0))
	t1=$SECONDS
	echo "matrix: $major: running the suites (log: $cache/$suite.run.log)"
	set +e
	run_in_root "$major"
	rc=$?
	set -e
	unmount_all
	# the suites of the oldest version installed this tree in its root
	((major != old_major || rc != 0)) || old_ready=1
	run=$((SECONDS - t1))
	line=$(grep -E '^migrate: [0-9]+ passed, [0-9]+ failed' "$cache/$suite.run.log" | tail -n 1 || true)
	version=$(in_root "$cache/$suite" "/usr/lib/postgresql/$major/bin/pg_config" --version 2>/dev/null | awk '{ print $2 }' || true)
	if ((rc == 0)) && [[ -n $line ]]; then
		summary+=("PostgreSQL $major ($suite${version:+, $version}): ${line#migrate: } (root ${prep} s, tests ${run} s)")
	else
		status=1
		summary+=("PostgreSQL $major ($suite${version:+, $version}): FAILED: ${line:-no summary line} (root ${prep} s, tests ${run} s)")
		echo "--- PostgreSQL $major: what failed (whole log: $cache/$suite.run.log) ---"
		grep -nE '^(not ok|test .*FAILED|#   Failed test|migrate: .* failed)|error:|Error [0-9]' "$cache/$suite.run.log" | head -n 40 || true
		# the diffs and TAP logs run-tests.sh printed for what failed
		sed -n '/^----- .* -----$/,/^----- end of .* -----$/p' "$cache/$suite.run.log" | head -n 300 || true
		sed -n '/^=== summary ===/,$p' "$cache/$suite.run.log"
	fi
done

echo
echo "=== matrix summary ==="
for line in "${summary[@]}"; do
	echo "  $line"
done
exit "$status"
