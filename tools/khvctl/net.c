// SPDX-License-Identifier: GPL-2.0
/*
 * Links for the NICs. Each VM of "run --vms K" is linked to the hub
 * (hub.c) by two packet-mode pipes (pipe2 O_DIRECT: each write() is one
 * record that one read() returns whole), which need nothing of the kernel
 * but pipes. With --net unix:PATH, several khvctl processes meet at a unix
 * SOCK_SEQPACKET socket: the first one listens there and its hub takes the
 * others as ports; each later one connects, and its hub (or, with one VM,
 * its NIC) uses that connection. Every link fd is non-blocking.
 *
 * Which process listens is decided under flock() of PATH.lock, so that two
 * khvctl starting together cannot both listen, and a socket left by a
 * process that died (connect() refused) is replaced. PATH.lock stays.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "khvctl.h"

static int lock_path(const char *path)
{
	char lock[PATH_MAX];
	int fd;

	if (snprintf(lock, sizeof(lock), "%s.lock", path) >= (int)sizeof(lock)) {
		khv_err("%s: path too long", path);
		return -1;
	}
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0 && (!flock(fd, LOCK_EX) || errno_no_syscall()))
		return fd;	/* without file locks: racy, but works alone */
	khv_err("%s: %s", lock, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Nobody listens at path: remove what is there if it is a socket. */
static int clear_stale(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	return unlink(path);
}

static int unix_join(const char *path, struct net *n)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int lock, fd, r = -1;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		khv_err("--net unix:%s: longer than %zu bytes", path,
			sizeof(sa.sun_path) - 1);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	lock = lock_path(path);
	if (lock < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		khv_err("socket: %s", strerror(errno));
		goto out;
	}
	if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fcntl(fd, F_SETFL, O_NONBLOCK);
		n->uplink_fd = fd;
		if (khvctl_verbose)
			khv_err("net: joined the hub at %s", path);
		r = 0;
		goto out;
	}
	if (errno != ENOENT && errno != ECONNREFUSED) {
		khv_err("%s: connect: %s", path, strerror(errno));
		goto fail;
	}
	if (clear_stale(path) < 0) {
		khv_err("%s: %s", path, errno == EEXIST ?
			"exists and is not a socket" : strerror(errno));
		goto fail;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 16) < 0) {
		khv_err("%s: bind/listen: %s", path, strerror(errno));
		goto fail;
	}
	n->listen_fd = fd;
	n->owner = true;
	if (khvctl_verbose)
		khv_err("net: hub listening at %s", path);
	r = 0;
	goto out;
fail:
	close(fd);
out:
	close(lock);		/* releases the flock */
	return r;
}

/* One direction: a pipe whose every write() is a record of its own. */
static int packet_pipe(int *rx, int *tx)
{
	int p[2];

	if (pipe2(p, O_DIRECT | O_NONBLOCK | O_CLOEXEC) < 0) {
		khv_err("pipe2(O_DIRECT): %s", strerror(errno));
		return -1;
	}
	*rx = p[0];
	*tx = p[1];
	return 0;
}

int net_setup(struct run_opts *o, struct net *n)
{
	int i;

	memset(n, 0, sizeof(*n));
	for (i = 0; i < RUN_MAX_VMS; i++)
		n->vm[i] = n->hub[i] = NO_LINK;
	n->listen_fd = n->uplink_fd = -1;
	if (o->net == NET_NONE)
		return 0;
	if (o->net == NET_UNIX && unix_join(o->net_path, n) < 0)
		return -1;
	/* One VM and another khvctl's hub: no hub of our own is needed. */
	if (o->vms == 1 && n->uplink_fd >= 0) {
		n->vm[0] = (struct link){ n->uplink_fd, n->uplink_fd };
		n->uplink_fd = -1;
		return 0;
	}
	/* One VM alone on --net local: its link is down. */
	if (o->vms == 1 && o->net == NET_LOCAL)
		return 0;
	for (i = 0; i < o->vms; i++)
		if (packet_pipe(&n->hub[i].rx, &n->vm[i].tx) < 0 ||
		    packet_pipe(&n->vm[i].rx, &n->hub[i].tx) < 0)
			return -1;
	return 0;
}

bool net_needs_hub(const struct net *n)
{
	return n->listen_fd >= 0 || n->uplink_fd >= 0 || n->hub[0].rx >= 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void link_close(struct link *l)
{
	if (l->tx != l->rx)
		close_fd(&l->tx);
	close_fd(&l->rx);
	l->tx = -1;
}

/*
 * The next frame on fd into buf (NET_MAX_FRAME + 1 bytes): its length, 0
 * if none is waiting, -1 if the other end is gone. A longer record is cut
 * to NET_MAX_FRAME + 1 bytes, which tells the caller to drop it.
 */
ssize_t link_recv(int fd, uint8_t *buf)
{
	ssize_t n;

	do {
		n = read(fd, buf, NET_MAX_FRAME + 1);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? 0 : -1;
	return n ? n : -1;
}

/* Send one frame, never blocking: false if the link cannot take it now. */
bool link_send(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = write(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	return n == (ssize_t)len;
}

/* In VM vm's process: nothing but its own end stays open. */
void net_keep_vm(struct net *n, int vm)
{
	int i;

	for (i = 0; i < RUN_MAX_VMS; i++) {
		if (i != vm)
			link_close(&n->vm[i]);
		link_close(&n->hub[i]);
	}
	close_fd(&n->listen_fd);
	close_fd(&n->uplink_fd);
}

/* In the parent, once the VMs' processes have their ends. */
void net_drop_vms(struct net *n)
{
	int i;

	for (i = 0; i < RUN_MAX_VMS; i++)
		link_close(&n->vm[i]);
}

/* The listening process removes its socket; later ones find none. */
void net_cleanup(struct run_opts *o, struct net *n)
{
	int lock;

	if (!n->owner)
		return;
	lock = lock_path(o->net_path);
	unlink(o->net_path);
	if (lock >= 0)
		close(lock);
	n->owner = false;
}
