// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's FPU, XSAVE state, XCRs and debug registers as userspace sees
 * them: KVM_GET/SET_FPU, KVM_GET/SET_XSAVE, KVM_GET_XSAVE2, KVM_GET/SET_XCRS,
 * KVM_GET/SET_DEBUGREGS. Not implemented yet.
 */
#include <linux/errno.h>
#include <linux/kvm.h>

#include "ioctl.h"
#include "vcpu.h"

long khv_fpu_vcpu_ioctl(struct khv_vcpu *vcpu, unsigned int ioctl,
			void __user *argp)
{
	return -EINVAL;
}

long khv_fpu_check_extension(long cap)
{
	return 0;
}
