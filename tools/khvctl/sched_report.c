// SPDX-License-Identifier: GPL-2.0
/*
 * What "khvctl sched-demo" reports: khv's per-job times and dispatch
 * intervals (sched_demo.c read them), the textbook schedule of the same
 * jobs, the table on stdout and, with --out, as Markdown next to the chart.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sched_demo.h"

/* ---- What khv measured. ---- */

static void analyse(struct sd_run *r)
{
	uint64_t run = 0, units = 0;
	int i, k, n = r->nr_jobs;

	r->origin = UINT64_MAX;
	for (i = 0; i < n; i++) {
		struct sd_job *j = &r->jobs[i];
		uint32_t job = (uint32_t)(j->st.jobs - 1);
		unsigned int x;

		j->arrival = j->tr.last_job_arrival_ns;
		j->end = j->tr.last_job_end_ns;
		j->iv_first = j->tr.nr;
		j->iv_nr = 0;
		for (x = 0; x < j->tr.nr; x++) {
			if (j->tr.iv[x].job != job)
				continue;
			if (!j->iv_nr)
				j->iv_first = x;
			j->iv_nr++;
		}
		/* Older intervals first: if the oldest kept is this job's, some may be gone. */
		j->iv_lost = j->tr.total > j->tr.nr && j->iv_nr &&
			     j->iv_first == 0;
		j->start = j->iv_nr ? sd_iv(j, 0)->in_ns : j->end;
		if (j->arrival < r->origin)
			r->origin = j->arrival;
		run += j->st.last_job.run_ns;
		units += j->len;
	}
	r->unit_ms = units ? run / 1e6 / units : 0;
	for (i = 0; i < n; i++) {
		r->jobs[i].rank = 0;
		for (k = 0; k < n; k++)
			if (r->jobs[k].end < r->jobs[i].end ||
			    (r->jobs[k].end == r->jobs[i].end && k < i))
				r->jobs[i].rank++;
	}
}

/*
 * The textbook schedule of the same jobs in units: FCFS and SJF
 * non-preemptive, PRIORITY preemptive (ties: earlier arrival, then list
 * order), DEFAULT as processor sharing (every job present gets an equal
 * share, what CFS approximates).
 */
static bool tb_before(const struct sd_run *r, int a, int b)
{
	const struct sd_job *x = &r->jobs[a], *y = &r->jobs[b];

	switch (r->policy) {
	case KHV_SCHED_SJF:
		if (x->len != y->len)
			return x->len < y->len;
		break;
	case KHV_SCHED_PRIORITY:
		if (x->level != y->level)
			return x->level > y->level;
		break;
	}
	return x->at != y->at ? x->at < y->at : a < b;
}

static void textbook(struct sd_run *r)
{
	double left[SD_MAX_JOBS], t = 0, next, step;
	bool started[SD_MAX_JOBS] = { false };
	int i, k, n = r->nr_jobs, done = 0, cur = -1, ready;

	for (i = 0; i < n; i++)
		left[i] = r->jobs[i].len;
	while (done < n) {
		/* The next arrival after t, if any. */
		next = INFINITY;
		for (i = 0; i < n; i++)
			if (r->jobs[i].at > t && r->jobs[i].at < next)
				next = r->jobs[i].at;
		if (r->policy == KHV_SCHED_DEFAULT) {
			ready = 0;
			step = INFINITY;
			for (i = 0; i < n; i++) {
				if (left[i] <= 0 || r->jobs[i].at > t)
					continue;
				ready++;
				if (left[i] < step)
					step = left[i];
			}
			if (!ready) {
				t = next;
				continue;
			}
			step *= ready;
			if (t + step > next)
				step = next - t;
			for (i = 0; i < n; i++) {
				if (left[i] <= 0 || r->jobs[i].at > t)
					continue;
				if (!started[i]) {
					started[i] = true;
					r->jobs[i].tb_start = t;
				}
				left[i] -= step / ready;
				if (left[i] <= 1e-9) {
					left[i] = 0;
					r->jobs[i].tb_end = t + step;
					done++;
				}
			}
			t += step;
			continue;
		}
		/* Non-preemptive policies keep the running job. */
		if (cur < 0 || r->policy == KHV_SCHED_PRIORITY) {
			cur = -1;
			for (i = 0; i < n; i++)
				if (left[i] > 0 && r->jobs[i].at <= t &&
				    (cur < 0 || tb_before(r, i, cur)))
					cur = i;
		}
		if (cur < 0) {
			t = next;
			continue;
		}
		if (!started[cur]) {
			started[cur] = true;
			r->jobs[cur].tb_start = t;
		}
		step = left[cur];
		if (r->policy == KHV_SCHED_PRIORITY && t + step > next)
			step = next - t;
		left[cur] -= step;
		t += step;
		if (left[cur] <= 1e-9) {
			r->jobs[cur].tb_end = t;
			done++;
			cur = -1;
		}
	}
	for (i = 0; i < n; i++) {
		r->jobs[i].tb_rank = 0;
		for (k = 0; k < n; k++)
			if (r->jobs[k].tb_end < r->jobs[i].tb_end - 1e-9 ||
			    (r->jobs[k].tb_end - r->jobs[i].tb_end <= 1e-9 &&
			     r->jobs[i].tb_end - r->jobs[k].tb_end <= 1e-9 &&
			     k < i))
				r->jobs[i].tb_rank++;
	}
}

