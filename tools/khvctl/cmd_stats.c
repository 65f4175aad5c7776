// SPDX-License-Identifier: GPL-2.0
/*
 * khvctl stats: the statistics of VMs that other processes run.
 *
 * KVM_GET_STATS_FD works only on the VM's own fds, in the process that
 * created the VM (others get EIO). The files it returns, though, can be
 * read by anyone holding them. So "khvctl run" keeps its VM's and vCPUs'
 * statistics files open, and this command finds such files in
 * /proc/PID/fd by their inode names (khv-vm-stats, khv-vcpu-stats:N, and
 * KVM's kvm-vm-stats, kvm-vcpu-stats:N), copies them into this process
 * with pidfd_getfd() (which needs ptrace access to PID) and reads them.
 * Any VMM that keeps such files open is found the same way.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "khvctl.h"
#include "stats.h"

#define MAX_INTERVAL	86400

static void print_usage(FILE *f)
{
	fprintf(f,
"Usage: khvctl stats [--pid PID] [--json] [--all] [--interval SEC [--count N]]\n"
"\n"
"Show the statistics (KVM_GET_STATS_FD) of the VMs other processes run:\n"
"per VM (khv: EPT pages and tables, memslot changes, remote TLB flushes,\n"
"vCPUs) and per vCPU (khv: exits in total and by VMX exit reason, EPT\n"
"faults resolved, exits to userspace, halt waits, time in the guest and in\n"
"the host on its behalf). 'khvctl run' keeps its statistics files open for\n"
"this; the files are found in /proc/PID/fd and taken with pidfd_getfd(),\n"
"which needs ptrace access to the process (root, or the same user).\n"
"For the VM of a run itself, use 'khvctl run --stats'.\n"
"\n"
"Options:\n"
"  -p, --pid PID       only the VMs of process PID (default: every process)\n"
"  -j, --json          one JSON object per VM, one line each:\n"
"                      {\"pid\":P,\"hv\":\"khv\",\"id\":\"kvm-P\",\"stats\":{...},\n"
"                       \"vcpus\":[{\"vcpu\":N,\"id\":\"kvm-P/vcpu-N\",\"stats\":{...}}]}\n"
"  -a, --all           table: also the counters that are 0\n"
"  -i, --interval SEC  report again every SEC seconds (1 to %d)\n"
"  -n, --count N       with --interval: stop after N reports (default: until\n"
"                      interrupted)\n"
"  -h, --help          show this text\n"
"\n"
"The table has a row per counter that is not 0 in some vCPU and a column\n"
"per vCPU (and the total); exits_* rows are indented under exits. Times\n"
"are scaled (ns, us, ms, s).\n"
"\n"
"Exit status: 0 success (also when no process holds statistics files);\n"
"2 usage error; 4 PID does not exist, holds no statistics files, cannot be\n"
"accessed, or a file cannot be read.\n",
	MAX_INTERVAL);
}

/* A statistics file found in a process, before it is grouped. */
struct found {
	int target;			/* its fd number in that process */
	int vcpu;			/* vCPU number, or -1 for the VM's */
	const char *hv;
};

/* The kind of statistics file a /proc/PID/fd link names; 0 if none. */
static int classify(const char *link, struct found *f)
{
	static const char * const hvs[] = { "khv", "kvm" };
	char prefix[32];
	unsigned int i;
	int n = 0;

	for (i = 0; i < ARRAY_SIZE(hvs); i++) {
		snprintf(prefix, sizeof(prefix), "anon_inode:%s-vm-stats", hvs[i]);
		if (!strcmp(link, prefix)) {
			f->vcpu = -1;
			f->hv = hvs[i];
			return 1;
		}
		snprintf(prefix, sizeof(prefix), "anon_inode:%s-vcpu-stats:%%d%%n",
			 hvs[i]);
		if (sscanf(link, prefix, &f->vcpu, &n) == 1 && !link[n] &&
		    f->vcpu >= 0) {
			f->hv = hvs[i];
			return 1;
		}
	}
	return 0;
}

