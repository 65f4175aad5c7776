// SPDX-License-Identifier: GPL-2.0
/*
 * RDMSR/WRMSR of the MSRs that are part of the guest state khv already
 * keeps (VMCS fields and the switched MSR_KERNEL_GS_BASE): what a guest needs
 * to change modes and set up its segments. Every MSR access exits (the MSR
 * bitmap is all ones); an MSR not listed here still ends KVM_RUN with
 * KVM_EXIT_INTERNAL_ERROR, so nothing is silently ignored.
 */
#include <linux/kvm.h>
#include <linux/preempt.h>
#include <asm/apicdef.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include <asm/vmx.h>

#include "cr.h"
#include "ioctl.h"
#include "irq.h"
#include "msr.h"
#include "vcpu.h"
#include "vmx_insn.h"

/* Canonical for 48-bit linear addresses (khv does not offer LA57). */
static bool khv_canonical(u64 addr)
{
	return ((s64)addr << 16 >> 16) == (s64)addr;
}

/*
 * IA32_APIC_BASE: bits 7:0 and 9 are reserved, bit 10 (x2APIC) too since
 * CPUID does not offer x2APIC, and bits from MAXPHYADDR up (SDM Vol. 3A,
 * 10.4.4).
 */
bool khv_apic_base_valid(u64 apic_base)
{
	u64 rsvd = GENMASK_ULL(7, 0) | BIT_ULL(9) | X2APIC_ENABLE |
		   GENMASK_ULL(63, boot_cpu_data.x86_phys_bits);

	return !(apic_base & rsvd);
}

/* Each PAT entry must be a valid memory type: 0, 1, 4, 5, 6 or 7. */
static bool khv_pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (i * 8);

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

/* EFER.LMA is read-only; LME cannot change while paging is on (9.8.5). */
static int khv_set_efer(struct khv_vcpu *vcpu, u64 efer, bool host)
{
	u64 old = khv_read_efer(vcpu);

	if (!khv_efer_valid(efer))
		return 1;
	if (!host) {
		efer = (efer & ~EFER_LMA) | (old & EFER_LMA);
		if (((efer ^ old) & EFER_LME) &&
		    (khv_read_cr0(vcpu) & X86_CR0_PG))
			return 1;
	}
	khv_write_efer(vcpu, efer);
	return 0;
}

/* The guest's value is in the hardware MSR while its state is loaded. */
static u64 khv_kernel_gs_base(struct khv_vcpu *vcpu, const u64 *set)
{
	u64 val;

	preempt_disable();
	if (vcpu->guest_state_loaded) {
		if (set)
			wrmsrl(MSR_KERNEL_GS_BASE, *set);
		rdmsrl(MSR_KERNEL_GS_BASE, val);
	} else {
		if (set)
			vcpu->kernel_gs_base = *set;
		val = vcpu->kernel_gs_base;
	}
	preempt_enable();
	return val;
}

/* The SYSCALL MSRs' slots in vcpu->syscall_msrs[], or -1. */
static int khv_syscall_msr(u32 index)
{
	switch (index) {
	case MSR_STAR:
		return KHV_STAR;
	case MSR_LSTAR:
		return KHV_LSTAR;
	case MSR_CSTAR:
		return KHV_CSTAR;
	case MSR_SYSCALL_MASK:
		return KHV_SFMASK;
	default:
		return -1;
	}
}

/* LSTAR and CSTAR hold addresses; SFMASK bits 63:32 are reserved. */
static int khv_set_syscall_msr(struct khv_vcpu *vcpu, int slot, u64 val)
{
	if ((slot == KHV_LSTAR || slot == KHV_CSTAR) && !khv_canonical(val))
		return 1;
	if (slot == KHV_SFMASK && (val >> 32))
		return 1;
	vcpu->syscall_msrs[slot] = val;
	vcpu->syscall_msrs_used = true;
	preempt_disable();
	if (vcpu->guest_state_loaded)
		khv_vcpu_load_syscall_msrs(vcpu);
	preempt_enable();
	return 0;
}

