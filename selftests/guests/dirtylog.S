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

/*
 * Writes generation g = 1, 2, ... to the first 8 bytes of 50 consecutive
 * pages (wrapping) of the RCX pages at RBX, from page (97 * g) mod RCX, until
 * the u64 at GUEST_DATA_GPA is non-zero; then reports DONE with RCX = the
 * last generation. Each finished generation is stored at GUEST_DATA_GPA + 8.
 * The test collects the log meanwhile.
 */
GUEST64(dirty_loop64)
	mov $1, %rdi
1:	mov %rdi, %rax
	imul $97, %rax
	xor %edx, %edx
	div %rcx
	mov $50, %r9d
2:	mov %rdx, %rax
	shl $12, %rax
	mov %rdi, (%rbx,%rax)
	inc %rdx
	cmp %rcx, %rdx
	jb 3f
	xor %edx, %edx
3:	dec %r9d
	jnz 2b
	mov %rdi, GUEST_DATA_GPA + 8
	inc %rdi
	cmpq $0, GUEST_DATA_GPA
	je 1b
	mov %rdi, %rcx
	REPORT(REPORT_DONE)
	hlt
GUEST_END(dirty_loop64)

	.section .note.GNU-stack, "", @progbits
