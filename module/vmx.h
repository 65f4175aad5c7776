/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU VMX operation: VMXON/VMXOFF on every online CPU, CPU hotplug,
 * emergency (reboot, kexec, panic) VMXOFF.
 */
#ifndef _KHV_VMX_H
#define _KHV_VMX_H

#include <linux/cpumask.h>

#include "vmx_caps.h"

/* Capabilities common to all CPUs; valid after khv_vmx_init() succeeded. */
extern struct khv_vmx_caps khv_vmx_caps;

int khv_vmx_init(void);
void khv_vmx_exit(void);

/* CPUs currently in VMX root operation under khv. */
const struct cpumask *khv_vmx_cpus(void);

/*
 * Whether the calling CPU is in VMX operation under khv. Call it with
 * interrupts disabled and keep them disabled while executing VMX instructions
 * (VMPTRLD, VMREAD, VMLAUNCH, ...): the reboot notifier leaves VMX operation
 * on every CPU from an IPI. False once the system is going down.
 */
bool khv_vmx_active(void);

/*
 * @hook runs on a CPU just before it leaves VMX operation in an orderly way
 * (CPU going offline, module unload), with interrupts disabled, so
 * the VMCS code can VMCLEAR what it loaded there: VMXOFF does not write a
 * current VMCS back to memory (SDM 25.11.1). Not called on reboot or
 * emergencies, where the VMCS contents no longer matter. NULL removes it.
 */
void khv_vmx_set_leave_hook(void (*hook)(unsigned int cpu));

#endif /* _KHV_VMX_H */
