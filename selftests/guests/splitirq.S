/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest for the split irqchip tests (khv_splitirq_test.c): an ExtINT that
 * userspace hands over with KVM_INTERRUPT (the 8259 is the VMM's). The
 * other split tests use irq_count64 (irqchip.S).
 */
#include "guest.inc"
#include "irqchip.inc"

/*
 * Counts interrupts of vector R12 until there are R13, then reports
 * REPORT_VALUE with the count in RCX. Starts with IF = 0 (the test sets
 * RFLAGS), loads its IDT, executes STI; NOP and only then sets IRQ_READY,
 * so an interrupt window that opens finds the IDT ready, and IRQ_READY
 * means IF = 1. The handler sends no EOI: an ExtINT is not in the APIC's
 * ISR (SDM Vol. 3A 10.5.1, ExtINT).
 */
GUEST64(extint64)
	lidt GPA(extint64, idtr)
	mov %r12, %rax
	shl $4, %rax
	add $IRQ_IDT_GPA, %rax
	movw $GPA(extint64, handler), (%rax)
	movw $SEL_CODE64, 2(%rax)
	movw $0x8e00, 4(%rax)
	movw $0, 6(%rax)
	movq $0, 8(%rax)
	sti
	nop
	movl $1, IRQ_READY_GPA
wait:	cmp IRQ_COUNT_GPA, %r13d
	jbe done
	hlt
	jmp wait
done:	mov IRQ_COUNT_GPA, %ecx
	REPORT(REPORT_VALUE)
	hlt

handler:
	incl IRQ_COUNT_GPA
	iretq

idtr:	.word 0xfff
	.quad IRQ_IDT_GPA
GUEST_END(extint64)

	.section .note.GNU-stack, "", @progbits
