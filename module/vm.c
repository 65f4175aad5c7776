// SPDX-License-Identifier: GPL-2.0
/*
 * The VM fd: KVM_CREATE_VM, the VM ioctls, guest memory and its EPT.
 *
 * Guest memory is mapped lazily: the first access to a guest page exits with
 * an EPT violation, khv_vm_ept_fault() pins the user page backing it and maps
 * it. Pages stay pinned until their slot is deleted or moved or the VM dies;
 * docs/memory.md explains the choice and what munmap and fork do.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/kvm.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <asm/asm.h>
#include <asm/mtrr.h>
#include <asm/processor.h>
#include <asm/vmx.h>

#include "dirty_log.h"
#include "ioctl.h"
#include "irq.h"
#include "khv.h"
#include "pit.h"
#include "vcpu.h"
#include "vm.h"
#include "vm_dirty.h"
#include "vmx.h"

static u64 *vm_alloc_table(void *ctx)
{
	return (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
}

static void vm_free_table(void *ctx, u64 *table)
{
	free_page((unsigned long)table);
}

static const struct khv_ept_alloc vm_ept_alloc = {
	.alloc_table	= vm_alloc_table,
	.free_table	= vm_free_table,
};

/*
 * Release callback of the EPT (@ctx is the VM): the guest may have written
 * to any page of a writable slot; it cannot write to a read-only one, so
 * those pages stay clean. Runs once per page of a slot (millions for a big
 * guest), in sleepable context, while the slot is still in vm->slots.
 */
static void vm_unpin(void *ctx, u64 gpa, u64 hpa)
{
	struct khv_vm *vm = ctx;
	struct page *page = pfn_to_page(PHYS_PFN(hpa));
	const struct khv_memslot *slot = khv_memslot_find(&vm->slots, gpa);

	unpin_user_pages_dirty_lock(&page, 1,
				    !slot || !khv_memslot_readonly(slot));
	cond_resched();
}

/* Guest-physical addresses the EPT and this CPU can both express. */
static unsigned int vm_gpa_bits(void)
{
	return min_t(unsigned int, boot_cpu_data.x86_phys_bits,
		     KHV_EPT_GPA_BITS);
}

/* INVEPT (SDM Vol. 3C, 31.3); false on VMfailInvalid or VMfailValid. */
static bool khv_invept(unsigned long type, u64 eptp)
{
	struct {
		u64 eptp;
		u64 reserved;
	} desc = { eptp, 0 };
	bool fail;

	asm volatile("invept %[desc], %[type]" CC_SET(be)
		     : CC_OUT(be) (fail)
		     : [desc] "m" (desc), [type] "r" (type)
		     : "memory");
	return !fail;
}

struct vm_invept_req {
	unsigned long type;
	u64 eptp;
};

static void vm_invept_on_cpu(void *info)
{
	const struct vm_invept_req *req = info;

	/* INVEPT outside VMX operation is #UD: skip CPUs khv left. */
	if (!khv_vmx_active())
		return;
	if (!khv_invept(req->type, req->eptp))
		pr_err_once("INVEPT type %lu failed on CPU %d\n", req->type,
			    smp_processor_id());
}

/*
 * Drop the translations every CPU may have cached for this VM's EPT (SDM
 * 29.4.3). The IPI also forces a VM exit on a CPU running one of the VM's
 * vCPUs, so when this returns no CPU can still use a revoked entry.
 */
void khv_vm_flush_ept(struct khv_vm *vm)
{
	struct vm_invept_req req = { .eptp = vm->eptp };

	if (khv_vmx_caps.ept_vpid_cap & VMX_EPT_EXTENT_CONTEXT_BIT)
		req.type = VMX_EPT_EXTENT_CONTEXT;
	else
		req.type = VMX_EPT_EXTENT_GLOBAL;
	khv_stats_inc(&vm->stats.remote_tlb_flush);
	on_each_cpu_mask(khv_vmx_cpus(), vm_invept_on_cpu, &req, true);
}

