// SPDX-License-Identifier: GPL-2.0
/*
 * Builder of EPT paging structures (SDM Vol. 3C, 29.3.2 "EPT Translation
 * Mechanism"). Levels are numbered as the SDM walks them: 4 is the PML4
 * (the root), 1 the page table whose entries map 4 KiB pages.
 *
 * Removing mappings is split in two steps because the CPU caches EPT
 * translations and paging-structure entries (SDM 29.4): revoke first clears
 * the R/W/X bits, which makes the entries not present for the processor while
 * they still remember what they referenced; after the caller has invalidated
 * the cached copies on every CPU (INVEPT), reap hands the pages to the caller
 * and frees the tables. Freeing earlier would let a CPU keep reaching a page
 * or a table that has been given back to the host.
 */
#include <linux/io.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <asm/vmx.h>

#include "ept.h"

#define EPT_ENTRIES		512
#define EPT_INDEX_BITS		9
/*
 * Software mark of a revoked entry. With bits 2:0 clear the processor ignores
 * every other bit of the entry (SDM 29.3.2), so the mark and the address stay
 * invisible to it.
 */
#define EPT_REVOKED		BIT_ULL(11)
#define EPT_GPA_LIMIT		BIT_ULL(KHV_EPT_GPA_BITS)

/* Bytes mapped by one entry of a table at @level. */
static u64 ept_entry_span(int level)
{
	return 1ULL << (PAGE_SHIFT + EPT_INDEX_BITS * (level - 1));
}

static unsigned int ept_index(u64 gpa, int level)
{
	return (gpa >> (PAGE_SHIFT + EPT_INDEX_BITS * (level - 1))) &
	       (EPT_ENTRIES - 1);
}

static bool ept_present(u64 entry)
{
	return entry & VMX_EPT_RWX_MASK;
}

static bool ept_revoked(u64 entry)
{
	return !ept_present(entry) && (entry & EPT_REVOKED);
}

static u64 *ept_child(u64 entry)
{
	return phys_to_virt(entry & KHV_EPT_ADDR_MASK);
}

static u64 *ept_alloc_table(struct khv_ept *ept)
{
	u64 *table = ept->alloc->alloc_table(ept->alloc->ctx);

	if (table)
		ept->nr_tables++;
	return table;
}

static void ept_free_table(struct khv_ept *ept, u64 *table)
{
	ept->alloc->free_table(ept->alloc->ctx, table);
	ept->nr_tables--;
}

int khv_ept_init(struct khv_ept *ept, const struct khv_ept_alloc *alloc)
{
	ept->alloc = alloc;
	ept->nr_tables = 0;
	ept->nr_leaves = 0;
	ept->root = ept_alloc_table(ept);
	return ept->root ? 0 : -ENOMEM;
}

u64 khv_ept_root_hpa(const struct khv_ept *ept)
{
	return virt_to_phys(ept->root);
}

/*
 * Combinations that cause an EPT misconfiguration (SDM 29.3.3.1): write
 * without read, and execute-only unless the CPU supports it (khv does not
 * use it). Memory types 2, 3 and 7 are reserved.
 */
static bool ept_prot_valid(u64 prot)
{
	if (prot & ~VMX_EPT_RWX_MASK)
		return false;
	return prot & VMX_EPT_READABLE_MASK;
}

static bool ept_memtype_valid(unsigned int memtype)
{
	return memtype == 0 || memtype == 1 || memtype == 4 || memtype == 5 ||
	       memtype == 6;
}

/*
 * Map the 4 KiB guest-physical page @gpa to the host page @hpa with @prot
 * (VMX_EPT_*_MASK bits) and EPT memory type @memtype, creating the tables on
 * the way. -EEXIST when @gpa is already mapped; tables created before an
 * allocation failure stay linked and empty, they are freed with the tree.
 */
int khv_ept_map(struct khv_ept *ept, u64 gpa, u64 hpa, u64 prot,
		unsigned int memtype)
{
	u64 *table = ept->root;
	u64 *entry;
	int level;

	if (!PAGE_ALIGNED(gpa) || gpa >= EPT_GPA_LIMIT)
		return -EINVAL;
	if (hpa & ~KHV_EPT_ADDR_MASK)
		return -EINVAL;
	if (!ept_prot_valid(prot) || !ept_memtype_valid(memtype))
		return -EINVAL;

	for (level = KHV_EPT_LEVELS; level > 1; level--) {
		entry = &table[ept_index(gpa, level)];
		if (ept_revoked(*entry))
			return -EBUSY;
		if (!*entry) {
			u64 *next = ept_alloc_table(ept);

			if (!next)
				return -ENOMEM;
			/* The zeroed table must be visible before the link. */
			smp_wmb();
			/* Access rights of a path are ANDed: allow all here. */
			WRITE_ONCE(*entry, virt_to_phys(next) | VMX_EPT_RWX_MASK);
		}
		table = ept_child(*entry);
	}

	entry = &table[ept_index(gpa, 1)];
	if (*entry)
		return ept_revoked(*entry) ? -EBUSY : -EEXIST;
	WRITE_ONCE(*entry, hpa | prot |
		   ((u64)memtype << VMX_EPT_MT_EPTE_SHIFT));
	ept->nr_leaves++;
	return 0;
}

