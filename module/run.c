// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_RUN: the loop that enters the guest until an exit needs userspace.
 *
 * Each iteration: check for signals and rescheduling, then with preemption
 * and interrupts off load what the entry needs and enter; after the exit,
 * hand a host NMI to the host, restore what the exit cleared, enable
 * interrupts (a pending host interrupt is taken right there, since the exit
 * does not acknowledge it) and handle the exit with preemption on.
 */
#include <linux/kvm.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/percpu.h>
#include <asm/cpufeature.h>
#include <asm/apic.h>
#include <asm/debugreg.h>
#include <asm/fpu/api.h>
#include <asm/irq_vectors.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/special_insns.h>
#include <asm/sync_core.h>
#include <asm/vmx.h>

#include "cr.h"
#include "events.h"
#include "fpu.h"
#include "irq.h"
#include "trace.h"
#include "vcpu.h"
#include "vmcs.h"
#include "vmx.h"
#include "vmx_insn.h"

/* 6.12 renames the field inside the kernel to flag its TOCTOU hazard. */
#ifdef HINT_UNSAFE_IN_KVM
#define KHV_IMMEDIATE_EXIT	HINT_UNSAFE_IN_KVM(immediate_exit)
#else
#define KHV_IMMEDIATE_EXIT	immediate_exit
#endif

/*
 * An NMI that arrives in VMX non-root operation with "NMI exiting" becomes
 * the VM exit and is gone; NMIs stay blocked until the next IRET. Re-raise
 * it on this CPU (the APIC sends NMIs to itself in every mode) and unblock
 * with an IRET to the next instruction: the host's NMI handler runs now.
 */
static void khv_host_nmi(void)
{
	u32 blocking = khv_vmread(GUEST_INTERRUPTIBILITY_INFO);

	apic->send_IPI(smp_processor_id(), NMI_VECTOR);
	iret_to_self();
	/*
	 * Without virtual NMIs the guest is never given an NMI, so it never
	 * blocks NMIs; yet Bochs 2.7 saves "blocking by NMI" set after an NMI
	 * exit. Entered again like that, the guest would hold off every host
	 * NMI until the next VM exit (26.6.1: with NMI exiting, the blocking
	 * lasts as long as VMX non-root operation). With virtual NMIs (irq.c)
	 * the bit is the guest's own NMI-handler state and stays.
	 */
	if ((blocking & GUEST_INTR_STATE_NMI) &&
	    !(khv_vmread(PIN_BASED_VM_EXEC_CONTROL) & PIN_BASED_VIRTUAL_NMIS))
		khv_vmwrite(GUEST_INTERRUPTIBILITY_INFO,
			    blocking & ~GUEST_INTR_STATE_NMI);
}

/* Exits that came in the middle of event delivery redeliver it (27.2.3). */
static void khv_save_vectoring(struct khv_vcpu *vcpu)
{
	u32 info = khv_vmread(IDT_VECTORING_INFO_FIELD);
	u32 type = info & INTR_INFO_INTR_TYPE_MASK;

	if (!(info & VECTORING_INFO_VALID_MASK))
		return;
	vcpu->event.pending = true;
	vcpu->event.info = info & (INTR_INFO_VALID_MASK |
				   INTR_INFO_DELIVER_CODE_MASK |
				   INTR_INFO_INTR_TYPE_MASK |
				   INTR_INFO_VECTOR_MASK);
	if (info & INTR_INFO_DELIVER_CODE_MASK)
		vcpu->event.error_code = khv_vmread(IDT_VECTORING_ERROR_CODE);
	if (type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_SOFT_EXCEPTION ||
	    type == INTR_TYPE_PRIV_SW_EXCEPTION)
		vcpu->event.insn_len = khv_vmread(VM_EXIT_INSTRUCTION_LEN);
}

/* Interrupts off, VMCS current: everything the next entry needs. */
static void khv_prepare_entry(struct khv_vcpu *vcpu)
{
	struct khv_event *ev = &vcpu->event;

	khv_vcpu_update_host_per_entry(vcpu);
	if (vcpu->tlb_flush) {
		if (vcpu->vpid)
			khv_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, vcpu->vpid, 0);
		vcpu->tlb_flush = false;
	}
	khv_events_prepare_entry(vcpu);
	if (ev->pending) {
		trace_khv_inject(vcpu, ev->info, ev->error_code);
		khv_vmwrite(VM_ENTRY_INTR_INFO_FIELD, ev->info);
		khv_vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, ev->error_code);
		khv_vmwrite(VM_ENTRY_INSTRUCTION_LEN, ev->insn_len);
		ev->pending = false;
	}
	if (khv_vmcs_config.preemption_timer)
		khv_vmwrite(VMX_PREEMPTION_TIMER_VALUE,
			    khv_vmcs_config.preemption_timer);
	if (read_cr2() != vcpu->cr2)
		write_cr2(vcpu->cr2);
	/* Last: the FPU state is in (khv_enter_guest); nothing XSAVEs now. */
	khv_fpu_load_guest_xcr0(vcpu);
}

