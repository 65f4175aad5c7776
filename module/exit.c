// SPDX-License-Identifier: GPL-2.0
/*
 * VM-exit handlers, one small function per basic exit reason (SDM Vol. 3D,
 * Appendix C). A handler returns > 0 to re-enter the guest, 0 to return to
 * userspace with kvm_run filled in, or -errno for KVM_RUN to fail. Every
 * reason without a handler ends KVM_RUN with KVM_EXIT_INTERNAL_ERROR: never
 * a silent loop.
 */
#include <linux/kvm.h>
#include <linux/kvm_para.h>
#include <linux/percpu.h>
#include <asm/cpufeature.h>
#include <asm/debugreg.h>
#include <asm/processor-flags.h>
#include <asm/vmx.h>

#include "cpuid.h"
#include "cr.h"
#include "events.h"
#include "fpu.h"
#include "irq.h"
#include "msr.h"
#include "trace.h"
#include "vcpu.h"
#include "vm.h"
#include "vmcs.h"
#include "vmx_insn.h"

typedef int (*khv_exit_handler)(struct khv_vcpu *vcpu);

unsigned long khv_gpr_read(struct khv_vcpu *vcpu, unsigned int reg)
{
	if (reg == KHV_RSP)
		return khv_vmread(GUEST_RSP);
	return vcpu->gprs[reg];
}

void khv_gpr_write(struct khv_vcpu *vcpu, unsigned int reg, unsigned long v)
{
	if (reg == KHV_RSP)
		khv_vmwrite(GUEST_RSP, v);
	else
		vcpu->gprs[reg] = v;
}

/* Completes the instruction that exited; ends STI/MOV SS blocking. */
void khv_skip_instruction(struct khv_vcpu *vcpu)
{
	unsigned long rip = khv_vmread(GUEST_RIP) +
			    khv_vmread(VM_EXIT_INSTRUCTION_LEN);
	u32 blocking = khv_vmread(GUEST_INTERRUPTIBILITY_INFO);

	if (!khv_cs_64bit(vcpu))
		rip &= U32_MAX;
	khv_vmwrite(GUEST_RIP, rip);
	if (blocking & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		khv_vmwrite(GUEST_INTERRUPTIBILITY_INFO,
			    blocking & ~(GUEST_INTR_STATE_STI |
					 GUEST_INTR_STATE_MOV_SS));
}

/*
 * A hardware exception for the next VM entry. Real-mode guests get no error
 * code: VM entry refuses one when CR0.PE = 0 (SDM 26.2.1.3).
 */
void khv_queue_exception(struct khv_vcpu *vcpu, u8 vector, bool has_error,
			 u32 error_code)
{
	u32 info = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK;

	if (has_error && (khv_read_cr0(vcpu) & X86_CR0_PE))
		info |= INTR_INFO_DELIVER_CODE_MASK;
	vcpu->event = (struct khv_event){
		.pending = true,
		.info = info,
		.error_code = error_code,
	};
}

/*
 * KVM_EXIT_INTERNAL_ERROR. UNEXPECTED_EXIT_REASON carries, as KVM, the exit
 * reason and the CPU, then the exit qualification; EMULATION (an access khv
 * cannot complete) carries flags (0, no instruction bytes), exit reason,
 * qualification and guest-physical address.
 */
int khv_internal_error(struct khv_vcpu *vcpu, u32 suberror)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	if (suberror == KVM_INTERNAL_ERROR_EMULATION) {
		run->internal.ndata = 4;
		run->internal.data[0] = 0;
		run->internal.data[1] = vcpu->exit_reason;
		run->internal.data[2] = vcpu->exit_qual;
		run->internal.data[3] = khv_vmread(GUEST_PHYSICAL_ADDRESS);
	} else {
		run->internal.ndata = 3;
		run->internal.data[0] = vcpu->exit_reason;
		run->internal.data[1] = vcpu->last_cpu;
		run->internal.data[2] = vcpu->exit_qual;
	}
	return 0;
}

static int khv_exit_unexpected(struct khv_vcpu *vcpu)
{
	return khv_internal_error(vcpu, KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON);
}

static int khv_exit_resume(struct khv_vcpu *vcpu)
{
	return 1;
}

/* Host NMIs were handed over right after the exit (run.c). */
static int khv_exit_exception_nmi(struct khv_vcpu *vcpu)
{
	u32 info = vcpu->exit_intr_info;

	if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
		return 1;
	/* A machine check in the guest belongs to the host's handler. */
	if ((info & INTR_INFO_VECTOR_MASK) == MC_VECTOR) {
		asm volatile("int $0x12");
		return 1;
	}
	return khv_exit_unexpected(vcpu);
}

