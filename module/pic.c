// SPDX-License-Identifier: GPL-2.0
/*
 * The 8259A pair (pic.h), after the Intel 8259A datasheet.
 *
 * Priorities are kept as a rotation: IR (priority_add + k) & 7 has
 * priority k, 0 the highest. A request is passed to the CPU when its
 * priority is above that of every in-service IR (fully nested mode); in
 * special mask mode masked in-service IRs do not count, and in special
 * fully nested mode the master does not let its in-service IR2 hold back
 * further requests from the slave. The slave's INT output is the master's
 * IR2 input. Inputs are edge-triggered unless set in the ELCR, where the
 * PC's chipset keeps IRQ 0, 1, 2, 8 and 13 edge-triggered.
 */
#include <linux/bits.h>
#include <linux/kvm.h>
#include <linux/string.h>

#include "pic.h"

#define KHV_PIC_NONE		8	/* "no priority": nothing requested */
#define KHV_PIC_CASCADE_IR	2

void khv_pic_init(struct khv_pic *pic, const struct khv_pic_ops *ops,
		  void *owner)
{
	memset(pic, 0, sizeof(*pic));
	pic->ops = ops;
	pic->owner = owner;
	pic->chip[0].elcr_mask = 0xf8;
	pic->chip[1].elcr_mask = 0xde;
}

/* Priority (0 highest) of the best IR in @mask, KHV_PIC_NONE if empty. */
static unsigned int khv_pic_priority(const struct khv_pic_chip *c, u8 mask)
{
	unsigned int p;

	for (p = 0; p < 8; p++)
		if (mask & BIT((p + c->priority_add) & 7))
			return p;
	return KHV_PIC_NONE;
}

/* The IR this chip would signal on INT, or -1. */
static int khv_pic_chip_irq(const struct khv_pic_chip *c, bool master)
{
	unsigned int req = khv_pic_priority(c, c->irr & ~c->imr);
	u8 isr = c->isr;

	if (req == KHV_PIC_NONE)
		return -1;
	if (c->special_mask)
		isr &= ~c->imr;
	if (master && c->special_fully_nested_mode)
		isr &= ~BIT(KHV_PIC_CASCADE_IR);
	if (req >= khv_pic_priority(c, isr))
		return -1;
	return (req + c->priority_add) & 7;
}

/* One input of one chip; returns 1 for a new request, 0 if it was pending. */
static int khv_pic_chip_set(struct khv_pic_chip *c, unsigned int ir, bool level)
{
	u8 bit = BIT(ir);
	int r = 0;

	if (c->elcr & bit) {
		if (level) {
			r = !(c->irr & bit);
			c->irr |= bit;
			c->last_irr |= bit;
		} else {
			c->irr &= ~bit;
			c->last_irr &= ~bit;
		}
		return r;
	}
	if (level) {
		if (!(c->last_irr & bit)) {
			r = !(c->irr & bit);
			c->irr |= bit;
		}
		c->last_irr |= bit;
	} else {
		c->last_irr &= ~bit;
	}
	return r;
}

/* Propagate the slave's INT to IR2 (a pulse: IR2 is edge-triggered) and the master's out. */
static void khv_pic_update(struct khv_pic *pic)
{
	bool out;

	if (khv_pic_chip_irq(&pic->chip[1], false) >= 0) {
		khv_pic_chip_set(&pic->chip[0], KHV_PIC_CASCADE_IR, true);
		khv_pic_chip_set(&pic->chip[0], KHV_PIC_CASCADE_IR, false);
	}
	out = khv_pic_chip_irq(&pic->chip[0], true) >= 0;
	if (out != pic->output) {
		pic->output = out;
		pic->ops->output(pic, out);
	}
}

int khv_pic_set_irq(struct khv_pic *pic, unsigned int irq, bool level)
{
	struct khv_pic_chip *c;
	int r;

	if (irq >= KHV_PIC_IRQS)
		return -1;
	c = &pic->chip[irq >> 3];
	r = khv_pic_chip_set(c, irq & 7, level);
	if (c->imr & BIT(irq & 7))
		r = -1;
	khv_pic_update(pic);
	return r;
}

/* INTA on one chip: IRR -> ISR (or automatic EOI); level requests stay. */
static void khv_pic_chip_ack(struct khv_pic_chip *c, unsigned int ir)
{
	if (c->auto_eoi) {
		if (c->rotate_on_auto_eoi)
			c->priority_add = (ir + 1) & 7;
	} else {
		c->isr |= BIT(ir);
	}
	if (!(c->elcr & BIT(ir)))
		c->irr &= ~BIT(ir);
}

