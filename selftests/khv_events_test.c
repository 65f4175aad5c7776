// SPDX-License-Identifier: GPL-2.0
/*
 * Events userspace hands a vCPU of a VM without an in-kernel irqchip, as
 * QEMU with kernel-irqchip=off does: KVM_INTERRUPT and the interrupt window
 * (request_interrupt_window, KVM_EXIT_IRQ_WINDOW_OPEN,
 * ready_for_interrupt_injection, if_flag), KVM_NMI, KVM_GET/SET_VCPU_EVENTS,
 * KVM_SET_SIGNAL_MASK with a kick signal, and kvm_run's sync_regs. The
 * guest (guests/events.S) counts what its IDT handlers take, by vector.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vm.h"
#include "guests/events.inc"

GUEST_DECLARE(events64);

#define X86_CR4_PAE_BIT		((__u64)1 << 5)

static uint32_t ev_u32(struct vm *vm, uint64_t gpa)
{
	return __atomic_load_n((uint32_t *)vm_hva(vm, gpa), __ATOMIC_ACQUIRE);
}

static uint64_t ev_u64(struct vm *vm, uint64_t gpa)
{
	return __atomic_load_n((uint64_t *)vm_hva(vm, gpa), __ATOMIC_ACQUIRE);
}

static uint32_t ev_count(struct vm *vm, unsigned int vector)
{
	return ev_u32(vm, EV_COUNT_GPA + 4 * vector);
}

static void ev_set_stop(struct vm *vm, int vector)
{
	uint32_t v = vector + 1;

	vm_write(vm, EV_STOP_GPA, &v, sizeof(v));
}

/* A VM with events64 in @scenario on vCPU 0, optionally with an irqchip. */
static struct vcpu *ev_setup(int scenario, bool irqchip)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct kvm_regs regs;
	struct vcpu *v;

	if (irqchip && ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0)) {
		perror("KVM_CREATE_IRQCHIP");
		abort();
	}
	v = vcpu_add(vm, 0);
	vm_load_code(vm, GUEST_CODE(events64));
	vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
	vcpu_get_regs(v, &regs);
	regs.r12 = scenario;
	vcpu_set_regs(v, &regs);
	return v;
}

static void ev_free(struct vcpu *v)
{
	vm_destroy(v->vm);
}

static int ev_interrupt(struct vcpu *v, uint32_t vector)
{
	struct kvm_interrupt irq = { .irq = vector };

	return ioctl(v->fd, KVM_INTERRUPT, &irq) ? -errno : 0;
}

static void ev_get(struct vcpu *v, struct kvm_vcpu_events *e)
{
	memset(e, 0xa5, sizeof(*e));
	if (ioctl(v->fd, KVM_GET_VCPU_EVENTS, e)) {
		perror("KVM_GET_VCPU_EVENTS");
		abort();
	}
}

static int ev_set(struct vcpu *v, const struct kvm_vcpu_events *e)
{
	return ioctl(v->fd, KVM_SET_VCPU_EVENTS, e) ? -errno : 0;
}

static uint64_t ev_rip(struct vcpu *v)
{
	struct kvm_regs regs;

	vcpu_get_regs(v, &regs);
	return regs.rip;
}

#define ASSERT_EXIT(v, reason) do {					\
	int __exit = vcpu_run_exit(v);					\
	ASSERT_EQ(reason, __exit) TH_LOG("%s", vcpu_exit_str(v));	\
} while (0)

#define ASSERT_STEP(v, step) do {						\
	ASSERT_EQ(REPORT_VALUE, vcpu_run_report(v)) TH_LOG("%s", vcpu_exit_str(v)); \
	ASSERT_EQ((uint64_t)(step), (v)->regs.rcx);				\
} while (0)

/* No state: the fixture exists for TEST_F_TIMEOUT (Bochs is slow). */
FIXTURE(events) {
	int unused;
};

FIXTURE_SETUP(events)
{
}

FIXTURE_TEARDOWN(events)
{
}

TEST_F(events, capabilities)
{
	int fd = vm_dev_open();

	ASSERT_LE(0, fd);
	EXPECT_EQ(1, ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_VCPU_EVENTS));
	EXPECT_EQ(1, ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_USER_NMI));
	/* x86 KVM does not offer it, though VALID_SHADOW works. */
	EXPECT_EQ(0, ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_INTR_SHADOW));
	EXPECT_EQ((int)KVM_SYNC_X86_VALID_FIELDS,
		  ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS));
	close(fd);
}

