// SPDX-License-Identifier: GPL-2.0
/*
 * khv: module entry, the /dev/khv misc device and the system-fd ioctls.
 *
 * The device speaks the x86 KVM ABI (<linux/kvm.h>), so a program written for
 * /dev/kvm can open /dev/khv instead.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "fpu.h"
#include "ioctl.h"
#include "irq.h"
#include "khv.h"
#include "vcpu.h"
#include "vm.h"
#include "vmx.h"

static ushort mode = 0600;
module_param(mode, ushort, 0444);
MODULE_PARM_DESC(mode, "permission bits of /dev/khv (default 0600)");

static bool kvm_alias;
module_param(kvm_alias, bool, 0444);
MODULE_PARM_DESC(kvm_alias, "also register the device as /dev/kvm (10:232), for VMMs that open that fixed path");

/*
 * Capabilities are answered from what is implemented, never from what is
 * planned: QEMU and the KVM selftests switch on ioctls by these answers and
 * treat a failing one as fatal.
 */
long khv_check_extension(long cap)
{
	switch (cap) {
	case KVM_CAP_USER_MEMORY:
	case KVM_CAP_CHECK_EXTENSION_VM:
	case KVM_CAP_DESTROY_MEMORY_REGION_WORKS:
	case KVM_CAP_JOIN_MEMORY_REGIONS_WORKS:
	case KVM_CAP_IMMEDIATE_EXIT:
		return 1;
	case KVM_CAP_NR_MEMSLOTS:
		return KHV_MAX_MEMSLOTS;
	case KVM_CAP_NR_VCPUS:		/* the recommended maximum, as KVM */
		return min_t(long, num_online_cpus(), KHV_MAX_VCPUS);
	case KVM_CAP_MAX_VCPUS:
		return KHV_MAX_VCPUS;
	case KVM_CAP_MAX_VCPU_ID:
		return KHV_MAX_VCPU_ID;
	default:
		/* Each concern answers its own; 0 for what nobody implements. */
		return khv_irq_check_extension(cap) ?:
		       khv_vm_check_extension(cap) ?:
		       khv_cpuid_check_extension(cap) ?:
		       khv_msr_check_extension(cap) ?:
		       khv_fpu_check_extension(cap) ?:
		       khv_events_check_extension(cap) ?:
		       khv_stats_check_extension(cap) ?:
		       khv_pit_check_extension(cap);
	}
}

static long khv_dev_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case KVM_GET_API_VERSION:
		if (arg)
			return -EINVAL;
		return KHV_API_VERSION;
	case KVM_CHECK_EXTENSION:
		return khv_check_extension(arg);
	case KVM_CREATE_VM:
		return khv_vm_create(arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		if (arg)
			return -EINVAL;
		return khv_vcpu_mmap_size();
	case KVM_GET_SUPPORTED_CPUID:
		return khv_cpuid_dev_ioctl(cmd, argp);
	case KVM_GET_MSR_INDEX_LIST:
	case KVM_GET_MSR_FEATURE_INDEX_LIST:
	case KVM_GET_MSRS:
		return khv_msr_dev_ioctl(cmd, argp);
	default:
		/* Real KVM answers unknown system ioctls with EINVAL. */
		return -EINVAL;
	}
}

static const struct file_operations khv_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= khv_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice khv_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "khv",
	.fops	= &khv_dev_fops,
};

/*
 * kvm_alias=1: the same device also as /dev/kvm, on KVM's own minor, because
 * QEMU opens /dev/kvm by a fixed path (docs/qemu.md). khv never loads beside
 * kvm.ko (khv_vmx_init() refuses) and keeps kvm_intel from loading while it
 * is in, so the minor is normally free; if anything else holds it,
 * misc_register() fails with EBUSY and so does the load, with one line why.
 */
static struct miscdevice khv_kvm_dev = {
	.minor	= KVM_MINOR,
	.name	= "kvm",
	.fops	= &khv_dev_fops,
};

static int khv_register_kvm_alias(void)
{
	int r;

	if (!kvm_alias)
		return 0;
	khv_kvm_dev.mode = mode;
	r = misc_register(&khv_kvm_dev);
	if (r)
		pr_err("kvm_alias=1: cannot register /dev/kvm (misc minor %d)%s: %d\n",
		       KVM_MINOR, r == -EBUSY ? " held by another driver" : "",
		       r);
	return r;
}

static void khv_unregister_kvm_alias(void)
{
	if (kvm_alias)
		misc_deregister(&khv_kvm_dev);
}

static int __init khv_init(void)
{
	int r;

	khv_fpu_config();
	r = khv_vmx_init();
	if (r)
		return r;

	r = khv_sysfs_init();
	if (r)
		goto out_vmx;

	khv_dev.mode = mode;
	r = misc_register(&khv_dev);
	if (r) {
		pr_err("cannot register /dev/khv: %d\n", r);
		goto out_sysfs;
	}
	r = khv_register_kvm_alias();
	if (r)
		goto out_dev;
	return 0;

out_dev:
	misc_deregister(&khv_dev);
out_sysfs:
	khv_sysfs_exit();
out_vmx:
	khv_vmx_exit();
	return r;
}

static void __exit khv_exit(void)
{
	khv_unregister_kvm_alias();
	misc_deregister(&khv_dev);
	khv_sysfs_exit();
	khv_vmx_exit();
}

module_init(khv_init);
module_exit(khv_exit);

MODULE_DESCRIPTION("khv: a loadable-module hypervisor with the x86 KVM ABI");
MODULE_AUTHOR("The khv developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(KHV_VERSION);
