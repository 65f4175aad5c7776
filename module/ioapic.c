// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O APIC model (ioapic.h), after the Intel 82093AA datasheet: version
 * 0x11 with 24 redirection entries, as KVM presents it.
 *
 * A level-triggered pin delivers while its input is asserted and no
 * earlier delivery is outstanding (remote IRR clear); the EOI broadcast of
 * its vector clears remote IRR and, if the input is still asserted,
 * delivers again. An edge-triggered pin delivers on each rising edge; an
 * edge on a masked pin is lost.
 */
#include <linux/bits.h>
#include <linux/kvm.h>
#include <linux/string.h>

#include "ioapic.h"

#define KHV_IOAPIC_VERSION	(0x11 | ((KHV_IOAPIC_PINS - 1) << 16))

/* Indirect registers (IOREGSEL values). */
#define KHV_IOAPIC_REG_ID	0x00
#define KHV_IOAPIC_REG_VER	0x01
#define KHV_IOAPIC_REG_ARB	0x02
#define KHV_IOAPIC_REG_REDIR	0x10

/* Redirection entry bits. */
#define KHV_RTE_LOGICAL		BIT_ULL(11)
#define KHV_RTE_DELIVS		BIT_ULL(12)	/* read-only */
#define KHV_RTE_REMOTE_IRR	BIT_ULL(14)	/* read-only */
#define KHV_RTE_LEVEL		BIT_ULL(15)
#define KHV_RTE_MASKED		BIT_ULL(16)
#define KHV_RTE_RO		(KHV_RTE_DELIVS | KHV_RTE_REMOTE_IRR)

void khv_ioapic_init(struct khv_ioapic *ioapic,
		     const struct khv_ioapic_ops *ops, void *owner)
{
	memset(ioapic, 0, sizeof(*ioapic));
	ioapic->ops = ops;
	ioapic->owner = owner;
	khv_ioapic_reset(ioapic);
}

/* After reset every entry is masked (datasheet 3.2.4). */
void khv_ioapic_reset(struct khv_ioapic *ioapic)
{
	unsigned int i;

	for (i = 0; i < KHV_IOAPIC_PINS; i++)
		ioapic->redir[i] = KHV_RTE_MASKED;
	ioapic->id = 0;
	ioapic->ioregsel = 0;
	ioapic->irr = 0;
	ioapic->line = 0;
	ioapic->base = KHV_IOAPIC_BASE;
}

static int khv_ioapic_service(struct khv_ioapic *ioapic, unsigned int pin)
{
	u64 e = ioapic->redir[pin];
	struct khv_apic_irq irq = {
		.vector = e & 0xff,
		.dm = (e >> 8) & 7,
		.logical = e & KHV_RTE_LOGICAL,
		.level = e & KHV_RTE_LEVEL,
		.assert = true,
		.dest = e >> 56,
	};
	int n;

	if (e & KHV_RTE_MASKED) {
		/* A level request stays pending until unmasked; an edge is lost. */
		if (!(e & KHV_RTE_LEVEL))
			ioapic->irr &= ~BIT(pin);
		return -1;
	}
	n = ioapic->ops->deliver(ioapic, &irq);
	if (!(e & KHV_RTE_LEVEL))
		ioapic->irr &= ~BIT(pin);
	else if (n > 0)
		ioapic->redir[pin] |= KHV_RTE_REMOTE_IRR;
	return n;
}

int khv_ioapic_set_irq(struct khv_ioapic *ioapic, unsigned int pin, bool level)
{
	u32 bit = BIT(pin);
	bool was = ioapic->line & bit;
	u64 e;

	if (pin >= KHV_IOAPIC_PINS)
		return -1;
	e = ioapic->redir[pin];
	if (!level) {
		ioapic->line &= ~bit;
		ioapic->irr &= ~bit;
		return 1;
	}
	ioapic->line |= bit;
	if (!(e & KHV_RTE_LEVEL)) {
		if (was)
			return 0;
	} else if (e & KHV_RTE_REMOTE_IRR) {
		ioapic->irr |= bit;
		return 0;
	}
	ioapic->irr |= bit;
	return khv_ioapic_service(ioapic, pin);
}

