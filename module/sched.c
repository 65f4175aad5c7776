// SPDX-License-Identifier: GPL-2.0
/*
 * Per-VM scheduling policies through the host scheduler, and per-vCPU
 * accounting of waiting, processing, jobs and bursts (docs/scheduling.md).
 *
 * Accounting follows the thread running a vCPU at every switch of it in
 * and out of a CPU (preempt notifiers, registered while it is in KVM_RUN)
 * and at KVM_RUN entry and exit. Off the CPU, the host's own count of the
 * time the thread spent runnable on a runqueue (sched_info.run_delay, kept
 * with CONFIG_SCHED_INFO) tells waiting from sleeping; between KVM_RUN
 * calls it finds the waits the thread had in userspace.
 *
 * A policy is a SCHED_FIFO priority for each vCPU thread, computed by
 * sched_queue.c and set with sched_setattr_nocheck(): the host's FIFO class
 * then does the dispatching, on every CPU and against every other task.
 * khv only moves priorities at burst boundaries (SJF), after a quantum
 * (PRIORITY round robin, SJF, aging) and from the aging work. A thread's
 * own scheduling is saved before the first change and put back when no
 * vCPU with a policy uses it any more.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/file.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/kvm.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/pid.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <uapi/linux/sched/types.h>

#include "sched.h"
#include "sched_queue.h"
#include "vcpu.h"
#include "vm.h"

enum { KHV_SCHED_OUT, KHV_SCHED_ON, KHV_SCHED_OFF };

/* A thread khv changed the scheduling of, and what it had before. */
struct khv_sched_thread {
	struct list_head node;
	struct task_struct *task;	/* referenced */
	unsigned int users;		/* vCPUs bound to it */
	int prio;			/* SCHED_FIFO priority khv set, or 0 */
	struct sched_attr orig;
};

/* Threads can run vCPUs of several VMs: one registry for all. */
static LIST_HEAD(khv_sched_threads);
static DEFINE_MUTEX(khv_sched_threads_lock);

static u64 khv_sched_run_delay(struct task_struct *t)
{
#ifdef CONFIG_SCHED_INFO
	return READ_ONCE(t->sched_info.run_delay);
#else
	return 0;
#endif
}

static u64 khv_sched_since(u64 mark, u64 now)
{
	return now > mark ? now - mark : 0;
}

/*
 * ---- Accounting: the vCPU thread, interrupts off, inside s->seq. ----
 *
 * The notifiers write s->seq under the runqueue lock, which interrupts
 * take; so every writer runs with interrupts off, or lockdep rightly sees
 * an interrupt-unsafe lock nested in an interrupt-safe one.
 */

static void khv_sched_charge_run(struct khv_sched_vcpu *s, u64 now)
{
	u64 d = khv_sched_since(s->mark, now);

	s->job.run += d;
	s->burst_run += d;
	s->slice_run += d;
}

/*
 * The thread was off the CPU, or outside KVM_RUN, since s->mark. The part
 * the host counted as runnable (run_delay grew by it) is waiting; the rest
 * is returned. Without run_delay, @runnable says which it all was.
 */
static u64 khv_sched_charge_off(struct khv_sched_vcpu *s, u64 now, u64 rd,
				bool runnable)
{
	u64 d = khv_sched_since(s->mark, now), w;

	if (runnable)
		w = d;
	else if (IS_ENABLED(CONFIG_SCHED_INFO))
		w = min(khv_sched_since(s->run_delay, rd), d);
	else
		w = 0;
	s->job.wait += w;
	return d - w;
}

static void khv_sched_burst_begin(struct khv_sched_vcpu *s)
{
	s->burst_open = true;
	s->burst_run = 0;
	s->burst_seq++;
}

