/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests for the in-kernel irqchip tests (khv_irqchip_test.c): interrupts
 * taken through a real IDT from the local APIC (timer, IPI, MSI, IOAPIC)
 * and from the 8259, IPIs sent through the ICR, and an AP started by
 * INIT/SIPI. The layout at GUEST_DATA_GPA is in guest_abi.h (IRQ_*).
 */
#include "guest.inc"
#include "irqchip.inc"

#define APIC		0xfee00000	/* xAPIC page, reached through a register */
#define IOAPIC		0xfec00000

/* 64-bit interrupt gate for vector in %rax to handler at GPA @h (below 64 KiB). */
#define SET_GATE(h)				\
	shl $4, %rax;				\
	add $IRQ_IDT_GPA, %rax;			\
	movw $(h), (%rax);			\
	movw $SEL_CODE64, 2(%rax);		\
	movw $0x8e00, 4(%rax);			\
	movw $0, 6(%rax);			\
	movq $0, 8(%rax)

/*
 * Counts interrupts of one vector until there are enough, halting in
 * between, then reports REPORT_VALUE with the count in RCX.
 *   R12: vector; R13: interrupts to wait for; R15: argument of the flags;
 *   R14: IRQF_* flags (guest_abi.h) saying what to set up first;
 *   RBX: the PIT's control word and count with IRQF_PIT.
 * IRQ_READY is set to 1 once everything is set up, before the first HLT.
 * The handler sends the EOI to the 8259 with IRQF_PIC, else to the APIC;
 * the one that reaches the count returns with interrupts disabled;
 * with IRQF_IOAPIC_LEVEL it masks the IOAPIC pin once the count is reached,
 * before the EOI, so the still-asserted line stops coming back.
 */
GUEST64(irq_count64)
	lidt GPA(irq_count64, idtr)
	mov %r12, %rax
	SET_GATE(GPA(irq_count64, handler))
	mov $0xff, %rax				/* the APIC's spurious vector */
	SET_GATE(GPA(irq_count64, spurious))
	mov $APIC, %esi
	mov $IOAPIC, %edi

	test $IRQF_PIC_OFF, %r14d
	jz 1f
	mov $0xff, %al
	out %al, $0x21
	out %al, $0xa1
1:	test $IRQF_APIC_ON, %r14d
	jz 1f
	movl $0x1ff, 0xf0(%rsi)			/* SVR: enabled, spurious 0xff */
1:	test $IRQF_PIC_INIT, %r14d
	jz 1f
	mov $0x11, %al				/* ICW1: edge, cascade, ICW4 */
	out %al, $0x20
	out %al, $0xa0
	mov $IRQ_PIC_BASE, %al			/* ICW2 */
	out %al, $0x21
	mov $(IRQ_PIC_BASE + 8), %al
	out %al, $0xa1
	mov $4, %al				/* ICW3: slave on IR2 */
	out %al, $0x21
	mov $2, %al
	out %al, $0xa1
	mov $1, %al				/* ICW4: 8086 mode */
	out %al, $0x21
	out %al, $0xa1
	mov %r15d, %eax				/* OCW1: master IMR in R15 */
	out %al, $0x21
	shr $8, %eax				/* slave IMR in R15 15:8 */
	out %al, $0xa1
1:	test $IRQF_IOAPIC, %r14d
	jz 1f
	lea 0x10(, %r15, 2), %eax		/* redirection entry of pin R15 */
	inc %eax
	movl %eax, (%rdi)			/* high half: destination APIC 0 */
	movl $0, 0x10(%rdi)
	dec %eax
	movl %eax, (%rdi)
	mov %r12d, %edx
	test $IRQF_IOAPIC_LEVEL, %r14d
	jz 2f
	or $0x8000, %edx			/* level-triggered */
2:	movl %edx, 0x10(%rdi)
1:	test $IRQF_TIMER_ONESHOT | IRQF_TIMER_PERIODIC, %r14d
	jz 1f
	movl $0xb, 0x3e0(%rsi)			/* divide by 1 */
	mov %r12d, %eax
	test $IRQF_TIMER_PERIODIC, %r14d
	jz 2f
	or $0x20000, %eax
2:	movl %eax, 0x320(%rsi)			/* LVT timer */
	movl %r15d, 0x380(%rsi)			/* initial count */
