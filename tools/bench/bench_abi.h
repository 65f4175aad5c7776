/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What khv-bench and its guest (guest.S) agree on: guest-physical layout,
 * ports and the mailbox through which the program gives the guest a
 * command and the guest returns its TSC readings. Plain #defines, shared by
 * C and assembly.
 *
 * Slot 0 (GPA 0, BENCH_MEM_SIZE), 32-bit protected mode, paging off:
 *
 *   0x0500  GDT: null, flat code (0x08), flat data (0x10)
 *   0x0600  IDT: 32 interrupt gates, one stub per exception vector
 *   0x1000  mailbox
 *   0x8000  stack top (grows down)
 *   0x8000  guest code
 *
 * The fault-in region is slot 1 at BENCH_FAULT_GPA; BENCH_MMIO_GPA is in
 * no slot, so accesses to it exit to the program as KVM_EXIT_MMIO.
 */
#ifndef _KHV_BENCH_ABI_H
#define _KHV_BENCH_ABI_H

#define BENCH_MEM_SIZE		0x100000
#define BENCH_GDT_GPA		0x0500
#define BENCH_IDT_GPA		0x0600
#define BENCH_IDT_VECTORS	32
#define BENCH_MBOX_GPA		0x1000
#define BENCH_STACK_TOP		0x8000
#define BENCH_CODE_GPA		0x8000
#define BENCH_CODE_MAX		0x4000
#define BENCH_FAULT_GPA		0x1000000
#define BENCH_MMIO_GPA		0xd0000000

#define BENCH_SEL_CODE		0x08
#define BENCH_SEL_DATA		0x10

/* Exception stubs are this many bytes apart (guest.S). */
#define BENCH_STUB_SIZE		8

/*
 * Ports. DONE: the guest finished a command (or just started) and waits for
 * the next one. WORK: the port of the OUT round-trip benchmark. EXC: an
 * exception stub reports its vector in EAX.
 */
#define BENCH_PORT_DONE		0x00e0
#define BENCH_PORT_WORK		0x00e4
#define BENCH_PORT_EXC		0x00e8

/* Mailbox offsets (u32 unless noted). */
#define MBOX_CMD		0x00
#define MBOX_ITERS		0x04
#define MBOX_ARG		0x08
#define MBOX_T0			0x10	/* u64: TSC before the loop */
#define MBOX_T1			0x18	/* u64: TSC after the loop */

/* Commands: each runs a loop of MBOX_ITERS iterations between T0 and T1. */
#define CMD_NOP			0	/* empty loop: the loop's own cost */
#define CMD_CPUID		1	/* CPUID leaf 0 */
#define CMD_VMCALL		2	/* VMCALL, EAX = BENCH_HC_NR */
#define CMD_RDMSR		3	/* RDMSR of MSR ARG */
#define CMD_PIO_OUT		4	/* OUT to BENCH_PORT_WORK */
#define CMD_MMIO_WRITE		5	/* 32-bit store to GPA ARG */
#define CMD_MMIO_READ		6	/* 32-bit load from GPA ARG */
#define CMD_TOUCH		7	/* one store per 4 KiB page from GPA ARG */
#define CMD_COMPUTE		8	/* bench_compute_step, ITERS times */
#define CMD_HLT			9	/* HLT: each one ends in KVM_EXIT_HLT */

/* No hypercall has this number: KVM answers -KVM_ENOSYS in the kernel. */
#define BENCH_HC_NR		0xbe7c

#endif /* _KHV_BENCH_ABI_H */