/* MSRs that are plain VMCS guest-state fields (SDM 24.4.1). */
static unsigned long khv_msr_field(u32 index)
{
	switch (index) {
	case MSR_IA32_CR_PAT:
		return GUEST_IA32_PAT;
	case MSR_IA32_SYSENTER_CS:
		return GUEST_SYSENTER_CS;
	case MSR_IA32_SYSENTER_ESP:
		return GUEST_SYSENTER_ESP;
	case MSR_IA32_SYSENTER_EIP:
		return GUEST_SYSENTER_EIP;
	case MSR_FS_BASE:
		return GUEST_FS_BASE;
	case MSR_GS_BASE:
		return GUEST_GS_BASE;
	default:
		return 0;
	}
}

int khv_msr_get(struct khv_vcpu *vcpu, u32 index, u64 *val)
{
	unsigned long field = khv_msr_field(index);
	int slot = khv_syscall_msr(index);

	if (field) {
		*val = khv_vmread(field);
		return 0;
	}
	if (slot >= 0) {
		*val = vcpu->syscall_msrs[slot];
		return 0;
	}
	switch (index) {
	case MSR_EFER:
		*val = khv_read_efer(vcpu);
		return 0;
	case MSR_KERNEL_GS_BASE:
		*val = khv_kernel_gs_base(vcpu, NULL);
		return 0;
	case MSR_IA32_APICBASE:
		*val = vcpu->apic_base;
		return 0;
	default:
		/* x2APIC and TSC deadline with an in-kernel APIC. */
		return khv_irq_msr_get(vcpu, index, val);
	}
}

int khv_msr_set(struct khv_vcpu *vcpu, u32 index, u64 val, bool host)
{
	unsigned long field = khv_msr_field(index);
	/* The in-kernel APIC's own: APIC base, x2APIC, TSC deadline. */
	int r = khv_irq_msr_set(vcpu, index, val, host);

	if (r != -ENOENT)
		return r;
	if (khv_syscall_msr(index) >= 0)
		return khv_set_syscall_msr(vcpu, khv_syscall_msr(index), val);
	switch (index) {
	case MSR_EFER:
		return khv_set_efer(vcpu, val, host);
	case MSR_IA32_APICBASE:
		if (!khv_apic_base_valid(val))
			return 1;
		vcpu->apic_base = val;
		return 0;
	case MSR_IA32_CR_PAT:
		if (!khv_pat_valid(val))
			return 1;
		break;
	case MSR_IA32_SYSENTER_CS:
		val = (u32)val;
		break;
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
		/* VM entry wants these canonical (26.3.1.1, 26.3.1.2). */
		if (!khv_canonical(val))
			return 1;
		break;
	default:
		return -ENOENT;
	}
	if (index == MSR_KERNEL_GS_BASE)
		khv_kernel_gs_base(vcpu, &val);
	else
		khv_vmwrite(field, val);
	return 0;
}

int khv_handle_rdmsr(struct khv_vcpu *vcpu)
{
	u32 index = vcpu->gprs[KHV_RCX];
	u64 val;
	int r = khv_msr_get(vcpu, index, &val);

	if (r < 0)
		return khv_internal_error(vcpu,
					  KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON);
	vcpu->gprs[KHV_RAX] = (u32)val;
	vcpu->gprs[KHV_RDX] = val >> 32;
	khv_skip_instruction(vcpu);
	return 1;
}

int khv_handle_wrmsr(struct khv_vcpu *vcpu)
{
	u32 index = vcpu->gprs[KHV_RCX];
	u64 val = (u32)vcpu->gprs[KHV_RAX] | ((u64)vcpu->gprs[KHV_RDX] << 32);
	int r = khv_msr_set(vcpu, index, val, false);

	if (r < 0)
		return khv_internal_error(vcpu,
					  KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON);
	if (r)
		khv_queue_exception(vcpu, GP_VECTOR, true, 0);
	else
		khv_skip_instruction(vcpu);
	return 1;
}

/* KVM_GET_MSR_INDEX_LIST and friends: not implemented yet. */
long khv_msr_dev_ioctl(unsigned int ioctl, void __user *argp)
{
	return -EINVAL;
}

/* KVM_GET/SET_MSRS: not implemented yet. */
long khv_msr_vcpu_ioctl(struct khv_vcpu *vcpu, unsigned int ioctl,
			void __user *argp)
{
	return -EINVAL;
}

long khv_msr_check_extension(long cap)
{
	return 0;
}
