// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the scheduling-policy logic (sched_queue.c): parameter
 * checks with their errnos, the fixed-point SJF prediction, SJF levels,
 * aging, and the order in which the host would run vCPUs given the
 * priorities khv derives: by arrival (FCFS), by predicted burst (SJF), by
 * level with aging (PRIORITY), and across VMs of different policies.
 */
#include <kunit/test.h>

#include "sched_queue.c"

#define MS	1000000ULL

struct policy_case {
	const char *name;
	struct khv_sched_policy p;
	int err;
};

#define POL(...)	{ __VA_ARGS__ }

static const struct policy_case policy_cases[] = {
	{ "default", POL(.policy = KHV_SCHED_DEFAULT), 0 },
	{ "default_with_level", POL(.policy = KHV_SCHED_DEFAULT, .level = 1), -EINVAL },
	{ "unknown_policy", POL(.policy = 4), -EINVAL },
	{ "unknown_policy_huge", POL(.policy = ~0U), -EINVAL },
	{ "reserved_set", POL(.policy = KHV_SCHED_FCFS, .reserved = { 0, 0, 1 }), -EINVAL },
	{ "fcfs", POL(.policy = KHV_SCHED_FCFS), 0 },
	{ "fcfs_top_level", POL(.policy = KHV_SCHED_FCFS, .level = KHV_SCHED_LEVEL_MAX), 0 },
	{ "fcfs_level_too_high", POL(.policy = KHV_SCHED_FCFS, .level = 32), -ERANGE },
	{ "fcfs_quantum", POL(.policy = KHV_SCHED_FCFS, .quantum_ns = 10 * MS), -EINVAL },
	{ "fcfs_alpha", POL(.policy = KHV_SCHED_FCFS, .alpha = 1), -EINVAL },
	{ "fcfs_flag", POL(.policy = KHV_SCHED_FCFS, .flags = KHV_SCHED_F_PREEMPT), -EINVAL },
	{ "sjf_alpha", POL(.policy = KHV_SCHED_SJF, .alpha = 512), 0 },
	{ "sjf_declared", POL(.policy = KHV_SCHED_SJF, .burst_ns = 3 * MS), 0 },
	{ "sjf_nothing_to_predict", POL(.policy = KHV_SCHED_SJF), -EINVAL },
	{ "sjf_alpha_one", POL(.policy = KHV_SCHED_SJF, .alpha = KHV_SCHED_ALPHA_ONE), 0 },
	{ "sjf_alpha_too_big", POL(.policy = KHV_SCHED_SJF, .alpha = 1025), -ERANGE },
	{ "sjf_burst_too_long", POL(.policy = KHV_SCHED_SJF, .burst_ns = 10001 * MS), -ERANGE },
	{ "sjf_level", POL(.policy = KHV_SCHED_SJF, .alpha = 1, .level = 1), -EINVAL },
	{ "sjf_aging", POL(.policy = KHV_SCHED_SJF, .alpha = 1, .aging_ns = MS), -EINVAL },
	{ "sjf_quantum", POL(.policy = KHV_SCHED_SJF, .alpha = 1, .quantum_ns = MS), 0 },
	{ "sjf_quantum_too_short", POL(.policy = KHV_SCHED_SJF, .alpha = 1,
				       .quantum_ns = MS - 1), -ERANGE },
	{ "sjf_preempt", POL(.policy = KHV_SCHED_SJF, .alpha = 1,
			     .flags = KHV_SCHED_F_PREEMPT), 0 },
	{ "sjf_preempt_quantum", POL(.policy = KHV_SCHED_SJF, .alpha = 1,
				     .flags = KHV_SCHED_F_PREEMPT, .quantum_ns = MS), -EINVAL },
	{ "sjf_unknown_flag", POL(.policy = KHV_SCHED_SJF, .alpha = 1, .flags = 2), -EINVAL },
	{ "priority", POL(.policy = KHV_SCHED_PRIORITY, .level = 7, .quantum_ns = 5 * MS,
			  .aging_ns = 20 * MS), 0 },
	{ "priority_level_too_high", POL(.policy = KHV_SCHED_PRIORITY, .level = 100), -ERANGE },
	{ "priority_aging_too_long", POL(.policy = KHV_SCHED_PRIORITY,
					 .aging_ns = 10001 * MS), -ERANGE },
	{ "priority_alpha", POL(.policy = KHV_SCHED_PRIORITY, .alpha = 3), -EINVAL },
	{ "priority_burst", POL(.policy = KHV_SCHED_PRIORITY, .burst_ns = MS), -EINVAL },
};