void khv_ioapic_eoi(struct khv_ioapic *ioapic, u8 vector)
{
	unsigned int pin;

	for (pin = 0; pin < KHV_IOAPIC_PINS; pin++) {
		u64 e = ioapic->redir[pin];

		if ((e & 0xff) != vector || !(e & KHV_RTE_LEVEL) ||
		    !(e & KHV_RTE_REMOTE_IRR))
			continue;
		ioapic->redir[pin] &= ~KHV_RTE_REMOTE_IRR;
		if (ioapic->irr & BIT(pin))
			khv_ioapic_service(ioapic, pin);
	}
}

static u32 khv_ioapic_read_indirect(struct khv_ioapic *ioapic)
{
	u32 sel = ioapic->ioregsel, pin;

	switch (sel) {
	case KHV_IOAPIC_REG_ID:
	case KHV_IOAPIC_REG_ARB:
		return ioapic->id << 24;
	case KHV_IOAPIC_REG_VER:
		return KHV_IOAPIC_VERSION;
	}
	if (sel < KHV_IOAPIC_REG_REDIR)
		return 0;
	pin = (sel - KHV_IOAPIC_REG_REDIR) / 2;
	if (pin >= KHV_IOAPIC_PINS)
		return 0;
	return sel & 1 ? ioapic->redir[pin] >> 32 : (u32)ioapic->redir[pin];
}

static void khv_ioapic_write_indirect(struct khv_ioapic *ioapic, u32 val)
{
	u32 sel = ioapic->ioregsel, pin;
	u64 e;

	if (sel == KHV_IOAPIC_REG_ID) {
		ioapic->id = (val >> 24) & 0xf;
		return;
	}
	if (sel < KHV_IOAPIC_REG_REDIR)
		return;		/* version and arbitration are read-only */
	pin = (sel - KHV_IOAPIC_REG_REDIR) / 2;
	if (pin >= KHV_IOAPIC_PINS)
		return;
	e = ioapic->redir[pin];
	if (sel & 1)
		e = (u32)e | (u64)val << 32;
	else
		e = (e & (GENMASK_ULL(63, 32) | KHV_RTE_RO)) | (val & ~KHV_RTE_RO);
	/* Remote IRR has no meaning for an edge-triggered entry. */
	if (!(e & KHV_RTE_LEVEL))
		e &= ~KHV_RTE_REMOTE_IRR;
	ioapic->redir[pin] = e;
	/* Unmasking a level pin whose input is asserted delivers it now. */
	if ((e & KHV_RTE_LEVEL) && (ioapic->irr & BIT(pin)) &&
	    !(e & (KHV_RTE_MASKED | KHV_RTE_REMOTE_IRR)))
		khv_ioapic_service(ioapic, pin);
}

u32 khv_ioapic_read(struct khv_ioapic *ioapic, u32 off)
{
	switch (off) {
	case KHV_IOAPIC_IOREGSEL:
		return ioapic->ioregsel;
	case KHV_IOAPIC_IOWIN:
		return khv_ioapic_read_indirect(ioapic);
	default:
		return 0;
	}
}

void khv_ioapic_write(struct khv_ioapic *ioapic, u32 off, u32 val)
{
	switch (off) {
	case KHV_IOAPIC_IOREGSEL:
		ioapic->ioregsel = val & 0xff;
		break;
	case KHV_IOAPIC_IOWIN:
		khv_ioapic_write_indirect(ioapic, val);
		break;
	}
}

void khv_ioapic_get_state(const struct khv_ioapic *ioapic,
			  struct kvm_ioapic_state *s)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->base_address = ioapic->base;
	s->ioregsel = ioapic->ioregsel;
	s->id = ioapic->id;
	s->irr = ioapic->irr;
	for (i = 0; i < KHV_IOAPIC_PINS; i++)
		s->redirtbl[i].bits = ioapic->redir[i];
}

/* The requests in s->irr are raised again, as asserted inputs. */
void khv_ioapic_set_state(struct khv_ioapic *ioapic,
			  const struct kvm_ioapic_state *s)
{
	unsigned int i;

	ioapic->ioregsel = s->ioregsel & 0xff;
	ioapic->id = s->id & 0xf;
	ioapic->irr = 0;
	ioapic->line = 0;
	for (i = 0; i < KHV_IOAPIC_PINS; i++)
		ioapic->redir[i] = s->redirtbl[i].bits;
	for (i = 0; i < KHV_IOAPIC_PINS; i++)
		if (s->irr & BIT(i))
			khv_ioapic_set_irq(ioapic, i, true);
}