1:	test $IRQF_PIT, %r14d
	jz 1f
	mov %ebx, %eax
	shr $16, %eax
	out %al, $0x43				/* control word */
	mov %bl, %al
	out %al, $0x40				/* count LSB, MSB */
	mov %bh, %al
	out %al, $0x40
1:	movl $1, IRQ_READY_GPA

wait:	cmp IRQ_COUNT_GPA, %r13d
	jbe done
	hlt
	jmp wait
done:	movl $0, 0x380(%rsi)			/* stop a periodic timer */
	mov IRQ_COUNT_GPA, %ecx
	REPORT(REPORT_VALUE)
	hlt

handler:
	push %rax
	push %rdx
	incl IRQ_COUNT_GPA
	/*
	 * Enough: return with IF = 0 (RFLAGS in the frame, above RDX, RAX,
	 * RIP, CS), so that the loop gets to stop the source even when the
	 * next tick is already pending at IRET, as on a host slower than the
	 * period (the debug kernel with the PIT at 100 Hz).
	 */
	cmp IRQ_COUNT_GPA, %r13d
	ja 4f
	andq $~0x200, 32(%rsp)
4:
	test $IRQF_IOAPIC_LEVEL, %r14d
	jz 1f
	cmp IRQ_COUNT_GPA, %r13d
	ja 1f
	lea 0x10(, %r15, 2), %eax
	movl %eax, (%rdi)
	mov %r12d, %edx
	or $0x18000, %edx			/* level, masked */
	movl %edx, 0x10(%rdi)
1:	test $IRQF_PIC_INIT, %r14d
	jz 1f
	mov $0x20, %al				/* non-specific EOI */
	cmp $(IRQ_PIC_BASE + 8), %r12d
	jb 2f
	out %al, $0xa0
2:	out %al, $0x20
	jmp 3f
1:	movl $0, 0xb0(%rsi)			/* APIC EOI */
3:	pop %rdx
	pop %rax
	iretq

/* Spurious interrupts need no EOI (SDM Vol. 3A 10.9). */
spurious:
	incl IRQ_SPURIOUS_GPA
	iretq

idtr:	.word 0xfff
	.quad IRQ_IDT_GPA
GUEST_END(irq_count64)

/*
 * Sends one IPI once the targets are ready: waits until IRQ_READY is
 * non-zero and at least R14, writes the ICR (destination in R13, low half
 * in R12), reports DONE. Position independent: the test copies it to
 * IRQ_CODE2_GPA.
 */
GUEST64(ipi_send64)
	mov $APIC, %esi
	movl $0x1ff, 0xf0(%rsi)
1:	pause
	mov IRQ_READY_GPA, %eax
	test %eax, %eax
	je 1b
	cmp %r14d, %eax
	jb 1b
	mov %r13d, %eax
	shl $24, %eax
	movl %eax, 0x310(%rsi)
	movl %r12d, 0x300(%rsi)
	REPORT(REPORT_DONE)
	hlt
GUEST_END(ipi_send64)

/*
 * Starts the AP with APIC ID R13 at SIPI vector R12 (INIT assert, INIT
 * de-assert, SIPI twice as the MP specification asks; the second SIPI finds
 * the AP running and is ignored), then reports DONE.
 */
GUEST64(sipi_send64)
	mov $APIC, %esi
	movl $0x1ff, 0xf0(%rsi)
	mov %r13d, %eax
	shl $24, %eax
	movl %eax, 0x310(%rsi)
	movl $0xc500, 0x300(%rsi)		/* INIT, level, assert */
	movl $0x8500, 0x300(%rsi)		/* INIT, level, de-assert */
	mov %r12d, %eax
	or $0x4600, %eax			/* start-up */
	movl %eax, 0x300(%rsi)
	movl %eax, 0x300(%rsi)
	REPORT(REPORT_DONE)
	hlt
GUEST_END(sipi_send64)

/*
 * One of several vCPUs that wait for an IPI of vector R12: counts it in its
 * own u32 at IRQ_PER_APIC_GPA + 4 * APIC ID, adds 1 to IRQ_READY (so a
 * sender can wait for all of them) and halts until it has one; then reports
 * REPORT_VALUE with its count in RCX. The vCPUs share the IDT.
 */
