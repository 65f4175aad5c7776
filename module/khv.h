/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by khv's files. Each concern keeps its own header
 * (vmx.h, ...); this one holds what the misc device and the fd layers share.
 */
#ifndef _KHV_KHV_H
#define _KHV_KHV_H

#include <linux/types.h>

#define KHV_VERSION		"0.1"

/* Version of the KVM API that /dev/khv speaks (KVM_GET_API_VERSION). */
#define KHV_API_VERSION		12

int khv_sysfs_init(void);
void khv_sysfs_exit(void);

long khv_check_extension(long cap);

#endif /* _KHV_KHV_H */
