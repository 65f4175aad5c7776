// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding of the VMX capability MSRs (SDM Vol. 3D, Appendix A).
 *
 * Nothing here touches hardware: vmx.c reads the MSRs on each CPU and hands
 * the values over, and the KUnit suite (vmx_caps_test.c) feeds made-up ones.
 */
#include <linux/bits.h>
#include <linux/errno.h>

#include <asm/msr-index.h>
#include <asm/vmx.h>

#include "vmx_caps.h"

/*
 * IA32_VMX_BASIC fields (SDM A.1). Spelled out here because the kernel's
 * names for them moved between msr-index.h (6.1) and vmx.h (6.12).
 */
#define KHV_BASIC_REVISION_MASK		GENMASK_ULL(30, 0)
#define KHV_BASIC_REVISION_BIT31	BIT_ULL(31)	/* always 0 */
#define KHV_BASIC_SIZE_SHIFT		32
#define KHV_BASIC_SIZE_MASK		GENMASK_ULL(44, 32)
#define KHV_BASIC_32BIT_ADDR		BIT_ULL(48)	/* 0 on Intel 64 */
#define KHV_BASIC_MEMTYPE_SHIFT		50
#define KHV_BASIC_MEMTYPE_MASK		GENMASK_ULL(53, 50)
#define KHV_BASIC_MEMTYPE_WB		6
#define KHV_BASIC_TRUE_CTLS		BIT_ULL(55)

/* The VMCS region holds at least the revision id and the abort indicator. */
#define KHV_VMCS_MIN_SIZE		8
#define KHV_VMCS_MAX_SIZE		4096

/* IA32_VMX_MISC bits 4:0: the preemption timer's rate (SDM A.6). */
#define KHV_MISC_TIMER_SHIFT_MASK	GENMASK_ULL(4, 0)

/* Allowed-1 settings live in the high half of a control MSR (SDM A.3). */
static u32 allowed1(u64 msr)
{
	return msr >> 32;
}

static struct khv_vmx_ctl ctl_from_msr(u64 msr)
{
	return (struct khv_vmx_ctl){ .must_be_1 = (u32)msr,
				     .may_be_1 = allowed1(msr) };
}

int khv_vmx_read_msrs(struct khv_vmx_msrs *msrs,
		      int (*read)(u32 index, u64 *value))
{
	bool true_ctls;
	u32 proc2_may;
	int r;

	*msrs = (struct khv_vmx_msrs){};

	r = read(MSR_IA32_FEAT_CTL, &msrs->feature_control);
	if (!r)
		r = read(MSR_IA32_VMX_BASIC, &msrs->basic);
	if (r)
		return r;

	/*
	 * With BASIC bit 55 set, the TRUE_ MSRs report which "default1"
	 * controls may be 0 (SDM A.2); the others over-report them as fixed.
	 */
	true_ctls = msrs->basic & KHV_BASIC_TRUE_CTLS;
	r = read(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
			     MSR_IA32_VMX_PINBASED_CTLS, &msrs->pinbased);
	if (!r)
		r = read(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
				     MSR_IA32_VMX_PROCBASED_CTLS,
			 &msrs->procbased);
	if (!r)
		r = read(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
				     MSR_IA32_VMX_EXIT_CTLS, &msrs->exit);
	if (!r)
		r = read(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
				     MSR_IA32_VMX_ENTRY_CTLS, &msrs->entry);
	if (!r)
		r = read(MSR_IA32_VMX_MISC, &msrs->misc);
	if (!r)
		r = read(MSR_IA32_VMX_CR0_FIXED0, &msrs->cr0_fixed0);
	if (!r)
		r = read(MSR_IA32_VMX_CR0_FIXED1, &msrs->cr0_fixed1);
	if (!r)
		r = read(MSR_IA32_VMX_CR4_FIXED0, &msrs->cr4_fixed0);
	if (!r)
		r = read(MSR_IA32_VMX_CR4_FIXED1, &msrs->cr4_fixed1);
	if (r)
		return r;

	/* PROCBASED_CTLS2 exists only if secondary controls may be 1 (A.3.3). */
	if (!(allowed1(msrs->procbased) & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS))
		return 0;
	r = read(MSR_IA32_VMX_PROCBASED_CTLS2, &msrs->procbased2);
	if (r)
		return r;

	/* EPT_VPID_CAP exists only if EPT or VPID may be enabled (A.10). */
	proc2_may = allowed1(msrs->procbased2);
	if (!(proc2_may & (SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID)))
		return 0;
	return read(MSR_IA32_VMX_EPT_VPID_CAP, &msrs->ept_vpid_cap);
}

