// SPDX-License-Identifier: GPL-2.0
/*
 * Several vCPUs and VMs at once, and a vCPU thread moved between host CPUs
 * while it runs. Every vCPU runs guests/smp.S count64: it OUTs
 * (vCPU << 16 | n) for n = 1..N to COUNT_PORT, stores n at DATA + 8 * vCPU,
 * increments a shared dword at DATA + 0x800 with LOCK INC, then reports
 * DONE. The threads check every exit; the main thread asserts.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vm.h"

#define SHARED_OFF	0x800

struct worker {
	struct vcpu *v;
	uint32_t n;			/* iterations */
	uint32_t spin;			/* busy loop per iteration */
	pthread_barrier_t *start;	/* all workers enter KVM_RUN together */
	pid_t tid;
	unsigned long cpus_seen;	/* host CPUs the thread ran on */
	bool ok;
	char err[256];
	int done;
};

static void worker_prepare(struct worker *w, struct vcpu *v, uint32_t n, uint32_t spin)
{
	struct kvm_regs regs;

	memset(w, 0, sizeof(*w));
	w->v = v;
	w->n = n;
	w->spin = spin;
	vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
	vcpu_get_regs(v, &regs);
	regs.rbx = v->id;
	regs.r12 = n;
	regs.r13 = spin;
	vcpu_set_regs(v, &regs);
}

/* Runs the vCPU to its DONE report; the first problem ends it in w->err. */
static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct vcpu *v = w->v;
	uint32_t next = 1, val;
	int cpu;

	w->tid = syscall(SYS_gettid);
	if (w->start)
		pthread_barrier_wait(w->start);
	for (;;) {
		if (vcpu_run(v)) {
			snprintf(w->err, sizeof(w->err), "vCPU %d: %s", v->id,
				 vcpu_exit_str(v));
			break;
		}
		cpu = sched_getcpu();
		if (cpu >= 0 && cpu < 64)
			w->cpus_seen |= 1UL << cpu;
		if (vcpu_is_io(v, COUNT_PORT, KVM_EXIT_IO_OUT, 4) && v->run->io.count == 1) {
			memcpy(&val, vcpu_io_data(v), 4);
			if (val != ((uint32_t)v->id << 16 | next)) {
				snprintf(w->err, sizeof(w->err),
					 "vCPU %d: OUT %#x, want %#x", v->id, val,
					 (uint32_t)v->id << 16 | next);
				break;
			}
			next++;
			continue;
		}
		if (vcpu_is_io(v, REPORT_PORT, KVM_EXIT_IO_OUT, 4)) {
			memcpy(&val, vcpu_io_data(v), 4);
			if (val == REPORT_DONE && next == w->n + 1)
				w->ok = true;
			else
				snprintf(w->err, sizeof(w->err),
					 "vCPU %d: report %#x after %u of %u", v->id, val,
					 next - 1, w->n);
			break;
		}
		snprintf(w->err, sizeof(w->err), "vCPU %d after %u OUTs: %s", v->id,
			 next - 1, vcpu_exit_str(v));
		break;
	}
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static uint64_t data_u64(struct vm *vm, uint64_t off)
{
	return *(uint64_t *)vm_hva(vm, GUEST_DATA_GPA + off);
}

static uint32_t shared_count(struct vm *vm)
{
	return *(uint32_t *)vm_hva(vm, GUEST_DATA_GPA + SHARED_OFF);
}

/* No state: the fixture exists for TEST_F_TIMEOUT (Bochs is slow). */
FIXTURE(smp) {
	int unused;
};

FIXTURE_SETUP(smp)
{
}

FIXTURE_TEARDOWN(smp)
{
}

