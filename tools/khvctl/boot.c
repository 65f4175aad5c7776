// SPDX-License-Identifier: GPL-2.0
/*
 * The state a guest starts in: real mode at the load address, or 64-bit
 * long mode with an identity map khvctl builds in guest memory.
 *
 * Long-mode boot area, the top BOOT_AREA_SIZE bytes of guest memory:
 *   +0x0000  GDT: null, 0x08 64-bit code, 0x10 data, 0x18 64-bit TSS
 *   +0x0100  TSS (VM entry needs a usable TR: SDM Vol. 3C, "Checks on
 *            Guest Segment Registers")
 *   +0x1000  PML4
 *   +0x2000  PDPT
 *   +0x3000  four page directories of 2 MiB pages: the first 4 GiB
 * Below it, vCPU N's stack ends at base - N * BOOT_STACK_SIZE.
 */
#include <stddef.h>
#include <string.h>

#include "khvctl.h"

#define GDT_OFF		0x0000
#define TSS_OFF		0x0100
#define PML4_OFF	0x1000
#define PDPT_OFF	0x2000
#define PD_OFF		0x3000
#define NR_PDS		4		/* 4 x 1 GiB: all of the 32-bit space */

#define SEL_CODE	0x08
#define SEL_DATA	0x10
#define SEL_TSS		0x18
#define GDT_LIMIT	(5 * 8 - 1)	/* the TSS descriptor takes two slots */
#define TSS_LIMIT	0x67

#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_PS		(1ULL << 7)

#define CR0_PE		(1ULL << 0)
#define CR0_MP		(1ULL << 1)
#define CR0_ET		(1ULL << 4)
#define CR0_NE		(1ULL << 5)
#define CR0_WP		(1ULL << 16)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define CR4_OSFXSR	(1ULL << 9)
#define CR4_OSXMMEXCPT	(1ULL << 10)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)

#define SEG_TYPE_CODE	0xb		/* execute/read, accessed */
#define SEG_TYPE_DATA	0x3		/* read/write, accessed */
#define SEG_TYPE_TSS64	0xb		/* busy 64-bit TSS, as VM entry wants */

uint64_t boot_area_base(struct vm *vm)
{
	return vm->mem_size - BOOT_AREA_SIZE;
}

/* A code or data descriptor, flat 4 GiB, from a kvm_segment. */
static uint64_t gdt_entry(const struct kvm_segment *s)
{
	return 0xffffULL | (0xfULL << 48) |
	       ((uint64_t)s->type << 40) | ((uint64_t)s->s << 44) |
	       ((uint64_t)s->dpl << 45) | ((uint64_t)s->present << 47) |
	       ((uint64_t)s->l << 53) | ((uint64_t)s->db << 54) |
	       ((uint64_t)s->g << 55);
}

static const struct kvm_segment code64 = {
	.base = 0, .limit = 0xffffffff, .selector = SEL_CODE,
	.type = SEG_TYPE_CODE, .present = 1, .s = 1, .l = 1, .g = 1,
};

static const struct kvm_segment data64 = {
	.base = 0, .limit = 0xffffffff, .selector = SEL_DATA,
	.type = SEG_TYPE_DATA, .present = 1, .s = 1, .db = 1, .g = 1,
};

/* GDT, TSS and page tables, once per VM. */
int boot_build_long(struct vm *vm)
{
	uint64_t base = boot_area_base(vm);
	uint8_t *area = vm_gpa(vm, base, BOOT_AREA_SIZE);
	uint64_t *gdt, *pml4, *pdpt, *pd, tss = base + TSS_OFF;
	int i;

	if (!area)
		return -1;
	memset(area, 0, BOOT_AREA_SIZE);

	gdt = (uint64_t *)(area + GDT_OFF);
	gdt[SEL_CODE / 8] = gdt_entry(&code64);
	gdt[SEL_DATA / 8] = gdt_entry(&data64);
	gdt[SEL_TSS / 8] = TSS_LIMIT | ((tss & 0xffffff) << 16) |
			   ((uint64_t)SEG_TYPE_TSS64 << 40) | (1ULL << 47) |
			   ((tss >> 24 & 0xff) << 56);
	gdt[SEL_TSS / 8 + 1] = tss >> 32;

	pml4 = (uint64_t *)(area + PML4_OFF);
	pdpt = (uint64_t *)(area + PDPT_OFF);
	pd = (uint64_t *)(area + PD_OFF);
	pml4[0] = (base + PDPT_OFF) | PTE_P | PTE_RW;
	for (i = 0; i < NR_PDS; i++)
		pdpt[i] = (base + PD_OFF + i * 0x1000) | PTE_P | PTE_RW;
	for (i = 0; i < NR_PDS * 512; i++)
		pd[i] = ((uint64_t)i << 21) | PTE_P | PTE_RW | PTE_PS;
	return 0;
}

/*
 * RDI = vCPU index, RSI = number of vCPUs, RBX = VM index, RDX = number of
 * VMs (run --vms), in every mode.
 */
