// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmarks. Each group makes its own VM, so a failure in one (an
 * exit the hypervisor does not support yet) leaves the others unharmed and
 * turns only its own metrics into "n/a, because ...".
 *
 * Guest-side figures are TSC ticks between two RDTSCs in the guest divided
 * by the operations in between; host-side figures are CLOCK_MONOTONIC
 * across the KVM_RUN calls that ran the same loop.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <x86intrin.h>

#include "bench.h"
#include "bench_abi.h"
#include "vm.h"
#include "../../uapi/khv.h"

#define MSR_EFER		0xc0000080

/* Iterations per sample at --scale 1, sized for Bochs (~10M insns/s). */
#define ITERS_IN_KERNEL		200
#define ITERS_USERSPACE		50
#define ITERS_COMPUTE		500000

#define LOWER(n, l, u, t, tv) \
	{ .name = n, .label = l, .unit = u, .target = t, .target_val = tv }
#define HIGHER(n, l, u, t, tv) \
	{ .name = n, .label = l, .unit = u, .target = t, .target_val = tv, \
	  .higher_better = true }

struct metric bench_metrics[M_COUNT] = {
	[M_CPUID_TSC]	= LOWER("cpuid_tsc", "in-kernel exit: CPUID (guest)", "TSC/op",
				TARGET_RATIO_LE, 0.5),
	[M_CPUID_NS]	= LOWER("cpuid_ns", "in-kernel exit: CPUID (host)", "ns/op",
				TARGET_RATIO_LE, 0.5),
	[M_VMCALL_TSC]	= LOWER("vmcall_tsc", "in-kernel exit: VMCALL (guest)", "TSC/op",
				TARGET_RATIO_LE, 0.5),
	[M_VMCALL_NS]	= LOWER("vmcall_ns", "in-kernel exit: VMCALL (host)", "ns/op",
				TARGET_RATIO_LE, 0.5),
	[M_RDMSR_TSC]	= LOWER("rdmsr_tsc", "in-kernel exit: RDMSR EFER (guest)", "TSC/op",
				TARGET_RATIO_LE, 0.5),
	[M_RDMSR_NS]	= LOWER("rdmsr_ns", "in-kernel exit: RDMSR EFER (host)", "ns/op",
				TARGET_RATIO_LE, 0.5),
	[M_PIO_TSC]	= LOWER("pio_out_tsc", "userspace exit: OUT (guest)", "TSC/op",
				TARGET_RATIO_LE, 0.7),
	[M_PIO_NS]	= LOWER("pio_out_ns", "userspace exit: OUT (host)", "ns/op",
				TARGET_RATIO_LE, 0.7),
	[M_MMIO_W_TSC]	= LOWER("mmio_write_tsc", "userspace exit: MMIO write (guest)", "TSC/op",
				TARGET_RATIO_LE, 0.7),
	[M_MMIO_W_NS]	= LOWER("mmio_write_ns", "userspace exit: MMIO write (host)", "ns/op",
				TARGET_RATIO_LE, 0.7),
	[M_MMIO_R_TSC]	= LOWER("mmio_read_tsc", "userspace exit: MMIO read (guest)", "TSC/op",
				TARGET_RATIO_LE, 0.7),
	[M_MMIO_R_NS]	= LOWER("mmio_read_ns", "userspace exit: MMIO read (host)", "ns/op",
				TARGET_RATIO_LE, 0.7),
	[M_FAULT_PPS]	= HIGHER("ept_fault_pages_per_s", "EPT fault-in (host)", "pages/s",
				 TARGET_RATIO_GE, 2.0),
	[M_FAULT_TSC]	= LOWER("ept_fault_tsc", "EPT fault-in (guest)", "TSC/page",
				TARGET_RATIO_LE, 0.5),
	[M_LIFECYCLE_US] = LOWER("vm_lifecycle_us", "VM create to first guest insn (host)", "us",
				 TARGET_RATIO_LE, 0.5),
	[M_TEARDOWN_US]	= LOWER("vm_teardown_us", "VM teardown, close of fds (host)", "us",
				TARGET_NONE, 0),
	[M_COMPUTE_TSC]	= LOWER("compute_ratio_tsc", "guest compute / host loop (TSC)", "ratio",
				TARGET_ABS_LE, 1.02),
	[M_COMPUTE_NS]	= LOWER("compute_ratio_ns", "guest compute / host loop (ns)", "ratio",
				TARGET_ABS_LE, 1.02),
	/* Issue #7 sets no target for these: they compare policies. */
	[M_DISP_DEF_TSC] = LOWER("dispatch_default_tsc", "HLT exit + redispatch, DEFAULT (guest)",
				 "TSC/op", TARGET_NONE, 0),
	[M_DISP_DEF_NS]	= LOWER("dispatch_default_ns", "HLT exit + redispatch, DEFAULT (host)",
				"ns/op", TARGET_NONE, 0),
	[M_DISP_FCFS_TSC] = LOWER("dispatch_fcfs_tsc", "HLT exit + redispatch, FCFS (guest)",
				  "TSC/op", TARGET_NONE, 0),
	[M_DISP_FCFS_NS] = LOWER("dispatch_fcfs_ns", "HLT exit + redispatch, FCFS (host)",
				 "ns/op", TARGET_NONE, 0),
	[M_DISP_SJF_TSC] = LOWER("dispatch_sjf_tsc", "HLT exit + redispatch, SJF (guest)",
				 "TSC/op", TARGET_NONE, 0),
	[M_DISP_SJF_NS]	= LOWER("dispatch_sjf_ns", "HLT exit + redispatch, SJF (host)",
				"ns/op", TARGET_NONE, 0),
	[M_DISP_PRIO_TSC] = LOWER("dispatch_priority_tsc", "HLT exit + redispatch, PRIORITY (guest)",
				  "TSC/op", TARGET_NONE, 0),
	[M_DISP_PRIO_NS] = LOWER("dispatch_priority_ns", "HLT exit + redispatch, PRIORITY (host)",
				 "ns/op", TARGET_NONE, 0),
};

