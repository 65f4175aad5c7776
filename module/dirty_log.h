/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dirty-page logging, the pure part: the checks KVM_GET_DIRTY_LOG and
 * KVM_CLEAR_DIRTY_LOG make before touching a slot, and the slot bitmap's
 * operations (collect, clear a range, mark). No lock, no EPT: the caller
 * (vm_dirty.c) serialises and passes a callback that write-protects a page,
 * so KUnit can drive all of it (dirty_log_test.c).
 *
 * The bitmap has the layout of KVM's: bit n of the little-endian array of
 * 64-bit words is page n of the slot (api.rst 4.8 KVM_GET_DIRTY_LOG).
 */
#ifndef _KHV_DIRTY_LOG_H
#define _KHV_DIRTY_LOG_H

#include <linux/kvm.h>
#include <linux/types.h>

/*
 * Slot ids as x86 KVM validates them in the dirty-log ioctls: two address
 * spaces (the second is SMM's) of 32764 user slots each. An id inside these
 * bounds that names no logged slot is ENOENT, beyond them EINVAL; khv's own
 * slots are the first KHV_MAX_MEMSLOTS of address space 0.
 */
#define KHV_DIRTY_LOG_ADDRESS_SPACES	2
#define KHV_DIRTY_LOG_SLOT_IDS		32764

/* KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2: what KVM_ENABLE_CAP may set. */
#define KHV_DIRTY_LOG_MANUAL_CAPS	(KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE | \
					 KVM_DIRTY_LOG_INITIALLY_SET)

/* Called for each page whose bit is cleared; it must write-protect it. */
typedef void (*khv_dirty_protect_fn)(void *ctx, u64 page);

int khv_dirty_log_check_manual(u64 arg);
int khv_dirty_log_check_slot(u32 slot);
int khv_dirty_log_check_clear(u32 slot, u64 first_page);
int khv_dirty_log_check_clear_range(u64 npages, u64 first_page,
				    u32 num_pages);

size_t khv_dirty_bitmap_bytes(u64 npages);
unsigned long *khv_dirty_bitmap_alloc(u64 npages, bool all_set);
void khv_dirty_bitmap_free(unsigned long *bitmap);

void khv_dirty_mark(unsigned long *bitmap, u64 npages, u64 page);
unsigned long khv_dirty_collect(unsigned long *bitmap, u64 npages,
				unsigned long *out, bool clear,
				khv_dirty_protect_fn protect, void *ctx);
unsigned long khv_dirty_clear(unsigned long *bitmap, u64 npages,
			      const unsigned long *mask, u64 first_page,
			      u32 num_pages, khv_dirty_protect_fn protect,
			      void *ctx);

#endif /* _KHV_DIRTY_LOG_H */
