// SPDX-License-Identifier: GPL-2.0
/*
 * Memory slot validation and lookups. The rules and their errnos follow
 * Documentation/virt/kvm/api.rst (4.35 KVM_SET_USER_MEMORY_REGION) and what
 * KVM does: a slot can be created, deleted (memory_size 0), moved to a new
 * guest_phys_addr or given new flags, never resized nor pointed at other user
 * memory; slots must not overlap (EEXIST); everything else that is wrong is
 * EINVAL. A failed request changes nothing because validation only reads.
 */
#include <linux/mm.h>
#include <linux/uaccess.h>

#include "memslot.h"

static bool memslot_used(const struct khv_memslot *slot)
{
	return slot->size != 0;
}

/* Whether [@gpa, @gpa + @size) meets a used slot other than @id. */
bool khv_memslot_overlaps(const struct khv_memslots *slots, unsigned int id,
			  u64 gpa, u64 size)
{
	unsigned int i;

	for (i = 0; i < KHV_MAX_MEMSLOTS; i++) {
		const struct khv_memslot *s = &slots->slot[i];

		if (i == id || !memslot_used(s))
			continue;
		if (gpa < s->gpa + s->size && s->gpa < gpa + size)
			return true;
	}
	return false;
}

/* Checks that do not depend on the current slots. */
static int memslot_check_request(const struct kvm_userspace_memory_region *mem)
{
	u64 size = mem->memory_size;
	u64 hva = mem->userspace_addr;
	u64 untagged = untagged_addr(hva);

	if (mem->flags & ~KHV_MEMSLOT_VALID_FLAGS)
		return -EINVAL;
	if (!PAGE_ALIGNED(size) || !PAGE_ALIGNED(mem->guest_phys_addr))
		return -EINVAL;
	/* Guest memory is later read through the user mapping itself. */
	if (!PAGE_ALIGNED(hva) || hva != untagged ||
	    !access_ok((void __user *)(unsigned long)hva, size))
		return -EINVAL;
	/* Bits 31:16 select an address space; khv has only address space 0. */
	if ((mem->slot >> 16) != 0 || (u16)mem->slot >= KHV_MAX_MEMSLOTS)
		return -EINVAL;
	if (mem->guest_phys_addr + size < mem->guest_phys_addr)
		return -EINVAL;
	return 0;
}

/*
 * Validate @mem against @slots and describe the change in @chg. Guest
 * addresses must stay below 2^@gpa_bits (the EPT and the CPU's MAXPHYADDR).
 * Returns 0 (@chg->op may be KHV_MEMSLOT_NOP), -EINVAL or -EEXIST.
 */
int khv_memslot_prepare(const struct khv_memslots *slots,
			const struct kvm_userspace_memory_region *mem,
			unsigned int gpa_bits, struct khv_memslot_change *chg)
{
	const struct khv_memslot *old;
	int r;

	r = memslot_check_request(mem);
	if (r)
		return r;

	chg->id = (u16)mem->slot;
	old = &slots->slot[chg->id];
	chg->old = *old;
	chg->new = (struct khv_memslot) {
		.gpa	= mem->guest_phys_addr,
		.size	= mem->memory_size,
		.hva	= mem->userspace_addr,
		.flags	= mem->flags,
	};

	if (!mem->memory_size) {
		if (!memslot_used(old))
			return -EINVAL;
		chg->op = KHV_MEMSLOT_DELETE;
		return 0;
	}

	if (gpa_bits < 64 &&
	    mem->guest_phys_addr + mem->memory_size > BIT_ULL(gpa_bits))
		return -EINVAL;

	if (!memslot_used(old)) {
		chg->op = KHV_MEMSLOT_CREATE;
	} else {
		if (mem->userspace_addr != old->hva ||
		    mem->memory_size != old->size ||
		    ((mem->flags ^ old->flags) & KVM_MEM_READONLY))
			return -EINVAL;
		if (mem->guest_phys_addr != old->gpa)
			chg->op = KHV_MEMSLOT_MOVE;
		else if (mem->flags != old->flags)
			chg->op = KHV_MEMSLOT_FLAGS;
		else
			chg->op = KHV_MEMSLOT_NOP;
	}

	if ((chg->op == KHV_MEMSLOT_CREATE || chg->op == KHV_MEMSLOT_MOVE) &&
	    khv_memslot_overlaps(slots, chg->id, mem->guest_phys_addr,
				 mem->memory_size))
		return -EEXIST;
	return 0;
}

/* Apply a change that khv_memslot_prepare() accepted. */
void khv_memslot_commit(struct khv_memslots *slots,
			const struct khv_memslot_change *chg)
{
	struct khv_memslot *slot = &slots->slot[chg->id];

	switch (chg->op) {
	case KHV_MEMSLOT_NOP:
		break;
	case KHV_MEMSLOT_DELETE:
		*slot = (struct khv_memslot) {};
		break;
	case KHV_MEMSLOT_CREATE:
	case KHV_MEMSLOT_MOVE:
	case KHV_MEMSLOT_FLAGS:
		*slot = chg->new;
		break;
	}
}

/* The slot holding guest-physical address @gpa, or NULL. */
const struct khv_memslot *khv_memslot_find(const struct khv_memslots *slots,
					   u64 gpa)
{
	unsigned int i;

	for (i = 0; i < KHV_MAX_MEMSLOTS; i++) {
		const struct khv_memslot *s = &slots->slot[i];

		if (memslot_used(s) && gpa >= s->gpa && gpa - s->gpa < s->size)
			return s;
	}
	return NULL;
}
