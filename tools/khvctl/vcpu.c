// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU: its fd, its mmap'd struct kvm_run, and the run loop with one small
 * handler per exit reason. A handler returns VCPU_CONTINUE to re-enter the
 * guest, or the exit status that ends this vCPU's run.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "khvctl.h"

#define X86_EFLAGS_IF	(1UL << 9)

int vcpu_create(struct vm *vm, struct vcpu *vcpu, int id)
{
	void *run;

	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->run = NULL;
	snprintf(vcpu->name, sizeof(vcpu->name), "vcpu %d", id);
	vcpu->fd = SYS_IOCTL(vm->fd, KVM_CREATE_VCPU, id);
	if (vcpu->fd < 0)
		return -1;
	run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu->fd, 0);
	if (run == MAP_FAILED) {
		khv_err("%s: %s: mmap of kvm_run: %s", khvctl_dev, vcpu->name,
			strerror(errno));
		return -1;
	}
	vcpu->run = run;
	return 0;
}

/*
 * Give the vCPU the CPUID the device supports (kvm_intel refuses long mode
 * in KVM_SET_SREGS until CPUID advertises it), with its own APIC ID in leaf
 * 1 EBX[31:24] and in EDX of the x2APIC topology leaves 0xb and 0x1f.
 */
int vcpu_set_cpuid(struct vcpu *vcpu)
{
	struct kvm_cpuid2 *c = vcpu->vm->cpuid;
	uint32_t i;

	if (!c)
		return 0;
	for (i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function == 1)
			e->ebx = (e->ebx & 0x00ffffff) | (uint32_t)vcpu->id << 24;
		else if (e->function == 0xb || e->function == 0x1f)
			e->edx = vcpu->id;
	}
	return VCPU_IOCTL(vcpu, KVM_SET_CPUID2, c) < 0 ? -1 : 0;
}

void vcpu_destroy(struct vcpu *vcpu)
{
	if (!vcpu->vm)
		return;
	if (vcpu->run)
		munmap(vcpu->run, vcpu->vm->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->vm = NULL;
}

static void dump_seg(const char *name, const struct kvm_segment *s)
{
	fprintf(stderr, "  %-3s sel %04x base %016llx limit %08x type %x%s%s%s\n",
		name, s->selector, (unsigned long long)s->base, s->limit, s->type,
		s->present ? " p" : "", s->l ? " l" : "", s->db ? " db" : "");
}

/* Registers and the code bytes at RIP, after an exit that ends the run. */
void vcpu_dump(struct vcpu *vcpu)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	uint8_t *code;
	uint64_t pc;
	int i;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(vcpu->fd, KVM_GET_SREGS, &s) < 0) {
		khv_err("%s: %s: cannot read registers: %s", khvctl_dev,
			vcpu->name, strerror(errno));
		return;
	}
	fprintf(stderr,
		"  rip %016llx rsp %016llx rflags %016llx\n"
		"  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n"
		"  rsi %016llx rdi %016llx rbp %016llx\n"
		"  r8  %016llx r9  %016llx r10 %016llx r11 %016llx\n"
		"  r12 %016llx r13 %016llx r14 %016llx r15 %016llx\n"
		"  cr0 %016llx cr2 %016llx cr3 %016llx cr4 %016llx efer %llx\n",
		r.rip, r.rsp, r.rflags, r.rax, r.rbx, r.rcx, r.rdx, r.rsi,
		r.rdi, r.rbp, r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14,
		r.r15, s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
	dump_seg("cs", &s.cs);
	dump_seg("ss", &s.ss);
	dump_seg("ds", &s.ds);
	dump_seg("tr", &s.tr);
	fprintf(stderr, "  gdt %016llx/%x idt %016llx/%x\n", s.gdt.base,
		s.gdt.limit, s.idt.base, s.idt.limit);

	/* khvctl's page tables are an identity map: linear == physical. */
	pc = s.cs.base + r.rip;
	code = vm_gpa(vcpu->vm, pc, 16);
	if (!code)
		return;
	fprintf(stderr, "  code at %llx:", (unsigned long long)pc);
	for (i = 0; i < 16; i++)
		fprintf(stderr, " %02x", code[i]);
	fputc('\n', stderr);
}

static int handle_hlt(struct vcpu *vcpu)
{
	struct kvm_regs regs;

	if (VCPU_IOCTL(vcpu, KVM_GET_REGS, &regs) < 0)
		return KHVCTL_ERROR;
	/*
	 * khvctl injects no interrupts, so HLT with IF=0 can never end: the
	 * guest is done. With IF=1, act as if an interrupt woke it up.
	 */
	if (!(regs.rflags & X86_EFLAGS_IF)) {
		if (khvctl_verbose)
			khv_err("%s: halted with interrupts disabled at rip %llx",
				vcpu->name, regs.rip);
		return KHVCTL_OK;
	}
	return VCPU_CONTINUE;
}

