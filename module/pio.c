// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O: every IN/OUT/INS/OUTS exits (unconditional I/O exiting) and goes
 * to userspace as KVM_EXIT_IO, the data in the PIO page at data_offset
 * (KVM_PIO_PAGE_OFFSET pages into the vCPU mapping), as in KVM.
 *
 * The instruction is completed by the next KVM_RUN, not before: IN data goes
 * to AL/AX/EAX or to guest memory, and RIP moves past the instruction then
 * (api.rst, KVM_EXIT_IO; KVM_RUN with immediate_exit completes it too).
 *
 * String forms: one exit carries up to a page of items, as many as lie on
 * the first item's guest page (in the direction DF gives), so the guest
 * page-table walk is done once. A REP instruction with items left restarts
 * and exits again for the next batch; RSI/RDI and RCX advance by the items
 * done, exactly as the CPU would have after that many iterations.
 */
#include <linux/kvm.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <asm/processor-flags.h>
#include <asm/vmx.h>

#include "cr.h"
#include "guest_walk.h"
#include "irq.h"
#include "pit.h"
#include "vcpu.h"
#include "vmcs.h"
#include "vmx_insn.h"

/* Exit qualification for I/O instructions (SDM 27.2.1, Table 27-5). */
#define IOQ_SIZE(q)	(((q) & 7) + 1)
#define IOQ_IN		BIT(3)
#define IOQ_STRING	BIT(4)
#define IOQ_REP		BIT(5)
#define IOQ_PORT(q)	(((q) >> 16) & 0xffff)

/* VM-exit instruction information for INS/OUTS (27.2.4, Table 27-8). */
#define IOI_ADDR_SIZE(i)	(((i) >> 7) & 7)
#define IOI_SEG(i)		(((i) >> 15) & 7)

static u64 khv_addr_mask(unsigned int bytes)
{
	return bytes == 8 ? ~0ULL : BIT_ULL(bytes * 8) - 1;
}

/* Writes @val to @reg as an operand of @bytes: 32-bit writes zero-extend. */
static void khv_write_sized(struct khv_vcpu *vcpu, unsigned int reg, u64 val,
			    unsigned int bytes)
{
	u64 old = khv_gpr_read(vcpu, reg);

	if (bytes < 4)
		val = (old & ~khv_addr_mask(bytes)) | (val & khv_addr_mask(bytes));
	else if (bytes == 4)
		val = (u32)val;
	khv_gpr_write(vcpu, reg, val);
}

static int khv_pio_exit(struct khv_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	struct khv_pio *pio = &vcpu->pio;

	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = pio->in ? KVM_EXIT_IO_IN : KVM_EXIT_IO_OUT;
	run->io.size = pio->size;
	run->io.port = pio->port;
	run->io.count = pio->count;
	run->io.data_offset = KVM_PIO_PAGE_OFFSET * PAGE_SIZE;
	pio->pending = true;
	return 0;
}

/* In 64-bit mode only FS and GS have a base (SDM Vol. 3A, 3.4.4). */
static u64 khv_seg_base(struct khv_vcpu *vcpu, unsigned int seg)
{
	if (khv_cs_64bit(vcpu) && seg != KHV_FS && seg != KHV_GS)
		return 0;
	return khv_vmread(KHV_SEG_FIELD(GUEST_ES_BASE, seg));
}

/* With DF = 1 the items lie in memory in the reverse order of the I/O. */
static void khv_reverse_items(u8 *buf, u32 count, unsigned int size)
{
	u32 i, j;

	for (i = 0; i < count / 2; i++)
		for (j = 0; j < size; j++)
			swap(buf[i * size + j], buf[(count - 1 - i) * size + j]);
}

static int khv_pio_string(struct khv_vcpu *vcpu)
{
	struct khv_pio *pio = &vcpu->pio;
	u32 info = khv_vmread(VMX_INSTRUCTION_INFO);
	unsigned int seg, reg = pio->in ? KHV_RDI : KHV_RSI;
	struct khv_guest_fault fault;
	u64 mask, index, count, room, gla, gpa;
	int r;

	/* Without the instruction information the operands are unknown. */
	if (!khv_vmcs_config.has_inout_info || IOI_ADDR_SIZE(info) > 2)
		return khv_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION);
	pio->addr_size = 2 << IOI_ADDR_SIZE(info);
	mask = khv_addr_mask(pio->addr_size);
	/* INS always writes ES:rDI; OUTS reads seg:rSI, DS unless overridden. */
	seg = pio->in ? KHV_ES : IOI_SEG(info);
	index = vcpu->gprs[reg] & mask;
	pio->df = khv_vmread(GUEST_RFLAGS) & X86_EFLAGS_DF;
	count = pio->rep ? vcpu->gprs[KHV_RCX] & mask : 1;
	if (!count) {
		khv_skip_instruction(vcpu);
		return 1;
	}

	gla = khv_seg_base(vcpu, seg) + index;
	if (!khv_cs_64bit(vcpu))
		gla &= U32_MAX;
	/* Items on the first item's page, before the index would wrap. */
	if (!pio->df) {
		room = (PAGE_SIZE - (gla & ~PAGE_MASK)) / pio->size;
		room = min(room, (mask - index) / pio->size + 1);
	} else {
		room = (gla & ~PAGE_MASK) / pio->size + 1;
		room = min(room, index / pio->size + 1);
	}
	count = clamp(min(count, room), 1ULL, PAGE_SIZE / pio->size);
	pio->count = count;
	pio->gla = pio->df ? gla - (count - 1) * pio->size : gla;

	if (!pio->in) {
		r = khv_guest_copy(vcpu, pio->gla, vcpu->pio_data,
				   count * pio->size, false, &fault);
		if (!r && pio->df)
			khv_reverse_items(vcpu->pio_data, count, pio->size);
	} else {
		/* A #PF on the destination comes before the port is read. */
		fault.gla = gla;
		r = khv_guest_translate(vcpu, gla, true, &gpa, &fault.pfec);
	}
	if (r == KHV_WALK_FAULT) {
		khv_inject_page_fault(vcpu, &fault);
		return 1;
	}
	if (r)
		return khv_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION);
	return khv_pio_exit(vcpu);
}

