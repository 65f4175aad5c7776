/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dirty-page logging of a VM's memory slots through its EPT (vm_dirty.c):
 * what vm.c calls from slot changes, the EPT fault path, guest writes made
 * by khv and the VM fd's ioctls.
 */
#ifndef _KHV_VM_DIRTY_H
#define _KHV_VM_DIRTY_H

#include <linux/compiler_types.h>
#include <linux/types.h>

#include "memslot.h"

struct khv_vm;

int khv_dirty_log_slot_prepare(struct khv_vm *vm,
			       struct khv_memslot_change *chg);
void khv_dirty_log_slot_commit(struct khv_vm *vm,
			       const struct khv_memslot_change *chg);
void khv_dirty_log_mark_locked(struct khv_vm *vm,
			       const struct khv_memslot *slot, u64 gpa);
void khv_dirty_log_mark_range(struct khv_vm *vm, u64 gpa, u64 len);
long khv_dirty_log_vm_ioctl(struct khv_vm *vm, unsigned int cmd,
			    void __user *argp);
int khv_dirty_log_enable_cap(struct khv_vm *vm, u64 arg);

#endif /* _KHV_VM_DIRTY_H */
