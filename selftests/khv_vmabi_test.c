// SPDX-License-Identifier: GPL-2.0
/*
 * VM-fd ABI that QEMU relies on: KVM_SET_TSS_ADDR, KVM_SET_IDENTITY_MAP_ADDR,
 * read-only memory slots (KVM_MEM_READONLY) and KVM_SET_USER_MEMORY_REGION2,
 * with the capabilities that announce them.
 *
 * The limits are KVM's (kvm_intel 6.12 on a CPU with unrestricted guest):
 * the TSS address takes three pages that must end at or below 4 GiB; the
 * identity-map address is a pointer to a u64 and may be set only before the
 * first vCPU; neither is checked against the memory slots.
 *
 * A read-only slot: guest reads and instruction fetches see the slot's
 * memory; a guest write changes nothing and exits with KVM_EXIT_MMIO (the
 * address, length and data), completed on the next KVM_RUN like any MMIO
 * write. The guest is guests/mem.S mbox64, which reads or writes 4 bytes
 * where the mailbox at GUEST_DATA_GPA says.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vm.h"

/* Debian 12's <linux/kvm.h> (6.1) predates these (6.8, api.rst 4.141). */
#ifndef KVM_SET_USER_MEMORY_REGION2
struct kvm_userspace_memory_region2 {
	__u32 slot;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 memory_size;
	__u64 userspace_addr;
	__u64 guest_memfd_offset;
	__u32 guest_memfd;
	__u32 pad1;
	__u64 pad2[14];
};
#define KVM_SET_USER_MEMORY_REGION2 _IOW(KVMIO, 0x49, \
					 struct kvm_userspace_memory_region2)
#endif
#ifndef KVM_CAP_USER_MEMORY2
#define KVM_CAP_USER_MEMORY2	231
#endif
#ifndef KVM_MEM_GUEST_MEMFD
#define KVM_MEM_GUEST_MEMFD	(1u << 2)
#endif

#define PAGE		4096ull
#define RO_GPA		0x400000ull	/* the read-only slot, above slot 0 */
#define RO_MOVED	0x600000ull
#define RO_SIZE		(4 * PAGE)
#define RO_CODE_OFF	(2 * PAGE)	/* where ro_code_runs puts the guest */
#define RO_SLOT		1

/* Word i of the read-only slot holds RO_WORD(i) unless a test changes it. */
#define RO_WORD(i)	(0x0dd00000u + (i))

/* ---- KVM_SET_TSS_ADDR and KVM_SET_IDENTITY_MAP_ADDR: no vCPU, no memory */

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

/* -errno of an ioctl, 0 on success. */
static int ioctl_err(int fd, unsigned long req, unsigned long arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

/* Advertised on both fds: QEMU calls the ioctls when the answer is non-zero. */
TEST_F(vmfd, caps_advertised)
{
	static const long caps[] = {
		KVM_CAP_SET_TSS_ADDR, KVM_CAP_SET_IDENTITY_MAP_ADDR,
		KVM_CAP_READONLY_MEM, KVM_CAP_USER_MEMORY2,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		EXPECT_LT(0, ioctl(self->sys, KVM_CHECK_EXTENSION, caps[i]))
			TH_LOG("cap %ld on the system fd", caps[i]);
		EXPECT_LT(0, ioctl(self->vm, KVM_CHECK_EXTENSION, caps[i]))
			TH_LOG("cap %ld on the VM fd", caps[i]);
	}
}

/* Three pages ending at or below 4 GiB; any alignment; again and again. */
TEST_F(vmfd, tss_addr_below_4g)
{
	static const unsigned long ok[] = {
		0, 0x1000, 0x1234, 0xfeffd000,	/* QEMU's choice */
		0xfffbd000, 0xffffd000,		/* the last that fits */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ok); i++)
		EXPECT_EQ(0, ioctl_err(self->vm, KVM_SET_TSS_ADDR, ok[i]))
			TH_LOG("addr %#lx", ok[i]);
	EXPECT_EQ(0, ioctl_err(self->vm, KVM_SET_TSS_ADDR, 0xfeffd000));
}

TEST_F(vmfd, tss_addr_past_4g)
{
	static const unsigned long bad[] = {
		0xffffd001, 0xffffe000, 0xfffff000, 0x100000000ul,
		0x1ffffd000ul, -1ul,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, ioctl_err(self->vm, KVM_SET_TSS_ADDR, bad[i]))
			TH_LOG("addr %#lx", bad[i]);
}

