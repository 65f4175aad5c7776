/* SPDX-License-Identifier: GPL-2.0 */
/*
 * torture: exits of many kinds in 64-bit long mode, each checked by the
 * guest itself. vCPU 0 runs the checks (the others halt at once); a failed
 * check N prints "FAILED: check N" and ends through the debug-exit port
 * with status (N << 1) | 1. All passed: a summary line, then HLT with
 * interrupts off (status 0). Needs --mem 16 or more (the default).
 *   khvctl run --mode long torture.bin
 *     ->  "torture: rep outsb to COM1", "torture: cpuid vendor ...",
 *         "torture: 13 checks passed"
 *
 *  1  CPUID leaf 0: max basic leaf >= 1
 *  2  CPUID 0x80000001: long mode advertised
 *  3  CR0.PE/PG, CR4.PAE and EFER.LMA (RDMSR) as khvctl set them
 *  4  OUT/IN byte through the echo port
 *  5  OUT/IN word, and its high byte at port + 1
 *  6  OUT/IN dword, and its high word at port + 2
 *  7  REP INSB: 8 bytes, RCX and RDI advanced
 *  8  REP OUTSW: 4 words, the last one kept, RCX and RSI advanced
 *  9  REP OUTSB of a line to COM1, RCX and RSI advanced
 * 10  COM1 scratch register keeps what was written
 * 11  HLT with IF=1, 16 times: each resumes at the next instruction
 * 12  memory at 4, 8 and 12 MiB keeps what was written across an exit
 * 13  RBP and R8..R15 survive all the exits above
 */
#include "guest.h"

/* Go on if condition cc holds, else fail check n. */
.macro expect cc, n
	j\cc .Lok\@
	mov $\n, %eax
	jmp fail
.Lok\@:
.endm

/* Fail check 13 unless reg still holds val. */
.macro expect_reg reg, val
	mov $\val, %rax
	cmp %rax, \reg
	expect e, 13
.endm

	.code64
	.section .text.entry, "ax"
	.globl _start
_start:
	test %rdi, %rdi
	jz 1f
0:	cli
	hlt
	jmp 0b
