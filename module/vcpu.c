// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU fd: creation and destruction, the mmap'd kvm_run and PIO pages,
 * and the ioctl dispatcher.
 *
 * The fd holds a reference on the VM; the vCPU itself lives until the VM is
 * torn down (khv_vcpu_destroy()), as in KVM. ioctls are serialised by a
 * mutex: a second KVM_RUN on the same vCPU waits for the first.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/idr.h>
#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/vmx.h>

#include "cpuid.h"
#include "ioctl.h"
#include "irq.h"
#include "vcpu.h"
#include "vm.h"
#include "vmcs.h"
#include "vmx.h"
#include "vmx_insn.h"

/* VPID 0 is the host's (SDM 28.1). */
static DEFINE_IDA(khv_vpid_ida);
#define KHV_VPID_MAX	0xffff

/* kvm_run, then the PIO data page; no coalesced-MMIO or dirty-ring pages. */
int khv_vcpu_mmap_size(void)
{
	return (KVM_PIO_PAGE_OFFSET + 1) * PAGE_SIZE;
}

static vm_fault_t khv_vcpu_fault(struct vm_fault *vmf)
{
	struct khv_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff == 0)
		page = virt_to_page(vcpu->run);
	else if (vmf->pgoff == KVM_PIO_PAGE_OFFSET)
		page = virt_to_page(vcpu->pio_data);
	else
		return VM_FAULT_SIGBUS;
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct khv_vcpu_vm_ops = {
	.fault = khv_vcpu_fault,
};

static int khv_vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	vma->vm_ops = &khv_vcpu_vm_ops;
	return 0;
}

static long khv_vcpu_regs_ioctl(struct khv_vcpu *vcpu, unsigned int ioctl,
				void __user *argp)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	bool set = ioctl == KVM_SET_REGS || ioctl == KVM_SET_SREGS;
	bool is_sregs = ioctl == KVM_GET_SREGS || ioctl == KVM_SET_SREGS;
	void *buf = is_sregs ? (void *)&sregs : (void *)&regs;
	size_t size = is_sregs ? sizeof(sregs) : sizeof(regs);
	int r;

	if (set && copy_from_user(buf, argp, size))
		return -EFAULT;
	r = khv_vcpu_load(vcpu);
	if (r)
		return r;
	switch (ioctl) {
	case KVM_GET_REGS:
		r = khv_get_regs(vcpu, &regs);
		break;
	case KVM_SET_REGS:
		r = khv_set_regs(vcpu, &regs);
		break;
	case KVM_GET_SREGS:
		r = khv_get_sregs(vcpu, &sregs);
		break;
	default:
		r = khv_set_sregs(vcpu, &sregs);
		break;
	}
	khv_vcpu_put(vcpu);
	if (!r && !set && copy_to_user(argp, buf, size))
		r = -EFAULT;
	return r;
}

static long khv_vcpu_ioctl(struct file *file, unsigned int ioctl,
			   unsigned long arg)
{
	struct khv_vcpu *vcpu = file->private_data;
	long r;

	/* Guest memory is the creator's address space: no one else runs it. */
	if (vcpu->vm->mm != current->mm)
		return -EIO;
	/* Without the mutex: statistics of a vCPU inside KVM_RUN. */
	if (ioctl == KHV_GET_SCHED_STATS || ioctl == KHV_GET_SCHED_TRACE)
		return khv_sched_vcpu_ioctl(vcpu, ioctl, (void __user *)arg);
	if (_IOC_TYPE(ioctl) != KVMIO)
		return -EINVAL;
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;

	switch (ioctl) {
	case KVM_RUN:
		r = arg ? -EINVAL : khv_vcpu_run(vcpu);
		break;
	case KVM_GET_REGS:
	case KVM_SET_REGS:
	case KVM_GET_SREGS:
	case KVM_SET_SREGS:
		r = khv_vcpu_regs_ioctl(vcpu, ioctl, (void __user *)arg);
		break;
	case KVM_GET_LAPIC:
	case KVM_SET_LAPIC:
	case KVM_GET_MP_STATE:
	case KVM_SET_MP_STATE:
	case KVM_SET_VAPIC_ADDR:
		r = khv_irq_vcpu_ioctl(vcpu, ioctl, (void __user *)arg);
		break;
	case KVM_GET_CPUID2:
	case KVM_SET_CPUID2:
		r = khv_cpuid_vcpu_ioctl(vcpu, ioctl, (void __user *)arg);
		break;
	case KVM_GET_MSRS:
	case KVM_SET_MSRS:
		r = khv_msr_vcpu_ioctl(vcpu, ioctl, (void __user *)arg);
		break;
	case KVM_GET_FPU:
	case KVM_SET_FPU:
	case KVM_GET_XSAVE:
	case KVM_GET_XSAVE2:
	case KVM_SET_XSAVE:
	case KVM_GET_XCRS:
	case KVM_SET_XCRS:
	case KVM_GET_DEBUGREGS:
	case KVM_SET_DEBUGREGS:
		r = khv_fpu_vcpu_ioctl(vcpu, ioctl, (void __user *)arg);
		break;
	case KVM_INTERRUPT:
	case KVM_NMI:
	case KVM_GET_VCPU_EVENTS:
	case KVM_SET_VCPU_EVENTS:
	case KVM_SET_SIGNAL_MASK:
		r = khv_events_vcpu_ioctl(vcpu, ioctl, (void __user *)arg);
		break;
	case KVM_GET_STATS_FD:
		r = khv_stats_vcpu_fd(vcpu);
		break;
	default:
		/* What KVM answers on a vCPU fd, not ENOTTY. */
		r = -EINVAL;
		break;
	}
	mutex_unlock(&vcpu->mutex);
	return r;
}

