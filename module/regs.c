// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_GET/SET_REGS and KVM_GET/SET_SREGS: conversions between <linux/kvm.h>
 * and the VMCS, and the checks KVM_SET_SREGS makes so that a state the CPU
 * would refuse fails with EINVAL instead of a failed VM entry.
 */
#include <linux/bitmap.h>
#include <linux/bits.h>
#include <linux/kvm.h>
#include <linux/string.h>
#include <asm/apicdef.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include <asm/vmx.h>

#include "cr.h"
#include "msr.h"
#include "vcpu.h"
#include "vmcs.h"
#include "vmx_insn.h"

int khv_get_regs(struct khv_vcpu *vcpu, struct kvm_regs *regs)
{
	const unsigned long *g = vcpu->gprs;

	*regs = (struct kvm_regs){
		.rax = g[KHV_RAX], .rbx = g[KHV_RBX], .rcx = g[KHV_RCX],
		.rdx = g[KHV_RDX], .rsi = g[KHV_RSI], .rdi = g[KHV_RDI],
		.rsp = khv_vmread(GUEST_RSP), .rbp = g[KHV_RBP],
		.r8 = g[KHV_R8], .r9 = g[KHV_R9], .r10 = g[KHV_R10],
		.r11 = g[KHV_R11], .r12 = g[KHV_R12], .r13 = g[KHV_R13],
		.r14 = g[KHV_R14], .r15 = g[KHV_R15],
		.rip = khv_vmread(GUEST_RIP),
		.rflags = khv_vmread(GUEST_RFLAGS),
	};
	return 0;
}

/* As KVM, RFLAGS bit 1 is forced; other bad bits fail the VM entry. */
int khv_set_regs(struct khv_vcpu *vcpu, const struct kvm_regs *regs)
{
	unsigned long *g = vcpu->gprs;

	g[KHV_RAX] = regs->rax;
	g[KHV_RBX] = regs->rbx;
	g[KHV_RCX] = regs->rcx;
	g[KHV_RDX] = regs->rdx;
	g[KHV_RSI] = regs->rsi;
	g[KHV_RDI] = regs->rdi;
	g[KHV_RBP] = regs->rbp;
	g[KHV_R8] = regs->r8;
	g[KHV_R9] = regs->r9;
	g[KHV_R10] = regs->r10;
	g[KHV_R11] = regs->r11;
	g[KHV_R12] = regs->r12;
	g[KHV_R13] = regs->r13;
	g[KHV_R14] = regs->r14;
	g[KHV_R15] = regs->r15;
	khv_vmwrite(GUEST_RSP, regs->rsp);
	khv_vmwrite(GUEST_RIP, regs->rip);
	khv_vmwrite(GUEST_RFLAGS, regs->rflags | X86_EFLAGS_FIXED);
	return 0;
}

/* VMCS access rights (SDM 24.4.1, Table 24-2) to and from kvm_segment. */
static void khv_get_seg(enum khv_seg seg, struct kvm_segment *s)
{
	u32 ar = khv_vmread(KHV_SEG_FIELD(GUEST_ES_AR_BYTES, seg));

	*s = (struct kvm_segment){
		.base = khv_vmread(KHV_SEG_FIELD(GUEST_ES_BASE, seg)),
		.limit = khv_vmread(KHV_SEG_FIELD(GUEST_ES_LIMIT, seg)),
		.selector = khv_vmread(KHV_SEG_FIELD(GUEST_ES_SELECTOR, seg)),
		.type = ar & 0xf,
		.s = (ar >> 4) & 1,
		.dpl = (ar >> 5) & 3,
		.avl = (ar >> 12) & 1,
		.l = (ar >> 13) & 1,
		.db = (ar >> 14) & 1,
		.g = (ar >> 15) & 1,
		.unusable = !!(ar & KHV_AR_UNUSABLE),
	};
	/* A usable segment is present for VM entry: show one flag for both. */
	s->present = !s->unusable;
}

static void khv_set_seg(enum khv_seg seg, const struct kvm_segment *s)
{
	u32 ar = KHV_AR_UNUSABLE;

	if (s->present && !s->unusable)
		ar = (s->type & 0xf) | (s->s & 1) << 4 | (s->dpl & 3) << 5 |
		     1 << 7 | (s->avl & 1) << 12 | (s->l & 1) << 13 |
		     (s->db & 1) << 14 | (s->g & 1) << 15;
	khv_vmwrite(KHV_SEG_FIELD(GUEST_ES_SELECTOR, seg), s->selector);
	khv_vmwrite(KHV_SEG_FIELD(GUEST_ES_BASE, seg), s->base);
	khv_vmwrite(KHV_SEG_FIELD(GUEST_ES_LIMIT, seg), s->limit);
	khv_vmwrite(KHV_SEG_FIELD(GUEST_ES_AR_BYTES, seg), ar);
}

