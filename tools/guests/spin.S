/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spin: a CPU-bound job. Each vCPU adds up N, N-1, ..., 1 (two
 * instructions per step) with interrupts enabled, then prints the sum,
 * N (N + 1) / 2 modulo 2^64, which a test can check, and halts.
 * N comes from RCX (--reg rcx=N); 0 means 100000.
 *   khvctl run --mode long --reg rcx=1000 spin.bin
 *     ->  "spin: vCPU 0 n=1000 sum=500500"
 */
#define SPIN_DEFAULT	100000

	.code64
	.section .text.entry, "ax"
	.globl _start
_start:
	mov %rdi, %r12			/* vCPU index */
	mov %rcx, %rbx
	test %rbx, %rbx
	jnz 1f
	mov $SPIN_DEFAULT, %rbx
1:	mov %rbx, %rcx
	xor %eax, %eax
	sti				/* let the host's interrupts in */
2:	add %rcx, %rax
	dec %rcx
	jnz 2b
	cli
	mov %rax, %r14

	call console_lock
	lea msg_vcpu(%rip), %rsi
	call puts
	mov %r12, %rax
	call putdec
	lea msg_n(%rip), %rsi
	call puts
	mov %rbx, %rax
	call putdec
	lea msg_sum(%rip), %rsi
	call puts
	mov %r14, %rax
	call putdec
	mov $'\n', %al
	call putc
	call console_unlock
3:	cli
	hlt
	jmp 3b

	.section .rodata
msg_vcpu:
	.asciz "spin: vCPU "
msg_n:
	.asciz " n="
msg_sum:
	.asciz " sum="
