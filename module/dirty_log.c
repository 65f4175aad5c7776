// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty-page logging: argument checks and bitmap operations (dirty_log.h).
 * The errnos are those of kvm_intel (Linux 6.12, measured by
 * selftests/khv_dirtylog_test.c) and api.rst 4.8 / 4.117.
 */
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "dirty_log.h"

/*
 * KVM_ENABLE_CAP(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2)'s args[0]: 0, or
 * KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE with or without
 * KVM_DIRTY_LOG_INITIALLY_SET; INITIALLY_SET alone is EINVAL (kvm_intel).
 */
int khv_dirty_log_check_manual(u64 arg)
{
	u64 allowed = KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE;

	if (arg & KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE)
		allowed = KHV_DIRTY_LOG_MANUAL_CAPS;
	return arg & ~allowed ? -EINVAL : 0;
}

/* Slot ids outside what KVM could ever hold: EINVAL (else ENOENT later). */
int khv_dirty_log_check_slot(u32 slot)
{
	if ((slot >> 16) >= KHV_DIRTY_LOG_ADDRESS_SPACES ||
	    (u16)slot >= KHV_DIRTY_LOG_SLOT_IDS)
		return -EINVAL;
	return 0;
}

/*
 * KVM_CLEAR_DIRTY_LOG before the slot lookup: the slot id, and first_page
 * on a 64-page boundary (one bitmap word, api.rst 4.117).
 */
int khv_dirty_log_check_clear(u32 slot, u64 first_page)
{
	int r = khv_dirty_log_check_slot(slot);

	if (r)
		return r;
	return first_page % BITS_PER_LONG ? -EINVAL : 0;
}

/*
 * KVM_CLEAR_DIRTY_LOG against the slot's @npages: the range lies in the
 * slot, and num_pages is a multiple of 64 unless the range ends at the
 * slot's end.
 */
int khv_dirty_log_check_clear_range(u64 npages, u64 first_page,
				    u32 num_pages)
{
	if (first_page > npages || num_pages > npages - first_page)
		return -EINVAL;
	if (num_pages < npages - first_page && num_pages % BITS_PER_LONG)
		return -EINVAL;
	return 0;
}

/* Bytes of the bitmap of @npages pages: whole 64-bit words, as KVM. */
size_t khv_dirty_bitmap_bytes(u64 npages)
{
	return BITS_TO_LONGS(npages) * sizeof(long);
}

/*
 * A slot's bitmap: all clear, or with @all_set (KVM_DIRTY_LOG_INITIALLY_SET)
 * every page's bit set. Bits past the last page stay clear.
 */
unsigned long *khv_dirty_bitmap_alloc(u64 npages, bool all_set)
{
	unsigned long *bitmap = kvzalloc(khv_dirty_bitmap_bytes(npages),
					 GFP_KERNEL_ACCOUNT);

	if (bitmap && all_set)
		bitmap_set(bitmap, 0, npages);
	return bitmap;
}

void khv_dirty_bitmap_free(unsigned long *bitmap)
{
	kvfree(bitmap);
}

void khv_dirty_mark(unsigned long *bitmap, u64 npages, u64 page)
{
	if (page < npages)
		__set_bit(page, bitmap);
}

/*
 * Copy the bitmap to @out (khv_dirty_bitmap_bytes(@npages) bytes). With
 * @clear (KVM_GET_DIRTY_LOG without manual protection) also clear it and
 * call @protect for every page that was dirty. Returns the dirty pages.
 */
unsigned long khv_dirty_collect(unsigned long *bitmap, u64 npages,
				unsigned long *out, bool clear,
				khv_dirty_protect_fn protect, void *ctx)
{
	unsigned long n = 0, i, nwords = BITS_TO_LONGS(npages);

	for (i = 0; i < nwords; i++) {
		unsigned long word = bitmap[i];
		unsigned int bit;

		out[i] = word;
		if (!word)
			continue;
		n += hweight_long(word);
		if (!clear)
			continue;
		bitmap[i] = 0;
		for_each_set_bit(bit, &word, BITS_PER_LONG)
			protect(ctx, i * BITS_PER_LONG + bit);
	}
	return n;
}

/*
 * KVM_CLEAR_DIRTY_LOG: for page first_page + n with bit n of @mask set, n
 * below @num_pages, clear its dirty bit and, if it was set, @protect it
 * (a page whose bit is clear is already write-protected). The range was
 * checked by khv_dirty_log_check_clear_range(). Returns the pages cleared.
 */
unsigned long khv_dirty_clear(unsigned long *bitmap, u64 npages,
			      const unsigned long *mask, u64 first_page,
			      u32 num_pages, khv_dirty_protect_fn protect,
			      void *ctx)
{
	unsigned long n = 0, i, nwords = BITS_TO_LONGS(num_pages);

	for (i = 0; i < nwords; i++) {
		u64 page0 = first_page + i * BITS_PER_LONG;
		unsigned long *word = &bitmap[page0 / BITS_PER_LONG];
		unsigned long hit = mask[i] & *word;
		unsigned int bit;

		/* The last word may reach past num_pages (and the slot). */
		if (num_pages - i * BITS_PER_LONG < BITS_PER_LONG)
			hit &= BIT(num_pages - i * BITS_PER_LONG) - 1;
		if (!hit)
			continue;
		*word &= ~hit;
		n += hweight_long(hit);
		for_each_set_bit(bit, &hit, BITS_PER_LONG)
			protect(ctx, page0 + bit);
	}
	return n;
}
