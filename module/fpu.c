// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's x87, SSE and AVX state, XCR0 and debug registers.
 *
 * The register state lives in vcpu->fpu, a guest fpstate of the kernel's FPU
 * core: KVM_RUN swaps it in for the task's own (fpu_swap_kvm_fpstate), so
 * the host's state is saved and restored by the same code as at a context
 * switch. Userspace reads and writes it in the non-compacted XSAVE layout
 * of struct kvm_xsave through the core's uabi copies, which exist with the
 * same signatures and exports in 6.1 and 6.12 (get_xsave_addr() is not
 * exported by 6.1, so KVM_GET/SET_FPU go through that layout too: its first
 * 512 bytes are the FXSAVE image).
 *
 * XCR0 is not part of the VMCS: VM entry and exit leave it alone, and XSETBV
 * in the guest always exits (SDM Vol. 3C, 25.1.2). khv offers x87, SSE and
 * AVX (what the host's XCR0 has of them; no AVX-512, PKRU or AMX), keeps the
 * guest's value in vcpu->xcr0 and loads it only around the VM entry, with
 * interrupts off, so no host code ever runs with it.
 *
 * The guest's debug registers are emulated (MOV DR exits, exit.c); the
 * KVM_GET/SET_DEBUGREGS ioctls read and write that copy.
 */
#include <linux/errno.h>
#include <linux/kvm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/debugreg.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include <asm/vmx.h>

#include "cpuid_table.h"
#include "cr.h"
#include "fpu.h"
#include "ioctl.h"
#include "vcpu.h"
#include "vmx_insn.h"

/* The components khv lets a guest enable (SDM Vol. 1, 13.1). */
#define KHV_XCR0_OFFERED	(XFEATURE_MASK_FP | XFEATURE_MASK_SSE | \
				 XFEATURE_MASK_YMM)
/* The legacy region and the XSAVE header: the area for x87 and SSE alone. */
#define KHV_XSAVE_LEGACY_SIZE	(sizeof(struct fxregs_state) + \
				 sizeof(struct xstate_header))

/* CPUID bits (SDM Vol. 2A, CPUID). */
#define KHV_CPUID1_ECX_FMA	BIT(12)
#define KHV_CPUID1_ECX_XSAVE	BIT(26)
#define KHV_CPUID1_ECX_OSXSAVE	BIT(27)
#define KHV_CPUID1_ECX_AVX	BIT(28)
#define KHV_CPUID1_ECX_F16C	BIT(29)
#define KHV_CPUID7_EBX_AVX2	BIT(5)
#define KHV_CPUIDD1_EAX_XSAVEOPT BIT(0)
#define KHV_CPUIDD1_EAX_XSAVEC	BIT(1)
#define KHV_CPUIDD1_EAX_XGETBV1	BIT(2)

static u64 khv_host_xcr0;		/* the kernel's, the same on every CPU */
static u64 khv_xcr0_ok;			/* what guests may set; 0: no XSAVE */
static u32 khv_ymm_offset, khv_ymm_size;	/* AVX state, standard format */

void khv_fpu_config(void)
{
	u32 eax, ebx, ecx, edx;

	khv_host_xcr0 = 0;
	khv_xcr0_ok = 0;
	if (!cpu_feature_enabled(X86_FEATURE_XSAVE))
		return;
	khv_host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	khv_xcr0_ok = khv_host_xcr0 & (XFEATURE_MASK_FP | XFEATURE_MASK_SSE);
	if (boot_cpu_has(X86_FEATURE_AVX) && (khv_host_xcr0 & XFEATURE_MASK_YMM)) {
		/* CPUID.(0DH, 2): EAX size, EBX offset of the AVX state. */
		cpuid_count(0xd, 2, &eax, &ebx, &ecx, &edx);
		khv_ymm_offset = ebx;
		khv_ymm_size = eax;
		khv_xcr0_ok |= XFEATURE_MASK_YMM;
	}
}