static uint32_t scaled(const struct bench *b, uint32_t iters)
{
	double v = iters * b->scale;

	return v < 1 ? 1 : (uint32_t)v;
}

static uint64_t host_tsc(void)
{
	_mm_lfence();
	return __rdtsc();
}

/* A fresh VM waiting for its first command, or false with @why set. */
static bool vm_start(struct bench *b, struct bvm *vm, uint8_t **mem,
		     char *why, size_t len)
{
	*mem = bvm_alloc_mem();
	if (!*mem) {
		snprintf(why, len, "guest memory: %s", strerror(errno));
		return false;
	}
	if (bvm_create(vm, b->sys_fd, *mem) || bvm_run_to_ready(vm)) {
		snprintf(why, len, "%s", vm->err);
		bvm_destroy(vm);
		bvm_free_mem(*mem);
		return false;
	}
	return true;
}

static void vm_stop(struct bvm *vm, uint8_t *mem)
{
	bvm_destroy(vm);
	bvm_free_mem(mem);
}

/*
 * A loop of @iters operations (@op, for messages) per sample; with
 * @user_exits each must reach this program (I/O or MMIO exits, by @cmd),
 * else none may.
 */
static void bench_loop_vm(struct bench *b, struct bvm *vm, const char *op,
			  uint32_t cmd, uint32_t iters, uint32_t arg,
			  bool user_exits, struct metric *tsc, struct metric *ns)
{
	char why[sizeof(((struct bvm *)0)->err) + 32];
	struct bvm_result r;
	uint32_t seen;
	int i;

	for (i = -b->warmup; i < b->reps; i++) {
		if (bvm_cmd(vm, cmd, iters, arg, &r)) {
			snprintf(why, sizeof(why), "%s: %s", op, vm->err);
			metric_na(tsc, why);
			metric_na(ns, why);
			break;
		}
		seen = r.io_exits + r.mmio_exits + r.hlt_exits;
		if (seen != (user_exits ? iters : 0)) {
			snprintf(why, sizeof(why),
				 "%s: %u exits to userspace for %u operations",
				 op, seen, iters);
			metric_na(tsc, why);
			metric_na(ns, why);
			break;
		}
		if (i < 0)
			continue;
		metric_add(tsc, (double)r.tsc / iters);
		metric_add(ns, (double)r.ns / iters);
	}
}

