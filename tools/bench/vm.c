// SPDX-License-Identifier: GPL-2.0
/*
 * khv-bench's VMM: see vm.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "bench_abi.h"
#include "vm.h"

extern const uint8_t bench_guest[], bench_guest_exc[], bench_guest_end[];

#define CR0_PE		(1u << 0)
#define CR0_MP		(1u << 1)
#define CR0_ET		(1u << 4)
#define CR0_NE		(1u << 5)
#define RFLAGS_FIXED	(1u << 1)
#define RFLAGS_IF	(1u << 9)

/* Flat 4 GiB descriptors (SDM Vol. 3A, 3.4.5): code RX, data RW, 32-bit. */
#define GDT_CODE32	0x00cf9b000000ffffULL
#define GDT_DATA32	0x00cf93000000ffffULL

/* Do not let one misbehaving guest spin the run loop forever. */
#define BVM_MAX_EXTRA_EXITS	64

static const char * const exc_names[] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO",
	"#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM",
	"#VE", "#CP",
};

/* Say why in vm->err and fail; snprintf checks the format. */
#define bvm_fail(vm, ...) \
	(snprintf((vm)->err, sizeof((vm)->err), __VA_ARGS__), -1)

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

uint8_t *bvm_alloc_mem(void)
{
	uint64_t *gdt, *idt;
	uint8_t *mem;
	size_t code = bench_guest_end - bench_guest;
	unsigned int i;

	if (code > BENCH_CODE_MAX)
		return NULL;
	mem = mmap(NULL, BENCH_MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED)
		return NULL;
	/* Populated: host page faults stay out of every figure. */
	memset(mem, 0, BENCH_MEM_SIZE);

	gdt = (uint64_t *)(mem + BENCH_GDT_GPA);
	gdt[BENCH_SEL_CODE / 8] = GDT_CODE32;
	gdt[BENCH_SEL_DATA / 8] = GDT_DATA32;

	/* 32-bit interrupt gates, present, DPL 0 (SDM Vol. 3A, 6.11). */
	idt = (uint64_t *)(mem + BENCH_IDT_GPA);
	for (i = 0; i < BENCH_IDT_VECTORS; i++) {
		uint32_t off = BENCH_CODE_GPA + (bench_guest_exc - bench_guest) +
			       i * BENCH_STUB_SIZE;

		idt[i] = (off & 0xffffULL) | ((uint64_t)BENCH_SEL_CODE << 16) |
			 (0x8eULL << 40) | ((uint64_t)(off >> 16) << 48);
	}
	memcpy(mem + BENCH_CODE_GPA, bench_guest, code);
	return mem;
}

void bvm_free_mem(uint8_t *mem)
{
	if (mem)
		munmap(mem, BENCH_MEM_SIZE);
}

int bvm_add_slot(struct bvm *vm, uint32_t slot, uint64_t gpa, uint64_t size,
		 void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r))
		return bvm_fail(vm, "KVM_SET_USER_MEMORY_REGION slot %u: %s",
				slot, strerror(errno));
	return 0;
}

static struct kvm_segment bvm_flat_seg(uint16_t sel, uint8_t type)
{
	return (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .s = 1, .db = 1, .g = 1,
	};
}

static int bvm_set_entry_state(struct bvm *vm)
{
	struct kvm_sregs sr;
	struct kvm_regs regs = {
		.rip = BENCH_CODE_GPA,
		.rsp = BENCH_STACK_TOP,
		.rdx = BENCH_PORT_DONE,
		/* IF=1: Bochs starves the host while a guest spins with IF=0. */
		.rflags = RFLAGS_FIXED | RFLAGS_IF,
	};

	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sr))
		return bvm_fail(vm, "KVM_GET_SREGS: %s", strerror(errno));
	sr.cs = bvm_flat_seg(BENCH_SEL_CODE, 0xb);
	sr.ds = sr.es = sr.fs = sr.gs = sr.ss = bvm_flat_seg(BENCH_SEL_DATA, 0x3);
	sr.gdt.base = BENCH_GDT_GPA;
	sr.gdt.limit = 3 * 8 - 1;
	sr.idt.base = BENCH_IDT_GPA;
	sr.idt.limit = BENCH_IDT_VECTORS * 8 - 1;
	sr.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE;
	sr.cr4 = 0;
	sr.efer = 0;
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sr))
		return bvm_fail(vm, "KVM_SET_SREGS: %s", strerror(errno));
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs))
		return bvm_fail(vm, "KVM_SET_REGS: %s", strerror(errno));
	return 0;
}

int bvm_create(struct bvm *vm, int sys_fd, uint8_t *mem)
{
	int size;

	*vm = (struct bvm){ .sys_fd = sys_fd, .fd = -1, .vcpu_fd = -1, .mem = mem };
	vm->fd = ioctl(sys_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		return bvm_fail(vm, "KVM_CREATE_VM: %s", strerror(errno));
	if (bvm_add_slot(vm, 0, 0, BENCH_MEM_SIZE, mem))
		return -1;
	vm->vcpu_fd = ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		return bvm_fail(vm, "KVM_CREATE_VCPU: %s", strerror(errno));
	size = ioctl(sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run))
		return bvm_fail(vm, "KVM_GET_VCPU_MMAP_SIZE = %d", size);
	vm->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED) {
		vm->run = NULL;
		return bvm_fail(vm, "mmap of kvm_run: %s", strerror(errno));
	}
	vm->run_size = size;
	return bvm_set_entry_state(vm);
}

