// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU side of the in-kernel irqchip (irq.h): each vCPU's local APIC
 * on lapic.c's model and its timer on an hrtimer, the choice of what to
 * inject at VM entry, HLT and wait-for-SIPI inside the kernel, INIT and
 * SIPI, the xAPIC page, the IOAPIC window and the 8259 ports, the APIC
 * MSRs, and KVM_GET/SET_LAPIC and KVM_GET/SET_MP_STATE. With a split
 * irqchip the 8259's place is taken by KVM_INTERRUPT's ExtINT, the IOAPIC
 * window and the 8259 ports go to the VMM, and EOIs its IOAPIC waits for
 * end KVM_RUN with KVM_EXIT_IOAPIC_EOI.
 *
 * Injection (SDM 26.5, "Event Injection"): before each entry, with
 * interrupts off, an NMI or the highest-priority interrupt is written as
 * the entry's event when the guest can take it (no event already pending,
 * RFLAGS.IF = 1 and no STI/MOV SS blocking for interrupts, no NMI blocking
 * for NMIs); otherwise the entry asks for an interrupt-window (or NMI-window)
 * exit and the next entry tries again. An event whose delivery a VM exit
 * interrupted is re-injected by run.c before anything new.
 */
#include <linux/hrtimer.h>
#include <linux/kvm.h>
#include <linux/preempt.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <asm/apicdef.h>
#include <asm/irq_vectors.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/tsc.h>
#include <asm/vmx.h>

#include "irq.h"
#include "msr.h"
#include "vcpu.h"
#include "vm.h"
#include "vmcs.h"
#include "vmx.h"
#include "vmx_insn.h"

/* CPUID.1:ECX bits the in-kernel APIC adds (SDM Vol. 2A, CPUID). */
#define KHV_CPUID1_X2APIC	BIT(21)
#define KHV_CPUID1_TSC_DEADLINE	BIT(24)

static struct khv_vcpu_irq *khv_virq(struct khv_lapic *apic)
{
	return apic->owner;
}

/* The guest's TSC: the host's plus the vCPU's TSC offset (msr.c). */
static void khv_apic_now(struct khv_lapic *apic, u64 *ns, u64 *tsc)
{
	*ns = ktime_get_ns();
	*tsc = khv_guest_tsc(khv_virq(apic)->vcpu);
}

/*
 * Under the chip lock, so no hrtimer_cancel() (it would wait for a callback
 * that waits for the lock); a callback already running finds the model's
 * expiry changed and does nothing (khv_lapic_timer_expired()).
 */
static void khv_apic_timer(struct khv_lapic *apic, u64 expiry)
{
	struct khv_vcpu_irq *virq = khv_virq(apic);

	if (expiry)
		hrtimer_start(&virq->timer, ns_to_ktime(expiry), HRTIMER_MODE_ABS);
	else
		hrtimer_try_to_cancel(&virq->timer);
}

static void khv_apic_ipi(struct khv_lapic *apic, const struct khv_apic_irq *irq)
{
	khv_irqchip_deliver(khv_virq(apic)->chip, apic, irq);
}

static void khv_apic_eoi(struct khv_lapic *apic, u8 vector)
{
	struct khv_vcpu_irq *virq = khv_virq(apic);

	if (!virq->chip->split) {
		khv_ioapic_eoi(&virq->chip->ioapic, vector);
	} else if (khv_irqchip_eoi_exits(virq->chip, apic, vector)) {
		/* The EOI is this vCPU's own: its next entry exits instead. */
		virq->eoi_exit = true;
		virq->eoi_vector = vector;
	}
}

static void khv_apic_kick(struct khv_lapic *apic)
{
	struct khv_vcpu_irq *virq = khv_virq(apic);

	__set_bit(virq->index, &virq->chip->kick);
}

static const struct khv_lapic_ops khv_apic_ops = {
	.now	= khv_apic_now,
	.timer	= khv_apic_timer,
	.ipi	= khv_apic_ipi,
	.eoi	= khv_apic_eoi,
	.kick	= khv_apic_kick,
};

/* Re-armed by hrtimer_start(), not HRTIMER_RESTART: the model may have moved it. */
static enum hrtimer_restart khv_apic_timer_fn(struct hrtimer *timer)
{
	struct khv_vcpu_irq *virq = container_of(timer, struct khv_vcpu_irq, timer);
	unsigned long flags = khv_irqchip_lock(virq->chip);
	u64 next = khv_lapic_timer_expired(&virq->apic);

