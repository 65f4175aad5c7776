// SPDX-License-Identifier: GPL-2.0
/*
 * Processes SIGKILLed while their vCPUs spin inside KVM_RUN and never
 * reaped, the pattern of KVM's upstream hardware_disable_test: each VM must
 * still be freed when its process exits, with other VMs being created and
 * torn down at the same time. The device's module use count (every VM and
 * vCPU fd holds one) must come back to what it was, and the device must
 * still run a guest afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vm.h"

#define NR_ONE_BY_ONE	6	/* killed as soon as each is running */
#define NR_TOGETHER	4	/* all running, then killed at once */
#define NR_VCPUS	2
#define NR_BUSY		2	/* busy host threads per child */
#define DELAY_US_MAX	2000	/* as hardware_disable_test */
#define SETTLE_S	300	/* to wait for the use count; a hang bound */

/* The module whose use count the device's fds hold, e.g. "khv". */
static const char *dev_module(void)
{
	return vm_dev_is_kvm() ? "kvm_intel" : "khv";
}

/* Its use count from /proc/modules, or -1 if it is not a loaded module. */
static long module_refs(const char *name)
{
	char line[256], mod[64];
	long refs, n = -1;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %*u %ld", mod, &refs) == 2 &&
		    !strcmp(mod, name))
			n = refs;
	fclose(f);
	return n;
}

static void *spin_vcpu(void *arg)
{
	vcpu_run(arg);
	return NULL;
}

/* Like the upstream test's "sleeping" threads: busy in the host kernel. */
static void *busy_thread(void *arg)
{
	for (;;)
		close(open("/dev/null", O_RDWR));
	return NULL;
}

/*
 * Child: one VM, NR_VCPUS threads spinning in the guest, NR_BUSY busy
 * threads. Writes one byte to @fd once every thread is started; never
 * exits by itself.
 */
static void __noreturn spinning_child(int fd)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	pthread_t t;
	int i;

	vm_load_code(vm, GUEST_CODE(spin64));
	for (i = 0; i < NR_VCPUS; i++) {
		struct vcpu *v = vcpu_add(vm, i);

		vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
		if (pthread_create(&t, NULL, spin_vcpu, v))
			_exit(2);
	}
	for (i = 0; i < NR_BUSY; i++)
		if (pthread_create(&t, NULL, busy_thread, NULL))
			_exit(2);
	if (write(fd, "r", 1) != 1)
		_exit(2);
	for (;;)
		pause();
}

/* Forks a spinning child and waits until its threads are started. */
static pid_t start_child(struct __test_metadata *_metadata)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		spinning_child(p[1]);
	}
	close(p[1]);
	if (pid > 0 && read(p[0], &c, 1) != 1) {
		TH_LOG("child %d did not start its vCPUs", pid);
		kill(pid, SIGKILL);
	}
	close(p[0]);
	return pid;
}

static void delay_us(unsigned int us)
{
	struct timespec ts = { .tv_nsec = us * 1000L };

	nanosleep(&ts, NULL);
}

/* A guest that must still run: HLT exit. */
static void run_hlt_guest(struct __test_metadata *_metadata)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);

	vm_load_code(vm, GUEST_CODE(hlt64));
	vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
	EXPECT_EQ(KVM_EXIT_HLT, vcpu_run_exit(v)) TH_LOG("%s", vcpu_exit_str(v));
	vcpu_free(v);
	vm_destroy(vm);
}

FIXTURE(noreap) {
	pid_t pids[NR_ONE_BY_ONE + NR_TOGETHER];
	int n;
};

FIXTURE_SETUP(noreap)
{
	self->n = 0;
}

/* After a failed assertion: no spinning child may outlive the test. */
FIXTURE_TEARDOWN(noreap)
{
	int i;

	for (i = 0; i < self->n; i++)
		if (self->pids[i] > 0 && !kill(self->pids[i], SIGKILL))
			waitpid(self->pids[i], NULL, 0);
}

TEST_F_TIMEOUT(noreap, kill_without_reaping, 900)
{
	pid_t *pids = self->pids;
	long base = module_refs(dev_module()), refs = base;
	int i, n = 0, status, waited;

	srand(1);
	/* One at a time, as the upstream test: the next one starts at once. */
	for (i = 0; i < NR_ONE_BY_ONE; i++) {
		pids[n] = start_child(_metadata);
		ASSERT_LT(0, pids[n]);
		self->n = ++n;
		delay_us(rand() % DELAY_US_MAX + 1);
		ASSERT_EQ(0, kill(pids[n - 1], SIGKILL));
	}
	/* Several running VMs whose processes all die at the same time. */
	for (i = 0; i < NR_TOGETHER; i++) {
		pids[n] = start_child(_metadata);
		ASSERT_LT(0, pids[n]);
		self->n = ++n;
	}
	for (i = NR_ONE_BY_ONE; i < n; i++)
		ASSERT_EQ(0, kill(pids[i], SIGKILL));

	/*
	 * Still unreaped: the VMs go when the processes' files are closed in
	 * their exit, not at wait(). A bound for a hang, not a timing check.
	 */
	if (base < 0) {
		TH_LOG("%s is not a loaded module: use count not checked",
		       dev_module());
	} else {
		for (waited = 0; waited < SETTLE_S * 10; waited++) {
			refs = module_refs(dev_module());
			if (refs == base)
				break;
			delay_us(100000);
		}
		EXPECT_EQ(base, refs) TH_LOG("%s use count %ld, was %ld, after %d s",
					     dev_module(), refs, base, SETTLE_S);
	}

	for (i = 0; i < n; i++) {
		pid_t pid = pids[i];

		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		pids[i] = 0;
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			TH_LOG("child %d: status 0x%x", pid, status);
	}
	run_hlt_guest(_metadata);
}

TEST_HARNESS_MAIN