/* HLT with IF=1: ready; KVM_INTERRUPT is taken at the next entry, once. */
TEST_F_TIMEOUT(events, interrupt_delivered, 120)
{
	struct vcpu *v = ev_setup(EV_HLT_LOOP, false);
	struct kvm_vcpu_events e;
	uint64_t hlt_rip;

	ASSERT_EXIT(v, KVM_EXIT_HLT);
	EXPECT_EQ(1, v->run->if_flag);
	EXPECT_EQ(1, v->run->ready_for_interrupt_injection);
	hlt_rip = ev_rip(v);

	ASSERT_EQ(0, ev_interrupt(v, 0x41));
	ev_get(v, &e);
	EXPECT_EQ(1, e.interrupt.injected);
	EXPECT_EQ(0x41, e.interrupt.nr);
	ASSERT_EXIT(v, KVM_EXIT_HLT);
	EXPECT_EQ(1U, ev_count(v->vm, 0x41));
	EXPECT_EQ(1U, ev_u32(v->vm, EV_TOTAL_GPA));
	/* Taken right after the HLT, before the next instruction. */
	EXPECT_EQ(hlt_rip, ev_u64(v->vm, EV_LAST_RIP_GPA));
	EXPECT_EQ(1, v->run->ready_for_interrupt_injection);
	ev_get(v, &e);
	EXPECT_EQ(0, e.interrupt.injected);

	ASSERT_EXIT(v, KVM_EXIT_HLT);
	EXPECT_EQ(1U, ev_u32(v->vm, EV_TOTAL_GPA));
	ev_free(v);
}

TEST_F(events, interrupt_bad_vector)
{
	struct vcpu *v = ev_setup(EV_HLT_LOOP, false);

	EXPECT_EQ(-EINVAL, ev_interrupt(v, 256));
	EXPECT_EQ(-EINVAL, ev_interrupt(v, 0xffffffff));
	EXPECT_EQ(-EFAULT, ioctl(v->fd, KVM_INTERRUPT, NULL) ? -errno : 0);
	ev_free(v);
}

/*
 * IF=0: not ready. request_interrupt_window: the exit comes once STI's
 * shadow is over, after the NOP; the interrupt given then is taken there.
 */
TEST_F_TIMEOUT(events, irq_window_after_sti, 120)
{
	struct vcpu *v = ev_setup(EV_CLI_STI, false);
	uint64_t mark;

	ASSERT_STEP(v, 1);
	mark = ev_u64(v->vm, EV_MARK_NOP_GPA);
	EXPECT_EQ(0, v->run->if_flag);
	EXPECT_EQ(0, v->run->ready_for_interrupt_injection);

	v->run->request_interrupt_window = 1;
	ASSERT_EXIT(v, KVM_EXIT_IRQ_WINDOW_OPEN);
	EXPECT_EQ(1, v->run->if_flag);
	EXPECT_EQ(1, v->run->ready_for_interrupt_injection);
	EXPECT_EQ(mark, ev_rip(v));
	EXPECT_EQ(0U, ev_u32(v->vm, EV_TOTAL_GPA));

	ASSERT_EQ(0, ev_interrupt(v, 0x42));
	v->run->request_interrupt_window = 0;
	ASSERT_STEP(v, 2);
	EXPECT_EQ(1U, ev_count(v->vm, 0x42));
	EXPECT_EQ(mark, ev_u64(v->vm, EV_LAST_RIP_GPA));
	ev_free(v);
}

/*
 * KVM_INTERRUPT while IF=0 (a deliberate difference, docs/abi.md): khv keeps
 * it until the guest can take it, after STI and the NOP in its shadow.
 * kvm_intel injects it at the next entry whatever IF says, and the CPU
 * refuses the entry (invalid guest state); VMMs wait for
 * ready_for_interrupt_injection, so neither answer reaches them.
 */
TEST_F_TIMEOUT(events, interrupt_waits_for_if, 120)
{
	struct vcpu *v = ev_setup(EV_CLI_STI, false);
	uint64_t mark;
	long code;

	ASSERT_STEP(v, 1);
	mark = ev_u64(v->vm, EV_MARK_NOP_GPA);
	ASSERT_EQ(0, ev_interrupt(v, 0x44));
	code = vcpu_run_report(v);
	if (vm_dev_is_kvm()) {
		EXPECT_EQ((uint32_t)KVM_EXIT_FAIL_ENTRY, v->run->exit_reason);
		EXPECT_EQ(0x80000021ULL,
			  v->run->fail_entry.hardware_entry_failure_reason);
		ev_free(v);
		return;
	}
	ASSERT_EQ(REPORT_VALUE, code) TH_LOG("%s", vcpu_exit_str(v));
	ASSERT_EQ(2ULL, v->regs.rcx);
	EXPECT_EQ(1U, ev_count(v->vm, 0x44));
	EXPECT_EQ(mark, ev_u64(v->vm, EV_LAST_RIP_GPA));
	ev_free(v);
}

/* The window is already open: the exit comes before any guest instruction. */
TEST_F_TIMEOUT(events, irq_window_already_open, 120)
{
	struct vcpu *v = ev_setup(EV_HLT_LOOP, false);
	uint64_t rip;

	ASSERT_EXIT(v, KVM_EXIT_HLT);
	rip = ev_rip(v);
	v->run->request_interrupt_window = 1;
	ASSERT_EXIT(v, KVM_EXIT_IRQ_WINDOW_OPEN);
	EXPECT_EQ(rip, ev_rip(v));
	EXPECT_EQ(1, v->run->ready_for_interrupt_injection);
	/* Again: still open, still no instruction run. */
	ASSERT_EXIT(v, KVM_EXIT_IRQ_WINDOW_OPEN);
	EXPECT_EQ(rip, ev_rip(v));
	EXPECT_EQ(0U, ev_u32(v->vm, EV_TOTAL_GPA));
	ev_free(v);
}

