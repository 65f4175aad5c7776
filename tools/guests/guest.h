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

/* The disk (run --disk): 32-bit registers, docs/khvctl.md. */
#define DISK		0x510
#define DISK_ID		(DISK + 0x00)	/* reads DISK_MAGIC */
#define DISK_FLAGS	(DISK + 0x04)	/* DISK_F_RO, DISK_F_COW */
#define DISK_CAP_LO	(DISK + 0x08)	/* size in 512-byte sectors */
#define DISK_CAP_HI	(DISK + 0x0c)
#define DISK_LBA_LO	(DISK + 0x10)
#define DISK_LBA_HI	(DISK + 0x14)
#define DISK_COUNT	(DISK + 0x18)
#define DISK_ADDR	(DISK + 0x1c)	/* guest-physical buffer */
#define DISK_CMD	(DISK + 0x20)	/* write: DISK_READ..; read: status */
#define DISK_MAGIC	0x4456484b	/* "KHVD" */
#define DISK_F_RO	0x1
#define DISK_F_COW	0x2
#define DISK_READ	1
#define DISK_WRITE	2
#define DISK_FLUSH	3
#define DISK_ST_RANGE	2		/* statuses: 0 is success */
#define DISK_ST_ADDR	3
#define DISK_ST_CMD	1
#define DISK_ST_READ_ONLY 4

/* The NIC (run --net, --vms): 32-bit registers, docs/khvctl.md. */
#define NIC		0x540
#define NIC_ID		(NIC + 0x00)	/* reads NIC_MAGIC */
#define NIC_STATUS	(NIC + 0x04)	/* NIC_S_RX, NIC_S_LINK */
#define NIC_ADDR	(NIC + 0x08)	/* guest-physical frame buffer */
#define NIC_TX_LEN	(NIC + 0x0c)
#define NIC_RX_LEN	(NIC + 0x10)
#define NIC_CMD		(NIC + 0x14)	/* write: NIC_SEND/RECV; read: result */
#define NIC_MAGIC	0x4e56484b	/* "KHVN" */
#define NIC_S_RX	0x1
#define NIC_S_LINK	0x2
#define NIC_SEND	1
#define NIC_RECV	2
#define NIC_MAX_FRAME	2048

#define EFLAGS_IF	(1 << 9)
#define MSR_EFER	0xc0000080
#define EFER_LMA	(1 << 10)

#endif /* GUEST_H */
