/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Port I/O guests, one of each for real, 32-bit and 64-bit mode. The test
 * answers/checks every exit; the ports and values are in khv_pio_test.c.
 */
#include "guest.inc"

/* OUT of 1, 2 and 4 bytes to immediate ports, and of 1 byte to port DX. */
#define PIO_OUT					\
	mov $0x11, %al;				\
	out %al, $0x10;				\
	mov $0x2233, %ax;			\
	out %ax, $0x12;				\
	mov $0x44556677, %eax;			\
	out %eax, $0x14;			\
	mov $0x1234, %dx;			\
	mov $0x88, %al;				\
	out %al, %dx;				\
	REPORT(REPORT_DONE);			\
	hlt

/*
 * IN of 1, 2 and 4 bytes. EAX holds 0x11223344 before each narrow IN, so
 * the stored EAX shows that only AL/AX changed. Results at DATA + 0/4/8.
 */
#define PIO_IN					\
	mov $0x11223344, %eax;			\
	in $0x20, %al;				\
	mov %eax, GUEST_DATA_GPA;		\
	mov $0x11223344, %eax;			\
	in $0x22, %ax;				\
	mov %eax, GUEST_DATA_GPA + 4;		\
	in $0x24, %eax;				\
	mov %eax, GUEST_DATA_GPA + 8;		\
	mov $0x1234, %dx;			\
	in %dx, %al;				\
	mov %al, GUEST_DATA_GPA + 12

/*
 * String OUT from DATA: 13 bytes to 0x30, 5 words to 0x32, 3 dwords to
 * 0x34, then 256 bytes that cross a page (DATA + 0xf80) to 0x36.
 */
#define PIO_OUTS(si, cx)			\
	cld;					\
	mov $GUEST_DATA_GPA, %si;		\
	mov $13, %cx;				\
	mov $0x30, %dx;				\
	rep outsb;				\
	mov $GUEST_DATA_GPA + 0x20, %si;	\
	mov $5, %cx;				\
	mov $0x32, %dx;				\
	rep outsw;				\
	mov $GUEST_DATA_GPA + 0x40, %si;	\
	mov $3, %cx;				\
	mov $0x34, %dx;				\
	rep outsl;				\
	mov $GUEST_DATA_GPA + 0xf80, %si;	\
	mov $256, %cx;				\
	mov $0x36, %dx;				\
	rep outsb;				\
	REPORT(REPORT_DONE);			\
	hlt

/* String IN to DATA + 0x100/0x120/0x140 and 256 bytes to DATA + 0x1f80. */
#define PIO_INS(di, cx)				\
	cld;					\
	mov $GUEST_DATA_GPA + 0x100, %di;	\
	mov $13, %cx;				\
	mov $0x40, %dx;				\
	rep insb;				\
	mov $GUEST_DATA_GPA + 0x120, %di;	\
	mov $5, %cx;				\
	mov $0x42, %dx;				\
	rep insw;				\
	mov $GUEST_DATA_GPA + 0x140, %di;	\
	mov $3, %cx;				\
	mov $0x44, %dx;				\
	rep insl;				\
	mov $GUEST_DATA_GPA + 0x1f80, %di;	\
	mov $256, %cx;				\
	mov $0x46, %dx;				\
	rep insb;				\
	REPORT(REPORT_DONE);			\
	hlt

GUEST16(pio_out16)
	PIO_OUT
GUEST_END(pio_out16)
GUEST32(pio_out32)
	PIO_OUT
GUEST_END(pio_out32)
GUEST64(pio_out64)
	PIO_OUT
GUEST_END(pio_out64)

GUEST16(pio_in16)
	PIO_IN
	REPORT(REPORT_DONE)
	hlt
GUEST_END(pio_in16)
GUEST32(pio_in32)
	PIO_IN
	REPORT(REPORT_DONE)
	hlt
GUEST_END(pio_in32)

/*
 * In 64-bit mode a 4-byte IN zero-extends into RAX and a 1-byte IN keeps
 * bits 63:8: RAX after each at DATA + 16 and DATA + 24.
 */
GUEST64(pio_in64)
	PIO_IN
	mov $-1, %rax
	in $0x24, %eax
	mov %rax, GUEST_DATA_GPA + 16
	mov $0x1122334455667788, %rax
	in $0x20, %al
	mov %rax, GUEST_DATA_GPA + 24
	REPORT(REPORT_DONE)
	hlt
GUEST_END(pio_in64)

GUEST16(pio_outs16)
	PIO_OUTS(si, cx)
GUEST_END(pio_outs16)
GUEST32(pio_outs32)
	PIO_OUTS(esi, ecx)
GUEST_END(pio_outs32)
GUEST64(pio_outs64)
	PIO_OUTS(rsi, rcx)
GUEST_END(pio_outs64)

GUEST16(pio_ins16)
	PIO_INS(di, cx)
GUEST_END(pio_ins16)
GUEST32(pio_ins32)
	PIO_INS(edi, ecx)
GUEST_END(pio_ins32)
GUEST64(pio_ins64)
	PIO_INS(rdi, rcx)
GUEST_END(pio_ins64)

	.section .note.GNU-stack, "", @progbits
