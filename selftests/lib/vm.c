// SPDX-License-Identifier: GPL-2.0
/*
 * A small library for tests written against the x86 KVM ABI; see vm.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest.h"	/* __noreturn, __printf, ARRAY_SIZE */
#include "vm.h"

#define X86_CR0_PE	(1UL << 0)
#define X86_CR0_MP	(1UL << 1)
#define X86_CR0_ET	(1UL << 4)
#define X86_CR0_NE	(1UL << 5)
#define X86_CR0_WP	(1UL << 16)
#define X86_CR0_PG	(1UL << 31)
#define X86_CR4_PAE	(1UL << 5)
#define EFER_LME	(1UL << 8)
#define EFER_LMA	(1UL << 10)

#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_PS		(1ULL << 7)

static void __noreturn __printf(1, 2) vm_die(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	fprintf(stderr, "vm lib: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s (errno %d)\n", strerror(err), err);
	abort();
}

const char *vm_dev_path(void)
{
	const char *p = getenv("KHV_DEV");

	return p && *p ? p : "/dev/khv";
}

int vm_dev_open(void)
{
	return open(vm_dev_path(), O_RDWR | O_CLOEXEC);
}

bool vm_dev_is_kvm(void)
{
	const char *p = vm_dev_path();
	size_t n = strlen(p);

	return n >= 3 && !strcmp(p + n - 3, "kvm");
}

int host_nr_cpus(void)
{
	return (int)sysconf(_SC_NPROCESSORS_ONLN);
}

struct vm *vm_create(void)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		vm_die("calloc");
	vm->sys_fd = vm_dev_open();
	if (vm->sys_fd < 0)
		vm_die("open %s", vm_dev_path());
	vm->fd = ioctl(vm->sys_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		vm_die("KVM_CREATE_VM");
	return vm;
}

struct vm *vm_create_with_mem(size_t size)
{
	struct vm *vm = vm_create();

	vm_add_slot(vm, 0, 0, size, 0);
	vm_init_tables(vm);
	return vm;
}

void vm_destroy(struct vm *vm)
{
	int i;

	/* The VM goes first: memory must not be unmapped under a live slot. */
	close(vm->fd);
	close(vm->sys_fd);
	for (i = 0; i < VM_MAX_SLOTS; i++)
		if (vm->slots[i].used)
			munmap(vm->slots[i].hva, vm->slots[i].size);
	free(vm->cpuid);
	free(vm);
}

static struct vm_slot *slot_record(struct vm *vm, uint32_t slot, bool create)
{
	struct vm_slot *free_rec = NULL;
	int i;

	for (i = 0; i < VM_MAX_SLOTS; i++) {
		if (vm->slots[i].used && vm->slots[i].slot == slot)
			return &vm->slots[i];
		if (!vm->slots[i].used && !free_rec)
			free_rec = &vm->slots[i];
	}
	return create ? free_rec : NULL;
}

int vm_set_region(struct vm *vm, uint32_t slot, uint32_t flags, uint64_t gpa,
		  uint64_t size, void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};
	struct vm_slot *rec;

	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r))
		return -errno;
	rec = slot_record(vm, slot, size != 0);
	if (!rec)
		return 0;
	if (!size) {
		/* The mapping stays; the test that deleted the slot owns it. */
		rec->used = false;
		return 0;
	}
	*rec = (struct vm_slot){ .used = true, .slot = slot, .flags = flags,
				 .gpa = gpa, .size = size, .hva = hva };
	return 0;
}

void *vm_add_slot(struct vm *vm, uint32_t slot, uint64_t gpa, size_t size, uint32_t flags)
{
	void *hva = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	int r;

	if (hva == MAP_FAILED)
		vm_die("mmap %zu bytes", size);
	r = vm_set_region(vm, slot, flags, gpa, size, hva);
	if (r) {
		errno = -r;
		vm_die("KVM_SET_USER_MEMORY_REGION slot %u gpa %#llx size %#zx",
		       slot, (unsigned long long)gpa, size);
	}
	return hva;
}

void *vm_hva(struct vm *vm, uint64_t gpa)
{
	int i;

	for (i = 0; i < VM_MAX_SLOTS; i++) {
		struct vm_slot *s = &vm->slots[i];

		if (s->used && gpa >= s->gpa && gpa - s->gpa < s->size)
			return (char *)s->hva + (gpa - s->gpa);
	}
	return NULL;
}