static int khv_exit_triple_fault(struct khv_vcpu *vcpu)
{
	vcpu->run->exit_reason = KVM_EXIT_SHUTDOWN;
	return 0;
}

static int khv_exit_cpuid(struct khv_vcpu *vcpu)
{
	u32 eax = vcpu->gprs[KHV_RAX], ebx, ecx = vcpu->gprs[KHV_RCX], edx;

	khv_vcpu_cpuid(vcpu, &eax, &ebx, &ecx, &edx);
	vcpu->gprs[KHV_RAX] = eax;
	vcpu->gprs[KHV_RBX] = ebx;
	vcpu->gprs[KHV_RCX] = ecx;
	vcpu->gprs[KHV_RDX] = edx;
	khv_skip_instruction(vcpu);
	return 1;
}

/* Without an in-kernel APIC, a halted vCPU is the VMM's business. */
static int khv_exit_hlt(struct khv_vcpu *vcpu)
{
	khv_skip_instruction(vcpu);
	if (vcpu->irq)
		return khv_irq_halt(vcpu);
	vcpu->run->exit_reason = KVM_EXIT_HLT;
	return 0;
}

/* INVD: the guest's memory is ordinary write-back memory; nothing to drop. */
static int khv_exit_skip(struct khv_vcpu *vcpu)
{
	khv_skip_instruction(vcpu);
	return 1;
}

/* Only where the CPU cannot turn INVLPG exiting off. */
static int khv_exit_invlpg(struct khv_vcpu *vcpu)
{
	vcpu->tlb_flush = true;
	khv_skip_instruction(vcpu);
	return 1;
}

/* VMX instructions, MONITOR/MWAIT: CPUID offers neither, so #UD. */
static int khv_exit_ud(struct khv_vcpu *vcpu)
{
	khv_queue_exception(vcpu, UD_VECTOR, false, 0);
	return 1;
}

/*
 * VMCALL with KVM's hypercall convention (Documentation/virt/kvm/x86/
 * hypercalls.rst): number in RAX, result in RAX. khv implements none of
 * KVM's hypercalls (its CPUID does not announce KVM's paravirt features),
 * so every number answers -KVM_ENOSYS, as KVM does for one it does not
 * know, and a caller above CPL 0 -KVM_EPERM. Outside 64-bit mode the
 * result is 32 bits wide.
 */
static int khv_exit_vmcall(struct khv_vcpu *vcpu)
{
	unsigned int cpl = (khv_vmread(GUEST_SS_AR_BYTES) >> 5) & 3;
	unsigned long ret = cpl ? -KVM_EPERM : -KVM_ENOSYS;

	if (!khv_cs_64bit(vcpu))
		ret = (u32)ret;
	vcpu->gprs[KHV_RAX] = ret;
	khv_skip_instruction(vcpu);
	return 1;
}

/*
 * MOV DR: the debug registers are the host's, so the guest's live here and
 * never reach the hardware (guest breakpoints do not fire yet). CPL and
 * DR7.GD checks precede the exit (SDM 25.1.1).
 */
static int khv_exit_dr(struct khv_vcpu *vcpu)
{
	unsigned long q = vcpu->exit_qual;
	unsigned int dr = q & 7, reg = (q >> 8) & 0xf;
	bool from_dr = q & BIT(4);
	unsigned long val;

	if (dr == 4 || dr == 5) {
		if (khv_read_cr4(vcpu) & X86_CR4_DE)
			return khv_exit_ud(vcpu);
		dr += 2;	/* DR4/DR5 alias DR6/DR7 */
	}
	if (from_dr) {
		if (dr < 4)
			val = vcpu->dr[dr];
		else
			val = dr == 6 ? vcpu->dr6 : vcpu->dr7;
		khv_gpr_write(vcpu, reg, val);
	} else {
		val = khv_gpr_read(vcpu, reg);
		if (!khv_cs_64bit(vcpu))
			val &= U32_MAX;
		if (dr >= 6 && (val >> 32)) {
			khv_queue_exception(vcpu, GP_VECTOR, true, 0);
			return 1;
		}
		if (dr < 4)
			vcpu->dr[dr] = val;
		else if (dr == 6)
			vcpu->dr6 = val | DR6_RESERVED;
		else
			vcpu->dr7 = val | KHV_DR7_FIXED_1;
	}
	khv_skip_instruction(vcpu);
	return 1;
}