u64 khv_fpu_xcr0_supported(void)
{
	return khv_xcr0_ok;
}

/* Bytes an XSAVE of the components in @xcr0 needs (standard format). */
static u32 khv_xsave_size(u64 xcr0)
{
	if (xcr0 & XFEATURE_MASK_YMM)
		return max_t(u32, KHV_XSAVE_LEGACY_SIZE,
			     khv_ymm_offset + khv_ymm_size);
	return KHV_XSAVE_LEGACY_SIZE;
}

/*
 * The components the vCPU's CPUID offers in leaf 0xd subleaf 0 (EDX:EAX), as
 * KVM limits XCR0: all khv offers with the default table, and x87 always.
 */
static u64 khv_vcpu_xcr0_ok(struct khv_vcpu *vcpu)
{
	const struct kvm_cpuid_entry2 *e;

	if (!vcpu->cpuid)
		return khv_xcr0_ok;
	e = khv_cpuid_find(vcpu->cpuid->entries, vcpu->cpuid->nent, 0xd, 0);
	if (!e)
		return XFEATURE_MASK_FP;
	return ((e->eax | (u64)e->edx << 32) & khv_xcr0_ok) | XFEATURE_MASK_FP;
}

/*
 * XSETBV's checks on the value (SDM Vol. 2C, XSETBV; Vol. 1, 13.3): x87 can
 * never be disabled, AVX needs SSE, and only components the vCPU is offered.
 */
static bool khv_xcr0_valid(struct khv_vcpu *vcpu, u64 xcr0)
{
	if (!(xcr0 & XFEATURE_MASK_FP))
		return false;
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return false;
	return !(xcr0 & ~khv_vcpu_xcr0_ok(vcpu));
}

/*
 * A guest that has not set CR4.OSXSAVE cannot execute XGETBV, XSAVE or VEX
 * instructions, so its XCR0 cannot matter yet: the host's stays.
 */
void khv_fpu_load_guest_xcr0(struct khv_vcpu *vcpu)
{
	if (vcpu->xcr0 == khv_host_xcr0 || !khv_xcr0_ok ||
	    !(khv_vmread(GUEST_CR4) & X86_CR4_OSXSAVE))
		return;
	xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->xcr0);
	vcpu->xcr0_loaded = true;
}

/*
 * Before interrupts come back on: an interrupt handler's kernel_fpu_begin()
 * and the XSAVE of the guest state at the end of KVM_RUN use the host's
 * components.
 */
void khv_fpu_load_host_xcr0(struct khv_vcpu *vcpu)
{
	if (!vcpu->xcr0_loaded)
		return;
	xsetbv(XCR_XFEATURE_ENABLED_MASK, khv_host_xcr0);
	vcpu->xcr0_loaded = false;
}

/*
 * XSETBV. #UD (CR4.OSXSAVE clear) and, on the hardware, #GP for CPL > 0
 * come before the VM exit (SDM 25.1.1); the CPL is checked again because
 * the exit is the only place khv sees the instruction. Only XCR0 exists.
 */
int khv_fpu_handle_xsetbv(struct khv_vcpu *vcpu)
{
	u32 index = vcpu->gprs[KHV_RCX];
	u64 val = (u32)vcpu->gprs[KHV_RAX] | ((u64)vcpu->gprs[KHV_RDX] << 32);
	unsigned int cpl = (khv_vmread(GUEST_SS_AR_BYTES) >> 5) & 3;

	if (cpl || index != XCR_XFEATURE_ENABLED_MASK ||
	    !khv_xcr0_valid(vcpu, val)) {
		khv_queue_exception(vcpu, GP_VECTOR, true, 0);
		return 1;
	}
	vcpu->xcr0 = val;
	khv_skip_instruction(vcpu);
	return 1;
}