static void khv_sched_burst_end(struct khv_vcpu *vcpu)
{
	struct khv_sched_vcpu *s = &vcpu->sched;
	struct khv_sched_vm *sv = &vcpu->vm->sched;
	u64 tau = s->tau ? s->tau : READ_ONCE(sv->tau0);

	s->burst_open = false;
	s->last_burst = s->burst_run;
	s->tau = khv_sched_predict(tau, s->burst_run, READ_ONCE(sv->alpha));
	s->job.bursts++;
}

static void khv_sched_acc_add(struct khv_sched_acc *sum,
			      const struct khv_sched_acc *a)
{
	sum->wait += a->wait;
	sum->run += a->run;
	sum->block += a->block;
	sum->vmm += a->vmm;
	sum->dispatches += a->dispatches;
	sum->preemptions += a->preemptions;
	sum->bursts += a->bursts;
}

static void khv_sched_job_end(struct khv_sched_vcpu *s, u64 now)
{
	u64 turnaround = khv_sched_since(s->job_start, now);

	s->last_arrival = s->job_start;
	s->last_end = now;
	s->last = s->job;
	s->last_turnaround = turnaround;
	khv_sched_acc_add(&s->sum, &s->job);
	s->sum_turnaround += turnaround;
	s->jobs++;
	s->job_open = false;
	memset(&s->job, 0, sizeof(s->job));
}

/* The vCPU thread gets a CPU inside KVM_RUN: a dispatch interval opens. */
static void khv_sched_iv_open(struct khv_sched_vcpu *s, u64 now)
{
	s->iv_in = now;
	s->iv_cpu = smp_processor_id();
}

/* It leaves the CPU or KVM_RUN: the interval goes to the ring. */
static void khv_sched_iv_close(struct khv_sched_vcpu *s, u64 now, u16 end)
{
	struct khv_sched_interval iv = {
		.in_ns = s->iv_in,
		.out_ns = now,
		.job = (u32)s->jobs,	/* the open job's number */
		.cpu = s->iv_cpu,
		.end = end,
	};

	khv_sched_ring_put(s->ring, KHV_SCHED_TRACE_LEN, &s->iv_total, &iv);
}

static void khv_sched_mark(struct khv_sched_vcpu *s, u8 where, u64 now,
			   u64 rd)
{
	s->where = where;
	s->mark = now;
	s->run_delay = rd;
	s->nvcsw = current->nvcsw;
	s->nivcsw = current->nivcsw;
}

void khv_sched_switch_out(struct khv_vcpu *vcpu)
{
	struct khv_sched_vcpu *s = &vcpu->sched;
	u64 now;

	if (s->where != KHV_SCHED_ON)
		return;
	now = local_clock();
	write_seqcount_begin(&s->seq);
	khv_sched_charge_run(s, now);
	/* __schedule() counted this switch already: in nvcsw if it sleeps. */
	s->off_blocked = current->nvcsw != s->nvcsw;
	if (!s->off_blocked)
		s->job.preemptions++;
	else if (s->burst_open)
		khv_sched_burst_end(vcpu);
	khv_sched_iv_close(s, now, s->off_blocked ? KHV_SCHED_IV_BLOCKED :
						    KHV_SCHED_IV_PREEMPTED);
	khv_sched_mark(s, KHV_SCHED_OFF, now, khv_sched_run_delay(current));
	write_seqcount_end(&s->seq);
}

/*
 * Unlike the sched-out notifiers, the sched-in ones run after the runqueue
 * lock is dropped, with interrupts on (finish_task_switch()): turn them
 * off, as every other writer of s->seq does.
 */
void khv_sched_switch_in(struct khv_vcpu *vcpu)
{
	struct khv_sched_vcpu *s = &vcpu->sched;
	unsigned long flags;
	u64 now, rd;

	if (s->where != KHV_SCHED_OFF)
		return;
	local_irq_save(flags);
	now = local_clock();
	/* The switch to this thread already added its wait to run_delay. */
	rd = khv_sched_run_delay(current);
	write_seqcount_begin(&s->seq);
	s->job.block += khv_sched_charge_off(s, now, rd, !s->off_blocked);
	s->job.dispatches++;
	s->slice_run = 0;
	if (!s->burst_open)
		khv_sched_burst_begin(s);
	khv_sched_iv_open(s, now);
	khv_sched_mark(s, KHV_SCHED_ON, now, rd);
	write_seqcount_end(&s->seq);
	local_irq_restore(flags);
}