static int khv_exit_ept_violation(struct khv_vcpu *vcpu)
{
	u64 gpa = khv_vmread(GUEST_PHYSICAL_ADDRESS);
	int r = khv_vm_ept_fault(vcpu->vm, gpa, vcpu->exit_qual);

	trace_khv_ept_fault(vcpu, gpa, r);
	switch (r) {
	case 0:
		khv_stats_inc(&vcpu->stats.pf_fixed);
		return 1;
	case -ENOENT:
		return khv_mmio_exit(vcpu, gpa, vcpu->exit_qual);
	case -EINTR:
		vcpu->run->exit_reason = KVM_EXIT_INTR;
		return -EINTR;
	default:
		return r;
	}
}

/* A bug in the EPT code, not the guest's doing: report with the GPA. */
static int khv_exit_ept_misconfig(struct khv_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	khv_exit_unexpected(vcpu);
	run->internal.ndata = 4;
	run->internal.data[3] = khv_vmread(GUEST_PHYSICAL_ADDRESS);
	return 0;
}

static const khv_exit_handler khv_exit_handlers[] = {
	[EXIT_REASON_EXCEPTION_NMI]		= khv_exit_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT]	= khv_exit_resume,
	[EXIT_REASON_TRIPLE_FAULT]		= khv_exit_triple_fault,
	[EXIT_REASON_INTERRUPT_WINDOW]		= khv_events_exit_window,
	[EXIT_REASON_NMI_WINDOW]		= khv_events_exit_window,
	[EXIT_REASON_CPUID]			= khv_exit_cpuid,
	[EXIT_REASON_HLT]			= khv_exit_hlt,
	[EXIT_REASON_INVD]			= khv_exit_skip,
	[EXIT_REASON_INVLPG]			= khv_exit_invlpg,
	[EXIT_REASON_VMCALL]			= khv_exit_vmcall,
	[EXIT_REASON_VMCLEAR]			= khv_exit_ud,
	[EXIT_REASON_VMLAUNCH]			= khv_exit_ud,
	[EXIT_REASON_VMPTRLD]			= khv_exit_ud,
	[EXIT_REASON_VMPTRST]			= khv_exit_ud,
	[EXIT_REASON_VMREAD]			= khv_exit_ud,
	[EXIT_REASON_VMRESUME]			= khv_exit_ud,
	[EXIT_REASON_VMWRITE]			= khv_exit_ud,
	[EXIT_REASON_VMOFF]			= khv_exit_ud,
	[EXIT_REASON_VMON]			= khv_exit_ud,
	[EXIT_REASON_CR_ACCESS]			= khv_handle_cr_access,
	[EXIT_REASON_DR_ACCESS]			= khv_exit_dr,
	[EXIT_REASON_IO_INSTRUCTION]		= khv_handle_io,
	[EXIT_REASON_MSR_READ]			= khv_handle_rdmsr,
	[EXIT_REASON_MSR_WRITE]			= khv_handle_wrmsr,
	[EXIT_REASON_MWAIT_INSTRUCTION]		= khv_exit_ud,
	[EXIT_REASON_MONITOR_INSTRUCTION]	= khv_exit_ud,
	[EXIT_REASON_EPT_VIOLATION]		= khv_exit_ept_violation,
	[EXIT_REASON_EPT_MISCONFIG]		= khv_exit_ept_misconfig,
	[EXIT_REASON_INVEPT]			= khv_exit_ud,
	[EXIT_REASON_PREEMPTION_TIMER]		= khv_exit_resume,
	[EXIT_REASON_INVVPID]			= khv_exit_ud,
	[EXIT_REASON_XSETBV]			= khv_fpu_handle_xsetbv,
	[EXIT_REASON_VMFUNC]			= khv_exit_ud,
};

int khv_handle_exit(struct khv_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	u32 reason = vcpu->exit_reason;
	u16 basic = reason;

	khv_stats_exit(&vcpu->stats, reason);
	trace_khv_exit(vcpu);
	/* VMfail: the entry never started; the qualification holds the error. */
	if (reason == KHV_EXIT_VMFAIL) {
		run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_entry_failure_reason = vcpu->exit_qual;
		run->fail_entry.cpu = vcpu->last_cpu;
		return 0;
	}
	/* Guest-state checks failed (SDM 26.7): exit reason with bit 31. */
	if (reason & VMX_EXIT_REASONS_FAILED_VMENTRY) {
		run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_entry_failure_reason = reason;
		run->fail_entry.cpu = vcpu->last_cpu;
		return 0;
	}
	if (basic < ARRAY_SIZE(khv_exit_handlers) && khv_exit_handlers[basic])
		return khv_exit_handlers[basic](vcpu);
	return khv_exit_unexpected(vcpu);
}
