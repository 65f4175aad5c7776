/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests for khv_cpuid_test.c and khv_msr_test.c: a real-mode guest that
 * answers a list of CPUID queries (real mode needs no CPUID feature, so any
 * table userspace sets can be looked at), and a 64-bit guest that runs
 * RDMSR, WRMSR or RDTSCP for the test, one per report, and notes #GP
 * instead of dying of it; and a 64-bit guest that reads one MSR in a
 * loop. Mailbox layouts are in cpuid_msr.inc.
 */
#include "guest.inc"
#include "cpuid_msr.inc"

GUEST16(cpuid_query16)
	mov CQ_COUNT_GPA, %ebp
	mov $CQ_TABLE_GPA, %esi
1:	test %ebp, %ebp
	jz 2f
	mov (%esi), %eax
	mov 4(%esi), %ecx
	cpuid
	mov %eax, 8(%esi)
	mov %ebx, 12(%esi)
	mov %ecx, 16(%esi)
	mov %edx, 20(%esi)
	add $CQ_RECORD_SIZE, %esi
	dec %ebp
	jmp 1b
2:	REPORT(REPORT_DONE)
	hlt
GUEST_END(cpuid_query16)

GUEST64(msr_op64)
	/* Vector 13 (#GP): a 64-bit interrupt gate to gp below. */
	mov $(MO_IDT_GPA + 13 * 16), %rax
	movw $GPA(msr_op64, gp), (%rax)
	movw $SEL_CODE64, 2(%rax)
	movw $0x8e00, 4(%rax)
	movw $0, 6(%rax)
	movq $0, 8(%rax)
	movw $(14 * 16 - 1), MO_IDTR_GPA
	movq $MO_IDT_GPA, MO_IDTR_GPA + 2
	lidt MO_IDTR_GPA
1:	movl $0, MO_GP_GPA
	mov MO_INDEX_GPA, %ecx
	mov MO_VALUE_GPA, %eax
	mov MO_VALUE_GPA + 4, %edx
	cmpl $MO_WRMSR, MO_OP_GPA
	je 2f
	cmpl $MO_RDTSCP, MO_OP_GPA
	je 3f
	rdmsr				/* 2 bytes, as wrmsr: gp skips them */
	jmp 4f
2:	wrmsr
	jmp 4f
3:	rdtscp
	mov %ecx, MO_AUX_GPA
4:	mov %eax, MO_VALUE_GPA
	mov %edx, MO_VALUE_GPA + 4
	REPORT(REPORT_DONE)
	jmp 1b
gp:	movl $1, MO_GP_GPA
	add $8, %rsp			/* the error code, above RIP */
	addq $2, (%rsp)			/* past the RDMSR/WRMSR */
	iretq
GUEST_END(msr_op64)

GUEST64(msr_loop64)
1:	mov MO_INDEX_GPA, %ecx
	rdmsr
	incq MO_COUNT_GPA
	jmp 1b
GUEST_END(msr_loop64)

	.section .note.GNU-stack, "", @progbits
