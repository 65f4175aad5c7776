// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the CPUID table lookup (cpuid_table.c): exact and indexed
 * entries, the Intel redirection of out-of-range leaves to the highest basic
 * leaf (basic, extended and hypervisor ranges, a missing range, AMD vendors),
 * zeros inside a range, the x2APIC-topology leaves and the comparison KVM
 * uses for KVM_SET_CPUID2 after KVM_RUN.
 */
#include <kunit/test.h>

#include "cpuid_table.c"

#define SIG	KVM_CPUID_FLAG_SIGNIFCANT_INDEX

/* "GenuineIntel", max basic 0xd, extended up to 0x80000008, KVM-like HV leaves. */
static const struct kvm_cpuid_entry2 intel[] = {
	{ .function = 0, .eax = 0xd, .ebx = 0x756e6547, .ecx = 0x6c65746e,
	  .edx = 0x49656e69 },
	{ .function = 1, .eax = 0x306c3, .ebx = 0x10800, .ecx = 0x80000001,
	  .edx = 0x200 },
	{ .function = 4, .index = 0, .flags = SIG, .eax = 0x121 },
	{ .function = 4, .index = 1, .flags = SIG, .eax = 0x122 },
	{ .function = 7, .index = 0, .flags = SIG, .ebx = 0x25ab },
	{ .function = 0xb, .index = 0, .flags = SIG, .eax = 1, .ecx = 0x100,
	  .edx = 5 },
	{ .function = 0xb, .index = 1, .flags = SIG, .eax = 4, .ecx = 0x201,
	  .edx = 5 },
	{ .function = 0xd, .index = 0, .flags = SIG, .eax = 7, .ebx = 0x340 },
	{ .function = 0xd, .index = 1, .flags = SIG, .eax = 1 },
	{ .function = 0x80000000, .eax = 0x80000008 },
	{ .function = 0x80000001, .ecx = 0x21, .edx = 0x2c100800 },
	{ .function = 0x80000008, .eax = 0x3028 },
	{ .function = 0x40000000, .eax = 0x40000001, .ebx = 0x4b56484b },
	{ .function = 0x40000001, .eax = 0 },
};

static u32 q(const struct kvm_cpuid_entry2 *t, u32 n, u32 leaf, u32 sub,
	     u32 r[KHV_NR_CPUID_REGS])
{
	return khv_cpuid_query(t, n, leaf, sub, r);
}

static void cpuid_test_exact(struct kunit *test)
{
	u32 r[KHV_NR_CPUID_REGS];

	KUNIT_EXPECT_EQ(test, 1u, q(intel, ARRAY_SIZE(intel), 1, 0, r));
	KUNIT_EXPECT_EQ(test, 0x306c3u, r[KHV_EAX]);
	KUNIT_EXPECT_EQ(test, 0x10800u, r[KHV_EBX]);
	KUNIT_EXPECT_EQ(test, 0x80000001u, r[KHV_ECX]);
	KUNIT_EXPECT_EQ(test, 0x200u, r[KHV_EDX]);
	/* Not indexed: ECX is ignored. */
	q(intel, ARRAY_SIZE(intel), 1, 7, r);
	KUNIT_EXPECT_EQ(test, 0x306c3u, r[KHV_EAX]);
	q(intel, ARRAY_SIZE(intel), 0x80000008, 3, r);
	KUNIT_EXPECT_EQ(test, 0x3028u, r[KHV_EAX]);
}

static void cpuid_test_indexed(struct kunit *test)
{
	u32 r[KHV_NR_CPUID_REGS];

	q(intel, ARRAY_SIZE(intel), 4, 1, r);
	KUNIT_EXPECT_EQ(test, 0x122u, r[KHV_EAX]);
	q(intel, ARRAY_SIZE(intel), 0xd, 1, r);
	KUNIT_EXPECT_EQ(test, 1u, r[KHV_EAX]);
	/* A subleaf the table lacks, inside the range: zeros. */
	KUNIT_EXPECT_EQ(test, KHV_CPUID_NO_ENTRY, q(intel, ARRAY_SIZE(intel), 4, 5, r));
	KUNIT_EXPECT_EQ(test, 0u, r[KHV_EAX] | r[KHV_EBX] | r[KHV_ECX] | r[KHV_EDX]);
	q(intel, ARRAY_SIZE(intel), 7, 1, r);
	KUNIT_EXPECT_EQ(test, 0u, r[KHV_EAX] | r[KHV_EBX] | r[KHV_ECX] | r[KHV_EDX]);
	KUNIT_EXPECT_TRUE(test, khv_cpuid_leaf_indexed(0xd));
	KUNIT_EXPECT_TRUE(test, khv_cpuid_leaf_indexed(0x1f));
	KUNIT_EXPECT_FALSE(test, khv_cpuid_leaf_indexed(1));
	KUNIT_EXPECT_FALSE(test, khv_cpuid_leaf_indexed(0x80000008));
}

