// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the EPT builder (ept.c): entry encoding and permission
 * checks, table creation and counting, allocation failures, the
 * revoke-then-reap order of unmapping, and teardown.
 */
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/sizes.h>

#include "ept.c"

#define RWX	VMX_EPT_RWX_MASK
#define R	VMX_EPT_READABLE_MASK
#define W	VMX_EPT_WRITABLE_MASK
#define X	VMX_EPT_EXECUTABLE_MASK
#define WB	6
#define MAX_RELEASED	64

/* Table allocator that counts live pages and can fail the n-th request. */
struct ept_fixture {
	struct khv_ept_alloc alloc;
	struct khv_ept ept;
	int live;			/* tables allocated, not yet freed */
	int calls;
	int fail_call;			/* 1-based call that fails; 0: none */
	int released;
	u64 released_gpa[MAX_RELEASED];
	u64 released_hpa[MAX_RELEASED];
};

static u64 *fixture_alloc(void *ctx)
{
	struct ept_fixture *f = ctx;
	u64 *table;

	if (++f->calls == f->fail_call)
		return NULL;
	table = (u64 *)get_zeroed_page(GFP_KERNEL);
	if (table)
		f->live++;
	return table;
}

static void fixture_free(void *ctx, u64 *table)
{
	struct ept_fixture *f = ctx;

	free_page((unsigned long)table);
	f->live--;
}

static void fixture_release(void *ctx, u64 gpa, u64 hpa)
{
	struct ept_fixture *f = ctx;

	if (f->released < MAX_RELEASED) {
		f->released_gpa[f->released] = gpa;
		f->released_hpa[f->released] = hpa;
	}
	f->released++;
}

static int ept_test_init(struct kunit *test)
{
	struct ept_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->alloc.alloc_table = fixture_alloc;
	f->alloc.free_table = fixture_free;
	f->alloc.ctx = f;
	KUNIT_ASSERT_EQ(test, khv_ept_init(&f->ept, &f->alloc), 0);
	test->priv = f;
	return 0;
}

/* Every test ends with a full teardown: no table may leak. */
static void ept_test_exit(struct kunit *test)
{
	struct ept_fixture *f = test->priv;

	khv_ept_destroy(&f->ept, fixture_release, f);
	KUNIT_EXPECT_EQ(test, f->live, 0);
	KUNIT_EXPECT_EQ(test, f->ept.nr_tables, 0UL);
	KUNIT_EXPECT_EQ(test, f->ept.nr_leaves, 0UL);
}

static void ept_test_init_state(struct kunit *test)
{
	struct ept_fixture *f = test->priv;

	KUNIT_EXPECT_EQ(test, f->live, 1);
	KUNIT_EXPECT_EQ(test, f->ept.nr_tables, 1UL);
	KUNIT_EXPECT_EQ(test, khv_ept_root_hpa(&f->ept),
			(u64)virt_to_phys(f->ept.root));
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(khv_ept_root_hpa(&f->ept)));
	KUNIT_EXPECT_EQ(test, khv_ept_lookup(&f->ept, 0), 0ULL);
}

struct ept_map_case {
	const char *name;
	u64 gpa, hpa, prot;
	unsigned int memtype;
	int err;
	u64 entry;		/* expected leaf when err == 0 */
};

