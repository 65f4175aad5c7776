/* SPDX-License-Identifier: GPL-2.0 */
/*
 * khvctl sched-demo: jobs of known length on one host CPU under a khv
 * scheduling policy (sched_demo.c), and its Gantt chart (sched_svg.c).
 */
#ifndef KHVCTL_SCHED_DEMO_H
#define KHVCTL_SCHED_DEMO_H

#include <semaphore.h>
#include <stdio.h>

#include "khvctl.h"
#include "../../uapi/khv.h"

#define SD_MAX_JOBS		8

/* One single-vCPU VM and the job it runs. */
struct sd_job {
	/* Asked for (--jobs): length in units, level, arrival in units. */
	unsigned int len;
	unsigned int level;
	double at;

	struct vm vm;
	struct vcpu vcpu;
	pthread_t thread;
	pid_t tid;
	sem_t warm, go;
	int ready;			/* warmed up, about to wait for go */
	int err;			/* errno, or -1 with msg set */
	char msg[128];

	/* khv's view, read by the job's thread right after its job. */
	uint64_t tau;			/* predicted burst before the job */
	struct khv_sched_stats st;
	struct khv_sched_trace tr;

	/* Derived: local_clock() ns, and the job's intervals in tr.iv[]. */
	uint64_t arrival, start, end;
	unsigned int iv_first, iv_nr;
	bool iv_lost;			/* the ring no longer holds them all */
	unsigned int rank;		/* completion order, from 0 */

	/* The textbook schedule of the same jobs, in units. */
	double tb_start, tb_end;
	unsigned int tb_rank;
};

struct sd_run {
	unsigned int policy;		/* KHV_SCHED_* */
	const char *name;		/* "FCFS" ... */
	unsigned int alpha;		/* SJF */
	int cpu;
	int nr_jobs;
	struct sd_job jobs[SD_MAX_JOBS];
	uint64_t unit_iters;		/* loop iterations per unit */
	double unit_ms;			/* measured processing per unit */
	uint64_t origin;		/* the first arrival */
	int host_cpus;
};

/* Times relative to the first arrival, in ms. */
static inline double sd_ms(const struct sd_run *r, uint64_t t)
{
	return t >= r->origin ? (t - r->origin) / 1e6 : -((r->origin - t) / 1e6);
}

static inline const struct khv_sched_interval *
sd_iv(const struct sd_job *j, unsigned int k)
{
	return &j->tr.iv[j->iv_first + k];
}

/*
 * sched_report.c: derive the times, schedule the jobs on paper, print the
 * table; with @out, write @out/sched-POLICY.{svg,md}. 0 or -1.
 */
int sd_report(struct sd_run *r, const char *out);
double sd_avg_turnaround(const struct sd_run *r, bool textbook);
double sd_avg_waiting(const struct sd_run *r, bool textbook);

/* sched_svg.c: the Gantt chart, one row per vCPU. */
int sd_write_svg(const struct sd_run *r, FILE *f);

int cmd_sched_demo(int argc, char **argv);

#endif /* KHVCTL_SCHED_DEMO_H */
