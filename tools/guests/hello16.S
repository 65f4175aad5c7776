/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hello16: a boot sector. Real mode at 0x7c00: set up COM1, print one
 * line, halt with interrupts off (exit status 0).
 *   khvctl run hello16.bin   ->  "Hello from real mode"
 */
#include "guest.h"

	.code16
	.section .text.entry, "ax"
	.globl _start
_start:
	cli
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %ss
	mov $0x7c00, %sp
	cld

	/* COM1: 8N1, divisor 1, FIFOs on, no interrupts. */
	mov $COM1_LCR, %dx
	mov $0x80, %al
	out %al, %dx
	mov $COM1_THR, %dx
	mov $1, %al
	out %al, %dx
	mov $COM1_IER, %dx
	xor %al, %al
	out %al, %dx
	mov $COM1_LCR, %dx
	mov $0x03, %al
	out %al, %dx
	mov $COM1_FCR, %dx
	mov $0x07, %al
	out %al, %dx

	mov $msg, %si
1:	lodsb
	test %al, %al
	jz 3f
	mov %al, %ah
	mov $COM1_LSR, %dx
2:	in %dx, %al
	test $LSR_THRE, %al
	jz 2b
	mov %ah, %al
	mov $COM1_THR, %dx
	out %al, %dx
	jmp 1b

3:	cli
	hlt
	jmp 3b

msg:
	.asciz "Hello from real mode\n"

	.org 510
	.word 0xaa55
