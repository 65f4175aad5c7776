# SPDX-License-Identifier: GPL-2.0
# Test-VM plan of "make test-qemu-linux": Debian's QEMU boots the test kernel
# on kvm_intel (the baseline), then on khv (/dev/kvm through kvm_alias=1).
# QEMU comes in the cpio of tools/qemu/mkcpio.sh (run --cpio), the bzImage
# and tools/guests/linux's initramfs in /khv/extra/ (run --add).
. /khv/plan-lib.sh
modprobe kvm_intel && selftest /khv/qemu/check-linux.sh kvm
rmmod kvm_intel kvm
insmod /khv/khv.ko kvm_alias=1 && selftest /khv/qemu/check-linux.sh khv