u64 khv_vm_eptp(struct khv_vm *vm)
{
	return vm->eptp;
}

void khv_vm_get(struct khv_vm *vm)
{
	refcount_inc(&vm->refs);
}

/* Runs when the last fd is gone: no vCPU can be running. */
static void vm_destroy(struct khv_vm *vm)
{
	unsigned int i;

	khv_sched_vm_destroy(vm);
	/* First: its timer raises GSIs that reach the vCPUs' APICs. */
	khv_pit_vm_destroy(vm);
	for (i = 0; i < vm->nr_vcpus; i++)
		khv_vcpu_destroy(vm->vcpus[i]);
	khv_irq_vm_destroy(vm);
	khv_msr_vm_destroy(vm);
	if (vm->ept.root) {
		/*
		 * CPUs tag cached translations with the root's address; a
		 * later VM may get the same root page.
		 */
		khv_vm_flush_ept(vm);
		khv_ept_destroy(&vm->ept, vm_unpin, vm);
	}
	for (i = 0; i < KHV_MAX_MEMSLOTS; i++)
		khv_dirty_bitmap_free(vm->slots.slot[i].dirty_bitmap);
	mmdrop(vm->mm);
	mutex_destroy(&vm->mmu_lock);
	mutex_destroy(&vm->lock);
	kfree(vm);
}

void khv_vm_put(struct khv_vm *vm)
{
	if (refcount_dec_and_test(&vm->refs))
		vm_destroy(vm);
}

static int vm_set_memory_region(struct khv_vm *vm,
				const struct kvm_userspace_memory_region *mem)
{
	struct khv_memslot_change chg;
	int r;

	mutex_lock(&vm->lock);
	mutex_lock(&vm->mmu_lock);
	r = khv_memslot_prepare(&vm->slots, mem, vm_gpa_bits(), &chg);
	if (r || chg.op == KHV_MEMSLOT_NOP)
		goto out;
	r = khv_dirty_log_slot_prepare(vm, &chg);
	if (r)
		goto out;

	/*
	 * Pages leaving the guest: make them unreachable, flush every CPU's
	 * cached translations, only then unpin. Unpinning first would let a
	 * vCPU write to a page the host has already reused.
	 */
	if ((chg.op == KHV_MEMSLOT_DELETE || chg.op == KHV_MEMSLOT_MOVE) &&
	    khv_ept_revoke_range(&vm->ept, chg.old.gpa, chg.old.size)) {
		khv_vm_flush_ept(vm);
		khv_ept_reap_range(&vm->ept, chg.old.gpa, chg.old.size,
				   vm_unpin, vm);
	}
	khv_memslot_commit(&vm->slots, &chg);
	khv_dirty_log_slot_commit(vm, &chg);
	vm->slots_gen++;
out:
	mutex_unlock(&vm->mmu_lock);
	mutex_unlock(&vm->lock);
	return r;
}

static int vm_create_vcpu(struct khv_vm *vm, unsigned long id)
{
	int r;

	if (id >= KHV_MAX_VCPU_ID)
		return -EINVAL;

	mutex_lock(&vm->lock);
	/* The first vCPU fixes the id limit, if KVM_ENABLE_CAP did not. */
	if (!vm->max_vcpu_ids)
		vm->max_vcpu_ids = KHV_MAX_VCPU_ID;
	if (vm->nr_vcpus >= KHV_MAX_VCPUS || id >= vm->max_vcpu_ids) {
		r = -EINVAL;
	} else if (test_bit(id, vm->vcpu_ids)) {
		r = -EEXIST;
	} else {
		r = khv_vcpu_create(vm, id);
		if (r >= 0)
			__set_bit(id, vm->vcpu_ids);
	}
	mutex_unlock(&vm->lock);
	return r;
}

