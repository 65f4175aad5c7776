// SPDX-License-Identifier: GPL-2.0
/*
 * Linux bzImage loading by the x86 boot protocol
 * (Documentation/arch/x86/boot.rst), entered at the 64-bit entry point:
 * the protected-mode kernel at its preferred address, the entry 0x200 bytes
 * into it, with paging on, a GDT holding __BOOT_CS (0x10) and __BOOT_DS
 * (0x18), interrupts off and RSI pointing at struct boot_params (the "zero
 * page"), which carries the setup header, the command line, the initrd and
 * the e820 memory map. There is no BIOS and no real-mode setup code runs.
 *
 * Guest physical layout (docs/linux-guest.md):
 *   0x00500  GDT: null, null, 0x10 64-bit code, 0x18 data
 *   0x07000  boot_params; the entry stack ends just below it
 *   0x09000  PML4, 0x0a000 PDPT, 0x0b000-0x0efff page directories: the
 *            first 4 GiB identity-mapped with 2 MiB pages
 *   0x20000  command line
 *   0xf0000  MP floating pointer and configuration table (mptable.c)
 *   pref_address (16 MiB for a non-relocatable 6.12 kernel): the kernel,
 *            then init_size bytes it decompresses into
 *   top of memory: the initrd, page aligned
 * e820: RAM 0-0x9fc00, reserved 0x9fc00-0xa0000 and 0xf0000-0x100000,
 * RAM from 1 MiB to the end of memory.
 */
#include <stdlib.h>
#include <string.h>

#include "khvctl.h"

/* Setup header fields: offsets in the file and in boot_params alike. */
#define HDR_SETUP_SECTS		0x1f1
#define HDR_BOOT_FLAG		0x1fe
#define HDR_JUMP		0x200
#define HDR_HEADER		0x202
#define HDR_VERSION		0x206
#define HDR_TYPE_OF_LOADER	0x210
#define HDR_LOADFLAGS		0x211
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21c
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_XLOADFLAGS		0x236
#define HDR_CMDLINE_SIZE	0x238
#define HDR_PREF_ADDRESS	0x258
#define HDR_INIT_SIZE		0x260

/* boot_params outside the setup header. */
#define BP_E820_ENTRIES		0x1e8
#define BP_E820_TABLE		0x2d0
#define BP_E820_MAX		128
#define BP_SIZE			0x1000

#define BOOT_FLAG		0xaa55
#define HDRS_MAGIC		0x53726448	/* "HdrS" */
#define MIN_VERSION		0x020c		/* 2.12: xloadflags */
#define LOADED_HIGH		0x01
#define XLF_KERNEL_64		0x01
#define LOADER_UNDEFINED	0xff

#define GDT_ADDR		0x00500
#define STACK_TOP		0x07000
#define ZERO_PAGE		0x07000
#define PML4_ADDR		0x09000
#define PDPT_ADDR		0x0a000
#define PD_ADDR			0x0b000
#define NR_PDS			4
#define CMDLINE_ADDR		0x20000
#define LOW_RAM_END		BOOT_LOW_RAM_END	/* 639 KiB, as a BIOS leaves */
#define VGA_START		BOOT_VGA_START
#define BIOS_START		BOOT_BIOS_START
#define HIGH_RAM		BOOT_HIGH_RAM

#define E820_RAM		BOOT_E820_RAM
#define E820_RESERVED		BOOT_E820_RESERVED

#define SEL_CODE		0x10		/* __BOOT_CS */
#define SEL_DATA		0x18		/* __BOOT_DS */
#define PTE_P			(1ULL << 0)
#define PTE_RW			(1ULL << 1)
#define PTE_PS			(1ULL << 7)
#define CR0_PE			(1ULL << 0)
#define CR0_ET			(1ULL << 4)
#define CR0_NE			(1ULL << 5)
#define CR0_PG			(1ULL << 31)
#define CR4_PAE			(1ULL << 5)
#define EFER_LME		(1ULL << 8)
#define EFER_LMA		(1ULL << 10)

#define PAGE_SIZE		0x1000ULL

static uint16_t get16(const uint8_t *p, size_t off)
{
	return p[off] | p[off + 1] << 8;
}

static uint32_t get32(const uint8_t *p, size_t off)
{
	return get16(p, off) | (uint32_t)get16(p, off + 2) << 16;
}

static uint64_t get64(const uint8_t *p, size_t off)
{
	return get32(p, off) | (uint64_t)get32(p, off + 4) << 32;
}

static void put32(uint8_t *p, size_t off, uint32_t v)
{
	memcpy(p + off, &v, 4);		/* x86 is little-endian */
}

/* Boot flag and "HdrS": a Linux kernel image of any protocol version. */
bool bzimage_detect(const struct image *img)
{
	return img->size >= 0x400 &&
	       get16(img->data, HDR_BOOT_FLAG) == BOOT_FLAG &&
	       get32(img->data, HDR_HEADER) == HDRS_MAGIC;
}

