// SPDX-License-Identifier: GPL-2.0
/*
 * Events userspace hands a vCPU (api.rst): KVM_INTERRUPT and KVM_NMI,
 * KVM_GET/SET_VCPU_EVENTS, KVM_SET_SIGNAL_MASK, and kvm_run's sync_regs
 * (KVM_CAP_SYNC_REGS). inject.c puts the events into VM entries.
 *
 * Where events wait: vcpu->event is the one event of the next VM entry (an
 * exception, an NMI or an interrupt being delivered, SDM 26.5);
 * vcpu->uev.irq_* an external interrupt the guest takes as soon as it can
 * (KVM_INTERRUPT, or VCPU_EVENTS' interrupt.injected); the pending NMI is
 * vcpu->uev.nmi_pending, or the local APIC's with an in-kernel irqchip.
 * KVM_GET_VCPU_EVENTS shows each in the field KVM would: an exception or
 * NMI in vcpu->event as "injected", an interrupt in either place as
 * interrupt.injected.
 */
#include <linux/errno.h>
#include <linux/kvm.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/irq_vectors.h>
#include <asm/trapnr.h>
#include <asm/vmx.h>

#include "events.h"
#include "ioctl.h"
#include "irq.h"
#include "vcpu.h"
#include "vmx_insn.h"

#define KHV_VCPUEVENT_FLAGS	(KVM_VCPUEVENT_VALID_NMI_PENDING | \
				 KVM_VCPUEVENT_VALID_SIPI_VECTOR | \
				 KVM_VCPUEVENT_VALID_SHADOW | \
				 KVM_VCPUEVENT_VALID_SMM | \
				 KVM_VCPUEVENT_VALID_PAYLOAD | \
				 KVM_VCPUEVENT_VALID_TRIPLE_FAULT)

/*
 * KVM_SET_SIGNAL_MASK: while in KVM_RUN the thread blocks exactly @sigset,
 * so a VMM can keep its kick signal blocked outside KVM_RUN (and consume
 * it with sigtimedwait) yet have it end KVM_RUN with EINTR, even when it
 * arrived before KVM_RUN began. NULL drops the mask. As in KVM, SIGKILL
 * and SIGSTOP cannot be blocked, and len must be sizeof(sigset_t).
 */
static long khv_set_signal_mask(struct khv_vcpu *vcpu,
				struct kvm_signal_mask __user *argp)
{
	struct kvm_signal_mask hdr;
	sigset_t set;

	if (!argp) {
		vcpu->uev.sigmask_active = false;
		return 0;
	}
	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.len != sizeof(set))
		return -EINVAL;
	if (copy_from_user(&set, argp->sigset, sizeof(set)))
		return -EFAULT;
	sigdelsetmask(&set, sigmask(SIGKILL) | sigmask(SIGSTOP));
	vcpu->uev.sigmask = set;
	vcpu->uev.sigmask_active = true;
	return 0;
}

void khv_events_sigmask_begin(struct khv_vcpu *vcpu)
{
	sigset_t set = vcpu->uev.sigmask;

	if (vcpu->uev.sigmask_active)
		sigprocmask(SIG_SETMASK, &set, &vcpu->uev.saved_sigmask);
}

/* A signal that ended KVM_RUN and is blocked again stays pending. */
void khv_events_sigmask_end(struct khv_vcpu *vcpu)
{
	if (vcpu->uev.sigmask_active)
		sigprocmask(SIG_SETMASK, &vcpu->uev.saved_sigmask, NULL);
}

/*
 * KVM_INTERRUPT: for VMs whose interrupt controllers are in userspace; with
 * the in-kernel 8259 KVM answers ENXIO, with a split irqchip the vector is
 * the 8259's ExtINT for the in-kernel APIC (irq_vcpu.c, EEXIST while one
 * waits). Without an irqchip a second one before the guest took the first
 * replaces it, as in KVM (the VMM is expected to wait for
 * ready_for_interrupt_injection).
 */
static long khv_interrupt(struct khv_vcpu *vcpu, void __user *argp)
{
	struct kvm_interrupt irq;

	if (copy_from_user(&irq, argp, sizeof(irq)))
		return -EFAULT;
	if (irq.irq >= KVM_NR_INTERRUPTS)
		return -EINVAL;
	if (vcpu->irq)
		return khv_irq_interrupt(vcpu, irq.irq);
	vcpu->uev.irq_pending = true;
	vcpu->uev.irq_soft = false;
	vcpu->uev.irq_vector = irq.irq;
	return 0;
}