/* Whether the present leaf @entry grants the access an exit reported. */
static bool vm_leaf_allows(u64 entry, unsigned long exit_qual)
{
	u64 need = 0;

	if (exit_qual & EPT_VIOLATION_ACC_READ)
		need |= VMX_EPT_READABLE_MASK;
	if (exit_qual & EPT_VIOLATION_ACC_WRITE)
		need |= VMX_EPT_WRITABLE_MASK;
	if (exit_qual & EPT_VIOLATION_ACC_INSTR)
		need |= VMX_EPT_EXECUTABLE_MASK;
	return (entry & need) == need;
}

static int vm_pin_errno(long r)
{
	if (r == -ENOMEM || r == -EINTR)
		return r;
	return -EFAULT;
}

/*
 * Pin the user page behind a guest page. FOLL_WRITE breaks copy-on-write
 * now, so the guest gets the page the VMM sees (and keeps seeing it when the
 * VMM writes to it later). A read-only slot may be backed by a read-only
 * mapping (a ROM file, PROT_READ), which refuses a write pin: pin it for
 * reading then; the guest can only read it.
 */
static long vm_pin_page(unsigned long hva, bool readonly, struct page **page)
{
	long r = pin_user_pages_fast(hva, 1, FOLL_WRITE | FOLL_LONGTERM, page);

	if (r != 1 && readonly && r != -ENOMEM && r != -EINTR)
		r = pin_user_pages_fast(hva, 1, FOLL_LONGTERM, page);
	return r;
}

int khv_vm_ept_fault(struct khv_vm *vm, u64 gpa, unsigned long exit_qual)
{
	bool write = exit_qual & EPT_VIOLATION_ACC_WRITE;
	const struct khv_memslot *slot;
	struct page *page;
	unsigned long hva;
	bool readonly, logged;
	u64 gen, leaf, prot;
	long r;

	gpa &= PAGE_MASK;
	mutex_lock(&vm->mmu_lock);
	slot = khv_memslot_find(&vm->slots, gpa);
	if (!slot) {
		mutex_unlock(&vm->mmu_lock);
		return -ENOENT;
	}
	readonly = khv_memslot_readonly(slot);
	logged = khv_memslot_logged(slot);
	hva = khv_memslot_hva(slot, gpa);
	leaf = khv_ept_lookup(&vm->ept, gpa);
	/*
	 * A write to a mapped page of a writable slot that lacks W: dirty
	 * logging took it (vm_dirty.c). Log the page, then give W back, in
	 * one mmu_lock section.
	 */
	if (write && !readonly && (leaf & VMX_EPT_READABLE_MASK) &&
	    !(leaf & VMX_EPT_WRITABLE_MASK)) {
		khv_dirty_log_mark_locked(vm, slot, gpa);
		if (khv_ept_make_writable(&vm->ept, gpa))
			leaf |= VMX_EPT_WRITABLE_MASK;
	}
	gen = vm->slots_gen;
	mutex_unlock(&vm->mmu_lock);

	/*
	 * A write to a read-only slot is an MMIO write (api.rst 4.35,
	 * KVM_MEM_READONLY): the caller decodes it and exits to userspace.
	 */
	if (readonly && write)
		return -ENOENT;

	/* Another vCPU mapped it since this one exited. */
	if (leaf & VMX_EPT_RWX_MASK)
		return vm_leaf_allows(leaf, exit_qual) ? 0 : -EFAULT;

	/*
	 * Pinning may sleep (page-in, userfaultfd), so it runs without the
	 * lock; a slot change meanwhile is seen through slots_gen.
	 */
	if (current->mm != vm->mm)
		return -EFAULT;
	r = vm_pin_page(hva, readonly, &page);
	if (r != 1)
		return vm_pin_errno(r);

	/* A logged slot's page gets W only for a write, and is logged. */
	if (readonly || (logged && !write))
		prot = VMX_EPT_READABLE_MASK | VMX_EPT_EXECUTABLE_MASK;
	else
		prot = VMX_EPT_RWX_MASK;
	mutex_lock(&vm->mmu_lock);
	if (gen == vm->slots_gen) {
		r = khv_ept_map(&vm->ept, gpa, page_to_phys(page), prot,
				MTRR_TYPE_WRBACK);
		if (!r && logged && write)
			khv_dirty_log_mark_locked(vm, slot, gpa);
	} else {
		r = -EAGAIN;	/* the slot changed: let the guest fault again */
	}
	mutex_unlock(&vm->mmu_lock);

	if (r) {
		unpin_user_page(page);
		/* -EEXIST: another vCPU won the race for this page. */
		if (r == -EEXIST || r == -EAGAIN)
			r = 0;
	}
	return r;
}

