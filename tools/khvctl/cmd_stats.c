// SPDX-License-Identifier: GPL-2.0
/*
 * khvctl stats: a placeholder. khv's per-VM scheduling statistics will come
 * with its own ioctls in uapi/khv.h; until they exist this command says so
 * instead of inventing an interface. The KVM ABI itself only offers
 * KVM_GET_STATS_FD, which needs the VM's own fd (the process running it).
 */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "khvctl.h"
#include "../../uapi/khv.h"

static void print_usage(FILE *f)
{
	fprintf(f,
"Usage: khvctl stats [--dev PATH]\n"
"\n"
"Show khv's per-VM and per-vCPU statistics. Not available yet: it needs\n"
"khv's statistics ioctls, which uapi/khv.h does not define yet. For the\n"
"exits of one run, use 'khvctl -v run ...': it counts them by exit reason.\n"
"\n"
"Options:\n"
"  -d, --dev PATH   the device (default $KHVCTL_DEV, else %s)\n"
"  -h, --help       show this text\n"
"\n"
"Exit status: 14 (not available); 4 if the device cannot be opened;\n"
"2 usage error.\n",
	KHVCTL_DEFAULT_DEV);
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev",  required_argument, NULL, 'd' },
		{ "help", no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int opt, fd;

	while ((opt = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			khvctl_dev = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return KHVCTL_OK;
		default:
			return usage_hint("stats");
		}
	}
	if (optind != argc)
		return usage_error("stats", "unexpected argument '%s'", argv[optind]);

	fd = open_dev();
	if (fd < 0)
		return KHVCTL_ERROR;
	close(fd);
	khv_err("stats: %s: khv's statistics ioctls are not defined yet (uapi/khv.h); nothing to show",
		khvctl_dev);
	return KHVCTL_UNSUPPORTED;
}
