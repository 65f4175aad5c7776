/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ioctls of each concern, as the three dispatchers (main.c for the system
 * fd, vm.c for the VM fd, vcpu.c for the vCPU fd) route them. Each returns
 * what the ioctl returns to userspace; a *_check_extension() answers the
 * capabilities of its concern and 0 for all others.
 */
#ifndef _KHV_IOCTL_H
#define _KHV_IOCTL_H

#include <linux/compiler_types.h>
#include <linux/types.h>

struct khv_vm;
struct khv_vcpu;

/* CPUID (cpuid.c): KVM_GET_SUPPORTED_CPUID, KVM_GET/SET_CPUID2. */
long khv_cpuid_dev_ioctl(unsigned int ioctl, void __user *argp);
long khv_cpuid_vcpu_ioctl(struct khv_vcpu *vcpu, unsigned int ioctl,
			  void __user *argp);
long khv_cpuid_check_extension(long cap);

/* MSRs (msr.c): the index lists, feature MSRs, KVM_GET/SET_MSRS. */
long khv_msr_dev_ioctl(unsigned int ioctl, void __user *argp);
long khv_msr_vcpu_ioctl(struct khv_vcpu *vcpu, unsigned int ioctl,
			void __user *argp);
long khv_msr_check_extension(long cap);
/* VM fd: KVM_X86_SET_MSR_FILTER, KVM_CAP_X86_USER_SPACE_MSR's ENABLE_CAP. */
long khv_msr_vm_ioctl(struct khv_vm *vm, unsigned int ioctl, void __user *argp);
int khv_msr_enable_user_space(struct khv_vm *vm, u64 reasons);
void khv_msr_vm_destroy(struct khv_vm *vm);

/* FPU, XSAVE, XCRs and debug registers (fpu.c). */
long khv_fpu_vcpu_ioctl(struct khv_vcpu *vcpu, unsigned int ioctl,
			void __user *argp);
long khv_fpu_check_extension(long cap);

/* Events from userspace (events.c): KVM_INTERRUPT, KVM_NMI, VCPU_EVENTS... */
long khv_events_vcpu_ioctl(struct khv_vcpu *vcpu, unsigned int ioctl,
			   void __user *argp);
long khv_events_check_extension(long cap);

/* Binary statistics (stats.c): KVM_GET_STATS_FD on the VM and vCPU fds. */
long khv_stats_vm_fd(struct khv_vm *vm);
long khv_stats_vcpu_fd(struct khv_vcpu *vcpu);
long khv_stats_check_extension(long cap);

/* The in-kernel i8254 (pit_dev.c): KVM_CREATE_PIT2, KVM_GET/SET_PIT2... */
long khv_pit_vm_ioctl(struct khv_vm *vm, unsigned int ioctl,
		      void __user *argp);
long khv_pit_check_extension(long cap);

/* VM-level capabilities (vm.c): TSS and identity-map addresses, slot flags. */
long khv_vm_check_extension(long cap);

#endif /* _KHV_IOCTL_H */
