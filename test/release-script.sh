#!/usr/bin/env bash
# Print the install script of a released version of the extension, as it was
# released, from git: sql/migrate--<version>.sql at tag v<version>, or, where
# the tag is missing (a clone without tags), at the commit sql/releases lists
# for it. A tag that names another commit than sql/releases is an error.
#
#   bash test/release-script.sh 0.1 > migrate--0.1.sql
#   bash test/release-script.sh --list       the released versions, one a line
#
# The repository is the one this file is in, or $MIGRATE_GIT_DIR (a .git
# directory) when set: run-tests.sh runs the TAP tests in a copy of the tree
# without .git. Without git, the repository or the commit, it exits 1 and
# says why.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
releases=$top/sql/releases

die() {
	echo "release-script.sh: $*" >&2
	exit 1
}

[[ $# -eq 1 ]] || die "usage: release-script.sh VERSION | --list"
[[ -f $releases ]] || die "$releases is missing"
if [[ $1 == --list ]]; then
	sed -n 's/^\([0-9][^[:space:]]*\)[[:space:]].*/\1/p' "$releases"
	exit 0
fi
version=$1
commit=$(awk -v v="$version" '$1 == v { print $2 }' "$releases")
[[ -n $commit ]] || die "version $version is not a release listed in sql/releases"
[[ $commit =~ ^[0-9a-f]{40}$ ]] || die "sql/releases: \"$commit\" (version $version) is not a full commit id"

command -v git >/dev/null 2>&1 ||
	die "git is not installed: the install script of release $version comes from the history"
if [[ -n ${MIGRATE_GIT_DIR:-} ]]; then
	gitcmd=(git --git-dir="$MIGRATE_GIT_DIR")
else
	gitcmd=(git -C "$top")
fi
"${gitcmd[@]}" rev-parse --git-dir >/dev/null 2>&1 ||
	die "${MIGRATE_GIT_DIR:-$top} is not a git clone: the install script of release $version comes from the history (set MIGRATE_GIT_DIR to a .git directory)"

rev=$commit
if tagged=$("${gitcmd[@]}" rev-parse -q --verify "refs/tags/v$version^{commit}" 2>/dev/null); then
	[[ $tagged == "$commit" ]] ||
		die "tag v$version is commit $tagged, but sql/releases says $commit"
	rev=v$version
fi
"${gitcmd[@]}" cat-file -e "$commit^{commit}" 2>/dev/null ||
	die "commit $commit (release $version) is not in the history: a shallow clone? (git fetch --unshallow --tags)"
"${gitcmd[@]}" show "$rev:sql/migrate--$version.sql" ||
	die "commit $commit (release $version) has no sql/migrate--$version.sql"
