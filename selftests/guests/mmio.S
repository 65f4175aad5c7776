/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests of khv_mmio_test.c: each is one memory-access instruction followed
 * by OUT AL to CHECK_PORT and HLT (mmio.inc). The test sets every register
 * (pointers to MMIO_GPA in RBX, RSI, RDI, RBP), serves the MMIO exits and
 * checks the registers at the OUT; the expected values are in the test.
 */
#include "guest.inc"
#include "mmio.inc"

#define MMIO_CASE(bits, name, insn...)		\
	GUEST##bits(name)			\
	insn;					\
	out %al, $CHECK_PORT;			\
	hlt;					\
	GUEST_END(name)

/*
 * RIP-relative operand at @addr for an instruction of @len bytes at the
 * start of a guest. A plain number, so that the assembler puts it in the
 * instruction as it is instead of making it relative to a symbol.
 */
#define RIPREL(addr, len)	((addr) - GUEST_CODE_GPA - (len))(%rip)

/* 64-bit mode: stores. */
MMIO_CASE(64, m64_st8, mov %al, (%rbx))
MMIO_CASE(64, m64_st8_ah, mov %ah, 1(%rbx))
MMIO_CASE(64, m64_st16, mov %ax, 2(%rbx))
MMIO_CASE(64, m64_st32, mov %eax, 4(%rbx))
MMIO_CASE(64, m64_st64, mov %rax, 8(%rbx))
MMIO_CASE(64, m64_st64_r9, mov %r9, 0x10(%rbx))
MMIO_CASE(64, m64_st32_sib, mov %r10d, 0x8(%rbx, %rcx, 4))
MMIO_CASE(64, m64_st8_r11b, mov %r11b, 0x20(%rbx))
MMIO_CASE(64, m64_st8_sil, mov %sil, 0x21(%rbx))
MMIO_CASE(64, m64_imm8, movb $0x5a, 0x30(%rbx))
MMIO_CASE(64, m64_imm16, movw $0x1234, 0x32(%rbx))
MMIO_CASE(64, m64_imm32, movl $0xdeadbeef, 0x34(%rbx))
MMIO_CASE(64, m64_imm64, movq $-2, 0x38(%rbx))
MMIO_CASE(64, m64_moffs_st32, movabs %eax, MMIO_GPA + 0x40)
MMIO_CASE(64, m64_moffs_st8, movabs %al, MMIO_GPA + 0x44)
MMIO_CASE(64, m64_fs_st32, mov %ecx, %fs:0x50(%rbx))
MMIO_CASE(64, m64_addr32_st32, addr32 mov %eax, (%ebx))
MMIO_CASE(64, m64_riprel_st32, mov %edx, RIPREL(MMIO_GPA + 0x48, 6))

/* 64-bit mode: loads. */
MMIO_CASE(64, m64_ld8, mov 0x60(%rbx), %cl)
MMIO_CASE(64, m64_ld8_ch, mov 0x60(%rbx), %ch)
MMIO_CASE(64, m64_ld16, mov 0x60(%rbx), %cx)
MMIO_CASE(64, m64_ld32, mov 0x60(%rbx), %ecx)
MMIO_CASE(64, m64_ld64, mov 0x60(%rbx), %rcx)
MMIO_CASE(64, m64_ld32_r12d, mov 0x60(%rbx), %r12d)
MMIO_CASE(64, m64_ld8_r13b, mov 0x60(%rbx), %r13b)
MMIO_CASE(64, m64_movzbl, movzbl 0x60(%rbx), %edx)
MMIO_CASE(64, m64_movzwq, movzwq 0x60(%rbx), %r8)
MMIO_CASE(64, m64_movsbl, movsbl 0x60(%rbx), %edx)
MMIO_CASE(64, m64_movsbw, movsbw 0x60(%rbx), %dx)
MMIO_CASE(64, m64_movswq, movswq 0x60(%rbx), %rdx)
MMIO_CASE(64, m64_movslq, movslq 0x60(%rbx), %rdx)
MMIO_CASE(64, m64_moffs_ld64, movabs MMIO_GPA + 0x68, %rax)
MMIO_CASE(64, m64_moffs_ld8, movabs MMIO_GPA + 0x68, %al)
MMIO_CASE(64, m64_ld32_rbp, mov 0x10(%rbp), %ecx)
MMIO_CASE(64, m64_riprel_ld64, mov RIPREL(MMIO_GPA + 0x70, 7), %r14)