/* ---- Threads: what khv changed and how to put it back. ---- */

static void khv_sched_save(struct task_struct *p, struct sched_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->sched_policy = p->policy;
	if (p->sched_reset_on_fork)
		a->sched_flags |= SCHED_FLAG_RESET_ON_FORK;
	if (p->policy == SCHED_FIFO || p->policy == SCHED_RR) {
		a->sched_priority = p->rt_priority;
	} else {
		/* 6.12's custom EEVDF slice is not kept (docs/scheduling.md). */
		a->sched_nice = task_nice(p);
	}
}

/* The registry entry of @p with one more user, or NULL and *err set. */
static struct khv_sched_thread *khv_sched_bind(struct task_struct *p,
					       int *err)
{
	struct khv_sched_thread *t;

	*err = 0;
	mutex_lock(&khv_sched_threads_lock);
	list_for_each_entry(t, &khv_sched_threads, node) {
		if (t->task == p) {
			t->users++;
			goto out;
		}
	}
	/* Deadline parameters are the admin's contract: leave them be. */
	if (p->policy == SCHED_DEADLINE) {
		*err = -EBUSY;
		t = NULL;
		goto out;
	}
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t) {
		*err = -ENOMEM;
		goto out;
	}
	get_task_struct(p);
	t->task = p;
	t->users = 1;
	khv_sched_save(p, &t->orig);
	list_add(&t->node, &khv_sched_threads);
out:
	mutex_unlock(&khv_sched_threads_lock);
	return t;
}

/*
 * Gives the thread back its scheduling, unless it is exiting or someone
 * changed its policy after khv did (then that change stands).
 */
static void khv_sched_restore(struct khv_sched_thread *t)
{
	struct task_struct *p = t->task;
	int r;

	if (!t->prio || (p->flags & PF_EXITING) ||
	    p->policy != SCHED_FIFO || p->rt_priority != t->prio)
		return;
	r = sched_setattr_nocheck(p, &t->orig);
	if (r)
		pr_warn_ratelimited("thread %d: scheduling not restored (%d)\n",
				    task_pid_nr(p), r);
}

/* The VM's sched.lock held. */
static void khv_sched_unbind(struct khv_sched_vcpu *s)
{
	struct khv_sched_thread *t = s->thread;

	if (!t)
		return;
	s->thread = NULL;
	WRITE_ONCE(s->bound_task, NULL);
	s->boosted = false;
	s->aged_prio = 0;
	mutex_lock(&khv_sched_threads_lock);
	if (--t->users) {
		mutex_unlock(&khv_sched_threads_lock);
		return;
	}
	list_del(&t->node);
	khv_sched_restore(t);
	mutex_unlock(&khv_sched_threads_lock);
	put_task_struct(t->task);
	kfree(t);
}

/* Sets the thread's SCHED_FIFO priority; the VM's sched.lock held. */
static void khv_sched_apply(struct khv_sched_vcpu *s, int prio)
{
	struct khv_sched_thread *t = s->thread;
	struct sched_attr attr = {
		.size = sizeof(attr),
		.sched_policy = SCHED_FIFO,
		.sched_priority = prio,
		/* A VMM thread's children do not inherit khv's priority. */
		.sched_flags = SCHED_FLAG_RESET_ON_FORK,
	};
	int r = 0;

	if (!t || prio <= 0)
		return;
	mutex_lock(&khv_sched_threads_lock);
	if (t->prio != prio) {
		r = sched_setattr_nocheck(t->task, &attr);
		if (!r)
			t->prio = prio;
	}
	mutex_unlock(&khv_sched_threads_lock);
	s->apply_error = r;
}

