// SPDX-License-Identifier: GPL-2.0
/*
 * The VM side of the in-kernel irqchip (irq.h): KVM_CREATE_IRQCHIP, GSI
 * routing (KVM_SET_GSI_ROUTING, KVM_IRQ_LINE[_STATUS], KVM_SIGNAL_MSI),
 * KVM_GET/SET_IRQCHIP, KVM_SET_BOOT_CPU_ID, and the delivery of interrupt
 * messages to the local APICs. KVM_CAP_SPLIT_IRQCHIP makes the same object
 * with only its local APICs in use: the VMM keeps the IOAPIC, the 8259s
 * and the PIT, and delivers through MSI routes (docs/irqchip.md, "Split
 * irqchip").
 *
 * One spinlock per VM covers every model: a message from one APIC to
 * another, or an EOI that reaches the IOAPIC and re-raises a level
 * interrupt, runs start to end under it, with no lock order to get wrong.
 * What the models ask for that may not run under a spinlock with
 * interrupts off, waking or interrupting a vCPU, is collected in
 * chip->kick and done by khv_irqchip_unlock().
 */
#include <linux/kvm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
/* smp_send_reschedule() traces the IPI on 6.12. */
#include <trace/events/ipi.h>

#include "irq.h"
#include "vcpu.h"
#include "vm.h"

/* chip->vcpus[] holds every vCPU; chip->kick has a bit for each. */
static_assert(sizeof_field(struct khv_irqchip, vcpus) ==
	      KHV_MAX_VCPUS * sizeof(void *));
static_assert(sizeof_field(struct khv_irqchip, kick) * BITS_PER_BYTE >=
	      KHV_MAX_VCPUS);

/* What KVM accepts (KVM_MAX_IRQ_ROUTES, KVM_CAP_IRQ_ROUTING). */
#define KHV_MAX_IRQ_ROUTES	4096

struct khv_irq_route {
	u32 gsi;
	u32 type;			/* KVM_IRQ_ROUTING_IRQCHIP or _MSI */
	union {
		struct {
			u32 chip;	/* KVM_IRQCHIP_PIC_MASTER/SLAVE, _IOAPIC */
			u32 pin;
		} irqchip;
		struct {
			u32 addr_lo, data;
		} msi;
	};
};

struct khv_irq_routes {
	u32 nr;
	struct khv_irq_route e[];
};

unsigned long khv_irqchip_lock(struct khv_irqchip *chip)
{
	unsigned long flags;

	spin_lock_irqsave(&chip->lock, flags);
	return flags;
}

/*
 * Wake a vCPU sleeping in HLT or wait-for-SIPI, and make one in VMX
 * non-root operation exit: the reschedule IPI is an external interrupt
 * to it (SDM 25.2). A vCPU between its entry checks and the entry has
 * interrupts off and takes the IPI as an exit right after entering.
 */
void khv_irq_kick_vcpu(struct khv_vcpu_irq *virq)
{
	int cpu;

	wake_up_interruptible(&virq->wq);
	if (!READ_ONCE(virq->in_guest))
		return;
	cpu = READ_ONCE(virq->guest_cpu);
	/* The target on this CPU in guest mode can only be the caller. */
	if (cpu != raw_smp_processor_id())
		smp_send_reschedule(cpu);
}

void khv_irqchip_unlock(struct khv_irqchip *chip, unsigned long flags)
{
	unsigned long kick = chip->kick;
	unsigned int i;

	chip->kick = 0;
	spin_unlock_irqrestore(&chip->lock, flags);
	for_each_set_bit(i, &kick, BITS_PER_LONG)
		khv_irq_kick_vcpu(chip->vcpus[i]);
}

/*
 * An interrupt message to the APICs it names (SDM Vol. 3A 10.6.2):
 * every match takes it, except lowest priority, where the matching APIC
 * with the lowest arbitration priority does. Returns how many took it,
 * or -1 when no APIC matched (KVM_SIGNAL_MSI then fails, as in KVM).
 */
