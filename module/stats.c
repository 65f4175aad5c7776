// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_GET_STATS_FD: khv's counters in KVM's binary statistics format, per VM
 * and per vCPU. Not implemented yet.
 */
#include <linux/errno.h>
#include <linux/kvm.h>

#include "ioctl.h"
#include "vcpu.h"
#include "vm.h"

long khv_stats_vm_fd(struct khv_vm *vm)
{
	return -EINVAL;
}

long khv_stats_vcpu_fd(struct khv_vcpu *vcpu)
{
	return -EINVAL;
}

long khv_stats_check_extension(long cap)
{
	return 0;
}
