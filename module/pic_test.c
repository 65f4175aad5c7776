// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the 8259A pair (pic.c): the initialisation sequence,
 * fully nested priorities, masking, EOIs (non-specific, specific,
 * rotating), set priority, automatic EOI with rotation, the cascade
 * through IR2, special fully nested and special mask modes, poll, reads
 * of IRR/ISR, edge detection and the ELCR, and KVM_GET/SET_IRQCHIP.
 */
#include <kunit/test.h>

#include "pic.c"

struct fake_cpu {
	int rises, falls;
};

static void fake_output(struct khv_pic *pic, bool level)
{
	struct fake_cpu *c = pic->owner;

	if (level)
		c->rises++;
	else
		c->falls++;
}

static const struct khv_pic_ops fake_pic_ops = {
	.output = fake_output,
};

/* What a PC BIOS or Linux programs: master at @mbase, slave at @sbase. */
static void pic_setup(struct khv_pic *pic, struct fake_cpu *cpu, u8 icw4,
		      u8 mbase, u8 sbase)
{
	memset(cpu, 0, sizeof(*cpu));
	khv_pic_init(pic, &fake_pic_ops, cpu);
	khv_pic_write(pic, 0x20, 0x11);
	khv_pic_write(pic, 0x21, mbase);
	khv_pic_write(pic, 0x21, 0x04);
	khv_pic_write(pic, 0x21, icw4);
	khv_pic_write(pic, 0xa0, 0x11);
	khv_pic_write(pic, 0xa1, sbase);
	khv_pic_write(pic, 0xa1, 0x02);
	khv_pic_write(pic, 0xa1, icw4);
}

static void pulse(struct khv_pic *pic, unsigned int irq)
{
	khv_pic_set_irq(pic, irq, true);
	khv_pic_set_irq(pic, irq, false);
}

static void pic_test_init_sequence(struct kunit *test)
{
	struct khv_pic pic;
	struct fake_cpu cpu;

	pic_setup(&pic, &cpu, 0x01, 0x20, 0x28);
	KUNIT_EXPECT_EQ(test, pic.chip[0].irq_base, 0x20);
	KUNIT_EXPECT_EQ(test, pic.chip[1].irq_base, 0x28);
	KUNIT_EXPECT_EQ(test, pic.chip[0].init_state, 0);
	KUNIT_EXPECT_EQ(test, pic.chip[1].init_state, 0);
	/* OCW1 after init: the IMR. */
	khv_pic_write(&pic, 0x21, 0xfb);
	KUNIT_EXPECT_EQ(test, khv_pic_read(&pic, 0x21), 0xfb);
	/* ICW1 clears the IMR; without IC4 and with SNGL, ICW2 ends it. */
	khv_pic_write(&pic, 0x20, 0x12);
	KUNIT_EXPECT_EQ(test, khv_pic_read(&pic, 0x21), 0);
	khv_pic_write(&pic, 0x21, 0x47);
	KUNIT_EXPECT_EQ(test, pic.chip[0].irq_base, 0x40);
	KUNIT_EXPECT_EQ(test, pic.chip[0].init_state, 0);
	khv_pic_write(&pic, 0x21, 0x55);
	KUNIT_EXPECT_EQ(test, khv_pic_read(&pic, 0x21), 0x55);
	KUNIT_EXPECT_TRUE(test, khv_pic_port(0x4d1));
	KUNIT_EXPECT_FALSE(test, khv_pic_port(0x22));
}

static void pic_test_priority_and_eoi(struct kunit *test)
{
	struct khv_pic pic;
	struct fake_cpu cpu;

	pic_setup(&pic, &cpu, 0x01, 0x20, 0x28);
	pulse(&pic, 3);
	KUNIT_EXPECT_EQ(test, cpu.rises, 1);
	pulse(&pic, 1);
	/* IR1 before IR3. */
	KUNIT_EXPECT_EQ(test, khv_pic_intack(&pic), 0x21);
	KUNIT_EXPECT_EQ(test, pic.chip[0].isr, BIT(1));
	/* IR3 waits below the in-service IR1. */
	KUNIT_EXPECT_FALSE(test, pic.output);
	/* A higher IR0 nests. */
	pulse(&pic, 0);
	KUNIT_EXPECT_TRUE(test, pic.output);
	KUNIT_EXPECT_EQ(test, khv_pic_intack(&pic), 0x20);
	/* Non-specific EOI retires the highest (IR0), then IR1. */
	khv_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_EQ(test, pic.chip[0].isr, BIT(1));
	KUNIT_EXPECT_FALSE(test, pic.output);
	khv_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_TRUE(test, pic.output);
	KUNIT_EXPECT_EQ(test, khv_pic_intack(&pic), 0x23);
	/* Specific EOI of IR3. */
	khv_pic_write(&pic, 0x20, 0x63);
	KUNIT_EXPECT_EQ(test, pic.chip[0].isr, 0);
	/* Nothing pending: spurious IR7. */
	KUNIT_EXPECT_EQ(test, khv_pic_intack(&pic), 0x27);
	KUNIT_EXPECT_EQ(test, pic.chip[0].isr, 0);
}

