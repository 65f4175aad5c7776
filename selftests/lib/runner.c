// SPDX-License-Identifier: GPL-2.0
/* vCPU runner threads (runner.h). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"

static void on_sigusr1(int sig)
{
}

static void *runner_fn(void *arg)
{
	struct vcpu_runner *r = arg;

	/* An AP's first KVM_RUN ends with EAGAIN once INIT wakes it (as KVM). */
	do
		r->code = vcpu_run_report(r->v);
	while (r->code == -1 && r->v->run_err == EAGAIN);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

void runner_start(struct vcpu_runner *r, struct vcpu *v)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: KVM_RUN ends */
	memset(r, 0, sizeof(*r));
	r->v = v;
	if (pthread_create(&r->thread, NULL, runner_fn, r))
		abort();
}

bool runner_join(struct vcpu_runner *r, int wait_secs)
{
	bool in_time = false;
	int i;

	for (i = 0; i < wait_secs * 100; i++) {
		if (__atomic_load_n(&r->done, __ATOMIC_ACQUIRE)) {
			in_time = true;
			break;
		}
		usleep(10000);
	}
	while (!__atomic_load_n(&r->done, __ATOMIC_ACQUIRE)) {
		pthread_kill(r->thread, SIGUSR1);
		usleep(10000);
	}
	pthread_join(r->thread, NULL);
	return in_time;
}
