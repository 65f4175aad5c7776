// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-linear to guest-physical translation by walking the guest's page
 * tables in software (SDM Vol. 3A, chapter 4), for the memory operands of
 * string I/O: 32-bit paging (with 4 MiB pages), PAE paging (PDPTEs from the
 * VMCS, where VM entry and the CPU keep them with EPT, SDM 26.3.2.4) and
 * 4-level paging. Accessed and dirty bits are not set, and SMAP/SMEP and
 * protection keys are not checked: see docs/vcpu.md.
 */
#include <linux/bits.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include <asm/vmx.h>

#include "cr.h"
#include "guest_walk.h"
#include "vcpu.h"
#include "vm.h"
#include "vmx_insn.h"

#define PTE_P		BIT_ULL(0)
#define PTE_W		BIT_ULL(1)
#define PTE_U		BIT_ULL(2)
#define PTE_PS		BIT_ULL(7)
#define PTE_NX		BIT_ULL(63)

/* Page-fault error code bits (SDM Vol. 3A, 4.7). */
#define PFEC_P		BIT(0)
#define PFEC_W		BIT(1)
#define PFEC_U		BIT(2)
#define PFEC_RSVD	BIT(3)

struct khv_walk {
	unsigned int levels;		/* levels below the root pointer */
	unsigned int bits;		/* index bits per level: 9 or 10 */
	unsigned int size;		/* entry size: 8 or 4 */
	u64 table;			/* GPA of the top table */
};

static bool khv_user_mode(void)
{
	return ((khv_vmread(GUEST_SS_AR_BYTES) >> 5) & 3) == 3;
}

/* Bits 51:MAXPHYADDR of a 64-bit entry are reserved (4.4.2, 4.5.4). */
static bool khv_pte_rsvd(u64 pte, u64 efer)
{
	u64 rsvd = GENMASK_ULL(51, boot_cpu_data.x86_phys_bits);

	return (pte & rsvd) || ((pte & PTE_NX) && !(efer & EFER_NX));
}

int khv_guest_translate(struct khv_vcpu *vcpu, u64 gla, bool write,
			u64 *gpa, u32 *pfec)
{
	u64 cr0 = khv_read_cr0(vcpu), cr4 = khv_read_cr4(vcpu);
	u64 efer = khv_read_efer(vcpu);
	bool user = khv_user_mode(), may_write = true, may_user = true;
	u32 err = (write ? PFEC_W : 0) | (user ? PFEC_U : 0);
	struct khv_walk w;
	u64 pte = 0, base = 0, offset_mask = 0;
	int level, r;

	if (!(cr0 & X86_CR0_PG)) {
		*gpa = gla & U32_MAX;
		return 0;
	}
	if (efer & EFER_LMA) {
		w = (struct khv_walk){ 4, 9, 8, khv_vmread(GUEST_CR3) & GENMASK_ULL(51, 12) };
	} else if (cr4 & X86_CR4_PAE) {
		u64 pdpte = khv_vmread(GUEST_PDPTR0 + 2 * ((gla >> 30) & 3));

		gla &= U32_MAX;
		if (!(pdpte & PTE_P))
			goto fault;
		w = (struct khv_walk){ 2, 9, 8, pdpte & GENMASK_ULL(51, 12) };
	} else {
		gla &= U32_MAX;
		w = (struct khv_walk){ 2, 10, 4, khv_vmread(GUEST_CR3) & GENMASK_ULL(31, 12) };
	}

	for (level = w.levels; level >= 1; level--) {
		unsigned int shift = 12 + w.bits * (level - 1);
		u64 index = (gla >> shift) & (BIT_ULL(w.bits) - 1);

		pte = 0;
		r = khv_vm_read_guest(vcpu->vm, w.table + index * w.size, &pte,
				      w.size);
		if (r)
			return r;
		if (!(pte & PTE_P))
			goto fault;
		if (w.size == 8 && khv_pte_rsvd(pte, efer)) {
			err |= PFEC_P | PFEC_RSVD;
			goto fault;
		}
		may_write &= !!(pte & PTE_W);
		may_user &= !!(pte & PTE_U);

		offset_mask = BIT_ULL(shift) - 1;
		if (level == 1) {
			base = pte & GENMASK_ULL(w.size == 8 ? 51 : 31, 12);
			break;
		}
		if (pte & PTE_PS) {
			if (w.size == 4 && (cr4 & X86_CR4_PSE)) {
				/* 4 MiB page; PSE-36 bits 20:13 give PA 39:32. */
				base = (pte & GENMASK_ULL(31, 22)) |
				       (((pte >> 13) & 0xff) << 32);
				break;
			}
			if (w.size == 8) {
				/* PS is reserved in a PML4E (4.5.4). */
				if (level == 4) {
					err |= PFEC_P | PFEC_RSVD;
					goto fault;
				}
				base = pte & GENMASK_ULL(51, shift);
				break;
			}
		}
		w.table = pte & GENMASK_ULL(w.size == 8 ? 51 : 31, 12);
	}

	/* Supervisor writes honour CR0.WP (4.6.1). */
	if ((user && !may_user) ||
	    (write && !may_write && (user || (cr0 & X86_CR0_WP)))) {
		err |= PFEC_P;
		goto fault;
	}
	*gpa = base | (gla & offset_mask);
	return 0;

fault:
	*pfec = err;
	return KHV_WALK_FAULT;
}

int khv_guest_copy(struct khv_vcpu *vcpu, u64 gla, void *buf,
		   unsigned int len, bool write, struct khv_guest_fault *fault)
{
	while (len) {
		unsigned int chunk = min_t(unsigned int, len,
					   PAGE_SIZE - (gla & ~PAGE_MASK));
		u64 gpa;
		int r;

		r = khv_guest_translate(vcpu, gla, write, &gpa, &fault->pfec);
		if (r == KHV_WALK_FAULT)
			fault->gla = gla;
		if (r)
			return r;
		if (write)
			r = khv_vm_write_guest(vcpu->vm, gpa, buf, chunk);
		else
			r = khv_vm_read_guest(vcpu->vm, gpa, buf, chunk);
		if (r)
			return r;
		gla += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

void khv_inject_page_fault(struct khv_vcpu *vcpu,
			   const struct khv_guest_fault *fault)
{
	vcpu->cr2 = fault->gla;
	khv_queue_exception(vcpu, PF_VECTOR, true, fault->pfec);
}