static void cpuid_test_missing_in_range(struct kunit *test)
{
	u32 r[KHV_NR_CPUID_REGS];

	/* Leaf 3 and 0x80000005 are within their maximum: zeros. */
	KUNIT_EXPECT_EQ(test, KHV_CPUID_NO_ENTRY, q(intel, ARRAY_SIZE(intel), 3, 0, r));
	KUNIT_EXPECT_EQ(test, 0u, r[KHV_EAX] | r[KHV_EBX] | r[KHV_ECX] | r[KHV_EDX]);
	KUNIT_EXPECT_EQ(test, KHV_CPUID_NO_ENTRY,
			q(intel, ARRAY_SIZE(intel), 0x80000005, 0, r));
	KUNIT_EXPECT_EQ(test, 0u, r[KHV_EAX] | r[KHV_EBX] | r[KHV_ECX] | r[KHV_EDX]);
}

static void cpuid_test_out_of_range(struct kunit *test)
{
	u32 r[KHV_NR_CPUID_REGS];

	/* Beyond each maximum: the highest basic leaf (0xd), same subleaf. */
	KUNIT_EXPECT_EQ(test, 0xdu, q(intel, ARRAY_SIZE(intel), 0xe, 0, r));
	KUNIT_EXPECT_EQ(test, 7u, r[KHV_EAX]);
	KUNIT_EXPECT_EQ(test, 0x340u, r[KHV_EBX]);
	KUNIT_EXPECT_EQ(test, 0xdu, q(intel, ARRAY_SIZE(intel), 0x80000009, 1, r));
	KUNIT_EXPECT_EQ(test, 1u, r[KHV_EAX]);
	KUNIT_EXPECT_EQ(test, 0xdu, q(intel, ARRAY_SIZE(intel), 0x40000002, 0, r));
	KUNIT_EXPECT_EQ(test, 7u, r[KHV_EAX]);
	/* A hypervisor block and a Centaur range the table does not have. */
	KUNIT_EXPECT_EQ(test, 0xdu, q(intel, ARRAY_SIZE(intel), 0x40000100, 0, r));
	KUNIT_EXPECT_EQ(test, 0xdu, q(intel, ARRAY_SIZE(intel), 0xc0000000, 0, r));
	/* The subleaf asked for is kept: 0xd.5 does not exist, so zeros. */
	KUNIT_EXPECT_EQ(test, KHV_CPUID_NO_ENTRY, q(intel, ARRAY_SIZE(intel), 0x20, 5, r));
	KUNIT_EXPECT_EQ(test, 0u, r[KHV_EAX] | r[KHV_EBX] | r[KHV_ECX] | r[KHV_EDX]);
}

static void cpuid_test_amd_and_empty(struct kunit *test)
{
	struct kvm_cpuid_entry2 amd[ARRAY_SIZE(intel)];
	u32 r[KHV_NR_CPUID_REGS];

	memcpy(amd, intel, sizeof(amd));
	amd[0].ebx = 0x68747541;	/* "AuthenticAMD" */
	amd[0].edx = 0x69746e65;
	amd[0].ecx = 0x444d4163;
	KUNIT_EXPECT_EQ(test, KHV_CPUID_NO_ENTRY, q(amd, ARRAY_SIZE(amd), 0xe, 0, r));
	KUNIT_EXPECT_EQ(test, 0u, r[KHV_EAX] | r[KHV_EBX] | r[KHV_ECX] | r[KHV_EDX]);
	/* No leaf 0: nothing to redirect to. */
	KUNIT_EXPECT_EQ(test, KHV_CPUID_NO_ENTRY,
			q(intel + 1, ARRAY_SIZE(intel) - 1, 0x42, 0, r));
	KUNIT_EXPECT_EQ(test, 0u, r[KHV_EAX] | r[KHV_EBX] | r[KHV_ECX] | r[KHV_EDX]);
	/* An empty table (KVM_SET_CPUID2 with nent 0) answers zeros. */
	KUNIT_EXPECT_EQ(test, KHV_CPUID_NO_ENTRY, q(intel, 0, 0, 0, r));
	KUNIT_EXPECT_EQ(test, 0u, r[KHV_EAX] | r[KHV_EBX] | r[KHV_ECX] | r[KHV_EDX]);
}

