// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU VMX operation.
 *
 * Every online CPU enters VMX root operation when khv loads and leaves it when
 * khv unloads. CPU hotplug follows through a dynamic cpuhp state whose
 * startup callback runs on the CPU coming up (and, at load, on every online
 * CPU, under the hotplug lock, so load and hotplug cannot race). A CPU in VMX
 * operation blocks INIT, so every way down (reboot, kexec, panic) must leave
 * it first: see khv_vmx_reboot() and khv_vmx_emergency_off().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/suspend.h>

#include <asm/asm.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/perf_event.h>
#include <asm/processor.h>
#include <asm/reboot.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>

#include "vmx.h"

struct khv_vmx_cpu {
	struct page *vmxon_page;	/* kept while khv is loaded */
	bool vmxe;			/* khv set CR4.VMXE on this CPU */
};

static DEFINE_PER_CPU(struct khv_vmx_cpu, khv_vmx_cpu);

/* CPUs in VMX operation: set after VMXON, cleared before VMXOFF. */
static struct cpumask khv_vmx_on;

struct khv_vmx_caps khv_vmx_caps;
/* The CPU khv_vmx_caps was read on; the others must match it. */
static int khv_vmx_caps_cpu = -1;

static int khv_vmx_hp_state;
static bool khv_vmx_going_down;
static void (*khv_vmx_leave_hook)(unsigned int cpu);

/* The VMX instructions: true on success, false on VMfail or a fault. */

static bool khv_vmxon(u64 pa)
{
	asm goto("1: vmxon %[pa]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, (%l[fail]))
		 : : [pa] "m" (pa) : "cc", "memory" : fail);
	return true;
fail:
	return false;
}

/*
 * True when the CPU is out of VMX operation afterwards: VMXOFF succeeded, or
 * it faulted (#UD) because the CPU was not in VMX operation, as when an
 * emergency interrupts khv_vmx_enter() between CR4.VMXE and VMXON. VMXOFF
 * fails only under the dual-monitor treatment of SMIs and SMM (SDM, "SMM"
 * chapter), which khv never activates; the CPU then stays in VMX operation.
 */
static bool khv_vmxoff(void)
{
	asm goto("1: vmxoff\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, (%l[not_in_vmx]))
		 : : : "cc", "memory" : fail, not_in_vmx);
	return true;
not_in_vmx:
	return true;
fail:
	return false;
}

static int khv_rdmsr(u32 index, u64 *value)
{
	return rdmsrl_safe(index, value);
}

/*
 * Firmware normally locks IA32_FEATURE_CONTROL, and Linux locks it at boot
 * when firmware did not (with VMX enabled only if built with KVM_INTEL).
 * Should it still be open, enable VMX outside SMX and lock it, as firmware
 * would (SDM 24.7): VMXON faults until the lock bit is set.
 */
static int khv_vmx_lock_feature_control(void)
{
	u64 fc;

	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &fc))
		return -EIO;
	if (fc & FEAT_CTL_LOCKED)
		return 0;
	fc |= FEAT_CTL_LOCKED | FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX;
	return wrmsrl_safe(MSR_IA32_FEAT_CTL, fc) ? -EIO : 0;
}

static const char *khv_vmx_hint(int err)
{
	switch (err) {
	case -EPERM:
		return ": enable Intel VT-x in the firmware setup";
	case -EOPNOTSUPP:
		return ": khv needs VT-x with EPT and unrestricted guest";
	default:
		return ": broken or badly emulated VMX";
	}
}

/* Checks and decodes this CPU's VMX capabilities, printing why on failure. */
static int khv_vmx_probe_cpu(unsigned int cpu, struct khv_vmx_caps *caps)
{
	struct khv_vmx_msrs msrs;
	const char *why;
	int r;

	if (!(cpuid_ecx(1) & BIT(X86_FEATURE_VMX & 31))) {
		pr_err("cpu %u: no VMX in CPUID: not an Intel VT-x CPU, or hidden by a hypervisor (%pe)\n",
		       cpu, ERR_PTR(-ENODEV));
		return -ENODEV;
	}
	if (khv_vmx_lock_feature_control() ||
	    khv_vmx_read_msrs(&msrs, khv_rdmsr)) {
		pr_err("cpu %u: cannot access the VMX capability MSRs (%pe)\n",
		       cpu, ERR_PTR(-EIO));
		return -EIO;
	}
	r = khv_vmx_caps_decode(&msrs, caps, &why);
	if (r)
		pr_err("cpu %u: %s%s (%pe)\n", cpu, why, khv_vmx_hint(r),
		       ERR_PTR(r));
	return r;
}

