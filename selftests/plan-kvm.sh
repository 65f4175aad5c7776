# SPDX-License-Identifier: GPL-2.0
# Test plan: the execution-core selftests against the real KVM (kvm_intel)
# in the test VM, as a baseline for khv. khv.ko is not loaded: on 6.12
# kvm_intel turns VMX on at load and the two cannot share a CPU.
#   tools/testvm/run --plan selftests/plan-kvm.sh
# Only tests written against <linux/kvm.h> belong here (docs/testing.md).
. /khv/plan-lib.sh

modprobe kvm_intel || log "modprobe kvm_intel failed"
export KHV_DEV=/dev/kvm
for t in /khv/selftests/khv_*_test; do
	case "$t" in
	*/khv_dev_test|*/khv_hotplug_test|*/khv_load_test) ;;
	*) selftest "$t" ;;
	esac
done
