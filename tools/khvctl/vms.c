// SPDX-License-Identifier: GPL-2.0
/*
 * "run --vms K": K VMs at once, each in a process of its own (its own
 * thread group: its vCPU threads, its devices, its own fd of the device),
 * so that one VM's crash or exit status cannot disturb the others. The
 * parent runs the hub that links their NICs, forwards SIGINT and SIGTERM
 * to them, and sums up their exit statuses:
 *
 *   0 when every VM ended with 0; otherwise the status of the lowest
 *   numbered VM that did not (a VM killed by a signal counts as 4).
 *
 * Each VM's serial lines go to the shared stdout as "vmN: LINE" and its
 * messages to stderr as "khvctl: vm N: ..."; only VM 0 reads stdin.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "khvctl.h"

static pid_t pids[RUN_MAX_VMS];
static int nr_pids;

static void kill_all(int sig)
{
	int i;

	for (i = 0; i < nr_pids; i++)
		if (pids[i] > 0)
			kill(pids[i], sig);
}

/* kill() is async-signal-safe: forward at once, no flag to race with. */
static void on_stop(int sig)
{
	kill_all(SIGTERM);
}

static void child(struct run_opts *o, struct image *img, struct net *n,
		  int i, pid_t parent, const sigset_t *stops)
{
	int fd;

	/* Not the parent's forwarding: a stop for this VM's run. */
	if (run_catch_stop() < 0)
		_exit(KHVCTL_ERROR);
	sigprocmask(SIG_UNBLOCK, stops, NULL);
	/* A parent that dies (even by SIGKILL) takes its VMs along. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(KHVCTL_SIGNAL);
	khvctl_vm = i;
	net_keep_vm(n, i);
	if (i) {
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && dup2(fd, STDIN_FILENO) < 0)
			khv_warn("stdin: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	exit(run_vm(o, img, i, n->vm[i]));
}

/* A VM's status for the summary; a message for anything but 0. */
static int vm_status(int i, int ws)
{
	int status;

	if (WIFSIGNALED(ws)) {
		khv_err("vm %d: killed by %s", i, strsignal(WTERMSIG(ws)));
		return KHVCTL_ERROR;
	}
	status = WEXITSTATUS(ws);
	if (status || khvctl_verbose)
		khv_err("vm %d: exit status %d", i, status);
	return status;
}

int vms_run(struct run_opts *o, struct image *img)
{
	pid_t parent = getpid(), pid;
	int ws[RUN_MAX_VMS];
	struct sigaction sa;
	sigset_t stops;
	int i, w, left, status = KHVCTL_OK;
	struct net n;

	if (net_setup(o, &n) < 0)
		return KHVCTL_ERROR;
	fflush(NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/*
	 * Held while forking: a stop reaches every VM forked so far once it
	 * is in pids[], and a new VM only once it has its own handler.
	 */
	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigprocmask(SIG_BLOCK, &stops, NULL);
	for (i = 0; i < o->vms; i++) {
		ws[i] = KHVCTL_ERROR << 8;	/* as exit(4), if never reaped */
		pid = fork();
		if (!pid)
			child(o, img, &n, i, parent, &stops);
		if (pid < 0) {
			khv_err("fork for vm %d: %s", i, strerror(errno));
			o->vms = i;
			kill_all(SIGTERM);
			status = KHVCTL_ERROR;
			break;
		}
		pids[i] = pid;
		nr_pids = i + 1;
	}
	sigprocmask(SIG_UNBLOCK, &stops, NULL);
	net_drop_vms(&n);
	if (net_needs_hub(&n) && hub_start(&n, o->vms) < 0) {
		kill_all(SIGTERM);
		status = KHVCTL_ERROR;
	}

	for (left = o->vms; left; ) {
		pid = waitpid(-1, &w, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			khv_err("waitpid: %s", strerror(errno));
			break;
		}
		for (i = 0; i < o->vms; i++) {
			if (pids[i] == pid) {
				pids[i] = 0;
				ws[i] = w;
				left--;
			}
		}
	}

	hub_stop();
	net_cleanup(o, &n);
	for (i = 0; i < o->vms; i++) {
		w = vm_status(i, ws[i]);
		if (w && status == KHVCTL_OK)
			status = w;
	}
	return status;
}
