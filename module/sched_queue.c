// SPDX-License-Identifier: GPL-2.0
/*
 * Pure scheduling-policy logic; see sched_queue.h and docs/scheduling.md.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>

#include "sched_queue.h"

/* Bounds of the 64-bit arithmetic in khv_sched_predict(): 2^40 ns = 18 min. */
#define KHV_SCHED_TIME_CLAMP	(1ULL << 40)

static bool khv_sched_time_ok(u64 ns)
{
	return !ns || (ns >= KHV_SCHED_TIME_MIN_NS &&
		       ns <= KHV_SCHED_TIME_MAX_NS);
}

int khv_sched_policy_check(const struct khv_sched_policy *p)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(p->reserved); i++)
		if (p->reserved[i])
			return -EINVAL;

	switch (p->policy) {
	case KHV_SCHED_DEFAULT:
		if (p->flags || p->level || p->alpha || p->burst_ns ||
		    p->quantum_ns || p->aging_ns)
			return -EINVAL;
		return 0;
	case KHV_SCHED_FCFS:
		/* No time slicing and no aging: FCFS is run to block. */
		if (p->flags || p->alpha || p->burst_ns || p->quantum_ns ||
		    p->aging_ns)
			return -EINVAL;
		return p->level > KHV_SCHED_LEVEL_MAX ? -ERANGE : 0;
	case KHV_SCHED_SJF:
		if ((p->flags & ~KHV_SCHED_F_PREEMPT) || p->level ||
		    p->aging_ns)
			return -EINVAL;
		/* A preemptive SJF has no non-preemptive part to bound. */
		if ((p->flags & KHV_SCHED_F_PREEMPT) && p->quantum_ns)
			return -EINVAL;
		if (p->alpha > KHV_SCHED_ALPHA_ONE ||
		    p->burst_ns > KHV_SCHED_BURST_MAX_NS ||
		    !khv_sched_time_ok(p->quantum_ns))
			return -ERANGE;
		/* alpha 0 predicts nothing: it needs a declared burst. */
		if (!p->alpha && !p->burst_ns)
			return -EINVAL;
		return 0;
	case KHV_SCHED_PRIORITY:
		if (p->flags || p->alpha || p->burst_ns)
			return -EINVAL;
		if (p->level > KHV_SCHED_LEVEL_MAX ||
		    !khv_sched_time_ok(p->quantum_ns) ||
		    !khv_sched_time_ok(p->aging_ns))
			return -ERANGE;
		return 0;
	default:
		return -EINVAL;
	}
}

u64 khv_sched_predict(u64 tau, u64 t, u32 alpha)
{
	alpha = min_t(u32, alpha, KHV_SCHED_ALPHA_ONE);
	tau = min(tau, KHV_SCHED_TIME_CLAMP);
	t = min(t, KHV_SCHED_TIME_CLAMP);
	/* Both products < 2^51: no overflow. Rounded to nearest. */
	return (alpha * t + (KHV_SCHED_ALPHA_ONE - alpha) * tau +
		KHV_SCHED_ALPHA_ONE / 2) / KHV_SCHED_ALPHA_ONE;
}

unsigned int khv_sched_sjf_level(u64 tau)
{
	unsigned int msb, steps;

	if (tau < (1ULL << KHV_SCHED_SJF_MIN_SHIFT))
		return KHV_SCHED_LEVEL_MAX;
	msb = fls64(tau) - 1;
	/* Two steps per octave: the bit below the top one picks the half. */
	steps = 2 * (msb - KHV_SCHED_SJF_MIN_SHIFT) + ((tau >> (msb - 1)) & 1);
	return KHV_SCHED_LEVEL_MAX - min_t(unsigned int, steps,
					   KHV_SCHED_LEVEL_MAX);
}

unsigned int khv_sched_aged_level(unsigned int level, u64 waited_ns,
				  u64 aging_ns)
{
	u64 up;

	if (!aging_ns || level >= KHV_SCHED_LEVEL_MAX)
		return min_t(unsigned int, level, KHV_SCHED_LEVEL_MAX);
	up = div64_u64(waited_ns, aging_ns);
	if (up >= KHV_SCHED_LEVEL_MAX - level)
		return KHV_SCHED_LEVEL_MAX;
	return level + up;
}

u64 khv_sched_tau(const struct khv_sched_policy *p, u64 tau)
{
	if (p->policy == KHV_SCHED_SJF && !p->alpha)
		return p->burst_ns;
	if (tau)
		return tau;
	return p->burst_ns ? p->burst_ns : KHV_SCHED_TAU0_NS;
}

int khv_sched_level_prio(const struct khv_sched_policy *p,
			 unsigned int level)
{
	if (p->policy == KHV_SCHED_DEFAULT)
		return 0;
	return KHV_SCHED_RT_BASE + min_t(unsigned int, level,
					 KHV_SCHED_LEVEL_MAX);
}

int khv_sched_entry_prio(const struct khv_sched_entry *e, u64 now)
{
	const struct khv_sched_policy *p = e->policy;
	u64 waited = now > e->arrival ? now - e->arrival : 0;

	switch (p->policy) {
	case KHV_SCHED_FCFS:
		return khv_sched_level_prio(p, p->level);
	case KHV_SCHED_SJF:
		if (e->boosted && !(p->flags & KHV_SCHED_F_PREEMPT))
			return KHV_SCHED_RT_BOOST;
		return khv_sched_level_prio(p,
			khv_sched_sjf_level(khv_sched_tau(p, e->tau)));
	case KHV_SCHED_PRIORITY:
		return khv_sched_level_prio(p,
			khv_sched_aged_level(p->level, waited, p->aging_ns));
	default:
		return 0;
	}
}

void khv_sched_queue_init(struct khv_sched_queue *q)
{
	INIT_LIST_HEAD(&q->entries);
	q->next_seq = 0;
}

void khv_sched_queue_add(struct khv_sched_queue *q, struct khv_sched_entry *e,
			 u64 now)
{
	e->arrival = now;
	e->seq = q->next_seq++;
	list_add_tail(&e->node, &q->entries);
}

/* Highest priority first; among equals, the one that came first. */
struct khv_sched_entry *khv_sched_queue_pick(struct khv_sched_queue *q,
					     u64 now)
{
	struct khv_sched_entry *e, *best = NULL;
	int prio, best_prio = -1;

	list_for_each_entry(e, &q->entries, node) {
		prio = khv_sched_entry_prio(e, now);
		if (prio > best_prio ||
		    (prio == best_prio && (e->arrival < best->arrival ||
		     (e->arrival == best->arrival && e->seq < best->seq)))) {
			best = e;
			best_prio = prio;
		}
	}
	if (best)
		list_del_init(&best->node);
	return best;
}

/* ---- The ring of dispatch intervals. ---- */

static unsigned int khv_sched_ring_slot(u64 n, unsigned int len)
{
	u32 rem;

	div_u64_rem(n, len, &rem);
	return rem;
}

void khv_sched_ring_put(struct khv_sched_interval *ring, unsigned int len,
			u64 *total, const struct khv_sched_interval *iv)
{
	ring[khv_sched_ring_slot(*total, len)] = *iv;
	(*total)++;
}

unsigned int khv_sched_ring_read(struct khv_sched_interval *dst,
				 const struct khv_sched_interval *ring,
				 unsigned int len, u64 total)
{
	unsigned int i, n = min_t(u64, total, len);
	u64 first = total - n;

	for (i = 0; i < n; i++)
		dst[i] = ring[khv_sched_ring_slot(first + i, len)];
	return n;
}
