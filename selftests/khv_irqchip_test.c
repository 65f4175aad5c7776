// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel irqchip (KVM_CREATE_IRQCHIP): interrupts reach a guest's
 * IDT handler from the local APIC timer (one-shot, waking a halted vCPU,
 * and periodic), from another vCPU's IPI, from KVM_IRQ_LINE through the
 * IOAPIC (edge, and level with EOI re-delivery) and through the 8259, and
 * from KVM_SIGNAL_MSI; one IPI reaches three halted vCPUs of four; an AP
 * starts by INIT/SIPI; a halted vCPU leaves KVM_RUN on a signal. Plus the
 * ioctls' refusals and initial state, as kvm_intel answers them. The
 * guests are in guests/irqchip.S.
 *
 * Each guest runs in its own thread; the main thread triggers interrupts
 * once the guest has set up (IRQ_READY) and, should a guest never report,
 * ends its KVM_RUN with a signal so the test fails instead of hanging.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "runner.h"
#include "vm.h"
#include "guests/irqchip.inc"

GUEST_DECLARE(irq_count64);
GUEST_DECLARE(ipi_send64);
GUEST_DECLARE(ipi_recv64);
GUEST_DECLARE(sipi_send64);
GUEST_DECLARE(sipi_ap16);
GUEST_DECLARE(x2apic64);

/* Bochs runs the guest kernel at ~10M instructions per second. */
#define WAIT_SECS	60

static struct vm *irq_vm(void)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);

	if (ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0)) {
		perror("KVM_CREATE_IRQCHIP");
		abort();
	}
	return vm;
}

static uint32_t guest_u32(struct vm *vm, uint64_t gpa)
{
	return __atomic_load_n((uint32_t *)vm_hva(vm, gpa), __ATOMIC_ACQUIRE);
}

/* Load irq_count64 on @v with its parameters (guests/irqchip.inc). */
static void count_setup(struct vcpu *v, uint8_t vector, uint32_t want,
			uint32_t flags, uint64_t arg)
{
	struct kvm_regs regs;

	vm_load_code(v->vm, GUEST_CODE(irq_count64));
	vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
	vcpu_get_regs(v, &regs);
	regs.r12 = vector;
	regs.r13 = want;
	regs.r14 = flags;
	regs.r15 = arg;
	vcpu_set_regs(v, &regs);
}

/* Copy a guest to @gpa, next to the one at GUEST_CODE_GPA. */
static void load_at(struct vm *vm, uint64_t gpa, struct guest_code code)
{
	vm_write(vm, gpa, code.start, code.end - code.start);
}

/* Polls @gpa until it is non-zero, for at most WAIT_SECS. */
static bool wait_guest(struct vm *vm, uint64_t gpa)
{
	int i;

	for (i = 0; i < WAIT_SECS * 100; i++) {
		if (guest_u32(vm, gpa))
			return true;
		usleep(10000);
	}
	return false;
}

/*
 * Waits until the guest counted @n interrupts: a second edge or MSI of the
 * same vector while the first still waits in the IRR would merge with it.
 */
static bool wait_count(struct vm *vm, uint32_t n)
{
	int i;

	for (i = 0; i < WAIT_SECS * 100; i++) {
		if (guest_u32(vm, IRQ_COUNT_GPA) >= n)
			return true;
		usleep(10000);
	}
	return false;
}

static int irq_line(struct vm *vm, uint32_t gsi, uint32_t level)
{
	struct kvm_irq_level il = { .irq = gsi, .level = level };

	if (ioctl(vm->fd, KVM_IRQ_LINE_STATUS, &il))
		return -1000 - errno;
	return il.status;
}

/* Runs @v (set up by count_setup) to its report: the number of interrupts. */
#define EXPECT_COUNT(r, want) do {						\
	ASSERT_TRUE(runner_join(r, WAIT_SECS)) TH_LOG("no report: %s", vcpu_exit_str((r)->v)); \
	ASSERT_EQ(REPORT_VALUE, (r)->code) TH_LOG("%s", vcpu_exit_str((r)->v)); \
	EXPECT_EQ((uint64_t)(want), (r)->v->regs.rcx);					\
} while (0)