/*
 * STI; HLT: the HLT runs in STI's shadow, so the VMM sees the HLT exit,
 * ready and with IF=1, not a window exit; the interrupt wakes it.
 */
TEST_F_TIMEOUT(events, sti_hlt, 120)
{
	struct vcpu *v = ev_setup(EV_STI_HLT, false);
	uint64_t after;

	ASSERT_STEP(v, 1);
	after = ev_u64(v->vm, EV_MARK_HLT_GPA);
	v->run->request_interrupt_window = 1;
	ASSERT_EXIT(v, KVM_EXIT_HLT);
	EXPECT_EQ(1, v->run->if_flag);
	EXPECT_EQ(1, v->run->ready_for_interrupt_injection);
	EXPECT_EQ(after, ev_rip(v));

	ASSERT_EQ(0, ev_interrupt(v, 0x43));
	v->run->request_interrupt_window = 0;
	ASSERT_STEP(v, 2);
	EXPECT_EQ(1U, ev_count(v->vm, 0x43));
	EXPECT_EQ(after, ev_u64(v->vm, EV_LAST_RIP_GPA));
	ev_free(v);
}

/* HLT with IF=0: neither ready nor IF; an NMI is taken all the same. */
TEST_F_TIMEOUT(events, nmi_with_if_clear, 120)
{
	struct vcpu *v = ev_setup(EV_CLI_HLT, false);
	struct kvm_vcpu_events e;

	ASSERT_EXIT(v, KVM_EXIT_HLT);
	EXPECT_EQ(0, v->run->if_flag);
	EXPECT_EQ(0, v->run->ready_for_interrupt_injection);

	ASSERT_EQ(0, ioctl(v->fd, KVM_NMI));
	ev_get(v, &e);
	EXPECT_EQ(1, e.nmi.pending);
	ASSERT_EXIT(v, KVM_EXIT_HLT);
	EXPECT_EQ(1U, ev_count(v->vm, 2));
	EXPECT_EQ(1U, ev_u32(v->vm, EV_TOTAL_GPA));
	ev_get(v, &e);
	EXPECT_EQ(0, e.nmi.pending);
	EXPECT_EQ(0, e.nmi.masked);
	ev_free(v);
}

/*
 * An NMI while the guest is in its NMI handler waits for the IRET (virtual
 * NMI blocking); a third while one waits is the same NMI.
 */
TEST_F_TIMEOUT(events, nmi_blocked_until_iret, 120)
{
	struct vcpu *v = ev_setup(EV_HLT_LOOP, false);
	struct kvm_vcpu_events e;

	ASSERT_EXIT(v, KVM_EXIT_HLT);
	ev_set_stop(v->vm, 2);
	ASSERT_EQ(0, ioctl(v->fd, KVM_NMI));
	ASSERT_STEP(v, EV_STEP_HANDLER);
	EXPECT_EQ(1U, ev_count(v->vm, 2));
	ev_get(v, &e);
	EXPECT_EQ(1, e.nmi.masked);
	EXPECT_EQ(0, e.nmi.pending);

	ASSERT_EQ(0, ioctl(v->fd, KVM_NMI));
	ASSERT_EQ(0, ioctl(v->fd, KVM_NMI));
	ev_get(v, &e);
	EXPECT_EQ(1, e.nmi.masked);
	EXPECT_EQ(1, e.nmi.pending);
	/* The first handler's IRET lets the second NMI in. */
	ASSERT_STEP(v, EV_STEP_HANDLER);
	EXPECT_EQ(2U, ev_count(v->vm, 2));

	ev_set_stop(v->vm, -1);
	ASSERT_EXIT(v, KVM_EXIT_HLT);
	EXPECT_EQ(2U, ev_count(v->vm, 2));
	ev_get(v, &e);
	EXPECT_EQ(0, e.nmi.masked);
	EXPECT_EQ(0, e.nmi.pending);
	ev_free(v);
}

/* With the 8259 in the kernel: KVM_INTERRUPT is refused, NMIs still go in. */
TEST_F_TIMEOUT(events, with_irqchip, 120)
{
	struct vcpu *v = ev_setup(EV_REPORT_LOOP, true);
	struct kvm_regs regs;

	vcpu_get_regs(v, &regs);
	regs.rflags &= ~0x200ULL;
	vcpu_set_regs(v, &regs);
	ASSERT_STEP(v, 1);
	EXPECT_EQ(0, v->run->if_flag);
	/* KVM: always 1 when the 8259 is in the kernel. */
	EXPECT_EQ(1, v->run->ready_for_interrupt_injection);
	EXPECT_EQ(-ENXIO, ev_interrupt(v, 0x41));
	EXPECT_EQ(-EINVAL, ev_interrupt(v, 256));

	ASSERT_EQ(0, ioctl(v->fd, KVM_NMI));
	ASSERT_STEP(v, 1);
	EXPECT_EQ(1U, ev_count(v->vm, 2));
	EXPECT_EQ(1U, ev_u32(v->vm, EV_TOTAL_GPA));
	ev_free(v);
}

