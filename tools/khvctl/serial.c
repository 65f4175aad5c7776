// SPDX-License-Identifier: GPL-2.0
/*
 * COM1 at 0x3f8..0x3ff: an 8250/16550-compatible UART for polling drivers,
 * wired to stdout (transmit) and stdin (receive).
 *
 * Transmission is instant, so THR is always empty (LSR.THRE and LSR.TEMT
 * stay set). Without an interrupt controller IER and IIR keep their
 * register semantics, so drivers that read IIR see consistent values, but
 * no interrupt is delivered. With the in-kernel irqchip ("khvctl boot")
 * the UART's interrupt output, gated by MCR.OUT2 as on a PC, drives ISA
 * IRQ 4 through KVM_IRQ_LINE; it is recomputed after every register access
 * (so receive interrupts come only when the guest looks at the UART). MCR
 * loopback works, which is how the Linux 8250 driver probes a port.
 *
 * When several VMs share stdout (run --vms), output goes out a line at a
 * time as "vmN: LINE", each line in one write() so that the VMs' lines
 * never mix; a line longer than LINE_SIZE is cut into several.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "khvctl.h"

#define COM1_BASE	0x3f8
#define COM1_IRQ	4

enum {
	REG_RBR_THR	= 0,	/* DLAB=1: divisor latch, low byte */
	REG_IER		= 1,	/* DLAB=1: divisor latch, high byte */
	REG_IIR_FCR	= 2,
	REG_LCR		= 3,
	REG_MCR		= 4,
	REG_LSR		= 5,
	REG_MSR		= 6,
	REG_SCR		= 7,
};

#define IER_RDI		0x01	/* received data available */
#define IER_THRI	0x02	/* transmitter holding register empty */
#define IER_MASK	0x0f
#define IIR_NO_INT	0x01
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_FIFO	0xc0	/* FIFOs enabled */
#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02
#define LCR_DLAB	0x80
#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT1	0x04
#define MCR_OUT2	0x08
#define MCR_LOOP	0x10
#define MCR_MASK	0x1f
#define LSR_DR		0x01
#define LSR_THRE	0x20
#define LSR_TEMT	0x40
#define MSR_CTS		0x10
#define MSR_DSR		0x20
#define MSR_RI		0x40
#define MSR_DCD		0x80

#define RX_SIZE		64
#define LINE_SIZE	256

static struct {
	pthread_mutex_t lock;
	uint8_t ier, fcr, lcr, mcr, scr, dll, dlm;
	bool thri_pending;	/* THR-empty interrupt raised, not yet seen */
	uint8_t rx[RX_SIZE];
	unsigned int rx_head, rx_len;
	bool out_broken;	/* stdout failed once: stop trying */
	char line[LINE_SIZE];	/* the current line, with several VMs */
	unsigned int line_len;
	int irq_fd;		/* VM fd for KVM_IRQ_LINE, or -1 */
	bool irq_level;
} com1 = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.dll = 12,		/* 9600 baud, as after a BIOS */
	.irq_fd = -1,
};

static void rx_push(uint8_t c)
{
	if (com1.rx_len < RX_SIZE)
		com1.rx[(com1.rx_head + com1.rx_len++) % RX_SIZE] = c;
}

/* Top up the receive FIFO from stdin, without blocking. */
static void rx_fill(void)
{
	uint8_t buf[RX_SIZE];
	int i, n;

	if (com1.mcr & MCR_LOOP || com1.rx_len)
		return;
	n = term_read(buf, sizeof(buf));
	for (i = 0; i < n; i++)
		rx_push(buf[i]);
}

static void out_write(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len && !com1.out_broken) {
		n = write(STDOUT_FILENO, p, len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			khv_warn("serial: stdout: %s; dropping further output",
				 strerror(errno));
			com1.out_broken = true;
			return;
		}
		p += n;
		len -= n;
	}
}

static void flush_line(void)
{
	char buf[16 + LINE_SIZE];
	int n = snprintf(buf, 16, "vm%d: ", khvctl_vm);

	memcpy(buf + n, com1.line, com1.line_len);
	out_write(buf, n + com1.line_len);
	com1.line_len = 0;
}

static void tx(uint8_t c)
{
	if (com1.mcr & MCR_LOOP) {
		rx_push(c);
		return;
	}
	if (khvctl_vm < 0) {
		out_write(&c, 1);
		return;
	}
	com1.line[com1.line_len++] = c;
	if (c == '\n' || com1.line_len == LINE_SIZE)
		flush_line();
}

static uint8_t iir(void)
{
	uint8_t fifo = com1.fcr & FCR_ENABLE ? IIR_FIFO : 0;

	if (com1.ier & IER_RDI && com1.rx_len)
		return fifo | IIR_RDI;
	if (com1.ier & IER_THRI && com1.thri_pending) {
		com1.thri_pending = false;	/* reading IIR acknowledges it */
		return fifo | IIR_THRI;
	}
	return fifo | IIR_NO_INT;
}