	if (next)
		hrtimer_start(timer, ns_to_ktime(next), HRTIMER_MODE_ABS);
	khv_irqchip_unlock(virq->chip, flags);
	return HRTIMER_NORESTART;
}

static bool khv_irq_is_bsp(struct khv_vcpu *vcpu)
{
	return vcpu->id == vcpu->vm->bsp_vcpu_id;
}

int khv_irq_vcpu_create(struct khv_vcpu *vcpu)
{
	struct khv_vm *vm = vcpu->vm;
	struct khv_irqchip *chip = vm->irqchip;
	bool bsp = khv_irq_is_bsp(vcpu);
	struct khv_vcpu_irq *virq;
	unsigned long flags;

	lockdep_assert_held(&vm->lock);
	/* KVM_SET_BOOT_CPU_ID decides which vCPU's APIC base says BSP. */
	vcpu->apic_base &= ~MSR_IA32_APICBASE_BSP;
	if (bsp)
		vcpu->apic_base |= MSR_IA32_APICBASE_BSP;
	if (!chip)
		return 0;

	virq = kzalloc(sizeof(*virq), GFP_KERNEL_ACCOUNT);
	if (!virq)
		return -ENOMEM;
	virq->vcpu = vcpu;
	virq->chip = chip;
	init_waitqueue_head(&virq->wq);
	hrtimer_init(&virq->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	virq->timer.function = khv_apic_timer_fn;
	khv_lapic_init(&virq->apic, vcpu->id, &khv_apic_ops, virq);
	virq->apic.tsc_khz = tsc_khz;
	virq->apic.tsc_deadline_ok = tsc_khz;
	virq->apic.eoi_every = chip->split;
	virq->extint = -1;

	flags = khv_irqchip_lock(chip);
	khv_lapic_reset(&virq->apic, bsp, false);
	/* With an in-kernel APIC, APs wait for INIT and SIPI (as KVM). */
	virq->apic.mp_state = bsp ? KVM_MP_STATE_RUNNABLE :
				    KVM_MP_STATE_UNINITIALIZED;
	virq->index = chip->nr_vcpus;
	chip->vcpus[chip->nr_vcpus++] = virq;
	khv_irqchip_unlock(chip, flags);

	vcpu->apic_base = virq->apic.base;
	vcpu->irq = virq;
	return 0;
}

void khv_irq_vcpu_destroy(struct khv_vcpu *vcpu)
{
	struct khv_vcpu_irq *virq = vcpu->irq, *last;
	struct khv_irqchip *chip;
	unsigned long flags;

	if (!virq)
		return;
	chip = virq->chip;
	hrtimer_cancel(&virq->timer);
	flags = khv_irqchip_lock(chip);
	/* Keep vcpus[] dense for the timers of the vCPUs still there. */
	last = chip->vcpus[--chip->nr_vcpus];
	chip->vcpus[virq->index] = last;
	last->index = virq->index;
	chip->vcpus[chip->nr_vcpus] = NULL;
	khv_irqchip_unlock(chip, flags);
	vcpu->irq = NULL;
	kfree(virq);
}

/* KVM_SET_SREGS writes vcpu->apic_base directly: catch up, as userspace may. */
static void khv_irq_sync_base(struct khv_vcpu *vcpu)
{
	struct khv_lapic *apic = &vcpu->irq->apic;

	if (vcpu->apic_base != apic->base &&
	    khv_lapic_set_base(apic, vcpu->apic_base, true))
		vcpu->apic_base = apic->base;
}

/* ExtINT: the 8259's INT, or KVM_INTERRUPT's vector with a split irqchip. */
static bool khv_irq_has_extint(struct khv_vcpu_irq *virq)
{
	bool pending = virq->chip->split ? virq->extint >= 0 :
					   virq->chip->pic.output;

	return pending && khv_lapic_accepts_pic(&virq->apic);
}

/* An external interrupt for this CPU: ExtINT, or an APIC vector. */
static bool khv_irq_has_intr(struct khv_vcpu_irq *virq)
{
	if (khv_irq_has_extint(virq))
		return true;
	return khv_lapic_pending(&virq->apic) >= 0;
}

/* Interrupt acknowledge: the vector the CPU takes now. */
static u8 khv_irq_take_intr(struct khv_vcpu_irq *virq)
{
	int vec;

	if (khv_irq_has_extint(virq) && virq->chip->split) {
		vec = virq->extint;
		virq->extint = -1;
		return vec;
	}
	if (khv_irq_has_extint(virq))
		return khv_pic_intack(&virq->chip->pic);
	vec = khv_lapic_pending(&virq->apic);
	khv_lapic_ack(&virq->apic, vec);
	return vec;
}

/*
 * Virtual NMIs make "blocking by NMI" track the guest's own NMI handler
 * (SDM 25.3, 26.6.1.2) and allow NMI-window exiting; without them khv
 * cannot tell when the guest can take another NMI, and injects none.
 */
static bool khv_irq_vnmi(void)
{
	return khv_vmx_caps.pin.may_be_1 & PIN_BASED_VIRTUAL_NMIS;
}

static void khv_irq_vmcs_setup(struct khv_vcpu *vcpu)
{
	if (khv_irq_vnmi())
		khv_vmwrite(PIN_BASED_VM_EXEC_CONTROL,
			    khv_vmread(PIN_BASED_VM_EXEC_CONTROL) |
			    PIN_BASED_VIRTUAL_NMIS);
	vcpu->irq->vmcs_ready = true;
}

u32 khv_irq_prepare_entry(struct khv_vcpu *vcpu, unsigned long rflags,
			  u32 blocking)
{
	struct khv_vcpu_irq *virq = vcpu->irq;
	struct khv_event *ev = &vcpu->event;
	unsigned long flags;
	u32 want = 0;

	if (!virq->vmcs_ready)
		khv_irq_vmcs_setup(vcpu);
	WRITE_ONCE(virq->guest_cpu, smp_processor_id());
	/*
	 * Kickers change state under the lock, then look at in_guest; here
	 * in_guest is set, with a full barrier, before the state is looked
	 * at under the lock. So either this entry sees the new state, or the
	 * kicker sees in_guest and its IPI makes the guest exit at once.
	 */
	smp_store_mb(virq->in_guest, true);

	flags = khv_irqchip_lock(virq->chip);
	khv_irq_sync_base(vcpu);
	if (virq->apic.nmi_pending && khv_irq_vnmi()) {
		if (!ev->pending && !(blocking & (GUEST_INTR_STATE_STI |
						  GUEST_INTR_STATE_MOV_SS |
						  GUEST_INTR_STATE_NMI))) {
			*ev = (struct khv_event){
				.pending = true,
				.info = NMI_VECTOR | INTR_TYPE_NMI_INTR |
					INTR_INFO_VALID_MASK,
			};
			virq->apic.nmi_pending = false;
		} else {
			want |= CPU_BASED_NMI_WINDOW_EXITING;
		}
	}
	if (khv_irq_has_intr(virq)) {
		if (!ev->pending && (rflags & X86_EFLAGS_IF) &&
		    !(blocking & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)))
			*ev = (struct khv_event){
				.pending = true,
				.info = khv_irq_take_intr(virq) |
					INTR_TYPE_EXT_INTR | INTR_INFO_VALID_MASK,
			};
		else
			want |= CPU_BASED_INTR_WINDOW_EXITING;
	}
	/*
	 * Split irqchip: the VMM's request_interrupt_window is served (as
	 * KVM) while it could hand over an ExtINT: none pending, and LINT0
	 * takes one. khv_events_exit_window() ends KVM_RUN at the window.
	 */
	if (virq->chip->split && READ_ONCE(vcpu->run->request_interrupt_window) &&
	    virq->extint < 0 && khv_lapic_accepts_pic(&virq->apic))
		want |= CPU_BASED_INTR_WINDOW_EXITING;
	khv_irqchip_unlock(virq->chip, flags);
	return want;
}

