// SPDX-License-Identifier: GPL-2.0
/*
 * VM lifetimes: a process killed while its vCPUs are inside KVM_RUN, and
 * 1000 VMs created and destroyed in a row. After each, the device must
 * still work; with kmemleak in the debug kernel, nothing may leak.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vm.h"

FIXTURE(life) {
	int unused;
};

FIXTURE_SETUP(life)
{
}

FIXTURE_TEARDOWN(life)
{
}

/* A short guest that must still run: HLT exit, then the DONE report. */
static void run_hlt_guest(struct __test_metadata *_metadata)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);

	vm_load_code(vm, GUEST_CODE(hlt64));
	vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
	EXPECT_EQ(KVM_EXIT_HLT, vcpu_run_exit(v)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(REPORT_DONE, vcpu_run_report(v)) TH_LOG("%s", vcpu_exit_str(v));
	vcpu_free(v);
	vm_destroy(vm);
}

static void *spin_thread(void *arg)
{
	vcpu_run(arg);
	return NULL;
}

/*
 * Child: a VM with @nr vCPUs spinning in the guest, one thread each. It
 * writes one byte to @fd just before the vCPUs enter KVM_RUN, never exits.
 */
static void __noreturn spinning_child(int fd, int nr)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	pthread_t t;
	int i;

	vm_load_code(vm, GUEST_CODE(spin64));
	for (i = 0; i < nr; i++) {
		struct vcpu *v = vcpu_add(vm, i);

		vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
		if (i < nr - 1) {
			pthread_create(&t, NULL, spin_thread, v);
			continue;
		}
		if (write(fd, "r", 1) != 1)
			_exit(2);
		vcpu_run(v);
	}
	_exit(1);
}

static void kill_inside_run(struct __test_metadata *_metadata, int nr)
{
	int p[2], status;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(p[0]);
		spinning_child(p[1], nr);
	}
	close(p[1]);
	ASSERT_EQ(1, read(p[0], &c, 1)) TH_LOG("the child did not get to KVM_RUN");
	close(p[0]);
	/* Let every vCPU get into the guest. */
	usleep(300000);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(SIGKILL, WTERMSIG(status));
}

TEST_F_TIMEOUT(life, killed_inside_run, 300)
{
	int i;

	for (i = 0; i < 3; i++)
		kill_inside_run(_metadata, 1);
	run_hlt_guest(_metadata);
}

TEST_F_TIMEOUT(life, killed_with_two_vcpu_threads_inside_run, 300)
{
	kill_inside_run(_metadata, 2);
	run_hlt_guest(_metadata);
}

static long mem_available_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void cycle(struct __test_metadata *_metadata, bool run)
{
	struct vm *vm = vm_create_with_mem(0x10000);
	struct vcpu *v = vcpu_add(vm, 0);

	if (run) {
		vm_load_code(vm, GUEST_CODE(hlt64));
		vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
		EXPECT_EQ(KVM_EXIT_HLT, vcpu_run_exit(v)) TH_LOG("%s", vcpu_exit_str(v));
	}
	vcpu_free(v);
	vm_destroy(vm);
}

/*
 * 1000 VMs with a memslot and a vCPU each, every tenth one running a guest.
 * Neither fds nor memory may pile up: MemAvailable may drop by at most
 * 16 MiB (a leak of 16 KiB per VM or more shows), after 20 warm-up cycles
 * that fill the slab caches. $KHV_VM_CYCLES lowers the count for the slow
 * debug kernel, where kmemleak finds leaks of any size.
 */
TEST_F_TIMEOUT(life, create_destroy_1000_vms, 1800)
{
	const char *env = getenv("KHV_VM_CYCLES");
	int cycles = env ? atoi(env) : 1000;
	long before, after;
	int fds, i;

	for (i = 0; i < 20; i++)
		cycle(_metadata, true);
	before = mem_available_kb();
	fds = open_fds();
	for (i = 0; i < cycles; i++) {
		cycle(_metadata, i % 10 == 0);
		if (_metadata->exit_code)
			break;
	}
	after = mem_available_kb();
	EXPECT_EQ(fds, open_fds());
	EXPECT_LE(before - 16384, after) TH_LOG("MemAvailable %ld kB -> %ld kB", before, after);
	run_hlt_guest(_metadata);
}

TEST_HARNESS_MAIN
