// SPDX-License-Identifier: GPL-2.0
/*
 * khvctl: the dispatcher. Global options, then argv[1] names a command in
 * cmd_<name>.c, which parses the rest with its own usage text.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khvctl.h"
#include "sched_demo.h"

const char *khvctl_dev = KHVCTL_DEFAULT_DEV;
int khvctl_verbose;
int khvctl_vm = -1;

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "info",  cmd_info,  "show the device's API version, capabilities and khv state" },
	{ "run",   cmd_run,   "run a guest image until it halts or exits" },
	{ "boot",  cmd_boot,  "boot a Linux bzImage (initrd, command line, SMP)" },
	{ "stats", cmd_stats, "show the statistics of running VMs: exits, EPT, guest time" },
	{ "sched-demo", cmd_sched_demo, "jobs on one CPU under a khv policy: times and Gantt chart" },
};

static void print_usage(FILE *f)
{
	size_t i;

	fprintf(f,
"Usage: khvctl [--dev PATH] [-v] COMMAND [ARGS...]\n"
"       khvctl help [COMMAND]\n"
"       khvctl --version\n"
"\n"
"Drive a hypervisor device that speaks the x86 KVM ioctl ABI of\n"
"<linux/kvm.h>: khv's /dev/khv, or /dev/kvm.\n"
"\n"
"Commands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
"  help       show this text, or a command's usage\n"
"\n"
"Options (also accepted after the command):\n"
"  -d, --dev PATH   the device to open; default $KHVCTL_DEV, else %s\n"
"  -v, --verbose    say more on stderr (setup, exit counts); repeat for more\n"
"  -h, --help       show this text\n"
"  -V, --version    show khvctl's version\n"
"\n"
"Exit status:\n"
"  0   success (for run: every vCPU halted with interrupts disabled)\n"
"  2   usage error\n"
"  4   error opening the device, in an ioctl, or reading the image\n"
"  6   run: the guest triple faulted (KVM_EXIT_SHUTDOWN)\n"
"  8   run: an exit khvctl does not handle (reason and registers on stderr)\n"
"  10  run: --timeout expired\n"
"  12  run: stopped by SIGINT or SIGTERM\n"
"  14  the device does not offer what the command needs\n"
"  1, 3, ..., 255  run: the guest wrote V to the debug-exit port 0xf4:\n"
"      (V << 1) | 1\n",
	KHVCTL_DEFAULT_DEV);
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int cmd_help(int argc, char **argv)
{
	const struct command *c;
	char *args[3];

	if (argc < 2) {
		print_usage(stdout);
		return KHVCTL_OK;
	}
	c = find_command(argv[1]);
	if (!c)
		return usage_error(NULL, "unknown command '%s'", argv[1]);
	/* "khvctl help run" is "khvctl run --help". */
	args[0] = argv[1];
	args[1] = (char *)"--help";
	args[2] = NULL;
	return c->fn(2, args);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev",     required_argument, NULL, 'd' },
		{ "verbose", no_argument,       NULL, 'v' },
		{ "help",    no_argument,       NULL, 'h' },
		{ "version", no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct command *c;
	const char *env = getenv("KHVCTL_DEV");
	static char prog[32];
	int opt;

	if (env && *env)
		khvctl_dev = env;

	/* '+': stop at the command name; its options are its own. */
	while ((opt = getopt_long(argc, argv, "+d:vhV", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			khvctl_dev = optarg;
			break;
		case 'v':
			khvctl_verbose++;
			break;
		case 'h':
			print_usage(stdout);
			return KHVCTL_OK;
		case 'V':
			printf("khvctl %s\n", KHVCTL_VERSION);
			return KHVCTL_OK;
		default:
			return usage_hint(NULL);
		}
	}
	if (optind >= argc) {
		print_usage(stderr);
		return KHVCTL_USAGE;
	}
	argv += optind;
	argc -= optind;
	optind = 0;	/* full reset: commands call getopt_long again */

	if (!strcmp(argv[0], "help"))
		return cmd_help(argc, argv);
	c = find_command(argv[0]);
	if (!c)
		return usage_error(NULL, "unknown command '%s'", argv[0]);
	/* getopt_long() names argv[0] in its messages: "khvctl run: ..." */
	snprintf(prog, sizeof(prog), "khvctl %s", c->name);
	argv[0] = prog;
	return c->fn(argc, argv);
}