void vm_write(struct vm *vm, uint64_t gpa, const void *src, size_t len)
{
	void *dst = vm_hva(vm, gpa);

	if (!dst || !vm_hva(vm, gpa + len - 1)) {
		errno = EFAULT;
		vm_die("gpa %#llx + %zu not in a slot", (unsigned long long)gpa, len);
	}
	memcpy(dst, src, len);
}

void vm_load_code(struct vm *vm, struct guest_code code)
{
	size_t len = code.end - code.start;

	if (len > GUEST_CODE_SIZE) {
		errno = E2BIG;
		vm_die("guest code of %zu bytes", len);
	}
	vm_write(vm, GUEST_CODE_GPA, code.start, len);
}

/* The segments a guest runs on; the GDT holds the same descriptors. */
static struct kvm_segment flat_seg(uint16_t sel)
{
	struct kvm_segment s = {
		.limit = 0xffffffff, .selector = sel, .present = 1, .s = 1,
		.g = 1, .db = 1, .type = 0x3,		/* data, RW, accessed */
	};

	switch (sel) {
	case SEL_CODE32:
		s.type = 0xb;				/* code, RX, accessed */
		break;
	case SEL_CODE64:
		s.type = 0xb;
		s.l = 1;
		s.db = 0;
		break;
	case SEL_CODE16:
		s.type = 0xb;
		/* fall through */
	case SEL_DATA16:
		s.limit = 0xffff;
		s.g = 0;
		s.db = 0;
		break;
	}
	return s;
}

/* Descriptor encoding: SDM Vol. 3A 3.4.5 "Segment Descriptors". */
static uint64_t gdt_entry(const struct kvm_segment *s)
{
	uint32_t limit = s->g ? s->limit >> 12 : s->limit;

	return (limit & 0xffffULL) | ((s->base & 0xffffffULL) << 16) |
	       ((uint64_t)s->type << 40) | ((uint64_t)s->s << 44) |
	       ((uint64_t)s->dpl << 45) | ((uint64_t)s->present << 47) |
	       ((uint64_t)(limit >> 16 & 0xf) << 48) | ((uint64_t)s->l << 53) |
	       ((uint64_t)s->db << 54) | ((uint64_t)s->g << 55) |
	       ((s->base >> 24 & 0xffULL) << 56);
}

void vm_init_tables(struct vm *vm)
{
	static const uint16_t sels[] = {
		SEL_CODE32, SEL_DATA32, SEL_CODE64, SEL_CODE16, SEL_DATA16,
	};
	uint64_t gdt[GUEST_GDT_ENTRIES] = { 0 };
	uint64_t *pml4, *pdpt, *pd;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sels); i++) {
		struct kvm_segment s = flat_seg(sels[i]);

		gdt[sels[i] / 8] = gdt_entry(&s);
	}
	vm_write(vm, GUEST_GDT_GPA, gdt, sizeof(gdt));

	pml4 = vm_hva(vm, GUEST_PML4_GPA);
	pdpt = vm_hva(vm, GUEST_PDPT_GPA);
	pd = vm_hva(vm, GUEST_PD_GPA);
	if (!pml4 || !pdpt || !pd || !vm_hva(vm, GUEST_PD_GPA + 4 * 4096 - 1)) {
		errno = EFAULT;
		vm_die("page tables outside slot 0");
	}
	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	pml4[0] = GUEST_PDPT_GPA | PTE_P | PTE_RW;
	for (i = 0; i < 4; i++)
		pdpt[i] = (GUEST_PD_GPA + i * 4096ULL) | PTE_P | PTE_RW;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((uint64_t)i << 21) | PTE_P | PTE_RW | PTE_PS;
}

/* CPUID.1:ECX[31] says "running under a hypervisor"; VMMs set it, KVM does not. */
static void cpuid_set_hypervisor_bit(struct kvm_cpuid2 *c)
{
	uint32_t i;

	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == 1)
			c->entries[i].ecx |= 1u << 31;
}

/*
 * A VMM tells the vCPU its CPUID before running it; KVM refuses long mode
 * in SET_SREGS until CPUID advertises it. Done when the device offers it.
 */
