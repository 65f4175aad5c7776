/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mboot: a multiboot (version 1) kernel for "khvctl boot" that checks and
 * prints what the loader handed it, then resets through the keyboard
 * controller (exit status 0). docs/linux-guest.md.
 *
 *   khvctl boot --kernel mboot.bin --initrd FILE --append "TEXT"
 *     mboot: magic 0x2badb002, cs 0x8 ds 0x10, protected mode, paging off, interrupts off
 *     mboot: memory 639 KiB low, N KiB high
 *     mboot: cmdline "TEXT"
 *     mboot: loader "khvctl"
 *     mboot: mmap 4 entries, RAM N KiB
 *     mboot: module N bytes: LINE           (the first line of FILE)
 *     mboot: done
 * mboot.bin is flat, loaded by the addresses in its header (flags bit 16)
 * at 1 MiB; mboot-elf.bin is the same program as an ELF32 file linked at
 * 2 MiB and loaded by its program headers (built with -DMB_ELF). A failed
 * check N prints "FAILED: check N" and exits with (N << 1) | 1: 1 EAX is
 * not the boot magic, 2 the information structure lacks a field the
 * loader must give, 3 the module is not page aligned.
 */
#include "guest.h"

#define MB_MAGIC	0x1badb002
#define MB_BOOT_MAGIC	0x2badb002
#ifdef MB_ELF
#define MB_FLAGS	0x00000003	/* page-aligned modules, memory info */
#else
#define MB_FLAGS	0x00010003	/* and the load addresses below */
#endif
#define KBD_STATUS	0x64	/* khvctl boot's reset */
#define KBD_RESET	0xfe

	.code32
	.section .text.entry, "ax"
	.balign 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
#ifndef MB_ELF
	.long mb_header			/* header_addr */
	.long mb_header			/* load_addr: the file from its start */
	.long 0				/* load_end_addr: the whole file */
	.long 0				/* bss_end_addr: no BSS */
	.long _start			/* entry_addr */
#endif

	.globl _start
_start:				/* ELF: e_entry */
	mov $0x80000, %esp		/* the loader gives no stack: low RAM */
	mov %eax, %esi
	mov $1, %eax
	cmp $MB_BOOT_MAGIC, %esi
	jne fail32
	mov %ebx, %ebp			/* multiboot_info */
	mov $2, %eax
	mov (%ebp), %ecx		/* flags: mem, cmdline, mmap, loader */
	and $0x245, %ecx
	cmp $0x245, %ecx
	jne fail32

	mov $m_magic, %esi
	call puts
	mov $MB_BOOT_MAGIC, %eax
	call puthex
	mov $m_cs, %esi
	call puts
	mov %cs, %eax
	call puthex
	mov $m_ds, %esi
	call puts
	mov %ds, %eax
	call puthex
	mov %cr0, %eax
	mov $m_pe0, %esi
	test $1, %eax
	jz 1f
	mov $m_pe1, %esi
1:	call puts
	mov $m_pg0, %esi
	test $0x80000000, %eax
	jz 1f
	mov $m_pg1, %esi
1:	call puts
	pushf
	pop %eax
	mov $m_if0, %esi
	test $EFLAGS_IF, %eax
	jz 1f
	mov $m_if1, %esi
1:	call puts

	mov $m_mem, %esi
	call puts
	mov 4(%ebp), %eax
	call putdec
	mov $m_low, %esi
	call puts
	mov 8(%ebp), %eax
	call putdec
	mov $m_high, %esi
	call puts

	mov $m_cmdline, %esi
	call puts
	mov 16(%ebp), %esi
	call puts
	mov $m_quote_nl, %esi
	call puts
	mov $m_loader, %esi
	call puts
	mov 64(%ebp), %esi
	call puts
	mov $m_quote_nl, %esi
	call puts

	/* The memory map: entries of size + 4 bytes; RAM is type 1. */
	mov 48(%ebp), %ebx		/* mmap_addr */
	mov 44(%ebp), %ecx		/* mmap_length */
	add %ebx, %ecx
	xor %edx, %edx			/* entries */
	xor %edi, %edi			/* RAM in KiB */
1:	cmp %ecx, %ebx
	jae 2f
	inc %edx
	cmpl $1, 20(%ebx)
	jne 3f
	mov 12(%ebx), %eax		/* length, low half */
	shr $10, %eax
	add %eax, %edi
3:	add (%ebx), %ebx
	add $4, %ebx
	jmp 1b
