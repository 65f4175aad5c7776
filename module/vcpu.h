/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtual CPU: what KVM_CREATE_VCPU returns. One VMCS, the guest state the
 * VMCS does not hold, and the run loop that enters the guest (docs/vcpu.md).
 */
#ifndef _KHV_VCPU_H
#define _KHV_VCPU_H

#include <linux/kvm.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/signal_types.h>
#include <linux/types.h>
#include <asm/desc_defs.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>

#include "mmio.h"
#include "msr.h"
#include "sched.h"
#include "stats.h"

struct file;
struct khv_cpuid_table;
struct khv_vm;
struct khv_vcpu;
struct khv_vcpu_irq;

/* Interface for the VM (vm.c). */
int khv_vcpu_create(struct khv_vm *vm, u32 id);
void khv_vcpu_destroy(struct khv_vcpu *vcpu);
int khv_vcpu_mmap_size(void);
struct khv_vcpu *khv_vcpu_from_file(struct file *file);

/* Guest GPRs in instruction-encoding order; entry.S knows this layout. */
enum khv_gpr {
	KHV_RAX, KHV_RCX, KHV_RDX, KHV_RBX, KHV_RSP, KHV_RBP, KHV_RSI, KHV_RDI,
	KHV_R8, KHV_R9, KHV_R10, KHV_R11, KHV_R12, KHV_R13, KHV_R14, KHV_R15,
	KHV_NR_GPRS
};

/* An event to inject at the next VM entry (SDM 26.5, "Event Injection"). */
struct khv_event {
	bool pending;
	u32 info;			/* VM-entry interruption information */
	u32 error_code;
	u32 insn_len;			/* soft interrupts and exceptions only */
};

/*
 * What userspace hands a vCPU (events.c, inject.c): an external interrupt
 * (KVM_INTERRUPT, VCPU_EVENTS' interrupt.injected) and an NMI (KVM_NMI
 * without an irqchip) that wait until the guest can take them, and the
 * signal mask of KVM_SET_SIGNAL_MASK, in force while KVM_RUN runs.
 */
struct khv_user_events {
	bool irq_pending;
	bool irq_soft;			/* INT n, from VCPU_EVENTS only */
	u8 irq_vector;
	bool nmi_pending;		/* without an irqchip (else the APIC's) */
	bool windows;			/* window exits asked for (inject.c) */
	bool sigmask_active;
	sigset_t sigmask;		/* blocked while in KVM_RUN */
	sigset_t saved_sigmask;		/* the thread's own, put back after */
};

/* An I/O exit handed to userspace, completed by the next KVM_RUN. */
struct khv_pio {
	bool pending;
	bool in;
	bool string;
	bool rep;
	bool df;			/* string items go downwards */
	u8 size;			/* 1, 2 or 4 */
	u8 addr_size;			/* string forms: 2, 4 or 8 */
	u16 port;
	u32 count;			/* items in this exit */
	u64 gla;			/* string forms: lowest item address */
	u64 rip;			/* the I/O instruction, to notice SET_REGS */
};

/* The SYSCALL MSRs, switched only once a guest has written one. */
enum khv_syscall_msr {
	KHV_STAR, KHV_LSTAR, KHV_CSTAR, KHV_SFMASK, KHV_NR_SYSCALL_MSRS
};

/* Host state VM exits clobber and khv restores (docs/vcpu.md). */
struct khv_host_state {
	u16 ds, es, fs, gs;		/* user selectors */
	unsigned long fs_base;		/* user FS base */
	unsigned long user_gs_base;	/* MSR_KERNEL_GS_BASE in the kernel */
	struct desc_ptr gdt, idt;	/* limits the VM exit sets to 0xffff */
	unsigned long cr3, cr4;		/* what HOST_CR3/HOST_CR4 hold */
	u64 debugctl;			/* VM exits clear IA32_DEBUGCTL */
	u64 syscall_msrs[KHV_NR_SYSCALL_MSRS];
};

struct khv_vcpu {
	struct khv_vm *vm;
	u32 id;
	struct mutex mutex;		/* one ioctl at a time */
	struct kvm_run *run;		/* mmap page 0 */
	void *pio_data;			/* mmap page KVM_PIO_PAGE_OFFSET */