void khv_fpu_cpuid_fixup(u32 leaf, u32 subleaf, u32 *eax, u32 *ebx,
			 u32 *ecx, u32 *edx)
{
	u32 a, b, c, d;
	bool avx = khv_xcr0_ok & XFEATURE_MASK_YMM;

	if (!khv_xcr0_ok)
		return;
	switch (leaf) {
	case 1:
		*ecx |= KHV_CPUID1_ECX_XSAVE;
		if (!avx)
			break;
		*ecx |= KHV_CPUID1_ECX_AVX;
		if (boot_cpu_has(X86_FEATURE_FMA))
			*ecx |= KHV_CPUID1_ECX_FMA;
		if (boot_cpu_has(X86_FEATURE_F16C))
			*ecx |= KHV_CPUID1_ECX_F16C;
		break;
	case 7:
		if (!subleaf && avx && boot_cpu_has(X86_FEATURE_AVX2))
			*ebx |= KHV_CPUID7_EBX_AVX2;
		break;
	case 0xd:
		*eax = *ebx = *ecx = *edx = 0;
		if (subleaf == 0) {
			/* EBX follows the guest's XCR0 (khv_fpu_cpuid_runtime). */
			*eax = khv_xcr0_ok;
			*ebx = *ecx = khv_xsave_size(khv_xcr0_ok);
		} else if (subleaf == 1) {
			/* No XSAVES: khv switches no supervisor state (IA32_XSS). */
			if (boot_cpu_has(X86_FEATURE_XSAVEOPT))
				*eax |= KHV_CPUIDD1_EAX_XSAVEOPT;
			if (boot_cpu_has(X86_FEATURE_XSAVEC))
				*eax |= KHV_CPUIDD1_EAX_XSAVEC;
			if (boot_cpu_has(X86_FEATURE_XGETBV1))
				*eax |= KHV_CPUIDD1_EAX_XGETBV1;
		} else if (subleaf < 64 && (khv_xcr0_ok & BIT_ULL(subleaf))) {
			cpuid_count(0xd, subleaf, &a, &b, &c, &d);
			*eax = a;		/* size */
			*ebx = b;		/* offset */
			*ecx = c & BIT(1);	/* 64-byte aligned when compacted */
		}
		break;
	}
}

void khv_fpu_cpuid_runtime(struct khv_vcpu *vcpu, u32 leaf, u32 subleaf,
			   u32 *eax, u32 *ebx, u32 *ecx, u32 *edx)
{
	if (!khv_xcr0_ok)
		return;
	if (leaf == 1) {
		if (khv_read_cr4(vcpu) & X86_CR4_OSXSAVE)
			*ecx |= KHV_CPUID1_ECX_OSXSAVE;
		else
			*ecx &= ~KHV_CPUID1_ECX_OSXSAVE;
	} else if (leaf == 0xd && subleaf == 0 && *eax) {
		/* The size for the components enabled in XCR0 now. */
		*ebx = khv_xsave_size(vcpu->xcr0);
	}
}

/*
 * The components userspace sees in struct kvm_xsave: those khv offers,
 * and x87 and SSE always, so that the state restores on an XSAVE host
 * even when this one has none.
 */
static u64 khv_uabi_xfeatures(void)
{
	return khv_xcr0_ok | XFEATURE_MASK_FPSSE;
}

/* The guest state in the layout of struct kvm_xsave (non-compacted). */
static struct xregs_state *khv_fpu_get_uabi(struct khv_vcpu *vcpu)
{
	struct xregs_state *xs = kzalloc(sizeof(struct kvm_xsave),
					 GFP_KERNEL_ACCOUNT);

	if (xs)
		fpu_copy_guest_fpstate_to_uabi(&vcpu->fpu, xs,
					       sizeof(struct kvm_xsave),
					       khv_uabi_xfeatures(), 0);
	return xs;
}