static void policy_case_desc(const struct policy_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(policy, policy_cases, policy_case_desc);

static void sched_test_policy_check(struct kunit *test)
{
	const struct policy_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, khv_sched_policy_check(&c->p), c->err);
}

static void sched_test_predict(struct kunit *test)
{
	u64 tau = MS;
	int i;

	/* alpha = 1: the last burst; alpha = 0: the old prediction. */
	KUNIT_EXPECT_EQ(test, khv_sched_predict(5 * MS, 2 * MS, KHV_SCHED_ALPHA_ONE), 2 * MS);
	KUNIT_EXPECT_EQ(test, khv_sched_predict(5 * MS, 2 * MS, 0), 5 * MS);
	/* alpha = 1/2: the mean; 1/4: three quarters of the old value. */
	KUNIT_EXPECT_EQ(test, khv_sched_predict(1000, 3000, 512), 2000);
	KUNIT_EXPECT_EQ(test, khv_sched_predict(1000, 3000, 256), 1500);
	/* Rounded to the nearest ns: (1 + 2) / 2 = 1.5 -> 2. */
	KUNIT_EXPECT_EQ(test, khv_sched_predict(1, 2, 512), 2);
	/* A series converges on a steady burst: 1, 1.5, 1.75, 1.875 ms... */
	for (i = 0; i < 3; i++)
		tau = khv_sched_predict(tau, 2 * MS, 512);
	KUNIT_EXPECT_EQ(test, tau, 1875000);
	for (i = 0; i < 40; i++)
		tau = khv_sched_predict(tau, 2 * MS, 512);
	KUNIT_EXPECT_EQ(test, tau, 2 * MS);
	/* Huge values are clamped, not overflowed. */
	KUNIT_EXPECT_EQ(test, khv_sched_predict(U64_MAX, U64_MAX, 700), 1ULL << 40);
	KUNIT_EXPECT_EQ(test, khv_sched_predict(0, U64_MAX, 2048), 1ULL << 40);
}

static void sched_test_sjf_level(struct kunit *test)
{
	u64 tau;
	unsigned int prev = KHV_SCHED_LEVEL_MAX;

	KUNIT_EXPECT_EQ(test, khv_sched_sjf_level(0), KHV_SCHED_LEVEL_MAX);
	KUNIT_EXPECT_EQ(test, khv_sched_sjf_level(1 << 16), KHV_SCHED_LEVEL_MAX);
	KUNIT_EXPECT_EQ(test, khv_sched_sjf_level(3 << 15), KHV_SCHED_LEVEL_MAX - 1);
	KUNIT_EXPECT_EQ(test, khv_sched_sjf_level(1 << 17), KHV_SCHED_LEVEL_MAX - 2);
	KUNIT_EXPECT_EQ(test, khv_sched_sjf_level(U64_MAX), 0);
	/* Twice as long: two levels lower, down to level 0. */
	KUNIT_EXPECT_EQ(test, khv_sched_sjf_level(2 * MS), khv_sched_sjf_level(MS) - 2);
	/* Never higher for a longer burst. */
	for (tau = 1; tau < 100000 * MS; tau += tau / 7 + 1) {
		KUNIT_EXPECT_LE(test, khv_sched_sjf_level(tau), prev);
		prev = khv_sched_sjf_level(tau);
	}
}

static void sched_test_aging(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, khv_sched_aged_level(3, 100 * MS, 0), 3);
	KUNIT_EXPECT_EQ(test, khv_sched_aged_level(3, 9 * MS, 10 * MS), 3);
	KUNIT_EXPECT_EQ(test, khv_sched_aged_level(3, 30 * MS, 10 * MS), 6);
	KUNIT_EXPECT_EQ(test, khv_sched_aged_level(3, U64_MAX, 1), KHV_SCHED_LEVEL_MAX);
	KUNIT_EXPECT_EQ(test, khv_sched_aged_level(KHV_SCHED_LEVEL_MAX, MS, 1),
			KHV_SCHED_LEVEL_MAX);
}

/* Picks every entry of @q at @now; @order gets the indexes into @e. */
static void pick_all(struct khv_sched_queue *q, struct khv_sched_entry *e,
		     int n, u64 now, int *order)
{
	struct khv_sched_entry *p;
	int i;

	for (i = 0; i < n; i++) {
		p = khv_sched_queue_pick(q, now);
		order[i] = p ? (int)(p - e) : -1;
	}
}

