// SPDX-License-Identifier: GPL-2.0
/*
 * One thread per vCPU, and the end of a run. The first vCPU, timeout or
 * signal that calls run_end() decides the status; the main thread then
 * kicks every vCPU out of KVM_RUN with SIGUSR1 (KVM_RUN returns EINTR) until
 * all threads are out. Kicks repeat, so a signal that lands just before
 * KVM_RUN is entered cannot strand a vCPU in a guest that never exits.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "khvctl.h"

#define WAIT_SLICE_NS	100000000L	/* how often the main thread checks */
#define KICK_SLICE_NS	10000000L	/* how often it re-kicks vCPUs */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond;
static int nr_running;
static int ending;		/* read without the lock by run_ending() */
static int end_status;
static int stop_signal;		/* set by on_stop(): a lock-free atomic */

/* This thread's kvm_run, when the device honours immediate_exit. */
static __thread struct kvm_run *self_run;

static void end_locked(int status)
{
	if (!ending) {
		end_status = status;
		__atomic_store_n(&ending, 1, __ATOMIC_RELEASE);
	}
	pthread_cond_broadcast(&cond);
}

void run_end(int status)
{
	pthread_mutex_lock(&lock);
	end_locked(status);
	pthread_mutex_unlock(&lock);
}

bool run_ending(void)
{
	return __atomic_load_n(&ending, __ATOMIC_ACQUIRE);
}

static void on_kick(int sig)
{
	/* KVM_RUN entered after this returns at once (KVM_CAP_IMMEDIATE_EXIT). */
	if (self_run)
		self_run->immediate_exit = 1;
}

static void on_stop(int sig)
{
	__atomic_store_n(&stop_signal, sig, __ATOMIC_RELAXED);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	int status;

	if (vcpu->vm->immediate_exit)
		self_run = vcpu->run;
	status = vcpu_loop(vcpu);

	pthread_mutex_lock(&lock);
	vcpu->status = status;
	vcpu->done = true;
	nr_running--;
	/* A vCPU that halted ends only itself; anything else ends the run. */
	if (status != KHVCTL_OK && status != VCPU_CONTINUE)
		end_locked(status);
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void add_ns(struct timespec *t, long ns)
{
	t->tv_nsec += ns;
	while (t->tv_nsec >= 1000000000L) {
		t->tv_nsec -= 1000000000L;
		t->tv_sec++;
	}
}

static bool before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static void wait_slice(long ns, const struct timespec *deadline)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	add_ns(&t, ns);
	if (deadline && before(deadline, &t))
		t = *deadline;
	pthread_cond_timedwait(&cond, &lock, &t);
}

/*
 * SIGINT and SIGTERM from now on only ask the run to end: one that comes
 * while the VM is being set up ends the run as soon as it starts, with the
 * same status 12 as one that comes later ("run --vms" sets this before
 * each VM's setup, so a signal the parent forwards early cannot kill a VM
 * outright).
 */
int run_catch_stop(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		return -1;
	return 0;
}

static int setup_signals(void)
{
	struct sigaction sa;
	pthread_condattr_t attr;

	/* No SA_RESTART: a kicked KVM_RUN must return EINTR. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_kick;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) < 0 || run_catch_stop() < 0)
		return -1;

	/* Timeouts on CLOCK_MONOTONIC: the guest's run must not jump. */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&cond, &attr);
	pthread_condattr_destroy(&attr);
	return 0;
}

/* Wait for the vCPUs; end the run on timeout or signal. */
static void wait_vcpus(unsigned int timeout)
{
	struct timespec deadline, now;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout;
	while (nr_running && !ending) {
		int sig = __atomic_load_n(&stop_signal, __ATOMIC_RELAXED);

		if (sig) {
			khv_err("stopped by %s", strsignal(sig));
			end_locked(KHVCTL_SIGNAL);
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (timeout && !before(&now, &deadline)) {
			khv_err("--timeout %u s expired: stopping the guest", timeout);
			end_locked(KHVCTL_TIMEOUT);
			break;
		}
		wait_slice(WAIT_SLICE_NS, timeout ? &deadline : NULL);
	}
}

/*
 * Run every vCPU in its own thread until all have halted or one of them,
 * the timeout (seconds, 0 = none) or a signal ends the run. Returns the
 * exit status.
 */
int run_vcpus(struct vm *vm, unsigned int timeout)
{
	int i, err, status;

	if (setup_signals() < 0) {
		khv_err("sigaction: %s", strerror(errno));
		return KHVCTL_ERROR;
	}

	pthread_mutex_lock(&lock);
	for (i = 0; i < vm->nr_vcpus; i++) {
		err = pthread_create(&vm->vcpus[i].thread, NULL, vcpu_thread,
				     &vm->vcpus[i]);
		if (err) {
			khv_err("pthread_create for vcpu %d: %s", i, strerror(err));
			end_locked(KHVCTL_ERROR);
			break;
		}
		nr_running++;
	}
	wait_vcpus(timeout);

	while (nr_running) {
		for (i = 0; i < vm->nr_vcpus; i++)
			if (vm->vcpus[i].thread && !vm->vcpus[i].done)
				pthread_kill(vm->vcpus[i].thread, SIGUSR1);
		wait_slice(KICK_SLICE_NS, NULL);
	}
	status = ending ? end_status : KHVCTL_OK;
	pthread_mutex_unlock(&lock);

	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].thread)
			pthread_join(vm->vcpus[i].thread, NULL);
	return status;
}