/*
 * The kernel refuses components outside the mask, a set XCOMP_BV (compacted
 * format), reserved header bytes and reserved MXCSR bits with -EINVAL. PKRU
 * is never offered, so @pkru is never written; it is there for the API.
 */
static int khv_fpu_set_uabi(struct khv_vcpu *vcpu, const struct xregs_state *xs)
{
	u32 pkru = 0;

	return fpu_copy_uabi_to_guest_fpstate(&vcpu->fpu, xs,
					      khv_uabi_xfeatures(), &pkru);
}

static int khv_get_fpu(struct khv_vcpu *vcpu, struct kvm_fpu __user *argp)
{
	struct xregs_state *xs = khv_fpu_get_uabi(vcpu);
	struct fxregs_state *fx;
	struct kvm_fpu *f;
	int r = -ENOMEM;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!xs || !f)
		goto out;
	fx = &xs->i387;
	memcpy(f->fpr, fx->st_space, sizeof(f->fpr));
	f->fcw = fx->cwd;
	f->fsw = fx->swd;
	f->ftwx = fx->twd;		/* FXSAVE's abridged tag word */
	f->last_opcode = fx->fop;
	f->last_ip = fx->rip;
	f->last_dp = fx->rdp;
	memcpy(f->xmm, fx->xmm_space, sizeof(f->xmm));
	f->mxcsr = fx->mxcsr;
	r = copy_to_user(argp, f, sizeof(*f)) ? -EFAULT : 0;
out:
	kfree(f);
	kfree(xs);
	return r;
}

/* The legacy image replaces x87 and SSE; AVX and the rest stay. */
static int khv_set_fpu(struct khv_vcpu *vcpu, struct kvm_fpu __user *argp)
{
	struct xregs_state *xs;
	struct fxregs_state *fx;
	struct kvm_fpu *f;
	int r;

	f = memdup_user(argp, sizeof(*f));
	if (IS_ERR(f))
		return PTR_ERR(f);
	xs = khv_fpu_get_uabi(vcpu);
	r = -ENOMEM;
	if (!xs)
		goto out;
	fx = &xs->i387;
	memcpy(fx->st_space, f->fpr, sizeof(f->fpr));
	fx->cwd = f->fcw;
	fx->swd = f->fsw;
	fx->twd = f->ftwx;
	fx->fop = f->last_opcode;
	fx->rip = f->last_ip;
	fx->rdp = f->last_dp;
	memcpy(fx->xmm_space, f->xmm, sizeof(f->xmm));
	fx->mxcsr = f->mxcsr;
	xs->header.xfeatures |= XFEATURE_MASK_FPSSE;
	r = khv_fpu_set_uabi(vcpu, xs);
out:
	kfree(xs);
	kfree(f);
	return r;
}

/* KVM_GET_XSAVE and KVM_GET_XSAVE2: all offered components fit in 4 KiB. */
static int khv_get_xsave(struct khv_vcpu *vcpu, void __user *argp)
{
	struct xregs_state *xs = khv_fpu_get_uabi(vcpu);
	int r;

	if (!xs)
		return -ENOMEM;
	r = copy_to_user(argp, xs, sizeof(struct kvm_xsave)) ? -EFAULT : 0;
	kfree(xs);
	return r;
}

static int khv_set_xsave(struct khv_vcpu *vcpu, void __user *argp)
{
	struct xregs_state *xs = memdup_user(argp, sizeof(struct kvm_xsave));
	int r;

	if (IS_ERR(xs))
		return PTR_ERR(xs);
	r = khv_fpu_set_uabi(vcpu, xs);
	kfree(xs);
	return r;
}

static int khv_get_xcrs(struct khv_vcpu *vcpu, struct kvm_xcrs __user *argp)
{
	struct kvm_xcrs *x = kzalloc(sizeof(*x), GFP_KERNEL);
	int r;

	if (!x)
		return -ENOMEM;
	if (khv_xcr0_ok) {
		x->nr_xcrs = 1;
		x->xcrs[0].xcr = XCR_XFEATURE_ENABLED_MASK;
		x->xcrs[0].value = vcpu->xcr0;
	}
	r = copy_to_user(argp, x, sizeof(*x)) ? -EFAULT : 0;
	kfree(x);
	return r;
}

