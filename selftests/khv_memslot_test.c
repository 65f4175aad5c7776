// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_SET_USER_MEMORY_REGION without running a guest: every rejected request
 * with its errno, that a rejected request changed nothing, the create / move /
 * delete life of a slot, and that only the creating process may change slots.
 * The other VM-fd ioctls are in khv_vmfd_test.
 *
 * Opens $KHV_DEV (default /dev/khv); with KHV_DEV=/dev/kvm the same binary
 * checks the real KVM, skipping the cases where khv deliberately differs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "khv_util.h"

#define PAGE		4096UL
#define MEM_PAGES	64
#define SZ_1M		0x100000UL

static const char *dev_path(void)
{
	const char *p = getenv("KHV_DEV");

	return p && *p ? p : KHV_DEV_PATH;
}

static bool dev_is_kvm(void)
{
	const char *p = dev_path();
	size_t n = strlen(p);

	return n >= 3 && !strcmp(p + n - 3, "kvm");
}

/* 0 or the errno of KVM_SET_USER_MEMORY_REGION. */
static int set_region(int vm_fd, uint32_t slot, uint32_t flags, uint64_t gpa,
		      uint64_t size, uint64_t hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = hva,
	};

	return ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &r) ? errno : 0;
}

FIXTURE(vm) {
	int sys_fd;
	int vm_fd;
	char *mem;
	uint64_t hva0, hva1;	/* backing of slots 0 and 1 */
	int nr_slots;
};

/* Slot 0: 16 pages at gpa 0. Slot 1: 4 pages at 1M. */
#define S0_GPA		0UL
#define S0_SIZE		(16 * PAGE)
#define S1_GPA		SZ_1M
#define S1_SIZE		(4 * PAGE)

