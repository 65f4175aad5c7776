/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding of the VMX capability MSRs (SDM Vol. 3D, Appendix A) into what khv
 * needs. Pure logic: no MSR access, so KUnit can feed it hand-made values.
 */
#ifndef _KHV_VMX_CAPS_H
#define _KHV_VMX_CAPS_H

#include <linux/types.h>

/* Raw capability MSRs as read on one CPU. */
struct khv_vmx_msrs {
	u64 feature_control;		/* IA32_FEATURE_CONTROL */
	u64 basic;			/* IA32_VMX_BASIC */
	u64 pinbased;			/* TRUE_ variants when BASIC bit 55 */
	u64 procbased;
	u64 procbased2;			/* 0 when secondary controls absent */
	u64 exit;
	u64 entry;
	u64 misc;
	u64 cr0_fixed0, cr0_fixed1;
	u64 cr4_fixed0, cr4_fixed1;
	u64 ept_vpid_cap;		/* 0 when neither EPT nor VPID */
};

/* One VM-execution/exit/entry control: bits that must be 1, bits that may be 1. */
struct khv_vmx_ctl {
	u32 must_be_1;			/* allowed-0 settings (low half) */
	u32 may_be_1;			/* allowed-1 settings (high half) */
};

/* The capabilities all CPUs agreed on; filled once at load. */
struct khv_vmx_caps {
	u32 revision_id;
	u32 vmcs_size;
	struct khv_vmx_ctl pin, proc, proc2, exit, entry;
	u64 ept_vpid_cap;
	u64 misc;
	u64 cr0_fixed0, cr0_fixed1;
	u64 cr4_fixed0, cr4_fixed1;
	bool has_vpid;			/* VPID and INVVPID single-context */
	bool has_preemption_timer;
	u8 preemption_timer_shift;	/* timer ticks every 2^shift TSC cycles */
	bool has_tpr_shadow;
};

/*
 * Reads the capability MSRs through @read (returns 0 or -errno, like
 * rdmsrl_safe()), choosing the TRUE_ control MSRs when IA32_VMX_BASIC bit 55
 * says they exist and skipping MSRs the CPU does not have (SDM A.1, A.3.3,
 * A.10). IA32_FEATURE_CONTROL is read as well.
 */
int khv_vmx_read_msrs(struct khv_vmx_msrs *msrs,
		      int (*read)(u32 index, u64 *value));

/*
 * Checks everything khv requires and fills @caps. Returns 0, or a negative
 * errno with *@why naming the first missing requirement in a few words:
 *   -EPERM	 VMX disabled and locked in IA32_FEATURE_CONTROL
 *   -EOPNOTSUPP a required feature is missing (EPT, unrestricted guest, ...)
 *   -EIO	 the MSRs hold values the SDM rules out (bad VMCS size, ...)
 */
int khv_vmx_caps_decode(const struct khv_vmx_msrs *msrs,
			struct khv_vmx_caps *caps, const char **why);
/*
 * The value of one control field: bits the CPU forces to 1, plus @required
 * (-EOPNOTSUPP if the CPU cannot set one of them), plus those bits of
 * @optional the CPU allows; other optional bits are dropped.
 */
int khv_vmx_ctl_value(const struct khv_vmx_ctl *ctl, u32 required,
		      u32 optional, u32 *value);
bool khv_vmx_caps_equal(const struct khv_vmx_caps *a,
			const struct khv_vmx_caps *b);

/* Whether @cr obeys IA32_VMX_CR0/CR4_FIXED0/1 (SDM A.7, A.8). */
bool khv_vmx_cr_ok(u64 cr, u64 fixed0, u64 fixed1);

/* INVEPT/INVVPID types, decoded from ept_vpid_cap for the VMCS code. */
bool khv_vmx_has_invept_single(const struct khv_vmx_caps *caps);
bool khv_vmx_has_invept_all(const struct khv_vmx_caps *caps);
bool khv_vmx_has_invvpid_all(const struct khv_vmx_caps *caps);

#endif /* _KHV_VMX_CAPS_H */
