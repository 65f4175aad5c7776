/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A CPUID table as KVM_SET_CPUID2 hands it over, and how a CPUID
 * instruction is answered from it (cpuid_table.c, pure logic).
 */
#ifndef _KHV_CPUID_TABLE_H
#define _KHV_CPUID_TABLE_H

#include <linux/kvm.h>
#include <linux/types.h>

/* KVM's bound on KVM_SET_CPUID2 (KVM_MAX_CPUID_ENTRIES). */
#define KHV_CPUID_MAX_NENT	256

struct khv_cpuid_table {
	u32 nent;
	struct kvm_cpuid_entry2 entries[];
};

/* Registers of one answer, in the order EAX, EBX, ECX, EDX. */
enum { KHV_EAX, KHV_EBX, KHV_ECX, KHV_EDX, KHV_NR_CPUID_REGS };

/* Does @leaf take a subleaf in ECX (KVM_CPUID_FLAG_SIGNIFCANT_INDEX)? */
bool khv_cpuid_leaf_indexed(u32 leaf);

/*
 * The entry for @leaf/@subleaf: the subleaf counts only for entries flagged
 * KVM_CPUID_FLAG_SIGNIFCANT_INDEX. NULL if there is none.
 */
const struct kvm_cpuid_entry2 *
khv_cpuid_find(const struct kvm_cpuid_entry2 *e, u32 nent, u32 leaf,
	       u32 subleaf);

/* What khv_cpuid_query() returns when no entry answered. */
#define KHV_CPUID_NO_ENTRY	0xffffffffu

/*
 * What CPUID(@leaf, @subleaf) returns with table @e (Intel rules, see
 * cpuid_table.c). Returns the leaf of the entry that answered (not @leaf
 * when an out-of-range leaf was redirected), or KHV_CPUID_NO_ENTRY if none
 * did, so the caller knows which bits follow vCPU state.
 */
u32 khv_cpuid_query(const struct kvm_cpuid_entry2 *e, u32 nent, u32 leaf,
		    u32 subleaf, u32 regs[KHV_NR_CPUID_REGS]);

/* Same entries in the same order; the padding does not count (as KVM). */
bool khv_cpuid_entries_equal(const struct kvm_cpuid_entry2 *a,
			     const struct kvm_cpuid_entry2 *b);

#endif /* _KHV_CPUID_TABLE_H */
