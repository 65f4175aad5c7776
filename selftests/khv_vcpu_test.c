// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU fd: its mmap, KVM_RUN's argument, GET/SET_REGS and SREGS round
 * trips and refusals, immediate_exit, signals during KVM_RUN and ioctls that
 * belong to other fds.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vm.h"

FIXTURE(vcpufd) {
	struct vm *vm;
	struct vcpu *v;
};

FIXTURE_SETUP(vcpufd)
{
	self->vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	self->v = vcpu_add(self->vm, 0);
}

FIXTURE_TEARDOWN(vcpufd)
{
	vcpu_free(self->v);
	vm_destroy(self->vm);
}

/* A second mapping of kvm_run is the same page as the library's. */
TEST_F(vcpufd, mmap_shares_kvm_run)
{
	struct kvm_run *run2;

	run2 = mmap(NULL, self->v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		    self->v->fd, 0);
	ASSERT_NE(MAP_FAILED, run2);
	vm_load_code(self->vm, GUEST_CODE(hlt64));
	vcpu_set_mode(self->v, MODE_LONG64, GUEST_CODE_GPA);
	ASSERT_EQ(KVM_EXIT_HLT, vcpu_run_exit(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
	EXPECT_EQ(KVM_EXIT_HLT, (int)run2->exit_reason);
	run2->immediate_exit = 1;
	EXPECT_EQ(1, self->v->run->immediate_exit);
	munmap(run2, self->v->run_size);
}

/* The PIO data page can be mapped on its own at KVM_PIO_PAGE_OFFSET. */
TEST_F(vcpufd, mmap_pio_page_alone)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, self->v->fd,
		 KVM_PIO_PAGE_OFFSET * page);
	ASSERT_NE(MAP_FAILED, p) TH_LOG("%s", strerror(errno));
	munmap(p, page);
}

