// SPDX-License-Identifier: GPL-2.0
/*
 * The NIC at ports 0x540..0x55f: frames of 1..2048 opaque bytes, moved
 * between guest memory and a link (net.c: one record per frame) that
 * leads to the hub (hub.c) or straight to another khvctl. Like the
 * disk, a command does all its work in the exit that issues it; a frame
 * that arrives waits in the link until the guest polls for it. Delivery
 * is best effort, as on Ethernet: a frame the link cannot take now is
 * dropped and the guest told so.
 *
 *   0x00 ID      r   "KHVN" (0x4e56484b): a NIC is present
 *   0x04 STATUS  r   bit 0: a received frame is waiting, bit 1: link up
 *   0x08 ADDR    rw  guest-physical address of the frame buffer
 *   0x0c TX_LEN  rw  length of the frame SEND takes from ADDR
 *   0x10 RX_LEN  r   length of the waiting frame, 0 if none
 *   0x14 CMD     w   1 send TX_LEN bytes at ADDR, 2 receive the waiting
 *                    frame into ADDR (RX_LEN bytes)
 *        RESULT  r   result of the last command (enum nic_result)
 *
 * Only 32-bit accesses at these offsets do anything.
 */
#include <pthread.h>
#include <string.h>

#include "khvctl.h"

#define NIC_PORT	0x540
#define NIC_PORTS	0x20
#define NIC_MAGIC	0x4e56484bU	/* "KHVN" */

enum {
	REG_ID		= 0x00,
	REG_STATUS	= 0x04,
	REG_ADDR	= 0x08,
	REG_TX_LEN	= 0x0c,
	REG_RX_LEN	= 0x10,
	REG_CMD		= 0x14,
};

#define STATUS_RX	0x1
#define STATUS_LINK	0x2

enum { CMD_SEND = 1, CMD_RECV = 2 };

enum nic_result {
	RES_OK		= 0,
	RES_BAD_CMD	= 1,	/* unknown command */
	RES_BAD_LEN	= 2,	/* TX_LEN 0 or above NET_MAX_FRAME */
	RES_BAD_ADDR	= 3,	/* buffer not inside guest memory */
	RES_NO_FRAME	= 4,	/* RECV with nothing waiting */
	RES_DROPPED	= 5,	/* SEND: no link, or the link is full */
};

static struct {
	pthread_mutex_t lock;
	struct link link;	/* rx -1: no link */
	uint32_t addr, tx_len, result;
	uint8_t rx[NET_MAX_FRAME + 1];
	uint32_t rx_len;	/* the waiting frame in rx, 0 if none */
	bool on;		/* nic_init() was called */
	bool warned;
	uint64_t sent, received, dropped;
} nic = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.link = { -1, -1 },
};

static void link_down(void)
{
	khv_warn("nic: link down: the other end closed");
	link_close(&nic.link);
}

/* Fetch the next frame from the link if none is waiting. */
static void rx_poll(void)
{
	ssize_t n;

	while (!nic.rx_len && nic.link.rx >= 0) {
		n = link_recv(nic.link.rx, nic.rx);
		if (n < 0)
			link_down();
		if (n <= 0)
			return;
		if (n > NET_MAX_FRAME) {
			nic.dropped++;	/* oversized: not from khvctl */
			continue;
		}
		nic.rx_len = n;
		nic.received++;
	}
}

static uint32_t send_frame(struct vm *vm)
{
	void *buf;

	if (!nic.tx_len || nic.tx_len > NET_MAX_FRAME)
		return RES_BAD_LEN;
	buf = vm_gpa(vm, nic.addr, nic.tx_len);
	if (!buf)
		return RES_BAD_ADDR;
	if (nic.link.tx < 0 || !link_send(nic.link.tx, buf, nic.tx_len)) {
		nic.dropped++;
		return RES_DROPPED;
	}
	nic.sent++;
	return RES_OK;
}

static uint32_t recv_frame(struct vm *vm)
{
	void *buf;

	rx_poll();
	if (!nic.rx_len)
		return RES_NO_FRAME;
	buf = vm_gpa(vm, nic.addr, nic.rx_len);
	if (!buf)
		return RES_BAD_ADDR;
	memcpy(buf, nic.rx, nic.rx_len);
	nic.rx_len = 0;
	return RES_OK;
}

static uint32_t reg_read(unsigned int reg)
{
	switch (reg) {
	case REG_ID:
		return NIC_MAGIC;
	case REG_STATUS:
		rx_poll();
		return (nic.rx_len ? STATUS_RX : 0) |
		       (nic.link.rx >= 0 ? STATUS_LINK : 0);
	case REG_ADDR:
		return nic.addr;
	case REG_TX_LEN:
		return nic.tx_len;
	case REG_RX_LEN:
		rx_poll();
		return nic.rx_len;
	default:
		return nic.result;
	}
}

static void reg_write(struct vm *vm, unsigned int reg, uint32_t v)
{
	switch (reg) {
	case REG_ADDR:
		nic.addr = v;
		break;
	case REG_TX_LEN:
		nic.tx_len = v;
		break;
	case REG_CMD:
		if (v == CMD_SEND)
			nic.result = send_frame(vm);
		else if (v == CMD_RECV)
			nic.result = recv_frame(vm);
		else
			nic.result = RES_BAD_CMD;
		if (khvctl_verbose >= 2)
			khv_err("nic: command %u, addr %#x, tx_len %u: result %u",
				v, nic.addr, nic.tx_len, nic.result);
		break;
	default:
		break;		/* read-only registers */
	}
}

static bool valid(struct vcpu *vcpu, uint16_t off, int size, bool out)
{
	if (size == 4 && !(off & 3) && off <= REG_CMD)
		return true;
	if (!__atomic_exchange_n(&nic.warned, true, __ATOMIC_RELAXED))
		khv_warn("%s: nic: %s port %#x size %d: only 32-bit accesses at the registers",
			 vcpu->name, out ? "OUT to" : "IN from", NIC_PORT + off,
			 size);
	return false;
}

static int nic_in(struct vcpu *vcpu, uint16_t off, void *data, int size)
{
	uint32_t v = 0xffffffff;

	if (valid(vcpu, off, size, false)) {
		pthread_mutex_lock(&nic.lock);
		v = reg_read(off);
		pthread_mutex_unlock(&nic.lock);
	}
	memcpy(data, &v, size);
	return VCPU_CONTINUE;
}

static int nic_out(struct vcpu *vcpu, uint16_t off, const void *data, int size)
{
	uint32_t v;

	if (!valid(vcpu, off, size, true))
		return VCPU_CONTINUE;
	memcpy(&v, data, sizeof(v));
	pthread_mutex_lock(&nic.lock);
	reg_write(vcpu->vm, off, v);
	pthread_mutex_unlock(&nic.lock);
	return VCPU_CONTINUE;
}

static const struct ioport_dev nic_dev = {
	.name = "nic",
	.base = NIC_PORT,
	.len = NIC_PORTS,
	.in = nic_in,
	.out = nic_out,
};

/* Put the NIC on the port bus, on link (rx -1: link down). */
void nic_init(struct link link)
{
	nic.link = link;
	nic.on = true;
	ioport_register(&nic_dev);
}

void nic_exit(void)
{
	if (!nic.on)
		return;
	if (khvctl_verbose)
		khv_err("nic: %llu frames sent, %llu received, %llu dropped",
			(unsigned long long)nic.sent,
			(unsigned long long)nic.received,
			(unsigned long long)nic.dropped);
	link_close(&nic.link);
}
