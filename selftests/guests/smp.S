/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest for the multi-vCPU, multi-VM and migration tests (64-bit mode).
 */
#include "guest.inc"

/*
 * vCPU number in RBX, iterations in R12, busy-loop length in R13.
 * Iteration n (1..R12): OUT EAX = (RBX << 16) | n to COUNT_PORT, store n at
 * DATA + 8 * RBX, atomically increment the shared dword at DATA + 0x800,
 * spin R13 times. Then report DONE. No stack: vCPUs share this code.
 */
GUEST64(count64)
	xor %ecx, %ecx
1:	inc %ecx
	mov %ebx, %eax
	shl $16, %eax
	or %ecx, %eax
	mov $COUNT_PORT, %dx
	out %eax, %dx
	mov %rcx, GUEST_DATA_GPA(, %rbx, 8)
	lock incl GUEST_DATA_GPA + 0x800
	mov %r13, %rdi
2:	test %rdi, %rdi
	jz 3f
	dec %rdi
	jmp 2b
3:	cmp %r12d, %ecx
	jb 1b
	REPORT(REPORT_DONE)
	hlt
GUEST_END(count64)

	.section .note.GNU-stack, "", @progbits