/* The priority the vCPU's thread should have now; sched.lock held. */
static int khv_sched_want_prio(struct khv_vm *vm, struct khv_sched_vcpu *s)
{
	const struct khv_sched_policy *p = &vm->sched.policy;

	switch (p->policy) {
	case KHV_SCHED_SJF:
		if (s->boosted)
			return KHV_SCHED_RT_BOOST;
		return khv_sched_level_prio(p,
			khv_sched_sjf_level(khv_sched_tau(p, READ_ONCE(s->tau))));
	case KHV_SCHED_PRIORITY:
		if (s->aged_prio)
			return s->aged_prio;
		return khv_sched_level_prio(p, p->level);
	case KHV_SCHED_FCFS:
		return khv_sched_level_prio(p, p->level);
	default:
		return 0;
	}
}

/*
 * The vCPU thread, in process context: take the VM's policy, bind this
 * thread, start a burst's SJF boost or end it, end aging after a job.
 */
static void khv_sched_sync(struct khv_vcpu *vcpu)
{
	struct khv_sched_vm *sv = &vcpu->vm->sched;
	struct khv_sched_vcpu *s = &vcpu->sched;
	const struct khv_sched_policy *p = &sv->policy;
	u32 burst = READ_ONCE(s->burst_seq);

	mutex_lock(&sv->lock);
	if (p->policy == KHV_SCHED_DEFAULT) {
		khv_sched_unbind(s);
		goto out;
	}
	if (!s->thread || s->thread->task != current) {
		khv_sched_unbind(s);
		s->thread = khv_sched_bind(current, &s->apply_error);
		/* On failure too: retried at the next policy change. */
		WRITE_ONCE(s->bound_task, current);
		if (!s->thread)
			goto out;
	}
	if (burst != s->synced_burst)
		s->boosted = p->policy == KHV_SCHED_SJF &&
			     !(p->flags & KHV_SCHED_F_PREEMPT);
	if (!s->burst_open)
		s->boosted = false;
	/* Aging got the vCPU its turn: once its job is done, no more. */
	if (!s->job_open)
		s->aged_prio = 0;
	khv_sched_apply(s, khv_sched_want_prio(vcpu->vm, s));
out:
	s->gen = sv->gen;
	s->synced_burst = burst;
	mutex_unlock(&sv->lock);
}

/* The vCPU thread: is there anything for khv_sched_sync() to do? */
static bool khv_sched_need_sync(struct khv_vcpu *vcpu)
{
	struct khv_sched_vm *sv = &vcpu->vm->sched;
	struct khv_sched_vcpu *s = &vcpu->sched;

	if (READ_ONCE(sv->gen) != s->gen)
		return true;
	if (READ_ONCE(sv->policy.policy) == KHV_SCHED_DEFAULT)
		return false;
	return s->burst_seq != s->synced_burst ||
	       READ_ONCE(s->bound_task) != current;
}

/* ---- KVM_RUN hooks. ---- */

void khv_sched_run_begin(struct khv_vcpu *vcpu)
{
	struct khv_sched_vcpu *s = &vcpu->sched;
	bool same, slept, switched, new_job;
	unsigned long flags;
	u64 now, rd, rest;

	local_irq_save(flags);
	now = local_clock();
	rd = khv_sched_run_delay(current);
	same = s->last_task == current;
	/* Did the thread sleep, or leave its CPU, since the last exit? */
	slept = !same || current->nvcsw != s->nvcsw;
	switched = slept || current->nivcsw != s->nivcsw;

	write_seqcount_begin(&s->seq);
	new_job = !s->job_open;
	/* Another thread's run_delay says nothing about this gap. */
	rest = same ? khv_sched_charge_off(s, now, rd, false) :
		      khv_sched_since(s->mark, now);
	if (new_job) {
		/* The job arrived when its thread became runnable. */
		s->job_open = true;
		s->job_start = now - s->job.wait;
	} else {
		s->job.vmm += rest;
	}
	if (slept && s->burst_open)
		khv_sched_burst_end(vcpu);
	if (!s->burst_open)
		khv_sched_burst_begin(s);
	if (new_job || switched) {
		s->job.dispatches++;
		s->slice_run = 0;
	}
	khv_sched_iv_open(s, now);
	khv_sched_mark(s, KHV_SCHED_ON, now, rd);
	write_seqcount_end(&s->seq);
	local_irq_restore(flags);

	if (khv_sched_need_sync(vcpu))
		khv_sched_sync(vcpu);
}

