// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel i8254 (KVM_CREATE_PIT2): its capabilities and refusals,
 * the state KVM_GET_PIT2 shows after creation, KVM_SET/GET_PIT2 and
 * KVM_GET_PIT round trips, a guest that programs counter 0 as a rate
 * generator and counts IRQ0 through the 8259 and through the IOAPIC (with
 * KVM's default routes and with QEMU's, IRQ0 on pin 2), a guest's counter
 * latch and read-back, and port 0x61 with and without the speaker stub;
 * and KVM_SET_VAPIC_ADDR 0, which QEMU issues with the in-kernel APIC.
 * Every case runs the same on kvm_intel (KHV_DEV=/dev/kvm).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "vm.h"
#include "guests/irqchip.inc"

GUEST_DECLARE(irq_count64);
GUEST_DECLARE(pit_read64);
GUEST_DECLARE(pit_speaker64);

#define PIT_100HZ	11932		/* 1193182 Hz / 100 */

static int vm_ioctl(struct vm *vm, unsigned long cmd, void *arg)
{
	return ioctl(vm->fd, cmd, arg) ? -errno : 0;
}

static int create_pit(struct vm *vm, uint32_t flags)
{
	struct kvm_pit_config cfg = { .flags = flags };

	return vm_ioctl(vm, KVM_CREATE_PIT2, &cfg);
}

static struct vm *pit_vm(uint32_t flags)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);

	if (ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0) || create_pit(vm, flags)) {
		perror("KVM_CREATE_IRQCHIP / KVM_CREATE_PIT2");
		abort();
	}
	return vm;
}

TEST(caps)
{
	struct vm *vm = vm_create();

	EXPECT_EQ(1, ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_PIT2));
	EXPECT_EQ(1, ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_PIT_STATE2));
	EXPECT_EQ(1, ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_REINJECT_CONTROL));
	vm_destroy(vm);
}

TEST(create_refusals)
{
	struct vm *vm = vm_create();
	struct kvm_pit_state2 s;
	struct kvm_reinject_control rc = {};

	/* No 8259 to drive yet. */
	EXPECT_EQ(-ENOENT, create_pit(vm, 0));
	EXPECT_EQ(-ENXIO, vm_ioctl(vm, KVM_GET_PIT2, &s));
	EXPECT_EQ(-ENXIO, vm_ioctl(vm, KVM_SET_PIT2, &s));
	EXPECT_EQ(-ENXIO, vm_ioctl(vm, KVM_GET_PIT, &s));
	EXPECT_EQ(-ENXIO, vm_ioctl(vm, KVM_REINJECT_CONTROL, &rc));
	ASSERT_EQ(0, vm_ioctl(vm, KVM_CREATE_IRQCHIP, NULL));
	EXPECT_EQ(-EFAULT, vm_ioctl(vm, KVM_CREATE_PIT2, (void *)8));
	/* kvm_intel 6.12 does not check the flags (api.rst lists one). */
	EXPECT_EQ(0, create_pit(vm, 2));
	EXPECT_EQ(-EEXIST, create_pit(vm, 0));
	EXPECT_EQ(-EEXIST, create_pit(vm, KVM_PIT_SPEAKER_DUMMY));
	EXPECT_EQ(-EEXIST, vm_ioctl(vm, KVM_CREATE_PIT, NULL));
	EXPECT_EQ(-EFAULT, vm_ioctl(vm, KVM_GET_PIT2, (void *)8));
	EXPECT_EQ(-EFAULT, vm_ioctl(vm, KVM_SET_PIT2, (void *)8));
	EXPECT_EQ(0, vm_ioctl(vm, KVM_REINJECT_CONTROL, &rc));
	vm_destroy(vm);
}

/* What KVM_CREATE_PIT2 starts with. */
TEST(initial_state)
{
	struct vm *vm = pit_vm(0);
	struct kvm_pit_state2 s;
	int i;

	memset(&s, 0xa5, sizeof(s));
	ASSERT_EQ(0, vm_ioctl(vm, KVM_GET_PIT2, &s));
	for (i = 0; i < 3; i++) {
		struct kvm_pit_channel_state *c = &s.channels[i];

		TH_LOG("ch%d: count %#x mode %#x rw %d rs %d ws %d gate %d bcd %d latched %d/%d",
		       i, c->count, c->mode, c->rw_mode, c->read_state,
		       c->write_state, c->gate, c->bcd, c->count_latched,
		       c->status_latched);
		EXPECT_EQ(0x10000U, c->count);
		EXPECT_EQ(i != 2, (int)c->gate);
		EXPECT_EQ(0xff, c->mode);
		EXPECT_EQ(0, c->count_latched);
		EXPECT_EQ(0, c->status_latched);
	}
	EXPECT_EQ(0U, s.flags);
	vm_destroy(vm);
}

