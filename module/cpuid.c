// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID for guests, answered in the kernel (no CPUID instruction on the exit
 * path), and the CPUID ioctls.
 *
 * khv's default table is built once from the host's CPUID. It offers what a
 * guest can use under khv: features that need state khv does not switch or
 * emulate (VMX, performance monitoring, machine checks, topology...) are
 * hidden, and the "hypervisor present" bit is set with khv's signature at
 * leaf 0x40000000. KVM_GET_SUPPORTED_CPUID hands it to userspace, which
 * may give each vCPU a table of its own with KVM_SET_CPUID2; from then on
 * that vCPU's guest sees exactly that table, as with KVM (cpuid_table.c has
 * the lookup rules).
 */
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include <asm/vmx.h>

#include "cpuid.h"
#include "cr.h"
#include "fpu.h"
#include "ioctl.h"
#include "irq.h"
#include "vcpu.h"
#include "vmcs.h"

#define KHV_CPUID_MAX_BASIC	0x16
#define KHV_CPUID_MAX_EXT	0x80000008
#define KHV_CPUID_HV_BASE	0x40000000
#define KHV_CPUID_HV_MAX	0x40000001
#define KHV_CPUID_MAX_ENTRIES	80
#define KHV_CPUID_MAX_SUBLEAF	8

/*
 * The default table: what a guest sees before userspace sets its own, and
 * what KVM_GET_SUPPORTED_CPUID offers (with the additions of
 * khv_cpuid_supported_fixup()). Built once, read-only afterwards.
 */
static struct kvm_cpuid_entry2 khv_cpuid_table[KHV_CPUID_MAX_ENTRIES];
static unsigned int khv_cpuid_nent;
static u32 khv_max_basic, khv_max_ext;

/* Leaf 1 ECX: SSE3, PCLMULQDQ, SSSE3, CX16, SSE4.1/4.2, MOVBE, POPCNT, AES, RDRAND. */
#define L1_ECX_KEEP	(BIT(0) | BIT(1) | BIT(9) | BIT(13) | BIT(19) | \
			 BIT(20) | BIT(22) | BIT(23) | BIT(25) | BIT(30))
#define L1_ECX_PCID	BIT(17)
#define L1_ECX_HYPERVISOR BIT(31)
/*
 * Leaf 1 EDX: FPU, VME, DE, PSE, TSC, MSR, PAE, CX8, APIC, SEP, MTRR, PGE,
 * CMOV, PAT, PSE36, CLFSH, MMX, FXSR, SSE, SSE2; not MCE/MCA (no machine-check
 * MSRs, and QEMU writes them when CPUID offers them), DS, ACPI, HTT, TM, PBE.
 */
#define L1_EDX_KEEP	(GENMASK(6, 0) | BIT(8) | BIT(9) | BIT(11) | BIT(12) | \
			 BIT(13) | BIT(15) | BIT(16) | BIT(17) | BIT(19) | \
			 BIT(23) | BIT(24) | BIT(25) | BIT(26))
#define L1_EDX_APIC	BIT(9)
/* x2APIC: the in-kernel APIC emulates it; VMMs without one drop the bit. */
#define L1_ECX_X2APIC	BIT(21)
/* Leaf 7 EBX: BMI1, BMI2, ERMS, RDSEED, ADX, CLFLUSHOPT, CLWB, SHA. */
#define L7_EBX_KEEP	(BIT(3) | BIT(8) | BIT(9) | BIT(18) | BIT(19) | \
			 BIT(23) | BIT(24) | BIT(29))