static int check_basic(u64 basic, const char **why)
{
	u64 size = (basic & KHV_BASIC_SIZE_MASK) >> KHV_BASIC_SIZE_SHIFT;
	u64 memtype = (basic & KHV_BASIC_MEMTYPE_MASK) >> KHV_BASIC_MEMTYPE_SHIFT;

	if (basic & KHV_BASIC_REVISION_BIT31) {
		*why = "VMCS revision id has bit 31 set";
		return -EIO;
	}
	if (size < KHV_VMCS_MIN_SIZE || size > KHV_VMCS_MAX_SIZE) {
		*why = "VMCS size out of range (8..4096 bytes)";
		return -EIO;
	}
	if (basic & KHV_BASIC_32BIT_ADDR) {
		*why = "VMX limited to 32-bit physical addresses";
		return -EIO;
	}
	/* khv's VMCS and VMXON pages are ordinary (write-back) memory. */
	if (memtype != KHV_BASIC_MEMTYPE_WB) {
		*why = "VMCS memory type is not write-back";
		return -EIO;
	}
	return 0;
}

/* A bit that must be 1 but may not be 1 makes a control unusable. */
static bool ctl_consistent(u64 msr)
{
	return !((u32)msr & ~allowed1(msr));
}

static int check_consistency(const struct khv_vmx_msrs *m, const char **why)
{
	if (!ctl_consistent(m->pinbased) || !ctl_consistent(m->procbased) ||
	    !ctl_consistent(m->procbased2) || !ctl_consistent(m->exit) ||
	    !ctl_consistent(m->entry)) {
		*why = "control MSR requires a bit it does not allow";
		return -EIO;
	}
	if ((m->cr0_fixed0 & ~m->cr0_fixed1) || (m->cr4_fixed0 & ~m->cr4_fixed1)) {
		*why = "CR0/CR4 fixed-bit MSRs contradict each other";
		return -EIO;
	}
	return 0;
}

/* Features khv cannot run without; the first one missing is reported. */
static int check_required(const struct khv_vmx_msrs *m, const char **why)
{
	u64 ept = m->ept_vpid_cap;

	if (!(allowed1(m->exit) & VM_EXIT_HOST_ADDR_SPACE_SIZE) ||
	    !(allowed1(m->entry) & VM_ENTRY_IA32E_MODE)) {
		*why = "no 64-bit host or guest support in VM exit/entry controls";
		return -EOPNOTSUPP;
	}
	if (!(allowed1(m->procbased) & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS)) {
		*why = "no secondary processor-based controls (EPT, unrestricted guest)";
		return -EOPNOTSUPP;
	}
	if (!(allowed1(m->procbased2) & SECONDARY_EXEC_ENABLE_EPT)) {
		*why = "no EPT";
		return -EOPNOTSUPP;
	}
	/* Real-mode and big-real-mode guests run natively only with it. */
	if (!(allowed1(m->procbased2) & SECONDARY_EXEC_UNRESTRICTED_GUEST)) {
		*why = "no unrestricted guest";
		return -EOPNOTSUPP;
	}
	if (!(ept & VMX_EPT_PAGE_WALK_4_BIT)) {
		*why = "no 4-level EPT page walk";
		return -EOPNOTSUPP;
	}
	if (!(ept & VMX_EPTP_WB_BIT)) {
		*why = "no write-back memory type for EPT paging structures";
		return -EOPNOTSUPP;
	}
	if (!(ept & VMX_EPT_INVEPT_BIT)) {
		*why = "no INVEPT";
		return -EOPNOTSUPP;
	}
	if (!(ept & (VMX_EPT_EXTENT_CONTEXT_BIT | VMX_EPT_EXTENT_GLOBAL_BIT))) {
		*why = "INVEPT has neither single-context nor all-context type";
		return -EOPNOTSUPP;
	}
	return 0;
}

int khv_vmx_caps_decode(const struct khv_vmx_msrs *msrs,
			struct khv_vmx_caps *caps, const char **why)
{
	const u64 fc_needed = FEAT_CTL_LOCKED | FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX;
	u64 vpid_cap = msrs->ept_vpid_cap >> 32;
	int r;

	*why = NULL;
	if ((msrs->feature_control & fc_needed) != fc_needed) {
		*why = "VMX disabled in IA32_FEATURE_CONTROL";
		return -EPERM;
	}
	r = check_basic(msrs->basic, why);
	if (!r)
		r = check_consistency(msrs, why);
	if (!r)
		r = check_required(msrs, why);
	if (r)
		return r;