/* The pending NMI: the local APIC's with an irqchip, else userspace's. */
static bool khv_nmi_pending(struct khv_vcpu *vcpu)
{
	struct khv_vcpu_irq *virq = vcpu->irq;
	unsigned long flags;
	bool pending;

	if (!virq)
		return vcpu->uev.nmi_pending;
	flags = khv_irqchip_lock(virq->chip);
	pending = virq->apic.nmi_pending;
	khv_irqchip_unlock(virq->chip, flags);
	return pending;
}

static void khv_set_nmi_pending(struct khv_vcpu *vcpu, bool pending)
{
	struct khv_vcpu_irq *virq = vcpu->irq;
	unsigned long flags;

	if (!virq) {
		vcpu->uev.nmi_pending = pending;
		return;
	}
	flags = khv_irqchip_lock(virq->chip);
	virq->apic.nmi_pending = pending;
	khv_irqchip_unlock(virq->chip, flags);
}

/*
 * KVM_NMI, with or without an irqchip (as KVM). NMIs are edge events: one
 * more while one is pending is the same NMI (KVM keeps up to two).
 */
static long khv_nmi(struct khv_vcpu *vcpu)
{
	bool ok;
	int r;

	r = khv_vcpu_load(vcpu);
	if (r)
		return r;
	ok = khv_events_vnmi_enable(vcpu);
	khv_vcpu_put(vcpu);
	if (!ok)
		return -EINVAL;
	khv_set_nmi_pending(vcpu, true);
	return 0;
}

/* Loaded vCPU. */
void khv_events_get(struct khv_vcpu *vcpu, struct kvm_vcpu_events *e)
{
	const struct khv_event *ev = &vcpu->event;
	u32 blocking = khv_vmread(GUEST_INTERRUPTIBILITY_INFO);
	u32 pin = khv_vmread(PIN_BASED_VM_EXEC_CONTROL);
	u8 vec = ev->info & INTR_INFO_VECTOR_MASK;
	struct khv_vcpu_irq *virq = vcpu->irq;

	memset(e, 0, sizeof(*e));
	if (ev->pending) {
		switch (ev->info & INTR_INFO_INTR_TYPE_MASK) {
		case INTR_TYPE_HARD_EXCEPTION:
		case INTR_TYPE_PRIV_SW_EXCEPTION:
			e->exception.injected = 1;
			e->exception.nr = vec;
			e->exception.has_error_code =
				!!(ev->info & INTR_INFO_DELIVER_CODE_MASK);
			e->exception.error_code = ev->error_code;
			break;
		case INTR_TYPE_SOFT_EXCEPTION:
			/* No instruction length in the ABI: KVM shows it not injected. */
			e->exception.nr = vec;
			break;
		case INTR_TYPE_NMI_INTR:
			e->nmi.injected = 1;
			break;
		case INTR_TYPE_EXT_INTR:
			e->interrupt.injected = 1;
			e->interrupt.nr = vec;
			break;
		case INTR_TYPE_SOFT_INTR:
			e->interrupt.nr = vec;
			break;
		}
	}
	if (!e->interrupt.injected && vcpu->uev.irq_pending) {
		e->interrupt.injected = !vcpu->uev.irq_soft;
		e->interrupt.nr = vcpu->uev.irq_vector;
	}
	if (blocking & GUEST_INTR_STATE_STI)
		e->interrupt.shadow |= KVM_X86_SHADOW_INT_STI;
	if (blocking & GUEST_INTR_STATE_MOV_SS)
		e->interrupt.shadow |= KVM_X86_SHADOW_INT_MOV_SS;
	e->nmi.pending = khv_nmi_pending(vcpu);
	/* Without virtual NMIs the guest never blocks NMIs (run.c). */
	e->nmi.masked = (pin & PIN_BASED_VIRTUAL_NMIS) &&
			(blocking & GUEST_INTR_STATE_NMI);
	/* khv has no SMM; an INIT not yet acted on shows as latched. */
	if (virq) {
		unsigned long flags = khv_irqchip_lock(virq->chip);

		e->smi.latched_init = virq->apic.init_pending;
		khv_irqchip_unlock(virq->chip, flags);
	}
	e->flags = KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SHADOW |
		   KVM_VCPUEVENT_VALID_SMM;
}

/*
 * KVM's checks (kvm_vcpu_events, api.rst): known flags only; PAYLOAD and
 * TRIPLE_FAULT need capabilities khv does not offer; an injected exception
 * is a vector below 32 other than NMI; no SMM. Without PAYLOAD,
 * exception.pending is ignored, as in KVM.
 */