GUEST64(ipi_recv64)
	lidt GPA(ipi_recv64, recv_idtr)
	mov %r12, %rax
	SET_GATE(GPA(ipi_recv64, recv_handler))
	mov $APIC, %esi
	movl $0x1ff, 0xf0(%rsi)			/* SVR: enabled, spurious 0xff */
	mov 0x20(%rsi), %edi			/* APIC ID in bits 31:24 */
	shr $24, %edi
	lea IRQ_PER_APIC_GPA(, %rdi, 4), %rdi
	lock incl IRQ_READY_GPA
	/* STI's shadow keeps the IPI from landing between the check and HLT. */
1:	cli
	cmpl $0, (%rdi)
	jne 2f
	sti
	hlt
	jmp 1b
2:	mov (%rdi), %ecx
	REPORT(REPORT_VALUE)
	hlt

/* Returns with IF = 0 (RFLAGS in the frame above RIP, CS). */
recv_handler:
	incl (%rdi)
	andq $~0x200, 16(%rsp)
	movl $0, 0xb0(%rsi)			/* APIC EOI */
	iretq

recv_idtr:	.word 0xfff
	.quad IRQ_IDT_GPA
GUEST_END(ipi_recv64)

/* The AP's first code, real mode at vector << 12: reports 0x51b1 and CS. */
GUEST16(sipi_ap16)
	mov $0x51b1, %ecx
	mov %cs, %bx
	REPORT(REPORT_VALUE)
1:	hlt
	jmp 1b
GUEST_END(sipi_ap16)

/*
 * x2APIC and the TSC-deadline timer, all through MSRs: checks CPUID.1:ECX
 * bits 21 and 24 (else REPORT_FAIL, RBX 1, RCX = ECX), sets EXTD in
 * IA32_APIC_BASE, stores the x2APIC ID (MSR 0x802) at IRQ_X2APIC_ID_GPA,
 * CR8 <- 5 then the TPR (MSR 0x808) at IRQ_TPR_GPA, and CR8 read back at
 * IRQ_CR8_GPA; TPR back to 0, then a SELF IPI and a TSC deadline 100000
 * ticks ahead, both vector 0x90. Reports REPORT_VALUE with the count in
 * RCX once both came.
 */
#define WRMSR_IMM(msr, lo)	mov $(msr), %ecx; mov $(lo), %eax; xor %edx, %edx; wrmsr

GUEST64(x2apic64)
	lidt GPA(x2apic64, x2_idtr)
	mov $0x90, %rax
	SET_GATE(GPA(x2apic64, x2_handler))
	mov $0xff, %al
	out %al, $0x21
	out %al, $0xa1
	mov $1, %eax
	cpuid
	and $0x1200000, %ecx
	cmp $0x1200000, %ecx
	je 1f
	mov $1, %ebx
	REPORT(REPORT_FAIL)
	hlt
1:	mov $0x1b, %ecx				/* IA32_APIC_BASE: EXTD */
	rdmsr
	or $0x400, %eax
	wrmsr
	WRMSR_IMM(0x80f, 0x1ff)			/* SVR */
	mov $0x802, %ecx
	rdmsr
	mov %eax, IRQ_X2APIC_ID_GPA
	mov $5, %eax
	mov %rax, %cr8
	mov $0x808, %ecx
	rdmsr
	mov %eax, IRQ_TPR_GPA
	mov %cr8, %rax
	mov %eax, IRQ_CR8_GPA
	WRMSR_IMM(0x808, 0)
	WRMSR_IMM(0x83f, 0x90)			/* SELF IPI */
	WRMSR_IMM(0x832, 0x40090)		/* LVT timer: TSC deadline */
	rdtsc
	add $100000, %eax
	adc $0, %edx
	mov $0x6e0, %ecx			/* IA32_TSC_DEADLINE */
	wrmsr
2:	cmpl $2, IRQ_COUNT_GPA
	jae 3f
	hlt
	jmp 2b
3:	mov IRQ_COUNT_GPA, %ecx
	REPORT(REPORT_VALUE)
	hlt

x2_handler:
	push %rax
	push %rcx
	push %rdx
	incl IRQ_COUNT_GPA
	WRMSR_IMM(0x80b, 0)			/* EOI */
	pop %rdx
	pop %rcx
	pop %rax
	iretq

x2_idtr:	.word 0xfff
	.quad IRQ_IDT_GPA
GUEST_END(x2apic64)

	.section .note.GNU-stack, "", @progbits
