// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory as a running guest sees it: slots added, moved and deleted
 * while a vCPU exists, failed slot changes that must leave the mapping
 * alone, accesses outside every slot (KVM_EXIT_MMIO), and a guest touching
 * 64 MiB. The 64-bit guests are in guests/mem.S; mbox64 reads or writes
 * 4 bytes where the mailbox at GUEST_DATA_GPA says and reports the value.
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vm.h"

#define SLOT1_GPA	0x200000ull	/* above slot 0 (1 MiB) */
#define SLOT1_MOVED	0x400000ull
#define SLOT1_SIZE	0x10000ull
#define HOLE_GPA	0x800000ull	/* never in a slot */

FIXTURE(mem) {
	struct vm *vm;
	struct vcpu *v;
};

FIXTURE_SETUP(mem)
{
	self->vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	self->v = vcpu_add(self->vm, 0);
	vm_load_code(self->vm, GUEST_CODE(mbox64));
	vcpu_set_mode(self->v, MODE_LONG64, GUEST_CODE_GPA);
}

FIXTURE_TEARDOWN(mem)
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

/* The guest reads 4 bytes at @gpa; returns them (the test fails otherwise). */
static uint32_t guest_read(struct __test_metadata *_metadata, struct vcpu *v, uint64_t gpa)
{
	mbox_set(v, MBOX_READ, gpa, 0);
	EXPECT_EQ(REPORT_VALUE, vcpu_run_report(v))
		TH_LOG("read %#llx: %s", (unsigned long long)gpa, vcpu_exit_str(v));
	return (uint32_t)v->regs.rcx;
}

static void guest_write(struct __test_metadata *_metadata, struct vcpu *v, uint64_t gpa,
			uint32_t val)
{
	mbox_set(v, MBOX_WRITE, gpa, val);
	EXPECT_EQ(REPORT_VALUE, vcpu_run_report(v))
		TH_LOG("write %#llx: %s", (unsigned long long)gpa, vcpu_exit_str(v));
}