static const struct ept_map_case ept_map_cases[] = {
	{ "rwx_wb", 0, 0x1000, RWX, WB, 0, 0x1000 | 7 | (6 << 3) },
	{ "r_only", 0x5000, 0x2000, R, WB, 0, 0x2000 | 1 | (6 << 3) },
	{ "rw", 0x5000, 0x2000, R | W, WB, 0, 0x2000 | 3 | (6 << 3) },
	{ "rx_uc", 0x5000, 0x2000, R | X, 0, 0, 0x2000 | 5 },
	{ "wt", 0x5000, 0x2000, R, 4, 0, 0x2000 | 1 | (4 << 3) },
	{ "top_of_48_bits", BIT_ULL(48) - SZ_4K, 0xabc000, RWX, WB, 0,
	  0xabc000 | 7 | (6 << 3) },
	{ "hpa_bit_51", 0x5000, BIT_ULL(51), RWX, WB, 0,
	  BIT_ULL(51) | 7 | (6 << 3) },
	{ "w_without_r", 0x5000, 0x2000, W, WB, -EINVAL },
	{ "wx_without_r", 0x5000, 0x2000, W | X, WB, -EINVAL },
	{ "x_only", 0x5000, 0x2000, X, WB, -EINVAL },
	{ "no_access", 0x5000, 0x2000, 0, WB, -EINVAL },
	{ "prot_not_rwx", 0x5000, 0x2000, RWX | BIT_ULL(3), WB, -EINVAL },
	{ "memtype_2", 0x5000, 0x2000, RWX, 2, -EINVAL },
	{ "memtype_3", 0x5000, 0x2000, RWX, 3, -EINVAL },
	{ "memtype_7", 0x5000, 0x2000, RWX, 7, -EINVAL },
	{ "gpa_unaligned", 0x5004, 0x2000, RWX, WB, -EINVAL },
	{ "gpa_beyond_48_bits", BIT_ULL(48), 0x2000, RWX, WB, -EINVAL },
	{ "hpa_unaligned", 0x5000, 0x2010, RWX, WB, -EINVAL },
	{ "hpa_beyond_52_bits", 0x5000, BIT_ULL(52), RWX, WB, -EINVAL },
};

static void ept_map_case_desc(const struct ept_map_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ept_map, ept_map_cases, ept_map_case_desc);

static void ept_test_map(struct kunit *test)
{
	const struct ept_map_case *c = test->param_value;
	struct ept_fixture *f = test->priv;

	KUNIT_EXPECT_EQ(test, khv_ept_map(&f->ept, c->gpa, c->hpa, c->prot,
					  c->memtype), c->err);
	if (c->err) {
		/* Rejected before any table was allocated. */
		KUNIT_EXPECT_EQ(test, f->ept.nr_tables, 1UL);
		KUNIT_EXPECT_EQ(test, f->ept.nr_leaves, 0UL);
		KUNIT_EXPECT_EQ(test, khv_ept_lookup(&f->ept, c->gpa & PAGE_MASK),
				0ULL);
		return;
	}
	KUNIT_EXPECT_EQ(test, khv_ept_lookup(&f->ept, c->gpa), c->entry);
	KUNIT_EXPECT_EQ(test, khv_ept_entry_hpa(c->entry), c->hpa);
	KUNIT_EXPECT_EQ(test, f->ept.nr_tables, 4UL);
	KUNIT_EXPECT_EQ(test, f->ept.nr_leaves, 1UL);
	/* The neighbours stay unmapped. */
	KUNIT_EXPECT_EQ(test, khv_ept_lookup(&f->ept, c->gpa ^ SZ_4K), 0ULL);
}

/* The path to a leaf has R, W and X set: rights are ANDed along it. */
static void ept_test_nonleaf_entries(struct kunit *test)
{
	struct ept_fixture *f = test->priv;
	u64 gpa = SZ_1G + SZ_2M + SZ_4K;
	u64 *table = f->ept.root;
	int level;

	KUNIT_ASSERT_EQ(test, khv_ept_map(&f->ept, gpa, 0x7000, R, WB), 0);
	for (level = 4; level > 1; level--) {
		u64 e = table[ept_index(gpa, level)];

		KUNIT_EXPECT_EQ(test, e & ~KHV_EPT_ADDR_MASK, RWX);
		table = phys_to_virt(e & KHV_EPT_ADDR_MASK);
	}
	KUNIT_EXPECT_EQ(test, table[ept_index(gpa, 1)], 0x7000ULL | 1 | (6 << 3));
	KUNIT_EXPECT_EQ(test, ept_index(gpa, 4), 0U);
	KUNIT_EXPECT_EQ(test, ept_index(gpa, 3), 1U);
	KUNIT_EXPECT_EQ(test, ept_index(gpa, 2), 1U);
	KUNIT_EXPECT_EQ(test, ept_index(gpa, 1), 1U);
}

