// SPDX-License-Identifier: GPL-2.0
/*
 * khv's per-VM scheduling policies and per-vCPU accounting, with real
 * guests (docs/scheduling.md).
 *
 * The policy tests put vCPU threads on one host CPU and release them in a
 * known order: the main thread, pinned to that CPU at SCHED_FIFO 99 (above
 * every vCPU), wakes them one by one, so they queue up behind it and start
 * competing only when it sleeps. Each runs guests/sched.S sched_job, a
 * CPU-bound loop of known length that takes a ticket at its start and its
 * end from a counter in memory all the jobs share: the tickets show the
 * order of completion and whether jobs interleaved. khv's statistics
 * (KHV_GET_SCHED_STATS) show the waiting behind it.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "kselftest_harness.h"
#include "vm.h"
#include "khv.h"

#define MAX_JOBS	4
/* The area the jobs share: a 4 KiB slot at the same GPA in every VM. */
#define AREA_SLOT	1
#define AREA_GPA	0x100000ULL
#define AREA_SIZE	0x1000
#define AREA_START	0x100
#define AREA_END	0x200

/* Loop iterations of the unit job (2 instructions each); KHV_SCHED_ITERS. */
static uint64_t unit_iters(void)
{
	const char *s = getenv("KHV_SCHED_ITERS");

	return s ? strtoull(s, NULL, 0) : 100000;
}

static int set_policy(struct vm *vm, const struct khv_sched_policy *p)
{
	return ioctl(vm->fd, KHV_SET_SCHED_POLICY, p) ? -errno : 0;
}

static void must_set_policy(struct vm *vm, uint32_t policy, uint32_t level,
			    uint32_t alpha, uint64_t aging_ns)
{
	struct khv_sched_policy p = {
		.policy = policy, .level = level, .alpha = alpha, .aging_ns = aging_ns,
	};
	int r = set_policy(vm, &p);

	if (r) {
		fprintf(stderr, "KHV_SET_SCHED_POLICY %u: %s\n", policy, strerror(-r));
		abort();
	}
}

static int vcpu_stats(struct vcpu *v, struct khv_sched_stats *st)
{
	return ioctl(v->fd, KHV_GET_SCHED_STATS, st) ? -errno : 0;
}

/* One job of one vCPU, run by its own thread on a given CPU. */
struct job {
	struct vcpu *v;
	uint64_t *area;			/* host view of the shared area */
	int slot;
	uint64_t iters;
	int train;			/* jobs to run before the measured one */
	int cpu;
	sem_t go;
	pid_t tid;
	int ready;
	int err;			/* errno, or -1: an unexpected exit */
	char exit[128];
	struct khv_sched_stats st;	/* right after the measured job */
};

static void pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");
		abort();
	}
}

static void unpin_self(void)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	for (i = 0; i < host_nr_cpus(); i++)
		CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Runs sched_job once to its HLT; 0, or -1 with j->exit set. */
static int run_job(struct job *j)
{
	struct kvm_regs regs;

	vcpu_set_mode(j->v, MODE_LONG64, GUEST_CODE_GPA);
	vcpu_get_regs(j->v, &regs);
	regs.rsi = AREA_GPA;
	regs.rbx = j->slot;
	regs.r12 = j->iters;
	vcpu_set_regs(j->v, &regs);
	if (vcpu_run(j->v) || j->v->run->exit_reason != KVM_EXIT_HLT) {
		snprintf(j->exit, sizeof(j->exit), "%s", vcpu_exit_str(j->v));
		return -1;
	}
	return 0;
}

static void *job_thread(void *arg)
{
	struct job *j = arg;
	int i;

	pin_self(j->cpu);
	j->tid = syscall(SYS_gettid);
	/* Warm-up (and SJF training): khv takes the thread on at KVM_RUN. */
	for (i = 0; i < j->train && !j->err; i++)
		j->err = run_job(j);
	__atomic_store_n(&j->ready, 1, __ATOMIC_RELEASE);
	while (sem_wait(&j->go) && errno == EINTR)
		;
	if (!j->err)
		j->err = run_job(j);
	if (vcpu_stats(j->v, &j->st))
		j->err = errno;
	return NULL;
}

/* State letter of a thread of this process ('S' = asleep). */
static char thread_state(pid_t tid)
{
	char path[64], buf[256], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* Waits until every job thread finished its warm-up and sleeps on go. */
static void wait_ready(struct job *jobs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		while (!__atomic_load_n(&jobs[i].ready, __ATOMIC_ACQUIRE) ||
		       thread_state(jobs[i].tid) != 'S')
			usleep(1000);
	}
}

static void reset_area(void *area)
{
	memset(area, 0, AREA_SIZE);
}

static uint64_t start_ticket(struct job *j)
{
	return __atomic_load_n(&j->area[AREA_START / 8 + j->slot], __ATOMIC_ACQUIRE);
}

static uint64_t end_ticket(struct job *j)
{
	return __atomic_load_n(&j->area[AREA_END / 8 + j->slot], __ATOMIC_ACQUIRE);
}

/*
 * Releases the jobs in @order onto CPU @cpu: this thread, pinned there at
 * SCHED_FIFO 99, wakes them one by one, so they queue in that order; they
 * run when it sleeps (in pthread_join). Returns when all are done.
 */
static void release_in_order(struct job *jobs, pthread_t *t, int n,
			     const int *order, int cpu)
{
	struct sched_param sp = { .sched_priority = 99 };
	struct sched_param normal = { .sched_priority = 0 };
	int i;

	wait_ready(jobs, n);
	pin_self(cpu);
	if (sched_setscheduler(0, SCHED_FIFO, &sp)) {
		perror("sched_setscheduler FIFO 99");
		abort();
	}
	for (i = 0; i < n; i++)
		sem_post(&jobs[order[i]].go);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	sched_setscheduler(0, SCHED_OTHER, &normal);
	unpin_self();
}

/* The CPU the jobs share: the last one, so the first stays for the shell. */
static int job_cpu(void)
{
	return host_nr_cpus() - 1;
}

/* A VM with the jobs' code and, in slot AREA_SLOT, the area at @area. */
static struct vm *job_vm(void *area)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	int r;

	vm_load_code(vm, GUEST_CODE(sched_job));
	r = vm_set_region(vm, AREA_SLOT, 0, AREA_GPA, AREA_SIZE, area);
	if (r) {
		fprintf(stderr, "area slot: %s\n", strerror(-r));
		abort();
	}
	return vm;
}