#define L7_EBX_FSGSBASE	BIT(0)
#define L7_EBX_TSC_ADJUST BIT(1)	/* emulated (msr.c) */
#define L7_EBX_SMEP	BIT(7)
#define L7_EBX_INVPCID	BIT(10)
#define L7_EBX_SMAP	BIT(20)
#define L7_ECX_UMIP	BIT(2)
#define L7_ECX_OSPKE	BIT(4)
/* Leaf 7 EDX: FSRM, MD_CLEAR (VERW flushes buffers: a fact, no state). */
#define L7_EDX_KEEP	(BIT(4) | BIT(10))
/* 0x80000001 ECX: LAHF/SAHF, LZCNT, PREFETCHW. EDX: SYSCALL, NX, 1G pages, LM. */
#define X1_ECX_KEEP	(BIT(0) | BIT(5) | BIT(8))
#define X1_EDX_KEEP	(BIT(11) | BIT(20) | BIT(26) | BIT(29))
#define X1_EDX_RDTSCP	BIT(27)

static void khv_cpuid_add(u32 leaf, u32 subleaf, u32 eax, u32 ebx, u32 ecx,
			  u32 edx)
{
	struct kvm_cpuid_entry2 *e;

	if (WARN_ON_ONCE(khv_cpuid_nent >= KHV_CPUID_MAX_ENTRIES))
		return;
	e = &khv_cpuid_table[khv_cpuid_nent++];
	*e = (struct kvm_cpuid_entry2){
		.function = leaf, .index = subleaf,
		.eax = eax, .ebx = ebx, .ecx = ecx, .edx = edx,
	};
	if (khv_cpuid_leaf_indexed(leaf))
		e->flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
}

/* Filters one host leaf into what guests see. */
static void khv_cpuid_filter(u32 leaf, u32 subleaf, u32 *a, u32 *b, u32 *c,
			     u32 *d)
{
	u64 cr4 = khv_cr4_guest_allowed();
	u32 proc2 = khv_vmcs_config.proc2;

	switch (leaf) {
	case 0:
		*a = khv_max_basic;
		break;
	case 1:
		*b = (*b & 0xffff) | BIT(16);	/* one logical processor */
		*c = (*c & L1_ECX_KEEP) | L1_ECX_HYPERVISOR |
		     ((cr4 & X86_CR4_PCIDE) ? (*c & L1_ECX_PCID) : 0);
		*d &= L1_EDX_KEEP;
		break;
	case 2:
	case 0x15:
	case 0x16:
	case 0x80000002 ... 0x80000006:
		break;
	case 4:
		/* Caches stay; the core and thread counts describe the host. */
		*a &= ~GENMASK(31, 14);
		break;
	case 7:
		if (subleaf) {
			*a = *b = *c = *d = 0;
			break;
		}
		*a = 0;
		*b = (*b & L7_EBX_KEEP) | L7_EBX_TSC_ADJUST |
		     (*b & ((cr4 & X86_CR4_FSGSBASE) ? L7_EBX_FSGSBASE : 0)) |
		     (*b & ((cr4 & X86_CR4_SMEP) ? L7_EBX_SMEP : 0)) |
		     (*b & ((cr4 & X86_CR4_SMAP) ? L7_EBX_SMAP : 0)) |
		     (*b & ((proc2 & SECONDARY_EXEC_ENABLE_INVPCID) ?
			    L7_EBX_INVPCID : 0));
		*c &= (cr4 & X86_CR4_UMIP) ? L7_ECX_UMIP : 0;
		*d &= L7_EDX_KEEP;
		break;
	case 0x80000000:
		*a = khv_max_ext;
		*b = *c = *d = 0;
		break;
	case 0x80000001:
		*b = 0;
		*c &= X1_ECX_KEEP;
		*d &= X1_EDX_KEEP |
		      ((proc2 & SECONDARY_EXEC_ENABLE_RDTSCP) ? X1_EDX_RDTSCP : 0);
		break;
	case 0x80000008:
		/* Address sizes stay: the guest's MAXPHYADDR is the host's. */
		*b = *c = *d = 0;
		break;
	default:
		/* Power, performance monitoring, topology, XSAVE, RDT, SGX, PT. */
		*a = *b = *c = *d = 0;
		break;
	}
}

