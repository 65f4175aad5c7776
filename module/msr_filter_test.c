// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the MSR filter (msr_filter.c): the checks of a
 * KVM_X86_SET_MSR_FILTER description and of its ranges with the errnos
 * KVM gives, the bitmap sizes read from userspace, and the lookup of guest
 * accesses (first matching range, per access type, the default, x2APIC
 * MSRs never filtered, ranges that wrap). A description whose bitmap
 * pointer is a kernel address fails the user copy: EFAULT, with nothing
 * leaked (the rest of the build is the same code the ioctl runs).
 */
#include <kunit/test.h>

#include "msr_filter.c"

#define R	KVM_MSR_FILTER_READ
#define W	KVM_MSR_FILTER_WRITE
#define RW	(R | W)
#define DENY	KVM_MSR_FILTER_DEFAULT_DENY
#define MAXN	(KVM_MSR_FILTER_MAX_BITMAP_SIZE * 8)	/* 0x3000 MSRs */

static void msr_filter_test_bitmap_bytes(struct kunit *test)
{
	static const struct { u32 nmsrs; size_t bytes; } cases[] = {
		{ 1, 8 }, { 64, 8 }, { 65, 16 }, { MAXN, 0x600 },
		{ MAXN - 63, 0x600 }, { MAXN + 1, 0x608 }, { 0, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test, cases[i].bytes,
				    khv_msr_range_bitmap_bytes(cases[i].nmsrs),
				    "nmsrs %u", cases[i].nmsrs);
}

static void msr_filter_test_check(struct kunit *test)
{
	static const struct {
		u32 flags;
		int range;		/* index of the one range with MSRs, or -1 */
		int r;
		bool empty;
	} cases[] = {
		{ 0, -1, 0, true },		/* allow, no ranges: filter off */
		{ DENY, -1, -EINVAL, true },	/* deny everything: refused */
		{ 0, 0, 0, false },
		{ DENY, 15, 0, false },		/* the last range counts too */
		{ 2, 0, -EINVAL, false },	/* unknown filter flag */
		{ BIT(31) | DENY, 3, -EINVAL, false },
	};
	struct kvm_msr_filter uf;
	unsigned int i;
	bool empty;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&uf, 0, sizeof(uf));
		uf.flags = cases[i].flags;
		if (cases[i].range >= 0)
			uf.ranges[cases[i].range].nmsrs = 1;
		empty = !cases[i].empty;
		KUNIT_EXPECT_EQ_MSG(test, cases[i].r,
				    khv_msr_filter_check(&uf, &empty), "case %u", i);
		if (!cases[i].r)
			KUNIT_EXPECT_EQ_MSG(test, cases[i].empty, empty,
					    "case %u", i);
	}
}

static void msr_filter_test_range_check(struct kunit *test)
{
	static const struct {
		u32 flags, nmsrs;
		int r;
		size_t bytes;
	} cases[] = {
		{ R, 1, 0, 8 },
		{ W, 64, 0, 8 },
		{ RW, MAXN, 0, 0x600 },
		{ RW, MAXN + 1, -EINVAL, 0 },	/* bitmap over 0x600 bytes */
		{ RW, U32_MAX, -EINVAL, 0 },
		{ 0, 1, -EINVAL, 0 },		/* filters nothing */
		{ 4, 1, -EINVAL, 0 },		/* unknown access flag */
		{ R | 8, 1, -EINVAL, 0 },
		{ 0, 0, 1, 0 },			/* no MSRs: ignored ... */
		{ 0xff, 0, 1, 0 },		/* ... whatever its flags */
	};
	struct kvm_msr_filter_range ur = {};
	unsigned int i;
	size_t bytes;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ur.flags = cases[i].flags;
		ur.nmsrs = cases[i].nmsrs;
		bytes = 0;
		KUNIT_EXPECT_EQ_MSG(test, cases[i].r, khv_msr_range_check(&ur, &bytes),
				    "flags %#x nmsrs %#x", ur.flags, ur.nmsrs);
		if (!cases[i].r)
			KUNIT_EXPECT_EQ(test, cases[i].bytes, bytes);
	}
}

/*
 * A filter like the upstream userspace_msr_exit_test's default-deny one,
 * plus overlapping and wrapping ranges:
 *  0: READ  [0, 0x3000) all allowed but 0x10 (TSC) and 0x802
 *  1: WRITE [0, 0x3000) all allowed but 0x1fc (POWER_CTL)
 *  2: READ  [0x1f0, 0x200) all denied: shadowed by range 0 for reads
 *  3: RW    [0xc0000080, +8) allowed but 0xc0000084 (SFMASK)
 *  4: RW    [0xffffff00, +0x200) allowed: wraps, covers nothing
 *  5: WRITE [0x40000000, +1) denied
 *  default deny
 */
static unsigned long bm_low_read[MAXN / BITS_PER_LONG];
static unsigned long bm_low_write[MAXN / BITS_PER_LONG];
static unsigned long bm_none[1];
static unsigned long bm_c0;
static unsigned long bm_all[0x200 / BITS_PER_LONG];
static unsigned long bm_one_denied;