static void *area_alloc(void)
{
	void *a = mmap(NULL, AREA_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (a == MAP_FAILED)
		abort();
	return a;
}

static void job_init(struct job *j, struct vcpu *v, void *area, int slot,
		     uint64_t iters, int train)
{
	memset(j, 0, sizeof(*j));
	j->v = v;
	j->area = area;
	j->slot = slot;
	j->iters = iters;
	j->train = train;
	j->cpu = job_cpu();
	sem_init(&j->go, 0, 0);
}

static void start_jobs(struct job *jobs, pthread_t *t, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, job_thread, &jobs[i]))
			abort();
}

static uint64_t times_sum(const struct khv_sched_times *t)
{
	return t->wait_ns + t->run_ns + t->block_ns + t->vmm_ns;
}

/* turnaround == wait + run + block + vmm, up to clock skew between CPUs. */
#define EXPECT_TURNAROUND_ADDS_UP(t) do {					\
	uint64_t __sum = times_sum(t), __ta = (t)->turnaround_ns;		\
	uint64_t __d = __sum > __ta ? __sum - __ta : __ta - __sum;		\
	EXPECT_LE(__d, __ta / 100 + 100000)					\
		TH_LOG("turnaround %llu, wait %llu + run %llu + block %llu + vmm %llu",\
		       (unsigned long long)__ta, (unsigned long long)(t)->wait_ns,	\
		       (unsigned long long)(t)->run_ns,				\
		       (unsigned long long)(t)->block_ns,			\
		       (unsigned long long)(t)->vmm_ns);			\
} while (0)

static void log_job(struct __test_metadata *_metadata, const char *what,
		    struct job *j)
{
	const struct khv_sched_times *t = &j->st.last_job;

	TH_LOG("%s slot %d: tickets %llu-%llu turnaround %llu us = wait %llu + run %llu + block %llu + vmm %llu, %llu dispatches, %llu preemptions, host FIFO %u, tau %llu us",
	       what, j->slot, (unsigned long long)start_ticket(j),
	       (unsigned long long)end_ticket(j),
	       (unsigned long long)t->turnaround_ns / 1000,
	       (unsigned long long)t->wait_ns / 1000, (unsigned long long)t->run_ns / 1000,
	       (unsigned long long)t->block_ns / 1000, (unsigned long long)t->vmm_ns / 1000,
	       (unsigned long long)t->dispatches, (unsigned long long)t->preemptions,
	       j->st.host_priority, (unsigned long long)j->st.predicted_burst_ns / 1000);
}

static int vcpu_trace(struct vcpu *v, struct khv_sched_trace *t)
{
	memset(t, 0, sizeof(*t));
	return ioctl(v->fd, KHV_GET_SCHED_TRACE, t) ? -errno : 0;
}

/*
 * The dispatch intervals of each job's measured (last) job agree with its
 * stats: as many as dispatches, their lengths add up to run_ns exactly
 * (the same clock readings), none before the arrival, the last one ends
 * the job at arrival + turnaround, all on @cpu. And since the jobs shared
 * that one CPU, no two intervals of different jobs overlap.
 */
static void check_trace(struct __test_metadata *_metadata, struct job *jobs,
			int n, int cpu)
{
	static struct khv_sched_trace tr[MAX_JOBS];
	const struct khv_sched_interval *a, *b;
	int i, k, x, y;

	for (i = 0; i < n; i++) {
		const struct khv_sched_times *lt = &jobs[i].st.last_job;
		struct khv_sched_trace *t = &tr[i];
		uint32_t job = jobs[i].st.jobs - 1;
		uint64_t sum = 0, prev;
		unsigned int seen = 0, end = 0;

		ASSERT_EQ(0, vcpu_trace(jobs[i].v, t));
		ASSERT_LE(t->nr, (unsigned int)KHV_SCHED_TRACE_LEN);
		EXPECT_EQ(0u, t->flags & KHV_SCHED_TRACE_ON_CPU);
		EXPECT_EQ(0u, t->cur_job_arrival_ns);
		EXPECT_EQ(t->last_job_arrival_ns + lt->turnaround_ns,
			  t->last_job_end_ns);
		/* The ring still holds the whole job: an older one comes first. */
		if (t->total > t->nr)
			ASSERT_NE(job, t->iv[0].job)
				TH_LOG("job %d: the ring lost intervals", i);
		prev = t->last_job_arrival_ns;
		for (k = 0; k < (int)t->nr; k++) {
			const struct khv_sched_interval *iv = &t->iv[k];

			if (iv->job != job)
				continue;
			seen++;
			sum += iv->out_ns - iv->in_ns;
			EXPECT_GE(iv->in_ns, prev) TH_LOG("job %d interval %d", i, k);
			EXPECT_LE(iv->in_ns, iv->out_ns);
			EXPECT_EQ(cpu, iv->cpu);
			prev = iv->out_ns;
			end = iv->end;
		}
		TH_LOG("job %d: %u intervals, %llu us on the CPU", i, seen,
		       (unsigned long long)sum / 1000);
		EXPECT_EQ(lt->dispatches, seen);
		EXPECT_EQ(lt->run_ns, sum);
		EXPECT_EQ((unsigned int)KHV_SCHED_IV_JOB_END, end);
		EXPECT_EQ(t->last_job_end_ns, prev);
	}
	for (i = 0; i < n; i++) {
		for (k = i + 1; k < n; k++) {
			for (x = 0; x < (int)tr[i].nr; x++) {
				a = &tr[i].iv[x];
				if (a->job != jobs[i].st.jobs - 1)
					continue;
				for (y = 0; y < (int)tr[k].nr; y++) {
					b = &tr[k].iv[y];
					if (b->job != jobs[k].st.jobs - 1)
						continue;
					EXPECT_TRUE(a->out_ns <= b->in_ns ||
						    b->out_ns <= a->in_ns)
						TH_LOG("jobs %d and %d overlap", i, k);
				}
			}
		}
	}
}

FIXTURE(sched) {
	void *area;
};

FIXTURE_SETUP(sched)
{
	self->area = area_alloc();
	if (vm_dev_is_kvm())
		SKIP(return, "khv's own ioctls");
}

FIXTURE_TEARDOWN(sched)
{
	munmap(self->area, AREA_SIZE);
}

/* Waits until job @j has taken its start ticket. */
static void wait_started(struct job *j)
{
	while (!start_ticket(j))
		usleep(1000);
}

/* ---- Interface: values, errnos. ---- */

