// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's MSRs: RDMSR/WRMSR in the guest (every MSR access exits, the
 * MSR bitmap is all ones) and KVM_GET/SET_MSRS from userspace go through the
 * same khv_msr_get/set(), with KVM's rules (docs/vcpu.md lists the MSRs and
 * what each accepts). An MSR khv does not know gives the guest #GP, as on
 * KVM, and stops a KVM_GET/SET_MSRS at that entry. The system-fd ioctls list
 * the MSRs (KVM_GET_MSR_INDEX_LIST: what a VMM saves and restores) and the
 * feature MSRs (KVM_GET_MSR_FEATURE_INDEX_LIST, read with KVM_GET_MSRS on the
 * system fd).
 *
 * Userspace may take over guest accesses (api.rst 7.21, 4.97): the accesses
 * KVM_X86_SET_MSR_FILTER's filter denies, and with KVM_CAP_X86_USER_SPACE_MSR
 * those that would #GP, for the reasons it chose (filtered, unknown MSR,
 * invalid access), exit with KVM_EXIT_X86_RDMSR/WRMSR; the next KVM_RUN
 * completes the instruction with userspace's answer.
 */
#include <linux/kvm.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/apicdef.h>
#include <asm/kvm_para.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include <asm/vmx.h>

#include "cpuid.h"
#include "cr.h"
#include "ioctl.h"
#include "irq.h"
#include "msr.h"
#include "msr_filter.h"
#include "vcpu.h"
#include "vm.h"
#include "vmcs.h"
#include "vmx_insn.h"

/* KVM_GET/SET_MSRS take fewer than this many entries (KVM's MAX_IO_MSRS). */
#define KHV_MAX_IO_MSRS		256

/* CPUID bits that make an MSR the guest's to use. */
#define KHV_CPUID7_EBX_TSC_ADJUST	BIT(1)
#define KHV_CPUIDX1_EDX_RDTSCP		BIT(27)
#define KHV_CPUID7_ECX_RDPID		BIT(22)

/* KVM_CAP_X86_USER_SPACE_MSR: the exit reasons userspace may ask for. */
#define KHV_MSR_EXIT_REASONS	(KVM_MSR_EXIT_REASON_INVAL | \
				 KVM_MSR_EXIT_REASON_UNKNOWN | \
				 KVM_MSR_EXIT_REASON_FILTER)

/* A guest access the VM's MSR filter denies (beside KHV_MSR_UNKNOWN). */
#define KHV_MSR_FILTERED	3

/* What KVM gives a new vCPU: a microcode revision of 1 (in bits 63:32). */
#define KHV_UCODE_REV_RESET		(1ULL << 32)

/* Canonical for 48-bit linear addresses (khv does not offer LA57). */
static bool khv_canonical(u64 addr)
{
	return ((s64)addr << 16 >> 16) == (s64)addr;
}

/*
 * IA32_APIC_BASE: bits 7:0 and 9 are reserved, bit 10 (x2APIC) too since
 * CPUID does not offer x2APIC, and bits from MAXPHYADDR up (SDM Vol. 3A,
 * 10.4.4).
 */
bool khv_apic_base_valid(u64 apic_base)
{
	u64 rsvd = GENMASK_ULL(7, 0) | BIT_ULL(9) | X2APIC_ENABLE |
		   GENMASK_ULL(63, boot_cpu_data.x86_phys_bits);

	return !(apic_base & rsvd);
}

/* Each PAT entry must be a valid memory type: 0, 1, 4, 5, 6 or 7. */
static bool khv_pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (i * 8);

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

/*
 * EFER.LMA is read-only (the CPU sets it when paging turns on with LME); LME
 * cannot change while paging is on (SDM Vol. 3A, 9.8.5). Userspace writes
 * keep LMA too, as on KVM (measured: writing 0x500 stores 0x100);
 * KVM_SET_SREGS is the way to set it. Unlike KVM, khv also refuses
 * userspace's LME changes under paging, a state no VM entry accepts.
 */
