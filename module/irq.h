/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel interrupt controller of KVM_CREATE_IRQCHIP (docs/irqchip.md):
 * per VM an IOAPIC and a pair of 8259 PICs (irq.c), per vCPU a local APIC
 * with its timer (irq_vcpu.c), on the pure models of lapic.c, ioapic.c and
 * pic.c. This header is what the rest of khv calls; every hook is a no-op
 * (or "not mine") for a vCPU of a VM without an irqchip.
 */
#ifndef _KHV_IRQ_H
#define _KHV_IRQ_H

#include <linux/hrtimer.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "ioapic.h"
#include "lapic.h"
#include "pic.h"

struct khv_vm;
struct khv_vcpu;
struct khv_irq_routes;

/* KHV_MAX_VCPUS (vm.h); one bit each in khv_irqchip.kick. */
#define KHV_IRQ_MAX_VCPUS	64

/* Per VM (vm->irqchip): the devices, the routes and the vCPUs' APICs. */
struct khv_irqchip {
	/*
	 * Serialises every model (all APICs of the VM, the IOAPIC, the PICs)
	 * and the routes. Taken with interrupts off: the APIC timers' hrtimer
	 * callbacks take it too. Kicks of vCPUs wait until it is dropped.
	 */
	spinlock_t lock;
	struct khv_ioapic ioapic;
	struct khv_pic pic;
	struct khv_irq_routes *routes;
	struct khv_vcpu_irq *vcpus[KHV_IRQ_MAX_VCPUS];	/* by creation */
	unsigned int nr_vcpus;
	unsigned long kick;		/* vcpus[] to kick after unlocking */
	/*
	 * KVM_CAP_SPLIT_IRQCHIP: only the local APICs are here; the IOAPIC,
	 * the PICs and the PIT are the VMM's, and @ioapic/@pic go unused.
	 * GSIs below @nr_reserved are the VMM's IOAPIC pins: the EOI of a
	 * vector a level-triggered MSI route of theirs sends to a vCPU ends
	 * that vCPU's KVM_RUN with KVM_EXIT_IOAPIC_EOI.
	 */
	bool split;
	u32 nr_reserved;
};

/* Per vCPU (vcpu->irq). */
struct khv_vcpu_irq {
	struct khv_lapic apic;
	struct khv_vcpu *vcpu;
	struct khv_irqchip *chip;
	unsigned int index;		/* in chip->vcpus[] */
	struct hrtimer timer;		/* the APIC timer */
	wait_queue_head_t wq;		/* HLT, wait-for-SIPI */
	bool in_guest;			/* between entry checks and exit */
	int guest_cpu;			/* CPU of that entry */
	bool vmcs_ready;		/* controls for the irqchip written */
	/* Split irqchip: KVM_INTERRUPT's ExtINT vector, -1 if none. */
	int extint;
	/* Split irqchip: a KVM_EXIT_IOAPIC_EOI for @eoi_vector is due. */
	bool eoi_exit;
	u8 eoi_vector;
};

/* VM fd: the irqchip ioctls and KVM_SET_BOOT_CPU_ID; teardown after the vCPUs. */
long khv_irq_vm_ioctl(struct khv_vm *vm, unsigned int cmd, unsigned long arg);
void khv_irq_vm_destroy(struct khv_vm *vm);
long khv_irq_check_extension(long cap);
/* KVM_ENABLE_CAP(KVM_CAP_SPLIT_IRQCHIP), args[0]: the reserved GSIs. */
int khv_irq_enable_split(struct khv_vm *vm, u64 nr_reserved);
/* The 8259s (and so a PIT) are in the kernel: KVM_CREATE_IRQCHIP, not split. */
bool khv_irq_pic_in_kernel(struct khv_vm *vm);

