// SPDX-License-Identifier: GPL-2.0
/*
 * Guest CR0, CR3, CR4, CR8 and EFER.
 *
 * The guest owns most CR0/CR4 bits: with unrestricted guest and EPT it may
 * switch PE and PG and change paging bits without a VM exit, and the CPU
 * keeps EFER.LMA and the "IA-32e mode guest" entry control up to date (IA32_VMX_MISC
 * bit 5). khv owns, through the guest/host masks (SDM 24.6.6):
 *  - CR0.NE, forced to 1 in VMX operation (IA32_VMX_CR0_FIXED0), and CR0.CD
 *    and CR0.NW, kept 0 in the hardware: with EPT the guest's caching is
 *    expressed by the EPT memory types, and a guest with CD = 1 would run
 *    uncached. The guest reads what it wrote (read shadow).
 *  - every CR4 bit the guest may not set: VMXE (fixed to 1, hidden), and
 *    whatever khv does not offer in CPUID (PKE, LA57, CET...). The
 *    shadow of those bits is always 0, so a VM exit for CR4 means the guest
 *    tried to set one of them: #GP, as on a CPU without the feature.
 */
#include <linux/bits.h>
#include <asm/cpufeature.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/vmx.h>

#include "cr.h"
#include "fpu.h"
#include "irq.h"
#include "vcpu.h"
#include "vm.h"
#include "vmcs.h"
#include "vmx.h"
#include "vmx_insn.h"

static u64 khv_cr4_guest_bits;

/* The CR4 bits a guest may set: those of features khv's CPUID offers. */
static u64 khv_cr4_offered(void)
{
	u64 bits = X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE |
		   X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE |
		   X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;

	if (boot_cpu_has(X86_FEATURE_FSGSBASE))
		bits |= X86_CR4_FSGSBASE;
	if (boot_cpu_has(X86_FEATURE_PCID))
		bits |= X86_CR4_PCIDE;
	if (boot_cpu_has(X86_FEATURE_SMEP))
		bits |= X86_CR4_SMEP;
	if (boot_cpu_has(X86_FEATURE_SMAP))
		bits |= X86_CR4_SMAP;
	if (boot_cpu_has(X86_FEATURE_UMIP))
		bits |= X86_CR4_UMIP;
	if (khv_fpu_xcr0_supported())
		bits |= X86_CR4_OSXSAVE;
	return bits;
}

void khv_cr_config(struct khv_vmcs_config *c)
{
	const struct khv_vmx_caps *caps = &khv_vmx_caps;

	/* Unrestricted guest exempts PE and PG from CR0_FIXED0 (26.3.1.1). */
	c->cr0_hw_set = caps->cr0_fixed0 & ~(u64)(X86_CR0_PE | X86_CR0_PG);
	c->cr0_hw_clear = X86_CR0_CD | X86_CR0_NW | ~caps->cr0_fixed1;
	c->cr0_host_owned = c->cr0_hw_set | c->cr0_hw_clear | GENMASK_ULL(63, 32);

	khv_cr4_guest_bits = khv_cr4_offered() & caps->cr4_fixed1 &
			     ~caps->cr4_fixed0;
	c->cr4_hw_set = caps->cr4_fixed0;
	c->cr4_host_owned = ~khv_cr4_guest_bits;
}

u64 khv_cr4_guest_allowed(void)
{
	return khv_cr4_guest_bits;
}

u64 khv_read_cr0(struct khv_vcpu *vcpu)
{
	u64 mask = khv_vmcs_config.cr0_host_owned;

	return (khv_vmread(GUEST_CR0) & ~mask) | (vcpu->cr0_shadow & mask);
}

u64 khv_read_cr4(struct khv_vcpu *vcpu)
{
	u64 mask = khv_vmcs_config.cr4_host_owned;

	return (khv_vmread(GUEST_CR4) & ~mask) | (vcpu->cr4_shadow & mask);
}

