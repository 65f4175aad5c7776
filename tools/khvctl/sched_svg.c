// SPDX-License-Identifier: GPL-2.0
/*
 * The Gantt chart of "khvctl sched-demo" as plain SVG: one row per vCPU
 * (VM i runs job i), a time axis in ms since the first arrival, one bar per
 * dispatch interval khv recorded (KHV_GET_SCHED_TRACE, <rect class="iv">,
 * and no other element has that class), the job's arrival (a triangle), its
 * waiting (a dashed line from arrival to completion, under the bars) and its
 * completion (a tick). White background, so that it reads on GitHub's dark
 * theme too.
 */
#include <stdio.h>

#include "sched_demo.h"

#define W		900	/* px */
#define LEFT		150	/* the labels */
#define RIGHT		30
#define PLOT_W		(W - LEFT - RIGHT)
#define TOP		66	/* title and subtitle above */
#define ROW_H		34
#define BAR_Y		7	/* bar within its row */
#define BAR_H		20

/* Okabe-Ito: distinguishable with the common colour-vision deficiencies. */
static const char *const colors[] = {
	"#0072B2", "#E69F00", "#009E73", "#D55E00",
	"#CC79A7", "#56B4E9", "#999933", "#000000",
};

/* A tick step of 1, 2 or 5 times a power of ten, about @span / 8. */
static double tick_step(double span)
{
	static const double m[] = { 1, 2, 5, 10 };
	double raw = span / 8, mag = 1;
	unsigned int i;

	if (raw <= 0)
		return 1;
	while (mag * 10 <= raw)
		mag *= 10;
	while (mag > raw)
		mag /= 10;
	for (i = 0; i < ARRAY_SIZE(m); i++)
		if (m[i] * mag >= raw)
			return m[i] * mag;
	return 10 * mag;
}

struct scale {
	double span;		/* ms at the right end of the axis */
	double step;
};

static double x_of(const struct scale *s, double ms)
{
	return LEFT + (ms < 0 ? 0 : ms) / s->span * PLOT_W;
}

static const char *end_name(unsigned int end)
{
	switch (end) {
	case KHV_SCHED_IV_PREEMPTED:
		return "preempted";
	case KHV_SCHED_IV_BLOCKED:
		return "blocked";
	case KHV_SCHED_IV_EXIT:
		return "exit to the VMM";
	case KHV_SCHED_IV_JOB_END:
		return "job done";
	default:
		return "?";
	}
}

static void row(const struct sd_run *r, const struct scale *s, int i, FILE *f)
{
	const struct sd_job *j = &r->jobs[i];
	const char *c = colors[i % ARRAY_SIZE(colors)];
	double y = TOP + i * ROW_H, xa = x_of(s, sd_ms(r, j->arrival));
	double xe = x_of(s, sd_ms(r, j->end)), mid = y + BAR_Y + BAR_H / 2.0;
	unsigned int k;

	fprintf(f, "<g>\n");
	fprintf(f, "<text x=\"12\" y=\"%.1f\"><tspan font-weight=\"bold\">vm%d</tspan> %u unit%s",
		y + (r->policy == KHV_SCHED_SJF ? 16 : BAR_Y + 15), i, j->len,
		j->len == 1 ? "" : "s");
	if (r->policy == KHV_SCHED_PRIORITY)
		fprintf(f, ", level %u", j->level);
	fprintf(f, "</text>\n");
	if (r->policy == KHV_SCHED_SJF)
		fprintf(f, "<text x=\"12\" y=\"%.1f\" font-size=\"10\" fill=\"#555\">predicted %.1f ms</text>\n",
			y + 29, j->tau / 1e6);
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>\n",
		xa, mid, xe, mid, c);
	for (k = 0; k < j->iv_nr; k++) {
		const struct khv_sched_interval *iv = sd_iv(j, k);
		double x0 = x_of(s, sd_ms(r, iv->in_ns));
		double x1 = x_of(s, sd_ms(r, iv->out_ns));

		fprintf(f, "<rect class=\"iv\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" fill=\"%s\"><title>vm%d on CPU %u from %.3f to %.3f ms (%s)</title></rect>\n",
			x0, y + BAR_Y, x1 - x0 < 0.8 ? 0.8 : x1 - x0, BAR_H,
			c, i, iv->cpu, sd_ms(r, iv->in_ns),
			sd_ms(r, iv->out_ns), end_name(iv->end));
	}
	fprintf(f, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"#333\"><title>vm%d arrives at %.3f ms</title></polygon>\n",
		xa - 5, y + 1, xa + 5, y + 1, xa, y + BAR_Y, i,
		sd_ms(r, j->arrival));
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#111\" stroke-width=\"2\"><title>vm%d done at %.3f ms</title></line>\n",
		xe, y + BAR_Y - 3, xe, y + BAR_Y + BAR_H + 3, i,
		sd_ms(r, j->end));
	fprintf(f, "</g>\n");
}

