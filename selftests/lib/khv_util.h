/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by khv's selftests.
 */
#ifndef _KHV_SELFTEST_UTIL_H
#define _KHV_SELFTEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#define KHV_DEV_PATH	"/dev/khv"

/* Path of khv.ko inside the test VM; $KHV_MODULE overrides it. */
const char *khv_module_path(void);

/* Read a sysfs-like file into buf (NUL-terminated, trailing newline cut). */
int khv_read_file(const char *path, char *buf, size_t len);
int khv_write_file(const char *path, const char *s);

/* Parse a cpulist ("0-1,3") into a bitmask of CPUs 0..63; -1 on error. */
long long khv_parse_cpulist(const char *s);

/* Load/unload modules with finit_module/delete_module. Return 0 or -errno. */
int khv_load_module(const char *path, const char *params);
int khv_unload_module(const char *name);
bool khv_module_loaded(const char *name);

#endif /* _KHV_SELFTEST_UTIL_H */