static int khv_set_efer(struct khv_vcpu *vcpu, u64 efer, bool host)
{
	u64 old = khv_read_efer(vcpu);

	if (!khv_efer_valid(efer))
		return 1;
	efer = (efer & ~EFER_LMA) | (old & EFER_LMA);
	if (((efer ^ old) & EFER_LME) && (khv_read_cr0(vcpu) & X86_CR0_PG))
		return 1;
	khv_write_efer(vcpu, efer);
	return 0;
}

/* The guest's value is in the hardware MSR while its state is loaded. */
static u64 khv_kernel_gs_base(struct khv_vcpu *vcpu, const u64 *set)
{
	u64 val;

	preempt_disable();
	if (vcpu->guest_state_loaded) {
		if (set)
			wrmsrl(MSR_KERNEL_GS_BASE, *set);
		rdmsrl(MSR_KERNEL_GS_BASE, val);
	} else {
		if (set)
			vcpu->kernel_gs_base = *set;
		val = vcpu->kernel_gs_base;
	}
	preempt_enable();
	return val;
}

/* The SYSCALL MSRs' slots in vcpu->syscall_msrs[], or -1. */
static int khv_syscall_msr(u32 index)
{
	switch (index) {
	case MSR_STAR:
		return KHV_STAR;
	case MSR_LSTAR:
		return KHV_LSTAR;
	case MSR_CSTAR:
		return KHV_CSTAR;
	case MSR_SYSCALL_MASK:
		return KHV_SFMASK;
	default:
		return -1;
	}
}

/* LSTAR and CSTAR hold addresses; SFMASK bits 63:32 are reserved. */
static int khv_set_syscall_msr(struct khv_vcpu *vcpu, int slot, u64 val)
{
	if ((slot == KHV_LSTAR || slot == KHV_CSTAR) && !khv_canonical(val))
		return 1;
	if (slot == KHV_SFMASK && (val >> 32))
		return 1;
	vcpu->syscall_msrs[slot] = val;
	vcpu->syscall_msrs_used = true;
	preempt_disable();
	if (vcpu->guest_state_loaded)
		khv_vcpu_load_syscall_msrs(vcpu);
	preempt_enable();
	return 0;
}

/* MSRs that are plain VMCS guest-state fields (SDM 24.4.1). */
static unsigned long khv_msr_field(u32 index)
{
	switch (index) {
	case MSR_IA32_CR_PAT:
		return GUEST_IA32_PAT;
	case MSR_IA32_SYSENTER_CS:
		return GUEST_SYSENTER_CS;
	case MSR_IA32_SYSENTER_ESP:
		return GUEST_SYSENTER_ESP;
	case MSR_IA32_SYSENTER_EIP:
		return GUEST_SYSENTER_EIP;
	case MSR_FS_BASE:
		return GUEST_FS_BASE;
	case MSR_GS_BASE:
		return GUEST_GS_BASE;
	default:
		return 0;
	}
}

/* The TSC offset the VMCS applies to RDTSC, RDTSCP and RDMSR (SDM 25.3). */
static void khv_write_tsc_offset(struct khv_vcpu *vcpu, u64 offset)
{
	WRITE_ONCE(vcpu->msrs.tsc_offset, offset);
	khv_vmwrite(TSC_OFFSET, offset);
}

u64 khv_guest_tsc(struct khv_vcpu *vcpu)
{
	return rdtsc() + READ_ONCE(vcpu->msrs.tsc_offset);
}

/*
 * IA32_TSC and IA32_TSC_ADJUST (SDM Vol. 3B, 17.17.3 "Time-Stamp Counter
 * Adjustment"): a guest write of the TSC moves TSC_ADJUST by as much, a
 * guest write of TSC_ADJUST moves the TSC by the difference. Userspace writes each alone, as KVM: the TSC sets the
 * offset, TSC_ADJUST only itself. A userspace write of TSC 0 puts the vCPU
 * back on the VM's time base (the TSC was 0 when the VM's first vCPU was
 * created), so vCPUs that VMMs reset one after the other agree, as KVM's
 * "write 0 synchronises" rule makes them.
 */
