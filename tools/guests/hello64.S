/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hello64: 64-bit long mode. Every vCPU prints one line under the console
 * lock, then halts with interrupts off (exit status 0 once all have).
 *   khvctl run --mode long --cpus 2 hello64.bin
 *     ->  "Hello from long mode: vCPU 0 of 2" and "... vCPU 1 of 2"
 * hello64-elf.bin is the same program as an ELF64 linked at 2 MiB:
 *   khvctl run hello64-elf.bin   (auto mode picks long mode for ELF)
 */
	.code64
	.section .text.entry, "ax"
	.globl _start
_start:
	mov %rdi, %r12			/* vCPU index */
	mov %rsi, %r13			/* number of vCPUs */
	call console_lock
	lea msg(%rip), %rsi
	call puts
	mov %r12, %rax
	call putdec
	lea of(%rip), %rsi
	call puts
	mov %r13, %rax
	call putdec
	mov $'\n', %al
	call putc
	call console_unlock
1:	cli
	hlt
	jmp 1b

	.section .rodata
msg:
	.asciz "Hello from long mode: vCPU "
of:
	.asciz " of "
