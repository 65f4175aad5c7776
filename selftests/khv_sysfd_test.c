// SPDX-License-Identifier: GPL-2.0
/*
 * The system fd (what open() of the device returns) as the KVM ABI defines
 * it: API version, capabilities, VM creation and the vCPU mmap size. Runs on
 * $KHV_DEV (default /dev/khv); KHV_DEV=/dev/kvm runs it on the real KVM.
 */
#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vm.h"

#ifndef KVM_CAP_VM_TYPES
#define KVM_CAP_VM_TYPES	235
#endif

FIXTURE(sys) {
	int fd;
};

FIXTURE_SETUP(sys)
{
	self->fd = vm_dev_open();
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", vm_dev_path(), strerror(errno));
}

FIXTURE_TEARDOWN(sys)
{
	close(self->fd);
}

static long cap(int fd, long c)
{
	return ioctl(fd, KVM_CHECK_EXTENSION, c);
}

TEST_F(sys, api_version)
{
	EXPECT_EQ(KVM_API_VERSION, ioctl(self->fd, KVM_GET_API_VERSION, 0));
}

/* What every x86 KVM user relies on, so khv must advertise it too. */
TEST_F(sys, basic_caps_advertised)
{
	EXPECT_LT(0, cap(self->fd, KVM_CAP_USER_MEMORY));
	EXPECT_LT(0, cap(self->fd, KVM_CAP_NR_MEMSLOTS));
	EXPECT_LT(0, cap(self->fd, KVM_CAP_NR_VCPUS));
	EXPECT_LT(0, cap(self->fd, KVM_CAP_MAX_VCPUS));
	EXPECT_LT(0, cap(self->fd, KVM_CAP_MAX_VCPU_ID));
	EXPECT_LT(0, cap(self->fd, KVM_CAP_IMMEDIATE_EXIT));
	EXPECT_LT(0, cap(self->fd, KVM_CAP_CHECK_EXTENSION_VM));
}

/* NR_VCPUS is the recommended count, MAX_VCPUS the hard one (api.rst). */
TEST_F(sys, vcpu_caps_ordered)
{
	long nr = cap(self->fd, KVM_CAP_NR_VCPUS);
	long max = cap(self->fd, KVM_CAP_MAX_VCPUS);
	long max_id = cap(self->fd, KVM_CAP_MAX_VCPU_ID);

	EXPECT_LE(1, nr);
	EXPECT_LE(nr, max);
	EXPECT_LE(max, max_id);
}

TEST_F(sys, create_vm_default_type)
{
	int a = ioctl(self->fd, KVM_CREATE_VM, 0);
	int b = ioctl(self->fd, KVM_CREATE_VM, 0);

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	EXPECT_NE(a, b);
	close(a);
	close(b);
}

/* Every type the device does not list in KVM_CAP_VM_TYPES is refused. */
TEST_F(sys, create_vm_bad_type)
{
	static const unsigned long types[] = {
		1, 2, 3, 4, 5, 31, 32, 0xff, 1UL << 31, 1UL << 32, ~0UL,
	};
	long supported = cap(self->fd, KVM_CAP_VM_TYPES);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		if (types[i] < 32 && supported > 0 && (supported & (1UL << types[i])))
			continue;
		EXPECT_EQ(-1, ioctl(self->fd, KVM_CREATE_VM, types[i]))
			TH_LOG("type %#lx", types[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("type %#lx", types[i]);
	}
}

/* kvm_run in page 0 and the PIO data page at KVM_PIO_PAGE_OFFSET. */
TEST_F(sys, vcpu_mmap_size)
{
	long page = sysconf(_SC_PAGESIZE);
	int size = ioctl(self->fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	ASSERT_LE((KVM_PIO_PAGE_OFFSET + 1) * page, size);
	EXPECT_EQ(0, size % page);
}

TEST_F(sys, vcpu_mmap_size_rejects_argument)
{
	EXPECT_EQ(-1, ioctl(self->fd, KVM_GET_VCPU_MMAP_SIZE, 1));
	EXPECT_EQ(EINVAL, errno);
}

/* A VM keeps working after the fd that created it is closed. */
TEST_F(sys, vm_outlives_system_fd)
{
	int vm = ioctl(self->fd, KVM_CREATE_VM, 0);
	int vcpu;

	ASSERT_LE(0, vm);
	close(self->fd);
	self->fd = -1;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	EXPECT_LE(0, vcpu);
	close(vcpu);
	close(vm);
}

/* VM and vCPU ioctls are not system ioctls: EINVAL, as on KVM. */
TEST_F(sys, vm_and_vcpu_ioctls_refused)
{
	struct kvm_userspace_memory_region r = { .memory_size = 4096 };
	struct kvm_regs regs;

	EXPECT_EQ(-1, ioctl(self->fd, KVM_SET_USER_MEMORY_REGION, &r));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, KVM_RUN, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, KVM_GET_REGS, &regs));
	EXPECT_EQ(EINVAL, errno);
}

TEST_HARNESS_MAIN
