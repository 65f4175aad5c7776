// SPDX-License-Identifier: GPL-2.0
/*
 * Multiboot (version 1, the Multiboot Specification 0.6.96) kernels for
 * "khvctl boot": a header in the first 8 KiB of the file, the image loaded
 * either by the header's address fields (flags bit 16, the "a.out kludge",
 * for flat binaries) or by its ELF32 program headers, and the kernel
 * entered in 32-bit protected mode without paging: EAX = 0x2badb002, EBX =
 * the multiboot information structure, flat CS/DS/ES/FS/GS/SS, IF = 0.
 *
 * Information given: memory sizes (flags bit 0), the command line (bit 2),
 * --initrd as module 0 (bit 3), the memory map (bit 6, the same ranges as
 * the bzImage e820 map) and the loader's name (bit 9). A kernel that asks
 * for video mode information (header flags bit 2) or any other requirement
 * beyond page-aligned modules and memory information is refused, as the
 * specification wants of a loader that cannot honour a bit in 0-15.
 *
 * Guest physical layout (docs/linux-guest.md): GDT at 0x500 (0x08 32-bit
 * code, 0x10 data), the information structure at 0x7000 followed by the
 * memory map and the module list, the command line at 0x20000, the
 * loader's name after it; the kernel where it asks, from 1 MiB up; the
 * module page aligned at the top of memory; MP tables at 0xf0000.
 */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "khvctl.h"

#define MB_MAGIC		0x1badb002
#define MB_BOOT_MAGIC		0x2badb002
#define MB_SEARCH		8192
#define MB_PAGE_ALIGN		(1U << 0)	/* modules on 4 KiB boundaries */
#define MB_MEMORY_INFO		(1U << 1)
#define MB_VIDEO_MODE		(1U << 2)
#define MB_AOUT_KLUDGE		(1U << 16)
#define MB_KNOWN_REQS		(MB_PAGE_ALIGN | MB_MEMORY_INFO)

/* multiboot_info flags */
#define MBI_MEM			(1U << 0)
#define MBI_CMDLINE		(1U << 2)
#define MBI_MODS		(1U << 3)
#define MBI_MMAP		(1U << 6)
#define MBI_LOADER_NAME		(1U << 9)

#define GDT_ADDR		0x00500
#define INFO_ADDR		0x07000
#define MMAP_ADDR		(INFO_ADDR + 0x100)
#define MODS_ADDR		(INFO_ADDR + 0x200)
#define CMDLINE_ADDR		0x20000
#define CMDLINE_MAX		0x10000
#define LOADER_NAME_ADDR	(CMDLINE_ADDR + CMDLINE_MAX)
#define LOADER_NAME		"khvctl"
#define MOD_STRING_ADDR		(LOADER_NAME_ADDR + 0x100)
#define MOD_STRING_MAX		0xff
#define PAGE_SIZE		0x1000ULL

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe[4];
	uint32_t framebuffer[7];
};

struct mb_mmap {
	uint32_t size;				/* of the rest: 20 */
	uint32_t addr_lo, addr_hi;		/* 4-byte fields: no padding */
	uint32_t len_lo, len_hi;
	uint32_t type;
};

struct mb_module {
	uint32_t start, end, string, reserved;
};

_Static_assert(sizeof(struct mb_info) == 116, "multiboot_info");
_Static_assert(sizeof(struct mb_mmap) == 24, "multiboot mmap entry");

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* An ELF32 i386 executable: its PT_LOAD segments, checked against the file. */
static int parse_elf32(struct mboot *mb, const struct image *img)
{
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)img->data;
	const Elf32_Phdr *ph;
	const char *why = NULL;
	int i;

	if (img->size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		why = "no load addresses in its header (flags bit 16) and not an ELF file";
	else if (eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_machine != EM_386)
		why = "not an ELF32 i386 file (and no load addresses in its header)";
	else if (eh->e_type != ET_EXEC || eh->e_phentsize != sizeof(*ph) ||
		 !eh->e_phnum || eh->e_phoff > img->size ||
		 (uint64_t)eh->e_phnum * sizeof(*ph) > img->size - eh->e_phoff)
		why = "not an ELF32 executable with program headers";
	if (why) {
		khv_err("%s: multiboot kernel: %s", img->path, why);
		return -1;
	}
	ph = (const Elf32_Phdr *)(img->data + eh->e_phoff);
	mb->lo = UINT64_MAX;
	for (i = 0; i < eh->e_phnum; i++, ph++) {
		if (ph->p_type != PT_LOAD || !ph->p_memsz)
			continue;
		if (ph->p_filesz > ph->p_memsz || ph->p_offset > img->size ||
		    ph->p_filesz > img->size - ph->p_offset) {
			khv_err("%s: program header %d: bad offset or size",
				img->path, i);
			return -1;
		}
		if (ph->p_paddr < mb->lo)
			mb->lo = ph->p_paddr;
		if ((uint64_t)ph->p_paddr + ph->p_memsz > mb->hi)
			mb->hi = (uint64_t)ph->p_paddr + ph->p_memsz;
	}
	if (!mb->hi) {
		khv_err("%s: no loadable segment", img->path);
		return -1;
	}
	mb->entry = eh->e_entry;
	mb->elf = true;
	return 0;
}

