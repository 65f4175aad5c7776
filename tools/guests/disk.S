/* SPDX-License-Identifier: GPL-2.0 */
/*
 * disk: drives khvctl's disk (run --disk) from vCPU 0; other vCPUs halt.
 * The line "disk: N sectors[, read-only][, copy-on-write]" comes first,
 * then what RCX (--reg rcx=M) selects:
 *
 *   0  reads sector 0 and 1 and prints them as text, writes "marker from
 *      vm V" (V = RBX, the VM index) to sector 1, prints the write's
 *      status, reads sector 1 back and prints it, flushes:
 *        "disk: sector 0: TEXT", "disk: sector 1 before: TEXT",
 *        "disk: write sector 1: status S", "disk: sector 1 after: TEXT",
 *        "disk: flush: status S"
 *      S is 0 on success, 4 on a read-only disk (then "after" is "before")
 *   1  writes "record N" to sector N for N = 2, 3, ... up to the end of
 *      the disk, printing "disk: ack N" after each write completed, then
 *      "disk: stream done"
 *   2  reads sectors 2, 3, ... while each holds "record N" and prints
 *      "disk: records intact up to sector M" (M = 1: none)
 *   3  checks the error statuses (needs 2 sectors or more, 16 MiB of
 *      memory): past the end, COUNT 0 and 257, LBA_HI set -> 2 (range);
 *      a buffer outside memory -> 3; command 9 -> 1; a byte access reads
 *      0xff; COUNT reads back. Prints "disk: 9 error checks passed";
 *      failed check N (10..18): "FAILED: check N", status 2N+1
 *
 * Then HLT with interrupts off (status 0). No disk: "disk: no disk",
 * status 3; a read or write that fails in modes 1 and 2: status 5.
 *   khvctl run --mode long --disk img,ro disk.bin
 */
#include "guest.h"

	.code64
	.section .text.entry, "ax"
	.globl _start
_start:
	test %rdi, %rdi
	jnz halt
	cld
	sti				/* let the host's interrupts in */
	mov %rbx, %r12			/* VM index */
	mov %rcx, %r13			/* mode */
	call console_lock		/* sets up the UART; vCPU 0 only */

	mov $DISK_ID, %dx
	in %dx, %eax
	cmp $DISK_MAGIC, %eax
	je 1f
	lea msg_nodisk(%rip), %rsi
	call puts
	call console_unlock		/* fail takes the lock itself */
	mov $1, %eax
	jmp fail

1:	mov $DISK_CAP_HI, %dx
	in %dx, %eax
	mov %rax, %r14
	shl $32, %r14
	mov $DISK_CAP_LO, %dx
	in %dx, %eax
	or %rax, %r14			/* capacity in sectors */
	lea msg_disk(%rip), %rsi
	call puts
	mov %r14, %rax
	call putdec
	lea msg_sectors(%rip), %rsi
	call puts
	mov $DISK_FLAGS, %dx
	in %dx, %eax
	mov %eax, %ebx
	test $DISK_F_RO, %ebx
	jz 2f
	lea msg_ro(%rip), %rsi
	call puts
2:	test $DISK_F_COW, %ebx
	jz 3f
	lea msg_cow(%rip), %rsi
	call puts
3:	mov $'\n', %al
	call putc

	cmp $1, %r13
	je stream
	cmp $2, %r13
	je verify
	cmp $3, %r13
	je errors

/* Mode 0: show sectors 0 and 1, write a marker to 1, show it again. */
	xor %r8d, %r8d
	lea msg_s0(%rip), %rsi
	call show_sector
	mov $1, %r8d
	lea msg_s1_before(%rip), %rsi
	call show_sector

	lea wbuf(%rip), %rdi
	call clear_wbuf
	lea msg_marker(%rip), %rsi
	call strput
	mov %r12, %rax
	call decput
	mov $1, %r8d
	mov $1, %r9d
	lea wbuf(%rip), %r10
	mov $DISK_WRITE, %eax
	call disk_io
	lea msg_write1(%rip), %rsi
	call puts
	call putdec
	mov $'\n', %al
	call putc

	mov $1, %r8d
	lea msg_s1_after(%rip), %rsi
	call show_sector
	mov $DISK_FLUSH, %eax
	call disk_io
	lea msg_flush(%rip), %rsi
	call puts
	call putdec
	mov $'\n', %al
	call putc
	jmp done

/* Mode 1: "record N" to sector N, N = 2.., each acknowledged on COM1. */
stream:
	mov $2, %r15
1:	cmp %r14, %r15
	jae 2f
	call make_record
	mov %r15, %r8
	mov $1, %r9d
	lea wbuf(%rip), %r10
	mov $DISK_WRITE, %eax
	call disk_io
	test %eax, %eax
	jnz io_failed
	lea msg_ack(%rip), %rsi
	call puts
	mov %r15, %rax
	call putdec
	mov $'\n', %al
	call putc
	inc %r15
	jmp 1b
2:	lea msg_stream_done(%rip), %rsi
	call puts
	jmp done

/* Mode 2: how far the records of mode 1 are intact. */
verify:
	mov $2, %r15
1:	cmp %r14, %r15
	jae 2f
	call make_record
	mov %r15, %r8
	mov $1, %r9d
	lea rbuf(%rip), %r10
	mov $DISK_READ, %eax
	call disk_io
	test %eax, %eax
	jnz io_failed
	lea wbuf(%rip), %rsi
	lea rbuf(%rip), %rdi
	call strpre
	jne 2f
	inc %r15
	jmp 1b
2:	lea msg_intact(%rip), %rsi
	call puts
	lea -1(%r15), %rax
	call putdec
	mov $'\n', %al
	call putc
	jmp done

