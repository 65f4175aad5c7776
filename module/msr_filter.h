/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MSR filter of KVM_X86_SET_MSR_FILTER (msr_filter.c): up to 16 ranges
 * of MSRs, each with a bitmap that allows (1) or denies (0) the guest's
 * reads and/or writes, and a default for MSRs no range covers (api.rst
 * 4.97). Pure logic: msr.c looks the filter up at every guest RDMSR and
 * WRMSR and publishes a new one under RCU.
 */
#ifndef _KHV_MSR_FILTER_H
#define _KHV_MSR_FILTER_H

#include <linux/kvm.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

/* The accesses a range filters: KVM_MSR_FILTER_READ, _WRITE. */
#define KHV_MSR_FILTER_RANGE_FLAGS	(KVM_MSR_FILTER_READ | \
					 KVM_MSR_FILTER_WRITE)
/* The filter's own flags: only the default action. */
#define KHV_MSR_FILTER_FLAGS		KVM_MSR_FILTER_DEFAULT_DENY

struct khv_msr_range {
	u32 flags;			/* KVM_MSR_FILTER_READ/WRITE */
	u32 base;			/* first MSR of the bitmap */
	u32 nmsrs;			/* MSRs [base, base + nmsrs) */
	unsigned long *bitmap;		/* bit i: MSR base + i allowed */
};

struct khv_msr_filter {
	bool default_allow;
	unsigned int nr_ranges;		/* ranges with MSRs, in user order */
	struct khv_msr_range ranges[KVM_MSR_FILTER_MAX_RANGES];
};

/*
 * Bytes of the bitmap a range of @nmsrs MSRs reads from userspace: whole
 * longs, as KVM (a one-MSR bitmap is read as 8 bytes).
 */
size_t khv_msr_range_bitmap_bytes(u32 nmsrs);

/*
 * KVM's checks of the filter before any bitmap is read: EINVAL for an
 * unknown filter flag and for DEFAULT_DENY without any range. Sets @empty
 * when no range has MSRs (the filter then turns filtering off).
 */
int khv_msr_filter_check(const struct kvm_msr_filter *uf, bool *empty);

/*
 * A range's checks: 0 when it takes part (*@bytes: its bitmap's size), 1
 * when it has no MSRs and is ignored whatever else it holds, -EINVAL for
 * unknown or no access flags or a bitmap over KVM_MSR_FILTER_MAX_BITMAP_SIZE.
 */
int khv_msr_range_check(const struct kvm_msr_filter_range *ur, size_t *bytes);

/*
 * Whether @f lets the guest make the access @type (KVM_MSR_FILTER_READ or
 * _WRITE) to MSR @index: the first range that filters @type and covers
 * @index decides, else the default. A range covers [base, base + nmsrs)
 * computed in 32 bits, as KVM: one that wraps past 0xffffffff covers
 * nothing. The x2APIC MSRs (0x800-0x8ff) are always allowed (api.rst: KVM
 * ignores filters that cover them). A NULL filter allows everything.
 */
bool khv_msr_filter_allows(const struct khv_msr_filter *f, u32 index,
			   u32 type);

/*
 * A filter from userspace's description: the checks above in KVM's order
 * (for each range in turn: its checks, then its bitmap copied from
 * userspace, EFAULT if unreadable). Returns the new filter, NULL when the
 * description turns filtering off (no ranges, DEFAULT_ALLOW), or an
 * ERR_PTR.
 */
struct khv_msr_filter *khv_msr_filter_from_user(const struct kvm_msr_filter *uf);

/* Frees a filter and its bitmaps; NULL is fine. */
void khv_msr_filter_free(struct khv_msr_filter *f);

#endif /* _KHV_MSR_FILTER_H */
