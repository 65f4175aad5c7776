// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of memory slot validation and lookups (memslot.c): every
 * rejected request with its errno, the kind of change an accepted one makes,
 * that validation alone changes nothing, and gpa -> slot -> hva lookups.
 */
#include <kunit/test.h>
#include <linux/sizes.h>

#include "memslot.c"

#define GPA_BITS	36
#define HVA0		0x10000000ULL
#define HVA1		0x20000000ULL

/* Slot 0: 64K at gpa 0; slot 1: 16K at 1M. */
static const struct khv_memslots memslot_base = {
	.slot = {
		[0] = { .gpa = 0, .size = SZ_64K, .hva = HVA0 },
		[1] = { .gpa = SZ_1M, .size = SZ_16K, .hva = HVA1 },
	},
};

struct memslot_case {
	const char *name;
	struct kvm_userspace_memory_region mem;
	int err;
	enum khv_memslot_op op;
};

#define REQ(s, f, g, sz, h)	{ .slot = (s), .flags = (f), \
				  .guest_phys_addr = (g), .memory_size = (sz), \
				  .userspace_addr = (h) }

static const struct memslot_case memslot_cases[] = {
	/* Accepted requests and what they do. */
	{ "create", REQ(2, 0, SZ_2M, SZ_64K, 0x30000000), 0, KHV_MEMSLOT_CREATE },
	{ "create_last_id", REQ(KHV_MAX_MEMSLOTS - 1, 0, SZ_2M, SZ_4K, 0x30000000),
	  0, KHV_MEMSLOT_CREATE },
	{ "create_adjacent_below_and_above", REQ(2, 0, SZ_64K, SZ_1M - SZ_64K,
						 0x30000000), 0,
	  KHV_MEMSLOT_CREATE },
	{ "create_at_top_of_gpa_space", REQ(2, 0, BIT_ULL(GPA_BITS) - SZ_4K, SZ_4K,
					    0x30000000), 0, KHV_MEMSLOT_CREATE },
	{ "delete", REQ(1, 0, 0, 0, 0), 0, KHV_MEMSLOT_DELETE },
	{ "delete_ignores_gpa", REQ(1, 0, SZ_1G, 0, HVA1), 0, KHV_MEMSLOT_DELETE },
	{ "move", REQ(1, 0, SZ_2M, SZ_16K, HVA1), 0, KHV_MEMSLOT_MOVE },
	{ "move_over_itself", REQ(0, 0, SZ_4K, SZ_64K, HVA0), 0, KHV_MEMSLOT_MOVE },
	{ "unchanged", REQ(1, 0, SZ_1M, SZ_16K, HVA1), 0, KHV_MEMSLOT_NOP },
	{ "create_readonly", REQ(2, KVM_MEM_READONLY, SZ_2M, SZ_4K, 0x30000000),
	  0, KHV_MEMSLOT_CREATE },
	/* As KVM: the flags are checked, then a size of 0 deletes. */
	{ "delete_with_readonly_flag", REQ(1, KVM_MEM_READONLY, 0, 0, 0), 0,
	  KHV_MEMSLOT_DELETE },
	/* A slot's KVM_MEM_READONLY cannot change (api.rst 4.35). */
	{ "make_readonly", REQ(1, KVM_MEM_READONLY, SZ_1M, SZ_16K, HVA1),
	  -EINVAL },

	{ "create_log_dirty", REQ(2, KVM_MEM_LOG_DIRTY_PAGES, SZ_2M, SZ_4K,
				  0x30000000), 0, KHV_MEMSLOT_CREATE },
	{ "create_log_dirty_readonly",
	  REQ(2, KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY, SZ_2M, SZ_4K,
	      0x30000000), 0, KHV_MEMSLOT_CREATE },
	/* Dirty logging can be switched on an existing slot. */
	{ "start_log_dirty", REQ(1, KVM_MEM_LOG_DIRTY_PAGES, SZ_1M, SZ_16K,
				 HVA1), 0, KHV_MEMSLOT_FLAGS },
	{ "move_and_log_dirty", REQ(1, KVM_MEM_LOG_DIRTY_PAGES, SZ_2M, SZ_16K,
				    HVA1), 0, KHV_MEMSLOT_MOVE },

	/* Flags khv does not implement. */
	{ "flag_unknown", REQ(2, BIT(7), SZ_2M, SZ_4K, 0x30000000), -EINVAL },
	{ "delete_with_unknown_flag", REQ(1, BIT(7), 0, 0, 0), -EINVAL },

	/* Alignment and ranges. */
	{ "size_unaligned", REQ(2, 0, SZ_2M, SZ_4K + 1, 0x30000000), -EINVAL },
	{ "gpa_unaligned", REQ(2, 0, SZ_2M + 8, SZ_4K, 0x30000000), -EINVAL },
	{ "hva_unaligned", REQ(2, 0, SZ_2M, SZ_4K, 0x30000010), -EINVAL },
	{ "hva_kernel", REQ(2, 0, SZ_2M, SZ_4K, 0xffff888000000000ULL), -EINVAL },
	{ "hva_past_5_level_user_space", REQ(2, 0, SZ_2M, 2 * SZ_4K,
					     BIT_ULL(56) - SZ_4K), -EINVAL },
	{ "gpa_wraps", REQ(2, 0, 0xfffffffffffff000ULL, 2 * SZ_4K, 0x30000000),
	  -EINVAL },
	{ "gpa_beyond_phys_bits", REQ(2, 0, BIT_ULL(GPA_BITS), SZ_4K, 0x30000000),
	  -EINVAL },
	{ "end_beyond_phys_bits", REQ(2, 0, BIT_ULL(GPA_BITS) - SZ_4K, 2 * SZ_4K,
				      0x30000000), -EINVAL },

	/* Slot ids and address spaces. */
	{ "id_too_big", REQ(KHV_MAX_MEMSLOTS, 0, SZ_2M, SZ_4K, 0x30000000),
	  -EINVAL },
	{ "id_ffff", REQ(0xffff, 0, SZ_2M, SZ_4K, 0x30000000), -EINVAL },
	{ "address_space_1", REQ(BIT(16) | 2, 0, SZ_2M, SZ_4K, 0x30000000),
	  -EINVAL },
	{ "delete_unused_slot", REQ(5, 0, 0, 0, 0), -EINVAL },

	/* Existing slots can move, never resize nor change memory. */
	{ "resize", REQ(1, 0, SZ_1M, SZ_32K, HVA1), -EINVAL },
	{ "shrink", REQ(1, 0, SZ_1M, SZ_4K, HVA1), -EINVAL },
	{ "new_hva", REQ(1, 0, SZ_1M, SZ_16K, HVA1 + SZ_4K), -EINVAL },
	{ "move_and_resize", REQ(1, 0, SZ_2M, SZ_32K, HVA1), -EINVAL },

	/* Overlaps. */
	{ "overlap_same_range", REQ(2, 0, 0, SZ_64K, 0x30000000), -EEXIST },
	{ "overlap_start", REQ(2, 0, SZ_1M - SZ_4K, SZ_8K, 0x30000000), -EEXIST },
	{ "overlap_end", REQ(2, 0, SZ_1M + SZ_16K - SZ_4K, SZ_8K, 0x30000000),
	  -EEXIST },
	{ "overlap_inside", REQ(2, 0, SZ_4K, SZ_4K, 0x30000000), -EEXIST },
	{ "overlap_containing", REQ(2, 0, 0, SZ_2M, 0x30000000), -EEXIST },
	{ "move_onto_other", REQ(1, 0, SZ_32K, SZ_16K, HVA1), -EEXIST },
};