static bool khv_events_valid(const struct kvm_vcpu_events *e)
{
	if (e->flags & ~KHV_VCPUEVENT_FLAGS)
		return false;
	if (e->flags & (KVM_VCPUEVENT_VALID_PAYLOAD |
			KVM_VCPUEVENT_VALID_TRIPLE_FAULT))
		return false;
	if (e->exception.injected &&
	    (e->exception.nr > 31 || e->exception.nr == X86_TRAP_NMI))
		return false;
	if ((e->flags & KVM_VCPUEVENT_VALID_SMM) &&
	    (e->smi.smm || e->smi.pending || e->smi.smm_inside_nmi))
		return false;
	return true;
}

/* An exception as userspace gives it; inject.c fixes the error-code bit. */
static struct khv_event khv_user_exception(const struct kvm_vcpu_events *e)
{
	u8 vec = e->exception.nr;
	bool soft = vec == X86_TRAP_BP || vec == X86_TRAP_OF;
	struct khv_event ev = {
		.pending = true,
		.info = vec | INTR_INFO_VALID_MASK |
			(soft ? INTR_TYPE_SOFT_EXCEPTION :
				INTR_TYPE_HARD_EXCEPTION),
		/* INT3 and INTO are one byte (SDM Vol. 2A). */
		.insn_len = soft,
	};

	if (e->exception.has_error_code) {
		ev.info |= INTR_INFO_DELIVER_CODE_MASK;
		ev.error_code = e->exception.error_code;
	}
	return ev;
}

/* Loaded vCPU. State is unchanged when the events are refused. */
int khv_events_set(struct khv_vcpu *vcpu, const struct kvm_vcpu_events *e)
{
	struct khv_vcpu_irq *virq = vcpu->irq;
	struct khv_event *ev = &vcpu->event;
	u32 blocking;
	bool vnmi;

	if (!khv_events_valid(e))
		return -EINVAL;

	/* What was injected is replaced, pending or not (as KVM). */
	ev->pending = false;
	vcpu->uev.irq_pending = false;
	if (e->exception.injected)
		*ev = khv_user_exception(e);

	/* Virtual NMIs go on only when the guest is given NMI state. */
	if (e->nmi.injected || e->nmi.masked ||
	    ((e->flags & KVM_VCPUEVENT_VALID_NMI_PENDING) && e->nmi.pending))
		vnmi = khv_events_vnmi_enable(vcpu);
	else
		vnmi = khv_vmread(PIN_BASED_VM_EXEC_CONTROL) &
		       PIN_BASED_VIRTUAL_NMIS;
	if (e->flags & KVM_VCPUEVENT_VALID_NMI_PENDING)
		khv_set_nmi_pending(vcpu, vnmi && e->nmi.pending);
	/* One event per entry: an NMI behind an exception waits as pending. */
	if (e->nmi.injected && vnmi) {
		if (!ev->pending)
			*ev = (struct khv_event){
				.pending = true,
				.info = NMI_VECTOR | INTR_TYPE_NMI_INTR |
					INTR_INFO_VALID_MASK,
			};
		else
			khv_set_nmi_pending(vcpu, true);
	}
	if (e->interrupt.injected) {
		vcpu->uev.irq_pending = true;
		vcpu->uev.irq_soft = e->interrupt.soft;
		vcpu->uev.irq_vector = e->interrupt.nr;
	}

	blocking = khv_vmread(GUEST_INTERRUPTIBILITY_INFO);
	if (e->flags & KVM_VCPUEVENT_VALID_SHADOW) {
		/* STI and MOV SS blocking never coexist (26.3.1.5). */
		blocking &= ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS);
		if (e->interrupt.shadow & KVM_X86_SHADOW_INT_MOV_SS)
			blocking |= GUEST_INTR_STATE_MOV_SS;
		else if (e->interrupt.shadow & KVM_X86_SHADOW_INT_STI)
			blocking |= GUEST_INTR_STATE_STI;
	}
	blocking &= ~GUEST_INTR_STATE_NMI;
	if (e->nmi.masked && vnmi)
		blocking |= GUEST_INTR_STATE_NMI;
	khv_vmwrite(GUEST_INTERRUPTIBILITY_INFO, blocking);

	if (virq && (e->flags & (KVM_VCPUEVENT_VALID_SIPI_VECTOR |
				 KVM_VCPUEVENT_VALID_SMM))) {
		unsigned long flags = khv_irqchip_lock(virq->chip);

		if (e->flags & KVM_VCPUEVENT_VALID_SIPI_VECTOR)
			virq->apic.sipi_vector = e->sipi_vector;
		if (e->flags & KVM_VCPUEVENT_VALID_SMM)
			virq->apic.init_pending = e->smi.latched_init;
		khv_irqchip_unlock(virq->chip, flags);
	}
	return 0;
}

