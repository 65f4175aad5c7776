# SPDX-License-Identifier: GPL-2.0
# The default test plan, run by /init inside the test VM (busybox sh, cwd /khv).
# KUnit suites first (they need no VMX), then the module and its selftests.
. /khv/plan-lib.sh

kunit_module /khv/khv_test.ko

insmod /khv/khv.ko || echo "KHV-PLAN: insmod khv.ko failed"

# Device and VMX state first, then hotplug, then the guest-running tests;
# load/unload last because it reloads the module.
for t in /khv/selftests/*_test; do
	case "$t" in
	*/khv_load_test) ;;
	*) selftest "$t" ;;
	esac
done
# khvctl end to end: every guest program, disks, several VMs, the network.
[ -e /khv/extra/check.sh ] && selftest /khv/extra/check.sh /dev/khv
# KVM's upstream selftests that pass on khv (make test adds the bundle of
# tools/kvm-selftests/expected-pass): one case each, kvm-selftests:khv:TEST.
if [ -f /khv/extra/kvm-selftests/vm-lib.sh ]; then
	. /khv/extra/kvm-selftests/vm-lib.sh
	kvmst_khv_list
fi
# Debian's QEMU on khv (tools/qemu; make test appends its cpio): the
# firmware guests, then the test kernel (/khv/extra/bzImage). QEMU opens
# the fixed path /dev/kvm, so khv is reloaded with kvm_alias=1 for it (after
# the KVM selftests, which make /dev/kvm a symlink), then reloaded without.
# The same cases then run on kvm_intel as the baseline (counted too: a case
# that fails on KVM is a broken case), and times.sh shows both sets of times.
if [ -x /khv/qemu/check.sh ]; then
	if check qemu:kvm_alias sh -c \
		'[ ! -L /dev/kvm ] || rm /dev/kvm; rmmod khv &&
		 insmod /khv/khv.ko kvm_alias=1 && [ -c /dev/kvm ]'; then
		selftest /khv/qemu/check.sh khv
		selftest /khv/qemu/check-linux.sh khv
	fi
	rmmod khv
	if check qemu:kvm_intel modprobe kvm_intel; then
		selftest /khv/qemu/check.sh kvm
		selftest /khv/qemu/check-linux.sh kvm
		rmmod kvm_intel kvm
	fi
	/khv/qemu/times.sh
	insmod /khv/khv.ko || echo "KHV-PLAN: insmod khv.ko failed"
fi
selftest /khv/selftests/khv_load_test
