// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the Linux guest that "khvctl boot" runs (docs/linux-guest.md).
 * Built with the kernel's nolibc (tools/include/nolibc), so it is a few KiB
 * and needs no libc in the initramfs. It prints, on /dev/console (ttyS0):
 *
 *   khv-linux: init started, uptime U s
 *   khv-linux: N CPUs online (LIST)
 *   khv-linux: rebooting
 *
 * then reboots, which ends khvctl's run with status 0 (the reset through
 * port 0x64). The uptime is the guest's own clock at /init: the boot time.
 */

#define BUF_SIZE	4096

static char buf[BUF_SIZE];

static void say(const char *s)
{
	write(1, s, strlen(s));
}

/* The first line of PATH, without its newline; "?" if it cannot be read. */
static const char *first_line(const char *path)
{
	ssize_t n;
	char *nl;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return "?";
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return "?";
	buf[n] = '\0';
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	return buf;
}

/* "0-1,3" -> 3: the number of CPUs in a list of ranges. */
static int count_cpus(const char *list)
{
	int n = 0, lo, hi;

	while (*list >= '0' && *list <= '9') {
		lo = atoi(list);
		while (*list >= '0' && *list <= '9')
			list++;
		hi = lo;
		if (*list == '-') {
			hi = atoi(++list);
			while (*list >= '0' && *list <= '9')
				list++;
		}
		n += hi - lo + 1;
		if (*list != ',')
			break;
		list++;
	}
	return n;
}

int main(void)
{
	const char *s;
	char *sp;
	char num[16];

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);

	s = first_line("/proc/uptime");
	sp = strchr(buf, ' ');
	if (sp)
		*sp = '\0';
	say("khv-linux: init started, uptime ");
	say(s);
	say(" s\n");

	s = first_line("/sys/devices/system/cpu/online");
	utoa_r(count_cpus(s), num);
	say("khv-linux: ");
	say(num);
	say(" CPUs online (");
	say(s);
	say(")\n");

	say("khv-linux: rebooting\n");
	reboot(LINUX_REBOOT_CMD_RESTART);
	say("khv-linux: reboot failed\n");
	return 1;
}