static void vcpu_set_supported_cpuid(struct vcpu *v)
{
	struct vm *vm = v->vm;
	int nent = 64;

	if (ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_EXT_CPUID) <= 0)
		return;
	while (!vm->cpuid) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));

		if (!c)
			vm_die("calloc");
		c->nent = nent;
		if (!ioctl(vm->sys_fd, KVM_GET_SUPPORTED_CPUID, c)) {
			vm->cpuid = c;
			cpuid_set_hypervisor_bit(c);
			break;
		}
		free(c);
		if (errno != E2BIG || nent >= 4096)
			vm_die("KVM_GET_SUPPORTED_CPUID");
		nent *= 2;
	}
	if (ioctl(v->fd, KVM_SET_CPUID2, vm->cpuid))
		vm_die("KVM_SET_CPUID2");
}

struct vcpu *vcpu_add(struct vm *vm, int id)
{
	struct vcpu *v = calloc(1, sizeof(*v));
	int size;

	if (!v)
		vm_die("calloc");
	v->vm = vm;
	v->id = id;
	v->fd = ioctl(vm->fd, KVM_CREATE_VCPU, id);
	if (v->fd < 0)
		vm_die("KVM_CREATE_VCPU %d", id);
	size = ioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run))
		vm_die("KVM_GET_VCPU_MMAP_SIZE = %d", size);
	v->run_size = size;
	v->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		vm_die("mmap of vCPU %d", id);
	vcpu_set_supported_cpuid(v);
	return v;
}

void vcpu_free(struct vcpu *v)
{
	munmap(v->run, v->run_size);
	close(v->fd);
	free(v);
}

void vcpu_get_regs(struct vcpu *v, struct kvm_regs *regs)
{
	if (ioctl(v->fd, KVM_GET_REGS, regs))
		vm_die("KVM_GET_REGS");
}

void vcpu_set_regs(struct vcpu *v, const struct kvm_regs *regs)
{
	if (ioctl(v->fd, KVM_SET_REGS, regs))
		vm_die("KVM_SET_REGS");
}

void vcpu_get_sregs(struct vcpu *v, struct kvm_sregs *sregs)
{
	if (ioctl(v->fd, KVM_GET_SREGS, sregs))
		vm_die("KVM_GET_SREGS");
}

void vcpu_set_sregs(struct vcpu *v, const struct kvm_sregs *sregs)
{
	if (ioctl(v->fd, KVM_SET_SREGS, sregs))
		vm_die("KVM_SET_SREGS");
}

void vcpu_set_mode(struct vcpu *v, enum guest_mode mode, uint64_t rip)
{
	struct kvm_sregs sr;
	struct kvm_regs regs;
	uint16_t code, data;

	vcpu_get_sregs(v, &sr);
	sr.gdt.base = GUEST_GDT_GPA;
	sr.gdt.limit = GUEST_GDT_ENTRIES * 8 - 1;
	/* No IDT: a stray exception ends in a triple fault, not in a hang. */
	sr.idt.base = 0;
	sr.idt.limit = 0;
	sr.cr0 &= ~(X86_CR0_PE | X86_CR0_PG);
	sr.cr4 = 0;
	sr.efer = 0;

	switch (mode) {
	case MODE_REAL:
		/* Real-mode segments: selector 0, base 0, 64 KiB, 16-bit. */
		sr.cs = flat_seg(SEL_CODE16);
		sr.ds = sr.es = sr.fs = sr.gs = sr.ss = flat_seg(SEL_DATA16);
		sr.cs.selector = 0;
		sr.ds.selector = sr.es.selector = sr.fs.selector = 0;
		sr.gs.selector = sr.ss.selector = 0;
		break;
	case MODE_PROT32:
		sr.cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE;
		break;
	case MODE_LONG64:
		sr.cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
			 X86_CR0_WP | X86_CR0_PG;
		sr.cr3 = GUEST_PML4_GPA;
		sr.cr4 = X86_CR4_PAE;
		sr.efer = EFER_LME | EFER_LMA;
		break;
	}
	if (mode != MODE_REAL) {
		code = mode == MODE_LONG64 ? SEL_CODE64 : SEL_CODE32;
		data = SEL_DATA32;
		sr.cs = flat_seg(code);
		sr.ds = sr.es = sr.fs = sr.gs = sr.ss = flat_seg(data);
	}
	vcpu_set_sregs(v, &sr);

	memset(&regs, 0, sizeof(regs));
	regs.rip = rip;
	regs.rsp = GUEST_STACK_TOP;
	/* IF=1: Bochs starves the host while a guest spins with IF=0. */
	regs.rflags = 0x202;
	vcpu_set_regs(v, &regs);
}

