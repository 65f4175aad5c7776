#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once, cached) KVM's upstream x86_64 selftests from Debian's
# linux-source-6.1 as static programs for the test VM.
#
#   build.sh                  build if not cached, print nothing else
#   build.sh --print-dir      print the cache directory (bin/ has the programs)
#   build.sh --list           print the test names, one a line
#   build.sh --bundle LIST    print a directory "kvm-selftests" to pass to
#                             tools/testvm/run --add: the in-VM helper
#                             (vm-lib.sh), the list and the programs LIST names
#                             (a file of "TEST [ARGS...]" lines, # comments;
#                             "all" for every test). Made once per content,
#                             never changed.
#
# The cache directory's name carries a hash of the package version, the
# local patch and this recipe, so a new linux-source-6.1 or a changed patch
# builds afresh. A stamp marks a finished build. See docs/kvm-selftests.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KHV_CACHE=${KHV_CACHE:-/var/cache/khv}
TARBALL=/usr/src/linux-source-6.1.tar.xz
PKG=linux-source-6.1
PATCH=$HERE/6.1-build-fixes.patch
# Bump when the recipe below changes.
RECIPE=1

action=build
list=
case ${1:-} in
'') ;;
--print-dir) action=print-dir ;;
--list) action=list ;;
--bundle) action=bundle; list=${2:?--bundle needs a list file or "all"} ;;
-h|--help) sed -n '4,18p' "$0"; exit 0 ;;
*) echo "build.sh: unknown argument '$1'" >&2; exit 2 ;;
esac

die() { echo "kvm-selftests/build.sh: $*" >&2; exit 1; }

pkgver=$(dpkg-query -W -f='${Version}' "$PKG" 2>/dev/null || true)
[ -n "$pkgver" ] && [ -f "$TARBALL" ] ||
	die "$PKG is not installed (run tools/testvm/deps.sh)"
hash=$( { echo "recipe $RECIPE $PKG $pkgver"; cat "$PATCH"; } | sha256sum | cut -c1-12)
DIR=$KHV_CACHE/kvm-selftests-$hash
STAMP=$DIR/.khv-built

[ $action = print-dir ] && { echo "$DIR"; exit 0; }

mkdir -p "$KHV_CACHE"
exec 9>"$KHV_CACHE/.lock-kvm-selftests-$hash"
flock 9

build() {
	local t0 src k log out name missing=()
	t0=$(date +%s)
	rm -rf "$DIR"
	mkdir -p "$DIR"
	log=$DIR/build.log
	echo "kvm-selftests: building KVM selftests from $PKG $pkgver in $DIR" >&2
	# Only what "make headers" and the selftests read: 136 MB instead of
	# the whole 1.3 GB tree.
	tar -xf "$TARBALL" -C "$DIR" "$PKG/Makefile" "$PKG/scripts" "$PKG/include" \
		"$PKG/arch/x86" "$PKG/tools" "$PKG/usr" || die "unpacking $TARBALL failed"
	src=$DIR/$PKG
	patch -s -p1 -d "$src" <"$PATCH" || die "$PATCH does not apply"
	# "headers", not "headers_install" (which needs rsync): fills
	# usr/include, where the selftests' Makefile looks.
	make -C "$src" headers >"$log" 2>&1 || { tail -n 20 "$log" >&2; die "make headers failed"; }
	k=$src/tools/testing/selftests/kvm
	out=$DIR/out
	mkdir -p "$out"
	# Static: the test VM's initramfs has no libc. -no-pie as upstream.
	if ! make -C "$k" -j"$(nproc)" OUTPUT="$out" EXTRA_CFLAGS=-static \
		LDFLAGS="-static -pthread -no-pie" >>"$log" 2>&1; then
		grep -E 'error|Error' "$log" | tail -n 20 >&2
		die "the selftests did not build (log: $log)"
	fi
	# The test names: TEST_GEN_PROGS_x86_64 of the Makefile, in its order.
	sed -n 's/^TEST_GEN_PROGS_x86_64 *+\{0,1\}= *//p' "$k/Makefile" >"$DIR/tests.path"
	mkdir -p "$DIR/bin"
	while read -r t; do
		name=$(basename "$t")
		[ -x "$out/$t" ] || { missing+=("$t"); continue; }
		# Fully stripped (~1 MB each): the VM has no addr2line anyway;
		# out/ keeps the symbols for resolving stack dumps on the host.
		strip -o "$DIR/bin/$name" "$out/$t"
		echo "$name"
	done <"$DIR/tests.path" >"$DIR/tests"
	[ ${#missing[@]} -eq 0 ] || die "not built: ${missing[*]} (log: $log)"
	# Keep tools/ (the tests' sources, to read a failure) and usr/include.
	rm -rf "$src/arch" "$src/include" "$src/scripts"
	echo "kvm-selftests: $(wc -l <"$DIR/tests") tests built in" \
		"$(($(date +%s) - t0)) s" >&2
	echo "pkg=$PKG version=$pkgver hash=$hash tests=$(wc -l <"$DIR/tests")" >"$STAMP"
}

[ -f "$STAMP" ] || build

case $action in
build) exit 0 ;;
list) cat "$DIR/tests"; exit 0 ;;
esac

# --bundle: an immutable directory per content, so concurrent runs never see
# one half-written.
if [ "$list" = all ]; then
	lines=$(cat "$DIR/tests")
else
	[ -f "$list" ] || die "list $list not found"
	lines=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$list")
fi
names=$(printf '%s\n' "$lines" | awk '{ print $1 }')
for n in $names; do
	grep -qx "$n" "$DIR/tests" || die "$list: unknown test '$n'"
done
bhash=$( { printf '%s\n' "$lines"; cat "$HERE/vm-lib.sh"; } | sha256sum | cut -c1-12)
B=$DIR/bundle-$bhash/kvm-selftests
if [ ! -f "$B/.done" ]; then
	rm -rf "$DIR/bundle-$bhash"
	mkdir -p "$B/bin"
	install -m 644 "$HERE/vm-lib.sh" "$B/vm-lib.sh"
	printf '%s\n' "$lines" >"$B/list"
	for n in $names; do
		ln "$DIR/bin/$n" "$B/bin/$n" 2>/dev/null || cp "$DIR/bin/$n" "$B/bin/$n"
	done
	touch "$B/.done"
fi
echo "$B"