static void khv_set_tsc(struct khv_vcpu *vcpu, u64 val, bool host)
{
	u64 now = rdtsc();

	if (host) {
		khv_write_tsc_offset(vcpu, val ? val - now :
					   vcpu->msrs.tsc_zero_offset);
		return;
	}
	vcpu->msrs.tsc_adjust += val - (now + vcpu->msrs.tsc_offset);
	khv_write_tsc_offset(vcpu, val - now);
}

static void khv_set_tsc_adjust(struct khv_vcpu *vcpu, u64 val, bool host)
{
	if (!host)
		khv_write_tsc_offset(vcpu, vcpu->msrs.tsc_offset +
					   (val - vcpu->msrs.tsc_adjust));
	vcpu->msrs.tsc_adjust = val;
}

/* IA32_TSC_AUX exists where khv lets the guest run RDTSCP. */
static bool khv_tsc_aux_ok(void)
{
	return khv_vmcs_config.proc2 & SECONDARY_EXEC_ENABLE_RDTSCP;
}

void khv_msr_load_guest_state(struct khv_vcpu *vcpu)
{
	struct khv_vcpu_msrs *m = &vcpu->msrs;

	if (!m->tsc_aux_used || m->tsc_aux_loaded)
		return;
	m->host_tsc_aux = (u32)native_read_msr(MSR_TSC_AUX);
	wrmsrl(MSR_TSC_AUX, m->tsc_aux);
	m->tsc_aux_loaded = true;
}

void khv_msr_put_guest_state(struct khv_vcpu *vcpu)
{
	struct khv_vcpu_msrs *m = &vcpu->msrs;

	if (!m->tsc_aux_loaded)
		return;
	wrmsrl(MSR_TSC_AUX, m->host_tsc_aux);
	m->tsc_aux_loaded = false;
}

/* Bits 63:32 are reserved (SDM Vol. 4, IA32_TSC_AUX). */
static int khv_set_tsc_aux(struct khv_vcpu *vcpu, u64 val)
{
	struct khv_vcpu_msrs *m = &vcpu->msrs;

	if (val >> 32)
		return 1;
	m->tsc_aux = val;
	m->tsc_aux_used = true;
	preempt_disable();
	if (vcpu->guest_state_loaded) {
		if (m->tsc_aux_loaded)
			wrmsrl(MSR_TSC_AUX, m->tsc_aux);
		else
			khv_msr_load_guest_state(vcpu);
	}
	preempt_enable();
	return 0;
}

/*
 * IA32_MISC_ENABLE is stored, its controls have no effect (fast strings are
 * always on, MONITOR/MWAIT are not offered, limiting CPUID and disabling XD
 * change nothing). As on KVM, the guest cannot change "BTS unavailable" and
 * "PEBS unavailable" (#GP; khv offers neither) and its writes of
 * "performance monitoring available" are ignored; userspace sets any value.
 */
#define KHV_MISC_ENABLE_RO	(MSR_IA32_MISC_ENABLE_BTS_UNAVAIL | \
				 MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL)

static int khv_set_misc_enable(struct khv_vcpu *vcpu, u64 val, bool host)
{
	u64 old = vcpu->msrs.misc_enable;

	if (!host) {
		if ((val ^ old) & KHV_MISC_ENABLE_RO)
			return 1;
		val = (val & ~MSR_IA32_MISC_ENABLE_EMON) |
		      (old & MSR_IA32_MISC_ENABLE_EMON);
	}
	vcpu->msrs.misc_enable = val;
	return 0;
}

void khv_msr_vcpu_create(struct khv_vcpu *vcpu)
{
	struct khv_vcpu_msrs *m = &vcpu->msrs;
	struct khv_vm *vm = vcpu->vm;

	/* One time base per VM: its TSC counts from the first vCPU's birth. */
	lockdep_assert_held(&vm->lock);
	m->tsc_zero_offset = vm->nr_vcpus ? vm->vcpus[0]->msrs.tsc_zero_offset :
					    -rdtsc();
	m->tsc_offset = m->tsc_zero_offset;
	m->misc_enable = KHV_MISC_ENABLE_RO;
	m->ucode_rev = KHV_UCODE_REV_RESET;
	khv_mce_reset(&m->mce);
}