static long khv_vcpu_events_ioctl(struct khv_vcpu *vcpu, unsigned int ioctl,
				  void __user *argp)
{
	struct kvm_vcpu_events e;
	int r;

	if (ioctl == KVM_SET_VCPU_EVENTS && copy_from_user(&e, argp, sizeof(e)))
		return -EFAULT;
	r = khv_vcpu_load(vcpu);
	if (r)
		return r;
	if (ioctl == KVM_SET_VCPU_EVENTS)
		r = khv_events_set(vcpu, &e);
	else
		khv_events_get(vcpu, &e);
	khv_vcpu_put(vcpu);
	if (!r && ioctl == KVM_GET_VCPU_EVENTS &&
	    copy_to_user(argp, &e, sizeof(e)))
		r = -EFAULT;
	return r;
}

/*
 * sync_regs. kvm_run is shared with userspace, which may change it while
 * this runs: every structure is copied before it is checked and used, and
 * the bit masks are read once.
 */
static noinline int khv_sync_sregs_in(struct khv_vcpu *vcpu)
{
	struct kvm_sregs s;

	memcpy(&s, &vcpu->run->s.regs.sregs, sizeof(s));
	return khv_set_sregs(vcpu, &s);
}

static noinline int khv_sync_events_in(struct khv_vcpu *vcpu)
{
	struct kvm_vcpu_events e;

	memcpy(&e, &vcpu->run->s.regs.events, sizeof(e));
	return khv_events_set(vcpu, &e);
}

/* In the order KVM applies them; a refused part fails KVM_RUN with EINVAL. */
int khv_sync_regs_in(struct khv_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	u64 valid = READ_ONCE(run->kvm_valid_regs);
	u64 dirty = READ_ONCE(run->kvm_dirty_regs);

	/* KVM tests the low 32 bits only: bits 63:32 are ignored (measured). */
	if ((u32)(valid | dirty) & ~(u32)KVM_SYNC_X86_VALID_FIELDS)
		return -EINVAL;
	if (dirty & KVM_SYNC_X86_REGS) {
		struct kvm_regs regs;

		memcpy(&regs, &run->s.regs.regs, sizeof(regs));
		khv_set_regs(vcpu, &regs);
		run->kvm_dirty_regs &= ~KVM_SYNC_X86_REGS;
	}
	if (dirty & KVM_SYNC_X86_SREGS) {
		if (khv_sync_sregs_in(vcpu))
			return -EINVAL;
		run->kvm_dirty_regs &= ~KVM_SYNC_X86_SREGS;
	}
	if (dirty & KVM_SYNC_X86_EVENTS) {
		if (khv_sync_events_in(vcpu))
			return -EINVAL;
		run->kvm_dirty_regs &= ~KVM_SYNC_X86_EVENTS;
	}
	return 0;
}

void khv_sync_regs_out(struct khv_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	u64 valid = READ_ONCE(run->kvm_valid_regs);

	if (valid & KVM_SYNC_X86_REGS)
		khv_get_regs(vcpu, &run->s.regs.regs);
	if (valid & KVM_SYNC_X86_SREGS)
		khv_get_sregs(vcpu, &run->s.regs.sregs);
	if (valid & KVM_SYNC_X86_EVENTS)
		khv_events_get(vcpu, &run->s.regs.events);
}

long khv_events_vcpu_ioctl(struct khv_vcpu *vcpu, unsigned int ioctl,
			   void __user *argp)
{
	switch (ioctl) {
	case KVM_INTERRUPT:
		return khv_interrupt(vcpu, argp);
	case KVM_NMI:
		return khv_nmi(vcpu);
	case KVM_GET_VCPU_EVENTS:
	case KVM_SET_VCPU_EVENTS:
		return khv_vcpu_events_ioctl(vcpu, ioctl, argp);
	case KVM_SET_SIGNAL_MASK:
		return khv_set_signal_mask(vcpu, argp);
	default:
		return -EINVAL;
	}
}

long khv_events_check_extension(long cap)
{
	switch (cap) {
	case KVM_CAP_VCPU_EVENTS:
		return 1;
	case KVM_CAP_USER_NMI:
		return khv_events_vnmi_supported();
	case KVM_CAP_SYNC_REGS:
		return KVM_SYNC_X86_VALID_FIELDS;
	default:
		return 0;
	}
}
