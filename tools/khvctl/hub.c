// SPDX-License-Identifier: GPL-2.0
/*
 * The hub: a thread that copies every frame arriving on one port to every
 * other port, like an Ethernet repeater. Ports are links (net.c, one
 * record per frame): the far ends of this khvctl's VMs' NICs, the link to
 * another khvctl's hub, and the khvctl processes that connect to a unix
 * socket this one listens on.
 *
 * The hub never blocks on a port: a frame a port cannot take now is
 * dropped for that port only, so one stuck VM cannot stall the others. A
 * port whose other end closes is removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "khvctl.h"

#define HUB_MAX_PORTS	64
#define HUB_BURST	64	/* frames from one port per round: fairness */

static struct {
	pthread_t thread;
	bool running;
	int wake[2];		/* hub_stop() writes a byte */
	int listen_fd;
	struct link port[HUB_MAX_PORTS];
	int nr;
	uint64_t frames, drops;
} hub = {
	.wake = { -1, -1 },
	.listen_fd = -1,
};

static void add_port(struct link l)
{
	if (hub.nr == HUB_MAX_PORTS) {
		khv_warn("hub: %d ports already: refusing another", HUB_MAX_PORTS);
		link_close(&l);
		return;
	}
	hub.port[hub.nr++] = l;
}

static void del_port(int i)
{
	link_close(&hub.port[i]);
	hub.port[i] = hub.port[--hub.nr];
}

static void broadcast(int from, const uint8_t *frame, size_t len)
{
	int i;

	hub.frames++;
	for (i = 0; i < hub.nr; i++) {
		if (i == from)
			continue;
		if (!link_send(hub.port[i].tx, frame, len))
			hub.drops++;
	}
}

/* Forward what port i has; -1 when its other end is gone. */
static int drain(int i)
{
	static uint8_t frame[NET_MAX_FRAME + 1];
	ssize_t n;
	int k;

	for (k = 0; k < HUB_BURST; k++) {
		n = link_recv(hub.port[i].rx, frame);
		if (n <= 0)
			return n;
		if (n > NET_MAX_FRAME) {
			hub.drops++;
			continue;
		}
		broadcast(i, frame, n);
	}
	return 0;
}

static void *hub_thread(void *arg)
{
	struct pollfd pfd[HUB_MAX_PORTS + 2];
	int i, nfix, fd;

	for (;;) {
		nfix = 0;
		pfd[nfix++] = (struct pollfd){ .fd = hub.wake[0], .events = POLLIN };
		if (hub.listen_fd >= 0)
			pfd[nfix++] = (struct pollfd){ .fd = hub.listen_fd,
						       .events = POLLIN };
		for (i = 0; i < hub.nr; i++)
			pfd[nfix + i] = (struct pollfd){ .fd = hub.port[i].rx,
							 .events = POLLIN };
		if (poll(pfd, nfix + hub.nr, -1) < 0) {
			if (errno == EINTR)
				continue;
			khv_warn("hub: poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents)
			break;
		/* Ports from the back, so that del_port() moves only seen ones. */
		for (i = hub.nr - 1; i >= 0; i--)
			if (pfd[nfix + i].revents && drain(i) < 0)
				del_port(i);
		if (hub.listen_fd >= 0 && pfd[1].revents) {
			fd = accept4(hub.listen_fd, NULL, NULL,
				     SOCK_CLOEXEC | SOCK_NONBLOCK);
			if (fd >= 0)
				add_port((struct link){ fd, fd });
			if (fd >= 0 && khvctl_verbose)
				khv_err("hub: a khvctl joined (%d ports)", hub.nr);
		}
	}
	return NULL;
}

/* Take the hub's fds from n (they are set to -1) and start the thread. */
int hub_start(struct net *n, int nr_vms)
{
	int i, err;

	for (i = 0; i < nr_vms; i++) {
		if (n->hub[i].rx >= 0)
			add_port(n->hub[i]);
		n->hub[i] = NO_LINK;
	}
	if (n->uplink_fd >= 0)
		add_port((struct link){ n->uplink_fd, n->uplink_fd });
	n->uplink_fd = -1;
	hub.listen_fd = n->listen_fd;
	n->listen_fd = -1;
	signal(SIGPIPE, SIG_IGN);	/* a VM that is gone: write() fails */
	if (pipe2(hub.wake, O_CLOEXEC) < 0) {
		khv_err("hub: pipe: %s", strerror(errno));
		return -1;
	}
	err = pthread_create(&hub.thread, NULL, hub_thread, NULL);
	if (err) {
		khv_err("hub: pthread_create: %s", strerror(err));
		return -1;
	}
	hub.running = true;
	return 0;
}

void hub_stop(void)
{
	char c = 0;

	if (hub.running) {
		if (write(hub.wake[1], &c, 1) < 0)
			khv_warn("hub: wake-up: %s", strerror(errno));
		pthread_join(hub.thread, NULL);
		hub.running = false;
		if (khvctl_verbose)
			khv_err("hub: %llu frames forwarded, %llu copies dropped",
				(unsigned long long)hub.frames,
				(unsigned long long)hub.drops);
	}
	while (hub.nr)
		del_port(0);
	if (hub.listen_fd >= 0)
		close(hub.listen_fd);
	hub.listen_fd = -1;
}