static void memslot_case_desc(const struct memslot_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(memslot, memslot_cases, memslot_case_desc);

static void memslot_test_prepare(struct kunit *test)
{
	const struct memslot_case *c = test->param_value;
	const struct kvm_userspace_memory_region *mem = &c->mem;
	struct khv_memslots *slots;
	struct khv_memslot_change chg;
	const struct khv_memslot *found;

	slots = kunit_kmalloc(test, sizeof(*slots), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, slots);
	*slots = memslot_base;

	KUNIT_ASSERT_EQ(test, khv_memslot_prepare(slots, mem, GPA_BITS, &chg),
			c->err);
	/* Validation only reads. */
	KUNIT_EXPECT_EQ(test, memcmp(slots, &memslot_base, sizeof(*slots)), 0);
	if (c->err)
		return;

	KUNIT_EXPECT_EQ(test, chg.op, c->op);
	KUNIT_EXPECT_EQ(test, chg.id, (unsigned int)(u16)mem->slot);
	KUNIT_EXPECT_EQ(test, memcmp(&chg.old, &memslot_base.slot[chg.id],
				     sizeof(chg.old)), 0);

	khv_memslot_commit(slots, &chg);
	switch (c->op) {
	case KHV_MEMSLOT_NOP:
		KUNIT_EXPECT_EQ(test, memcmp(slots, &memslot_base, sizeof(*slots)),
				0);
		break;
	case KHV_MEMSLOT_DELETE:
		KUNIT_EXPECT_EQ(test, slots->slot[chg.id].size, 0ULL);
		KUNIT_EXPECT_NULL(test, khv_memslot_find(slots, chg.old.gpa));
		break;
	case KHV_MEMSLOT_MOVE:
		if (!khv_memslot_overlaps(&memslot_base, KHV_MAX_MEMSLOTS,
					  chg.old.gpa, chg.old.size) ||
		    chg.old.gpa + chg.old.size <= mem->guest_phys_addr)
			KUNIT_EXPECT_NULL(test, khv_memslot_find(slots,
								 chg.old.gpa));
		fallthrough;
	case KHV_MEMSLOT_CREATE:
	case KHV_MEMSLOT_FLAGS:
		found = khv_memslot_find(slots, mem->guest_phys_addr);
		KUNIT_EXPECT_PTR_EQ(test, found, &slots->slot[chg.id]);
		found = khv_memslot_find(slots, mem->guest_phys_addr +
					 mem->memory_size - 1);
		KUNIT_EXPECT_PTR_EQ(test, found, &slots->slot[chg.id]);
		KUNIT_EXPECT_EQ(test, slots->slot[chg.id].hva,
				(u64)mem->userspace_addr);
		KUNIT_EXPECT_EQ(test, slots->slot[chg.id].size,
				(u64)mem->memory_size);
		break;
	}
}

struct memslot_lookup_case {
	const char *name;
	u64 gpa;
	int slot;		/* -1: none */
	u64 hva;
};

static const struct memslot_lookup_case memslot_lookup_cases[] = {
	{ "first_byte", 0, 0, HVA0 },
	{ "inside", 0x1234, 0, HVA0 + 0x1234 },
	{ "last_byte", SZ_64K - 1, 0, HVA0 + SZ_64K - 1 },
	{ "just_past", SZ_64K, -1 },
	{ "gap", SZ_512K, -1 },
	{ "second_slot", SZ_1M + SZ_8K + 5, 1, HVA1 + SZ_8K + 5 },
	{ "past_second", SZ_1M + SZ_16K, -1 },
	{ "huge", U64_MAX, -1 },
};

static void memslot_lookup_case_desc(const struct memslot_lookup_case *c,
				     char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(memslot_lookup, memslot_lookup_cases,
		  memslot_lookup_case_desc);

static void memslot_test_lookup(struct kunit *test)
{
	const struct memslot_lookup_case *c = test->param_value;
	const struct khv_memslot *s = khv_memslot_find(&memslot_base, c->gpa);

	if (c->slot < 0) {
		KUNIT_EXPECT_NULL(test, s);
		return;
	}
	KUNIT_ASSERT_PTR_EQ(test, s, &memslot_base.slot[c->slot]);
	KUNIT_EXPECT_EQ(test, khv_memslot_hva(s, c->gpa), c->hva);
}

/* The user range must end within user space (TASK_SIZE_MAX is runtime). */
static void memslot_test_hva_end(struct kunit *test)
{
	struct kvm_userspace_memory_region mem =
		REQ(2, 0, SZ_2M, SZ_4K, TASK_SIZE_MAX - SZ_4K);
	struct khv_memslot_change chg;

	KUNIT_EXPECT_EQ(test, khv_memslot_prepare(&memslot_base, &mem, GPA_BITS,
						  &chg), 0);
	mem.memory_size = 2 * SZ_4K;
	KUNIT_EXPECT_EQ(test, khv_memslot_prepare(&memslot_base, &mem, GPA_BITS,
						  &chg), -EINVAL);
}

/* An empty set finds nothing; a full one accepts no further slot id. */
static void memslot_test_empty_and_full(struct kunit *test)
{
	struct kvm_userspace_memory_region mem = REQ(0, 0, 0, SZ_4K, HVA0);
	struct khv_memslot_change chg;
	struct khv_memslots *slots;
	unsigned int i;

	slots = kunit_kzalloc(test, sizeof(*slots), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, slots);
	KUNIT_EXPECT_NULL(test, khv_memslot_find(slots, 0));

	for (i = 0; i < KHV_MAX_MEMSLOTS; i++) {
		mem.slot = i;
		mem.guest_phys_addr = (u64)i * SZ_4K;
		mem.userspace_addr = HVA0 + (u64)i * SZ_4K;
		KUNIT_ASSERT_EQ(test, khv_memslot_prepare(slots, &mem, GPA_BITS,
							  &chg), 0);
		KUNIT_ASSERT_EQ(test, chg.op, KHV_MEMSLOT_CREATE);
		khv_memslot_commit(slots, &chg);
	}
	for (i = 0; i < KHV_MAX_MEMSLOTS; i++)
		KUNIT_EXPECT_PTR_EQ(test, khv_memslot_find(slots, (u64)i * SZ_4K),
				    &slots->slot[i]);
	mem.slot = KHV_MAX_MEMSLOTS;
	mem.guest_phys_addr = SZ_1G;
	KUNIT_EXPECT_EQ(test, khv_memslot_prepare(slots, &mem, GPA_BITS, &chg),
			-EINVAL);
	/* Any new range now overlaps unless it lies above all slots. */
	mem.slot = 3;
	mem.guest_phys_addr = SZ_4K * 3;
	mem.userspace_addr = HVA0 + SZ_4K * 3;
	KUNIT_EXPECT_EQ(test, khv_memslot_prepare(slots, &mem, GPA_BITS, &chg),
			0);
	KUNIT_EXPECT_EQ(test, chg.op, KHV_MEMSLOT_NOP);
	mem.guest_phys_addr = SZ_4K * 4;
	KUNIT_EXPECT_EQ(test, khv_memslot_prepare(slots, &mem, GPA_BITS, &chg),
			-EEXIST);
}

static struct kunit_case memslot_test_cases[] = {
	KUNIT_CASE_PARAM(memslot_test_prepare, memslot_gen_params),
	KUNIT_CASE_PARAM(memslot_test_lookup, memslot_lookup_gen_params),
	KUNIT_CASE(memslot_test_hva_end),
	KUNIT_CASE(memslot_test_empty_and_full),
	{}
};

static struct kunit_suite memslot_test_suite = {
	.name = "khv_memslot",
	.test_cases = memslot_test_cases,
};

kunit_test_suites(&memslot_test_suite);