static void khv_cpuid_add_host(u32 leaf, u32 subleaf)
{
	u32 a, b, c, d;

	cpuid_count(leaf, subleaf, &a, &b, &c, &d);
	khv_cpuid_filter(leaf, subleaf, &a, &b, &c, &d);
	khv_fpu_cpuid_fixup(leaf, subleaf, &a, &b, &c, &d);
	khv_cpuid_add(leaf, subleaf, a, b, c, d);
}

/* The subleaves of an indexed leaf that the table lists. */
static void khv_cpuid_add_subleaves(u32 leaf)
{
	const struct kvm_cpuid_entry2 *first;
	u32 sub;

	khv_cpuid_add_host(leaf, 0);
	first = &khv_cpuid_table[khv_cpuid_nent - 1];
	switch (leaf) {
	case 4:
		/* Deterministic cache parameters: until cache type 0. */
		for (sub = 1; sub < KHV_CPUID_MAX_SUBLEAF; sub++) {
			if (!(khv_cpuid_table[khv_cpuid_nent - 1].eax & 0x1f))
				break;
			khv_cpuid_add_host(4, sub);
		}
		break;
	case 0xd:
		/* Subleaf 1, then one per state component EAX offers. */
		khv_cpuid_add_host(0xd, 1);
		for (sub = 2; sub < 32; sub++)
			if (first->eax & BIT(sub))
				khv_cpuid_add_host(0xd, sub);
		break;
	}
}

int khv_cpuid_init(void)
{
	u32 leaf;

	khv_cpuid_nent = 0;
	khv_max_basic = min_t(u32, cpuid_eax(0), KHV_CPUID_MAX_BASIC);
	khv_max_ext = clamp_t(u32, cpuid_eax(0x80000000), 0x80000000,
			      KHV_CPUID_MAX_EXT);

	for (leaf = 0; leaf <= khv_max_basic; leaf++)
		khv_cpuid_add_subleaves(leaf);
	for (leaf = 0x80000000; leaf <= khv_max_ext; leaf++)
		khv_cpuid_add_host(leaf, 0);
	/*
	 * "KHVKHVKHVKHV", little-endian in EBX, ECX, EDX, and no paravirtual
	 * features at 0x40000001 (a guest looking for KVM's finds none).
	 */
	khv_cpuid_add(KHV_CPUID_HV_BASE, 0, KHV_CPUID_HV_MAX,
		      0x4b56484b, 0x484b5648, 0x56484b56);
	khv_cpuid_add(KHV_CPUID_HV_MAX, 0, 0, 0, 0, 0);
	return 0;
}

/* Default table: the vCPU's initial APIC ID in leaf 1 EBX[31:24]. */
void khv_cpuid(u32 apic_id, u32 *eax, u32 *ebx, u32 *ecx, u32 *edx)
{
	u32 r[KHV_NR_CPUID_REGS];
	u32 leaf = khv_cpuid_query(khv_cpuid_table, khv_cpuid_nent, *eax, *ecx,
				   r);

	if (leaf == 1)
		r[KHV_EBX] = (r[KHV_EBX] & 0xffffff) | (apic_id << 24);
	*eax = r[KHV_EAX];
	*ebx = r[KHV_EBX];
	*ecx = r[KHV_ECX];
	*edx = r[KHV_EDX];
}

static void khv_cpuid_regs(const struct kvm_cpuid_entry2 *e,
			   u32 r[KHV_NR_CPUID_REGS])
{
	r[KHV_EAX] = e->eax;
	r[KHV_EBX] = e->ebx;
	r[KHV_ECX] = e->ecx;
	r[KHV_EDX] = e->edx;
}

static void khv_cpuid_set_regs(struct kvm_cpuid_entry2 *e,
			       const u32 r[KHV_NR_CPUID_REGS])
{
	e->eax = r[KHV_EAX];
	e->ebx = r[KHV_EBX];
	e->ecx = r[KHV_ECX];
	e->edx = r[KHV_EDX];
}

/*
 * Bits of a userspace table that follow the vCPU's state, as KVM keeps them
 * (measured with kvm_intel 6.12): leaf 1 EDX.APIC is IA32_APIC_BASE's global
 * enable, leaf 7 ECX.OSPKE is CR4.PKE. @leaf is the entry's, so a leaf the
 * table lacks gets none. OSXSAVE and the XSAVE sizes of leaf 0xd are
 * fpu.c's (khv_fpu_cpuid_runtime()).
 */
