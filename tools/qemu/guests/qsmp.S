/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qsmp: firmware for 2 vCPUs. The BSP copies a far jump to 0x8000, enters
 * flat protected mode and sends INIT and two SIPIs (vector 8) to APIC ID 1
 * through the local APIC's ICR at 0xfee00000; the AP starts in real mode at
 * 0800:0000, jumps into the ROM, increments a counter in RAM and spins.
 * The BSP waits for the counter (bounded) and ends:
 *   "qsmp: AP up, count=00000001"
 * With kernel-irqchip=off QEMU's own APIC takes the ICR writes as MMIO
 * exits and starts the AP with KVM_SET_REGS/SREGS.
 */
#include "rom.h"

#define AP_COUNT	0x600		/* word in RAM */
#define TRAMPOLINE	0x8000		/* SIPI vector 8 */
#define APIC_ICR_LO	0xfee00300
#define APIC_ICR_HI	0xfee00310
#define WAIT_LOOPS	20000000

	.code16
	.text
	.globl _start
_start:
	cli
	xor %ax, %ax
	mov %ax, %ss
	mov %ax, %es
	mov $STACK_TOP, %sp
	mov %cs, %ax
	mov %ax, %ds
	cld
	SERIAL_INIT
	mov $msg_start, %si
	call puts16
	movw $0, %es:AP_COUNT
	movb $0xea, %es:TRAMPOLINE		/* ljmp F000:ap_entry */
	movw $ap_entry, %es:(TRAMPOLINE + 1)
	movw $ROM_SEG, %es:(TRAMPOLINE + 3)
	ENTER_PROT32(pm32)

	.code32
pm32:
	FLAT32_SEGS
	movl $0x01000000, APIC_ICR_HI		/* destination: APIC ID 1 */
	movl $0x00004500, APIC_ICR_LO		/* INIT, assert */
	call delay
	movl $0x00004608, APIC_ICR_LO		/* SIPI, vector 8 */
	call delay
	movl $0x00004608, APIC_ICR_LO
	mov $WAIT_LOOPS, %ecx
1:	cmpw $0, AP_COUNT
	jne 2f
	pause
	loop 1b
	mov $ROM_LIN(msg_none), %esi
	call puts_flat32
	EXIT_FLAT(FAIL_VAL)
2:	mov $ROM_LIN(msg_up), %esi
	call puts_flat32
	movzwl AP_COUNT, %eax
	call puthex_flat32
	mov $'\n', %al
	SERIAL_PUTC
	EXIT_FLAT(PASS_VAL)

delay:
	mov $10000, %ecx
1:	pause
	loop 1b
	ret

	.code16
ap_entry:
	xor %ax, %ax
	mov %ax, %ds
	lock incw AP_COUNT
	/*
	 * Spin, do not halt: an AP in HLT with IF=0 hung QEMU 7.2 with
	 * kernel-irqchip=off on kvm_intel (the BSP never ran again;
	 * docs/qemu.md). IF=1 as in qspin.S; nothing interrupts it.
	 */
	sti
1:	jmp 1b

msg_start:	.asciz "qsmp: starting the AP\n"
msg_up:		.asciz "qsmp: AP up, count="
msg_none:	.asciz "qsmp: no AP FAIL\n"

#include "flat32.inc"
#include "flat.inc"
#include "rom16.inc"