static void pic_test_mask_and_edges(struct kunit *test)
{
	struct khv_pic pic;
	struct fake_cpu cpu;

	pic_setup(&pic, &cpu, 0x01, 0x20, 0x28);
	khv_pic_write(&pic, 0x21, BIT(4));
	KUNIT_EXPECT_EQ(test, khv_pic_set_irq(&pic, 4, true), -1);
	KUNIT_EXPECT_FALSE(test, pic.output);
	/* The request is latched; unmasking passes it on. */
	khv_pic_write(&pic, 0x21, 0);
	KUNIT_EXPECT_TRUE(test, pic.output);
	/* No new edge while the input stays high. */
	KUNIT_EXPECT_EQ(test, khv_pic_set_irq(&pic, 4, true), 0);
	KUNIT_EXPECT_EQ(test, khv_pic_intack(&pic), 0x24);
	KUNIT_EXPECT_EQ(test, khv_pic_set_irq(&pic, 4, true), 0);
	KUNIT_EXPECT_EQ(test, pic.chip[0].irr, 0);
	khv_pic_set_irq(&pic, 4, false);
	KUNIT_EXPECT_EQ(test, khv_pic_set_irq(&pic, 4, true), 1);
	KUNIT_EXPECT_EQ(test, khv_pic_set_irq(&pic, 16, true), -1);
}

static void pic_test_cascade(struct kunit *test)
{
	struct khv_pic pic;
	struct fake_cpu cpu;

	pic_setup(&pic, &cpu, 0x01, 0x20, 0x28);
	pulse(&pic, 10);
	KUNIT_EXPECT_TRUE(test, pic.output);
	KUNIT_EXPECT_EQ(test, khv_pic_intack(&pic), 0x2a);
	KUNIT_EXPECT_EQ(test, pic.chip[0].isr, BIT(2));
	KUNIT_EXPECT_EQ(test, pic.chip[1].isr, BIT(2));
	/* IRQ 9 waits behind IR2 in service on the master (fully nested). */
	pulse(&pic, 9);
	KUNIT_EXPECT_FALSE(test, pic.output);
	/* EOI to the slave, then the master: IRQ 9 comes through. */
	khv_pic_write(&pic, 0xa0, 0x20);
	KUNIT_EXPECT_FALSE(test, pic.output);
	khv_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_TRUE(test, pic.output);
	KUNIT_EXPECT_EQ(test, khv_pic_intack(&pic), 0x29);
	/* The slave masked on the master: nothing passes. */
	khv_pic_write(&pic, 0xa0, 0x20);
	khv_pic_write(&pic, 0x20, 0x20);
	khv_pic_write(&pic, 0x21, BIT(2));
	pulse(&pic, 12);
	KUNIT_EXPECT_FALSE(test, pic.output);
}

static void pic_test_special_fully_nested(struct kunit *test)
{
	struct khv_pic pic;
	struct fake_cpu cpu;

	pic_setup(&pic, &cpu, 0x11, 0x20, 0x28);	/* SFNM on both */
	pulse(&pic, 12);
	KUNIT_EXPECT_EQ(test, khv_pic_intack(&pic), 0x2c);
	/* A higher slave IRQ gets through the master's in-service IR2. */
	pulse(&pic, 9);
	KUNIT_EXPECT_TRUE(test, pic.output);
	KUNIT_EXPECT_EQ(test, khv_pic_intack(&pic), 0x29);
}