u8 khv_pic_intack(struct khv_pic *pic)
{
	struct khv_pic_chip *m = &pic->chip[0], *s = &pic->chip[1];
	int ir = khv_pic_chip_irq(m, true), sir;
	u8 vector;

	if (ir < 0) {
		/* Request withdrawn before INTA: spurious IR7 (datasheet). */
		vector = m->irq_base + 7;
	} else {
		khv_pic_chip_ack(m, ir);
		if (ir == KHV_PIC_CASCADE_IR) {
			sir = khv_pic_chip_irq(s, false);
			if (sir >= 0)
				khv_pic_chip_ack(s, sir);
			else
				sir = 7;
			vector = s->irq_base + sir;
		} else {
			vector = m->irq_base + ir;
		}
	}
	khv_pic_update(pic);
	return vector;
}

/* Poll (OCW3 P=1): the next read acknowledges and returns 0x80 | IR. */
static u8 khv_pic_poll(struct khv_pic *pic, unsigned int idx)
{
	struct khv_pic_chip *c = &pic->chip[idx];
	int ir = khv_pic_chip_irq(c, idx == 0);

	c->poll = 0;
	if (ir < 0)
		return 0;
	khv_pic_chip_ack(c, ir);
	/* The slave's request reached the master as IR2: retire it there too. */
	if (idx == 1) {
		pic->chip[0].irr &= ~BIT(KHV_PIC_CASCADE_IR);
		pic->chip[0].isr &= ~BIT(KHV_PIC_CASCADE_IR);
	}
	khv_pic_update(pic);
	return 0x80 | ir;
}

/* ICW1: start initialisation (datasheet "Initialization Command Words"). */
static void khv_pic_icw1(struct khv_pic_chip *c, u8 val)
{
	c->isr = 0;
	c->irr &= c->elcr;	/* edge requests are dropped, level ones stay */
	c->last_irr = 0;
	c->imr = 0;
	c->priority_add = 0;
	c->special_mask = 0;
	c->read_reg_select = 0;
	c->poll = 0;
	c->rotate_on_auto_eoi = 0;
	c->auto_eoi = 0;
	c->special_fully_nested_mode = 0;
	c->init4 = val & 1;
	c->single = !!(val & 2);
	c->init_state = 1;
}

/* OCW2: EOIs and priority rotation, command in bits 7:5. */
static void khv_pic_ocw2(struct khv_pic_chip *c, u8 val)
{
	unsigned int cmd = val >> 5, ir = val & 7, p;

	switch (cmd) {
	case 0:		/* rotate in automatic EOI mode: clear */
	case 4:		/* ... set */
		c->rotate_on_auto_eoi = cmd >> 2;
		break;
	case 1:		/* non-specific EOI */
	case 5:		/* rotate on non-specific EOI */
		p = khv_pic_priority(c, c->isr);
		if (p == KHV_PIC_NONE)
			break;
		ir = (p + c->priority_add) & 7;
		c->isr &= ~BIT(ir);
		if (cmd == 5)
			c->priority_add = (ir + 1) & 7;
		break;
	case 3:		/* specific EOI */
		c->isr &= ~BIT(ir);
		break;
	case 6:		/* set priority: IR becomes the lowest */
		c->priority_add = (ir + 1) & 7;
		break;
	case 7:		/* rotate on specific EOI */
		c->isr &= ~BIT(ir);
		c->priority_add = (ir + 1) & 7;
		break;
	default:	/* 2: no operation */
		break;
	}
}

static void khv_pic_ocw3(struct khv_pic_chip *c, u8 val)
{
	if (val & BIT(2))
		c->poll = 1;
	if (val & BIT(1))
		c->read_reg_select = val & 1;
	if (val & BIT(6))
		c->special_mask = (val >> 5) & 1;
}

/* Data port: OCW1 (IMR) when ready, else the next ICW. */
static void khv_pic_data(struct khv_pic_chip *c, u8 val)
{
	switch (c->init_state) {
	case 0:
		c->imr = val;
		break;
	case 1:
		c->irq_base = val & 0xf8;
		c->init_state = c->single ? (c->init4 ? 3 : 0) : 2;
		break;
	case 2:		/* ICW3: the cascade wiring is fixed on the PC */
		c->init_state = c->init4 ? 3 : 0;
		break;
	default:	/* ICW4: bit 1 AEOI, bit 4 SFNM */
		c->auto_eoi = (val >> 1) & 1;
		c->special_fully_nested_mode = (val >> 4) & 1;
		c->init_state = 0;
		break;
	}
}

