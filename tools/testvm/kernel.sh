#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once, cached) the 6.12 kernel the test VM boots.
#
#   kernel.sh [--debug]                 build if not cached, print nothing else
#   kernel.sh [--debug] --print-dir     print the build (O=, KDIR) directory
#   kernel.sh [--debug] --print-headers print the exported uapi headers dir
#   kernel.sh --print-src               print the unpacked source tree
#   kernel.sh --src-only                unpack the source tree if missing
#
# The build directory name carries a hash of the config fragment(s), so a
# changed fragment builds a new kernel and the old one stays usable. A stamp
# file marks a finished build: an interrupted build is redone.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KHV_CACHE=${KHV_CACHE:-/var/cache/khv}
TARBALL=/usr/src/linux-source-6.12.tar.xz
SRC=$KHV_CACHE/src/linux-source-6.12
# Bump to force a rebuild when this script's recipe changes.
RECIPE=1

variant=fast
action=build
for a in "$@"; do
	case $a in
	--debug) variant=debug ;;
	--print-dir) action=print-dir ;;
	--print-src) action=print-src ;;
	--print-headers) action=print-headers ;;
	--src-only) action=src-only ;;
	-h|--help) sed -n '4,14p' "$0"; exit 0 ;;
	*) echo "kernel.sh: unknown argument '$a'" >&2; exit 2 ;;
	esac
done

frags=("$HERE/kernel.config")
[ $variant = debug ] && frags+=("$HERE/kernel-debug.config")

hash=$( { echo "recipe $RECIPE"; cat "${frags[@]}"; } | sha256sum | cut -c1-12)
BUILD=$KHV_CACHE/build-$variant-$hash
STAMP=$BUILD/.khv-built

case $action in
print-src) echo "$SRC"; exit 0 ;;
print-dir) echo "$BUILD"; exit 0 ;;
print-headers) echo "$BUILD/usr/include"; exit 0 ;;
esac

die() { echo "kernel.sh: $*" >&2; exit 1; }

mkdir -p "$KHV_CACHE"

unpack_src() {
	[ -f "$SRC/.khv-unpacked" ] && return 0
	[ -f "$TARBALL" ] || die "$TARBALL missing (run tools/testvm/deps.sh)"
	echo "kernel.sh: unpacking $TARBALL to $SRC" >&2
	local tmp=$KHV_CACHE/src/.unpack.$$
	rm -rf "$tmp" "$SRC"
	mkdir -p "$tmp"
	tar -xf "$TARBALL" -C "$tmp"
	mv "$tmp/linux-source-6.12" "$SRC"
	rmdir "$tmp"
	touch "$SRC/.khv-unpacked"
}

# One unpack and one build per variant at a time; a second caller waits.
exec 9>"$KHV_CACHE/.lock-src"
flock 9
unpack_src
flock -u 9
[ $action = src-only ] && exit 0

exec 8>"$KHV_CACHE/.lock-$variant-$hash"
flock 8
[ -f "$STAMP" ] && exit 0

# Every line of the fragments must hold in the final .config; a later
# fragment overrides an earlier one.
verify_config() {
	local cfg=$1 line opt
	declare -A want=()
	local order=()
	while IFS= read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
			opt=${BASH_REMATCH[1]}
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			opt=${BASH_REMATCH[1]}
		else
			continue
		fi
		[ -n "${want[$opt]+x}" ] || order+=("$opt")
		want[$opt]=$line
	done < <(cat "${frags[@]}")
	local bad=0 have
	for opt in "${order[@]}"; do
		line=${want[$opt]}
		have=$(grep -E "^$opt=|^# $opt is not set" "$cfg" || true)
		if [[ $line == "# "* ]]; then
			[[ -z $have || $have == "$line" ]] && continue
		else
			[[ $have == "$line" ]] && continue
		fi
		echo "kernel.sh: config option lost: wanted '$line', got '${have:-<absent>}'" >&2
		bad=1
	done
	return $bad
}

t0=$(date +%s)
LOG=$BUILD/build.log
rm -rf "$BUILD"
mkdir -p "$BUILD"
echo "kernel.sh: building $variant kernel in $BUILD (log: $LOG)" >&2
run() {
	if ! "$@" >>"$LOG" 2>&1; then
		tail -n 40 "$LOG" >&2
		die "failed: $* (full log: $LOG)"
	fi
}
K=(make -C "$SRC" O="$BUILD")
run "${K[@]}" tinyconfig
run env -C "$BUILD" "$SRC/scripts/kconfig/merge_config.sh" -m -O "$BUILD" \
	"$BUILD/.config" "${frags[@]}"
run "${K[@]}" olddefconfig
verify_config "$BUILD/.config" || die "the config fragment did not survive olddefconfig"
t1=$(date +%s)
echo "kernel.sh: config done in $((t1 - t0)) s; compiling with -j$(nproc)" >&2
run "${K[@]}" -j"$(nproc)" bzImage modules
run "${K[@]}" headers
t2=$(date +%s)
kver=$(cat "$BUILD/include/config/kernel.release")
echo "kernel.sh: $variant kernel $kver built in $((t2 - t0)) s" \
	"(config $((t1 - t0)) s, compile $((t2 - t1)) s)" >&2
echo "variant=$variant hash=$hash kver=$kver seconds=$((t2 - t0))" >"$STAMP"