/* The MSRs guests may read and userspace may read and write, not more. */
static bool khv_guest_may_use(struct khv_vcpu *vcpu, u32 index)
{
	switch (index) {
	case MSR_IA32_TSC_ADJUST:
		return khv_vcpu_cpuid_has(vcpu, 7, KHV_EBX,
					  KHV_CPUID7_EBX_TSC_ADJUST);
	case MSR_TSC_AUX:
		return khv_vcpu_cpuid_has(vcpu, 0x80000001, KHV_EDX,
					  KHV_CPUIDX1_EDX_RDTSCP) ||
		       khv_vcpu_cpuid_has(vcpu, 7, KHV_ECX,
					  KHV_CPUID7_ECX_RDPID);
	case MSR_KVM_WALL_CLOCK:
	case MSR_KVM_SYSTEM_TIME:
		/* KVM's paravirtual clock: khv's CPUID does not offer it. */
		return false;
	default:
		return true;
	}
}

int khv_msr_get(struct khv_vcpu *vcpu, u32 index, u64 *val, bool host)
{
	unsigned long field = khv_msr_field(index);
	int slot = khv_syscall_msr(index), r;

	if (!host && !khv_guest_may_use(vcpu, index))
		return 1;
	if (field) {
		*val = khv_vmread(field);
		return 0;
	}
	if (slot >= 0) {
		*val = vcpu->syscall_msrs[slot];
		return 0;
	}
	if (khv_mtrr_msr(index))
		return khv_mtrr_get(&vcpu->msrs.mtrr, index, val);
	if (khv_mce_msr(index))
		return khv_mce_get(&vcpu->msrs.mce, index, val);
	switch (index) {
	case MSR_EFER:
		*val = khv_read_efer(vcpu);
		return 0;
	case MSR_KERNEL_GS_BASE:
		*val = khv_kernel_gs_base(vcpu, NULL);
		return 0;
	case MSR_IA32_APICBASE:
		*val = vcpu->apic_base;
		return 0;
	case MSR_IA32_TSC:
		*val = khv_guest_tsc(vcpu);
		return 0;
	case MSR_IA32_TSC_ADJUST:
		*val = vcpu->msrs.tsc_adjust;
		return 0;
	case MSR_TSC_AUX:
		if (!khv_tsc_aux_ok())
			return 1;
		*val = vcpu->msrs.tsc_aux;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*val = vcpu->msrs.misc_enable;
		return 0;
	case MSR_PLATFORM_INFO:
		/* KVM_CAP_MSR_PLATFORM_INFO turned off (vm.c). */
		if (!host && READ_ONCE(vcpu->vm->platform_info_hidden))
			return 1;
		*val = vcpu->msrs.platform_info;
		return 0;
	case MSR_IA32_UCODE_REV:
		*val = vcpu->msrs.ucode_rev;
		return 0;
	case MSR_IA32_POWER_CTL:
		*val = vcpu->msrs.power_ctl;
		return 0;
	case MSR_KVM_WALL_CLOCK:
	case MSR_KVM_SYSTEM_TIME:
		/* Userspace only (QEMU 7.2 reads them whatever CPUID says). */
		*val = 0;
		return 0;
	}
	/* x2APIC and TSC deadline with an in-kernel APIC. */
	r = khv_irq_msr_get(vcpu, index, val);
	if (r != -ENOENT)
		return r;
	/* Listed for VMMs; without an in-kernel APIC it reads 0, as KVM's. */
	if (host && index == MSR_IA32_TSC_DEADLINE) {
		*val = 0;
		return 0;
	}
	return KHV_MSR_UNKNOWN;
}

