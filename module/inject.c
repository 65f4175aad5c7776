// SPDX-License-Identifier: GPL-2.0
/*
 * Event injection at VM entry (SDM 26.5, "Event Injection") for everything
 * that is not re-injected: userspace's NMI and external interrupt
 * (events.c) and the in-kernel irqchip's (irq_vcpu.c). One VM entry carries
 * one event, vcpu->event, which run.c writes into the VMCS; it may already
 * hold an exception or an event whose delivery a VM exit interrupted, and
 * those go first.
 *
 * An NMI goes in when the guest is not blocking NMIs (virtual-NMI blocking,
 * STI or MOV SS blocking: SDM 25.3, 26.3.1.5), an external interrupt when
 * RFLAGS.IF = 1 and there is no STI or MOV SS blocking (the conditions VM
 * entry checks for an injected interrupt). Otherwise the entry asks for an
 * NMI-window or interrupt-window exit (SDM 25.2), which happens at the first
 * instruction boundary where the guest could take it, and the next entry
 * tries again.
 *
 * Without an in-kernel irqchip, or with a split one (the 8259 in userspace),
 * userspace may ask (request_interrupt_window) to be told when the guest
 * can take an interrupt: an interrupt-window exit with nothing queued then
 * ends KVM_RUN with KVM_EXIT_IRQ_WINDOW_OPEN.
 */
#include <linux/kvm.h>
#include <asm/irq_vectors.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include "cr.h"
#include "events.h"
#include "irq.h"
#include "vcpu.h"
#include "vmcs.h"
#include "vmx.h"
#include "vmx_insn.h"

#define KHV_SHADOW	(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)
#define KHV_WINDOWS	(CPU_BASED_INTR_WINDOW_EXITING | CPU_BASED_NMI_WINDOW_EXITING)

bool khv_events_vnmi_supported(void)
{
	return (khv_vmx_caps.pin.may_be_1 & PIN_BASED_VIRTUAL_NMIS) &&
	       (khv_vmx_caps.proc.may_be_1 & CPU_BASED_NMI_WINDOW_EXITING);
}

/*
 * Without virtual NMIs an injected NMI would block the host's NMIs until the
 * guest's IRET (26.6.1.2), and khv could not tell when the guest takes the
 * next one: no NMI is injected then. The control goes on when a vCPU is
 * first given an NMI; blocking by NMI then is the guest's own state.
 */
bool khv_events_vnmi_enable(struct khv_vcpu *vcpu)
{
	u32 pin;

	if (!khv_events_vnmi_supported())
		return false;
	pin = khv_vmread(PIN_BASED_VM_EXEC_CONTROL);
	if (!(pin & PIN_BASED_VIRTUAL_NMIS))
		khv_vmwrite(PIN_BASED_VM_EXEC_CONTROL,
			    pin | PIN_BASED_VIRTUAL_NMIS);
	return true;
}

/*
 * The deliver-error-code bit must be 1 exactly for a hardware exception
 * that has an error code, in protected mode (26.2.1.3), and the code fits
 * in 16 bits. Userspace may have set the event in another mode, or with an
 * error code for a vector that has none.
 */
static void khv_fix_error_code(struct khv_vcpu *vcpu, struct khv_event *ev)
{
	u8 vec = ev->info & INTR_INFO_VECTOR_MASK;
	bool code;

	if ((ev->info & INTR_INFO_INTR_TYPE_MASK) != INTR_TYPE_HARD_EXCEPTION)
		return;
	switch (vec) {
	case X86_TRAP_DF:
	case X86_TRAP_TS ... X86_TRAP_PF:
	case X86_TRAP_AC:
		code = khv_read_cr0(vcpu) & X86_CR0_PE;
		break;
	default:
		code = false;
		break;
	}
	ev->info &= ~INTR_INFO_DELIVER_CODE_MASK;
	if (code)
		ev->info |= INTR_INFO_DELIVER_CODE_MASK;
	ev->error_code = code ? (u16)ev->error_code : 0;
}

/*
 * Nothing to queue or to wait for: no event from userspace, no irqchip, no
 * interrupt window asked for, and none open from an earlier entry. Most
 * entries of a VM without an irqchip are like that; they skip the three
 * VMREADs below (docs/performance.md).
 */
static bool khv_events_idle(struct khv_vcpu *vcpu)
{
	const struct khv_user_events *uev = &vcpu->uev;

	return !uev->nmi_pending && !uev->irq_pending && !uev->windows &&
	       !vcpu->irq && !READ_ONCE(vcpu->run->request_interrupt_window);
}

