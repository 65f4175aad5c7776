/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a vCPU's CPUID says (cpuid.c): the table userspace set with
 * KVM_SET_CPUID2, or khv's default table when it set none.
 */
#ifndef _KHV_CPUID_H
#define _KHV_CPUID_H

#include <linux/types.h>

#include "cpuid_table.h"

struct khv_vcpu;

/* CPUID in the guest: EAX and ECX in, the four registers out. */
void khv_vcpu_cpuid(struct khv_vcpu *vcpu, u32 *eax, u32 *ebx, u32 *ecx,
		    u32 *edx);

/* Does the vCPU's CPUID(@leaf, 0) have @bit set in register @reg (KHV_EAX...)? */
bool khv_vcpu_cpuid_has(struct khv_vcpu *vcpu, u32 leaf, int reg, u32 bit);

/* MAXPHYADDR as the vCPU's CPUID states it (leaf 0x80000008 EAX[7:0]). */
u8 khv_vcpu_maxphyaddr(struct khv_vcpu *vcpu);

/* Frees the KVM_SET_CPUID2 table (vCPU destruction). */
void khv_cpuid_vcpu_free(struct khv_vcpu *vcpu);

#endif /* _KHV_CPUID_H */
