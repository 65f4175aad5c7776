// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the 8254 model (pit.c). Each case is a script of port
 * accesses and checks at given times, in input clocks (838 ns each) from
 * the start: counting in modes 0-5, OUT and its next rising edge, the
 * counter latch, read-back of counts and statuses, LSB/MSB/word access,
 * BCD, the zero count, the gate, reloads, and the power-on state.
 */
#include <kunit/test.h>

#include "pit.c"

enum pit_op_kind {
	W,		/* write port, val */
	R,		/* read port, expect val */
	OUT,		/* OUT of counter port&3 is val */
	EDGE,		/* next rising edge after t at clock val (-1: none) */
	GATE,		/* gate of counter port&3 to val */
};

struct pit_op {
	enum pit_op_kind kind;
	u16 port;
	s32 val;
	u32 t;		/* clocks since 0 */
};

struct pit_case {
	const char *name;
	struct pit_op ops[16];
};

#define CTL	0x43
#define C0	0x40
#define C1	0x41
#define C2	0x42

static const struct pit_case pit_cases[] = {
	{ "mode0_counts_then_wraps", {
		{ W, CTL, 0x30, 0 }, { W, C0, 16, 0 }, { W, C0, 0, 0 },
		{ R, C0, 11, 5 }, { R, C0, 0, 5 },
		{ OUT, C0, 0, 15 }, { OUT, C0, 1, 16 },
		{ R, C0, 0xfc, 20 }, { R, C0, 0xff, 20 },
		{ EDGE, C0, 16, 0 }, { EDGE, C0, -1, 16 },
	} },
	{ "mode2_rate_generator", {
		{ W, CTL, 0x34, 0 }, { W, C0, 100, 0 }, { W, C0, 0, 0 },
		{ R, C0, 100, 0 }, { R, C0, 0, 0 },
		{ R, C0, 70, 30 }, { R, C0, 0, 30 },
		{ R, C0, 1, 99 }, { R, C0, 0, 99 },
		{ R, C0, 100, 100 }, { R, C0, 0, 100 },
		{ R, C0, 50, 250 }, { R, C0, 0, 250 },
		{ OUT, C0, 0, 99 }, { OUT, C0, 1, 100 },
		{ EDGE, C0, 100, 0 },
	} },
	{ "mode2_edges_periodic", {
		{ W, CTL, 0x34, 0 }, { W, C0, 100, 0 }, { W, C0, 0, 0 },
		{ EDGE, C0, 200, 100 }, { EDGE, C0, 300, 250 },
		{ EDGE, C0, 100, 99 },
	} },
	{ "mode3_square_wave", {
		{ W, CTL, 0x36, 0 }, { W, C0, 10, 0 }, { W, C0, 0, 0 },
		{ R, C0, 10, 0 }, { R, C0, 0, 0 }, { R, C0, 8, 1 },
		{ R, C0, 0, 1 }, { R, C0, 2, 4 }, { R, C0, 0, 4 },
		{ R, C0, 10, 5 }, { R, C0, 0, 5 },
		{ OUT, C0, 1, 4 }, { OUT, C0, 0, 5 }, { OUT, C0, 0, 9 },
		{ OUT, C0, 1, 10 }, { EDGE, C0, 20, 10 },
	} },
	{ "mode6_is_mode2", {
		{ W, CTL, 0x3c, 0 }, { W, C0, 100, 0 }, { W, C0, 0, 0 },
		{ W, CTL, 0xe2, 1 }, { R, C0, 0x34, 2 }, { R, C0, 97, 3 },
	} },
	{ "mode4_strobe", {
		{ W, CTL, 0x38, 0 }, { W, C0, 50, 0 }, { W, C0, 0, 0 },
		{ OUT, C0, 1, 49 }, { OUT, C0, 0, 50 }, { OUT, C0, 1, 51 },
		{ EDGE, C0, 51, 0 }, { EDGE, C0, -1, 51 },
	} },
	{ "counter_latch_holds", {
		{ W, CTL, 0x34, 0 }, { W, C0, 0xe8, 0 }, { W, C0, 0x03, 0 },
		{ W, CTL, 0x00, 100 }, { W, CTL, 0x00, 200 },
		{ R, C0, 0x84, 300 }, { R, C0, 0x03, 500 },
		{ R, C0, 0x90, 600 }, { R, C0, 0x01, 600 },
	} },
	{ "lsb_only_and_msb_only", {
		{ W, CTL, 0x14, 0 }, { W, C0, 50, 0 },
		{ R, C0, 40, 10 }, { R, C0, 30, 20 },
		{ W, CTL, 0x24, 20 }, { W, C0, 0x02, 20 },
		{ R, C0, 0x01, 36 }, { R, C0, 0x01, 37 },
		{ W, CTL, 0x10, 40 }, { W, C0, 32, 40 },
		{ R, C0, 22, 50 }, { R, C0, 21, 51 },
	} },
	{ "read_back_status_and_count", {
		{ W, CTL, 0x70, 0 }, { W, C1, 0x34, 0 }, { W, C1, 0x12, 0 },
		{ W, CTL, 0xc4, 4 }, { R, C1, 0x30, 10 }, { R, C1, 0x30, 11 },
		{ R, C1, 0x12, 12 }, { W, CTL, 0xe4, 0x1234 },
		{ R, C1, 0xb0, 0x1240 }, { R, C1, 0xf4, 0x1240 },
	} },
	{ "read_back_several_counters", {
		{ W, CTL, 0x34, 0 }, { W, C0, 0, 0 }, { W, C0, 1, 0 },
		{ W, CTL, 0x74, 0 }, { W, C1, 0, 0 }, { W, C1, 2, 0 },
		{ W, CTL, 0xd6, 16 }, { R, C0, 0xf0, 40 }, { R, C0, 0x00, 40 },
		{ R, C1, 0xf0, 50 }, { R, C1, 0x01, 50 },
	} },
	{ "bcd_counting", {
		{ W, CTL, 0x31, 0 }, { W, C0, 0x00, 0 }, { W, C0, 0x10, 0 },
		{ R, C0, 0x99, 1 }, { R, C0, 0x09, 1 },
		{ OUT, C0, 1, 1000 }, { EDGE, C0, 1000, 0 },
	} },
	{ "zero_count_is_65536", {
		{ W, CTL, 0x34, 0 }, { W, C0, 0, 0 }, { W, C0, 0, 0 },
		{ R, C0, 0, 0 }, { R, C0, 0, 0 },
		{ R, C0, 0xff, 1 }, { R, C0, 0xff, 1 },
		{ EDGE, C0, 65536, 0 },
	} },
	{ "gate_stops_and_restarts", {
		{ W, CTL, 0xb4, 0 }, { W, C2, 100, 0 }, { W, C2, 0, 0 },
		{ R, C2, 100, 50 }, { R, C2, 0, 50 }, { OUT, C2, 1, 50 },
		{ EDGE, C2, -1, 50 }, { GATE, C2, 1, 60 },
		{ R, C2, 90, 70 }, { R, C2, 0, 70 }, { EDGE, C2, 160, 70 },
		{ GATE, C2, 0, 80 }, { R, C2, 100, 90 },
	} },
	{ "reload_restarts_the_count", {
		{ W, CTL, 0x34, 0 }, { W, C0, 100, 0 }, { W, C0, 0, 0 },
		{ W, C0, 40, 30 }, { W, C0, 0, 30 },
		{ R, C0, 30, 40 }, { R, C0, 0, 40 }, { EDGE, C0, 70, 30 },
	} },
	{ "control_word_not_readable", {
		{ R, CTL, 0xff, 0 }, { W, C0, 5, 0 }, { R, C0, 0xff, 0 },
	} },
};

