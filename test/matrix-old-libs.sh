#!/usr/bin/env bash
# Run inside a newer Debian root by test/matrix.sh: make the binaries of an
# older root mounted at OLD runnable here, by linking the shared libraries
# they need that this root lacks (the ICU, LDAP and libxml2 of the older
# release) into LIBS, for LD_LIBRARY_PATH. The C library stays this root's,
# which runs binaries built against an older one. llvmjit.so is left out:
# JIT is loaded only on demand, and the tests never need it.
#
#   bash test/matrix-old-libs.sh /build/old15 /build/old-libs
set -euo pipefail

old=$1
libs=$2
rm -rf "$libs"
mkdir -p "$libs"
shopt -s nullglob
for round in 1 2 3 4 5 6; do
	missing=()
	for f in "$old"/usr/lib/postgresql/*/bin/* "$old"/usr/lib/postgresql/*/lib/*.so "$libs"/*; do
		[[ $f == */llvmjit*.so ]] && continue
		while read -r lib arrow what _; do
			[[ $arrow == "=>" && $what == not ]] && missing+=("$lib")
		done < <(LD_LIBRARY_PATH=$libs ldd "$f" 2>/dev/null || true)
	done
	if ((${#missing[@]} == 0)); then
		echo "matrix-old-libs: $(find "$libs" -mindepth 1 | wc -l) libraries linked into $libs"
		exit 0
	fi
	for lib in $(printf '%s\n' "${missing[@]}" | sort -u); do
		src=
		for dir in "$old"/usr/lib/x86_64-linux-gnu "$old"/lib/x86_64-linux-gnu; do
			[[ -e $dir/$lib ]] && src=$dir/$lib && break
		done
		if [[ -z $src ]]; then
			echo "matrix-old-libs: $lib is needed but not in $old" >&2
			exit 1
		fi
		ln -sf "$src" "$libs/$lib"
	done
done
echo "matrix-old-libs: still missing after $round rounds: ${missing[*]}" >&2
exit 1
