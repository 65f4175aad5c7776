// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_EXIT_MMIO (api.rst): an EPT violation outside every memslot is an
 * access to a device the VMM emulates. The CPU reports the guest-physical
 * address and whether it read or wrote, but not the size, the register or
 * the value: those come from decoding the instruction at CS:RIP
 * (mmio_decode.c). As for port I/O, the instruction completes on the next
 * KVM_RUN: a read's data (run->mmio.data) goes to its destination, and RIP
 * moves past the instruction then.
 *
 * The decoded instruction is trusted only when its memory operand's linear
 * address is the one the CPU reports in the exit (SDM 27.2.1, "guest-linear
 * address" with qualification bits 7 and 8) and the access stays within
 * the page. Anything else is KVM_INTERNAL_ERROR_EMULATION with the
 * instruction bytes: never a guess.
 *
 * String forms do one item per exit. A REP instruction with items left is
 * not moved past: the CPU carries on with the next item, and exits again if
 * that one is MMIO too.
 */
#include <linux/build_bug.h>
#include <linux/kvm.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <asm/processor-flags.h>
#include <asm/vmx.h>

#include "cr.h"
#include "guest_walk.h"
#include "irq.h"
#include "mmio.h"
#include "vcpu.h"
#include "vm.h"
#include "vmcs.h"
#include "vmx_insn.h"

/* The decoder's segment numbers are the VMCS order. */
#define KHV_SAME_SEG(s)	((int)KHV_INSN_##s == (int)KHV_##s)
static_assert(KHV_SAME_SEG(ES) && KHV_SAME_SEG(CS) && KHV_SAME_SEG(SS) &&
	      KHV_SAME_SEG(DS) && KHV_SAME_SEG(FS) && KHV_SAME_SEG(GS));

/* Default operand/address size of the code: CS.L, CS.D; virtual-8086 is 16-bit. */
static unsigned int khv_mmio_code_size(struct khv_vcpu *vcpu)
{
	if (khv_cs_64bit(vcpu))
		return 8;
	if (khv_vmread(GUEST_RFLAGS) & X86_EFLAGS_VM)
		return 2;
	return khv_vmread(GUEST_CS_AR_BYTES) & VMX_AR_DB_MASK ? 4 : 2;
}

/* @off in segment @seg as a linear address (SDM Vol. 3A, 3.4.4). */
static u64 khv_mmio_linear(struct khv_vcpu *vcpu, unsigned int seg, u64 off)
{
	if (khv_cs_64bit(vcpu))
		return seg == KHV_FS || seg == KHV_GS ?
		       khv_vmread(KHV_SEG_FIELD(GUEST_ES_BASE, seg)) + off : off;
	return (u32)(khv_vmread(KHV_SEG_FIELD(GUEST_ES_BASE, seg)) + off);
}

/*
 * Up to 15 bytes at CS:RIP, page by page. Stops early where a page does not
 * translate (*@err = KHV_WALK_FAULT, *@fault set) or is not guest memory.
 */
static unsigned int khv_mmio_fetch(struct khv_vcpu *vcpu, u8 *buf, int *err,
				   struct khv_guest_fault *fault)
{
	u64 gla = khv_mmio_linear(vcpu, KHV_CS, khv_vmread(GUEST_RIP));
	unsigned int n = 0, chunk;
	u64 gpa;

	*err = 0;
	while (n < KHV_INSN_MAX_LEN) {
		chunk = min_t(unsigned int, KHV_INSN_MAX_LEN - n,
			      PAGE_SIZE - (gla & ~PAGE_MASK));
		*err = khv_guest_translate(vcpu, gla, false, &gpa, &fault->pfec);
		if (*err == KHV_WALK_FAULT)
			fault->gla = gla;
		if (!*err)
			*err = khv_vm_read_guest(vcpu->vm, gpa, buf + n, chunk);
		if (*err)
			break;
		n += chunk;
		gla = khv_cs_64bit(vcpu) ? gla + chunk : (u32)(gla + chunk);
	}
	return n;
}

/*
 * KVM_INTERNAL_ERROR_EMULATION in KVM's emulation_failure layout: flags,
 * then (with the INSTRUCTION_BYTES flag) size and 15 bytes padded with NOPs,
 * then the exit reason, qualification, IDT-vectoring information,
 * interruption information and error code, and the GPA (debug data).
 */
static int khv_mmio_fail(struct khv_vcpu *vcpu, u64 gpa)
{
	struct kvm_run *run = vcpu->run;
	struct khv_mmio *m = &vcpu->mmio;
	u64 *info = &run->internal.data[1];

	m->pending = false;
	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->emulation_failure.suberror = KVM_INTERNAL_ERROR_EMULATION;
	run->emulation_failure.flags = 0;
	if (m->nbytes) {
		run->emulation_failure.flags =
			KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES;
		run->emulation_failure.insn_size = m->nbytes;
		memset(run->emulation_failure.insn_bytes, 0x90,
		       sizeof(run->emulation_failure.insn_bytes));
		memcpy(run->emulation_failure.insn_bytes, m->bytes, m->nbytes);
		info = &run->internal.data[3];
	}
	info[0] = vcpu->exit_reason;
	info[1] = vcpu->exit_qual;
	info[2] = khv_vmread(IDT_VECTORING_INFO_FIELD);
	info[3] = vcpu->exit_intr_info;
	info[4] = 0;
	info[5] = gpa;
	run->emulation_failure.ndata = info + 6 - run->internal.data;
	return 0;
}

/* The exit to userspace; @data is what a write stores. */
static int khv_mmio_user_exit(struct khv_vcpu *vcpu, u64 gpa, u64 data,
			      bool write)
{
	struct kvm_run *run = vcpu->run;
	struct khv_mmio *m = &vcpu->mmio;

	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = m->insn.mem_size;
	run->mmio.is_write = write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (write)
		memcpy(run->mmio.data, &data, m->insn.mem_size);
	m->gpa = gpa;
	m->is_write = write;
	m->pending = true;
	/* The in-kernel APIC and IOAPIC complete the access at once. */
	if (khv_irq_mmio(vcpu, gpa, run->mmio.data, m->insn.mem_size, write))
		return khv_mmio_complete(vcpu);
	return 0;
}

/* Linear address of the operand the access was to (MOVS: by direction). */
static u64 khv_mmio_operand(struct khv_vcpu *vcpu, const struct khv_insn *insn,
			    bool write)
{
	u64 mask = khv_insn_mask(insn->addr_size);
	u64 gprs[KHV_NR_GPRS], next_rip;
	unsigned int i;

	switch (insn->op) {
	case KHV_INSN_LODS:
		return khv_mmio_linear(vcpu, insn->seg, vcpu->gprs[KHV_RSI] & mask);
	case KHV_INSN_STOS:
		return khv_mmio_linear(vcpu, KHV_ES, vcpu->gprs[KHV_RDI] & mask);
	case KHV_INSN_MOVS:
		if (write)
			return khv_mmio_linear(vcpu, KHV_ES,
					       vcpu->gprs[KHV_RDI] & mask);
		return khv_mmio_linear(vcpu, insn->seg, vcpu->gprs[KHV_RSI] & mask);
	default:
		for (i = 0; i < KHV_NR_GPRS; i++)
			gprs[i] = khv_gpr_read(vcpu, i);
		next_rip = khv_vmread(GUEST_RIP) + insn->len;
		return khv_mmio_linear(vcpu, insn->seg,
				       khv_insn_mem_offset(insn, gprs, next_rip));
	}
}

/* Does the instruction make the access the CPU reported, all of it? */
static bool khv_mmio_matches(struct khv_vcpu *vcpu, const struct khv_insn *insn,
			     u64 gpa, unsigned long qual)
{
	bool write = qual & EPT_VIOLATION_ACC_WRITE;
	u64 gla;

	switch (insn->op) {
	case KHV_INSN_LOAD:
	case KHV_INSN_LODS:
		if (write)
			return false;
		break;
	case KHV_INSN_MOVS:
		break;
	default:
		if (!write)
			return false;
	}
	/* Bit 8 clear: the access was to a guest paging structure. */
	if (!(qual & EPT_VIOLATION_GVA_IS_VALID) ||
	    !(qual & EPT_VIOLATION_GVA_TRANSLATED))
		return false;
	gla = khv_mmio_operand(vcpu, insn, write);
	/* A page-crossing access exits for its second page: refused. */
	return gla == khv_vmread(GUEST_LINEAR_ADDRESS) &&
	       (gla & ~PAGE_MASK) == (gpa & ~PAGE_MASK) &&
	       (gla & ~PAGE_MASK) + insn->mem_size <= PAGE_SIZE;
}

/*
 * An EPT violation in the middle of event delivery came from the delivery
 * (IDT, GDT, stack), not from the instruction at RIP. As KVM's
 * KVM_INTERNAL_ERROR_DELIVERY_EV: vectoring information, exit reason,
 * qualification, GPA.
 */
static int khv_mmio_delivery_error(struct khv_vcpu *vcpu, u64 gpa, u32 vectoring)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = KVM_INTERNAL_ERROR_DELIVERY_EV;
	run->internal.ndata = 4;
	run->internal.data[0] = vectoring;
	run->internal.data[1] = vcpu->exit_reason;
	run->internal.data[2] = vcpu->exit_qual;
	run->internal.data[3] = gpa;
	return 0;
}

