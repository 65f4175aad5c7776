/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MMIO: guest accesses outside every memslot go to userspace as
 * KVM_EXIT_MMIO and are completed by the next KVM_RUN (docs/mmio.md).
 */
#ifndef _KHV_MMIO_H
#define _KHV_MMIO_H

#include <linux/types.h>

#include "mmio_decode.h"

struct khv_vcpu;

/* An MMIO exit handed to userspace, completed by the next KVM_RUN. */
struct khv_mmio {
	bool pending;
	bool is_write;			/* of the exit userspace is serving */
	u8 nbytes;			/* instruction bytes fetched */
	u8 bytes[KHV_INSN_MAX_LEN];	/* for an emulation-failure report */
	u64 gpa;			/* of the exit */
	u64 rip;			/* the instruction, to notice SET_REGS */
	struct khv_insn insn;
};

/*
 * EPT violation at @gpa, which is in no memslot (@exit_qual as the CPU gave
 * it): decodes the instruction at CS:RIP and fills kvm_run with
 * KVM_EXIT_MMIO, or KVM_EXIT_INTERNAL_ERROR when it cannot. Returns as an
 * exit handler: 0 to go to userspace, 1 to re-enter (a #PF was queued).
 */
int khv_mmio_exit(struct khv_vcpu *vcpu, u64 gpa, unsigned long exit_qual);

/*
 * At the next KVM_RUN: puts a read's data where the instruction wanted it
 * and moves RIP past it. Returns > 0 to enter the guest, 0 when the
 * instruction needs another exit (MOVS from MMIO to MMIO) or failed.
 */
int khv_mmio_complete(struct khv_vcpu *vcpu);

#endif /* _KHV_MMIO_H */
