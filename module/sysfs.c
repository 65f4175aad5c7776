// SPDX-License-Identifier: GPL-2.0
/*
 * Read-only view of khv's VMX state under /sys/kernel/khv (KHV_SYSFS_DIR):
 *
 *   vmx_cpus		CPUs in VMX operation, as a cpulist ("0-1")
 *   cpu/cpuN/vmx	1 if CPU N is in VMX operation, else 0
 *   capabilities	the VMX capabilities all CPUs share, one "name: value"
 *			line each
 */
#include <linux/cpumask.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include <asm/vmx.h>

#include "khv.h"
#include "vmx.h"

static struct kobject *khv_kobj;
static struct kobject *khv_cpu_dir;
static struct kobject **khv_cpu_kobjs;	/* nr_cpu_ids entries */

static ssize_t vmx_cpus_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return cpumap_print_to_pagebuf(true, buf, khv_vmx_cpus());
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static ssize_t capabilities_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	const struct khv_vmx_caps *c = &khv_vmx_caps;
	u64 ept = c->ept_vpid_cap;
	int n = 0;

	n += sysfs_emit_at(buf, n, "revision_id: 0x%x\n", c->revision_id);
	n += sysfs_emit_at(buf, n, "vmcs_size: %u\n", c->vmcs_size);
	/* decode() refused to load without 4-level walks and WB: always there. */
	n += sysfs_emit_at(buf, n, "ept: 4-level wb%s%s%s\n",
			   ept & VMX_EPT_2MB_PAGE_BIT ? " 2m" : "",
			   ept & VMX_EPT_1GB_PAGE_BIT ? " 1g" : "",
			   ept & VMX_EPT_AD_BIT ? " ad" : "");
	n += sysfs_emit_at(buf, n, "invept:%s%s\n",
			   khv_vmx_has_invept_single(c) ? " single-context" : "",
			   khv_vmx_has_invept_all(c) ? " all-context" : "");
	n += sysfs_emit_at(buf, n, "unrestricted_guest: yes\n");
	n += sysfs_emit_at(buf, n, "vpid: %s\n", yes_no(c->has_vpid));
	if (c->has_vpid)
		n += sysfs_emit_at(buf, n, "invvpid: single-context%s\n",
				   khv_vmx_has_invvpid_all(c) ? " all-context" : "");
	if (c->has_preemption_timer)
		n += sysfs_emit_at(buf, n, "preemption_timer: 1/2^%u TSC\n",
				   c->preemption_timer_shift);
	else
		n += sysfs_emit_at(buf, n, "preemption_timer: no\n");
	n += sysfs_emit_at(buf, n, "tpr_shadow: %s\n", yes_no(c->has_tpr_shadow));
	/* Control pairs: bits that must be 1, then bits that may be 1. */
	n += sysfs_emit_at(buf, n, "pin_based: 0x%08x 0x%08x\n",
			   c->pin.must_be_1, c->pin.may_be_1);
	n += sysfs_emit_at(buf, n, "proc_based: 0x%08x 0x%08x\n",
			   c->proc.must_be_1, c->proc.may_be_1);
	n += sysfs_emit_at(buf, n, "proc_based2: 0x%08x 0x%08x\n",
			   c->proc2.must_be_1, c->proc2.may_be_1);
	n += sysfs_emit_at(buf, n, "exit: 0x%08x 0x%08x\n",
			   c->exit.must_be_1, c->exit.may_be_1);
	n += sysfs_emit_at(buf, n, "entry: 0x%08x 0x%08x\n",
			   c->entry.must_be_1, c->entry.may_be_1);
	n += sysfs_emit_at(buf, n, "ept_vpid_cap: 0x%016llx\n", ept);
	n += sysfs_emit_at(buf, n, "misc: 0x%016llx\n", c->misc);
	n += sysfs_emit_at(buf, n, "cr0_fixed: 0x%llx 0x%llx\n",
			   c->cr0_fixed0, c->cr0_fixed1);
	n += sysfs_emit_at(buf, n, "cr4_fixed: 0x%llx 0x%llx\n",
			   c->cr4_fixed0, c->cr4_fixed1);
	return n;
}

static struct kobj_attribute vmx_cpus_attr = __ATTR_RO(vmx_cpus);
static struct kobj_attribute capabilities_attr = __ATTR_RO(capabilities);

static struct attribute *khv_attrs[] = {
	&vmx_cpus_attr.attr,
	&capabilities_attr.attr,
	NULL,
};

static const struct attribute_group khv_attr_group = {
	.attrs = khv_attrs,
};

/* cpu/cpuN/vmx: the CPU number is the index in khv_cpu_kobjs. */
static ssize_t vmx_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	unsigned int cpu;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (khv_cpu_kobjs[cpu] == kobj)
			return sysfs_emit(buf, "%d\n",
					  cpumask_test_cpu(cpu, khv_vmx_cpus()));
	return -ENODEV;
}

static struct kobj_attribute vmx_attr = __ATTR_RO(vmx);

static void khv_sysfs_remove_cpus(void)
{
	unsigned int cpu;

	if (khv_cpu_kobjs) {
		for (cpu = 0; cpu < nr_cpu_ids; cpu++)
			kobject_put(khv_cpu_kobjs[cpu]);
		kfree(khv_cpu_kobjs);
		khv_cpu_kobjs = NULL;
	}
	kobject_put(khv_cpu_dir);
	khv_cpu_dir = NULL;
}

/* One directory per possible CPU, so CPUs hotplugged later have theirs. */
static int khv_sysfs_add_cpus(void)
{
	unsigned int cpu;
	char name[16];
	int r;

	khv_cpu_dir = kobject_create_and_add("cpu", khv_kobj);
	khv_cpu_kobjs = kcalloc(nr_cpu_ids, sizeof(*khv_cpu_kobjs), GFP_KERNEL);
	if (!khv_cpu_dir || !khv_cpu_kobjs)
		return -ENOMEM;

	for_each_possible_cpu(cpu) {
		struct kobject *kobj;

		snprintf(name, sizeof(name), "cpu%u", cpu);
		kobj = kobject_create_and_add(name, khv_cpu_dir);
		if (!kobj)
			return -ENOMEM;
		khv_cpu_kobjs[cpu] = kobj;
		r = sysfs_create_file(kobj, &vmx_attr.attr);
		if (r)
			return r;
	}
	return 0;
}

int khv_sysfs_init(void)
{
	int r;

	khv_kobj = kobject_create_and_add("khv", kernel_kobj);
	if (!khv_kobj)
		return -ENOMEM;
	r = sysfs_create_group(khv_kobj, &khv_attr_group);
	if (!r)
		r = khv_sysfs_add_cpus();
	if (r)
		khv_sysfs_exit();
	return r;
}

void khv_sysfs_exit(void)
{
	khv_sysfs_remove_cpus();
	kobject_put(khv_kobj);
	khv_kobj = NULL;
}
