/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The options "run" and "boot" share (opts.c): one parser, so that both
 * commands accept the same values and refuse the others with the same
 * message. Each command keeps its own usage text and the options that are
 * only its own.
 */
#ifndef KHVCTL_OPTS_H
#define KHVCTL_OPTS_H

#include <getopt.h>
#include <stdint.h>

#define VM_OPTS_MAX_CPUS	64
#define VM_OPTS_MAX_TIMEOUT	86400		/* seconds */

/*
 * getopt_long() short options, and struct option entries for them that
 * begin each command's table (checkpatch flags this initializer list).
 */
#define VM_OPTS_SHORT		"c:m:t:d:v"
#define VM_OPTS_LONG						\
	{ "cpus",    required_argument, NULL, 'c' },		\
	{ "mem",     required_argument, NULL, 'm' },		\
	{ "timeout", required_argument, NULL, 't' },		\
	{ "dev",     required_argument, NULL, 'd' },		\
	{ "verbose", no_argument,       NULL, 'v' }

struct vm_opts {
	int cpus;
	uint64_t mem_mib;
	unsigned int timeout;		/* seconds, 0: none */
};

/* vm_opt() for an option that is not one of the shared ones. */
#define VM_OPT_OTHER		(-2)

/*
 * Take option @opt of command @cmd with argument @arg (optarg) into @o
 * (--dev and --verbose into the globals): -1 when taken, a khvctl status
 * after a usage error, VM_OPT_OTHER when @opt is the command's own.
 */
int vm_opt(const char *cmd, int opt, const char *arg, struct vm_opts *o);

#endif /* KHVCTL_OPTS_H */
