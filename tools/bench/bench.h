/* SPDX-License-Identifier: GPL-2.0 */
/*
 * khv-bench: the metrics, their samples and how they are reported.
 *
 * A metric is a list of samples, one per measured repetition (warm-up runs
 * are not kept), or "n/a" with the reason. Each metric carries the target
 * that compares khv with KVM (docs/performance.md); the comparison itself
 * is made on the host from both JSON files (compare.awk).
 */
#ifndef _KHV_BENCH_H
#define _KHV_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#define BENCH_MAX_REPS	64

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum bench_target {
	TARGET_NONE,
	TARGET_RATIO_LE,	/* khv / KVM <= value */
	TARGET_RATIO_GE,	/* khv / KVM >= value */
	TARGET_ABS_LE,		/* khv's own figure <= value */
};

struct metric {
	const char *name;	/* JSON key, stable */
	const char *label;	/* table row */
	const char *unit;
	bool higher_better;
	enum bench_target target;
	double target_val;
	uint32_t iters;		/* operations per sample, 0 if not a loop */
	int n;
	double v[BENCH_MAX_REPS];
	char na[200];		/* non-empty: not available, and why */
};

struct bench {
	const char *dev;
	int sys_fd;
	int reps;
	int warmup;
	unsigned int fault_mib;
	double scale;		/* multiplies every loop's iteration count */
	const char *only;	/* comma-separated groups, NULL for all */
};

/* Metrics in table order. */
enum {
	M_CPUID_TSC, M_CPUID_NS,
	M_VMCALL_TSC, M_VMCALL_NS,
	M_RDMSR_TSC, M_RDMSR_NS,
	M_PIO_TSC, M_PIO_NS,
	M_MMIO_W_TSC, M_MMIO_W_NS,
	M_MMIO_R_TSC, M_MMIO_R_NS,
	M_FAULT_PPS, M_FAULT_TSC,
	M_LIFECYCLE_US, M_TEARDOWN_US,
	M_COMPUTE_TSC, M_COMPUTE_NS,
	M_DISP_DEF_TSC, M_DISP_DEF_NS,
	M_DISP_FCFS_TSC, M_DISP_FCFS_NS,
	M_DISP_SJF_TSC, M_DISP_SJF_NS,
	M_DISP_PRIO_TSC, M_DISP_PRIO_NS,
	M_COUNT
};

extern struct metric bench_metrics[M_COUNT];

/* metrics.c: run every benchmark group selected by b->only. */
void bench_run_all(struct bench *b);

/* stats.c */
void metric_add(struct metric *m, double v);
void metric_na(struct metric *m, const char *why);
struct metric_stats {
	double median, min, max, p10, p90;
};
/* False when the metric has no samples. */
bool metric_stats(const struct metric *m, struct metric_stats *s);

/* report.c */
void report_table(const struct bench *b);
int report_json(const struct bench *b, const char *path);

/* guest.S */
uint32_t bench_host_compute(uint32_t iters);

#endif /* _KHV_BENCH_H */