static int khv_vcpu_release(struct inode *inode, struct file *file)
{
	struct khv_vcpu *vcpu = file->private_data;

	khv_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations khv_vcpu_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= khv_vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= khv_vcpu_mmap,
	.release	= khv_vcpu_release,
	.llseek		= noop_llseek,
};

/* The vCPU behind @file, or NULL if it is not a khv vCPU fd. */
struct khv_vcpu *khv_vcpu_from_file(struct file *file)
{
	return file->f_op == &khv_vcpu_fops ? file->private_data : NULL;
}

static void khv_vcpu_free(struct khv_vcpu *vcpu)
{
	khv_irq_vcpu_destroy(vcpu);
	khv_cpuid_vcpu_free(vcpu);
	if (vcpu->vpid) {
		unsigned long flags;

		/* Also flushed wherever the VPID is next used (vcpu_load.c). */
		local_irq_save(flags);
		if (khv_vmx_active())
			khv_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, vcpu->vpid, 0);
		local_irq_restore(flags);
		ida_free(&khv_vpid_ida, vcpu->vpid);
	}
	khv_vmcs_free(vcpu);
	if (vcpu->fpu.fpstate)
		fpu_free_guest_fpstate(&vcpu->fpu);
	free_page((unsigned long)vcpu->pio_data);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
}

/* VMCLEAR once to initialise the region (SDM 24.11.3), then fill it in. */
static int khv_vcpu_init_vmcs(struct khv_vcpu *vcpu)
{
	unsigned long flags;
	bool ok;
	int r;

	local_irq_save(flags);
	ok = khv_vmx_active() && khv_vmclear(vcpu->vmcs_pa);
	local_irq_restore(flags);
	if (!ok)
		return -EIO;
	r = khv_vcpu_load(vcpu);
	if (r)
		return r;
	/* The per-CPU host fields must come from the CPU the VMCS is on. */
	preempt_disable();
	khv_vmcs_setup(vcpu);
	preempt_enable();
	khv_vcpu_put(vcpu);
	return 0;
}

static int khv_vcpu_alloc(struct khv_vm *vm, u32 id, struct khv_vcpu **out)
{
	struct khv_vcpu *vcpu;
	int r;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->id = id;
	mutex_init(&vcpu->mutex);
	vcpu->cpu = -1;
	vcpu->last_cpu = -1;
	INIT_LIST_HEAD(&vcpu->loaded_node);
	khv_sched_vcpu_init(vcpu);
	khv_msr_vcpu_create(vcpu);

	r = -ENOMEM;
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vcpu->pio_data = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run || !vcpu->pio_data)
		goto fail;
	if (!fpu_alloc_guest_fpstate(&vcpu->fpu))
		goto fail;
	vcpu->xcr0 = XFEATURE_MASK_FP;	/* after RESET; INIT keeps it */
	r = khv_vmcs_alloc(vcpu);
	if (r)
		goto fail;
	if (khv_vmcs_config.proc2 & SECONDARY_EXEC_ENABLE_VPID) {
		r = ida_alloc_range(&khv_vpid_ida, 1, KHV_VPID_MAX, GFP_KERNEL);
		if (r < 0)
			goto fail;
		vcpu->vpid = r;
	}
	r = khv_vcpu_init_vmcs(vcpu);
	if (!r)
		r = khv_irq_vcpu_create(vcpu);
	if (r)
		goto fail;
	*out = vcpu;
	return 0;

fail:
	khv_vcpu_vmclear(vcpu);
	khv_vcpu_free(vcpu);
	return r;
}

int khv_vcpu_create(struct khv_vm *vm, u32 id)
{
	struct khv_vcpu *vcpu;
	char name[32];
	int r, fd;

	lockdep_assert_held(&vm->lock);
	if (vm->nr_vcpus >= KHV_MAX_VCPUS)
		return -EINVAL;
	r = khv_vmcs_config_init();
	if (r)
		return r;
	/* Before the first preempt_notifier_register(), which checks it. */
	preempt_notifier_inc();
	r = khv_vcpu_alloc(vm, id, &vcpu);
	if (r) {
		preempt_notifier_dec();
		return r;
	}

	/* Ready before the fd exists: another thread may close it at once. */
	khv_vm_get(vm);
	vm->vcpus[vm->nr_vcpus++] = vcpu;
	snprintf(name, sizeof(name), "khv-vcpu:%u", id);
	fd = anon_inode_getfd(name, &khv_vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		vm->vcpus[--vm->nr_vcpus] = NULL;
		khv_vm_put(vm);
		khv_vcpu_destroy(vcpu);
	}
	return fd;
}

void khv_vcpu_destroy(struct khv_vcpu *vcpu)
{
	khv_sched_vcpu_destroy(vcpu);
	khv_vcpu_vmclear(vcpu);
	khv_vcpu_free(vcpu);
	preempt_notifier_dec();
}
