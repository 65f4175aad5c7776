/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dirty-page logging guest (khv_dirtylog_test.c), 64-bit mode.
 */
#include "guest.inc"

#define DIRTY_IN_PORT	0xe8

/*
 * Accesses RCX pages of the slot at RBX: page i is the u32 index at
 * GUEST_DATA_GPA + 4 * i. RSI selects the access: 0 stores RDI to the
 * page's first 8 bytes, 1 reads them, 2 fills its first byte with an INSB
 * from DIRTY_IN_PORT (khv writes the byte for the guest). Reports DONE.
 */
GUEST64(dirty64)
	xor %r8d, %r8d
1:	cmp %rcx, %r8
	jae 5f
	movl GUEST_DATA_GPA(,%r8,4), %eax
	shl $12, %rax
	add %rbx, %rax
	cmp $1, %rsi
	je 2f
	cmp $2, %rsi
	je 3f
	mov %rdi, (%rax)
	jmp 4f
2:	mov (%rax), %r9
	jmp 4f
3:	push %rdi
	mov %rax, %rdi
	mov $DIRTY_IN_PORT, %dx
	cld
	insb
	pop %rdi
4:	inc %r8
	jmp 1b
5:	REPORT(REPORT_DONE)
	hlt
GUEST_END(dirty64)

	.section .note.GNU-stack, "", @progbits