static void bench_loop(struct bench *b, const char *op, uint32_t cmd,
		       uint32_t iters, uint32_t arg, bool user_exits,
		       struct metric *tsc, struct metric *ns)
{
	char why[sizeof(((struct bvm *)0)->err) + 32];
	struct bvm vm;
	uint8_t *mem;

	tsc->iters = ns->iters = iters;
	if (!vm_start(b, &vm, &mem, why, sizeof(why))) {
		metric_na(tsc, why);
		metric_na(ns, why);
		return;
	}
	bench_loop_vm(b, &vm, op, cmd, iters, arg, user_exits, tsc, ns);
	vm_stop(&vm, mem);
}

/*
 * Dispatch under one of khv's scheduling policies (docs/scheduling.md):
 * a loop of HLTs, each a KVM_EXIT_HLT that ends the vCPU's job, and the
 * program's next KVM_RUN, which opens a new job and dispatches the vCPU at
 * the instruction after the HLT. Guest TSC per HLT is the whole round trip:
 * exit, return to this program (a few dozen instructions here), KVM_RUN
 * entry with the policy's dispatch work, VM entry. The policy is set on the
 * VM fd before the guest first runs; DEFAULT is the state of a new VM, so
 * no ioctl is made for it, and it is the one row KVM can run.
 */
static void bench_dispatch(struct bench *b, uint32_t policy, uint32_t iters,
			   struct metric *tsc, struct metric *ns)
{
	char why[sizeof(((struct bvm *)0)->err) + 32];
	struct khv_sched_policy p = { .policy = policy };
	struct bvm vm;
	uint8_t *mem;

	tsc->iters = ns->iters = iters;
	mem = bvm_alloc_mem();
	if (!mem) {
		snprintf(why, sizeof(why), "guest memory: %s", strerror(errno));
		goto na;
	}
	if (bvm_create(&vm, b->sys_fd, mem)) {
		snprintf(why, sizeof(why), "%s", vm.err);
		goto out;
	}
	switch (policy) {
	case KHV_SCHED_SJF:
		p.alpha = KHV_SCHED_ALPHA_ONE / 2;	/* tau(0) = 1 ms */
		break;
	case KHV_SCHED_PRIORITY:
		p.level = 16;
		break;
	}
	if (policy != KHV_SCHED_DEFAULT &&
	    ioctl(vm.fd, KHV_SET_SCHED_POLICY, &p)) {
		snprintf(why, sizeof(why), "KHV_SET_SCHED_POLICY: %s%s",
			 strerror(errno), errno == ENOTTY ?
			 " (a khv ioctl; KVM has only the host's scheduling)" : "");
		goto out;
	}
	if (bvm_run_to_ready(&vm)) {
		snprintf(why, sizeof(why), "%s", vm.err);
		goto out;
	}
	bench_loop_vm(b, &vm, "HLT", CMD_HLT, iters, 0, true, tsc, ns);
	vm_stop(&vm, mem);
	return;
out:
	vm_stop(&vm, mem);
na:
	metric_na(tsc, why);
	metric_na(ns, why);
}

/*
 * A fresh VM per sample touches fault_mib MiB of a slot it never touched:
 * every page is one EPT violation. The host pages exist beforehand
 * (populated, no THP), so the figure is the hypervisor's work alone.
 */