/* On a CPU since the last dispatch or quantum; preemption must be off. */
static u64 khv_sched_slice(struct khv_sched_vcpu *s)
{
	return s->slice_run + khv_sched_since(s->mark, local_clock());
}

void khv_sched_run_loop(struct khv_vcpu *vcpu)
{
	struct khv_sched_vm *sv = &vcpu->vm->sched;
	struct khv_sched_vcpu *s = &vcpu->sched;
	u32 policy = READ_ONCE(sv->policy.policy);
	u64 quantum = READ_ONCE(sv->policy.quantum_ns);
	u64 hold, ran;

	if (khv_sched_need_sync(vcpu))
		khv_sched_sync(vcpu);
	if (!READ_ONCE(s->thread))
		return;

	preempt_disable();
	ran = khv_sched_slice(s);
	preempt_enable();

	/* A raised priority lasts one quantum (aging: one aging period). */
	hold = quantum ? quantum : READ_ONCE(sv->policy.aging_ns);
	if (((READ_ONCE(s->boosted) && quantum) || READ_ONCE(s->aged_prio)) &&
	    ran >= hold) {
		mutex_lock(&sv->lock);
		s->boosted = false;
		s->aged_prio = 0;
		khv_sched_apply(s, khv_sched_want_prio(vcpu->vm, s));
		mutex_unlock(&sv->lock);
	}

	/*
	 * PRIORITY round robin: after a quantum, to the back of its level.
	 * For a SCHED_FIFO thread yield() is exactly that (sched_yield(2));
	 * the quantum is per VM, so SCHED_RR's global timeslice cannot be it.
	 */
	if (policy == KHV_SCHED_PRIORITY && quantum && ran >= quantum) {
		unsigned long flags;
		u64 now;

		yield();
		local_irq_save(flags);
		now = local_clock();
		write_seqcount_begin(&s->seq);
		khv_sched_charge_run(s, now);
		s->mark = now;
		s->slice_run = 0;
		write_seqcount_end(&s->seq);
		local_irq_restore(flags);
	}
}

/* Exits after which the vCPU has nothing to run: its job is over. */
static bool khv_sched_job_ends(struct khv_vcpu *vcpu, long r)
{
	if (r < 0)
		return r != -EINTR;
	switch (READ_ONCE(vcpu->run->exit_reason)) {
	case KVM_EXIT_HLT:
	case KVM_EXIT_SHUTDOWN:
	case KVM_EXIT_FAIL_ENTRY:
	case KVM_EXIT_INTERNAL_ERROR:
		return true;
	default:
		return false;
	}
}

void khv_sched_run_end(struct khv_vcpu *vcpu, long r)
{
	struct khv_sched_vcpu *s = &vcpu->sched;
	bool end = khv_sched_job_ends(vcpu, r);
	unsigned long flags;
	u64 now;

	local_irq_save(flags);
	now = local_clock();
	write_seqcount_begin(&s->seq);
	if (s->where == KHV_SCHED_ON) {
		khv_sched_charge_run(s, now);
		khv_sched_iv_close(s, now, end ? KHV_SCHED_IV_JOB_END :
						 KHV_SCHED_IV_EXIT);
	}
	if (end) {
		if (s->burst_open)
			khv_sched_burst_end(vcpu);
		khv_sched_job_end(s, now);
	}
	khv_sched_mark(s, KHV_SCHED_OUT, now, khv_sched_run_delay(current));
	s->last_task = current;
	write_seqcount_end(&s->seq);
	local_irq_restore(flags);

	/* SJF: the boost ends, the new prediction sets the level; aging ends. */
	if (end && READ_ONCE(s->thread))
		khv_sched_sync(vcpu);
}

