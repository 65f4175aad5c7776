// SPDX-License-Identifier: GPL-2.0
/*
 * The options "run" and "boot" share (opts.h).
 */
#include "khvctl.h"
#include "opts.h"

int vm_opt(const char *cmd, int opt, const char *arg, struct vm_opts *o)
{
	uint64_t v;

	switch (opt) {
	case 'c':
		if (parse_u64(arg, &v) < 0 || !v || v > VM_OPTS_MAX_CPUS)
			return usage_error(cmd, "--cpus: '%s' is not 1 to %d",
					   arg, VM_OPTS_MAX_CPUS);
		o->cpus = v;
		return -1;
	case 'm':
		if (parse_u64(arg, &v) < 0 || !v || v > VM_MAX_MEM >> 20)
			return usage_error(cmd, "--mem: '%s' is not 1 to %llu (MiB)",
					   arg,
					   (unsigned long long)(VM_MAX_MEM >> 20));
		o->mem_mib = v;
		return -1;
	case 't':
		if (parse_u64(arg, &v) < 0 || !v || v > VM_OPTS_MAX_TIMEOUT)
			return usage_error(cmd, "--timeout: '%s' is not 1 to %d (seconds)",
					   arg, VM_OPTS_MAX_TIMEOUT);
		o->timeout = v;
		return -1;
	case 'd':
		khvctl_dev = arg;
		return -1;
	case 'v':
		khvctl_verbose++;
		return -1;
	default:
		return VM_OPT_OTHER;
	}
}