/* No state: the fixture exists for TEST_F_TIMEOUT (Bochs is slow). */
FIXTURE(irqchip_guest) {
	int unused;
};

FIXTURE_SETUP(irqchip_guest)
{
}

FIXTURE_TEARDOWN(irqchip_guest)
{
}

/* One-shot timer, 200 us: the halted guest wakes for it, once. */
TEST_F_TIMEOUT(irqchip_guest, timer_oneshot_wakes_hlt, 120)
{
	struct vm *vm = irq_vm();
	struct vcpu *v = vcpu_add(vm, 0);
	struct vcpu_runner r;

	count_setup(v, 0x40, 1, IRQF_PIC_OFF | IRQF_APIC_ON | IRQF_TIMER_ONESHOT,
		    200000);
	runner_start(&r, v);
	EXPECT_COUNT(&r, 1);
	/* Halted in the kernel, never a KVM_EXIT_HLT. */
	EXPECT_EQ(0U, guest_u32(vm, IRQ_SPURIOUS_GPA));
	vm_destroy(vm);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * 250 ms: each tick costs the host two or three exits (injection, the EOI,
 * HLT), about 1 ms of the test VM's clock under Bochs and up to ~100 ms on
 * the debug kernel. A period shorter than that leaves the guest in its
 * handler for good, a new tick pending at every IRET (seen with 10 ms on
 * the debug kernel; with 100 ms it counted 23 before it got out).
 */
#define PERIODIC_NS	250000000ULL

TEST_F_TIMEOUT(irqchip_guest, timer_periodic, 120)
{
	struct vm *vm = irq_vm();
	struct vcpu *v = vcpu_add(vm, 0);
	struct vcpu_runner r;
	uint64_t t0, ns;

	count_setup(v, 0x41, 5, IRQF_PIC_OFF | IRQF_APIC_ON | IRQF_TIMER_PERIODIC,
		    PERIODIC_NS);
	t0 = now_ns();
	runner_start(&r, v);
	ASSERT_TRUE(runner_join(&r, WAIT_SECS)) TH_LOG("no report: %s", vcpu_exit_str(v));
	ns = now_ns() - t0;
	ASSERT_EQ(REPORT_VALUE, r.code) TH_LOG("%s", vcpu_exit_str(v));
	/*
	 * At least the five it waited for; a tick may land between the fifth
	 * and the write that stops the timer; never more than one per period
	 * of the run (late ticks are dropped, not delivered twice).
	 */
	EXPECT_LE(5ULL, v->regs.rcx);
	EXPECT_GE(ns / PERIODIC_NS + 1, v->regs.rcx) TH_LOG("%.3f s", ns / 1e9);
	vm_destroy(vm);
}

/* vCPU 1 sends a fixed IPI to vCPU 0, which waits in HLT. */
TEST_F_TIMEOUT(irqchip_guest, ipi_between_vcpus, 120)
{
	struct kvm_mp_state mp = { KVM_MP_STATE_RUNNABLE };
	struct vm *vm = irq_vm();
	struct vcpu *v0 = vcpu_add(vm, 0), *v1 = vcpu_add(vm, 1);
	struct kvm_regs regs;
	struct vcpu_runner r0, r1;

	count_setup(v0, 0x50, 1, IRQF_PIC_OFF | IRQF_APIC_ON, 0);
	load_at(vm, IRQ_CODE2_GPA, GUEST_CODE(ipi_send64));
	vcpu_set_mode(v1, MODE_LONG64, IRQ_CODE2_GPA);
	vcpu_get_regs(v1, &regs);
	regs.r12 = 0x4050;		/* fixed, assert, physical, vector 0x50 */
	regs.r13 = 0;			/* APIC ID 0 */
	vcpu_set_regs(v1, &regs);
	/* An AP waits for SIPI; the KVM selftests make them runnable so. */
	ASSERT_EQ(0, ioctl(v1->fd, KVM_SET_MP_STATE, &mp));

	runner_start(&r0, v0);
	runner_start(&r1, v1);
	ASSERT_TRUE(runner_join(&r1, WAIT_SECS)) TH_LOG("sender: %s", vcpu_exit_str(v1));
	EXPECT_EQ(REPORT_DONE, r1.code) TH_LOG("sender: %s", vcpu_exit_str(v1));
	EXPECT_COUNT(&r0, 1);
	vm_destroy(vm);
}

/*
 * Four vCPUs: vCPU 0 sends one fixed IPI with the all-excluding-self
 * shorthand once vCPUs 1-3 wait for it in HLT; each of them takes it once.
 */
TEST_F_TIMEOUT(irqchip_guest, ipi_broadcast_four_vcpus, 120)
{
	struct kvm_mp_state mp = { KVM_MP_STATE_RUNNABLE };
	struct vm *vm = irq_vm();
	struct kvm_regs regs;
	struct vcpu_runner r[4];
	struct vcpu *v[4];
	int i;

	for (i = 0; i < 4; i++)
		v[i] = vcpu_add(vm, i);
	vm_load_code(vm, GUEST_CODE(ipi_recv64));
	for (i = 1; i < 4; i++) {
		vcpu_set_mode(v[i], MODE_LONG64, GUEST_CODE_GPA);
		vcpu_get_regs(v[i], &regs);
		regs.r12 = 0x50;
		vcpu_set_regs(v[i], &regs);
		ASSERT_EQ(0, ioctl(v[i]->fd, KVM_SET_MP_STATE, &mp));
	}
	load_at(vm, IRQ_CODE2_GPA, GUEST_CODE(ipi_send64));
	vcpu_set_mode(v[0], MODE_LONG64, IRQ_CODE2_GPA);
	vcpu_get_regs(v[0], &regs);
	regs.r12 = 0xc4050;	/* fixed, assert, all excluding self, 0x50 */
	regs.r13 = 0;
	regs.r14 = 3;		/* once all three receivers are ready */
	vcpu_set_regs(v[0], &regs);

	for (i = 0; i < 4; i++)
		runner_start(&r[i], v[i]);
	ASSERT_TRUE(runner_join(&r[0], WAIT_SECS)) TH_LOG("sender: %s", vcpu_exit_str(v[0]));
	EXPECT_EQ(REPORT_DONE, r[0].code) TH_LOG("sender: %s", vcpu_exit_str(v[0]));
	for (i = 1; i < 4; i++) {
		ASSERT_TRUE(runner_join(&r[i], WAIT_SECS)) TH_LOG("vCPU %d: %s", i,
						       vcpu_exit_str(v[i]));
		ASSERT_EQ(REPORT_VALUE, r[i].code) TH_LOG("vCPU %d: %s", i,
							 vcpu_exit_str(v[i]));
		EXPECT_EQ(1ULL, v[i]->regs.rcx) TH_LOG("vCPU %d", i);
	}
	/* Not to the sender itself. */
	EXPECT_EQ(0U, guest_u32(vm, IRQ_PER_APIC_GPA));
	vm_destroy(vm);
}

/* An NMI IPI: taken through IDT vector 2 by a vCPU halted with IF = 1. */
TEST_F_TIMEOUT(irqchip_guest, nmi_ipi, 120)
{
	struct kvm_mp_state mp = { KVM_MP_STATE_RUNNABLE };
	struct vm *vm = irq_vm();
	struct vcpu *v0 = vcpu_add(vm, 0), *v1 = vcpu_add(vm, 1);
	struct kvm_regs regs;
	struct vcpu_runner r0, r1;

	count_setup(v0, 2, 1, IRQF_PIC_OFF | IRQF_APIC_ON, 0);
	load_at(vm, IRQ_CODE2_GPA, GUEST_CODE(ipi_send64));
	vcpu_set_mode(v1, MODE_LONG64, IRQ_CODE2_GPA);
	vcpu_get_regs(v1, &regs);
	regs.r12 = 0x4400;		/* NMI, assert, physical */
	regs.r13 = 0;
	vcpu_set_regs(v1, &regs);
	ASSERT_EQ(0, ioctl(v1->fd, KVM_SET_MP_STATE, &mp));

	runner_start(&r0, v0);
	runner_start(&r1, v1);
	ASSERT_TRUE(runner_join(&r1, WAIT_SECS)) TH_LOG("sender: %s", vcpu_exit_str(v1));
	EXPECT_EQ(REPORT_DONE, r1.code) TH_LOG("sender: %s", vcpu_exit_str(v1));
	EXPECT_COUNT(&r0, 1);
	vm_destroy(vm);
}

/* KVM_IRQ_LINE on GSI 5 -> IOAPIC pin 5 (edge) -> APIC 0; the 8259 is masked. */
TEST_F_TIMEOUT(irqchip_guest, ioapic_edge_irq_line, 120)
{
	struct vm *vm = irq_vm();
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_IOAPIC };
	struct vcpu_runner r;

	count_setup(v, 0x61, 2, IRQF_PIC_OFF | IRQF_APIC_ON | IRQF_IOAPIC, 5);
	runner_start(&r, v);
	ASSERT_TRUE(wait_guest(vm, IRQ_READY_GPA));
	ASSERT_EQ(0, ioctl(vm->fd, KVM_GET_IRQCHIP, &chip));
	EXPECT_EQ(0x61, (int)chip.chip.ioapic.redirtbl[5].fields.vector);
	EXPECT_EQ(0, (int)chip.chip.ioapic.redirtbl[5].fields.mask);
	EXPECT_EQ(1, (int)chip.chip.ioapic.redirtbl[4].fields.mask);
	/* One APIC took it; the 8259's route of GSI 5 is masked. */
	EXPECT_EQ(1, irq_line(vm, 5, 1));
	/* Still high: no edge. */
	EXPECT_EQ(0, irq_line(vm, 5, 1));
	irq_line(vm, 5, 0);
	ASSERT_TRUE(wait_count(vm, 1));
	EXPECT_EQ(1, irq_line(vm, 5, 1));
	irq_line(vm, 5, 0);
	EXPECT_COUNT(&r, 2);
	vm_destroy(vm);
}