TEST_F(vcpufd, run_rejects_argument)
{
	EXPECT_EQ(-1, ioctl(self->v->fd, KVM_RUN, 1));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(vcpufd, regs_round_trip)
{
	struct kvm_regs in, out;
	uint64_t *p = (uint64_t *)&in;
	unsigned int i;

	/* Distinct values in every register, upper halves included. */
	for (i = 0; i < sizeof(in) / 8; i++)
		p[i] = 0x1111111111111111ULL * (i % 15 + 1) + i;
	in.rip = 0x123456789a;
	in.rflags = 0x2 | 0x1 | 0x4 | 0x40 | 0x80 | 0x200 | 0x800;	/* CF PF ZF SF IF OF */
	vcpu_set_regs(self->v, &in);
	vcpu_get_regs(self->v, &out);
	EXPECT_EQ(0, memcmp(&in, &out, sizeof(in)));
}

/* RFLAGS bit 1 is fixed to 1; SET_REGS sets it whatever it is given. */
TEST_F(vcpufd, rflags_reserved_bit1_forced)
{
	struct kvm_regs regs;

	vcpu_get_regs(self->v, &regs);
	regs.rflags = 0;
	vcpu_set_regs(self->v, &regs);
	vcpu_get_regs(self->v, &regs);
	EXPECT_EQ(0x2ULL, regs.rflags);
}

static void expect_seg_eq(struct __test_metadata *_metadata, const char *ctx,
			  const char *name, const struct kvm_segment *a,
			  const struct kvm_segment *b)
{
	EXPECT_EQ(a->base, b->base) TH_LOG("%s: %s", ctx, name);
	EXPECT_EQ(a->limit, b->limit) TH_LOG("%s: %s", ctx, name);
	EXPECT_EQ(a->selector, b->selector) TH_LOG("%s: %s", ctx, name);
	EXPECT_EQ(a->type, b->type) TH_LOG("%s: %s", ctx, name);
	EXPECT_EQ(a->present, b->present) TH_LOG("%s: %s", ctx, name);
	EXPECT_EQ(a->dpl, b->dpl) TH_LOG("%s: %s", ctx, name);
	EXPECT_EQ(a->db, b->db) TH_LOG("%s: %s", ctx, name);
	EXPECT_EQ(a->s, b->s) TH_LOG("%s: %s", ctx, name);
	EXPECT_EQ(a->l, b->l) TH_LOG("%s: %s", ctx, name);
	EXPECT_EQ(a->g, b->g) TH_LOG("%s: %s", ctx, name);
}

static void expect_sregs_eq(struct __test_metadata *_metadata, const char *ctx,
			    const struct kvm_sregs *a, const struct kvm_sregs *b)
{
	expect_seg_eq(_metadata, ctx, "cs", &a->cs, &b->cs);
	expect_seg_eq(_metadata, ctx, "ds", &a->ds, &b->ds);
	expect_seg_eq(_metadata, ctx, "es", &a->es, &b->es);
	expect_seg_eq(_metadata, ctx, "fs", &a->fs, &b->fs);
	expect_seg_eq(_metadata, ctx, "gs", &a->gs, &b->gs);
	expect_seg_eq(_metadata, ctx, "ss", &a->ss, &b->ss);
	expect_seg_eq(_metadata, ctx, "tr", &a->tr, &b->tr);
	EXPECT_EQ(a->gdt.base, b->gdt.base) TH_LOG("%s", ctx);
	EXPECT_EQ(a->gdt.limit, b->gdt.limit) TH_LOG("%s", ctx);
	EXPECT_EQ(a->idt.base, b->idt.base) TH_LOG("%s", ctx);
	EXPECT_EQ(a->idt.limit, b->idt.limit) TH_LOG("%s", ctx);
	EXPECT_EQ(a->cr0, b->cr0) TH_LOG("%s", ctx);
	EXPECT_EQ(a->cr2, b->cr2) TH_LOG("%s", ctx);
	EXPECT_EQ(a->cr3, b->cr3) TH_LOG("%s", ctx);
	EXPECT_EQ(a->cr4, b->cr4) TH_LOG("%s", ctx);
	EXPECT_EQ(a->efer, b->efer) TH_LOG("%s", ctx);
	EXPECT_EQ(a->apic_base, b->apic_base) TH_LOG("%s", ctx);
}

/* Each mode's SREGS (set by the library) read back unchanged. */
TEST_F(vcpufd, sregs_round_trip)
{
	static const enum guest_mode modes[] = { MODE_PROT32, MODE_LONG64, MODE_REAL };
	static const char * const names[] = { "32-bit", "64-bit", "real mode" };
	struct kvm_sregs want, got;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		vcpu_set_mode(self->v, modes[i], GUEST_CODE_GPA);
		vcpu_get_sregs(self->v, &want);
		/* Values no mode uses, to see them stored as given. */
		want.cr2 = 0xdead000 + i;
		want.gdt.base = 0x1234000 + i;
		want.idt.limit = 0xfff;
		want.fs.base = 0xabc000 + i;
		vcpu_set_sregs(self->v, &want);
		vcpu_get_sregs(self->v, &got);
		expect_sregs_eq(_metadata, names[i], &want, &got);
	}
}

struct bad_sregs {
	const char *what;
	uint64_t cr0, cr3, cr4, efer;
	int cs_l;
};

/*
 * Combinations the CPU cannot be in, refused by SET_SREGS with EINVAL and
 * leaving the state as it was. 0x80000011 = PG|ET|PE, 0x20 = CR4.PAE,
 * 0x500 = EFER.LMA|LME.
 */