static void pit_case_desc(const struct pit_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pit, pit_cases, pit_case_desc);

/* Writes happen on a clock edge, checks half a clock after one. */
static s64 T(u32 ticks)
{
	return khv_pit_ticks_to_ns(ticks);
}

static s64 TC(u32 ticks)
{
	return khv_pit_ticks_to_ns(ticks) + 400;
}

static void pit_test_script(struct kunit *test)
{
	const struct pit_case *c = test->param_value;
	struct khv_pit_model m;
	unsigned int i;
	s64 e;

	khv_pit_model_reset(&m, 0);
	for (i = 0; i < ARRAY_SIZE(c->ops) && c->ops[i].port; i++) {
		const struct pit_op *op = &c->ops[i];
		struct kvm_pit_channel_state *ch = &m.ch[op->port & 3];

		switch (op->kind) {
		case W:
			khv_pit_model_write(&m, op->port, op->val, T(op->t));
			break;
		case R:
			KUNIT_EXPECT_EQ_MSG(test, op->val,
					    khv_pit_model_read(&m, op->port, TC(op->t)),
					    "op %u: read of %#x at %u", i, op->port, op->t);
			break;
		case OUT:
			KUNIT_EXPECT_EQ_MSG(test, !!op->val, khv_pit_out(ch, TC(op->t)),
					    "op %u: OUT at %u", i, op->t);
			break;
		case EDGE:
			/* In clocks: load + N rounds apart from T(load + N). */
			e = khv_pit_next_edge(ch, TC(op->t));
			if (e >= 0)
				e = khv_pit_ns_to_ticks(e);
			KUNIT_EXPECT_EQ_MSG(test, (s64)op->val, e,
					    "op %u: edge after %u", i, op->t);
			break;
		case GATE:
			khv_pit_set_gate(&m, op->port & 3, op->val, T(op->t));
			break;
		}
	}
}