	/* Guest state outside the VMCS. */
	unsigned long gprs[KHV_NR_GPRS];	/* RSP lives in the VMCS */
	unsigned long cr2;
	u64 cr0_shadow, cr4_shadow;	/* guest view of host-owned bits */
	u64 cr8;			/* TPR without an in-kernel APIC */
	u64 apic_base;
	u64 kernel_gs_base;		/* the guest's MSR_KERNEL_GS_BASE */
	struct khv_vcpu_msrs msrs;	/* TSC, MTRRs... (msr.c) */
	u64 syscall_msrs[KHV_NR_SYSCALL_MSRS];	/* the guest's */
	bool syscall_msrs_used;		/* the guest wrote one: switch them */
	bool syscall_msrs_loaded;	/* the guest's are in the hardware */
	unsigned long dr[4], dr6, dr7;	/* emulated: MOV DR always exits */
	struct khv_event event;
	struct khv_user_events uev;
	struct khv_pio pio;
	struct khv_mmio mmio;		/* mmio.c */
	struct fpu_guest fpu;
	u64 xcr0;			/* the guest's XCR0 (fpu.c) */
	bool xcr0_loaded;		/* it is in the hardware now */

	/* The VMCS and where it is active (SDM 24.1). */
	void *vmcs;
	u64 vmcs_pa;
	void *msr_bitmap;
	int cpu;			/* CPU the VMCS is active on, or -1 */
	int last_cpu;			/* CPU of the last VM entry, or -1 */
	bool launched;			/* VMRESUME rather than VMLAUNCH */
	struct list_head loaded_node;	/* on that CPU's list */
	u16 vpid;			/* 0 without VPID */
	bool tlb_flush;			/* INVVPID before the next entry */

	/* Host-state switching (vcpu_load.c). */
	struct preempt_notifier pn;
	bool guest_state_loaded;	/* host state saved, guest MSRs in */
	struct khv_host_state host;

	/* Scheduling policy and accounting (sched.c). */
	struct khv_sched_vcpu sched;

	/* KVM_SET_CPUID2's table (cpuid.c), NULL: khv's default table. */
	struct khv_cpuid_table *cpuid;
	/* The last CPUID answer that follows no vCPU state (cpuid.c). */
	struct {
		bool valid;
		u32 leaf, subleaf;
		u32 regs[4];
	} cpuid_last;

	/* In-kernel local APIC (irq_vcpu.c), NULL without an irqchip. */
	struct khv_vcpu_irq *irq;

	/* KVM_GET_STATS_FD counters (stats.h). */
	struct khv_vcpu_stats stats;

	/* Last exit. */
	u32 exit_reason;
	unsigned long exit_qual;
	u32 exit_intr_info;
};

/* Per-CPU loading and host-state switching (vcpu_load.c). */
void khv_vcpu_load_init(void);
int khv_vcpu_load(struct khv_vcpu *vcpu);
void khv_vcpu_put(struct khv_vcpu *vcpu);
void khv_vcpu_prepare_guest_switch(struct khv_vcpu *vcpu);
void khv_vcpu_update_host_per_entry(struct khv_vcpu *vcpu);
void khv_vcpu_vmclear(struct khv_vcpu *vcpu);
void khv_vcpu_load_syscall_msrs(struct khv_vcpu *vcpu);

/* The run loop (run.c). */
long khv_vcpu_run(struct khv_vcpu *vcpu);

/* Register ioctls (regs.c). */
int khv_get_regs(struct khv_vcpu *vcpu, struct kvm_regs *regs);
int khv_set_regs(struct khv_vcpu *vcpu, const struct kvm_regs *regs);
int khv_get_sregs(struct khv_vcpu *vcpu, struct kvm_sregs *sregs);
int khv_set_sregs(struct khv_vcpu *vcpu, const struct kvm_sregs *sregs);

/* DR7 after RESET: bit 10 reads as 1 (SDM Vol. 3B, 19.2.4). */
#define KHV_DR7_FIXED_1		0x400UL

/* vcpu->exit_reason after VMLAUNCH/VMRESUME failed (no basic reason is 0xffff). */
#define KHV_EXIT_VMFAIL		0xffff

/* Exit handling (exit.c): > 0 re-enter, 0 back to userspace, < 0 -errno. */
int khv_handle_exit(struct khv_vcpu *vcpu);
void khv_skip_instruction(struct khv_vcpu *vcpu);
void khv_queue_exception(struct khv_vcpu *vcpu, u8 vector, bool has_error,
			 u32 error_code);
int khv_internal_error(struct khv_vcpu *vcpu, u32 suberror);

/* Port I/O (pio.c). */
int khv_handle_io(struct khv_vcpu *vcpu);
int khv_complete_pio(struct khv_vcpu *vcpu);

/* CPUID (cpuid.c). */
int khv_cpuid_init(void);
void khv_cpuid(u32 apic_id, u32 *eax, u32 *ebx, u32 *ecx, u32 *edx);
u64 khv_cr4_guest_allowed(void);

/* GPR access by instruction encoding; RSP comes from the VMCS. */
unsigned long khv_gpr_read(struct khv_vcpu *vcpu, unsigned int reg);
void khv_gpr_write(struct khv_vcpu *vcpu, unsigned int reg, unsigned long v);

#endif /* _KHV_VCPU_H */
