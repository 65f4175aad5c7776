/* SPDX-License-Identifier: GPL-2.0 */
/*
 * forever: a boot sector that spins with interrupts enabled and never
 * exits on its own: only --timeout (status 10) or a signal ends it.
 * IF=1 matters under Bochs, which otherwise holds off the host's timer
 * interrupts while a VMX guest runs (docs/khvctl.md).
 *   khvctl run --timeout 2 forever.bin   ->  exit status 10
 */
	.code16
	.section .text.entry, "ax"
	.globl _start
_start:
	sti
1:	jmp 1b

	.org 510
	.word 0xaa55
