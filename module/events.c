// SPDX-License-Identifier: GPL-2.0
/*
 * Events userspace hands a vCPU: KVM_INTERRUPT and KVM_NMI for VMs without an
 * in-kernel irqchip, KVM_GET/SET_VCPU_EVENTS, KVM_SET_SIGNAL_MASK. Not
 * implemented yet.
 */
#include <linux/errno.h>
#include <linux/kvm.h>

#include "ioctl.h"
#include "vcpu.h"

long khv_events_vcpu_ioctl(struct khv_vcpu *vcpu, unsigned int ioctl,
			   void __user *argp)
{
	return -EINVAL;
}

long khv_events_check_extension(long cap)
{
	return 0;
}
