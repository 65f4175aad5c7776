// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the IOAPIC model (ioapic.c): the register window, the
 * redirection table and its read-only bits, edge and level pins with
 * masking, coalescing, remote IRR and re-delivery on EOI, and the
 * KVM_GET/SET_IRQCHIP state. A fake owner records each delivery.
 */
#include <kunit/test.h>

#include "ioapic.c"

struct fake_bus {
	int calls;
	int targets;			/* what deliver() answers */
	struct khv_apic_irq last;
};

static int fake_deliver(struct khv_ioapic *ioapic, const struct khv_apic_irq *irq)
{
	struct fake_bus *b = ioapic->owner;

	b->calls++;
	b->last = *irq;
	return b->targets;
}

static const struct khv_ioapic_ops fake_ioapic_ops = {
	.deliver = fake_deliver,
};

static void wr(struct khv_ioapic *io, u32 reg, u32 val)
{
	khv_ioapic_write(io, KHV_IOAPIC_IOREGSEL, reg);
	khv_ioapic_write(io, KHV_IOAPIC_IOWIN, val);
}

static u32 rdi(struct khv_ioapic *io, u32 reg)
{
	khv_ioapic_write(io, KHV_IOAPIC_IOREGSEL, reg);
	return khv_ioapic_read(io, KHV_IOAPIC_IOWIN);
}

static void setup(struct khv_ioapic *io, struct fake_bus *b)
{
	memset(b, 0, sizeof(*b));
	b->targets = 1;
	khv_ioapic_init(io, &fake_ioapic_ops, b);
}

static void ioapic_test_registers(struct kunit *test)
{
	struct khv_ioapic io;
	struct fake_bus b;

	setup(&io, &b);
	KUNIT_EXPECT_EQ(test, rdi(&io, 1), 0x170011U);
	KUNIT_EXPECT_EQ(test, rdi(&io, 0x10), (u32)KHV_RTE_MASKED);
	KUNIT_EXPECT_EQ(test, rdi(&io, 0x10 + 2 * 23), (u32)KHV_RTE_MASKED);
	KUNIT_EXPECT_EQ(test, rdi(&io, 0x10 + 2 * 24), 0U);	/* past the table */
	wr(&io, 0, 0x0f000000 | 0xffffff);
	KUNIT_EXPECT_EQ(test, rdi(&io, 0), 0x0f000000U);
	KUNIT_EXPECT_EQ(test, rdi(&io, 2), 0x0f000000U);
	wr(&io, 1, 0);
	KUNIT_EXPECT_EQ(test, rdi(&io, 1), 0x170011U);		/* read-only */
	KUNIT_EXPECT_EQ(test, khv_ioapic_read(&io, KHV_IOAPIC_IOREGSEL), 1U);
	/* Delivery status and remote IRR cannot be written. */
	wr(&io, 0x10 + 2 * 5, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rdi(&io, 0x10 + 2 * 5), 0xffffffffU & ~0x5000U);
	wr(&io, 0x11 + 2 * 5, 0x12000000);
	KUNIT_EXPECT_EQ(test, rdi(&io, 0x11 + 2 * 5), 0x12000000U);
	KUNIT_EXPECT_EQ(test, b.calls, 0);
}

static void ioapic_test_edge(struct kunit *test)
{
	struct khv_ioapic io;
	struct fake_bus b;

	setup(&io, &b);
	/* Masked: the edge is lost. */
	KUNIT_EXPECT_EQ(test, khv_ioapic_set_irq(&io, 4, true), -1);
	KUNIT_EXPECT_EQ(test, khv_ioapic_set_irq(&io, 4, false), 1);
	KUNIT_EXPECT_EQ(test, io.irr, 0U);
	/* Vector 0x34, lowest priority, logical, to 0x03. */
	wr(&io, 0x11 + 2 * 4, 0x03000000);
	wr(&io, 0x10 + 2 * 4, 0x934);
	KUNIT_EXPECT_EQ(test, b.calls, 0);
	KUNIT_EXPECT_EQ(test, khv_ioapic_set_irq(&io, 4, true), 1);
	KUNIT_EXPECT_EQ(test, b.calls, 1);
	KUNIT_EXPECT_EQ(test, b.last.vector, 0x34);
	KUNIT_EXPECT_EQ(test, b.last.dm, KHV_DM_LOWEST);
	KUNIT_EXPECT_TRUE(test, b.last.logical);
	KUNIT_EXPECT_FALSE(test, b.last.level);
	KUNIT_EXPECT_EQ(test, b.last.dest, 3U);
	/* Still high: no new edge. */
	KUNIT_EXPECT_EQ(test, khv_ioapic_set_irq(&io, 4, true), 0);
	KUNIT_EXPECT_EQ(test, b.calls, 1);
	KUNIT_EXPECT_EQ(test, io.irr, 0U);
	khv_ioapic_set_irq(&io, 4, false);
	KUNIT_EXPECT_EQ(test, khv_ioapic_set_irq(&io, 4, true), 1);
	KUNIT_EXPECT_EQ(test, b.calls, 2);
	/* EOI of an edge vector changes nothing. */
	khv_ioapic_eoi(&io, 0x34);
	KUNIT_EXPECT_EQ(test, b.calls, 2);
	KUNIT_EXPECT_EQ(test, khv_ioapic_set_irq(&io, 24, true), -1);
}