/* Cumulative table count while mapping pages farther and farther apart. */
static void ept_test_table_count(struct kunit *test)
{
	static const struct {
		u64 gpa;
		unsigned long tables;
	} steps[] = {
		{ 0, 4 },				/* PML4 PDPT PD PT */
		{ SZ_4K, 4 },				/* same PT */
		{ SZ_2M - SZ_4K, 4 },			/* last PTE of it */
		{ SZ_2M, 5 },				/* next PT */
		{ SZ_1G, 7 },				/* new PD and PT */
		{ SZ_1G + SZ_2M, 8 },			/* new PT */
		{ BIT_ULL(39), 11 },			/* new PDPT PD PT */
		{ BIT_ULL(48) - SZ_4K, 14 },		/* last PML4E */
	};
	struct ept_fixture *f = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		KUNIT_EXPECT_EQ(test, khv_ept_map(&f->ept, steps[i].gpa,
						  0x100000 + i * SZ_4K, RWX, WB), 0);
		KUNIT_EXPECT_EQ_MSG(test, f->ept.nr_tables, steps[i].tables,
				    "after mapping %llx", steps[i].gpa);
		KUNIT_EXPECT_EQ(test, f->live, (int)steps[i].tables);
	}
	KUNIT_EXPECT_EQ(test, f->ept.nr_leaves, (unsigned long)ARRAY_SIZE(steps));
	for (i = 0; i < ARRAY_SIZE(steps); i++)
		KUNIT_EXPECT_EQ(test, khv_ept_entry_hpa(khv_ept_lookup(&f->ept,
								     steps[i].gpa)),
				(u64)(0x100000 + i * SZ_4K));
}

static void ept_test_map_twice(struct kunit *test)
{
	struct ept_fixture *f = test->priv;

	KUNIT_ASSERT_EQ(test, khv_ept_map(&f->ept, 0x3000, 0x8000, RWX, WB), 0);
	KUNIT_EXPECT_EQ(test, khv_ept_map(&f->ept, 0x3000, 0x9000, R, WB),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, khv_ept_lookup(&f->ept, 0x3000),
			0x8000ULL | 7 | (6 << 3));
	KUNIT_EXPECT_EQ(test, f->ept.nr_leaves, 1UL);
}

/* Failing the n-th table allocation maps nothing and leaks nothing. */
static void ept_test_alloc_failure(struct kunit *test)
{
	struct ept_fixture *f = test->priv;
	int n;

	for (n = 1; n <= 3; n++) {
		u64 gpa = (u64)n << 39;	/* a fresh PML4 entry each time */

		f->calls = 0;
		f->fail_call = n;
		KUNIT_EXPECT_EQ(test, khv_ept_map(&f->ept, gpa, 0x8000, RWX, WB),
				-ENOMEM);
		KUNIT_EXPECT_EQ(test, khv_ept_lookup(&f->ept, gpa), 0ULL);
		KUNIT_EXPECT_EQ(test, f->ept.nr_leaves, 0UL);
		KUNIT_EXPECT_EQ(test, (int)f->ept.nr_tables, f->live);
	}
	/* A retry after the failure uses the tables left behind. */
	f->fail_call = 0;
	KUNIT_EXPECT_EQ(test, khv_ept_map(&f->ept, 3ULL << 39, 0x8000, RWX, WB),
			0);
	KUNIT_EXPECT_EQ(test, f->ept.nr_leaves, 1UL);
}

struct ept_zap_case {
	const char *name;
	u64 gpa, size;		/* range revoked and reaped */
	bool revoked;		/* khv_ept_revoke_range() result */
	unsigned int released;	/* pages handed back */
	unsigned long tables;	/* tables left afterwards */
};

/*
 * The map before each case: 4 pages at 0..16K, 2 pages at 2M..2M+8K, one
 * page at 1G, one at 512G: 4 + 1 + 2 + 3 = 10 tables.
 */
static const u64 ept_zap_map[] = {
	0, SZ_4K, 2 * SZ_4K, 3 * SZ_4K, SZ_2M, SZ_2M + SZ_4K, SZ_1G,
	BIT_ULL(39),
};