/* The leaf entry mapping @gpa, or 0 when no present path leads to one. */
u64 khv_ept_lookup(const struct khv_ept *ept, u64 gpa)
{
	const u64 *table = ept->root;
	int level;
	u64 entry;

	if (gpa >= EPT_GPA_LIMIT)
		return 0;
	for (level = KHV_EPT_LEVELS; level > 1; level--) {
		entry = READ_ONCE(table[ept_index(gpa, level)]);
		if (!ept_present(entry))
			return 0;
		table = ept_child(entry);
	}
	return READ_ONCE(table[ept_index(gpa, 1)]);
}

static bool ept_table_has_present(const u64 *table)
{
	int i;

	for (i = 0; i < EPT_ENTRIES; i++)
		if (ept_present(table[i]))
			return true;
	return false;
}

static void ept_revoke_entry(u64 *entry)
{
	WRITE_ONCE(*entry, (*entry & ~VMX_EPT_RWX_MASK) | EPT_REVOKED);
}

/*
 * Entries of the table at @level (mapping from @base) that overlap the
 * inclusive range [@first, @last].
 */
#define for_each_ept_entry(i, base, level, first, last)			\
	for (i = ept_index(max(first, base), level);				\
	     i <= ept_index(min(last, (base) + ept_entry_span((level) + 1) - 1), \
			    level);						\
	     i++)

static bool ept_revoke(u64 *table, int level, u64 base, u64 first, u64 last)
{
	bool revoked = false;
	unsigned int i;

	for_each_ept_entry(i, base, level, first, last) {
		u64 lo = base + i * ept_entry_span(level);
		u64 hi = lo + ept_entry_span(level) - 1;

		if (!ept_present(table[i]))
			continue;
		/*
		 * A table entirely inside the range is cut off as a whole;
		 * so is one that the range leaves without present entries.
		 */
		if (level > 1 && (lo < first || hi > last)) {
			u64 *child = ept_child(table[i]);

			revoked |= ept_revoke(child, level - 1, lo, first, last);
			if (ept_table_has_present(child))
				continue;
		}
		ept_revoke_entry(&table[i]);
		revoked = true;
	}
	return revoked;
}

/*
 * Make [@gpa, @gpa + @size) unreachable for the processor. Returns whether
 * any entry changed, i.e. whether cached translations must be invalidated
 * before khv_ept_reap_range().
 */
bool khv_ept_revoke_range(struct khv_ept *ept, u64 gpa, u64 size)
{
	if (!size || gpa >= EPT_GPA_LIMIT)
		return false;
	size = min(size, EPT_GPA_LIMIT - gpa);
	return ept_revoke(ept->root, KHV_EPT_LEVELS, 0, gpa, gpa + size - 1);
}

/* Release every mapping below @table and free its tables, @table included. */
static unsigned long ept_release_table(struct khv_ept *ept, u64 *table,
				       int level, u64 base,
				       khv_ept_release_fn release, void *ctx)
{
	unsigned long released = 0;
	unsigned int i;

	for (i = 0; i < EPT_ENTRIES; i++) {
		u64 entry = table[i];
		u64 lo = base + i * ept_entry_span(level);

		if (!entry)
			continue;
		if (level > 1) {
			released += ept_release_table(ept, ept_child(entry),
						      level - 1, lo, release, ctx);
		} else {
			release(ctx, lo, khv_ept_entry_hpa(entry));
			ept->nr_leaves--;
			released++;
		}
	}
	ept_free_table(ept, table);
	return released;
}

static unsigned long ept_reap(struct khv_ept *ept, u64 *table, int level,
			      u64 base, u64 first, u64 last,
			      khv_ept_release_fn release, void *ctx)
{
	unsigned long released = 0;
	unsigned int i;

	for_each_ept_entry(i, base, level, first, last) {
		u64 entry = table[i];
		u64 lo = base + i * ept_entry_span(level);

		if (!ept_revoked(entry)) {
			if (level > 1 && ept_present(entry))
				released += ept_reap(ept, ept_child(entry),
						     level - 1, lo, first, last,
						     release, ctx);
			continue;
		}
		if (level > 1) {
			released += ept_release_table(ept, ept_child(entry),
						      level - 1, lo, release, ctx);
		} else {
			release(ctx, lo, khv_ept_entry_hpa(entry));
			ept->nr_leaves--;
			released++;
		}
		WRITE_ONCE(table[i], 0);
	}
	return released;
}