/* Statistics files of @pid; their number, or -1 if @pid is not there. */
static int find_files(pid_t pid, struct found **out)
{
	char path[300], link[128];
	struct found *list = NULL, *grown, f;
	struct dirent *e;
	int n = 0;
	ssize_t len;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%s", (int)pid, e->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len < 0)
			continue;
		link[len] = '\0';
		if (!classify(link, &f))
			continue;
		f.target = atoi(e->d_name);
		grown = realloc(list, (n + 1) * sizeof(*list));
		if (!grown)
			break;
		list = grown;
		list[n++] = f;
	}
	closedir(d);
	*out = list;
	return n;
}

/* The VM of @pid whose id is @id, added if new. */
static struct stats_vm *vm_for(struct stats_vm **vms, int *nr, pid_t pid,
			       const char *id, const char *hv)
{
	struct stats_vm *grown, *v;
	int i;

	for (i = 0; i < *nr; i++) {
		v = &(*vms)[i];
		if (v->pid == pid && v->vm.id && !strcmp(v->vm.id, id))
			return v;
	}
	grown = realloc(*vms, (*nr + 1) * sizeof(**vms));
	if (!grown)
		return NULL;
	*vms = grown;
	v = &grown[(*nr)++];
	stats_vm_init(v);
	v->pid = pid;
	v->hv = hv;
	v->vm.id = strdup(id);
	return v;
}

static int by_vcpu_id(const void *a, const void *b)
{
	const struct found *x = a, *y = b;

	return x->vcpu - y->vcpu;
}

/*
 * Take @pid's statistics files and group them into VMs: a vCPU's id is its
 * VM's id and "/vcpu-N". Returns 0, or -1 after a message.
 */
static int take_files(pid_t pid, struct stats_vm **vms, int *nr, bool named)
{
	struct found *files;
	struct stats_file s;
	struct stats_vm *v;
	int i, n, pidfd, fd;
	char *slash;

	n = find_files(pid, &files);
	if (n < 0) {
		if (named)
			khv_err("stats: pid %d: %s", (int)pid, strerror(errno));
		return named ? -1 : 0;
	}
	if (!n) {
		free(files);
		if (named)
			khv_err("stats: pid %d holds no statistics files (khvctl run keeps them open; other VMMs may not)",
				(int)pid);
		return named ? -1 : 0;
	}
	/* VM files first, then vCPUs in order, so each vCPU finds its VM. */
	qsort(files, n, sizeof(*files), by_vcpu_id);

	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		khv_err("stats: pid %d: pidfd_open: %s", (int)pid, strerror(errno));
		free(files);
		return -1;
	}
	for (i = 0; i < n; i++) {
		fd = syscall(SYS_pidfd_getfd, pidfd, files[i].target, 0);
		if (fd < 0) {
			/* Closed since the scan: not an error. */
			if (errno == EBADF)
				continue;
			khv_err("stats: pid %d: pidfd_getfd of fd %d: %s", (int)pid,
				files[i].target, strerror(errno));
			goto fail;
		}
		if (stats_file_load(&s, fd) < 0) {
			khv_err("stats: pid %d: fd %d: %s", (int)pid,
				files[i].target, strerror(errno));
			stats_file_close(&s);
			goto fail;
		}
		if (files[i].vcpu < 0) {
			v = vm_for(vms, nr, pid, s.id, files[i].hv);
			if (!v)
				goto nomem;
			if (v->vm.fd >= 0) {
				/* A second file of the same VM. */
				stats_file_close(&s);
				continue;
			}
			free(v->vm.id);
			v->vm = s;
			continue;
		}
		slash = strstr(s.id, "/vcpu-");
		if (slash)
			*slash = '\0';
		v = vm_for(vms, nr, pid, s.id, files[i].hv);
		if (slash)
			*slash = '/';
		if (!v || stats_vm_add_vcpu(v, files[i].vcpu, &s) < 0) {
			stats_file_close(&s);
			goto nomem;
		}
	}
	close(pidfd);
	free(files);
	return 0;