double sd_avg_turnaround(const struct sd_run *r, bool tb)
{
	double sum = 0;
	int i;

	for (i = 0; i < r->nr_jobs; i++) {
		const struct sd_job *j = &r->jobs[i];

		sum += tb ? (j->tb_end - j->at) * r->unit_ms :
			    j->st.last_job.turnaround_ns / 1e6;
	}
	return sum / r->nr_jobs;
}

double sd_avg_waiting(const struct sd_run *r, bool tb)
{
	double sum = 0;
	int i;

	for (i = 0; i < r->nr_jobs; i++) {
		const struct sd_job *j = &r->jobs[i];

		sum += tb ? (j->tb_end - j->at - j->len) * r->unit_ms :
			    j->st.last_job.wait_ns / 1e6;
	}
	return sum / r->nr_jobs;
}

static double avg_run(const struct sd_run *r)
{
	double sum = 0;
	int i;

	for (i = 0; i < r->nr_jobs; i++)
		sum += r->jobs[i].st.last_job.run_ns / 1e6;
	return sum / r->nr_jobs;
}

static void print_order(const struct sd_run *r, const char *what, bool tb)
{
	int rank, i;

	printf("%s", what);
	for (rank = 0; rank < r->nr_jobs; rank++)
		for (i = 0; i < r->nr_jobs; i++)
			if ((tb ? r->jobs[i].tb_rank : r->jobs[i].rank) ==
			    (unsigned int)rank)
				printf(" %d", i);
	printf("\n");
}

/*
 * The table, one row per job (= per vCPU, VM i runs job i), times in ms
 * since the first arrival with 3 decimals; "other" is block + vmm time,
 * 0 for these jobs. check.sh parses the rows of 13 fields.
 */
static void print_table(const struct sd_run *r)
{
	int i;

	printf("sched-demo: %s, %d single-vCPU VMs on host CPU %d; 1 unit = %.3f ms of processing (%llu loop iterations)\n",
	       r->name, r->nr_jobs, r->cpu, r->unit_ms,
	       (unsigned long long)r->unit_iters);
	printf("times in ms since the first arrival, from KHV_GET_SCHED_STATS and KHV_GET_SCHED_TRACE\n");
	printf("job len lvl    arrival      start completion    waiting processing turnaround      other disp pre    tau\n");
	for (i = 0; i < r->nr_jobs; i++) {
		const struct sd_job *j = &r->jobs[i];
		const struct khv_sched_times *t = &j->st.last_job;

		printf("%3d %3u %3u %10.3f %10.3f %10.3f %10.3f %10.3f %10.3f %10.3f %4llu %3llu %6.1f\n",
		       i, j->len, j->level, sd_ms(r, j->arrival),
		       sd_ms(r, j->start), sd_ms(r, j->end), t->wait_ns / 1e6,
		       t->run_ns / 1e6, t->turnaround_ns / 1e6,
		       (t->block_ns + t->vmm_ns) / 1e6,
		       (unsigned long long)t->dispatches,
		       (unsigned long long)t->preemptions, j->tau / 1e6);
	}
	printf("%-44s %10.3f %10.3f %10.3f\n", "average",
	       sd_avg_waiting(r, false), avg_run(r),
	       sd_avg_turnaround(r, false));
	printf("%-44s %10.3f %10.3f %10.3f\n", "textbook",
	       sd_avg_waiting(r, true), avg_run(r),
	       sd_avg_turnaround(r, true));
	print_order(r, "completion order:", false);
	print_order(r, "textbook order:  ", true);
	for (i = 0; i < r->nr_jobs; i++)
		if (r->jobs[i].iv_lost)
			printf("note: job %d: the ring kept only its last %u dispatch intervals\n",
			       i, r->jobs[i].iv_nr);
}

