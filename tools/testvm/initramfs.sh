#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# initramfs.sh KDIR PLAN CPUS OUT.cpio [EXTRA...]: build the test VM's initramfs, an
# uncompressed newc cpio with busybox, the khv module and tests, and the
# kernel's own kvm modules (a baseline: "modprobe kvm_intel" works).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
KDIR=$1 PLAN=$2 CPUS=$3 OUT=$4
shift 4
DEBUG=${KHV_DEBUG:-0}

say() { echo "initramfs: $*" >&2; }

root=$(mktemp -d /tmp/khv-initramfs.XXXXXX)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,etc,root,khv/bin,khv/selftests,khv/guests}
cp /bin/busybox "$root/bin/busybox"
for app in $("$root/bin/busybox" --list); do
	[ "$app" = busybox ] || ln -s busybox "$root/bin/$app"
done
mknod -m 600 "$root/dev/console" c 5 1
mknod -m 666 "$root/dev/null" c 1 3

# Copy an ELF program with the shared libraries it needs (the initramfs has
# no libc of its own; static programs need nothing).
copy_prog() {
	local src=$1 dst=$2 lib
	# Debug info only slows the guest's initramfs unpacking; symbols stay.
	strip --strip-debug -o "$dst" "$src" 2>/dev/null || cp "$src" "$dst"
	chmod 755 "$dst"
	for lib in $(ldd "$src" 2>/dev/null | grep -o '/[^ ]*' || true); do
		[ -e "$root$lib" ] || cp -L --parents "$lib" "$root"
	done
}

# A module built for the other variant may load and then corrupt memory
# (lockdep changes lock layouts): a KASAN kernel needs KASAN-built modules.
kasan_kernel=$(grep -c '^CONFIG_KASAN=y' "$KDIR/.config" || true)
for m in khv khv_test; do
	f=$REPO/module/$m.ko
	if [ ! -f "$f" ]; then
		[ $m = khv ] && say "WARNING: module/khv.ko does not exist" \
			"(run 'make module'): not in the VM"
		continue
	fi
	kasan_mod=$(nm -u "$f" | grep -c '__asan_' || true)
	if [ $((kasan_kernel > 0)) != $((kasan_mod > 0)) ]; then
		say "WARNING: module/$m.ko was built for the other kernel variant:" \
			"not in the VM (make module$([ "$kasan_kernel" -gt 0 ] && echo ' DEBUG=1'))"
		continue
	fi
	install -m 644 "$f" "$root/khv/$m.ko"
done
n=0
for t in "$REPO"/selftests/*_test; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	copy_prog "$t" "$root/khv/selftests/$(basename "$t")"
	n=$((n + 1))
done
[ $n -gt 0 ] || say "no selftests/*_test programs (run 'make selftests')"
if [ -x "$REPO/tools/khvctl/khvctl" ]; then
	copy_prog "$REPO/tools/khvctl/khvctl" "$root/khv/bin/khvctl"
fi
for g in "$REPO"/tools/guests/*.bin; do
	[ -f "$g" ] && install -m 644 "$g" "$root/khv/guests/"
done

# Extra files for this run only (run --add), in /khv/extra/.
for x in "$@"; do
	mkdir -p "$root/khv/extra"
	if file -b "$x" | grep -q '^ELF.*executable'; then
		copy_prog "$x" "$root/khv/extra/$(basename "$x")"
	else
		cp -a "$x" "$root/khv/extra/"
	fi
done

# Upstream KVM from the same kernel build, for side-by-side comparisons.
kver=$(cat "$KDIR/include/config/kernel.release")
mdir=$root/lib/modules/$kver
# Every module of the kernel build (kvm needs irqbypass), at the paths
# modules.order gives them.
while read -r m; do
	m=${m%.o}.ko
	if [ -f "$KDIR/$m" ]; then
		install -D -m 644 "$KDIR/$m" "$mdir/kernel/$m"
	else
		say "WARNING: $KDIR/$m missing"
	fi
done <"$KDIR/modules.order"
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$KDIR/$f" ] && cp "$KDIR/$f" "$mdir/"
done
depmod -b "$root" "$kver"

install -m 644 "$PLAN" "$root/khv/plan.sh"
install -m 644 "$HERE/plan-lib.sh" "$root/khv/plan-lib.sh"
install -m 755 "$HERE/init.sh" "$root/init"
printf 'KHV_CPUS=%s\nKHV_DEBUG=%s\n' "$CPUS" "$DEBUG" >"$root/khv/vm.conf"

(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$OUT"
say "$(du -h "$OUT" | cut -f1) $OUT (khv.ko: $([ -f "$root/khv/khv.ko" ] && echo yes || echo NO)," \
	"khv_test.ko: $([ -f "$root/khv/khv_test.ko" ] && echo yes || echo no)," \
	"selftests: $n, extra: $#)"
