// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty-page logging of memory slots (KVM_MEM_LOG_DIRTY_PAGES,
 * KVM_GET_DIRTY_LOG, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, KVM_CLEAR_DIRTY_LOG;
 * api.rst 4.8, 4.117, 7.18) through EPT write protection.
 *
 * The invariant, under vm->mmu_lock: a page of a logged slot whose dirty bit
 * is clear has no writable EPT leaf, or only one that an INVEPT issued before
 * the lock is dropped takes away. It holds because
 *  - logging starts on a slot with its leaves write-protected (a new slot
 *    has none; a slot that starts logging is write-protected, then flushed);
 *  - the EPT fault path (vm.c) sets the bit in the same mmu_lock section that
 *    grants write access, so a guest write after a collection faults first;
 *  - collecting (KVM_GET_DIRTY_LOG without manual protection) and
 *    KVM_CLEAR_DIRTY_LOG clear a bit and write-protect its page in the same
 *    section, and flush every CPU's EPT translations (vm_flush_ept(): an IPI
 *    that also forces running vCPUs out of the guest) before dropping it.
 * So when userspace has the bitmap, every guest write made before the ioctl
 * returned landed in memory it can read, and every later write sets the bit
 * again: no write goes unreported. A vCPU that writes through a stale
 * writable translation during the ioctl writes a page whose bit was set,
 * i.e. one userspace is told to copy after the ioctl returns.
 *
 * khv's own writes into guest memory for the guest (string I/O, MMIO
 * emulation, guest page-table A/D bits: khv_vm_write_guest()) go through the
 * user mapping and are marked after the copy: a collection between the copy
 * and the mark reports the page in the next round. Those writes happen inside
 * KVM_RUN, so once the vCPUs are stopped a last collection is complete.
 */
#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>

#include "dirty_log.h"
#include "vm.h"
#include "vm_dirty.h"

static u64 slot_npages(const struct khv_memslot *slot)
{
	return slot->size >> PAGE_SHIFT;
}

static bool vm_initially_set(struct khv_vm *vm)
{
	u64 caps = READ_ONCE(vm->dirty_log_manual);

	return (caps & KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE) &&
	       (caps & KVM_DIRTY_LOG_INITIALLY_SET);
}

/*
 * A slot change (vm_set_memory_region(), both VM locks held): give the new
 * slot its bitmap. A slot that keeps logging (flags change, move) keeps its
 * bitmap, as in KVM; one that starts gets a clear one, or a full one with
 * KVM_DIRTY_LOG_INITIALLY_SET.
 */
int khv_dirty_log_slot_prepare(struct khv_vm *vm,
			       struct khv_memslot_change *chg)
{
	chg->new.dirty_bitmap = NULL;
	if (chg->op == KHV_MEMSLOT_DELETE || !khv_memslot_logged(&chg->new))
		return 0;
	if (khv_memslot_logged(&chg->old) && chg->old.dirty_bitmap) {
		chg->new.dirty_bitmap = chg->old.dirty_bitmap;
		return 0;
	}
	chg->new.dirty_bitmap = khv_dirty_bitmap_alloc(slot_npages(&chg->new),
						       vm_initially_set(vm));
	return chg->new.dirty_bitmap ? 0 : -ENOMEM;
}

/*
 * After khv_memslot_commit(), under mmu_lock: a slot that starts logging in
 * place loses write access to the pages mapped so far (a created or moved
 * slot has none mapped), and a bitmap no longer used is freed (nobody can
 * reach it: it is only read under mmu_lock through the slot).
 */
void khv_dirty_log_slot_commit(struct khv_vm *vm,
			       const struct khv_memslot_change *chg)
{
	lockdep_assert_held(&vm->mmu_lock);
	if (chg->op == KHV_MEMSLOT_FLAGS && khv_memslot_logged(&chg->new) &&
	    !khv_memslot_logged(&chg->old) &&
	    khv_ept_write_protect_range(&vm->ept, chg->new.gpa,
					chg->new.size))
		khv_vm_flush_ept(vm);
	if (chg->old.dirty_bitmap &&
	    chg->old.dirty_bitmap != chg->new.dirty_bitmap)
		khv_dirty_bitmap_free(chg->old.dirty_bitmap);
}

/* Mark the page of @gpa in @slot dirty, under mmu_lock. */
void khv_dirty_log_mark_locked(struct khv_vm *vm,
			       const struct khv_memslot *slot, u64 gpa)
{
	lockdep_assert_held(&vm->mmu_lock);
	if (slot->dirty_bitmap)
		khv_dirty_mark(slot->dirty_bitmap, slot_npages(slot),
			       (gpa - slot->gpa) >> PAGE_SHIFT);
}

/*
 * Mark [@gpa, @gpa + @len) dirty after khv wrote it through the user
 * mapping (khv_vm_write_guest()), in whichever logged slots it lies.
 */
void khv_dirty_log_mark_range(struct khv_vm *vm, u64 gpa, u64 len)
{
	u64 page, last;

	if (!len)
		return;
	last = (gpa + len - 1) & PAGE_MASK;
	mutex_lock(&vm->mmu_lock);
	for (page = gpa & PAGE_MASK; page <= last; page += PAGE_SIZE) {
		const struct khv_memslot *slot = khv_memslot_find(&vm->slots,
								  page);

		if (slot)
			khv_dirty_log_mark_locked(vm, slot, page);
	}
	mutex_unlock(&vm->mmu_lock);
}