/*
 * 1: a valid multiboot header was found and the image is understood; 0: no
 * header (not a multiboot kernel); -1: refused, with a message.
 */
int multiboot_parse(struct mboot *mb, const struct image *img)
{
	size_t off, limit = img->size < MB_SEARCH ? img->size : MB_SEARCH;
	const uint8_t *h = NULL;
	uint32_t flags, load, load_end, bss_end, hdr_addr;

	memset(mb, 0, sizeof(*mb));
	mb->img = img;
	for (off = 0; off + 12 <= limit; off += 4) {
		const uint8_t *p = img->data + off;

		if (get32(p) == MB_MAGIC &&
		    (uint32_t)(get32(p) + get32(p + 4) + get32(p + 8)) == 0) {
			h = p;
			break;
		}
	}
	if (!h)
		return 0;
	flags = get32(h + 4);
	if (flags & 0xffff & ~MB_KNOWN_REQS) {
		khv_err("%s: multiboot kernel requires %s (header flags %#x): not supported",
			img->path, flags & MB_VIDEO_MODE ?
			"video mode information" : "unknown features", flags);
		return -1;
	}
	if (!(flags & MB_AOUT_KLUDGE))
		return parse_elf32(mb, img) < 0 ? -1 : 1;

	if (off + 32 > img->size) {
		khv_err("%s: multiboot header truncated", img->path);
		return -1;
	}
	hdr_addr = get32(h + 12);
	load = get32(h + 16);
	load_end = get32(h + 20);
	bss_end = get32(h + 24);
	mb->entry = get32(h + 28);
	/* The file is loaded from the offset that puts the header at hdr_addr. */
	if (load > hdr_addr || hdr_addr - load > off) {
		khv_err("%s: multiboot header: load_addr %#x is above header_addr %#x or before the file",
			img->path, load, hdr_addr);
		return -1;
	}
	mb->file_off = off - (hdr_addr - load);
	mb->file_len = load_end ? (uint64_t)load_end - load :
				  img->size - mb->file_off;
	if (load_end && (load_end < load ||
			 mb->file_len > img->size - mb->file_off)) {
		khv_err("%s: multiboot header: load_end_addr %#x is before load_addr or beyond the file",
			img->path, load_end);
		return -1;
	}
	mb->lo = load;
	mb->hi = load + mb->file_len;
	if (bss_end) {
		if (bss_end < mb->hi) {
			khv_err("%s: multiboot header: bss_end_addr %#x is before the end of the image",
				img->path, bss_end);
			return -1;
		}
		mb->hi = bss_end;
	}
	return 1;
}

/* Kernel from 1 MiB up and inside memory; the module above it. */
int multiboot_layout(struct mboot *mb, uint64_t mem_size,
		     const struct image *mod, const char *cmdline)
{
	const char *path = mb->img->path;
	uint64_t start;

	if (strlen(cmdline) >= CMDLINE_MAX) {
		khv_err("%s: the command line has %zu bytes, khvctl takes %d",
			path, strlen(cmdline), CMDLINE_MAX - 1);
		return -1;
	}
	if (mb->lo < BOOT_HIGH_RAM) {
		khv_err("%s: multiboot kernel loads at %#llx, below 1 MiB, where khvctl keeps the boot structures",
			path, (unsigned long long)mb->lo);
		return -1;
	}
	if (mb->hi > mem_size) {
		khv_err("%s: the kernel needs memory up to %#llx: use --mem %llu or more",
			path, (unsigned long long)mb->hi,
			(unsigned long long)((mb->hi + (1 << 20) - 1) >> 20));
		return -1;
	}
	if (mb->entry < mb->lo || mb->entry >= mb->hi) {
		khv_err("%s: entry point %#llx is outside the loaded image %#llx-%#llx",
			path, (unsigned long long)mb->entry,
			(unsigned long long)mb->lo, (unsigned long long)mb->hi);
		return -1;
	}
	if (!mod)
		return 0;
	start = mod->size > mem_size ? 0 : (mem_size - mod->size) & ~(PAGE_SIZE - 1);
	if (start < ((mb->hi + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))) {
		khv_err("%s: %zu bytes do not fit between the kernel's end %#llx and the end of memory: use more --mem",
			mod->path, mod->size, (unsigned long long)mb->hi);
		return -1;
	}
	mb->mod_addr = start;
	return 0;
}

static void load_image(struct vm *vm, const struct mboot *mb)
{
	const struct image *img = mb->img;
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)img->data;
	const Elf32_Phdr *ph;
	uint8_t *dst;
	int i;

	if (!mb->elf) {
		dst = vm_gpa(vm, mb->lo, mb->hi - mb->lo);
		memcpy(dst, img->data + mb->file_off, mb->file_len);
		memset(dst + mb->file_len, 0, mb->hi - mb->lo - mb->file_len);
		return;
	}
	ph = (const Elf32_Phdr *)(img->data + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++, ph++) {
		if (ph->p_type != PT_LOAD || !ph->p_memsz)
			continue;
		dst = vm_gpa(vm, ph->p_paddr, ph->p_memsz);
		memcpy(dst, img->data + ph->p_offset, ph->p_filesz);
		memset(dst + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
	}
}