bool khv_irq_split(const struct khv_vcpu *vcpu)
{
	return vcpu->irq && vcpu->irq->chip->split;
}

/* As KVM: an ExtINT is accepted whatever LINT0 says, and waits for it. */
int khv_irq_interrupt(struct khv_vcpu *vcpu, u8 vector)
{
	struct khv_vcpu_irq *virq = vcpu->irq;
	unsigned long flags;
	int r = 0;

	if (!virq->chip->split)
		return -ENXIO;	/* the 8259 is in the kernel */
	flags = khv_irqchip_lock(virq->chip);
	if (virq->extint >= 0)
		r = -EEXIST;
	else
		virq->extint = vector;
	khv_irqchip_unlock(virq->chip, flags);
	return r;
}

bool khv_irq_ready_for_extint(struct khv_vcpu *vcpu)
{
	struct khv_vcpu_irq *virq = vcpu->irq;
	unsigned long flags;
	bool ready;

	if (!virq || !virq->chip->split)
		return true;
	flags = khv_irqchip_lock(virq->chip);
	ready = virq->extint < 0 && khv_lapic_accepts_pic(&virq->apic);
	khv_irqchip_unlock(virq->chip, flags);
	return ready;
}

void khv_irq_after_exit(struct khv_vcpu *vcpu)
{
	if (vcpu->irq)
		WRITE_ONCE(vcpu->irq->in_guest, false);
}

