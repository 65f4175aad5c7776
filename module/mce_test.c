// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the guest machine-check MSRs (mce.c): which MSRs they
 * are, the reset state, read-only MCG_CAP, the all-or-nothing control
 * registers, and MCi_STATUS that only userspace may set.
 */
#include <kunit/test.h>

#include "mce.c"

static void mce_test_msrs(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, khv_mce_msr(MSR_IA32_MCG_CAP));
	KUNIT_EXPECT_TRUE(test, khv_mce_msr(MSR_IA32_MCG_STATUS));
	KUNIT_EXPECT_TRUE(test, khv_mce_msr(MSR_IA32_MCG_CTL));
	KUNIT_EXPECT_TRUE(test, khv_mce_msr(0x400));
	KUNIT_EXPECT_TRUE(test, khv_mce_msr(0x47f));	/* MC31_MISC */
	KUNIT_EXPECT_FALSE(test, khv_mce_msr(0x480));	/* a VMX MSR */
	KUNIT_EXPECT_FALSE(test, khv_mce_msr(0x3ff));
	KUNIT_EXPECT_FALSE(test, khv_mce_msr(0x4d0));	/* MCG_EXT_CTL: no LMCE */
}

/* The banks are 1 KiB: on the heap, not on a kernel stack. */
static struct khv_mce *mce_new(struct kunit *test)
{
	struct khv_mce *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	memset(m, 0x5a, sizeof(*m));
	khv_mce_reset(m);
	return m;
}

static void mce_test_reset(struct kunit *test)
{
	struct khv_mce *m = mce_new(test);
	u64 v;

	KUNIT_EXPECT_EQ(test, 0, khv_mce_get(m, MSR_IA32_MCG_CAP, &v));
	KUNIT_EXPECT_EQ(test, 0x120ull, v);
	khv_mce_get(m, MSR_IA32_MCG_STATUS, &v);
	KUNIT_EXPECT_EQ(test, 0ull, v);
	khv_mce_get(m, MSR_IA32_MCG_CTL, &v);
	KUNIT_EXPECT_EQ(test, ~0ull, v);
	khv_mce_get(m, 0x47c, &v);			/* MC31_CTL */
	KUNIT_EXPECT_EQ(test, ~0ull, v);
	khv_mce_get(m, 0x401, &v);			/* MC0_STATUS */
	KUNIT_EXPECT_EQ(test, 0ull, v);
	khv_mce_get(m, 0x47f, &v);
	KUNIT_EXPECT_EQ(test, 0ull, v);
}

static void mce_test_controls(struct kunit *test)
{
	struct khv_mce *m = mce_new(test);
	u64 v;

	KUNIT_EXPECT_EQ(test, 1, khv_mce_set(m, MSR_IA32_MCG_CAP, 0x120, true));
	KUNIT_EXPECT_EQ(test, 0, khv_mce_set(m, MSR_IA32_MCG_CTL, 0, false));
	KUNIT_EXPECT_EQ(test, 1, khv_mce_set(m, MSR_IA32_MCG_CTL, 1, true));
	khv_mce_get(m, MSR_IA32_MCG_CTL, &v);
	KUNIT_EXPECT_EQ(test, 0ull, v);
	KUNIT_EXPECT_EQ(test, 0, khv_mce_set(m, MSR_IA32_MCG_CTL, ~0ull, true));
	KUNIT_EXPECT_EQ(test, 0, khv_mce_set(m, MSR_IA32_MCG_STATUS, 5, false));

	/* MCi_CTL: 0, all ones, all ones but bit 0 and/or 10. */
	KUNIT_EXPECT_EQ(test, 0, khv_mce_set(m, 0x404, 0, false));
	KUNIT_EXPECT_EQ(test, 0, khv_mce_set(m, 0x404, ~0ull & ~BIT_ULL(10), false));
	KUNIT_EXPECT_EQ(test, 0, khv_mce_set(m, 0x404, ~0ull & ~1ull, true));
	KUNIT_EXPECT_EQ(test, 1, khv_mce_set(m, 0x404, 0xff, true));
	KUNIT_EXPECT_EQ(test, 1, khv_mce_set(m, 0x404, ~0ull & ~BIT_ULL(2), false));
	khv_mce_get(m, 0x404, &v);
	KUNIT_EXPECT_EQ(test, ~0ull & ~1ull, v);
}

static void mce_test_status(struct kunit *test)
{
	struct khv_mce *m = mce_new(test);
	u64 v;

	/* The guest may clear a bank's status only; userspace restores any. */
	KUNIT_EXPECT_EQ(test, 1, khv_mce_set(m, 0x405, BIT_ULL(63), false));
	KUNIT_EXPECT_EQ(test, 0, khv_mce_set(m, 0x405, BIT_ULL(63), true));
	khv_mce_get(m, 0x405, &v);
	KUNIT_EXPECT_EQ(test, BIT_ULL(63), v);
	KUNIT_EXPECT_EQ(test, 0, khv_mce_set(m, 0x405, 0, false));
	/* ADDR and MISC take any value. */
	KUNIT_EXPECT_EQ(test, 0, khv_mce_set(m, 0x406, 0x12345678, false));
	KUNIT_EXPECT_EQ(test, 0, khv_mce_set(m, 0x407, 0x9abc, false));
	khv_mce_get(m, 0x406, &v);
	KUNIT_EXPECT_EQ(test, 0x12345678ull, v);
	khv_mce_get(m, 0x407, &v);
	KUNIT_EXPECT_EQ(test, 0x9abcull, v);
}

static struct kunit_case mce_test_cases[] = {
	KUNIT_CASE(mce_test_msrs),
	KUNIT_CASE(mce_test_reset),
	KUNIT_CASE(mce_test_controls),
	KUNIT_CASE(mce_test_status),
	{}
};

static struct kunit_suite mce_test_suite = {
	.name = "khv_mce",
	.test_cases = mce_test_cases,
};

kunit_test_suites(&mce_test_suite);