1:	cld
	mov $0x0101010101010101, %rbp
	mov $0x0808080808080808, %r8
	mov $0x0909090909090909, %r9
	mov $0x1010101010101010, %r10
	mov $0x1111111111111111, %r11
	mov $0x1212121212121212, %r12
	mov $0x1313131313131313, %r13
	mov $0x1414141414141414, %r14
	mov $0x1515151515151515, %r15

	/* 1 */
	xor %eax, %eax
	xor %ecx, %ecx
	cpuid
	mov %eax, max_leaf(%rip)
	mov %ebx, vendor(%rip)
	mov %edx, vendor + 4(%rip)
	mov %ecx, vendor + 8(%rip)
	cmp $1, %eax
	expect ae, 1

	/* 2 */
	mov $0x80000000, %eax
	cpuid
	cmp $0x80000001, %eax
	expect ae, 2
	mov $0x80000001, %eax
	cpuid
	bt $29, %edx
	expect c, 2

	/* 3 */
	mov %cr0, %rax
	and $0x80000001, %eax
	cmp $0x80000001, %eax
	expect e, 3
	mov %cr4, %rax
	test $0x20, %eax
	expect nz, 3
	mov $MSR_EFER, %ecx
	rdmsr
	test $EFER_LMA, %eax
	expect nz, 3

	/* 4 */
	mov $ECHO_PORT, %dx
	mov $0x5a, %al
	out %al, %dx
	xor %eax, %eax
	in %dx, %al
	cmp $0x5a, %al
	expect e, 4

	/* 5 */
	mov $0xbeef, %ax
	out %ax, %dx
	xor %eax, %eax
	in %dx, %ax
	cmp $0xbeef, %ax
	expect e, 5
	mov $ECHO_PORT + 1, %dx
	in %dx, %al
	cmp $0xbe, %al
	expect e, 5

	/* 6 */
	mov $ECHO_PORT, %dx
	mov $0xdeadbeef, %eax
	out %eax, %dx
	xor %eax, %eax
	in %dx, %eax
	cmp $0xdeadbeef, %eax
	expect e, 6
	mov $ECHO_PORT + 2, %dx
	in %dx, %ax
	cmp $0xdead, %ax
	expect e, 6

	/* 7 */
	mov $ECHO_PORT, %dx
	mov $0x77, %al
	out %al, %dx
	lea buf(%rip), %rdi
	mov $8, %ecx
	rep insb
	test %rcx, %rcx
	expect z, 7
	lea buf + 8(%rip), %rax
	cmp %rax, %rdi
	expect e, 7
	mov $0x7777777777777777, %rax
	cmp %rax, buf(%rip)
	expect e, 7

	/* 8 */
	lea words(%rip), %rsi
	mov $4, %ecx
	rep outsw
	test %rcx, %rcx
	expect z, 8
	lea words + 8(%rip), %rax
	cmp %rax, %rsi
	expect e, 8
	in %dx, %ax
	cmp $0x4444, %ax
	expect e, 8

	/* 9 */
	call console_lock		/* sets up the UART */
	lea line(%rip), %rsi
	mov $(line_end - line), %ecx
	mov $COM1_THR, %dx
	rep outsb
	call console_unlock
	test %rcx, %rcx
	expect z, 9
	lea line_end(%rip), %rax
	cmp %rax, %rsi
	expect e, 9

	/* 10 */
	mov $COM1_SCR, %dx
	mov $0xa5, %al
	out %al, %dx
	xor %eax, %eax
	in %dx, %al
	cmp $0xa5, %al
	expect e, 10
	mov $0x5a, %al
	out %al, %dx
	xor %eax, %eax
	in %dx, %al
	cmp $0x5a, %al
	expect e, 10

	/* 11 */
	mov $16, %ecx
	sti
2:	hlt
	dec %ecx
	jnz 2b
	pushf
	pop %rax
	cli
	test $EFLAGS_IF, %eax
	expect nz, 11

	/* 12 */
	mov $0x400000, %rax
	mov %rax, (%rax)
	mov $0x800000, %rbx
	mov %rbx, (%rbx)
	mov $0xc00000, %rcx
	mov %rcx, (%rcx)
	mov $ECHO_PORT, %dx
	out %al, %dx			/* an exit between writes and reads */
	cmp %rax, (%rax)
	expect e, 12
	cmp %rbx, (%rbx)
	expect e, 12
	cmp %rcx, (%rcx)
	expect e, 12

	/* 13 */
	expect_reg %rbp, 0x0101010101010101
	expect_reg %r8, 0x0808080808080808
	expect_reg %r9, 0x0909090909090909
	expect_reg %r10, 0x1010101010101010
	expect_reg %r11, 0x1111111111111111
	expect_reg %r12, 0x1212121212121212
	expect_reg %r13, 0x1313131313131313
	expect_reg %r14, 0x1414141414141414
	expect_reg %r15, 0x1515151515151515

	call console_lock
	lea msg_vendor(%rip), %rsi
	call puts
	lea vendor(%rip), %rsi
	call puts
	lea msg_leaf(%rip), %rsi
	call puts
	mov max_leaf(%rip), %eax
	call puthex
	mov $'\n', %al
	call putc
	lea msg_passed(%rip), %rsi
	call puts
	call console_unlock
3:	cli
	hlt
	jmp 3b

	.section .rodata
words:
	.word 0x1111, 0x2222, 0x3333, 0x4444
line:
	.ascii "torture: rep outsb to COM1\n"
line_end:
msg_vendor:
	.asciz "torture: cpuid vendor "
msg_leaf:
	.asciz ", max leaf "
msg_passed:
	.asciz "torture: 13 checks passed\n"

	.data
	.balign 8
buf:
	.quad 0
max_leaf:
	.long 0
vendor:
	.fill 13, 1, 0			/* 12 characters and a NUL */