static void bench_fault_in(struct bench *b)
{
	struct metric *pps = &bench_metrics[M_FAULT_PPS];
	struct metric *tsc = &bench_metrics[M_FAULT_TSC];
	size_t size = (size_t)b->fault_mib << 20;
	uint32_t pages = size / 4096;
	struct bvm_result r;
	struct bvm vm;
	char why[200];
	uint8_t *mem;
	void *buf;
	int i;

	pps->iters = tsc->iters = pages;
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED) {
		snprintf(why, sizeof(why), "mmap %zu bytes: %s", size, strerror(errno));
		metric_na(pps, why);
		metric_na(tsc, why);
		return;
	}
	madvise(buf, size, MADV_NOHUGEPAGE);
	memset(buf, 1, size);

	for (i = -b->warmup; i < b->reps; i++) {
		mem = bvm_alloc_mem();
		if (!mem) {
			snprintf(why, sizeof(why), "guest memory: %s", strerror(errno));
			metric_na(pps, why);
			metric_na(tsc, why);
			break;
		}
		if (bvm_create(&vm, b->sys_fd, mem) ||
		    bvm_add_slot(&vm, 1, BENCH_FAULT_GPA, size, buf) ||
		    bvm_run_to_ready(&vm) ||
		    bvm_cmd(&vm, CMD_TOUCH, pages, BENCH_FAULT_GPA, &r)) {
			metric_na(pps, vm.err);
			metric_na(tsc, vm.err);
			vm_stop(&vm, mem);
			break;
		}
		vm_stop(&vm, mem);
		if (i < 0)
			continue;
		metric_add(pps, pages * 1e9 / r.ns);
		metric_add(tsc, (double)r.tsc / pages);
	}
	munmap(buf, size);
}

/*
 * What a VMM does to start a guest: KVM_CREATE_VM, a memslot, a vCPU and
 * its kvm_run mapping, registers, and KVM_RUN until the guest's first
 * instruction (an OUT) comes back. Guest memory is prepared before the
 * clock starts; the system fd is open already.
 */
static void bench_lifecycle(struct bench *b)
{
	struct metric *life = &bench_metrics[M_LIFECYCLE_US];
	struct metric *down = &bench_metrics[M_TEARDOWN_US];
	uint64_t t0, t1, t2;
	struct bvm vm;
	uint8_t *mem;
	int i, r;

	for (i = -b->warmup; i < b->reps; i++) {
		mem = bvm_alloc_mem();
		if (!mem) {
			metric_na(life, strerror(errno));
			metric_na(down, strerror(errno));
			return;
		}
		t0 = bench_now_ns();
		r = bvm_create(&vm, b->sys_fd, mem);
		if (!r)
			r = bvm_run_to_ready(&vm);
		t1 = bench_now_ns();
		bvm_destroy(&vm);
		t2 = bench_now_ns();
		bvm_free_mem(mem);
		if (r) {
			metric_na(life, vm.err);
			metric_na(down, vm.err);
			return;
		}
		if (i < 0)
			continue;
		metric_add(life, (t1 - t0) / 1e3);
		metric_add(down, (t2 - t1) / 1e3);
	}
}

/*
 * The same loop (guest.S, COMPUTE_LOOP) in the guest and on this thread,
 * alternately; the ratio shows what running in a VM costs a guest that
 * makes no exits of its own: host interrupts, timer exits, EPT walks.
 */
static void bench_compute(struct bench *b)
{
	struct metric *rt = &bench_metrics[M_COMPUTE_TSC];
	struct metric *rn = &bench_metrics[M_COMPUTE_NS];
	uint32_t iters = scaled(b, ITERS_COMPUTE);
	uint64_t h0, h1, n0, n1;
	struct bvm_result r;
	char why[200];
	struct bvm vm;
	uint8_t *mem;
	int i;

	rt->iters = rn->iters = iters;
	if (!vm_start(b, &vm, &mem, why, sizeof(why))) {
		metric_na(rt, why);
		metric_na(rn, why);
		return;
	}
	for (i = -b->warmup; i < b->reps; i++) {
		if (bvm_cmd(&vm, CMD_COMPUTE, iters, 0, &r)) {
			metric_na(rt, vm.err);
			metric_na(rn, vm.err);
			break;
		}
		n0 = bench_now_ns();
		h0 = host_tsc();
		bench_host_compute(iters);
		h1 = host_tsc();
		n1 = bench_now_ns();
		if (i < 0)
			continue;
		metric_add(rt, (double)r.tsc / (h1 - h0));
		metric_add(rn, (double)r.ns / (n1 - n0));
	}
	vm_stop(&vm, mem);
}