static const struct ept_zap_case ept_zap_cases[] = {
	{ "empty_range", 0, 0, false, 0, 10 },
	{ "unmapped_range", SZ_4M, SZ_2M, false, 0, 10 },
	{ "one_page", SZ_4K, SZ_4K, true, 1, 10 },
	{ "page_pair_in_pt", SZ_4K, 2 * SZ_4K, true, 2, 10 },
	/* The PT at 0 keeps three pages, the PT at 2M becomes empty. */
	{ "across_2m", 3 * SZ_4K, SZ_2M, true, 3, 9 },
	{ "whole_first_pt", 0, SZ_2M, true, 4, 9 },
	/* Both PTs go, and with them their PD, which is left empty. */
	{ "both_pts_of_first_pd", 0, SZ_4M, true, 6, 7 },
	{ "first_gib", 0, SZ_1G, true, 6, 7 },
	/* The whole first 512G: PDPT, two PDs, three PTs go. */
	{ "first_512g", 0, BIT_ULL(39), true, 7, 4 },
	{ "everything", 0, BIT_ULL(48), true, 8, 1 },
	/* Clamped to the 48-bit space: the PD and PT at 1G, the 512G tree. */
	{ "past_the_top", SZ_1G, U64_MAX - SZ_1G, true, 2, 5 },
};

static void ept_zap_case_desc(const struct ept_zap_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ept_zap, ept_zap_cases, ept_zap_case_desc);

static bool zap_covers(u64 gpa, const struct ept_zap_case *c)
{
	return gpa >= c->gpa && gpa - c->gpa < c->size;
}

static void ept_test_revoke_reap(struct kunit *test)
{
	const struct ept_zap_case *c = test->param_value;
	struct ept_fixture *f = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ept_zap_map); i++)
		KUNIT_ASSERT_EQ(test, khv_ept_map(&f->ept, ept_zap_map[i],
						  0x200000 + i * SZ_4K, RWX, WB),
				0);
	KUNIT_ASSERT_EQ(test, f->ept.nr_tables, 10UL);

	KUNIT_EXPECT_EQ(test, khv_ept_revoke_range(&f->ept, c->gpa, c->size),
			c->revoked);
	/* Revoking alone hands nothing back and frees nothing. */
	KUNIT_EXPECT_EQ(test, f->released, 0);
	KUNIT_EXPECT_EQ(test, f->ept.nr_tables, 10UL);
	for (i = 0; i < ARRAY_SIZE(ept_zap_map); i++) {
		u64 e = khv_ept_lookup(&f->ept, ept_zap_map[i]);

		KUNIT_EXPECT_EQ_MSG(test, !!(e & RWX),
				    !zap_covers(ept_zap_map[i], c),
				    "gpa %llx", ept_zap_map[i]);
	}
	/* Nothing can be mapped over a revoked entry before the reap. */
	if (c->revoked)
		KUNIT_EXPECT_EQ(test, khv_ept_map(&f->ept, c->gpa, 0x8000, RWX,
						  WB), -EBUSY);

	KUNIT_EXPECT_EQ(test, khv_ept_reap_range(&f->ept, c->gpa, c->size,
						 fixture_release, f),
			(unsigned long)c->released);
	KUNIT_EXPECT_EQ(test, f->released, (int)c->released);
	KUNIT_EXPECT_EQ(test, f->ept.nr_tables, c->tables);
	KUNIT_EXPECT_EQ(test, f->live, (int)c->tables);
	KUNIT_EXPECT_EQ(test, f->ept.nr_leaves,
			ARRAY_SIZE(ept_zap_map) - c->released);

	/* Each released page is one that was mapped in the range. */
	for (i = 0; i < (unsigned int)f->released && i < MAX_RELEASED; i++) {
		u64 gpa = f->released_gpa[i];
		unsigned int j;

		KUNIT_EXPECT_TRUE(test, zap_covers(gpa, c));
		for (j = 0; j < ARRAY_SIZE(ept_zap_map); j++)
			if (ept_zap_map[j] == gpa)
				break;
		KUNIT_ASSERT_LT(test, j, (unsigned int)ARRAY_SIZE(ept_zap_map));
		KUNIT_EXPECT_EQ(test, f->released_hpa[i],
				(u64)(0x200000 + j * SZ_4K));
	}
	/* Pages outside the range are still mapped, the range can be reused. */
	for (i = 0; i < ARRAY_SIZE(ept_zap_map); i++)
		if (!zap_covers(ept_zap_map[i], c))
			KUNIT_EXPECT_NE(test, khv_ept_lookup(&f->ept,
							     ept_zap_map[i]) & RWX,
					0ULL);
	if (c->size)
		KUNIT_EXPECT_EQ(test, khv_ept_map(&f->ept, c->gpa, 0x8000, RWX,
						  WB), 0);
}

