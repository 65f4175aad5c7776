// SPDX-License-Identifier: GPL-2.0
/*
 * Running guests: the reset state and vector, HLT, CPUID and triple faults
 * in real mode, 32-bit protected mode and 64-bit mode (fixture variants), a
 * guest that switches from real to long mode itself, and a VM entry the CPU
 * refuses. Guests are in guests/basic.S.
 */
#include <cpuid.h>
#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vm.h"

GUEST_DECLARE(hlt16); GUEST_DECLARE(hlt32); GUEST_DECLARE(hlt64);
GUEST_DECLARE(cpuid16); GUEST_DECLARE(cpuid32); GUEST_DECLARE(cpuid64);
GUEST_DECLARE(triple16); GUEST_DECLARE(triple32); GUEST_DECLARE(triple64);
GUEST_DECLARE(vmcall32); GUEST_DECLARE(vmcall64);

FIXTURE(guest) {
	struct vm *vm;
	struct vcpu *v;
};

FIXTURE_VARIANT(guest) {
	enum guest_mode mode;
	struct guest_code hlt, cpuid, triple;
};

FIXTURE_VARIANT_ADD(guest, real) {
	.mode = MODE_REAL,
	.hlt = GUEST_INIT(hlt16), .cpuid = GUEST_INIT(cpuid16),
	.triple = GUEST_INIT(triple16),
};

FIXTURE_VARIANT_ADD(guest, prot32) {
	.mode = MODE_PROT32,
	.hlt = GUEST_INIT(hlt32), .cpuid = GUEST_INIT(cpuid32),
	.triple = GUEST_INIT(triple32),
};

FIXTURE_VARIANT_ADD(guest, long64) {
	.mode = MODE_LONG64,
	.hlt = GUEST_INIT(hlt64), .cpuid = GUEST_INIT(cpuid64),
	.triple = GUEST_INIT(triple64),
};

FIXTURE_SETUP(guest)
{
	self->vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	self->v = vcpu_add(self->vm, 0);
}

FIXTURE_TEARDOWN(guest)
{
	vcpu_free(self->v);
	vm_destroy(self->vm);
}

static void start(struct vm *vm, struct vcpu *v, enum guest_mode mode, struct guest_code g)
{
	vm_load_code(vm, g);
	vcpu_set_mode(v, mode, GUEST_CODE_GPA);
}

