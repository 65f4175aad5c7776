/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest memory slots (KVM_SET_USER_MEMORY_REGION): validation of a request
 * against the current slot set, overlap detection and guest-physical to user
 * address lookups. Pure logic, so KUnit can drive it; vm.c applies the
 * changes to the EPT.
 *
 * Not locked: the caller serialises changes and lookups.
 */
#ifndef _KHV_MEMSLOT_H
#define _KHV_MEMSLOT_H

#include <linux/kvm.h>
#include <linux/types.h>

/* KVM_CAP_NR_MEMSLOTS: slot ids are 0 .. KHV_MAX_MEMSLOTS - 1. */
#define KHV_MAX_MEMSLOTS	32

/*
 * Flags a slot may carry. KVM_MEM_READONLY: the EPT maps the slot without
 * write access and a guest write exits as KVM_EXIT_MMIO (vm.c, mmio.c).
 * KVM_MEM_LOG_DIRTY_PAGES: the slot's writes are logged in its dirty bitmap
 * (vm_dirty.c); it may be switched on and off on an existing slot.
 */
#define KHV_MEMSLOT_VALID_FLAGS	(KVM_MEM_READONLY | KVM_MEM_LOG_DIRTY_PAGES)

struct khv_memslot {
	u64 gpa;			/* first guest-physical byte */
	u64 size;			/* bytes; 0 when the slot is unused */
	u64 hva;			/* user address backing gpa */
	u32 flags;			/* KVM_MEM_* */
	/*
	 * With KVM_MEM_LOG_DIRTY_PAGES: bit n set when page n was written
	 * since userspace last collected it (vm_dirty.c). Not set by
	 * khv_memslot_prepare(); vm_dirty.c gives new slots theirs.
	 */
	unsigned long *dirty_bitmap;
};

/* Slots are indexed by their id. */
struct khv_memslots {
	struct khv_memslot slot[KHV_MAX_MEMSLOTS];
};

enum khv_memslot_op {
	KHV_MEMSLOT_NOP,		/* request equals the current slot */
	KHV_MEMSLOT_CREATE,
	KHV_MEMSLOT_DELETE,
	KHV_MEMSLOT_MOVE,		/* new guest_phys_addr */
	KHV_MEMSLOT_FLAGS,		/* new flags only */
};

/* A validated request: what changes, from what to what. */
struct khv_memslot_change {
	enum khv_memslot_op op;
	unsigned int id;
	struct khv_memslot old;		/* DELETE, MOVE, FLAGS */
	struct khv_memslot new;		/* CREATE, MOVE, FLAGS */
};

int khv_memslot_prepare(const struct khv_memslots *slots,
			const struct kvm_userspace_memory_region *mem,
			unsigned int gpa_bits, struct khv_memslot_change *chg);
void khv_memslot_commit(struct khv_memslots *slots,
			const struct khv_memslot_change *chg);
bool khv_memslot_overlaps(const struct khv_memslots *slots, unsigned int id,
			  u64 gpa, u64 size);
const struct khv_memslot *khv_memslot_find(const struct khv_memslots *slots,
					   u64 gpa);

static inline bool khv_memslot_readonly(const struct khv_memslot *slot)
{
	return slot->flags & KVM_MEM_READONLY;
}

static inline bool khv_memslot_logged(const struct khv_memslot *slot)
{
	return slot->flags & KVM_MEM_LOG_DIRTY_PAGES;
}

/* User address of @gpa, which must lie in @slot. */
static inline u64 khv_memslot_hva(const struct khv_memslot *slot, u64 gpa)
{
	return slot->hva + (gpa - slot->gpa);
}

#endif /* _KHV_MEMSLOT_H */
