/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests of khv_pit_test.c that talk to the in-kernel i8254 directly (the
 * interrupt counting guest is irq_count64 of irqchip.S with IRQF_PIT).
 */
#include "guest.inc"

/*
 * Counter 1 as a rate generator with count 0x1234, then a counter latch and
 * a read-back of its status: reports REPORT_VALUE with the latched count
 * in RCX, the status in RBX, and in RDX the count read with no latch.
 */
GUEST64(pit_read64)
	mov $0x74, %al				/* counter 1, LSB+MSB, mode 2 */
	out %al, $0x43
	mov $0x34, %al
	out %al, $0x41
	mov $0x12, %al
	out %al, $0x41
	mov $0x40, %al				/* latch counter 1 */
	out %al, $0x43
	xor %ecx, %ecx
	in $0x41, %al
	mov %al, %cl
	in $0x41, %al
	mov %al, %ch
	mov $0xe4, %al				/* read-back: status of counter 1 */
	out %al, $0x43
	xor %ebx, %ebx
	in $0x41, %al
	mov %al, %bl
	xor %edx, %edx
	in $0x41, %al
	mov %al, %dl
	in $0x41, %al
	mov %al, %dh
	REPORT(REPORT_VALUE)
	hlt
GUEST_END(pit_read64)

/*
 * Port 0x61: reads it (RBX), sets channel 2's gate (bit 0), reads it again
 * (RCX), reports REPORT_VALUE. Without the speaker stub the first IN is an
 * exit to userspace.
 */
GUEST64(pit_speaker64)
	xor %eax, %eax
	in $0x61, %al
	mov %eax, %ebx
	mov $1, %al
	out %al, $0x61
	xor %eax, %eax
	in $0x61, %al
	mov %eax, %ecx
	REPORT(REPORT_VALUE)
	hlt
GUEST_END(pit_speaker64)

	.section .note.GNU-stack, "", @progbits