/*
 * GSI 9 held high on a level-triggered pin: each EOI finds the line still
 * asserted and the IOAPIC delivers again, until the guest masks the pin.
 */
TEST_F_TIMEOUT(irqchip_guest, ioapic_level_redelivers_on_eoi, 120)
{
	struct vm *vm = irq_vm();
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_IOAPIC };
	struct vcpu_runner r;

	count_setup(v, 0x69, 3, IRQF_PIC_OFF | IRQF_APIC_ON | IRQF_IOAPIC |
		    IRQF_IOAPIC_LEVEL, 9);
	runner_start(&r, v);
	ASSERT_TRUE(wait_guest(vm, IRQ_READY_GPA));
	EXPECT_LE(0, irq_line(vm, 9, 1));
	EXPECT_COUNT(&r, 3);
	/* Masked by the guest before its last EOI: remote IRR clear, line high. */
	ASSERT_EQ(0, ioctl(vm->fd, KVM_GET_IRQCHIP, &chip));
	EXPECT_EQ(1, (int)chip.chip.ioapic.redirtbl[9].fields.mask);
	EXPECT_EQ(0, (int)chip.chip.ioapic.redirtbl[9].fields.remote_irr);
	EXPECT_EQ(1U << 9, chip.chip.ioapic.irr & (1U << 9));
	vm_destroy(vm);
}