TEST_F(vcpufd, sregs_invalid_refused)
{
	static const struct bad_sregs bad[] = {
		{ "EFER.LMA without paging", 0x11, 0, 0x20, 0x500, 0 },
		{ "CS.L outside long mode", 0x11, 0, 0, 0, 1 },
		{ "long mode without CR4.PAE", 0x80000011, 0x1000, 0, 0x500, 1 },
		{ "long mode without EFER.LMA", 0x80000011, 0x1000, 0x20, 0x100, 1 },
		{ "CR0.PG without CR0.PE", 0x80000010, 0, 0, 0, 0 },
		{ "CR0.NW without CR0.CD", 0x20000011, 0, 0, 0, 0 },
		{ "CR0 bit 32", 0x100000011ULL, 0, 0, 0, 0 },
		{ "CR4 reserved bit 15", 0x11, 0, 1 << 15, 0, 0 },
		{ "CR4 bit 63", 0x11, 0, 1ULL << 63, 0, 0 },
		{ "EFER reserved bit 2", 0x11, 0, 0, 1 << 2, 0 },
		{ "EFER bit 63", 0x11, 0, 0, 1ULL << 63, 0 },
		{ "CR3 beyond MAXPHYADDR in long mode", 0x80000011, 1ULL << 62, 0x20, 0x500, 1 },
	};
	struct kvm_sregs before, sr, after;
	unsigned int i;

	vcpu_set_mode(self->v, MODE_LONG64, GUEST_CODE_GPA);
	vcpu_get_sregs(self->v, &before);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		sr = before;
		sr.cr0 = bad[i].cr0;
		sr.cr3 = bad[i].cr3;
		sr.cr4 = bad[i].cr4;
		sr.efer = bad[i].efer;
		sr.cs.l = bad[i].cs_l;
		if (!sr.cs.l)
			sr.cs.db = 1;
		EXPECT_EQ(-1, ioctl(self->v->fd, KVM_SET_SREGS, &sr)) TH_LOG("%s", bad[i].what);
		EXPECT_EQ(EINVAL, errno) TH_LOG("%s", bad[i].what);
		vcpu_get_sregs(self->v, &after);
		expect_sregs_eq(_metadata, bad[i].what, &before, &after);
	}
}

/*
 * CR4.PCIDE outside IA-32e mode: only MOV to CR4 refuses it (SDM Vol. 3A,
 * 4.10.1); KVM_SET_SREGS takes it, as KVM's upstream set_sregs_test expects
 * of a vCPU in its reset state, and GET_SREGS gives it back.
 */
TEST_F(vcpufd, sregs_pcide_outside_long_mode)
{
	struct kvm_sregs sr, got;
	unsigned int i;
	bool pcid = false;

	for (i = 0; self->vm->cpuid && i < self->vm->cpuid->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &self->vm->cpuid->entries[i];

		if (e->function == 1)
			pcid = e->ecx & (1u << 17);
	}
	if (!pcid)
		SKIP(return, "no PCID in the supported CPUID");
	vcpu_get_sregs(self->v, &sr);
	ASSERT_EQ(0ULL, sr.efer & 0x400);
	sr.cr4 |= 1u << 17;
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_SET_SREGS, &sr));
	vcpu_get_sregs(self->v, &got);
	EXPECT_EQ(sr.cr4, got.cr4);
}

TEST_F(vcpufd, bad_pointers_fault)
{
	void *bad = (void *)0x10;

	EXPECT_EQ(-1, ioctl(self->v->fd, KVM_GET_REGS, bad));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->v->fd, KVM_SET_REGS, bad));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->v->fd, KVM_GET_SREGS, bad));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->v->fd, KVM_SET_SREGS, bad));
	EXPECT_EQ(EFAULT, errno);
}

/*
 * immediate_exit: RUN returns EINTR at once, the guest does not run. KVM
 * leaves exit_reason as it was; KVM_EXIT_INTR would do no harm either.
 */
