// SPDX-License-Identifier: GPL-2.0
/*
 * khv_test.ko: the KUnit suites of khv's hardware-independent code, one
 * *_test.c per concern. With KUnit built in, loading the module runs them;
 * they need no VMX, so the module loads on any x86 CPU.
 */
#include <linux/module.h>

MODULE_DESCRIPTION("KUnit tests of khv's hardware-independent code");
MODULE_AUTHOR("The khv developers");
MODULE_LICENSE("GPL");