int khv_get_sregs(struct khv_vcpu *vcpu, struct kvm_sregs *s)
{
	const struct khv_event *ev = &vcpu->event;

	memset(s, 0, sizeof(*s));
	khv_get_seg(KHV_CS, &s->cs);
	khv_get_seg(KHV_DS, &s->ds);
	khv_get_seg(KHV_ES, &s->es);
	khv_get_seg(KHV_FS, &s->fs);
	khv_get_seg(KHV_GS, &s->gs);
	khv_get_seg(KHV_SS, &s->ss);
	khv_get_seg(KHV_TR, &s->tr);
	khv_get_seg(KHV_LDTR, &s->ldt);
	s->gdt.base = khv_vmread(GUEST_GDTR_BASE);
	s->gdt.limit = khv_vmread(GUEST_GDTR_LIMIT);
	s->idt.base = khv_vmread(GUEST_IDTR_BASE);
	s->idt.limit = khv_vmread(GUEST_IDTR_LIMIT);
	s->cr0 = khv_read_cr0(vcpu);
	s->cr2 = vcpu->cr2;
	s->cr3 = khv_vmread(GUEST_CR3);
	s->cr4 = khv_read_cr4(vcpu);
	s->cr8 = vcpu->cr8;
	s->efer = khv_read_efer(vcpu);
	s->apic_base = vcpu->apic_base;
	/* An external interrupt injected but not yet delivered (api.rst). */
	if (ev->pending &&
	    (ev->info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_EXT_INTR)
		__set_bit(ev->info & INTR_INFO_VECTOR_MASK,
			  (unsigned long *)s->interrupt_bitmap);
	return 0;
}

/*
 * What the CPU would refuse at VM entry or on MOV to CR0/CR4/WRMSR EFER
 * (SDM 26.3.1.1; Vol. 3A 2.5, 9.8.5): IA-32e mode is on exactly when
 * EFER.LME and CR0.PG are, and then needs CR4.PAE; CS.L only in IA-32e mode.
 * CR4.PCIDE outside IA-32e mode is taken, as KVM takes it: only MOV to CR4
 * refuses it (4.10.1); a VM entry in that state fails (KVM_EXIT_FAIL_ENTRY).
 */
static bool khv_sregs_valid(const struct kvm_sregs *s)
{
	bool lma = s->efer & EFER_LMA;

	if (!khv_cr0_valid(s->cr0) || !khv_cr4_valid(s->cr4) ||
	    !khv_efer_valid(s->efer) || !khv_apic_base_valid(s->apic_base))
		return false;
	if ((s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG)) {
		if (!(s->cr4 & X86_CR4_PAE) || !lma)
			return false;
	} else if (lma || s->cs.l) {
		return false;
	}
	if (s->cr3 & GENMASK_ULL(63, lma ? boot_cpu_data.x86_phys_bits : 32))
		return false;
	return true;
}

int khv_set_sregs(struct khv_vcpu *vcpu, const struct kvm_sregs *s)
{
	int vec;

	if (!khv_sregs_valid(s))
		return -EINVAL;

	khv_set_seg(KHV_CS, &s->cs);
	khv_set_seg(KHV_DS, &s->ds);
	khv_set_seg(KHV_ES, &s->es);
	khv_set_seg(KHV_FS, &s->fs);
	khv_set_seg(KHV_GS, &s->gs);
	khv_set_seg(KHV_SS, &s->ss);
	khv_set_seg(KHV_TR, &s->tr);
	khv_set_seg(KHV_LDTR, &s->ldt);
	khv_vmwrite(GUEST_GDTR_BASE, s->gdt.base);
	khv_vmwrite(GUEST_GDTR_LIMIT, s->gdt.limit);
	khv_vmwrite(GUEST_IDTR_BASE, s->idt.base);
	khv_vmwrite(GUEST_IDTR_LIMIT, s->idt.limit);

	khv_write_efer(vcpu, s->efer);
	khv_write_cr0(vcpu, s->cr0);
	khv_write_cr4(vcpu, s->cr4);
	khv_vmwrite(GUEST_CR3, s->cr3);
	vcpu->cr2 = s->cr2;
	/* KVM ignores a CR8 with reserved bits here. */
	if (!(s->cr8 & ~0xfULL))
		vcpu->cr8 = s->cr8;
	vcpu->apic_base = s->apic_base;

	/* PAE paging with EPT takes the PDPTEs from the VMCS (26.3.2.4). */
	if (khv_pae_paging(s->cr0, s->cr4, s->efer) &&
	    khv_load_pdptrs(vcpu, s->cr3)) {
		int i;

		for (i = 0; i < 4; i++)
			khv_vmwrite(GUEST_PDPTR0 + 2 * i, 0);
	}

	/* Without an in-kernel irqchip: the first set bit is injected. */
	vec = find_first_bit((const unsigned long *)s->interrupt_bitmap,
			     KVM_NR_INTERRUPTS);
	if (vec < KVM_NR_INTERRUPTS)
		vcpu->event = (struct khv_event){
			.pending = true,
			.info = vec | INTR_TYPE_EXT_INTR | INTR_INFO_VALID_MASK,
		};
	vcpu->tlb_flush = true;
	return 0;
}