TEST(set_get_round_trip)
{
	struct vm *vm = pit_vm(0);
	struct kvm_pit_state2 s = {}, g;
	struct kvm_pit_state old;
	int i;

	s.channels[0] = (struct kvm_pit_channel_state){
		.count = 0x10000, .mode = 3, .rw_mode = 3, .read_state = 3,
		.write_state = 3, .gate = 1,
	};
	s.channels[1] = (struct kvm_pit_channel_state){
		.count = 18, .mode = 2, .rw_mode = 1, .read_state = 1,
		.write_state = 1, .gate = 1,
	};
	s.channels[2] = (struct kvm_pit_channel_state){
		.count = 0x1234, .mode = 0, .rw_mode = 2, .read_state = 2,
		.write_state = 2, .gate = 0, .bcd = 0,
	};
	s.flags = KVM_PIT_FLAGS_HPET_LEGACY;
	ASSERT_EQ(0, vm_ioctl(vm, KVM_SET_PIT2, &s));
	ASSERT_EQ(0, vm_ioctl(vm, KVM_GET_PIT2, &g));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(s.channels[i].count, g.channels[i].count);
		EXPECT_EQ(s.channels[i].mode, g.channels[i].mode);
		EXPECT_EQ(s.channels[i].rw_mode, g.channels[i].rw_mode);
		EXPECT_EQ(s.channels[i].read_state, g.channels[i].read_state);
		EXPECT_EQ(s.channels[i].write_state, g.channels[i].write_state);
		EXPECT_EQ(s.channels[i].gate, g.channels[i].gate);
	}
	EXPECT_EQ((__u32)KVM_PIT_FLAGS_HPET_LEGACY, g.flags);
	ASSERT_EQ(0, vm_ioctl(vm, KVM_GET_PIT, &old));
	EXPECT_EQ(0x1234U, old.channels[2].count);
	old.channels[1].count = 99;
	ASSERT_EQ(0, vm_ioctl(vm, KVM_SET_PIT, &old));
	ASSERT_EQ(0, vm_ioctl(vm, KVM_GET_PIT2, &g));
	EXPECT_EQ(99U, g.channels[1].count);
	/* KVM_SET_PIT leaves the flags alone. */
	EXPECT_EQ((__u32)KVM_PIT_FLAGS_HPET_LEGACY, g.flags);
	s.flags = 0;
	ASSERT_EQ(0, vm_ioctl(vm, KVM_SET_PIT2, &s));
	ASSERT_EQ(0, vm_ioctl(vm, KVM_GET_PIT2, &g));
	EXPECT_EQ(0U, g.flags);
	vm_destroy(vm);
}

/* No state: the fixture exists for TEST_F_TIMEOUT (Bochs is slow). */
FIXTURE(pit_guest) {
	int unused;
};

FIXTURE_SETUP(pit_guest)
{
}

FIXTURE_TEARDOWN(pit_guest)
{
}

/* irq_count64 with the PIT at 100 Hz: returns the interrupts counted. */
static long run_pit_guest(struct vm *vm, uint8_t vector, uint32_t flags,
			  uint64_t arg, struct vcpu **vp)
{
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_regs regs;
	long code;

	vm_load_code(vm, GUEST_CODE(irq_count64));
	vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
	vcpu_get_regs(v, &regs);
	regs.r12 = vector;
	regs.r13 = 5;
	regs.r14 = flags | IRQF_PIT;
	regs.r15 = arg;
	regs.rbx = 0x34 << 16 | PIT_100HZ;	/* counter 0, LSB+MSB, mode 2 */
	vcpu_set_regs(v, &regs);
	*vp = v;
	code = vcpu_run_report(v);
	return code == REPORT_VALUE ? (long)v->regs.rcx : -1;
}

TEST_F_TIMEOUT(pit_guest, irq0_through_pic, 120)
{
	struct vm *vm = pit_vm(0);
	struct vcpu *v;
	long n = run_pit_guest(vm, IRQ_PIC_BASE, IRQF_PIC_INIT, 0xfffe, &v);

	ASSERT_LE(5, n) TH_LOG("%s", vcpu_exit_str(v));
	/* A tick may come between the fifth and the report. */
	EXPECT_GE(7, n);
	vm_destroy(vm);
}

TEST_F_TIMEOUT(pit_guest, irq0_through_ioapic_default_routes, 120)
{
	struct vm *vm = pit_vm(0);
	struct vcpu *v;
	long n = run_pit_guest(vm, 0x60, IRQF_PIC_OFF | IRQF_APIC_ON |
			       IRQF_IOAPIC, 0, &v);

	ASSERT_LE(5, n) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_GE(7, n);
	vm_destroy(vm);
}