/* HLT: the vCPU sleeps in khv_irq_run_check() until it has an event. */
int khv_irq_halt(struct khv_vcpu *vcpu)
{
	struct khv_vcpu_irq *virq = vcpu->irq;
	unsigned long flags = khv_irqchip_lock(virq->chip);

	if (virq->apic.mp_state == KVM_MP_STATE_RUNNABLE)
		virq->apic.mp_state = KVM_MP_STATE_HALTED;
	khv_irqchip_unlock(virq->chip, flags);
	return 1;
}

/*
 * What ends a wait (SDM Vol. 2A, HLT; Vol. 3A 9.4.4, 10.4.4.1): INIT
 * always; in HLT an NMI or an interrupt the guest can take (IF = 1); while
 * waiting for SIPI, a SIPI.
 */
static bool khv_irq_wakes(struct khv_vcpu_irq *virq, bool if_on)
{
	struct khv_lapic *apic = &virq->apic;

	if (apic->init_pending)
		return true;
	switch (apic->mp_state) {
	case KVM_MP_STATE_RUNNABLE:
		return true;
	case KVM_MP_STATE_HALTED:
		return apic->nmi_pending || (if_on && khv_irq_has_intr(virq));
	case KVM_MP_STATE_INIT_RECEIVED:
		return apic->sipi_pending;
	default:
		return false;
	}
}

static bool khv_irq_should_wake(struct khv_vcpu_irq *virq, bool if_on)
{
	unsigned long flags = khv_irqchip_lock(virq->chip);
	bool wake = khv_irq_wakes(virq, if_on);

	khv_irqchip_unlock(virq->chip, flags);
	return wake;
}

/*
 * INIT (SDM Vol. 3A 9.1.1, Table 9-1): the processor state of RESET but
 * for the APIC base, the x87/SSE state and a few MSRs. khv rewrites the
 * VMCS as at creation and gives the APIC base back. The FPU is left as it
 * was (a difference from the SDM, which resets it).
 */
static void khv_irq_do_init(struct khv_vcpu *vcpu)
{
	u64 base = vcpu->apic_base;

	preempt_disable();
	khv_vmcs_setup(vcpu);
	preempt_enable();
	vcpu->apic_base = base;
	vcpu->event.pending = false;
	vcpu->uev.irq_pending = false;
	vcpu->pio.pending = false;
	vcpu->mmio.pending = false;
	vcpu->tlb_flush = true;
	vcpu->irq->vmcs_ready = false;
}

/* SIPI (SDM Vol. 3A 9.4.4.1): real mode at vector << 12, CS = vector << 8. */
static void khv_irq_do_sipi(struct khv_vcpu *vcpu, u8 vector)
{
	khv_vmwrite(GUEST_CS_SELECTOR, vector << 8);
	khv_vmwrite(GUEST_CS_BASE, (u32)vector << 12);
	khv_vmwrite(GUEST_RIP, 0);
}