2:	mov $m_mmap, %esi
	call puts
	mov %edx, %eax
	call putdec
	mov $m_ram, %esi
	call puts
	mov %edi, %eax
	call putdec
	mov $m_kib, %esi
	call puts

	testl $0x8, (%ebp)		/* modules */
	jz 1f
	cmpl $0, 20(%ebp)
	je 1f
	mov 24(%ebp), %ebx		/* the first module */
	mov $3, %eax
	testl $0xfff, (%ebx)
	jnz fail32
	mov $m_module, %esi
	call puts
	mov 4(%ebx), %eax
	sub (%ebx), %eax
	call putdec
	mov $m_bytes, %esi
	call puts
	mov (%ebx), %esi
	call putline
	mov $'\n', %al
	call putc

1:	mov $m_done, %esi
	call puts
	mov $KBD_RESET, %al
	out %al, $KBD_STATUS
2:	cli
	hlt
	jmp 2b

/* fail32: check %eax failed: say so, leave through the debug-exit port. */
fail32:
	mov %eax, %ebx
	mov $m_failed, %esi
	call puts
	mov %ebx, %eax
	call putdec
	mov $'\n', %al
	call putc
	mov %ebx, %eax
	out %al, $DEBUG_EXIT
	jmp 2b

/* putc: %al on COM1 once the transmitter is empty. Keeps all registers. */
putc:
	push %eax
	push %edx
	mov %al, %ah
	mov $COM1_LSR, %dx
1:	in %dx, %al
	test $LSR_THRE, %al
	jz 1b
	mov %ah, %al
	mov $COM1_THR, %dx
	out %al, %dx
	pop %edx
	pop %eax
	ret

/* puts: the NUL-terminated string at %esi. */
puts:
	push %eax
	push %esi
1:	lodsb
	test %al, %al
	jz 2f
	call putc
	jmp 1b
2:	pop %esi
	pop %eax
	ret

/* putline: the text at %esi up to a NUL or newline, at most 64 bytes. */
putline:
	push %eax
	push %ecx
	push %esi
	mov $64, %ecx
1:	lodsb
	test %al, %al
	jz 2f
	cmp $'\n', %al
	je 2f
	call putc
	loop 1b
2:	pop %esi
	pop %ecx
	pop %eax
	ret

/* putdec: %eax in decimal. */
putdec:
	push %eax
	push %ecx
	push %edx
	push %esi
	sub $16, %esp
	lea 15(%esp), %esi
	movb $0, (%esi)
	mov $10, %ecx
1:	xor %edx, %edx
	div %ecx
	add $'0', %dl
	dec %esi
	mov %dl, (%esi)
	test %eax, %eax
	jnz 1b
	call puts
	add $16, %esp
	pop %esi
	pop %edx
	pop %ecx
	pop %eax
	ret

/* puthex: %eax as 0x and its hex digits, without leading zeros. */
puthex:
	push %eax
	push %ecx
	push %edx
	push %edi
	mov %eax, %edx
	mov $'0', %al
	call putc
	mov $'x', %al
	call putc
	xor %edi, %edi			/* a digit was printed */
	mov $28, %ecx
1:	mov %edx, %eax
	shr %cl, %eax
	and $0xf, %eax
	or %eax, %edi
	jnz 2f
	test %ecx, %ecx			/* the last digit is printed anyway */
	jnz 3f
2:	add $'0', %al
	cmp $'9', %al
	jbe 4f
	add $('a' - '0' - 10), %al
4:	call putc
3:	sub $4, %ecx
	jns 1b
	pop %edi
	pop %edx
	pop %ecx
	pop %eax
	ret

	.section .rodata
m_magic:	.asciz "mboot: magic "
m_cs:		.asciz ", cs "
m_ds:		.asciz " ds "
m_pe0:		.asciz ", real mode"
m_pe1:		.asciz ", protected mode"
m_pg0:		.asciz ", paging off"
m_pg1:		.asciz ", paging on"
m_if0:		.asciz ", interrupts off\n"
m_if1:		.asciz ", interrupts on\n"
m_mem:		.asciz "mboot: memory "
m_low:		.asciz " KiB low, "
m_high:		.asciz " KiB high\n"
m_cmdline:	.asciz "mboot: cmdline \""
m_loader:	.asciz "mboot: loader \""
m_quote_nl:	.asciz "\"\n"
m_mmap:		.asciz "mboot: mmap "
m_ram:		.asciz " entries, RAM "
m_kib:		.asciz " KiB\n"
m_module:	.asciz "mboot: module "
m_bytes:	.asciz " bytes: "
m_done:		.asciz "mboot: done\n"
m_failed:	.asciz "FAILED: check "