/* KVM_IRQ_LINE on GSI 3 -> 8259 IR3 -> LINT0 in ExtINT mode (the BSP's reset state). */
TEST_F_TIMEOUT(irqchip_guest, pic_irq_line, 120)
{
	struct vm *vm = irq_vm();
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_PIC_MASTER };
	struct vcpu_runner r;

	count_setup(v, IRQ_PIC_BASE + 3, 2, IRQF_PIC_INIT, 0xfff7);
	runner_start(&r, v);
	ASSERT_TRUE(wait_guest(vm, IRQ_READY_GPA));
	ASSERT_EQ(0, ioctl(vm->fd, KVM_GET_IRQCHIP, &chip));
	EXPECT_EQ(IRQ_PIC_BASE, (int)chip.chip.pic.irq_base);
	EXPECT_EQ(0xf7, (int)chip.chip.pic.imr);
	/* The 8259 took it; the IOAPIC's route of GSI 3 is masked. */
	EXPECT_EQ(1, irq_line(vm, 3, 1));
	irq_line(vm, 3, 0);
	ASSERT_TRUE(wait_count(vm, 1));
	EXPECT_EQ(1, irq_line(vm, 3, 1));
	irq_line(vm, 3, 0);
	EXPECT_COUNT(&r, 2);
	vm_destroy(vm);
}