static void cpuid_test_topology(struct kunit *test)
{
	u32 r[KHV_NR_CPUID_REGS];

	/* 0xb.7 is missing: ECX[7:0] = 7, EDX = the x2APIC ID of 0xb.1. */
	KUNIT_EXPECT_EQ(test, KHV_CPUID_NO_ENTRY, q(intel, ARRAY_SIZE(intel), 0xb, 7, r));
	KUNIT_EXPECT_EQ(test, 0u, r[KHV_EAX]);
	KUNIT_EXPECT_EQ(test, 0u, r[KHV_EBX]);
	KUNIT_EXPECT_EQ(test, 7u, r[KHV_ECX]);
	KUNIT_EXPECT_EQ(test, 5u, r[KHV_EDX]);
	q(intel, ARRAY_SIZE(intel), 0xb, 0x123, r);
	KUNIT_EXPECT_EQ(test, 0x23u, r[KHV_ECX]);
	/* Without subleaf 1 the leaf is not implemented: zeros. */
	q(intel, 6, 0xb, 7, r);
	KUNIT_EXPECT_EQ(test, 0u, r[KHV_EAX] | r[KHV_EBX] | r[KHV_ECX] | r[KHV_EDX]);
}

static void cpuid_test_find_and_equal(struct kunit *test)
{
	struct kvm_cpuid_entry2 a = intel[1], b = intel[1];

	KUNIT_EXPECT_PTR_EQ(test, &intel[3],
			    khv_cpuid_find(intel, ARRAY_SIZE(intel), 4, 1));
	KUNIT_EXPECT_NULL(test, khv_cpuid_find(intel, ARRAY_SIZE(intel), 4, 2));
	KUNIT_EXPECT_NULL(test, khv_cpuid_find(intel, ARRAY_SIZE(intel), 0x15, 0));
	/* The first of two entries for a leaf wins. */
	KUNIT_EXPECT_PTR_EQ(test, &intel[0],
			    khv_cpuid_find(intel, ARRAY_SIZE(intel), 0, 3));

	KUNIT_EXPECT_TRUE(test, khv_cpuid_entries_equal(&a, &b));
	b.padding[0] = 1;		/* padding does not count */
	KUNIT_EXPECT_TRUE(test, khv_cpuid_entries_equal(&a, &b));
	b.flags = SIG;
	KUNIT_EXPECT_FALSE(test, khv_cpuid_entries_equal(&a, &b));
	b = a;
	b.edx ^= 1;
	KUNIT_EXPECT_FALSE(test, khv_cpuid_entries_equal(&a, &b));
	b = a;
	b.index = 1;
	KUNIT_EXPECT_FALSE(test, khv_cpuid_entries_equal(&a, &b));
}

static struct kunit_case cpuid_table_test_cases[] = {
	KUNIT_CASE(cpuid_test_exact),
	KUNIT_CASE(cpuid_test_indexed),
	KUNIT_CASE(cpuid_test_missing_in_range),
	KUNIT_CASE(cpuid_test_out_of_range),
	KUNIT_CASE(cpuid_test_amd_and_empty),
	KUNIT_CASE(cpuid_test_topology),
	KUNIT_CASE(cpuid_test_find_and_equal),
	{}
};

static struct kunit_suite cpuid_table_test_suite = {
	.name = "khv_cpuid_table",
	.test_cases = cpuid_table_test_cases,
};

kunit_test_suites(&cpuid_table_test_suite);
