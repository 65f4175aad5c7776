/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * khv's own ioctls: what /dev/khv offers beyond the x86 KVM ABI.
 *
 * Everything KVM already defines is used as it is from <linux/kvm.h>
 * (ioctl magic 0xAE); the ioctls here use khv's own magic, 0xB9, which is
 * unassigned in Documentation/userspace-api/ioctl/ioctl-number.rst.
 */
#ifndef _UAPI_KHV_H
#define _UAPI_KHV_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define KHVIO			0xB9

/* Where the module publishes its per-CPU VMX state (read-only sysfs). */
#define KHV_SYSFS_DIR		"/sys/kernel/khv"

#endif /* _UAPI_KHV_H */
