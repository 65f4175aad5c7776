/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bootproto: a stand-in Linux bzImage for "khvctl boot", which checks and
 * prints what the boot protocol (Documentation/arch/x86/boot.rst) hands a
 * kernel at its 64-bit entry, then resets through the keyboard controller
 * as Linux's reboot does (exit status 0). A real kernel takes tens of
 * seconds under Bochs; this takes milliseconds. docs/linux-guest.md.
 *
 *   khvctl boot --kernel bootproto.bin --initrd FILE --append "TEXT"
 *     bootproto: entry cs 0x10 ds 0x18 ss 0x18, interrupts off
 *     bootproto: protocol 2.15, loader 0xff
 *     bootproto: cmdline "TEXT"
 *     bootproto: e820 START-END type T      (one line per entry)
 *     bootproto: e820 RAM N KiB
 *     bootproto: initrd N bytes: LINE        (the first line of FILE)
 *     bootproto: mp N cpus, ioapic id I at 0xfec00000
 *     bootproto: lapic version V
 *     bootproto: done
 * A failed check N prints "FAILED: check N" and exits with (N << 1) | 1:
 * 1 no setup header in boot_params, 2 no MP floating pointer or a bad
 * checksum, 3 bad MP table checksum, 4 the initrd is not page aligned,
 * above the kernel and inside RAM.
 *
 * The file is a bzImage: one setup sector after the boot sector, holding
 * the setup header, then the protected-mode part that khvctl loads at
 * pref_address (16 MiB), with the 64-bit entry 0x200 bytes into it.
 */
#include "guest.h"

#define PREF_ADDRESS	0x1000000
#define INIT_SIZE	0x100000
#define KERNEL_END	(PREF_ADDRESS + INIT_SIZE)
#define KBD_STATUS	0x64
#define KBD_RESET	0xfe
#define LAPIC_VERSION	0xfee00030

/* boot_params offsets */
#define BP_E820_ENTRIES	0x1e8
#define BP_HEADER	0x202
#define BP_VERSION	0x206
#define BP_LOADER	0x210
#define BP_RAMDISK	0x218
#define BP_RAMDISK_SIZE	0x21c
#define BP_CMDLINE	0x228
#define BP_E820_TABLE	0x2d0

/* ---- The real-mode part: boot sector and one setup sector. ---- */
	.section .setup, "a"
	.org 0x1f1
	.byte 1				/* setup_sects */
	.word 0				/* root_flags */
	.long 0				/* syssize */
	.word 0				/* ram_size */
	.word 0xffff			/* vid_mode */
	.word 0				/* root_dev */
	.word 0xaa55			/* boot_flag */
	.byte 0xeb, hdr_end - hdr_start	/* jump over the header */
hdr_start:
	.ascii "HdrS"
	.word 0x020f			/* protocol 2.15 */
	.long 0				/* realmode_swtch */
	.word 0				/* start_sys_seg */
	.word 0				/* kernel_version */
	.byte 0				/* type_of_loader */
	.byte 0x01			/* loadflags: LOADED_HIGH */
	.word 0				/* setup_move_size */
	.long PREF_ADDRESS		/* code32_start */
	.long 0, 0			/* ramdisk_image, ramdisk_size */
	.long 0				/* bootsect_kludge */
	.word 0				/* heap_end_ptr */
	.byte 0, 0			/* ext_loader_ver, ext_loader_type */
	.long 0				/* cmd_line_ptr */
	.long 0x7fffffff		/* initrd_addr_max */
	.long 0x200000			/* kernel_alignment */
	.byte 0				/* relocatable_kernel */
	.byte 21			/* min_alignment */
	.word 0x0001			/* xloadflags: XLF_KERNEL_64 */
	.long 255			/* cmdline_size */
	.long 0				/* hardware_subarch */
	.quad 0				/* hardware_subarch_data */
	.long 0, 0			/* payload_offset, payload_length */
	.quad 0				/* setup_data */
	.quad PREF_ADDRESS		/* pref_address */
	.long INIT_SIZE			/* init_size */
	.long 0				/* handover_offset */
	.long 0				/* kernel_info_offset */
