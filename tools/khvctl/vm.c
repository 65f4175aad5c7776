// SPDX-License-Identifier: GPL-2.0
/*
 * The VM: the system fd, the VM fd, one memory slot at guest physical 0 and
 * the CPUID the device supports. Optional steps are taken only when
 * KVM_CHECK_EXTENSION says the device has them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "khvctl.h"

static int check_cap(struct vm *vm, int cap)
{
	int r = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, cap);

	return r < 0 ? 0 : r;
}

/* KVM_GET_SUPPORTED_CPUID fails with E2BIG until the array is big enough. */
static int vm_get_cpuid(struct vm *vm)
{
	struct kvm_cpuid2 *c;
	int nent;

	for (nent = 64; nent <= 4096; nent *= 2) {
		c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));
		if (!c)
			return -1;
		c->nent = nent;
		if (ioctl(vm->sys_fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
			vm->cpuid = c;
			return 0;
		}
		free(c);
		if (errno != E2BIG)
			break;
	}
	khv_err("%s: KVM_GET_SUPPORTED_CPUID: %s", khvctl_dev, strerror(errno));
	return -1;
}

static int vm_add_memory(struct vm *vm, uint64_t size)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = size,
	};
	void *mem;

	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED) {
		khv_err("mmap of %llu MiB of guest memory: %s",
			(unsigned long long)(size >> 20), strerror(errno));
		return -1;
	}
	vm->mem = mem;
	vm->mem_size = size;
	region.userspace_addr = (uintptr_t)mem;
	return SYS_IOCTL(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0 ? -1 : 0;
}

int vm_create(struct vm *vm, uint64_t mem_size, int nr_vcpus)
{
	int version;

	memset(vm, 0, sizeof(*vm));
	vm->fd = -1;
	vm->sys_fd = open_dev();
	if (vm->sys_fd < 0)
		return -1;
	version = SYS_IOCTL(vm->sys_fd, KVM_GET_API_VERSION, 0);
	if (version < 0)
		return -1;
	if (version != KVM_API_VERSION) {
		khv_err("%s: KVM_GET_API_VERSION: %d, expected %d", khvctl_dev,
			version, KVM_API_VERSION);
		return -1;
	}
	vm->run_size = SYS_IOCTL(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size < 0)
		return -1;
	if ((size_t)vm->run_size < sizeof(struct kvm_run)) {
		khv_err("%s: KVM_GET_VCPU_MMAP_SIZE: %d is smaller than struct kvm_run",
			khvctl_dev, vm->run_size);
		return -1;
	}
	vm->immediate_exit = check_cap(vm, KVM_CAP_IMMEDIATE_EXIT);
	if (check_cap(vm, KVM_CAP_EXT_CPUID) && vm_get_cpuid(vm) < 0)
		return -1;

	vm->fd = SYS_IOCTL(vm->sys_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		return -1;
	/*
	 * VMX needs a TSS and an identity map to run real mode when the CPU
	 * lacks unrestricted guest; KVM wants the address from userspace,
	 * outside guest memory (Documentation/virt/kvm/api.rst).
	 */
	if (check_cap(vm, KVM_CAP_SET_TSS_ADDR) &&
	    SYS_IOCTL(vm->fd, KVM_SET_TSS_ADDR, VM_TSS_ADDR) < 0)
		return -1;
	if (vm_add_memory(vm, mem_size) < 0)
		return -1;

	vm->vcpus = calloc(nr_vcpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return -1;
	vm->nr_vcpus = nr_vcpus;
	return 0;
}

void vm_destroy(struct vm *vm)
{
	int i;

	for (i = 0; vm->vcpus && i < vm->nr_vcpus; i++)
		vcpu_destroy(&vm->vcpus[i]);
	free(vm->vcpus);
	if (vm->mem)
		munmap(vm->mem, vm->mem_size);
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	free(vm->cpuid);
}

/* Host pointer to [gpa, gpa + len) of guest memory, or NULL if outside. */
void *vm_gpa(struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (gpa > vm->mem_size || len > vm->mem_size - gpa)
		return NULL;
	return vm->mem + gpa;
}