int khv_handle_io(struct khv_vcpu *vcpu)
{
	unsigned long q = vcpu->exit_qual;
	struct khv_pio *pio = &vcpu->pio;

	*pio = (struct khv_pio){
		.in = q & IOQ_IN,
		.string = q & IOQ_STRING,
		.rep = q & IOQ_REP,
		.size = IOQ_SIZE(q),
		.port = IOQ_PORT(q),
		.rip = khv_vmread(GUEST_RIP),
		.count = 1,
	};
	if (pio->string)
		return khv_pio_string(vcpu);
	/* The in-kernel 8254 and 8259s. */
	if (khv_pit_pio(vcpu, pio->port, pio->size, pio->in,
			&vcpu->gprs[KHV_RAX]) ||
	    khv_irq_pio(vcpu, pio->port, pio->size, pio->in,
			&vcpu->gprs[KHV_RAX])) {
		khv_skip_instruction(vcpu);
		return 1;
	}
	if (!pio->in)
		memcpy(vcpu->pio_data, &vcpu->gprs[KHV_RAX], pio->size);
	return khv_pio_exit(vcpu);
}

/*
 * Userspace may have lowered RCX during the exit (KVM's upstream
 * userspace_io_test does): only as many items as RCX still asks for count
 * as done, so RCX ends at 0 and the index moves by those items alone rather
 * than RCX wrapping and the guest writing on past its buffer. A raised RCX
 * simply leaves more items for the next exits.
 */
static int khv_complete_string(struct khv_vcpu *vcpu)
{
	struct khv_pio *pio = &vcpu->pio;
	unsigned int reg = pio->in ? KHV_RDI : KHV_RSI;
	u64 mask = khv_addr_mask(pio->addr_size);
	struct khv_guest_fault fault;
	u64 index, rcx, delta, gla;
	u32 done = pio->count;
	int r;

	if (pio->rep)
		done = min_t(u64, done, vcpu->gprs[KHV_RCX] & mask);
	delta = (u64)done * pio->size;
	if (pio->in && done) {
		/* With DF = 1 the first items done are the highest ones. */
		gla = pio->gla;
		if (pio->df) {
			gla += (u64)(pio->count - done) * pio->size;
			khv_reverse_items(vcpu->pio_data, done, pio->size);
		}
		r = khv_guest_copy(vcpu, gla, vcpu->pio_data, delta, true,
				   &fault);
		if (r == KHV_WALK_FAULT) {
			/* The guest changed its page tables meanwhile. */
			khv_inject_page_fault(vcpu, &fault);
			return 1;
		}
		if (r)
			return khv_internal_error(vcpu,
						  KVM_INTERNAL_ERROR_EMULATION);
	}

	index = vcpu->gprs[reg] & mask;
	index = pio->df ? index - delta : index + delta;
	khv_write_sized(vcpu, reg, index, pio->addr_size);
	if (pio->rep) {
		rcx = (vcpu->gprs[KHV_RCX] & mask) - done;
		khv_write_sized(vcpu, KHV_RCX, rcx, pio->addr_size);
		/* Items left: leave RIP, the instruction exits again. */
		if (rcx & mask)
			return 1;
	}
	khv_skip_instruction(vcpu);
	return 1;
}

int khv_complete_pio(struct khv_vcpu *vcpu)
{
	struct khv_pio *pio = &vcpu->pio;
	u32 val = 0;

	pio->pending = false;
	/* Userspace moved the vCPU (KVM_SET_REGS): drop the I/O, as KVM. */
	if (khv_vmread(GUEST_RIP) != pio->rip)
		return 1;
	if (pio->string)
		return khv_complete_string(vcpu);
	if (pio->in) {
		memcpy(&val, vcpu->pio_data, pio->size);
		khv_write_sized(vcpu, KHV_RAX, val, pio->size);
	}
	khv_skip_instruction(vcpu);
	return 1;
}