int khv_irqchip_deliver(struct khv_irqchip *chip, struct khv_lapic *src,
			const struct khv_apic_irq *irq)
{
	struct khv_lapic *best = NULL;
	bool matched = false;
	unsigned int i;
	int n = 0;

	lockdep_assert_held(&chip->lock);
	for (i = 0; i < chip->nr_vcpus; i++) {
		struct khv_lapic *apic = &chip->vcpus[i]->apic;

		if (!khv_lapic_match(apic, src, irq))
			continue;
		matched = true;
		if (irq->dm != KHV_DM_LOWEST) {
			n += khv_lapic_accept(apic, irq);
		} else if (khv_lapic_hw_enabled(apic) && khv_lapic_sw_enabled(apic) &&
			   (!best || khv_lapic_arb_priority(apic) <
				     khv_lapic_arb_priority(best))) {
			best = apic;
		}
	}
	if (best)
		n += khv_lapic_accept(best, irq);
	return matched ? n : -1;
}

static int khv_ioapic_deliver(struct khv_ioapic *ioapic,
			      const struct khv_apic_irq *irq)
{
	return khv_irqchip_deliver(ioapic->owner, NULL, irq);
}

static const struct khv_ioapic_ops khv_ioapic_ops = {
	.deliver = khv_ioapic_deliver,
};

/* The 8259's INT reaches the vCPUs whose LINT0 takes ExtINT. */
static void khv_pic_output(struct khv_pic *pic, bool level)
{
	struct khv_irqchip *chip = pic->owner;
	unsigned int i;

	if (!level)
		return;
	for (i = 0; i < chip->nr_vcpus; i++)
		if (khv_lapic_accepts_pic(&chip->vcpus[i]->apic))
			__set_bit(i, &chip->kick);
}

static const struct khv_pic_ops khv_pic_ops = {
	.output = khv_pic_output,
};

/*
 * KVM's default routes: GSI 0-15 to the 8259 input of that number and to
 * the IOAPIC pin of that number, GSI 16-23 to the IOAPIC only.
 */
static struct khv_irq_routes *khv_default_routes(void)
{
	struct khv_irq_routes *r;
	u32 gsi, n = 0;

	r = kzalloc(struct_size(r, e, 16 * 2 + KHV_IOAPIC_PINS - 16),
		    GFP_KERNEL_ACCOUNT);
	if (!r)
		return NULL;
	for (gsi = 0; gsi < KHV_IOAPIC_PINS; gsi++) {
		if (gsi < 16)
			r->e[n++] = (struct khv_irq_route){
				.gsi = gsi,
				.type = KVM_IRQ_ROUTING_IRQCHIP,
				.irqchip.chip = gsi < 8 ? KVM_IRQCHIP_PIC_MASTER :
							  KVM_IRQCHIP_PIC_SLAVE,
				.irqchip.pin = gsi & 7,
			};
		r->e[n++] = (struct khv_irq_route){
			.gsi = gsi,
			.type = KVM_IRQ_ROUTING_IRQCHIP,
			.irqchip.chip = KVM_IRQCHIP_IOAPIC,
			.irqchip.pin = gsi,
		};
	}
	r->nr = n;
	return r;
}

/*
 * One route as KVM_SET_GSI_ROUTING checks it: irqchip pins within the
 * chip, no flags except an MSI's device id, no other types; a GSI may go
 * to several irqchips, but to each at most once, and an MSI GSI nowhere else.
 */
