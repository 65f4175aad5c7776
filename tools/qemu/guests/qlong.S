/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qlong: firmware that goes from real mode to 64-bit long mode the way a
 * boot loader does (GDT, protected mode, page tables identity-mapping the
 * first 2 MiB, PAE, EFER.LME, paging), printing a line in each mode, and
 * checks EFER.LMA before it ends (isa-debug-exit / triple fault):
 *   "qlong: real mode" "qlong: protected mode" "qlong: long mode, EFER.LMA=1"
 */
#include "rom.h"

#define PT_BASE		0x10000		/* PML4, PDPT, PD in RAM */

	.code16
	.text
	.globl _start
_start:
	cli
	xor %ax, %ax
	mov %ax, %ss
	mov $STACK_TOP, %sp
	mov %cs, %ax
	mov %ax, %ds
	cld
	SERIAL_INIT
	mov $msg16, %si
	call puts16
	ENTER_PROT32(pm32)

	.code32
pm32:
	FLAT32_SEGS
	mov $ROM_LIN(msg32), %esi
	call puts_flat32
	mov $PT_BASE, %edi
	mov $(3 * 1024), %ecx
	xor %eax, %eax
	rep stosl
	movl $(PT_BASE + 0x1003), PT_BASE		/* PML4[0] -> PDPT */
	movl $(PT_BASE + 0x2003), PT_BASE + 0x1000	/* PDPT[0] -> PD */
	movl $0x83, PT_BASE + 0x2000			/* PD[0]: 2 MiB at 0 */
	mov $PT_BASE, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $0x20, %eax			/* CR4.PAE */
	mov %eax, %cr4
	mov $0xc0000080, %ecx		/* IA32_EFER */
	rdmsr
	or $0x100, %eax			/* LME */
	wrmsr
	mov %cr0, %eax
	or $0x80000000, %eax		/* CR0.PG */
	mov %eax, %cr0
	ljmp $SEL_CODE64, $ROM_LIN(lm64)

	.code64
lm64:
	mov $ROM_LIN(msg64), %esi
	call puts_flat64
	mov $0xc0000080, %ecx
	rdmsr
	bt $10, %eax			/* EFER.LMA */
	jnc 1f
	mov $ROM_LIN(msg_ok), %esi
	call puts_flat64
	EXIT_FLAT(PASS_VAL)
1:	mov $ROM_LIN(msg_bad), %esi
	call puts_flat64
	EXIT_FLAT(FAIL_VAL)

puts_flat64:
1:	lodsb
	test %al, %al
	jz 2f
	SERIAL_PUTC
	jmp 1b
2:	ret

msg16:	.asciz "qlong: real mode\n"
msg32:	.asciz "qlong: protected mode\n"
msg64:	.asciz "qlong: long mode, "
msg_ok:	.asciz "EFER.LMA=1\n"
msg_bad: .asciz "EFER.LMA=0 FAIL\n"

#include "flat32.inc"
#include "flat.inc"
#include "rom16.inc"