int sd_write_svg(const struct sd_run *r, FILE *f)
{
	double axis_y = TOP + r->nr_jobs * ROW_H + 6, leg_y = axis_y + 60, t;
	int i, h = leg_y + 48;
	struct scale s = { 0, 1 };

	for (i = 0; i < r->nr_jobs; i++)
		if (sd_ms(r, r->jobs[i].end) > s.span)
			s.span = sd_ms(r, r->jobs[i].end);
	s.step = tick_step(s.span);
	/* The axis ends on a tick. */
	t = (long)(s.span / s.step) * s.step;
	s.span = t < s.span ? t + s.step : t;
	if (s.span <= 0)
		s.span = s.step;

	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"13\" fill=\"#222\">\n",
		W, h, W, h);
	fprintf(f, "<rect class=\"bg\" width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n",
		W, h);
	fprintf(f, "<text x=\"12\" y=\"26\" font-size=\"17\" font-weight=\"bold\">khv %s: %d single-vCPU VMs on host CPU %d</text>\n",
		r->name, r->nr_jobs, r->cpu);
	fprintf(f, "<text x=\"12\" y=\"47\" fill=\"#555\">khvctl sched-demo; a bar is a dispatch interval from KHV_GET_SCHED_TRACE; 1 unit = %.1f ms of processing</text>\n",
		r->unit_ms);

	/* Row shading and the grid under everything else. */
	for (i = 0; i < r->nr_jobs; i++)
		if (i % 2 == 0)
			fprintf(f, "<rect class=\"row\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f3f3f3\"/>\n",
				TOP + i * ROW_H, W, ROW_H);
	for (t = 0; t <= s.span + s.step / 2; t += s.step) {
		double x = x_of(&s, t);

		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ccc\"/>\n",
			x, TOP, x, axis_y);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\">%g</text>\n",
			x, axis_y + 18, t);
	}
	fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#222\"/>\n",
		LEFT, axis_y, W - RIGHT, axis_y);
	fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\">ms since the first arrival</text>\n",
		LEFT + PLOT_W / 2, axis_y + 36);

	for (i = 0; i < r->nr_jobs; i++)
		row(r, &s, i, f);

	/* Legend, then the averages. */
	fprintf(f, "<g font-size=\"12\">\n");
	fprintf(f, "<rect x=\"12\" y=\"%.1f\" width=\"22\" height=\"12\" fill=\"%s\"/><text x=\"40\" y=\"%.1f\">on the CPU</text>\n",
		leg_y - 10, colors[0], leg_y);
	fprintf(f, "<line x1=\"150\" y1=\"%.1f\" x2=\"180\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/><text x=\"186\" y=\"%.1f\">waiting (arrived, not on the CPU)</text>\n",
		leg_y - 4, leg_y - 4, colors[0], leg_y);
	fprintf(f, "<polygon points=\"420,%.1f 430,%.1f 425,%.1f\" fill=\"#333\"/><text x=\"436\" y=\"%.1f\">arrival</text>\n",
		leg_y - 10, leg_y - 10, leg_y - 4, leg_y);
	fprintf(f, "<line x1=\"500\" y1=\"%.1f\" x2=\"500\" y2=\"%.1f\" stroke=\"#111\" stroke-width=\"2\"/><text x=\"508\" y=\"%.1f\">completion</text>\n",
		leg_y - 12, leg_y + 2, leg_y);
	fprintf(f, "<text x=\"12\" y=\"%.1f\">average waiting %.1f ms, turnaround %.1f ms (textbook %.1f and %.1f ms)</text>\n",
		leg_y + 24, sd_avg_waiting(r, false), sd_avg_turnaround(r, false),
		sd_avg_waiting(r, true), sd_avg_turnaround(r, true));
	fprintf(f, "</g>\n</svg>\n");
	return ferror(f) ? -1 : 0;
}