int khv_msr_set(struct khv_vcpu *vcpu, u32 index, u64 val, bool host)
{
	unsigned long field = khv_msr_field(index);
	int r;

	if (!host && !khv_guest_may_use(vcpu, index))
		return 1;
	/* The in-kernel APIC's own: APIC base, x2APIC, TSC deadline. */
	r = khv_irq_msr_set(vcpu, index, val, host);
	if (r != -ENOENT)
		return r;
	if (khv_syscall_msr(index) >= 0)
		return khv_set_syscall_msr(vcpu, khv_syscall_msr(index), val);
	if (khv_mtrr_msr(index))
		return khv_mtrr_set(&vcpu->msrs.mtrr, index, val,
				    khv_vcpu_maxphyaddr(vcpu));
	if (khv_mce_msr(index))
		return khv_mce_set(&vcpu->msrs.mce, index, val, host);
	switch (index) {
	case MSR_EFER:
		return khv_set_efer(vcpu, val, host);
	case MSR_IA32_APICBASE:
		if (!khv_apic_base_valid(val))
			return 1;
		vcpu->apic_base = val;
		return 0;
	case MSR_IA32_TSC:
		khv_set_tsc(vcpu, val, host);
		return 0;
	case MSR_IA32_TSC_ADJUST:
		khv_set_tsc_adjust(vcpu, val, host);
		return 0;
	case MSR_TSC_AUX:
		return khv_tsc_aux_ok() ? khv_set_tsc_aux(vcpu, val) : 1;
	case MSR_IA32_MISC_ENABLE:
		return khv_set_misc_enable(vcpu, val, host);
	case MSR_PLATFORM_INFO:
		/* Read-only to the guest; no CPUID faulting to announce. */
		if (!host || (val & MSR_PLATFORM_INFO_CPUID_FAULT))
			return 1;
		vcpu->msrs.platform_info = val;
		return 0;
	case MSR_IA32_UCODE_REV:
		/*
		 * The guest writes 0, then runs CPUID to have the revision
		 * loaded (SDM Vol. 3A, 9.11.7 "Microcode Update Facilities"):
		 * nothing to do, and no #GP.
		 */
		if (host)
			vcpu->msrs.ucode_rev = val;
		return 0;
	case MSR_IA32_POWER_CTL:
		/*
		 * Stored, without effect (C1E and the other power controls
		 * mean nothing to a vCPU); any value, as KVM takes.
		 */
		vcpu->msrs.power_ctl = val;
		return 0;
	case MSR_KVM_WALL_CLOCK:
	case MSR_KVM_SYSTEM_TIME:
		/* QEMU 7.2 writes 0 at reset whatever CPUID says. */
		return val ? 1 : 0;
	case MSR_IA32_TSC_DEADLINE:
		/* Without an in-kernel APIC (else irq.c took it): ignored. */
		return host ? 0 : 1;
	case MSR_IA32_CR_PAT:
		if (!khv_pat_valid(val))
			return 1;
		break;
	case MSR_IA32_SYSENTER_CS:
		val = (u32)val;
		break;
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
		/* VM entry wants these canonical (26.3.1.1, 26.3.1.2). */
		if (!khv_canonical(val))
			return 1;
		break;
	default:
		return KHV_MSR_UNKNOWN;
	}
	if (index == MSR_KERNEL_GS_BASE)
		khv_kernel_gs_base(vcpu, &val);
	else
		khv_vmwrite(field, val);
	return 0;
}

/*
 * The intercepted MSRs guests read at a high rate, answered before the
 * general dispatch of khv_msr_get() (its permission check, VMCS-field,
 * SYSCALL, MTRR and MCE lookups come first): that walk was ~130
 * instructions of an in-kernel RDMSR exit (docs/performance.md). Each
 * answer is the one khv_msr_get() gives; anything else returns false.
 */
static bool khv_rdmsr_fast(struct khv_vcpu *vcpu, u32 index, u64 *val)
{
	switch (index) {
	case MSR_EFER:
		*val = khv_read_efer(vcpu);
		return true;
	case MSR_IA32_APICBASE:
		*val = vcpu->apic_base;
		return true;
	case MSR_IA32_TSC:
		*val = khv_guest_tsc(vcpu);
		return true;
	default:
		return false;
	}
}

