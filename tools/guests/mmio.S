/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmio: a 4-byte write to 0xd0000000, mapped by the page tables but above
 * guest memory and owned by no device: KVM_EXIT_MMIO, which khvctl does not
 * handle.
 *   khvctl run --mode long mmio.bin   ->  exit status 8, and on stderr
 *     "unhandled KVM_EXIT_MMIO: write of 4 bytes at d0000000, data 12345678"
 */
	.code64
	.section .text.entry, "ax"
	.globl _start
_start:
	mov $0xd0000000, %eax
	movl $0x12345678, (%rax)
1:	cli				/* not reached */
	hlt
	jmp 1b
