/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qpit: firmware that counts PIT interrupts. In flat 32-bit protected mode
 * it installs an IDT gate for vector 0x20, puts the local APIC in
 * virtual-wire mode (software-enabled, LINT0 = ExtINT, as a BIOS leaves it,
 * so the 8259's output reaches the CPU), programs the 8259 pair (IRQ0 at
 * vector 0x20, everything else masked) and PIT channel 0 at 100 Hz, then
 * sleeps in HLT with interrupts on until its handler has counted 10 ticks:
 *   "qpit: ticks=0000000a"
 * With kernel-irqchip=off QEMU emulates the PIT, the PICs and the APIC and
 * injects the interrupt with KVM_INTERRUPT at an interrupt window; a VMM
 * that never delivers it leaves the guest halted (the test's timeout
 * catches that).
 */
#include "rom.h"

#define TICKS		0x500		/* dword in RAM, counted by irq0 */
#define NR_TICKS	10
#define PIT_DIVISOR	11932		/* 1193182 Hz / 11932 = 100 Hz */
#define IDT		0x1000
#define VEC		0x20
#define APIC_SVR	0xfee000f0
#define APIC_LVT0	0xfee00350
#define APIC_LVT1	0xfee00360

	.code16
	.text
	.globl _start
_start:
	cli
	xor %ax, %ax
	mov %ax, %ss
	mov $STACK_TOP, %sp
	mov %cs, %ax
	mov %ax, %ds
	cld
	SERIAL_INIT
	mov $msg_start, %si
	call puts16
	ENTER_PROT32(pm32)

	.code32
pm32:
	FLAT32_SEGS
	movl $0, TICKS
	/* Interrupt gate for VEC: ROM_LIN(irq0), code32, present, DPL 0. */
	mov $ROM_LIN(irq0), %eax
	mov %ax, IDT + VEC * 8
	movw $SEL_CODE32, IDT + VEC * 8 + 2
	movw $0x8e00, IDT + VEC * 8 + 4
	shr $16, %eax
	mov %ax, IDT + VEC * 8 + 6
	lidt ROM_LIN(idtr)

	movl $0x1ff, APIC_SVR		/* APIC on, spurious vector 0xff */
	movl $0x700, APIC_LVT0		/* ExtINT: the 8259's INTR */
	movl $0x400, APIC_LVT1		/* NMI */

	/* ICW1-4: edge, cascade, vectors 0x20 / 0x28, slave on IR2, 8086. */
	mov $0x11, %al
	out %al, $0x20
	out %al, $0xa0
	mov $VEC, %al
	out %al, $0x21
	mov $(VEC + 8), %al
	out %al, $0xa1
	mov $0x04, %al
	out %al, $0x21
	mov $0x02, %al
	out %al, $0xa1
	mov $0x01, %al
	out %al, $0x21
	out %al, $0xa1
	mov $0xfe, %al			/* OCW1: only IRQ0 */
	out %al, $0x21
	mov $0xff, %al
	out %al, $0xa1

	/* Channel 0, lobyte/hibyte, mode 2 (rate generator). */
	mov $0x34, %al
	out %al, $0x43
	mov $(PIT_DIVISOR & 0xff), %al
	out %al, $0x40
	mov $(PIT_DIVISOR >> 8), %al
	out %al, $0x40

	sti
1:	hlt
	cmpl $NR_TICKS, TICKS
	jb 1b
	cli
	mov $ROM_LIN(msg_ticks), %esi
	call puts_flat32
	mov TICKS, %eax
	call puthex_flat32
	mov $'\n', %al
	SERIAL_PUTC
	EXIT_FLAT(PASS_VAL)

/*
 * The tick that reaches NR_TICKS returns with IF = 0: on a slow host (the
 * debug kernel) the next tick can be pending at every IRET, and the guest
 * would take it before it ever got back to its count check.
 */
irq0:
	push %eax
	incl TICKS
	mov $0x20, %al			/* non-specific EOI */
	out %al, $0x20
	cmpl $NR_TICKS, TICKS
	jb 1f
	andl $~0x200, 12(%esp)		/* EFLAGS.IF in the IRET frame */
1:	pop %eax
	iret

	.balign 8
idtr:
	.word VEC * 8 + 7
	.long IDT

msg_start:	.asciz "qpit: PIT at 100 Hz, counting IRQ0\n"
msg_ticks:	.asciz "qpit: ticks="

#include "flat32.inc"
#include "flat.inc"
#include "rom16.inc"