/* The logged slot @id names (ids checked), or NULL: ENOENT. */
static const struct khv_memslot *vm_logged_slot(struct khv_vm *vm, u32 id)
{
	const struct khv_memslot *slot;

	/* khv has address space 0 only; KVM's SMM one has no slots here. */
	if ((id >> 16) != 0 || (u16)id >= KHV_MAX_MEMSLOTS)
		return NULL;
	slot = &vm->slots.slot[(u16)id];
	return slot->size && slot->dirty_bitmap ? slot : NULL;
}

struct vm_protect_ctx {
	struct khv_vm *vm;
	const struct khv_memslot *slot;
	bool flush;
};

static void vm_protect_page(void *ctx, u64 page)
{
	struct vm_protect_ctx *p = ctx;

	if (khv_ept_write_protect(&p->vm->ept,
				  p->slot->gpa + (page << PAGE_SHIFT)))
		p->flush = true;
}

/* KVM_GET_DIRTY_LOG. vm->lock keeps the slot as it is throughout. */
static int vm_get_dirty_log(struct khv_vm *vm, void __user *argp)
{
	struct vm_protect_ctx ctx = { .vm = vm };
	const struct khv_memslot *slot;
	struct kvm_dirty_log log;
	unsigned long *buf;
	size_t bytes;
	bool manual;
	int r;

	if (copy_from_user(&log, argp, sizeof(log)))
		return -EFAULT;
	r = khv_dirty_log_check_slot(log.slot);
	if (r)
		return r;

	mutex_lock(&vm->lock);
	slot = vm_logged_slot(vm, log.slot);
	if (!slot) {
		r = -ENOENT;
		goto out;
	}
	bytes = khv_dirty_bitmap_bytes(slot_npages(slot));
	buf = kvmalloc(bytes, GFP_KERNEL_ACCOUNT);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	manual = READ_ONCE(vm->dirty_log_manual) &
		 KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE;

	ctx.slot = slot;
	mutex_lock(&vm->mmu_lock);
	khv_dirty_collect(slot->dirty_bitmap, slot_npages(slot), buf, !manual,
			  vm_protect_page, &ctx);
	/* Before anyone is told the pages are clean (see the top). */
	if (ctx.flush)
		khv_vm_flush_ept(vm);
	mutex_unlock(&vm->mmu_lock);

	r = copy_to_user(log.dirty_bitmap, buf, bytes) ? -EFAULT : 0;
	kvfree(buf);
out:
	mutex_unlock(&vm->lock);
	return r;
}

/*
 * KVM_CLEAR_DIRTY_LOG: checks and errnos in KVM's order (slot id and
 * first_page alignment EINVAL, no logged slot ENOENT, range EINVAL, the
 * user bitmap EFAULT). Works with or without manual protection, as KVM.
 */
static int vm_clear_dirty_log(struct khv_vm *vm, void __user *argp)
{
	struct vm_protect_ctx ctx = { .vm = vm };
	const struct khv_memslot *slot;
	struct kvm_clear_dirty_log log;
	unsigned long *mask;
	size_t bytes;
	int r;

	if (copy_from_user(&log, argp, sizeof(log)))
		return -EFAULT;
	r = khv_dirty_log_check_clear(log.slot, log.first_page);
	if (r)
		return r;

	mutex_lock(&vm->lock);
	slot = vm_logged_slot(vm, log.slot);
	if (!slot) {
		r = -ENOENT;
		goto out;
	}
	r = khv_dirty_log_check_clear_range(slot_npages(slot), log.first_page,
					    log.num_pages);
	if (r || !log.num_pages)
		goto out;
	bytes = khv_dirty_bitmap_bytes(log.num_pages);
	mask = kvmalloc(bytes, GFP_KERNEL_ACCOUNT);
	if (!mask) {
		r = -ENOMEM;
		goto out;
	}
	if (copy_from_user(mask, log.dirty_bitmap, bytes)) {
		r = -EFAULT;
	} else {
		ctx.slot = slot;
		mutex_lock(&vm->mmu_lock);
		khv_dirty_clear(slot->dirty_bitmap, slot_npages(slot), mask,
				log.first_page, log.num_pages, vm_protect_page,
				&ctx);
		if (ctx.flush)
			khv_vm_flush_ept(vm);
		mutex_unlock(&vm->mmu_lock);
	}
	kvfree(mask);
out:
	mutex_unlock(&vm->lock);
	return r;
}

long khv_dirty_log_vm_ioctl(struct khv_vm *vm, unsigned int cmd,
			    void __user *argp)
{
	switch (cmd) {
	case KVM_GET_DIRTY_LOG:
		return vm_get_dirty_log(vm, argp);
	case KVM_CLEAR_DIRTY_LOG:
		return vm_clear_dirty_log(vm, argp);
	default:
		return -ENOTTY;
	}
}

/*
 * KVM_ENABLE_CAP(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2): manual protection on
 * (optionally with INITIALLY_SET) or off (0), any time, as KVM. It applies
 * to later collections and to bitmaps created later.
 */
int khv_dirty_log_enable_cap(struct khv_vm *vm, u64 arg)
{
	int r = khv_dirty_log_check_manual(arg);

	if (!r)
		WRITE_ONCE(vm->dirty_log_manual, arg);
	return r;
}