/* QEMU's routes (hw/i386/kvm/ioapic.c): GSI 0 to IR0 and IOAPIC pin 2. */
static void set_qemu_routes(struct vm *vm)
{
	struct {
		struct kvm_irq_routing hdr;
		struct kvm_irq_routing_entry e[48];
	} r = {};
	uint32_t gsi, n = 0;

	for (gsi = 0; gsi < 24; gsi++) {
		if (gsi < 16 && gsi != 2)
			r.e[n++] = (struct kvm_irq_routing_entry){
				.gsi = gsi, .type = KVM_IRQ_ROUTING_IRQCHIP,
				.u.irqchip = { gsi < 8 ? KVM_IRQCHIP_PIC_MASTER :
					       KVM_IRQCHIP_PIC_SLAVE, gsi & 7 },
			};
		if (gsi != 2)
			r.e[n++] = (struct kvm_irq_routing_entry){
				.gsi = gsi, .type = KVM_IRQ_ROUTING_IRQCHIP,
				.u.irqchip = { KVM_IRQCHIP_IOAPIC, gsi ?: 2 },
			};
	}
	r.hdr.nr = n;
	if (ioctl(vm->fd, KVM_SET_GSI_ROUTING, &r)) {
		perror("KVM_SET_GSI_ROUTING");
		abort();
	}
}

TEST_F_TIMEOUT(pit_guest, irq0_through_ioapic_pin2, 120)
{
	struct vm *vm = pit_vm(0);
	struct vcpu *v;
	long n;

	set_qemu_routes(vm);
	n = run_pit_guest(vm, 0x62, IRQF_PIC_OFF | IRQF_APIC_ON | IRQF_IOAPIC,
			  2, &v);
	ASSERT_LE(5, n) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_GE(7, n);
	vm_destroy(vm);
}

/* The guest's latch and read-back of counter 1 (rate generator, 0x1234). */
TEST(guest_latch_and_read_back)
{
	struct vm *vm = pit_vm(0);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_pit_state2 s;

	vm_load_code(vm, GUEST_CODE(pit_read64));
	vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
	ASSERT_EQ(REPORT_VALUE, vcpu_run_report(v)) TH_LOG("%s", vcpu_exit_str(v));
	TH_LOG("latched %#llx status %#llx count %#llx", v->regs.rcx,
	       v->regs.rbx, v->regs.rdx);
	EXPECT_GE(0x1234ULL, v->regs.rcx);
	EXPECT_LT(0ULL, v->regs.rcx);
	/* RW 3 (LSB then MSB), mode 2, binary; OUT is high but for one clock. */
	EXPECT_EQ(0x34ULL, v->regs.rbx & 0x3f);
	EXPECT_GE(0x1234ULL, v->regs.rdx);
	ASSERT_EQ(0, vm_ioctl(vm, KVM_GET_PIT2, &s));
	EXPECT_EQ(0x1234U, s.channels[1].count);
	EXPECT_EQ(2, s.channels[1].mode);
	EXPECT_EQ(3, s.channels[1].rw_mode);
	vm_destroy(vm);
}

/* Port 0x61 is userspace's unless the PIT was created with the stub. */
TEST(speaker_port_to_userspace)
{
	struct vm *vm = pit_vm(0);
	struct vcpu *v = vcpu_add(vm, 0);

	vm_load_code(vm, GUEST_CODE(pit_speaker64));
	vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
	ASSERT_EQ(-1, vcpu_run_report(v));
	EXPECT_TRUE(vcpu_is_io(v, 0x61, KVM_EXIT_IO_IN, 1)) TH_LOG("%s", vcpu_exit_str(v));
	vm_destroy(vm);
}

TEST(speaker_port_stub)
{
	struct vm *vm = pit_vm(KVM_PIT_SPEAKER_DUMMY);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_pit_state2 s;

	vm_load_code(vm, GUEST_CODE(pit_speaker64));
	vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
	ASSERT_EQ(REPORT_VALUE, vcpu_run_report(v)) TH_LOG("%s", vcpu_exit_str(v));
	TH_LOG("0x61 before %#llx after %#llx", v->regs.rbx, v->regs.rcx);
	/* Channel 2's gate: off at creation, on after the write. */
	EXPECT_EQ(0ULL, v->regs.rbx & 1);
	EXPECT_EQ(1ULL, v->regs.rcx & 1);
	ASSERT_EQ(0, vm_ioctl(vm, KVM_GET_PIT2, &s));
	EXPECT_EQ(1, s.channels[2].gate);
	vm_destroy(vm);
}

/*
 * Not the PIT's, but what QEMU's pc machine does with the in-kernel APIC
 * at every reset: KVM_SET_VAPIC_ADDR with address 0 (it aborts if refused).
 */
TEST(vapic_addr_cleared)
{
	struct kvm_vapic_addr va = { .vapic_addr = 0 };
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);

	/* No in-kernel APIC: EINVAL. */
	EXPECT_EQ(-1, ioctl(v->fd, KVM_SET_VAPIC_ADDR, &va));
	EXPECT_EQ(EINVAL, errno);
	vm_destroy(vm);

	vm = pit_vm(0);
	v = vcpu_add(vm, 0);
	EXPECT_EQ(0, ioctl(v->fd, KVM_SET_VAPIC_ADDR, &va));
	EXPECT_EQ(-1, ioctl(v->fd, KVM_SET_VAPIC_ADDR, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	vm_destroy(vm);
}

TEST_HARNESS_MAIN
