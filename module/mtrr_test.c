// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the guest MTRRs (mtrr.c): which MSRs are MTRRs, the
 * read-only MTRRCAP, the checks of DEF_TYPE, the fixed ranges and the
 * variable base/mask pairs against the memory types and MAXPHYADDR.
 */
#include <kunit/test.h>

#include "mtrr.c"

static void mtrr_test_msrs(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, khv_mtrr_msr(MSR_MTRRcap));
	KUNIT_EXPECT_TRUE(test, khv_mtrr_msr(MSR_MTRRdefType));
	KUNIT_EXPECT_TRUE(test, khv_mtrr_msr(MSR_MTRRfix64K_00000));
	KUNIT_EXPECT_TRUE(test, khv_mtrr_msr(MSR_MTRRfix4K_F8000));
	KUNIT_EXPECT_TRUE(test, khv_mtrr_msr(0x200));
	KUNIT_EXPECT_TRUE(test, khv_mtrr_msr(0x20f));
	KUNIT_EXPECT_FALSE(test, khv_mtrr_msr(0x210));	/* only 8 pairs */
	KUNIT_EXPECT_FALSE(test, khv_mtrr_msr(0x1ff));
	KUNIT_EXPECT_FALSE(test, khv_mtrr_msr(0x251));
	KUNIT_EXPECT_FALSE(test, khv_mtrr_msr(MSR_IA32_CR_PAT));
}

static void mtrr_test_cap(struct kunit *test)
{
	struct khv_mtrr m = {};
	u64 v;

	KUNIT_EXPECT_EQ(test, 0, khv_mtrr_get(&m, MSR_MTRRcap, &v));
	KUNIT_EXPECT_EQ(test, 0x508ull, v);	/* WC, FIX, VCNT 8 */
	KUNIT_EXPECT_EQ(test, 1, khv_mtrr_set(&m, MSR_MTRRcap, 0x508, 40));
	KUNIT_EXPECT_EQ(test, 1, khv_mtrr_get(&m, 0x210, &v));
	KUNIT_EXPECT_EQ(test, 1, khv_mtrr_set(&m, 0x210, 0, 40));
}

static void mtrr_test_def_type(struct kunit *test)
{
	static const struct { u64 val; int r; } cases[] = {
		{ 0xc06, 0 }, { 0x806, 0 }, { 0x406, 0 }, { 0x0, 0 },
		{ 0x801, 0 }, { 0x804, 0 }, { 0x805, 0 },
		{ 0x802, 1 }, { 0x803, 1 }, { 0x807, 1 }, { 0x8ff, 1 },
		{ 0x1000, 1 }, { 0x100, 1 }, { BIT_ULL(63) | 6, 1 },
	};
	struct khv_mtrr m = {};
	unsigned int i;
	u64 v, want;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		m.def_type = 0x55;
		want = 0x55;		/* unchanged when refused */
		if (!cases[i].r)
			want = cases[i].val;
		KUNIT_EXPECT_EQ_MSG(test, cases[i].r,
				    khv_mtrr_set(&m, MSR_MTRRdefType, cases[i].val, 40),
				    "value %#llx", cases[i].val);
		khv_mtrr_get(&m, MSR_MTRRdefType, &v);
		KUNIT_EXPECT_EQ(test, want, v);
	}
}