FIXTURE_SETUP(vm)
{
	self->sys_fd = open(dev_path(), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->sys_fd) TH_LOG("open %s: %s", dev_path(), strerror(errno));
	self->vm_fd = ioctl(self->sys_fd, KVM_CREATE_VM, 0);
	ASSERT_LE(0, self->vm_fd) TH_LOG("KVM_CREATE_VM: %s", strerror(errno));
	self->nr_slots = ioctl(self->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
	ASSERT_LT(2, self->nr_slots);
	self->mem = mmap(NULL, MEM_PAGES * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	self->hva0 = (uintptr_t)self->mem;
	self->hva1 = (uintptr_t)self->mem + S0_SIZE;
	ASSERT_EQ(0, set_region(self->vm_fd, 0, 0, S0_GPA, S0_SIZE, self->hva0));
	ASSERT_EQ(0, set_region(self->vm_fd, 1, 0, S1_GPA, S1_SIZE, self->hva1));
}

FIXTURE_TEARDOWN(vm)
{
	close(self->vm_fd);
	close(self->sys_fd);
	munmap(self->mem, MEM_PAGES * PAGE);
}

/*
 * The slots are still exactly the fixture's: both ranges are taken, both
 * slots accept their own unchanged description (a changed size or user
 * address would be EINVAL), and slot 2 does not exist.
 */
static void __expect_slots_unchanged(struct __test_metadata *_metadata,
				     int vm_fd, uint64_t hva0, uint64_t hva1)
{
	EXPECT_EQ(EEXIST, set_region(vm_fd, 3, 0, S0_GPA, S0_SIZE, hva0 + 32 * PAGE));
	EXPECT_EQ(EEXIST, set_region(vm_fd, 3, 0, S1_GPA, S1_SIZE, hva0 + 32 * PAGE));
	EXPECT_EQ(0, set_region(vm_fd, 0, 0, S0_GPA, S0_SIZE, hva0));
	EXPECT_EQ(0, set_region(vm_fd, 1, 0, S1_GPA, S1_SIZE, hva1));
	EXPECT_EQ(EINVAL, set_region(vm_fd, 2, 0, 0, 0, 0));
}

#define expect_slots_unchanged(m, self)					\
	__expect_slots_unchanged(m, (self)->vm_fd, (self)->hva0, (self)->hva1)

struct bad_region {
	const char *name;
	uint32_t slot, flags;
	uint64_t gpa, size;
	int64_t hva;
	bool abs_hva;
	int err;
	bool khv_only;		/* KVM accepts it; khv deliberately not */
};

/* hva: an offset into the fixture's memory; ABS(): an absolute address. */
#define ABS(a)		.hva = (int64_t)(a), .abs_hva = true
#define OFF(o)		.hva = (o)
#define BAD(n, s, f, g, sz, h, e)					\
	{ .name = n, .slot = s, .flags = f, .gpa = g, .size = sz, h, .err = e }
/* Accepted by KVM, refused by khv on purpose (docs/memory.md). */
#define BAD_KHV(n, s, f, g, sz, h, e)					\
	{ .name = n, .slot = s, .flags = f, .gpa = g, .size = sz, h, .err = e, \
	  .khv_only = true }

static const struct bad_region bad_regions[] = {
	BAD("unknown_flag", 2, 1u << 7, 2 * SZ_1M, PAGE, OFF(32 * PAGE), EINVAL),
	BAD("size_unaligned", 2, 0, 2 * SZ_1M, PAGE + 1, OFF(32 * PAGE), EINVAL),
	BAD("gpa_unaligned", 2, 0, 2 * SZ_1M + 8, PAGE, OFF(32 * PAGE), EINVAL),
	BAD("hva_unaligned", 2, 0, 2 * SZ_1M, PAGE, OFF(32 * PAGE + 16), EINVAL),
	BAD("hva_kernel", 2, 0, 2 * SZ_1M, PAGE, ABS(0xffff888000000000ULL),
	    EINVAL),
	BAD("hva_wraps", 2, 0, 2 * SZ_1M, 2 * PAGE, ABS(-(int64_t)PAGE), EINVAL),
	BAD("gpa_wraps", 2, 0, -PAGE, 2 * PAGE, OFF(32 * PAGE), EINVAL),
	BAD("gpa_beyond_52_bits", 2, 0, 1ULL << 52, PAGE, OFF(32 * PAGE), EINVAL),
	BAD_KHV("address_space_1", (1u << 16) | 2, 0, 2 * SZ_1M, PAGE,
		OFF(32 * PAGE), EINVAL),
	BAD("address_space_ff", (0xffu << 16) | 2, 0, 2 * SZ_1M, PAGE,
	    OFF(32 * PAGE), EINVAL),
	BAD("slot_id_ffff", 0xffff, 0, 2 * SZ_1M, PAGE, OFF(32 * PAGE), EINVAL),
	BAD("delete_unused", 2, 0, 0, 0, OFF(0), EINVAL),
	BAD("resize", 1, 0, S1_GPA, 2 * S1_SIZE, OFF(16 * PAGE), EINVAL),
	BAD("shrink", 1, 0, S1_GPA, PAGE, OFF(16 * PAGE), EINVAL),
	BAD("new_hva", 1, 0, S1_GPA, S1_SIZE, OFF(20 * PAGE), EINVAL),
	BAD("move_and_new_hva", 1, 0, 2 * SZ_1M, S1_SIZE, OFF(20 * PAGE), EINVAL),
	BAD("overlap_same", 2, 0, S0_GPA, S0_SIZE, OFF(32 * PAGE), EEXIST),
	BAD("overlap_start", 2, 0, S1_GPA - PAGE, 2 * PAGE, OFF(32 * PAGE), EEXIST),
	BAD("overlap_end", 2, 0, S1_GPA + S1_SIZE - PAGE, 2 * PAGE, OFF(32 * PAGE),
	    EEXIST),
	BAD("overlap_inside", 2, 0, PAGE, PAGE, OFF(32 * PAGE), EEXIST),
	BAD("overlap_containing", 2, 0, 0, 2 * SZ_1M, OFF(32 * PAGE), EEXIST),
	BAD("move_onto_other", 1, 0, 8 * PAGE, S1_SIZE, OFF(16 * PAGE), EEXIST),
};

TEST_F(vm, rejected_regions_change_nothing)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_regions); i++) {
		const struct bad_region *b = &bad_regions[i];
		uint64_t hva = b->abs_hva ? (uint64_t)b->hva : self->hva0 + b->hva;

		if (b->khv_only && dev_is_kvm())
			continue;
		EXPECT_EQ(b->err, set_region(self->vm_fd, b->slot, b->flags, b->gpa,
					     b->size, hva))
			TH_LOG("%s", b->name);
		expect_slots_unchanged(_metadata, self);
	}
}

