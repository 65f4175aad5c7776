/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The counters behind KVM_GET_STATS_FD (stats.c, docs/abi.md lists them).
 *
 * Each vCPU counter has one writer, the thread inside KVM_RUN (it holds the
 * vCPU mutex); each VM counter is written under the VM's locks. Writers
 * store with WRITE_ONCE and the stats file reads with READ_ONCE, without
 * locks: a 64-bit aligned access is never torn on x86-64, and the exit path
 * pays one increment.
 */
#ifndef _KHV_STATS_H
#define _KHV_STATS_H

#include <linux/compiler.h>
#include <linux/sched/clock.h>
#include <linux/types.h>
#include <asm/vmx.h>

struct khv_vcpu;
struct khv_vm;
struct kvm_run;

/*
 * Basic exit reasons counted one by one (SDM Vol. 3D, Appendix C, goes up
 * to 77); slot KHV_STATS_REASON_OTHER takes higher reasons, failed VM
 * entries and VMfail.
 */
#define KHV_STATS_NR_REASONS	80
#define KHV_STATS_REASON_OTHER	KHV_STATS_NR_REASONS

struct khv_vcpu_stats {
	u64 exits[KHV_STATS_NR_REASONS + 1];	/* by basic exit reason */
	u64 pf_fixed;			/* EPT violations resolved in khv */
	u64 user_exits;			/* KVM_RUN returns */
	u64 user_io_exits;		/* ... with KVM_EXIT_IO */
	u64 mmio_exits;			/* ... with KVM_EXIT_MMIO */
	u64 user_hlt_exits;		/* ... with KVM_EXIT_HLT */
	u64 signal_exits;		/* ... with EINTR (KVM_EXIT_INTR) */
	u64 halt_wakeup;		/* in-kernel HLT waits ended */
	u64 halt_wait_ns;		/* asleep in them */
	u64 guest_ns;			/* in VMX non-root operation */
	u64 host_ns;			/* in KVM_RUN, neither of the two */

	/* Marks of the KVM_RUN in progress (the writer's own). */
	u64 entry_mark;			/* local_clock() at the VM entry */
	u64 run_mark;			/* at the start of KVM_RUN */
	u64 run_guest_ns, run_halt_ns;	/* guest_ns, halt_wait_ns then */
};

struct khv_vm_stats {
	u64 remote_tlb_flush;		/* INVEPT on every CPU (vm.c) */
};

static inline void khv_stats_inc(u64 *counter)
{
	WRITE_ONCE(*counter, *counter + 1);
}

static inline void khv_stats_add(u64 *counter, u64 v)
{
	WRITE_ONCE(*counter, *counter + v);
}

/* exit.c: every return from a VM entry, before it is handled. */
static inline void khv_stats_exit(struct khv_vcpu_stats *s, u32 reason)
{
	u16 basic = reason;
	unsigned int i = basic;

	if ((reason & VMX_EXIT_REASONS_FAILED_VMENTRY) ||
	    basic >= KHV_STATS_NR_REASONS)
		i = KHV_STATS_REASON_OTHER;
	khv_stats_inc(&s->exits[i]);
}

/* run.c, interrupts off: right before and right after VMLAUNCH/VMRESUME. */
static inline void khv_stats_guest_enter(struct khv_vcpu_stats *s)
{
	s->entry_mark = local_clock();
}

static inline void khv_stats_guest_exit(struct khv_vcpu_stats *s)
{
	khv_stats_add(&s->guest_ns, local_clock() - s->entry_mark);
}

/* irq_vcpu.c: an in-kernel HLT wait that began at @mark (local_clock()). */
static inline void khv_stats_halt_wait(struct khv_vcpu_stats *s, u64 mark)
{
	khv_stats_add(&s->halt_wait_ns, local_clock() - mark);
	khv_stats_inc(&s->halt_wakeup);
}

/* run.c: KVM_RUN begins; it ends with @r and the exit in @run. */
void khv_stats_run_begin(struct khv_vcpu_stats *s);
void khv_stats_run_end(struct khv_vcpu_stats *s, const struct kvm_run *run,
		       long r);

#endif /* _KHV_STATS_H */
