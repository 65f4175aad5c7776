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

#endif /* _KHV_VMX_H */
