// SPDX-License-Identifier: GPL-2.0
/*
 * khvctl info: what the device answers (API version, every capability the
 * system's <linux/kvm.h> names) and, when khv is loaded, its sysfs state.
 * Nothing here assumes what khv supports: it only reports answers.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "khvctl.h"
#include "../../uapi/khv.h"

#define KHV_MODULE_VERSION	"/sys/module/khv/version"

static void print_usage(FILE *f)
{
	fprintf(f,
"Usage: khvctl info [--dev PATH] [-v]\n"
"\n"
"Show what the device answers through the KVM ABI, then khv's own state:\n"
"  - the API version (KVM_GET_API_VERSION) and the size of the vCPU's\n"
"    shared kvm_run area (KVM_GET_VCPU_MMAP_SIZE);\n"
"  - every capability named in the system's <linux/kvm.h> for which\n"
"    KVM_CHECK_EXTENSION on the device answers non-zero, with the answer\n"
"    (-v also lists the zero answers);\n"
"  - if %s exists: each of its attributes (vmx_cpus: the CPUs\n"
"    in VMX operation; capabilities: the VMX features khv found), and the\n"
"    module version from %s.\n"
"\n"
"Options:\n"
"  -d, --dev PATH   the device (default $KHVCTL_DEV, else %s)\n"
"  -v, --verbose    also list capabilities answered with 0\n"
"  -h, --help       show this text\n"
"\n"
"Exit status: 0 success; 2 usage error; 4 the device could not be opened\n"
"or KVM_GET_API_VERSION failed (the khv section is still printed).\n",
	KHV_SYSFS_DIR, KHV_MODULE_VERSION, KHVCTL_DEFAULT_DEV);
}

/* Read a small text file, without its trailing newlines. */
static int read_text(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return 0;
}

/* "name: value", continuation lines of a multi-line value indented. */
static void print_attr(const char *name, const char *value)
{
	const char *p;

	printf("  %s:", name);
	if (strchr(value, '\n')) {
		for (p = value; *p; p++) {
			if (p == value || p[-1] == '\n')
				fputs("\n    ", stdout);
			if (*p != '\n')
				putchar(*p);
		}
		putchar('\n');
	} else {
		printf(" %s\n", value);
	}
}

/* Every readable attribute under dir, subdirectories as "sub/name". */
static void print_sysfs_dir(const char *dir, const char *prefix, int depth)
{
	struct dirent **list;
	char path[512], name[256], buf[4096];
	struct stat st;
	int i, n;

	n = scandir(dir, &list, NULL, alphasort);
	if (n < 0) {
		printf("  (cannot list %s: %s)\n", dir, strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		const char *d = list[i]->d_name;

		if (d[0] == '.')
			goto next;
		snprintf(path, sizeof(path), "%s/%s", dir, d);
		snprintf(name, sizeof(name), "%s%s", prefix, d);
		if (stat(path, &st) < 0)
			goto next;
		if (S_ISDIR(st.st_mode)) {
			size_t len = strlen(name);

			if (depth < 2 && len + 1 < sizeof(name)) {
				memcpy(name + len, "/", 2);
				print_sysfs_dir(path, name, depth + 1);
			}
		} else if (read_text(path, buf, sizeof(buf)) < 0) {
			printf("  %s: (%s)\n", name, strerror(errno));
		} else {
			print_attr(name, buf);
		}
next:
		free(list[i]);
	}
	free(list);
}

static void print_khv(void)
{
	char version[128];
	struct stat st;

	if (stat(KHV_SYSFS_DIR, &st) < 0) {
		printf("khv: not loaded (no %s)\n", KHV_SYSFS_DIR);
		return;
	}
	if (read_text(KHV_MODULE_VERSION, version, sizeof(version)) < 0)
		snprintf(version, sizeof(version), "unknown (%s: %s)",
			 KHV_MODULE_VERSION, strerror(errno));
	printf("khv module version: %s\n", version);
	printf("khv state (%s):\n", KHV_SYSFS_DIR);
	print_sysfs_dir(KHV_SYSFS_DIR, "", 0);
}

static void print_caps(int fd)
{
	size_t i, shown = 0;
	int r;

	printf("capabilities (KVM_CHECK_EXTENSION%s):\n",
	       khvctl_verbose ? "" : ", non-zero answers");
	for (i = 0; i < kvm_nr_cap_names; i++) {
		const struct kvm_cap_name *c = &kvm_cap_names[i];

		r = ioctl(fd, KVM_CHECK_EXTENSION, c->cap);
		if (r < 0)
			printf("  %-40s %3d  error: %s\n", c->name, c->cap,
			       strerror(errno));
		else if (r || khvctl_verbose)
			printf("  %-40s %3d  %d\n", c->name, c->cap, r);
		else
			continue;
		shown++;
	}
	if (!shown)
		printf("  (none of the %zu the header names)\n", kvm_nr_cap_names);
}

static int print_device(void)
{
	int fd, version, size;

	printf("device: %s\n", khvctl_dev);
	fd = open_dev();
	if (fd < 0)
		return KHVCTL_ERROR;
	version = SYS_IOCTL(fd, KVM_GET_API_VERSION, 0);
	if (version < 0) {
		close(fd);
		return KHVCTL_ERROR;
	}
	printf("api version: %d", version);
	if (version != KVM_API_VERSION)
		printf(" (<linux/kvm.h> expects %d)", KVM_API_VERSION);
	putchar('\n');
	size = SYS_IOCTL(fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size >= 0)
		printf("vcpu mmap size: %d bytes\n", size);
	print_caps(fd);
	close(fd);
	return KHVCTL_OK;
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev",     required_argument, NULL, 'd' },
		{ "verbose", no_argument,       NULL, 'v' },
		{ "help",    no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int opt, status;

	while ((opt = getopt_long(argc, argv, "d:vh", opts, NULL)) != -1) {
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
		default:
			return usage_hint("info");
		}
	}
	if (optind != argc)
		return usage_error("info", "unexpected argument '%s'", argv[optind]);

	status = print_device();
	print_khv();
	return status;
}
