// SPDX-License-Identifier: GPL-2.0
/*
 * The VM fd: CHECK_EXTENSION on it, KVM_CREATE_VCPU's limits and how they
 * match the capabilities, ioctls of the wrong kind and from another process.
 * Memory slots have their own test (khv_memslot_test).
 */
#include <errno.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vm.h"

FIXTURE(vmfd) {
	int sys;
	int vm;
};

FIXTURE_SETUP(vmfd)
{
	self->sys = vm_dev_open();
	ASSERT_LE(0, self->sys) TH_LOG("open %s: %s", vm_dev_path(), strerror(errno));
	self->vm = ioctl(self->sys, KVM_CREATE_VM, 0);
	ASSERT_LE(0, self->vm) TH_LOG("KVM_CREATE_VM: %s", strerror(errno));
}

FIXTURE_TEARDOWN(vmfd)
{
	close(self->vm);
	close(self->sys);
}

/* The VM fd answers CHECK_EXTENSION like the system fd (api.rst 4.4). */
TEST_F(vmfd, check_extension_matches_system_fd)
{
	static const long caps[] = {
		KVM_CAP_USER_MEMORY, KVM_CAP_NR_MEMSLOTS, KVM_CAP_NR_VCPUS,
		KVM_CAP_MAX_VCPUS, KVM_CAP_MAX_VCPU_ID, KVM_CAP_IMMEDIATE_EXIT,
		KVM_CAP_READONLY_MEM, KVM_CAP_EXT_CPUID,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(caps); i++)
		EXPECT_EQ(ioctl(self->sys, KVM_CHECK_EXTENSION, caps[i]),
			  ioctl(self->vm, KVM_CHECK_EXTENSION, caps[i]))
			TH_LOG("cap %ld", caps[i]);
}

TEST_F(vmfd, check_extension_unknown_is_zero)
{
	EXPECT_EQ(0, ioctl(self->vm, KVM_CHECK_EXTENSION, 100000));
	EXPECT_EQ(0, ioctl(self->vm, KVM_CHECK_EXTENSION, -1L));
}

TEST_F(vmfd, create_vcpu_returns_distinct_fds)
{
	int a = ioctl(self->vm, KVM_CREATE_VCPU, 0);
	int b = ioctl(self->vm, KVM_CREATE_VCPU, 1);

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	EXPECT_NE(a, b);
}

TEST_F(vmfd, create_vcpu_duplicate_id)
{
	ASSERT_LE(0, ioctl(self->vm, KVM_CREATE_VCPU, 3));
	EXPECT_EQ(-1, ioctl(self->vm, KVM_CREATE_VCPU, 3));
	EXPECT_EQ(EEXIST, errno);
	/* The failed call used up nothing: another id still works. */
	EXPECT_LE(0, ioctl(self->vm, KVM_CREATE_VCPU, 4));
}

/* Ids go up to KVM_CAP_MAX_VCPU_ID - 1, not further. */
TEST_F(vmfd, create_vcpu_id_limit)
{
	long max_id = ioctl(self->vm, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPU_ID);

	ASSERT_LT(0, max_id);
	EXPECT_EQ(-1, ioctl(self->vm, KVM_CREATE_VCPU, max_id));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->vm, KVM_CREATE_VCPU, max_id + 1000));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->vm, KVM_CREATE_VCPU, -1L));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->vm, KVM_CREATE_VCPU, 1L << 32));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_LE(0, ioctl(self->vm, KVM_CREATE_VCPU, max_id - 1));
}

static int enable_cap(int fd, uint32_t cap, uint64_t arg0)
{
	struct kvm_enable_cap c = { .cap = cap, .args = { arg0 } };

	return ioctl(fd, KVM_ENABLE_CAP, &c);
}

/*
 * KVM_ENABLE_CAP(KVM_CAP_MAX_VCPU_ID) lowers the id limit once (api.rst
 * 7.32): above the capability's answer EINVAL, then only the same value
 * again, and KVM_CREATE_VCPU refuses ids from the new limit up.
 */
