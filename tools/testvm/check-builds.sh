#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-builds.sh [--debug]: build khv with W=1 against the 6.12 test kernel
# and against every installed Debian linux-headers-*-amd64 tree (6.1). Each
# build runs in a private copy of Kbuild, module/ and uapi/, so the work
# tree's objects stay untouched. Fails if a build fails or warns.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
variant=
[ "${1:-}" = --debug ] && variant=--debug

targets=()
kdir=$("$HERE/kernel.sh" $variant --print-dir)
if [ -f "$kdir/.khv-built" ]; then
	targets+=("$kdir")
else
	echo "check-builds: FAIL test kernel not built ($kdir): run tools/testvm/kernel.sh $variant"
	bad=1
fi
for d in /usr/src/linux-headers-*-amd64; do
	[ -f "$d/Makefile" ] && targets+=("$d")
done
[ ${#targets[@]} -ge 2 ] || echo "check-builds: FAIL no Debian linux-headers-*-amd64 tree" \
	"(apt-get install linux-headers-amd64)"
[ ${#targets[@]} -ge 2 ] || bad=1

bad=${bad:-0}
work=$(mktemp -d /tmp/khv-check.XXXXXX)
trap 'rm -rf "$work"' EXIT

for kd in "${targets[@]}"; do
	ver=$(make -s -C "$kd" kernelrelease 2>/dev/null || basename "$kd")
	src=$work/$ver
	mkdir -p "$src"
	cp -a "$REPO/Kbuild" "$REPO/module" "$REPO/uapi" "$src/"
	# Drop build products copied along with the sources.
	find "$src" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name 'modules.order' -o -name 'Module.symvers' \
		-o -name '*.a' \) -delete
	log=$work/$ver.log
	make -C "$kd" M="$src" W=1 -j"$(nproc)" modules >"$log" 2>&1
	rc=$?
	nwarn=$(grep -c 'warning:' "$log")
	if [ $rc -ne 0 ] || [ "$nwarn" -gt 0 ]; then
		grep -E 'warning:|error:' "$log" | head -n 40
		[ $rc -ne 0 ] && [ "$(grep -cE 'warning:|error:' "$log")" = 0 ] && tail -n 20 "$log"
		echo "check-builds: FAIL $ver ($kd): exit $rc, $nwarn warning(s)"
		bad=1
	else
		mods=$(cd "$src" && find . -name '*.ko' | sort | tr '\n' ' ')
		echo "check-builds: OK   $ver ($kd): W=1, no warnings; built ${mods:-nothing}"
	fi
done
exit $bad
