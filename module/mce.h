/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's machine-check MSRs (mce.c, pure logic): an inert
 * machine-check architecture with KHV_MCE_BANKS banks that stores what is
 * written and never reports an error.
 */
#ifndef _KHV_MCE_H
#define _KHV_MCE_H

#include <linux/bits.h>
#include <linux/types.h>

/* As many banks as KVM gives a vCPU (KVM_MAX_MCE_BANKS), and MCG_CTL. */
#define KHV_MCE_BANKS		32
#define KHV_MCG_CTL_P		BIT_ULL(8)
#define KHV_MCG_CAP		(KHV_MCG_CTL_P | KHV_MCE_BANKS)

struct khv_mce {
	u64 mcg_status;
	u64 mcg_ctl;
	u64 bank[4 * KHV_MCE_BANKS];	/* MCi_CTL, _STATUS, _ADDR, _MISC */
};

/* The state after RESET: every error source enabled, no error logged. */
void khv_mce_reset(struct khv_mce *m);

/* Is @index IA32_MCG_CAP/STATUS/CTL or a bank's MSR? */
bool khv_mce_msr(u32 index);

/* 0, or 1 for #GP (a read-only or reserved value). @host: from userspace. */
int khv_mce_get(const struct khv_mce *m, u32 index, u64 *val);
int khv_mce_set(struct khv_mce *m, u32 index, u64 val, bool host);

#endif /* _KHV_MCE_H */
