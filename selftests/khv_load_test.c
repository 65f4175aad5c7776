// SPDX-License-Identifier: GPL-2.0
/*
 * Loading and unloading khv.ko: repeated reloads, refusal to unload while
 * /dev/khv is open, and refusal to load while kvm_intel holds VMX.
 * Expects khv.ko loaded on entry and leaves it loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "khv.h"
#include "khv_util.h"

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

/* busybox modprobe has no -n: look for the file itself. */
static bool kvm_intel_available(void)
{
	return !system("find /lib/modules -name kvm-intel.ko | grep -q .");
}

static void ensure_khv_loaded(void)
{
	if (!khv_module_loaded("khv"))
		khv_load_module(khv_module_path(), NULL);
}

static bool vmx_on_all_online_cpus(void)
{
	char online[256], vmx[256];

	if (khv_read_file("/sys/devices/system/cpu/online", online, sizeof(online)) ||
	    khv_read_file(KHV_SYSFS_DIR "/vmx_cpus", vmx, sizeof(vmx)))
		return false;
	return khv_parse_cpulist(online) == khv_parse_cpulist(vmx);
}

/*
 * Module loads take seconds on the debug kernel (KASAN, lockdep), far past
 * the harness's 30 s default for ten reloads: a fixture gives the tests
 * their own timeout.
 */
#define KHV_LOAD_TIMEOUT	900

FIXTURE(load) {};
FIXTURE_SETUP(load) {}
FIXTURE_TEARDOWN(load) {}

TEST_F_TIMEOUT(load, reload_ten_times, KHV_LOAD_TIMEOUT)
{
	int i;

	ensure_khv_loaded();
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, khv_unload_module("khv")) TH_LOG("unload %d", i);
		ASSERT_EQ(-1, access(KHV_DEV_PATH, F_OK)) TH_LOG("node left after unload %d", i);
		ASSERT_EQ(-1, access(KHV_SYSFS_DIR, F_OK));
		ASSERT_EQ(0, khv_load_module(khv_module_path(), NULL)) TH_LOG("load %d", i);
		ASSERT_EQ(12, api_version()) TH_LOG("after load %d", i);
		ASSERT_TRUE(vmx_on_all_online_cpus()) TH_LOG("after load %d", i);
	}
}

/* An open /dev/khv pins the module. */
TEST_F_TIMEOUT(load, unload_refused_while_open, KHV_LOAD_TIMEOUT)
{
	int fd;

	ensure_khv_loaded();
	fd = open(KHV_DEV_PATH, O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EWOULDBLOCK, khv_unload_module("khv"));
	EXPECT_TRUE(khv_module_loaded("khv"));
	EXPECT_EQ(12, ioctl(fd, KVM_GET_API_VERSION, 0));
	close(fd);
}

/* A second load of a loaded module is refused by the module loader. */
TEST_F_TIMEOUT(load, double_load_refused, KHV_LOAD_TIMEOUT)
{
	ensure_khv_loaded();
	EXPECT_EQ(-EEXIST, khv_load_module(khv_module_path(), NULL));
	EXPECT_EQ(12, api_version());
}

/*
 * kvm_intel (6.12) turns VMX on when it loads. khv must then refuse to load
 * with EBUSY and leave the system usable; once kvm_intel is gone khv loads.
 */
TEST_F_TIMEOUT(load, load_refused_while_kvm_intel_holds_vmx, KHV_LOAD_TIMEOUT)
{
	int r;

	ensure_khv_loaded();
	if (!kvm_intel_available())
		SKIP(return, "kvm_intel.ko not available");

	ASSERT_EQ(0, khv_unload_module("khv"));
	r = system("modprobe kvm_intel");
	if (r) {
		ensure_khv_loaded();
		ASSERT_EQ(0, r) TH_LOG("modprobe kvm_intel failed");
	}
	ASSERT_TRUE(khv_module_loaded("kvm_intel"));

	EXPECT_EQ(-EBUSY, khv_load_module(khv_module_path(), NULL));
	EXPECT_FALSE(khv_module_loaded("khv"));
	EXPECT_EQ(-1, access(KHV_DEV_PATH, F_OK));
	/* KVM still works: the refused load disturbed nothing. */
	EXPECT_EQ(0, access("/dev/kvm", F_OK));

	EXPECT_EQ(0, system("modprobe -r kvm_intel kvm"));
	EXPECT_FALSE(khv_module_loaded("kvm_intel"));
	ASSERT_EQ(0, khv_load_module(khv_module_path(), NULL));
	EXPECT_EQ(12, api_version());
	EXPECT_TRUE(vmx_on_all_online_cpus());
}

/*
 * The reverse order: with khv holding VMX, kvm_intel's load is refused
 * (khv's module notifier says EBUSY before KVM touches VMX) and khv keeps
 * working.
 */
TEST_F_TIMEOUT(load, kvm_intel_refused_while_khv_holds_vmx, KHV_LOAD_TIMEOUT)
{
	ensure_khv_loaded();
	if (!kvm_intel_available())
		SKIP(return, "kvm_intel.ko not available");

	EXPECT_NE(0, system("modprobe kvm_intel 2>/dev/null"));
	EXPECT_FALSE(khv_module_loaded("kvm_intel"));
	system("modprobe -r kvm 2>/dev/null");
	EXPECT_EQ(12, api_version());
	EXPECT_TRUE(vmx_on_all_online_cpus());
}

TEST_HARNESS_MAIN
