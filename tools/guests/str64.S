/* SPDX-License-Identifier: GPL-2.0 */
/*
 * String helpers for the 64-bit guests that build and parse messages in
 * memory (disk sectors, network frames). Every routine keeps all registers
 * except the ones it documents; the direction flag must be clear.
 */
	.code64
	.text

/* strput: copy the string at %rsi to %rdi, NUL-terminated; %rdi ends on the NUL. */
	.globl strput
strput:
	push %rax
	push %rsi
1:	lodsb
	stosb
	test %al, %al
	jnz 1b
	dec %rdi
	pop %rsi
	pop %rax
	ret

/* decput: %rax in decimal at %rdi, NUL-terminated; %rdi ends on the NUL. */
	.globl decput
decput:
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
	call strput
	add $24, %rsp
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rax
	ret

/* decget: the decimal number at %rsi in %rax; %rsi ends after its digits. */
	.globl decget
decget:
	push %rcx
	xor %eax, %eax
1:	movzbl (%rsi), %ecx
	sub $'0', %ecx
	cmp $9, %ecx
	ja 2f
	imul $10, %rax, %rax
	add %rcx, %rax
	inc %rsi
	jmp 1b
2:	pop %rcx
	ret

/* strpre: ZF set when the bytes at %rdi begin with the string at %rsi. */
	.globl strpre
strpre:
	push %rax
	push %rsi
	push %rdi
1:	lodsb
	test %al, %al
	jz 2f				/* the whole prefix matched: ZF=1 */
	cmp (%rdi), %al
	jne 2f				/* ZF=0 */
	inc %rdi
	jmp 1b
2:	pop %rdi			/* pop and ret keep the flags */
	pop %rsi
	pop %rax
	ret
