// SPDX-License-Identifier: GPL-2.0
/*
 * Names of KVM capabilities and exit reasons, for messages.
 *
 * caps.inc is generated at build time from the system's <linux/kvm.h>
 * (see the Makefile), so "khvctl info" asks about every capability the
 * header knows, in numeric order, without a hand-kept list.
 */
#include "khvctl.h"

#define CAP(c) { c, #c },
const struct kvm_cap_name kvm_cap_names[] = {
#include "caps.inc"
};
#undef CAP

const size_t kvm_nr_cap_names = sizeof(kvm_cap_names) / sizeof(kvm_cap_names[0]);

#define EXIT(r) [KVM_EXIT_##r] = #r
static const char *const exit_names[] = {
	EXIT(UNKNOWN), EXIT(EXCEPTION), EXIT(IO), EXIT(HYPERCALL),
	EXIT(DEBUG), EXIT(HLT), EXIT(MMIO), EXIT(IRQ_WINDOW_OPEN),
	EXIT(SHUTDOWN), EXIT(FAIL_ENTRY), EXIT(INTR), EXIT(SET_TPR),
	EXIT(TPR_ACCESS), EXIT(S390_SIEIC), EXIT(S390_RESET), EXIT(DCR),
	EXIT(NMI), EXIT(INTERNAL_ERROR), EXIT(OSI), EXIT(PAPR_HCALL),
	EXIT(S390_UCONTROL), EXIT(WATCHDOG), EXIT(S390_TSCH), EXIT(EPR),
	EXIT(SYSTEM_EVENT), EXIT(S390_STSI), EXIT(IOAPIC_EOI), EXIT(HYPERV),
	EXIT(ARM_NISV), EXIT(X86_RDMSR), EXIT(X86_WRMSR),
	EXIT(DIRTY_RING_FULL), EXIT(AP_RESET_HOLD), EXIT(X86_BUS_LOCK),
	EXIT(XEN), EXIT(RISCV_SBI), EXIT(RISCV_CSR), EXIT(NOTIFY),
};
#undef EXIT

/* "HLT" for KVM_EXIT_HLT; "?" for a reason <linux/kvm.h> does not name. */
const char *kvm_exit_name(uint32_t reason)
{
	if (reason < sizeof(exit_names) / sizeof(exit_names[0]) &&
	    exit_names[reason])
		return exit_names[reason];
	return "?";
}