static void sched_test_fcfs_order(struct kunit *test)
{
	struct khv_sched_policy fcfs = { .policy = KHV_SCHED_FCFS };
	struct khv_sched_entry e[4] = {};
	struct khv_sched_queue q;
	int order[4], i;

	khv_sched_queue_init(&q);
	/* Arrivals 2, 0, 3, 1; two arrive at the same instant. */
	for (i = 0; i < 4; i++) {
		e[i].policy = &fcfs;
		e[i].tau = (4 - i) * MS;	/* ignored by FCFS */
	}
	khv_sched_queue_add(&q, &e[2], 10);
	khv_sched_queue_add(&q, &e[0], 20);
	khv_sched_queue_add(&q, &e[3], 20);
	khv_sched_queue_add(&q, &e[1], 30);
	pick_all(&q, e, 4, 1000 * MS, order);
	KUNIT_EXPECT_EQ(test, order[0], 2);
	KUNIT_EXPECT_EQ(test, order[1], 0);
	KUNIT_EXPECT_EQ(test, order[2], 3);
	KUNIT_EXPECT_EQ(test, order[3], 1);
	KUNIT_EXPECT_NULL(test, khv_sched_queue_pick(&q, 0));
	KUNIT_EXPECT_EQ(test, khv_sched_entry_prio(&e[0], 0), KHV_SCHED_RT_BASE);
}

static void sched_test_sjf_order(struct kunit *test)
{
	struct khv_sched_policy sjf = { .policy = KHV_SCHED_SJF, .alpha = 512 };
	static const u64 hist[3][3] = {
		{ 8 * MS, 8 * MS, 8 * MS },	/* long bursts */
		{ MS / 2, MS / 2, MS / 2 },	/* short */
		{ 2 * MS, 3 * MS, 2 * MS },	/* in between */
	};
	struct khv_sched_entry e[3] = {};
	struct khv_sched_queue q;
	int order[3], i, j;

	/* tau(0) = 1 ms; three bursts each, alpha = 1/2. */
	for (i = 0; i < 3; i++) {
		e[i].policy = &sjf;
		e[i].tau = khv_sched_tau(&sjf, 0);
		for (j = 0; j < 3; j++)
			e[i].tau = khv_sched_predict(e[i].tau, hist[i][j], 512);
	}
	KUNIT_EXPECT_EQ(test, e[0].tau, 7125000);	/* 4.5, 6.25, 7.125 ms */
	KUNIT_EXPECT_EQ(test, e[1].tau, 562500);	/* 0.75, 0.625, 0.5625 */
	KUNIT_EXPECT_EQ(test, e[2].tau, 2125000);	/* 1.5, 2.25, 2.125 */

	khv_sched_queue_init(&q);
	for (i = 0; i < 3; i++)
		khv_sched_queue_add(&q, &e[i], 100);
	pick_all(&q, e, 3, 100, order);
	KUNIT_EXPECT_EQ(test, order[0], 1);
	KUNIT_EXPECT_EQ(test, order[1], 2);
	KUNIT_EXPECT_EQ(test, order[2], 0);

	/* The long one turns short: after enough short bursts it goes first. */
	for (j = 0; j < 5; j++)
		e[0].tau = khv_sched_predict(e[0].tau, MS / 8, 512);
	khv_sched_queue_init(&q);
	for (i = 0; i < 3; i++)
		khv_sched_queue_add(&q, &e[i], 100);
	pick_all(&q, e, 3, 100, order);
	KUNIT_EXPECT_EQ(test, order[0], 0);

	/* Non-preemptive: a running (boosted) long burst keeps the CPU... */
	e[2].tau = 8 * MS;
	e[2].boosted = true;
	khv_sched_queue_init(&q);
	khv_sched_queue_add(&q, &e[1], 200);
	khv_sched_queue_add(&q, &e[2], 100);
	pick_all(&q, e, 2, 200, order);
	KUNIT_EXPECT_EQ(test, order[0], 2);
	/* ...unless the policy is preemptive. */
	sjf.flags = KHV_SCHED_F_PREEMPT;
	khv_sched_queue_init(&q);
	khv_sched_queue_add(&q, &e[2], 100);
	khv_sched_queue_add(&q, &e[1], 200);
	pick_all(&q, e, 2, 200, order);
	KUNIT_EXPECT_EQ(test, order[0], 1);
}

