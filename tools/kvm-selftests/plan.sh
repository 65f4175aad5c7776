# SPDX-License-Identifier: GPL-2.0
#
# Test-VM plan for the side-by-side table (tools/kvm-selftests/run.sh):
# KVM's upstream selftests first on kvm_intel, then on khv, in one boot.
# /khv/extra/kvmst.conf names the tests for each (a boot that ended early
# is followed by one for the tests it did not reach):
#   KVMST_KVM="..."   tests to run on kvm_intel
#   KVMST_KHV="..."   tests to run on khv
#   KVMST_TIMEOUT=N   guest seconds per test
. /khv/plan-lib.sh
. /khv/extra/kvm-selftests/vm-lib.sh
. /khv/extra/kvmst.conf

# kvm_intel first: it is the baseline, and a khv bug that wedges the VM
# then costs only khv's remaining results.
if [ -n "$KVMST_KVM" ]; then
	if modprobe kvm_intel; then
		kvmst_list kvm_intel $KVMST_KVM
		rmmod kvm_intel kvm || log "kvm-selftests: rmmod kvm_intel kvm failed"
	else
		log "kvm-selftests: modprobe kvm_intel failed"
	fi
fi
if [ -n "$KVMST_KHV" ]; then
	khv=/khv/khv.ko
	[ -f /khv/extra/khv.ko ] && khv=/khv/extra/khv.ko
	if insmod $khv && kvmst_use_khv; then
		kvmst_list khv $KVMST_KHV
		kvmst_unuse_khv
	else
		log "kvm-selftests: khv.ko did not load"
	fi
fi