/*
 * Whether the VM's filter denies the guest this access. khv intercepts
 * every RDMSR and WRMSR (the MSR bitmap is all ones), so the filter needs
 * no per-vCPU copy or bitmap to refresh when it changes: each access looks
 * up the VM's current filter under RCU and sees either the old or the new
 * one in whole (khv_msr_set_filter()).
 */
static bool khv_msr_filtered(struct khv_vcpu *vcpu, u32 index, u32 type)
{
	struct khv_vm *vm = vcpu->vm;
	bool allowed;

	if (likely(!rcu_access_pointer(vm->msr_filter)))
		return false;
	rcu_read_lock();
	allowed = khv_msr_filter_allows(rcu_dereference(vm->msr_filter),
					index, type);
	rcu_read_unlock();
	return !allowed;
}

/*
 * A guest access that failed with @r: exit to userspace if it asked for
 * this reason (KVM_CAP_X86_USER_SPACE_MSR), else #GP. An access the filter
 * denies exits only for KVM_MSR_EXIT_REASON_FILTER, as KVM: never as
 * "unknown" or "invalid" instead.
 */
static int khv_msr_fail(struct khv_vcpu *vcpu, u32 index, u64 data,
			bool write, int r)
{
	struct kvm_run *run = vcpu->run;
	u32 reason;

	if (r == KHV_MSR_FILTERED)
		reason = KVM_MSR_EXIT_REASON_FILTER;
	else if (r == KHV_MSR_UNKNOWN)
		reason = KVM_MSR_EXIT_REASON_UNKNOWN;
	else
		reason = KVM_MSR_EXIT_REASON_INVAL;
	if (!(READ_ONCE(vcpu->vm->user_space_msrs) & reason)) {
		khv_queue_exception(vcpu, GP_VECTOR, true, 0);
		return 1;
	}
	run->exit_reason = write ? KVM_EXIT_X86_WRMSR : KVM_EXIT_X86_RDMSR;
	run->msr.error = 0;
	memset(run->msr.pad, 0, sizeof(run->msr.pad));
	run->msr.reason = reason;
	run->msr.index = index;
	run->msr.data = data;
	vcpu->msrs.user_exit = write ? KHV_MSR_EXIT_WRITE : KHV_MSR_EXIT_READ;
	return 0;
}

/*
 * The next KVM_RUN after a KVM_EXIT_X86_RDMSR/WRMSR (api.rst 5, kvm_run's
 * msr): error != 0 gives the guest #GP at the instruction; otherwise a
 * read puts msr.data in EDX:EAX and the instruction completes.
 */
int khv_msr_complete_user_exit(struct khv_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	bool read = vcpu->msrs.user_exit == KHV_MSR_EXIT_READ;
	u64 data;

	vcpu->msrs.user_exit = KHV_MSR_EXIT_NONE;
	if (READ_ONCE(run->msr.error)) {
		khv_queue_exception(vcpu, GP_VECTOR, true, 0);
		return 1;
	}
	if (read) {
		data = READ_ONCE(run->msr.data);
		vcpu->gprs[KHV_RAX] = (u32)data;
		vcpu->gprs[KHV_RDX] = data >> 32;
	}
	khv_skip_instruction(vcpu);
	return 1;
}

int khv_handle_rdmsr(struct khv_vcpu *vcpu)
{
	u32 index = vcpu->gprs[KHV_RCX];
	u64 val;
	int r = 0;

	if (khv_msr_filtered(vcpu, index, KVM_MSR_FILTER_READ))
		r = KHV_MSR_FILTERED;
	else if (!khv_rdmsr_fast(vcpu, index, &val))
		r = khv_msr_get(vcpu, index, &val, false);
	if (r)
		return khv_msr_fail(vcpu, index, 0, false, r);
	vcpu->gprs[KHV_RAX] = (u32)val;
	vcpu->gprs[KHV_RDX] = val >> 32;
	khv_skip_instruction(vcpu);
	return 1;
}