/*
 * Check the setup header: a bzImage (LOADED_HIGH) of boot protocol 2.12 or
 * later with a 64-bit entry point (XLF_KERNEL_64).
 */
int bzimage_parse(struct bzimage *bz, const struct image *img)
{
	const uint8_t *d = img->data;
	unsigned int sects;
	uint32_t hdr_end;

	memset(bz, 0, sizeof(*bz));
	bz->img = img;
	if (!bzimage_detect(img)) {
		khv_err("%s: not a Linux kernel image (no boot flag 0xaa55 and \"HdrS\" setup header)",
			img->path);
		return -1;
	}
	bz->version = get16(d, HDR_VERSION);
	if (bz->version < MIN_VERSION) {
		khv_err("%s: boot protocol %u.%02u is older than 2.12, the first with a 64-bit entry flag",
			img->path, bz->version >> 8, bz->version & 0xff);
		return -1;
	}
	if (!(d[HDR_LOADFLAGS] & LOADED_HIGH)) {
		khv_err("%s: a zImage (loaded at 0x10000): only bzImages are supported",
			img->path);
		return -1;
	}
	if (!(get16(d, HDR_XLOADFLAGS) & XLF_KERNEL_64)) {
		khv_err("%s: no 64-bit entry point (xloadflags bit 0): a 32-bit kernel?",
			img->path);
		return -1;
	}
	sects = d[HDR_SETUP_SECTS] ? d[HDR_SETUP_SECTS] : 4;
	bz->setup_size = (sects + 1) * 512ULL;
	hdr_end = HDR_HEADER + d[HDR_JUMP + 1];	/* the jump skips the header */
	if (bz->setup_size + 0x200 > img->size || hdr_end > bz->setup_size ||
	    hdr_end < HDR_INIT_SIZE + 4) {
		khv_err("%s: truncated: %zu bytes, setup code %llu bytes",
			img->path, img->size, (unsigned long long)bz->setup_size);
		return -1;
	}
	bz->load = get64(d, HDR_PREF_ADDRESS);
	bz->init_size = get32(d, HDR_INIT_SIZE);
	bz->initrd_max = get32(d, HDR_INITRD_ADDR_MAX);
	bz->cmdline_max = get32(d, HDR_CMDLINE_SIZE);
	if (bz->load < HIGH_RAM || bz->load % PAGE_SIZE ||
	    bz->init_size < img->size - bz->setup_size) {
		khv_err("%s: implausible setup header: pref_address %#llx, init_size %#llx",
			img->path, (unsigned long long)bz->load,
			(unsigned long long)bz->init_size);
		return -1;
	}
	return 0;
}

/*
 * Does it all fit in mem_size bytes? The kernel and the memory it
 * decompresses into from pref_address, the initrd as high as the kernel
 * allows, the command line. Chooses the initrd's address.
 */
int bzimage_layout(struct bzimage *bz, uint64_t mem_size,
		   const struct image *initrd, const char *cmdline)
{
	const char *path = bz->img->path;
	uint64_t kernel_end = bz->load + bz->init_size, top;
	size_t len = strlen(cmdline);

	if (len > bz->cmdline_max || len >= LOW_RAM_END - CMDLINE_ADDR) {
		khv_err("%s: the command line has %zu bytes, the kernel takes %u",
			path, len, bz->cmdline_max);
		return -1;
	}
	if (kernel_end > mem_size) {
		khv_err("%s: the kernel needs memory up to %#llx (pref_address %#llx + init_size %#llx): use --mem %llu or more",
			path, (unsigned long long)kernel_end,
			(unsigned long long)bz->load,
			(unsigned long long)bz->init_size,
			(unsigned long long)((kernel_end + (1 << 20) - 1) >> 20));
		return -1;
	}
	if (!initrd)
		return 0;
	top = mem_size;
	if (top > (uint64_t)bz->initrd_max + 1)
		top = (uint64_t)bz->initrd_max + 1;
	if (initrd->size > top || ((top - initrd->size) & ~(PAGE_SIZE - 1)) < kernel_end) {
		khv_err("%s: %zu bytes do not fit between the kernel's end %#llx and %#llx: use more --mem",
			initrd->path, initrd->size,
			(unsigned long long)kernel_end, (unsigned long long)top);
		return -1;
	}
	bz->initrd_addr = (top - initrd->size) & ~(PAGE_SIZE - 1);
	return 0;
}

static void e820_add(uint8_t *bp, uint64_t addr, uint64_t end, uint32_t type)
{
	uint8_t *e = bp + BP_E820_TABLE + bp[BP_E820_ENTRIES]++ * 20;
	uint64_t size = end - addr;

	memcpy(e, &addr, 8);
	memcpy(e + 8, &size, 8);
	memcpy(e + 16, &type, 4);
}