TEST_F(events, initial_state)
{
	struct vcpu *v = ev_setup(EV_HLT_LOOP, false);
	struct kvm_vcpu_events e, zero;

	ev_get(v, &e);
	EXPECT_EQ((uint32_t)(KVM_VCPUEVENT_VALID_NMI_PENDING |
			     KVM_VCPUEVENT_VALID_SHADOW | KVM_VCPUEVENT_VALID_SMM),
		  e.flags);
	memset(&zero, 0, sizeof(zero));
	zero.flags = e.flags;
	EXPECT_EQ(0, memcmp(&zero, &e, sizeof(e)));
	ev_free(v);
}

/* An exception set by userspace reaches the IDT with its error code. */
TEST_F_TIMEOUT(events, set_exception, 120)
{
	struct vcpu *v = ev_setup(EV_REPORT_LOOP, false);
	struct kvm_vcpu_events e, got;

	ASSERT_STEP(v, 1);
	memset(&e, 0, sizeof(e));
	e.exception.injected = 1;
	e.exception.nr = 13;
	e.exception.has_error_code = 1;
	e.exception.error_code = 0x1234;
	ASSERT_EQ(0, ev_set(v, &e));
	ev_get(v, &got);
	EXPECT_EQ(1, got.exception.injected);
	EXPECT_EQ(13, got.exception.nr);
	EXPECT_EQ(1, got.exception.has_error_code);
	EXPECT_EQ(0x1234U, got.exception.error_code);
	EXPECT_EQ(0, got.interrupt.injected);
	EXPECT_EQ(0, got.nmi.injected);

	ASSERT_STEP(v, 1);
	EXPECT_EQ(1U, ev_count(v->vm, 13));
	EXPECT_EQ(0x1234U, ev_u32(v->vm, EV_LAST_ERR_GPA));
	EXPECT_EQ(1U, ev_u32(v->vm, EV_TOTAL_GPA));
	ev_get(v, &got);
	EXPECT_EQ(0, got.exception.injected);
	ev_free(v);
}

/* interrupt.injected and an NMI, pending or injected, each taken once. */
TEST_F_TIMEOUT(events, set_interrupt_and_nmi, 120)
{
	struct vcpu *v = ev_setup(EV_REPORT_LOOP, false);
	struct kvm_vcpu_events e, got;

	ASSERT_STEP(v, 1);
	memset(&e, 0, sizeof(e));
	e.interrupt.injected = 1;
	e.interrupt.nr = 0x45;
	ASSERT_EQ(0, ev_set(v, &e));
	ev_get(v, &got);
	EXPECT_EQ(1, got.interrupt.injected);
	EXPECT_EQ(0x45, got.interrupt.nr);
	ASSERT_STEP(v, 1);
	EXPECT_EQ(1U, ev_count(v->vm, 0x45));

	memset(&e, 0, sizeof(e));
	e.flags = KVM_VCPUEVENT_VALID_NMI_PENDING;
	e.nmi.pending = 1;
	ASSERT_EQ(0, ev_set(v, &e));
	ev_get(v, &got);
	EXPECT_EQ(1, got.nmi.pending);
	EXPECT_EQ(0, got.nmi.injected);
	ASSERT_STEP(v, 1);
	EXPECT_EQ(1U, ev_count(v->vm, 2));

	memset(&e, 0, sizeof(e));
	e.nmi.injected = 1;
	ASSERT_EQ(0, ev_set(v, &e));
	ev_get(v, &got);
	EXPECT_EQ(1, got.nmi.injected);
	ASSERT_STEP(v, 1);
	EXPECT_EQ(2U, ev_count(v->vm, 2));
	EXPECT_EQ(3U, ev_u32(v->vm, EV_TOTAL_GPA));

	/* Setting nothing clears what was set. */
	e.nmi.injected = 1;
	e.interrupt.injected = 1;
	e.interrupt.nr = 0x46;
	ASSERT_EQ(0, ev_set(v, &e));
	memset(&e, 0, sizeof(e));
	e.flags = KVM_VCPUEVENT_VALID_NMI_PENDING;
	ASSERT_EQ(0, ev_set(v, &e));
	ev_get(v, &got);
	EXPECT_EQ(0, got.nmi.injected);
	EXPECT_EQ(0, got.interrupt.injected);
	ASSERT_STEP(v, 1);
	EXPECT_EQ(3U, ev_u32(v->vm, EV_TOTAL_GPA));
	ev_free(v);
}

