// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the local APIC model (lapic.c): priority arbitration
 * (IRR/ISR/TPR/PPR), EOI and its broadcast, ICR decode, destination
 * matching in every addressing mode, IPIs between four APICs (fixed,
 * lowest priority, NMI, INIT/SIPI, shorthands), the timer in its three
 * modes, software disable, x2APIC MSRs and IA32_APIC_BASE transitions,
 * KVM_GET/SET_LAPIC state, MSI decode and which MSIs a split irqchip's EOI
 * exit is for (khv_lapic_msi_eoi, eoi_every). A fake owner stands in for
 * irq_vcpu.c: a clock the test moves, and records of what was asked.
 */
#include <kunit/test.h>

#include "lapic.c"

#define NAPICS	4

struct fake_world {
	struct khv_lapic apic[NAPICS];
	u64 now, tsc;
	u64 timer[NAPICS];		/* expiry the model asked for */
	int kicks[NAPICS];
	int eois, eoi_vector;
	int ipis;
	struct khv_apic_irq last_ipi;
	bool route;			/* deliver IPIs to apic[] */
	int delivered;
};

static struct fake_world *world_of(struct khv_lapic *apic)
{
	return apic->owner;
}

static int idx_of(struct khv_lapic *apic)
{
	return apic - world_of(apic)->apic;
}

static void fake_now(struct khv_lapic *apic, u64 *ns, u64 *tsc)
{
	*ns = world_of(apic)->now;
	*tsc = world_of(apic)->tsc;
}

static void fake_timer(struct khv_lapic *apic, u64 expiry)
{
	world_of(apic)->timer[idx_of(apic)] = expiry;
}

/* What irq_vcpu.c does: match every APIC; lowest priority picks one. */
static void fake_ipi(struct khv_lapic *src, const struct khv_apic_irq *irq)
{
	struct fake_world *w = world_of(src);
	struct khv_lapic *best = NULL;
	int i;

	w->ipis++;
	w->last_ipi = *irq;
	if (!w->route)
		return;
	for (i = 0; i < NAPICS; i++) {
		struct khv_lapic *a = &w->apic[i];

		if (!khv_lapic_match(a, src, irq))
			continue;
		if (irq->dm != KHV_DM_LOWEST) {
			w->delivered += khv_lapic_accept(a, irq);
			continue;
		}
		if (!best || khv_lapic_arb_priority(a) < khv_lapic_arb_priority(best))
			best = a;
	}
	if (best)
		w->delivered += khv_lapic_accept(best, irq);
}

static void fake_eoi(struct khv_lapic *apic, u8 vector)
{
	world_of(apic)->eois++;
	world_of(apic)->eoi_vector = vector;
}

static void fake_kick(struct khv_lapic *apic)
{
	world_of(apic)->kicks[idx_of(apic)]++;
}

static const struct khv_lapic_ops fake_ops = {
	.now = fake_now,
	.timer = fake_timer,
	.ipi = fake_ipi,
	.eoi = fake_eoi,
	.kick = fake_kick,
};

/* Four APICs, IDs 0-3, apic 0 the BSP, all software-enabled. */
static struct fake_world *world_alloc(struct kunit *test)
{
	struct fake_world *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, w);
	return w;
}

static struct fake_world *world_new(struct kunit *test)
{
	struct fake_world *w = world_alloc(test);
	int i;

	for (i = 0; i < NAPICS; i++) {
		khv_lapic_init(&w->apic[i], i, &fake_ops, w);
		khv_lapic_reset(&w->apic[i], i == 0, false);
		khv_lapic_mmio_write(&w->apic[i], APIC_SPIV,
				     APIC_SPIV_APIC_ENABLED | 0xff);
		w->apic[i].tsc_khz = 1000000;	/* 1 tick per ns */
		w->apic[i].tsc_deadline_ok = true;
	}
	w->route = true;
	return w;
}

static u32 rd(struct khv_lapic *apic, u32 off)
{
	return khv_lapic_mmio_read(apic, off, 4);
}

static void raise_vec(struct khv_lapic *apic, u8 vec, bool level)
{
	struct khv_apic_irq irq = { .vector = vec, .level = level, .assert = true };

	khv_lapic_accept(apic, &irq);
}

static void lapic_test_reset_state(struct kunit *test)
{
	struct fake_world *w = world_alloc(test);
	struct khv_lapic *a = &w->apic[0];

	khv_lapic_init(a, 3, &fake_ops, w);
	khv_lapic_reset(a, false, false);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_ID), 3U << 24);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_LVR), 0x50014U);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_DFR), 0xffffffffU);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_SPIV), 0xffU);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_LVT0), (u32)APIC_LVT_MASKED);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_LVTT), (u32)APIC_LVT_MASKED);
	KUNIT_EXPECT_EQ(test, a->base, APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE);
	/* The BSP is left in virtual-wire mode: LINT0 takes ExtINT. */
	khv_lapic_reset(a, true, false);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_LVT0), (u32)KHV_DM_EXTINT << 8);
	KUNIT_EXPECT_TRUE(test, khv_lapic_accepts_pic(a));
	KUNIT_EXPECT_TRUE(test, a->base & MSR_IA32_APICBASE_BSP);
	/* INIT keeps a rewritten ID. */
	khv_lapic_mmio_write(a, APIC_ID, 7U << 24);
	khv_lapic_reset(a, true, true);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_ID), 7U << 24);
	/* Absent registers and the write-only EOI read as 0. */
	KUNIT_EXPECT_EQ(test, rd(a, 0x40), 0U);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_EOI), 0U);
}

struct prio_case {
	const char *name;
	u8 tpr;
	u8 isr[2];		/* in service, 0 = none */
	u8 irr[3];		/* requested, 0 = none */
	u32 ppr;
	int pending;		/* vector the CPU takes, -1 none */
};

