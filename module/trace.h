/* SPDX-License-Identifier: GPL-2.0 */
/*
 * khv's trace points (docs/testvm.md, "Debugging in the VM"): what a vCPU did, for ftrace and
 * perf. Each reads what it shows in TP_fast_assign, so a disabled trace
 * point costs one patched jump and no VMREAD. The task's pid in every
 * trace line tells the VMs apart; the vCPU id tells its vCPUs apart.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM khv

#if !defined(_KHV_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _KHV_TRACE_H

#include <linux/tracepoint.h>
#include <asm/vmx.h>

#include "vcpu.h"
#include "vmx_insn.h"

/* A VM exit, before its handler runs (exit.c). */
TRACE_EVENT(khv_exit,
	TP_PROTO(struct khv_vcpu *vcpu),
	TP_ARGS(vcpu),
	TP_STRUCT__entry(
		__field(u32, vcpu)
		__field(u32, reason)
		__field(u64, qual)
		__field(u64, rip)
	),
	TP_fast_assign(
		__entry->vcpu = vcpu->id;
		__entry->reason = vcpu->exit_reason;
		__entry->qual = vcpu->exit_qual;
		__entry->rip = khv_vmread(GUEST_RIP);
	),
	TP_printk("vcpu %u reason %s (%#x) qual %#llx rip %#llx",
		  __entry->vcpu,
		  __print_symbolic(__entry->reason & 0xffff, VMX_EXIT_REASONS),
		  __entry->reason, __entry->qual, __entry->rip)
);

/* An event written to the VM-entry interruption field (run.c). */
TRACE_EVENT(khv_inject,
	TP_PROTO(struct khv_vcpu *vcpu, u32 info, u32 error_code),
	TP_ARGS(vcpu, info, error_code),
	TP_STRUCT__entry(
		__field(u32, vcpu)
		__field(u32, info)
		__field(u32, error_code)
	),
	TP_fast_assign(
		__entry->vcpu = vcpu->id;
		__entry->info = info;
		__entry->error_code = error_code;
	),
	TP_printk("vcpu %u vector %u type %u error %#x%s",
		  __entry->vcpu, __entry->info & INTR_INFO_VECTOR_MASK,
		  (__entry->info & INTR_INFO_INTR_TYPE_MASK) >> 8,
		  __entry->error_code,
		  __entry->info & INTR_INFO_DELIVER_CODE_MASK ? "" : " (none)")
);

/* An EPT violation and what became of it: 0 mapped, -ENOENT MMIO (exit.c). */
TRACE_EVENT(khv_ept_fault,
	TP_PROTO(struct khv_vcpu *vcpu, u64 gpa, int result),
	TP_ARGS(vcpu, gpa, result),
	TP_STRUCT__entry(
		__field(u32, vcpu)
		__field(u64, gpa)
		__field(u64, qual)
		__field(int, result)
	),
	TP_fast_assign(
		__entry->vcpu = vcpu->id;
		__entry->gpa = gpa;
		__entry->qual = vcpu->exit_qual;
		__entry->result = result;
	),
	TP_printk("vcpu %u gpa %#llx qual %#llx result %d",
		  __entry->vcpu, __entry->gpa, __entry->qual, __entry->result)
);

/* The end of a KVM_RUN: its return value and kvm_run's exit reason (run.c). */
TRACE_EVENT(khv_run_end,
	TP_PROTO(struct khv_vcpu *vcpu, long ret),
	TP_ARGS(vcpu, ret),
	TP_STRUCT__entry(
		__field(u32, vcpu)
		__field(u32, exit_reason)
		__field(long, ret)
	),
	TP_fast_assign(
		__entry->vcpu = vcpu->id;
		__entry->exit_reason = vcpu->run->exit_reason;
		__entry->ret = ret;
	),
	TP_printk("vcpu %u ret %ld exit_reason %u",
		  __entry->vcpu, __entry->ret, __entry->exit_reason)
);

#endif /* _KHV_TRACE_H */

/* For <trace/define_trace.h>: this header sits beside the module's code. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
