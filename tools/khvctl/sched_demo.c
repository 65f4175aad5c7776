// SPDX-License-Identifier: GPL-2.0
/*
 * khvctl sched-demo: K single-vCPU VMs, each running one CPU-bound job of
 * a known length, confined to one host CPU under a khv scheduling policy
 * (docs/scheduling.md). It prints a table of khv's own per-job times
 * (KHV_GET_SCHED_STATS) next to the textbook schedule of the same jobs,
 * and with --out writes the table as Markdown and a Gantt chart (SVG) of
 * khv's dispatch intervals (KHV_GET_SCHED_TRACE): which vCPU ran when.
 *
 * How the jobs arrive in a known order: every job thread is pinned to the
 * CPU and has run its vCPU once already (a warm-up, one thread at a time,
 * so that khv has given it the VM's policy; under SJF the warm-up is the
 * job itself, which trains the prediction). Each then sleeps. This thread,
 * pinned to the same CPU at SCHED_FIFO 99, wakes them in order: they queue
 * behind it and compete when it leaves the CPU (to another one if there
 * is one, else by sleeping). Later arrivals (LEN@AT) are woken at their
 * time by this thread, from the other CPU if there is one.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sched_demo.h"

/*
 * The job, 16-bit real mode at JOB_GPA (CS = 0), ECX = loop count:
 *	1:	dec	%ecx		66 49
 *		jnz	1b		75 fc
 *		hlt			f4
 * Two instructions per iteration, no memory access, no exit but the HLT,
 * which ends the job for khv. RFLAGS.IF is 1, as in the selftests.
 */
#define JOB_GPA		0x7c00
#define JOB_MEM		(1ULL << 20)
static const uint8_t job_code[] = { 0x66, 0x49, 0x75, 0xfc, 0xf4 };

#define WARM_ITERS	1000
#define CAL_ITERS	100000
#define CAL_MIN_NS	5000000ULL

static const char *const policy_names[] = {
	[KHV_SCHED_DEFAULT] = "DEFAULT",
	[KHV_SCHED_FCFS] = "FCFS",
	[KHV_SCHED_SJF] = "SJF",
	[KHV_SCHED_PRIORITY] = "PRIORITY",
};

/*
 * Jobs in arrival order, LEN[:LEVEL][@AT]. FCFS and SJF get the same jobs,
 * longest first: FCFS shows the convoy, SJF runs them shortest first.
 * PRIORITY: a level-5 job arrives while a level-3 one runs and preempts it.
 */
static const char *default_jobs(unsigned int policy)
{
	return policy == KHV_SCHED_PRIORITY ? "4:1,3:3,2:5@1" : "8,4,1,2";
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: khvctl sched-demo --policy fcfs|sjf|priority|default [OPTIONS]\n"
"\n"
"Run K single-vCPU VMs on one host CPU, each a CPU-bound job of a known\n"
"length, under a khv scheduling policy; print khv's per-job times and the\n"
"textbook schedule of the same jobs. Needs khv and CAP_SYS_NICE.\n"
"\n"
"  -p, --policy P      fcfs, sjf, priority or default (the host's own)\n"
"  -j, --jobs LIST     jobs in arrival order, LEN[:LEVEL][@AT],... (at most %d):\n"
"                      LEN in units, LEVEL 0..31 (priority), AT in units\n"
"                      after the first arrival (default 0: all together,\n"
"                      queued in list order); default %s,\n"
"                      for priority %s\n"
"  -u, --unit-ms MS    processing time of one unit (default 20), calibrated\n"
"      --unit-iters N  loop iterations per unit instead of calibrating\n"
"  -a, --alpha A       SJF: weight of the last burst in 1/1024 (default 512);\n"
"                      0: declare each job's length as its burst instead\n"
"  -c, --cpu N         the host CPU (default: the last one this process may use)\n"
"  -o, --out DIR       also write DIR/sched-POLICY.svg (Gantt chart) and\n"
"                      DIR/sched-POLICY.md (the table)\n"
"  -h, --help          show this text\n",
		SD_MAX_JOBS, default_jobs(KHV_SCHED_FCFS),
		default_jobs(KHV_SCHED_PRIORITY));
}

