// SPDX-License-Identifier: GPL-2.0
/*
 * kvmtrace.so: an LD_PRELOAD shim that logs every KVM ioctl a program makes
 * (ioctl type KVMIO on any fd), with its result and, for the ioctls where it
 * tells what went wrong, its argument: capabilities by name, memory slots,
 * the MSR indexes of GET/SET_MSRS (and the first one refused), and after
 * KVM_RUN the exit with its port, address or error. Used to record what
 * QEMU asks of the device on kvm_intel and on khv (docs/qemu.md).
 *
 *   KVMTRACE=/tmp/q.log LD_PRELOAD=/khv/qemu/kvmtrace.so qemu-system-x86_64 ...
 *
 * Without KVMTRACE the shim only passes calls through. KVMTRACE_RUN=0 leaves
 * out the KVM_RUN lines. One line per call, written with one write(2) to a
 * file opened O_APPEND, so the threads of a VMM do not mix their lines.
 *
 * QEMU passes the request as a sign-extended int; the kernel looks at its
 * low 32 bits only, and so does the shim.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#define MAX_FD		4096
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum fd_kind { FD_OTHER, FD_SYS, FD_VM, FD_VCPU };

static int (*real_ioctl)(int, unsigned long, ...);
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);
static int log_fd = -1;
static bool log_runs = true;
static struct timespec t0;
static unsigned char fd_kind[MAX_FD];
static int vcpu_id[MAX_FD];
static struct kvm_run *vcpu_run[MAX_FD];

struct name {
	unsigned long val;
	const char *name;
};

#define IOCTL(n)	{ (unsigned int)(n), #n },
static const struct name ioctl_names[] = {
#include "ioctls.inc"
};

#define CAP(n)		{ n, #n },
static const struct name cap_names[] = {
#include "caps.inc"
};

static const char *lookup(const struct name *t, size_t n, unsigned long v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].val == v)
			return t[i].name;
	return NULL;
}

static const char *exit_name(unsigned int r)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "UNKNOWN", [KVM_EXIT_EXCEPTION] = "EXCEPTION",
		[KVM_EXIT_IO] = "IO", [KVM_EXIT_HYPERCALL] = "HYPERCALL",
		[KVM_EXIT_DEBUG] = "DEBUG", [KVM_EXIT_HLT] = "HLT",
		[KVM_EXIT_MMIO] = "MMIO",
		[KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
		[KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
		[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY", [KVM_EXIT_INTR] = "INTR",
		[KVM_EXIT_SET_TPR] = "SET_TPR", [KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
		[KVM_EXIT_NMI] = "NMI",
		[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
		[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
		[KVM_EXIT_X86_RDMSR] = "X86_RDMSR", [KVM_EXIT_X86_WRMSR] = "X86_WRMSR",
	};

	if (r < ARRAY_SIZE(names) && names[r])
		return names[r];
	return "?";
}

__attribute__((constructor)) static void kvmtrace_init(void)
{
	const char *path = getenv("KVMTRACE");
	const char *runs = getenv("KVMTRACE_RUN");

	real_ioctl = dlsym(RTLD_NEXT, "ioctl");
	real_mmap = dlsym(RTLD_NEXT, "mmap");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (runs && !strcmp(runs, "0"))
		log_runs = false;
	if (path && *path)
		log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

/* Formats one line and writes it whole. */
static void __attribute__((format(printf, 1, 2))) tlog(const char *fmt, ...)
{
	char buf[1024];
	struct timespec t;
	va_list ap;
	int n;

	clock_gettime(CLOCK_MONOTONIC, &t);
	n = snprintf(buf, sizeof(buf), "%8.3f %5ld ",
		     (t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9,
		     (long)syscall(SYS_gettid));
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(log_fd, buf, n) < 0)
		return;
}

