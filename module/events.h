/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events userspace hands a vCPU and what KVM_RUN does with them
 * (docs/vcpu.md, "Events"): events.c has the ioctls (KVM_INTERRUPT, KVM_NMI,
 * KVM_GET/SET_VCPU_EVENTS, KVM_SET_SIGNAL_MASK) and kvm_run's sync_regs;
 * inject.c puts events into VM entries and fills kvm_run's status fields.
 */
#ifndef _KHV_EVENTS_H
#define _KHV_EVENTS_H

#include <linux/kvm.h>
#include <linux/types.h>

struct khv_vcpu;

/* KVM_RUN (run.c), around the run: the signal mask of KVM_SET_SIGNAL_MASK. */
void khv_events_sigmask_begin(struct khv_vcpu *vcpu);
void khv_events_sigmask_end(struct khv_vcpu *vcpu);

/*
 * kvm_run's sync_regs (KVM_CAP_SYNC_REGS), vCPU loaded: _in at entry applies
 * kvm_dirty_regs (-EINVAL for unknown bits or refused state), _out at every
 * return stores what kvm_valid_regs asks for.
 */
int khv_sync_regs_in(struct khv_vcpu *vcpu);
void khv_sync_regs_out(struct khv_vcpu *vcpu);

/* KVM_GET/SET_VCPU_EVENTS on a loaded vCPU; set returns 0 or -EINVAL. */
void khv_events_get(struct khv_vcpu *vcpu, struct kvm_vcpu_events *e);
int khv_events_set(struct khv_vcpu *vcpu, const struct kvm_vcpu_events *e);

/*
 * inject.c. prepare_entry: interrupts off, VMCS current, just before run.c
 * writes vcpu->event: moves userspace's NMI and interrupt, then the in-kernel
 * irqchip's, into the entry when the guest can take them, and asks for
 * interrupt- or NMI-window exits otherwise (SDM 25.2, 26.5).
 */
void khv_events_prepare_entry(struct khv_vcpu *vcpu);
/* Exit handler of interrupt- and NMI-window exits. */
int khv_events_exit_window(struct khv_vcpu *vcpu);
/* if_flag, cr8, apic_base, ready_for_interrupt_injection: every return. */
void khv_events_sync_run(struct khv_vcpu *vcpu);
/* Virtual NMIs (SDM 25.3): available, and switched on for @vcpu (VMCS current). */
bool khv_events_vnmi_supported(void);
bool khv_events_vnmi_enable(struct khv_vcpu *vcpu);

#endif /* _KHV_EVENTS_H */
