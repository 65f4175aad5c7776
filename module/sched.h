/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-VM scheduling policies and per-vCPU accounting (docs/scheduling.md).
 * The rest of khv calls only the hooks declared here; the policy logic is
 * in sched.c (threads, locks, clocks) and sched_queue.c (pure).
 */
#ifndef _KHV_SCHED_H
#define _KHV_SCHED_H

#include <linux/compiler_types.h>
#include <linux/mutex.h>
#include <linux/seqlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "../uapi/khv.h"

struct task_struct;
struct khv_vm;
struct khv_vcpu;
struct khv_sched_thread;

/* What a job (or all completed jobs) accumulated; times in ns. */
struct khv_sched_acc {
	u64 wait, run, block, vmm;
	u64 dispatches, preemptions, bursts;
};

/* Per vCPU: struct khv_vcpu.sched. */
struct khv_sched_vcpu {
	/*
	 * Accounting, written only by the thread in KVM_RUN (preempt notifiers,
	 * entry, exit) with interrupts off; readers retry on @seq.
	 */
	seqcount_t seq;
	u8 where;			/* outside KVM_RUN, on or off a CPU */
	bool off_blocked;		/* off the CPU because it went to sleep */
	bool job_open;
	bool burst_open;
	u64 mark;			/* local_clock() at the last change */
	u64 run_delay;			/* the thread's sched_info.run_delay then */
	unsigned long nvcsw, nivcsw;	/* its context-switch counts then */
	const struct task_struct *last_task;	/* at the last exit; compared only */
	u64 job_start;			/* arrival of the open job */
	struct khv_sched_acc job;	/* the open job so far */
	struct khv_sched_acc sum;	/* completed jobs */
	struct khv_sched_acc last;	/* the last completed job */
	u64 sum_turnaround, last_turnaround;
	u64 jobs;
	u64 burst_run;			/* on a CPU in the open burst */
	u64 last_burst;
	u64 tau;			/* predicted next burst, 0 = none yet */
	u64 slice_run;			/* on a CPU since dispatch or quantum */
	u32 burst_seq;			/* bursts begun */
	u64 last_arrival, last_end;	/* of the last completed job */
	/* Dispatch intervals (KHV_GET_SCHED_TRACE): the open one, a ring. */
	u64 iv_in;			/* when the open one began */
	u16 iv_cpu;
	u64 iv_total;			/* intervals closed */
	struct khv_sched_interval ring[KHV_SCHED_TRACE_LEN];

	/* Policy state, under the VM's sched.lock. */
	struct khv_sched_thread *thread;	/* thread khv manages, or NULL */
	const struct task_struct *bound_task;	/* its task, read without lock */
	u32 gen;			/* VM policy generation applied */
	u32 synced_burst;		/* burst_seq at the last sync */
	bool boosted;			/* SJF burst at KHV_SCHED_RT_BOOST */
	int aged_prio;			/* PRIORITY: raised by aging, or 0 */
	int apply_error;		/* of the last change, -errno */
};

/* Per VM: struct khv_vm.sched. */
struct khv_sched_vm {
	struct mutex lock;		/* the policy, the vCPUs' policy state */
	struct khv_sched_policy policy;
	u32 gen;			/* bumped by every policy change */
	u32 alpha;			/* prediction weight, read without lock */
	u64 tau0;			/* tau(0), read without lock */
	struct delayed_work aging;	/* PRIORITY with aging */
};

/* VM fd: creation, teardown (before its vCPUs go), ioctls. */
void khv_sched_vm_init(struct khv_vm *vm);
void khv_sched_vm_destroy(struct khv_vm *vm);
long khv_sched_vm_ioctl(struct khv_vm *vm, unsigned int cmd,
			void __user *argp);

/* vCPU: creation, destruction, KHV_GET_SCHED_STATS/TRACE (no vCPU mutex). */
void khv_sched_vcpu_init(struct khv_vcpu *vcpu);
void khv_sched_vcpu_destroy(struct khv_vcpu *vcpu);
long khv_sched_vcpu_ioctl(struct khv_vcpu *vcpu, unsigned int cmd,
			  void __user *argp);

/*
 * KVM_RUN (run.c): begin after the vCPU is loaded, loop before each guest
 * entry (preemption on), end with KVM_RUN's result before the vCPU is put:
 * all three while the preempt notifiers are registered, so that a switch
 * between them and the notifiers' registration is always seen.
 */
void khv_sched_run_begin(struct khv_vcpu *vcpu);
void khv_sched_run_loop(struct khv_vcpu *vcpu);
void khv_sched_run_end(struct khv_vcpu *vcpu, long r);

/* Preempt notifiers (vcpu_load.c): the vCPU thread leaves or gets a CPU. */
void khv_sched_switch_out(struct khv_vcpu *vcpu);
void khv_sched_switch_in(struct khv_vcpu *vcpu);

#endif /* _KHV_SCHED_H */