int vcpu_run(struct vcpu *v)
{
	if (ioctl(v->fd, KVM_RUN, 0)) {
		v->run_err = errno;
		return -errno;
	}
	v->run_err = 0;
	return 0;
}

int vcpu_run_exit(struct vcpu *v)
{
	if (vcpu_run(v)) {
		errno = v->run_err;
		vm_die("KVM_RUN on vCPU %d", v->id);
	}
	return (int)v->run->exit_reason;
}

void *vcpu_io_data(struct vcpu *v)
{
	return (char *)v->run + v->run->io.data_offset;
}

bool vcpu_is_io(struct vcpu *v, uint16_t port, uint8_t dir, uint8_t size)
{
	struct kvm_run *run = v->run;

	return !v->run_err && run->exit_reason == KVM_EXIT_IO &&
	       run->io.port == port && run->io.direction == dir &&
	       run->io.size == size;
}

long vcpu_run_report(struct vcpu *v)
{
	uint32_t code;

	if (vcpu_run(v))
		return -1;
	if (!vcpu_is_io(v, REPORT_PORT, KVM_EXIT_IO_OUT, 4) || v->run->io.count != 1)
		return -1;
	/* data_offset comes from the hypervisor: check it before using it. */
	if (v->run->io.data_offset > v->run_size - 4)
		return -1;
	memcpy(&code, vcpu_io_data(v), 4);
	vcpu_get_regs(v, &v->regs);
	return code;
}

const char *exit_reason_str(uint32_t reason)
{
	static const char * const names[] = {
		[KVM_EXIT_UNKNOWN] = "UNKNOWN",
		[KVM_EXIT_EXCEPTION] = "EXCEPTION",
		[KVM_EXIT_IO] = "IO",
		[KVM_EXIT_HYPERCALL] = "HYPERCALL",
		[KVM_EXIT_DEBUG] = "DEBUG",
		[KVM_EXIT_HLT] = "HLT",
		[KVM_EXIT_MMIO] = "MMIO",
		[KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
		[KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
		[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
		[KVM_EXIT_INTR] = "INTR",
		[KVM_EXIT_SET_TPR] = "SET_TPR",
		[KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
		[KVM_EXIT_NMI] = "NMI",
		[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
		[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
	};

	if (reason < ARRAY_SIZE(names) && names[reason])
		return names[reason];
	return "?";
}

const char *vcpu_exit_str(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	struct kvm_regs regs;
	char *p = v->desc;
	size_t n = sizeof(v->desc);
	int len;

	if (v->run_err) {
		snprintf(p, n, "KVM_RUN failed: %s", strerror(v->run_err));
		return v->desc;
	}
	len = snprintf(p, n, "exit %u (%s)", run->exit_reason,
		       exit_reason_str(run->exit_reason));
	p += len;
	n -= len;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		len = snprintf(p, n, " %s port %#x size %u count %u",
			       run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
			       run->io.port, run->io.size, run->io.count);
		if (run->io.direction == KVM_EXIT_IO_OUT &&
		    run->io.data_offset <= v->run_size - 4) {
			uint32_t d;

			memcpy(&d, vcpu_io_data(v), 4);
			snprintf(p + len, n - len, " data %#x", d);
		}
		break;
	case KVM_EXIT_MMIO:
		snprintf(p, n, " %s gpa %#llx len %u",
			 run->mmio.is_write ? "write" : "read",
			 (unsigned long long)run->mmio.phys_addr, run->mmio.len);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(p, n, " hardware reason %#llx",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(p, n, " suberror %u", run->internal.suberror);
		break;
	default:
		break;
	}
	len = strlen(v->desc);
	if (!ioctl(v->fd, KVM_GET_REGS, &regs))
		snprintf(v->desc + len, sizeof(v->desc) - len,
			 "; rip %#llx rax %#llx rbx %#llx rcx %#llx",
			 regs.rip, regs.rax, regs.rbx, regs.rcx);
	return v->desc;
}