/* Teardown hands back every page still mapped, each exactly once. */
static void ept_test_destroy_releases(struct kunit *test)
{
	struct ept_fixture *f = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ept_zap_map); i++)
		KUNIT_ASSERT_EQ(test, khv_ept_map(&f->ept, ept_zap_map[i],
						  0x200000 + i * SZ_4K, RWX, WB),
				0);
	/* A revoked but not yet reaped page is released by teardown too. */
	KUNIT_ASSERT_TRUE(test, khv_ept_revoke_range(&f->ept, 0, SZ_4K));
	khv_ept_destroy(&f->ept, fixture_release, f);
	KUNIT_EXPECT_EQ(test, f->released, (int)ARRAY_SIZE(ept_zap_map));
	for (i = 0; i < ARRAY_SIZE(ept_zap_map); i++)
		KUNIT_EXPECT_EQ(test, f->released_gpa[i], ept_zap_map[i]);
	KUNIT_EXPECT_EQ(test, f->live, 0);
	KUNIT_EXPECT_NULL(test, f->ept.root);
}

/*
 * Dirty logging: write-protecting a range takes W from exactly the leaves in
 * it (across a page-table and a PD boundary), leaves R/X, the tables' rights
 * and revoked entries alone, and reports whether anything changed.
 */
static void ept_test_write_protect_range(struct kunit *test)
{
	static const u64 gpas[] = { 0x1ff000, 0x200000, 0x3ff000, 0x40000000,
				    0x40001000 };
	struct ept_fixture *f = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gpas); i++)
		KUNIT_ASSERT_EQ(test, khv_ept_map(&f->ept, gpas[i],
						  0x200000 + i * SZ_4K,
						  i == 3 ? R | X : RWX, WB), 0);
	/* [0x200000, 0x40001000): the 2nd to 4th page; the 4th has no W. */
	KUNIT_EXPECT_TRUE(test, khv_ept_write_protect_range(&f->ept, 0x200000,
							   0x40001000 - 0x200000));
	KUNIT_EXPECT_EQ(test, khv_ept_lookup(&f->ept, gpas[0]) & RWX, RWX);
	KUNIT_EXPECT_EQ(test, khv_ept_lookup(&f->ept, gpas[1]) & RWX, R | X);
	KUNIT_EXPECT_EQ(test, khv_ept_lookup(&f->ept, gpas[2]) & RWX, R | X);
	KUNIT_EXPECT_EQ(test, khv_ept_lookup(&f->ept, gpas[3]) & RWX, R | X);
	KUNIT_EXPECT_EQ(test, khv_ept_lookup(&f->ept, gpas[4]) & RWX, RWX);
	KUNIT_EXPECT_EQ(test, khv_ept_entry_hpa(khv_ept_lookup(&f->ept, gpas[2])),
			(u64)0x202000);
	/* Nothing left to protect: no flush needed. */
	KUNIT_EXPECT_FALSE(test, khv_ept_write_protect_range(&f->ept, 0x200000,
							    0x40001000 - 0x200000));
	KUNIT_EXPECT_FALSE(test, khv_ept_write_protect_range(&f->ept, 0, 0));
	KUNIT_EXPECT_FALSE(test, khv_ept_write_protect_range(&f->ept,
							    BIT_ULL(48), SZ_4K));
	/* A revoked leaf stays revoked (not present). */
	KUNIT_ASSERT_TRUE(test, khv_ept_revoke_range(&f->ept, gpas[4], SZ_4K));
	KUNIT_EXPECT_FALSE(test, khv_ept_write_protect_range(&f->ept, gpas[4],
							    SZ_4K));
	KUNIT_EXPECT_EQ(test, khv_ept_lookup(&f->ept, gpas[4]) & RWX, 0ULL);
	KUNIT_EXPECT_EQ(test, f->ept.nr_leaves, (unsigned long)ARRAY_SIZE(gpas));
}