/*
 * As KVM: entries for XCRs other than XCR0 are skipped, the first XCR0
 * entry is checked as XSETBV would check it and taken.
 */
static int khv_set_xcrs(struct khv_vcpu *vcpu, struct kvm_xcrs __user *argp)
{
	struct kvm_xcrs *x;
	int r = 0;
	u32 i;

	if (!khv_xcr0_ok)
		return -EINVAL;
	x = memdup_user(argp, sizeof(*x));
	if (IS_ERR(x))
		return PTR_ERR(x);
	if (x->nr_xcrs > KVM_MAX_XCRS || x->flags) {
		r = -EINVAL;
		goto out;
	}
	for (i = 0; i < x->nr_xcrs; i++) {
		if (x->xcrs[i].xcr != XCR_XFEATURE_ENABLED_MASK)
			continue;
		if (khv_xcr0_valid(vcpu, x->xcrs[i].value))
			vcpu->xcr0 = x->xcrs[i].value;
		else
			r = -EINVAL;
		break;
	}
out:
	kfree(x);
	return r;
}

static int khv_get_debugregs(struct khv_vcpu *vcpu,
			     struct kvm_debugregs __user *argp)
{
	struct kvm_debugregs d = {};

	memcpy(d.db, vcpu->dr, sizeof(d.db));
	d.dr6 = vcpu->dr6;
	d.dr7 = vcpu->dr7;
	return copy_to_user(argp, &d, sizeof(d)) ? -EFAULT : 0;
}

/* DR6 and DR7 are 32-bit registers: MOV to them #GPs on bits 63:32. */
static int khv_set_debugregs(struct khv_vcpu *vcpu,
			     struct kvm_debugregs __user *argp)
{
	struct kvm_debugregs d;

	if (copy_from_user(&d, argp, sizeof(d)))
		return -EFAULT;
	if (d.flags || (d.dr6 >> 32) || (d.dr7 >> 32))
		return -EINVAL;
	memcpy(vcpu->dr, d.db, sizeof(vcpu->dr));
	vcpu->dr6 = d.dr6;
	vcpu->dr7 = d.dr7;
	return 0;
}

long khv_fpu_vcpu_ioctl(struct khv_vcpu *vcpu, unsigned int ioctl,
			void __user *argp)
{
	switch (ioctl) {
	case KVM_GET_FPU:
		return khv_get_fpu(vcpu, argp);
	case KVM_SET_FPU:
		return khv_set_fpu(vcpu, argp);
	case KVM_GET_XSAVE:
	case KVM_GET_XSAVE2:
		return khv_get_xsave(vcpu, argp);
	case KVM_SET_XSAVE:
		return khv_set_xsave(vcpu, argp);
	case KVM_GET_XCRS:
		return khv_get_xcrs(vcpu, argp);
	case KVM_SET_XCRS:
		return khv_set_xcrs(vcpu, argp);
	case KVM_GET_DEBUGREGS:
		return khv_get_debugregs(vcpu, argp);
	case KVM_SET_DEBUGREGS:
		return khv_set_debugregs(vcpu, argp);
	default:
		return -EINVAL;
	}
}

long khv_fpu_check_extension(long cap)
{
	switch (cap) {
	case KVM_CAP_XSAVE:
	case KVM_CAP_XCRS:
		return !!khv_xcr0_ok;
	case KVM_CAP_XSAVE2:
		/* The buffer size KVM_GET_XSAVE2 fills. */
		return sizeof(struct kvm_xsave);
	case KVM_CAP_DEBUGREGS:
		return 1;
	default:
		return 0;
	}
}