/* Leaves VMX operation on this CPU if khv entered it; interrupts are off. */
static bool khv_vmx_leave(void)
{
	if (!__this_cpu_read(khv_vmx_cpu.vmxe))
		return false;
	cpumask_clear_cpu(smp_processor_id(), &khv_vmx_on);
	/* Clearing CR4.VMXE in VMX operation would #GP (SDM 24.8). */
	if (!khv_vmxoff())
		return false;
	cr4_clear_bits_irqsoff(X86_CR4_VMXE);
	__this_cpu_write(khv_vmx_cpu.vmxe, false);
	return true;
}

/* The orderly way out, for hotplug and unload. */
static void khv_vmx_leave_orderly(unsigned int cpu)
{
	void (*hook)(unsigned int cpu) = READ_ONCE(khv_vmx_leave_hook);
	unsigned long flags;
	bool left;

	local_irq_save(flags);
	if (hook && cpumask_test_cpu(cpu, &khv_vmx_on))
		hook(cpu);
	left = khv_vmx_leave();
	local_irq_restore(flags);
	if (left)
		intel_pt_handle_vmx(0);
}

/*
 * Enters VMX operation on this CPU (SDM 24.7). Interrupts stay off
 * throughout, so the reboot IPI sees either nothing done or all of it.
 */
static int khv_vmx_enter(unsigned int cpu)
{
	struct khv_vmx_cpu *vc = this_cpu_ptr(&khv_vmx_cpu);
	const struct khv_vmx_caps *caps = &khv_vmx_caps;
	unsigned long flags, cr4;
	int r = 0;

	local_irq_save(flags);
	cr4 = cr4_read_shadow();
	if (READ_ONCE(khv_vmx_going_down)) {
		r = 0;
	} else if (cr4 & X86_CR4_VMXE) {
		/* kvm_intel 6.12 enters VMX operation when it loads. */
		r = -EBUSY;
	} else if (!khv_vmx_cr_ok(read_cr0(), caps->cr0_fixed0, caps->cr0_fixed1) ||
		   !khv_vmx_cr_ok(cr4 | X86_CR4_VMXE, caps->cr4_fixed0,
				  caps->cr4_fixed1)) {
		/* VMXON requires the fixed bits (SDM 24.8, A.7, A.8). */
		r = -EIO;
	} else {
		/* PT may have to stop tracing: some CPUs cannot in VMX. */
		intel_pt_handle_vmx(1);
		vc->vmxe = true;
		cr4_set_bits_irqsoff(X86_CR4_VMXE);
		if (khv_vmxon(page_to_phys(vc->vmxon_page))) {
			cpumask_set_cpu(cpu, &khv_vmx_on);
		} else {
			cr4_clear_bits_irqsoff(X86_CR4_VMXE);
			vc->vmxe = false;
			intel_pt_handle_vmx(0);
			r = -EBUSY;
		}
	}
	local_irq_restore(flags);

	if (r == -EBUSY) {
		pr_err("cpu %u: VMX is in use by other software (%s): rmmod kvm_intel (%pe)\n",
		       cpu, cr4 & X86_CR4_VMXE ? "CR4.VMXE already set" : "VMXON failed",
		       ERR_PTR(r));
	} else if (r) {
		pr_err("cpu %u: CR0 0x%lx / CR4 0x%lx break the VMX fixed bits (%pe)\n",
		       cpu, read_cr0(), cr4, ERR_PTR(r));
	}
	return r;
}

/*
 * cpuhp startup, on @cpu itself. A CPU that lacks what khv needs, or differs
 * from the others, fails to come online while khv is loaded: vCPU threads
 * may run on any online CPU, and one without VMX would fault on the first
 * VMX instruction.
 */