static void mmap_entry(struct mb_mmap *e, uint64_t addr, uint64_t end,
		       uint32_t type)
{
	e->size = sizeof(*e) - 4;
	e->addr_lo = addr;
	e->addr_hi = addr >> 32;
	e->len_lo = end - addr;
	e->len_hi = (end - addr) >> 32;
	e->type = type;
}

/* Everything in guest memory; multiboot_layout() has checked that it fits. */
int multiboot_load(struct vm *vm, const struct mboot *mb,
		   const struct image *mod, const char *cmdline)
{
	struct mb_info *info = vm_gpa(vm, INFO_ADDR, sizeof(*info));
	struct mb_mmap *mmap = vm_gpa(vm, MMAP_ADDR, 4 * sizeof(*mmap));
	struct mb_module *m = vm_gpa(vm, MODS_ADDR, sizeof(*m));
	uint64_t *gdt = vm_gpa(vm, GDT_ADDR, 3 * 8);
	uint64_t upper = vm->mem_size - BOOT_HIGH_RAM;

	load_image(vm, mb);
	memcpy(vm_gpa(vm, CMDLINE_ADDR, strlen(cmdline) + 1), cmdline,
	       strlen(cmdline) + 1);
	memcpy(vm_gpa(vm, LOADER_NAME_ADDR, sizeof(LOADER_NAME)), LOADER_NAME,
	       sizeof(LOADER_NAME));

	memset(info, 0, sizeof(*info));
	info->flags = MBI_MEM | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME;
	info->mem_lower = BOOT_LOW_RAM_END >> 10;
	info->mem_upper = upper >> 10 > UINT32_MAX ? UINT32_MAX : upper >> 10;
	info->cmdline = CMDLINE_ADDR;
	info->boot_loader_name = LOADER_NAME_ADDR;
	mmap_entry(&mmap[0], 0, BOOT_LOW_RAM_END, BOOT_E820_RAM);
	mmap_entry(&mmap[1], BOOT_LOW_RAM_END, BOOT_VGA_START, BOOT_E820_RESERVED);
	mmap_entry(&mmap[2], BOOT_BIOS_START, BOOT_HIGH_RAM, BOOT_E820_RESERVED);
	mmap_entry(&mmap[3], BOOT_HIGH_RAM, vm->mem_size, BOOT_E820_RAM);
	info->mmap_addr = MMAP_ADDR;
	info->mmap_length = 4 * sizeof(*mmap);
	if (mod) {
		memcpy(vm_gpa(vm, mb->mod_addr, mod->size), mod->data, mod->size);
		m->start = mb->mod_addr;
		m->end = mb->mod_addr + mod->size;
		/* The module's string: its file name, as GRUB's command line. */
		snprintf(vm_gpa(vm, MOD_STRING_ADDR, MOD_STRING_MAX + 1),
			 MOD_STRING_MAX + 1, "%s", mod->path);
		m->string = MOD_STRING_ADDR;
		m->reserved = 0;
		info->flags |= MBI_MODS;
		info->mods_count = 1;
		info->mods_addr = MODS_ADDR;
	}

	/* null, 0x08: 32-bit code, 0x10: data; all flat 4 GiB, G = 1, D = 1. */
	gdt[0] = 0;
	gdt[1] = 0x00cf9b000000ffffULL;
	gdt[2] = 0x00cf93000000ffffULL;
	return 0;
}

/* 32-bit protected mode, no paging, as the specification's section 3.2. */
int multiboot_vcpu(struct vcpu *vcpu, const struct mboot *mb)
{
	struct kvm_segment code = {
		.limit = 0xffffffff, .selector = 0x08, .type = 0xb,
		.present = 1, .s = 1, .db = 1, .g = 1,
	};
	struct kvm_segment data = {
		.limit = 0xffffffff, .selector = 0x10, .type = 0x3,
		.present = 1, .s = 1, .db = 1, .g = 1,
	};
	struct kvm_regs regs = {
		.rflags = 0x2,
		.rax = MB_BOOT_MAGIC,
		.rbx = INFO_ADDR,
		.rip = mb->entry,
	};
	struct kvm_sregs sregs;

	if (VCPU_IOCTL(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return -1;
	sregs.cs = code;
	sregs.ds = data;
	sregs.es = data;
	sregs.fs = data;
	sregs.gs = data;
	sregs.ss = data;
	sregs.gdt.base = GDT_ADDR;
	sregs.gdt.limit = 3 * 8 - 1;
	sregs.idt.base = 0;
	sregs.idt.limit = 0;
	sregs.cr0 = 0x11;		/* PE, ET */
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (VCPU_IOCTL(vcpu, KVM_SET_SREGS, &sregs) < 0)
		return -1;
	return VCPU_IOCTL(vcpu, KVM_SET_REGS, &regs) < 0 ? -1 : 0;
}