/* The TSS address may change after vCPUs exist (the identity map may not). */
TEST_F(vmfd, tss_addr_after_vcpu)
{
	int vcpu = ioctl(self->vm, KVM_CREATE_VCPU, 0);

	ASSERT_LE(0, vcpu);
	EXPECT_EQ(0, ioctl_err(self->vm, KVM_SET_TSS_ADDR, 0xfeffd000));
	EXPECT_EQ(-EINVAL, ioctl_err(self->vm, KVM_SET_TSS_ADDR, 0xfffff000));
	close(vcpu);
}

/* The argument is a pointer to a u64 (despite api.rst's "unsigned long"). */
TEST_F(vmfd, identity_map_addr)
{
	static const uint64_t addrs[] = {
		0xfeffc000, 0, 0xfffbc000, 0x123456789000ull, 1,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(addrs); i++) {
		uint64_t addr = addrs[i];

		EXPECT_EQ(0, ioctl_err(self->vm, KVM_SET_IDENTITY_MAP_ADDR,
				       (unsigned long)&addr))
			TH_LOG("addr %#llx", (unsigned long long)addr);
	}
	EXPECT_EQ(-EFAULT, ioctl_err(self->vm, KVM_SET_IDENTITY_MAP_ADDR, 0));
	EXPECT_EQ(-EFAULT, ioctl_err(self->vm, KVM_SET_IDENTITY_MAP_ADDR, 8));
}

/* Once a vCPU exists: EINVAL, checked before the pointer is read. */
TEST_F(vmfd, identity_map_addr_after_vcpu)
{
	uint64_t addr = 0xfeffc000;
	int vcpu;

	ASSERT_EQ(0, ioctl_err(self->vm, KVM_SET_IDENTITY_MAP_ADDR,
			       (unsigned long)&addr));
	vcpu = ioctl(self->vm, KVM_CREATE_VCPU, 0);
	ASSERT_LE(0, vcpu);
	EXPECT_EQ(-EINVAL, ioctl_err(self->vm, KVM_SET_IDENTITY_MAP_ADDR,
				     (unsigned long)&addr));
	EXPECT_EQ(-EINVAL, ioctl_err(self->vm, KVM_SET_IDENTITY_MAP_ADDR, 0));
	close(vcpu);
}

/* A failed KVM_CREATE_VCPU creates nothing: the identity map stays settable. */
TEST_F(vmfd, identity_map_addr_after_failed_vcpu)
{
	uint64_t addr = 0xfeffc000;

	EXPECT_EQ(-1, ioctl(self->vm, KVM_CREATE_VCPU, 1ul << 20));
	EXPECT_EQ(0, ioctl_err(self->vm, KVM_SET_IDENTITY_MAP_ADDR,
			       (unsigned long)&addr));
}

/* ---- KVM_SET_USER_MEMORY_REGION2 */

static int set_region2(int vm_fd, uint32_t slot, uint32_t flags, uint64_t gpa,
		       uint64_t size, void *hva)
{
	struct kvm_userspace_memory_region2 r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (uintptr_t)hva,
	};

	return ioctl_err(vm_fd, KVM_SET_USER_MEMORY_REGION2, (unsigned long)&r);
}

/* The same rules as the first version; guest_memfd needs another VM type. */
TEST_F(vmfd, region2)
{
	struct kvm_userspace_memory_region v1 = {
		.slot = 1, .flags = KVM_MEM_GUEST_MEMFD, .guest_phys_addr = 0,
		.memory_size = 4 * PAGE,
	};
	void *mem = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, mem);
	v1.userspace_addr = (uintptr_t)mem;
	EXPECT_EQ(0, set_region2(self->vm, 0, 0, 0, 4 * PAGE, mem));
	EXPECT_EQ(-EEXIST, set_region2(self->vm, 1, 0, PAGE, 4 * PAGE, mem));
	EXPECT_EQ(0, set_region2(self->vm, 1, KVM_MEM_READONLY, 4 * PAGE, 4 * PAGE,
				 mem + 4 * PAGE));
	/* Move slot 1; its read-only flag cannot change. */
	EXPECT_EQ(0, set_region2(self->vm, 1, KVM_MEM_READONLY, 16 * PAGE, 4 * PAGE,
				 mem + 4 * PAGE));
	EXPECT_EQ(-EINVAL, set_region2(self->vm, 1, 0, 16 * PAGE, 4 * PAGE,
				       mem + 4 * PAGE));
	EXPECT_EQ(-EINVAL, set_region2(self->vm, 2, KVM_MEM_GUEST_MEMFD, 32 * PAGE,
				       PAGE, mem));
	EXPECT_EQ(-EINVAL, set_region2(self->vm, 2, 1u << 7, 32 * PAGE, PAGE, mem));
	EXPECT_EQ(-EINVAL, set_region2(self->vm, 2, 0, 32 * PAGE, PAGE + 1, mem));
	EXPECT_EQ(-EINVAL, ioctl_err(self->vm, KVM_SET_USER_MEMORY_REGION,
				     (unsigned long)&v1));
	EXPECT_EQ(-EFAULT, ioctl_err(self->vm, KVM_SET_USER_MEMORY_REGION2, 0));
	/* Deleted through either version. */
	EXPECT_EQ(0, set_region2(self->vm, 1, 0, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, set_region2(self->vm, 1, 0, 0, 0, NULL));
	close(self->vm);
	self->vm = -1;
	munmap(mem, 8 * PAGE);
}