/* ---- Aging (PRIORITY): raise threads that wait. ---- */

/* When the thread became runnable and did not run since, or 0. */
static u64 khv_sched_waiting_since(struct khv_sched_vcpu *s)
{
#ifdef CONFIG_SCHED_INFO
	return READ_ONCE(s->thread->task->sched_info.last_queued);
#else
	if (READ_ONCE(s->where) == KHV_SCHED_OFF && !READ_ONCE(s->off_blocked))
		return READ_ONCE(s->mark);
	return 0;
#endif
}

static unsigned long khv_sched_aging_delay(u64 aging_ns)
{
	/* Twice per aging period, at least one tick. */
	return max(1UL, usecs_to_jiffies(div_u64(aging_ns, 2 * NSEC_PER_USEC)));
}

static void khv_sched_aging_work(struct work_struct *work)
{
	struct khv_sched_vm *sv = container_of(to_delayed_work(work),
					       struct khv_sched_vm, aging);
	struct khv_vm *vm = container_of(sv, struct khv_vm, sched);
	const struct khv_sched_policy *p = &sv->policy;
	unsigned long delay = 0;
	unsigned int i, level;
	u64 now, since;
	int prio;

	mutex_lock(&vm->lock);
	mutex_lock(&sv->lock);
	if (p->policy != KHV_SCHED_PRIORITY || !p->aging_ns)
		goto out;
	now = local_clock();
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct khv_sched_vcpu *s = &vm->vcpus[i]->sched;

		if (!s->thread)
			continue;
		since = khv_sched_waiting_since(s);
		if (!since)
			continue;
		level = khv_sched_aged_level(p->level,
					     khv_sched_since(since, now),
					     p->aging_ns);
		prio = khv_sched_level_prio(p, level);
		if (prio > khv_sched_want_prio(vm, s)) {
			s->aged_prio = prio;
			khv_sched_apply(s, prio);
		}
	}
	delay = khv_sched_aging_delay(p->aging_ns);
out:
	mutex_unlock(&sv->lock);
	mutex_unlock(&vm->lock);
	if (delay)
		queue_delayed_work(system_unbound_wq, &sv->aging, delay);
}

/* ---- ioctls. ---- */

static int khv_sched_set_policy(struct khv_vm *vm,
				const struct khv_sched_policy *p)
{
	struct khv_sched_vm *sv = &vm->sched;
	bool aging = p->policy == KHV_SCHED_PRIORITY && p->aging_ns;
	unsigned int i;
	int r;

	r = khv_sched_policy_check(p);
	if (r)
		return r;
	/* Real-time priorities are what sched_setscheduler() guards so. */
	if (p->policy != KHV_SCHED_DEFAULT && !capable(CAP_SYS_NICE))
		return -EPERM;

	mutex_lock(&vm->lock);
	mutex_lock(&sv->lock);
	sv->policy = *p;
	WRITE_ONCE(sv->alpha, p->policy == KHV_SCHED_SJF ? p->alpha :
			      KHV_SCHED_ALPHA_DEFAULT);
	WRITE_ONCE(sv->tau0, p->burst_ns ? p->burst_ns : KHV_SCHED_TAU0_NS);
	WRITE_ONCE(sv->gen, sv->gen + 1);
	/* Threads khv knows change now; others at their next KVM_RUN. */
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct khv_sched_vcpu *s = &vm->vcpus[i]->sched;

		if (p->policy == KHV_SCHED_DEFAULT) {
			khv_sched_unbind(s);
			continue;
		}
		s->boosted = false;
		s->aged_prio = 0;
		khv_sched_apply(s, khv_sched_want_prio(vm, s));
	}
	mutex_unlock(&sv->lock);
	mutex_unlock(&vm->lock);

	/*
	 * Unbound: a worker bound to a CPU that FIFO vCPU threads fill
	 * would run only in the RT-throttling slack.
	 */
	if (aging)
		mod_delayed_work(system_unbound_wq, &sv->aging,
				 khv_sched_aging_delay(p->aging_ns));
	else
		cancel_delayed_work_sync(&sv->aging);
	return 0;
}