TEST_F(vcpufd, immediate_exit)
{
	struct kvm_regs regs;

	vm_load_code(self->vm, GUEST_CODE(hlt64));
	vcpu_set_mode(self->v, MODE_LONG64, GUEST_CODE_GPA);
	self->v->run->exit_reason = KVM_EXIT_UNKNOWN;
	self->v->run->immediate_exit = 1;
	EXPECT_EQ(-EINTR, vcpu_run(self->v));
	EXPECT_TRUE(self->v->run->exit_reason == KVM_EXIT_UNKNOWN ||
		    self->v->run->exit_reason == KVM_EXIT_INTR)
		TH_LOG("exit_reason %u", self->v->run->exit_reason);
	vcpu_get_regs(self->v, &regs);
	EXPECT_EQ(GUEST_CODE_GPA, regs.rip);
	/* Cleared, the guest runs. */
	self->v->run->immediate_exit = 0;
	EXPECT_EQ(KVM_EXIT_HLT, vcpu_run_exit(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
}

/*
 * api.rst, KVM_RUN: a pending I/O is completed on the next KVM_RUN before
 * immediate_exit is looked at, "to complete pending operations without
 * allowing any further instructions to be executed".
 */
TEST_F(vcpufd, immediate_exit_completes_pending_in)
{
	struct kvm_regs regs;

	vm_load_code(self->vm, GUEST_CODE(pio_in64));
	vcpu_set_mode(self->v, MODE_LONG64, GUEST_CODE_GPA);
	ASSERT_EQ(KVM_EXIT_IO, vcpu_run_exit(self->v));
	ASSERT_TRUE(vcpu_is_io(self->v, 0x20, KVM_EXIT_IO_IN, 1)) TH_LOG("%s",
									 vcpu_exit_str(self->v));
	*(uint8_t *)vcpu_io_data(self->v) = 0xab;
	self->v->run->immediate_exit = 1;
	EXPECT_EQ(-EINTR, vcpu_run(self->v));
	vcpu_get_regs(self->v, &regs);
	/* mov $imm32, %eax (5 bytes) then in $0x20, %al (2 bytes) */
	EXPECT_EQ(0x112233abULL, regs.rax);
	EXPECT_EQ(GUEST_CODE_GPA + 7, regs.rip);
	self->v->run->immediate_exit = 0;
	ASSERT_EQ(KVM_EXIT_IO, vcpu_run_exit(self->v));
	EXPECT_TRUE(vcpu_is_io(self->v, 0x22, KVM_EXIT_IO_IN, 2)) TH_LOG("%s",
									 vcpu_exit_str(self->v));
}

struct runner {
	struct vcpu *v;
	int ret;
	int err;
	uint32_t exit_reason;
	int done;
};

static void *run_once(void *arg)
{
	struct runner *r = arg;

	r->ret = ioctl(r->v->fd, KVM_RUN, 0);
	r->err = errno;
	r->exit_reason = r->v->run->exit_reason;
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void on_sigusr1(int sig)
{
}

/* Kick the thread until its KVM_RUN returns; false after ~20 s. */
static bool kick_until_done(pthread_t t, struct runner *r)
{
	int i;

	for (i = 0; i < 1000; i++) {
		if (__atomic_load_n(&r->done, __ATOMIC_ACQUIRE))
			return true;
		pthread_kill(t, SIGUSR1);
		usleep(20000);
	}
	return __atomic_load_n(&r->done, __ATOMIC_ACQUIRE);
}

/* A signal for the thread in KVM_RUN ends it: EINTR, KVM_EXIT_INTR. */
TEST_F(vcpufd, signal_interrupts_run)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	struct runner r = { .v = self->v };
	struct kvm_regs regs;
	pthread_t t;
	int round;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	vm_load_code(self->vm, GUEST_CODE(spin64));
	vcpu_set_mode(self->v, MODE_LONG64, GUEST_CODE_GPA);
	/* Twice: the vCPU stays usable after an interrupted run. */
	for (round = 0; round < 2; round++) {
		r.done = 0;
		ASSERT_EQ(0, pthread_create(&t, NULL, run_once, &r));
		ASSERT_TRUE(kick_until_done(t, &r)) TH_LOG("KVM_RUN did not return");
		pthread_join(t, NULL);
		EXPECT_EQ(-1, r.ret);
		EXPECT_EQ(EINTR, r.err);
		EXPECT_EQ(KVM_EXIT_INTR, (int)r.exit_reason);
		vcpu_get_regs(self->v, &regs);
		/* Still in the 2-byte loop. */
		EXPECT_EQ(GUEST_CODE_GPA, regs.rip);
	}
}

/* Ioctls of the system and VM fds on a vCPU fd: EINVAL, as on KVM. */
TEST_F(vcpufd, wrong_fd_type_ioctls)
{
	struct kvm_userspace_memory_region r = { .slot = 1, .memory_size = 4096 };
	int fd = self->v->fd;

	EXPECT_EQ(-1, ioctl(fd, KVM_GET_API_VERSION, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, KVM_CREATE_VM, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, KVM_GET_VCPU_MMAP_SIZE, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, KVM_CREATE_VCPU, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, KVM_SET_USER_MEMORY_REGION, &r));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, _IO(KVMIO, 0xff), 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, _IO(0xb9, 0x01), 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST_HARNESS_MAIN
