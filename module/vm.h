/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM: what KVM_CREATE_VM returns. Owns the memory slots, the EPT and the
 * vCPUs; lives as long as its fd or any of its vCPU fds.
 */
#ifndef _KHV_VM_H
#define _KHV_VM_H

#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/types.h>

#include "ept.h"
#include "memslot.h"
#include "sched.h"
#include "stats.h"

#define KHV_MAX_VCPUS		64	/* KVM_CAP_NR_VCPUS, KVM_CAP_MAX_VCPUS */
#define KHV_MAX_VCPU_ID		1024	/* KVM_CAP_MAX_VCPU_ID */

struct khv_irqchip;
struct khv_pit;
struct khv_msr_filter;
struct khv_vcpu;
struct mm_struct;

struct khv_vm {
	refcount_t refs;
	struct mm_struct *mm;		/* creator's mm (mmgrab'd) */
	struct mutex lock;		/* vCPU creation and memslot changes */
	struct khv_vcpu *vcpus[KHV_MAX_VCPUS];
	unsigned int nr_vcpus;
	DECLARE_BITMAP(vcpu_ids, KHV_MAX_VCPU_ID);	/* ids in use */

	/*
	 * Guards the slots and the EPT tree. A mutex: table pages are
	 * allocated and INVEPT IPIs are waited for while holding it. Never
	 * held while pinning user pages or copying from/to user memory.
	 */
	struct mutex mmu_lock;
	struct khv_memslots slots;
	u64 slots_gen;			/* bumped by every slot change */
	struct khv_ept ept;
	u64 eptp;
	struct khv_sched_vm sched;	/* policy (sched.c) */
	struct khv_irqchip *irqchip;	/* KVM_CREATE_IRQCHIP (irq.c), or NULL */
	struct khv_pit *pit;		/* KVM_CREATE_PIT2 (pit_dev.c), or NULL */
	u32 bsp_vcpu_id;		/* KVM_SET_BOOT_CPU_ID */
	struct khv_vm_stats stats;	/* KVM_GET_STATS_FD (stats.h) */
	/*
	 * KVM_SET_TSS_ADDR and KVM_SET_IDENTITY_MAP_ADDR: recorded, never
	 * used. khv needs unrestricted guest, which runs real mode and
	 * unpaged protected mode without KVM's vm86 TSS and identity-mapped
	 * page table (vm.c).
	 */
	u64 tss_addr;
	u64 identity_map_addr;
	/* KVM_CAP_MSR_PLATFORM_INFO turned off: guest RDMSR of it #GPs. */
	bool platform_info_hidden;
	/* vCPU ids below this (KVM_CAP_MAX_VCPU_ID); 0: not fixed yet. */
	u32 max_vcpu_ids;
	/* KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2's args[0] (vm_dirty.c). */
	u64 dirty_log_manual;
	/* KVM_CAP_X86_USER_SPACE_MSR's exit reasons (msr.c). */
	u32 user_space_msrs;
	/* KVM_X86_SET_MSR_FILTER's filter, NULL: none (msr.c, RCU). */
	struct khv_msr_filter __rcu *msr_filter;
};

int khv_vm_create(unsigned long type);		/* returns the new VM fd */
void khv_vm_get(struct khv_vm *vm);
void khv_vm_put(struct khv_vm *vm);

/*
 * INVEPT of the VM's EPT on every CPU in VMX operation; returns once no CPU
 * can use a translation cached before the call. Sleeps; mmu_lock may be held.
 */
void khv_vm_flush_ept(struct khv_vm *vm);

/* EPTP value for the VMCS: WB paging structures, 4-level walk, no A/D. */
u64 khv_vm_eptp(struct khv_vm *vm);

/*
 * Resolve an EPT violation at @gpa (@exit_qual as given by the CPU). Returns
 * 0 when the guest can retry the access, -ENOENT when @gpa is in no memslot
 * or the access writes to a KVM_MEM_READONLY slot (the caller turns it into
 * an MMIO/internal-error exit), -EFAULT when the
 * backing user memory is gone or cannot be pinned, -ENOMEM, or -EINTR when a
 * fatal signal interrupted the pinning. May sleep; must run in the VM
 * creator's process.
 */
int khv_vm_ept_fault(struct khv_vm *vm, u64 gpa, unsigned long exit_qual);

/*
 * Copy to/from guest-physical memory through the memslots' user mappings
 * (string I/O, guest page-table walks). Runs in the VM creator's process.
 * Returns 0, -ENOENT when part of the range is in no memslot (or, for a
 * write, in a read-only one), or -EFAULT.
 */
int khv_vm_read_guest(struct khv_vm *vm, u64 gpa, void *buf, size_t len);
int khv_vm_write_guest(struct khv_vm *vm, u64 gpa, const void *buf,
		       size_t len);

#endif /* _KHV_VM_H */