static void khv_sched_times_out(struct khv_sched_times *o,
				const struct khv_sched_acc *a, u64 turnaround)
{
	o->turnaround_ns = turnaround;
	o->wait_ns = a->wait;
	o->run_ns = a->run;
	o->block_ns = a->block;
	o->vmm_ns = a->vmm;
	o->dispatches = a->dispatches;
	o->preemptions = a->preemptions;
	o->bursts = a->bursts;
}

static void khv_sched_get_stats(struct khv_vcpu *vcpu,
				struct khv_sched_stats *st)
{
	struct khv_sched_vm *sv = &vcpu->vm->sched;
	struct khv_sched_vcpu *s = &vcpu->sched;
	struct khv_sched_policy p;
	struct khv_sched_acc job;
	unsigned int seq;
	u64 now, d, tau;

	memset(st, 0, sizeof(*st));
	mutex_lock(&sv->lock);
	p = sv->policy;
	st->policy = p.policy;
	st->host_policy = s->thread && s->thread->prio ? SCHED_FIFO : -1;
	st->host_priority = s->thread ? s->thread->prio : 0;
	st->apply_error = s->apply_error;
	mutex_unlock(&sv->lock);

	do {
		seq = read_seqcount_begin(&s->seq);
		now = local_clock();
		job = s->job;
		d = khv_sched_since(s->mark, now);
		st->flags = 0;
		if (s->job_open) {
			st->flags |= KHV_SCHED_STATS_JOB_OPEN;
			/* The interval in progress, by where the thread is. */
			if (s->where == KHV_SCHED_ON)
				job.run += d;
			else if (s->where == KHV_SCHED_OUT)
				job.vmm += d;
			else if (s->off_blocked)
				job.block += d;
			else
				job.wait += d;
			khv_sched_times_out(&st->cur_job, &job,
					    khv_sched_since(s->job_start, now));
		}
		if (s->where != KHV_SCHED_OUT)
			st->flags |= KHV_SCHED_STATS_IN_RUN;
		st->jobs = s->jobs;
		st->last_burst_ns = s->last_burst;
		tau = s->tau;
		khv_sched_times_out(&st->last_job, &s->last, s->last_turnaround);
		khv_sched_times_out(&st->sum, &s->sum, s->sum_turnaround);
	} while (read_seqcount_retry(&s->seq, seq));

	if (IS_ENABLED(CONFIG_SCHED_INFO))
		st->flags |= KHV_SCHED_STATS_RUN_DELAY;
	if (p.policy == KHV_SCHED_SJF)
		st->predicted_burst_ns = khv_sched_tau(&p, tau);
	else
		st->predicted_burst_ns = tau ? tau : READ_ONCE(sv->tau0);
}

static long khv_sched_vcpu_stats(struct khv_vm *vm, void __user *argp)
{
	struct khv_sched_vcpu_stats req;
	struct khv_vcpu *vcpu;
	struct file *f;
	long r = 0;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags)
		return -EINVAL;
	f = fget(req.vcpu_fd);
	if (!f)
		return -EBADF;
	vcpu = khv_vcpu_from_file(f);
	if (!vcpu)
		r = -EINVAL;		/* not a khv vCPU fd */
	else if (vcpu->vm != vm)
		r = -EXDEV;		/* another VM's vCPU */
	else
		khv_sched_get_stats(vcpu, &req.stats);
	fput(f);
	if (!r && copy_to_user(argp, &req, sizeof(req)))
		r = -EFAULT;
	return r;
}

