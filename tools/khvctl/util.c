// SPDX-License-Identifier: GPL-2.0
/*
 * Messages, number parsing and the named ioctl wrapper. Every error names
 * what failed the way strace would: "khvctl: /dev/khv: KVM_CREATE_VM:
 * Invalid argument".
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "khvctl.h"

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	/* One write per message: vCPU threads may report at the same time. */
	if (khvctl_vm >= 0)
		fprintf(stderr, "khvctl: vm %d: %s%s\n", khvctl_vm, prefix, buf);
	else
		fprintf(stderr, "khvctl: %s%s\n", prefix, buf);
}

void khv_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void khv_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
	return usage_hint(cmd);
}

/* After getopt_long() has already said what is wrong. */
int usage_hint(const char *cmd)
{
	fprintf(stderr, "Try 'khvctl %s%s--help'.\n", cmd ? cmd : "",
		cmd ? " " : "");
	return KHVCTL_USAGE;
}

/*
 * Parse an unsigned number: decimal, 0x hex or 0 octal, as strtoull does,
 * but reject junk, signs and overflow. Returns 0 or -1.
 */
int parse_u64(const char *s, uint64_t *val)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*val = v;
	return 0;
}

/*
 * Whether the last syscall does not exist in this kernel (built without
 * it, e.g. flock() without CONFIG_FILE_LOCKING). checkpatch flags ENOSYS,
 * which kernel code must not return; here it is the kernel's own answer.
 */
bool errno_no_syscall(void)
{
	return errno == ENOSYS;
}

int open_dev(void)
{
	int fd = open(khvctl_dev, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		khv_err("%s: %s", khvctl_dev, strerror(errno));
	return fd;
}

long kvm_ioctl(int fd, unsigned long req, unsigned long arg,
	       const char *name, const char *ctx)
{
	long r = ioctl(fd, req, arg);

	if (r < 0) {
		int e = errno;

		khv_err("%s: %s%s%s: %s", khvctl_dev, ctx ? ctx : "",
			ctx ? ": " : "", name, strerror(e));
		errno = e;
	}
	return r;
}
