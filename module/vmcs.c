// SPDX-License-Identifier: GPL-2.0
/*
 * khv's VMCS: which controls it uses and why, the VMCS region, the constant
 * host state and the guest state at reset. Host fields that depend on the
 * CPU are in khv_vmcs_set_host_percpu(); fields that depend on the current
 * task are set by vcpu_load.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/time64.h>
#include <linux/percpu.h>
#include <asm/cpufeature.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/processor-flags.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/tsc.h>
#include <asm/vmx.h>

#include "cr.h"
#include "vcpu.h"
#include "vm.h"
#include "vmcs.h"
#include "vmx.h"
#include "vmx_insn.h"

/*
 * One host tick by default: the timer only stands in for the tick's own
 * external-interrupt exit where that exit does not come (Bochs, IF = 0), so a
 * shorter slice would only add exits (docs/performance.md measured them).
 */
static unsigned int guest_slice_us = USEC_PER_SEC / HZ;
module_param(guest_slice_us, uint, 0444);
MODULE_PARM_DESC(guest_slice_us,
		 "longest guest run between two checks of the host, in us (VMX-preemption timer; default one tick)");

struct khv_vmcs_config khv_vmcs_config;
static DEFINE_MUTEX(khv_vmcs_config_lock);
static bool khv_vmcs_config_done;

/* IA32_VMX_BASIC bit 54: exits for INS/OUTS report their operands (A.1). */
#define KHV_BASIC_INOUT		BIT_ULL(54)
/* IA32_VMX_MISC bit 5: VM exits store EFER.LMA in "IA-32e mode guest" (A.6). */
#define KHV_MISC_SAVE_LMA	BIT_ULL(5)

/* Power-on PAT (SDM Vol. 3A, 13.12.4 "Programming the PAT"). */
#define KHV_PAT_RESET		0x0007040600070406ULL

void khv_vmcs_access_failed(unsigned long field, bool write)
{
	unsigned long err = 0;

	khv_vmread_checked(VM_INSTRUCTION_ERROR, &err);
	WARN_ONCE(1, "khv: VM%s of field 0x%lx failed (VM-instruction error %lu)\n",
		  write ? "WRITE" : "READ", field, err);
}

/*
 * Pin-based: external interrupts and NMIs always leave the guest, so the host
 * keeps its interrupts; the VMX-preemption timer bounds every guest run even
 * where external-interrupt exits do not arrive (Bochs with RFLAGS.IF = 0).
 *
 * Primary: HLT, port I/O (unconditionally, no I/O bitmaps), every MSR access
 * (bitmap of all ones), MOV DR (the debug registers are the host's), MOV to
 * and from CR8 (without a TPR shadow a guest write would reach the host's
 * TPR, SDM 25.3) and MONITOR/MWAIT (a guest must not park the host CPU).
 *
 * Secondary: EPT and unrestricted guest (real mode runs natively), VPID so
 * that VM entries and exits need not flush the TLB, and RDTSCP/INVPCID where
 * the host has them, since without the control they raise #UD (SDM 25.3).
 *
 * Exit: 64-bit host, EFER and PAT saved and loaded. "Acknowledge interrupt on
 * exit" stays 0: the interrupt stays pending in the APIC and the host takes
 * it through its IDT as soon as khv enables interrupts after the exit.
 *
 * Entry: EFER, PAT and the debug controls (DR7, DEBUGCTL) come from the VMCS;
 * "IA-32e mode guest" follows EFER.LMA (cr.c).
 */
