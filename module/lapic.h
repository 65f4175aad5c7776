/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The local APIC as a pure model (docs/irqchip.md): the register page,
 * priority arbitration, interrupt acceptance, ICR decode, destination
 * matching and the timer's arithmetic. It knows nothing of VMX or vCPUs:
 * the owner (irq_vcpu.c) supplies the clock and acts on what the model asks
 * for through struct khv_lapic_ops, and serialises every call with the
 * VM's irqchip lock. KUnit tests it by including lapic.c.
 */
#ifndef _KHV_LAPIC_H
#define _KHV_LAPIC_H

#include <linux/types.h>

/* The page KVM_GET/SET_LAPIC carry: the first KiB of the xAPIC page. */
#define KHV_APIC_REGS_SIZE	0x400

/* Delivery modes, ICR/LVT/redirection-entry bits 10:8 (SDM Vol. 3A 10.6.1). */
enum khv_apic_dm {
	KHV_DM_FIXED	= 0,
	KHV_DM_LOWEST	= 1,
	KHV_DM_SMI	= 2,
	KHV_DM_NMI	= 4,
	KHV_DM_INIT	= 5,
	KHV_DM_SIPI	= 6,
	KHV_DM_EXTINT	= 7,
};

/* ICR destination shorthands, bits 19:18. */
enum khv_apic_shorthand {
	KHV_SH_NONE, KHV_SH_SELF, KHV_SH_ALL, KHV_SH_OTHERS,
};

/* An interrupt message: from an ICR, an IOAPIC entry or an MSI. */
struct khv_apic_irq {
	u8 vector;
	u8 dm;			/* enum khv_apic_dm */
	u8 shorthand;		/* enum khv_apic_shorthand */
	bool logical;		/* destination mode */
	bool level;		/* level-triggered (TMR bit on acceptance) */
	bool assert;		/* ICR level bit: INIT de-assert has it clear */
	bool x2apic_dest;	/* @dest is 32 bits (x2APIC ICR), else 8 */
	u32 dest;
};

struct khv_lapic;

/*
 * What the model needs from its owner, called with the irqchip lock held.
 * The model calls them once its own state is consistent, so they may come
 * back into it (an IPI to self, an EOI that re-raises a level interrupt).
 */
struct khv_lapic_ops {
	/* Current time in ns (any monotonic base) and guest TSC. */
	void (*now)(struct khv_lapic *apic, u64 *ns, u64 *tsc);
	/* Fire khv_lapic_timer_expired() at @expiry_ns; 0 cancels. */
	void (*timer)(struct khv_lapic *apic, u64 expiry_ns);
	/* Deliver an IPI this APIC sent (ICR, SELF IPI). */
	void (*ipi)(struct khv_lapic *apic, const struct khv_apic_irq *irq);
	/*
	 * EOI of a level-triggered vector (TMR set): tell the IOAPIC. With
	 * khv_lapic.eoi_every, of every vector: the VMM's IOAPIC of a split
	 * irqchip decides by its routes (KVM ignores the TMR there).
	 */
	void (*eoi)(struct khv_lapic *apic, u8 vector);
	/* Something new to deliver: wake or interrupt the vCPU. */
	void (*kick)(struct khv_lapic *apic);
};

struct khv_lapic {
	u32 regs[KHV_APIC_REGS_SIZE / 4];	/* by byte offset / 4 */
	u32 id;				/* initial/x2APIC ID: the vCPU id */
	u64 base;			/* IA32_APIC_BASE */
	u32 esr_pending;		/* errors latched by the next ESR write */
	u32 tsc_khz;			/* guest TSC rate, for TSC deadline */
	bool tsc_deadline_ok;		/* CPUID offers the TSC-deadline mode */
	bool eoi_every;			/* ops->eoi for every EOI, not only level */
	const struct khv_lapic_ops *ops;
	void *owner;

	/* Timer: expiry 0 = not armed; period 0 = one-shot or stopped. */
	u64 timer_start;		/* ns, when the count was loaded */
	u64 timer_expiry;		/* ns */
	u64 timer_period;		/* ns per full count */
	u64 tsc_deadline;		/* IA32_TSC_DEADLINE */