/* Interrupts still off: what must happen before the host runs anything. */
static void khv_after_exit(struct khv_vcpu *vcpu, int r)
{
	/* First: the host's XCR0 before any host code can touch the FPU. */
	khv_fpu_load_host_xcr0(vcpu);
	khv_irq_after_exit(vcpu);
	vcpu->cr2 = read_cr2();
	/* Legacy IBRS protects only after a write in the more privileged mode. */
	if (cpu_feature_enabled(X86_FEATURE_KERNEL_IBRS))
		native_wrmsrl(MSR_IA32_SPEC_CTRL,
			      this_cpu_read(x86_spec_ctrl_current));
	vcpu->last_cpu = smp_processor_id();

	if (r == 0) {
		vcpu->launched = true;
		vcpu->exit_reason = khv_vmread(VM_EXIT_REASON);
		vcpu->exit_qual = khv_vmread(EXIT_QUALIFICATION);
		vcpu->exit_intr_info = 0;
		if ((u16)vcpu->exit_reason == EXIT_REASON_EXCEPTION_NMI) {
			u32 info = khv_vmread(VM_EXIT_INTR_INFO);

			vcpu->exit_intr_info = info;
			if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
				khv_host_nmi();
		}
		if (!(vcpu->exit_reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
			khv_save_vectoring(vcpu);
	} else if (r == 1) {
		vcpu->exit_reason = KHV_EXIT_VMFAIL;
		vcpu->exit_qual = khv_vmread(VM_INSTRUCTION_ERROR);
	}

	/* VM exits clear IA32_DEBUGCTL and set DR7 to 0x400 (27.5.1). */
	if (vcpu->host.debugctl)
		update_debugctlmsr(vcpu->host.debugctl);
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
}

/*
 * One guest run. Returns > 0 to handle the exit in vcpu->exit_reason, 0 to
 * go round again without an exit (rescheduling was due), or -errno.
 */
static int khv_enter_guest(struct khv_vcpu *vcpu)
{
	int r;

	preempt_disable();
	khv_vcpu_prepare_guest_switch(vcpu);
	local_irq_disable();

	if (need_resched() || signal_pending(current)) {
		local_irq_enable();
		preempt_enable();
		return 0;
	}
	if (unlikely(!khv_vmx_active())) {
		local_irq_enable();
		preempt_enable();
		return -EIO;
	}
	/* The guest's FPU state must be in the registers (fpu_swap_kvm_fpstate). */
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();

	khv_prepare_entry(vcpu);
	khv_stats_guest_enter(&vcpu->stats);
	r = khv_vmx_vmenter(vcpu->gprs, vcpu->launched);
	khv_stats_guest_exit(&vcpu->stats);
	khv_after_exit(vcpu, r);

	local_irq_enable();
	preempt_enable();
	return r == 2 ? -EIO : 1;
}

long khv_vcpu_run(struct khv_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	int r;

	/* Without an in-kernel APIC, userspace owns the TPR (api.rst, cr8). */
	if (READ_ONCE(run->cr8) & ~0xfULL)
		return -EINVAL;

	r = khv_vcpu_load(vcpu);
	if (r)
		return r;
	khv_events_sigmask_begin(vcpu);
	khv_sched_run_begin(vcpu);
	khv_stats_run_begin(&vcpu->stats);
	fpu_swap_kvm_fpstate(&vcpu->fpu, true);
	run->flags = 0;
	r = khv_sync_regs_in(vcpu);
	if (r)
		goto out;
	vcpu->cr8 = READ_ONCE(run->cr8);

	/* Finish the I/O userspace just served, even with immediate_exit. */
	if (vcpu->pio.pending) {
		r = khv_complete_pio(vcpu);
		if (r <= 0)
			goto out;
	}
	if (vcpu->mmio.pending) {
		r = khv_mmio_complete(vcpu);
		if (r <= 0)
			goto out;
	}
	if (vcpu->msrs.user_exit) {
		r = khv_msr_complete_user_exit(vcpu);
		if (r <= 0)
			goto out;
	}
	/*
	 * As KVM, exit_reason stays what it was: KVM's selftests complete an
	 * I/O exit this way and look at that exit afterwards.
	 */
	if (READ_ONCE(run->KHV_IMMEDIATE_EXIT)) {
		r = -EINTR;
		goto out;
	}

	for (;;) {
		if (signal_pending(current)) {
			run->exit_reason = KVM_EXIT_INTR;
			r = -EINTR;
			break;
		}
		/* HLT and wait-for-SIPI with an in-kernel APIC sleep here. */
		r = khv_irq_run_check(vcpu);
		if (r <= 0)
			break;
		cond_resched();
		khv_sched_run_loop(vcpu);
		r = khv_enter_guest(vcpu);
		if (r < 0)
			break;
		if (r == 0)
			continue;
		r = khv_handle_exit(vcpu);
		if (r <= 0)
			break;
	}
out:
	khv_sync_regs_out(vcpu);
	khv_events_sync_run(vcpu);
	fpu_swap_kvm_fpstate(&vcpu->fpu, false);
	/* Before the put: a preemption there is still seen by sched.c. */
	khv_sched_run_end(vcpu, r);
	khv_vcpu_put(vcpu);
	khv_stats_run_end(&vcpu->stats, run, r);
	khv_events_sigmask_end(vcpu);
	trace_khv_run_end(vcpu, r);
	return r;
}