u64 khv_read_efer(struct khv_vcpu *vcpu)
{
	return khv_vmread(GUEST_IA32_EFER);
}

bool khv_long_mode_active(struct khv_vcpu *vcpu)
{
	return khv_read_efer(vcpu) & EFER_LMA;
}

/* 64-bit mode: IA-32e mode active and CS.L (SDM Vol. 3A, 2.2). */
bool khv_cs_64bit(struct khv_vcpu *vcpu)
{
	return khv_long_mode_active(vcpu) &&
	       (khv_vmread(GUEST_CS_AR_BYTES) & VMX_AR_L_MASK);
}

void khv_write_cr0(struct khv_vcpu *vcpu, u64 cr0)
{
	const struct khv_vmcs_config *c = &khv_vmcs_config;

	vcpu->cr0_shadow = cr0;
	khv_vmwrite(CR0_READ_SHADOW, cr0);
	khv_vmwrite(GUEST_CR0, (cr0 | c->cr0_hw_set) & ~c->cr0_hw_clear);
}

void khv_write_cr4(struct khv_vcpu *vcpu, u64 cr4)
{
	vcpu->cr4_shadow = cr4;
	khv_vmwrite(CR4_READ_SHADOW, cr4);
	khv_vmwrite(GUEST_CR4, cr4 | khv_vmcs_config.cr4_hw_set);
}

/* VM entry requires "IA-32e mode guest" to equal EFER.LMA (26.3.1.1). */
void khv_write_efer(struct khv_vcpu *vcpu, u64 efer)
{
	unsigned long entry = khv_vmread(VM_ENTRY_CONTROLS);

	if (efer & EFER_LMA)
		entry |= VM_ENTRY_IA32E_MODE;
	else
		entry &= ~VM_ENTRY_IA32E_MODE;
	khv_vmwrite(VM_ENTRY_CONTROLS, entry);
	khv_vmwrite(GUEST_IA32_EFER, efer);
}

bool khv_cr0_valid(u64 cr0)
{
	if (cr0 >> 32)
		return false;
	if ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD))
		return false;
	if ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE))
		return false;
	return true;
}

bool khv_cr4_valid(u64 cr4)
{
	return !(cr4 & ~khv_cr4_guest_bits);
}

bool khv_efer_valid(u64 efer)
{
	u64 ok = 0;

	if (boot_cpu_has(X86_FEATURE_SYSCALL))
		ok |= EFER_SCE;
	if (boot_cpu_has(X86_FEATURE_LM))
		ok |= EFER_LME | EFER_LMA;
	if (boot_cpu_has(X86_FEATURE_NX))
		ok |= EFER_NX;
	return !(efer & ~ok);
}

