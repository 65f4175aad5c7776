// SPDX-License-Identifier: GPL-2.0
/*
 * The split irqchip (KVM_ENABLE_CAP(KVM_CAP_SPLIT_IRQCHIP), QEMU's microvm
 * default): local APICs in the kernel, the IOAPIC, 8259s and PIT in the
 * VMM. Covers the cap's errnos, what the VM then refuses (PIT, irqchip
 * state and pins), MSIs from KVM_SIGNAL_MSI and from KVM_IRQ_LINE on an MSI
 * route, the 8259's ExtINT through KVM_INTERRUPT with request_interrupt_
 * window / ready_for_interrupt_injection, and KVM_EXIT_IOAPIC_EOI for the
 * level-triggered routes of the reserved GSIs. Every expectation is what
 * kvm_intel answers (KHV_DEV=/dev/kvm). Guests: irq_count64 (irqchip.S)
 * and extint64 (splitirq.S).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "runner.h"
#include "vm.h"
#include "guests/irqchip.inc"

GUEST_DECLARE(irq_count64);
GUEST_DECLARE(extint64);

#define WAIT_SECS	60
#define NR_RESERVED	24	/* QEMU's: its IOAPIC's pins */
#define MAX_RESERVED	4096	/* KVM_MAX_IRQ_ROUTES */

static int enable_split(struct vm *vm, uint64_t nr, uint32_t flags)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_SPLIT_IRQCHIP,
		.flags = flags,
		.args[0] = nr,
	};

	return ioctl(vm->fd, KVM_ENABLE_CAP, &cap) ? -errno : 0;
}

static struct vm *split_vm(void)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);

	if (enable_split(vm, NR_RESERVED, 0)) {
		perror("KVM_CAP_SPLIT_IRQCHIP");
		abort();
	}
	return vm;
}

static uint32_t guest_u32(struct vm *vm, uint64_t gpa)
{
	return __atomic_load_n((uint32_t *)vm_hva(vm, gpa), __ATOMIC_ACQUIRE);
}

static bool wait_u32(struct vm *vm, uint64_t gpa, uint32_t n)
{
	int i;

	for (i = 0; i < WAIT_SECS * 100; i++) {
		if (guest_u32(vm, gpa) >= n)
			return true;
		usleep(10000);
	}
	return false;
}

/* Load @code on @v with vector, count and flags in R12-R14, RFLAGS @rflags. */
static void guest_setup(struct vcpu *v, struct guest_code code, uint8_t vector,
			uint32_t want, uint32_t flags, uint64_t rflags)
{
	struct kvm_regs regs;

	vm_load_code(v->vm, code);
	vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
	vcpu_get_regs(v, &regs);
	regs.r12 = vector;
	regs.r13 = want;
	regs.r14 = flags;
	regs.rflags = rflags;
	vcpu_set_regs(v, &regs);
}

static int irq_line(struct vm *vm, uint32_t gsi, uint32_t level)
{
	struct kvm_irq_level il = { .irq = gsi, .level = level };

	if (ioctl(vm->fd, KVM_IRQ_LINE_STATUS, &il))
		return -1000 - errno;
	return il.status;
}

struct routes {
	struct kvm_irq_routing hdr;
	struct kvm_irq_routing_entry e[4];
};

static void route_msi(struct routes *rt, uint32_t gsi, uint32_t data)
{
	struct kvm_irq_routing_entry *e = &rt->e[rt->hdr.nr++];

	memset(e, 0, sizeof(*e));
	e->gsi = gsi;
	e->type = KVM_IRQ_ROUTING_MSI;
	e->u.msi.address_lo = 0xfee00000;	/* APIC 0, physical */
	e->u.msi.data = data;
}

static int interrupt(struct vcpu *v, uint32_t vector)
{
	struct kvm_interrupt irq = { .irq = vector };

	return ioctl(v->fd, KVM_INTERRUPT, &irq) ? -errno : 0;
}

/* The BSP's LVT0, as the in-kernel APIC has it. */
static void set_lvt0(struct vcpu *v, uint32_t lvt0)
{
	struct kvm_lapic_state s;

	if (ioctl(v->fd, KVM_GET_LAPIC, &s))
		abort();
	memcpy(&s.regs[0x350], &lvt0, 4);
	if (ioctl(v->fd, KVM_SET_LAPIC, &s))
		abort();
}