/* vCPU: create (vm->lock held, VMCS set up) and destroy; vCPU ioctls. */
int khv_irq_vcpu_create(struct khv_vcpu *vcpu);
void khv_irq_vcpu_destroy(struct khv_vcpu *vcpu);
/* KVM_GET/SET_LAPIC, KVM_GET/SET_MP_STATE, KVM_SET_VAPIC_ADDR; else -ENOTTY. */
long khv_irq_vcpu_ioctl(struct khv_vcpu *vcpu, unsigned int ioctl,
			void __user *argp);

/*
 * The run loop. run_check, before each entry with preemption on: INIT and
 * SIPI, and sleeping while the vCPU is halted or waits for SIPI; returns 1
 * to enter, -EINTR (KVM_EXIT_INTR) on a signal. prepare_entry, from
 * inject.c (interrupts off, VMCS current, guest RFLAGS and interruptibility
 * state given) for a vCPU with an irqchip: puts the interrupt or NMI to
 * inject in vcpu->event, or returns the window exits it needs
 * (CPU_BASED_*_WINDOW_EXITING). after_exit, interrupts still off.
 */
int khv_irq_run_check(struct khv_vcpu *vcpu);
u32 khv_irq_prepare_entry(struct khv_vcpu *vcpu, unsigned long rflags,
			  u32 blocking);
void khv_irq_after_exit(struct khv_vcpu *vcpu);

/* A GSI from a device in the kernel (the PIT): @level on all its routes. */
void khv_irq_set_gsi(struct khv_vm *vm, u32 gsi, bool level);

/*
 * Split irqchip. khv_irq_interrupt: KVM_INTERRUPT with an in-kernel APIC
 * (ENXIO with the 8259 in the kernel, EEXIST while one is pending).
 * khv_irq_ready_for_extint: ready_for_interrupt_injection's APIC half
 * (no ExtINT pending, LINT0 takes one or the APIC is disabled); true
 * with the 8259 in the kernel.
 */
int khv_irq_interrupt(struct khv_vcpu *vcpu, u8 vector);
bool khv_irq_ready_for_extint(struct khv_vcpu *vcpu);
bool khv_irq_split(const struct khv_vcpu *vcpu);

/* Exit handler of HLT (RIP already past it). */
int khv_irq_halt(struct khv_vcpu *vcpu);

/*
 * Devices in the kernel. mmio: the vCPU's xAPIC page and the IOAPIC, @data
 * little-endian, @len 1-8; pio: the PIC ports, @rax updated for IN. Both
 * return true when the access was handled here.
 */
bool khv_irq_mmio(struct khv_vcpu *vcpu, u64 gpa, void *data, unsigned int len,
		  bool write);
bool khv_irq_pio(struct khv_vcpu *vcpu, u16 port, unsigned int size, bool in,
		 unsigned long *rax);

/* MSRs of the APIC (base, x2APIC, TSC deadline): as khv_msr_get/set, -ENOENT if not one. */
int khv_irq_msr_get(struct khv_vcpu *vcpu, u32 index, u64 *val);
int khv_irq_msr_set(struct khv_vcpu *vcpu, u32 index, u64 val, bool host);

/* MOV to/from CR8: TPR bits 7:4 with an in-kernel APIC (SDM Vol. 3A 10.8.6.1). */
bool khv_irq_cr8(struct khv_vcpu *vcpu, u64 *cr8, bool write);

/* CPUID leaf 1: x2APIC and TSC deadline when the APIC is in the kernel. */
void khv_irq_cpuid(struct khv_vcpu *vcpu, u32 leaf, u32 *ecx);

/* Between irq.c and irq_vcpu.c. */
unsigned long khv_irqchip_lock(struct khv_irqchip *chip);
void khv_irqchip_unlock(struct khv_irqchip *chip, unsigned long flags);
int khv_irqchip_deliver(struct khv_irqchip *chip, struct khv_lapic *src,
			const struct khv_apic_irq *irq);
bool khv_irqchip_eoi_exits(struct khv_irqchip *chip, struct khv_lapic *apic,
			   u8 vector);
void khv_irq_kick_vcpu(struct khv_vcpu_irq *virq);

#endif /* _KHV_IRQ_H */