static uint8_t msr(void)
{
	uint8_t m = com1.mcr;

	if (!(m & MCR_LOOP))
		return MSR_DCD | MSR_DSR | MSR_CTS;
	return (m & MCR_RTS ? MSR_CTS : 0) | (m & MCR_DTR ? MSR_DSR : 0) |
	       (m & MCR_OUT1 ? MSR_RI : 0) | (m & MCR_OUT2 ? MSR_DCD : 0);
}

static uint8_t reg_read(unsigned int reg)
{
	bool dlab = com1.lcr & LCR_DLAB;
	uint8_t c;

	switch (reg) {
	case REG_RBR_THR:
		if (dlab)
			return com1.dll;
		rx_fill();
		if (!com1.rx_len)
			return 0;
		c = com1.rx[com1.rx_head];
		com1.rx_head = (com1.rx_head + 1) % RX_SIZE;
		com1.rx_len--;
		return c;
	case REG_IER:
		return dlab ? com1.dlm : com1.ier;
	case REG_IIR_FCR:
		rx_fill();
		return iir();
	case REG_LCR:
		return com1.lcr;
	case REG_MCR:
		return com1.mcr;
	case REG_LSR:
		rx_fill();
		return LSR_THRE | LSR_TEMT | (com1.rx_len ? LSR_DR : 0);
	case REG_MSR:
		return msr();
	default:
		return com1.scr;
	}
}

static void reg_write(unsigned int reg, uint8_t v)
{
	bool dlab = com1.lcr & LCR_DLAB;

	switch (reg) {
	case REG_RBR_THR:
		if (dlab) {
			com1.dll = v;
		} else {
			tx(v);
			com1.thri_pending = true;	/* empty again at once */
		}
		break;
	case REG_IER:
		if (dlab) {
			com1.dlm = v;
		} else {
			/* Enabling THRI with THR empty raises it (as on a 16550). */
			if (v & IER_THRI && !(com1.ier & IER_THRI))
				com1.thri_pending = true;
			com1.ier = v & IER_MASK;
		}
		break;
	case REG_IIR_FCR:
		com1.fcr = v;
		if (v & FCR_CLEAR_RX)
			com1.rx_len = 0;
		break;
	case REG_LCR:
		com1.lcr = v;
		break;
	case REG_MCR:
		com1.mcr = v & MCR_MASK;
		break;
	case REG_SCR:
		com1.scr = v;
		break;
	default:
		break;		/* LSR and MSR: factory test, read-only here */
	}
}

/* IRQ 4 follows the pending interrupts IER enables, when OUT2 passes it. */
static void update_irq(void)
{
	struct kvm_irq_level line = { .irq = COM1_IRQ };
	bool level = (com1.mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2 &&
		     ((com1.ier & IER_RDI && com1.rx_len) ||
		      (com1.ier & IER_THRI && com1.thri_pending));

	if (com1.irq_fd < 0 || level == com1.irq_level)
		return;
	com1.irq_level = level;
	line.level = level;
	if (ioctl(com1.irq_fd, KVM_IRQ_LINE, &line) < 0)
		khv_warn("serial: KVM_IRQ_LINE: %s", strerror(errno));
}

void serial_use_irqchip(int vm_fd)
{
	com1.irq_fd = vm_fd;
}

/* Wider accesses reach consecutive byte registers, as on an 8-bit bus. */
static int serial_in(struct vcpu *vcpu, uint16_t off, void *data, int size)
{
	uint8_t *p = data;
	int i;

	pthread_mutex_lock(&com1.lock);
	for (i = 0; i < size; i++)
		p[i] = off + i < 8 ? reg_read(off + i) : 0xff;
	update_irq();
	pthread_mutex_unlock(&com1.lock);
	return VCPU_CONTINUE;
}

static int serial_out(struct vcpu *vcpu, uint16_t off, const void *data,
		      int size)
{
	const uint8_t *p = data;
	int i;

	pthread_mutex_lock(&com1.lock);
	for (i = 0; i < size && off + i < 8; i++)
		reg_write(off + i, p[i]);
	update_irq();
	pthread_mutex_unlock(&com1.lock);
	return VCPU_CONTINUE;
}

static const struct ioport_dev serial_dev = {
	.name = "serial",
	.base = COM1_BASE,
	.len = 8,
	.in = serial_in,
	.out = serial_out,
};

void serial_init(void)
{
	ioport_register(&serial_dev);
}

/* At the end of a run: a last line without its newline gets one. */
void serial_flush(void)
{
	pthread_mutex_lock(&com1.lock);
	if (com1.line_len) {
		com1.line[com1.line_len++] = '\n';
		flush_line();
	}
	pthread_mutex_unlock(&com1.lock);
}
