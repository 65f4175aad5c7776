// SPDX-License-Identifier: GPL-2.0
/*
 * Intel MultiProcessor Specification 1.4 tables, which is how a kernel
 * booted with acpi=off (or without ACPI tables) finds its CPUs, the IOAPIC
 * and how ISA interrupts reach it:
 *
 *   0xf0000  MP floating pointer structure ("_MP_", 16 bytes), in the BIOS
 *            area a kernel scans (MP spec 4.1; reserved in the e820 map)
 *   0xf0010  configuration table ("PCMP" header, then the entries):
 *            one processor per vCPU (APIC ID = vCPU index, vCPU 0 the
 *            BSP), one ISA bus, the IOAPIC at 0xfec00000 (ID = number of
 *            vCPUs, so no APIC ID is taken twice), ISA IRQ n on IOAPIC pin
 *            n for n = 0..15 except the cascade 2 (the in-kernel irqchip's
 *            default GSI routes), LINT0 ExtINT and LINT1 NMI on every CPU.
 *
 * Feature byte 2 says "no IMCR": the PICs are in virtual wire mode, as the
 * in-kernel APIC presents the BSP's LINT0.
 */
#include <string.h>

#include "khvctl.h"

#define MP_ADDR			0xf0000
#define MP_TABLE_ADDR		(MP_ADDR + 16)
#define MP_AREA_END		0x100000
#define LAPIC_ADDR		0xfee00000U
#define IOAPIC_ADDR		0xfec00000U
#define IOAPIC_VERSION		0x11
#define LAPIC_VERSION		0x14
#define MP_SPEC_REV		4		/* 1.4 */

enum { MP_PROCESSOR, MP_BUS, MP_IOAPIC, MP_IOINTR, MP_LINTR };
enum { MP_INT, MP_NMI, MP_SMI, MP_EXTINT };
#define CPU_ENABLED		0x01
#define CPU_BSP			0x02
#define IOAPIC_ENABLED		0x01
#define ISA_BUS			0
#define ALL_LAPICS		0xff
#define ISA_IRQS		16
#define CASCADE_IRQ		2

struct mp_fp {
	char sig[4];			/* "_MP_" */
	uint32_t table;
	uint8_t length;			/* in 16-byte units */
	uint8_t rev;
	uint8_t checksum;
	uint8_t feature[5];
};

struct mp_header {
	char sig[4];			/* "PCMP" */
	uint16_t length;		/* header and base entries */
	uint8_t rev;
	uint8_t checksum;
	char oem[8];
	char product[12];
	uint32_t oem_table;
	uint16_t oem_size;
	uint16_t count;
	uint32_t lapic;
	uint16_t ext_length;
	uint8_t ext_checksum;
	uint8_t reserved;
};

struct mp_cpu {
	uint8_t type;
	uint8_t apic_id;
	uint8_t apic_ver;
	uint8_t flags;
	uint32_t signature;
	uint32_t features;
	uint32_t reserved[2];
};

struct mp_bus {
	uint8_t type;
	uint8_t id;
	char name[6];
};

struct mp_ioapic {
	uint8_t type;
	uint8_t id;
	uint8_t ver;
	uint8_t flags;
	uint32_t addr;
};

/* I/O and local interrupt assignments share one layout. */
struct mp_intr {
	uint8_t type;
	uint8_t kind;
	uint16_t flags;			/* 0: polarity and trigger of the bus */
	uint8_t src_bus;
	uint8_t src_irq;
	uint8_t dst_id;			/* IOAPIC ID, or local APIC ID */
	uint8_t dst_pin;		/* INTIN# or LINTIN# */
};

/* Every field is naturally aligned: no packing needed, none happens. */
_Static_assert(sizeof(struct mp_fp) == 16, "MP floating pointer");
_Static_assert(sizeof(struct mp_header) == 44, "MP table header");
_Static_assert(sizeof(struct mp_cpu) == 20, "MP processor entry");
_Static_assert(sizeof(struct mp_bus) == 8 && sizeof(struct mp_ioapic) == 8 &&
	       sizeof(struct mp_intr) == 8, "MP 8-byte entries");

