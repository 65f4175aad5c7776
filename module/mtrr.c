// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's MTRRs (SDM Vol. 3A, 11.11): stored and checked, never applied.
 * With EPT the memory type of guest memory comes from the EPT entries khv
 * writes (write-back), so the guest's MTRRs change nothing; they exist because
 * CPUID offers MTRR (firmware and kernels program them, and QEMU saves and
 * restores them when CPUID has the bit). Pure logic, covered by the KUnit
 * suite mtrr_test.c.
 */
#include <asm/msr-index.h>

#include "mtrr.h"

#define KHV_MTRR_PHYSBASE0	0x200
#define KHV_MTRR_PHYSMASK_LAST	(KHV_MTRR_PHYSBASE0 + 2 * KHV_MTRR_NR_VAR - 1)

/* IA32_MTRR_DEF_TYPE: type in 7:0, FE (10), E (11); the rest reserved. */
#define KHV_MTRR_DEF_TYPE_BITS	(GENMASK_ULL(7, 0) | BIT_ULL(10) | BIT_ULL(11))
/* IA32_MTRR_PHYSMASKn: bit 11 is V(alid), 10:0 are reserved. */
#define KHV_MTRR_MASK_RSVD	GENMASK_ULL(10, 0)
/* IA32_MTRR_PHYSBASEn: 11:8 reserved. */
#define KHV_MTRR_BASE_RSVD	GENMASK_ULL(11, 8)

static const u32 khv_mtrr_fixed_msrs[KHV_MTRR_NR_FIXED] = {
	MSR_MTRRfix64K_00000, MSR_MTRRfix16K_80000, MSR_MTRRfix16K_A0000,
	MSR_MTRRfix4K_C0000, MSR_MTRRfix4K_C8000, MSR_MTRRfix4K_D0000,
	MSR_MTRRfix4K_D8000, MSR_MTRRfix4K_E0000, MSR_MTRRfix4K_E8000,
	MSR_MTRRfix4K_F0000, MSR_MTRRfix4K_F8000,
};

static int khv_mtrr_fixed_slot(u32 index)
{
	int i;

	for (i = 0; i < KHV_MTRR_NR_FIXED; i++)
		if (khv_mtrr_fixed_msrs[i] == index)
			return i;
	return -1;
}

bool khv_mtrr_msr(u32 index)
{
	return index == MSR_MTRRcap || index == MSR_MTRRdefType ||
	       (index >= KHV_MTRR_PHYSBASE0 && index <= KHV_MTRR_PHYSMASK_LAST) ||
	       khv_mtrr_fixed_slot(index) >= 0;
}

/* UC, WC, WT, WP, WB (Table 11-8); 2, 3 and 7 and up are reserved for MTRRs. */
static bool khv_mtrr_type_ok(u8 type)
{
	return type == 0 || type == 1 || type == 4 || type == 5 || type == 6;
}

/* Eight types, one per byte (each fixed-range MTRR covers eight ranges). */
static bool khv_mtrr_fixed_ok(u64 val)
{
	int i;

	for (i = 0; i < 8; i++)
		if (!khv_mtrr_type_ok(val >> (8 * i)))
			return false;
	return true;
}

static bool khv_mtrr_var_ok(u32 index, u64 val, u8 maxphyaddr)
{
	u64 rsvd = maxphyaddr < 64 ? GENMASK_ULL(63, maxphyaddr) : 0;

	if (index & 1)
		return !(val & (rsvd | KHV_MTRR_MASK_RSVD));
	return !(val & (rsvd | KHV_MTRR_BASE_RSVD)) && khv_mtrr_type_ok(val);
}

int khv_mtrr_get(const struct khv_mtrr *m, u32 index, u64 *val)
{
	int slot = khv_mtrr_fixed_slot(index);

	if (index == MSR_MTRRcap)
		*val = KHV_MTRRCAP;
	else if (index == MSR_MTRRdefType)
		*val = m->def_type;
	else if (slot >= 0)
		*val = m->fixed[slot];
	else if (index >= KHV_MTRR_PHYSBASE0 && index <= KHV_MTRR_PHYSMASK_LAST)
		*val = m->var[index - KHV_MTRR_PHYSBASE0];
	else
		return 1;
	return 0;
}

int khv_mtrr_set(struct khv_mtrr *m, u32 index, u64 val, u8 maxphyaddr)
{
	int slot = khv_mtrr_fixed_slot(index);

	if (index == MSR_MTRRdefType) {
		if ((val & ~KHV_MTRR_DEF_TYPE_BITS) || !khv_mtrr_type_ok(val))
			return 1;
		m->def_type = val;
	} else if (slot >= 0) {
		if (!khv_mtrr_fixed_ok(val))
			return 1;
		m->fixed[slot] = val;
	} else if (index >= KHV_MTRR_PHYSBASE0 &&
		   index <= KHV_MTRR_PHYSMASK_LAST) {
		if (!khv_mtrr_var_ok(index, val, maxphyaddr))
			return 1;
		m->var[index - KHV_MTRR_PHYSBASE0] = val;
	} else {
		/* MTRRCAP is read-only; anything else is not an MTRR. */
		return 1;
	}
	return 0;
}
