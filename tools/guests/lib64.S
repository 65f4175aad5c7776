/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the 64-bit guests: COM1 output by polling LSR.THRE, numbers,
 * a console lock so that vCPUs print whole lines, and the failure exit.
 * Every routine keeps all registers except the ones it documents.
 */
#include "guest.h"

	.code64
	.text

/* 8N1, divisor 1 (115200 baud), FIFOs on, no interrupts. */
	.globl serial_init
serial_init:
	push %rax
	push %rdx
	mov $COM1_IER, %dx
	xor %al, %al
	out %al, %dx
	mov $COM1_LCR, %dx
	mov $0x80, %al			/* DLAB: the divisor latch */
	out %al, %dx
	mov $COM1_THR, %dx
	mov $1, %al
	out %al, %dx
	mov $COM1_IER, %dx
	xor %al, %al
	out %al, %dx
	mov $COM1_LCR, %dx
	mov $0x03, %al			/* 8 data bits, no parity, 1 stop */
	out %al, %dx
	mov $COM1_FCR, %dx
	mov $0x07, %al			/* enable and clear the FIFOs */
	out %al, %dx
	mov $COM1_MCR, %dx
	mov $0x03, %al			/* DTR, RTS */
	out %al, %dx
	pop %rdx
	pop %rax
	ret

/* putc: the byte in %al. */
	.globl putc
putc:
	push %rax
	push %rdx
	mov %al, %ah
	mov $COM1_LSR, %dx
1:	in %dx, %al
	test $LSR_THRE, %al
	jz 1b
	mov %ah, %al
	mov $COM1_THR, %dx
	out %al, %dx
	pop %rdx
	pop %rax
	ret

/* puts: the NUL-terminated string at %rsi. */
	.globl puts
puts:
	push %rax
	push %rsi
1:	lodsb
	test %al, %al
	jz 2f
	call putc
	jmp 1b
2:	pop %rsi
	pop %rax
	ret

/*
 * puttext: at most %rcx bytes at %rsi as text, up to a NUL or newline;
 * other bytes outside ' '..'~' print as '.'.
 */
	.globl puttext
puttext:
	push %rax
	push %rcx
	push %rsi
	test %rcx, %rcx
	jz 3f
1:	lodsb
	test %al, %al
	jz 3f
	cmp $'\n', %al
	je 3f
	cmp $' ', %al
	jb 2f
	cmp $'~', %al
	jbe 4f
2:	mov $'.', %al
4:	call putc
	dec %rcx
	jnz 1b
3:	pop %rsi
	pop %rcx
	pop %rax
	ret

/* putdec: %rax as an unsigned decimal. */
	.globl putdec
putdec:
	push %rax
	push %rcx
	push %rdx
	push %rsi
	sub $24, %rsp
	lea 23(%rsp), %rsi
	movb $0, (%rsi)
	mov $10, %rcx
1:	xor %edx, %edx
	div %rcx
	add $'0', %dl
	dec %rsi
	mov %dl, (%rsi)
	test %rax, %rax
	jnz 1b
	call puts
	add $24, %rsp
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rax
	ret

/* puthex: %rax as 0x followed by 16 hex digits. */
	.globl puthex
puthex:
	push %rax
	push %rcx
	push %rdx
	mov %rax, %rdx
	mov $'0', %al
	call putc
	mov $'x', %al
	call putc
	mov $16, %ecx
1:	rol $4, %rdx
	mov %dl, %al
	and $0xf, %al
	add $'0', %al
	cmp $'9', %al
	jbe 2f
	add $('a' - '0' - 10), %al
2:	call putc
	dec %ecx
	jnz 1b
	pop %rdx
	pop %rcx
	pop %rax
	ret

/*
 * console_lock/console_unlock: one vCPU prints at a time. The first holder
 * also sets up the UART, so every guest may print from any vCPU.
 */
	.globl console_lock
console_lock:
	push %rax
1:	mov $1, %eax
	xchg %eax, console_busy(%rip)	/* xchg with memory is locked */
	test %eax, %eax
	jz 2f
	pause
	jmp 1b
2:	cmpb $0, uart_ready(%rip)
	jne 3f
	call serial_init
	movb $1, uart_ready(%rip)
3:	pop %rax
	ret

	.globl console_unlock
console_unlock:
	movl $0, console_busy(%rip)
	ret

/*
 * fail: check number %eax failed. Says so on COM1 and leaves through the
 * debug-exit port with that number: exit status (N << 1) | 1.
 */
	.globl fail
fail:
	mov %eax, %ebx
	call console_lock
	lea failed_msg(%rip), %rsi
	call puts
	mov %rbx, %rax
	call putdec
	mov $'\n', %al
	call putc
	call console_unlock
	mov %ebx, %eax
	out %al, $DEBUG_EXIT
1:	cli				/* not reached when the port works */
	hlt
	jmp 1b

	.section .rodata
failed_msg:
	.asciz "FAILED: check "

	.data
	.balign 4
console_busy:
	.long 0
uart_ready:
	.byte 0