static int parse_policy(const char *s, unsigned int *policy)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(policy_names); i++) {
		if (!strcasecmp(s, policy_names[i])) {
			*policy = i;
			return 0;
		}
	}
	return -1;
}

static int parse_jobs(struct sd_run *r, const char *spec)
{
	char *copy = strdup(spec), *save = NULL, *tok, *end;
	int n = 0, ret = -1;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		struct sd_job *j = &r->jobs[n];
		unsigned long v;

		if (n == SD_MAX_JOBS)
			goto out;
		errno = 0;
		v = strtoul(tok, &end, 10);
		if (errno || end == tok || !v || v > 1000)
			goto out;
		j->len = v;
		if (*end == ':') {
			tok = end + 1;
			v = strtoul(tok, &end, 10);
			if (end == tok || v > KHV_SCHED_LEVEL_MAX)
				goto out;
			j->level = v;
		}
		if (*end == '@') {
			tok = end + 1;
			j->at = strtod(tok, &end);
			if (end == tok || !(j->at >= 0 && j->at <= 1000))
				goto out;
		}
		if (*end)
			goto out;
		n++;
	}
	r->nr_jobs = n;
	ret = n ? 0 : -1;
out:
	free(copy);
	return ret;
}

static int pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* ---- One job's VM and runs. ---- */

static int job_create(struct sd_job *j)
{
	void *code;

	if (vm_create(&j->vm, JOB_MEM, 1) < 0)
		return -1;
	if (vcpu_create(&j->vm, &j->vcpu, 0) < 0)
		return -1;
	code = vm_gpa(&j->vm, JOB_GPA, sizeof(job_code));
	memcpy(code, job_code, sizeof(job_code));
	return boot_vcpu_real(&j->vcpu, JOB_GPA);
}

static int job_set_regs(struct sd_job *j, uint64_t iters)
{
	struct kvm_regs regs = {
		.rip = JOB_GPA,
		.rflags = 0x202,	/* IF, and bit 1 */
		.rcx = iters,
	};

	return VCPU_IOCTL(&j->vcpu, KVM_SET_REGS, &regs) < 0 ? -1 : 0;
}

/* KVM_RUN until the job's HLT; 0, or -1 with j->msg set. */
static int job_enter(struct sd_job *j)
{
	struct kvm_run *run = j->vcpu.run;

	while (ioctl(j->vcpu.fd, KVM_RUN, 0) < 0) {
		if (errno != EINTR) {
			snprintf(j->msg, sizeof(j->msg), "KVM_RUN: %s",
				 strerror(errno));
			return -1;
		}
	}
	if (run->exit_reason != KVM_EXIT_HLT) {
		snprintf(j->msg, sizeof(j->msg), "exit %s, not HLT",
			 kvm_exit_name(run->exit_reason));
		return -1;
	}
	return 0;
}

static int job_run(struct sd_job *j, uint64_t iters)
{
	if (job_set_regs(j, iters) < 0) {
		snprintf(j->msg, sizeof(j->msg), "KVM_SET_REGS: %s",
			 strerror(errno));
		return -1;
	}
	return job_enter(j);
}