/* KVM_SIGNAL_MSI to APIC 0, and through an MSI route set with KVM_SET_GSI_ROUTING. */
TEST_F_TIMEOUT(irqchip_guest, msi, 120)
{
	struct vm *vm = irq_vm();
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_msi msi = { .address_lo = 0xfee00000, .data = 0x72 };
	struct {
		struct kvm_irq_routing hdr;
		struct kvm_irq_routing_entry e[1];
	} rt = {
		.hdr.nr = 1,
		.e[0] = {
			.gsi = 40,
			.type = KVM_IRQ_ROUTING_MSI,
			.u.msi = { .address_lo = 0xfee00000, .data = 0x72 },
		},
	};
	struct vcpu_runner r;

	count_setup(v, 0x72, 2, IRQF_PIC_OFF | IRQF_APIC_ON, 0);
	runner_start(&r, v);
	ASSERT_TRUE(wait_guest(vm, IRQ_READY_GPA));
	EXPECT_EQ(1, ioctl(vm->fd, KVM_SIGNAL_MSI, &msi));
	ASSERT_TRUE(wait_count(vm, 1));
	ASSERT_EQ(0, ioctl(vm->fd, KVM_SET_GSI_ROUTING, &rt));
	EXPECT_EQ(1, irq_line(vm, 40, 1));
	/* The default routes are gone: GSI 5 goes nowhere now. */
	EXPECT_EQ(-1, irq_line(vm, 5, 1));
	EXPECT_COUNT(&r, 2);
	vm_destroy(vm);
}