/* One Markdown table row; NULL cells are left out (columns not shown). */
static void md_row(FILE *f, const char *const *cells, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (cells[i])
			fprintf(f, "| %s ", cells[i]);
	fprintf(f, "|\n");
}

static void write_md(const struct sd_run *r, FILE *f)
{
	bool lvl = r->policy == KHV_SCHED_PRIORITY;
	bool tau = r->policy == KHV_SCHED_SJF;
	char c[11][32];
	const char *row[11];
	int i, k;

	const char *const head[11] = {
		"vCPU (VM)", "length", lvl ? "level" : NULL,
		tau ? "predicted" : NULL, "arrival", "start", "completion",
		"waiting", "processing", "turnaround", "dispatches",
	};
	const char *const align[11] = {
		"---", "---:", lvl ? "---:" : NULL, tau ? "---:" : NULL,
		"---:", "---:", "---:", "---:", "---:", "---:", "---:",
	};

	md_row(f, head, 11);
	md_row(f, align, 11);
	for (i = 0; i < r->nr_jobs; i++) {
		const struct sd_job *j = &r->jobs[i];
		const struct khv_sched_times *t = &j->st.last_job;

		snprintf(c[0], 32, "vm%d", i);
		snprintf(c[1], 32, "%u u", j->len);
		snprintf(c[2], 32, "%u", j->level);
		snprintf(c[3], 32, "%.1f", j->tau / 1e6);
		snprintf(c[4], 32, "%.1f", sd_ms(r, j->arrival));
		snprintf(c[5], 32, "%.1f", sd_ms(r, j->start));
		snprintf(c[6], 32, "%.1f", sd_ms(r, j->end));
		snprintf(c[7], 32, "%.1f", t->wait_ns / 1e6);
		snprintf(c[8], 32, "%.1f", t->run_ns / 1e6);
		snprintf(c[9], 32, "%.1f", t->turnaround_ns / 1e6);
		snprintf(c[10], 32, "%llu", (unsigned long long)t->dispatches);
		for (k = 0; k < 11; k++)
			row[k] = head[k] ? c[k] : NULL;
		md_row(f, row, 11);
	}
	for (k = 0; k < 11; k++)
		row[k] = head[k] ? "" : NULL;
	row[0] = "**average**";
	snprintf(c[7], 32, "**%.1f**", sd_avg_waiting(r, false));
	snprintf(c[8], 32, "%.1f", avg_run(r));
	snprintf(c[9], 32, "**%.1f**", sd_avg_turnaround(r, false));
	row[7] = c[7];
	row[8] = c[8];
	row[9] = c[9];
	md_row(f, row, 11);
	row[0] = "textbook";
	snprintf(c[7], 32, "%.1f", sd_avg_waiting(r, true));
	snprintf(c[9], 32, "%.1f", sd_avg_turnaround(r, true));
	row[8] = "";
	md_row(f, row, 11);
	fprintf(f, "\n%s: %d single-vCPU VMs on one host CPU, 1 unit = %.1f ms of processing. Times in ms since the first arrival, from khv's counters (KHV_GET_SCHED_STATS, KHV_GET_SCHED_TRACE). Textbook: the same jobs scheduled on paper with the measured unit.\n",
		r->name, r->nr_jobs, r->unit_ms);
}

static int write_out(const struct sd_run *r, const char *dir)
{
	char path[4096], lower[16];
	size_t i;
	FILE *f;
	int ret = 0;

	for (i = 0; r->name[i] && i < sizeof(lower) - 1; i++)
		lower[i] = r->name[i] | 0x20;
	lower[i] = 0;
	if (mkdir(dir, 0755) && errno != EEXIST) {
		khv_err("%s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/sched-%s.svg", dir, lower);
	f = fopen(path, "w");
	if (!f || sd_write_svg(r, f) || fclose(f)) {
		khv_err("%s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/sched-%s.md", dir, lower);
	f = fopen(path, "w");
	if (!f) {
		khv_err("%s: %s", path, strerror(errno));
		return -1;
	}
	write_md(r, f);
	if (fclose(f)) {
		khv_err("%s: %s", path, strerror(errno));
		ret = -1;
	}
	return ret;
}

int sd_report(struct sd_run *r, const char *out)
{
	analyse(r);
	textbook(r);
	print_table(r);
	return out ? write_out(r, out) : 0;
}