static const struct prio_case prio_cases[] = {
	{ "empty", 0, {}, {}, 0, -1 },
	{ "one_request", 0, {}, { 0x31 }, 0, 0x31 },
	{ "highest_wins", 0, {}, { 0x31, 0x82, 0x45 }, 0, 0x82 },
	{ "tpr_blocks_class", 0x40, {}, { 0x45 }, 0x40, -1 },
	{ "tpr_below_class", 0x3f, {}, { 0x45 }, 0x3f, 0x45 },
	{ "tpr_same_class_blocks", 0x42, {}, { 0x4f }, 0x42, -1 },
	{ "isr_blocks_same_class", 0, { 0x51 }, { 0x5e }, 0x50, -1 },
	{ "isr_lets_higher_class", 0, { 0x51 }, { 0x61 }, 0x50, 0x61 },
	{ "ppr_is_max_of_tpr_isr", 0x70, { 0x51 }, { 0x71, 0x81 }, 0x70, 0x81 },
	{ "isr_over_tpr", 0x20, { 0x91, 0x30 }, { 0x85 }, 0x90, -1 },
};

static void prio_desc(const struct prio_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(prio, prio_cases, prio_desc);

static void lapic_test_priority(struct kunit *test)
{
	const struct prio_case *c = test->param_value;
	struct fake_world *w = world_new(test);
	struct khv_lapic *a = &w->apic[1];
	int i;

	khv_lapic_mmio_write(a, APIC_TASKPRI, c->tpr);
	for (i = 0; i < 2 && c->isr[i]; i++)
		khv_vec_assign(a, APIC_ISR, c->isr[i], true);
	for (i = 0; i < 3 && c->irr[i]; i++)
		raise_vec(a, c->irr[i], false);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_PROCPRI), c->ppr);
	KUNIT_EXPECT_EQ(test, khv_lapic_pending(a), c->pending);
}

static void lapic_test_ack_eoi(struct kunit *test)
{
	struct fake_world *w = world_new(test);
	struct khv_lapic *a = &w->apic[0];

	raise_vec(a, 0x40, false);
	raise_vec(a, 0x60, true);
	KUNIT_EXPECT_EQ(test, w->kicks[0], 2);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_TMR + 0x30), 1U);
	KUNIT_ASSERT_EQ(test, khv_lapic_pending(a), 0x60);
	khv_lapic_ack(a, 0x60);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_IRR + 0x30), 0U);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_ISR + 0x30), 1U);
	/* 0x40 waits below the in-service 0x60. */
	KUNIT_EXPECT_EQ(test, khv_lapic_pending(a), -1);
	/* Level-triggered: the EOI goes to the IOAPIC. */
	khv_lapic_mmio_write(a, APIC_EOI, 0);
	KUNIT_EXPECT_EQ(test, w->eois, 1);
	KUNIT_EXPECT_EQ(test, w->eoi_vector, 0x60);
	KUNIT_ASSERT_EQ(test, khv_lapic_pending(a), 0x40);
	khv_lapic_ack(a, 0x40);
	khv_lapic_mmio_write(a, APIC_EOI, 0);
	KUNIT_EXPECT_EQ(test, w->eois, 1);	/* edge: no broadcast */
	KUNIT_EXPECT_EQ(test, khv_vec_highest(a, APIC_ISR), -1);
	/* EOI with nothing in service is harmless. */
	khv_lapic_mmio_write(a, APIC_EOI, 0);
	KUNIT_EXPECT_EQ(test, w->eois, 1);
}

static void lapic_test_nested_eoi(struct kunit *test)
{
	struct fake_world *w = world_new(test);
	struct khv_lapic *a = &w->apic[0];

	raise_vec(a, 0x30, false);
	khv_lapic_ack(a, 0x30);
	raise_vec(a, 0x50, false);
	KUNIT_ASSERT_EQ(test, khv_lapic_pending(a), 0x50);
	khv_lapic_ack(a, 0x50);
	/* The EOI retires the highest in-service vector first. */
	khv_lapic_mmio_write(a, APIC_EOI, 0);
	KUNIT_EXPECT_EQ(test, khv_vec_highest(a, APIC_ISR), 0x30);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_PROCPRI), 0x30U);
}

static void lapic_test_illegal_vector(struct kunit *test)
{
	struct fake_world *w = world_new(test);
	struct khv_lapic *a = &w->apic[0];

	raise_vec(a, 0x0e, false);
	KUNIT_EXPECT_EQ(test, khv_lapic_pending(a), -1);
	KUNIT_EXPECT_EQ(test, w->kicks[0], 0);
	/* Errors show in the ESR after the next ESR write (10.5.3). */
	KUNIT_EXPECT_EQ(test, rd(a, APIC_ESR), 0U);
	khv_lapic_mmio_write(a, APIC_ESR, 0);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_ESR), (u32)APIC_ESR_RECVILL);
	khv_lapic_mmio_write(a, APIC_ESR, 0);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_ESR), 0U);
}

struct icr_case {
	const char *name;
	u32 lo, hi;
	struct khv_apic_irq irq;
};

static const struct icr_case icr_cases[] = {
	{ "fixed_physical", 0x00004041, 0x03000000,
	  { .vector = 0x41, .dm = KHV_DM_FIXED, .assert = true, .dest = 3 } },
	{ "lowest_logical", 0x00004931, 0x0c000000,
	  { .vector = 0x31, .dm = KHV_DM_LOWEST, .logical = true, .assert = true,
	    .dest = 0x0c } },
	{ "nmi_all_but_self", 0x000c4400, 0,
	  { .dm = KHV_DM_NMI, .shorthand = KHV_SH_OTHERS, .assert = true } },
	{ "init_assert", 0x0000c500, 0x01000000,
	  { .dm = KHV_DM_INIT, .level = true, .assert = true, .dest = 1 } },
	{ "init_deassert", 0x00008500, 0x01000000,
	  { .dm = KHV_DM_INIT, .level = true, .dest = 1 } },
	{ "sipi", 0x00004609, 0x02000000,
	  { .vector = 9, .dm = KHV_DM_SIPI, .assert = true, .dest = 2 } },
	{ "self_level", 0x0004c0f0, 0,
	  { .vector = 0xf0, .shorthand = KHV_SH_SELF, .level = true, .assert = true } },
	{ "all_including_self", 0x00084020, 0,
	  { .vector = 0x20, .shorthand = KHV_SH_ALL, .assert = true } },
};