/* boot_params: the image's setup header, then what the loader fills in. */
static void build_zero_page(struct vm *vm, const struct bzimage *bz,
			    const struct image *initrd)
{
	const uint8_t *d = bz->img->data;
	uint8_t *bp = vm_gpa(vm, ZERO_PAGE, BP_SIZE);
	uint32_t hdr_end = HDR_HEADER + d[HDR_JUMP + 1];

	memset(bp, 0, BP_SIZE);
	memcpy(bp + HDR_SETUP_SECTS, d + HDR_SETUP_SECTS,
	       hdr_end - HDR_SETUP_SECTS);
	bp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	put32(bp, HDR_CMD_LINE_PTR, CMDLINE_ADDR);
	if (initrd) {
		put32(bp, HDR_RAMDISK_IMAGE, bz->initrd_addr);
		put32(bp, HDR_RAMDISK_SIZE, initrd->size);
	}
	e820_add(bp, 0, LOW_RAM_END, E820_RAM);
	e820_add(bp, LOW_RAM_END, VGA_START, E820_RESERVED);
	e820_add(bp, BIOS_START, HIGH_RAM, E820_RESERVED);
	e820_add(bp, HIGH_RAM, vm->mem_size, E820_RAM);
}

/* A flat 4 GiB descriptor: type, S=1, P=1, G=1, and L or D/B. */
static uint64_t gdt_entry(unsigned int type, bool code64)
{
	return 0xffffULL | (0xfULL << 48) | ((uint64_t)type << 40) |
	       (1ULL << 44) | (1ULL << 47) | (1ULL << 55) |
	       (code64 ? 1ULL << 53 : 1ULL << 54);
}

static void build_tables(struct vm *vm)
{
	uint64_t *gdt = vm_gpa(vm, GDT_ADDR, 4 * 8);
	uint64_t *pml4 = vm_gpa(vm, PML4_ADDR, PAGE_SIZE);
	uint64_t *pdpt = vm_gpa(vm, PDPT_ADDR, PAGE_SIZE);
	uint64_t *pd = vm_gpa(vm, PD_ADDR, NR_PDS * PAGE_SIZE);
	int i;

	memset(gdt, 0, 4 * 8);
	gdt[SEL_CODE / 8] = gdt_entry(0xb, true);	/* execute/read, accessed */
	gdt[SEL_DATA / 8] = gdt_entry(0x3, false);	/* read/write, accessed */

	memset(pml4, 0, PAGE_SIZE);
	memset(pdpt, 0, PAGE_SIZE);
	pml4[0] = PDPT_ADDR | PTE_P | PTE_RW;
	for (i = 0; i < NR_PDS; i++)
		pdpt[i] = (PD_ADDR + i * PAGE_SIZE) | PTE_P | PTE_RW;
	for (i = 0; i < NR_PDS * 512; i++)
		pd[i] = ((uint64_t)i << 21) | PTE_P | PTE_RW | PTE_PS;
}

/* Everything in guest memory; bzimage_layout() has checked that it fits. */
int bzimage_load(struct vm *vm, const struct bzimage *bz,
		 const struct image *initrd, const char *cmdline)
{
	const struct image *img = bz->img;
	uint64_t ksize = img->size - bz->setup_size;
	uint8_t *dst = vm_gpa(vm, bz->load, bz->init_size);

	if (vm->mem_size < HIGH_RAM || !dst) {
		khv_err("%s: does not fit in %llu MiB", img->path,
			(unsigned long long)(vm->mem_size >> 20));
		return -1;
	}
	memcpy(dst, img->data + bz->setup_size, ksize);
	if (initrd)
		memcpy(vm_gpa(vm, bz->initrd_addr, initrd->size), initrd->data,
		       initrd->size);
	memcpy(vm_gpa(vm, CMDLINE_ADDR, strlen(cmdline) + 1), cmdline,
	       strlen(cmdline) + 1);
	build_zero_page(vm, bz, initrd);
	build_tables(vm);
	return 0;
}

/*
 * The boot vCPU at the 64-bit entry. The other vCPUs are left as the
 * in-kernel APIC has them, waiting for INIT and SIPI from the kernel.
 */