static uint32_t get_lvt0(struct vcpu *v)
{
	struct kvm_lapic_state s;
	uint32_t lvt0;

	if (ioctl(v->fd, KVM_GET_LAPIC, &s))
		abort();
	memcpy(&lvt0, &s.regs[0x350], 4);
	return lvt0;
}

TEST(cap_advertised)
{
	struct vm *vm = vm_create();

	EXPECT_EQ(1, ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_SPLIT_IRQCHIP));
	vm_destroy(vm);
}

/* KVM_ENABLE_CAP's refusals, as kvm_intel's (x86.c's order: count first). */
TEST(enable_cap_errnos)
{
	struct vm *vm = vm_create();

	EXPECT_EQ(-EINVAL, enable_split(vm, MAX_RESERVED + 1, 0));
	EXPECT_EQ(-EINVAL, enable_split(vm, NR_RESERVED, 1));
	EXPECT_EQ(0, enable_split(vm, MAX_RESERVED, 0));
	EXPECT_EQ(-EEXIST, enable_split(vm, NR_RESERVED, 0));
	EXPECT_EQ(-EINVAL, enable_split(vm, MAX_RESERVED + 1, 0));
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0));
	EXPECT_EQ(EEXIST, errno);
	vm_destroy(vm);

	/* After KVM_CREATE_IRQCHIP. */
	vm = vm_create();
	ASSERT_EQ(0, ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0));
	EXPECT_EQ(-EEXIST, enable_split(vm, NR_RESERVED, 0));
	vm_destroy(vm);

	/* After a vCPU: EEXIST too (KVM_CREATE_IRQCHIP says EINVAL there). */
	vm = vm_create();
	vcpu_add(vm, 0);
	EXPECT_EQ(-EEXIST, enable_split(vm, NR_RESERVED, 0));
	vm_destroy(vm);

	/* Zero reserved GSIs is allowed. */
	vm = vm_create();
	EXPECT_EQ(0, enable_split(vm, 0, 0));
	vm_destroy(vm);
}

/* What a split VM has in the kernel and what it leaves to the VMM. */
TEST(split_vm_state)
{
	struct vm *vm = split_vm();
	struct vcpu *v0 = vcpu_add(vm, 0), *v1 = vcpu_add(vm, 1);
	struct kvm_pit_config pit = { 0 };
	struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_IOAPIC };
	struct kvm_mp_state mp;
	struct kvm_lapic_state s;
	struct routes rt = { 0 };

	/* No PIT (it needs the in-kernel 8259), no irqchip state. */
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_CREATE_PIT2, &pit));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_GET_IRQCHIP, &chip));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_SET_IRQCHIP, &chip));
	EXPECT_EQ(ENXIO, errno);
	chip.chip_id = KVM_IRQCHIP_PIC_MASTER;
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_GET_IRQCHIP, &chip));
	EXPECT_EQ(ENXIO, errno);

	/* Each vCPU has its APIC: the BSP's LINT0 in ExtINT, APs wait for SIPI. */
	EXPECT_EQ(0, ioctl(v0->fd, KVM_GET_LAPIC, &s));
	EXPECT_EQ(0x700U, get_lvt0(v0));
	ASSERT_EQ(0, ioctl(v0->fd, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ((__u32)KVM_MP_STATE_RUNNABLE, mp.mp_state);
	ASSERT_EQ(0, ioctl(v1->fd, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ((__u32)KVM_MP_STATE_UNINITIALIZED, mp.mp_state);

	/* No routes at first; irqchip routes refused, MSI routes taken. */
	EXPECT_EQ(-1, irq_line(vm, 5, 1));
	rt.hdr.nr = 1;
	rt.e[0].gsi = 5;
	rt.e[0].type = KVM_IRQ_ROUTING_IRQCHIP;
	rt.e[0].u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
	rt.e[0].u.irqchip.pin = 5;
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_SET_GSI_ROUTING, &rt));
	EXPECT_EQ(EINVAL, errno);
	rt.e[0].u.irqchip.irqchip = KVM_IRQCHIP_PIC_MASTER;
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_SET_GSI_ROUTING, &rt));
	EXPECT_EQ(EINVAL, errno);
	rt.hdr.nr = 0;
	route_msi(&rt, 5, 0x45);
	EXPECT_EQ(0, ioctl(vm->fd, KVM_SET_GSI_ROUTING, &rt));

	/* KVM_INTERRUPT: one ExtINT pending at a time; vectors < 256. */
	EXPECT_EQ(-EINVAL, interrupt(v0, 256));
	EXPECT_EQ(0, interrupt(v0, 0x30));
	EXPECT_EQ(-EEXIST, interrupt(v0, 0x31));
	EXPECT_EQ(0, interrupt(v1, 0x30));
	vm_destroy(vm);
}