io_failed:
	lea msg_io(%rip), %rsi
	call puts
	call putdec
	lea msg_at(%rip), %rsi
	call puts
	mov %r15, %rax
	call putdec
	mov $'\n', %al
	call putc
	call console_unlock
	mov $2, %eax
	jmp fail

done:
	call console_unlock
halt:
	cli
	hlt
	jmp halt

/* Fail check n unless the command gives status want. */
.macro expect_status cmd, lba, count, addr, want, n
	mov $\lba, %r8
	mov $\count, %r9d
	mov $\addr, %r10d
	mov $\cmd, %eax
	call disk_io
	cmp $\want, %eax
	je .Lok\@
	mov $\n, %eax
	jmp check_failed
.Lok\@:
.endm

/* Mode 3: every error status the protocol defines. */
errors:
	lea -1(%r14), %r15		/* the last sector */
	mov %r14, %r8
	mov $1, %r9d
	lea rbuf(%rip), %r10
	mov $DISK_READ, %eax
	call disk_io
	cmp $DISK_ST_RANGE, %eax	/* 10: the first sector past the end */
	je 1f
	mov $10, %eax
	jmp check_failed
1:	mov %r15, %r8
	mov $2, %r9d
	mov $DISK_READ, %eax
	call disk_io
	cmp $DISK_ST_RANGE, %eax	/* 11: from the last sector, 2 long */
	je 2f
	mov $11, %eax
	jmp check_failed
2:	expect_status DISK_READ, 0, 0, 0x200000, DISK_ST_RANGE, 12
	expect_status DISK_READ, 0, 257, 0x200000, DISK_ST_RANGE, 13
	expect_status DISK_READ, 0x100000000, 1, 0x200000, DISK_ST_RANGE, 14
	expect_status DISK_READ, 0, 1, 0xfffff000, DISK_ST_ADDR, 15
	expect_status 9, 0, 1, 0x200000, DISK_ST_CMD, 16
	mov $DISK_ID, %dx		/* 17: only 32-bit accesses count */
	in %dx, %al
	cmp $0xff, %al
	je 3f
	mov $17, %eax
	jmp check_failed
3:	mov $DISK_COUNT, %dx		/* 18: registers read back */
	mov $5, %eax
	out %eax, %dx
	in %dx, %eax
	cmp $5, %eax
	je 4f
	mov $18, %eax
	jmp check_failed
4:	lea msg_errors(%rip), %rsi
	call puts
	jmp done

check_failed:
	push %rax
	call console_unlock		/* fail takes the lock itself */
	pop %rax
	jmp fail

/*
 * disk_io: command %eax on %r9 sectors at %r8, buffer %r10; the status in
 * %rax. Keeps the other registers.
 */
disk_io:
	push %rdx
	push %rax
	mov $DISK_LBA_LO, %dx
	mov %r8d, %eax
	out %eax, %dx
	mov $DISK_LBA_HI, %dx
	mov %r8, %rax
	shr $32, %rax
	out %eax, %dx
	mov $DISK_COUNT, %dx
	mov %r9d, %eax
	out %eax, %dx
	mov $DISK_ADDR, %dx
	mov %r10d, %eax
	out %eax, %dx
	pop %rax
	mov $DISK_CMD, %dx
	out %eax, %dx			/* the transfer is done when OUT returns */
	in %dx, %eax			/* its status */
	pop %rdx
	ret

/* show_sector: read sector %r8, print label %rsi and its text (64 bytes at most). */
show_sector:
	push %rsi
	mov $1, %r9d
	lea rbuf(%rip), %r10
	mov $DISK_READ, %eax
	call disk_io
	pop %rsi
	call puts
	test %eax, %eax
	jz 1f
	lea msg_status(%rip), %rsi
	call puts
	call putdec
	jmp 2f
1:	lea rbuf(%rip), %rsi
	mov $64, %ecx
	call puttext
2:	mov $'\n', %al
	call putc
	ret

/* clear_wbuf: zero the 512-byte write buffer at %rdi (kept). */
clear_wbuf:
	push %rax
	push %rcx
	push %rdi
	xor %eax, %eax
	mov $512, %ecx
	rep stosb
	pop %rdi
	pop %rcx
	pop %rax
	ret

/* make_record: "record N\n" for N = %r15 in wbuf, zero-padded. */
make_record:
	push %rax
	push %rsi
	push %rdi
	lea wbuf(%rip), %rdi
	call clear_wbuf
	lea msg_record(%rip), %rsi
	call strput
	mov %r15, %rax
	call decput
	movb $'\n', (%rdi)
	pop %rdi
	pop %rsi
	pop %rax
	ret

	.section .rodata
msg_nodisk:
	.asciz "disk: no disk\n"
msg_disk:
	.asciz "disk: "
msg_sectors:
	.asciz " sectors"
msg_ro:
	.asciz ", read-only"
msg_cow:
	.asciz ", copy-on-write"
msg_s0:
	.asciz "disk: sector 0: "
msg_s1_before:
	.asciz "disk: sector 1 before: "
msg_s1_after:
	.asciz "disk: sector 1 after: "
msg_status:
	.asciz "read failed, status "
msg_marker:
	.asciz "marker from vm "
msg_write1:
	.asciz "disk: write sector 1: status "
msg_flush:
	.asciz "disk: flush: status "
msg_record:
	.asciz "record "
msg_ack:
	.asciz "disk: ack "
msg_stream_done:
	.asciz "disk: stream done\n"
msg_intact:
	.asciz "disk: records intact up to sector "
msg_io:
	.asciz "disk: I/O status "
msg_at:
	.asciz " at sector "
msg_errors:
	.asciz "disk: 9 error checks passed\n"

	.bss
	.balign 512
rbuf:
	.skip 512
wbuf:
	.skip 512