int khv_handle_wrmsr(struct khv_vcpu *vcpu)
{
	u32 index = vcpu->gprs[KHV_RCX];
	u64 val = (u32)vcpu->gprs[KHV_RAX] | ((u64)vcpu->gprs[KHV_RDX] << 32);
	int r;

	if (khv_msr_filtered(vcpu, index, KVM_MSR_FILTER_WRITE))
		r = KHV_MSR_FILTERED;
	else
		r = khv_msr_set(vcpu, index, val, false);
	if (r)
		return khv_msr_fail(vcpu, index, val, true, r);
	khv_skip_instruction(vcpu);
	return 1;
}

/*
 * KVM_GET_MSR_INDEX_LIST: the MSRs a VMM should save and restore. QEMU
 * switches on entries of this list (STAR, TSC_AUX, TSC_ADJUST, MISC_ENABLE,
 * TSC_DEADLINE, UCODE_REV) and writes them at every vCPU reset. Like KVM's,
 * it leaves out what KVM_GET/SET_SREGS carries (EFER, FS/GS base, APIC
 * base) and the MTRRs (QEMU saves those when CPUID has MTRR).
 */
static const u32 khv_msr_index_list[] = {
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	MSR_STAR, MSR_CSTAR, MSR_KERNEL_GS_BASE, MSR_SYSCALL_MASK, MSR_LSTAR,
	MSR_IA32_TSC, MSR_IA32_CR_PAT, MSR_TSC_AUX, MSR_IA32_TSC_ADJUST,
	MSR_IA32_MISC_ENABLE, MSR_PLATFORM_INFO, MSR_IA32_UCODE_REV,
	MSR_IA32_TSC_DEADLINE, MSR_IA32_POWER_CTL,
};

/* Feature MSRs: read on the system fd, before any vCPU exists. */
static const u32 khv_msr_feature_list[] = {
	MSR_IA32_UCODE_REV,
};

static long khv_msr_list(struct kvm_msr_list __user *argp, bool features)
{
	const u32 *list = features ? khv_msr_feature_list : khv_msr_index_list;
	u32 n = features ? ARRAY_SIZE(khv_msr_feature_list) :
			   ARRAY_SIZE(khv_msr_index_list);
	u32 buf[ARRAY_SIZE(khv_msr_index_list)];
	struct kvm_msr_list hdr;
	u32 i, nr = 0;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	for (i = 0; i < n; i++)
		if (list[i] != MSR_TSC_AUX || khv_tsc_aux_ok())
			buf[nr++] = list[i];
	/* As KVM: the count is written back even when it does not fit. */
	if (put_user(nr, &argp->nmsrs))
		return -EFAULT;
	if (hdr.nmsrs < nr)
		return -E2BIG;
	if (copy_to_user(argp->indices, buf, nr * sizeof(buf[0])))
		return -EFAULT;
	return 0;
}

/* One feature MSR: what the host offers, whatever the vCPU is set to. */
static int khv_msr_get_feature(u32 index, u64 *val)
{
	if (index != MSR_IA32_UCODE_REV)
		return 1;
	*val = (u64)boot_cpu_data.microcode << 32;
	return 0;
}

/*
 * KVM_GET_MSRS and KVM_SET_MSRS: entries in order until the first that fails;
 * the number done is the result (QEMU asserts it is nmsrs). Fewer than 256
 * entries (E2BIG otherwise); pad and the entries' reserved fields are not
 * looked at, as KVM.
 */
static long khv_msr_io(struct khv_vcpu *vcpu, struct kvm_msrs __user *argp,
		       bool set)
{
	struct kvm_msr_entry *e;
	struct kvm_msrs hdr;
	long r = 0, i;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nmsrs >= KHV_MAX_IO_MSRS)
		return -E2BIG;
	e = memdup_user(argp->entries, hdr.nmsrs * sizeof(*e));
	if (IS_ERR(e))
		return PTR_ERR(e);
	if (vcpu) {
		r = khv_vcpu_load(vcpu);
		if (r)
			goto out;
	}
	for (i = 0; i < hdr.nmsrs; i++) {
		if (!vcpu)
			r = khv_msr_get_feature(e[i].index, &e[i].data);
		else if (set)
			r = khv_msr_set(vcpu, e[i].index, e[i].data, true);
		else
			r = khv_msr_get(vcpu, e[i].index, &e[i].data, true);
		if (r)
			break;
	}
	if (vcpu)
		khv_vcpu_put(vcpu);
	r = i;
	if (!set && copy_to_user(argp->entries, e, hdr.nmsrs * sizeof(*e)))
		r = -EFAULT;