static void pic_test_rotation(struct kunit *test)
{
	struct khv_pic pic;
	struct fake_cpu cpu;

	pic_setup(&pic, &cpu, 0x01, 0x20, 0x28);
	pulse(&pic, 1);
	KUNIT_EXPECT_EQ(test, khv_pic_intack(&pic), 0x21);
	/* Rotate on non-specific EOI: IR1 becomes the lowest, IR2 the highest. */
	khv_pic_write(&pic, 0x20, 0xa0);
	KUNIT_EXPECT_EQ(test, pic.chip[0].priority_add, 2);
	pulse(&pic, 0);
	pulse(&pic, 3);
	KUNIT_EXPECT_EQ(test, khv_pic_intack(&pic), 0x23);
	khv_pic_write(&pic, 0x20, 0x20);
	/* Set priority: IR3 lowest, so IR4 first, then IR0 (after 4..7). */
	khv_pic_write(&pic, 0x20, 0xc3);
	pulse(&pic, 4);
	KUNIT_EXPECT_EQ(test, khv_pic_intack(&pic), 0x24);
	/* Rotate on specific EOI of IR4: IR5 now highest, IR0 before IR4. */
	khv_pic_write(&pic, 0x20, 0xe4);
	KUNIT_EXPECT_EQ(test, pic.chip[0].priority_add, 5);
	KUNIT_EXPECT_EQ(test, pic.chip[0].isr, 0);
	KUNIT_EXPECT_EQ(test, khv_pic_intack(&pic), 0x20);
}

static void pic_test_auto_eoi(struct kunit *test)
{
	struct khv_pic pic;
	struct fake_cpu cpu;

	pic_setup(&pic, &cpu, 0x03, 0x20, 0x28);	/* AEOI */
	pulse(&pic, 5);
	KUNIT_EXPECT_EQ(test, khv_pic_intack(&pic), 0x25);
	KUNIT_EXPECT_EQ(test, pic.chip[0].isr, 0);
	KUNIT_EXPECT_EQ(test, pic.chip[0].priority_add, 0);
	/* Rotate in AEOI mode: the acknowledged IR becomes the lowest. */
	khv_pic_write(&pic, 0x20, 0x80);
	pulse(&pic, 5);
	KUNIT_EXPECT_EQ(test, khv_pic_intack(&pic), 0x25);
	KUNIT_EXPECT_EQ(test, pic.chip[0].priority_add, 6);
	khv_pic_write(&pic, 0x20, 0x00);
	KUNIT_EXPECT_EQ(test, pic.chip[0].rotate_on_auto_eoi, 0);
}

static void pic_test_special_mask(struct kunit *test)
{
	struct khv_pic pic;
	struct fake_cpu cpu;

	pic_setup(&pic, &cpu, 0x01, 0x20, 0x28);
	pulse(&pic, 1);
	KUNIT_EXPECT_EQ(test, khv_pic_intack(&pic), 0x21);
	/* IR6 waits below the in-service IR1... */
	pulse(&pic, 6);
	KUNIT_EXPECT_FALSE(test, pic.output);
	/* ...until IR1 is masked in special mask mode (OCW3 ESMM|SMM). */
	khv_pic_write(&pic, 0x21, BIT(1));
	khv_pic_write(&pic, 0x20, 0x68);
	KUNIT_EXPECT_EQ(test, pic.chip[0].special_mask, 1);
	KUNIT_EXPECT_TRUE(test, pic.output);
	KUNIT_EXPECT_EQ(test, khv_pic_intack(&pic), 0x26);
	KUNIT_EXPECT_EQ(test, pic.chip[0].isr, BIT(1) | BIT(6));
	khv_pic_write(&pic, 0x20, 0x48);
	KUNIT_EXPECT_EQ(test, pic.chip[0].special_mask, 0);
}

static void pic_test_poll_and_reads(struct kunit *test)
{
	struct khv_pic pic;
	struct fake_cpu cpu;

	pic_setup(&pic, &cpu, 0x01, 0x20, 0x28);
	pulse(&pic, 6);
	pulse(&pic, 14);
	KUNIT_EXPECT_EQ(test, khv_pic_read(&pic, 0x20), BIT(6) | BIT(2));	/* IRR */
	/* Poll: acknowledges like INTA and returns 0x80 | IR. */
	khv_pic_write(&pic, 0xa0, 0x0c);
	KUNIT_EXPECT_EQ(test, khv_pic_read(&pic, 0xa0), 0x86);
	/* The cascade request on the master is retired with the slave's. */
	KUNIT_EXPECT_EQ(test, khv_pic_read(&pic, 0x20), BIT(6));
	khv_pic_write(&pic, 0xa0, 0x0b);	/* read ISR */
	KUNIT_EXPECT_EQ(test, khv_pic_read(&pic, 0xa0), BIT(6));
	khv_pic_write(&pic, 0x20, 0x0c);
	KUNIT_EXPECT_EQ(test, khv_pic_read(&pic, 0x20), 0x86);
	khv_pic_write(&pic, 0x20, 0x0b);
	KUNIT_EXPECT_EQ(test, khv_pic_read(&pic, 0x20), BIT(6));
	khv_pic_write(&pic, 0x20, 0x0a);	/* back to IRR */
	KUNIT_EXPECT_EQ(test, khv_pic_read(&pic, 0x20), 0);
	/* Poll with nothing requested: 0, and the poll is over. */
	khv_pic_write(&pic, 0xa0, 0x20);
	khv_pic_write(&pic, 0xa0, 0x0c);
	KUNIT_EXPECT_EQ(test, khv_pic_read(&pic, 0xa0), 0);
	KUNIT_EXPECT_EQ(test, pic.chip[1].poll, 0);
}

