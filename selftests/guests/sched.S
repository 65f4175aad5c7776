/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests for the scheduling tests (khv_sched_test.c), 64-bit mode.
 */
#include "guest.inc"

/*
 * One CPU-bound job. RSI: the shared area (see SCHED_AREA_* in the test),
 * RBX: the job's slot, R12: loop iterations (>= 1). Takes a ticket from
 * the counter at RSI + 0 with LOCK XADD and stores ticket + 1 at
 * RSI + 0x100 + 8 * RBX, spins, takes a second ticket for
 * RSI + 0x200 + 8 * RBX, then halts: the HLT ends the job for khv. Tickets
 * order every start and end of every job on every vCPU and VM sharing the
 * area: a job ran without interleaving iff its end ticket follows its
 * start ticket directly. No stack.
 */
GUEST64(sched_job)
	mov $1, %eax
	lock xadd %eax, (%rsi)
	inc %eax
	mov %rax, 0x100(%rsi, %rbx, 8)
	mov %r12, %rdi
1:	dec %rdi
	jnz 1b
	mov $1, %eax
	lock xadd %eax, (%rsi)
	inc %eax
	mov %rax, 0x200(%rsi, %rbx, 8)
	hlt
GUEST_END(sched_job)

/* Spins for ever with interrupts on (the host's safety nets end it). */
GUEST64(sched_spin)
1:	jmp 1b
GUEST_END(sched_spin)

	.section .note.GNU-stack, "", @progbits