/* What KVM_CREATE_PIT2 leaves: 0x10000, gates 1 1 0, no mode, no edge. */
static void pit_test_reset_state(struct kunit *test)
{
	struct khv_pit_model m;
	unsigned int i;

	khv_pit_model_reset(&m, 1000);
	for (i = 0; i < KHV_PIT_CHANNELS; i++) {
		KUNIT_EXPECT_EQ(test, m.ch[i].count, 0x10000);
		KUNIT_EXPECT_EQ(test, m.ch[i].gate, i != 2);
		KUNIT_EXPECT_EQ(test, m.ch[i].mode, KHV_PIT_MODE_NONE);
		KUNIT_EXPECT_EQ(test, m.ch[i].count_load_time, 1000);
		KUNIT_EXPECT_EQ(test, khv_pit_next_edge(&m.ch[i], 2000), -1);
	}
	/* Data writes before any control word are dropped. */
	khv_pit_model_write(&m, C0, 7, 2000);
	KUNIT_EXPECT_EQ(test, m.ch[0].count, 0x10000);
}

/* State userspace made up (KVM_SET_PIT2) is read without harm. */
static void pit_test_foreign_state(struct kunit *test)
{
	struct khv_pit_model m;

	khv_pit_model_reset(&m, 0);
	m.ch[0] = (struct kvm_pit_channel_state){
		.count = 0xffffffff, .mode = 2, .gate = 1, .read_state = 9,
		.write_state = 7, .count_latched = 8, .rw_mode = 6,
	};
	KUNIT_EXPECT_EQ(test, khv_pit_model_read(&m, C0, T(10)), 0xff);
	khv_pit_model_write(&m, C0, 1, T(10));
	KUNIT_EXPECT_EQ(test, khv_pit_next_edge(&m.ch[0], 0), T(65536));
	m.ch[0].mode = 3;
	m.ch[0].count = 0;
	KUNIT_EXPECT_EQ(test, khv_pit_count(&m.ch[0], T(1)), 0xfffe);
	m.ch[0].bcd = 1;
	m.ch[0].count = 99999;
	KUNIT_EXPECT_EQ(test, khv_pit_count(&m.ch[0], T(1)), 0x9998);
}

/* Long uptimes: no overflow in the clock conversions. */
static void pit_test_clock(struct kunit *test)
{
	u64 year = 365ULL * 24 * 3600 * NSEC_PER_SEC;

	KUNIT_EXPECT_EQ(test, khv_pit_ns_to_ticks(NSEC_PER_SEC), KHV_PIT_HZ);
	KUNIT_EXPECT_EQ(test, khv_pit_ns_to_ticks(year),
			365ULL * 24 * 3600 * KHV_PIT_HZ);
	KUNIT_EXPECT_EQ(test, khv_pit_ns_to_ticks(khv_pit_ticks_to_ns(12345)),
			12345);
	KUNIT_EXPECT_EQ(test, khv_pit_ticks_to_ns(KHV_PIT_HZ), NSEC_PER_SEC);
}

static struct kunit_case pit_test_cases[] = {
	KUNIT_CASE_PARAM(pit_test_script, pit_gen_params),
	KUNIT_CASE(pit_test_reset_state),
	KUNIT_CASE(pit_test_foreign_state),
	KUNIT_CASE(pit_test_clock),
	{}
};

static struct kunit_suite pit_test_suite = {
	.name = "khv_pit",
	.test_cases = pit_test_cases,
};

kunit_test_suites(&pit_test_suite);
