// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID for guests, answered in the kernel from a table built once from the
 * host's CPUID (no CPUID instruction on the exit path). The table offers
 * what a guest can use under khv: features that need state khv does not
 * switch or emulate yet (XSAVE/AVX, MSR-based features, VMX, performance
 * monitoring, topology) are hidden, and the "hypervisor present" bit is set
 * with khv's signature at leaf 0x40000000.
 */
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include <asm/vmx.h>

#include "cr.h"
#include "ioctl.h"
#include "vcpu.h"
#include "vmcs.h"

#define KHV_CPUID_MAX_BASIC	0x16
#define KHV_CPUID_MAX_EXT	0x80000008
#define KHV_CPUID_HV_BASE	0x40000000
#define KHV_CPUID_MAX_ENTRIES	48
#define KHV_CPUID_MAX_SUBLEAF	8

struct khv_cpuid_entry {
	u32 leaf, subleaf;
	u32 eax, ebx, ecx, edx;
};

static struct khv_cpuid_entry khv_cpuid_table[KHV_CPUID_MAX_ENTRIES];
static unsigned int khv_cpuid_nent;
static u32 khv_max_basic, khv_max_ext;

/* Leaf 1 ECX: SSE3, PCLMULQDQ, SSSE3, CX16, SSE4.1/4.2, MOVBE, POPCNT, AES, RDRAND. */
#define L1_ECX_KEEP	(BIT(0) | BIT(1) | BIT(9) | BIT(13) | BIT(19) | \
			 BIT(20) | BIT(22) | BIT(23) | BIT(25) | BIT(30))
#define L1_ECX_PCID	BIT(17)
#define L1_ECX_HYPERVISOR BIT(31)
/*
 * Leaf 1 EDX: FPU, VME, DE, PSE, TSC, MSR, PAE, CX8, APIC, SEP, PGE, CMOV,
 * PAT, PSE36, CLFSH, MMX, FXSR, SSE, SSE2; not MCE/MCA/MTRR (their MSRs are
 * not emulated), DS, ACPI, HTT, TM, PBE.
 */
#define L1_EDX_KEEP	(GENMASK(6, 0) | BIT(8) | BIT(9) | BIT(11) | BIT(13) | \
			 BIT(15) | BIT(16) | BIT(17) | BIT(19) | BIT(23) | \
			 BIT(24) | BIT(25) | BIT(26))
/* Leaf 7 EBX: BMI1, BMI2, ERMS, RDSEED, ADX, CLFLUSHOPT, CLWB, SHA. */
#define L7_EBX_KEEP	(BIT(3) | BIT(8) | BIT(9) | BIT(18) | BIT(19) | \
			 BIT(23) | BIT(24) | BIT(29))
#define L7_EBX_FSGSBASE	BIT(0)
#define L7_EBX_SMEP	BIT(7)
#define L7_EBX_INVPCID	BIT(10)
#define L7_EBX_SMAP	BIT(20)
#define L7_ECX_UMIP	BIT(2)
/* Leaf 7 EDX: FSRM, MD_CLEAR (VERW flushes buffers: a fact, no state). */
#define L7_EDX_KEEP	(BIT(4) | BIT(10))
/* 0x80000001 ECX: LAHF/SAHF, LZCNT, PREFETCHW. EDX: SYSCALL, NX, 1G pages, LM. */
#define X1_ECX_KEEP	(BIT(0) | BIT(5) | BIT(8))
#define X1_EDX_KEEP	(BIT(11) | BIT(20) | BIT(26) | BIT(29))
#define X1_EDX_RDTSCP	BIT(27)

static void khv_cpuid_add(u32 leaf, u32 subleaf, u32 eax, u32 ebx, u32 ecx,
			  u32 edx)
{
	if (WARN_ON_ONCE(khv_cpuid_nent >= KHV_CPUID_MAX_ENTRIES))
		return;
	khv_cpuid_table[khv_cpuid_nent++] = (struct khv_cpuid_entry){
		leaf, subleaf, eax, ebx, ecx, edx
	};
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
		*b = (*b & L7_EBX_KEEP) |
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
	khv_cpuid_add(leaf, subleaf, a, b, c, d);
}

int khv_cpuid_init(void)
{
	u32 leaf, sub;

	khv_cpuid_nent = 0;
	khv_max_basic = min_t(u32, cpuid_eax(0), KHV_CPUID_MAX_BASIC);
	khv_max_ext = clamp_t(u32, cpuid_eax(0x80000000), 0x80000000,
			      KHV_CPUID_MAX_EXT);

	for (leaf = 0; leaf <= khv_max_basic; leaf++) {
		if (leaf != 4) {
			khv_cpuid_add_host(leaf, 0);
			continue;
		}
		/* Deterministic cache parameters: until cache type 0. */
		for (sub = 0; sub < KHV_CPUID_MAX_SUBLEAF; sub++) {
			khv_cpuid_add_host(4, sub);
			if (!(khv_cpuid_table[khv_cpuid_nent - 1].eax & 0x1f))
				break;
		}
	}
	for (leaf = 0x80000000; leaf <= khv_max_ext; leaf++)
		khv_cpuid_add_host(leaf, 0);
	/* "KHVKHVKHVKHV", little-endian in EBX, ECX, EDX. */
	khv_cpuid_add(KHV_CPUID_HV_BASE, 0, KHV_CPUID_HV_BASE,
		      0x4b56484b, 0x484b5648, 0x56484b56);
	return 0;
}

/* Leaves that take a subleaf in ECX. */
static bool khv_cpuid_indexed(u32 leaf)
{
	return leaf == 4 || leaf == 7;
}

void khv_cpuid(u32 apic_id, u32 *eax, u32 *ebx, u32 *ecx, u32 *edx)
{
	u32 leaf = *eax, sub = *ecx;
	unsigned int i;

	/*
	 * Intel: a leaf above the maximum returns the highest basic leaf
	 * (SDM Vol. 2A, CPUID). The hypervisor range is khv's own.
	 */
	if ((leaf & 0xf0000000) == KHV_CPUID_HV_BASE) {
		if (leaf != KHV_CPUID_HV_BASE)
			leaf = ~0U;
	} else if (leaf >= 0x80000000 ? leaf > khv_max_ext : leaf > khv_max_basic) {
		leaf = khv_max_basic;
	}
	if (!khv_cpuid_indexed(leaf))
		sub = 0;

	*eax = *ebx = *ecx = *edx = 0;
	for (i = 0; i < khv_cpuid_nent; i++) {
		const struct khv_cpuid_entry *e = &khv_cpuid_table[i];

		if (e->leaf != leaf || e->subleaf != sub)
			continue;
		*eax = e->eax;
		*ebx = e->ebx;
		*ecx = e->ecx;
		*edx = e->edx;
		break;
	}
	if (leaf == 1)
		*ebx = (*ebx & 0xffffff) | (apic_id << 24);
}

/* KVM_GET_SUPPORTED_CPUID: not implemented yet. */
long khv_cpuid_dev_ioctl(unsigned int ioctl, void __user *argp)
{
	return -EINVAL;
}

/* KVM_GET/SET_CPUID2: not implemented yet. */
long khv_cpuid_vcpu_ioctl(struct khv_vcpu *vcpu, unsigned int ioctl,
			  void __user *argp)
{
	return -EINVAL;
}

long khv_cpuid_check_extension(long cap)
{
	return 0;
}
