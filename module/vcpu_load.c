// SPDX-License-Identifier: GPL-2.0
/*
 * Putting a vCPU on a CPU and taking it off again.
 *
 * A VMCS is active on at most one CPU (SDM 24.1): the CPU caches it, and
 * only VMCLEAR on that CPU writes it back to memory. khv leaves a VMCS
 * active where it last ran and clears it lazily: when the vCPU thread comes
 * back on another CPU (an IPI to the old one), when the vCPU is destroyed,
 * and when the old CPU leaves VMX operation (vmx.c's leave hook). Every CPU
 * keeps a list of the VMCSs active on it, touched only by that CPU with
 * interrupts off.
 *
 * The host state a VM exit does not restore (user segments, the user GS
 * base, descriptor-table limits, the TSS limit) is saved before the first VM
 * entry after the vCPU was put on the CPU and restored when it is taken off,
 * by the ioctl or by the scheduler through preempt notifiers: between the
 * two the thread runs only kernel code, which needs none of it.
 */
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <asm/desc.h>
#include <asm/mmu_context.h>	/* also load_gs_index() */
#include <asm/msr.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/vmx.h>

#include "vcpu.h"
#include "vmcs.h"
#include "vmx.h"
#include "vmx_insn.h"

static DEFINE_PER_CPU(struct list_head, khv_active_vmcss);
/* The vCPU whose VMCS is current (VMPTRLD) on this CPU. */
static DEFINE_PER_CPU(struct khv_vcpu *, khv_current_vcpu);

/* On the CPU the VMCS is active on, interrupts off. */
static void khv_vmclear_here(struct khv_vcpu *vcpu)
{
	if (vcpu->cpu != smp_processor_id())
		return;
	if (!khv_vmclear(vcpu->vmcs_pa))
		WARN_ONCE(khv_vmx_active(), "khv: VMCLEAR failed\n");
	if (__this_cpu_read(khv_current_vcpu) == vcpu)
		__this_cpu_write(khv_current_vcpu, NULL);
	list_del(&vcpu->loaded_node);
	vcpu->launched = false;
	/* The list entry is gone before another CPU may see cpu == -1. */
	smp_wmb();
	WRITE_ONCE(vcpu->cpu, -1);
}

static void khv_vmclear_ipi(void *arg)
{
	khv_vmclear_here(arg);
}

/*
 * Makes the VMCS inactive wherever it is (process context, interrupts on).
 * If that CPU went offline meanwhile, the leave hook already cleared it.
 */
void khv_vcpu_vmclear(struct khv_vcpu *vcpu)
{
	int cpu = READ_ONCE(vcpu->cpu);

	if (cpu >= 0)
		smp_call_function_single(cpu, khv_vmclear_ipi, vcpu, 1);
	/* Pairs with the smp_wmb() in khv_vmclear_here(). */
	smp_rmb();
}

/* vmx.c calls this on a CPU about to leave VMX operation, interrupts off. */
static void khv_vmcs_leave_cpu(unsigned int cpu)
{
	struct list_head *list = this_cpu_ptr(&khv_active_vmcss);
	struct khv_vcpu *vcpu, *tmp;

	list_for_each_entry_safe(vcpu, tmp, list, loaded_node)
		khv_vmclear_here(vcpu);
	__this_cpu_write(khv_current_vcpu, NULL);
}

void khv_vcpu_load_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		INIT_LIST_HEAD(per_cpu_ptr(&khv_active_vmcss, cpu));
	khv_vmx_set_leave_hook(khv_vmcs_leave_cpu);
}

/* Makes the VMCS current on this CPU. Preemption off, interrupts on. */
static int __khv_vcpu_load(struct khv_vcpu *vcpu)
{
	int cpu = smp_processor_id();
	unsigned long flags;
	bool moved = vcpu->cpu != cpu;
	int r = 0;

	if (moved)
		khv_vcpu_vmclear(vcpu);

	local_irq_save(flags);
	if (!khv_vmx_active()) {
		r = -EIO;
	} else if (moved || __this_cpu_read(khv_current_vcpu) != vcpu) {
		if (!khv_vmptrld(vcpu->vmcs_pa)) {
			r = -EIO;
		} else {
			__this_cpu_write(khv_current_vcpu, vcpu);
			if (moved) {
				list_add(&vcpu->loaded_node,
					 this_cpu_ptr(&khv_active_vmcss));
				vcpu->cpu = cpu;
			}
		}
	}
	local_irq_restore(flags);
	if (r || !moved)
		return r;

	khv_vmcs_set_host_percpu();
	/*
	 * Translations tagged with this VPID may be stale on this CPU: the
	 * guest changed its page tables elsewhere, or a destroyed vCPU used
	 * the same VPID here (SDM 28.3.3.3 "Guidelines for Use of INVVPID").
	 */
	if (vcpu->last_cpu != cpu)
		vcpu->tlb_flush = true;
	return 0;
}

static const u32 khv_syscall_msr_index[KHV_NR_SYSCALL_MSRS] = {
	[KHV_STAR]	= MSR_STAR,
	[KHV_LSTAR]	= MSR_LSTAR,
	[KHV_CSTAR]	= MSR_CSTAR,
	[KHV_SFMASK]	= MSR_SYSCALL_MASK,
};

/*
 * VM entry and exit do not switch the SYSCALL MSRs, and the host needs its
 * own only when the thread returns to user mode, after the put. So the
 * guest's are loaded with the rest of the guest state, once the guest has
 * written one (until then a guest SYSCALL finds the host's values, which
 * it has no business relying on). Preemption off, guest state loaded.
 */