hdr_end:
	.org 0x400

/* ---- The protected-mode part, at PREF_ADDRESS. ---- */
	.code64
	.section .text.entry, "ax"
	.globl _start
_start:
	ud2				/* the 32-bit entry: not used */
	.org 0x200
startup_64:
	mov %rsi, %r12			/* struct boot_params */
	call console_lock

	/* CS, DS, SS and RFLAGS.IF as the 64-bit protocol wants them. */
	lea m_entry(%rip), %rsi
	call puts
	mov %cs, %eax
	call puthex16
	lea m_ds(%rip), %rsi
	call puts
	mov %ds, %eax
	call puthex16
	lea m_ss(%rip), %rsi
	call puts
	mov %ss, %eax
	call puthex16
	pushf
	pop %rax
	lea m_if0(%rip), %rsi
	test $EFLAGS_IF, %eax
	jz 1f
	lea m_if1(%rip), %rsi
1:	call puts

	mov $1, %eax
	cmpl $0x53726448, BP_HEADER(%r12)	/* "HdrS" */
	jne fail
	lea m_proto(%rip), %rsi
	call puts
	movzbl BP_VERSION + 1(%r12), %eax
	call putdec
	mov $'.', %al
	call putc
	movzbl BP_VERSION(%r12), %eax
	call putdec
	lea m_loader(%rip), %rsi
	call puts
	movzbl BP_LOADER(%r12), %eax
	call puthex16
	mov $'\n', %al
	call putc

	lea m_cmdline(%rip), %rsi
	call puts
	mov BP_CMDLINE(%r12), %esi
	mov $256, %ecx
	call puttext
	lea m_quote_nl(%rip), %rsi
	call puts

	call e820
	call initrd
	call mptable

	lea m_lapic(%rip), %rsi
	call puts
	mov $LAPIC_VERSION, %ebx
	movzbl (%rbx), %eax
	call puthex16
	mov $'\n', %al
	call putc

	lea m_done(%rip), %rsi
	call puts
	call console_unlock
	mov $KBD_RESET, %al		/* reboot, as Linux does it */
	out %al, $KBD_STATUS
1:	cli
	hlt
	jmp 1b

/* Each e820 entry, then the RAM total in KiB; %r14: the end of RAM. */
e820:
	movzbl BP_E820_ENTRIES(%r12), %ecx
	lea BP_E820_TABLE(%r12), %rbx
	xor %r13d, %r13d
	xor %r14d, %r14d
1:	test %ecx, %ecx
	jz 3f
	lea m_e820(%rip), %rsi
	call puts
	mov (%rbx), %rax
	call puthex
	mov $'-', %al
	call putc
	mov (%rbx), %rax
	add 8(%rbx), %rax
	call puthex
	lea m_type(%rip), %rsi
	call puts
	mov 16(%rbx), %eax
	call putdec
	mov $'\n', %al
	call putc
	cmpl $1, 16(%rbx)
	jne 2f
	add 8(%rbx), %r13
	mov (%rbx), %rax
	add 8(%rbx), %rax
	cmp %r14, %rax
	jb 2f
	mov %rax, %r14
2:	add $20, %rbx
	dec %ecx
	jmp 1b
3:	lea m_ram(%rip), %rsi
	call puts
	mov %r13, %rax
	shr $10, %rax
	call putdec
	lea m_kib(%rip), %rsi
	call puts
	ret

/* The initrd's size and first line; page aligned, above the kernel, in RAM. */
initrd:
	mov BP_RAMDISK_SIZE(%r12), %ecx
	test %ecx, %ecx
	jz 1f
	mov BP_RAMDISK(%r12), %edx
	mov $4, %eax
	test $0xfff, %edx
	jnz fail
	cmp $KERNEL_END, %edx
	jb fail
	add %rcx, %rdx
	cmp %r14, %rdx
	ja fail
	lea m_initrd(%rip), %rsi
	call puts
	mov %rcx, %rax
	call putdec
	lea m_bytes(%rip), %rsi
	call puts
	mov BP_RAMDISK(%r12), %esi
	call puttext
	mov $'\n', %al
	call putc