/* Copy between @kbuf and guest memory, one slot at a time. */
static int vm_copy_guest(struct khv_vm *vm, u64 gpa, void *kbuf, size_t len,
			 bool to_guest)
{
	const struct khv_memslot *slot;
	unsigned long hva, left;
	size_t chunk = 0;

	if (current->mm != vm->mm)
		return -EFAULT;
	while (len) {
		mutex_lock(&vm->mmu_lock);
		slot = khv_memslot_find(&vm->slots, gpa);
		/* Writes to a read-only slot are MMIO, as for the guest. */
		if (slot && to_guest && khv_memslot_readonly(slot))
			slot = NULL;
		if (slot) {
			hva = khv_memslot_hva(slot, gpa);
			chunk = min_t(u64, len, slot->gpa + slot->size - gpa);
		}
		mutex_unlock(&vm->mmu_lock);
		if (!slot)
			return -ENOENT;

		if (to_guest) {
			left = copy_to_user((void __user *)hva, kbuf, chunk);
			/* After the write: vm_dirty.c explains why. */
			khv_dirty_log_mark_range(vm, gpa, chunk);
		} else {
			left = copy_from_user(kbuf, (void __user *)hva, chunk);
		}
		if (left)
			return -EFAULT;
		gpa += chunk;
		kbuf += chunk;
		len -= chunk;
	}
	return 0;
}

int khv_vm_read_guest(struct khv_vm *vm, u64 gpa, void *buf, size_t len)
{
	return vm_copy_guest(vm, gpa, buf, len, false);
}

int khv_vm_write_guest(struct khv_vm *vm, u64 gpa, const void *buf,
		       size_t len)
{
	return vm_copy_guest(vm, gpa, (void *)buf, len, true);
}

/*
 * KVM_SET_TSS_ADDR: KVM needs three guest pages for the TSS of the vm86
 * task it runs real mode in when the CPU lacks unrestricted guest (SDM
 * 26.6.1: real mode is then not a valid guest state). khv requires
 * unrestricted guest and runs real mode as real mode, so it only checks
 * the address as KVM does (the three pages end at or below 4 GiB) and
 * records it. The pages stay ordinary guest memory.
 */
static int vm_set_tss_addr(struct khv_vm *vm, unsigned long addr)
{
	if (addr > SZ_4G - 3 * PAGE_SIZE)
		return -EINVAL;
	mutex_lock(&vm->lock);
	vm->tss_addr = addr;
	mutex_unlock(&vm->lock);
	return 0;
}

/*
 * KVM_SET_IDENTITY_MAP_ADDR: the page where KVM builds the identity-mapping
 * page table it uses with EPT for unpaged protected mode when the CPU lacks
 * unrestricted guest. Unused by khv (unrestricted guest runs unpaged modes
 * as they are), recorded; as in KVM, only before any vCPU exists.
 */
static int vm_set_identity_map_addr(struct khv_vm *vm, const u64 __user *argp)
{
	u64 addr;
	int r;

	mutex_lock(&vm->lock);
	if (vm->nr_vcpus)
		r = -EINVAL;
	else if (get_user(addr, argp))
		r = -EFAULT;
	else
		r = 0;
	if (!r)
		vm->identity_map_addr = addr;
	mutex_unlock(&vm->lock);
	return r;
}

