// SPDX-License-Identifier: GPL-2.0
/*
 * Answering CPUID from a table of struct kvm_cpuid_entry2, the form
 * KVM_SET_CPUID2 takes and khv's own default table has. Pure logic (no
 * hardware access), so the KUnit suite cpuid_table_test.c covers it.
 *
 * A leaf the table has is answered from its entry. One it lacks is answered
 * as an Intel CPU answers a leaf beyond its maximum (SDM Vol. 2A, CPUID,
 * "If a value entered for CPUID.EAX is higher than the maximum input value
 * for basic or extended function for that processor then the data for the
 * highest basic information leaf is returned"), which is also what KVM does
 * with the table userspace gave it (measured with kvm_intel 6.12):
 *  - the maximum of a range is EAX of the range's first leaf: 0 for the
 *    basic leaves, 0x80000000 for the extended ones, 0x400000x0 for each
 *    block of 256 hypervisor leaves, 0xc0000000 for Centaur's;
 *  - a leaf above that maximum, or in a range whose first leaf is missing,
 *    takes the entry of the highest basic leaf (EAX of leaf 0) with the
 *    subleaf asked for;
 *  - a leaf within its range that the table lacks reads as zeros;
 *  - AMD CPUs return zeros instead of redirecting, so a table that names an
 *    AMD or Hygon vendor in leaf 0 is not redirected;
 *  - leaves 0xb and 0x1f (x2APIC topology) return, for a missing subleaf,
 *    the subleaf in ECX[7:0] and the x2APIC ID in EDX (SDM: "EDX is the
 *    x2APIC ID of the current logical processor" for every subleaf), taken
 *    from subleaf 1 when the table has it.
 */
#include <linux/string.h>

#include "cpuid_table.h"

bool khv_cpuid_leaf_indexed(u32 leaf)
{
	switch (leaf) {
	case 0x4:		/* deterministic cache parameters */
	case 0x7:		/* structured extended features */
	case 0xb:		/* x2APIC topology */
	case 0xd:		/* XSAVE components */
	case 0xf:		/* RDT monitoring */
	case 0x10:		/* RDT allocation */
	case 0x12:		/* SGX */
	case 0x14:		/* processor trace */
	case 0x17:		/* SoC vendor */
	case 0x18:		/* TLB parameters */
	case 0x1d:		/* tile information */
	case 0x1e:		/* TMUL information */
	case 0x1f:		/* V2 extended topology */
	case 0x24:		/* AVX10 */
	case 0x8000001d:	/* AMD cache topology */
	case 0x80000020:	/* AMD platform QoS */
		return true;
	default:
		return false;
	}
}

const struct kvm_cpuid_entry2 *
khv_cpuid_find(const struct kvm_cpuid_entry2 *e, u32 nent, u32 leaf,
	       u32 subleaf)
{
	u32 i;

	for (i = 0; i < nent; i++) {
		if (e[i].function != leaf)
			continue;
		if ((e[i].flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) &&
		    e[i].index != subleaf)
			continue;
		return &e[i];
	}
	return NULL;
}

/* "AuthenticAMD" and "HygonGenuine" in EBX, EDX, ECX of leaf 0. */
static bool khv_cpuid_vendor_amd(const struct kvm_cpuid_entry2 *basic)
{
	return (basic->ebx == 0x68747541 && basic->edx == 0x69746e65 &&
		basic->ecx == 0x444d4163) ||
	       (basic->ebx == 0x6f677948 && basic->edx == 0x6e65476e &&
		basic->ecx == 0x656e6975);
}

/* The first leaf of @leaf's range, whose EAX is the range's maximum. */
static u32 khv_cpuid_range_base(u32 leaf)
{
	if (leaf >= 0x40000000 && leaf <= 0x4fffffff)
		return leaf & 0xffffff00;
	if (leaf >= 0xc0000000)
		return 0xc0000000;
	return leaf & 0x80000000;
}

/*
 * For a leaf the table lacks: the highest basic leaf if @leaf is beyond its
 * range's maximum (Intel), else @leaf itself.
 */
static u32 khv_cpuid_redirect(const struct kvm_cpuid_entry2 *e, u32 nent,
			      u32 leaf)
{
	const struct kvm_cpuid_entry2 *basic = khv_cpuid_find(e, nent, 0, 0);
	const struct kvm_cpuid_entry2 *range;

	if (!basic || khv_cpuid_vendor_amd(basic))
		return leaf;
	range = khv_cpuid_find(e, nent, khv_cpuid_range_base(leaf), 0);
	if (range && leaf <= range->eax)
		return leaf;
	return basic->eax;
}

u32 khv_cpuid_query(const struct kvm_cpuid_entry2 *e, u32 nent, u32 leaf,
		    u32 subleaf, u32 regs[KHV_NR_CPUID_REGS])
{
	const struct kvm_cpuid_entry2 *hit = khv_cpuid_find(e, nent, leaf,
							     subleaf);

	if (!hit) {
		leaf = khv_cpuid_redirect(e, nent, leaf);
		hit = khv_cpuid_find(e, nent, leaf, subleaf);
	}
	memset(regs, 0, KHV_NR_CPUID_REGS * sizeof(regs[0]));
	if (hit) {
		regs[KHV_EAX] = hit->eax;
		regs[KHV_EBX] = hit->ebx;
		regs[KHV_ECX] = hit->ecx;
		regs[KHV_EDX] = hit->edx;
		return leaf;
	}
	if (leaf == 0xb || leaf == 0x1f) {
		hit = khv_cpuid_find(e, nent, leaf, 1);
		if (hit) {
			regs[KHV_ECX] = subleaf & 0xff;
			regs[KHV_EDX] = hit->edx;
		}
	}
	return KHV_CPUID_NO_ENTRY;
}

bool khv_cpuid_entries_equal(const struct kvm_cpuid_entry2 *a,
			     const struct kvm_cpuid_entry2 *b)
{
	return a->function == b->function && a->index == b->index &&
	       a->flags == b->flags && a->eax == b->eax && a->ebx == b->ebx &&
	       a->ecx == b->ecx && a->edx == b->edx;
}
