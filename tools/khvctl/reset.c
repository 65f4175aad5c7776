// SPDX-License-Identifier: GPL-2.0
/*
 * The two ways a PC guest without ACPI resets itself, so that a Linux
 * guest's reboot ends the run (khvctl does not restart a guest, as QEMU's
 * -no-reboot):
 *
 *   0x64  keyboard controller: command 0xfe pulses the reset line. There
 *         is no 8042 behind it: status reads give 0xfd, all ones (as from
 *         an empty bus) except the input-buffer-full bit, so the kernel's
 *         wait for an empty input buffer before the command ends at once,
 *         while its i8042 driver sees an output buffer that never empties
 *         and gives up at once ("No controller found") instead of timing
 *         out command after command (8 s under Bochs with status 0).
 *         Linux's default reboot path (reboot=acpi, which falls back to
 *         reboot=kbd without ACPI) uses it.
 *   0xcf9 reset control register: a write with RST_CPU (bit 2) resets
 *         (Linux's reboot=pci). Reads give 0.
 *
 * Only "khvctl boot" has these ports; for "khvctl run" guests they stay
 * unowned.
 */
#include <string.h>

#include "khvctl.h"

#define KBD_STATUS_PORT	0x64
#define KBD_CMD_RESET	0xfe
#define KBD_STATUS	0xfd	/* all but IBF (bit 1) */
#define RST_CNT_PORT	0xcf9
#define RST_CPU		0x04

static int kbd_in(struct vcpu *vcpu, uint16_t off, void *data, int size)
{
	memset(data, KBD_STATUS, size);
	return VCPU_CONTINUE;
}

static int rst_cnt_in(struct vcpu *vcpu, uint16_t off, void *data, int size)
{
	memset(data, 0, size);
	return VCPU_CONTINUE;
}

static int do_reset(struct vcpu *vcpu, const char *how)
{
	if (khvctl_verbose)
		khv_err("%s: guest reset through %s: ending the run",
			vcpu->name, how);
	run_end(KHVCTL_OK);
	return KHVCTL_OK;
}

static int kbd_out(struct vcpu *vcpu, uint16_t off, const void *data, int size)
{
	if (*(const uint8_t *)data == KBD_CMD_RESET)
		return do_reset(vcpu, "the keyboard controller (port 0x64)");
	return VCPU_CONTINUE;
}

static int rst_cnt_out(struct vcpu *vcpu, uint16_t off, const void *data,
		       int size)
{
	if (*(const uint8_t *)data & RST_CPU)
		return do_reset(vcpu, "the reset control register (port 0xcf9)");
	return VCPU_CONTINUE;
}

static const struct ioport_dev kbd_dev = {
	.name = "kbd-reset",
	.base = KBD_STATUS_PORT,
	.len = 1,
	.in = kbd_in,
	.out = kbd_out,
};

static const struct ioport_dev rst_cnt_dev = {
	.name = "reset-control",
	.base = RST_CNT_PORT,
	.len = 1,
	.in = rst_cnt_in,
	.out = rst_cnt_out,
};

void reset_init(void)
{
	ioport_register(&kbd_dev);
	ioport_register(&rst_cnt_dev);
}