static void icr_desc(const struct icr_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(icr, icr_cases, icr_desc);

static void lapic_test_icr_decode(struct kunit *test)
{
	const struct icr_case *c = test->param_value;
	struct fake_world *w = world_new(test);
	struct khv_lapic *a = &w->apic[0];
	const struct khv_apic_irq *got = &w->last_ipi;

	w->route = false;
	khv_lapic_mmio_write(a, APIC_ICR2, c->hi | 0xff);	/* low bits reserved */
	KUNIT_EXPECT_EQ(test, rd(a, APIC_ICR2), c->hi);
	KUNIT_EXPECT_EQ(test, w->ipis, 0);	/* only the low half sends */
	khv_lapic_mmio_write(a, APIC_ICR, c->lo | APIC_ICR_BUSY);
	KUNIT_ASSERT_EQ(test, w->ipis, 1);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_ICR), c->lo);	/* delivery status idle */
	KUNIT_EXPECT_EQ(test, got->vector, c->irq.vector);
	KUNIT_EXPECT_EQ(test, got->dm, c->irq.dm);
	KUNIT_EXPECT_EQ(test, got->logical, c->irq.logical);
	KUNIT_EXPECT_EQ(test, got->level, c->irq.level);
	KUNIT_EXPECT_EQ(test, got->assert, c->irq.assert);
	KUNIT_EXPECT_EQ(test, got->shorthand, c->irq.shorthand);
	KUNIT_EXPECT_EQ(test, got->dest, c->irq.dest);
	KUNIT_EXPECT_FALSE(test, got->x2apic_dest);
}

struct match_case {
	const char *name;
	bool x2apic;		/* target in x2APIC mode */
	u32 id;			/* target's vCPU id */
	u32 ldr, dfr;		/* xAPIC logical setup */
	bool self;		/* the sender is the target */
	struct khv_apic_irq irq;
	bool match;
};

#define MC_PHYS(d)	{ .dest = (d) }
#define MC_LOG(d)	{ .dest = (d), .logical = true }
#define MC_X2P(d)	{ .dest = (d), .x2apic_dest = true }
#define MC_X2L(d)	{ .dest = (d), .logical = true, .x2apic_dest = true }
#define MC_SH(s)	{ .shorthand = (s), .dest = 0x55 }

static const struct match_case match_cases[] = {
	{ "phys_hit", false, 2, 0, ~0U, false, MC_PHYS(2), true },
	{ "phys_miss", false, 2, 0, ~0U, false, MC_PHYS(3), false },
	{ "phys_broadcast", false, 2, 0, ~0U, false, MC_PHYS(0xff), true },
	{ "flat_hit", false, 1, 0x02000000, ~0U, false, MC_LOG(0x06), true },
	{ "flat_miss", false, 1, 0x02000000, ~0U, false, MC_LOG(0x05), false },
	{ "flat_broadcast", false, 1, 0, ~0U, false, MC_LOG(0xff), true },
	{ "cluster_hit", false, 1, 0x32000000, 0x0fffffff, false, MC_LOG(0x36), true },
	{ "cluster_wrong_cluster", false, 1, 0x32000000, 0x0fffffff, false,
	  MC_LOG(0x26), false },
	{ "cluster_wrong_member", false, 1, 0x32000000, 0x0fffffff, false,
	  MC_LOG(0x31), false },
	{ "sh_self_is_self", false, 1, 0, ~0U, true, MC_SH(KHV_SH_SELF), true },
	{ "sh_self_other", false, 1, 0, ~0U, false, MC_SH(KHV_SH_SELF), false },
	{ "sh_all_self", false, 1, 0, ~0U, true, MC_SH(KHV_SH_ALL), true },
	{ "sh_others_self", false, 1, 0, ~0U, true, MC_SH(KHV_SH_OTHERS), false },
	{ "sh_others_other", false, 1, 0, ~0U, false, MC_SH(KHV_SH_OTHERS), true },
	{ "x2_phys_hit", true, 0x123, 0, 0, false, MC_X2P(0x123), true },
	{ "x2_phys_miss", true, 0x123, 0, 0, false, MC_X2P(0x23), false },
	{ "x2_phys_broadcast", true, 0x123, 0, 0, false, MC_X2P(0xffffffff), true },
	{ "x2_phys_ioapic_broadcast", true, 0x123, 0, 0, false, MC_PHYS(0xff), true },
	/* x2APIC ID 0x13: cluster 1, bit 3. */
	{ "x2_logical_hit", true, 0x13, 0, 0, false, MC_X2L(0x00010008), true },
	{ "x2_logical_wrong_cluster", true, 0x13, 0, 0, false, MC_X2L(0x00020008), false },
	{ "x2_logical_wrong_bit", true, 0x13, 0, 0, false, MC_X2L(0x00010004), false },
};