static int job_stats(struct sd_job *j, struct khv_sched_stats *st)
{
	if (ioctl(j->vcpu.fd, KHV_GET_SCHED_STATS, st) < 0) {
		snprintf(j->msg, sizeof(j->msg), "KHV_GET_SCHED_STATS: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
}

struct job_arg {
	struct sd_run *r;
	struct sd_job *j;
};

static void *job_thread(void *arg)
{
	struct sd_run *r = ((struct job_arg *)arg)->r;
	struct sd_job *j = ((struct job_arg *)arg)->j;
	uint64_t iters = j->len * r->unit_iters;
	struct khv_sched_stats st = { 0 };

	j->tid = syscall(SYS_gettid);
	if (pin_to(r->cpu)) {
		snprintf(j->msg, sizeof(j->msg), "CPU %d: %s", r->cpu,
			 strerror(errno));
		j->err = -1;
	}
	while (sem_wait(&j->warm) && errno == EINTR)
		;
	/* SJF learns from the job itself; others only need the thread known. */
	if (!j->err)
		j->err = job_run(j, r->policy == KHV_SCHED_SJF ? iters :
				 WARM_ITERS);
	if (!j->err)
		j->err = job_stats(j, &st);
	j->tau = st.predicted_burst_ns;
	/* Ready to enter at once when woken: its wake-up is its arrival. */
	if (!j->err && job_set_regs(j, iters) < 0) {
		snprintf(j->msg, sizeof(j->msg), "KVM_SET_REGS: %s",
			 strerror(errno));
		j->err = -1;
	}
	__atomic_store_n(&j->ready, 1, __ATOMIC_RELEASE);
	while (sem_wait(&j->go) && errno == EINTR)
		;
	if (j->err)
		return NULL;
	j->err = job_enter(j);
	if (!j->err)
		j->err = job_stats(j, &j->st);
	if (!j->err && ioctl(j->vcpu.fd, KHV_GET_SCHED_TRACE, &j->tr) < 0) {
		snprintf(j->msg, sizeof(j->msg), "KHV_GET_SCHED_TRACE: %s",
			 strerror(errno));
		j->err = -1;
	}
	return NULL;
}

/* State letter of a thread of this process ('S': asleep), '?' if unknown. */
static char thread_state(pid_t tid)
{
	char path[64], buf[256], *p;
	size_t n;
	FILE *f;

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

/* Until the thread has set up its job and sleeps on its semaphore. */
static void wait_asleep(struct sd_job *j)
{
	char s;

	while (!__atomic_load_n(&j->ready, __ATOMIC_ACQUIRE))
		usleep(1000);
	while ((s = thread_state(j->tid)) != 'S' && s != '?')
		usleep(1000);
	if (s == '?')
		usleep(20000);
}

/* ---- Setup: calibration, policies. ---- */

/*
 * Loop iterations for one unit of @unit_ms, from khv's run_ns of a job on
 * the demo's CPU (processing time only, so waits do not disturb it).
 */
static int calibrate(struct sd_run *r, double unit_ms)
{
	struct sd_job *cal = calloc(1, sizeof(*cal));
	struct khv_sched_stats st;
	uint64_t iters = CAL_ITERS, ns = 0;
	int ret = -1;

	if (!cal)
		return -1;
	if (job_create(cal) < 0 || pin_to(r->cpu))
		goto out;
	if (job_run(cal, iters))	/* first: faults in the page */
		goto fail;
	for (;;) {
		if (job_run(cal, iters) || job_stats(cal, &st))
			goto fail;
		ns = st.last_job.run_ns;
		if (ns >= CAL_MIN_NS || iters >= (1ULL << 30))
			break;
		iters *= 4;
	}
	r->unit_iters = (uint64_t)((double)iters * unit_ms * 1e6 /
				   (double)(ns ? ns : 1));
	if (r->unit_iters < 1)
		r->unit_iters = 1;
	ret = 0;
	if (khvctl_verbose)
		fprintf(stderr, "khvctl: calibration: %llu iterations in %.3f ms\n",
			(unsigned long long)iters, ns / 1e6);
	goto out;
fail:
	khv_err("calibration: %s", cal->msg);
out:
	vcpu_destroy(&cal->vcpu);
	vm_destroy(&cal->vm);
	free(cal);
	return ret;
}

/* 0, or a khvctl status after saying why. */
static int set_policy(struct sd_run *r, struct sd_job *j)
{
	struct khv_sched_policy p = { .policy = r->policy };

	switch (r->policy) {
	case KHV_SCHED_DEFAULT:
		/* Nothing to set; is it khv at all? */
		if (ioctl(j->vm.fd, KHV_GET_SCHED_POLICY, &p) < 0)
			goto refused;
		return 0;
	case KHV_SCHED_SJF:
		p.alpha = r->alpha;
		if (!p.alpha)
			p.burst_ns = (uint64_t)(j->len * r->unit_ms * 1e6);
		break;
	default:
		p.level = j->level;
		break;
	}
	if (ioctl(j->vm.fd, KHV_SET_SCHED_POLICY, &p) == 0)
		return 0;
refused:
	if (errno == ENOTTY) {
		khv_err("%s: no khv scheduling policies here (%s)", khvctl_dev,
			strerror(errno));
		return KHVCTL_UNSUPPORTED;
	}
	khv_err("%s: KHV_SET_SCHED_POLICY %s: %s%s", khvctl_dev, r->name,
		strerror(errno),
		errno == EPERM ? " (needs CAP_SYS_NICE)" : "");
	return KHVCTL_ERROR;
}

/* ---- The run. ---- */

/* Job indices by arrival: by AT, then in list order. */
static void arrival_order(const struct sd_run *r, int *order)
{
	int i, k, t;

	for (i = 0; i < r->nr_jobs; i++)
		order[i] = i;
	for (i = 1; i < r->nr_jobs; i++)
		for (k = i; k > 0 && r->jobs[order[k]].at <
				     r->jobs[order[k - 1]].at; k--) {
			t = order[k];
			order[k] = order[k - 1];
			order[k - 1] = t;
		}
}

/* Off the demo's CPU, if this process may use another one. */
static void leave_cpu(struct sd_run *r, const cpu_set_t *allowed)
{
	cpu_set_t set = *allowed;

	CPU_CLR(r->cpu, &set);
	if (CPU_COUNT(&set))
		sched_setaffinity(0, sizeof(set), &set);
}

static int release(struct sd_run *r, const cpu_set_t *allowed)
{
	struct sched_param top = { .sched_priority = 99 };
	struct sched_param normal = { .sched_priority = 0 };
	int order[SD_MAX_JOBS], i;
	struct timespec t0, t;
	uint64_t ns;

	arrival_order(r, order);
	if (pin_to(r->cpu) || sched_setscheduler(0, SCHED_FIFO, &top)) {
		khv_err("SCHED_FIFO 99 on CPU %d: %s", r->cpu, strerror(errno));
		return -1;
	}
	for (i = 0; i < r->nr_jobs && r->jobs[order[i]].at <= 0; i++)
		sem_post(&r->jobs[order[i]].go);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	leave_cpu(r, allowed);
	for (; i < r->nr_jobs; i++) {
		ns = (uint64_t)(r->jobs[order[i]].at * r->unit_ms * 1e6);
		t = t0;
		t.tv_sec += ns / 1000000000ULL;
		t.tv_nsec += ns % 1000000000ULL;
		if (t.tv_nsec >= 1000000000L) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000L;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) ==
		       EINTR)
			;
		sem_post(&r->jobs[order[i]].go);
	}
	sched_setscheduler(0, SCHED_OTHER, &normal);
	sched_setaffinity(0, sizeof(*allowed), allowed);
	return 0;
}

static int last_cpu(const cpu_set_t *set)
{
	int i, last = -1;

	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, set))
			last = i;
	return last;
}