void bvm_destroy(struct bvm *vm)
{
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->fd >= 0)
		close(vm->fd);
	vm->run = NULL;
	vm->vcpu_fd = vm->fd = -1;
}

/* The exit in vm->run, in words, for an n/a reason. */
static int bvm_unexpected_exit(struct bvm *vm)
{
	struct kvm_run *run = vm->run;
	uint32_t vec;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		if (run->io.port == BENCH_PORT_EXC && run->io.size == 4 &&
		    run->io.data_offset <= vm->run_size - 4) {
			memcpy(&vec, (uint8_t *)run + run->io.data_offset, 4);
			return bvm_fail(vm, "the guest got exception %s (vector %u)",
					vec < ARRAY_SIZE(exc_names) ?
					exc_names[vec] : "?", vec);
		}
		return bvm_fail(vm, "unexpected KVM_EXIT_IO port %#x", run->io.port);
	case KVM_EXIT_MMIO:
		return bvm_fail(vm, "unexpected KVM_EXIT_MMIO at %#llx",
				(unsigned long long)run->mmio.phys_addr);
	case KVM_EXIT_SHUTDOWN:
		return bvm_fail(vm, "KVM_EXIT_SHUTDOWN (triple fault)");
	case KVM_EXIT_FAIL_ENTRY:
		return bvm_fail(vm, "KVM_EXIT_FAIL_ENTRY, reason %#llx",
				(unsigned long long)
				run->fail_entry.hardware_entry_failure_reason);
	case KVM_EXIT_INTERNAL_ERROR:
		return bvm_fail(vm, "KVM_EXIT_INTERNAL_ERROR suberror %u%s, data %#llx %#llx",
				run->internal.suberror,
				run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION ?
				" (EMULATION)" : "",
				(unsigned long long)(run->internal.ndata > 0 ?
						     run->internal.data[0] : 0),
				(unsigned long long)(run->internal.ndata > 1 ?
						     run->internal.data[1] : 0));
	default:
		return bvm_fail(vm, "unexpected exit reason %u", run->exit_reason);
	}
}

/*
 * KVM_RUN until the guest writes to BENCH_PORT_DONE, serving the exits a
 * benchmark makes on purpose; any other exit ends the command with an error.
 */
static int bvm_run_until_done(struct bvm *vm, uint32_t expected,
			      struct bvm_result *res)
{
	struct kvm_run *run = vm->run;
	uint32_t exits = 0;

	for (;;) {
		if (ioctl(vm->vcpu_fd, KVM_RUN, 0)) {
			if (errno == EINTR)
				continue;
			return bvm_fail(vm, "KVM_RUN: %s", strerror(errno));
		}
		if (run->exit_reason == KVM_EXIT_IO &&
		    run->io.direction == KVM_EXIT_IO_OUT) {
			if (run->io.port == BENCH_PORT_DONE)
				return 0;
			if (run->io.port == BENCH_PORT_WORK) {
				res->io_exits++;
				goto next;
			}
		}
		if (run->exit_reason == KVM_EXIT_MMIO) {
			/* Reads get zeroes; the guest ignores the value. */
			if (!run->mmio.is_write)
				memset(run->mmio.data, 0, sizeof(run->mmio.data));
			res->mmio_exits++;
			goto next;
		}
		if (run->exit_reason == KVM_EXIT_HLT) {
			/* The next KVM_RUN resumes after the HLT. */
			res->hlt_exits++;
			goto next;
		}
		if (run->exit_reason == KVM_EXIT_INTR)
			continue;
		return bvm_unexpected_exit(vm);
next:
		if (++exits > expected + BVM_MAX_EXTRA_EXITS)
			return bvm_fail(vm, "more than %u exits to userspace",
					expected + BVM_MAX_EXTRA_EXITS);
	}
}

int bvm_run_to_ready(struct bvm *vm)
{
	struct bvm_result res = { 0 };

	return bvm_run_until_done(vm, 0, &res);
}

int bvm_cmd(struct bvm *vm, uint32_t cmd, uint32_t iters, uint32_t arg,
	    struct bvm_result *res)
{
	/*
	 * The guest reads and writes the mailbox only inside KVM_RUN, an
	 * opaque call for the compiler: plain accesses are ordered by it.
	 */
	uint32_t *mbox = (uint32_t *)(vm->mem + BENCH_MBOX_GPA);
	uint64_t *t0 = (uint64_t *)(vm->mem + BENCH_MBOX_GPA + MBOX_T0);
	uint64_t *t1 = (uint64_t *)(vm->mem + BENCH_MBOX_GPA + MBOX_T1);
	uint64_t start;

	*res = (struct bvm_result){ 0 };
	if (!iters)
		return bvm_fail(vm, "a command needs at least one iteration");
	mbox[MBOX_CMD / 4] = cmd;
	mbox[MBOX_ITERS / 4] = iters;
	mbox[MBOX_ARG / 4] = arg;
	*t0 = 0;
	*t1 = 0;

	start = bench_now_ns();
	if (bvm_run_until_done(vm, iters, res))
		return -1;
	res->ns = bench_now_ns() - start;
	if (!*t1 || *t1 < *t0)
		return bvm_fail(vm, "the guest reported no TSC interval");
	res->tsc = *t1 - *t0;
	return 0;
}