/*
 * Release what khv_ept_revoke_range() revoked in [@gpa, @gpa + @size):
 * @release is called for each page, tables are freed. Only call it once no
 * CPU can hold a cached translation of the range any more. Returns the
 * number of pages released.
 */
unsigned long khv_ept_reap_range(struct khv_ept *ept, u64 gpa, u64 size,
				 khv_ept_release_fn release, void *ctx)
{
	if (!size || gpa >= EPT_GPA_LIMIT)
		return 0;
	size = min(size, EPT_GPA_LIMIT - gpa);
	return ept_reap(ept, ept->root, KHV_EPT_LEVELS, 0, gpa, gpa + size - 1,
			release, ctx);
}

/*
 * Release every mapping and free all tables. The caller guarantees that no
 * CPU uses or caches the tree any more.
 */
void khv_ept_destroy(struct khv_ept *ept, khv_ept_release_fn release,
		     void *ctx)
{
	if (!ept->root)
		return;
	ept_release_table(ept, ept->root, KHV_EPT_LEVELS, 0, release, ctx);
	ept->root = NULL;
}

/*
 * Dirty-page logging (vm_dirty.c) takes write access away from the leaves of
 * a logged slot so that the guest's first write to a page exits with an EPT
 * violation (SDM 29.3.3.2). Clearing W needs INVEPT before the caller relies
 * on it (a CPU may hold a writable translation, SDM 29.4). Setting W needs
 * none: a CPU still caching the read-only translation takes one more EPT
 * violation, which invalidates that translation (SDM 29.4.3.1).
 */

/* The leaf entry of @gpa when a present path leads to it, else NULL. */
static u64 *ept_leaf_entry(struct khv_ept *ept, u64 gpa)
{
	u64 *table = ept->root;
	int level;
	u64 entry;

	if (gpa >= EPT_GPA_LIMIT)
		return NULL;
	for (level = KHV_EPT_LEVELS; level > 1; level--) {
		entry = READ_ONCE(table[ept_index(gpa, level)]);
		if (!ept_present(entry))
			return NULL;
		table = ept_child(entry);
	}
	return &table[ept_index(gpa, 1)];
}

/* Clear W of the present leaf mapping @gpa. Returns whether it had W. */
bool khv_ept_write_protect(struct khv_ept *ept, u64 gpa)
{
	u64 *entry = ept_leaf_entry(ept, gpa);

	if (!entry || !(*entry & VMX_EPT_WRITABLE_MASK) || !ept_present(*entry))
		return false;
	WRITE_ONCE(*entry, *entry & ~VMX_EPT_WRITABLE_MASK);
	return true;
}

/*
 * Give the present, readable leaf mapping @gpa write access. Returns false
 * when there is no such leaf (the caller maps the page instead).
 */
bool khv_ept_make_writable(struct khv_ept *ept, u64 gpa)
{
	u64 *entry = ept_leaf_entry(ept, gpa);

	if (!entry || !(*entry & VMX_EPT_READABLE_MASK))
		return false;
	WRITE_ONCE(*entry, *entry | VMX_EPT_WRITABLE_MASK);
	return true;
}

static bool ept_write_protect(u64 *table, int level, u64 base, u64 first,
			      u64 last)
{
	bool changed = false;
	unsigned int i;

	for_each_ept_entry(i, base, level, first, last) {
		u64 entry = table[i];

		if (!ept_present(entry))
			continue;
		if (level > 1) {
			changed |= ept_write_protect(ept_child(entry), level - 1,
						     base + i * ept_entry_span(level),
						     first, last);
		} else if (entry & VMX_EPT_WRITABLE_MASK) {
			WRITE_ONCE(table[i], entry & ~VMX_EPT_WRITABLE_MASK);
			changed = true;
		}
	}
	return changed;
}

/*
 * Clear W of every leaf in [@gpa, @gpa + @size); tables keep theirs (access
 * rights along a path are ANDed). Returns whether a leaf lost W, i.e.
 * whether cached translations must be invalidated.
 */
bool khv_ept_write_protect_range(struct khv_ept *ept, u64 gpa, u64 size)
{
	if (!size || gpa >= EPT_GPA_LIMIT)
		return false;
	size = min(size, EPT_GPA_LIMIT - gpa);
	return ept_write_protect(ept->root, KHV_EPT_LEVELS, 0, gpa,
				 gpa + size - 1);
}
