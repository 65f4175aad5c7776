/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vCPU run to its report (vcpu_run_report()) on a thread of its own, so
 * that the test can raise interrupts meanwhile, and end with SIGUSR1 a
 * KVM_RUN that never returns (a guest halted for good fails the test
 * instead of hanging it).
 */
#ifndef _KHV_SELFTEST_RUNNER_H
#define _KHV_SELFTEST_RUNNER_H

#include <pthread.h>
#include <stdbool.h>

#include "vm.h"

struct vcpu_runner {
	struct vcpu *v;
	pthread_t thread;
	long code;		/* vcpu_run_report() */
	int done;
};

void runner_start(struct vcpu_runner *r, struct vcpu *v);
/* Joins the thread; after @wait_secs it is signalled until it returns. */
bool runner_join(struct vcpu_runner *r, int wait_secs);

#endif /* _KHV_SELFTEST_RUNNER_H */
