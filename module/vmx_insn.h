/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Thin wrappers around the VMX instructions that operate on a VMCS or on
 * cached translations. Each one reports VMfailInvalid/VMfailValid (SDM Vol.
 * 3C, 30.2 "Conventions": CF or ZF set) so no caller can ignore a failure.
 *
 * VMLAUNCH/VMRESUME live in entry.S; VMXON/VMXOFF belong to vmx.c.
 */
#ifndef _KHV_VMX_INSN_H
#define _KHV_VMX_INSN_H

#include <linux/bug.h>
#include <linux/types.h>
#include <asm/asm.h>
#include <asm/extable.h>
#include <asm/vmx.h>

/*
 * Success is "CF = 0 and ZF = 0" (SETA). A fault (#UD once the reboot
 * notifier has left VMX operation behind a running vCPU) skips the SETNA
 * through the exception table and leaves "fail" at 1, so it reads as a
 * failure instead of an oops.
 */
static __always_inline bool khv_vmptrld(u64 pa)
{
	u8 fail = 1;

	asm volatile("1: vmptrld %[pa]\n\t"
		     "setna %[fail]\n"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [fail] "+qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	return !fail;
}

static __always_inline bool khv_vmclear(u64 pa)
{
	u8 fail = 1;

	asm volatile("1: vmclear %[pa]\n\t"
		     "setna %[fail]\n"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [fail] "+qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	return !fail;
}

static __always_inline bool khv_vmread_checked(unsigned long field,
					       unsigned long *val)
{
	unsigned long v = 0;
	u8 fail = 1;

	asm volatile("1: vmread %[field], %[v]\n\t"
		     "setna %[fail]\n"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [v] "+r" (v), [fail] "+qm" (fail)
		     : [field] "r" (field) : "cc");
	*val = v;
	return !fail;
}

static __always_inline bool khv_vmwrite_checked(unsigned long field,
						unsigned long val)
{
	u8 fail = 1;

	asm volatile("1: vmwrite %[val], %[field]\n\t"
		     "setna %[fail]\n"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [fail] "+qm" (fail)
		     : [field] "r" (field), [val] "rm" (val) : "cc");
	return !fail;
}

/*
 * Field access on the current VMCS. A failure here means a bug in khv (an
 * unsupported field or no current VMCS): warn once and carry on, the next VM
 * entry fails cleanly with a VM-instruction error if the state is wrong.
 */
void khv_vmcs_access_failed(unsigned long field, bool write);

static __always_inline unsigned long khv_vmread(unsigned long field)
{
	unsigned long val;

	if (unlikely(!khv_vmread_checked(field, &val))) {
		khv_vmcs_access_failed(field, false);
		return 0;
	}
	return val;
}

static __always_inline void khv_vmwrite(unsigned long field, unsigned long val)
{
	if (unlikely(!khv_vmwrite_checked(field, val)))
		khv_vmcs_access_failed(field, true);
}

/* SDM 30.3 "INVVPID": the 128-bit descriptor holds the VPID and an address. */
static __always_inline bool khv_invvpid(unsigned long type, u16 vpid, u64 gva)
{
	struct {
		u64 vpid;
		u64 gva;
	} desc = { vpid, gva };
	u8 fail = 1;

	asm volatile("1: invvpid %[desc], %[type]\n\t"
		     "setna %[fail]\n"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [fail] "+qm" (fail)
		     : [desc] "m" (desc), [type] "r" (type) : "cc", "memory");
	return !fail;
}

#endif /* _KHV_VMX_INSN_H */
