/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest of the userspace-event tests (khv_events_test.c): an IDT whose
 * 256 handlers count what the guest takes, by vector, then one of a few
 * scenarios chosen by R12 (EV_*, events.inc) that set RFLAGS.IF, halt,
 * spin or report in the ways the tests need.
 *
 * Every handler records the vector, the error code (0 for vectors without
 * one) and the interrupted RIP (EV_* in events.inc); the addresses of two
 * labels the tests expect RIP at are stored at EV_MARK_*. The handler of the
 * vector in EV_STOP (plus one) reports REPORT_VALUE/EV_STEP_HANDLER before
 * its IRET, so a test can look at the guest while it is in the handler.
 */
#include "guest.inc"
#include "events.inc"

GUEST64(events64)
	/* A 64-bit interrupt gate per vector (SDM Vol. 3A 6.14.1). */
	lea stubs(%rip), %rsi
	mov $EV_IDT_GPA, %edi
	xor %ecx, %ecx
1:	mov %esi, %eax
	mov %ax, (%rdi)
	movw $SEL_CODE64, 2(%rdi)
	movw $0x8e00, 4(%rdi)
	shr $16, %eax
	mov %ax, 6(%rdi)
	movq $0, 8(%rdi)
	add $16, %rsi
	add $16, %rdi
	inc %ecx
	cmp $256, %ecx
	jne 1b
	lidt idtr(%rip)
	lea after_nop(%rip), %rax
	mov %rax, EV_MARK_NOP_GPA
	lea after_hlt(%rip), %rax
	mov %rax, EV_MARK_HLT_GPA

	cmp $EV_HLT_LOOP, %r12
	je hlt_loop
	cmp $EV_CLI_STI, %r12
	je cli_sti
	cmp $EV_STI_HLT, %r12
	je sti_hlt
	cmp $EV_CLI_HLT, %r12
	je cli_hlt
	cmp $EV_REPORT_LOOP, %r12
	je report_loop
	cmp $EV_SPIN, %r12
	je spin
	cmp $EV_IN_LOOP, %r12
	je in_loop
	REPORT(REPORT_FAIL)

hlt_loop:
	sti
1:	hlt
	jmp 1b

cli_sti:
	cli
	mov $1, %ecx
	REPORT(REPORT_VALUE)
	sti
	nop
after_nop:
	mov $2, %ecx
	REPORT(REPORT_VALUE)
1:	hlt
	jmp 1b

sti_hlt:
	cli
	mov $1, %ecx
	REPORT(REPORT_VALUE)
	sti
	hlt
after_hlt:
	mov $2, %ecx
	REPORT(REPORT_VALUE)
1:	hlt
	jmp 1b

cli_hlt:
	cli
1:	hlt
	jmp 1b

report_loop:
	mov $1, %ecx
	REPORT(REPORT_VALUE)
	jmp report_loop

spin:
	sti
1:	pause
	jmp 1b

in_loop:
	mov $EV_IN_PORT, %dx
1:	in %dx, %al
	add $1, %rbx
	jmp 1b

/* Frame: vector, error code, then what the CPU pushed (RIP, CS, ...). */
common:
	push %rax
	push %rcx
	push %rdx
	mov 24(%rsp), %rax
	incl EV_COUNT_GPA(, %rax, 4)
	incl EV_TOTAL_GPA
	mov %eax, EV_LAST_VEC_GPA
	mov 32(%rsp), %rdx
	mov %edx, EV_LAST_ERR_GPA
	mov 40(%rsp), %rdx
	mov %rdx, EV_LAST_RIP_GPA
	inc %eax
	cmp EV_STOP_GPA, %eax
	jne 1f
	mov $EV_STEP_HANDLER, %ecx
	REPORT(REPORT_VALUE)
1:	pop %rdx
	pop %rcx
	pop %rax
	add $16, %rsp
	iretq

/*
 * 16 bytes per vector. The CPU pushes an error code for #DF, #TS, #NP,
 * #SS, #GP, #PF, #AC (and #CP, #VC, #SX); the others push a 0 in its place.
 * The JMP is spelled out so that its size does not depend on relaxation.
 */
stubs:
	.set vec, 0
	.rept 256
2:	.if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	push $0
	.endif
	push $vec
	.byte 0xe9
	.long common - (. + 4)
	.skip 16 - (. - 2b), 0xcc
	.set vec, vec + 1
	.endr

idtr:	.word 256 * 16 - 1
	.quad EV_IDT_GPA
GUEST_END(events64)

	.section .note.GNU-stack, "", @progbits
