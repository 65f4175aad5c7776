/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The I/O APIC (82093AA) as a pure model: 24 input pins, the redirection
 * table, edge and level triggering with remote IRR, and the indirect
 * register window at IOREGSEL/IOWIN. Delivery to local APICs is the
 * owner's (irq.c), through khv_ioapic_ops; every call is made under the
 * VM's irqchip lock. KUnit tests it by including ioapic.c.
 */
#ifndef _KHV_IOAPIC_H
#define _KHV_IOAPIC_H

#include <linux/types.h>

#include "lapic.h"

#define KHV_IOAPIC_PINS		24
#define KHV_IOAPIC_BASE		0xfec00000ULL
#define KHV_IOAPIC_MMIO_SIZE	0x100

/* MMIO offsets of the two direct registers. */
#define KHV_IOAPIC_IOREGSEL	0x00
#define KHV_IOAPIC_IOWIN	0x10

struct kvm_ioapic_state;
struct khv_ioapic;

struct khv_ioapic_ops {
	/* Send @irq to the local APICs; returns how many took it. */
	int (*deliver)(struct khv_ioapic *ioapic, const struct khv_apic_irq *irq);
};

struct khv_ioapic {
	u64 redir[KHV_IOAPIC_PINS];
	u32 id;				/* 4 bits, ID register 27:24 */
	u32 ioregsel;
	u32 irr;			/* requests not yet delivered/retired */
	u32 line;			/* input levels, for edge detection */
	u64 base;			/* MMIO base, fixed */
	const struct khv_ioapic_ops *ops;
	void *owner;
};

void khv_ioapic_init(struct khv_ioapic *ioapic,
		     const struct khv_ioapic_ops *ops, void *owner);
void khv_ioapic_reset(struct khv_ioapic *ioapic);

/*
 * Input @pin goes to @level. As KVM_IRQ_LINE_STATUS counts: < 0 masked,
 * 0 coalesced (already pending), > 0 delivered to that many APICs.
 */
int khv_ioapic_set_irq(struct khv_ioapic *ioapic, unsigned int pin, bool level);
/* A local APIC retired level-triggered @vector (EOI broadcast). */
void khv_ioapic_eoi(struct khv_ioapic *ioapic, u8 vector);

/* MMIO at @off from the base; 32-bit accesses. */
u32 khv_ioapic_read(struct khv_ioapic *ioapic, u32 off);
void khv_ioapic_write(struct khv_ioapic *ioapic, u32 off, u32 val);

/* KVM_GET/SET_IRQCHIP (KVM_IRQCHIP_IOAPIC). */
void khv_ioapic_get_state(const struct khv_ioapic *ioapic,
			  struct kvm_ioapic_state *s);
void khv_ioapic_set_state(struct khv_ioapic *ioapic,
			  const struct kvm_ioapic_state *s);

#endif /* _KHV_IOAPIC_H */