nomem:
	khv_err("stats: out of memory");
fail:
	close(pidfd);
	free(files);
	return -1;
}

/* Every process but this one, in /proc order. */
static int take_all(struct stats_vm **vms, int *nr)
{
	struct dirent *e;
	pid_t self = getpid();
	char *end;
	long pid;
	int r = 0;
	DIR *d;

	d = opendir("/proc");
	if (!d) {
		khv_err("stats: /proc: %s", strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0 || pid == self)
			continue;
		if (take_files(pid, vms, nr, false) < 0)
			r = -1;
	}
	closedir(d);
	return r;
}

static int report(struct stats_vm *vms, int nr, const struct stats_print *p)
{
	int i;

	for (i = 0; i < nr; i++) {
		if (stats_vm_read(&vms[i]) < 0) {
			khv_err("stats: pid %d: read: %s", (int)vms[i].pid,
				strerror(errno));
			return -1;
		}
		if (stats_vm_print(&vms[i], p, STDOUT_FILENO) < 0)
			return -1;
	}
	return 0;
}

static void sleep_s(unsigned int s)
{
	struct timespec t = { .tv_sec = s };

	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid",      required_argument, NULL, 'p' },
		{ "json",     no_argument,       NULL, 'j' },
		{ "all",      no_argument,       NULL, 'a' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count",    required_argument, NULL, 'n' },
		{ "dev",      required_argument, NULL, 'd' },
		{ "verbose",  no_argument,       NULL, 'v' },
		{ "help",     no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct stats_print p = { 0 };
	struct stats_vm *vms = NULL;
	uint64_t pid = 0, interval = 0, count = 1, v, i;
	int opt, nr = 0, r, status = KHVCTL_OK;
	bool count_set = false;

	while ((opt = getopt_long(argc, argv, "p:jai:n:d:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (parse_u64(optarg, &pid) < 0 || !pid || pid > INT32_MAX)
				return usage_error("stats", "--pid: '%s' is not a process id",
						   optarg);
			break;
		case 'j':
			p.json = true;
			break;
		case 'a':
			p.all = true;
			break;
		case 'i':
			if (parse_u64(optarg, &interval) < 0 || !interval ||
			    interval > MAX_INTERVAL)
				return usage_error("stats", "--interval: '%s' is not 1 to %d (seconds)",
						   optarg, MAX_INTERVAL);
			break;
		case 'n':
			if (parse_u64(optarg, &v) < 0 || !v)
				return usage_error("stats", "--count: '%s' is not a positive number",
						   optarg);
			count = v;
			count_set = true;
			break;
		case 'd':	/* the files name their hypervisor: not used */
			khvctl_dev = optarg;
			break;
		case 'v':
			khvctl_verbose++;
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
	if (count_set && !interval)
		return usage_error("stats", "--count needs --interval");
	if (interval && !count_set)
		count = UINT64_MAX;

	r = pid ? take_files(pid, &vms, &nr, true) : take_all(&vms, &nr);
	if (r < 0)
		status = KHVCTL_ERROR;
	if (!nr) {
		if (!pid)
			khv_err("stats: no process holds VM statistics files");
		goto out;
	}
	for (i = 0; i < count; i++) {
		if (i) {
			sleep_s(interval);
			if (!p.json)
				putchar('\n');
			fflush(stdout);
		}
		if (report(vms, nr, &p) < 0) {
			status = KHVCTL_ERROR;
			break;
		}
	}
out:
	for (r = 0; r < nr; r++)
		stats_vm_close(&vms[r]);
	free(vms);
	return status;
}