bool khv_pae_paging(u64 cr0, u64 cr4, u64 efer)
{
	return (cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(efer & EFER_LMA);
}

/* PDPTE bits reserved when present: 2:1, 8:5 and above MAXPHYADDR (4.4.1). */
static bool khv_pdpte_ok(u64 pdpte)
{
	u64 rsvd = GENMASK_ULL(2, 1) | GENMASK_ULL(8, 5) |
		   GENMASK_ULL(63, boot_cpu_data.x86_phys_bits);

	return !(pdpte & _PAGE_PRESENT) || !(pdpte & rsvd);
}

int khv_load_pdptrs(struct khv_vcpu *vcpu, u64 cr3)
{
	u64 pdpte[4];
	int i, r;

	/* The PDPT is 32-byte aligned, below 4 GiB (SDM Vol. 3A, 4.4.1). */
	r = khv_vm_read_guest(vcpu->vm, cr3 & GENMASK_ULL(31, 5), pdpte,
			      sizeof(pdpte));
	if (r)
		return r;
	for (i = 0; i < 4; i++)
		if (!khv_pdpte_ok(pdpte[i]))
			return -EINVAL;
	for (i = 0; i < 4; i++)
		khv_vmwrite(GUEST_PDPTR0 + 2 * i, pdpte[i]);
	return 0;
}

/*
 * MOV to CR0, CLTS, LMSW, emulated because the write changed a host-owned
 * bit; the CPU did nothing, so do everything it would (SDM Vol. 3A, 2.5,
 * 9.8.5 for IA-32e mode activation). Returns false for #GP.
 */
static bool khv_set_cr0(struct khv_vcpu *vcpu, u64 cr0)
{
	u64 old = khv_read_cr0(vcpu);
	u64 cr4 = khv_read_cr4(vcpu);
	u64 efer = khv_read_efer(vcpu);
	u64 new_efer = efer;

	if (!khv_long_mode_active(vcpu))
		cr0 &= U32_MAX;
	if (!khv_cr0_valid(cr0))
		return false;

	if ((cr0 & X86_CR0_PG) && !(old & X86_CR0_PG)) {
		if (efer & EFER_LME) {
			/* Activating IA-32e mode needs PAE and a non-64-bit CS. */
			if (!(cr4 & X86_CR4_PAE) ||
			    (khv_vmread(GUEST_CS_AR_BYTES) & VMX_AR_L_MASK))
				return false;
			new_efer |= EFER_LMA;
		}
	} else if (!(cr0 & X86_CR0_PG) && (old & X86_CR0_PG) &&
		   (efer & EFER_LMA)) {
		/* Leaving IA-32e mode is allowed from compatibility mode only. */
		if (khv_cs_64bit(vcpu))
			return false;
		new_efer &= ~EFER_LMA;
	}
	/* PAE paging reloads the PDPTEs when PG, CD or NW change (4.4.1). */
	if (khv_pae_paging(cr0, cr4, new_efer) &&
	    ((cr0 ^ old) & (X86_CR0_PG | X86_CR0_CD | X86_CR0_NW)) &&
	    khv_load_pdptrs(vcpu, khv_vmread(GUEST_CR3)))
		return false;

	if (new_efer != efer)
		khv_write_efer(vcpu, new_efer);
	khv_write_cr0(vcpu, cr0);
	if ((cr0 ^ old) & (X86_CR0_PG | X86_CR0_WP | X86_CR0_PE))
		vcpu->tlb_flush = true;
	return true;
}

static bool khv_set_cr4(struct khv_vcpu *vcpu, u64 cr4)
{
	const u64 paging = X86_CR4_PAE | X86_CR4_PGE | X86_CR4_PSE |
			   X86_CR4_PCIDE | X86_CR4_SMEP | X86_CR4_SMAP;
	u64 old = khv_read_cr4(vcpu);
	u64 cr0 = khv_read_cr0(vcpu);
	u64 efer = khv_read_efer(vcpu);

	if (!(efer & EFER_LMA))
		cr4 &= U32_MAX;
	if (!khv_cr4_valid(cr4))
		return false;
	if ((efer & EFER_LMA) && !(cr4 & X86_CR4_PAE))
		return false;
	if ((cr4 & X86_CR4_PCIDE) && !(old & X86_CR4_PCIDE) &&
	    (!(efer & EFER_LMA) || (khv_vmread(GUEST_CR3) & 0xfff)))
		return false;
	if (khv_pae_paging(cr0, cr4, efer) && ((cr4 ^ old) & paging) &&
	    khv_load_pdptrs(vcpu, khv_vmread(GUEST_CR3)))
		return false;
	khv_write_cr4(vcpu, cr4);
	if ((cr4 ^ old) & paging)
		vcpu->tlb_flush = true;
	return true;
}

/* Only with "CR3-load exiting", which some CPUs cannot turn off. */
static bool khv_set_cr3(struct khv_vcpu *vcpu, u64 cr3)
{
	u64 cr0 = khv_read_cr0(vcpu), cr4 = khv_read_cr4(vcpu);
	u64 efer = khv_read_efer(vcpu);

	if (efer & EFER_LMA) {
		/* Bit 63 asks not to flush the PCID (4.10.4.1); not stored. */
		if (cr4 & X86_CR4_PCIDE)
			cr3 &= ~BIT_ULL(63);
	} else {
		cr3 &= U32_MAX;
	}
	if (cr3 & GENMASK_ULL(63, boot_cpu_data.x86_phys_bits))
		return false;
	if (khv_pae_paging(cr0, cr4, efer) && khv_load_pdptrs(vcpu, cr3))
		return false;
	khv_vmwrite(GUEST_CR3, cr3);
	vcpu->tlb_flush = true;
	return true;
}

/*
 * Without an in-kernel APIC, CR8 is plain storage that userspace sees in
 * kvm_run.cr8. As KVM, lowering it ends KVM_RUN with KVM_EXIT_SET_TPR so the
 * VMM's APIC model can deliver what was masked.
 */
static int khv_set_cr8(struct khv_vcpu *vcpu, u64 cr8)
{
	u64 old = vcpu->cr8;

	if (cr8 & ~0xfULL) {
		khv_queue_exception(vcpu, GP_VECTOR, true, 0);
		return 1;
	}
	vcpu->cr8 = cr8;
	khv_skip_instruction(vcpu);
	/* An in-kernel APIC owns the TPR: no exit. */
	if (khv_irq_cr8(vcpu, &cr8, true) || cr8 >= old)
		return 1;
	vcpu->run->exit_reason = KVM_EXIT_SET_TPR;
	return 0;
}

/* Exit qualification for control-register accesses (SDM 27.2.1, Table 27-3). */
#define KHV_CRQ_CR(q)		((q) & 0xf)
#define KHV_CRQ_TYPE(q)		(((q) >> 4) & 3)
#define KHV_CRQ_GPR(q)		(((q) >> 8) & 0xf)
#define KHV_CRQ_LMSW(q)		(((q) >> 16) & 0xffff)
enum { KHV_CR_MOV_TO, KHV_CR_MOV_FROM, KHV_CR_CLTS, KHV_CR_LMSW };

int khv_handle_cr_access(struct khv_vcpu *vcpu)
{
	unsigned long q = vcpu->exit_qual;
	unsigned int cr = KHV_CRQ_CR(q), reg = KHV_CRQ_GPR(q);
	u64 val, cr0;
	bool ok;

	switch (KHV_CRQ_TYPE(q)) {
	case KHV_CR_MOV_TO:
		val = khv_gpr_read(vcpu, reg);
		if (cr == 8)
			return khv_set_cr8(vcpu, val);
		if (cr == 0)
			ok = khv_set_cr0(vcpu, val);
		else if (cr == 3)
			ok = khv_set_cr3(vcpu, val);
		else if (cr == 4)
			ok = khv_set_cr4(vcpu, val);
		else
			return khv_internal_error(vcpu,
					KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON);
		break;
	case KHV_CR_MOV_FROM:
		if (cr == 3)
			val = khv_vmread(GUEST_CR3);
		else if (cr == 8 && !khv_irq_cr8(vcpu, &val, false))
			val = vcpu->cr8;
		else if (cr != 8)
			return khv_internal_error(vcpu,
					KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON);
		khv_gpr_write(vcpu, reg, val);
		ok = true;
		break;
	case KHV_CR_CLTS:
		ok = khv_set_cr0(vcpu, khv_read_cr0(vcpu) & ~(u64)X86_CR0_TS);
		break;
	default:
		/* LMSW loads CR0[3:0] but cannot clear PE (SDM Vol. 2A). */
		cr0 = khv_read_cr0(vcpu);
		val = (cr0 & ~0xfULL) | (KHV_CRQ_LMSW(q) & 0xf) |
		      (cr0 & X86_CR0_PE);
		ok = khv_set_cr0(vcpu, val);
		break;
	}
	if (ok)
		khv_skip_instruction(vcpu);
	else
		khv_queue_exception(vcpu, GP_VECTOR, true, 0);
	return 1;
}