static void khv_cpuid_runtime(struct khv_vcpu *vcpu, u32 leaf, u32 subleaf,
			      u32 r[KHV_NR_CPUID_REGS])
{
	if (leaf == 1) {
		if (vcpu->apic_base & MSR_IA32_APICBASE_ENABLE)
			r[KHV_EDX] |= L1_EDX_APIC;
		else
			r[KHV_EDX] &= ~L1_EDX_APIC;
	} else if (leaf == 7 && subleaf == 0 && boot_cpu_has(X86_FEATURE_PKU)) {
		if (khv_read_cr4(vcpu) & X86_CR4_PKE)
			r[KHV_ECX] |= L7_ECX_OSPKE;
		else
			r[KHV_ECX] &= ~L7_ECX_OSPKE;
	}
	khv_fpu_cpuid_runtime(vcpu, leaf, subleaf, &r[KHV_EAX], &r[KHV_EBX],
			      &r[KHV_ECX], &r[KHV_EDX]);
}

/*
 * Leaves with bits that follow the vCPU's state: leaf 1 (APIC, OSXSAVE,
 * the irqchip's x2APIC and TSC deadline), 7 (OSPKE) and 0xd (the XSAVE
 * size for XCR0). Every other answer stays the same for the vCPU until
 * its table changes.
 */
static bool khv_cpuid_stateful(u32 leaf)
{
	return leaf == 1 || leaf == 7 || leaf == 0xd;
}

/*
 * The answers to the other leaves are kept, the last one per vCPU: a guest
 * asks the same leaf many times in a row (a loop, or a serialising CPUID),
 * and a hit skips the table walks and the runtime hooks, about half of an
 * in-kernel CPUID exit (docs/performance.md). KVM_SET_CPUID2 forgets it.
 */
static void khv_cpuid_keep(struct khv_vcpu *vcpu, u32 leaf, u32 sub,
			   const u32 r[KHV_NR_CPUID_REGS])
{
	vcpu->cpuid_last.leaf = leaf;
	vcpu->cpuid_last.subleaf = sub;
	memcpy(vcpu->cpuid_last.regs, r, sizeof(vcpu->cpuid_last.regs));
	vcpu->cpuid_last.valid = true;
}

void khv_vcpu_cpuid(struct khv_vcpu *vcpu, u32 *eax, u32 *ebx, u32 *ecx,
		    u32 *edx)
{
	const struct khv_cpuid_table *t = vcpu->cpuid;
	u32 leaf = *eax, sub = *ecx, r[KHV_NR_CPUID_REGS];
	const u32 *hit = vcpu->cpuid_last.regs;
	u32 entry;

	if (vcpu->cpuid_last.valid && vcpu->cpuid_last.leaf == leaf &&
	    vcpu->cpuid_last.subleaf == sub) {
		*eax = hit[KHV_EAX];
		*ebx = hit[KHV_EBX];
		*ecx = hit[KHV_ECX];
		*edx = hit[KHV_EDX];
		return;
	}
	if (!t) {
		khv_cpuid(vcpu->id, eax, ebx, ecx, edx);
		khv_irq_cpuid(vcpu, leaf, ecx);
		khv_fpu_cpuid_runtime(vcpu, leaf, sub, eax, ebx, ecx, edx);
		/* The hooks above look at @leaf; the APIC ID is constant. */
		if (!khv_cpuid_stateful(leaf)) {
			r[KHV_EAX] = *eax;
			r[KHV_EBX] = *ebx;
			r[KHV_ECX] = *ecx;
			r[KHV_EDX] = *edx;
			khv_cpuid_keep(vcpu, leaf, sub, r);
		}
		return;
	}
	/* Userspace's table, as it was set: no APIC ID, no irqchip bits. */
	entry = khv_cpuid_query(t->entries, t->nent, leaf, sub, r);
	khv_cpuid_runtime(vcpu, entry, sub, r);
	/* The runtime bits follow the entry's leaf (a redirect included). */
	if (!khv_cpuid_stateful(entry))
		khv_cpuid_keep(vcpu, leaf, sub, r);
	*eax = r[KHV_EAX];
	*ebx = r[KHV_EBX];
	*ecx = r[KHV_ECX];
	*edx = r[KHV_EDX];
}

