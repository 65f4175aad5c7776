/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qspin: firmware that prints one line and then spins in a loop forever,
 * so the vCPU is inside KVM_RUN whenever the test signals QEMU:
 *   "qspin: spinning"
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
	/*
	 * IF=1 as in the selftests (a nested guest spinning with IF=0 starves
	 * Bochs' host); nothing interrupts: the local APIC's LINT0 is masked
	 * from reset, so the 8259's output never reaches the vCPU.
	 */
	sti
1:	jmp 1b

msg:
	.asciz "qspin: spinning\n"

#include "rom16.inc"
