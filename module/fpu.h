/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's x87/SSE/AVX state and XCR0 (fpu.c): what khv offers, the
 * switch of XCR0 around VM entry, XSETBV and the CPUID bits that follow.
 */
#ifndef _KHV_FPU_H
#define _KHV_FPU_H

#include <linux/types.h>

struct khv_vcpu;

/* At module load, before the CR4 bits and the CPUID table are chosen. */
void khv_fpu_config(void);

/* The XCR0 bits a guest may set (x87, SSE, AVX of the host's); 0: no XSAVE. */
u64 khv_fpu_xcr0_supported(void);

/*
 * Interrupts off, guest FPU state already in the registers: the guest's
 * XCR0 goes in before VM entry and the host's comes back right after the
 * exit (run.c).
 */
void khv_fpu_load_guest_xcr0(struct khv_vcpu *vcpu);
void khv_fpu_load_host_xcr0(struct khv_vcpu *vcpu);

/* Exit handler for XSETBV (exit reason 55). */
int khv_fpu_handle_xsetbv(struct khv_vcpu *vcpu);

/* One host CPUID leaf, already filtered, as the table offers it (cpuid.c). */
void khv_fpu_cpuid_fixup(u32 leaf, u32 subleaf, u32 *eax, u32 *ebx,
			 u32 *ecx, u32 *edx);
/* The bits that follow the vCPU's state: OSXSAVE, the XSAVE area size. */
void khv_fpu_cpuid_runtime(struct khv_vcpu *vcpu, u32 leaf, u32 subleaf,
			   u32 *eax, u32 *ebx, u32 *ecx, u32 *edx);

#endif /* _KHV_FPU_H */