int bzimage_vcpu(struct vcpu *vcpu)
{
	struct kvm_segment code = {
		.limit = 0xffffffff, .selector = SEL_CODE, .type = 0xb,
		.present = 1, .s = 1, .l = 1, .g = 1,
	};
	struct kvm_segment data = {
		.limit = 0xffffffff, .selector = SEL_DATA, .type = 0x3,
		.present = 1, .s = 1, .db = 1, .g = 1,
	};
	struct kvm_sregs sregs;
	struct kvm_regs regs = {
		.rflags = 0x2,			/* IF = 0 */
		.rsi = ZERO_PAGE,
		.rsp = STACK_TOP,
	};
	uint8_t *bp = vm_gpa(vcpu->vm, ZERO_PAGE, BP_SIZE);

	if (VCPU_IOCTL(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return -1;
	sregs.cs = code;
	sregs.ds = data;
	sregs.es = data;
	sregs.ss = data;
	sregs.fs = data;
	sregs.gs = data;
	sregs.gdt.base = GDT_ADDR;
	sregs.gdt.limit = 4 * 8 - 1;
	sregs.idt.base = 0;
	sregs.idt.limit = 0;
	sregs.cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
	sregs.cr3 = PML4_ADDR;
	sregs.cr4 = CR4_PAE;
	sregs.efer = EFER_LME | EFER_LMA;
	if (VCPU_IOCTL(vcpu, KVM_SET_SREGS, &sregs) < 0)
		return -1;
	/* The 64-bit entry is 0x200 bytes into the protected-mode kernel. */
	regs.rip = get64(bp, HDR_PREF_ADDRESS) + 0x200;
	return VCPU_IOCTL(vcpu, KVM_SET_REGS, &regs) < 0 ? -1 : 0;
}

/* The entry for (fn, index), appended with zeros if the table lacks it. */
static struct kvm_cpuid_entry2 *cpuid_entry(struct vm *vm, uint32_t fn)
{
	struct kvm_cpuid2 *c = vm->cpuid;
	uint32_t i;

	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn && !c->entries[i].index)
			return &c->entries[i];
	c = realloc(c, sizeof(*c) + (c->nent + 1) * sizeof(c->entries[0]));
	if (!c)
		return NULL;
	vm->cpuid = c;
	memset(&c->entries[c->nent], 0, sizeof(c->entries[0]));
	c->entries[c->nent].function = fn;
	return &c->entries[c->nent++];
}

static uint32_t gcd(uint32_t a, uint32_t b)
{
	while (b) {
		uint32_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

#define CPUID_TSC_DEADLINE	(1U << 24)	/* leaf 1 ECX */
#define CPUID_HYPERVISOR	(1U << 31)	/* leaf 1 ECX */
#define CPUID_ARAT		(1U << 2)	/* leaf 6 EAX */
#define APIC_BUS_HZ		1000000000U	/* khv and KVM: 1 ns per count */

/*
 * What a Linux guest needs to run without a PIT or HPET (the kernel's
 * apic_needs_pit()): the TSC and CPU frequencies from CPUID leaves 0x15
 * and 0x16, the APIC timer running in deep C-states (ARAT; a vCPU has no
 * C-states) and, when the device emulates it, the TSC-deadline timer.
 * Leaf 0x15 names the 1 GHz APIC bus as the crystal, so the kernel also
 * knows the APIC timer's rate (lapic_timer_period) without calibrating it.
 */
int bzimage_cpuid(struct vm *vm, uint32_t tsc_khz, bool tsc_deadline)
{
	struct kvm_cpuid_entry2 *e;
	uint32_t num, den, g;

	e = cpuid_entry(vm, 0);
	if (!e)
		return -1;
	if (e->eax < 0x16)
		e->eax = 0x16;
	e = cpuid_entry(vm, 1);
	if (!e)
		return -1;
	e->ecx |= CPUID_HYPERVISOR | (tsc_deadline ? CPUID_TSC_DEADLINE : 0);
	e = cpuid_entry(vm, 6);
	if (!e)
		return -1;
	e->eax |= CPUID_ARAT;
	if (!tsc_khz)
		return 0;

	/*
	 * TSC kHz = crystal kHz * EBX / EAX, computed by the kernel in 32
	 * bits: reduce the fraction, and halve it while the product would
	 * overflow (only TSCs above 4.29 GHz with an odd kHz value lose
	 * precision).
	 */
	num = tsc_khz;
	den = APIC_BUS_HZ / 1000;
	g = gcd(num, den);
	num /= g;
	den /= g;
	while ((uint64_t)(APIC_BUS_HZ / 1000) * num > UINT32_MAX && den > 1) {
		num = (num + 1) / 2;
		den = (den + 1) / 2;
	}
	e = cpuid_entry(vm, 0x15);
	if (!e)
		return -1;
	e->eax = den;
	e->ebx = num;
	e->ecx = APIC_BUS_HZ;
	e->edx = 0;
	e = cpuid_entry(vm, 0x16);
	if (!e)
		return -1;
	e->eax = tsc_khz / 1000;	/* base MHz */
	e->ebx = tsc_khz / 1000;	/* maximum MHz */
	e->ecx = APIC_BUS_HZ / 1000000;	/* bus MHz */
	e->edx = 0;
	return 0;
}