/* ---- read-only slots under a running guest */

FIXTURE(ro) {
	struct vm *vm;
	struct vcpu *v;
	uint32_t *rom;		/* the read-only slot's memory */
};

FIXTURE_SETUP(ro)
{
	unsigned int i;

	self->vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	self->v = vcpu_add(self->vm, 0);
	vm_load_code(self->vm, GUEST_CODE(mbox64));
	vcpu_set_mode(self->v, MODE_LONG64, GUEST_CODE_GPA);
	self->rom = vm_add_slot(self->vm, RO_SLOT, RO_GPA, RO_SIZE, KVM_MEM_READONLY);
	for (i = 0; i < RO_SIZE / 4; i++)
		self->rom[i] = RO_WORD(i);
}

FIXTURE_TEARDOWN(ro)
{
	vcpu_free(self->v);
	vm_destroy(self->vm);
}

static void mbox_set(struct vcpu *v, uint64_t op, uint64_t gpa, uint64_t val)
{
	uint64_t *mbox = vm_hva(v->vm, GUEST_DATA_GPA);

	mbox[MBOX_OP / 8] = op;
	mbox[MBOX_ADDR / 8] = gpa;
	mbox[MBOX_VAL / 8] = val;
}

/* The guest reads 4 bytes at @gpa and reports them. */
static uint32_t guest_read(struct __test_metadata *_metadata, struct vcpu *v,
			   uint64_t gpa)
{
	mbox_set(v, MBOX_READ, gpa, 0);
	EXPECT_EQ(REPORT_VALUE, vcpu_run_report(v))
		TH_LOG("read %#llx: %s", (unsigned long long)gpa, vcpu_exit_str(v));
	return (uint32_t)v->regs.rcx;
}

/*
 * The guest writes @val at @gpa in the read-only slot: the write exits as
 * MMIO with the data, and the guest carries on after the next KVM_RUN.
 */
