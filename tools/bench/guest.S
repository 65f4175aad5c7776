/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark guest (32-bit protected mode, paging off, copied to
 * BENCH_CODE_GPA) and the host copy of its compute loop.
 *
 * The guest waits for a command with an OUT to BENCH_PORT_DONE, reads it
 * from the mailbox, runs the command's loop between two RDTSCs whose values
 * it stores in the mailbox, and goes back to waiting. Only relative jumps
 * and absolute mailbox addresses are used, so the blob runs wherever it is
 * copied as long as the mailbox is at BENCH_MBOX_GPA.
 */
#include "bench_abi.h"

#define MBOX(off)	(BENCH_MBOX_GPA + (off))

/*
 * The compute loop: instructions that encode the same in 32-bit and 64-bit
 * mode (no INC/DEC, which are REX prefixes in 64-bit mode), so guest and
 * host run identical bytes. ECX counts down; EAX and EDX carry the state.
 */
.macro COMPUTE_LOOP
1:	imul	$1103515245, %eax, %eax
	add	$12345, %eax
	xor	%eax, %edx
	rol	$5, %edx
	sub	$1, %ecx
	jnz	1b
.endm

	.pushsection .rodata.bench_guest, "a"
	.code32
	.balign 16
	.globl bench_guest
bench_guest:
	/* Entry: EDX = BENCH_PORT_DONE and ESP from KVM_SET_REGS. */
wait_cmd:
	out	%al, %dx
	mov	MBOX(MBOX_ITERS), %esi
	mov	MBOX(MBOX_ARG), %ebx
	mov	MBOX(MBOX_CMD), %eax
	cmp	$CMD_NOP, %eax
	je	do_nop
	cmp	$CMD_CPUID, %eax
	je	do_cpuid
	cmp	$CMD_VMCALL, %eax
	je	do_vmcall
	cmp	$CMD_RDMSR, %eax
	je	do_rdmsr
	cmp	$CMD_PIO_OUT, %eax
	je	do_pio_out
	cmp	$CMD_MMIO_WRITE, %eax
	je	do_mmio_write
	cmp	$CMD_MMIO_READ, %eax
	je	do_mmio_read
	cmp	$CMD_TOUCH, %eax
	je	do_touch
	cmp	$CMD_COMPUTE, %eax
	je	do_compute
	cmp	$CMD_HLT, %eax
	je	do_hlt
	/* Unknown command: T0 = T1 = 0 tells the program. */
	xor	%eax, %eax
	mov	%eax, MBOX(MBOX_T0)
	mov	%eax, MBOX(MBOX_T0 + 4)
	mov	%eax, MBOX(MBOX_T1)
	mov	%eax, MBOX(MBOX_T1 + 4)
	jmp	next_cmd

/* LFENCE keeps RDTSC from running ahead of older instructions. */
tsc_start:
	lfence
	rdtsc
	mov	%eax, MBOX(MBOX_T0)
	mov	%edx, MBOX(MBOX_T0 + 4)
	lfence
	ret

done_cmd:
	lfence
	rdtsc
	mov	%eax, MBOX(MBOX_T1)
	mov	%edx, MBOX(MBOX_T1 + 4)
next_cmd:
	mov	$BENCH_PORT_DONE, %edx
	jmp	wait_cmd

do_nop:
	call	tsc_start
1:	sub	$1, %esi
	jnz	1b
	jmp	done_cmd

do_cpuid:
	call	tsc_start
1:	xor	%eax, %eax
	xor	%ecx, %ecx
	cpuid
	sub	$1, %esi
	jnz	1b
	jmp	done_cmd

do_vmcall:
	call	tsc_start
1:	mov	$BENCH_HC_NR, %eax
	vmcall
	sub	$1, %esi
	jnz	1b
	jmp	done_cmd

do_rdmsr:
	call	tsc_start
1:	mov	%ebx, %ecx
	rdmsr
	sub	$1, %esi
	jnz	1b
	jmp	done_cmd

do_pio_out:
	call	tsc_start
	mov	$BENCH_PORT_WORK, %edx
1:	out	%al, %dx
	sub	$1, %esi
	jnz	1b
	jmp	done_cmd

do_mmio_write:
	call	tsc_start
1:	mov	%esi, (%ebx)
	sub	$1, %esi
	jnz	1b
	jmp	done_cmd

do_mmio_read:
	call	tsc_start
1:	mov	(%ebx), %eax
	sub	$1, %esi
	jnz	1b
	jmp	done_cmd

do_touch:
	call	tsc_start
1:	mov	%esi, (%ebx)
	add	$4096, %ebx
	sub	$1, %esi
	jnz	1b
	jmp	done_cmd

/*
 * IF is 0 and no irqchip is created, so each HLT is a KVM_EXIT_HLT: the
 * vCPU's job ends, and the program's next KVM_RUN dispatches it again at
 * the instruction after the HLT.
 */
do_hlt:
	call	tsc_start
1:	hlt
	sub	$1, %esi
	jnz	1b
	jmp	done_cmd

do_compute:
	call	tsc_start
	mov	%esi, %ecx
	xor	%eax, %eax
	xor	%edx, %edx
	COMPUTE_LOOP
	jmp	done_cmd

	/*
	 * Exception stubs, BENCH_STUB_SIZE bytes apart; the program points
	 * IDT gate n at stub n. The vector goes to BENCH_PORT_EXC, so a
	 * benchmark that makes the hypervisor inject an exception says which.
	 */
	.balign BENCH_STUB_SIZE
	.globl bench_guest_exc
bench_guest_exc:
	.irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.balign BENCH_STUB_SIZE
	push	$\vec
	jmp	exc_common
	.endr
exc_common:
	pop	%eax
	mov	$BENCH_PORT_EXC, %edx
	out	%eax, %dx
	hlt
	jmp	exc_common

	.globl bench_guest_end
bench_guest_end:
	.code64
	.popsection

/* uint32_t bench_host_compute(uint32_t iters): the guest's loop, on the host. */
	.text
	.globl bench_host_compute
	.type bench_host_compute, @function
bench_host_compute:
	mov	%edi, %ecx
	xor	%eax, %eax
	xor	%edx, %edx
	COMPUTE_LOOP
	xor	%edx, %eax
	ret
	.size bench_host_compute, . - bench_host_compute

	.section .note.GNU-stack, "", @progbits