static void match_desc(const struct match_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(match, match_cases, match_desc);

static void lapic_test_match(struct kunit *test)
{
	const struct match_case *c = test->param_value;
	struct fake_world *w = world_alloc(test);
	struct khv_lapic *t = &w->apic[0], *other = &w->apic[1];

	khv_lapic_init(t, c->id, &fake_ops, w);
	khv_lapic_reset(t, false, false);
	khv_lapic_init(other, 99, &fake_ops, w);
	if (c->x2apic) {
		KUNIT_ASSERT_EQ(test, khv_lapic_set_base(t, t->base | X2APIC_ENABLE,
							 false), 0);
	} else {
		khv_lapic_mmio_write(t, APIC_LDR, c->ldr);
		khv_lapic_mmio_write(t, APIC_DFR, c->dfr);
	}
	KUNIT_EXPECT_EQ(test, khv_lapic_match(t, c->self ? t : other, &c->irq),
			c->match);
}

static void lapic_test_ipi_fixed_and_shorthands(struct kunit *test)
{
	struct fake_world *w = world_new(test);
	int i;

	/* Physical to APIC 2. */
	khv_lapic_mmio_write(&w->apic[2], APIC_LVT0, 0);
	khv_lapic_mmio_write(&w->apic[0], APIC_ICR2, 2U << 24);
	khv_lapic_mmio_write(&w->apic[0], APIC_ICR, 0x4051);
	KUNIT_EXPECT_EQ(test, w->delivered, 1);
	KUNIT_EXPECT_EQ(test, khv_lapic_pending(&w->apic[2]), 0x51);
	KUNIT_EXPECT_EQ(test, w->kicks[2], 1);
	KUNIT_EXPECT_EQ(test, khv_lapic_pending(&w->apic[1]), -1);

	/* All but self. */
	khv_lapic_mmio_write(&w->apic[1], APIC_ICR, 0xc4061);
	KUNIT_EXPECT_EQ(test, w->delivered, 1 + 3);
	KUNIT_EXPECT_EQ(test, khv_lapic_pending(&w->apic[1]), -1);
	for (i = 0; i < NAPICS; i++)
		if (i != 1)
			KUNIT_EXPECT_EQ(test, khv_lapic_pending(&w->apic[i]), 0x61);

	/* A software-disabled target ignores fixed IPIs. */
	khv_lapic_mmio_write(&w->apic[3], APIC_SPIV, 0xff);
	khv_lapic_mmio_write(&w->apic[0], APIC_ICR2, 3U << 24);
	khv_lapic_mmio_write(&w->apic[0], APIC_ICR, 0x4071);
	KUNIT_EXPECT_EQ(test, w->delivered, 4);
	KUNIT_EXPECT_EQ(test, khv_lapic_pending(&w->apic[3]), 0x61);
}

static void lapic_test_ipi_logical_lowest(struct kunit *test)
{
	struct fake_world *w = world_new(test);
	int i;

	/* Flat model: APIC i has logical ID bit i. */
	for (i = 0; i < NAPICS; i++)
		khv_lapic_mmio_write(&w->apic[i], APIC_LDR, BIT(24 + i));
	khv_lapic_mmio_write(&w->apic[1], APIC_TASKPRI, 0x50);
	khv_lapic_mmio_write(&w->apic[2], APIC_TASKPRI, 0x20);
	khv_lapic_mmio_write(&w->apic[3], APIC_TASKPRI, 0x40);
	/* Lowest priority among 1, 2, 3: APIC 2 (TPR 0x20). */
	khv_lapic_mmio_write(&w->apic[0], APIC_ICR2, 0x0eU << 24);
	khv_lapic_mmio_write(&w->apic[0], APIC_ICR, 0x4900 | 0x81);
	KUNIT_EXPECT_EQ(test, w->delivered, 1);
	KUNIT_EXPECT_EQ(test, khv_lapic_pending(&w->apic[2]), 0x81);
	KUNIT_EXPECT_EQ(test, khv_lapic_pending(&w->apic[1]), -1);
	KUNIT_EXPECT_EQ(test, khv_lapic_pending(&w->apic[3]), -1);
	/* Fixed logical to 1 and 3. */
	khv_lapic_mmio_write(&w->apic[0], APIC_ICR2, 0x0aU << 24);
	khv_lapic_mmio_write(&w->apic[0], APIC_ICR, 0x4800 | 0x91);
	KUNIT_EXPECT_EQ(test, w->delivered, 3);
	KUNIT_EXPECT_EQ(test, khv_lapic_pending(&w->apic[1]), 0x91);
	KUNIT_EXPECT_EQ(test, khv_lapic_pending(&w->apic[3]), 0x91);
}

/* INIT, SIPI in a row before the AP ran: the SIPI stays; a later INIT voids it. */
static void lapic_test_init_sipi_order(struct kunit *test)
{
	struct fake_world *w = world_new(test);
	struct khv_lapic *ap = &w->apic[1];

	ap->mp_state = KVM_MP_STATE_UNINITIALIZED;
	khv_lapic_mmio_write(&w->apic[0], APIC_ICR2, 1U << 24);
	khv_lapic_mmio_write(&w->apic[0], APIC_ICR, 0xc500);
	khv_lapic_mmio_write(&w->apic[0], APIC_ICR, 0x4609);
	KUNIT_EXPECT_TRUE(test, ap->init_pending);
	KUNIT_EXPECT_TRUE(test, ap->sipi_pending);
	KUNIT_EXPECT_EQ(test, ap->sipi_vector, 9);
	khv_lapic_mmio_write(&w->apic[0], APIC_ICR, 0xc500);
	KUNIT_EXPECT_TRUE(test, ap->init_pending);
	KUNIT_EXPECT_FALSE(test, ap->sipi_pending);
}

static void lapic_test_nmi_init_sipi(struct kunit *test)
{
	struct fake_world *w = world_new(test);
	struct khv_lapic *ap = &w->apic[1];

	ap->mp_state = KVM_MP_STATE_UNINITIALIZED;
	/* SIPI before INIT is ignored. */
	khv_lapic_mmio_write(&w->apic[0], APIC_ICR2, 1U << 24);
	khv_lapic_mmio_write(&w->apic[0], APIC_ICR, 0x4609);
	KUNIT_EXPECT_FALSE(test, ap->sipi_pending);
	KUNIT_EXPECT_EQ(test, w->kicks[1], 0);
	/* INIT assert, INIT de-assert (ignored), SIPI. */
	khv_lapic_mmio_write(&w->apic[0], APIC_ICR, 0xc500);
	KUNIT_EXPECT_TRUE(test, ap->init_pending);
	ap->init_pending = false;
	khv_lapic_mmio_write(&w->apic[0], APIC_ICR, 0x8500);
	KUNIT_EXPECT_FALSE(test, ap->init_pending);
	ap->mp_state = KVM_MP_STATE_INIT_RECEIVED;
	khv_lapic_mmio_write(&w->apic[0], APIC_ICR, 0x4609);
	KUNIT_EXPECT_TRUE(test, ap->sipi_pending);
	KUNIT_EXPECT_EQ(test, ap->sipi_vector, 9);
	/* NMI, even to a software-disabled APIC. */
	khv_lapic_mmio_write(ap, APIC_SPIV, 0xff);
	khv_lapic_mmio_write(&w->apic[0], APIC_ICR, 0x4400);
	KUNIT_EXPECT_TRUE(test, ap->nmi_pending);
	/* A hardware-disabled APIC takes nothing. */
	ap->nmi_pending = false;
	KUNIT_ASSERT_EQ(test, khv_lapic_set_base(ap, APIC_DEFAULT_PHYS_BASE, false), 0);
	khv_lapic_mmio_write(&w->apic[0], APIC_ICR, 0x4400);
	KUNIT_EXPECT_FALSE(test, ap->nmi_pending);
	KUNIT_EXPECT_TRUE(test, khv_lapic_accepts_pic(ap));
}

static void lapic_test_timer_oneshot(struct kunit *test)
{
	struct fake_world *w = world_new(test);
	struct khv_lapic *a = &w->apic[1];

	w->now = 10000;
	khv_lapic_mmio_write(a, APIC_TDCR, APIC_TDR_DIV_4);
	khv_lapic_mmio_write(a, APIC_LVTT, 0xec);
	khv_lapic_mmio_write(a, APIC_TMICT, 1000);
	KUNIT_EXPECT_EQ(test, w->timer[1], 10000ULL + 4000);
	w->now += 1000;
	KUNIT_EXPECT_EQ(test, rd(a, APIC_TMCCT), 750U);
	/* Early callback: nothing delivered, same expiry asked again. */
	KUNIT_EXPECT_EQ(test, khv_lapic_timer_expired(a), 14000ULL);
	KUNIT_EXPECT_EQ(test, khv_lapic_pending(a), -1);
	w->now = 14000;
	KUNIT_EXPECT_EQ(test, khv_lapic_timer_expired(a), 0ULL);
	KUNIT_EXPECT_EQ(test, khv_lapic_pending(a), 0xec);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_TMCCT), 0U);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_TMICT), 1000U);
	/* Count 0 stops it. */
	khv_lapic_mmio_write(a, APIC_TMICT, 50);
	KUNIT_EXPECT_EQ(test, w->timer[1], 14000ULL + 200);
	khv_lapic_mmio_write(a, APIC_TMICT, 0);
	KUNIT_EXPECT_EQ(test, w->timer[1], 0ULL);
	KUNIT_EXPECT_EQ(test, khv_lapic_timer_expired(a), 0ULL);
	/* Divide by 1 (TDCR 0xb). */
	khv_lapic_mmio_write(a, APIC_TDCR, APIC_TDR_DIV_1);
	khv_lapic_mmio_write(a, APIC_TMICT, 77);
	KUNIT_EXPECT_EQ(test, w->timer[1], 14000ULL + 77);
}

