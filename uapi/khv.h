/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * khv's own ioctls: what /dev/khv offers beyond the x86 KVM ABI.
 *
 * Everything KVM already defines is used as it is from <linux/kvm.h>
 * (ioctl magic 0xAE); the ioctls here use khv's own magic, 0xB9, which is
 * unassigned in Documentation/userspace-api/ioctl/ioctl-number.rst.
 */
#ifndef _UAPI_KHV_H
#define _UAPI_KHV_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define KHVIO			0xB9

/* Where the module publishes its per-CPU VMX state (read-only sysfs). */
#define KHV_SYSFS_DIR		"/sys/kernel/khv"

/*
 * Scheduling: per-VM policies and per-vCPU accounting (docs/scheduling.md).
 * ioctl numbers 0x20-0x2f of KHVIO belong to this section.
 */
#define KHV_SCHED_DEFAULT	0	/* the host's scheduling, untouched */
#define KHV_SCHED_FCFS		1	/* first come, first served */
#define KHV_SCHED_SJF		2	/* shortest (predicted) job first */
#define KHV_SCHED_PRIORITY	3	/* highest priority level first */

/* SJF: a vCPU with a shorter predicted burst preempts a running one. */
#define KHV_SCHED_F_PREEMPT	(1U << 0)

#define KHV_SCHED_LEVEL_MAX	31		/* levels 0..31, 31 runs first */
#define KHV_SCHED_ALPHA_ONE	1024		/* alpha is in 1/1024 */
#define KHV_SCHED_BURST_MAX_NS	10000000000ULL	/* 10 s */
#define KHV_SCHED_TIME_MIN_NS	1000000ULL	/* quantum, aging: 1 ms .. */
#define KHV_SCHED_TIME_MAX_NS	10000000000ULL	/* .. 10 s */

/*
 * A VM's policy. Fields a policy does not use must be 0. level: FCFS and
 * PRIORITY, 0..KHV_SCHED_LEVEL_MAX. alpha: SJF's weight of the last burst
 * in tau(n+1) = alpha * t(n) + (1 - alpha) * tau(n), 0..KHV_SCHED_ALPHA_ONE;
 * 0 means "use burst_ns as the prediction, always". burst_ns: SJF's declared
 * burst, also tau(0). quantum_ns: PRIORITY (round robin among equal levels,
 * how long an aged vCPU keeps its raised level) and SJF (how long a burst
 * stays non-preemptive); 0 = none. aging_ns: PRIORITY, one level up per
 * aging_ns spent waiting; 0 = no aging.
 */
struct khv_sched_policy {
	__u32 policy;			/* KHV_SCHED_* */
	__u32 flags;			/* KHV_SCHED_F_* */
	__u32 level;
	__u32 alpha;
	__u64 burst_ns;
	__u64 quantum_ns;
	__u64 aging_ns;
	__u64 reserved[3];		/* must be 0 */
};

/*
 * Times of one job (or the sum of several), in ns of local_clock(). A job
 * runs from its arrival to the KVM_RUN exit that ends it; turnaround_ns =
 * wait_ns + run_ns + block_ns + vmm_ns (docs/scheduling.md defines each).
 */
struct khv_sched_times {
	__u64 turnaround_ns;
	__u64 wait_ns;			/* runnable, not on a CPU */
	__u64 run_ns;			/* on a CPU inside KVM_RUN */
	__u64 block_ns;			/* asleep inside KVM_RUN */
	__u64 vmm_ns;			/* between the job's KVM_RUN calls */
	__u64 dispatches;		/* times the vCPU was given a CPU */
	__u64 preemptions;		/* taken off a CPU while runnable */
	__u64 bursts;			/* bursts that ended */
};

/* khv_sched_stats.flags */
#define KHV_SCHED_STATS_JOB_OPEN	(1U << 0)	/* cur_job is running */
#define KHV_SCHED_STATS_IN_RUN		(1U << 1)	/* inside KVM_RUN now */
#define KHV_SCHED_STATS_RUN_DELAY	(1U << 2)	/* waits outside KVM_RUN seen */

