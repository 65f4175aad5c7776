/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests for khv_fpu_test (64-bit mode): they store, load and clobber the
 * x87/SSE/AVX registers, execute XSETBV, read CPUID's XSAVE leaves and move
 * to and from the debug registers. Data page layout in fpu.inc.
 */
#include "guest.inc"
#include "fpu.inc"

#define DATA(off)	(GUEST_DATA_GPA + (off))

/* CR4.OSFXSR | CR4.OSXMMEXCPT: SSE instructions work (SDM Vol. 3A, 2.5). */
#define ENABLE_SSE				\
	mov %cr4, %rax;				\
	or $0x600, %rax;			\
	mov %rax, %cr4

/*
 * FXSAVE to DATA(FPU_FXSAVE_OFF); with R12 != 0 also the upper halves of
 * YMM0-15 to DATA(FPU_YMMH_OFF) (needs CR4.OSXSAVE and XCR0.AVX). DONE.
 */
GUEST64(fpu_store64)
	ENABLE_SSE
	fxsave64 DATA(FPU_FXSAVE_OFF)
	test %r12, %r12
	jz 1f
	.irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	vextractf128 $1, %ymm\n, DATA(FPU_YMMH_OFF) + 16 * \n
	.endr
1:	REPORT(REPORT_DONE)
	hlt
GUEST_END(fpu_store64)

/* The reverse: FXRSTOR, and with R12 != 0 the upper halves. DONE. */
GUEST64(fpu_load64)
	ENABLE_SSE
	fxrstor64 DATA(FPU_FXSAVE_OFF)
	test %r12, %r12
	jz 1f
	.irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	vinsertf128 $1, DATA(FPU_YMMH_OFF) + 16 * \n, %ymm\n, %ymm\n
	.endr
1:	REPORT(REPORT_DONE)
	hlt
GUEST_END(fpu_load64)

/*
 * For i = 1..R12: every dword of XMMn (of YMMn with R13 != 0) gets
 * R14 + i + n; OUT EAX = i to COUNT_PORT (an exit to the test, which
 * checks its own registers); then all sixteen are stored and compared.
 * A difference reports FAIL with RBX = n, RCX = the dword found. DONE.
 */
GUEST64(clobber64)
	ENABLE_SSE
	xor %ebx, %ebx
1:	inc %ebx
	mov %r14d, %r15d
	add %ebx, %r15d
	.irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	lea \n(%r15), %eax
	movd %eax, %xmm\n
	pshufd $0, %xmm\n, %xmm\n
	.endr
	test %r13, %r13
	jz 2f
	.irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	vinsertf128 $1, %xmm\n, %ymm\n, %ymm\n
	.endr
2:	mov %ebx, %eax
	mov $COUNT_PORT, %dx
	out %eax, %dx
	test %r13, %r13
	jz 3f
	.irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	vmovdqu %ymm\n, DATA(FPU_REGS_OFF) + 32 * \n
	.endr
	jmp 4f
3:
	.irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	movdqu %xmm\n, DATA(FPU_REGS_OFF) + 32 * \n
	.endr
	/* Register n, dword k (counted down from 4 or 8) at 32 * n + 4 * (k - 1). */
4:	xor %esi, %esi
5:	lea (%r15, %rsi), %edi
	mov %rsi, %r8
	shl $5, %r8
	mov $4, %ecx
	test %r13, %r13
	jz 6f
	mov $8, %ecx
6:	cmp %edi, DATA(FPU_REGS_OFF) - 4(%r8, %rcx, 4)
	jne 8f
	loop 6b
	inc %esi
	cmp $16, %esi
	jb 5b
	cmp %r12d, %ebx
	jb 1b
	REPORT(REPORT_DONE)
	hlt
8:	mov DATA(FPU_REGS_OFF) - 4(%r8, %rcx, 4), %ecx
	mov %esi, %ebx
	REPORT(REPORT_FAIL)
	hlt
GUEST_END(clobber64)