static void ioapic_test_level(struct kunit *test)
{
	struct khv_ioapic io;
	struct fake_bus b;

	setup(&io, &b);
	wr(&io, 0x10 + 2 * 9, 0x8000 | 0x49);	/* level, unmasked, to 0 */
	KUNIT_EXPECT_EQ(test, khv_ioapic_set_irq(&io, 9, true), 1);
	KUNIT_EXPECT_TRUE(test, b.last.level);
	KUNIT_EXPECT_TRUE(test, io.redir[9] & KHV_RTE_REMOTE_IRR);
	KUNIT_EXPECT_EQ(test, rdi(&io, 0x10 + 2 * 9), 0xc049U);
	/* Remote IRR set: a re-assert is coalesced. */
	KUNIT_EXPECT_EQ(test, khv_ioapic_set_irq(&io, 9, true), 0);
	KUNIT_EXPECT_EQ(test, b.calls, 1);
	/* EOI of another vector: nothing. */
	khv_ioapic_eoi(&io, 0x48);
	KUNIT_EXPECT_EQ(test, b.calls, 1);
	/* EOI with the line still asserted: delivered again. */
	khv_ioapic_eoi(&io, 0x49);
	KUNIT_EXPECT_EQ(test, b.calls, 2);
	KUNIT_EXPECT_TRUE(test, io.redir[9] & KHV_RTE_REMOTE_IRR);
	/* Line drops, then EOI: remote IRR clears, nothing sent. */
	khv_ioapic_set_irq(&io, 9, false);
	khv_ioapic_eoi(&io, 0x49);
	KUNIT_EXPECT_EQ(test, b.calls, 2);
	KUNIT_EXPECT_FALSE(test, io.redir[9] & KHV_RTE_REMOTE_IRR);
}

static void ioapic_test_level_masked(struct kunit *test)
{
	struct khv_ioapic io;
	struct fake_bus b;

	setup(&io, &b);
	wr(&io, 0x10 + 2 * 11, KHV_RTE_MASKED | 0x8000 | 0x5b);
	KUNIT_EXPECT_EQ(test, khv_ioapic_set_irq(&io, 11, true), -1);
	KUNIT_EXPECT_EQ(test, io.irr, BIT(11));
	/* Unmasking delivers the asserted level. */
	wr(&io, 0x10 + 2 * 11, 0x8000 | 0x5b);
	KUNIT_EXPECT_EQ(test, b.calls, 1);
	KUNIT_EXPECT_TRUE(test, io.redir[11] & KHV_RTE_REMOTE_IRR);
	/* Switching to edge drops remote IRR. */
	wr(&io, 0x10 + 2 * 11, 0x5b);
	KUNIT_EXPECT_FALSE(test, io.redir[11] & KHV_RTE_REMOTE_IRR);
}

static void ioapic_test_no_target(struct kunit *test)
{
	struct khv_ioapic io;
	struct fake_bus b;

	setup(&io, &b);
	b.targets = 0;
	wr(&io, 0x10 + 2 * 3, 0x8000 | 0x43);
	KUNIT_EXPECT_EQ(test, khv_ioapic_set_irq(&io, 3, true), 0);
	/* Nobody took it: no remote IRR to wait for, a later EOI-free retry works. */
	KUNIT_EXPECT_FALSE(test, io.redir[3] & KHV_RTE_REMOTE_IRR);
	b.targets = 2;
	wr(&io, 0x10 + 2 * 3, 0x8000 | 0x43);
	KUNIT_EXPECT_EQ(test, b.calls, 2);
}

static void ioapic_test_state(struct kunit *test)
{
	struct khv_ioapic io, io2;
	struct fake_bus b, b2;
	struct kvm_ioapic_state *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	setup(&io, &b);
	setup(&io2, &b2);
	wr(&io, 0, 0x02000000);
	wr(&io, 0x10 + 2 * 7, 0x8000 | 0x47);
	wr(&io, 0x11 + 2 * 7, 0x01000000);
	khv_ioapic_set_irq(&io, 7, true);
	khv_ioapic_write(&io, KHV_IOAPIC_IOREGSEL, 0x13);
	khv_ioapic_get_state(&io, s);
	KUNIT_EXPECT_EQ(test, s->base_address, KHV_IOAPIC_BASE);
	KUNIT_EXPECT_EQ(test, s->id, 2U);
	KUNIT_EXPECT_EQ(test, s->ioregsel, 0x13U);
	KUNIT_EXPECT_EQ(test, s->irr, BIT(7));
	KUNIT_EXPECT_EQ(test, s->redirtbl[7].fields.vector, 0x47);
	KUNIT_EXPECT_EQ(test, (int)s->redirtbl[7].fields.remote_irr, 1);
	KUNIT_EXPECT_EQ(test, s->redirtbl[7].fields.dest_id, 1);
	KUNIT_EXPECT_EQ(test, (int)s->redirtbl[0].fields.mask, 1);
	/* Restored with remote IRR set: the request waits for the EOI. */
	khv_ioapic_set_state(&io2, s);
	KUNIT_EXPECT_EQ(test, b2.calls, 0);
	KUNIT_EXPECT_EQ(test, io2.irr, BIT(7));
	khv_ioapic_eoi(&io2, 0x47);
	KUNIT_EXPECT_EQ(test, b2.calls, 1);
	KUNIT_EXPECT_EQ(test, b2.last.dest, 1U);
}

static struct kunit_case ioapic_test_cases[] = {
	KUNIT_CASE(ioapic_test_registers),
	KUNIT_CASE(ioapic_test_edge),
	KUNIT_CASE(ioapic_test_level),
	KUNIT_CASE(ioapic_test_level_masked),
	KUNIT_CASE(ioapic_test_no_target),
	KUNIT_CASE(ioapic_test_state),
	{}
};

static struct kunit_suite ioapic_test_suite = {
	.name = "khv_ioapic",
	.test_cases = ioapic_test_cases,
};

kunit_test_suites(&ioapic_test_suite);