static void lapic_test_timer_periodic(struct kunit *test)
{
	struct fake_world *w = world_new(test);
	struct khv_lapic *a = &w->apic[0];
	u64 p = 1000000;	/* 1 ms */

	khv_lapic_mmio_write(a, APIC_TDCR, APIC_TDR_DIV_1);
	khv_lapic_mmio_write(a, APIC_LVTT, APIC_LVT_MASKED | BIT(17) | 0x40);
	khv_lapic_mmio_write(a, APIC_TMICT, p);
	KUNIT_EXPECT_EQ(test, w->timer[0], p);
	w->now = p;
	KUNIT_EXPECT_EQ(test, khv_lapic_timer_expired(a), 2 * p);
	/* Masked: counting, but nothing delivered. */
	KUNIT_EXPECT_EQ(test, khv_lapic_pending(a), -1);
	khv_lapic_mmio_write(a, APIC_LVTT, BIT(17) | 0x40);
	w->now = 2 * p + 10;
	KUNIT_EXPECT_EQ(test, khv_lapic_timer_expired(a), 3 * p);
	KUNIT_EXPECT_EQ(test, khv_lapic_pending(a), 0x40);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_TMCCT), (u32)(p - 10));
	/* Far behind: the missed ticks are dropped, no burst. */
	w->now = 10 * p + 5;
	KUNIT_EXPECT_EQ(test, khv_lapic_timer_expired(a), 11 * p + 5);
	/* A period below the floor is stretched to it. */
	khv_lapic_mmio_write(a, APIC_TMICT, 1);
	KUNIT_EXPECT_EQ(test, w->timer[0], 10 * p + 5 + KHV_APIC_MIN_PERIOD_NS);
	/* Changing the mode stops the timer and clears the count. */
	khv_lapic_mmio_write(a, APIC_LVTT, 0x40);
	KUNIT_EXPECT_EQ(test, w->timer[0], 0ULL);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_TMICT), 0U);
}