static const char *fd_str(int fd, char *buf, size_t len)
{
	int k = fd >= 0 && fd < MAX_FD ? fd_kind[fd] : FD_OTHER;

	switch (k) {
	case FD_SYS:
		snprintf(buf, len, "sys");
		break;
	case FD_VM:
		snprintf(buf, len, "vm");
		break;
	case FD_VCPU:
		snprintf(buf, len, "vcpu%d", vcpu_id[fd]);
		break;
	default:
		snprintf(buf, len, "fd%d", fd);
	}
	return buf;
}

/* What the ioctl's argument says, where that helps to read the log. */
static void arg_str(unsigned int req, unsigned long arg, int ret, char *buf,
		    size_t len)
{
	const char *s;
	size_t n = 0;
	unsigned int i;

	buf[0] = 0;
	/* Pointer arguments are read only when they can be. */
	if (arg < 4096 && req != KVM_CHECK_EXTENSION && req != KVM_CREATE_VCPU &&
	    req != KVM_SET_TSS_ADDR)
		return;
	switch (req) {
	case KVM_CHECK_EXTENSION:
		s = lookup(cap_names, ARRAY_SIZE(cap_names), arg);
		if (s)
			snprintf(buf, len, "%s", s);
		else
			snprintf(buf, len, "cap %lu", arg);
		break;
	case KVM_CREATE_VCPU:
	case KVM_SET_TSS_ADDR:
		snprintf(buf, len, "%#lx", arg);
		break;
	case KVM_SET_USER_MEMORY_REGION: {
		const struct kvm_userspace_memory_region *m = (void *)arg;

		snprintf(buf, len, "slot %u flags %#x gpa %#llx size %#llx",
			 m->slot, m->flags, (unsigned long long)m->guest_phys_addr,
			 (unsigned long long)m->memory_size);
		break;
	}
	case KVM_SET_IDENTITY_MAP_ADDR:
		snprintf(buf, len, "%#llx", *(unsigned long long *)arg);
		break;
	case KVM_ENABLE_CAP: {
		const struct kvm_enable_cap *c = (void *)arg;

		s = lookup(cap_names, ARRAY_SIZE(cap_names), c->cap);
		snprintf(buf, len, "%s args %#llx", s ? s : "?",
			 (unsigned long long)c->args[0]);
		break;
	}
	case KVM_GET_MSRS:
	case KVM_SET_MSRS: {
		const struct kvm_msrs *m = (void *)arg;

		n = snprintf(buf, len, "nmsrs %u", m->nmsrs);
		if (ret >= 0 && (unsigned int)ret < m->nmsrs)
			n += snprintf(buf + n, len - n, " STOPPED AT %#x",
				      m->entries[ret].index);
		n += snprintf(buf + n, len - n, ":");
		for (i = 0; i < m->nmsrs && n < len - 16; i++)
			n += snprintf(buf + n, len - n, " %x", m->entries[i].index);
		break;
	}
	case KVM_GET_MSR_INDEX_LIST:
	case KVM_GET_MSR_FEATURE_INDEX_LIST:
		snprintf(buf, len, "nmsrs %u", ((struct kvm_msr_list *)arg)->nmsrs);
		break;
	case KVM_GET_SUPPORTED_CPUID:
	case KVM_SET_CPUID2:
		snprintf(buf, len, "nent %u", ((struct kvm_cpuid2 *)arg)->nent);
		break;
	case KVM_INTERRUPT:
		snprintf(buf, len, "irq %u", ((struct kvm_interrupt *)arg)->irq);
		break;
	case KVM_SET_REGS:
		snprintf(buf, len, "rip %#llx",
			 (unsigned long long)((struct kvm_regs *)arg)->rip);
		break;
	case KVM_SET_MP_STATE:
		snprintf(buf, len, "state %u",
			 ((struct kvm_mp_state *)arg)->mp_state);
		break;
	}
}