static struct khv_msr_filter test_filter = {
	.default_allow = false,
	.nr_ranges = 6,
	.ranges = {
		{ R, 0, MAXN, bm_low_read },
		{ W, 0, MAXN, bm_low_write },
		{ R, 0x1f0, 0x10, bm_none },
		{ RW, 0xc0000080, 8, &bm_c0 },
		{ RW, 0xffffff00, 0x200, bm_all },
		{ W, 0x40000000, 1, &bm_one_denied },
	},
};

static void msr_filter_test_init(void)
{
	bitmap_fill(bm_low_read, MAXN);
	clear_bit(0x10, bm_low_read);
	clear_bit(0x802, bm_low_read);
	bitmap_fill(bm_low_write, MAXN);
	clear_bit(0x1fc, bm_low_write);
	bitmap_zero(bm_none, 0x10);
	bm_c0 = 0xff & ~BIT(4);
	bitmap_fill(bm_all, 0x200);
	bm_one_denied = 0;
}

static void msr_filter_test_lookup(struct kunit *test)
{
	static const struct { u32 index, type; bool allowed; } cases[] = {
		{ 0x10, R, false },		/* range 0 denies */
		{ 0x10, W, true },		/* range 1 allows writes */
		{ 0x1fc, R, true },		/* range 0 before range 2 */
		{ 0x1fc, W, false },
		{ 0x1f5, R, true },
		{ 0x2fff, R, true },		/* last MSR of the bitmap */
		{ 0x3000, R, false },		/* just past it: default */
		{ 0x802, R, true },		/* x2APIC: never filtered */
		{ 0x800, W, true },
		{ 0x8ff, R, true },
		{ 0x900, R, true },		/* range 0 again */
		{ 0xc0000080, R, true },
		{ 0xc0000084, R, false },
		{ 0xc0000084, W, false },
		{ 0xc0000087, W, true },
		{ 0xc0000088, R, false },	/* default */
		{ 0xffffff10, R, false },	/* the wrapping range: nothing */
		{ 0xffffffff, W, false },
		{ 0x40000000, W, false },
		{ 0x40000000, R, false },	/* no read range: default */
	};
	static const char * const what[] = { [R] = "read", [W] = "write" };
	unsigned int i;

	msr_filter_test_init();
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test, cases[i].allowed,
				    khv_msr_filter_allows(&test_filter, cases[i].index,
							  cases[i].type),
				    "MSR %#x %s", cases[i].index, what[cases[i].type]);

	/* The same filter with default allow; and no filter at all. */
	test_filter.default_allow = true;
	KUNIT_EXPECT_TRUE(test, khv_msr_filter_allows(&test_filter, 0x3000, R));
	KUNIT_EXPECT_TRUE(test, khv_msr_filter_allows(&test_filter, 0x40000000, R));
	KUNIT_EXPECT_FALSE(test, khv_msr_filter_allows(&test_filter, 0x10, R));
	test_filter.default_allow = false;
	KUNIT_EXPECT_TRUE(test, khv_msr_filter_allows(NULL, 0x10, R));
}

/*
 * The build from a description: refusals before any copy, EFAULT for a
 * bitmap that is not user memory (here a kernel address), NULL for a
 * description that turns filtering off.
 */
static void msr_filter_test_from_user(struct kunit *test)
{
	static u8 kbitmap[8];
	struct kvm_msr_filter *uf;
	struct khv_msr_filter *f;

	uf = kunit_kzalloc(test, sizeof(*uf), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, uf);

	KUNIT_EXPECT_NULL(test, khv_msr_filter_from_user(uf));
	/* Ranges without MSRs are skipped whatever they hold. */
	uf->ranges[4].flags = 0xff;
	uf->ranges[4].bitmap = kbitmap;
	KUNIT_EXPECT_NULL(test, khv_msr_filter_from_user(uf));

	uf->flags = DENY;
	f = khv_msr_filter_from_user(uf);
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR_OR_ZERO(f));

	uf->flags = 0;
	uf->ranges[2] = (struct kvm_msr_filter_range){ R, 1, 0x10, kbitmap };
	f = khv_msr_filter_from_user(uf);
	KUNIT_EXPECT_EQ(test, -EFAULT, PTR_ERR_OR_ZERO(f));

	/* A bad range after it is never reached: EFAULT comes first. */
	uf->ranges[9] = (struct kvm_msr_filter_range){ 0, 1, 0x20, kbitmap };
	f = khv_msr_filter_from_user(uf);
	KUNIT_EXPECT_EQ(test, -EFAULT, PTR_ERR_OR_ZERO(f));
	/* A bad range before it is. */
	uf->ranges[1] = uf->ranges[9];
	f = khv_msr_filter_from_user(uf);
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR_OR_ZERO(f));
}

static struct kunit_case msr_filter_test_cases[] = {
	KUNIT_CASE(msr_filter_test_bitmap_bytes),
	KUNIT_CASE(msr_filter_test_check),
	KUNIT_CASE(msr_filter_test_range_check),
	KUNIT_CASE(msr_filter_test_lookup),
	KUNIT_CASE(msr_filter_test_from_user),
	{}
};

static struct kunit_suite msr_filter_test_suite = {
	.name = "khv_msr_filter",
	.test_cases = msr_filter_test_cases,
};

kunit_test_suites(&msr_filter_test_suite);
