/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Assembler macros for the test guests. Each guest is a position-dependent
 * blob that the test copies to GUEST_CODE_GPA (vm_load_code):
 *
 *	GUEST64(name)
 *		...
 *	GUEST_END(name)
 *
 * defines guest_name and guest_name_end in .rodata; the C side reaches them
 * with GUEST_CODE(name) (vm.h). Jumps inside a guest are relative; an
 * absolute address of a label (far jumps, LGDT operands) is GPA(name, label).
 * Guests use no stack unless they say so, so several vCPUs can share one.
 */
#ifndef _KHV_SELFTEST_GUEST_H
#define _KHV_SELFTEST_GUEST_H

#include "guest_abi.h"

#define __GUEST(name, bits)			\
	.pushsection .rodata.guest, "a";	\
	.code##bits;				\
	.globl guest_##name;			\
guest_##name:

#define GUEST16(name)	__GUEST(name, 16)
#define GUEST32(name)	__GUEST(name, 32)
#define GUEST64(name)	__GUEST(name, 64)

#define GUEST_END(name)				\
	.globl guest_##name##_end;		\
guest_##name##_end:;				\
	.code64;				\
	.popsection

/* Guest physical address of a label of guest @name. */
#define GPA(name, label)	(GUEST_CODE_GPA + ((label) - guest_##name))

/* Report @code to the test (clobbers EAX and EDX; see guest_abi.h). */
#define REPORT(code)				\
	mov $(code), %eax;			\
	mov $REPORT_PORT, %dx;			\
	out %eax, %dx

#endif /* _KHV_SELFTEST_GUEST_H */