static const struct kvm_cpuid_entry2 *
khv_vcpu_cpuid_entry(struct khv_vcpu *vcpu, u32 leaf)
{
	if (vcpu->cpuid)
		return khv_cpuid_find(vcpu->cpuid->entries, vcpu->cpuid->nent,
				      leaf, 0);
	return khv_cpuid_find(khv_cpuid_table, khv_cpuid_nent, leaf, 0);
}

bool khv_vcpu_cpuid_has(struct khv_vcpu *vcpu, u32 leaf, int reg, u32 bit)
{
	const struct kvm_cpuid_entry2 *e = khv_vcpu_cpuid_entry(vcpu, leaf);
	u32 v;

	if (!e)
		return false;
	v = reg == KHV_EAX ? e->eax : reg == KHV_EBX ? e->ebx :
	    reg == KHV_ECX ? e->ecx : e->edx;
	return v & bit;
}

/* 36 bits without the leaf, as KVM assumes (and as CPUs without it had). */
u8 khv_vcpu_maxphyaddr(struct khv_vcpu *vcpu)
{
	const struct kvm_cpuid_entry2 *e;

	if (!vcpu->cpuid)
		return boot_cpu_data.x86_phys_bits;
	e = khv_vcpu_cpuid_entry(vcpu, 0x80000008);
	return e ? e->eax & 0xff : 36;
}

void khv_cpuid_vcpu_free(struct khv_vcpu *vcpu)
{
	kvfree(vcpu->cpuid);
	vcpu->cpuid = NULL;
	vcpu->cpuid_last.valid = false;
}

/*
 * KVM_GET_SUPPORTED_CPUID: the default table, plus x2APIC (emulated by the
 * in-kernel APIC; VMMs that model the APIC themselves clear it, as QEMU
 * does). Not offered, as in KVM: the TSC-deadline timer, which VMMs add when
 * KVM_CAP_TSC_DEADLINE_TIMER says so, and MCE/MCA (no KVM_CAP_MCE). As in
 * kvm_intel 6.12, a too small nent fails with E2BIG and is left as it was.
 */
static long khv_cpuid_get_supported(struct kvm_cpuid2 __user *argp)
{
	struct kvm_cpuid_entry2 *e;
	struct kvm_cpuid2 hdr;
	unsigned int i;
	long r = 0;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nent < khv_cpuid_nent)
		return -E2BIG;
	e = kmemdup(khv_cpuid_table, khv_cpuid_nent * sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	for (i = 0; i < khv_cpuid_nent; i++)
		if (e[i].function == 1)
			e[i].ecx |= L1_ECX_X2APIC;
	hdr.nent = khv_cpuid_nent;
	if (copy_to_user(argp->entries, e, khv_cpuid_nent * sizeof(*e)) ||
	    copy_to_user(argp, &hdr, sizeof(hdr)))
		r = -EFAULT;
	kfree(e);
	return r;
}

long khv_cpuid_dev_ioctl(unsigned int ioctl, void __user *argp)
{
	/* The table is built with the VMCS settings, at the latest now. */
	long r = khv_vmcs_config_init();

	if (r)
		return r;
	if (ioctl == KVM_GET_SUPPORTED_CPUID)
		return khv_cpuid_get_supported(argp);
	return -EINVAL;
}

/* @e with its state-dependent bits as they are now. */
static void khv_cpuid_entry_now(struct khv_vcpu *vcpu,
				struct kvm_cpuid_entry2 *e)
{
	u32 r[KHV_NR_CPUID_REGS];

