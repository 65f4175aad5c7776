#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the test VM needs (Bochs, the 6.12 kernel
# source, build tools, busybox, the ISO tools; the 6.1 source for KVM's
# upstream selftests, tools/kvm-selftests; QEMU for tools/qemu). Idempotent: when everything is
# present it only asks dpkg and returns. Runs non-interactively as root.
set -euo pipefail

PKGS=(
	bochs bochsbios vgabios bochs-term
	linux-source-6.12 linux-headers-amd64
	linux-source-6.1 patch
	build-essential bc flex bison libelf-dev libssl-dev
	cpio busybox-static kmod xz-utils
	isolinux syslinux-common xorriso
	file coreutils util-linux procps
	qemu-system-x86
)

missing=()
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done

[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps.sh: installing: ${missing[*]}" >&2
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: need root to install packages" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# An install from an empty or stale package list fails; refresh it once.
apt-get update -q || true
apt-get install -y -q --no-install-recommends \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	"${missing[@]}"
