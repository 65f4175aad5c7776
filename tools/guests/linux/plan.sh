# SPDX-License-Identifier: GPL-2.0
# Test-VM plan of "make test-linux": the test kernel booted by khvctl, on
# khv and on kvm_intel (docs/linux-guest.md). The bzImage, the initramfs
# and check-linux.sh come in /khv/extra/ (tools/testvm/run --add).
. /khv/plan-lib.sh
insmod /khv/khv.ko && selftest /khv/extra/check-linux.sh /dev/khv
rmmod khv
modprobe kvm_intel && selftest /khv/extra/check-linux.sh /dev/kvm
rmmod kvm_intel kvm