static int demo(struct sd_run *r, double unit_ms, const char *out)
{
	struct job_arg args[SD_MAX_JOBS];
	cpu_set_t allowed;
	int i, status = KHVCTL_ERROR, started = 0, created = 0;

	if (sched_getaffinity(0, sizeof(allowed), &allowed)) {
		khv_err("sched_getaffinity: %s", strerror(errno));
		return KHVCTL_ERROR;
	}
	if (r->cpu < 0)
		r->cpu = last_cpu(&allowed);
	if (r->cpu < 0 || !CPU_ISSET(r->cpu, &allowed)) {
		khv_err("CPU %d: not one this process may use", r->cpu);
		return KHVCTL_USAGE;
	}
	r->host_cpus = CPU_COUNT(&allowed);

	/* Until measured: the unit asked for (declared bursts, arrivals). */
	r->unit_ms = unit_ms;
	for (i = 0; i < r->nr_jobs; i++) {
		created++;
		if (job_create(&r->jobs[i]) < 0)
			goto out;
		status = set_policy(r, &r->jobs[i]);
		if (status)
			goto out;
		status = KHVCTL_ERROR;
	}
	if (!r->unit_iters && calibrate(r, unit_ms) < 0)
		goto out;
	sched_setaffinity(0, sizeof(allowed), &allowed);
	/* ECX counts the loop. */
	for (i = 0; i < r->nr_jobs; i++) {
		if (r->jobs[i].len * r->unit_iters > 0xffffffffULL) {
			khv_err("job %d: %u units of %llu iterations: more than 2^32",
				i, r->jobs[i].len,
				(unsigned long long)r->unit_iters);
			goto out;
		}
	}

	for (i = 0; i < r->nr_jobs; i++) {
		struct sd_job *j = &r->jobs[i];

		sem_init(&j->warm, 0, 0);
		sem_init(&j->go, 0, 0);
		args[i].r = r;
		args[i].j = j;
		if (pthread_create(&j->thread, NULL, job_thread, &args[i])) {
			khv_err("pthread_create: %s", strerror(errno));
			break;
		}
		started++;
	}
	/* Warm-ups one at a time: no job thread waits behind another then. */
	for (i = 0; i < started; i++) {
		sem_post(&r->jobs[i].warm);
		wait_asleep(&r->jobs[i]);
	}
	if (started == r->nr_jobs && release(r, &allowed) == 0)
		status = KHVCTL_OK;
	for (i = 0; i < started; i++) {
		sem_post(&r->jobs[i].warm);
		sem_post(&r->jobs[i].go);
		pthread_join(r->jobs[i].thread, NULL);
	}
	for (i = 0; i < started; i++) {
		if (r->jobs[i].err) {
			khv_err("vm %d: %s", i, r->jobs[i].msg);
			status = KHVCTL_ERROR;
		}
	}
	if (status)
		goto out;

	if (sd_report(r, out))
		status = KHVCTL_ERROR;
out:
	for (i = 0; i < created; i++) {
		vcpu_destroy(&r->jobs[i].vcpu);
		vm_destroy(&r->jobs[i].vm);
	}
	return status;
}