/* The next exit is a 4-byte MMIO access at @gpa. */
static void expect_mmio(struct __test_metadata *_metadata, struct vcpu *v, uint64_t gpa,
			bool write)
{
	struct kvm_run *run = v->run;

	ASSERT_EQ(KVM_EXIT_MMIO, vcpu_run_exit(v)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(gpa, run->mmio.phys_addr);
	EXPECT_EQ(4u, run->mmio.len);
	EXPECT_EQ(write, run->mmio.is_write);
}

static uint32_t *add_slot1(struct vm *vm, uint64_t gpa)
{
	uint32_t *p = vm_add_slot(vm, 1, gpa, SLOT1_SIZE, 0);
	unsigned int i;

	for (i = 0; i < SLOT1_SIZE / 4; i++)
		p[i] = 0x51000000 + i;
	return p;
}

/* Reads outside every slot exit to userspace, which supplies the value. */
TEST_F(mem, unbacked_read_exits_mmio)
{
	uint32_t val = 0xfeedf00d;

	mbox_set(self->v, MBOX_READ, HOLE_GPA + 8, 0);
	expect_mmio(_metadata, self->v, HOLE_GPA + 8, false);
	memcpy(self->v->run->mmio.data, &val, 4);
	ASSERT_EQ(REPORT_VALUE, vcpu_run_report(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
	EXPECT_EQ(val, (uint32_t)self->v->regs.rcx);
}

TEST_F(mem, unbacked_write_exits_mmio)
{
	uint32_t val;

	mbox_set(self->v, MBOX_WRITE, HOLE_GPA + 16, 0xc0ffee11);
	expect_mmio(_metadata, self->v, HOLE_GPA + 16, true);
	memcpy(&val, self->v->run->mmio.data, 4);
	EXPECT_EQ(0xc0ffee11u, val);
	EXPECT_EQ(REPORT_VALUE, vcpu_run_report(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
}

/* A slot added after the guest ran is seen at once, both ways. */
TEST_F(mem, add_slot_while_vcpu_exists)
{
	uint32_t *p;

	EXPECT_EQ(0u, guest_read(_metadata, self->v, GUEST_DATA_GPA));	/* MBOX_OP */
	p = add_slot1(self->vm, SLOT1_GPA);
	EXPECT_EQ(0x51000000u, guest_read(_metadata, self->v, SLOT1_GPA));
	EXPECT_EQ(0x51000000u + 0x3fff, guest_read(_metadata, self->v, SLOT1_GPA + 0xfffc));
	guest_write(_metadata, self->v, SLOT1_GPA + 0x100, 0x600dcafe);
	EXPECT_EQ(0x600dcafeu, p[0x40]);
	p[0x41] = 0x12345678;
	EXPECT_EQ(0x12345678u, guest_read(_metadata, self->v, SLOT1_GPA + 0x104));
}

/*
 * After the delete, the range is no memory: a write there exits as MMIO and
 * does not reach the old pages, whatever the exit turns out to be.
 */
TEST_F(mem, delete_slot_while_vcpu_exists)
{
	uint32_t *p = add_slot1(self->vm, SLOT1_GPA);
	struct kvm_run *run = self->v->run;
	uint32_t val;

	guest_write(_metadata, self->v, SLOT1_GPA, 0x11111111);
	EXPECT_EQ(0x11111111u, p[0]);
	ASSERT_EQ(0, vm_set_region(self->vm, 1, 0, SLOT1_GPA, 0, p));

	mbox_set(self->v, MBOX_WRITE, SLOT1_GPA, 0x22222222);
	EXPECT_EQ(KVM_EXIT_MMIO, vcpu_run_exit(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
	EXPECT_EQ(0x11111111u, p[0]);
	ASSERT_EQ(KVM_EXIT_MMIO, (int)run->exit_reason);
	EXPECT_EQ(SLOT1_GPA, run->mmio.phys_addr);
	EXPECT_EQ(4u, run->mmio.len);
	EXPECT_EQ(1, run->mmio.is_write);
	memcpy(&val, run->mmio.data, 4);
	EXPECT_EQ(0x22222222u, val);
	ASSERT_EQ(REPORT_VALUE, vcpu_run_report(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
	EXPECT_EQ(0x11111111u, p[0]);

	mbox_set(self->v, MBOX_READ, SLOT1_GPA + 4, 0);
	expect_mmio(_metadata, self->v, SLOT1_GPA + 4, false);
	munmap(p, SLOT1_SIZE);
}

/* A moved slot: the same memory at the new address, nothing at the old. */
TEST_F(mem, move_slot_while_vcpu_exists)
{
	uint32_t *p = add_slot1(self->vm, SLOT1_GPA);

	EXPECT_EQ(0x51000001u, guest_read(_metadata, self->v, SLOT1_GPA + 4));
	ASSERT_EQ(0, vm_set_region(self->vm, 1, 0, SLOT1_MOVED, SLOT1_SIZE, p));
	EXPECT_EQ(0x51000001u, guest_read(_metadata, self->v, SLOT1_MOVED + 4));
	guest_write(_metadata, self->v, SLOT1_MOVED + 8, 0x77777777);
	EXPECT_EQ(0x77777777u, p[2]);
	/* The old address: an MMIO write that leaves the memory alone. */
	mbox_set(self->v, MBOX_WRITE, SLOT1_GPA + 12, 0x88888888);
	EXPECT_EQ(KVM_EXIT_MMIO, vcpu_run_exit(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
	EXPECT_EQ(0x51000003u, p[3]);
	ASSERT_EQ(KVM_EXIT_MMIO, (int)self->v->run->exit_reason);
	EXPECT_EQ(SLOT1_GPA + 12, self->v->run->mmio.phys_addr);
	ASSERT_EQ(REPORT_VALUE, vcpu_run_report(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
	mbox_set(self->v, MBOX_READ, SLOT1_GPA + 4, 0);
	expect_mmio(_metadata, self->v, SLOT1_GPA + 4, false);
}

/* Refused slot changes leave the guest's mapping exactly as it was. */
TEST_F(mem, failed_change_keeps_mapping)
{
	uint32_t *p = add_slot1(self->vm, SLOT1_GPA);
	void *other = mmap(NULL, 2 * SLOT1_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, other);
	EXPECT_EQ(0x51000003u, guest_read(_metadata, self->v, SLOT1_GPA + 12));
	/* Resize, new host memory, move onto slot 0, overlap by a new slot. */
	EXPECT_EQ(-EINVAL, vm_set_region(self->vm, 1, 0, SLOT1_GPA, 2 * SLOT1_SIZE, p));
	EXPECT_EQ(-EINVAL, vm_set_region(self->vm, 1, 0, SLOT1_GPA, SLOT1_SIZE, other));
	EXPECT_EQ(-EEXIST, vm_set_region(self->vm, 1, 0, 0, SLOT1_SIZE, p));
	EXPECT_EQ(-EEXIST, vm_set_region(self->vm, 2, 0, SLOT1_GPA, SLOT1_SIZE, other));
	EXPECT_EQ(-EINVAL, vm_set_region(self->vm, 1, 1u << 7, SLOT1_GPA, SLOT1_SIZE, p));

	EXPECT_EQ(0x51000003u, guest_read(_metadata, self->v, SLOT1_GPA + 12));
	guest_write(_metadata, self->v, SLOT1_GPA + 16, 0x0badf00d);
	EXPECT_EQ(0x0badf00du, p[4]);
	EXPECT_EQ(0u, ((uint32_t *)other)[4]);
	munmap(other, 2 * SLOT1_SIZE);
}

#define BIG_GPA		0x10000000ull	/* 256 MiB */
#define BIG_SIZE	(64ull << 20)
#define BIG_PAGES	(BIG_SIZE / 4096)

/*
 * 64 MiB, one byte per 4 KiB page each way: byte 0 of the first half is
 * written by the test and checked by the guest (the second half must read
 * 0), byte 1 of every page is written by the guest and checked here.
 */
TEST_F_TIMEOUT(mem, touch_64mib, 600)
{
	struct kvm_regs regs;
	uint8_t *big = vm_add_slot(self->vm, 1, BIG_GPA, BIG_SIZE, 0);
	uint64_t i, bad = 0;

	for (i = 0; i < BIG_PAGES / 2; i++)
		big[i * 4096] = (i ^ 0x5a) & 0xff;
	vm_load_code(self->vm, GUEST_CODE(touch64));
	vcpu_set_mode(self->v, MODE_LONG64, GUEST_CODE_GPA);
	vcpu_get_regs(self->v, &regs);
	regs.rbx = BIG_GPA;
	regs.rcx = BIG_PAGES;
	vcpu_set_regs(self->v, &regs);
	ASSERT_EQ(REPORT_DONE, vcpu_run_report(self->v))
		TH_LOG("%s; FAIL: page %llu read %#llx", vcpu_exit_str(self->v),
		       self->v->regs.rsi, self->v->regs.rcx);
	for (i = 0; i < BIG_PAGES; i++) {
		uint8_t b0 = i < BIG_PAGES / 2 ? (i ^ 0x5a) & 0xff : 0;

		if (big[i * 4096] != b0 || big[i * 4096 + 1] != ((i ^ 0xa5) & 0xff))
			bad++;
	}
	EXPECT_EQ(0ull, bad);
}

TEST_HARNESS_MAIN