static void sched_test_sjf_declared(struct kunit *test)
{
	struct khv_sched_policy a = { .policy = KHV_SCHED_SJF, .burst_ns = 3 * MS };
	struct khv_sched_policy b = { .policy = KHV_SCHED_SJF, .burst_ns = MS };
	struct khv_sched_entry e[2] = { { .policy = &a, .tau = MS / 10 },
					{ .policy = &b, .tau = 50 * MS } };
	struct khv_sched_queue q;
	int order[2];

	/* alpha = 0: the declared burst, whatever was measured. */
	KUNIT_EXPECT_EQ(test, khv_sched_tau(&a, MS / 10), 3 * MS);
	khv_sched_queue_init(&q);
	khv_sched_queue_add(&q, &e[0], 1);
	khv_sched_queue_add(&q, &e[1], 2);
	pick_all(&q, e, 2, 10, order);
	KUNIT_EXPECT_EQ(test, order[0], 1);
	KUNIT_EXPECT_EQ(test, order[1], 0);
}

static void sched_test_priority_order(struct kunit *test)
{
	struct khv_sched_policy lvl[3] = {
		{ .policy = KHV_SCHED_PRIORITY, .level = 1 },
		{ .policy = KHV_SCHED_PRIORITY, .level = 5 },
		{ .policy = KHV_SCHED_PRIORITY, .level = 3 },
	};
	struct khv_sched_entry e[3] = {};
	struct khv_sched_queue q;
	int order[3], i;

	khv_sched_queue_init(&q);
	for (i = 0; i < 3; i++) {
		e[i].policy = &lvl[i];
		khv_sched_queue_add(&q, &e[i], i);
	}
	pick_all(&q, e, 3, 10, order);
	KUNIT_EXPECT_EQ(test, order[0], 1);
	KUNIT_EXPECT_EQ(test, order[1], 2);
	KUNIT_EXPECT_EQ(test, order[2], 0);
	KUNIT_EXPECT_EQ(test, khv_sched_entry_prio(&e[1], 0), KHV_SCHED_RT_BASE + 5);
}

static void sched_test_priority_aging(struct kunit *test)
{
	struct khv_sched_policy low = { .policy = KHV_SCHED_PRIORITY, .level = 0,
					.aging_ns = 10 * MS };
	struct khv_sched_policy high = { .policy = KHV_SCHED_PRIORITY, .level = 5 };
	struct khv_sched_entry e[2] = { { .policy = &low }, { .policy = &high } };
	struct khv_sched_queue q;
	int order[2];

	/* The low one waits from t = 0, the high one arrives at t = 40 ms. */
	khv_sched_queue_init(&q);
	khv_sched_queue_add(&q, &e[0], 0);
	khv_sched_queue_add(&q, &e[1], 40 * MS);
	pick_all(&q, e, 2, 40 * MS, order);	/* aged to 4: not yet */
	KUNIT_EXPECT_EQ(test, order[0], 1);

	khv_sched_queue_init(&q);
	khv_sched_queue_add(&q, &e[0], 0);
	khv_sched_queue_add(&q, &e[1], 40 * MS);
	pick_all(&q, e, 2, 60 * MS, order);	/* aged to 6: it passes */
	KUNIT_EXPECT_EQ(test, order[0], 0);

	/* Without aging it would wait behind level 5 for ever. */
	low.aging_ns = 0;
	khv_sched_queue_init(&q);
	khv_sched_queue_add(&q, &e[0], 0);
	khv_sched_queue_add(&q, &e[1], 40 * MS);
	pick_all(&q, e, 2, 1000000 * MS, order);
	KUNIT_EXPECT_EQ(test, order[0], 1);
}