static int handle_mmio(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint64_t data = 0;

	memcpy(&data, run->mmio.data, run->mmio.len < 8 ? run->mmio.len : 8);
	khv_err("%s: unhandled KVM_EXIT_MMIO: %s of %u bytes at %llx%s%llx: no memory or device there",
		vcpu->name, run->mmio.is_write ? "write" : "read",
		run->mmio.len, (unsigned long long)run->mmio.phys_addr,
		run->mmio.is_write ? ", data " : "",
		run->mmio.is_write ? (unsigned long long)data : 0ULL);
	vcpu_dump(vcpu);
	return KHVCTL_UNHANDLED;
}

static int handle_shutdown(struct vcpu *vcpu)
{
	khv_err("%s: guest triple fault (KVM_EXIT_SHUTDOWN)", vcpu->name);
	vcpu_dump(vcpu);
	return KHVCTL_SHUTDOWN;
}

static int handle_fail_entry(struct vcpu *vcpu)
{
	khv_err("%s: KVM_EXIT_FAIL_ENTRY: hardware entry failure reason %#llx on cpu %u",
		vcpu->name,
		(unsigned long long)vcpu->run->fail_entry.hardware_entry_failure_reason,
		vcpu->run->fail_entry.cpu);
	vcpu_dump(vcpu);
	return KHVCTL_UNHANDLED;
}

static int handle_internal_error(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint32_t i, n = run->internal.ndata;

	khv_err("%s: KVM_EXIT_INTERNAL_ERROR: suberror %u, %u data words",
		vcpu->name, run->internal.suberror, n);
	for (i = 0; i < n && i < 16; i++)
		fprintf(stderr, "  data[%u] %016llx\n", i,
			(unsigned long long)run->internal.data[i]);
	vcpu_dump(vcpu);
	return KHVCTL_UNHANDLED;
}

static int handle_unknown(struct vcpu *vcpu)
{
	uint32_t reason = vcpu->run->exit_reason;

	khv_err("%s: unhandled exit KVM_EXIT_%s (%u)", vcpu->name,
		kvm_exit_name(reason), reason);
	if (reason == KVM_EXIT_UNKNOWN)
		fprintf(stderr, "  hardware exit reason %#llx\n",
			(unsigned long long)vcpu->run->hw.hardware_exit_reason);
	vcpu_dump(vcpu);
	return KHVCTL_UNHANDLED;
}

static int (*const exit_handlers[])(struct vcpu *vcpu) = {
	[KVM_EXIT_IO]			= ioport_handle,
	[KVM_EXIT_HLT]			= handle_hlt,
	[KVM_EXIT_MMIO]			= handle_mmio,
	[KVM_EXIT_SHUTDOWN]		= handle_shutdown,
	[KVM_EXIT_FAIL_ENTRY]		= handle_fail_entry,
	[KVM_EXIT_INTERNAL_ERROR]	= handle_internal_error,
};

#define NR_HANDLERS ARRAY_SIZE(exit_handlers)
#define NR_COUNTS ARRAY_SIZE(((struct vcpu *)0)->exits)

/*
 * Run until an exit ends this vCPU, or until run_end() (another vCPU, the
 * timeout or a signal) kicks it out of KVM_RUN with EINTR. Returns the
 * status, or VCPU_CONTINUE when the end came from outside.
 */
int vcpu_loop(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint32_t reason;
	int status;

	for (;;) {
		if (run_ending())
			return VCPU_CONTINUE;
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				run->immediate_exit = 0;
				continue;
			}
			khv_err("%s: %s: KVM_RUN: %s", khvctl_dev, vcpu->name,
				strerror(errno));
			return KHVCTL_ERROR;
		}
		reason = run->exit_reason;
		vcpu->exits[reason < NR_COUNTS ? reason : NR_COUNTS - 1]++;
		if (reason < NR_HANDLERS && exit_handlers[reason])
			status = exit_handlers[reason](vcpu);
		else
			status = handle_unknown(vcpu);
		if (status != VCPU_CONTINUE)
			return status;
	}
}

void vcpu_print_exits(struct vcpu *vcpu)
{
	char buf[512];
	size_t i, len = 0;
	uint64_t total = 0;

	buf[0] = '\0';
	for (i = 0; i < NR_COUNTS; i++) {
		if (!vcpu->exits[i])
			continue;
		total += vcpu->exits[i];
		len += snprintf(buf + len, sizeof(buf) - len, " %s %llu",
				i == NR_COUNTS - 1 ? "other" : kvm_exit_name(i),
				(unsigned long long)vcpu->exits[i]);
		if (len >= sizeof(buf))
			break;
	}
	khv_err("%s: %llu exits%s%s", vcpu->name, (unsigned long long)total,
		total ? ":" : "", buf);
}
