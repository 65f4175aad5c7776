/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest-linear address translation and copies through it (guest_walk.c).
 */
#ifndef _KHV_GUEST_WALK_H
#define _KHV_GUEST_WALK_H

#include <linux/types.h>

struct khv_vcpu;

/* Returned when the guest would take a #PF; < 0 is a host-side error. */
#define KHV_WALK_FAULT		1

struct khv_guest_fault {
	u64 gla;			/* for CR2 */
	u32 pfec;			/* page-fault error code */
};

/*
 * Translates @gla for a data access at the guest's current CPL. Returns 0
 * with *@gpa, KHV_WALK_FAULT with *@pfec, or -ENOENT/-EFAULT when a paging
 * structure is outside guest memory.
 */
int khv_guest_translate(struct khv_vcpu *vcpu, u64 gla, bool write,
			u64 *gpa, u32 *pfec);

/* Copies @len bytes at guest-linear @gla, page by page; same returns. */
int khv_guest_copy(struct khv_vcpu *vcpu, u64 gla, void *buf,
		   unsigned int len, bool write, struct khv_guest_fault *fault);

void khv_inject_page_fault(struct khv_vcpu *vcpu,
			   const struct khv_guest_fault *fault);

#endif /* _KHV_GUEST_WALK_H */
