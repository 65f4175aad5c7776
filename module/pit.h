/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The i8254 programmable interval timer behind KVM_CREATE_PIT2
 * (docs/irqchip.md#the-i8254-pit).
 *
 * pit.c is the pure model of the three counters, as the Intel 8254 data
 * sheet describes them: the control word (port 0x43: programming, counter
 * latch, read-back), counts read and written a byte at a time (LSB, MSB
 * or LSB then MSB), binary and BCD counting, modes 0-5, and the gate.
 * Time is a caller's nanosecond clock: a counter holds its initial count
 * and the time it was loaded, and every read derives the current count
 * and OUT from the time elapsed at 1.193182 MHz, so nothing ticks. The
 * state is KVM's struct kvm_pit_channel_state, field for field, so
 * KVM_GET/SET_PIT2 are copies.
 *
 * pit_dev.c is the device: ports 0x40-0x43 (and 0x61 with
 * KVM_PIT_SPEAKER_DUMMY) in the kernel, counter 0's OUT on an hrtimer
 * raising GSI 0 through the irqchip's routes, and the VM ioctls.
 */
#ifndef _KHV_PIT_H
#define _KHV_PIT_H

#include <linux/kvm.h>
#include <linux/types.h>

#define KHV_PIT_HZ		1193182
#define KHV_PIT_CHANNELS	3

/* Ports of the counters and of the control word. */
#define KHV_PIT_PORT_BASE	0x40
#define KHV_PIT_PORT_CONTROL	0x43

/*
 * Byte sequence of a count (rw_mode, read_state, write_state,
 * count_latched): the RW field of the control word, and the second
 * byte of an LSB-then-MSB access.
 */
#define KHV_PIT_RW_LSB		1
#define KHV_PIT_RW_MSB		2
#define KHV_PIT_RW_WORD0	3	/* LSB then MSB: the LSB is next */
#define KHV_PIT_RW_WORD1	4	/* ... the MSB is next */

/* A mode KVM's reset leaves (0xff): no count, no OUT edge until programmed. */
#define KHV_PIT_MODE_NONE	0xff

struct khv_pit_model {
	struct kvm_pit_channel_state ch[KHV_PIT_CHANNELS];
};

/* Power-on: counters 0 and 1 gated on, 2 off, count 0x10000, unprogrammed. */
void khv_pit_model_reset(struct khv_pit_model *m, s64 now);

/* Port 0x40-0x43 accesses at time @now (ns). */
u8 khv_pit_model_read(struct khv_pit_model *m, u16 port, s64 now);
void khv_pit_model_write(struct khv_pit_model *m, u16 port, u8 val, s64 now);

/* The counting element and OUT of counter @c at @now. */
u16 khv_pit_count(const struct kvm_pit_channel_state *c, s64 now);
bool khv_pit_out(const struct kvm_pit_channel_state *c, s64 now);

/*
 * The first rising edge of OUT strictly after @after (ns), where the
 * interrupt of counter 0 happens, or -1 when OUT will not rise again
 * (a one-shot mode past its terminal count, gate low, unprogrammed).
 */
s64 khv_pit_next_edge(const struct kvm_pit_channel_state *c, s64 after);

/* Gate input of counter @i (channel 2: port 0x61 bit 0). */
void khv_pit_set_gate(struct khv_pit_model *m, unsigned int i, bool gate,
		      s64 now);

/* Reload counter @i with its count at @now (after KVM_SET_PIT2). */
void khv_pit_reload(struct kvm_pit_channel_state *c, s64 now);

/* Converts nanoseconds to input clock ticks and back (rounding up). */
u64 khv_pit_ns_to_ticks(u64 ns);
u64 khv_pit_ticks_to_ns(u64 ticks);

/* The device (pit_dev.c). */
struct khv_vm;
struct khv_vcpu;

/* Ports 0x40-0x43 (0x61 with the speaker stub); true when handled here. */
bool khv_pit_pio(struct khv_vcpu *vcpu, u16 port, unsigned int size, bool in,
		 unsigned long *rax);
/* VM teardown, before the vCPUs and the irqchip. */
void khv_pit_vm_destroy(struct khv_vm *vm);

#endif /* _KHV_PIT_H */