static void lapic_test_timer_tsc_deadline(struct kunit *test)
{
	struct fake_world *w = world_new(test);
	struct khv_lapic *a = &w->apic[0];

	w->now = 500;
	w->tsc = 7000;
	/* Outside TSC-deadline mode the MSR reads 0 and writes are ignored. */
	khv_lapic_set_tsc_deadline(a, 9000);
	KUNIT_EXPECT_EQ(test, khv_lapic_get_tsc_deadline(a), 0ULL);
	KUNIT_EXPECT_EQ(test, w->timer[0], 0ULL);
	khv_lapic_mmio_write(a, APIC_LVTT, (2 << 17) | 0x33);
	/* TMICT is ignored in this mode. */
	khv_lapic_mmio_write(a, APIC_TMICT, 100);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_TMICT), 0U);
	khv_lapic_set_tsc_deadline(a, 9000);
	KUNIT_EXPECT_EQ(test, khv_lapic_get_tsc_deadline(a), 9000ULL);
	KUNIT_EXPECT_EQ(test, w->timer[0], 500ULL + 2000);
	w->now = 2500;
	KUNIT_EXPECT_EQ(test, khv_lapic_timer_expired(a), 0ULL);
	KUNIT_EXPECT_EQ(test, khv_lapic_pending(a), 0x33);
	KUNIT_EXPECT_EQ(test, khv_lapic_get_tsc_deadline(a), 0ULL);
	/* A deadline in the past fires at once; 0 disarms. */
	khv_lapic_set_tsc_deadline(a, 10);
	KUNIT_EXPECT_EQ(test, w->timer[0], 2501ULL);
	khv_lapic_set_tsc_deadline(a, 0);
	KUNIT_EXPECT_EQ(test, w->timer[0], 0ULL);
	/* Without the CPUID bit the mode cannot be selected. */
	a->tsc_deadline_ok = false;
	khv_lapic_mmio_write(a, APIC_LVTT, (2 << 17) | 0x33);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_LVTT), 0x33U);
}

static void lapic_test_sw_disable(struct kunit *test)
{
	struct fake_world *w = world_new(test);
	struct khv_lapic *a = &w->apic[1];

	khv_lapic_mmio_write(a, APIC_LVTT, 0x40);
	khv_lapic_mmio_write(a, APIC_LVT1, 0x400);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_LVTT), 0x40U);
	/* Clearing SVR.8 masks every LVT; unmasking is refused meanwhile. */
	khv_lapic_mmio_write(a, APIC_SPIV, 0x1ff & ~APIC_SPIV_APIC_ENABLED);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_LVTT), (u32)(APIC_LVT_MASKED | 0x40));
	KUNIT_EXPECT_EQ(test, rd(a, APIC_LVT1), (u32)(APIC_LVT_MASKED | 0x400));
	khv_lapic_mmio_write(a, APIC_LVTT, 0x41);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_LVTT), (u32)(APIC_LVT_MASKED | 0x41));
	raise_vec(a, 0x80, false);
	KUNIT_EXPECT_EQ(test, khv_lapic_pending(a), -1);
	khv_lapic_mmio_write(a, APIC_SPIV, 0x1ff);
	khv_lapic_mmio_write(a, APIC_LVTT, 0x41);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_LVTT), 0x41U);
	/* Read-only bits stay: remote IRR (14) and delivery status (12). */
	khv_lapic_mmio_write(a, APIC_LVT0, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_LVT0), 0x1a7ffU);
	khv_lapic_mmio_write(a, APIC_LVTERR, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_LVTERR), 0x100ffU);
}

struct base_case {
	const char *name;
	u64 from, to;
	bool host;
	int ret;
};

#define B_EN	(APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE)
#define B_X2	(B_EN | X2APIC_ENABLE)
#define B_OFF	APIC_DEFAULT_PHYS_BASE

static const struct base_case base_cases[] = {
	{ "xapic_to_x2apic", B_EN, B_X2, false, 0 },
	{ "x2apic_to_xapic", B_X2, B_EN, false, 1 },
	{ "x2apic_to_xapic_host", B_X2, B_EN, true, 0 },
	{ "x2apic_to_disabled", B_X2, B_OFF, false, 0 },
	{ "disabled_to_x2apic", B_OFF, B_X2, false, 1 },
	{ "disabled_to_xapic", B_OFF, B_EN, false, 0 },
	{ "extd_without_en", B_EN, B_OFF | X2APIC_ENABLE, false, 1 },
	{ "extd_without_en_host", B_EN, B_OFF | X2APIC_ENABLE, true, 1 },
	{ "move_base", B_EN, 0xfee10000 | MSR_IA32_APICBASE_ENABLE, false, 0 },
};