int khv_mmio_exit(struct khv_vcpu *vcpu, u64 gpa, unsigned long exit_qual)
{
	u32 vectoring = khv_vmread(IDT_VECTORING_INFO_FIELD);
	struct khv_mmio *m = &vcpu->mmio;
	struct khv_insn *insn = &m->insn;
	bool write = exit_qual & EPT_VIOLATION_ACC_WRITE;
	struct khv_guest_fault fault;
	u64 data = 0, src;
	int err, r;

	if (vectoring & VECTORING_INFO_VALID_MASK)
		return khv_mmio_delivery_error(vcpu, gpa, vectoring);

	m->nbytes = khv_mmio_fetch(vcpu, m->bytes, &err, &fault);
	/* Code in MMIO: there is nothing to decode. */
	if (exit_qual & EPT_VIOLATION_ACC_INSTR)
		return khv_mmio_fail(vcpu, gpa);
	r = khv_insn_decode(m->bytes, m->nbytes, khv_mmio_code_size(vcpu), insn);
	if (r == -ENODATA && err == KHV_WALK_FAULT) {
		/* The page tables changed since the CPU fetched it. */
		khv_inject_page_fault(vcpu, &fault);
		return 1;
	}
	if (r || !khv_mmio_matches(vcpu, insn, gpa, exit_qual))
		return khv_mmio_fail(vcpu, gpa);

	m->rip = khv_vmread(GUEST_RIP);
	if (!write)
		return khv_mmio_user_exit(vcpu, gpa, 0, false);

	switch (insn->op) {
	case KHV_INSN_STORE:
		data = khv_gpr_read(vcpu, insn->reg);
		break;
	case KHV_INSN_STORE_IMM:
		data = insn->imm;
		break;
	case KHV_INSN_STOS:
		data = vcpu->gprs[KHV_RAX];
		break;
	default:	/* MOVS to MMIO: the source is memory (else it exited first) */
		src = khv_mmio_operand(vcpu, insn, false);
		r = khv_guest_copy(vcpu, src, &data, insn->mem_size, false, &fault);
		if (r == KHV_WALK_FAULT) {
			khv_inject_page_fault(vcpu, &fault);
			return 1;
		}
		if (r)
			return khv_mmio_fail(vcpu, gpa);
		break;
	}
	data = khv_insn_store_data(insn, data);
	return khv_mmio_user_exit(vcpu, gpa, data, true);
}

