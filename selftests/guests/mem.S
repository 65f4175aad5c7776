/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests that access memory for the memslot tests (64-bit mode).
 */
#include "guest.inc"

/*
 * Serves the mailbox at GUEST_DATA_GPA (guest_abi.h) forever: reads or
 * writes 4 bytes at MBOX_ADDR, then reports VALUE with ECX = the value
 * read or written. The test rewrites the mailbox between runs.
 */
GUEST64(mbox64)
1:	mov GUEST_DATA_GPA + MBOX_ADDR, %rbx
	cmpq $MBOX_WRITE, GUEST_DATA_GPA + MBOX_OP
	je 2f
	mov (%rbx), %ecx
	jmp 3f
2:	mov GUEST_DATA_GPA + MBOX_VAL, %rcx
	mov %ecx, (%rbx)
3:	REPORT(REPORT_VALUE)
	jmp 1b
GUEST_END(mbox64)

/*
 * Touches RCX pages from RBX, one byte each. Byte 0 of page i must read
 * (i ^ 0x5a) & 0xff for the first half (written by the test) and 0 for the
 * second half (never touched by the test); byte 1 gets (i ^ 0xa5) & 0xff.
 * A mismatch reports FAIL with RSI = page index, RCX = byte read.
 */
GUEST64(touch64)
	xor %esi, %esi
	mov %rcx, %r8
	mov %rcx, %r9
	shr $1, %r9
1:	cmp %r8, %rsi
	jae 3f
	mov %rsi, %rdi
	shl $12, %rdi
	add %rbx, %rdi
	movzbl (%rdi), %ecx
	xor %eax, %eax
	cmp %r9, %rsi
	jae 2f
	mov %esi, %eax
	xor $0x5a, %eax
	and $0xff, %eax
2:	cmp %eax, %ecx
	jne 4f
	mov %esi, %eax
	xor $0xa5, %eax
	mov %al, 1(%rdi)
	inc %rsi
	jmp 1b
3:	REPORT(REPORT_DONE)
	hlt
4:	REPORT(REPORT_FAIL)
	hlt
GUEST_END(touch64)

	.section .note.GNU-stack, "", @progbits