static int khv_vmcs_controls(struct khv_vmcs_config *c)
{
	const struct khv_vmx_caps *caps = &khv_vmx_caps;
	u32 proc2_opt = 0;
	int r;

	r = khv_vmx_ctl_value(&caps->pin,
			      PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING,
			      PIN_BASED_VMX_PREEMPTION_TIMER, &c->pin);
	if (r)
		return r;

	r = khv_vmx_ctl_value(&caps->proc,
			      CPU_BASED_HLT_EXITING | CPU_BASED_UNCOND_IO_EXITING |
			      CPU_BASED_USE_MSR_BITMAPS | CPU_BASED_MOV_DR_EXITING |
			      CPU_BASED_CR8_LOAD_EXITING |
			      CPU_BASED_CR8_STORE_EXITING |
			      CPU_BASED_MWAIT_EXITING | CPU_BASED_MONITOR_EXITING |
			      CPU_BASED_USE_TSC_OFFSETTING |
			      CPU_BASED_ACTIVATE_SECONDARY_CONTROLS,
			      0, &c->proc);
	if (r)
		return r;

	if (caps->has_vpid)
		proc2_opt |= SECONDARY_EXEC_ENABLE_VPID;
	if (boot_cpu_has(X86_FEATURE_RDTSCP))
		proc2_opt |= SECONDARY_EXEC_ENABLE_RDTSCP;
	if (boot_cpu_has(X86_FEATURE_INVPCID))
		proc2_opt |= SECONDARY_EXEC_ENABLE_INVPCID;
	r = khv_vmx_ctl_value(&caps->proc2,
			      SECONDARY_EXEC_ENABLE_EPT |
			      SECONDARY_EXEC_UNRESTRICTED_GUEST,
			      proc2_opt, &c->proc2);
	if (r)
		return r;

	r = khv_vmx_ctl_value(&caps->exit,
			      VM_EXIT_HOST_ADDR_SPACE_SIZE |
			      VM_EXIT_SAVE_IA32_PAT | VM_EXIT_LOAD_IA32_PAT |
			      VM_EXIT_SAVE_IA32_EFER | VM_EXIT_LOAD_IA32_EFER,
			      VM_EXIT_SAVE_DEBUG_CONTROLS, &c->exit);
	if (r)
		return r;
	/* Must-be-1 bits we cannot live with. */
	if (c->exit & VM_EXIT_ACK_INTR_ON_EXIT)
		return -EOPNOTSUPP;

	r = khv_vmx_ctl_value(&caps->entry,
			      VM_ENTRY_LOAD_IA32_PAT | VM_ENTRY_LOAD_IA32_EFER |
			      VM_ENTRY_LOAD_DEBUG_CONTROLS, 0, &c->entry);
	if (r)
		return r;
	if (c->entry & (VM_ENTRY_IA32E_MODE | VM_ENTRY_SMM))
		return -EOPNOTSUPP;
	return 0;
}

/* Ticks of the VMX-preemption timer for one guest slice (SDM 25.5.1). */
static u32 khv_vmcs_timer_ticks(void)
{
	u64 khz = tsc_khz ? tsc_khz : cpu_khz;
	u64 ticks;

	if (!(khv_vmcs_config.pin & PIN_BASED_VMX_PREEMPTION_TIMER))
		return 0;
	ticks = div_u64(khz * guest_slice_us, 1000) >>
		khv_vmx_caps.preemption_timer_shift;
	return clamp_t(u64, ticks, 1, U32_MAX);
}

int khv_vmcs_config_init(void)
{
	struct khv_vmcs_config c = {};
	u64 basic;
	int r;

	mutex_lock(&khv_vmcs_config_lock);
	if (khv_vmcs_config_done) {
		mutex_unlock(&khv_vmcs_config_lock);
		return 0;
	}

	r = khv_vmcs_controls(&c);
	if (r) {
		pr_err("the CPU lacks a VMCS control khv needs (%pe)\n",
		       ERR_PTR(r));
		goto out;
	}
	/* CR0.PG is guest-owned, so LMA must come back from the CPU. */
	if (!(khv_vmx_caps.misc & KHV_MISC_SAVE_LMA)) {
		pr_err("VM exits do not save EFER.LMA (IA32_VMX_MISC bit 5)\n");
		r = -EOPNOTSUPP;
		goto out;
	}
	if (rdmsrl_safe(MSR_IA32_VMX_BASIC, &basic))
		basic = 0;
	c.has_inout_info = basic & KHV_BASIC_INOUT;
	khv_cr_config(&c);
	khv_vmcs_config = c;
	khv_vmcs_config.preemption_timer = khv_vmcs_timer_ticks();

	/* The CPUID table follows the controls and CR4 bits chosen above. */
	r = khv_cpuid_init();
	if (r)
		goto out;
	khv_vcpu_load_init();
	khv_vmcs_config_done = true;
out:
	mutex_unlock(&khv_vmcs_config_lock);
	return r;
}

int khv_vmcs_alloc(struct khv_vcpu *vcpu)
{
	struct page *vmcs, *msr_bitmap;

	vmcs = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	msr_bitmap = alloc_page(GFP_KERNEL_ACCOUNT);
	if (!vmcs || !msr_bitmap) {
		if (vmcs)
			__free_page(vmcs);
		if (msr_bitmap)
			__free_page(msr_bitmap);
		return -ENOMEM;
	}
	/* A VMCS region starts with the revision id, bit 31 clear (24.2). */
	vcpu->vmcs = page_address(vmcs);
	*(u32 *)vcpu->vmcs = khv_vmx_caps.revision_id;
	vcpu->vmcs_pa = page_to_phys(vmcs);
	/* All ones: every RDMSR and WRMSR exits (SDM 24.6.9). */
	vcpu->msr_bitmap = page_address(msr_bitmap);
	memset(vcpu->msr_bitmap, 0xff, PAGE_SIZE);
	return 0;
}