struct khv_sched_stats {
	__u32 policy;			/* the VM's policy now */
	__u32 flags;			/* KHV_SCHED_STATS_* */
	__s32 host_policy;		/* SCHED_* khv gave the thread, -1 none */
	__u32 host_priority;		/* and its rt priority */
	__s32 apply_error;		/* -errno of khv's last change, or 0 */
	__u32 reserved0;
	__u64 jobs;			/* completed jobs */
	__u64 last_burst_ns;		/* processing time of the last burst */
	__u64 predicted_burst_ns;	/* tau of the next burst */
	__u64 reserved[4];
	struct khv_sched_times last_job;	/* the last completed job */
	struct khv_sched_times sum;		/* all completed jobs */
	struct khv_sched_times cur_job;		/* the open job, so far */
};

/* VM fd: the stats of one of this VM's vCPUs, named by its fd. */
struct khv_sched_vcpu_stats {
	__s32 vcpu_fd;
	__u32 flags;			/* must be 0 */
	struct khv_sched_stats stats;
};

/*
 * Dispatch intervals of one vCPU: the times its thread was on a CPU inside
 * KVM_RUN (from a KVM_RUN entry or a switch in, to a switch out or the
 * KVM_RUN exit), in ns of local_clock(), the same clock as the stats. khv
 * keeps the last KHV_SCHED_TRACE_LEN closed intervals of every vCPU.
 */
#define KHV_SCHED_TRACE_LEN	128

/* khv_sched_interval.end: how the interval ended. */
#define KHV_SCHED_IV_PREEMPTED	1	/* switched out, still runnable */
#define KHV_SCHED_IV_BLOCKED	2	/* went to sleep inside KVM_RUN */
#define KHV_SCHED_IV_EXIT	3	/* KVM_RUN returned, the job goes on */
#define KHV_SCHED_IV_JOB_END	4	/* KVM_RUN returned and ended the job */

struct khv_sched_interval {
	__u64 in_ns;			/* the vCPU thread got a CPU */
	__u64 out_ns;			/* and left it */
	__u32 job;			/* its job: stats.jobs then (low 32 bits) */
	__u16 cpu;			/* the host CPU it ran on */
	__u16 end;			/* KHV_SCHED_IV_* */
};

/* khv_sched_trace.flags (out) */
#define KHV_SCHED_TRACE_ON_CPU	(1U << 0)	/* an interval is in progress */

struct khv_sched_trace {
	__u32 flags;			/* in: 0; out: KHV_SCHED_TRACE_* */
	__u32 nr;			/* out: intervals in iv[] */
	__u64 total;			/* out: intervals closed since creation */
	__u64 now_ns;			/* out: local_clock() at the snapshot */
	__u64 on_cpu_since_ns;		/* out: start of the open interval */
	__u64 last_job_arrival_ns;	/* out: the last completed job's, or 0 */
	__u64 last_job_end_ns;		/* out: its end, or 0 */
	__u64 cur_job_arrival_ns;	/* out: the open job's, or 0 */
	__u64 reserved;			/* out: 0 */
	/* The last nr closed intervals (number total - nr on), oldest first. */
	struct khv_sched_interval iv[KHV_SCHED_TRACE_LEN];
};

#define KHV_SET_SCHED_POLICY	_IOW(KHVIO, 0x20, struct khv_sched_policy)
#define KHV_GET_SCHED_POLICY	_IOR(KHVIO, 0x21, struct khv_sched_policy)
#define KHV_GET_VCPU_SCHED_STATS _IOWR(KHVIO, 0x22, struct khv_sched_vcpu_stats)
/* vCPU fd */
#define KHV_GET_SCHED_STATS	_IOR(KHVIO, 0x23, struct khv_sched_stats)
#define KHV_GET_SCHED_TRACE	_IOWR(KHVIO, 0x24, struct khv_sched_trace)

#endif /* _UAPI_KHV_H */
