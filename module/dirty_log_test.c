// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of dirty-page logging's pure part (dirty_log.c): the slot-id
 * and range checks of KVM_GET_DIRTY_LOG / KVM_CLEAR_DIRTY_LOG with KVM's
 * errnos, and the bitmap's collect, clear and mark operations with the pages
 * they ask to write-protect.
 */
#include <kunit/test.h>

#include "dirty_log.c"

struct dirty_slot_case {
	const char *name;
	u32 slot;
	u64 first_page;
	int err;		/* khv_dirty_log_check_slot() */
	int clear_err;		/* khv_dirty_log_check_clear() */
};

static const struct dirty_slot_case dirty_slot_cases[] = {
	{ "slot_0", 0, 0, 0, 0 },
	{ "slot_31", 31, 64, 0, 0 },
	/* Past khv's 32 slots but a valid KVM id: ENOENT later, not here. */
	{ "slot_32", 32, 0, 0, 0 },
	{ "slot_32763", 32763, 0, 0, 0 },
	{ "slot_32764", 32764, 0, -EINVAL, -EINVAL },
	{ "slot_ffff", 0xffff, 0, -EINVAL, -EINVAL },
	{ "address_space_1", 0x10001, 0, 0, 0 },
	{ "address_space_2", 0x20001, 0, -EINVAL, -EINVAL },
	{ "address_space_ffff", 0xffff0000, 0, -EINVAL, -EINVAL },
	{ "first_page_unaligned", 1, 1, 0, -EINVAL },
	{ "first_page_63", 1, 63, 0, -EINVAL },
	{ "first_page_huge", 1, BIT_ULL(63), 0, 0 },
};

KUNIT_ARRAY_PARAM_DESC(dirty_slot, dirty_slot_cases, name);

static void dirty_test_check_slot(struct kunit *test)
{
	const struct dirty_slot_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, khv_dirty_log_check_slot(c->slot), c->err);
	KUNIT_EXPECT_EQ(test, khv_dirty_log_check_clear(c->slot, c->first_page),
			c->clear_err);
}

struct dirty_range_case {
	const char *name;
	u64 npages, first_page;
	u32 num_pages;
	int err;
};

static const struct dirty_range_case dirty_range_cases[] = {
	{ "whole_slot", 256, 0, 256, 0 },
	{ "one_word", 256, 64, 64, 0 },
	{ "empty_at_start", 256, 0, 0, 0 },
	{ "empty_at_end", 256, 256, 0, 0 },
	{ "first_page_past_end", 256, 320, 0, -EINVAL },
	{ "past_end", 256, 192, 128, -EINVAL },
	{ "not_multiple_of_64_inside", 256, 0, 63, -EINVAL },
	{ "not_multiple_of_64_to_end", 259, 192, 67, 0 },
	{ "odd_slot_whole", 67, 0, 67, 0 },
	{ "odd_slot_past_end", 67, 0, 68, -EINVAL },
	{ "num_pages_max", 256, 0, U32_MAX, -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(dirty_range, dirty_range_cases, name);

static void dirty_test_check_range(struct kunit *test)
{
	const struct dirty_range_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, khv_dirty_log_check_clear_range(c->npages,
							       c->first_page,
							       c->num_pages),
			c->err);
}

/* Records the pages a bitmap operation write-protects. */
struct protect_rec {
	unsigned int n;
	u64 page[16];
};

static void record_protect(void *ctx, u64 page)
{
	struct protect_rec *r = ctx;

	if (r->n < ARRAY_SIZE(r->page))
		r->page[r->n] = page;
	r->n++;
}

/* KVM_ENABLE_CAP's args[0]: INITIALLY_SET only with manual protection. */
static void dirty_test_check_manual(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, khv_dirty_log_check_manual(0), 0);
	KUNIT_EXPECT_EQ(test, khv_dirty_log_check_manual(1), 0);
	KUNIT_EXPECT_EQ(test, khv_dirty_log_check_manual(3), 0);
	KUNIT_EXPECT_EQ(test, khv_dirty_log_check_manual(2), -EINVAL);
	KUNIT_EXPECT_EQ(test, khv_dirty_log_check_manual(4), -EINVAL);
	KUNIT_EXPECT_EQ(test, khv_dirty_log_check_manual(5), -EINVAL);
	KUNIT_EXPECT_EQ(test, khv_dirty_log_check_manual(BIT_ULL(63) | 1),
			-EINVAL);
}

static void dirty_test_bytes_and_alloc(struct kunit *test)
{
	unsigned long *b;

	KUNIT_EXPECT_EQ(test, khv_dirty_bitmap_bytes(1), (size_t)8);
	KUNIT_EXPECT_EQ(test, khv_dirty_bitmap_bytes(64), (size_t)8);
	KUNIT_EXPECT_EQ(test, khv_dirty_bitmap_bytes(65), (size_t)16);
	/* dirty_log_test's slot: 1 GiB + 3 pages. */
	KUNIT_EXPECT_EQ(test, khv_dirty_bitmap_bytes(262147), (size_t)32776);

	b = khv_dirty_bitmap_alloc(67, true);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, b[0], ~0UL);
	KUNIT_EXPECT_EQ(test, b[1], 7UL);	/* no bits past the slot */
	khv_dirty_bitmap_free(b);
	b = khv_dirty_bitmap_alloc(67, false);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, b[0] | b[1], 0UL);
	khv_dirty_mark(b, 67, 66);
	khv_dirty_mark(b, 67, 67);		/* past the slot: ignored */
	khv_dirty_mark(b, 67, 0);
	KUNIT_EXPECT_EQ(test, b[0], 1UL);
	KUNIT_EXPECT_EQ(test, b[1], 4UL);
	khv_dirty_bitmap_free(b);
}