static void pic_test_elcr_level(struct kunit *test)
{
	struct khv_pic pic;
	struct fake_cpu cpu;

	pic_setup(&pic, &cpu, 0x01, 0x20, 0x28);
	khv_pic_write(&pic, 0x4d0, 0xff);
	khv_pic_write(&pic, 0x4d1, 0xff);
	KUNIT_EXPECT_EQ(test, khv_pic_read(&pic, 0x4d0), 0xf8);
	KUNIT_EXPECT_EQ(test, khv_pic_read(&pic, 0x4d1), 0xde);
	/* Level IRQ 5: acknowledged, it stays requested while asserted. */
	KUNIT_EXPECT_EQ(test, khv_pic_set_irq(&pic, 5, true), 1);
	KUNIT_EXPECT_EQ(test, khv_pic_intack(&pic), 0x25);
	KUNIT_EXPECT_EQ(test, pic.chip[0].irr, BIT(5));
	KUNIT_EXPECT_EQ(test, khv_pic_set_irq(&pic, 5, true), 0);
	khv_pic_write(&pic, 0x20, 0x20);
	KUNIT_EXPECT_TRUE(test, pic.output);
	/* Dropping the line withdraws it. */
	khv_pic_set_irq(&pic, 5, false);
	KUNIT_EXPECT_EQ(test, pic.chip[0].irr, 0);
	KUNIT_EXPECT_FALSE(test, pic.output);
	/* ICW1 drops edge requests, keeps level ones. */
	khv_pic_set_irq(&pic, 5, true);
	pulse(&pic, 1);
	khv_pic_write(&pic, 0x20, 0x11);
	KUNIT_EXPECT_EQ(test, pic.chip[0].irr, BIT(5));
}

static void pic_test_state(struct kunit *test)
{
	struct khv_pic pic, pic2;
	struct fake_cpu cpu, cpu2;
	struct kvm_pic_state s;

	pic_setup(&pic, &cpu, 0x01, 0x20, 0x28);
	pic_setup(&pic2, &cpu2, 0x01, 0x70, 0x78);
	khv_pic_write(&pic, 0x21, 0xf0);
	khv_pic_write(&pic, 0x4d1, 0x60);	/* IRQ13 cannot be level */
	pulse(&pic, 2);
	khv_pic_get_state(&pic, 0, &s);
	KUNIT_EXPECT_EQ(test, s.irq_base, 0x20);
	KUNIT_EXPECT_EQ(test, s.imr, 0xf0);
	KUNIT_EXPECT_EQ(test, s.irr, BIT(2));
	KUNIT_EXPECT_EQ(test, s.elcr_mask, 0xf8);
	KUNIT_EXPECT_EQ(test, s.init4, 1);
	khv_pic_set_state(&pic2, 0, &s);
	KUNIT_EXPECT_TRUE(test, pic2.output);
	/* IR2 with nothing on pic2's slave: its spurious IR7. */
	KUNIT_EXPECT_EQ(test, khv_pic_intack(&pic2), 0x7f);
	khv_pic_get_state(&pic, 1, &s);
	KUNIT_EXPECT_EQ(test, s.elcr, 0x40);
	s.elcr = 0xff;
	khv_pic_set_state(&pic2, 1, &s);
	KUNIT_EXPECT_EQ(test, pic2.chip[1].elcr, 0xde);
	KUNIT_EXPECT_EQ(test, pic2.chip[1].irq_base, 0x28);
}

static struct kunit_case pic_test_cases[] = {
	KUNIT_CASE(pic_test_init_sequence),
	KUNIT_CASE(pic_test_priority_and_eoi),
	KUNIT_CASE(pic_test_mask_and_edges),
	KUNIT_CASE(pic_test_cascade),
	KUNIT_CASE(pic_test_special_fully_nested),
	KUNIT_CASE(pic_test_rotation),
	KUNIT_CASE(pic_test_auto_eoi),
	KUNIT_CASE(pic_test_special_mask),
	KUNIT_CASE(pic_test_poll_and_reads),
	KUNIT_CASE(pic_test_elcr_level),
	KUNIT_CASE(pic_test_state),
	{}
};

static struct kunit_suite pic_test_suite = {
	.name = "khv_pic",
	.test_cases = pic_test_cases,
};

kunit_test_suites(&pic_test_suite);
