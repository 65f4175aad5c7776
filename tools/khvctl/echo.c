// SPDX-License-Identifier: GPL-2.0
/*
 * The echo port 0x500..0x503, khvctl's own test device: four bytes of
 * storage that IN reads back as OUT wrote them, at any size and offset. A
 * guest uses it to check that port I/O data survives an exit both ways at
 * sizes 1, 2 and 4 (and through REP INS/OUTS). Per VM, shared by vCPUs.
 */
#include <pthread.h>
#include <string.h>

#include "khvctl.h"

#define ECHO_PORT	0x500
#define ECHO_LEN	4

static uint8_t echo_reg[ECHO_LEN];
static pthread_mutex_t echo_lock = PTHREAD_MUTEX_INITIALIZER;

static int echo_in(struct vcpu *vcpu, uint16_t off, void *data, int size)
{
	uint8_t *p = data;
	int i;

	pthread_mutex_lock(&echo_lock);
	for (i = 0; i < size; i++)
		p[i] = off + i < ECHO_LEN ? echo_reg[off + i] : 0xff;
	pthread_mutex_unlock(&echo_lock);
	return VCPU_CONTINUE;
}

static int echo_out(struct vcpu *vcpu, uint16_t off, const void *data, int size)
{
	const uint8_t *p = data;
	int i;

	pthread_mutex_lock(&echo_lock);
	for (i = 0; i < size && off + i < ECHO_LEN; i++)
		echo_reg[off + i] = p[i];
	pthread_mutex_unlock(&echo_lock);
	return VCPU_CONTINUE;
}

static const struct ioport_dev echo_dev = {
	.name = "echo",
	.base = ECHO_PORT,
	.len = ECHO_LEN,
	.in = echo_in,
	.out = echo_out,
};

void echo_init(void)
{
	ioport_register(&echo_dev);
}
