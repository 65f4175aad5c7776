/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest MSRs khv keeps as part of the vCPU state (msr.c), for RDMSR/WRMSR in
 * the guest and KVM_GET/SET_MSRS from userspace alike (docs/vcpu.md lists
 * them).
 */
#ifndef _KHV_MSR_H
#define _KHV_MSR_H

#include <linux/types.h>

#include "mce.h"
#include "mtrr.h"

struct khv_vcpu;

/* A guest RDMSR/WRMSR handed to userspace, completed by the next KVM_RUN. */
enum khv_msr_user_exit {
	KHV_MSR_EXIT_NONE,
	KHV_MSR_EXIT_READ,		/* KVM_EXIT_X86_RDMSR */
	KHV_MSR_EXIT_WRITE,		/* KVM_EXIT_X86_WRMSR */
};

/* The MSRs that live outside the VMCS and the other vcpu fields. */
struct khv_vcpu_msrs {
	u64 tsc_offset;		/* guest TSC - host TSC (VMCS TSC_OFFSET) */
	u64 tsc_zero_offset;	/* the offset that made the VM's TSC 0 */
	u64 tsc_adjust;		/* IA32_TSC_ADJUST */
	u64 misc_enable;	/* IA32_MISC_ENABLE */
	u64 platform_info;	/* MSR_PLATFORM_INFO */
	u64 ucode_rev;		/* IA32_BIOS_SIGN_ID */
	u64 power_ctl;		/* MSR_IA32_POWER_CTL: stored only */
	u32 tsc_aux;		/* IA32_TSC_AUX, read by RDTSCP */
	u32 host_tsc_aux;	/* the host's, while the guest's is loaded */
	bool tsc_aux_used;	/* written: switched with the guest state */
	bool tsc_aux_loaded;	/* the guest's is in the hardware */
	u8 user_exit;		/* enum khv_msr_user_exit */
	struct khv_mtrr mtrr;
	struct khv_mce mce;	/* inert machine-check MSRs (QEMU writes them) */
};

/* Reset values; before the VMCS is set up (it takes msrs.tsc_offset). */
void khv_msr_vcpu_create(struct khv_vcpu *vcpu);

/* khv_msr_get/set() for an MSR khv does not know (KVM's "unknown" reason). */
#define KHV_MSR_UNKNOWN		2

/*
 * 0, or 1 when the guest would take #GP for a bad value or an access the
 * vCPU model refuses, KHV_MSR_UNKNOWN for an MSR khv does not know; for
 * userspace (non-zero) when the access is refused. @host: the access comes from
 * KVM_GET/SET_MSRS, which may do more (write read-only MSR_PLATFORM_INFO,
 * set the TSC without moving TSC_ADJUST...) and less (MSRs CPUID does not
 * offer to the guest).
 */
int khv_msr_get(struct khv_vcpu *vcpu, u32 index, u64 *val, bool host);
int khv_msr_set(struct khv_vcpu *vcpu, u32 index, u64 val, bool host);

bool khv_apic_base_valid(u64 apic_base);

/* The guest's TSC now (what RDTSC in the guest would read). */
u64 khv_guest_tsc(struct khv_vcpu *vcpu);

/*
 * With the rest of the guest state (vcpu_load.c), preemption off: IA32_TSC_AUX
 * is neither switched by VM entry and exit nor needed by the host before it
 * returns to user mode (vDSO getcpu), so it is swapped lazily like the
 * SYSCALL MSRs, once the guest or userspace has set it.
 */
void khv_msr_load_guest_state(struct khv_vcpu *vcpu);
void khv_msr_put_guest_state(struct khv_vcpu *vcpu);

/*
 * Exit handlers for RDMSR and WRMSR (exit reasons 31 and 32): > 0 re-enter,
 * 0 for a KVM_EXIT_X86_RDMSR/WRMSR exit to userspace.
 */
int khv_handle_rdmsr(struct khv_vcpu *vcpu);
int khv_handle_wrmsr(struct khv_vcpu *vcpu);

/* KVM_RUN after such an exit (vcpu->msrs.user_exit set): returns 1. */
int khv_msr_complete_user_exit(struct khv_vcpu *vcpu);

#endif /* _KHV_MSR_H */