/* The interrupt shadow and NMI masking go to the guest state and back. */
TEST_F_TIMEOUT(events, shadow_and_nmi_mask, 120)
{
	struct vcpu *v = ev_setup(EV_REPORT_LOOP, false);
	struct kvm_vcpu_events e, got;

	ASSERT_STEP(v, 1);
	memset(&e, 0, sizeof(e));
	e.flags = KVM_VCPUEVENT_VALID_SHADOW;
	e.interrupt.shadow = KVM_X86_SHADOW_INT_STI;
	e.nmi.masked = 1;
	ASSERT_EQ(0, ev_set(v, &e));
	ev_get(v, &got);
	EXPECT_EQ(KVM_X86_SHADOW_INT_STI, got.interrupt.shadow);
	EXPECT_EQ(1, got.nmi.masked);

	/* Without VALID_SHADOW the shadow stays; nmi.masked always applies. */
	memset(&e, 0, sizeof(e));
	ASSERT_EQ(0, ev_set(v, &e));
	ev_get(v, &got);
	EXPECT_EQ(KVM_X86_SHADOW_INT_STI, got.interrupt.shadow);
	EXPECT_EQ(0, got.nmi.masked);

	e.flags = KVM_VCPUEVENT_VALID_SHADOW;
	e.interrupt.shadow = KVM_X86_SHADOW_INT_MOV_SS;
	ASSERT_EQ(0, ev_set(v, &e));
	ev_get(v, &got);
	EXPECT_EQ(KVM_X86_SHADOW_INT_MOV_SS, got.interrupt.shadow);

	e.interrupt.shadow = 0;
	ASSERT_EQ(0, ev_set(v, &e));
	ev_get(v, &got);
	EXPECT_EQ(0, got.interrupt.shadow);
	ASSERT_STEP(v, 1);
	EXPECT_EQ(0U, ev_u32(v->vm, EV_TOTAL_GPA));
	ev_free(v);
}

/* KVM's refusals; each leaves the state as it was. */
TEST_F(events, set_invalid)
{
	struct vcpu *v = ev_setup(EV_HLT_LOOP, false);
	struct kvm_vcpu_events e, before, after;
	static const struct {
		uint32_t flags;
		uint8_t exc_nr;
	} bad[] = {
		{ 0x40, 0 },
		{ 0x80000000, 0 },
		{ KVM_VCPUEVENT_VALID_PAYLOAD, 0 },
		{ 0, 2 },	/* NMI is no exception */
		{ 0, 32 },
		{ 0, 255 },
		/* Last: KVM applies the rest before it refuses this one. */
		{ KVM_VCPUEVENT_VALID_TRIPLE_FAULT, 0 },
	};
	unsigned int i;

	memset(&e, 0, sizeof(e));
	e.interrupt.injected = 1;
	e.interrupt.nr = 0x47;
	ASSERT_EQ(0, ev_set(v, &e));
	ev_get(v, &before);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&e, 0, sizeof(e));
		e.flags = bad[i].flags;
		if (bad[i].exc_nr) {
			e.exception.injected = 1;
			e.exception.nr = bad[i].exc_nr;
		}
		EXPECT_EQ(-EINVAL, ev_set(v, &e)) TH_LOG("case %u", i);
		ev_get(v, &after);
		if (vm_dev_is_kvm() && (e.flags & KVM_VCPUEVENT_VALID_TRIPLE_FAULT)) {
			/* kvm_intel cleared the interrupt, then refused. */
			EXPECT_EQ(0, after.interrupt.injected);
			continue;
		}
		EXPECT_EQ(0, memcmp(&before, &after, sizeof(after))) TH_LOG("case %u", i);
	}

	/* Without VALID_PAYLOAD, exception.pending is ignored, vector and all. */
	memset(&e, 0, sizeof(e));
	e.exception.pending = 1;
	e.exception.nr = 255;
	EXPECT_EQ(0, ev_set(v, &e));
	ev_get(v, &after);
	EXPECT_EQ(0, after.exception.injected);
	EXPECT_EQ(0, after.exception.pending);
	EXPECT_EQ(0, after.interrupt.injected);

	EXPECT_EQ(-EFAULT, ioctl(v->fd, KVM_SET_VCPU_EVENTS, NULL) ? -errno : 0);
	EXPECT_EQ(-EFAULT, ioctl(v->fd, KVM_GET_VCPU_EVENTS, NULL) ? -errno : 0);
	ev_free(v);
}

/* SMM state khv does not have: refused (KVM with SMM support accepts it). */
TEST_F(events, set_smm_khv)
{
	struct vcpu *v;
	struct kvm_vcpu_events e;

	if (vm_dev_is_kvm())
		SKIP(return, "kvm_intel has SMM");
	v = ev_setup(EV_HLT_LOOP, false);
	memset(&e, 0, sizeof(e));
	e.flags = KVM_VCPUEVENT_VALID_SMM;
	e.smi.smm = 1;
	EXPECT_EQ(-EINVAL, ev_set(v, &e));
	e.smi.smm = 0;
	e.smi.pending = 1;
	EXPECT_EQ(-EINVAL, ev_set(v, &e));
	e.smi.pending = 0;
	EXPECT_EQ(0, ev_set(v, &e));
	ev_free(v);
}

/* ---- KVM_SET_SIGNAL_MASK ---- */