TEST_F(vmfd, enable_cap_max_vcpu_id)
{
	long max_id = ioctl(self->vm, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPU_ID);

	ASSERT_LT(2, max_id);
	EXPECT_EQ(1, ioctl(self->vm, KVM_CHECK_EXTENSION, KVM_CAP_ENABLE_CAP_VM));
	EXPECT_EQ(-1, enable_cap(self->vm, KVM_CAP_MAX_VCPU_ID, max_id + 1));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, enable_cap(self->vm, KVM_CAP_MAX_VCPU_ID, 2));
	EXPECT_EQ(0, enable_cap(self->vm, KVM_CAP_MAX_VCPU_ID, 2));
	EXPECT_EQ(-1, enable_cap(self->vm, KVM_CAP_MAX_VCPU_ID, 3));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->vm, KVM_CREATE_VCPU, 2L));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_LE(0, ioctl(self->vm, KVM_CREATE_VCPU, 1L));
}

/* After the first vCPU the default limit is fixed: another fails. */
TEST_F(vmfd, enable_cap_max_vcpu_id_after_vcpu)
{
	ASSERT_LE(0, ioctl(self->vm, KVM_CREATE_VCPU, 0L));
	EXPECT_EQ(-1, enable_cap(self->vm, KVM_CAP_MAX_VCPU_ID, 4));
	EXPECT_EQ(EINVAL, errno);
}

/*
 * Exactly KVM_CAP_MAX_VCPUS vCPUs fit in one VM, with any ids below
 * MAX_VCPU_ID; the next one is refused with EINVAL.
 */
TEST_F_TIMEOUT(vmfd, create_vcpu_count_limit, 600)
{
	long max = ioctl(self->vm, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	long max_id = ioctl(self->vm, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPU_ID);
	struct rlimit rl = { .rlim_cur = max + 64, .rlim_max = max + 64 };
	long i, id;
	int fd;

	ASSERT_LT(0, max);
	ASSERT_LE(max, max_id);
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl)) TH_LOG("%s", strerror(errno));
	/* Spread the ids over the allowed range, highest first. */
	for (i = 0; i < max; i++) {
		id = max_id - 1 - i * (max_id / max);
		fd = ioctl(self->vm, KVM_CREATE_VCPU, id);
		ASSERT_LE(0, fd) TH_LOG("vCPU %ld of %ld (id %ld): %s", i + 1, max, id,
					strerror(errno));
	}
	/*
	 * The VM is full: EINVAL whether id 0 is free or taken, because the
	 * count is checked before the id is looked up (as KVM does).
	 */
	EXPECT_EQ(-1, ioctl(self->vm, KVM_CREATE_VCPU, 0));
	EXPECT_EQ(EINVAL, errno);
}

/* The recommended count (NR_VCPUS) is always creatable. */
TEST_F(vmfd, create_nr_vcpus)
{
	long nr = ioctl(self->vm, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
	long i;

	ASSERT_LT(0, nr);
	for (i = 0; i < nr; i++)
		ASSERT_LE(0, ioctl(self->vm, KVM_CREATE_VCPU, i)) TH_LOG("vCPU %ld", i);
}

/* Ioctls of the system or vCPU fd on the VM fd: ENOTTY, as on KVM. */
TEST_F(vmfd, wrong_fd_type_ioctls)
{
	struct kvm_regs regs;

	EXPECT_EQ(-1, ioctl(self->vm, KVM_GET_API_VERSION, 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->vm, KVM_CREATE_VM, 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->vm, KVM_GET_VCPU_MMAP_SIZE, 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->vm, KVM_RUN, 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->vm, KVM_GET_REGS, &regs));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->vm, _IO(KVMIO, 0xff), 0));
	EXPECT_EQ(ENOTTY, errno);
}

/* A VM belongs to the process that created it: others get EIO. */
TEST_F(vmfd, other_process_gets_eio)
{
	int vcpu = ioctl(self->vm, KVM_CREATE_VCPU, 0);
	int status;
	pid_t pid;

	ASSERT_LE(0, vcpu);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct kvm_regs regs;
		int bad = 0;

		if (ioctl(self->vm, KVM_CREATE_VCPU, 1) != -1 || errno != EIO)
			bad |= 1;
		if (ioctl(vcpu, KVM_GET_REGS, &regs) != -1 || errno != EIO)
			bad |= 2;
		if (ioctl(vcpu, KVM_RUN, 0) != -1 || errno != EIO)
			bad |= 4;
		_exit(bad);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("bits: 1 CREATE_VCPU, 2 GET_REGS, 4 RUN");
	/* ... and the owner is not disturbed. */
	EXPECT_LE(0, ioctl(self->vm, KVM_CREATE_VCPU, 1));
}

TEST_HARNESS_MAIN