static int khv_route_check(const struct khv_irqchip *chip,
			   const struct kvm_irq_routing_entry *ue,
			   const struct khv_irq_routes *r)
{
	u32 i;

	if (ue->gsi >= KHV_MAX_IRQ_ROUTES)
		return -EINVAL;
	switch (ue->type) {
	case KVM_IRQ_ROUTING_IRQCHIP:
		/* A split irqchip has no pins in the kernel (as KVM). */
		if (ue->flags || chip->split)
			return -EINVAL;
		if (ue->u.irqchip.irqchip == KVM_IRQCHIP_IOAPIC) {
			if (ue->u.irqchip.pin >= KHV_IOAPIC_PINS)
				return -EINVAL;
		} else if (ue->u.irqchip.irqchip > KVM_IRQCHIP_PIC_SLAVE ||
			   ue->u.irqchip.pin >= 8) {
			return -EINVAL;
		}
		break;
	case KVM_IRQ_ROUTING_MSI:
		if (ue->flags & ~KVM_MSI_VALID_DEVID)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	for (i = 0; i < r->nr; i++) {
		const struct khv_irq_route *e = &r->e[i];

		if (e->gsi != ue->gsi)
			continue;
		if (e->type != KVM_IRQ_ROUTING_IRQCHIP ||
		    ue->type != KVM_IRQ_ROUTING_IRQCHIP ||
		    e->irqchip.chip == ue->u.irqchip.irqchip)
			return -EINVAL;
	}
	return 0;
}

static int khv_set_gsi_routing(struct khv_irqchip *chip, void __user *argp)
{
	struct kvm_irq_routing_entry ue;
	struct kvm_irq_routing hdr;
	struct khv_irq_routes *r, *old;
	unsigned long flags;
	u32 i;
	int ret;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nr > KHV_MAX_IRQ_ROUTES || hdr.flags)
		return -EINVAL;
	r = kvzalloc(struct_size(r, e, hdr.nr), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	argp += sizeof(hdr);
	for (i = 0; i < hdr.nr; i++) {
		ret = -EFAULT;
		if (copy_from_user(&ue, argp + i * sizeof(ue), sizeof(ue)))
			goto fail;
		ret = khv_route_check(chip, &ue, r);
		if (ret)
			goto fail;
		r->e[r->nr].gsi = ue.gsi;
		r->e[r->nr].type = ue.type;
		if (ue.type == KVM_IRQ_ROUTING_IRQCHIP) {
			r->e[r->nr].irqchip.chip = ue.u.irqchip.irqchip;
			r->e[r->nr].irqchip.pin = ue.u.irqchip.pin;
		} else {
			r->e[r->nr].msi.addr_lo = ue.u.msi.address_lo;
			r->e[r->nr].msi.data = ue.u.msi.data;
		}
		r->nr++;
	}
	flags = khv_irqchip_lock(chip);
	old = chip->routes;
	chip->routes = r;
	khv_irqchip_unlock(chip, flags);
	kvfree(old);
	return 0;
fail:
	kvfree(r);
	return ret;
}

static int khv_msi_deliver(struct khv_irqchip *chip, u32 addr_lo, u32 data)
{
	struct khv_apic_irq irq;

	khv_msi_to_irq(addr_lo, data, &irq);
	return khv_irqchip_deliver(chip, NULL, &irq);
}

/*
 * Every route of @gsi. The result follows KVM_IRQ_LINE_STATUS: -1 when
 * nothing took it (masked, no route), else the sum of what each route
 * delivered, 0 meaning coalesced with a request still pending.
 */
static int khv_set_gsi(struct khv_irqchip *chip, u32 gsi, bool level)
{
	const struct khv_irq_routes *rt = chip->routes;
	int ret = -1, r;
	u32 i;

	for (i = 0; i < rt->nr; i++) {
		const struct khv_irq_route *e = &rt->e[i];

		if (e->gsi != gsi)
			continue;
		if (e->type == KVM_IRQ_ROUTING_MSI) {
			if (!level)
				continue;
			r = khv_msi_deliver(chip, e->msi.addr_lo, e->msi.data);
		} else if (e->irqchip.chip == KVM_IRQCHIP_IOAPIC) {
			r = khv_ioapic_set_irq(&chip->ioapic, e->irqchip.pin, level);
		} else {
			r = khv_pic_set_irq(&chip->pic, e->irqchip.pin +
					    (e->irqchip.chip == KVM_IRQCHIP_PIC_SLAVE ? 8 : 0),
					    level);
		}
		if (r >= 0)
			ret = (ret < 0 ? 0 : ret) + r;
	}
	return ret;
}

void khv_irq_set_gsi(struct khv_vm *vm, u32 gsi, bool level)
{
	struct khv_irqchip *chip = READ_ONCE(vm->irqchip);
	unsigned long flags;

	if (!chip)
		return;
	flags = khv_irqchip_lock(chip);
	khv_set_gsi(chip, gsi, level);
	khv_irqchip_unlock(chip, flags);
}

static int khv_irq_line(struct khv_irqchip *chip, unsigned int cmd,
			void __user *argp)
{
	struct kvm_irq_level il;
	unsigned long flags;
	int status;

	if (copy_from_user(&il, argp, sizeof(il)))
		return -EFAULT;
	flags = khv_irqchip_lock(chip);
	status = khv_set_gsi(chip, il.irq, il.level);
	khv_irqchip_unlock(chip, flags);
	if (cmd == KVM_IRQ_LINE_STATUS) {
		il.status = status;
		if (copy_to_user(argp, &il, sizeof(il)))
			return -EFAULT;
	}
	return 0;
}

static int khv_signal_msi(struct khv_irqchip *chip, void __user *argp)
{
	struct kvm_msi msi;
	unsigned long flags;
	int r;

	if (copy_from_user(&msi, argp, sizeof(msi)))
		return -EFAULT;
	if (msi.flags & ~KVM_MSI_VALID_DEVID)
		return -EINVAL;
	flags = khv_irqchip_lock(chip);
	r = khv_msi_deliver(chip, msi.address_lo, msi.data);
	khv_irqchip_unlock(chip, flags);
	return r < 0 ? -EPERM : r;	/* KVM returns its -1 as is */
}

static int khv_get_set_irqchip(struct khv_irqchip *chip, void __user *argp,
			       bool set)
{
	struct kvm_irqchip *ic;
	unsigned long flags;
	int r = 0;

	ic = memdup_user(argp, sizeof(*ic));
	if (IS_ERR(ic))
		return PTR_ERR(ic);
	if (chip->split) {
		r = -ENXIO;	/* KVM: the chips are the VMM's */
		goto out;
	}
	if (ic->chip_id > KVM_IRQCHIP_IOAPIC) {
		r = -EINVAL;
		goto out;
	}
	flags = khv_irqchip_lock(chip);
	if (ic->chip_id == KVM_IRQCHIP_IOAPIC) {
		if (set)
			khv_ioapic_set_state(&chip->ioapic, &ic->chip.ioapic);
		else
			khv_ioapic_get_state(&chip->ioapic, &ic->chip.ioapic);
	} else if (set) {
		khv_pic_set_state(&chip->pic, ic->chip_id, &ic->chip.pic);
	} else {
		khv_pic_get_state(&chip->pic, ic->chip_id, &ic->chip.pic);
	}
	khv_irqchip_unlock(chip, flags);
	if (!set && copy_to_user(argp, ic, sizeof(*ic)))
		r = -EFAULT;
out:
	kfree(ic);
	return r;
}

/*
 * KVM_CREATE_IRQCHIP, or with @split KVM_ENABLE_CAP(KVM_CAP_SPLIT_IRQCHIP):
 * the same object, with no routes and the IOAPIC and PICs unused. KVM's
 * errnos differ: EINVAL (create) or EEXIST (split) once a vCPU exists.
 */
static int khv_create_irqchip(struct khv_vm *vm, bool split, u32 nr_reserved)
{
	struct khv_irqchip *chip;
	int r = 0;

	chip = kzalloc(sizeof(*chip), GFP_KERNEL_ACCOUNT);
	if (!chip)
		return -ENOMEM;
	spin_lock_init(&chip->lock);
	khv_ioapic_init(&chip->ioapic, &khv_ioapic_ops, chip);
	khv_pic_init(&chip->pic, &khv_pic_ops, chip);
	chip->split = split;
	chip->nr_reserved = nr_reserved;
	if (split)
		chip->routes = kzalloc(sizeof(*chip->routes), GFP_KERNEL_ACCOUNT);
	else
		chip->routes = khv_default_routes();
	if (!chip->routes) {
		kfree(chip);
		return -ENOMEM;
	}

	mutex_lock(&vm->lock);
	if (vm->irqchip)
		r = -EEXIST;
	else if (vm->nr_vcpus)
		r = split ? -EEXIST : -EINVAL;	/* vCPUs find their APIC at creation */
	else
		WRITE_ONCE(vm->irqchip, chip);
	mutex_unlock(&vm->lock);
	if (r) {
		kvfree(chip->routes);
		kfree(chip);
	}
	return r;
}

int khv_irq_enable_split(struct khv_vm *vm, u64 nr_reserved)
{
	/* KVM: at most KVM_MAX_IRQ_ROUTES pins, checked before anything else. */
	if (nr_reserved > KHV_MAX_IRQ_ROUTES)
		return -EINVAL;
	return khv_create_irqchip(vm, true, nr_reserved);
}

bool khv_irq_pic_in_kernel(struct khv_vm *vm)
{
	struct khv_irqchip *chip = READ_ONCE(vm->irqchip);

	return chip && !chip->split;
}

/*
 * Split irqchip: is the EOI of @vector at @apic one the VMM's IOAPIC waits
 * for? As KVM (api.rst, KVM_EXIT_IOAPIC_EOI): a level-triggered MSI route
 * of a reserved GSI (one of the VMM's IOAPIC pins) with that vector and
 * this APIC among its destinations. KVM looks at the routes when they or
 * the APIC's ID change; khv looks at the EOI, with the same answer unless
 * the routes changed while the interrupt was in service.
 */
bool khv_irqchip_eoi_exits(struct khv_irqchip *chip, struct khv_lapic *apic,
			   u8 vector)
{
	const struct khv_irq_routes *rt = chip->routes;
	u32 i;

	lockdep_assert_held(&chip->lock);
	for (i = 0; i < rt->nr; i++) {
		const struct khv_irq_route *e = &rt->e[i];

		if (e->gsi < chip->nr_reserved && e->type == KVM_IRQ_ROUTING_MSI &&
		    khv_lapic_msi_eoi(apic, e->msi.addr_lo, e->msi.data, vector))
			return true;
	}
	return false;
}

void khv_irq_vm_destroy(struct khv_vm *vm)
{
	struct khv_irqchip *chip = vm->irqchip;

	if (!chip)
		return;
	kvfree(chip->routes);
	kfree(chip);
	vm->irqchip = NULL;
}

/* KVM_SET_BOOT_CPU_ID: which vCPU id starts as the BSP; before any vCPU. */
static int khv_set_boot_cpu(struct khv_vm *vm, unsigned long id)
{
	int r = 0;

	mutex_lock(&vm->lock);
	if (vm->nr_vcpus)
		r = -EBUSY;
	else if (id >= KHV_MAX_VCPU_ID)
		r = -EINVAL;
	else
		vm->bsp_vcpu_id = id;
	mutex_unlock(&vm->lock);
	return r;
}

long khv_irq_vm_ioctl(struct khv_vm *vm, unsigned int cmd, unsigned long arg)
{
	struct khv_irqchip *chip = READ_ONCE(vm->irqchip);
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case KVM_CREATE_IRQCHIP:
		return khv_create_irqchip(vm, false, 0);
	case KVM_SET_BOOT_CPU_ID:
		return khv_set_boot_cpu(vm, arg);
	case KVM_SIGNAL_MSI:
		/* KVM: EINVAL, not ENXIO, without an irqchip. */
		return chip ? khv_signal_msi(chip, argp) : -EINVAL;
	case KVM_SET_GSI_ROUTING:
		return chip ? khv_set_gsi_routing(chip, argp) : -EINVAL;
	}
	if (!chip)
		return -ENXIO;
	switch (cmd) {
	case KVM_IRQ_LINE:
	case KVM_IRQ_LINE_STATUS:
		return khv_irq_line(chip, cmd, argp);
	case KVM_GET_IRQCHIP:
		return khv_get_set_irqchip(chip, argp, false);
	case KVM_SET_IRQCHIP:
		return khv_get_set_irqchip(chip, argp, true);
	default:
		return -ENOTTY;
	}
}

/* Capabilities of the in-kernel irqchip (main.c asks). */
long khv_irq_check_extension(long cap)
{
	switch (cap) {
	case KVM_CAP_IRQCHIP:
	case KVM_CAP_IRQ_INJECT_STATUS:
	case KVM_CAP_SIGNAL_MSI:
	case KVM_CAP_SET_BOOT_CPU_ID:
	case KVM_CAP_MP_STATE:
	case KVM_CAP_TSC_DEADLINE_TIMER:
	case KVM_CAP_SPLIT_IRQCHIP:
		return 1;
	case KVM_CAP_IRQ_ROUTING:
		return KHV_MAX_IRQ_ROUTES;
	default:
		return 0;
	}
}