TEST_F(sched, policy_roundtrip_and_refusals)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct khv_sched_policy p = {}, got;
	static const struct { struct khv_sched_policy p; int err; } bad[] = {
		{ { .policy = 4 }, EINVAL },
		{ { .policy = 0xffffffff }, EINVAL },
		{ { .policy = KHV_SCHED_FCFS, .flags = 1 }, EINVAL },
		{ { .policy = KHV_SCHED_FCFS, .reserved = { 1 } }, EINVAL },
		{ { .policy = KHV_SCHED_FCFS, .quantum_ns = 10000000 }, EINVAL },
		{ { .policy = KHV_SCHED_DEFAULT, .level = 1 }, EINVAL },
		{ { .policy = KHV_SCHED_PRIORITY, .level = 32 }, ERANGE },
		{ { .policy = KHV_SCHED_PRIORITY, .aging_ns = 999 }, ERANGE },
		{ { .policy = KHV_SCHED_PRIORITY, .alpha = 5 }, EINVAL },
		{ { .policy = KHV_SCHED_SJF, .alpha = 1025 }, ERANGE },
		{ { .policy = KHV_SCHED_SJF }, EINVAL },
		{ { .policy = KHV_SCHED_SJF, .alpha = 1, .level = 2 }, EINVAL },
		{ { .policy = KHV_SCHED_SJF, .burst_ns = 20000000000ULL }, ERANGE },
	};
	unsigned int i;

	/* A new VM has the host's scheduling. */
	memset(&got, 0xff, sizeof(got));
	ASSERT_EQ(0, ioctl(vm->fd, KHV_GET_SCHED_POLICY, &got));
	EXPECT_EQ(0, memcmp(&p, &got, sizeof(p)));

	p = (struct khv_sched_policy){ .policy = KHV_SCHED_PRIORITY, .level = 9,
				       .quantum_ns = 5000000, .aging_ns = 20000000 };
	ASSERT_EQ(0, set_policy(vm, &p));
	ASSERT_EQ(0, ioctl(vm->fd, KHV_GET_SCHED_POLICY, &got));
	EXPECT_EQ(0, memcmp(&p, &got, sizeof(p)));

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-bad[i].err, set_policy(vm, &bad[i].p)) TH_LOG("case %u", i);
		/* A refused change leaves the policy as it was. */
		ASSERT_EQ(0, ioctl(vm->fd, KHV_GET_SCHED_POLICY, &got));
		EXPECT_EQ(0, memcmp(&p, &got, sizeof(p))) TH_LOG("case %u", i);
	}
	EXPECT_EQ(-1, ioctl(vm->fd, KHV_SET_SCHED_POLICY, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	vm_destroy(vm);
}

TEST_F(sched, stats_fds)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vm *other = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0), *ov = vcpu_add(other, 0);
	struct khv_sched_vcpu_stats req = {};
	struct khv_sched_stats st;
	int pipefd[2];

	/* A vCPU that never ran: nothing counted, no host policy. */
	ASSERT_EQ(0, vcpu_stats(v, &st));
	EXPECT_EQ(0u, st.jobs);
	EXPECT_EQ(0u, st.flags & (KHV_SCHED_STATS_JOB_OPEN | KHV_SCHED_STATS_IN_RUN));
	EXPECT_EQ(-1, st.host_policy);
	EXPECT_EQ(0u, st.cur_job.run_ns + st.sum.run_ns);

	req.vcpu_fd = v->fd;
	ASSERT_EQ(0, ioctl(vm->fd, KHV_GET_VCPU_SCHED_STATS, &req));
	EXPECT_EQ(0, memcmp(&st.last_job, &req.stats.last_job, sizeof(st.last_job)));
	req.vcpu_fd = ov->fd;		/* another VM's vCPU */
	EXPECT_EQ(-1, ioctl(vm->fd, KHV_GET_VCPU_SCHED_STATS, &req));
	EXPECT_EQ(EXDEV, errno);
	req.vcpu_fd = vm->fd;		/* not a vCPU */
	EXPECT_EQ(-1, ioctl(vm->fd, KHV_GET_VCPU_SCHED_STATS, &req));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, pipe(pipefd));
	req.vcpu_fd = pipefd[0];
	EXPECT_EQ(-1, ioctl(vm->fd, KHV_GET_VCPU_SCHED_STATS, &req));
	EXPECT_EQ(EINVAL, errno);
	close(pipefd[0]);
	close(pipefd[1]);
	req.vcpu_fd = pipefd[0];	/* closed */
	EXPECT_EQ(-1, ioctl(vm->fd, KHV_GET_VCPU_SCHED_STATS, &req));
	EXPECT_EQ(EBADF, errno);
	req.vcpu_fd = v->fd;
	req.flags = 1;
	EXPECT_EQ(-1, ioctl(vm->fd, KHV_GET_VCPU_SCHED_STATS, &req));
	EXPECT_EQ(EINVAL, errno);

	/* The wrong fd for each ioctl: the VM's and the vCPU's refusals. */
	EXPECT_EQ(-1, ioctl(vm->fd, KHV_GET_SCHED_STATS, &st));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(v->fd, KHV_GET_SCHED_POLICY, &req));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(v->fd, KHV_GET_SCHED_STATS, (void *)8));
	EXPECT_EQ(EFAULT, errno);

	/* Like every VM and vCPU ioctl: only the creator's process. */
	pid_t pid = fork();

	ASSERT_GE(pid, 0);
	if (!pid) {
		struct khv_sched_policy p = {};

		if (ioctl(v->fd, KHV_GET_SCHED_STATS, &st) != -1 || errno != EIO)
			_exit(1);
		if (ioctl(vm->fd, KHV_GET_SCHED_POLICY, &p) != -1 || errno != EIO)
			_exit(2);
		_exit(0);
	}
	int status;

	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("child status %#x", status);
	vcpu_free(v);
	vcpu_free(ov);
	vm_destroy(vm);
	vm_destroy(other);
}

/*
 * KHV_GET_SCHED_TRACE: empty before a run, refusals, and after two jobs on
 * this thread the intervals of both, numbered by job, agreeing with the
 * stats (check_trace()).
 */