static int set_regs(struct vcpu *vcpu, uint64_t rip, uint64_t rsp)
{
	struct kvm_regs regs = {
		.rip = rip,
		.rsp = rsp,
		.rflags = 0x2,		/* bit 1 is reserved, always 1 */
		.rdi = vcpu->id,
		.rsi = vcpu->vm->nr_vcpus,
		.rbx = vcpu->vm->index,
		.rdx = vcpu->vm->nr_vms,
	};

	return VCPU_IOCTL(vcpu, KVM_SET_REGS, &regs) < 0 ? -1 : 0;
}

/*
 * Real mode at entry (below 1 MiB): CS:IP = 0:entry when entry fits in 16
 * bits, else (entry >> 4):(entry & 0xf). The other segments are 0, the stack
 * ends just below the image (or at 0:fffe). Everything else stays as KVM's
 * reset state has it.
 */
int boot_vcpu_real(struct vcpu *vcpu, uint64_t entry)
{
	struct kvm_segment *segs[5];
	struct kvm_sregs sregs;
	uint16_t cs = entry > 0xffff ? entry >> 4 : 0;
	int i;

	if (VCPU_IOCTL(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return -1;
	sregs.cs.selector = cs;
	sregs.cs.base = (uint64_t)cs << 4;
	segs[0] = &sregs.ds;
	segs[1] = &sregs.es;
	segs[2] = &sregs.fs;
	segs[3] = &sregs.gs;
	segs[4] = &sregs.ss;
	for (i = 0; i < 5; i++) {
		segs[i]->selector = 0;
		segs[i]->base = 0;
	}
	if (VCPU_IOCTL(vcpu, KVM_SET_SREGS, &sregs) < 0)
		return -1;
	return set_regs(vcpu, entry - ((uint64_t)cs << 4),
			entry > 0xfffe ? 0xfffe : entry);
}

int boot_vcpu_long(struct vcpu *vcpu, uint64_t entry)
{
	uint64_t base = boot_area_base(vcpu->vm);
	struct kvm_sregs sregs;

	if (VCPU_IOCTL(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return -1;
	sregs.cs = code64;
	sregs.ds = data64;
	sregs.es = data64;
	sregs.fs = data64;
	sregs.gs = data64;
	sregs.ss = data64;
	memset(&sregs.tr, 0, sizeof(sregs.tr));
	sregs.tr.base = base + TSS_OFF;
	sregs.tr.limit = TSS_LIMIT;
	sregs.tr.selector = SEL_TSS;
	sregs.tr.type = SEG_TYPE_TSS64;
	sregs.tr.present = 1;
	sregs.gdt.base = base + GDT_OFF;
	sregs.gdt.limit = GDT_LIMIT;
	/* No IDT: any exception becomes a triple fault, which ends the run. */
	sregs.idt.base = 0;
	sregs.idt.limit = 0;
	sregs.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	sregs.cr3 = base + PML4_OFF;
	sregs.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	sregs.efer = EFER_LME | EFER_LMA;
	if (VCPU_IOCTL(vcpu, KVM_SET_SREGS, &sregs) < 0)
		return -1;
	return set_regs(vcpu, entry, base - vcpu->id * BOOT_STACK_SIZE);
}

static const struct {
	const char *name;
	size_t off;
} reg_names[] = {
#define REG(r) { #r, offsetof(struct kvm_regs, r) }
	REG(rax), REG(rbx), REG(rcx), REG(rdx), REG(rsi), REG(rdi),
	REG(rsp), REG(rbp), REG(r8), REG(r9), REG(r10), REG(r11),
	REG(r12), REG(r13), REG(r14), REG(r15), REG(rip), REG(rflags),
#undef REG
};

/* "NAME=VALUE": the offset of NAME in struct kvm_regs, and VALUE. */
int boot_parse_reg(const char *assignment, size_t *off, uint64_t *val)
{
	const char *eq = strchr(assignment, '=');
	size_t i, len;

	if (!eq || parse_u64(eq + 1, val) < 0)
		return -1;
	len = eq - assignment;
	for (i = 0; i < ARRAY_SIZE(reg_names); i++) {
		if (strlen(reg_names[i].name) == len &&
		    !strncmp(reg_names[i].name, assignment, len)) {
			*off = reg_names[i].off;
			return 0;
		}
	}
	return -1;
}

/* Apply one --reg NAME=VALUE after the mode's own setup. */
int boot_set_reg(struct vcpu *vcpu, const char *assignment)
{
	struct kvm_regs regs;
	uint64_t val;
	size_t off;

	if (boot_parse_reg(assignment, &off, &val) < 0)
		return -1;
	if (VCPU_IOCTL(vcpu, KVM_GET_REGS, &regs) < 0)
		return -1;
	memcpy((uint8_t *)&regs + off, &val, sizeof(val));
	return VCPU_IOCTL(vcpu, KVM_SET_REGS, &regs) < 0 ? -1 : 0;
}
