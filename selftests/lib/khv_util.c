// SPDX-License-Identifier: GPL-2.0
/*
 * Small helpers shared by khv's selftests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "khv_util.h"

const char *khv_module_path(void)
{
	const char *p = getenv("KHV_MODULE");

	return p ? p : "/khv/khv.ko";
}

int khv_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

int khv_write_file(const char *path, const char *s)
{
	int fd, r = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		r = -errno;
	close(fd);
	return r;
}

long long khv_parse_cpulist(const char *s)
{
	long long mask = 0;
	char *end;

	if (!*s)
		return 0;
	for (;;) {
		long lo, hi;

		lo = strtol(s, &end, 10);
		if (end == s || lo < 0 || lo > 63)
			return -1;
		hi = lo;
		if (*end == '-') {
			s = end + 1;
			hi = strtol(s, &end, 10);
			if (end == s || hi < lo || hi > 63)
				return -1;
		}
		for (; lo <= hi; lo++)
			mask |= 1LL << lo;
		if (*end == '\0')
			return mask;
		if (*end != ',')
			return -1;
		s = end + 1;
	}
}

int khv_load_module(const char *path, const char *params)
{
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, params ? params : "", 0))
		r = -errno;
	close(fd);
	return r;
}

int khv_unload_module(const char *name)
{
	if (syscall(SYS_delete_module, name, O_NONBLOCK))
		return -errno;
	return 0;
}

bool khv_module_loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s/initstate", name);
	return access(path, F_OK) == 0;
}
