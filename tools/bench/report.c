// SPDX-License-Identifier: GPL-2.0
/*
 * khv-bench's output: a table for people and a JSON file for compare.awk.
 *
 * The JSON puts each metric on one line with its fields always in the same
 * order, so the host side can read it with plain awk.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "bench.h"

static const char *target_kind(enum bench_target t)
{
	switch (t) {
	case TARGET_RATIO_LE:
		return "ratio_le";
	case TARGET_RATIO_GE:
		return "ratio_ge";
	case TARGET_ABS_LE:
		return "abs_le";
	default:
		return "none";
	}
}

/* Enough digits for every unit here: ratios near 1, counts in millions. */
static void fmt_num(char *buf, size_t len, double v)
{
	if (v < 10)
		snprintf(buf, len, "%.3f", v);
	else if (v < 1000)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.0f", v);
}

void report_table(const struct bench *b)
{
	char med[32], lo[32], hi[32], p10[32], p90[32];
	struct metric_stats s;
	int i;

	printf("khv-bench on %s: %d samples per metric after %d warm-up\n",
	       b->dev, b->reps, b->warmup);
	printf("%-38s %-9s %10s %10s %10s %10s %10s\n", "metric", "unit",
	       "median", "min", "p10", "p90", "max");
	for (i = 0; i < M_COUNT; i++) {
		const struct metric *m = &bench_metrics[i];

		if (!metric_stats(m, &s)) {
			printf("%-38s %-9s n/a: %s\n", m->label, m->unit,
			       m->na[0] ? m->na : "no samples");
			continue;
		}
		fmt_num(med, sizeof(med), s.median);
		fmt_num(lo, sizeof(lo), s.min);
		fmt_num(hi, sizeof(hi), s.max);
		fmt_num(p10, sizeof(p10), s.p10);
		fmt_num(p90, sizeof(p90), s.p90);
		printf("%-38s %-9s %10s %10s %10s %10s %10s\n", m->label,
		       m->unit, med, lo, p10, p90, hi);
	}
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void json_num(FILE *f, const char *key, double v, bool ok)
{
	if (ok)
		fprintf(f, ", \"%s\": %.6g", key, v);
	else
		fprintf(f, ", \"%s\": null", key);
}

int report_json(const struct bench *b, const char *path)
{
	struct metric_stats s = { 0 };
	struct utsname u;
	FILE *f = fopen(path, "w");
	int i;

	if (!f) {
		perror(path);
		return -1;
	}
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "?");
	fprintf(f, "{\n\"device\": ");
	json_str(f, b->dev);
	fprintf(f, ",\n\"kernel\": ");
	json_str(f, u.release);
	fprintf(f, ",\n\"reps\": %d,\n\"warmup\": %d,\n\"fault_mib\": %u,\n"
		"\"scale\": %g,\n\"metrics\": [\n", b->reps, b->warmup,
		b->fault_mib, b->scale);
	for (i = 0; i < M_COUNT; i++) {
		const struct metric *m = &bench_metrics[i];
		bool ok = metric_stats(m, &s);

		fprintf(f, "{\"name\": \"%s\", \"label\": ", m->name);
		json_str(f, m->label);
		fprintf(f, ", \"unit\": \"%s\", \"better\": \"%s\", \"target\": \"%s\"",
			m->unit, m->higher_better ? "higher" : "lower",
			target_kind(m->target));
		fprintf(f, ", \"target_value\": %g, \"iters\": %u, \"n\": %d",
			m->target_val, m->iters, ok ? m->n : 0);
		json_num(f, "median", s.median, ok);
		json_num(f, "min", s.min, ok);
		json_num(f, "p10", s.p10, ok);
		json_num(f, "p90", s.p90, ok);
		json_num(f, "max", s.max, ok);
		fprintf(f, ", \"na\": ");
		json_str(f, ok ? "" : m->na[0] ? m->na : "no samples");
		fprintf(f, "}%s\n", i + 1 < M_COUNT ? "," : "");
	}
	fprintf(f, "]\n}\n");
	return fclose(f) ? -1 : 0;
}