/* vCPU 0 starts vCPU 1 with INIT and SIPI; vCPU 1's KVM_RUN waits until then. */
TEST_F_TIMEOUT(irqchip_guest, init_sipi_starts_ap, 120)
{
	struct vm *vm = irq_vm();
	struct vcpu *v0 = vcpu_add(vm, 0), *v1 = vcpu_add(vm, 1);
	struct kvm_mp_state mp;
	struct kvm_sregs sr;
	struct kvm_regs regs;
	struct vcpu_runner r0, r1;

	ASSERT_EQ(0, ioctl(v0->fd, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ((uint32_t)KVM_MP_STATE_RUNNABLE, mp.mp_state);
	ASSERT_EQ(0, ioctl(v1->fd, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ((uint32_t)KVM_MP_STATE_UNINITIALIZED, mp.mp_state);

	vm_load_code(vm, GUEST_CODE(sipi_send64));
	load_at(vm, IRQ_CODE2_GPA, GUEST_CODE(sipi_ap16));
	vcpu_set_mode(v0, MODE_LONG64, GUEST_CODE_GPA);
	vcpu_get_regs(v0, &regs);
	regs.r12 = IRQ_SIPI_VECTOR;
	regs.r13 = 1;
	vcpu_set_regs(v0, &regs);

	runner_start(&r1, v1);
	usleep(200000);
	EXPECT_EQ(0, __atomic_load_n(&r1.done, __ATOMIC_ACQUIRE));
	runner_start(&r0, v0);
	ASSERT_TRUE(runner_join(&r0, WAIT_SECS)) TH_LOG("BSP: %s", vcpu_exit_str(v0));
	EXPECT_EQ(REPORT_DONE, r0.code) TH_LOG("BSP: %s", vcpu_exit_str(v0));
	ASSERT_TRUE(runner_join(&r1, WAIT_SECS)) TH_LOG("AP: %s", vcpu_exit_str(v1));
	ASSERT_EQ(REPORT_VALUE, r1.code) TH_LOG("AP: %s", vcpu_exit_str(v1));
	EXPECT_EQ(0x51b1ULL, v1->regs.rcx);
	EXPECT_EQ((uint64_t)IRQ_SIPI_VECTOR << 8, v1->regs.rbx & 0xffff);
	vcpu_get_sregs(v1, &sr);
	EXPECT_EQ((uint64_t)IRQ_SIPI_VECTOR << 12, sr.cs.base);
	ASSERT_EQ(0, ioctl(v1->fd, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ((uint32_t)KVM_MP_STATE_RUNNABLE, mp.mp_state);
	vm_destroy(vm);
}

/* x2APIC MSRs, CR8 as the TPR, SELF IPI and the TSC-deadline timer. */
TEST_F_TIMEOUT(irqchip_guest, x2apic_tsc_deadline, 120)
{
	struct vm *vm = irq_vm();
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_sregs sr;
	struct vcpu_runner r;

	/*
	 * KVM leaves the TSC-deadline bit out of its supported CPUID: VMMs
	 * add it when KVM_CAP_TSC_DEADLINE_TIMER says so. khv offers it.
	 */
	if (vm->cpuid && ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_TSC_DEADLINE_TIMER) > 0) {
		for (uint32_t i = 0; i < vm->cpuid->nent; i++)
			if (vm->cpuid->entries[i].function == 1)
				vm->cpuid->entries[i].ecx |= 1U << 24;
		ASSERT_EQ(0, ioctl(v->fd, KVM_SET_CPUID2, vm->cpuid));
	}
	vm_load_code(vm, GUEST_CODE(x2apic64));
	vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
	runner_start(&r, v);
	EXPECT_COUNT(&r, 2);
	EXPECT_EQ(0U, guest_u32(vm, IRQ_X2APIC_ID_GPA));
	EXPECT_EQ(0x50U, guest_u32(vm, IRQ_TPR_GPA));
	EXPECT_EQ(5U, guest_u32(vm, IRQ_CR8_GPA));
	vcpu_get_sregs(v, &sr);
	EXPECT_EQ(0xfee00000ULL | 0x800 | 0x400 | 0x100, sr.apic_base);
	vm_destroy(vm);
}

/* HLT with IF = 0 and nothing to wake it: only a signal ends KVM_RUN. */
TEST_F_TIMEOUT(irqchip_guest, halt_ends_on_signal, 120)
{
	struct vm *vm = irq_vm();
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_mp_state mp;
	struct kvm_regs regs;
	struct vcpu_runner r;
	static const char cli_hlt[] = { 0xfa, 0xf4, 0xeb, 0xfd };	/* cli; 1: hlt; jmp 1b */

	vm_write(vm, GUEST_CODE_GPA, cli_hlt, sizeof(cli_hlt));
	vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
	runner_start(&r, v);
	usleep(500000);
	EXPECT_EQ(0, __atomic_load_n(&r.done, __ATOMIC_ACQUIRE));
	pthread_kill(r.thread, SIGUSR1);
	runner_join(&r, WAIT_SECS);
	EXPECT_EQ(EINTR, v->run_err);
	EXPECT_EQ((uint32_t)KVM_EXIT_INTR, v->run->exit_reason);
	ASSERT_EQ(0, ioctl(v->fd, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ((uint32_t)KVM_MP_STATE_HALTED, mp.mp_state);
	vcpu_get_regs(v, &regs);
	EXPECT_EQ(GUEST_CODE_GPA + 2, regs.rip);	/* past the HLT */
	vm_destroy(vm);
}

/* What KVM refuses, and the errnos, without and with an irqchip. */
TEST(refusals)
{
	struct vm *vm = vm_create();
	struct kvm_irq_level il = { .irq = 1, .level = 1 };
	struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_IOAPIC };
	struct kvm_msi msi = { .address_lo = 0xfee00000, .data = 0x40 };
	struct kvm_lapic_state lapic;
	struct kvm_mp_state mp = { KVM_MP_STATE_HALTED };
	struct {
		struct kvm_irq_routing hdr;
		struct kvm_irq_routing_entry e[2];
	} rt;
	struct vcpu *v;

	/* No irqchip yet. */
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_IRQ_LINE, &il));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_GET_IRQCHIP, &chip));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_SIGNAL_MSI, &msi));
	EXPECT_EQ(EINVAL, errno);
	memset(&rt, 0, sizeof(rt));
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_SET_GSI_ROUTING, &rt));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_SET_BOOT_CPU_ID, 1ul << 20));
	EXPECT_EQ(EINVAL, errno);

	/* A vCPU without an in-kernel APIC. */
	v = vcpu_add(vm, 0);
	EXPECT_EQ(-1, ioctl(v->fd, KVM_GET_LAPIC, &lapic));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(v->fd, KVM_SET_MP_STATE, &mp));
	EXPECT_EQ(EINVAL, errno);
	/* Too late for an irqchip or a boot CPU. */
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_SET_BOOT_CPU_ID, 0));
	EXPECT_EQ(EBUSY, errno);
	vcpu_free(v);
	vm_destroy(vm);

	vm = vm_create();
	ASSERT_EQ(0, ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0));
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0));
	EXPECT_EQ(EEXIST, errno);
	chip.chip_id = 3;
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_GET_IRQCHIP, &chip));
	EXPECT_EQ(EINVAL, errno);
	msi.flags = 2;
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_SIGNAL_MSI, &msi));
	EXPECT_EQ(EINVAL, errno);

	/* Routes: pins beyond the chip, flags, one chip twice per GSI, MSI + chip. */
	memset(&rt, 0, sizeof(rt));
	rt.hdr.nr = 1;
	rt.e[0].type = KVM_IRQ_ROUTING_IRQCHIP;
	rt.e[0].u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
	rt.e[0].u.irqchip.pin = 24;
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_SET_GSI_ROUTING, &rt));
	EXPECT_EQ(EINVAL, errno);
	rt.e[0].u.irqchip.irqchip = KVM_IRQCHIP_PIC_SLAVE;
	rt.e[0].u.irqchip.pin = 8;
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_SET_GSI_ROUTING, &rt));
	EXPECT_EQ(EINVAL, errno);
	rt.e[0].u.irqchip.pin = 7;
	rt.e[0].flags = 1;
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_SET_GSI_ROUTING, &rt));
	EXPECT_EQ(EINVAL, errno);
	rt.e[0].flags = 0;
	rt.hdr.nr = 2;
	rt.e[1] = rt.e[0];
	rt.e[1].u.irqchip.pin = 6;
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_SET_GSI_ROUTING, &rt));
	EXPECT_EQ(EINVAL, errno);
	rt.e[1].type = KVM_IRQ_ROUTING_MSI;
	rt.e[1].u.msi.address_lo = 0xfee00000;
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_SET_GSI_ROUTING, &rt));
	EXPECT_EQ(EINVAL, errno);
	rt.e[1].type = KVM_IRQ_ROUTING_IRQCHIP;
	rt.e[1].u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
	rt.e[1].u.irqchip.pin = 23;
	EXPECT_EQ(0, ioctl(vm->fd, KVM_SET_GSI_ROUTING, &rt));
	rt.hdr.flags = 1;
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_SET_GSI_ROUTING, &rt));
	EXPECT_EQ(EINVAL, errno);

	v = vcpu_add(vm, 0);
	mp.mp_state = 99;
	EXPECT_EQ(-1, ioctl(v->fd, KVM_SET_MP_STATE, &mp));
	EXPECT_EQ(EINVAL, errno);
	vcpu_free(v);
	vm_destroy(vm);
}