FIXTURE(split_guest) {
	int unused;
};

FIXTURE_SETUP(split_guest)
{
}

FIXTURE_TEARDOWN(split_guest)
{
}

/*
 * KVM_SIGNAL_MSI, then KVM_IRQ_LINE on a GSI with an edge MSI route (QEMU's
 * userspace IOAPIC raises its pins so): level 1 delivers, level 0 nothing.
 */
TEST_F_TIMEOUT(split_guest, msi_and_irq_line, 120)
{
	struct vm *vm = split_vm();
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_msi msi = { .address_lo = 0xfee00000, .data = 0x72 };
	struct routes rt = { 0 };
	struct vcpu_runner r;

	route_msi(&rt, 5, 0x72);
	ASSERT_EQ(0, ioctl(vm->fd, KVM_SET_GSI_ROUTING, &rt));
	guest_setup(v, GUEST_CODE(irq_count64), 0x72, 2, IRQF_APIC_ON, 0x202);
	runner_start(&r, v);
	ASSERT_TRUE(wait_u32(vm, IRQ_READY_GPA, 1));
	EXPECT_EQ(1, ioctl(vm->fd, KVM_SIGNAL_MSI, &msi));
	ASSERT_TRUE(wait_u32(vm, IRQ_COUNT_GPA, 1));
	EXPECT_EQ(1, irq_line(vm, 5, 1));
	EXPECT_EQ(-1, irq_line(vm, 5, 0));
	ASSERT_TRUE(runner_join(&r, WAIT_SECS)) TH_LOG("%s", vcpu_exit_str(v));
	ASSERT_EQ(REPORT_VALUE, r.code) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(2U, v->regs.rcx);
	vm_destroy(vm);
}

/*
 * request_interrupt_window with IF = 0: KVM_RUN ends with
 * KVM_EXIT_IRQ_WINDOW_OPEN once the guest's STI takes effect; the ExtINT
 * given then with KVM_INTERRUPT is taken at the next entry.
 */