/* One page at a time: protect, make writable again, pages not mapped. */
static void ept_test_write_protect_page(struct kunit *test)
{
	struct ept_fixture *f = test->priv;

	KUNIT_ASSERT_EQ(test, khv_ept_map(&f->ept, 0x5000, 0x9000, RWX, WB), 0);
	KUNIT_ASSERT_EQ(test, khv_ept_map(&f->ept, 0x6000, 0xa000, RWX, WB), 0);
	KUNIT_EXPECT_TRUE(test, khv_ept_write_protect(&f->ept, 0x5000));
	KUNIT_EXPECT_FALSE(test, khv_ept_write_protect(&f->ept, 0x5000));
	KUNIT_EXPECT_EQ(test, khv_ept_lookup(&f->ept, 0x5000),
			0x9000 | R | X | (WB << 3));
	KUNIT_EXPECT_EQ(test, khv_ept_lookup(&f->ept, 0x6000) & RWX, RWX);
	KUNIT_EXPECT_TRUE(test, khv_ept_make_writable(&f->ept, 0x5000));
	KUNIT_EXPECT_EQ(test, khv_ept_lookup(&f->ept, 0x5000),
			0x9000 | RWX | (WB << 3));
	/* Not mapped: in a present table, and where no table exists. */
	KUNIT_EXPECT_FALSE(test, khv_ept_write_protect(&f->ept, 0x7000));
	KUNIT_EXPECT_FALSE(test, khv_ept_make_writable(&f->ept, 0x7000));
	KUNIT_EXPECT_FALSE(test, khv_ept_write_protect(&f->ept, SZ_1G));
	KUNIT_EXPECT_FALSE(test, khv_ept_make_writable(&f->ept, SZ_1G));
	KUNIT_EXPECT_FALSE(test, khv_ept_make_writable(&f->ept, BIT_ULL(48)));
	/* Revoked: never made writable (it is on its way out). */
	KUNIT_ASSERT_TRUE(test, khv_ept_revoke_range(&f->ept, 0x6000, SZ_4K));
	KUNIT_EXPECT_FALSE(test, khv_ept_make_writable(&f->ept, 0x6000));
	KUNIT_EXPECT_FALSE(test, khv_ept_write_protect(&f->ept, 0x6000));
	KUNIT_EXPECT_EQ(test, khv_ept_lookup(&f->ept, 0x6000) & RWX, 0ULL);
}

static struct kunit_case ept_test_cases[] = {
	KUNIT_CASE(ept_test_init_state),
	KUNIT_CASE_PARAM(ept_test_map, ept_map_gen_params),
	KUNIT_CASE(ept_test_nonleaf_entries),
	KUNIT_CASE(ept_test_table_count),
	KUNIT_CASE(ept_test_map_twice),
	KUNIT_CASE(ept_test_alloc_failure),
	KUNIT_CASE_PARAM(ept_test_revoke_reap, ept_zap_gen_params),
	KUNIT_CASE(ept_test_destroy_releases),
	KUNIT_CASE(ept_test_write_protect_range),
	KUNIT_CASE(ept_test_write_protect_page),
	{}
};

static struct kunit_suite ept_test_suite = {
	.name = "khv_ept",
	.init = ept_test_init,
	.exit = ept_test_exit,
	.test_cases = ept_test_cases,
};

kunit_test_suites(&ept_test_suite);

