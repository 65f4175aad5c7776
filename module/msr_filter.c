// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_X86_SET_MSR_FILTER's filter: what userspace's description must look
 * like (api.rst 4.97, with the errnos real KVM gives), the filter built
 * from it, and the lookup of one guest access. No VM state here: msr.c owns
 * the VM's current filter and its replacement.
 */
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "msr_filter.h"

/* x2APIC MSRs: the filter never applies to them (api.rst 4.97). */
#define KHV_X2APIC_MSR_FIRST	0x800
#define KHV_X2APIC_MSR_LAST	0x8ff

size_t khv_msr_range_bitmap_bytes(u32 nmsrs)
{
	return BITS_TO_LONGS(nmsrs) * sizeof(long);
}

int khv_msr_filter_check(const struct kvm_msr_filter *uf, bool *empty)
{
	unsigned int i;

	if (uf->flags & ~KHV_MSR_FILTER_FLAGS)
		return -EINVAL;
	*empty = true;
	for (i = 0; i < KVM_MSR_FILTER_MAX_RANGES; i++)
		if (uf->ranges[i].nmsrs)
			*empty = false;
	/* Nothing to allow and everything denied: refused, as KVM. */
	if (*empty && (uf->flags & KVM_MSR_FILTER_DEFAULT_DENY))
		return -EINVAL;
	return 0;
}

int khv_msr_range_check(const struct kvm_msr_filter_range *ur, size_t *bytes)
{
	if (!ur->nmsrs)
		return 1;
	if (!ur->flags || (ur->flags & ~KHV_MSR_FILTER_RANGE_FLAGS))
		return -EINVAL;
	*bytes = khv_msr_range_bitmap_bytes(ur->nmsrs);
	if (*bytes > KVM_MSR_FILTER_MAX_BITMAP_SIZE)
		return -EINVAL;
	return 0;
}

bool khv_msr_filter_allows(const struct khv_msr_filter *f, u32 index,
			   u32 type)
{
	unsigned int i;

	if (!f)
		return true;
	if (index >= KHV_X2APIC_MSR_FIRST && index <= KHV_X2APIC_MSR_LAST)
		return true;
	for (i = 0; i < f->nr_ranges; i++) {
		const struct khv_msr_range *r = &f->ranges[i];
		u32 end = r->base + r->nmsrs;	/* wraps: covers nothing */

		if ((r->flags & type) && index >= r->base && index < end)
			return test_bit(index - r->base, r->bitmap);
	}
	return f->default_allow;
}

void khv_msr_filter_free(struct khv_msr_filter *f)
{
	unsigned int i;

	if (!f)
		return;
	for (i = 0; i < f->nr_ranges; i++)
		kfree(f->ranges[i].bitmap);
	kfree(f);
}

struct khv_msr_filter *khv_msr_filter_from_user(const struct kvm_msr_filter *uf)
{
	struct khv_msr_filter *f;
	unsigned int i;
	bool empty;
	size_t bytes;
	int r;

	r = khv_msr_filter_check(uf, &empty);
	if (r)
		return ERR_PTR(r);
	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return ERR_PTR(-ENOMEM);
	f->default_allow = !(uf->flags & KVM_MSR_FILTER_DEFAULT_DENY);
	for (i = 0; i < KVM_MSR_FILTER_MAX_RANGES; i++) {
		const struct kvm_msr_filter_range *ur = &uf->ranges[i];
		struct khv_msr_range *kr = &f->ranges[f->nr_ranges];
		void *bitmap;

		r = khv_msr_range_check(ur, &bytes);
		if (r > 0)
			continue;
		if (r)
			goto fail;
		bitmap = memdup_user((const void __user *)ur->bitmap, bytes);
		if (IS_ERR(bitmap)) {
			r = PTR_ERR(bitmap);
			goto fail;
		}
		kr->flags = ur->flags;
		kr->base = ur->base;
		kr->nmsrs = ur->nmsrs;
		kr->bitmap = bitmap;
		f->nr_ranges++;
	}
	/*
	 * An empty DEFAULT_ALLOW filter allows every access: no filter at
	 * all, which spares each RDMSR/WRMSR exit the lookup.
	 */
	if (empty) {
		khv_msr_filter_free(f);
		return NULL;
	}
	return f;
fail:
	khv_msr_filter_free(f);
	return ERR_PTR(r);
}