void khv_vmcs_free(struct khv_vcpu *vcpu)
{
	if (vcpu->vmcs)
		free_page((unsigned long)vcpu->vmcs);
	if (vcpu->msr_bitmap)
		free_page((unsigned long)vcpu->msr_bitmap);
	vcpu->vmcs = NULL;
	vcpu->msr_bitmap = NULL;
}

/*
 * Host state that is the same on every CPU and for every task (SDM 24.5,
 * 26.2.3). DS, ES, FS and GS get the null selector: the 64-bit kernel does
 * not use them, and the user values are restored by vcpu_load.c.
 */
static void khv_vmcs_set_host_constant(void)
{
	u64 pat;

	khv_vmwrite(HOST_CS_SELECTOR, __KERNEL_CS);
	khv_vmwrite(HOST_SS_SELECTOR, __KERNEL_DS);
	khv_vmwrite(HOST_DS_SELECTOR, 0);
	khv_vmwrite(HOST_ES_SELECTOR, 0);
	khv_vmwrite(HOST_FS_SELECTOR, 0);
	khv_vmwrite(HOST_GS_SELECTOR, 0);
	khv_vmwrite(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	rdmsrl(MSR_IA32_CR_PAT, pat);
	khv_vmwrite(HOST_IA32_PAT, pat);
	khv_vmwrite(HOST_RIP, (unsigned long)khv_vmx_vmexit);
}

/* The base of the TSS descriptor (16 bytes in 64-bit mode) in @gdt. */
static unsigned long khv_tss_base(unsigned long gdt)
{
	const struct ldttss_desc *d =
		(const struct ldttss_desc *)(gdt + GDT_ENTRY_TSS * 8);

	return d->base0 | ((unsigned long)d->base1 << 16) |
	       ((unsigned long)d->base2 << 24) |
	       ((unsigned long)d->base3 << 32);
}

/*
 * Host state that differs from CPU to CPU: descriptor-table bases, the TSS,
 * the per-CPU GS base and the SYSENTER stack. Runs on the CPU the VMCS was
 * just made current on, with preemption off.
 */
void khv_vmcs_set_host_percpu(void)
{
	struct desc_ptr gdt, idt;
	u64 msr;

	native_store_gdt(&gdt);
	store_idt(&idt);
	khv_vmwrite(HOST_GDTR_BASE, gdt.address);
	khv_vmwrite(HOST_IDTR_BASE, idt.address);
	khv_vmwrite(HOST_TR_BASE, khv_tss_base(gdt.address));
	rdmsrl(MSR_GS_BASE, msr);
	khv_vmwrite(HOST_GS_BASE, msr);
	rdmsrl(MSR_IA32_SYSENTER_CS, msr);
	khv_vmwrite(HOST_IA32_SYSENTER_CS, msr);
	rdmsrl(MSR_IA32_SYSENTER_ESP, msr);
	khv_vmwrite(HOST_IA32_SYSENTER_ESP, msr);
	rdmsrl(MSR_IA32_SYSENTER_EIP, msr);
	khv_vmwrite(HOST_IA32_SYSENTER_EIP, msr);
	rdmsrl(MSR_EFER, msr);
	khv_vmwrite(HOST_IA32_EFER, msr);
	khv_vmwrite(HOST_CR0, read_cr0());
}

static void khv_vmcs_set_seg(enum khv_seg seg, u16 sel, unsigned long base,
			     u32 limit, u32 ar)
{
	khv_vmwrite(KHV_SEG_FIELD(GUEST_ES_SELECTOR, seg), sel);
	khv_vmwrite(KHV_SEG_FIELD(GUEST_ES_BASE, seg), base);
	khv_vmwrite(KHV_SEG_FIELD(GUEST_ES_LIMIT, seg), limit);
	khv_vmwrite(KHV_SEG_FIELD(GUEST_ES_AR_BYTES, seg), ar);
}

/*
 * The state of a CPU after RESET (SDM Vol. 3A, 10.1.1, Table 10-1), as KVM
 * presents it: real mode, CS.base 0xffff0000 with IP 0xfff0, so the first
 * fetch is at 0xfffffff0; EDX holds the family/model/stepping signature.
 */
static void khv_vmcs_reset_guest(struct khv_vcpu *vcpu)
{
	u32 eax, ebx, ecx, edx;
	int seg;

	for (seg = KHV_ES; seg <= KHV_GS; seg++)
		khv_vmcs_set_seg(seg, 0, 0, 0xffff, 0x93);	/* RW data */
	khv_vmcs_set_seg(KHV_CS, 0xf000, 0xffff0000, 0xffff, 0x9b); /* RX code */
	khv_vmcs_set_seg(KHV_LDTR, 0, 0, 0xffff, 0x82);	/* LDT */
	/* VM entry needs a busy TSS type even in real mode (26.3.1.2). */
	khv_vmcs_set_seg(KHV_TR, 0, 0, 0xffff, 0x8b);
	khv_vmwrite(GUEST_GDTR_BASE, 0);
	khv_vmwrite(GUEST_GDTR_LIMIT, 0xffff);
	khv_vmwrite(GUEST_IDTR_BASE, 0);
	khv_vmwrite(GUEST_IDTR_LIMIT, 0xffff);

	khv_vmwrite(GUEST_RIP, 0xfff0);
	khv_vmwrite(GUEST_RSP, 0);
	khv_vmwrite(GUEST_RFLAGS, X86_EFLAGS_FIXED);
	khv_vmwrite(GUEST_DR7, KHV_DR7_FIXED_1);
	khv_vmwrite(GUEST_IA32_DEBUGCTL, 0);
	khv_vmwrite(GUEST_IA32_PAT, KHV_PAT_RESET);
	khv_vmwrite(GUEST_SYSENTER_CS, 0);
	khv_vmwrite(GUEST_SYSENTER_ESP, 0);
	khv_vmwrite(GUEST_SYSENTER_EIP, 0);
	khv_vmwrite(GUEST_INTERRUPTIBILITY_INFO, 0);
	khv_vmwrite(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	khv_vmwrite(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	khv_vmwrite(GUEST_PDPTR0, 0);
	khv_vmwrite(GUEST_PDPTR1, 0);
	khv_vmwrite(GUEST_PDPTR2, 0);
	khv_vmwrite(GUEST_PDPTR3, 0);

	khv_write_efer(vcpu, 0);
	khv_write_cr0(vcpu, X86_CR0_CD | X86_CR0_NW | X86_CR0_ET);
	khv_write_cr4(vcpu, 0);
	khv_vmwrite(GUEST_CR3, 0);
	vcpu->cr2 = 0;
	vcpu->cr8 = 0;
	vcpu->dr6 = DR6_RESERVED;
	vcpu->dr7 = KHV_DR7_FIXED_1;
	/* xAPIC enabled at the architectural base; vCPU 0 is the BSP. */
	vcpu->apic_base = APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE |
			  (vcpu->id == 0 ? MSR_IA32_APICBASE_BSP : 0);

	memset(vcpu->gprs, 0, sizeof(vcpu->gprs));
	eax = 1;
	ecx = 0;
	khv_cpuid(vcpu->id, &eax, &ebx, &ecx, &edx);
	vcpu->gprs[KHV_RDX] = eax;
}

void khv_vmcs_setup(struct khv_vcpu *vcpu)
{
	const struct khv_vmcs_config *c = &khv_vmcs_config;

	khv_vmwrite(PIN_BASED_VM_EXEC_CONTROL, c->pin);
	khv_vmwrite(CPU_BASED_VM_EXEC_CONTROL, c->proc);
	khv_vmwrite(SECONDARY_VM_EXEC_CONTROL, c->proc2);
	khv_vmwrite(VM_EXIT_CONTROLS, c->exit);
	khv_vmwrite(VM_ENTRY_CONTROLS, c->entry);

	/* Machine checks in the guest go to the host's handler (exit.c). */
	khv_vmwrite(EXCEPTION_BITMAP, BIT(MC_VECTOR));
	khv_vmwrite(PAGE_FAULT_ERROR_CODE_MASK, 0);
	khv_vmwrite(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	khv_vmwrite(CR3_TARGET_COUNT, 0);
	khv_vmwrite(VM_EXIT_MSR_STORE_COUNT, 0);
	khv_vmwrite(VM_EXIT_MSR_LOAD_COUNT, 0);
	khv_vmwrite(VM_ENTRY_MSR_LOAD_COUNT, 0);
	khv_vmwrite(VM_ENTRY_INTR_INFO_FIELD, 0);
	/* The guest's TSC counts from the VM's creation (msr.c). */
	khv_vmwrite(TSC_OFFSET, vcpu->msrs.tsc_offset);
	khv_vmwrite(MSR_BITMAP, virt_to_phys(vcpu->msr_bitmap));
	khv_vmwrite(EPT_POINTER, khv_vm_eptp(vcpu->vm));
	if (c->proc2 & SECONDARY_EXEC_ENABLE_VPID)
		khv_vmwrite(VIRTUAL_PROCESSOR_ID, vcpu->vpid);
	/* No shadow VMCS: the link pointer must be all ones (26.3.1.5). */
	khv_vmwrite(VMCS_LINK_POINTER, -1ULL);
	khv_vmwrite(CR0_GUEST_HOST_MASK, c->cr0_host_owned);
	khv_vmwrite(CR4_GUEST_HOST_MASK, c->cr4_host_owned);

	khv_vmcs_set_host_constant();
	khv_vmcs_set_host_percpu();
	khv_vmcs_reset_guest(vcpu);
}