static void guest_write_mmio(struct __test_metadata *_metadata, struct vcpu *v,
			     uint64_t gpa, uint32_t val)
{
	struct kvm_run *run = v->run;
	uint32_t data;

	mbox_set(v, MBOX_WRITE, gpa, val);
	ASSERT_EQ(KVM_EXIT_MMIO, vcpu_run_exit(v)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(gpa, run->mmio.phys_addr);
	EXPECT_EQ(4u, run->mmio.len);
	EXPECT_EQ(1, run->mmio.is_write);
	memcpy(&data, run->mmio.data, 4);
	EXPECT_EQ(val, data);
	ASSERT_EQ(REPORT_VALUE, vcpu_run_report(v)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(val, (uint32_t)v->regs.rcx);
}

TEST_F(ro, reads_see_the_slot)
{
	EXPECT_EQ(RO_WORD(0), guest_read(_metadata, self->v, RO_GPA));
	EXPECT_EQ(RO_WORD(0x3ff), guest_read(_metadata, self->v, RO_GPA + 0xffc));
	EXPECT_EQ(RO_WORD(0xfff), guest_read(_metadata, self->v, RO_GPA + RO_SIZE - 4));
}

/* The VMM may rewrite its ROM; the guest sees the new contents. */
TEST_F(ro, vmm_writes_are_seen)
{
	EXPECT_EQ(RO_WORD(4), guest_read(_metadata, self->v, RO_GPA + 16));
	self->rom[4] = 0xabad1dea;
	EXPECT_EQ(0xabad1deau, guest_read(_metadata, self->v, RO_GPA + 16));
}

/* A write to a page the guest has not touched yet, then to one it has read. */
TEST_F(ro, writes_exit_mmio)
{
	guest_write_mmio(_metadata, self->v, RO_GPA + PAGE + 8, 0x11112222);
	EXPECT_EQ(RO_WORD(0x402), self->rom[0x402]);
	EXPECT_EQ(RO_WORD(0x402), guest_read(_metadata, self->v, RO_GPA + PAGE + 8));

	EXPECT_EQ(RO_WORD(3), guest_read(_metadata, self->v, RO_GPA + 12));
	guest_write_mmio(_metadata, self->v, RO_GPA + 12, 0x33334444);
	EXPECT_EQ(RO_WORD(3), self->rom[3]);
	EXPECT_EQ(RO_WORD(3), guest_read(_metadata, self->v, RO_GPA + 12));
}

/* Code runs from a read-only slot (a ROM): fetches are reads. */
TEST_F(ro, code_runs_from_the_slot)
{
	struct guest_code c = GUEST_CODE(mbox64);
	struct kvm_regs regs;

	memcpy((char *)self->rom + RO_CODE_OFF, c.start, c.end - c.start);
	vcpu_get_regs(self->v, &regs);
	regs.rip = RO_GPA + RO_CODE_OFF;
	vcpu_set_regs(self->v, &regs);
	EXPECT_EQ(RO_WORD(1), guest_read(_metadata, self->v, RO_GPA + 4));
	guest_write_mmio(_metadata, self->v, RO_GPA + 4, 0x55556666);
	EXPECT_EQ(RO_WORD(1), self->rom[1]);
	/* Its own code cannot be overwritten either. */
	guest_write_mmio(_metadata, self->v, RO_GPA + RO_CODE_OFF, 0x90909090);
	EXPECT_EQ(RO_WORD(0), guest_read(_metadata, self->v, RO_GPA));
}

/* The flag is fixed for the slot's life; moving and deleting work. */
TEST_F(ro, flag_fixed_move_delete)
{
	EXPECT_EQ(RO_WORD(0), guest_read(_metadata, self->v, RO_GPA));
	EXPECT_EQ(-EINVAL, vm_set_region(self->vm, RO_SLOT, 0, RO_GPA, RO_SIZE,
					 self->rom));
	EXPECT_EQ(RO_WORD(0), guest_read(_metadata, self->v, RO_GPA));
	guest_write_mmio(_metadata, self->v, RO_GPA, 1);

	ASSERT_EQ(0, vm_set_region(self->vm, RO_SLOT, KVM_MEM_READONLY, RO_MOVED,
				   RO_SIZE, self->rom));
	EXPECT_EQ(RO_WORD(2), guest_read(_metadata, self->v, RO_MOVED + 8));
	guest_write_mmio(_metadata, self->v, RO_MOVED + 8, 2);
	EXPECT_EQ(RO_WORD(2), self->rom[2]);

	/* Deleting with the flag given is accepted, as in KVM. */
	ASSERT_EQ(0, vm_set_region(self->vm, RO_SLOT, KVM_MEM_READONLY, RO_MOVED,
				   0, self->rom));
	mbox_set(self->v, MBOX_READ, RO_MOVED + 8, 0);
	ASSERT_EQ(KVM_EXIT_MMIO, vcpu_run_exit(self->v))
		TH_LOG("%s", vcpu_exit_str(self->v));
	EXPECT_EQ(RO_MOVED + 8, self->v->run->mmio.phys_addr);
	EXPECT_EQ(0, self->v->run->mmio.is_write);
	munmap(self->rom, RO_SIZE);
}

/* A read-only slot may be backed by a read-only mapping. */
TEST_F(ro, prot_read_backing)
{
	uint32_t *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	p[5] = 0xfacefeed;
	ASSERT_EQ(0, mprotect(p, PAGE, PROT_READ));
	ASSERT_EQ(0, vm_set_region(self->vm, 2, KVM_MEM_READONLY, RO_MOVED, PAGE, p));
	EXPECT_EQ(0xfacefeedu, guest_read(_metadata, self->v, RO_MOVED + 20));
	guest_write_mmio(_metadata, self->v, RO_MOVED + 20, 7);
	EXPECT_EQ(0xfacefeedu, p[5]);
}

TEST_HARNESS_MAIN