#ifdef KVM_SET_USER_MEMORY_REGION2
/*
 * The second version of the slot ioctl adds guest_memfd, which needs a VM
 * type with private memory; khv has only the default type, so the common
 * part is the whole request (KVM_MEM_GUEST_MEMFD is an unknown flag).
 */
static int vm_set_memory_region2(struct khv_vm *vm, const void __user *argp)
{
	struct kvm_userspace_memory_region2 mem2;
	struct kvm_userspace_memory_region mem;

	if (copy_from_user(&mem2, argp, sizeof(mem2)))
		return -EFAULT;
	mem = (struct kvm_userspace_memory_region) {
		.slot		 = mem2.slot,
		.flags		 = mem2.flags,
		.guest_phys_addr = mem2.guest_phys_addr,
		.memory_size	 = mem2.memory_size,
		.userspace_addr	 = mem2.userspace_addr,
	};
	return vm_set_memory_region(vm, &mem);
}
#endif

/*
 * KVM_ENABLE_CAP on the VM fd. KVM_CAP_MSR_PLATFORM_INFO (on at creation,
 * as in KVM): whether the guest may read MSR_PLATFORM_INFO; args[0] 0 makes
 * its RDMSR #GP (userspace reads and writes it either way).
 * KVM_CAP_MAX_VCPU_ID: vCPU ids below args[0] (at most KVM_CAP_MAX_VCPU_ID's
 * answer), fixed once set or once a vCPU exists; setting the same value
 * again succeeds (api.rst 7.32). KVM_CAP_SPLIT_IRQCHIP: irq.c. Flags and
 * capabilities khv cannot enable: EINVAL, as KVM.
 */
static int vm_enable_cap(struct khv_vm *vm, const void __user *argp)
{
	struct kvm_enable_cap cap;
	int r;

	if (copy_from_user(&cap, argp, sizeof(cap)))
		return -EFAULT;
	if (cap.flags)
		return -EINVAL;
	switch (cap.cap) {
	case KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2:
		return khv_dirty_log_enable_cap(vm, cap.args[0]);
	case KVM_CAP_MSR_PLATFORM_INFO:
		WRITE_ONCE(vm->platform_info_hidden, !cap.args[0]);
		return 0;
	case KVM_CAP_X86_USER_SPACE_MSR:
		return khv_msr_enable_user_space(vm, cap.args[0]);
	case KVM_CAP_SPLIT_IRQCHIP:		/* irq.c */
		return khv_irq_enable_split(vm, cap.args[0]);
	case KVM_CAP_MAX_VCPU_ID:
		if (cap.args[0] > KHV_MAX_VCPU_ID)
			return -EINVAL;
		mutex_lock(&vm->lock);
		r = -EINVAL;
		if (vm->max_vcpu_ids == cap.args[0]) {
			r = 0;
		} else if (!vm->max_vcpu_ids) {
			vm->max_vcpu_ids = cap.args[0];
			r = 0;
		}
		mutex_unlock(&vm->lock);
		return r;
	default:
		return -EINVAL;
	}
}

/* Capabilities of the VM fd's own ioctls and of memory slots. */
long khv_vm_check_extension(long cap)
{
	switch (cap) {
	case KVM_CAP_SET_TSS_ADDR:
	case KVM_CAP_SET_IDENTITY_MAP_ADDR:
	case KVM_CAP_READONLY_MEM:
	case KVM_CAP_ENABLE_CAP_VM:		/* vm_enable_cap() */
	case KVM_CAP_MSR_PLATFORM_INFO:
#ifdef KVM_CAP_USER_MEMORY2
	case KVM_CAP_USER_MEMORY2:
#endif
		return 1;
	case KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2:	/* vm_dirty.c */
		return KHV_DIRTY_LOG_MANUAL_CAPS;
	default:
		return 0;
	}
}

