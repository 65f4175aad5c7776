/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC's pair of 8259A PICs as a pure model: ICW1-4, OCW1-3, IRR/ISR/IMR,
 * priority rotation, automatic EOI, special mask, poll, the ELCR and the
 * slave cascaded on the master's IRQ2. The master's INT output goes to the
 * owner (irq.c), which hands it to a local APIC's LINT0 (ExtINT). Every call
 * is made under the VM's irqchip lock. KUnit tests it by including pic.c.
 */
#ifndef _KHV_PIC_H
#define _KHV_PIC_H

#include <linux/types.h>

/* Ports: command/data of master and slave, and their ELCRs. */
#define KHV_PIC_MASTER_CMD	0x20
#define KHV_PIC_MASTER_DATA	0x21
#define KHV_PIC_SLAVE_CMD	0xa0
#define KHV_PIC_SLAVE_DATA	0xa1
#define KHV_PIC_ELCR_MASTER	0x4d0
#define KHV_PIC_ELCR_SLAVE	0x4d1

#define KHV_PIC_IRQS		16

struct kvm_pic_state;
struct khv_pic;

/* One 8259A; the fields of struct kvm_pic_state plus single mode. */
struct khv_pic_chip {
	u8 last_irr;			/* input levels, for edge detection */
	u8 irr, imr, isr;
	u8 priority_add;		/* IR that has the highest priority */
	u8 irq_base;			/* ICW2: vector of IR0 */
	u8 read_reg_select;		/* OCW3: read ISR (1) or IRR (0) */
	u8 poll;
	u8 special_mask;
	u8 init_state;			/* 0 ready, else the ICW expected next */
	u8 auto_eoi;
	u8 rotate_on_auto_eoi;
	u8 special_fully_nested_mode;
	u8 init4;			/* ICW4 follows */
	u8 single;			/* no ICW3 (no cascade) */
	u8 elcr;			/* level-triggered inputs */
	u8 elcr_mask;			/* inputs that may be level-triggered */
};

struct khv_pic_ops {
	/* The master's INT output changed to @level. */
	void (*output)(struct khv_pic *pic, bool level);
};

struct khv_pic {
	struct khv_pic_chip chip[2];	/* master, slave */
	bool output;
	const struct khv_pic_ops *ops;
	void *owner;
};

void khv_pic_init(struct khv_pic *pic, const struct khv_pic_ops *ops,
		  void *owner);

/* IRQ @irq (0-15) input to @level: < 0 masked, 0 coalesced, 1 raised. */
int khv_pic_set_irq(struct khv_pic *pic, unsigned int irq, bool level);

/* Port I/O; @port is one of the six above. */
u8 khv_pic_read(struct khv_pic *pic, u16 port);
void khv_pic_write(struct khv_pic *pic, u16 port, u8 val);
bool khv_pic_port(u16 port);

/* Interrupt acknowledge: the vector the CPU gets (spurious IR7 if none). */
u8 khv_pic_intack(struct khv_pic *pic);

/* KVM_GET/SET_IRQCHIP (KVM_IRQCHIP_PIC_MASTER/SLAVE). */
void khv_pic_get_state(const struct khv_pic *pic, unsigned int chip,
		       struct kvm_pic_state *s);
void khv_pic_set_state(struct khv_pic *pic, unsigned int chip,
		       const struct kvm_pic_state *s);

#endif /* _KHV_PIC_H */
