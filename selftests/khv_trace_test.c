// SPDX-License-Identifier: GPL-2.0
/*
 * khv's trace points (module/trace.h) seen through tracefs: a guest's
 * exits, EPT faults, an injected NMI and the end of each KVM_RUN appear in
 * the trace with the values the test knows. khv only: KVM's trace points
 * have other names.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vm.h"

GUEST_DECLARE(cpuid64); GUEST_DECLARE(hlt64);

#define TRACEFS		"/sys/kernel/tracing"
#define TRACE_MAX	(1 << 20)

static int tracefs_write(const char *file, const char *val)
{
	char path[128];
	int fd, r;

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -errno;
	r = write(fd, val, strlen(val)) < 0 ? -errno : 0;
	close(fd);
	return r;
}

/* The whole trace buffer as one string (caller frees). */
static char *tracefs_read(void)
{
	char *buf = calloc(1, TRACE_MAX + 1);
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = open(TRACEFS "/trace", O_RDONLY);
	if (!buf || fd < 0) {
		free(buf);
		return NULL;
	}
	while (len < TRACE_MAX && (n = read(fd, buf + len, TRACE_MAX - len)) > 0)
		len += n;
	close(fd);
	return buf;
}

FIXTURE(trace) {
	struct vm *vm;
	struct vcpu *v;
	char *log;
};

FIXTURE_SETUP(trace)
{
	struct stat st;

	if (vm_dev_is_kvm())
		SKIP(return, "khv's trace points; KVM has its own");
	if (stat(TRACEFS "/events", &st))
		mount("tracefs", TRACEFS, "tracefs", 0, NULL);
	if (stat(TRACEFS "/events/khv", &st))
		SKIP(return, "no " TRACEFS "/events/khv (tracefs or khv.ko missing)");
	ASSERT_EQ(0, tracefs_write("tracing_on", "0"));
	ASSERT_EQ(0, tracefs_write("trace", ""));
	ASSERT_EQ(0, tracefs_write("events/khv/enable", "1"));
	self->vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	self->v = vcpu_add(self->vm, 0);
}

FIXTURE_TEARDOWN(trace)
{
	tracefs_write("tracing_on", "0");
	tracefs_write("events/khv/enable", "0");
	free(self->log);
	if (self->vm) {
		vcpu_free(self->v);
		vm_destroy(self->vm);
	}
}

/* Traces what @stmt does to the vCPU and keeps the trace in self->log. */
#define TRACED(stmt) do {						\
	ASSERT_EQ(0, tracefs_write("tracing_on", "1"));			\
	stmt;								\
	ASSERT_EQ(0, tracefs_write("tracing_on", "0"));			\
	self->log = tracefs_read();					\
	ASSERT_NE(NULL, self->log);					\
} while (0)

/* The harness's EXPECT_* need its _metadata: a function, not a macro. */
static void expect_traced(struct __test_metadata *_metadata, const char *log,
			  const char *s)
{
	EXPECT_NE(NULL, strstr(log, s)) TH_LOG("no '%s' in:\n%.2000s", s, log);
}

#define EXPECT_TRACED(s) expect_traced(_metadata, self->log, s)

/*
 * CPUID exits, the first touch of the code and data pages (EPT faults
 * that map memory: result 0), and the report, an OUT that ends KVM_RUN
 * with KVM_EXIT_IO (2).
 */
TEST_F(trace, exits_faults_and_run_end)
{
	char line[96];

	vm_load_code(self->vm, GUEST_CODE(cpuid64));
	vcpu_set_mode(self->v, MODE_LONG64, GUEST_CODE_GPA);
	TRACED(EXPECT_EQ(REPORT_DONE, vcpu_run_report(self->v)));

	EXPECT_TRACED("khv_exit: vcpu 0 reason CPUID (0xa)");
	EXPECT_TRACED("khv_exit: vcpu 0 reason IO_INSTRUCTION (0x1e)");
	snprintf(line, sizeof(line), "khv_ept_fault: vcpu 0 gpa %#llx ",
		 (unsigned long long)GUEST_CODE_GPA);
	EXPECT_TRACED(line);
	EXPECT_TRACED("result 0");
	EXPECT_TRACED("khv_run_end: vcpu 0 ret 0 exit_reason 2");
}

/* KVM_NMI: the NMI goes in through the VM-entry interruption field. */
TEST_F(trace, injected_nmi)
{
	vm_load_code(self->vm, GUEST_CODE(hlt64));
	vcpu_set_mode(self->v, MODE_LONG64, GUEST_CODE_GPA);
	ASSERT_EQ(KVM_EXIT_HLT, vcpu_run_exit(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_NMI));
	/* No IDT for the NMI: the guest shuts down; only the injection matters. */
	TRACED(vcpu_run(self->v));

	EXPECT_TRACED("khv_inject: vcpu 0 vector 2 type 2 error 0x0 (none)");
}

TEST_HARNESS_MAIN
