/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The smallest VMM khv-bench needs, on the x86 KVM ABI: one VM with one
 * vCPU in 32-bit protected mode running the benchmark guest (guest.S), and
 * a command channel to it (bench_abi.h).
 *
 * Functions return 0 or -1; on -1, vm->err says what failed in words fit
 * for the "n/a" column (which ioctl and errno, or which unexpected exit).
 */
#ifndef _KHV_BENCH_VM_H
#define _KHV_BENCH_VM_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

struct bvm {
	int sys_fd;		/* the device, owned by the caller */
	int fd;			/* VM */
	int vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *mem;		/* slot 0, BENCH_MEM_SIZE, owned by the caller */
	char err[200];
};

/* What one command measured. */
struct bvm_result {
	uint64_t tsc;		/* guest TSC after the loop minus before */
	uint64_t ns;		/* host CLOCK_MONOTONIC across the KVM_RUNs */
	uint32_t io_exits;	/* KVM_EXIT_IO on BENCH_PORT_WORK */
	uint32_t mmio_exits;	/* KVM_EXIT_MMIO */
	uint32_t hlt_exits;	/* KVM_EXIT_HLT */
};

uint64_t bench_now_ns(void);

/* Guest memory for slot 0: mapped, populated, GDT, IDT and code written. */
uint8_t *bvm_alloc_mem(void);
void bvm_free_mem(uint8_t *mem);

/*
 * KVM_CREATE_VM, slot 0 = @mem, vCPU 0 and its kvm_run mapping, registers
 * at the guest's entry. Nothing runs yet.
 */
int bvm_create(struct bvm *vm, int sys_fd, uint8_t *mem);
/* Another memslot, for the fault-in region. */
int bvm_add_slot(struct bvm *vm, uint32_t slot, uint64_t gpa, uint64_t size,
		 void *hva);
/* Run until the guest first waits for a command (its first instruction). */
int bvm_run_to_ready(struct bvm *vm);
/* Give the guest a command and run until it waits again. */
int bvm_cmd(struct bvm *vm, uint32_t cmd, uint32_t iters, uint32_t arg,
	    struct bvm_result *res);
/* Close the vCPU and VM fds; @mem stays with the caller. */
void bvm_destroy(struct bvm *vm);

#endif /* _KHV_BENCH_VM_H */
