/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests for the execution basics: HLT, CPUID, triple faults, the reset
 * vector and a guest that switches itself from real to long mode.
 */
#include "guest.inc"

/* HLT, then report DONE: the test checks the HLT exit and RIP after it. */
GUEST16(hlt16)
	hlt
	REPORT(REPORT_DONE)
	hlt
GUEST_END(hlt16)

GUEST32(hlt32)
	hlt
	REPORT(REPORT_DONE)
	hlt
GUEST_END(hlt32)

GUEST64(hlt64)
	hlt
	REPORT(REPORT_DONE)
	hlt
GUEST_END(hlt64)

/*
 * Copied to 0xfffffff0, the first instruction after reset (CS.base
 * 0xffff0000 + IP 0xfff0): 12 of the 16 bytes below 4 GiB.
 */
GUEST16(reset_vector)
	REPORT(REPORT_DONE)
	hlt
GUEST_END(reset_vector)

/* VMCALL of a hypercall number nobody implements; reports RAX after it. */
GUEST32(vmcall32)
	mov $0x12345, %eax
	vmcall
	mov %eax, %ecx
	REPORT(REPORT_VALUE)
	hlt
GUEST_END(vmcall32)

GUEST64(vmcall64)
	mov $0x12345, %eax
	vmcall
	mov %rax, %rcx
	REPORT(REPORT_VALUE)
	hlt
GUEST_END(vmcall64)

/* CPUID leaves 0, 1 and 0x80000000 stored as EAX, EBX, ECX, EDX at DATA. */
#define CPUID_TO(leaf, off)			\
	mov $(leaf), %eax;			\
	xor %ecx, %ecx;				\
	cpuid;					\
	mov %eax, GUEST_DATA_GPA + (off);	\
	mov %ebx, GUEST_DATA_GPA + (off) + 4;	\
	mov %ecx, GUEST_DATA_GPA + (off) + 8;	\
	mov %edx, GUEST_DATA_GPA + (off) + 12

GUEST16(cpuid16)
	CPUID_TO(0, 0)
	CPUID_TO(1, 16)
	CPUID_TO(0x80000000, 32)
	REPORT(REPORT_DONE)
	hlt
GUEST_END(cpuid16)

GUEST32(cpuid32)
	CPUID_TO(0, 0)
	CPUID_TO(1, 16)
	CPUID_TO(0x80000000, 32)
	REPORT(REPORT_DONE)
	hlt
GUEST_END(cpuid32)

GUEST64(cpuid64)
	CPUID_TO(0, 0)
	CPUID_TO(1, 16)
	CPUID_TO(0x80000000, 32)
	REPORT(REPORT_DONE)
	hlt
GUEST_END(cpuid64)

/*
 * With the IDT limit at 0 (vcpu_setup) no exception can be delivered:
 * the #GP becomes #DF, the #DF a triple fault.
 */
GUEST64(triple64)
	mov $0x8000000000000000, %rax	/* non-canonical: #GP */
	mov (%rax), %rax
	REPORT(REPORT_FAIL)
	hlt
GUEST_END(triple64)

GUEST16(triple16)
	int $0x21			/* beyond the IVT limit: #GP */
	REPORT(REPORT_FAIL)
	hlt
GUEST_END(triple16)

GUEST32(triple32)
	int $0x21			/* beyond the IDT limit: #GP */
	REPORT(REPORT_FAIL)
	hlt
GUEST_END(triple32)

/*
 * Real mode -> 32-bit protected mode -> 64-bit long mode, the way a boot
 * loader does it, reporting VALUE with ECX = 16, 32, 64 at each stage.
 */
GUEST16(mode_switch)
	mov $16, %ecx
	REPORT(REPORT_VALUE)
	lgdtl GPA(mode_switch, gdtr)
	mov %cr0, %eax
	or $1, %eax			/* CR0.PE */
	mov %eax, %cr0
	ljmpl $SEL_CODE32, $GPA(mode_switch, pm32)
	.code32
pm32:
	mov $SEL_DATA32, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $32, %ecx
	REPORT(REPORT_VALUE)
	mov $GUEST_PML4_GPA, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $0x20, %eax			/* CR4.PAE */
	mov %eax, %cr4
	mov $0xc0000080, %ecx		/* IA32_EFER */
	rdmsr
	or $0x100, %eax			/* LME */
	wrmsr
	mov %cr0, %eax
	or $0x80000000, %eax		/* CR0.PG: activates long mode */
	mov %eax, %cr0
	ljmp $SEL_CODE64, $GPA(mode_switch, lm64)
	.code64
lm64:
	mov $64, %ecx
	REPORT(REPORT_VALUE)
	REPORT(REPORT_DONE)
	hlt
	.balign 8
gdtr:
	.word GUEST_GDT_ENTRIES * 8 - 1
	.long GUEST_GDT_GPA
GUEST_END(mode_switch)

/* Spins forever (IF=1 from vcpu_setup): for signals, kills, timeouts. */
GUEST64(spin64)
1:	jmp 1b
GUEST_END(spin64)

	.section .note.GNU-stack, "", @progbits