int cmd_sched_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy",     required_argument, NULL, 'p' },
		{ "jobs",       required_argument, NULL, 'j' },
		{ "unit-ms",    required_argument, NULL, 'u' },
		{ "unit-iters", required_argument, NULL, 'U' },
		{ "alpha",      required_argument, NULL, 'a' },
		{ "cpu",        required_argument, NULL, 'c' },
		{ "out",        required_argument, NULL, 'o' },
		{ "verbose",    no_argument,       NULL, 'v' },
		{ "help",       no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *jobs = NULL, *out = NULL;
	double unit_ms = 20;
	bool have_policy = false;
	struct sd_run *r;
	uint64_t v;
	char *end;
	int opt, status;

	r = calloc(1, sizeof(*r));
	if (!r)
		return KHVCTL_ERROR;
	r->alpha = KHV_SCHED_ALPHA_ONE / 2;
	r->cpu = -1;
	while ((opt = getopt_long(argc, argv, "p:j:u:a:c:o:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (parse_policy(optarg, &r->policy))
				goto bad;
			have_policy = true;
			break;
		case 'j':
			jobs = optarg;
			break;
		case 'u':
			unit_ms = strtod(optarg, &end);
			if (*end || !(unit_ms >= 0.01 && unit_ms <= 10000))
				goto bad;
			break;
		case 'U':
			if (parse_u64(optarg, &v) || !v || v > 0xffffffffULL)
				goto bad;
			r->unit_iters = v;
			break;
		case 'a':
			if (parse_u64(optarg, &v) || v > KHV_SCHED_ALPHA_ONE)
				goto bad;
			r->alpha = v;
			break;
		case 'c':
			if (parse_u64(optarg, &v) || v >= CPU_SETSIZE)
				goto bad;
			r->cpu = v;
			break;
		case 'o':
			out = optarg;
			break;
		case 'v':
			khvctl_verbose++;
			break;
		case 'h':
			usage(stdout);
			free(r);
			return KHVCTL_OK;
		default:
			free(r);
			return usage_hint("sched-demo");
		}
	}
	if (optind < argc) {
		free(r);
		return usage_error("sched-demo", "unexpected argument '%s'",
				   argv[optind]);
	}
	if (!have_policy) {
		free(r);
		return usage_error("sched-demo", "missing --policy");
	}
	r->name = policy_names[r->policy];
	if (parse_jobs(r, jobs ? jobs : default_jobs(r->policy))) {
		free(r);
		return usage_error("sched-demo", "bad --jobs '%s'", jobs);
	}
	status = demo(r, unit_ms, out);
	free(r);
	return status;
bad:
	free(r);
	return usage_error("sched-demo", "bad value '%s'", optarg);
}
