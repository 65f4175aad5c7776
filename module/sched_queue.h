/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pure part of khv's scheduling policies: parameter checks, the SJF
 * prediction, aging, and the host SCHED_FIFO priority each policy gives a
 * vCPU thread. No locks, no clocks, no tasks: KUnit tests it whole
 * (sched_queue_test.c), sched.c applies it to real threads.
 *
 * The queue below orders entries exactly as the host's SCHED_FIFO class
 * orders runnable threads (highest priority first, then first come), with
 * the priority that khv_sched_entry_prio() gives. It is the executable
 * statement of "FCFS, SJF and PRIORITY follow from these priorities", which
 * the tests check; at run time the host scheduler is that queue.
 */
#ifndef _KHV_SCHED_QUEUE_H
#define _KHV_SCHED_QUEUE_H

#include <linux/list.h>
#include <linux/types.h>

#include "../uapi/khv.h"

/*
 * Host SCHED_FIFO priorities of khv's vCPU threads: level L runs at
 * KHV_SCHED_RT_BASE + L (11..42), a non-preemptive SJF burst at
 * KHV_SCHED_RT_BOOST. All stay below MAX_RT_PRIO / 2 (50), where the
 * kernel's own FIFO threads run (threaded IRQs, sched_set_fifo()).
 */
#define KHV_SCHED_RT_BASE	11
#define KHV_SCHED_RT_BOOST	(KHV_SCHED_RT_BASE + KHV_SCHED_LEVEL_MAX + 1)

/* tau(0) when the policy declares no burst. */
#define KHV_SCHED_TAU0_NS	1000000ULL
/* alpha for the prediction khv reports under policies other than SJF. */
#define KHV_SCHED_ALPHA_DEFAULT	(KHV_SCHED_ALPHA_ONE / 2)
/* Shortest burst SJF tells apart: bursts up to 2^16 ns (65 us) share a rank. */
#define KHV_SCHED_SJF_MIN_SHIFT	16

/* 0, -EINVAL (unknown policy, flag, field a policy does not use) or -ERANGE. */
int khv_sched_policy_check(const struct khv_sched_policy *p);

/* tau(n+1) = alpha * t + (1 - alpha) * tau, alpha in 1/KHV_SCHED_ALPHA_ONE. */
u64 khv_sched_predict(u64 tau, u64 t, u32 alpha);

/*
 * SJF's level for a predicted burst: KHV_SCHED_LEVEL_MAX for the shortest,
 * one level less per half octave (a factor of about 1.41) above 2^16 ns.
 */
unsigned int khv_sched_sjf_level(u64 tau);

/* PRIORITY with aging: one level up per @aging_ns waited, at most the top. */
unsigned int khv_sched_aged_level(unsigned int level, u64 waited_ns,
				  u64 aging_ns);

/* SJF's prediction for a vCPU whose own estimate is @tau (0: none yet). */
u64 khv_sched_tau(const struct khv_sched_policy *p, u64 tau);

/* Host SCHED_FIFO priority of a vCPU at @level (0: not real-time). */
int khv_sched_level_prio(const struct khv_sched_policy *p,
			 unsigned int level);

/* What the queue knows about one runnable vCPU. */
struct khv_sched_entry {
	struct list_head node;
	const struct khv_sched_policy *policy;	/* its VM's */
	u64 arrival;		/* ns, when it became runnable */
	u64 seq;		/* order of khv_sched_queue_add() */
	u64 tau;		/* SJF: its own prediction, 0 = none yet */
	bool boosted;		/* SJF: its burst runs, non-preemptive */
};

/* Host SCHED_FIFO priority of @e at time @now (ns); 0 for DEFAULT. */
int khv_sched_entry_prio(const struct khv_sched_entry *e, u64 now);

struct khv_sched_queue {
	struct list_head entries;
	u64 next_seq;
};

void khv_sched_queue_init(struct khv_sched_queue *q);
/* @e becomes runnable at @now. */
void khv_sched_queue_add(struct khv_sched_queue *q, struct khv_sched_entry *e,
			 u64 now);
/* Removes and returns the entry the host would run at @now, or NULL. */
struct khv_sched_entry *khv_sched_queue_pick(struct khv_sched_queue *q,
					     u64 now);

/*
 * The ring of dispatch intervals (KHV_GET_SCHED_TRACE): interval number n
 * lives in slot n % @len, so the ring keeps the last @len of @total.
 */
void khv_sched_ring_put(struct khv_sched_interval *ring, unsigned int len,
			u64 *total, const struct khv_sched_interval *iv);
/* Copies the last min(@total, @len) intervals to @dst, oldest first. */
unsigned int khv_sched_ring_read(struct khv_sched_interval *dst,
				 const struct khv_sched_interval *ring,
				 unsigned int len, u64 total);

#endif /* _KHV_SCHED_QUEUE_H */