int khv_irq_run_check(struct khv_vcpu *vcpu)
{
	struct khv_vcpu_irq *virq = vcpu->irq;
	bool init, sipi, runnable, if_on, uninit, woken = false;
	struct khv_lapic *apic;
	unsigned long flags;
	u8 vector = 0;
	u64 mark;

	if (!virq)
		return 1;
	/* Set by an EOI this thread just emulated (khv_apic_eoi()). */
	if (virq->eoi_exit) {
		virq->eoi_exit = false;
		vcpu->run->exit_reason = KVM_EXIT_IOAPIC_EOI;
		vcpu->run->eoi.vector = virq->eoi_vector;
		return 0;
	}
	apic = &virq->apic;
	for (;;) {
		/* The VMCS is current wherever this thread runs (vcpu_load.c). */
		if_on = khv_vmread(GUEST_RFLAGS) & X86_EFLAGS_IF;
		flags = khv_irqchip_lock(virq->chip);
		init = apic->init_pending;
		if (init) {
			/*
			 * A SIPI may already follow the INIT when this thread
			 * gets here late (the BSP sends INIT, SIPI in a row):
			 * the reset must not lose it, or the AP waits forever.
			 */
			bool sipi_after = apic->sipi_pending;

			vector = apic->sipi_vector;
			khv_lapic_reset(apic, khv_irq_is_bsp(vcpu), true);
			apic->mp_state = khv_irq_is_bsp(vcpu) ?
					 KVM_MP_STATE_RUNNABLE :
					 KVM_MP_STATE_INIT_RECEIVED;
			apic->sipi_pending = sipi_after;
			apic->sipi_vector = vector;
			virq->extint = -1;	/* as KVM's vCPU reset */
		}
		sipi = apic->mp_state == KVM_MP_STATE_INIT_RECEIVED &&
		       apic->sipi_pending;
		if (sipi) {
			vector = apic->sipi_vector;
			apic->sipi_pending = false;
			apic->mp_state = KVM_MP_STATE_RUNNABLE;
		}
		if (apic->mp_state == KVM_MP_STATE_HALTED &&
		    khv_irq_wakes(virq, if_on))
			apic->mp_state = KVM_MP_STATE_RUNNABLE;
		runnable = apic->mp_state == KVM_MP_STATE_RUNNABLE;
		uninit = apic->mp_state == KVM_MP_STATE_UNINITIALIZED;
		khv_irqchip_unlock(virq->chip, flags);

		if (init)
			khv_irq_do_init(vcpu);
		if (sipi)
			khv_irq_do_sipi(vcpu, vector);
		if (signal_pending(current)) {
			vcpu->run->exit_reason = KVM_EXIT_INTR;
			return -EINTR;
		}
		/*
		 * KVM ends the KVM_RUN that found the vCPU uninitialised once
		 * it wakes, with EAGAIN (kvm_arch_vcpu_ioctl_run): the VMM
		 * calls KVM_RUN again.
		 */
		if (woken)
			return -EAGAIN;
		if (init || sipi)
			continue;
		if (runnable)
			return 1;
		mark = khv_stats_now();
		wait_event_interruptible(virq->wq,
					 khv_irq_should_wake(virq, if_on));
		khv_stats_halt_wait(&vcpu->stats, mark);
		woken = uninit;
	}
}

static bool khv_irq_in(u64 gpa, u64 base, u64 size)
{
	return gpa >= base && gpa - base < size;
}

bool khv_irq_mmio(struct khv_vcpu *vcpu, u64 gpa, void *data, unsigned int len,
		  bool write)
{
	struct khv_vcpu_irq *virq = vcpu->irq;
	struct khv_lapic *apic;
	struct khv_ioapic *io;
	unsigned long flags;
	bool handled = true;
	u64 val = 0;
	u32 off;

	if (!virq)
		return false;
	apic = &virq->apic;
	io = &virq->chip->ioapic;
	if (write)
		memcpy(&val, data, len);
	flags = khv_irqchip_lock(virq->chip);
	if (khv_lapic_hw_enabled(apic) && !khv_lapic_x2apic(apic) &&
	    khv_irq_in(gpa, khv_lapic_mmio_base(apic), PAGE_SIZE)) {
		off = gpa - khv_lapic_mmio_base(apic);
		/* 32-bit accesses only (SDM Vol. 3A 10.4.1); others read 0 or are dropped. */
		if (write && len == 4)
			khv_lapic_mmio_write(apic, off, val);
		else if (!write)
			val = khv_lapic_mmio_read(apic, off, min(len, 4U));
	} else if (!virq->chip->split &&
		   khv_irq_in(gpa, io->base, KHV_IOAPIC_MMIO_SIZE)) {
		off = gpa - io->base;
		if (write && !(off & 3))
			khv_ioapic_write(io, off, val);
		else if (!write)
			val = khv_ioapic_read(io, off & ~3U) >> ((off & 3) * 8);
	} else {
		handled = false;
	}
	khv_irqchip_unlock(virq->chip, flags);
	if (handled && !write)
		memcpy(data, &val, len);
	return handled;
}

