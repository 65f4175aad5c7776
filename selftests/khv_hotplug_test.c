// SPDX-License-Identifier: GPL-2.0
/*
 * CPU hotplug: a CPU taken offline leaves VMX operation, one brought back
 * online enters it again, and /dev/khv keeps working throughout.
 * Needs khv.ko loaded and a second CPU that can go offline.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "khv.h"
#include "khv_util.h"

#define CPU1_ONLINE "/sys/devices/system/cpu/cpu1/online"

static long long vmx_cpus(void)
{
	char buf[256];

	if (khv_read_file(KHV_SYSFS_DIR "/vmx_cpus", buf, sizeof(buf)))
		return -1;
	return khv_parse_cpulist(buf);
}

static long long online_cpus(void)
{
	char buf[256];

	if (khv_read_file("/sys/devices/system/cpu/online", buf, sizeof(buf)))
		return -1;
	return khv_parse_cpulist(buf);
}

static int api_version(void)
{
	int fd = open(KHV_DEV_PATH, O_RDWR);
	int r;

	if (fd < 0)
		return -errno;
	r = ioctl(fd, KVM_GET_API_VERSION, 0);
	close(fd);
	return r;
}

FIXTURE(cpu1) {
	int dummy;
};

FIXTURE_SETUP(cpu1)
{
	if (access(CPU1_ONLINE, W_OK))
		SKIP(return, "no CPU1 that can go offline");
	ASSERT_EQ(0, khv_write_file(CPU1_ONLINE, "1"));
}

/* Whatever happened, leave CPU1 online for the tests that follow. */
FIXTURE_TEARDOWN(cpu1)
{
	khv_write_file(CPU1_ONLINE, "1");
}

TEST_F(cpu1, offline_leaves_vmx_online_enters_it)
{
	ASSERT_EQ(0x3, vmx_cpus() & 0x3);

	ASSERT_EQ(0, khv_write_file(CPU1_ONLINE, "0"));
	EXPECT_EQ(0, online_cpus() & 0x2);
	EXPECT_EQ(0x1, vmx_cpus() & 0x3);
	EXPECT_EQ(12, api_version());

	ASSERT_EQ(0, khv_write_file(CPU1_ONLINE, "1"));
	EXPECT_EQ(0x2, online_cpus() & 0x2);
	EXPECT_EQ(0x3, vmx_cpus() & 0x3);
	EXPECT_EQ(12, api_version());
}

/*
 * Repeated cycles: no state is lost or leaked across them. A cycle takes
 * 12 to 20 s on the debug kernel in Bochs, past the harness's 30 s default.
 */
TEST_F_TIMEOUT(cpu1, repeated_offline_online, 300)
{
	int i;

	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, khv_write_file(CPU1_ONLINE, "0"));
		ASSERT_EQ(0x1, vmx_cpus() & 0x3) TH_LOG("cycle %d", i);
		ASSERT_EQ(0, khv_write_file(CPU1_ONLINE, "1"));
		ASSERT_EQ(0x3, vmx_cpus() & 0x3) TH_LOG("cycle %d", i);
	}
	EXPECT_EQ(online_cpus(), vmx_cpus());
}

/* The per-CPU attribute agrees with the summary list. */
TEST_F(cpu1, per_cpu_attribute_follows)
{
	char buf[16];

	ASSERT_EQ(0, khv_read_file(KHV_SYSFS_DIR "/cpu/cpu1/vmx", buf, sizeof(buf)));
	EXPECT_STREQ("1", buf);
	ASSERT_EQ(0, khv_write_file(CPU1_ONLINE, "0"));
	ASSERT_EQ(0, khv_read_file(KHV_SYSFS_DIR "/cpu/cpu1/vmx", buf, sizeof(buf)));
	EXPECT_STREQ("0", buf);
	ASSERT_EQ(0, khv_write_file(CPU1_ONLINE, "1"));
	ASSERT_EQ(0, khv_read_file(KHV_SYSFS_DIR "/cpu/cpu1/vmx", buf, sizeof(buf)));
	EXPECT_STREQ("1", buf);
}

TEST_HARNESS_MAIN