/* Four vCPUs of one VM in four threads, started together. */
TEST_F_TIMEOUT(smp, four_vcpus_at_once, 300)
{
	enum { NR = 4, N = 300 };
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct worker w[NR];
	pthread_t t[NR];
	pthread_barrier_t start;
	int i;

	vm_load_code(vm, GUEST_CODE(count64));
	ASSERT_EQ(0, pthread_barrier_init(&start, NULL, NR));
	for (i = 0; i < NR; i++) {
		worker_prepare(&w[i], vcpu_add(vm, i), N, 200);
		w[i].start = &start;
	}
	for (i = 0; i < NR; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, worker_run, &w[i]));
	for (i = 0; i < NR; i++) {
		pthread_join(t[i], NULL);
		EXPECT_TRUE(w[i].ok) TH_LOG("%s", w[i].err);
		EXPECT_EQ((uint64_t)N, data_u64(vm, 8 * i)) TH_LOG("vCPU %d", i);
	}
	/* LOCK INC from four vCPUs on (up to) two CPUs loses nothing. */
	EXPECT_EQ((uint32_t)(NR * N), shared_count(vm));
	for (i = 0; i < NR; i++)
		vcpu_free(w[i].v);
	vm_destroy(vm);
}

/* Two VMs side by side: both complete and neither sees the other's memory. */
TEST_F_TIMEOUT(smp, two_vms_at_once, 300)
{
	enum { N = 300 };
	struct vm *vm[2];
	struct worker w[2];
	pthread_t t[2];
	pthread_barrier_t start;
	int i;

	ASSERT_EQ(0, pthread_barrier_init(&start, NULL, 2));
	for (i = 0; i < 2; i++) {
		vm[i] = vm_create_with_mem(VM_BASE_MEM_SIZE);
		vm_load_code(vm[i], GUEST_CODE(count64));
		worker_prepare(&w[i], vcpu_add(vm[i], 0), N + i * 50, 200);
		w[i].start = &start;
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, worker_run, &w[i]));
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		EXPECT_TRUE(w[i].ok) TH_LOG("VM %d: %s", i, w[i].err);
		EXPECT_EQ((uint64_t)(N + i * 50), data_u64(vm[i], 0)) TH_LOG("VM %d", i);
		EXPECT_EQ((uint32_t)(N + i * 50), shared_count(vm[i])) TH_LOG("VM %d", i);
	}
	for (i = 0; i < 2; i++) {
		vcpu_free(w[i].v);
		vm_destroy(vm[i]);
	}
}

/*
 * The vCPU thread's affinity flips between CPU 0 and CPU 1 every few
 * milliseconds while the guest loops (spinning between its OUTs), so the
 * vCPU is moved both between runs and out of a running guest.
 */
TEST_F_TIMEOUT(smp, vcpu_migrates_between_cpus, 300)
{
	enum { N = 1500 };
	struct vm *vm;
	struct worker w;
	pthread_t t;
	cpu_set_t set;
	long flips = 0;

	if (host_nr_cpus() < 2)
		SKIP(return, "needs 2 CPUs, have %d", host_nr_cpus());
	vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	vm_load_code(vm, GUEST_CODE(count64));
	worker_prepare(&w, vcpu_add(vm, 0), N, 3000);
	ASSERT_EQ(0, pthread_create(&t, NULL, worker_run, &w));
	while (!__atomic_load_n(&w.done, __ATOMIC_ACQUIRE)) {
		pid_t tid = __atomic_load_n(&w.tid, __ATOMIC_RELAXED);

		if (tid) {
			CPU_ZERO(&set);
			CPU_SET(flips & 1, &set);
			if (!sched_setaffinity(tid, sizeof(set), &set))
				flips++;
		}
		usleep(2000);
	}
	pthread_join(t, NULL);
	EXPECT_TRUE(w.ok) TH_LOG("%s", w.err);
	EXPECT_EQ((uint64_t)N, data_u64(vm, 0));
	EXPECT_LE(10, flips);
	EXPECT_EQ(3ul, w.cpus_seen & 3) TH_LOG("ran on CPUs %#lx", w.cpus_seen);
	vcpu_free(w.v);
	vm_destroy(vm);
}

TEST_HARNESS_MAIN