static void run_str(const struct kvm_run *r, char *buf, size_t len)
{
	size_t n;
	unsigned int i;

	n = snprintf(buf, len, "exit %s", exit_name(r->exit_reason));
	switch (r->exit_reason) {
	case KVM_EXIT_IO:
		snprintf(buf + n, len - n, " %s port %#x size %u count %u",
			 r->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
			 r->io.port, r->io.size, r->io.count);
		break;
	case KVM_EXIT_MMIO:
		snprintf(buf + n, len - n, " %s gpa %#llx len %u",
			 r->mmio.is_write ? "write" : "read",
			 (unsigned long long)r->mmio.phys_addr, r->mmio.len);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(buf + n, len - n, " reason %#llx",
			 (unsigned long long)r->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		n += snprintf(buf + n, len - n, " suberror %u ndata %u:",
			      r->internal.suberror, r->internal.ndata);
		for (i = 0; i < r->internal.ndata && i < 16 && n < len - 20; i++)
			n += snprintf(buf + n, len - n, " %llx",
				      (unsigned long long)r->internal.data[i]);
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		snprintf(buf + n, len - n, " type %u", r->system_event.type);
		break;
	}
	if (r->request_interrupt_window || r->if_flag || r->ready_for_interrupt_injection)
		snprintf(buf + strlen(buf), len - strlen(buf), " [irqwin %u if %u ready %u]",
			 r->request_interrupt_window, r->if_flag,
			 r->ready_for_interrupt_injection);
}

static void note_result(int fd, unsigned int req, unsigned long arg, int ret)
{
	if (ret < 0)
		return;
	if (req == KVM_CREATE_VM || req == KVM_GET_API_VERSION) {
		if (fd >= 0 && fd < MAX_FD)
			fd_kind[fd] = FD_SYS;
	}
	if (ret >= MAX_FD)
		return;
	if (req == KVM_CREATE_VM) {
		fd_kind[ret] = FD_VM;
	} else if (req == KVM_CREATE_VCPU) {
		fd_kind[ret] = FD_VCPU;
		vcpu_id[ret] = (int)arg;
		vcpu_run[ret] = NULL;
	}
}

int ioctl(int fd, unsigned long request, ...)
{
	unsigned int req = (unsigned int)request;
	char fds[16], args[768], name[48];
	unsigned long arg;
	const char *s;
	va_list ap;
	int ret, err;

	va_start(ap, request);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	if (!real_ioctl)
		real_ioctl = dlsym(RTLD_NEXT, "ioctl");
	ret = real_ioctl(fd, request, arg);
	if (_IOC_TYPE(req) != KVMIO)
		return ret;
	err = errno;
	note_result(fd, req, arg, ret);
	if (log_fd < 0)
		goto out;
	if (req == KVM_RUN && !log_runs)
		goto out;
	s = lookup(ioctl_names, ARRAY_SIZE(ioctl_names), req);
	if (!s) {
		snprintf(name, sizeof(name), "ioctl %#x", req);
		s = name;
	}
	args[0] = 0;
	if (req == KVM_RUN && fd >= 0 && fd < MAX_FD && vcpu_run[fd])
		run_str(vcpu_run[fd], args, sizeof(args));
	else if (!(req == KVM_GET_MSRS && ret < 0))
		arg_str(req, arg, ret, args, sizeof(args));
	if (ret < 0)
		tlog("%s %s %s = -1 %s", fd_str(fd, fds, sizeof(fds)), s, args,
		     strerrorname_np(err) ?: "?");
	else
		tlog("%s %s %s = %d", fd_str(fd, fds, sizeof(fds)), s, args, ret);
out:
	errno = err;
	return ret;
}

/* The vCPU's kvm_run is the mapping of its fd at offset 0. */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p;

	if (!real_mmap)
		real_mmap = dlsym(RTLD_NEXT, "mmap");
	p = real_mmap(addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED && fd >= 0 && fd < MAX_FD && fd_kind[fd] == FD_VCPU &&
	    off == 0)
		vcpu_run[fd] = p;
	return p;
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
	__attribute__((alias("mmap")));