/* 64-bit mode: string instructions. */
MMIO_CASE(64, m64_stosl, stosl)
MMIO_CASE(64, m64_rep_stosb, rep stosb)
MMIO_CASE(64, m64_lodsw, lodsw)
MMIO_CASE(64, m64_lodsl, lodsl)
MMIO_CASE(64, m64_movsq, movsq)
MMIO_CASE(64, m64_movsl, movsl)
MMIO_CASE(64, m64_movsw, movsw)
MMIO_CASE(64, m64_rep_movsb, rep movsb)

/* 64-bit mode: not decoded by khv (nor by KVM 6.12), and a page split. */
MMIO_CASE(64, m64_movd_xmm, movd %xmm0, (%rbx))
MMIO_CASE(64, m64_fstps, fstps (%rbx))
MMIO_CASE(64, m64_split_st32, mov %eax, 0xffe(%rbx))
MMIO_CASE(64, m64_split_ram_st32, mov %eax, -2(%rbx))

/* 32-bit protected mode, flat segments. */
MMIO_CASE(32, m32_st8, mov %al, (%ebx))
MMIO_CASE(32, m32_st8_ah, mov %ah, 1(%ebx))
MMIO_CASE(32, m32_st16, mov %ax, 2(%ebx))
MMIO_CASE(32, m32_st32, mov %eax, 4(%ebx))
MMIO_CASE(32, m32_st32_sib, mov %edx, 0x8(%ebx, %ecx, 2))
MMIO_CASE(32, m32_imm8, movb $0xa5, 0x30(%ebx))
MMIO_CASE(32, m32_imm16, movw $0x4321, 0x32(%ebx))
MMIO_CASE(32, m32_imm32, movl $0xcafef00d, 0x34(%ebx))
MMIO_CASE(32, m32_moffs_st32, mov %eax, MMIO_GPA + 0x40)
MMIO_CASE(32, m32_moffs_ld8, mov MMIO_GPA + 0x44, %al)
MMIO_CASE(32, m32_disp32_ld32, mov MMIO_GPA + 0x48, %ecx)
MMIO_CASE(32, m32_ld8, mov 0x60(%ebx), %cl)
MMIO_CASE(32, m32_ld16, mov 0x60(%ebx), %cx)
MMIO_CASE(32, m32_ld32, mov 0x60(%ebx), %ecx)
MMIO_CASE(32, m32_movzbl, movzbl 0x60(%ebx), %edx)
MMIO_CASE(32, m32_movswl, movswl 0x60(%ebx), %edx)
MMIO_CASE(32, m32_ld32_ebp, mov 0x10(%ebp), %ecx)
MMIO_CASE(32, m32_rep_stosw, rep stosw)
MMIO_CASE(32, m32_lodsb, lodsb)
MMIO_CASE(32, m32_movsl, movsl)
MMIO_CASE(32, m32_movsw, movsw)

/* Real mode; the test points DS, ES and SS at MMIO_SEG unless it says otherwise. */
MMIO_CASE(16, m16_st8, mov %al, (%bx))
MMIO_CASE(16, m16_st8_ah, mov %ah, 1(%bx))
MMIO_CASE(16, m16_st16, mov %ax, 2(%bx))
MMIO_CASE(16, m16_st32, mov %eax, 4(%bx))
MMIO_CASE(16, m16_st16_bx_si, mov %cx, (%bx, %si))
MMIO_CASE(16, m16_st16_bp_di, mov %dx, 0x10(%bp, %di))
MMIO_CASE(16, m16_imm8, movb $0x5a, 0x30(%bx))
MMIO_CASE(16, m16_imm16, movw $0x1234, 0x32(%bx))
MMIO_CASE(16, m16_imm32, movl $0x12345678, 0x34(%bx))
MMIO_CASE(16, m16_moffs_ld16, mov 0x40, %ax)
MMIO_CASE(16, m16_moffs_st8, mov %al, 0x44)
MMIO_CASE(16, m16_ld8, mov 0x60(%bx), %cl)
MMIO_CASE(16, m16_ld8_ch, mov 0x60(%bx), %ch)
MMIO_CASE(16, m16_ld16, mov 0x60(%bx), %cx)
MMIO_CASE(16, m16_ld32, mov 0x60(%bx), %ecx)
MMIO_CASE(16, m16_movzbw, movzbw 0x60(%bx), %dx)
MMIO_CASE(16, m16_movsbl, movsbl 0x60(%bx), %edx)
MMIO_CASE(16, m16_addr32_ld16, addr32 mov 0x60(%ebx), %ax)
MMIO_CASE(16, m16_rep_stosw, rep stosw)
MMIO_CASE(16, m16_lodsb, lodsb)
MMIO_CASE(16, m16_movsw_to_ram, movsw)
MMIO_CASE(16, m16_movsw_from_ram, movsw)

	.section .note.GNU-stack, "", @progbits