static void base_desc(const struct base_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(base, base_cases, base_desc);

static void lapic_test_apic_base(struct kunit *test)
{
	const struct base_case *c = test->param_value;
	struct fake_world *w = world_alloc(test);
	struct khv_lapic *a = &w->apic[0];

	khv_lapic_init(a, 5, &fake_ops, w);
	khv_lapic_reset(a, false, false);
	a->base = c->from;
	KUNIT_EXPECT_EQ(test, khv_lapic_set_base(a, c->to, c->host), c->ret);
	KUNIT_EXPECT_EQ(test, a->base, c->ret ? c->from : c->to);
}

static void lapic_test_x2apic_msrs(struct kunit *test)
{
	struct fake_world *w = world_new(test);
	struct khv_lapic *a = &w->apic[3];
	u64 v;

	/* Not in x2APIC mode: every MSR is #GP. */
	KUNIT_EXPECT_EQ(test, khv_lapic_rdmsr(a, 0x802, &v), 1);
	KUNIT_ASSERT_EQ(test, khv_lapic_set_base(a, B_X2, false), 0);
	KUNIT_ASSERT_EQ(test, khv_lapic_rdmsr(a, 0x802, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 3ULL);
	KUNIT_ASSERT_EQ(test, khv_lapic_rdmsr(a, 0x80d, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0x8ULL);		/* cluster 0, bit 3 */
	KUNIT_ASSERT_EQ(test, khv_lapic_rdmsr(a, 0x803, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0x50014ULL);
	/* Absent in x2APIC: DFR, ICR2, APR; write-only: EOI, SELF IPI. */
	KUNIT_EXPECT_EQ(test, khv_lapic_rdmsr(a, 0x80e, &v), 1);
	KUNIT_EXPECT_EQ(test, khv_lapic_rdmsr(a, 0x831, &v), 1);
	KUNIT_EXPECT_EQ(test, khv_lapic_rdmsr(a, 0x809, &v), 1);
	KUNIT_EXPECT_EQ(test, khv_lapic_rdmsr(a, 0x80b, &v), 1);
	KUNIT_EXPECT_EQ(test, khv_lapic_rdmsr(a, 0x83f, &v), 1);
	/* Read-only registers, bits 63:32, a non-zero EOI: #GP. */
	KUNIT_EXPECT_EQ(test, khv_lapic_wrmsr(a, 0x802, 0), 1);
	KUNIT_EXPECT_EQ(test, khv_lapic_wrmsr(a, 0x80d, 0), 1);
	KUNIT_EXPECT_EQ(test, khv_lapic_wrmsr(a, 0x808, 1ULL << 32), 1);
	KUNIT_EXPECT_EQ(test, khv_lapic_wrmsr(a, 0x80b, 1), 1);
	KUNIT_EXPECT_EQ(test, khv_lapic_wrmsr(a, 0x808, 0x20), 0);
	KUNIT_ASSERT_EQ(test, khv_lapic_rdmsr(a, 0x808, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0x20ULL);
	/* 64-bit ICR: 32-bit destination, physical, to APIC 1. */
	KUNIT_EXPECT_EQ(test, khv_lapic_wrmsr(a, 0x830, (1ULL << 32) | 0x4055), 0);
	KUNIT_EXPECT_TRUE(test, w->last_ipi.x2apic_dest);
	KUNIT_EXPECT_EQ(test, w->last_ipi.dest, 1U);
	KUNIT_EXPECT_EQ(test, khv_lapic_pending(&w->apic[1]), 0x55);
	KUNIT_ASSERT_EQ(test, khv_lapic_rdmsr(a, 0x830, &v), 0);
	KUNIT_EXPECT_EQ(test, v, (1ULL << 32) | 0x4055);
	/* SELF IPI: a vector to this APIC, the ICR untouched. */
	KUNIT_EXPECT_EQ(test, khv_lapic_wrmsr(a, 0x83f, 0x1ff), 1);
	KUNIT_EXPECT_EQ(test, khv_lapic_wrmsr(a, 0x83f, 0x66), 0);
	KUNIT_EXPECT_EQ(test, khv_lapic_pending(a), 0x66);
	KUNIT_ASSERT_EQ(test, khv_lapic_rdmsr(a, 0x830, &v), 0);
	KUNIT_EXPECT_EQ(test, v, (1ULL << 32) | 0x4055);
	/* EOI of 0 retires it. */
	khv_lapic_ack(a, 0x66);
	KUNIT_EXPECT_EQ(test, khv_lapic_wrmsr(a, 0x80b, 0), 0);
	KUNIT_EXPECT_EQ(test, khv_vec_highest(a, APIC_ISR), -1);
}

static void lapic_test_state(struct kunit *test)
{
	struct fake_world *w = world_new(test);
	struct khv_lapic *a = &w->apic[2];
	u32 *regs = kunit_kzalloc(test, KHV_APIC_REGS_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, regs);
	khv_lapic_mmio_write(a, APIC_TASKPRI, 0x30);
	khv_lapic_mmio_write(a, APIC_LVTT, 0x45);
	khv_lapic_mmio_write(a, APIC_TMICT, 1000);
	raise_vec(a, 0x90, false);
	khv_lapic_ack(a, 0x90);
	w->now = 400;
	khv_lapic_get_state(a, regs);
	KUNIT_EXPECT_EQ(test, regs[APIC_ID >> 2], 2U << 24);
	KUNIT_EXPECT_EQ(test, regs[APIC_TASKPRI >> 2], 0x30U);
	KUNIT_EXPECT_EQ(test, regs[APIC_PROCPRI >> 2], 0x90U);
	KUNIT_EXPECT_EQ(test, regs[APIC_TMCCT >> 2], 800U);	/* divide by 2 */
	KUNIT_EXPECT_EQ(test, regs[(APIC_ISR + 0x40) >> 2], BIT(0x10));

	/* Into another APIC: the timer restarts from the initial count. */
	w->now = 1000;
	KUNIT_ASSERT_EQ(test, khv_lapic_set_state(&w->apic[3], regs), 0);
	KUNIT_EXPECT_EQ(test, w->timer[3], 1000ULL + 2000);
	KUNIT_EXPECT_EQ(test, rd(&w->apic[3], APIC_PROCPRI), 0x90U);
	/* x2APIC: the ID must be the vCPU's, in the xAPIC position. */
	KUNIT_ASSERT_EQ(test, khv_lapic_set_base(&w->apic[3], B_X2, false), 0);
	KUNIT_EXPECT_EQ(test, khv_lapic_set_state(&w->apic[3], regs), -EINVAL);
	regs[APIC_ID >> 2] = 3U << 24;
	KUNIT_EXPECT_EQ(test, khv_lapic_set_state(&w->apic[3], regs), 0);
	khv_lapic_get_state(&w->apic[3], regs);
	KUNIT_EXPECT_EQ(test, regs[APIC_ID >> 2], 3U << 24);
	KUNIT_EXPECT_EQ(test, regs[APIC_LDR >> 2], 0x8U);
}

static void lapic_test_mmio_sizes(struct kunit *test)
{
	struct fake_world *w = world_new(test);
	struct khv_lapic *a = &w->apic[0];

	khv_lapic_mmio_write(a, APIC_TASKPRI, 0xa5);
	KUNIT_EXPECT_EQ(test, khv_lapic_mmio_read(a, APIC_TASKPRI, 1), 0xa5U);
	KUNIT_EXPECT_EQ(test, khv_lapic_mmio_read(a, APIC_LVR + 2, 2), 0x5U);
	KUNIT_EXPECT_EQ(test, khv_lapic_mmio_read(a, APIC_LVR + 2, 4), 0U);
	/* Unaligned writes are dropped. */
	khv_lapic_mmio_write(a, APIC_TASKPRI + 4, 0x11);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_TASKPRI), 0xa5U);
	/* Writes to read-only registers: "illegal register address". */
	khv_lapic_mmio_write(a, APIC_LVR, 0);
	khv_lapic_mmio_write(a, APIC_ESR, 0);
	KUNIT_EXPECT_EQ(test, rd(a, APIC_ESR), (u32)APIC_ESR_ILLREGA);
}

struct msi_case {
	const char *name;
	u32 addr, data;
	struct khv_apic_irq irq;
};

static const struct msi_case msi_cases[] = {
	{ "fixed_edge_physical", 0xfee03000, 0x0041,
	  { .vector = 0x41, .dest = 3, .assert = true } },
	{ "lowest_logical", 0xfee0f004, 0x0152,
	  { .vector = 0x52, .dm = KHV_DM_LOWEST, .logical = true, .dest = 0xf,
	    .assert = true } },
	{ "level", 0xfee01000, 0xc063,
	  { .vector = 0x63, .level = true, .dest = 1, .assert = true } },
	{ "nmi", 0xfeeff000, 0x0400,
	  { .dm = KHV_DM_NMI, .dest = 0xff, .assert = true } },
};

static void msi_desc(const struct msi_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(msi, msi_cases, msi_desc);

static void lapic_test_msi(struct kunit *test)
{
	const struct msi_case *c = test->param_value;
	struct khv_apic_irq irq;

	khv_msi_to_irq(c->addr, c->data, &irq);
	KUNIT_EXPECT_EQ(test, irq.vector, c->irq.vector);
	KUNIT_EXPECT_EQ(test, irq.dm, c->irq.dm);
	KUNIT_EXPECT_EQ(test, irq.logical, c->irq.logical);
	KUNIT_EXPECT_EQ(test, irq.level, c->irq.level);
	KUNIT_EXPECT_EQ(test, irq.dest, c->irq.dest);
	KUNIT_EXPECT_EQ(test, irq.shorthand, 0);
	KUNIT_EXPECT_FALSE(test, irq.x2apic_dest);
}

/* APIC ID 2, logical flat LDR bit 2 (0x04), xAPIC. */
struct msi_eoi_case {
	const char *name;
	u32 addr, data;
	u8 vector;
	bool exits;
};

static const struct msi_eoi_case msi_eoi_cases[] = {
	{ "level_physical_hit", 0xfee02000, 0xc051, 0x51, true },
	{ "level_physical_broadcast", 0xfeeff000, 0xc051, 0x51, true },
	{ "level_lowest_logical_hit", 0xfee06004, 0xc151, 0x51, true },
	{ "level_logical_miss", 0xfee03004, 0xc051, 0x51, false },
	{ "level_physical_other_apic", 0xfee01000, 0xc051, 0x51, false },
	{ "level_other_vector", 0xfee02000, 0xc052, 0x51, false },
	{ "edge_same_vector", 0xfee02000, 0x0051, 0x51, false },
	/* The level bit, not the assert bit, makes it level (KVM's trig_mode). */
	{ "level_deassert_bit", 0xfee02000, 0x8051, 0x51, true },
};

static void msi_eoi_desc(const struct msi_eoi_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(msi_eoi, msi_eoi_cases, msi_eoi_desc);

static void lapic_test_msi_eoi(struct kunit *test)
{
	const struct msi_eoi_case *c = test->param_value;
	struct fake_world *w = world_new(test);
	struct khv_lapic *a = &w->apic[2];

	khv_lapic_mmio_write(a, APIC_LDR, 0x04000000);
	KUNIT_EXPECT_EQ(test, khv_lapic_msi_eoi(a, c->addr, c->data, c->vector),
			c->exits);
}

/* Split irqchip: every EOI reaches the owner, edge or level. */
static void lapic_test_eoi_every(struct kunit *test)
{
	struct fake_world *w = world_new(test);
	struct khv_lapic *a = &w->apic[0];

	a->eoi_every = true;
	raise_vec(a, 0x40, false);
	khv_lapic_ack(a, 0x40);
	khv_lapic_mmio_write(a, APIC_EOI, 0);
	KUNIT_EXPECT_EQ(test, w->eois, 1);
	KUNIT_EXPECT_EQ(test, w->eoi_vector, 0x40);
	/* Nothing in service: no EOI to report. */
	khv_lapic_mmio_write(a, APIC_EOI, 0);
	KUNIT_EXPECT_EQ(test, w->eois, 1);
}

static struct kunit_case lapic_test_cases[] = {
	KUNIT_CASE(lapic_test_reset_state),
	KUNIT_CASE_PARAM(lapic_test_priority, prio_gen_params),
	KUNIT_CASE(lapic_test_ack_eoi),
	KUNIT_CASE(lapic_test_nested_eoi),
	KUNIT_CASE(lapic_test_illegal_vector),
	KUNIT_CASE_PARAM(lapic_test_icr_decode, icr_gen_params),
	KUNIT_CASE_PARAM(lapic_test_match, match_gen_params),
	KUNIT_CASE(lapic_test_ipi_fixed_and_shorthands),
	KUNIT_CASE(lapic_test_ipi_logical_lowest),
	KUNIT_CASE(lapic_test_nmi_init_sipi),
	KUNIT_CASE(lapic_test_init_sipi_order),
	KUNIT_CASE(lapic_test_timer_oneshot),
	KUNIT_CASE(lapic_test_timer_periodic),
	KUNIT_CASE(lapic_test_timer_tsc_deadline),
	KUNIT_CASE(lapic_test_sw_disable),
	KUNIT_CASE_PARAM(lapic_test_apic_base, base_gen_params),
	KUNIT_CASE(lapic_test_x2apic_msrs),
	KUNIT_CASE(lapic_test_state),
	KUNIT_CASE(lapic_test_mmio_sizes),
	KUNIT_CASE_PARAM(lapic_test_msi, msi_gen_params),
	KUNIT_CASE_PARAM(lapic_test_msi_eoi, msi_eoi_gen_params),
	KUNIT_CASE(lapic_test_eoi_every),
	{}
};

static struct kunit_suite lapic_test_suite = {
	.name = "khv_lapic",
	.test_cases = lapic_test_cases,
};

kunit_test_suites(&lapic_test_suite);