/* KVM_EXIT_HLT with RIP already past the 1-byte HLT; RUN resumes there. */
TEST_F(guest, hlt)
{
	struct kvm_regs regs;

	start(self->vm, self->v, variant->mode, variant->hlt);
	ASSERT_EQ(KVM_EXIT_HLT, vcpu_run_exit(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
	vcpu_get_regs(self->v, &regs);
	EXPECT_EQ(GUEST_CODE_GPA + 1, regs.rip);
	EXPECT_EQ(REPORT_DONE, vcpu_run_report(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
}

static const struct kvm_cpuid_entry2 *cpuid_entry(const struct kvm_cpuid2 *c, uint32_t fn)
{
	uint32_t i;

	for (i = 0; c && i < c->nent; i++)
		if (c->entries[i].function == fn && c->entries[i].index == 0)
			return &c->entries[i];
	return NULL;
}

/*
 * What any hypervisor must show: the host CPU's vendor, the hypervisor bit
 * (CPUID.1:ECX[31]) and extended leaves up to at least 0x80000001. With
 * KVM_SET_CPUID2 (done by the library, hypervisor bit added, when
 * KVM_CAP_EXT_CPUID is offered) the guest sees what the test set, except
 * the bits that follow guest state: OSXSAVE (ECX[27]) follows CR4, APIC
 * (EDX[9]) the APIC base MSR, MONITOR (ECX[3]) may follow MISC_ENABLE.
 */
TEST_F(guest, cpuid)
{
	const uint32_t *d = vm_hva(self->vm, GUEST_DATA_GPA);
	const struct kvm_cpuid_entry2 *e;
	const uint32_t ecx_dyn = 1u << 27 | 1u << 3, edx_dyn = 1u << 9;
	unsigned int a, b, c, dx;

	start(self->vm, self->v, variant->mode, variant->cpuid);
	ASSERT_EQ(REPORT_DONE, vcpu_run_report(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
	__cpuid(0, a, b, c, dx);
	EXPECT_LE(1u, d[0]);
	EXPECT_EQ(b, d[1]);		/* "Genu" */
	EXPECT_EQ(dx, d[3]);		/* "ineI" */
	EXPECT_EQ(c, d[2]);		/* "ntel" */
	EXPECT_EQ(1u << 31, d[4 + 2] & (1u << 31)) TH_LOG("leaf 1 ECX %#x", d[4 + 2]);
	EXPECT_LE(0x80000001u, d[8]);

	e = cpuid_entry(self->vm->cpuid, 0);
	if (e) {
		EXPECT_EQ(e->eax, d[0]);
		EXPECT_EQ(e->ebx, d[1]);
		EXPECT_EQ(e->ecx, d[2]);
		EXPECT_EQ(e->edx, d[3]);
	}
	e = cpuid_entry(self->vm->cpuid, 1);
	if (e) {
		EXPECT_EQ(e->eax, d[4]);
		EXPECT_EQ(e->ecx & ~ecx_dyn, d[6] & ~ecx_dyn);
		EXPECT_EQ(e->edx & ~edx_dyn, d[7] & ~edx_dyn);
	}
	e = cpuid_entry(self->vm->cpuid, 0x80000000);
	if (e)
		EXPECT_EQ(e->eax, d[8]);
}

/* No IDT (limit 0): the first exception escalates to a triple fault. */
TEST_F(guest, triple_fault_is_shutdown)
{
	start(self->vm, self->v, variant->mode, variant->triple);
	EXPECT_EQ(KVM_EXIT_SHUTDOWN, vcpu_run_exit(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
}

/* The architectural state after RESET (SDM Vol. 3A, "Processor State After Reset"). */
TEST(reset_state)
{
	struct vm *vm = vm_create();
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_regs regs;
	struct kvm_sregs sr;

	vcpu_get_regs(v, &regs);
	vcpu_get_sregs(v, &sr);
	EXPECT_EQ(0xfff0ull, regs.rip);
	EXPECT_EQ(0x2ull, regs.rflags);
	EXPECT_EQ(0xf000, sr.cs.selector);
	EXPECT_EQ(0xffff0000ull, sr.cs.base);
	EXPECT_EQ(0xffffu, sr.cs.limit);
	EXPECT_EQ(0ull, sr.ds.base);
	EXPECT_EQ(0xffffu, sr.ds.limit);
	EXPECT_EQ(0ull, sr.ss.base);
	EXPECT_EQ(0x60000010ull, sr.cr0);
	EXPECT_EQ(0ull, sr.cr3);
	EXPECT_EQ(0ull, sr.cr4);
	EXPECT_EQ(0ull, sr.efer);
	EXPECT_EQ(0xffff, sr.gdt.limit);
	EXPECT_EQ(0xffff, sr.idt.limit);
	vcpu_free(v);
	vm_destroy(vm);
}

/* An untouched vCPU starts at 0xfffffff0 (CS.base 0xffff0000 + 0xfff0). */
TEST(reset_vector_runs)
{
	struct vm *vm = vm_create();
	struct vcpu *v = vcpu_add(vm, 0);
	struct guest_code g = GUEST_CODE(reset_vector);
	struct kvm_regs regs;

	vm_add_slot(vm, 0, 0xfffff000, 0x1000, 0);
	vm_write(vm, 0xfffffff0, g.start, g.end - g.start);
	ASSERT_EQ(REPORT_DONE, vcpu_run_report(v)) TH_LOG("%s", vcpu_exit_str(v));
	ASSERT_EQ(KVM_EXIT_HLT, vcpu_run_exit(v)) TH_LOG("%s", vcpu_exit_str(v));
	vcpu_get_regs(v, &regs);
	EXPECT_EQ(0xfff0ull + (g.end - g.start), regs.rip);
	vcpu_free(v);
	vm_destroy(vm);
}

/*
 * The guest sets CR0.PE, far-jumps to 32-bit code, enables PAE, EFER.LME
 * (WRMSR) and paging, and far-jumps to 64-bit code, reporting each stage.
 */
TEST(real_to_long_mode_switch)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_sregs sr;

	vm_load_code(vm, GUEST_CODE(mode_switch));
	vcpu_set_mode(v, MODE_REAL, GUEST_CODE_GPA);
	ASSERT_EQ(REPORT_VALUE, vcpu_run_report(v)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(16ull, v->regs.rcx);

	ASSERT_EQ(REPORT_VALUE, vcpu_run_report(v)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(32ull, v->regs.rcx);
	vcpu_get_sregs(v, &sr);
	EXPECT_EQ(1ull, sr.cr0 & 1);
	EXPECT_EQ(SEL_CODE32, sr.cs.selector);
	EXPECT_EQ(1, sr.cs.db);
	EXPECT_EQ(SEL_DATA32, sr.ds.selector);

	ASSERT_EQ(REPORT_VALUE, vcpu_run_report(v)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(64ull, v->regs.rcx);
	vcpu_get_sregs(v, &sr);
	EXPECT_EQ(0x80000001ull, sr.cr0 & 0x80000001);
	EXPECT_EQ(0x20ull, sr.cr4 & 0x20);
	EXPECT_EQ(0x500ull, sr.efer & 0x500);		/* LME and LMA */
	EXPECT_EQ(GUEST_PML4_GPA, sr.cr3);
	EXPECT_EQ(SEL_CODE64, sr.cs.selector);
	EXPECT_EQ(1, sr.cs.l);

	EXPECT_EQ(REPORT_DONE, vcpu_run_report(v)) TH_LOG("%s", vcpu_exit_str(v));
	vcpu_free(v);
	vm_destroy(vm);
}

/*
 * An unknown hypercall number: -KVM_ENOSYS (-1000) in RAX, in the kernel
 * (no exit to userspace), and the guest goes on after VMCALL; 32 bits wide
 * outside 64-bit mode.
 */
TEST(vmcall_unknown_hypercall)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);

	start(vm, v, MODE_LONG64, GUEST_CODE(vmcall64));
	ASSERT_EQ(REPORT_VALUE, vcpu_run_report(v)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ((uint64_t)-1000, v->regs.rcx);
	vcpu_free(v);

	v = vcpu_add(vm, 1);
	start(vm, v, MODE_PROT32, GUEST_CODE(vmcall32));
	ASSERT_EQ(REPORT_VALUE, vcpu_run_report(v)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ((uint64_t)(uint32_t)-1000, v->regs.rcx & 0xffffffff);
	vcpu_free(v);
	vm_destroy(vm);
}

/*
 * Exit reason bit 31 (VM-entry failure) | basic reason 33, "VM-entry failure
 * due to invalid guest state" (SDM Vol. 3C, appendix C).
 */
#define ENTRY_FAIL_GUEST_STATE	0x80000021ull

/*
 * In IA-32e mode a code segment with L=1 must have D=0 (SDM Vol. 3C,
 * "Checks on Guest Segment Registers").
 * SET_SREGS accepts it, the CPU refuses the VM entry: KVM_EXIT_FAIL_ENTRY.
 */
TEST(fail_entry_cs_l_and_d)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_sregs sr;

	vm_load_code(vm, GUEST_CODE(hlt64));
	vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
	vcpu_get_sregs(v, &sr);
	sr.cs.db = 1;
	vcpu_set_sregs(v, &sr);
	ASSERT_EQ(KVM_EXIT_FAIL_ENTRY, vcpu_run_exit(v)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(ENTRY_FAIL_GUEST_STATE, v->run->fail_entry.hardware_entry_failure_reason);
	vcpu_free(v);
	vm_destroy(vm);
}

/*
 * RFLAGS bit 3 is reserved and must be 0 (SDM Vol. 3C, "Checks on Guest
 * RIP, RFLAGS, and SSP"); SET_REGS stores it as given.
 */
TEST(fail_entry_rflags_reserved)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_regs regs;

	vm_load_code(vm, GUEST_CODE(hlt64));
	vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
	vcpu_get_regs(v, &regs);
	regs.rflags |= 1 << 3;
	vcpu_set_regs(v, &regs);
	ASSERT_EQ(KVM_EXIT_FAIL_ENTRY, vcpu_run_exit(v)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(ENTRY_FAIL_GUEST_STATE, v->run->fail_entry.hardware_entry_failure_reason);
	vcpu_free(v);
	vm_destroy(vm);
}

TEST_HARNESS_MAIN
