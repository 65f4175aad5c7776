/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qhello: firmware that prints one line on COM1 in real mode and ends
 * through isa-debug-exit (status 85 on -machine pc) or a triple fault
 * (status 0 with -no-reboot, microvm).
 *   "Hello from a QEMU ROM (real mode)"
 */
#include "rom.h"

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
	mov $msg, %si
	call puts16
	EXIT16(PASS_VAL)

msg:
	.asciz "Hello from a QEMU ROM (real mode)\n"

#include "rom16.inc"