	/* Events other than fixed vectors, for the owner to act on. */
	bool nmi_pending;		/* one NMI waits, more collapse */
	bool init_pending;
	bool sipi_pending;
	u8 sipi_vector;
	u8 mp_state;			/* KVM_MP_STATE_* */
};

/* Periodic timers run no faster than this (the host must not spin). */
#define KHV_APIC_MIN_PERIOD_NS	200000ULL

void khv_lapic_init(struct khv_lapic *apic, u32 id,
		    const struct khv_lapic_ops *ops, void *owner);
/* Power-up (@init false) or INIT (keeps ID and APIC base) state. */
void khv_lapic_reset(struct khv_lapic *apic, bool bsp, bool init);

/* IA32_APIC_BASE: 0, or 1 for an invalid value or transition (#GP). */
int khv_lapic_set_base(struct khv_lapic *apic, u64 base, bool host);
bool khv_lapic_hw_enabled(const struct khv_lapic *apic);
bool khv_lapic_sw_enabled(const struct khv_lapic *apic);
bool khv_lapic_x2apic(const struct khv_lapic *apic);
u64 khv_lapic_mmio_base(const struct khv_lapic *apic);

/* xAPIC MMIO at byte @off of the page, @len 1, 2 or 4. */
u32 khv_lapic_mmio_read(struct khv_lapic *apic, u32 off, unsigned int len);
void khv_lapic_mmio_write(struct khv_lapic *apic, u32 off, u32 val);

/* x2APIC MSRs 0x800-0x8ff: 0, or 1 for #GP. */
int khv_lapic_rdmsr(struct khv_lapic *apic, u32 msr, u64 *val);
int khv_lapic_wrmsr(struct khv_lapic *apic, u32 msr, u64 val);
#define KHV_X2APIC_MSR_FIRST	0x800
#define KHV_X2APIC_MSR_LAST	0x8ff

/* IA32_TSC_DEADLINE. */
u64 khv_lapic_get_tsc_deadline(struct khv_lapic *apic);
void khv_lapic_set_tsc_deadline(struct khv_lapic *apic, u64 deadline);

/* Destination matching of an interrupt message (10.6.2, 10.12.9). */
bool khv_lapic_match(const struct khv_lapic *apic,
		     const struct khv_lapic *src,
		     const struct khv_apic_irq *irq);
/* Take a message this APIC matched: 1 accepted, 0 ignored. */
int khv_lapic_accept(struct khv_lapic *apic, const struct khv_apic_irq *irq);
/* Lower is preferred by lowest-priority delivery. */
u32 khv_lapic_arb_priority(const struct khv_lapic *apic);

/* Priority arbitration (10.8.3). */
u32 khv_lapic_ppr(const struct khv_lapic *apic);
/* Highest IRR vector the processor would take now, or -1. */
int khv_lapic_pending(const struct khv_lapic *apic);
/* The processor takes @vector: IRR -> ISR. */
void khv_lapic_ack(struct khv_lapic *apic, u8 vector);
/* Does LINT0 take the 8259's ExtINT (virtual-wire mode)? */
bool khv_lapic_accepts_pic(const struct khv_lapic *apic);

/* The owner's timer fired; returns the next expiry (ns) or 0. */
u64 khv_lapic_timer_expired(struct khv_lapic *apic);

/* KVM_GET/SET_LAPIC: the register page in KVM's (xAPIC ID) format. */
void khv_lapic_get_state(struct khv_lapic *apic, void *regs);
int khv_lapic_set_state(struct khv_lapic *apic, const void *regs);

/* An MSI (address, data) as an interrupt message (10.11). */
void khv_msi_to_irq(u32 addr_lo, u32 data, struct khv_apic_irq *irq);
/*
 * Would the EOI of @vector here be one of the MSI @addr_lo/@data? True when
 * the MSI is level-triggered, carries @vector and names this APIC as a
 * destination (any delivery mode: lowest priority may pick any of them).
 */
bool khv_lapic_msi_eoi(const struct khv_lapic *apic, u32 addr_lo, u32 data,
		       u8 vector);

#endif /* _KHV_LAPIC_H */