	khv_cpuid_regs(e, r);
	khv_cpuid_runtime(vcpu, e->function, e->index, r);
	khv_cpuid_set_regs(e, r);
}

/* Equal once the bits that follow vCPU state are brought up to date. */
static bool khv_cpuid_same(struct khv_vcpu *vcpu,
			   const struct khv_cpuid_table *old,
			   const struct khv_cpuid_table *new)
{
	struct kvm_cpuid_entry2 a, b;
	u32 i;

	if (old->nent != new->nent)
		return false;
	for (i = 0; i < new->nent; i++) {
		a = old->entries[i];
		b = new->entries[i];
		khv_cpuid_entry_now(vcpu, &a);
		khv_cpuid_entry_now(vcpu, &b);
		if (!khv_cpuid_entries_equal(&a, &b))
			return false;
	}
	return true;
}

/*
 * KVM_SET_CPUID2. Any table up to KVM's 256 entries is taken as it is (KVM
 * checks no more for a table without AMX). Once the vCPU has run, only the
 * table it already has is accepted (KVM 5.16 and later: changing the CPU
 * model under a running guest is not supported); another one fails with
 * EINVAL, as kvm_intel 6.12 answers.
 */
static long khv_cpuid_set(struct khv_vcpu *vcpu, struct kvm_cpuid2 __user *argp)
{
	struct khv_cpuid_table *t;
	struct kvm_cpuid2 hdr;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nent > KHV_CPUID_MAX_NENT)
		return -E2BIG;
	t = kvmalloc(struct_size(t, entries, hdr.nent), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	t->nent = hdr.nent;
	if (copy_from_user(t->entries, argp->entries,
			   hdr.nent * sizeof(t->entries[0]))) {
		kvfree(t);
		return -EFAULT;
	}
	if (vcpu->last_cpu >= 0) {
		bool same = vcpu->cpuid && khv_cpuid_same(vcpu, vcpu->cpuid, t);

		kvfree(t);
		return same ? 0 : -EINVAL;
	}
	kvfree(vcpu->cpuid);
	vcpu->cpuid = t;
	vcpu->cpuid_last.valid = false;
	return 0;
}

/*
 * KVM_GET_CPUID2: the table as set, with the state-dependent bits as they
 * are now. No table yet: none (nent 0). Too small: E2BIG, nent unchanged.
 */
static long khv_cpuid_get(struct khv_vcpu *vcpu, struct kvm_cpuid2 __user *argp)
{
	const struct khv_cpuid_table *t = vcpu->cpuid;
	struct kvm_cpuid_entry2 *e = NULL;
	struct kvm_cpuid2 hdr;
	u32 i, n = t ? t->nent : 0;
	long r = 0;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nent < n)
		return -E2BIG;
	if (n) {
		/* kvmalloc + memcpy: 6.1 has no kvmemdup(). */
		e = kvmalloc_array(n, sizeof(*e), GFP_KERNEL);
		if (!e)
			return -ENOMEM;
		memcpy(e, t->entries, n * sizeof(*e));
	}
	for (i = 0; i < n; i++)
		khv_cpuid_entry_now(vcpu, &e[i]);
	hdr.nent = n;
	if ((n && copy_to_user(argp->entries, e, n * sizeof(*e))) ||
	    copy_to_user(argp, &hdr, sizeof(hdr)))
		r = -EFAULT;
	kvfree(e);
	return r;
}

long khv_cpuid_vcpu_ioctl(struct khv_vcpu *vcpu, unsigned int ioctl,
			  void __user *argp)
{
	long r;

	/* The state-dependent bits read CR4 from the VMCS. */
	r = khv_vcpu_load(vcpu);
	if (r)
		return r;
	if (ioctl == KVM_SET_CPUID2)
		r = khv_cpuid_set(vcpu, argp);
	else
		r = khv_cpuid_get(vcpu, argp);
	khv_vcpu_put(vcpu);
	return r;
}

long khv_cpuid_check_extension(long cap)
{
	return cap == KVM_CAP_EXT_CPUID;
}