/* Index and count registers of string forms are address-sized. */
static void khv_mmio_set_addr_reg(struct khv_vcpu *vcpu, unsigned int reg,
				  u64 val, unsigned int size)
{
	u64 mask = khv_insn_mask(size);

	if (size == 2)
		val = (vcpu->gprs[reg] & ~mask) | (val & mask);
	else
		val &= mask;	/* 32-bit writes zero bits 63:32 */
	vcpu->gprs[reg] = val;
}

/* Past the instruction; like a completed instruction, ends STI/MOV SS blocking. */
static int khv_mmio_advance(struct khv_vcpu *vcpu)
{
	const struct khv_insn *insn = &vcpu->mmio.insn;
	u64 mask = khv_insn_mask(insn->addr_size), step = insn->mem_size;
	u64 rip = khv_vmread(GUEST_RIP) + insn->len;
	u32 blocking;

	if (insn->op >= KHV_INSN_LODS) {
		if (khv_vmread(GUEST_RFLAGS) & X86_EFLAGS_DF)
			step = -step;
		if (insn->op != KHV_INSN_STOS)
			khv_mmio_set_addr_reg(vcpu, KHV_RSI,
					      vcpu->gprs[KHV_RSI] + step,
					      insn->addr_size);
		if (insn->op != KHV_INSN_LODS)
			khv_mmio_set_addr_reg(vcpu, KHV_RDI,
					      vcpu->gprs[KHV_RDI] + step,
					      insn->addr_size);
		if (insn->rep) {
			khv_mmio_set_addr_reg(vcpu, KHV_RCX,
					      vcpu->gprs[KHV_RCX] - 1,
					      insn->addr_size);
			/* Items left: the CPU resumes the instruction. */
			if (vcpu->gprs[KHV_RCX] & mask)
				return 1;
		}
	}

	if (!khv_cs_64bit(vcpu))
		rip = (u32)rip;
	khv_vmwrite(GUEST_RIP, rip);
	blocking = khv_vmread(GUEST_INTERRUPTIBILITY_INFO);
	if (blocking & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		khv_vmwrite(GUEST_INTERRUPTIBILITY_INFO,
			    blocking & ~(GUEST_INTR_STATE_STI |
					 GUEST_INTR_STATE_MOV_SS));
	return 1;
}

/*
 * MOVS from MMIO: the item goes to ES:rDI. If that is MMIO too, a second
 * exit writes it there. A #PF now is the fault the CPU would have taken
 * on the write; the read is repeated when the guest retries, as on the CPU.
 */
static int khv_mmio_movs_store(struct khv_vcpu *vcpu, u64 data)
{
	const struct khv_insn *insn = &vcpu->mmio.insn;
	u64 gla = khv_mmio_operand(vcpu, insn, true), gpa;
	struct khv_guest_fault fault = { .gla = gla };
	int r;

	if ((gla & ~PAGE_MASK) + insn->mem_size > PAGE_SIZE) {
		r = khv_guest_copy(vcpu, gla, &data, insn->mem_size, true, &fault);
	} else {
		r = khv_guest_translate(vcpu, gla, true, &gpa, &fault.pfec);
		if (!r) {
			r = khv_vm_write_guest(vcpu->vm, gpa, &data, insn->mem_size);
			if (r == -ENOENT)
				return khv_mmio_user_exit(vcpu, gpa, data, true);
		}
	}
	if (r == KHV_WALK_FAULT) {
		khv_inject_page_fault(vcpu, &fault);
		return 1;
	}
	if (r)
		return khv_mmio_fail(vcpu, vcpu->mmio.gpa);
	return khv_mmio_advance(vcpu);
}

int khv_mmio_complete(struct khv_vcpu *vcpu)
{
	struct khv_mmio *m = &vcpu->mmio;
	const struct khv_insn *insn = &m->insn;
	u64 data = 0, old;

	m->pending = false;
	/* Userspace moved the vCPU (KVM_SET_REGS): drop the access, as for PIO. */
	if (khv_vmread(GUEST_RIP) != m->rip)
		return 1;
	if (m->is_write)
		return khv_mmio_advance(vcpu);

	memcpy(&data, vcpu->run->mmio.data, insn->mem_size);
	if (insn->op == KHV_INSN_MOVS)
		return khv_mmio_movs_store(vcpu, data);
	old = khv_gpr_read(vcpu, insn->reg);
	khv_gpr_write(vcpu, insn->reg, khv_insn_load_result(insn, old, data));
	return khv_mmio_advance(vcpu);
}
