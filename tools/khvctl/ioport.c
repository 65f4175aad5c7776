// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_EXIT_IO: find the device that owns the port and hand it each access.
 * A string instruction (REP INS/OUTS) may arrive as one exit with count > 1;
 * its data lies in kvm_run at data_offset, count * size bytes.
 *
 * A port no device owns reads as all ones and ignores writes, as on an ISA
 * bus with nothing there; khvctl warns once per port so it is not silent.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "khvctl.h"

#define MAX_DEVS	8

static const struct ioport_dev *devs[MAX_DEVS];
static int nr_devs;
static uint8_t warned[65536];

void ioport_register(const struct ioport_dev *dev)
{
	if (nr_devs < MAX_DEVS)
		devs[nr_devs++] = dev;
}

static const struct ioport_dev *find_dev(uint16_t port)
{
	int i;

	for (i = 0; i < nr_devs; i++)
		if (port >= devs[i]->base && port - devs[i]->base < devs[i]->len)
			return devs[i];
	return NULL;
}

static void trace(struct vcpu *vcpu, bool out, uint16_t port, const void *data,
		  int size, const char *dev)
{
	uint32_t v = 0;

	memcpy(&v, data, size);
	khv_err("%s: %s port %#x size %d %s %#x (%s)", vcpu->name,
		out ? "out" : "in", port, size, out ? "<-" : "->", v, dev);
}

static int unowned(struct vcpu *vcpu, bool out, uint16_t port, void *data,
		   int size)
{
	if (!out)
		memset(data, 0xff, size);
	if (!__atomic_exchange_n(&warned[port], 1, __ATOMIC_RELAXED))
		khv_warn("%s: %s port %#x (size %d): no device there, %s",
			 vcpu->name, out ? "OUT to" : "IN from", port, size,
			 out ? "ignored" : "read as all ones");
	return VCPU_CONTINUE;
}

int ioport_handle(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	bool out = run->io.direction == KVM_EXIT_IO_OUT;
	uint16_t port = run->io.port;
	int size = run->io.size;
	const struct ioport_dev *dev = find_dev(port);
	uint64_t bytes = (uint64_t)size * run->io.count;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	uint32_t i;
	int status;

	if ((size != 1 && size != 2 && size != 4) || !run->io.count ||
	    run->io.data_offset > (uint64_t)vcpu->vm->run_size ||
	    bytes > vcpu->vm->run_size - run->io.data_offset) {
		khv_err("%s: malformed KVM_EXIT_IO: port %#x size %d count %u data_offset %llu (kvm_run is %d bytes)",
			vcpu->name, port, size, run->io.count,
			(unsigned long long)run->io.data_offset,
			vcpu->vm->run_size);
		return KHVCTL_UNHANDLED;
	}

	for (i = 0; i < run->io.count; i++, data += size) {
		if (!dev)
			status = unowned(vcpu, out, port, data, size);
		else if (out)
			status = dev->out(vcpu, port - dev->base, data, size);
		else
			status = dev->in(vcpu, port - dev->base, data, size);
		if (khvctl_verbose >= 2)
			trace(vcpu, out, port, data, size, dev ? dev->name : "none");
		if (status != VCPU_CONTINUE)
			return status;
	}
	return VCPU_CONTINUE;
}