static int khv_vmx_cpu_online(unsigned int cpu)
{
	struct khv_vmx_cpu *vc = this_cpu_ptr(&khv_vmx_cpu);
	struct khv_vmx_caps caps;
	int r;

	if (READ_ONCE(khv_vmx_going_down))
		return 0;

	r = khv_vmx_probe_cpu(cpu, &caps);
	if (r)
		return r;
	if (khv_vmx_caps_cpu < 0) {
		khv_vmx_caps = caps;
		khv_vmx_caps_cpu = cpu;
	} else if (!khv_vmx_caps_equal(&caps, &khv_vmx_caps)) {
		pr_err("cpu %u: VMX capabilities differ from cpu %d's: khv needs all CPUs alike (%pe)\n",
		       cpu, khv_vmx_caps_cpu, ERR_PTR(-EINVAL));
		return -EINVAL;
	}

	if (!vc->vmxon_page) {
		vc->vmxon_page = alloc_pages_node(cpu_to_node(cpu),
						  GFP_KERNEL | __GFP_ZERO, 0);
		if (!vc->vmxon_page)
			return -ENOMEM;
	}
	/* The VMXON region starts with the VMCS revision id (SDM 25.11.5). */
	*(u32 *)page_address(vc->vmxon_page) = khv_vmx_caps.revision_id;

	r = khv_vmx_enter(cpu);
	if (!r && cpumask_test_cpu(cpu, &khv_vmx_on))
		pr_debug("cpu %u: VMX on\n", cpu);
	return r;
}

/* cpuhp teardown, on @cpu itself: CPU going offline, or khv unloading. */
static int khv_vmx_cpu_offline(unsigned int cpu)
{
	khv_vmx_leave_orderly(cpu);
	pr_debug("cpu %u: VMX off\n", cpu);
	return 0;
}

/*
 * The kernel calls this on each CPU it stops for an emergency reboot, a
 * crash kexec or a panic (arch/x86/kernel/reboot.c, crash.c, smp.c), with
 * interrupts off, possibly in NMI context, and on the CPU that shuts down.
 * It also covers the other CPUs of an orderly reboot or kexec, which
 * stop_other_cpus() sends the same way.
 */
static void khv_vmx_emergency_off(void)
{
	khv_vmx_leave();
}

/*
 * An orderly reboot, halt, power-off or kexec leaves the CPU that runs it in
 * VMX operation (Linux 6.12 calls the emergency callback only for the CPUs
 * it stops there), so leave it everywhere here, before the machine goes.
 * CPUs coming online from now on stay out.
 */
static void khv_vmx_reboot_ipi(void *unused)
{
	khv_vmx_leave();
}

static int khv_vmx_reboot(struct notifier_block *nb, unsigned long code,
			  void *unused)
{
	WRITE_ONCE(khv_vmx_going_down, true);
	on_each_cpu(khv_vmx_reboot_ipi, NULL, 1);
	pr_info("VMX off on all CPUs for %s\n",
		code == SYS_RESTART ? "restart" :
		code == SYS_HALT ? "halt" : "power-off");
	return NOTIFY_OK;
}

static struct notifier_block khv_vmx_reboot_nb = {
	.notifier_call = khv_vmx_reboot,
};

/*
 * A CPU loses VMX operation in S3 and hibernation but the kernel restores
 * its CR4.VMXE on resume, so khv would believe it still in VMX operation.
 * Rather than re-enter VMX behind running vCPUs, refuse to sleep while khv
 * is loaded.
 */
static int khv_vmx_pm(struct notifier_block *nb, unsigned long action,
		      void *unused)
{
	if (action != PM_SUSPEND_PREPARE && action != PM_HIBERNATION_PREPARE)
		return NOTIFY_DONE;
	pr_err("cannot suspend or hibernate while khv is loaded: rmmod khv first\n");
	return notifier_from_errno(-EBUSY);
}

static struct notifier_block khv_vmx_pm_nb = {
	.notifier_call = khv_vmx_pm,
};

/*
 * The kernel keeps a single emergency callback, and KVM registers its own
 * (6.1: when kvm_intel loads; 6.12: while KVM has VMX on), so khv cannot
 * share the machine with KVM. kvm.ko exports kvm_x86_vendor_init() whenever
 * it is loaded; a built-in KVM is caught by the CR4.VMXE check instead.
 */
static bool khv_kvm_loaded(void)
{
	if (!IS_MODULE(CONFIG_KVM) || !__symbol_get("kvm_x86_vendor_init"))
		return false;
	__symbol_put("kvm_x86_vendor_init");
	return true;
}

static void khv_vmx_free_pages(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct khv_vmx_cpu *vc = per_cpu_ptr(&khv_vmx_cpu, cpu);

		if (vc->vmxon_page)
			__free_page(vc->vmxon_page);
		vc->vmxon_page = NULL;
	}
}

