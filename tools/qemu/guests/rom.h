/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Firmware images for QEMU (-bios FILE): 64 KiB, linked at offset 0 of the
 * image. QEMU maps the image below 4 GiB and its copy at 0xf0000-0xfffff
 * (the ISA BIOS range), and a vCPU starts at the reset vector 0xfffffff0 in
 * real mode; rom_reset (below) jumps from there to F000:_start, so 16-bit
 * code runs with CS = ROM_SEG and labels are offsets in the segment. 32-
 * and 64-bit code reaches the image at ROM_LIN(label).
 *
 * Devices used: COM1 (8250/16550 at 0x3f8), isa-debug-exit at 0xf4 (QEMU
 * exits with status (value << 1) | 1; absent on microvm, where the guest
 * then ends with a triple fault, which -no-reboot turns into status 0),
 * the 8259 PICs and the 8254 PIT, the local APIC at 0xfee00000.
 */
#ifndef ROM_H
#define ROM_H

#define ROM_SEG		0xf000
#define ROM_BASE	0xf0000
#define ROM_LIN(x)	(ROM_BASE + (x))

#define COM1		0x3f8
#define COM1_LSR	(COM1 + 5)
#define LSR_THRE	0x20
#define DEBUG_EXIT	0xf4

/* RAM below 1 MiB used by the guests. */
#define STACK_TOP	0x7000
#define PASS_VAL	0x2a		/* isa-debug-exit status 85 */
#define FAIL_VAL	0x01		/* status 3 */

/* Set up COM1: 8N1, divisor 1, FIFOs on, no interrupts. Any mode. */
#define SERIAL_INIT				\
	mov $(COM1 + 3), %dx;			\
	mov $0x80, %al;				\
	out %al, %dx;				\
	mov $COM1, %dx;				\
	mov $1, %al;				\
	out %al, %dx;				\
	mov $(COM1 + 1), %dx;			\
	xor %al, %al;				\
	out %al, %dx;				\
	mov $(COM1 + 3), %dx;			\
	mov $3, %al;				\
	out %al, %dx;				\
	mov $(COM1 + 2), %dx;			\
	mov $7, %al;				\
	out %al, %dx

/* Send AL (kept) on COM1 once the transmitter is free; clobbers AH, DX. */
#define SERIAL_PUTC				\
	mov %al, %ah;				\
	mov $COM1_LSR, %dx;			\
99:	in %dx, %al;				\
	test $LSR_THRE, %al;			\
	jz 99b;					\
	mov %ah, %al;				\
	mov $COM1, %dx;				\
	out %al, %dx

/*
 * Write @v to isa-debug-exit (QEMU ends there on pc), then triple-fault:
 * with an IDT limit of 0 the INT3 cannot be delivered, nor the #GP, nor
 * the #DF. EXIT16 in real mode, EXIT_FLAT in 32- and 64-bit code.
 */
#define EXIT16(v)				\
	mov $(v), %al;				\
	out %al, $DEBUG_EXIT;			\
	cli;					\
	lidtl %cs:null_idt;			\
	int3

#define EXIT_FLAT(v)				\
	mov $(v), %al;				\
	out %al, $DEBUG_EXIT;			\
	cli;					\
	lidt ROM_LIN(null_idt);			\
	int3

/* GDT selectors of flat.inc. */
#define SEL_CODE32	0x08
#define SEL_DATA32	0x10
#define SEL_CODE64	0x18

/* From real mode to flat 32-bit protected mode at ROM_LIN(@target). */
#define ENTER_PROT32(target)			\
	lgdtl %cs:gdtr;				\
	mov %cr0, %eax;				\
	or $1, %eax;				\
	mov %eax, %cr0;				\
	ljmpl $SEL_CODE32, $ROM_LIN(target)

/* In 32-bit code: the data segments flat, the stack at STACK_TOP. */
#define FLAT32_SEGS				\
	mov $SEL_DATA32, %ax;			\
	mov %ax, %ds;				\
	mov %ax, %es;				\
	mov %ax, %ss;				\
	mov $STACK_TOP, %esp

#endif /* ROM_H */
