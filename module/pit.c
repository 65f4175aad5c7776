// SPDX-License-Identifier: GPL-2.0
/*
 * The 8254's three counters as a pure model (pit.h): no clock of its own,
 * no locking; the caller gives the time and serialises.
 *
 * A counter is its initial count N (1-0x10000; 10000 in BCD) and the time
 * it was loaded. After d input clocks (1.193182 MHz):
 *   mode 0, interrupt on terminal count: counts N-d, on past 0 (wrapping);
 *     OUT low until d = N, then high;
 *   mode 1, hardware-retriggerable one-shot: the same, from the load
 *     (khv takes the load as the trigger);
 *   mode 2, rate generator: counts N..1 and reloads, every N clocks (the
 *     interrupt); OUT is reported as KVM and QEMU report it, high on the
 *     clock of each reload and low otherwise (the data sheet has it high
 *     but for the clock before the reload: the read-back status and port
 *     0x61 say what kvm_intel says);
 *   mode 3, square wave: counts down by 2 twice a period, OUT high for the
 *     first (N+1)/2 clocks, low for the rest, rising every N clocks;
 *   modes 4 and 5, strobes: count as mode 0, OUT low for the one clock at
 *     d = N.
 * A low gate stops the count (it reads N) and holds OUT high in modes 1,
 * 2, 3 and 5 (8254 data sheet, "Gate"); a rising gate reloads the count.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/time64.h>

#include "pit.h"

/* In two parts, whole seconds and the rest, so nothing overflows. */
u64 khv_pit_ns_to_ticks(u64 ns)
{
	return ns / NSEC_PER_SEC * KHV_PIT_HZ +
	       ns % NSEC_PER_SEC * KHV_PIT_HZ / NSEC_PER_SEC;
}

/* Rounded up: at the returned time the tick has happened. */
u64 khv_pit_ticks_to_ns(u64 ticks)
{
	return ticks / KHV_PIT_HZ * NSEC_PER_SEC +
	       (ticks % KHV_PIT_HZ * NSEC_PER_SEC + KHV_PIT_HZ - 1) / KHV_PIT_HZ;
}

static u32 khv_bcd_to_bin(u16 v)
{
	return (v >> 12 & 0xf) * 1000 + (v >> 8 & 0xf) * 100 +
	       (v >> 4 & 0xf) * 10 + (v & 0xf);
}

static u16 khv_bin_to_bcd(u32 v)
{
	v %= 10000;
	return (v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 |
	       v % 10;
}

/* The count a cycle starts from; userspace may have set anything. */
static u32 khv_pit_n(const struct kvm_pit_channel_state *c)
{
	u32 max = c->bcd ? 10000 : 0x10000;

	return c->count && c->count <= max ? c->count : max;
}

static bool khv_pit_mode_valid(const struct kvm_pit_channel_state *c)
{
	return c->mode <= 5;
}

/* Input clocks counted since the load; none while the gate is low. */
static u64 khv_pit_elapsed(const struct kvm_pit_channel_state *c, s64 now)
{
	if (!c->gate || now <= c->count_load_time)
		return 0;
	return khv_pit_ns_to_ticks(now - c->count_load_time);
}

u16 khv_pit_count(const struct kvm_pit_channel_state *c, s64 now)
{
	u32 n = khv_pit_n(c), mod = c->bcd ? 10000 : 0x10000, v;
	u64 d = khv_pit_elapsed(c, now);

	switch (c->mode) {
	case 2:
		v = n - do_div(d, n);
		break;
	case 3:
		/* Two decrements a clock; an odd count loses its odd 1. */
		v = (n - do_div(d, n) * 2 % n) & ~1U;
		break;
	case 0:
	case 1:
	case 4:
	case 5:
		/* Counting on past the terminal count, wrapping. */
		v = (n + mod - do_div(d, mod)) % mod;
		break;
	default:
		v = n;
		break;
	}
	return c->bcd ? khv_bin_to_bcd(v) : (u16)v;
}

bool khv_pit_out(const struct kvm_pit_channel_state *c, s64 now)
{
	u32 n = khv_pit_n(c);
	u64 d = khv_pit_elapsed(c, now);

	if (!khv_pit_mode_valid(c))
		return false;
	if (!c->gate)
		return c->mode != 0 && c->mode != 4;
	switch (c->mode) {
	case 0:
	case 1:
		return d >= n;
	case 2:
		/* KVM's and QEMU's convention, see the top of the file. */
		return d && !do_div(d, n);
	case 3:
		return do_div(d, n) < (n + 1) / 2;
	case 4:
	case 5:
		return d != n;
	default:
		return false;
	}
}

s64 khv_pit_next_edge(const struct kvm_pit_channel_state *c, s64 after)
{
	s64 load = c->count_load_time, t;
	u32 n = khv_pit_n(c);
	u64 k;

	if (!c->gate || !khv_pit_mode_valid(c))
		return -1;
	switch (c->mode) {
	case 0:
	case 1:
		t = load + khv_pit_ticks_to_ns(n);
		return t > after ? t : -1;
	case 4:
	case 5:
		/* OUT comes back up one clock after the strobe. */
		t = load + khv_pit_ticks_to_ns(n + 1);
		return t > after ? t : -1;
	default:
		/* Modes 2 and 3: every N clocks from the load. */
		k = 1;
		if (after >= load) {
			k = khv_pit_ns_to_ticks(after - load);
			do_div(k, n);
			k++;
		}
		t = load + khv_pit_ticks_to_ns(k * n);
		if (t <= after)
			t = load + khv_pit_ticks_to_ns((k + 1) * n);
		return t;
	}
}

void khv_pit_reload(struct kvm_pit_channel_state *c, s64 now)
{
	c->count_load_time = now;
}

void khv_pit_set_gate(struct khv_pit_model *m, unsigned int i, bool gate,
		      s64 now)
{
	struct kvm_pit_channel_state *c = &m->ch[i];

	/* A rising gate triggers modes 1 and 5 and restarts 2 and 3. */
	if (!c->gate && gate)
		khv_pit_reload(c, now);
	c->gate = gate;
}

void khv_pit_model_reset(struct khv_pit_model *m, s64 now)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < KHV_PIT_CHANNELS; i++) {
		m->ch[i].mode = KHV_PIT_MODE_NONE;
		m->ch[i].gate = i != 2;
		m->ch[i].count = 0x10000;
		m->ch[i].count_load_time = now;
	}
}