bool khv_irq_pio(struct khv_vcpu *vcpu, u16 port, unsigned int size, bool in,
		 unsigned long *rax)
{
	struct khv_vcpu_irq *virq = vcpu->irq;
	unsigned long flags, mask;
	u32 val = 0;

	if (!virq || virq->chip->split || !khv_pic_port(port))
		return false;
	flags = khv_irqchip_lock(virq->chip);
	/* The 8259 registers are bytes; wider accesses read 0, write nothing. */
	if (in && size == 1)
		val = khv_pic_read(&virq->chip->pic, port);
	else if (!in && size == 1)
		khv_pic_write(&virq->chip->pic, port, *rax);
	khv_irqchip_unlock(virq->chip, flags);
	if (in) {
		/* 8- and 16-bit IN merge into RAX, 32-bit IN zero-extends. */
		mask = size == 4 ? ~0UL : BIT(size * 8) - 1;
		*rax = size == 4 ? val : (*rax & ~mask) | (val & mask);
	}
	return true;
}

int khv_irq_msr_get(struct khv_vcpu *vcpu, u32 index, u64 *val)
{
	struct khv_vcpu_irq *virq = vcpu->irq;
	unsigned long flags;
	int r = 0;

	if (!virq || (index != MSR_IA32_TSC_DEADLINE &&
		      (index < KHV_X2APIC_MSR_FIRST || index > KHV_X2APIC_MSR_LAST)))
		return -ENOENT;
	flags = khv_irqchip_lock(virq->chip);
	if (index == MSR_IA32_TSC_DEADLINE)
		*val = khv_lapic_get_tsc_deadline(&virq->apic);
	else
		r = khv_lapic_rdmsr(&virq->apic, index, val);
	khv_irqchip_unlock(virq->chip, flags);
	return r;
}

int khv_irq_msr_set(struct khv_vcpu *vcpu, u32 index, u64 val, bool host)
{
	struct khv_vcpu_irq *virq = vcpu->irq;
	unsigned long flags;
	int r = 0;

	if (!virq)
		return -ENOENT;
	switch (index) {
	case MSR_IA32_APICBASE:
		/* Address and reserved bits as without the irqchip; EXTD is allowed. */
		if (!khv_apic_base_valid(val & ~X2APIC_ENABLE))
			return 1;
		break;
	case MSR_IA32_TSC_DEADLINE:
		break;
	case KHV_X2APIC_MSR_FIRST ... KHV_X2APIC_MSR_LAST:
		break;
	default:
		return -ENOENT;
	}
	flags = khv_irqchip_lock(virq->chip);
	if (index == MSR_IA32_APICBASE) {
		khv_irq_sync_base(vcpu);
		r = khv_lapic_set_base(&virq->apic, val, host);
		if (!r)
			vcpu->apic_base = val;
	} else if (index == MSR_IA32_TSC_DEADLINE) {
		khv_lapic_set_tsc_deadline(&virq->apic, val);
	} else {
		r = khv_lapic_wrmsr(&virq->apic, index, val);
	}
	khv_irqchip_unlock(virq->chip, flags);
	return r;
}

bool khv_irq_cr8(struct khv_vcpu *vcpu, u64 *cr8, bool write)
{
	struct khv_vcpu_irq *virq = vcpu->irq;
	unsigned long flags;

	if (!virq)
		return false;
	flags = khv_irqchip_lock(virq->chip);
	if (write)
		khv_lapic_mmio_write(&virq->apic, APIC_TASKPRI, (*cr8 & 0xf) << 4);
	else
		*cr8 = khv_lapic_mmio_read(&virq->apic, APIC_TASKPRI, 4) >> 4;
	khv_irqchip_unlock(virq->chip, flags);
	return true;
}

void khv_irq_cpuid(struct khv_vcpu *vcpu, u32 leaf, u32 *ecx)
{
	if (!vcpu->irq || leaf != 1)
		return;
	*ecx |= KHV_CPUID1_X2APIC;
	if (vcpu->irq->apic.tsc_deadline_ok)
		*ecx |= KHV_CPUID1_TSC_DEADLINE;
}

