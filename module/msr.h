/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest MSRs khv keeps as part of the vCPU state (msr.c).
 */
#ifndef _KHV_MSR_H
#define _KHV_MSR_H

#include <linux/types.h>

struct khv_vcpu;

/*
 * 0, or 1 when the guest would take #GP (bad value), or -ENOENT when khv
 * does not know @index. @host: the write comes from userspace, which may set
 * EFER.LMA directly, as with KVM_SET_SREGS.
 */
int khv_msr_get(struct khv_vcpu *vcpu, u32 index, u64 *val);
int khv_msr_set(struct khv_vcpu *vcpu, u32 index, u64 val, bool host);

bool khv_apic_base_valid(u64 apic_base);

/* Exit handlers for RDMSR and WRMSR (exit reasons 31 and 32). */
int khv_handle_rdmsr(struct khv_vcpu *vcpu);
int khv_handle_wrmsr(struct khv_vcpu *vcpu);

#endif /* _KHV_MSR_H */