static void mtrr_test_fixed(struct kunit *test)
{
	struct khv_mtrr m = {};
	u64 v;

	KUNIT_EXPECT_EQ(test, 0, khv_mtrr_set(&m, MSR_MTRRfix16K_A0000,
					      0x0606060600000000ull, 40));
	KUNIT_EXPECT_EQ(test, 0, khv_mtrr_get(&m, MSR_MTRRfix16K_A0000, &v));
	KUNIT_EXPECT_EQ(test, 0x0606060600000000ull, v);
	KUNIT_EXPECT_EQ(test, 0, khv_mtrr_set(&m, MSR_MTRRfix4K_C0000,
					      0x0605040106050401ull, 40));
	/* Type 2 in any byte, type 7, or a byte above 6: #GP, unchanged. */
	KUNIT_EXPECT_EQ(test, 1, khv_mtrr_set(&m, MSR_MTRRfix16K_A0000,
					      0x0202020202020202ull, 40));
	KUNIT_EXPECT_EQ(test, 1, khv_mtrr_set(&m, MSR_MTRRfix16K_A0000,
					      0x0700000000000000ull, 40));
	KUNIT_EXPECT_EQ(test, 1, khv_mtrr_set(&m, MSR_MTRRfix16K_A0000,
					      0x0000000000000010ull, 40));
	khv_mtrr_get(&m, MSR_MTRRfix16K_A0000, &v);
	KUNIT_EXPECT_EQ(test, 0x0606060600000000ull, v);
	/* The slots are distinct. */
	khv_mtrr_get(&m, MSR_MTRRfix64K_00000, &v);
	KUNIT_EXPECT_EQ(test, 0ull, v);
	khv_mtrr_get(&m, MSR_MTRRfix4K_C0000, &v);
	KUNIT_EXPECT_EQ(test, 0x0605040106050401ull, v);
}

static void mtrr_test_variable(struct kunit *test)
{
	struct khv_mtrr m = {};
	u64 v;

	/* Base: type in 7:0, 11:8 reserved, nothing at or above MAXPHYADDR. */
	KUNIT_EXPECT_EQ(test, 0, khv_mtrr_set(&m, 0x200, 0x80000006, 40));
	KUNIT_EXPECT_EQ(test, 1, khv_mtrr_set(&m, 0x200, 0x80000002, 40));
	KUNIT_EXPECT_EQ(test, 1, khv_mtrr_set(&m, 0x200, 0x80000806, 40));
	KUNIT_EXPECT_EQ(test, 1, khv_mtrr_set(&m, 0x200, BIT_ULL(40) | 6, 40));
	KUNIT_EXPECT_EQ(test, 0, khv_mtrr_set(&m, 0x200, BIT_ULL(40) | 6, 41));
	/* Mask: V is bit 11, 10:0 reserved. */
	KUNIT_EXPECT_EQ(test, 0, khv_mtrr_set(&m, 0x201, 0xfff0000800ull, 40));
	KUNIT_EXPECT_EQ(test, 1, khv_mtrr_set(&m, 0x201, 0xfff0000400ull, 40));
	KUNIT_EXPECT_EQ(test, 1, khv_mtrr_set(&m, 0x201, 0x1fff0000800ull, 40));
	KUNIT_EXPECT_EQ(test, 0, khv_mtrr_set(&m, 0x20f, 0x800, 36));
	KUNIT_EXPECT_EQ(test, 0, khv_mtrr_get(&m, 0x201, &v));
	KUNIT_EXPECT_EQ(test, 0xfff0000800ull, v);
	KUNIT_EXPECT_EQ(test, 0, khv_mtrr_get(&m, 0x200, &v));
	KUNIT_EXPECT_EQ(test, BIT_ULL(40) | 6, v);
	KUNIT_EXPECT_EQ(test, 0, khv_mtrr_get(&m, 0x20f, &v));
	KUNIT_EXPECT_EQ(test, 0x800ull, v);
	/* MAXPHYADDR 64: no address bit is reserved. */
	KUNIT_EXPECT_EQ(test, 0, khv_mtrr_set(&m, 0x203, BIT_ULL(63) | 0x800, 64));
}

static struct kunit_case mtrr_test_cases[] = {
	KUNIT_CASE(mtrr_test_msrs),
	KUNIT_CASE(mtrr_test_cap),
	KUNIT_CASE(mtrr_test_def_type),
	KUNIT_CASE(mtrr_test_fixed),
	KUNIT_CASE(mtrr_test_variable),
	{}
};

static struct kunit_suite mtrr_test_suite = {
	.name = "khv_mtrr",
	.test_cases = mtrr_test_cases,
};

kunit_test_suites(&mtrr_test_suite);
