/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nicerr: the NIC's error results, on a VM whose link is down (one VM with
 * --net local), from vCPU 0; other vCPUs halt.
 *   khvctl run --mode long --net local nicerr.bin
 *     ->  "nicerr: link down", "nicerr: 9 checks passed"
 * Failed check N: "FAILED: check N", status 2N+1.
 *
 * 20  ID reads "KHVN"             25  command 9: result 1
 * 21  TX_LEN 0: result 2          26  RX_LEN is 0, STATUS has no frame
 * 22  TX_LEN 2049: result 2       27  a byte access reads 0xff
 * 23  buffer outside memory: 3    28  a good frame with the link down: 5
 * 24  receive, nothing waiting: 4
 */
#include "guest.h"

#define BUF	0x200000

/* Fail check n unless command cmd with ADDR addr, TX_LEN len gives want. */
.macro expect_result cmd, addr, len, want, n
	mov $\addr, %eax
	mov $NIC_ADDR, %dx
	out %eax, %dx
	mov $\len, %eax
	mov $NIC_TX_LEN, %dx
	out %eax, %dx
	mov $\cmd, %eax
	mov $NIC_CMD, %dx
	out %eax, %dx
	in %dx, %eax
	cmp $\want, %eax
	je .Lok\@
	mov $\n, %eax
	jmp fail
.Lok\@:
.endm

	.code64
	.section .text.entry, "ax"
	.globl _start
_start:
	test %rdi, %rdi
	jnz halt
	sti
	mov $NIC_ID, %dx
	in %dx, %eax
	cmp $NIC_MAGIC, %eax
	je 1f
	mov $20, %eax
	jmp fail
1:	expect_result NIC_SEND, BUF, 0, 2, 21
	expect_result NIC_SEND, BUF, NIC_MAX_FRAME + 1, 2, 22
	expect_result NIC_SEND, 0xfffff000, 16, 3, 23
	expect_result NIC_RECV, BUF, 16, 4, 24
	expect_result 9, BUF, 16, 1, 25
	mov $NIC_RX_LEN, %dx
	in %dx, %eax
	test %eax, %eax
	jnz 2f
	mov $NIC_STATUS, %dx
	in %dx, %eax
	mov %eax, %ebx
	test $NIC_S_RX, %eax
	jz 3f
2:	mov $26, %eax
	jmp fail
3:	mov $NIC_ID, %dx
	in %dx, %al
	cmp $0xff, %al
	je 4f
	mov $27, %eax
	jmp fail
4:	expect_result NIC_SEND, BUF, 16, 5, 28

	call console_lock
	lea msg_link(%rip), %rsi
	call puts
	lea msg_up(%rip), %rsi
	test $NIC_S_LINK, %ebx
	jnz 5f
	lea msg_down(%rip), %rsi
5:	call puts
	lea msg_passed(%rip), %rsi
	call puts
	call console_unlock
halt:
	cli
	hlt
	jmp halt

	.section .rodata
msg_link:
	.asciz "nicerr: link "
msg_up:
	.asciz "up\n"
msg_down:
	.asciz "down\n"
msg_passed:
	.asciz "nicerr: 9 checks passed\n"
