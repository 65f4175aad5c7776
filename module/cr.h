/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest control registers and EFER: which CR0/CR4 bits the guest owns, what
 * the hardware gets instead of the guest's value, and the emulation of the
 * writes that exit (docs/vcpu.md, "Control registers").
 */
#ifndef _KHV_CR_H
#define _KHV_CR_H

#include <linux/types.h>

struct khv_vcpu;
struct khv_vmcs_config;

void khv_cr_config(struct khv_vmcs_config *c);

/* What the guest sees (read shadows merged with the live VMCS values). */
u64 khv_read_cr0(struct khv_vcpu *vcpu);
u64 khv_read_cr4(struct khv_vcpu *vcpu);
u64 khv_read_efer(struct khv_vcpu *vcpu);
bool khv_long_mode_active(struct khv_vcpu *vcpu);
bool khv_cs_64bit(struct khv_vcpu *vcpu);

/* Unchecked writes of the guest view; the hardware value follows. */
void khv_write_cr0(struct khv_vcpu *vcpu, u64 cr0);
void khv_write_cr4(struct khv_vcpu *vcpu, u64 cr4);
void khv_write_efer(struct khv_vcpu *vcpu, u64 efer);

/* Architectural validity of a value on its own (reserved bits, pairs). */
bool khv_cr0_valid(u64 cr0);
bool khv_cr4_valid(u64 cr4);
bool khv_efer_valid(u64 efer);

/* Reads the four PAE PDPTEs at @cr3 into the VMCS (SDM 26.3.2.4). */
int khv_load_pdptrs(struct khv_vcpu *vcpu, u64 cr3);
bool khv_pae_paging(u64 cr0, u64 cr4, u64 efer);

/* Exit handler for MOV CR, CLTS and LMSW (exit reason 28). */
int khv_handle_cr_access(struct khv_vcpu *vcpu);

#endif /* _KHV_CR_H */
