// SPDX-License-Identifier: GPL-2.0
/*
 * The debug-exit port 0xf4, after QEMU's isa-debug-exit: an OUT of value V
 * (any size) ends the run with exit status (V << 1) | 1. The status is odd,
 * so it never looks like a halt (0) or one of khvctl's own statuses (even);
 * exit() keeps its low 8 bits, so only V in 0..127 is told apart.
 */
#include <string.h>

#include "khvctl.h"

#define DEBUGEXIT_PORT	0xf4

static int debugexit_in(struct vcpu *vcpu, uint16_t off, void *data, int size)
{
	memset(data, 0xff, size);
	return VCPU_CONTINUE;
}

static int debugexit_out(struct vcpu *vcpu, uint16_t off, const void *data,
			 int size)
{
	uint32_t v = 0;
	int status;

	memcpy(&v, data, size);
	status = ((v << 1) | 1) & 0xff;
	if (khvctl_verbose)
		khv_err("%s: debug-exit %#x: exit status %d", vcpu->name, v,
			status);
	return status;
}

static const struct ioport_dev debugexit_dev = {
	.name = "debug-exit",
	.base = DEBUGEXIT_PORT,
	.len = 1,
	.in = debugexit_in,
	.out = debugexit_out,
};

void debugexit_init(void)
{
	ioport_register(&debugexit_dev);
}
