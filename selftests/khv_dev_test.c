// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/khv as a device: opening it, its permissions, the system-fd ioctls
 * and the sysfs view of per-CPU VMX state. khv.ko must be loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "khv.h"
#include "khv_util.h"

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = open(KHV_DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", KHV_DEV_PATH, strerror(errno));
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

TEST_F(dev, api_version_is_12)
{
	EXPECT_EQ(12, ioctl(self->fd, KVM_GET_API_VERSION, 0));
}

TEST_F(dev, api_version_rejects_argument)
{
	EXPECT_EQ(-1, ioctl(self->fd, KVM_GET_API_VERSION, 1));
	EXPECT_EQ(EINVAL, errno);
}

/* Unknown capabilities, negative and huge numbers alike, are "not supported". */
TEST_F(dev, check_extension_unknown_is_zero)
{
	static const long caps[] = { -1, 0x7fffffff, 100000, 1L << 40 };
	unsigned int i;

	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		EXPECT_EQ(0, ioctl(self->fd, KVM_CHECK_EXTENSION, caps[i]))
			TH_LOG("cap %ld", caps[i]);
}

/* Real KVM answers unknown system-fd ioctls with EINVAL (see docs/abi.md). */
TEST_F(dev, unknown_ioctls_fail_with_einval)
{
	EXPECT_EQ(-1, ioctl(self->fd, _IO(KVMIO, 0xff), 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IO(KHVIO, 0x7f), 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TCGETS, 0));
	EXPECT_EQ(EINVAL, errno);
	/* A VM-fd ioctl on the system fd is not a system ioctl. */
	EXPECT_EQ(-1, ioctl(self->fd, KVM_CREATE_VCPU, 0));
	EXPECT_EQ(EINVAL, errno);
}

/* The ioctls are answered the same way through every open file. */
TEST_F(dev, several_opens_are_independent)
{
	int fd2 = open(KHV_DEV_PATH, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd2);
	EXPECT_EQ(12, ioctl(fd2, KVM_GET_API_VERSION, 0));
	close(fd2);
	EXPECT_EQ(12, ioctl(self->fd, KVM_GET_API_VERSION, 0));
}

TEST(device_node_is_root_only_char_device)
{
	struct stat st;

	ASSERT_EQ(0, stat(KHV_DEV_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600u, st.st_mode & 07777);
	EXPECT_EQ(0u, st.st_uid);
	EXPECT_EQ(0u, st.st_gid);
	/* A misc device: major 10. */
	EXPECT_EQ(10u, major(st.st_rdev));
}

/* An unprivileged user cannot open the 0600 device. */
TEST(unprivileged_open_is_refused)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd;

		if (setgid(65534) || setuid(65534))
			_exit(2);
		fd = open(KHV_DEV_PATH, O_RDWR);
		_exit(fd < 0 && errno == EACCES ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* Every online CPU is in VMX operation while khv is loaded. */
TEST(vmx_on_every_online_cpu)
{
	char online[256], vmx[256];
	long long want, have;

	ASSERT_EQ(0, khv_read_file("/sys/devices/system/cpu/online", online,
				   sizeof(online)));
	ASSERT_EQ(0, khv_read_file(KHV_SYSFS_DIR "/vmx_cpus", vmx, sizeof(vmx)));
	want = khv_parse_cpulist(online);
	have = khv_parse_cpulist(vmx);
	ASSERT_LT(0, want);
	EXPECT_EQ(want, have) TH_LOG("online %s, in VMX operation %s", online, vmx);
}

/* The capabilities khv needs are reported by the module itself. */
TEST(capabilities_are_published)
{
	char caps[4096];

	ASSERT_EQ(0, khv_read_file(KHV_SYSFS_DIR "/capabilities", caps, sizeof(caps)));
	EXPECT_NE(NULL, strcasestr(caps, "ept"));
	EXPECT_NE(NULL, strcasestr(caps, "unrestricted"));
}

/* The attributes are read-only, even for root. */
TEST(sysfs_is_read_only)
{
	EXPECT_EQ(-EACCES, khv_write_file(KHV_SYSFS_DIR "/vmx_cpus", "0"));
}

TEST_HARNESS_MAIN
