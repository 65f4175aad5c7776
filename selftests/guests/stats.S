/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The statistics guest (khv_stats_test): R8 reports of REPORT_VALUE (one
 * I/O exit each), then R9 CPUIDs (one CPUID exit each), then DONE.
 */
#include "guest.inc"

GUEST64(stats_count)
1:	test %r8, %r8
	jz 2f
	REPORT(REPORT_VALUE)
	dec %r8
	jmp 1b
2:	test %r9, %r9
	jz 3f
	xor %eax, %eax
	xor %ecx, %ecx
	cpuid
	dec %r9
	jmp 2b
3:	REPORT(REPORT_DONE)
	hlt
GUEST_END(stats_count)

	.section .note.GNU-stack, "", @progbits