out:
	kfree(e);
	return r;
}

long khv_msr_dev_ioctl(unsigned int ioctl, void __user *argp)
{
	/* TSC_AUX is listed only if RDTSCP runs in guests. */
	long r = khv_vmcs_config_init();

	if (r)
		return r;
	switch (ioctl) {
	case KVM_GET_MSR_INDEX_LIST:
		return khv_msr_list(argp, false);
	case KVM_GET_MSR_FEATURE_INDEX_LIST:
		return khv_msr_list(argp, true);
	default:
		return khv_msr_io(NULL, argp, false);
	}
}

long khv_msr_vcpu_ioctl(struct khv_vcpu *vcpu, unsigned int ioctl,
			void __user *argp)
{
	return khv_msr_io(vcpu, argp, ioctl == KVM_SET_MSRS);
}

/*
 * KVM_ENABLE_CAP(KVM_CAP_X86_USER_SPACE_MSR) on the VM fd: the exit reasons
 * userspace takes over from now on (0: none); unknown reason bits EINVAL,
 * as KVM. Read at each failed access, so it may change while vCPUs run.
 */
int khv_msr_enable_user_space(struct khv_vm *vm, u64 reasons)
{
	if (reasons & ~(u64)KHV_MSR_EXIT_REASONS)
		return -EINVAL;
	WRITE_ONCE(vm->user_space_msrs, reasons);
	return 0;
}

/*
 * KVM_X86_SET_MSR_FILTER. The new filter is built (bitmaps copied) before
 * any lock is taken; a refused description leaves the old filter in force.
 * vm->lock orders concurrent calls; rcu_replace_pointer() publishes the new
 * filter whole, and synchronize_rcu() waits for every guest access that may
 * still be looking at the old one (khv_msr_filtered()) before it is freed.
 * So once the ioctl returns, every later RDMSR/WRMSR of every vCPU, running
 * or not, obeys the new filter: no per-vCPU request is needed, since khv
 * keeps no state derived from the filter (every MSR access exits).
 */
static long khv_msr_set_filter(struct khv_vm *vm, const void __user *argp)
{
	struct khv_msr_filter *new, *old;
	struct kvm_msr_filter uf;

	if (copy_from_user(&uf, argp, sizeof(uf)))
		return -EFAULT;
	new = khv_msr_filter_from_user(&uf);
	if (IS_ERR(new))
		return PTR_ERR(new);
	mutex_lock(&vm->lock);
	old = rcu_replace_pointer(vm->msr_filter, new,
				  lockdep_is_held(&vm->lock));
	mutex_unlock(&vm->lock);
	if (old) {
		synchronize_rcu();
		khv_msr_filter_free(old);
	}
	return 0;
}

long khv_msr_vm_ioctl(struct khv_vm *vm, unsigned int ioctl, void __user *argp)
{
	return khv_msr_set_filter(vm, argp);
}

/* The VM is going away: no vCPU can run, no reader is left. */
void khv_msr_vm_destroy(struct khv_vm *vm)
{
	khv_msr_filter_free(rcu_dereference_protected(vm->msr_filter, true));
}

long khv_msr_check_extension(long cap)
{
	switch (cap) {
	case KVM_CAP_GET_MSR_FEATURES:
	case KVM_CAP_X86_USER_SPACE_MSR:	/* khv_msr_enable_user_space() */
	case KVM_CAP_X86_MSR_FILTER:		/* khv_msr_set_filter() */
		return 1;
	default:
		return 0;
	}
}