TEST_F(sched, trace_interface)
{
	struct vm *vm = job_vm(self->area);
	struct vcpu *v = vcpu_add(vm, 0);
	static struct khv_sched_trace t;
	struct job j;
	int status, k, jobs_seen[2] = { 0, 0 };
	pid_t pid;

	ASSERT_EQ(0, vcpu_trace(v, &t));
	EXPECT_EQ(0u, t.nr);
	EXPECT_EQ(0u, t.total);
	EXPECT_EQ(0u, t.flags);
	EXPECT_EQ(0u, t.last_job_arrival_ns + t.last_job_end_ns +
		  t.cur_job_arrival_ns + t.on_cpu_since_ns);
	EXPECT_NE(0u, t.now_ns);

	t.flags = 1;
	EXPECT_EQ(-1, ioctl(v->fd, KHV_GET_SCHED_TRACE, &t));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(v->fd, KHV_GET_SCHED_TRACE, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	t.flags = 0;
	EXPECT_EQ(-1, ioctl(vm->fd, KHV_GET_SCHED_TRACE, &t));
	EXPECT_EQ(ENOTTY, errno);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(ioctl(v->fd, KHV_GET_SCHED_TRACE, &t) != -1 || errno != EIO);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	pin_self(job_cpu());
	job_init(&j, v, self->area, 0, unit_iters(), 0);
	ASSERT_EQ(0, run_job(&j)) TH_LOG("%s", j.exit);
	ASSERT_EQ(0, run_job(&j)) TH_LOG("%s", j.exit);
	unpin_self();
	ASSERT_EQ(0, vcpu_stats(v, &j.st));
	ASSERT_EQ(2u, j.st.jobs);
	check_trace(_metadata, &j, 1, job_cpu());

	ASSERT_EQ(0, vcpu_trace(v, &t));
	EXPECT_EQ(t.total, t.nr);
	for (k = 0; k < (int)t.nr; k++) {
		ASSERT_LT(t.iv[k].job, 2u);
		jobs_seen[t.iv[k].job]++;
	}
	EXPECT_GE(jobs_seen[0], 1);
	EXPECT_GE(jobs_seen[1], 1);
	/* Job 0's last interval ended it. */
	EXPECT_EQ(KHV_SCHED_IV_JOB_END, t.iv[jobs_seen[0] - 1].end);
	EXPECT_GT(t.last_job_arrival_ns, t.iv[jobs_seen[0] - 1].out_ns);
	vcpu_free(v);
	vm_destroy(vm);
}

/* Drops CAP_SYS_NICE for good: effective, permitted, inheritable, bound. */
static int drop_cap_sys_nice(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	int i = CAP_SYS_NICE / 32;
	uint32_t bit = 1U << (CAP_SYS_NICE % 32);

	if (prctl(PR_CAPBSET_DROP, CAP_SYS_NICE, 0, 0, 0))
		return -1;
	if (syscall(SYS_capget, &h, d))
		return -1;
	d[i].effective &= ~bit;
	d[i].permitted &= ~bit;
	d[i].inheritable &= ~bit;
	if (syscall(SYS_capset, &h, d))
		return -1;
	/* Read back: gone from all three sets. */
	memset(d, 0xff, sizeof(d));
	if (syscall(SYS_capget, &h, d))
		return -1;
	return (d[i].effective | d[i].permitted | d[i].inheritable) & bit ? -1 : 0;
}

/*
 * Without CAP_SYS_NICE, a policy that raises vCPU threads above ordinary
 * tasks (FCFS, SJF, PRIORITY: SCHED_FIFO) is refused with EPERM and
 * changes nothing; checks of the values come first, as sched_setscheduler()
 * does. DEFAULT stays allowed, and a vCPU run under it keeps the thread's
 * scheduling as the host made it (SCHED_OTHER, its nice value).
 */
TEST_F(sched, needs_cap_sys_nice)
{
	int status;
	pid_t pid = fork();

	ASSERT_GE(pid, 0);
	if (!pid) {
		static const struct khv_sched_policy raise[] = {
			{ .policy = KHV_SCHED_FCFS },
			{ .policy = KHV_SCHED_FCFS, .level = KHV_SCHED_LEVEL_MAX },
			{ .policy = KHV_SCHED_SJF, .alpha = 512 },
			{ .policy = KHV_SCHED_SJF, .burst_ns = 1000000 },
			{ .policy = KHV_SCHED_PRIORITY, .level = 5 },
			{ .policy = KHV_SCHED_PRIORITY, .aging_ns = 20000000 },
		};
		struct khv_sched_policy p = {}, got;
		struct sched_param sp = { .sched_priority = 1 };
		struct khv_sched_stats st;
		struct vm *vm;
		struct vcpu *v;
		struct job j;
		unsigned int i;

		if (drop_cap_sys_nice())
			_exit(10);
		/* The host agrees the capability is gone. */
		if (sched_setscheduler(0, SCHED_FIFO, &sp) != -1 || errno != EPERM)
			_exit(11);
		if (setpriority(PRIO_PROCESS, 0, 3))
			_exit(12);
		vm = job_vm(self->area);
		v = vcpu_add(vm, 0);
		for (i = 0; i < ARRAY_SIZE(raise); i++) {
			if (set_policy(vm, &raise[i]) != -EPERM)
				_exit(20 + i);
			memset(&got, 0xff, sizeof(got));
			if (ioctl(vm->fd, KHV_GET_SCHED_POLICY, &got) ||
			    memcmp(&p, &got, sizeof(p)))
				_exit(30 + i);
		}
		/* Bad values: their own errno, EPERM or not. */
		p.policy = KHV_SCHED_PRIORITY;
		p.level = KHV_SCHED_LEVEL_MAX + 1;
		if (set_policy(vm, &p) != -ERANGE)
			_exit(40);
		p.policy = 7;
		if (set_policy(vm, &p) != -EINVAL)
			_exit(41);
		memset(&p, 0, sizeof(p));
		if (set_policy(vm, &p) != 0)
			_exit(42);

		/* DEFAULT: the thread keeps what the host gave it. */
		job_init(&j, v, self->area, 0, 1000, 0);
		if (run_job(&j) || run_job(&j))
			_exit(50);
		if (sched_getscheduler(0) != SCHED_OTHER ||
		    getpriority(PRIO_PROCESS, 0) != 3)
			_exit(51);
		if (vcpu_stats(v, &st) || st.host_policy != -1 ||
		    st.host_priority != 0 || st.apply_error || st.jobs != 2 ||
		    st.policy != KHV_SCHED_DEFAULT)
			_exit(52);
		vcpu_free(v);
		vm_destroy(vm);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("step %d failed (see the test)", WEXITSTATUS(status));
}

/* ---- Accounting with the host's own scheduling. ---- */

/*
 * Two vCPUs of a DEFAULT VM on one CPU: the host shares it between them,
 * so each waits while the other runs, and the times add up.
 */
TEST_F_TIMEOUT(sched, default_two_share_a_cpu, 300)
{
	struct vm *vm = job_vm(self->area);
	static const int order[] = { 0, 1 };
	struct job jobs[2];
	pthread_t t[2];
	int i;

	for (i = 0; i < 2; i++)
		job_init(&jobs[i], vcpu_add(vm, i), self->area, i, 6 * unit_iters(), 1);
	start_jobs(jobs, t, 2);
	wait_ready(jobs, 2);
	reset_area(self->area);
	release_in_order(jobs, t, 2, order, job_cpu());

	for (i = 0; i < 2; i++) {
		struct job *j = &jobs[i], *o = &jobs[!i];
		const struct khv_sched_times *lt = &j->st.last_job;

		log_job(_metadata, "default", j);
		ASSERT_EQ(0, j->err) TH_LOG("%s", j->exit);
		EXPECT_EQ((uint32_t)KHV_SCHED_DEFAULT, j->st.policy);
		EXPECT_EQ(-1, j->st.host_policy);
		EXPECT_EQ(2u, j->st.jobs);	/* warm-up and the real one */
		EXPECT_GE(lt->dispatches, 1u);
		EXPECT_GT(lt->run_ns, 0u);
		EXPECT_TURNAROUND_ADDS_UP(lt);
		/* Shared: each waited for a good part of the other's run. */
		EXPECT_GE(lt->wait_ns, o->st.last_job.run_ns / 4);
		EXPECT_EQ(0u, j->st.flags & KHV_SCHED_STATS_JOB_OPEN);
		EXPECT_EQ(1u, lt->bursts);
	}
	/* Interleaved: each started before the other ended. */
	EXPECT_LT(start_ticket(&jobs[0]), end_ticket(&jobs[1]));
	EXPECT_LT(start_ticket(&jobs[1]), end_ticket(&jobs[0]));
	check_trace(_metadata, jobs, 2, job_cpu());
	for (i = 0; i < 2; i++)
		vcpu_free(jobs[i].v);
	vm_destroy(vm);
}

/* ---- FCFS. ---- */

/*
 * Three vCPUs of an FCFS VM arrive on one CPU in the order 2, 0, 1 with
 * different lengths: they complete in arrival order, one after the other,
 * and each waited for those before it.
 */
TEST_F_TIMEOUT(sched, fcfs_arrival_order, 300)
{
	struct vm *vm = job_vm(self->area);
	static const int order[] = { 2, 0, 1 };
	static const int len[] = { 2, 1, 3 };
	struct job jobs[3];
	pthread_t t[3];
	uint64_t before = 0;
	int i;

	must_set_policy(vm, KHV_SCHED_FCFS, 0, 0, 0);
	for (i = 0; i < 3; i++)
		job_init(&jobs[i], vcpu_add(vm, i), self->area, i,
			 len[i] * unit_iters(), 1);
	start_jobs(jobs, t, 3);
	wait_ready(jobs, 3);
	reset_area(self->area);
	release_in_order(jobs, t, 3, order, job_cpu());

	for (i = 0; i < 3; i++) {
		struct job *j = &jobs[order[i]];
		const struct khv_sched_times *lt = &j->st.last_job;

		log_job(_metadata, "fcfs", j);
		ASSERT_EQ(0, j->err) TH_LOG("%s", j->exit);
		EXPECT_EQ((uint32_t)KHV_SCHED_FCFS, j->st.policy);
		EXPECT_EQ(SCHED_FIFO, j->st.host_policy);
		EXPECT_EQ(0, j->st.apply_error);
		/* In arrival order, and no other job ran in between. */
		EXPECT_EQ(2u * i + 1, start_ticket(j));
		EXPECT_EQ(2u * i + 2, end_ticket(j));
		EXPECT_EQ(0u, lt->preemptions);
		EXPECT_TURNAROUND_ADDS_UP(lt);
		/* It waited (outside KVM_RUN: run_delay) for all before it. */
		if (j->st.flags & KHV_SCHED_STATS_RUN_DELAY)
			EXPECT_GE(lt->wait_ns, before * 8 / 10);
		before += lt->run_ns;
		/* Each job one contiguous run: a single dispatch interval. */
		EXPECT_EQ(1u, lt->dispatches);
	}
	check_trace(_metadata, jobs, 3, job_cpu());
	for (i = 0; i < 3; i++)
		vcpu_free(jobs[i].v);
	vm_destroy(vm);
}

/* ---- SJF. ---- */

/*
 * alpha = 1: the prediction is the last burst. After one training job
 * each, three vCPUs with jobs of 4, 1 and 2 units arrive longest first;
 * they run shortest first, each to its end.
 */
TEST_F_TIMEOUT(sched, sjf_shortest_first, 300)
{
	struct vm *vm = job_vm(self->area);
	static const int order[] = { 0, 2, 1 };
	static const int len[] = { 4, 1, 2 };
	static const int expect[] = { 1, 2, 0 };	/* completion order */
	struct job jobs[3];
	pthread_t t[3];
	int i;

	must_set_policy(vm, KHV_SCHED_SJF, 0, KHV_SCHED_ALPHA_ONE, 0);
	/* Two training jobs: the first may sleep on its first EPT faults. */
	for (i = 0; i < 3; i++)
		job_init(&jobs[i], vcpu_add(vm, i), self->area, i,
			 len[i] * unit_iters(), 2);
	start_jobs(jobs, t, 3);
	wait_ready(jobs, 3);
	reset_area(self->area);
	release_in_order(jobs, t, 3, order, job_cpu());

	for (i = 0; i < 3; i++) {
		struct job *j = &jobs[expect[i]];
		const struct khv_sched_times *lt = &j->st.last_job;

		log_job(_metadata, "sjf", j);
		ASSERT_EQ(0, j->err) TH_LOG("%s", j->exit);
		EXPECT_EQ(SCHED_FIFO, j->st.host_policy);
		EXPECT_EQ(2u * i + 1, start_ticket(j));
		EXPECT_EQ(2u * i + 2, end_ticket(j));
		EXPECT_TURNAROUND_ADDS_UP(lt);
		/* alpha = 1: the next prediction is this burst. */
		EXPECT_EQ(j->st.last_burst_ns, j->st.predicted_burst_ns);
		EXPECT_EQ(1u, lt->bursts);
	}
	/* Longer jobs, longer bursts: 1 < 2 < 4 units. */
	EXPECT_LT(jobs[1].st.last_burst_ns, jobs[2].st.last_burst_ns);
	EXPECT_LT(jobs[2].st.last_burst_ns, jobs[0].st.last_burst_ns);
	for (i = 0; i < 3; i++)
		vcpu_free(jobs[i].v);
	vm_destroy(vm);
}

/*
 * Declared bursts (alpha = 0) across three VMs: the VM declaring the
 * shortest burst goes first whatever its jobs really take.
 */
TEST_F_TIMEOUT(sched, sjf_declared_across_vms, 300)
{
	static const uint64_t declared[] = { 30000000, 10000000, 20000000 };
	static const int order[] = { 0, 2, 1 };
	static const int expect[] = { 1, 2, 0 };
	struct vm *vms[3];
	struct job jobs[3];
	pthread_t t[3];
	int i;

	for (i = 0; i < 3; i++) {
		struct khv_sched_policy p = { .policy = KHV_SCHED_SJF,
					      .burst_ns = declared[i] };

		vms[i] = job_vm(self->area);
		ASSERT_EQ(0, set_policy(vms[i], &p));
		/* The shortest declared burst is the longest job. */
		job_init(&jobs[i], vcpu_add(vms[i], 0), self->area, i,
			 (i == 1 ? 2 : 1) * unit_iters(), 1);
	}
	start_jobs(jobs, t, 3);
	wait_ready(jobs, 3);
	reset_area(self->area);
	release_in_order(jobs, t, 3, order, job_cpu());

	for (i = 0; i < 3; i++) {
		struct job *j = &jobs[expect[i]];

		log_job(_metadata, "sjf declared", j);
		ASSERT_EQ(0, j->err) TH_LOG("%s", j->exit);
		EXPECT_EQ(2u * i + 1, start_ticket(j));
		EXPECT_EQ(2u * i + 2, end_ticket(j));
		EXPECT_EQ(declared[expect[i]], j->st.predicted_burst_ns);
	}
	for (i = 0; i < 3; i++) {
		vcpu_free(jobs[i].v);
		vm_destroy(vms[i]);
	}
}

/*
 * A short job arrives while a trained long one runs. Non-preemptive SJF
 * (the default): the running burst keeps the CPU. KHV_SCHED_F_PREEMPT:
 * the shorter predicted burst takes it at once.
 */
static void sjf_arrival(struct __test_metadata *_metadata, void *area,
			uint32_t flags)
{
	struct khv_sched_policy p = { .policy = KHV_SCHED_SJF, .flags = flags,
				      .alpha = KHV_SCHED_ALPHA_ONE };
	struct vm *vm = job_vm(area);
	struct job jobs[2];
	pthread_t t[2];
	struct job *l = &jobs[0], *sh = &jobs[1];

	ASSERT_EQ(0, set_policy(vm, &p));
	job_init(l, vcpu_add(vm, 0), area, 0, 8 * unit_iters(), 2);
	job_init(sh, vcpu_add(vm, 1), area, 1, unit_iters(), 2);
	start_jobs(jobs, t, 2);
	wait_ready(jobs, 2);
	reset_area(area);
	pin_self(0);
	sem_post(&l->go);
	wait_started(l);
	sem_post(&sh->go);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	unpin_self();

	log_job(_metadata, "long", l);
	log_job(_metadata, "short", sh);
	ASSERT_EQ(0, l->err) TH_LOG("%s", l->exit);
	ASSERT_EQ(0, sh->err) TH_LOG("%s", sh->exit);
	EXPECT_LT(sh->st.predicted_burst_ns, l->st.predicted_burst_ns);
	EXPECT_EQ(1u, start_ticket(l));
	EXPECT_EQ(2u, (flags ? start_ticket(sh) : end_ticket(l)));
	if (flags) {
		EXPECT_EQ(3u, end_ticket(sh));
		EXPECT_EQ(1u, l->st.last_job.preemptions);
		EXPECT_GE(l->st.last_job.wait_ns, sh->st.last_job.run_ns * 8 / 10);
	} else {
		EXPECT_EQ(3u, start_ticket(sh));
		EXPECT_EQ(0u, l->st.last_job.preemptions);
		EXPECT_GE(sh->st.last_job.wait_ns, l->st.last_job.run_ns / 2);
	}
	vcpu_free(l->v);
	vcpu_free(sh->v);
	vm_destroy(vm);
}

TEST_F_TIMEOUT(sched, sjf_running_burst_not_preempted, 300)
{
	if (host_nr_cpus() < 2)
		SKIP(return, "needs 2 CPUs, have %d", host_nr_cpus());
	sjf_arrival(_metadata, self->area, 0);
}

TEST_F_TIMEOUT(sched, sjf_preemptive_shorter_takes_cpu, 300)
{
	if (host_nr_cpus() < 2)
		SKIP(return, "needs 2 CPUs, have %d", host_nr_cpus());
	sjf_arrival(_metadata, self->area, KHV_SCHED_F_PREEMPT);
}

/* ---- PRIORITY. ---- */

/* Three VMs at levels 1, 5 and 3 arriving in that order: 5, 3, 1 run. */
TEST_F_TIMEOUT(sched, priority_highest_first, 300)
{
	static const uint32_t level[] = { 1, 5, 3 };
	static const int order[] = { 0, 1, 2 };
	static const int expect[] = { 1, 2, 0 };
	struct vm *vms[3];
	struct job jobs[3];
	pthread_t t[3];
	int i;

	for (i = 0; i < 3; i++) {
		vms[i] = job_vm(self->area);
		must_set_policy(vms[i], KHV_SCHED_PRIORITY, level[i], 0, 0);
		job_init(&jobs[i], vcpu_add(vms[i], 0), self->area, i, unit_iters(), 1);
	}
	start_jobs(jobs, t, 3);
	wait_ready(jobs, 3);
	reset_area(self->area);
	release_in_order(jobs, t, 3, order, job_cpu());

	for (i = 0; i < 3; i++) {
		struct job *j = &jobs[expect[i]];

		log_job(_metadata, "priority", j);
		ASSERT_EQ(0, j->err) TH_LOG("%s", j->exit);
		EXPECT_EQ(2u * i + 1, start_ticket(j));
		EXPECT_EQ(2u * i + 2, end_ticket(j));
		/* Level L runs at host SCHED_FIFO 11 + L. */
		EXPECT_EQ(11 + level[expect[i]], j->st.host_priority);
		EXPECT_TURNAROUND_ADDS_UP(&j->st.last_job);
	}
	for (i = 0; i < 3; i++) {
		vcpu_free(jobs[i].v);
		vm_destroy(vms[i]);
	}
}

/*
 * A level-5 vCPU arriving while a level-1 one runs preempts it at once;
 * the low one waits inside KVM_RUN for the high one's whole job. With
 * aging the low one would instead get its turn (priority_aging).
 */
TEST_F_TIMEOUT(sched, priority_preempts_lower, 300)
{
	struct vm *low = job_vm(self->area), *high = job_vm(self->area);
	struct job jobs[2];
	pthread_t t[2];
	struct job *l = &jobs[0], *h = &jobs[1];

	if (host_nr_cpus() < 2)
		SKIP(return, "needs 2 CPUs, have %d", host_nr_cpus());
	must_set_policy(low, KHV_SCHED_PRIORITY, 1, 0, 0);
	must_set_policy(high, KHV_SCHED_PRIORITY, 5, 0, 0);
	job_init(l, vcpu_add(low, 0), self->area, 0, 8 * unit_iters(), 1);
	job_init(h, vcpu_add(high, 0), self->area, 1, 2 * unit_iters(), 1);
	start_jobs(jobs, t, 2);
	wait_ready(jobs, 2);
	reset_area(self->area);
	/* This thread stays on CPU 0; the jobs share the other one. */
	pin_self(0);
	sem_post(&l->go);
	wait_started(l);
	sem_post(&h->go);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	unpin_self();

	log_job(_metadata, "low", l);
	log_job(_metadata, "high", h);
	ASSERT_EQ(0, l->err) TH_LOG("%s", l->exit);
	ASSERT_EQ(0, h->err) TH_LOG("%s", h->exit);
	/* low starts, high starts and ends, low ends. */
	EXPECT_EQ(1u, start_ticket(l));
	EXPECT_EQ(2u, start_ticket(h));
	EXPECT_EQ(3u, end_ticket(h));
	EXPECT_EQ(4u, end_ticket(l));
	/* Preempted inside KVM_RUN, it waited while the high one ran. */
	EXPECT_GE(l->st.last_job.preemptions, 1u);
	EXPECT_GE(l->st.last_job.dispatches, 2u);
	EXPECT_GE(l->st.last_job.wait_ns, h->st.last_job.run_ns * 8 / 10);
	EXPECT_EQ(0u, h->st.last_job.preemptions);
	EXPECT_TURNAROUND_ADDS_UP(&l->st.last_job);
	EXPECT_TURNAROUND_ADDS_UP(&h->st.last_job);
	check_trace(_metadata, jobs, 2, job_cpu());
	vcpu_free(l->v);
	vcpu_free(h->v);
	vm_destroy(low);
	vm_destroy(high);
}

/*
 * A quantum makes equal levels take turns: two 6-unit jobs at the same
 * level with a 10 ms quantum interleave, where without one (FCFS, the same
 * host priority) they run one after the other.
 */
TEST_F_TIMEOUT(sched, priority_quantum_round_robin, 300)
{
	struct khv_sched_policy p = { .policy = KHV_SCHED_PRIORITY, .level = 2,
				      .quantum_ns = 10000000 };
	struct vm *vm = job_vm(self->area);
	static const int order[] = { 0, 1 };
	struct job jobs[2];
	pthread_t t[2];
	int i;

	ASSERT_EQ(0, set_policy(vm, &p));
	for (i = 0; i < 2; i++)
		job_init(&jobs[i], vcpu_add(vm, i), self->area, i, 6 * unit_iters(), 1);
	start_jobs(jobs, t, 2);
	wait_ready(jobs, 2);
	reset_area(self->area);
	release_in_order(jobs, t, 2, order, job_cpu());

	for (i = 0; i < 2; i++) {
		const struct khv_sched_times *lt = &jobs[i].st.last_job;

		log_job(_metadata, "round robin", &jobs[i]);
		ASSERT_EQ(0, jobs[i].err) TH_LOG("%s", jobs[i].exit);
		/* About one turn per quantum of its ~130 ms. */
		EXPECT_GE(lt->dispatches, 3u);
		EXPECT_GE(lt->wait_ns, jobs[!i].st.last_job.run_ns / 4);
		EXPECT_TURNAROUND_ADDS_UP(lt);
	}
	EXPECT_LT(start_ticket(&jobs[1]), end_ticket(&jobs[0]));
	for (i = 0; i < 2; i++)
		vcpu_free(jobs[i].v);
	vm_destroy(vm);
}

/*
 * Aging: a level-0 vCPU (one level per 20 ms waited) arrives while a
 * level-3 one runs a long job. After about 80 ms it passes level 3 and
 * runs before the long job ends, which without aging it would not.
 */
TEST_F_TIMEOUT(sched, priority_aging, 300)
{
	struct vm *low = job_vm(self->area), *high = job_vm(self->area);
	struct job jobs[2];
	pthread_t t[2];
	struct job *l = &jobs[0], *h = &jobs[1];

	if (host_nr_cpus() < 2)
		SKIP(return, "needs 2 CPUs, have %d", host_nr_cpus());
	must_set_policy(low, KHV_SCHED_PRIORITY, 0, 0, 20000000);
	must_set_policy(high, KHV_SCHED_PRIORITY, 3, 0, 0);
	job_init(l, vcpu_add(low, 0), self->area, 0, unit_iters() / 4, 1);
	job_init(h, vcpu_add(high, 0), self->area, 1, 20 * unit_iters(), 1);
	start_jobs(jobs, t, 2);
	wait_ready(jobs, 2);
	reset_area(self->area);
	pin_self(0);
	sem_post(&h->go);
	wait_started(h);
	sem_post(&l->go);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	unpin_self();

	log_job(_metadata, "aged", l);
	log_job(_metadata, "long", h);
	ASSERT_EQ(0, l->err) TH_LOG("%s", l->exit);
	ASSERT_EQ(0, h->err) TH_LOG("%s", h->exit);
	EXPECT_EQ(1u, start_ticket(h));
	EXPECT_EQ(2u, start_ticket(l));
	/* The aged job ran while the long one was still unfinished. */
	EXPECT_LT(start_ticket(l), end_ticket(h));
	EXPECT_GE(h->st.last_job.preemptions, 1u);
	/* It waited at least the 4 aging periods it needed. */
	EXPECT_GE(l->st.last_job.wait_ns, 60000000u);
	vcpu_free(l->v);
	vcpu_free(h->v);
	vm_destroy(low);
	vm_destroy(high);
}

/* ---- The thread's own scheduling comes back. ---- */

/* khv's SCHED_FIFO comes with reset-on-fork: children do not inherit it. */
#define KHV_FIFO	(SCHED_FIFO | SCHED_RESET_ON_FORK)

static int thread_prio(int *policy)
{
	struct sched_param sp;

	*policy = sched_getscheduler(0);
	sched_getparam(0, &sp);
	return sp.sched_priority;
}

/* One short job on this thread. */
static void run_here(struct __test_metadata *_metadata, struct vcpu *v, void *area)
{
	struct job j;

	job_init(&j, v, area, 0, 1000, 0);
	ASSERT_EQ(0, run_job(&j)) TH_LOG("%s", j.exit);
}

TEST_F(sched, thread_policy_restored)
{
	struct vm *vm = job_vm(self->area);
	struct vcpu *v = vcpu_add(vm, 0);
	struct khv_sched_stats st;
	int policy, prio;

	ASSERT_EQ(0, setpriority(PRIO_PROCESS, 0, 5));
	must_set_policy(vm, KHV_SCHED_FCFS, 2, 0, 0);
	/* Not before the thread runs the vCPU. */
	prio = thread_prio(&policy);
	EXPECT_EQ(SCHED_OTHER, policy);
	run_here(_metadata, v, self->area);
	prio = thread_prio(&policy);
	EXPECT_EQ(KHV_FIFO, policy);
	EXPECT_EQ(13, prio);
	ASSERT_EQ(0, vcpu_stats(v, &st));
	EXPECT_EQ(SCHED_FIFO, st.host_policy);
	EXPECT_EQ(13u, st.host_priority);

	/* A new policy reaches the thread at once, even outside KVM_RUN. */
	must_set_policy(vm, KHV_SCHED_PRIORITY, 7, 0, 0);
	prio = thread_prio(&policy);
	EXPECT_EQ(KHV_FIFO, policy);
	EXPECT_EQ(18, prio);

	/* DEFAULT: what the thread had, nice 5 included. */
	must_set_policy(vm, KHV_SCHED_DEFAULT, 0, 0, 0);
	prio = thread_prio(&policy);
	EXPECT_EQ(SCHED_OTHER, policy);
	EXPECT_EQ(5, getpriority(PRIO_PROCESS, 0));
	ASSERT_EQ(0, vcpu_stats(v, &st));
	EXPECT_EQ(-1, st.host_policy);

	/* And when the VM goes away. */
	must_set_policy(vm, KHV_SCHED_FCFS, 0, 0, 0);
	run_here(_metadata, v, self->area);
	prio = thread_prio(&policy);
	EXPECT_EQ(KHV_FIFO, policy);
	EXPECT_EQ(11, prio);
	vcpu_free(v);
	vm_destroy(vm);
	prio = thread_prio(&policy);
	EXPECT_EQ(SCHED_OTHER, policy);
	EXPECT_EQ(5, getpriority(PRIO_PROCESS, 0));

	/* A change someone else made after khv's stands. */
	vm = job_vm(self->area);
	v = vcpu_add(vm, 0);
	must_set_policy(vm, KHV_SCHED_FCFS, 0, 0, 0);
	run_here(_metadata, v, self->area);
	struct sched_param sp = { .sched_priority = 30 };

	ASSERT_EQ(0, sched_setscheduler(0, SCHED_FIFO, &sp));
	must_set_policy(vm, KHV_SCHED_DEFAULT, 0, 0, 0);
	prio = thread_prio(&policy);
	EXPECT_EQ(SCHED_FIFO, policy);
	EXPECT_EQ(30, prio);
	sp.sched_priority = 0;
	sched_setscheduler(0, SCHED_OTHER, &sp);
	setpriority(PRIO_PROCESS, 0, 0);
	vcpu_free(v);
	vm_destroy(vm);
}

/* ---- Safety: a guest spinning under FCFS does not own the CPU. ---- */

struct spinner {
	struct vcpu *v;
	int cpu;
	int ret;
};

static void on_sigusr1(int sig)
{
}

static void *spin_thread(void *arg)
{
	struct spinner *s = arg;

	pin_self(s->cpu);
	vcpu_set_mode(s->v, MODE_LONG64, GUEST_CODE_GPA);
	s->ret = vcpu_run(s->v);
	return NULL;
}

struct counter {
	int cpu;
	int stop;
	uint64_t n;
};

static void *count_thread(void *arg)
{
	struct counter *c = arg;

	pin_self(c->cpu);
	while (!__atomic_load_n(&c->stop, __ATOMIC_RELAXED))
		__atomic_store_n(&c->n, c->n + 1, __ATOMIC_RELAXED);
	return NULL;
}

TEST_F_TIMEOUT(sched, fcfs_spinning_guest_leaves_host_time, 300)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct spinner s = { .cpu = job_cpu() };
	struct counter c = { .cpu = job_cpu() };
	struct khv_sched_stats st;
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	pthread_t ts, tc;
	uint64_t n0, n1;

	if (host_nr_cpus() < 2)
		SKIP(return, "needs 2 CPUs, have %d", host_nr_cpus());
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	vm_load_code(vm, GUEST_CODE(sched_spin));
	must_set_policy(vm, KHV_SCHED_FCFS, 0, 0, 0);
	s.v = vcpu_add(vm, 0);
	pin_self(0);
	ASSERT_EQ(0, pthread_create(&ts, NULL, spin_thread, &s));
	/* Until the vCPU is in the guest, as a FIFO thread. */
	do {
		usleep(10000);
		ASSERT_EQ(0, vcpu_stats(s.v, &st));
	} while (!(st.flags & KHV_SCHED_STATS_IN_RUN) || st.host_policy != SCHED_FIFO);
	ASSERT_EQ(0, pthread_create(&tc, NULL, count_thread, &c));
	usleep(200000);
	n0 = __atomic_load_n(&c.n, __ATOMIC_RELAXED);
	usleep(1500000);
	n1 = __atomic_load_n(&c.n, __ATOMIC_RELAXED);
	ASSERT_EQ(0, vcpu_stats(s.v, &st));
	__atomic_store_n(&c.stop, 1, __ATOMIC_RELAXED);
	pthread_kill(ts, SIGUSR1);
	pthread_join(ts, NULL);
	pthread_join(tc, NULL);
	unpin_self();

	TH_LOG("ordinary thread on the CPU: %llu loops in 1.5 s; vCPU run %llu us, waited %llu us, %llu preemptions",
	       (unsigned long long)(n1 - n0), (unsigned long long)st.cur_job.run_ns / 1000,
	       (unsigned long long)st.cur_job.wait_ns / 1000,
	       (unsigned long long)st.cur_job.preemptions);
	/* RT throttling (or 6.12's fair server) gave the other thread time. */
	EXPECT_GT(n1 - n0, 0u);
	/* The guest had most of the CPU, and waited while throttled. */
	EXPECT_GT(st.cur_job.run_ns, st.cur_job.wait_ns);
	EXPECT_GT(st.cur_job.wait_ns, 0u);
	/* The signal ended KVM_RUN; the job stays open (it did not halt). */
	EXPECT_EQ(-EINTR, s.ret);
	ASSERT_EQ(0, vcpu_stats(s.v, &st));
	EXPECT_NE(0u, st.flags & KHV_SCHED_STATS_JOB_OPEN);
	EXPECT_EQ(0u, st.jobs);
	vcpu_free(s.v);
	vm_destroy(vm);
}

TEST_HARNESS_MAIN
