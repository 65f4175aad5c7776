// SPDX-License-Identifier: GPL-2.0
/*
 * stdin for the guest's serial port. Reads never block: the vCPU thread
 * polls with a zero timeout. O_NONBLOCK is not used on purpose: on a
 * terminal stdin and stdout share one open file, and a non-blocking stdout
 * would make the guest's output fail with EAGAIN.
 *
 * On a terminal, input goes to the guest byte by byte without echo (no
 * line editing), but ISIG stays on: Ctrl-C still stops khvctl (status 12).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "khvctl.h"

static struct termios saved;
static bool raw;
static bool in_eof;

void term_restore(void)
{
	if (raw)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	raw = false;
}

void term_init(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved) < 0)
		return;
	t = saved;
	t.c_lflag &= ~(ICANON | ECHO | IEXTEN);
	t.c_iflag &= ~(IXON | ICRNL | INLCR | IGNCR);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) < 0)
		return;
	raw = true;
	atexit(term_restore);
}

/* Up to len bytes that are ready on stdin; 0 if none (or at EOF). */
int term_read(uint8_t *buf, size_t len)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	ssize_t n;

	if (in_eof || poll(&pfd, 1, 0) <= 0)
		return 0;
	if (pfd.revents & POLLNVAL) {
		in_eof = true;
		return 0;
	}
	n = read(STDIN_FILENO, buf, len);
	if (n > 0)
		return n;
	if (n == 0 || (errno != EINTR && errno != EAGAIN))
		in_eof = true;
	return 0;
}
