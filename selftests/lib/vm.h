/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small library for tests written against the x86 KVM ABI (<linux/kvm.h>).
 *
 * It opens the device named by $KHV_DEV (default /dev/khv), so the same test
 * binary runs on khv and, with KHV_DEV=/dev/kvm, on the real KVM.
 *
 * Typical use:
 *
 *	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
 *	struct vcpu *v = vcpu_add(vm, 0);
 *
 *	vm_load_code(vm, GUEST_CODE(hlt64));
 *	vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
 *	ASSERT_EQ(REPORT_DONE, vcpu_run_report(v)) TH_LOG("%s", vcpu_exit_str(v));
 *
 * Guests live in the guests/ directory (.S files) between GUEST16/32/64(name) and GUEST_END(name)
 * (see guests/guest.inc); GUEST_CODE(name) names such a blob here. The memory
 * layout and the reporting channel (a guest writes a code with OUT EAX to
 * REPORT_PORT) are in guest_abi.h.
 *
 * Functions that set up state a test relies on (creating the VM, mapping
 * memory, GET/SET of registers) abort with a message when the ioctl fails:
 * the harness reports the test as failed by SIGABRT. Functions a test uses to
 * probe behaviour return -errno instead (vm_set_region, vcpu_run).
 */
#ifndef _KHV_SELFTEST_VM_H
#define _KHV_SELFTEST_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "guest_abi.h"

/* Not in the uapi headers: page of kvm_run's mmap holding PIO data (x86). */
#ifndef KVM_PIO_PAGE_OFFSET
#define KVM_PIO_PAGE_OFFSET	1
#endif

#define VM_MAX_SLOTS		16

/* Device opened by the library: $KHV_DEV or /dev/khv. */
const char *vm_dev_path(void);
/* Open it (O_RDWR|O_CLOEXEC); returns the fd or -1 with errno set. */
int vm_dev_open(void);
/* True when the device is the real KVM (KHV_DEV ends in "kvm"). */
bool vm_dev_is_kvm(void);

/* Host-side record of a memslot created through the library. */
struct vm_slot {
	bool used;
	uint32_t slot;
	uint32_t flags;
	uint64_t gpa;
	uint64_t size;
	void *hva;
};

struct vm {
	int sys_fd;
	int fd;
	/* Supported CPUID + hypervisor bit, set on each vCPU (if EXT_CPUID). */
	struct kvm_cpuid2 *cpuid;
	struct vm_slot slots[VM_MAX_SLOTS];
};

struct vcpu {
	struct vm *vm;
	int fd;
	int id;
	struct kvm_run *run;
	size_t run_size;
	struct kvm_regs regs;		/* guest registers at the last report */
	int run_err;			/* errno of the last failed KVM_RUN, or 0 */
	char desc[192];
};

enum guest_mode {
	MODE_REAL,	/* CS = DS = ... = 0, 16-bit */
	MODE_PROT32,	/* flat 32-bit protected mode, paging off */
	MODE_LONG64,	/* 64-bit mode, identity-mapped low 4 GiB */
};

/* VMs and memory */
struct vm *vm_create(void);
/* vm_create() plus slot 0 = [0, size) with the GDT and page tables. */
struct vm *vm_create_with_mem(size_t size);
void vm_destroy(struct vm *vm);
/* mmap anonymous memory and make it slot @slot at @gpa; aborts on error. */
void *vm_add_slot(struct vm *vm, uint32_t slot, uint64_t gpa, size_t size, uint32_t flags);
/* Raw KVM_SET_USER_MEMORY_REGION; 0 or -errno. Updates the record on success. */
int vm_set_region(struct vm *vm, uint32_t slot, uint32_t flags, uint64_t gpa,
		  uint64_t size, void *hva);
/* Host address backing @gpa through the library's slot records, or NULL. */
void *vm_hva(struct vm *vm, uint64_t gpa);
void vm_write(struct vm *vm, uint64_t gpa, const void *src, size_t len);
/* Write GDT, PML4, PDPT and PDs into slot 0 (done by vm_create_with_mem). */
void vm_init_tables(struct vm *vm);

struct guest_code {
	const char *start;
	const char *end;
};

#define GUEST_CODE(name) ({						\
	extern const char guest_##name[], guest_##name##_end[];	\
	(struct guest_code){ guest_##name, guest_##name##_end };	\
})

/* For static tables of guests: GUEST_DECLARE(x) at file scope, then GUEST_INIT(x). */
#define GUEST_DECLARE(name)	extern const char guest_##name[], guest_##name##_end[]
#define GUEST_INIT(name)	{ guest_##name, guest_##name##_end }

/* Copy a guest to GUEST_CODE_GPA. */
void vm_load_code(struct vm *vm, struct guest_code code);

/* vCPUs */
struct vcpu *vcpu_add(struct vm *vm, int id);
void vcpu_free(struct vcpu *v);
/* Put the vCPU in @mode at @rip: SREGS, RSP, RFLAGS = IF | bit 1. */
void vcpu_set_mode(struct vcpu *v, enum guest_mode mode, uint64_t rip);
void vcpu_get_regs(struct vcpu *v, struct kvm_regs *regs);
void vcpu_set_regs(struct vcpu *v, const struct kvm_regs *regs);
void vcpu_get_sregs(struct vcpu *v, struct kvm_sregs *sregs);
void vcpu_set_sregs(struct vcpu *v, const struct kvm_sregs *sregs);

/* KVM_RUN once; 0 or -errno. */
int vcpu_run(struct vcpu *v);
/* KVM_RUN once, aborting if the ioctl fails; returns run->exit_reason. */
int vcpu_run_exit(struct vcpu *v);
/*
 * KVM_RUN once; if the guest reported (OUT EAX to REPORT_PORT), fetch its
 * registers into v->regs and return the code, else return -1 (the exit is
 * left in v->run for the test to inspect, vcpu_exit_str describes it).
 */
long vcpu_run_report(struct vcpu *v);
/* Is the current exit an I/O exit on @port in @dir of @size bytes? */
bool vcpu_is_io(struct vcpu *v, uint16_t port, uint8_t dir, uint8_t size);
/* Data of the current I/O exit (run + io.data_offset). */
void *vcpu_io_data(struct vcpu *v);
/* One-line description of the last exit, for assertion messages. */
const char *vcpu_exit_str(struct vcpu *v);
const char *exit_reason_str(uint32_t reason);

/* Number of online CPUs of the host (for the tests that need two). */
int host_nr_cpus(void);

#endif /* _KHV_SELFTEST_VM_H */
