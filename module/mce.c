// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's machine-check MSRs (SDM Vol. 3B, 15.3 "Machine-Check MSRs").
 *
 * khv's CPUID offers no MCE/MCA and it has no KVM_CAP_MCE, yet QEMU adds
 * MCE and MCA to what it takes from KVM_GET_SUPPORTED_CPUID (its
 * kvm_arch_get_supported_cpuid() forces them for old KVMs), gives its vCPUs
 * ten banks of its own and writes IA32_MCG_STATUS, IA32_MCG_CTL and each
 * bank's four MSRs at every reset, then reads them back, asserting all went
 * through (measured with QEMU 7.2 on khv). So the MSRs exist: 32 banks as
 * KVM's default, IA32_MCG_CTL present, values stored and checked as the
 * SDM says, and no machine check is ever logged or raised. Pure logic,
 * covered by the KUnit suite mce_test.c.
 */
#include <asm/msr-index.h>

#include "mce.h"

#define KHV_MC_FIRST	MSR_IA32_MC0_CTL
#define KHV_MC_LAST	(MSR_IA32_MC0_CTL + 4 * KHV_MCE_BANKS - 1)

enum { KHV_MC_CTL, KHV_MC_STATUS, KHV_MC_ADDR, KHV_MC_MISC };

void khv_mce_reset(struct khv_mce *m)
{
	int i;

	m->mcg_status = 0;
	m->mcg_ctl = ~0ULL;
	for (i = 0; i < 4 * KHV_MCE_BANKS; i++)
		m->bank[i] = (i % 4 == KHV_MC_CTL) ? ~0ULL : 0;
}

bool khv_mce_msr(u32 index)
{
	return index == MSR_IA32_MCG_CAP || index == MSR_IA32_MCG_STATUS ||
	       index == MSR_IA32_MCG_CTL ||
	       (index >= KHV_MC_FIRST && index <= KHV_MC_LAST);
}

int khv_mce_get(const struct khv_mce *m, u32 index, u64 *val)
{
	switch (index) {
	case MSR_IA32_MCG_CAP:
		*val = KHV_MCG_CAP;
		return 0;
	case MSR_IA32_MCG_STATUS:
		*val = m->mcg_status;
		return 0;
	case MSR_IA32_MCG_CTL:
		*val = m->mcg_ctl;
		return 0;
	case KHV_MC_FIRST ... KHV_MC_LAST:
		*val = m->bank[index - KHV_MC_FIRST];
		return 0;
	default:
		return 1;
	}
}

/*
 * IA32_MCG_CTL enables all or nothing (0 or all ones). IA32_MCi_CTL too,
 * except that operating systems clear bit 0 or bit 10 on some CPUs as an
 * erratum workaround, which KVM accepts as well. A guest may only clear
 * IA32_MCi_STATUS (writing anything else is #GP on Intel CPUs); userspace
 * restores any value.
 */
int khv_mce_set(struct khv_mce *m, u32 index, u64 val, bool host)
{
	u32 reg;

	switch (index) {
	case MSR_IA32_MCG_STATUS:
		m->mcg_status = val;
		return 0;
	case MSR_IA32_MCG_CTL:
		if (val && val != ~0ULL)
			return 1;
		m->mcg_ctl = val;
		return 0;
	case KHV_MC_FIRST ... KHV_MC_LAST:
		reg = (index - KHV_MC_FIRST) % 4;
		if (reg == KHV_MC_CTL && val && (val | BIT_ULL(10) | 1) != ~0ULL)
			return 1;
		if (reg == KHV_MC_STATUS && val && !host)
			return 1;
		m->bank[index - KHV_MC_FIRST] = val;
		return 0;
	default:
		/* IA32_MCG_CAP is read-only. */
		return 1;
	}
}