static long khv_vm_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct khv_vm *vm = file->private_data;
	void __user *argp = (void __user *)arg;

	/* Like KVM: the VM belongs to the address space that created it. */
	if (current->mm != vm->mm)
		return -EIO;

	switch (cmd) {
	case KVM_SET_USER_MEMORY_REGION: {
		struct kvm_userspace_memory_region mem;

		if (copy_from_user(&mem, argp, sizeof(mem)))
			return -EFAULT;
		return vm_set_memory_region(vm, &mem);
	}
#ifdef KVM_SET_USER_MEMORY_REGION2
	case KVM_SET_USER_MEMORY_REGION2:
		return vm_set_memory_region2(vm, argp);
#endif
	case KVM_SET_TSS_ADDR:
		return vm_set_tss_addr(vm, arg);
	case KVM_SET_IDENTITY_MAP_ADDR:
		return vm_set_identity_map_addr(vm, argp);
	case KVM_CREATE_VCPU:
		return vm_create_vcpu(vm, arg);
	case KHV_SET_SCHED_POLICY:
	case KHV_GET_SCHED_POLICY:
	case KHV_GET_VCPU_SCHED_STATS:
		return khv_sched_vm_ioctl(vm, cmd, argp);
	case KVM_CHECK_EXTENSION:
		return khv_check_extension(arg);
	case KVM_ENABLE_CAP:
		return vm_enable_cap(vm, argp);
	case KVM_CREATE_IRQCHIP:
	case KVM_IRQ_LINE:
	case KVM_IRQ_LINE_STATUS:
	case KVM_GET_IRQCHIP:
	case KVM_SET_IRQCHIP:
	case KVM_SIGNAL_MSI:
	case KVM_SET_GSI_ROUTING:
	case KVM_SET_BOOT_CPU_ID:
		return khv_irq_vm_ioctl(vm, cmd, arg);
	case KVM_CREATE_PIT2:
	case KVM_CREATE_PIT:
	case KVM_GET_PIT2:
	case KVM_SET_PIT2:
	case KVM_GET_PIT:
	case KVM_SET_PIT:
	case KVM_REINJECT_CONTROL:
		return khv_pit_vm_ioctl(vm, cmd, argp);
	case KVM_GET_STATS_FD:
		return khv_stats_vm_fd(vm);
	case KVM_GET_DIRTY_LOG:
	case KVM_CLEAR_DIRTY_LOG:
		return khv_dirty_log_vm_ioctl(vm, cmd, argp);
	case KVM_X86_SET_MSR_FILTER:
		return khv_msr_vm_ioctl(vm, cmd, argp);
	default:
		/* Real KVM answers unknown VM ioctls with ENOTTY. */
		return -ENOTTY;
	}
}

static int khv_vm_release(struct inode *inode, struct file *file)
{
	khv_vm_put(file->private_data);
	return 0;
}

static const struct file_operations khv_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= khv_vm_release,
	.unlocked_ioctl	= khv_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

int khv_vm_create(unsigned long type)
{
	struct khv_vm *vm;
	int fd;

	/* x86 KVM knows more VM types; khv only the default one. */
	if (type)
		return -EINVAL;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	refcount_set(&vm->refs, 1);
	mutex_init(&vm->lock);
	mutex_init(&vm->mmu_lock);
	khv_sched_vm_init(vm);
	vm->mm = current->mm;
	mmgrab(vm->mm);

	if (khv_ept_init(&vm->ept, &vm_ept_alloc)) {
		khv_vm_put(vm);
		return -ENOMEM;
	}
	/* SDM 25.6.11: paging-structure memory type in 2:0, walk length - 1 in 5:3. */
	vm->eptp = khv_ept_root_hpa(&vm->ept) | VMX_EPTP_MT_WB | VMX_EPTP_PWL_4;

	fd = anon_inode_getfd("khv-vm", &khv_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		khv_vm_put(vm);
	return fd;
}