bool khv_pic_port(u16 port)
{
	switch (port) {
	case KHV_PIC_MASTER_CMD:
	case KHV_PIC_MASTER_DATA:
	case KHV_PIC_SLAVE_CMD:
	case KHV_PIC_SLAVE_DATA:
	case KHV_PIC_ELCR_MASTER:
	case KHV_PIC_ELCR_SLAVE:
		return true;
	default:
		return false;
	}
}

void khv_pic_write(struct khv_pic *pic, u16 port, u8 val)
{
	unsigned int idx = port == KHV_PIC_SLAVE_CMD ||
			   port == KHV_PIC_SLAVE_DATA ||
			   port == KHV_PIC_ELCR_SLAVE;
	struct khv_pic_chip *c = &pic->chip[idx];

	switch (port) {
	case KHV_PIC_ELCR_MASTER:
	case KHV_PIC_ELCR_SLAVE:
		c->elcr = val & c->elcr_mask;
		break;
	case KHV_PIC_MASTER_CMD:
	case KHV_PIC_SLAVE_CMD:
		if (val & BIT(4))
			khv_pic_icw1(c, val);
		else if (val & BIT(3))
			khv_pic_ocw3(c, val);
		else
			khv_pic_ocw2(c, val);
		break;
	default:
		khv_pic_data(c, val);
		break;
	}
	khv_pic_update(pic);
}

u8 khv_pic_read(struct khv_pic *pic, u16 port)
{
	unsigned int idx = port == KHV_PIC_SLAVE_CMD ||
			   port == KHV_PIC_SLAVE_DATA ||
			   port == KHV_PIC_ELCR_SLAVE;
	struct khv_pic_chip *c = &pic->chip[idx];

	switch (port) {
	case KHV_PIC_ELCR_MASTER:
	case KHV_PIC_ELCR_SLAVE:
		return c->elcr;
	default:
		if (c->poll)
			return khv_pic_poll(pic, idx);
		if (port == KHV_PIC_MASTER_CMD || port == KHV_PIC_SLAVE_CMD)
			return c->read_reg_select ? c->isr : c->irr;
		return c->imr;
	}
}

void khv_pic_get_state(const struct khv_pic *pic, unsigned int chip,
		       struct kvm_pic_state *s)
{
	const struct khv_pic_chip *c = &pic->chip[chip];

	*s = (struct kvm_pic_state){
		.last_irr = c->last_irr,
		.irr = c->irr,
		.imr = c->imr,
		.isr = c->isr,
		.priority_add = c->priority_add,
		.irq_base = c->irq_base,
		.read_reg_select = c->read_reg_select,
		.poll = c->poll,
		.special_mask = c->special_mask,
		.init_state = c->init_state,
		.auto_eoi = c->auto_eoi,
		.rotate_on_auto_eoi = c->rotate_on_auto_eoi,
		.special_fully_nested_mode = c->special_fully_nested_mode,
		.init4 = c->init4,
		.elcr = c->elcr,
		.elcr_mask = c->elcr_mask,
	};
}

/* Flags are normalised to 0/1; ELCR bits outside the chip's mask dropped. */
void khv_pic_set_state(struct khv_pic *pic, unsigned int chip,
		       const struct kvm_pic_state *s)
{
	struct khv_pic_chip *c = &pic->chip[chip];

	c->last_irr = s->last_irr;
	c->irr = s->irr;
	c->imr = s->imr;
	c->isr = s->isr;
	c->priority_add = s->priority_add & 7;
	c->irq_base = s->irq_base & 0xf8;
	c->read_reg_select = !!s->read_reg_select;
	c->poll = !!s->poll;
	c->special_mask = !!s->special_mask;
	c->init_state = s->init_state & 3;
	c->auto_eoi = !!s->auto_eoi;
	c->rotate_on_auto_eoi = !!s->rotate_on_auto_eoi;
	c->special_fully_nested_mode = !!s->special_fully_nested_mode;
	c->init4 = !!s->init4;
	c->elcr = s->elcr & c->elcr_mask;
	khv_pic_update(pic);
}