/* State right after creation: APIC registers, MP states, the boot CPU. */
TEST(initial_state)
{
	struct vm *vm = vm_create();
	struct kvm_lapic_state lapic;
	struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_IOAPIC };
	struct kvm_mp_state mp;
	struct kvm_sregs sr;
	struct vcpu *v0, *v1;
	uint32_t *regs = (uint32_t *)lapic.regs;
	int i;

	/* What a VMM checks before it relies on these ioctls. */
	EXPECT_EQ(1, ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP));
	EXPECT_EQ(1, ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQ_INJECT_STATUS));
	EXPECT_EQ(1, ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_SIGNAL_MSI));
	EXPECT_EQ(1, ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_BOOT_CPU_ID));
	EXPECT_EQ(1, ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_MP_STATE));
	EXPECT_LE(24, ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQ_ROUTING));

	ASSERT_EQ(0, ioctl(vm->fd, KVM_SET_BOOT_CPU_ID, 1));
	ASSERT_EQ(0, ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0));
	v0 = vcpu_add(vm, 0);
	v1 = vcpu_add(vm, 1);

	/* vCPU 1 is the BSP now. */
	ASSERT_EQ(0, ioctl(v1->fd, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ((uint32_t)KVM_MP_STATE_RUNNABLE, mp.mp_state);
	ASSERT_EQ(0, ioctl(v0->fd, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ((uint32_t)KVM_MP_STATE_UNINITIALIZED, mp.mp_state);
	vcpu_get_sregs(v1, &sr);
	EXPECT_EQ(0xfee00000ULL | 0x800 | 0x100, sr.apic_base);
	vcpu_get_sregs(v0, &sr);
	EXPECT_EQ(0xfee00000ULL | 0x800, sr.apic_base);

	ASSERT_EQ(0, ioctl(v1->fd, KVM_GET_LAPIC, &lapic));
	EXPECT_EQ(1U << 24, regs[0x20 / 4]);		/* ID */
	EXPECT_EQ(0x14U, regs[0x30 / 4] & 0xff);		/* version */
	EXPECT_EQ(0xffU, regs[0xf0 / 4]);		/* SVR: software-disabled */
	EXPECT_EQ(0x700U, regs[0x350 / 4]);		/* BSP LINT0: ExtINT */
	EXPECT_EQ(0x10000U, regs[0x320 / 4]);		/* LVT timer masked */
	ASSERT_EQ(0, ioctl(v0->fd, KVM_GET_LAPIC, &lapic));
	EXPECT_EQ(0x10000U, regs[0x350 / 4]);		/* AP LINT0 masked */

	/* SET_LAPIC then GET_LAPIC keeps what software may write. */
	regs[0x80 / 4] = 0x20;				/* TPR */
	regs[0xf0 / 4] = 0x1ff;
	ASSERT_EQ(0, ioctl(v0->fd, KVM_SET_LAPIC, &lapic));
	memset(&lapic, 0, sizeof(lapic));
	ASSERT_EQ(0, ioctl(v0->fd, KVM_GET_LAPIC, &lapic));
	EXPECT_EQ(0x20U, regs[0x80 / 4]);
	EXPECT_EQ(0x1ffU, regs[0xf0 / 4]);

	ASSERT_EQ(0, ioctl(vm->fd, KVM_GET_IRQCHIP, &chip));
	EXPECT_EQ(0xfec00000ULL, chip.chip.ioapic.base_address);
	for (i = 0; i < KVM_IOAPIC_NUM_PINS; i++)
		EXPECT_EQ(1, (int)chip.chip.ioapic.redirtbl[i].fields.mask);

	mp.mp_state = KVM_MP_STATE_RUNNABLE;
	EXPECT_EQ(0, ioctl(v0->fd, KVM_SET_MP_STATE, &mp));
	ASSERT_EQ(0, ioctl(v0->fd, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ((uint32_t)KVM_MP_STATE_RUNNABLE, mp.mp_state);
	vcpu_free(v0);
	vcpu_free(v1);
	vm_destroy(vm);
}

TEST_HARNESS_MAIN
