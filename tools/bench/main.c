// SPDX-License-Identifier: GPL-2.0
/*
 * khv-bench: micro-benchmarks of a hypervisor behind the x86 KVM ABI, the
 * same program for /dev/khv and /dev/kvm. See docs/performance.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "bench.h"

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: khv-bench [--dev PATH] [--json FILE] [--reps N] [--warmup N]\n"
		"                 [--fault-mib N] [--scale F] [--only GROUP,...]\n"
		"  --dev PATH      device speaking the KVM ABI (default /dev/khv)\n"
		"  --json FILE     also write the results as JSON\n"
		"  --reps N        samples per metric, 1..%d (default 9)\n"
		"  --warmup N      runs before the samples, not kept (default 1)\n"
		"  --fault-mib N   memory the EPT fault-in guest touches (default 16)\n"
		"  --scale F       multiply the loops' iteration counts (default 1)\n"
		"  --only LIST     groups: cpuid,vmcall,rdmsr,pio,mmio,fault,lifecycle,compute,\n"
		"                  dispatch\n",
		BENCH_MAX_REPS);
}

static long parse_num(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi) {
		fprintf(stderr, "khv-bench: %s wants a number in %ld..%ld\n",
			opt, lo, hi);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "json", required_argument, NULL, 'j' },
		{ "reps", required_argument, NULL, 'r' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "fault-mib", required_argument, NULL, 'f' },
		{ "scale", required_argument, NULL, 's' },
		{ "only", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct bench b = {
		.dev = "/dev/khv", .reps = 9, .warmup = 1, .fault_mib = 16,
		.scale = 1.0,
	};
	const char *json = NULL;
	int c, api;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			b.dev = optarg;
			break;
		case 'j':
			json = optarg;
			break;
		case 'r':
			b.reps = parse_num("--reps", optarg, 1, BENCH_MAX_REPS);
			break;
		case 'w':
			b.warmup = parse_num("--warmup", optarg, 0, 100);
			break;
		case 'f':
			b.fault_mib = parse_num("--fault-mib", optarg, 1, 1024);
			break;
		case 's':
			b.scale = strtod(optarg, NULL);
			if (b.scale <= 0 || b.scale > 1000) {
				fprintf(stderr, "khv-bench: --scale wants 0 < F <= 1000\n");
				return 2;
			}
			break;
		case 'o':
			b.only = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		print_usage(stderr);
		return 2;
	}

	b.sys_fd = open(b.dev, O_RDWR | O_CLOEXEC);
	if (b.sys_fd < 0) {
		fprintf(stderr, "khv-bench: open %s: %s\n", b.dev, strerror(errno));
		return 1;
	}
	api = ioctl(b.sys_fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		fprintf(stderr, "khv-bench: %s: KVM_GET_API_VERSION = %d, want %d\n",
			b.dev, api, KVM_API_VERSION);
		return 1;
	}

	bench_run_all(&b);
	report_table(&b);
	if (json && report_json(&b, json))
		return 1;
	close(b.sys_fd);
	return 0;
}