static uint8_t checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return -sum;
}

/* CPUID leaf 1 EAX and EDX of the vCPUs, for the processor entries. */
static void cpu_signature(struct vm *vm, uint32_t *sig, uint32_t *features)
{
	uint32_t i;

	*sig = 0;
	*features = 0;
	for (i = 0; vm->cpuid && i < vm->cpuid->nent; i++) {
		if (vm->cpuid->entries[i].function == 1) {
			*sig = vm->cpuid->entries[i].eax;
			*features = vm->cpuid->entries[i].edx;
		}
	}
}

int mptable_write(struct vm *vm, int nr_cpus)
{
	size_t size = sizeof(struct mp_header) + nr_cpus * sizeof(struct mp_cpu) +
		      sizeof(struct mp_bus) + sizeof(struct mp_ioapic) +
		      (ISA_IRQS - 1 + 2) * sizeof(struct mp_intr);
	uint8_t *area = vm_gpa(vm, MP_ADDR, MP_AREA_END - MP_ADDR);
	struct mp_fp *fp = (struct mp_fp *)area;
	struct mp_header *h = (struct mp_header *)(area + 16);
	uint8_t *p = (uint8_t *)(h + 1);
	uint8_t ioapic_id = nr_cpus;
	struct mp_bus *bus;
	struct mp_ioapic *io;
	uint32_t sig, features;
	int i, count = 0;

	if (!area || 16 + size > MP_AREA_END - MP_ADDR || nr_cpus >= ALL_LAPICS)
		return -1;
	memset(area, 0, 16 + size);
	cpu_signature(vm, &sig, &features);

	for (i = 0; i < nr_cpus; i++, count++) {
		struct mp_cpu *c = (struct mp_cpu *)p;

		c->type = MP_PROCESSOR;
		c->apic_id = i;
		c->apic_ver = LAPIC_VERSION;
		c->flags = CPU_ENABLED | (i ? 0 : CPU_BSP);
		c->signature = sig;
		c->features = features;
		p += sizeof(*c);
	}

	bus = (struct mp_bus *)p;
	bus->type = MP_BUS;
	bus->id = ISA_BUS;
	memcpy(bus->name, "ISA   ", 6);
	p += sizeof(*bus);
	count++;

	io = (struct mp_ioapic *)p;
	io->type = MP_IOAPIC;
	io->id = ioapic_id;
	io->ver = IOAPIC_VERSION;
	io->flags = IOAPIC_ENABLED;
	io->addr = IOAPIC_ADDR;
	p += sizeof(*io);
	count++;

	for (i = 0; i < ISA_IRQS; i++) {
		struct mp_intr *in = (struct mp_intr *)p;

		if (i == CASCADE_IRQ)
			continue;
		in->type = MP_IOINTR;
		in->kind = MP_INT;
		in->src_bus = ISA_BUS;
		in->src_irq = i;
		in->dst_id = ioapic_id;
		in->dst_pin = i;
		p += sizeof(*in);
		count++;
	}
	for (i = 0; i < 2; i++) {
		struct mp_intr *in = (struct mp_intr *)p;

		in->type = MP_LINTR;
		in->kind = i ? MP_NMI : MP_EXTINT;
		in->src_bus = ISA_BUS;
		in->dst_id = ALL_LAPICS;
		in->dst_pin = i;
		p += sizeof(*in);
		count++;
	}

	memcpy(h->sig, "PCMP", 4);
	h->length = p - (uint8_t *)h;
	h->rev = MP_SPEC_REV;
	memcpy(h->oem, "KHV     ", 8);
	memcpy(h->product, "khvctl      ", 12);
	h->count = count;
	h->lapic = LAPIC_ADDR;
	h->checksum = checksum(h, h->length);

	memcpy(fp->sig, "_MP_", 4);
	fp->table = MP_TABLE_ADDR;
	fp->length = 1;
	fp->rev = MP_SPEC_REV;
	fp->checksum = checksum(fp, sizeof(*fp));
	return 0;
}
