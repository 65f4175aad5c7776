/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a test guest and its test agree on: where things sit in guest memory,
 * the GDT selectors and the ports of the reporting channel. Plain #defines,
 * so the guests (the .S files in guests/) and the C library share this one file.
 *
 * Guest physical layout of slot 0 (GPA 0, VM_BASE_MEM_SIZE bytes):
 *
 *   0x0500  GDT (null, code32, data32, code64, code16, data16)
 *   0x1000  PML4      \
 *   0x2000  PDPT       > identity map of the low 4 GiB with 2 MiB pages,
 *   0x3000  4 PDs     /  written by the library for long-mode guests
 *   0x7000  stack (grows down from 0x8000)
 *   0x8000  guest code (16 KiB)
 *   0xc000  data page shared with the test (16 KiB)
 *
 * Everything is below 64 KiB so real-mode guests reach it with all segment
 * bases 0, and code and data have the same address in every mode.
 */
#ifndef _KHV_SELFTEST_GUEST_ABI_H
#define _KHV_SELFTEST_GUEST_ABI_H

/* Addresses are unsigned 64-bit in C, to compare with kvm_regs fields. */
#ifdef __ASSEMBLER__
#define GUEST_U64(x)		x
#else
#define GUEST_U64(x)		x##ULL
#endif

#define GUEST_GDT_GPA		GUEST_U64(0x0500)
#define GUEST_PML4_GPA		GUEST_U64(0x1000)
#define GUEST_PDPT_GPA		GUEST_U64(0x2000)
#define GUEST_PD_GPA		GUEST_U64(0x3000)
#define GUEST_STACK_TOP		GUEST_U64(0x8000)
#define GUEST_CODE_GPA		GUEST_U64(0x8000)
#define GUEST_CODE_SIZE		GUEST_U64(0x4000)
#define GUEST_DATA_GPA		GUEST_U64(0xc000)
#define GUEST_DATA_SIZE		GUEST_U64(0x4000)

/* Default size of slot 0; tests add their own slots above it. */
#define VM_BASE_MEM_SIZE	GUEST_U64(0x100000)

/* GDT selectors (GUEST_GDT_GPA); SET_SREGS loads the same descriptors. */
#define SEL_CODE32		0x08
#define SEL_DATA32		0x10
#define SEL_CODE64		0x18
#define SEL_CODE16		0x20
#define SEL_DATA16		0x28
#define GUEST_GDT_ENTRIES	6

/*
 * The reporting channel: the guest writes a 32-bit code with OUT EAX to
 * REPORT_PORT; any other register it wants to pass is read by the test with
 * KVM_GET_REGS at that exit. The library (vcpu_run_report) does both.
 */
#define REPORT_PORT		0x00e0
#define REPORT_DONE		0x0000600d	/* guest finished, all fine */
#define REPORT_FAIL		0x00000bad	/* RBX: which check, RCX: value */
#define REPORT_VALUE		0x0000ca11	/* RCX: a value for the test */

/* guests/smp.S count64: OUT EAX = vCPU << 16 | iteration to this port. */
#define COUNT_PORT		0x0050

/* Mailbox at GUEST_DATA_GPA read by the "memory access" guest (mem.S). */
#define MBOX_OP			0x00	/* u64: MBOX_READ or MBOX_WRITE */
#define MBOX_ADDR		0x08	/* u64: guest physical address */
#define MBOX_VAL		0x10	/* u64: value written (low 32 bits) */
#define MBOX_READ		0
#define MBOX_WRITE		1

#endif /* _KHV_SELFTEST_GUEST_ABI_H */
