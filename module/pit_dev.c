// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel i8254 (pit.h) of a VM: KVM_CREATE_PIT2 (and the older
 * KVM_CREATE_PIT), KVM_GET/SET_PIT2, KVM_GET/SET_PIT, KVM_REINJECT_CONTROL;
 * ports 0x40-0x43 handled without leaving the kernel, port 0x61 too when
 * userspace asked for the speaker stub (KVM_PIT_SPEAKER_DUMMY; QEMU does
 * not, and emulates port 0x61 itself through KVM_SET_PIT2's gate).
 *
 * Counter 0's OUT is wired to GSI 0: an hrtimer runs to each rising edge
 * and pulses GSI 0 through the irqchip's routes (the 8259's IR0 and, with
 * QEMU's routes, IOAPIC pin 2), unless the HPET has taken IRQ0 over
 * (KVM_PIT_FLAGS_HPET_LEGACY). A tick the guest has not taken yet when the
 * next comes merges with it in the 8259 or IOAPIC, as on hardware: khv
 * never queues ticks (KVM's reinject mode); docs/abi.md.
 */
#include <linux/hrtimer.h>
#include <linux/kvm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "ioctl.h"
#include "irq.h"
#include "pit.h"
#include "vcpu.h"
#include "vm.h"

#define KHV_SPEAKER_PORT	0x61

/*
 * The shortest interval between two ticks khv delivers: a guest that
 * programs a rate generator with a count of a few clocks would otherwise
 * keep a host CPU in the timer interrupt.
 */
#define KHV_PIT_MIN_PERIOD_NS	(20 * NSEC_PER_USEC)

struct khv_pit {
	spinlock_t lock;		/* the model, flags, armed; irqs off */
	struct khv_pit_model m;
	u32 flags;			/* KVM_PIT_FLAGS_* of kvm_pit_state2 */
	u32 config;			/* KVM_PIT_SPEAKER_DUMMY */
	bool reinject;			/* KVM_REINJECT_CONTROL, recorded only */
	s64 armed;			/* the timer's expiry, -1 if stopped */
	struct hrtimer timer;
	struct khv_vm *vm;
};

/* Arms the timer for counter 0's next rising edge after @after. */
static void khv_pit_arm(struct khv_pit *pit, s64 after, s64 now)
{
	s64 next = khv_pit_next_edge(&pit->m.ch[0], after);

	lockdep_assert_held(&pit->lock);
	if (next < 0) {
		pit->armed = -1;
		/* A running callback finds armed == -1 and does nothing. */
		hrtimer_try_to_cancel(&pit->timer);
		return;
	}
	/* Late (the host was busy): the ticks missed merge into one. */
	if (next < now)
		next = khv_pit_next_edge(&pit->m.ch[0], now);
	next = max(next, now + (s64)KHV_PIT_MIN_PERIOD_NS);
	pit->armed = next;
	hrtimer_start(&pit->timer, ns_to_ktime(next), HRTIMER_MODE_ABS);
}

/* Re-armed by hrtimer_start() under the lock, as the APIC timer is. */
static enum hrtimer_restart khv_pit_timer_fn(struct hrtimer *timer)
{
	struct khv_pit *pit = container_of(timer, struct khv_pit, timer);
	s64 exp = ktime_to_ns(hrtimer_get_expires(timer));
	unsigned long flags;
	bool fire = false;

	spin_lock_irqsave(&pit->lock, flags);
	/* Only the expiry last armed; a reprogrammed counter re-armed it. */
	if (pit->armed == exp) {
		fire = !(pit->flags & KVM_PIT_FLAGS_HPET_LEGACY);
		khv_pit_arm(pit, exp, ktime_get_ns());
	}
	spin_unlock_irqrestore(&pit->lock, flags);
	if (fire) {
		/* An edge: GSI 0 up and down again. */
		khv_irq_set_gsi(pit->vm, 0, true);
		khv_irq_set_gsi(pit->vm, 0, false);
	}
	return HRTIMER_NORESTART;
}

/* Port 0x61 of the speaker stub: channel 2's gate and OUT, refresh toggle. */
static u8 khv_speaker_read(struct khv_pit *pit, s64 now)
{
	const struct kvm_pit_channel_state *c = &pit->m.ch[2];
	u8 val = c->gate & 1;

	if (pit->flags & KVM_PIT_FLAGS_SPEAKER_DATA_ON)
		val |= BIT(1);
	/* Bit 4 toggles with each DRAM refresh, every 15.085 us. */
	if ((now / 15085) & 1)
		val |= BIT(4);
	if (khv_pit_out(c, now))
		val |= BIT(5);
	return val;
}

static void khv_speaker_write(struct khv_pit *pit, u8 val, s64 now)
{
	khv_pit_set_gate(&pit->m, 2, val & 1, now);
	if (val & BIT(1))
		pit->flags |= KVM_PIT_FLAGS_SPEAKER_DATA_ON;
	else
		pit->flags &= ~KVM_PIT_FLAGS_SPEAKER_DATA_ON;
}

bool khv_pit_pio(struct khv_vcpu *vcpu, u16 port, unsigned int size, bool in,
		 unsigned long *rax)
{
	/* Pairs with khv_pit_create()'s release: a PIT seen is initialised. */
	struct khv_pit *pit = smp_load_acquire(&vcpu->vm->pit);
	unsigned long flags, mask;
	s64 now = ktime_get_ns();
	u8 val = 0;

	if (!pit)
		return false;
	if (port >= KHV_PIT_PORT_BASE && port <= KHV_PIT_PORT_CONTROL) {
		spin_lock_irqsave(&pit->lock, flags);
		/* Byte registers: wider accesses read 0 and write nothing. */
		if (in && size == 1) {
			val = khv_pit_model_read(&pit->m, port, now);
		} else if (!in && size == 1) {
			khv_pit_model_write(&pit->m, port, *rax, now);
			if (port == KHV_PIT_PORT_BASE ||
			    port == KHV_PIT_PORT_CONTROL)
				khv_pit_arm(pit, now, now);
		}
		spin_unlock_irqrestore(&pit->lock, flags);
	} else if (port == KHV_SPEAKER_PORT &&
		   (pit->config & KVM_PIT_SPEAKER_DUMMY)) {
		spin_lock_irqsave(&pit->lock, flags);
		if (in && size == 1)
			val = khv_speaker_read(pit, now);
		else if (!in && size == 1)
			khv_speaker_write(pit, *rax, now);
		spin_unlock_irqrestore(&pit->lock, flags);
	} else {
		return false;
	}
	if (in) {
		/* 8- and 16-bit IN merge into RAX, 32-bit IN zero-extends. */
		mask = size == 4 ? ~0UL : BIT(size * 8) - 1;
		*rax = size == 4 ? val : (*rax & ~mask) | (val & mask);
	}
	return true;
}

static int khv_pit_create(struct khv_vm *vm, u32 config)
{
	struct khv_pit *pit;
	int r = 0;

	pit = kzalloc(sizeof(*pit), GFP_KERNEL_ACCOUNT);
	if (!pit)
		return -ENOMEM;
	spin_lock_init(&pit->lock);
	khv_pit_model_reset(&pit->m, ktime_get_ns());
	/* kvm_intel 6.12 takes any flags and knows one; khv too. */
	pit->config = config & KVM_PIT_SPEAKER_DUMMY;
	pit->reinject = true;
	pit->armed = -1;
	pit->vm = vm;
	hrtimer_init(&pit->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	pit->timer.function = khv_pit_timer_fn;

	mutex_lock(&vm->lock);
	if (vm->pit)
		r = -EEXIST;
	else if (!khv_irq_pic_in_kernel(vm))
		r = -ENOENT;	/* the PIT needs the in-kernel 8259 (not split) */
	else	/* published whole to vCPUs and ioctls without vm->lock */
		smp_store_release(&vm->pit, pit);
	mutex_unlock(&vm->lock);
	if (r)
		kfree(pit);
	return r;
}

/* Before the vCPUs and the irqchip the timer raises GSIs on. */
void khv_pit_vm_destroy(struct khv_vm *vm)
{
	struct khv_pit *pit = vm->pit;

	if (!pit)
		return;
	hrtimer_cancel(&pit->timer);
	kfree(pit);
	vm->pit = NULL;
}

static int khv_pit_get(struct khv_pit *pit, void __user *argp, bool state2)
{
	struct kvm_pit_state2 s = {};
	unsigned long flags;

	spin_lock_irqsave(&pit->lock, flags);
	memcpy(s.channels, pit->m.ch, sizeof(s.channels));
	s.flags = pit->flags;
	spin_unlock_irqrestore(&pit->lock, flags);
	if (copy_to_user(argp, &s, state2 ? sizeof(s) :
			 sizeof(struct kvm_pit_state)))
		return -EFAULT;
	return 0;
}

/*
 * Every counter restarts from its count now, whatever count_load_time
 * says: the time base is the host's, not the caller's.
 */
static int khv_pit_set(struct khv_pit *pit, void __user *argp, bool state2)
{
	struct kvm_pit_state2 s = {};
	s64 now = ktime_get_ns();
	unsigned long flags;
	unsigned int i;

	if (copy_from_user(&s, argp, state2 ? sizeof(s) :
			   sizeof(struct kvm_pit_state)))
		return -EFAULT;
	spin_lock_irqsave(&pit->lock, flags);
	memcpy(pit->m.ch, s.channels, sizeof(pit->m.ch));
	for (i = 0; i < KHV_PIT_CHANNELS; i++)
		khv_pit_reload(&pit->m.ch[i], now);
	if (state2)
		pit->flags = s.flags;
	khv_pit_arm(pit, now, now);
	spin_unlock_irqrestore(&pit->lock, flags);
	return 0;
}

static int khv_pit_reinject(struct khv_pit *pit, void __user *argp)
{
	struct kvm_reinject_control rc;

	if (copy_from_user(&rc, argp, sizeof(rc)))
		return -EFAULT;
	WRITE_ONCE(pit->reinject, rc.pit_reinject);
	return 0;
}

long khv_pit_vm_ioctl(struct khv_vm *vm, unsigned int cmd, void __user *argp)
{
	/* Pairs with khv_pit_create()'s release. */
	struct khv_pit *pit = smp_load_acquire(&vm->pit);
	struct kvm_pit_config config;

	switch (cmd) {
	case KVM_CREATE_PIT2:
		if (copy_from_user(&config, argp, sizeof(config)))
			return -EFAULT;
		return khv_pit_create(vm, config.flags);
	case KVM_CREATE_PIT:
		/* The old call: the speaker stub included. */
		return khv_pit_create(vm, KVM_PIT_SPEAKER_DUMMY);
	}
	if (!pit)
		return -ENXIO;
	switch (cmd) {
	case KVM_GET_PIT2:
		return khv_pit_get(pit, argp, true);
	case KVM_SET_PIT2:
		return khv_pit_set(pit, argp, true);
	case KVM_GET_PIT:
		return khv_pit_get(pit, argp, false);
	case KVM_SET_PIT:
		return khv_pit_set(pit, argp, false);
	case KVM_REINJECT_CONTROL:
		return khv_pit_reinject(pit, argp);
	default:
		return -ENOTTY;
	}
}

long khv_pit_check_extension(long cap)
{
	switch (cap) {
	case KVM_CAP_PIT2:
	case KVM_CAP_PIT_STATE2:
	case KVM_CAP_REINJECT_CONTROL:	/* khv's one mode is !reinject */
		return 1;
	default:
		return 0;
	}
}