	*caps = (struct khv_vmx_caps){
		.revision_id = msrs->basic & KHV_BASIC_REVISION_MASK,
		.vmcs_size = (msrs->basic & KHV_BASIC_SIZE_MASK) >>
			     KHV_BASIC_SIZE_SHIFT,
		.pin = ctl_from_msr(msrs->pinbased),
		.proc = ctl_from_msr(msrs->procbased),
		.proc2 = ctl_from_msr(msrs->procbased2),
		.exit = ctl_from_msr(msrs->exit),
		.entry = ctl_from_msr(msrs->entry),
		.ept_vpid_cap = msrs->ept_vpid_cap,
		.misc = msrs->misc,
		.cr0_fixed0 = msrs->cr0_fixed0,
		.cr0_fixed1 = msrs->cr0_fixed1,
		.cr4_fixed0 = msrs->cr4_fixed0,
		.cr4_fixed1 = msrs->cr4_fixed1,
	};

	/* A VPID is of no use if stale translations cannot be flushed. */
	caps->has_vpid = (caps->proc2.may_be_1 & SECONDARY_EXEC_ENABLE_VPID) &&
			 (vpid_cap & VMX_VPID_INVVPID_BIT) &&
			 (vpid_cap & VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT);
	caps->has_preemption_timer =
		caps->pin.may_be_1 & PIN_BASED_VMX_PREEMPTION_TIMER;
	if (caps->has_preemption_timer)
		caps->preemption_timer_shift =
			msrs->misc & KHV_MISC_TIMER_SHIFT_MASK;
	caps->has_tpr_shadow = caps->proc.may_be_1 & CPU_BASED_TPR_SHADOW;
	return 0;
}

int khv_vmx_ctl_value(const struct khv_vmx_ctl *ctl, u32 required,
		      u32 optional, u32 *value)
{
	if (required & ~ctl->may_be_1)
		return -EOPNOTSUPP;
	*value = ctl->must_be_1 | required | (optional & ctl->may_be_1);
	return 0;
}

static bool ctl_equal(const struct khv_vmx_ctl *a, const struct khv_vmx_ctl *b)
{
	return a->must_be_1 == b->must_be_1 && a->may_be_1 == b->may_be_1;
}

/* Field by field: the struct has padding, so memcmp() would be wrong. */
bool khv_vmx_caps_equal(const struct khv_vmx_caps *a,
			const struct khv_vmx_caps *b)
{
	return a->revision_id == b->revision_id &&
	       a->vmcs_size == b->vmcs_size &&
	       ctl_equal(&a->pin, &b->pin) &&
	       ctl_equal(&a->proc, &b->proc) &&
	       ctl_equal(&a->proc2, &b->proc2) &&
	       ctl_equal(&a->exit, &b->exit) &&
	       ctl_equal(&a->entry, &b->entry) &&
	       a->ept_vpid_cap == b->ept_vpid_cap &&
	       a->misc == b->misc &&
	       a->cr0_fixed0 == b->cr0_fixed0 &&
	       a->cr0_fixed1 == b->cr0_fixed1 &&
	       a->cr4_fixed0 == b->cr4_fixed0 &&
	       a->cr4_fixed1 == b->cr4_fixed1 &&
	       a->has_vpid == b->has_vpid &&
	       a->has_preemption_timer == b->has_preemption_timer &&
	       a->preemption_timer_shift == b->preemption_timer_shift &&
	       a->has_tpr_shadow == b->has_tpr_shadow;
}

/* FIXED0 bits must be 1, bits clear in FIXED1 must be 0. */
bool khv_vmx_cr_ok(u64 cr, u64 fixed0, u64 fixed1)
{
	return (cr & fixed0) == fixed0 && !(cr & ~fixed1);
}

bool khv_vmx_has_invept_single(const struct khv_vmx_caps *caps)
{
	return caps->ept_vpid_cap & VMX_EPT_EXTENT_CONTEXT_BIT;
}

bool khv_vmx_has_invept_all(const struct khv_vmx_caps *caps)
{
	return caps->ept_vpid_cap & VMX_EPT_EXTENT_GLOBAL_BIT;
}

bool khv_vmx_has_invvpid_all(const struct khv_vmx_caps *caps)
{
	return caps->has_vpid &&
	       ((caps->ept_vpid_cap >> 32) & VMX_VPID_EXTENT_GLOBAL_CONTEXT_BIT);
}
