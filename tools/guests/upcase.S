/* SPDX-License-Identifier: GPL-2.0 */
/*
 * upcase: a boot sector that reads COM1 (polling LSR.DR) and writes back
 * each byte in upper case, until a newline; then it halts (status 0).
 *   echo hello | khvctl run --timeout 10 upcase.bin   ->  "HELLO"
 * Without a newline on stdin it waits for one: use --timeout.
 */
#include "guest.h"

#define LSR_DR	0x01

	.code16
	.section .text.entry, "ax"
	.globl _start
_start:
	sti				/* no interrupt comes; IF=1 keeps Bochs' host ticks */
1:	mov $COM1_LSR, %dx
2:	in %dx, %al
	test $LSR_DR, %al
	jz 2b
	mov $COM1_THR, %dx		/* RBR when read */
	in %dx, %al
	cmp $'a', %al
	jb 3f
	cmp $'z', %al
	ja 3f
	sub $('a' - 'A'), %al
3:	mov %al, %ah
	mov $COM1_LSR, %dx
4:	in %dx, %al
	test $LSR_THRE, %al
	jz 4b
	mov %ah, %al
	mov $COM1_THR, %dx
	out %al, %dx
	cmp $'\n', %al
	jne 1b
5:	cli
	hlt
	jmp 5b

	.org 510
	.word 0xaa55
