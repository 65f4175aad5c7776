#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkcpio.sh [--full] OUT.cpio: an initramfs overlay with Debian's QEMU for
# the test VM, appended to the VM's own initramfs by "tools/testvm/run
# --cpio OUT.cpio" (the kernel unpacks concatenated archives in order).
#
# Holds, at their host paths: qemu-system-x86_64-microvm (the KVM-only
# build; --full adds qemu-system-x86_64 for -machine pc), every library
# ldd lists for them and the loader (no ld.so.cache is needed), and the
# firmware files QEMU loads by name: kvmvapic.bin (pc), bios-256k.bin
# (SeaBIOS), linuxboot_dma.bin (-kernel on pc), bios-microvm.bin (-kernel
# on microvm). Under /khv/qemu/: kvmtrace.so, the firmware images of
# guests/, the scripts check.sh, check-linux.sh, ioctl-table.sh, times.sh.
# docs/qemu.md has sizes and the boot cost measured with it.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
full=0
if [ "${1:-}" = --full ]; then
	full=1
	shift
fi
[ $# = 1 ] || { echo "usage: mkcpio.sh [--full] OUT.cpio" >&2; exit 2; }
out=$(realpath -m "$1")

bins=(/usr/bin/qemu-system-x86_64-microvm)
[ $full = 1 ] && bins+=(/usr/bin/qemu-system-x86_64)
for b in "${bins[@]}"; do
	[ -x "$b" ] || { echo "mkcpio: $b missing (tools/testvm/deps.sh installs qemu-system-x86)" >&2; exit 1; }
done
for f in kvmtrace.so guests/qhello.bin check.sh; do
	[ -e "$HERE/$f" ] || { echo "mkcpio: $HERE/$f missing (make -C tools/qemu)" >&2; exit 1; }
done

root=$(mktemp -d /tmp/khv-qemu-cpio.XXXXXX)
trap 'rm -rf "$root"' EXIT

# Each file at its own path, symlinks resolved to the file they name.
put() {
	mkdir -p "$root$(dirname "$2")"
	cp -L "$1" "$root$2"
}

for b in "${bins[@]}"; do
	put "$b" "$b"
	for lib in $(ldd "$b" | grep -o '/[^ ]*'); do
		put "$lib" "$lib"
	done
done
# The loader also under the name the binaries ask for (PT_INTERP).
interp=$(readelf -l "${bins[0]}" | sed -n 's/.*interpreter: \(.*\)]/\1/p')
[ -e "$root$interp" ] || put "$interp" "$interp"

for fw in /usr/share/qemu/kvmvapic.bin /usr/share/qemu/linuxboot_dma.bin \
	  /usr/share/seabios/bios-256k.bin /usr/share/seabios/bios-microvm.bin; do
	if [ -e "$fw" ]; then
		put "$fw" "$fw"
	else
		echo "mkcpio: warning: $fw missing" >&2
	fi
done

mkdir -p "$root/khv/qemu/guests"
install -m 644 "$HERE/kvmtrace.so" "$root/khv/qemu/"
install -m 755 "$HERE/check.sh" "$HERE/check-linux.sh" "$HERE/ioctl-table.sh" \
	"$HERE/times.sh" \
	"$root/khv/qemu/"
install -m 644 "$HERE"/guests/*.bin "$root/khv/qemu/guests/"

(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$out"
echo "mkcpio: $(du -h "$out" | cut -f1) $out ($(basename -a "${bins[@]}" | tr '\n' ' '))" >&2