/* A 64-bit interrupt gate for @vec to @label of guest @name (SDM 6.14.1). */
#define IDT		DATA(FPU_IDT_OFF)
#define GATE(name, vec, label)				\
	mov $GPA(name, label), %eax;			\
	mov %ax, IDT + 16 * (vec);			\
	movw $SEL_CODE64, IDT + 16 * (vec) + 2;		\
	movw $0x8e00, IDT + 16 * (vec) + 4;		\
	shr $16, %eax;					\
	mov %ax, IDT + 16 * (vec) + 6;			\
	movq $0, IDT + 16 * (vec) + 8

/*
 * Runs the XSETBVs listed at DATA(FPU_CASES_OFF) (a count, then ECX and
 * EDX:EAX of each) with handlers for #UD and #GP that note the vector in
 * R8 and step over the 3-byte XSETBV. After each: REPORT_VALUE with
 * RBX = case, R8 = vector or 0, R9 = XCR0 read back (0 after #UD). DONE.
 */
GUEST64(xsetbv64)
	GATE(xsetbv64, FPU_VEC_UD, xsetbv64_ud)
	GATE(xsetbv64, FPU_VEC_GP, xsetbv64_gp)
	movw $(16 * (FPU_VEC_GP + 1) - 1), DATA(FPU_IDTR_OFF)
	movq $IDT, DATA(FPU_IDTR_OFF) + 2
	lidt DATA(FPU_IDTR_OFF)
	xor %ebx, %ebx
1:	cmp DATA(FPU_CASES_OFF), %rbx
	jae 3f
	mov %rbx, %rsi
	shl $4, %rsi
	mov DATA(FPU_CASES_OFF) + 8(%rsi), %rcx
	mov DATA(FPU_CASES_OFF) + 16(%rsi), %rax
	mov %rax, %rdx
	shr $32, %rdx
	xor %r8d, %r8d
	xor %r9d, %r9d
	xsetbv
	cmp $FPU_VEC_UD, %r8d
	je 2f
	xor %ecx, %ecx
	xgetbv
	shl $32, %rdx
	or %rax, %rdx
	mov %rdx, %r9
2:	REPORT(REPORT_VALUE)
	inc %ebx
	jmp 1b
3:	REPORT(REPORT_DONE)
	hlt
xsetbv64_ud:				/* no error code */
	mov $FPU_VEC_UD, %r8d
	addq $3, (%rsp)
	iretq
xsetbv64_gp:				/* error code on top */
	mov $FPU_VEC_GP, %r8d
	add $8, %rsp
	addq $3, (%rsp)
	iretq
GUEST_END(xsetbv64)

/* CPUID.1:ECX in R8; CPUID.(0DH, 0) EAX, EBX, ECX in R9-R11. VALUE. */
GUEST64(cpuid_xsave64)
	mov $1, %eax
	xor %ecx, %ecx
	cpuid
	mov %ecx, %r8d
	mov $0xd, %eax
	xor %ecx, %ecx
	cpuid
	mov %eax, %r9d
	mov %ebx, %r10d
	mov %ecx, %r11d
	REPORT(REPORT_VALUE)
	hlt
GUEST_END(cpuid_xsave64)

/*
 * DR0-3, DR6, DR7 into R8-R13, REPORT_VALUE; then loads them from the six
 * u64 at DATA(FPU_DR_OFF) and reports DONE.
 */
GUEST64(dr64)
	mov %db0, %r8
	mov %db1, %r9
	mov %db2, %r10
	mov %db3, %r11
	mov %db6, %r12
	mov %db7, %r13
	REPORT(REPORT_VALUE)
	mov DATA(FPU_DR_OFF), %rax
	mov %rax, %db0
	mov DATA(FPU_DR_OFF) + 8, %rax
	mov %rax, %db1
	mov DATA(FPU_DR_OFF) + 16, %rax
	mov %rax, %db2
	mov DATA(FPU_DR_OFF) + 24, %rax
	mov %rax, %db3
	mov DATA(FPU_DR_OFF) + 32, %rax
	mov %rax, %db6
	mov DATA(FPU_DR_OFF) + 40, %rax
	mov %rax, %db7
	REPORT(REPORT_DONE)
	hlt
GUEST_END(dr64)

	.section .note.GNU-stack, "", @progbits
