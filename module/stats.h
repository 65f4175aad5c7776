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
#include <asm/msr.h>
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
	/*
	 * The times count TSC cycles, turned into ns when read (stats.c):
	 * they are taken twice per VM exit, and a RDTSC is a small part of
	 * the path length of local_clock() (docs/performance.md). VMX hosts
	 * have an invariant TSC, and a negative delta is never added.
	 */
	u64 halt_wait_tsc;		/* asleep in them */
	u64 guest_tsc;			/* in VMX non-root operation */
	u64 host_tsc;			/* in KVM_RUN, neither of the two */

	/*
	 * khv_stats_now() when the vCPU last entered the guest and when it
	 * last came back to the host (KVM_RUN's start, a VM exit, the end of
	 * a halt wait): host time is charged at each entry and at the end of
	 * KVM_RUN, so it is current for a vCPU that runs on.
	 */
	u64 entry_mark;
	u64 host_mark;
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

/*
 * Add the time from @from to @to to @counter. The clocks of two CPUs may
 * differ a little and the thread may have moved: never a negative amount.
 */
static inline void khv_stats_add_time(u64 *counter, u64 from, u64 to)
{
	if ((s64)(to - from) > 0)
		khv_stats_add(counter, to - from);
}

/* The clock of the time counters: TSC cycles (see struct khv_vcpu_stats). */
static inline u64 khv_stats_now(void)
{
	return rdtsc();
}

/* run.c, interrupts off: right before and right after VMLAUNCH/VMRESUME. */
static inline void khv_stats_guest_enter(struct khv_vcpu_stats *s)
{
	s->entry_mark = khv_stats_now();
	khv_stats_add_time(&s->host_tsc, s->host_mark, s->entry_mark);
}

static inline void khv_stats_guest_exit(struct khv_vcpu_stats *s)
{
	s->host_mark = khv_stats_now();
	khv_stats_add_time(&s->guest_tsc, s->entry_mark, s->host_mark);
}

/*
 * irq_vcpu.c: an in-kernel HLT wait that began at @mark (khv_stats_now()).
 * It is not host time: the host mark moves past it.
 */
static inline void khv_stats_halt_wait(struct khv_vcpu_stats *s, u64 mark)
{
	u64 now = khv_stats_now();

	if ((s64)(now - mark) > 0) {
		khv_stats_add(&s->halt_wait_tsc, now - mark);
		s->host_mark += now - mark;
	}
	khv_stats_inc(&s->halt_wakeup);
}

/* run.c: KVM_RUN begins; it ends with @r and the exit in @run. */
void khv_stats_run_begin(struct khv_vcpu_stats *s);
void khv_stats_run_end(struct khv_vcpu_stats *s, const struct kvm_run *run,
		       long r);

#endif /* _KHV_STATS_H */