/* Collect: the copy is exact; clearing protects exactly the dirty pages. */
static void dirty_test_collect(struct kunit *test)
{
	unsigned long bitmap[3] = { BIT(0) | BIT(63), 0, BIT(1) };
	unsigned long out[3] = { 5, 5, 5 };
	struct protect_rec rec = {};

	/* Manual protection: copy only. */
	KUNIT_EXPECT_EQ(test, khv_dirty_collect(bitmap, 130, out, false,
						record_protect, &rec), 3UL);
	KUNIT_EXPECT_EQ(test, rec.n, 0U);
	KUNIT_EXPECT_EQ(test, out[0], BIT(0) | BIT(63));
	KUNIT_EXPECT_EQ(test, out[1], 0UL);
	KUNIT_EXPECT_EQ(test, out[2], BIT(1));
	KUNIT_EXPECT_EQ(test, bitmap[0], BIT(0) | BIT(63));

	KUNIT_EXPECT_EQ(test, khv_dirty_collect(bitmap, 130, out, true,
						record_protect, &rec), 3UL);
	KUNIT_EXPECT_EQ(test, rec.n, 3U);
	KUNIT_EXPECT_EQ(test, rec.page[0], 0ULL);
	KUNIT_EXPECT_EQ(test, rec.page[1], 63ULL);
	KUNIT_EXPECT_EQ(test, rec.page[2], 129ULL);
	KUNIT_EXPECT_EQ(test, out[2], BIT(1));
	KUNIT_EXPECT_EQ(test, bitmap[0] | bitmap[1] | bitmap[2], 0UL);

	/* Nothing dirty: an all-zero copy, nothing protected. */
	rec.n = 0;
	KUNIT_EXPECT_EQ(test, khv_dirty_collect(bitmap, 130, out, true,
						record_protect, &rec), 0UL);
	KUNIT_EXPECT_EQ(test, out[0] | out[1] | out[2], 0UL);
	KUNIT_EXPECT_EQ(test, rec.n, 0U);
}

/*
 * Clear: only pages both dirty and in the mask, within num_pages, from
 * first_page on; clean pages in the mask are not protected again.
 */
static void dirty_test_clear(struct kunit *test)
{
	unsigned long bitmap[3] = { ~0UL, BIT(0) | BIT(5) | BIT(40), 0x3 };
	unsigned long mask[2] = { BIT(0) | BIT(1) | BIT(40), ~0UL };
	struct protect_rec rec = {};

	/* Pages 64..130 (67 pages to the end of a 131-page slot). */
	KUNIT_EXPECT_EQ(test, khv_dirty_clear(bitmap, 131, mask, 64, 67,
					      record_protect, &rec), 4UL);
	KUNIT_EXPECT_EQ(test, bitmap[0], ~0UL);
	KUNIT_EXPECT_EQ(test, bitmap[1], BIT(5));
	/* Of word 2 only bits 0..2 are in range; both dirty ones cleared. */
	KUNIT_EXPECT_EQ(test, bitmap[2], 0UL);
	KUNIT_EXPECT_EQ(test, rec.n, 4U);
	KUNIT_EXPECT_EQ(test, rec.page[0], 64ULL);
	KUNIT_EXPECT_EQ(test, rec.page[1], 104ULL);
	KUNIT_EXPECT_EQ(test, rec.page[2], 128ULL);
	KUNIT_EXPECT_EQ(test, rec.page[3], 129ULL);

	/* num_pages cuts the mask: 3 pages from page 0. */
	rec.n = 0;
	mask[0] = ~0UL;
	KUNIT_EXPECT_EQ(test, khv_dirty_clear(bitmap, 3, mask, 0, 3,
					      record_protect, &rec), 3UL);
	KUNIT_EXPECT_EQ(test, bitmap[0], ~0UL << 3);
	KUNIT_EXPECT_EQ(test, rec.n, 3U);
	KUNIT_EXPECT_EQ(test, rec.page[2], 2ULL);

	/* Again: all clean now, nothing to protect. */
	rec.n = 0;
	KUNIT_EXPECT_EQ(test, khv_dirty_clear(bitmap, 3, mask, 0, 3,
					      record_protect, &rec), 0UL);
	KUNIT_EXPECT_EQ(test, rec.n, 0U);
}

static struct kunit_case dirty_log_test_cases[] = {
	KUNIT_CASE_PARAM(dirty_test_check_slot, dirty_slot_gen_params),
	KUNIT_CASE_PARAM(dirty_test_check_range, dirty_range_gen_params),
	KUNIT_CASE(dirty_test_check_manual),
	KUNIT_CASE(dirty_test_bytes_and_alloc),
	KUNIT_CASE(dirty_test_collect),
	KUNIT_CASE(dirty_test_clear),
	{}
};

static struct kunit_suite dirty_log_test_suite = {
	.name = "khv_dirty_log",
	.test_cases = dirty_log_test_cases,
};

kunit_test_suites(&dirty_log_test_suite);