void khv_vcpu_load_syscall_msrs(struct khv_vcpu *vcpu)
{
	int i;

	if (!vcpu->syscall_msrs_loaded) {
		for (i = 0; i < KHV_NR_SYSCALL_MSRS; i++)
			rdmsrl(khv_syscall_msr_index[i],
			       vcpu->host.syscall_msrs[i]);
		vcpu->syscall_msrs_loaded = true;
	}
	for (i = 0; i < KHV_NR_SYSCALL_MSRS; i++)
		wrmsrl(khv_syscall_msr_index[i], vcpu->syscall_msrs[i]);
}

/* Restores what VM exits clobbered. Preemption off, interrupts either way. */
static void __khv_vcpu_put(struct khv_vcpu *vcpu)
{
	struct khv_host_state *h = &vcpu->host;
	int i;

	if (!vcpu->guest_state_loaded)
		return;
	vcpu->guest_state_loaded = false;

	if (vcpu->syscall_msrs_loaded) {
		for (i = 0; i < KHV_NR_SYSCALL_MSRS; i++)
			wrmsrl(khv_syscall_msr_index[i],
			       vcpu->host.syscall_msrs[i]);
		vcpu->syscall_msrs_loaded = false;
	}
	khv_msr_put_guest_state(vcpu);

	/* SWAPGS in a 64-bit guest writes the real MSR; keep the guest's. */
	rdmsrl(MSR_KERNEL_GS_BASE, vcpu->kernel_gs_base);
	if (h->ds)
		loadsegment(ds, h->ds);
	if (h->es)
		loadsegment(es, h->es);
	if (h->fs) {
		loadsegment(fs, h->fs);
		wrmsrl(MSR_FS_BASE, h->fs_base);
	}
	if (h->gs)
		load_gs_index(h->gs);
	wrmsrl(MSR_KERNEL_GS_BASE, h->user_gs_base);

	/*
	 * VM exits set the TR limit to 0x67 (SDM 27.5.2), which cuts off the
	 * I/O permission bitmap: reload TR now if this task uses ioperm(), else
	 * at the next switch to a task that does.
	 */
	invalidate_tss_limit();
	/* ... and the GDTR and IDTR limits to 0xffff. */
	native_load_gdt(&h->gdt);
	native_load_idt(&h->idt);
}

void khv_vcpu_prepare_guest_switch(struct khv_vcpu *vcpu)
{
	struct khv_host_state *h = &vcpu->host;

	if (vcpu->guest_state_loaded)
		return;
	savesegment(ds, h->ds);
	savesegment(es, h->es);
	savesegment(fs, h->fs);
	savesegment(gs, h->gs);
	rdmsrl(MSR_FS_BASE, h->fs_base);
	rdmsrl(MSR_KERNEL_GS_BASE, h->user_gs_base);
	native_store_gdt(&h->gdt);
	store_idt(&h->idt);
	h->debugctl = get_debugctlmsr();
	/* The VM exit loads FS.base, so give it the user's. */
	khv_vmwrite(HOST_FS_BASE, h->fs_base);
	wrmsrl(MSR_KERNEL_GS_BASE, vcpu->kernel_gs_base);
	if (vcpu->syscall_msrs_used)
		khv_vcpu_load_syscall_msrs(vcpu);
	khv_msr_load_guest_state(vcpu);
	vcpu->guest_state_loaded = true;
}

/* CR3 (PCID) and CR4 (per-task bits such as TSD) may change at any time. */
void khv_vcpu_update_host_per_entry(struct khv_vcpu *vcpu)
{
	unsigned long cr3 = __get_current_cr3_fast();
	unsigned long cr4 = cr4_read_shadow();

	if (cr3 != vcpu->host.cr3) {
		khv_vmwrite(HOST_CR3, cr3);
		vcpu->host.cr3 = cr3;
	}
	if (cr4 != vcpu->host.cr4) {
		khv_vmwrite(HOST_CR4, cr4);
		vcpu->host.cr4 = cr4;
	}
}

static struct khv_vcpu *khv_pn_vcpu(struct preempt_notifier *pn)
{
	return container_of(pn, struct khv_vcpu, pn);
}

static void khv_sched_in(struct preempt_notifier *pn, int cpu)
{
	/* A failure resurfaces as a VMfail or -EIO before the next entry. */
	__khv_vcpu_load(khv_pn_vcpu(pn));
	khv_sched_switch_in(khv_pn_vcpu(pn));
}

static void khv_sched_out(struct preempt_notifier *pn,
			  struct task_struct *next)
{
	khv_sched_switch_out(khv_pn_vcpu(pn));
	__khv_vcpu_put(khv_pn_vcpu(pn));
}

static struct preempt_ops khv_preempt_ops = {
	.sched_in = khv_sched_in,
	.sched_out = khv_sched_out,
};

int khv_vcpu_load(struct khv_vcpu *vcpu)
{
	int r;

	preempt_notifier_init(&vcpu->pn, &khv_preempt_ops);
	preempt_disable();
	r = __khv_vcpu_load(vcpu);
	if (!r)
		preempt_notifier_register(&vcpu->pn);
	preempt_enable();
	return r;
}

void khv_vcpu_put(struct khv_vcpu *vcpu)
{
	preempt_disable();
	__khv_vcpu_put(vcpu);
	preempt_notifier_unregister(&vcpu->pn);
	preempt_enable();
}