long khv_sched_vm_ioctl(struct khv_vm *vm, unsigned int cmd,
			void __user *argp)
{
	struct khv_sched_policy p;

	switch (cmd) {
	case KHV_SET_SCHED_POLICY:
		if (copy_from_user(&p, argp, sizeof(p)))
			return -EFAULT;
		return khv_sched_set_policy(vm, &p);
	case KHV_GET_SCHED_POLICY:
		mutex_lock(&vm->sched.lock);
		p = vm->sched.policy;
		mutex_unlock(&vm->sched.lock);
		return copy_to_user(argp, &p, sizeof(p)) ? -EFAULT : 0;
	case KHV_GET_VCPU_SCHED_STATS:
		return khv_sched_vcpu_stats(vm, argp);
	default:
		return -ENOTTY;
	}
}

/* A consistent snapshot of the ring and the job times (the seqcount). */
static long khv_sched_get_trace(struct khv_vcpu *vcpu, void __user *argp)
{
	struct khv_sched_vcpu *s = &vcpu->sched;
	struct khv_sched_trace *t;
	unsigned int seq;
	u32 flags;
	long r;

	if (get_user(flags, (u32 __user *)argp))
		return -EFAULT;
	if (flags)
		return -EINVAL;
	/* 3 KiB: not on the stack. */
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	do {
		seq = read_seqcount_begin(&s->seq);
		t->now_ns = local_clock();
		t->flags = 0;
		t->on_cpu_since_ns = 0;
		if (s->where == KHV_SCHED_ON) {
			t->flags |= KHV_SCHED_TRACE_ON_CPU;
			t->on_cpu_since_ns = s->iv_in;
		}
		t->total = s->iv_total;
		/* total only grows: no slot a retry filled is left over. */
		t->nr = khv_sched_ring_read(t->iv, s->ring,
					    KHV_SCHED_TRACE_LEN, t->total);
		t->last_job_arrival_ns = s->jobs ? s->last_arrival : 0;
		t->last_job_end_ns = s->jobs ? s->last_end : 0;
		t->cur_job_arrival_ns = s->job_open ? s->job_start : 0;
	} while (read_seqcount_retry(&s->seq, seq));

	r = copy_to_user(argp, t, sizeof(*t)) ? -EFAULT : 0;
	kfree(t);
	return r;
}

long khv_sched_vcpu_ioctl(struct khv_vcpu *vcpu, unsigned int cmd,
			  void __user *argp)
{
	struct khv_sched_stats st;

	switch (cmd) {
	case KHV_GET_SCHED_STATS:
		khv_sched_get_stats(vcpu, &st);
		return copy_to_user(argp, &st, sizeof(st)) ? -EFAULT : 0;
	case KHV_GET_SCHED_TRACE:
		return khv_sched_get_trace(vcpu, argp);
	default:
		return -EINVAL;
	}
}

/* ---- Lifetime. ---- */

void khv_sched_vm_init(struct khv_vm *vm)
{
	struct khv_sched_vm *sv = &vm->sched;

	mutex_init(&sv->lock);
	sv->alpha = KHV_SCHED_ALPHA_DEFAULT;
	sv->tau0 = KHV_SCHED_TAU0_NS;
	INIT_DELAYED_WORK(&sv->aging, khv_sched_aging_work);
}

/* Before the vCPUs go: the aging work walks them. */
void khv_sched_vm_destroy(struct khv_vm *vm)
{
	cancel_delayed_work_sync(&vm->sched.aging);
}

void khv_sched_vcpu_init(struct khv_vcpu *vcpu)
{
	seqcount_init(&vcpu->sched.seq);
}

/* The vCPU goes with its VM (or a failed creation): threads get theirs back. */
void khv_sched_vcpu_destroy(struct khv_vcpu *vcpu)
{
	struct khv_sched_vm *sv = &vcpu->vm->sched;

	mutex_lock(&sv->lock);
	khv_sched_unbind(&vcpu->sched);
	mutex_unlock(&sv->lock);
}
