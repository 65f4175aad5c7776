// SPDX-License-Identifier: GPL-2.0
/*
 * Samples of a metric and their order statistics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

void metric_add(struct metric *m, double v)
{
	if (m->n < BENCH_MAX_REPS)
		m->v[m->n++] = v;
}

/* The first reason wins: later failures are usually its consequences. */
void metric_na(struct metric *m, const char *why)
{
	if (!m->na[0])
		snprintf(m->na, sizeof(m->na), "%s", why && *why ? why : "failed");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Linear interpolation between the closest ranks. */
static double quantile(const double *sorted, int n, double q)
{
	double pos = q * (n - 1);
	int lo = (int)pos;

	if (lo >= n - 1)
		return sorted[n - 1];
	return sorted[lo] + (pos - lo) * (sorted[lo + 1] - sorted[lo]);
}

bool metric_stats(const struct metric *m, struct metric_stats *s)
{
	double sorted[BENCH_MAX_REPS];

	if (m->na[0] || m->n == 0)
		return false;
	memcpy(sorted, m->v, m->n * sizeof(sorted[0]));
	qsort(sorted, m->n, sizeof(sorted[0]), cmp_double);
	s->min = sorted[0];
	s->max = sorted[m->n - 1];
	s->median = quantile(sorted, m->n, 0.5);
	s->p10 = quantile(sorted, m->n, 0.1);
	s->p90 = quantile(sorted, m->n, 0.9);
	return true;
}
