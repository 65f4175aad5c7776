/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EPT paging structures (SDM Vol. 3C, 29.3 "The Extended Page Table
 * Mechanism"): a 4-level tree of 4 KiB tables mapping guest-physical 4 KiB
 * pages. Pure logic: table pages come from a caller-supplied allocator, no
 * VMX instruction is executed here, so KUnit can drive it.
 *
 * Not locked: the caller serialises all calls on one tree.
 */
#ifndef _KHV_EPT_H
#define _KHV_EPT_H

#include <linux/bits.h>
#include <linux/types.h>

#define KHV_EPT_LEVELS		4
/* 4-level EPT translates 48-bit guest-physical addresses. */
#define KHV_EPT_GPA_BITS	48
/* Bits 51:12 of an entry hold the physical address it references. */
#define KHV_EPT_ADDR_MASK	GENMASK_ULL(51, 12)

/* Allocator of zeroed, page-aligned 4 KiB table pages from the linear map. */
struct khv_ept_alloc {
	u64 *(*alloc_table)(void *ctx);
	void (*free_table)(void *ctx, u64 *table);
	void *ctx;
};

struct khv_ept {
	u64 *root;			/* the PML4 table */
	const struct khv_ept_alloc *alloc;
	unsigned long nr_tables;	/* tables linked in, root included */
	unsigned long nr_leaves;	/* present 4 KiB mappings */
};

/* Called for every 4 KiB mapping that is released. */
typedef void (*khv_ept_release_fn)(void *ctx, u64 gpa, u64 hpa);

int khv_ept_init(struct khv_ept *ept, const struct khv_ept_alloc *alloc);
u64 khv_ept_root_hpa(const struct khv_ept *ept);

int khv_ept_map(struct khv_ept *ept, u64 gpa, u64 hpa, u64 prot,
		unsigned int memtype);
u64 khv_ept_lookup(const struct khv_ept *ept, u64 gpa);

bool khv_ept_revoke_range(struct khv_ept *ept, u64 gpa, u64 size);
unsigned long khv_ept_reap_range(struct khv_ept *ept, u64 gpa, u64 size,
				 khv_ept_release_fn release, void *ctx);
/* Dirty-page logging: see ept.c. */
bool khv_ept_write_protect(struct khv_ept *ept, u64 gpa);
bool khv_ept_make_writable(struct khv_ept *ept, u64 gpa);
bool khv_ept_write_protect_range(struct khv_ept *ept, u64 gpa, u64 size);

void khv_ept_destroy(struct khv_ept *ept, khv_ept_release_fn release,
		     void *ctx);

/* The host-physical address a leaf entry maps. */
static inline u64 khv_ept_entry_hpa(u64 entry)
{
	return entry & KHV_EPT_ADDR_MASK;
}

#endif /* _KHV_EPT_H */
