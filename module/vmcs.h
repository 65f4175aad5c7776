/* SPDX-License-Identifier: GPL-2.0 */
/*
 * khv's VMCS: the control settings every vCPU shares, the region itself and
 * the guest reset state. Field encodings come from <asm/vmx.h>.
 */
#ifndef _KHV_VMCS_H
#define _KHV_VMCS_H

#include <linux/types.h>

struct khv_vcpu;

/* Segment registers in VMCS field order (SDM Vol. 3D, Appendix B). */
enum khv_seg {
	KHV_ES, KHV_CS, KHV_SS, KHV_DS, KHV_FS, KHV_GS, KHV_LDTR, KHV_TR,
	KHV_NR_SEGS
};

/* Field of segment @seg, from the ES field of that kind. */
#define KHV_SEG_FIELD(es_field, seg)	((es_field) + 2 * (seg))

/* Access-rights bit meaning "segment unusable" (SDM 24.4.1). */
#define KHV_AR_UNUSABLE			BIT(16)

/* Settings computed once from the capability MSRs (khv_vmcs_config_init()). */
struct khv_vmcs_config {
	u32 pin, proc, proc2, exit, entry;
	u64 cr0_host_owned;		/* CR0_GUEST_HOST_MASK */
	u64 cr4_host_owned;		/* CR4_GUEST_HOST_MASK */
	u64 cr0_hw_set;			/* forced to 1 in GUEST_CR0 */
	u64 cr0_hw_clear;		/* forced to 0 in GUEST_CR0 */
	u64 cr4_hw_set;			/* forced to 1 in GUEST_CR4 */
	u32 preemption_timer;		/* ticks per guest run, 0 if none */
	bool has_inout_info;		/* VM-exit instruction info for INS/OUTS */
};

extern struct khv_vmcs_config khv_vmcs_config;

/* Once, before the first vCPU: controls, CR masks, per-CPU lists. */
int khv_vmcs_config_init(void);

int khv_vmcs_alloc(struct khv_vcpu *vcpu);
void khv_vmcs_free(struct khv_vcpu *vcpu);

/* Writes every field of the freshly VMPTRLD'd VMCS of @vcpu. */
void khv_vmcs_setup(struct khv_vcpu *vcpu);

/* The per-CPU host fields (SDM 24.5): set whenever the VMCS moves CPU. */
void khv_vmcs_set_host_percpu(void);

/* Address VM exits return to (entry.S); HOST_RIP. */
void khv_vmx_vmexit(void);

/* Enters the guest; 0 after a VM exit, 1 on VMfail, 2 on a fault. */
int khv_vmx_vmenter(unsigned long *gprs, bool launched);

#endif /* _KHV_VMCS_H */