TEST_F_TIMEOUT(split_guest, interrupt_window, 120)
{
	struct vm *vm = split_vm();
	struct vcpu *v = vcpu_add(vm, 0);

	guest_setup(v, GUEST_CODE(extint64), 0x33, 1, 0, 0x2);
	v->run->request_interrupt_window = 1;
	ASSERT_EQ(-1, vcpu_run_report(v)) TH_LOG("%s", vcpu_exit_str(v));
	ASSERT_EQ((__u32)KVM_EXIT_IRQ_WINDOW_OPEN, v->run->exit_reason)
		TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(1, v->run->if_flag);
	EXPECT_EQ(1, v->run->ready_for_interrupt_injection);
	EXPECT_EQ(0, interrupt(v, 0x33));
	EXPECT_EQ(-EEXIST, interrupt(v, 0x34));
	v->run->request_interrupt_window = 0;
	ASSERT_EQ(REPORT_VALUE, vcpu_run_report(v)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(1U, v->regs.rcx);
	/* Taken, so another one is accepted. */
	EXPECT_EQ(0, interrupt(v, 0x33));
	vm_destroy(vm);
}

/*
 * With LINT0 masked the APIC takes no ExtINT: no window exit for
 * request_interrupt_window, ready_for_interrupt_injection 0 although
 * IF = 1, and the KVM_INTERRUPT accepted meanwhile waits until LINT0 is
 * unmasked (KVM_SET_LAPIC) and then wakes the halted guest.
 */
TEST_F_TIMEOUT(split_guest, extint_waits_for_lint0, 120)
{
	struct vm *vm = split_vm();
	struct vcpu *v = vcpu_add(vm, 0);
	struct vcpu_runner r;

	guest_setup(v, GUEST_CODE(extint64), 0x35, 1, 0, 0x2);
	set_lvt0(v, 0x10700);
	v->run->request_interrupt_window = 1;
	runner_start(&r, v);
	ASSERT_TRUE(wait_u32(vm, IRQ_READY_GPA, 1));
	/* Halted with IF = 1 and nothing to wake it: only the signal ends it. */
	EXPECT_FALSE(runner_join(&r, 1));
	EXPECT_EQ(-1, r.code);
	EXPECT_EQ(EINTR, v->run_err) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ((__u32)KVM_EXIT_INTR, v->run->exit_reason);
	EXPECT_EQ(1, v->run->if_flag);
	EXPECT_EQ(0, v->run->ready_for_interrupt_injection);
	EXPECT_EQ(0, interrupt(v, 0x35));
	set_lvt0(v, 0x700);
	v->run->request_interrupt_window = 0;
	ASSERT_EQ(REPORT_VALUE, vcpu_run_report(v)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(1U, v->regs.rcx);
	vm_destroy(vm);
}

/*
 * A level-triggered MSI route of a reserved GSI (QEMU's IOAPIC pin 9): the
 * guest's EOI of its vector ends KVM_RUN with KVM_EXIT_IOAPIC_EOI, right
 * after the EOI; the next KVM_RUN goes on from there.
 */
TEST_F_TIMEOUT(split_guest, level_eoi_exit, 120)
{
	struct vm *vm = split_vm();
	struct vcpu *v = vcpu_add(vm, 0);
	struct routes rt = { 0 };
	struct vcpu_runner r;

	route_msi(&rt, 9, 0xc069);		/* level, assert, vector 0x69 */
	ASSERT_EQ(0, ioctl(vm->fd, KVM_SET_GSI_ROUTING, &rt));
	guest_setup(v, GUEST_CODE(irq_count64), 0x69, 1, IRQF_APIC_ON, 0x202);
	runner_start(&r, v);
	ASSERT_TRUE(wait_u32(vm, IRQ_READY_GPA, 1));
	EXPECT_EQ(1, irq_line(vm, 9, 1));
	ASSERT_TRUE(runner_join(&r, WAIT_SECS)) TH_LOG("%s", vcpu_exit_str(v));
	ASSERT_EQ(-1, r.code) TH_LOG("%s", vcpu_exit_str(v));
	ASSERT_EQ((__u32)KVM_EXIT_IOAPIC_EOI, v->run->exit_reason)
		TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(0x69, v->run->eoi.vector);
	EXPECT_EQ(1U, guest_u32(vm, IRQ_COUNT_GPA));
	EXPECT_EQ(-1, irq_line(vm, 9, 0));
	ASSERT_EQ(REPORT_VALUE, vcpu_run_report(v)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(1U, v->regs.rcx);
	vm_destroy(vm);
}

/*
 * No EOI exit for a level-triggered route beyond the reserved GSIs, nor for
 * an edge-triggered one of a reserved GSI.
 */
TEST_F_TIMEOUT(split_guest, eoi_no_exit, 120)
{
	struct vm *vm = split_vm();
	struct vcpu *v = vcpu_add(vm, 0);
	struct routes rt = { 0 };
	struct vcpu_runner r;

	route_msi(&rt, NR_RESERVED, 0xc06a);	/* level, not reserved */
	route_msi(&rt, 10, 0x006a);		/* edge, reserved */
	ASSERT_EQ(0, ioctl(vm->fd, KVM_SET_GSI_ROUTING, &rt));
	guest_setup(v, GUEST_CODE(irq_count64), 0x6a, 2, IRQF_APIC_ON, 0x202);
	runner_start(&r, v);
	ASSERT_TRUE(wait_u32(vm, IRQ_READY_GPA, 1));
	EXPECT_EQ(1, irq_line(vm, NR_RESERVED, 1));
	ASSERT_TRUE(wait_u32(vm, IRQ_COUNT_GPA, 1));
	EXPECT_EQ(1, irq_line(vm, 10, 1));
	ASSERT_TRUE(runner_join(&r, WAIT_SECS)) TH_LOG("%s", vcpu_exit_str(v));
	ASSERT_EQ(REPORT_VALUE, r.code) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(2U, v->regs.rcx);
	vm_destroy(vm);
}

TEST_HARNESS_MAIN