static bool selected(const struct bench *b, const char *group)
{
	const char *p = b->only;
	size_t len = strlen(group);

	if (!p)
		return true;
	while ((p = strstr(p, group))) {
		if ((p == b->only || p[-1] == ',') && (p[len] == ',' || !p[len]))
			return true;
		p += len;
	}
	return false;
}

#define SKIPPED "not selected (--only)"

void bench_run_all(struct bench *b)
{
	uint32_t kern = scaled(b, ITERS_IN_KERNEL);
	uint32_t user = scaled(b, ITERS_USERSPACE);
	struct metric *m = bench_metrics;
	static const struct {
		const char *group;
		int first, last;
	} groups[] = {
		{ "cpuid", M_CPUID_TSC, M_CPUID_NS },
		{ "vmcall", M_VMCALL_TSC, M_VMCALL_NS },
		{ "rdmsr", M_RDMSR_TSC, M_RDMSR_NS },
		{ "pio", M_PIO_TSC, M_PIO_NS },
		{ "mmio", M_MMIO_W_TSC, M_MMIO_R_NS },
		{ "fault", M_FAULT_PPS, M_FAULT_TSC },
		{ "lifecycle", M_LIFECYCLE_US, M_TEARDOWN_US },
		{ "compute", M_COMPUTE_TSC, M_COMPUTE_NS },
		{ "dispatch", M_DISP_DEF_TSC, M_DISP_PRIO_NS },
	};
	unsigned int g;
	int i;

	for (g = 0; g < ARRAY_SIZE(groups); g++) {
		const char *name = groups[g].group;

		if (!selected(b, name)) {
			for (i = groups[g].first; i <= groups[g].last; i++)
				metric_na(&m[i], SKIPPED);
			continue;
		}
		fprintf(stderr, "khv-bench: %s: %s\n", b->dev, name);
		if (!strcmp(name, "cpuid"))
			bench_loop(b, "CPUID", CMD_CPUID, kern, 0, false,
				   &m[M_CPUID_TSC], &m[M_CPUID_NS]);
		else if (!strcmp(name, "vmcall"))
			bench_loop(b, "VMCALL", CMD_VMCALL, kern, 0, false,
				   &m[M_VMCALL_TSC], &m[M_VMCALL_NS]);
		else if (!strcmp(name, "rdmsr"))
			bench_loop(b, "RDMSR", CMD_RDMSR, kern, MSR_EFER, false,
				   &m[M_RDMSR_TSC], &m[M_RDMSR_NS]);
		else if (!strcmp(name, "pio"))
			bench_loop(b, "OUT", CMD_PIO_OUT, user, 0, true,
				   &m[M_PIO_TSC], &m[M_PIO_NS]);
		else if (!strcmp(name, "mmio")) {
			bench_loop(b, "MMIO write", CMD_MMIO_WRITE, user, BENCH_MMIO_GPA, true,
				   &m[M_MMIO_W_TSC], &m[M_MMIO_W_NS]);
			bench_loop(b, "MMIO read", CMD_MMIO_READ, user, BENCH_MMIO_GPA, true,
				   &m[M_MMIO_R_TSC], &m[M_MMIO_R_NS]);
		} else if (!strcmp(name, "fault"))
			bench_fault_in(b);
		else if (!strcmp(name, "lifecycle"))
			bench_lifecycle(b);
		else if (!strcmp(name, "compute"))
			bench_compute(b);
		else {
			bench_dispatch(b, KHV_SCHED_DEFAULT, user,
				       &m[M_DISP_DEF_TSC], &m[M_DISP_DEF_NS]);
			bench_dispatch(b, KHV_SCHED_FCFS, user,
				       &m[M_DISP_FCFS_TSC], &m[M_DISP_FCFS_NS]);
			bench_dispatch(b, KHV_SCHED_SJF, user,
				       &m[M_DISP_SJF_TSC], &m[M_DISP_SJF_NS]);
			bench_dispatch(b, KHV_SCHED_PRIORITY, user,
				       &m[M_DISP_PRIO_TSC], &m[M_DISP_PRIO_NS]);
		}
	}
}
