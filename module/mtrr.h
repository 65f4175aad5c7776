/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's memory-type range registers (mtrr.c, pure logic): storage and
 * the checks of SDM Vol. 3A, 11.11 "Memory Type Range Registers".
 */
#ifndef _KHV_MTRR_H
#define _KHV_MTRR_H

#include <linux/bits.h>
#include <linux/types.h>

/* Eight variable ranges, the fixed ranges and write combining (IA32_MTRRCAP). */
#define KHV_MTRR_NR_VAR		8
#define KHV_MTRR_NR_FIXED	11
#define KHV_MTRRCAP		(KHV_MTRR_NR_VAR | BIT(8) | BIT(10))

struct khv_mtrr {
	u64 def_type;
	u64 fixed[KHV_MTRR_NR_FIXED];
	u64 var[2 * KHV_MTRR_NR_VAR];	/* PHYSBASE0, PHYSMASK0, ... */
};

/* Is @index an MTRR MSR (MTRRCAP, DEF_TYPE, fixed, variable)? */
bool khv_mtrr_msr(u32 index);

/* 0, or 1 for #GP (read-only MTRRCAP, reserved bits, bad memory types). */
int khv_mtrr_get(const struct khv_mtrr *m, u32 index, u64 *val);
int khv_mtrr_set(struct khv_mtrr *m, u32 index, u64 val, u8 maxphyaddr);

#endif /* _KHV_MTRR_H */