static long khv_irq_lapic_ioctl(struct khv_vcpu_irq *virq, unsigned int ioctl,
				void __user *argp)
{
	struct kvm_lapic_state *s;
	unsigned long flags;
	long r = 0;

	if (ioctl == KVM_SET_LAPIC) {
		s = memdup_user(argp, sizeof(*s));
		if (IS_ERR(s))
			return PTR_ERR(s);
	} else {
		s = kzalloc(sizeof(*s), GFP_KERNEL);
		if (!s)
			return -ENOMEM;
	}
	flags = khv_irqchip_lock(virq->chip);
	khv_irq_sync_base(virq->vcpu);
	if (ioctl == KVM_SET_LAPIC)
		r = khv_lapic_set_state(&virq->apic, s->regs);
	else
		khv_lapic_get_state(&virq->apic, s->regs);
	khv_irqchip_unlock(virq->chip, flags);
	if (ioctl == KVM_GET_LAPIC && copy_to_user(argp, s, sizeof(*s)))
		r = -EFAULT;
	kfree(s);
	return r;
}

/*
 * KVM_GET/SET_MP_STATE (api.rst). Without an irqchip only RUNNABLE exists.
 * SIPI_RECEIVED is kept as INIT_RECEIVED with the SIPI pending; a pending
 * INIT or SIPI shows as the state it leads to.
 */
static long khv_irq_mp_state_ioctl(struct khv_vcpu *vcpu, unsigned int ioctl,
				   void __user *argp)
{
	struct khv_vcpu_irq *virq = vcpu->irq;
	struct kvm_mp_state mp = { KVM_MP_STATE_RUNNABLE };
	struct khv_lapic *apic;
	unsigned long flags;

	if (ioctl == KVM_SET_MP_STATE) {
		if (copy_from_user(&mp, argp, sizeof(mp)))
			return -EFAULT;
		if (mp.mp_state > KVM_MP_STATE_SIPI_RECEIVED ||
		    (!virq && mp.mp_state != KVM_MP_STATE_RUNNABLE))
			return -EINVAL;
	}
	if (!virq)
		return ioctl == KVM_GET_MP_STATE &&
		       copy_to_user(argp, &mp, sizeof(mp)) ? -EFAULT : 0;

	apic = &virq->apic;
	flags = khv_irqchip_lock(virq->chip);
	if (ioctl == KVM_SET_MP_STATE) {
		apic->init_pending = false;
		apic->sipi_pending = mp.mp_state == KVM_MP_STATE_SIPI_RECEIVED;
		apic->mp_state = apic->sipi_pending ? KVM_MP_STATE_INIT_RECEIVED :
						      mp.mp_state;
	} else if (apic->init_pending) {
		mp.mp_state = KVM_MP_STATE_INIT_RECEIVED;
	} else if (apic->mp_state == KVM_MP_STATE_INIT_RECEIVED &&
		   apic->sipi_pending) {
		mp.mp_state = KVM_MP_STATE_RUNNABLE;
	} else {
		mp.mp_state = apic->mp_state;
	}
	khv_irqchip_unlock(virq->chip, flags);
	if (ioctl == KVM_GET_MP_STATE && copy_to_user(argp, &mp, sizeof(mp)))
		return -EFAULT;
	return 0;
}

/*
 * KVM_SET_VAPIC_ADDR: QEMU clears the address at every reset with the
 * in-kernel APIC and aborts if that fails. khv keeps no TPR page in guest
 * memory (it never reports TPR accesses, KVM_TPR_ACCESS_REPORTING, which is
 * what would make QEMU's kvmvapic set one), so only 0 is taken.
 */
static int khv_irq_set_vapic_addr(struct khv_vcpu *vcpu, void __user *argp)
{
	struct kvm_vapic_addr va;

	if (!vcpu->irq)
		return -EINVAL;
	if (copy_from_user(&va, argp, sizeof(va)))
		return -EFAULT;
	return va.vapic_addr ? -EINVAL : 0;
}

long khv_irq_vcpu_ioctl(struct khv_vcpu *vcpu, unsigned int ioctl,
			void __user *argp)
{
	switch (ioctl) {
	case KVM_SET_VAPIC_ADDR:
		return khv_irq_set_vapic_addr(vcpu, argp);
	case KVM_GET_LAPIC:
	case KVM_SET_LAPIC:
		/* KVM: EINVAL without an in-kernel APIC. */
		return vcpu->irq ? khv_irq_lapic_ioctl(vcpu->irq, ioctl, argp) :
				   -EINVAL;
	case KVM_GET_MP_STATE:
	case KVM_SET_MP_STATE:
		return khv_irq_mp_state_ioctl(vcpu, ioctl, argp);
	default:
		return -ENOTTY;
	}
}