static int sigusr1_handled;

static void on_sigusr1(int sig)
{
	__atomic_add_fetch(&sigusr1_handled, 1, __ATOMIC_RELAXED);
}

/* A handler without SA_RESTART; SIGUSR1 blocked in this thread. */
static void sigusr1_block(void)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	sigset_t set;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	__atomic_store_n(&sigusr1_handled, 0, __ATOMIC_RELAXED);
}

/* Consumes a pending SIGUSR1 of this thread; false if there is none. */
static bool sigusr1_take(void)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	return sigtimedwait(&set, NULL, &zero) == SIGUSR1;
}

static void sigusr1_unblock(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

static int set_sigmask(struct vcpu *v, const sigset_t *blocked, uint32_t len)
{
	struct {
		struct kvm_signal_mask hdr;
		uint8_t bits[16];
	} m;

	memset(&m, 0, sizeof(m));
	m.hdr.len = len;
	if (blocked)
		memcpy(m.bits, blocked, 8);	/* the kernel's sigset_t: 64 bits */
	return ioctl(v->fd, KVM_SET_SIGNAL_MASK, blocked ? &m : NULL) ? -errno : 0;
}

TEST_F(events, sigmask_len)
{
	struct vcpu *v = ev_setup(EV_HLT_LOOP, false);
	sigset_t set;

	sigemptyset(&set);
	EXPECT_EQ(-EINVAL, set_sigmask(v, &set, 4));
	EXPECT_EQ(-EINVAL, set_sigmask(v, &set, 16));
	EXPECT_EQ(-EINVAL, set_sigmask(v, &set, 0));
	EXPECT_EQ(0, set_sigmask(v, &set, 8));
	EXPECT_EQ(0, set_sigmask(v, NULL, 0));
	ev_free(v);
}

/*
 * The kick sent before KVM_RUN: SIGUSR1 blocked in the thread and pending,
 * unblocked by the vCPU's mask, ends KVM_RUN at once; back outside, it is
 * blocked again and still pending (the handler did not run).
 */
TEST_F_TIMEOUT(events, sigmask_pending_kick, 120)
{
	struct vcpu *v = ev_setup(EV_REPORT_LOOP, false);
	sigset_t none;

	sigusr1_block();
	sigemptyset(&none);
	ASSERT_EQ(0, set_sigmask(v, &none, 8));
	pthread_kill(pthread_self(), SIGUSR1);
	EXPECT_EQ(-EINTR, vcpu_run(v));
	EXPECT_EQ((uint32_t)KVM_EXIT_INTR, v->run->exit_reason);
	EXPECT_EQ(0, __atomic_load_n(&sigusr1_handled, __ATOMIC_RELAXED));
	EXPECT_TRUE(sigusr1_take());
	/* Nothing pending now: the guest runs. */
	ASSERT_STEP(v, 1);
	sigusr1_unblock();
	ev_free(v);
}

/* Blocked in the vCPU's mask (or with no mask, in the thread's): ignored by RUN. */
TEST_F_TIMEOUT(events, sigmask_blocks_in_run, 120)
{
	struct vcpu *v = ev_setup(EV_REPORT_LOOP, false);
	sigset_t usr1;

	sigusr1_block();
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	ASSERT_EQ(0, set_sigmask(v, &usr1, 8));
	pthread_kill(pthread_self(), SIGUSR1);
	ASSERT_STEP(v, 1);
	ASSERT_EQ(0, set_sigmask(v, NULL, 0));
	ASSERT_STEP(v, 1);
	EXPECT_EQ(0, __atomic_load_n(&sigusr1_handled, __ATOMIC_RELAXED));
	EXPECT_TRUE(sigusr1_take());
	sigusr1_unblock();
	ev_free(v);
}

struct kicker {
	pthread_t target;
	int stop;
};

static void *kicker_fn(void *arg)
{
	struct kicker *k = arg;

	while (!__atomic_load_n(&k->stop, __ATOMIC_ACQUIRE)) {
		pthread_kill(k->target, SIGUSR1);
		usleep(20000);
	}
	return NULL;
}

/* The kick while the guest spins: EINTR, the signal left pending. */
TEST_F_TIMEOUT(events, sigmask_kick_while_running, 120)
{
	struct vcpu *v = ev_setup(EV_SPIN, false);
	struct kicker k;
	pthread_t t;
	sigset_t none;
	int r;

	sigusr1_block();
	sigemptyset(&none);
	ASSERT_EQ(0, set_sigmask(v, &none, 8));
	k.target = pthread_self();
	k.stop = 0;
	ASSERT_EQ(0, pthread_create(&t, NULL, kicker_fn, &k));
	r = vcpu_run(v);
	__atomic_store_n(&k.stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	EXPECT_EQ(-EINTR, r);
	EXPECT_EQ((uint32_t)KVM_EXIT_INTR, v->run->exit_reason);
	EXPECT_EQ(0, __atomic_load_n(&sigusr1_handled, __ATOMIC_RELAXED));
	EXPECT_TRUE(sigusr1_take());
	while (sigusr1_take())
		;
	sigusr1_unblock();
	ev_free(v);
}

/* ---- sync_regs ---- */

#define SYNC_ALL	(KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS | KVM_SYNC_X86_EVENTS)

static void sync_assert_in_exit(struct __test_metadata *_metadata, struct vcpu *v)
{
	ASSERT_TRUE(vcpu_is_io(v, EV_IN_PORT, KVM_EXIT_IO_IN, 1))
		TH_LOG("%s", vcpu_exit_str(v));
}

#define SYNC_RUN(v) do {						\
	ASSERT_EQ(0, vcpu_run(v)) TH_LOG("%s", vcpu_exit_str(v));	\
	sync_assert_in_exit(_metadata, v);				\
} while (0)

TEST_F(events, sync_regs_invalid_bits)
{
	struct vcpu *v = ev_setup(EV_IN_LOOP, false);
	struct kvm_run *run = v->run;

	run->kvm_valid_regs = SYNC_ALL + 1;
	EXPECT_EQ(-EINVAL, vcpu_run(v));
	run->kvm_valid_regs = ~0ULL;
	EXPECT_EQ(-EINVAL, vcpu_run(v));
	run->kvm_valid_regs = 0;
	run->kvm_dirty_regs = SYNC_ALL + 1;
	EXPECT_EQ(-EINVAL, vcpu_run(v));
	run->kvm_dirty_regs = 1ULL << 31;
	EXPECT_EQ(-EINVAL, vcpu_run(v));
	/* KVM checks bits 31:0 only; the others are ignored. */
	run->kvm_dirty_regs = 1ULL << 63;
	run->kvm_valid_regs = 1ULL << 32;
	SYNC_RUN(v);
	run->kvm_dirty_regs = 0;
	run->kvm_valid_regs = 0;
	SYNC_RUN(v);
	ev_free(v);
}

/* What sync_regs shows is what the GET ioctls show. */
TEST_F_TIMEOUT(events, sync_regs_read, 120)
{
	struct vcpu *v = ev_setup(EV_IN_LOOP, false);
	struct kvm_run *run = v->run;
	struct kvm_vcpu_events e;
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	run->kvm_valid_regs = SYNC_ALL;
	SYNC_RUN(v);
	vcpu_get_regs(v, &regs);
	vcpu_get_sregs(v, &sregs);
	ev_get(v, &e);
	EXPECT_EQ(0, memcmp(&regs, &run->s.regs.regs, sizeof(regs)));
	EXPECT_EQ(0, memcmp(&sregs, &run->s.regs.sregs, sizeof(sregs)));
	EXPECT_EQ(0, memcmp(&e, &run->s.regs.events, sizeof(e)));
	EXPECT_EQ(0ULL, regs.rbx);

	SYNC_RUN(v);
	EXPECT_EQ(1ULL, run->s.regs.regs.rbx);
	ev_free(v);
}

/* Dirty parts are applied at entry and the bits cleared. */
TEST_F_TIMEOUT(events, sync_regs_write, 120)
{
	struct vcpu *v = ev_setup(EV_IN_LOOP, false);
	struct kvm_run *run = v->run;
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	run->kvm_valid_regs = SYNC_ALL;
	SYNC_RUN(v);
	run->s.regs.regs.rbx = 0xbad1dea;
	run->s.regs.sregs.apic_base = 1 << 11;
	run->kvm_dirty_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	SYNC_RUN(v);
	EXPECT_EQ(0ULL, run->kvm_dirty_regs);
	EXPECT_EQ(0xbad1deaULL + 1, run->s.regs.regs.rbx);
	EXPECT_EQ(1ULL << 11, run->s.regs.sregs.apic_base);
	vcpu_get_regs(v, &regs);
	vcpu_get_sregs(v, &sregs);
	EXPECT_EQ(0, memcmp(&regs, &run->s.regs.regs, sizeof(regs)));
	EXPECT_EQ(0, memcmp(&sregs, &run->s.regs.sregs, sizeof(sregs)));

	/* An interrupt through sync'ed events is taken (IF=1). */
	memset(&run->s.regs.events, 0, sizeof(run->s.regs.events));
	run->s.regs.events.interrupt.injected = 1;
	run->s.regs.events.interrupt.nr = 0x48;
	run->kvm_dirty_regs = KVM_SYNC_X86_EVENTS;
	SYNC_RUN(v);
	EXPECT_EQ(0ULL, run->kvm_dirty_regs);
	EXPECT_EQ(1U, ev_count(v->vm, 0x48));
	EXPECT_EQ(0, run->s.regs.events.interrupt.injected);
	ev_free(v);
}

/* valid_regs = 0: s.regs untouched; dirty without valid: applied, not stored. */
TEST_F_TIMEOUT(events, sync_regs_valid_and_dirty, 120)
{
	struct vcpu *v = ev_setup(EV_IN_LOOP, false);
	struct kvm_run *run = v->run;
	struct kvm_regs regs;

	run->kvm_valid_regs = SYNC_ALL;
	SYNC_RUN(v);

	run->kvm_valid_regs = 0;
	run->kvm_dirty_regs = 0;
	run->s.regs.regs.rbx = 0xaaaa;
	vcpu_get_regs(v, &regs);
	regs.rbx = 0xbac0;
	vcpu_set_regs(v, &regs);
	SYNC_RUN(v);
	EXPECT_EQ(0xaaaaULL, run->s.regs.regs.rbx);
	vcpu_get_regs(v, &regs);
	EXPECT_EQ(0xbac0ULL + 1, regs.rbx);

	/* s.regs must hold the whole current state before it is written back. */
	run->kvm_valid_regs = SYNC_ALL;
	SYNC_RUN(v);
	run->kvm_valid_regs = 0;
	run->kvm_dirty_regs = SYNC_ALL;
	run->s.regs.regs.rbx = 0xbbbb;
	SYNC_RUN(v);
	EXPECT_EQ(0xbbbbULL, run->s.regs.regs.rbx);
	vcpu_get_regs(v, &regs);
	EXPECT_EQ(0xbbbbULL + 1, regs.rbx);
	ev_free(v);
}

/* Refused sregs or events fail KVM_RUN with EINVAL, the guest state kept. */
TEST_F_TIMEOUT(events, sync_regs_refused, 120)
{
	struct vcpu *v = ev_setup(EV_IN_LOOP, false);
	struct kvm_run *run = v->run;
	struct kvm_sregs sregs;

	run->kvm_valid_regs = SYNC_ALL;
	SYNC_RUN(v);
	run->kvm_valid_regs = 0;

	run->s.regs.sregs.cr4 &= ~X86_CR4_PAE_BIT;	/* long mode needs PAE */
	run->kvm_dirty_regs = KVM_SYNC_X86_SREGS;
	EXPECT_EQ(-EINVAL, vcpu_run(v));
	vcpu_get_sregs(v, &sregs);
	EXPECT_NE(0ULL, sregs.cr4 & X86_CR4_PAE_BIT);
	run->s.regs.sregs.cr4 |= X86_CR4_PAE_BIT;

	memset(&run->s.regs.events, 0, sizeof(run->s.regs.events));
	run->s.regs.events.exception.injected = 1;
	run->s.regs.events.exception.nr = 255;
	run->kvm_dirty_regs = KVM_SYNC_X86_EVENTS;
	EXPECT_EQ(-EINVAL, vcpu_run(v));

	run->kvm_dirty_regs = 0;
	SYNC_RUN(v);
	EXPECT_EQ(0U, ev_u32(v->vm, EV_TOTAL_GPA));
	ev_free(v);
}

struct racer {
	struct kvm_run *run;
	int stop;
};

/* Flips CR4.PAE and an exception vector in s.regs while KVM_RUN reads them. */
static void *racer_fn(void *arg)
{
	struct racer *r = arg;
	struct kvm_run *run = r->run;
	__u64 *cr4 = &run->s.regs.sregs.cr4;
	__u8 *nr = &run->s.regs.events.exception.nr;
	__u64 good = *cr4;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&run->kvm_dirty_regs,
				 KVM_SYNC_X86_SREGS | KVM_SYNC_X86_EVENTS,
				 __ATOMIC_RELAXED);
		__atomic_store_n(cr4, good, __ATOMIC_RELAXED);
		__atomic_store_n(nr, 6, __ATOMIC_RELAXED);	/* #UD */
		__atomic_store_n(cr4, good & ~X86_CR4_PAE_BIT, __ATOMIC_RELAXED);
		__atomic_store_n(nr, 255, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * KVM_RUN must check what it uses, not what it read first: each run either
 * applies a consistent state or fails with EINVAL; none fails its VM entry.
 */
TEST_F_TIMEOUT(events, sync_regs_race, 300)
{
	struct vcpu *v = ev_setup(EV_IN_LOOP, false);
	struct kvm_run *run = v->run;
	struct kvm_sregs good;
	struct racer r = { .run = run };
	pthread_t t;
	int i, ok = 0, einval = 0, other = 0;

	run->kvm_valid_regs = SYNC_ALL;
	SYNC_RUN(v);
	run->kvm_valid_regs = 0;
	good = run->s.regs.sregs;
	memset(&run->s.regs.events, 0, sizeof(run->s.regs.events));
	run->s.regs.events.exception.injected = 1;

	ASSERT_EQ(0, pthread_create(&t, NULL, racer_fn, &r));
	for (i = 0; i < 200; i++) {
		int e = vcpu_run(v);

		if (e == -EINVAL)
			einval++;
		else if (!e && vcpu_is_io(v, EV_IN_PORT, KVM_EXIT_IO_IN, 1))
			ok++;
		else
			other++;
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	EXPECT_EQ(0, other) TH_LOG("%s", vcpu_exit_str(v));
	TH_LOG("%d runs applied, %d refused", ok, einval);

	run->kvm_dirty_regs = 0;
	vcpu_set_sregs(v, &good);
	SYNC_RUN(v);
	ev_free(v);
}

TEST_HARNESS_MAIN