1:	ret

/* Find "_MP_" in 0xf0000-0xfffff, check both checksums, count the CPUs. */
mptable:
	mov $0xf0000, %esi
1:	cmpl $0x5f504d5f, (%rsi)	/* "_MP_" */
	je 2f
	add $16, %esi
	cmp $0x100000, %esi
	jb 1b
	mov $2, %eax
	jmp fail
2:	mov $16, %ecx
	call sum
	mov $2, %eax
	jnz fail
	mov 4(%rsi), %esi		/* the configuration table */
	movzwl 4(%rsi), %ecx		/* base table length */
	call sum
	mov $3, %eax
	jnz fail
	movzwl 34(%rsi), %ecx		/* entry count */
	lea 44(%rsi), %rbx
	xor %edx, %edx			/* processors */
	xor %edi, %edi			/* IOAPIC ID */
	xor %r8d, %r8d			/* IOAPIC address */
3:	test %ecx, %ecx
	jz 6f
	movzbl (%rbx), %eax
	test %eax, %eax
	jnz 4f
	inc %edx			/* type 0: processor, 20 bytes */
	add $20, %rbx
	jmp 5f
4:	cmp $2, %eax
	jne 7f
	movzbl 1(%rbx), %edi		/* type 2: IOAPIC */
	mov 4(%rbx), %r8d
7:	add $8, %rbx			/* types 1-4 other than 0: 8 bytes */
5:	dec %ecx
	jmp 3b
6:	lea m_mp(%rip), %rsi
	call puts
	mov %rdx, %rax
	call putdec
	lea m_cpus(%rip), %rsi
	call puts
	mov %rdi, %rax
	call putdec
	lea m_at(%rip), %rsi
	call puts
	mov %r8, %rax
	call puthex16
	mov $'\n', %al
	call putc
	ret

/* sum: ZF set if the %ecx bytes at %rsi add up to 0 (mod 256). */
sum:
	push %rcx
	push %rdx
	push %rsi
	xor %edx, %edx
1:	add (%rsi), %dl
	inc %rsi
	dec %ecx
	jnz 1b
	test %dl, %dl
	pop %rsi
	pop %rdx
	pop %rcx
	ret

/* puthex16: %eax as 0x and its hex digits, without leading zeros. */
puthex16:
	push %rax
	push %rcx
	push %rdx
	push %r9
	mov %eax, %edx
	mov $'0', %al
	call putc
	mov $'x', %al
	call putc
	xor %r9d, %r9d			/* a digit was printed */
	mov $28, %ecx
1:	mov %edx, %eax
	shr %cl, %eax
	and $0xf, %eax
	test %r9d, %r9d
	jnz 2f
	test %eax, %eax
	jnz 2f
	test %ecx, %ecx			/* the last digit is printed anyway */
	jnz 3f
2:	mov $1, %r9d
	add $'0', %al
	cmp $'9', %al
	jbe 4f
	add $('a' - '0' - 10), %al
4:	call putc
3:	sub $4, %ecx
	jns 1b
	pop %r9
	pop %rdx
	pop %rcx
	pop %rax
	ret

	.section .rodata
m_entry:	.asciz "bootproto: entry cs "
m_ds:		.asciz " ds "
m_ss:		.asciz " ss "
m_if0:		.asciz ", interrupts off\n"
m_if1:		.asciz ", interrupts on\n"
m_proto:	.asciz "bootproto: protocol "
m_loader:	.asciz ", loader "
m_cmdline:	.asciz "bootproto: cmdline \""
m_quote_nl:	.asciz "\"\n"
m_e820:		.asciz "bootproto: e820 "
m_type:		.asciz " type "
m_ram:		.asciz "bootproto: e820 RAM "
m_kib:		.asciz " KiB\n"
m_initrd:	.asciz "bootproto: initrd "
m_bytes:	.asciz " bytes: "
m_mp:		.asciz "bootproto: mp "
m_cpus:		.asciz " cpus, ioapic id "
m_at:		.asciz " at "
m_lapic:	.asciz "bootproto: lapic version "
m_done:		.asciz "bootproto: done\n"