void khv_events_prepare_entry(struct khv_vcpu *vcpu)
{
	struct khv_user_events *uev = &vcpu->uev;
	struct khv_event *ev = &vcpu->event;
	unsigned long rflags;
	u32 blocking, want = 0, ctl;
	bool intr_ok;

	if (khv_events_idle(vcpu))
		goto fix;
	rflags = khv_vmread(GUEST_RFLAGS);
	blocking = khv_vmread(GUEST_INTERRUPTIBILITY_INFO);
	intr_ok = (rflags & X86_EFLAGS_IF) && !(blocking & KHV_SHADOW);
	if (uev->nmi_pending) {
		if (!ev->pending &&
		    !(blocking & (KHV_SHADOW | GUEST_INTR_STATE_NMI))) {
			*ev = (struct khv_event){
				.pending = true,
				.info = NMI_VECTOR | INTR_TYPE_NMI_INTR |
					INTR_INFO_VALID_MASK,
			};
			uev->nmi_pending = false;
		} else {
			want |= CPU_BASED_NMI_WINDOW_EXITING;
		}
	}
	/* Accepted before anything the irqchip has now: it goes first. */
	if (uev->irq_pending) {
		if (!ev->pending && intr_ok) {
			*ev = (struct khv_event){
				.pending = true,
				.info = uev->irq_vector | INTR_INFO_VALID_MASK |
					(uev->irq_soft ? INTR_TYPE_SOFT_INTR :
							 INTR_TYPE_EXT_INTR),
				/* INT n: the 2-byte form (SDM Vol. 2A, INT n) */
				.insn_len = uev->irq_soft ? 2 : 0,
			};
			uev->irq_pending = false;
		} else {
			want |= CPU_BASED_INTR_WINDOW_EXITING;
		}
	}
	if (vcpu->irq)
		want |= khv_irq_prepare_entry(vcpu, rflags, blocking);
	else if (READ_ONCE(vcpu->run->request_interrupt_window))
		want |= CPU_BASED_INTR_WINDOW_EXITING;

	want &= khv_vmx_caps.proc.may_be_1;
	ctl = khv_vmread(CPU_BASED_VM_EXEC_CONTROL);
	if ((ctl & KHV_WINDOWS) != want)
		khv_vmwrite(CPU_BASED_VM_EXEC_CONTROL, (ctl & ~KHV_WINDOWS) | want);
	uev->windows = want;
fix:
	if (ev->pending)
		khv_fix_error_code(vcpu, ev);
}

/*
 * KVM's condition for ready_for_interrupt_injection without an irqchip: the
 * guest can take an interrupt now and none is queued or being delivered, so
 * a KVM_INTERRUPT would be injected at the very next entry. With a split
 * irqchip also no ExtINT pending and LINT0 taking one (irq_vcpu.c).
 */
static bool khv_ready_for_interrupt(struct khv_vcpu *vcpu)
{
	unsigned long rflags = khv_vmread(GUEST_RFLAGS);
	u32 blocking = khv_vmread(GUEST_INTERRUPTIBILITY_INFO);

	return (rflags & X86_EFLAGS_IF) && !(blocking & KHV_SHADOW) &&
	       !vcpu->event.pending && !vcpu->uev.irq_pending &&
	       khv_irq_ready_for_extint(vcpu);
}

/* The next entry injects what the window was opened for. */
int khv_events_exit_window(struct khv_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	if ((u16)vcpu->exit_reason == EXIT_REASON_INTERRUPT_WINDOW &&
	    (!vcpu->irq || khv_irq_split(vcpu)) &&
	    READ_ONCE(run->request_interrupt_window) &&
	    khv_ready_for_interrupt(vcpu)) {
		run->exit_reason = KVM_EXIT_IRQ_WINDOW_OPEN;
		return 0;
	}
	return 1;
}

/* What KVM refreshes on every return from KVM_RUN (api.rst, kvm_run). */
void khv_events_sync_run(struct khv_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	u64 cr8 = vcpu->cr8;

	khv_irq_cr8(vcpu, &cr8, false);
	run->if_flag = !!(khv_vmread(GUEST_RFLAGS) & X86_EFLAGS_IF);
	run->cr8 = cr8;
	run->apic_base = vcpu->apic_base;
	/* With the 8259 in the kernel userspace injects nothing: always 1. */
	run->ready_for_interrupt_injection =
		(vcpu->irq && !khv_irq_split(vcpu)) ||
		khv_ready_for_interrupt(vcpu);
}
