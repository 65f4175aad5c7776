/* SPDX-License-Identifier: GPL-2.0 */
/*
 * triple: UD2 in long mode. khvctl gives the guest no IDT, so #UD cannot
 * be delivered: #GP, #DF, then a triple fault (KVM_EXIT_SHUTDOWN).
 *   khvctl run --mode long triple.bin   ->  exit status 6
 */
	.code64
	.section .text.entry, "ax"
	.globl _start
_start:
	ud2
1:	cli				/* not reached */
	hlt
	jmp 1b