static void khv_pit_latch_count(struct kvm_pit_channel_state *c, s64 now)
{
	/* A second latch before the first is read is ignored. */
	if (c->count_latched)
		return;
	c->latched_count = khv_pit_count(c, now);
	c->count_latched = c->rw_mode ?: KHV_PIT_RW_WORD0;
}

static void khv_pit_latch_status(struct kvm_pit_channel_state *c, s64 now)
{
	if (c->status_latched)
		return;
	/* OUT, null count (never: a count is usable at once), RW, mode, BCD. */
	c->status = khv_pit_out(c, now) << 7 | (c->rw_mode & 3) << 4 |
		    (c->mode & 7) << 1 | (c->bcd & 1);
	c->status_latched = 1;
}

static void khv_pit_control(struct khv_pit_model *m, u8 val, s64 now)
{
	unsigned int sc = val >> 6, rw = (val >> 4) & 3, mode, i;
	struct kvm_pit_channel_state *c;

	if (sc == 3) {
		/* Read-back (8254 data sheet): bit 5 low latches counts, bit 4 statuses. */
		for (i = 0; i < KHV_PIT_CHANNELS; i++) {
			if (!(val & (2 << i)))
				continue;
			if (!(val & 0x20))
				khv_pit_latch_count(&m->ch[i], now);
			if (!(val & 0x10))
				khv_pit_latch_status(&m->ch[i], now);
		}
		return;
	}
	c = &m->ch[sc];
	if (!rw) {
		khv_pit_latch_count(c, now);
		return;
	}
	mode = (val >> 1) & 7;
	c->rw_mode = rw;
	c->read_state = rw;
	c->write_state = rw;
	c->mode = mode >= 6 ? mode - 4 : mode;	/* 6 and 7 are 2 and 3 */
	c->bcd = val & 1;
}

static void khv_pit_load(struct kvm_pit_channel_state *c, u16 val, s64 now)
{
	u32 n = c->bcd ? khv_bcd_to_bin(val) : val;

	/* 0 is the largest count: 2^16 in binary, 10^4 in BCD. */
	c->count = n ?: (c->bcd ? 10000 : 0x10000);
	khv_pit_reload(c, now);
}

void khv_pit_model_write(struct khv_pit_model *m, u16 port, u8 val, s64 now)
{
	struct kvm_pit_channel_state *c;

	port &= 3;
	if (port == 3) {
		khv_pit_control(m, val, now);
		return;
	}
	c = &m->ch[port];
	switch (c->write_state) {
	case KHV_PIT_RW_LSB:
		khv_pit_load(c, val, now);
		break;
	case KHV_PIT_RW_MSB:
		khv_pit_load(c, val << 8, now);
		break;
	case KHV_PIT_RW_WORD0:
		c->write_latch = val;
		c->write_state = KHV_PIT_RW_WORD1;
		break;
	case KHV_PIT_RW_WORD1:
		khv_pit_load(c, c->write_latch | val << 8, now);
		c->write_state = KHV_PIT_RW_WORD0;
		break;
	default:
		/* Not programmed (or a state userspace made up): dropped. */
		break;
	}
}

u8 khv_pit_model_read(struct khv_pit_model *m, u16 port, s64 now)
{
	struct kvm_pit_channel_state *c;
	u16 v;

	port &= 3;
	if (port == 3)
		return 0xff;	/* the control word register cannot be read */
	c = &m->ch[port];
	if (c->status_latched) {
		c->status_latched = 0;
		return c->status;
	}
	switch (c->count_latched) {
	case KHV_PIT_RW_LSB:
		c->count_latched = 0;
		return c->latched_count & 0xff;
	case KHV_PIT_RW_MSB:
		c->count_latched = 0;
		return c->latched_count >> 8;
	case KHV_PIT_RW_WORD0:
		c->count_latched = KHV_PIT_RW_MSB;
		return c->latched_count & 0xff;
	}
	v = khv_pit_count(c, now);
	switch (c->read_state) {
	case KHV_PIT_RW_LSB:
		return v & 0xff;
	case KHV_PIT_RW_MSB:
		return v >> 8;
	case KHV_PIT_RW_WORD0:
		c->read_state = KHV_PIT_RW_WORD1;
		return v & 0xff;
	case KHV_PIT_RW_WORD1:
		c->read_state = KHV_PIT_RW_WORD0;
		return v >> 8;
	default:
		return 0xff;
	}
}
