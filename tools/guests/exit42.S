/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exit42: a boot sector that writes 42 to the debug-exit port.
 *   khvctl run exit42.bin   ->  exit status 85 ((42 << 1) | 1)
 * If the port did not end the run, the guest halts: status 0, a failure.
 */
#include "guest.h"

	.code16
	.section .text.entry, "ax"
	.globl _start
_start:
	mov $42, %al
	out %al, $DEBUG_EXIT
1:	cli
	hlt
	jmp 1b

	.org 510
	.word 0xaa55