TEST_F(vm, slot_id_limit)
{
	int n = self->nr_slots;

	EXPECT_EQ(EINVAL, set_region(self->vm_fd, n, 0, 2 * SZ_1M, PAGE,
				     self->hva0 + 32 * PAGE));
	expect_slots_unchanged(_metadata, self);
	EXPECT_EQ(0, set_region(self->vm_fd, n - 1, 0, 2 * SZ_1M, PAGE,
				self->hva0 + 32 * PAGE));
	EXPECT_EQ(0, set_region(self->vm_fd, n - 1, 0, 0, 0, 0));
}

TEST_F(vm, bad_pointer_is_efault)
{
	EXPECT_EQ(-1, ioctl(self->vm_fd, KVM_SET_USER_MEMORY_REGION, NULL));
	EXPECT_EQ(EFAULT, errno);
	expect_slots_unchanged(_metadata, self);
}

/* Create, move, flags unchanged, delete, re-create elsewhere. */
TEST_F(vm, slot_lifecycle)
{
	uint64_t hva = self->hva0 + 32 * PAGE;

	ASSERT_EQ(0, set_region(self->vm_fd, 2, 0, 2 * SZ_1M, 8 * PAGE, hva));
	/* Adjacent to slot 1 on both sides is no overlap. */
	EXPECT_EQ(0, set_region(self->vm_fd, 2, 0, S1_GPA + S1_SIZE, 8 * PAGE, hva));
	EXPECT_EQ(0, set_region(self->vm_fd, 2, 0, S1_GPA - 8 * PAGE, 8 * PAGE, hva));
	/* The old place of a moved slot is free again. */
	EXPECT_EQ(0, set_region(self->vm_fd, 3, 0, S1_GPA + S1_SIZE, 8 * PAGE,
				hva + 8 * PAGE));
	/* A slot may move over the place it occupies itself. */
	EXPECT_EQ(0, set_region(self->vm_fd, 2, 0, S1_GPA - 4 * PAGE - 8 * PAGE,
				8 * PAGE, hva));
	EXPECT_EQ(0, set_region(self->vm_fd, 2, 0, 0, 0, 0));
	EXPECT_EQ(EINVAL, set_region(self->vm_fd, 2, 0, 0, 0, 0));
	/* Once deleted, the id takes any size and user address. */
	EXPECT_EQ(0, set_region(self->vm_fd, 2, 0, 4 * SZ_1M, 2 * PAGE,
				hva + 16 * PAGE));
	EXPECT_EQ(0, set_region(self->vm_fd, 3, 0, 0, 0, 0));
	EXPECT_EQ(0, set_region(self->vm_fd, 2, 0, 0, 0, 0));
	expect_slots_unchanged(_metadata, self);
}

/* The same user memory may back several slots, as in KVM. */
TEST_F(vm, aliased_user_memory)
{
	EXPECT_EQ(0, set_region(self->vm_fd, 2, 0, 2 * SZ_1M, S0_SIZE, self->hva0));
	EXPECT_EQ(0, set_region(self->vm_fd, 2, 0, 0, 0, 0));
}

TEST_F(vm, many_slots)
{
	int n = self->nr_slots < 64 ? self->nr_slots : 64;
	int i;

	for (i = 2; i < n; i++)
		EXPECT_EQ(0, set_region(self->vm_fd, i, 0, 2 * SZ_1M + i * PAGE, PAGE,
					self->hva0 + 32 * PAGE))
			TH_LOG("slot %d", i);
	for (i = 2; i < n; i++)
		EXPECT_EQ(0, set_region(self->vm_fd, i, 0, 0, 0, 0));
	expect_slots_unchanged(_metadata, self);
}

TEST_F(vm, capabilities)
{
	EXPECT_EQ(1, ioctl(self->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY));
	EXPECT_EQ(self->nr_slots,
		  ioctl(self->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS));
}

/* Like KVM's: close-on-exec, read-write. */
TEST_F(vm, vm_fd_flags)
{
	EXPECT_EQ(FD_CLOEXEC, fcntl(self->vm_fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_RDWR, fcntl(self->vm_fd, F_GETFL) & O_ACCMODE);
}

/* Only the creating process may use the VM (KVM: EIO otherwise). */
TEST_F(vm, other_process_gets_eio)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (!pid) {
		int e1 = set_region(self->vm_fd, 2, 0, 2 * SZ_1M, PAGE, self->hva0);
		int e2 = set_region(self->vm_fd, 1, 0, 0, 0, 0);

		_exit(e1 == EIO && e2 == EIO ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	expect_slots_unchanged(_metadata, self);
}

TEST_HARNESS_MAIN