/* VMs of different policies meet on one scale of host priorities. */
static void sched_test_across_vms(struct kunit *test)
{
	struct khv_sched_policy def = { .policy = KHV_SCHED_DEFAULT };
	struct khv_sched_policy fcfs = { .policy = KHV_SCHED_FCFS, .level = 3 };
	struct khv_sched_policy prio = { .policy = KHV_SCHED_PRIORITY, .level = 4 };
	struct khv_sched_policy sjf = { .policy = KHV_SCHED_SJF, .burst_ns = 2000 * MS };
	struct khv_sched_entry e[4] = { { .policy = &def }, { .policy = &fcfs },
					{ .policy = &prio }, { .policy = &sjf } };
	struct khv_sched_queue q;
	int order[4], i;

	khv_sched_queue_init(&q);
	for (i = 0; i < 4; i++)
		khv_sched_queue_add(&q, &e[i], i);
	pick_all(&q, e, 4, 10, order);
	/* A 2 s SJF burst ranks at level 2: below FCFS level 3. */
	KUNIT_EXPECT_EQ(test, khv_sched_sjf_level(2000 * MS), 2);
	KUNIT_EXPECT_EQ(test, order[0], 2);
	KUNIT_EXPECT_EQ(test, order[1], 1);
	KUNIT_EXPECT_EQ(test, order[2], 3);
	KUNIT_EXPECT_EQ(test, order[3], 0);	/* ordinary host tasks last */
	KUNIT_EXPECT_EQ(test, khv_sched_entry_prio(&e[0], 0), 0);
	/* A running SJF burst stays above every level, below the kernel's 50. */
	e[3].boosted = true;
	KUNIT_EXPECT_GT(test, khv_sched_entry_prio(&e[3], 0),
			khv_sched_level_prio(&prio, KHV_SCHED_LEVEL_MAX));
	KUNIT_EXPECT_LT(test, khv_sched_entry_prio(&e[3], 0), 50);
}

/*
 * The interval ring: after @puts intervals (numbered 0, 1, ... in in_ns)
 * into a ring of @len, a read gives the last min(@puts, @len), oldest first.
 */
struct ring_case {
	const char *name;
	unsigned int len;
	unsigned int puts;
};

static const struct ring_case ring_cases[] = {
	{ "empty", 4, 0 },
	{ "one", 4, 1 },
	{ "not_full", 4, 3 },
	{ "full", 4, 4 },
	{ "one_overwritten", 4, 5 },
	{ "wrapped_twice", 4, 11 },
	{ "len_one", 1, 7 },
	{ "not_power_of_two", 5, 13 },
	{ "trace_len", KHV_SCHED_TRACE_LEN, 3 * KHV_SCHED_TRACE_LEN + 1 },
};

static void ring_case_desc(const struct ring_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ring, ring_cases, ring_case_desc);

static void sched_test_ring(struct kunit *test)
{
	const struct ring_case *c = test->param_value;
	struct khv_sched_interval *ring, *out, iv = {};
	unsigned int i, n, want = min(c->puts, c->len);
	u64 total = 0;

	ring = kunit_kcalloc(test, c->len, sizeof(*ring), GFP_KERNEL);
	/* One slot more than the ring: a read must not write past @len. */
	out = kunit_kcalloc(test, c->len + 1, sizeof(*out), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ring);
	KUNIT_ASSERT_NOT_NULL(test, out);
	for (i = 0; i < c->puts; i++) {
		iv.in_ns = i;
		iv.out_ns = i + 1;
		iv.job = i / 2;
		iv.cpu = i % 3;
		iv.end = KHV_SCHED_IV_PREEMPTED;
		khv_sched_ring_put(ring, c->len, &total, &iv);
	}
	KUNIT_EXPECT_EQ(test, total, (u64)c->puts);
	n = khv_sched_ring_read(out, ring, c->len, total);
	KUNIT_ASSERT_EQ(test, n, want);
	for (i = 0; i < n; i++) {
		u64 num = c->puts - want + i;

		KUNIT_EXPECT_EQ(test, out[i].in_ns, num);
		KUNIT_EXPECT_EQ(test, out[i].out_ns, num + 1);
		KUNIT_EXPECT_EQ(test, out[i].job, (u32)(num / 2));
		KUNIT_EXPECT_EQ(test, out[i].cpu, (u16)(num % 3));
	}
	KUNIT_EXPECT_EQ(test, out[c->len].in_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, out[c->len].end, 0);
}

static struct kunit_case sched_test_cases[] = {
	KUNIT_CASE_PARAM(sched_test_policy_check, policy_gen_params),
	KUNIT_CASE(sched_test_predict),
	KUNIT_CASE(sched_test_sjf_level),
	KUNIT_CASE(sched_test_aging),
	KUNIT_CASE(sched_test_fcfs_order),
	KUNIT_CASE(sched_test_sjf_order),
	KUNIT_CASE(sched_test_sjf_declared),
	KUNIT_CASE(sched_test_priority_order),
	KUNIT_CASE(sched_test_priority_aging),
	KUNIT_CASE(sched_test_across_vms),
	KUNIT_CASE_PARAM(sched_test_ring, ring_gen_params),
	{}
};

static struct kunit_suite sched_test_suite = {
	.name = "khv_sched_queue",
	.test_cases = sched_test_cases,
};

kunit_test_suites(&sched_test_suite);