static void khv_vmx_print_summary(void)
{
	const struct khv_vmx_caps *c = &khv_vmx_caps;
	char timer[32] = "no preemption timer";

	if (c->has_preemption_timer)
		snprintf(timer, sizeof(timer), "preemption timer 1/2^%u TSC",
			 c->preemption_timer_shift);
	pr_info("VMX on %u CPUs (%*pbl), VMCS rev 0x%x size %u, EPT 4-level WB, unrestricted guest, %s, %s\n",
		cpumask_weight(&khv_vmx_on), cpumask_pr_args(&khv_vmx_on),
		c->revision_id, c->vmcs_size,
		c->has_vpid ? "VPID" : "no VPID", timer);
}

/*
 * The other way round: kvm_intel loading while khv holds VMX fails anyway
 * (its VMXON finds CR4.VMXE set), but only after the kernel has WARNed about
 * a second emergency callback. Refuse it cleanly before its init runs.
 */
static int khv_vmx_module_notify(struct notifier_block *nb,
				 unsigned long state, void *data)
{
	struct module *mod = data;

	if (state != MODULE_STATE_COMING || strcmp(mod->name, "kvm_intel"))
		return NOTIFY_DONE;
	pr_err("kvm_intel cannot load while khv owns VT-x: rmmod khv first\n");
	return notifier_from_errno(-EBUSY);
}

static struct notifier_block khv_vmx_module_nb = {
	.notifier_call = khv_vmx_module_notify,
};

/*
 * Another hypervisor holding VMX may also hold the emergency callback, whose
 * second registration the kernel WARNs about: look before taking it. Each
 * CPU is checked again when it enters VMX operation.
 */
static int khv_vmx_check_free(void)
{
	int cpu = get_cpu();
	bool vmxe = cr4_read_shadow() & X86_CR4_VMXE;

	put_cpu();
	if (khv_kvm_loaded()) {
		pr_err("KVM is loaded and owns VT-x: rmmod kvm_intel kvm (%pe)\n",
		       ERR_PTR(-EBUSY));
		return -EBUSY;
	}
	if (vmxe) {
		pr_err("cpu %d: VMX is in use by other software (CR4.VMXE already set): rmmod kvm_intel (%pe)\n",
		       cpu, ERR_PTR(-EBUSY));
		return -EBUSY;
	}
	return 0;
}

int khv_vmx_init(void)
{
	int r;

	r = khv_vmx_check_free();
	if (r)
		return r;

	cpu_emergency_register_virt_callback(khv_vmx_emergency_off);
	register_pm_notifier(&khv_vmx_pm_nb);
	register_reboot_notifier(&khv_vmx_reboot_nb);
	register_module_notifier(&khv_vmx_module_nb);

	r = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "khv/vmx:online",
			      khv_vmx_cpu_online, khv_vmx_cpu_offline);
	if (r < 0) {
		unregister_module_notifier(&khv_vmx_module_nb);
		unregister_reboot_notifier(&khv_vmx_reboot_nb);
		unregister_pm_notifier(&khv_vmx_pm_nb);
		cpu_emergency_unregister_virt_callback(khv_vmx_emergency_off);
		khv_vmx_free_pages();
		return r;
	}
	khv_vmx_hp_state = r;
	khv_vmx_print_summary();
	return 0;
}

void khv_vmx_exit(void)
{
	/* Runs the teardown, i.e. VMXOFF, on every online CPU. */
	cpuhp_remove_state(khv_vmx_hp_state);
	unregister_module_notifier(&khv_vmx_module_nb);
	unregister_reboot_notifier(&khv_vmx_reboot_nb);
	unregister_pm_notifier(&khv_vmx_pm_nb);
	cpu_emergency_unregister_virt_callback(khv_vmx_emergency_off);
	khv_vmx_free_pages();
}

const struct cpumask *khv_vmx_cpus(void)
{
	return &khv_vmx_on;
}

bool khv_vmx_active(void)
{
	lockdep_assert_irqs_disabled();
	return cpumask_test_cpu(smp_processor_id(), &khv_vmx_on);
}

void khv_vmx_set_leave_hook(void (*hook)(unsigned int cpu))
{
	WRITE_ONCE(khv_vmx_leave_hook, hook);
}
