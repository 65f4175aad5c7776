/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What khvctl's machine offers a guest (see docs/khvctl.md).
 */
#ifndef GUEST_H
#define GUEST_H

#define COM1		0x3f8
#define COM1_THR	(COM1 + 0)
#define COM1_IER	(COM1 + 1)
#define COM1_FCR	(COM1 + 2)
#define COM1_LCR	(COM1 + 3)
#define COM1_MCR	(COM1 + 4)
#define COM1_LSR	(COM1 + 5)
#define COM1_SCR	(COM1 + 7)
#define LSR_THRE	0x20

#define DEBUG_EXIT	0xf4		/* OUT of V: exit status (V << 1) | 1 */
#define ECHO_PORT	0x500		/* 4 bytes that IN reads back */

#define EFLAGS_IF	(1 << 9)
#define MSR_EFER	0xc0000080
#define EFER_LMA	(1 << 10)

#endif /* GUEST_H */
