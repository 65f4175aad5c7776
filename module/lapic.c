// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC model (lapic.h). Section numbers are those of the Intel
 * SDM Vol. 3A chapter "Advanced Programmable Interrupt Controller (APIC)"
 * (10 in the editions docs/vcpu.md cites).
 *
 * Registers live in regs[] at their xAPIC byte offset / 4, the layout of
 * struct kvm_lapic_state, so KVM_GET/SET_LAPIC are copies. The x2APIC MSR
 * 0x800 + n is the register at offset n << 4 (10.12.1.2).
 */
#include <linux/bitops.h>
#include <linux/kvm.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <asm/apicdef.h>
#include <asm/msr-index.h>

#include "lapic.h"

/* Version 0x14 (integrated APIC), six LVT entries (max index 5), no directed EOI. */
#define KHV_APIC_VERSION	(0x14 | (5 << 16))

#define KHV_LVT_DM(lvt)		(((lvt) >> 8) & 7)
#define KHV_TIMER_MODE(lvtt)	(((lvtt) >> 17) & 3)
enum { KHV_TIMER_ONESHOT, KHV_TIMER_PERIODIC, KHV_TIMER_TSC };

static const u32 khv_lvts[] = {
	APIC_LVTT, APIC_LVTTHMR, APIC_LVTPC, APIC_LVT0, APIC_LVT1, APIC_LVTERR,
};

static u32 khv_reg(const struct khv_lapic *apic, u32 off)
{
	return apic->regs[off >> 2];
}

static void khv_set_reg(struct khv_lapic *apic, u32 off, u32 val)
{
	apic->regs[off >> 2] = val;
}

/* IRR, ISR and TMR: 256 bits as eight 32-bit registers 16 bytes apart. */
static u32 *khv_vec_word(struct khv_lapic *apic, u32 base, u8 vec)
{
	return &apic->regs[(base + (vec >> 5) * 0x10) >> 2];
}

static bool khv_vec_test(const struct khv_lapic *apic, u32 base, u8 vec)
{
	return khv_reg(apic, base + (vec >> 5) * 0x10) & BIT(vec & 31);
}

static void khv_vec_assign(struct khv_lapic *apic, u32 base, u8 vec, bool set)
{
	u32 *w = khv_vec_word(apic, base, vec);

	if (set)
		*w |= BIT(vec & 31);
	else
		*w &= ~BIT(vec & 31);
}

static int khv_vec_highest(const struct khv_lapic *apic, u32 base)
{
	int i;

	for (i = 7; i >= 0; i--) {
		u32 w = khv_reg(apic, base + i * 0x10);

		if (w)
			return i * 32 + fls(w) - 1;
	}
	return -1;
}

bool khv_lapic_hw_enabled(const struct khv_lapic *apic)
{
	return apic->base & MSR_IA32_APICBASE_ENABLE;
}

bool khv_lapic_sw_enabled(const struct khv_lapic *apic)
{
	return khv_reg(apic, APIC_SPIV) & APIC_SPIV_APIC_ENABLED;
}

bool khv_lapic_x2apic(const struct khv_lapic *apic)
{
	return apic->base & X2APIC_ENABLE;
}

u64 khv_lapic_mmio_base(const struct khv_lapic *apic)
{
	return apic->base & MSR_IA32_APICBASE_BASE;
}

/* x2APIC logical ID: cluster in 31:16, one bit of 16 in 15:0 (10.12.10.2). */
static u32 khv_x2apic_ldr(u32 id)
{
	return ((id >> 4) << 16) | BIT(id & 0xf);
}

void khv_lapic_init(struct khv_lapic *apic, u32 id,
		    const struct khv_lapic_ops *ops, void *owner)
{
	memset(apic, 0, sizeof(*apic));
	apic->id = id;
	apic->ops = ops;
	apic->owner = owner;
}

static void khv_timer_stop(struct khv_lapic *apic)
{
	if (apic->timer_expiry)
		apic->ops->timer(apic, 0);
	apic->timer_expiry = 0;
	apic->timer_period = 0;
}

/*
 * Power-up and INIT state (10.4.7.1): everything zero but the version, the
 * DFR (all ones), the SVR (0xff, software-disabled) and the masked LVTs.
 * The BSP's LINT0 is left in ExtINT mode, the virtual-wire setup firmware
 * hands over and KVM presents, so the 8259 reaches it without programming.
 */
void khv_lapic_reset(struct khv_lapic *apic, bool bsp, bool init)
{
	u32 id = init ? khv_reg(apic, APIC_ID) : apic->id << 24;
	unsigned int i;

	khv_timer_stop(apic);
	memset(apic->regs, 0, sizeof(apic->regs));
	khv_set_reg(apic, APIC_ID, id);
	khv_set_reg(apic, APIC_LVR, KHV_APIC_VERSION);
	khv_set_reg(apic, APIC_DFR, 0xffffffff);
	khv_set_reg(apic, APIC_SPIV, 0xff);
	for (i = 0; i < ARRAY_SIZE(khv_lvts); i++)
		khv_set_reg(apic, khv_lvts[i], APIC_LVT_MASKED);
	if (bsp)
		khv_set_reg(apic, APIC_LVT0, KHV_DM_EXTINT << 8);
	if (!init)
		apic->base = APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE |
			     (bsp ? MSR_IA32_APICBASE_BSP : 0);
	if (khv_lapic_x2apic(apic)) {
		khv_set_reg(apic, APIC_ID, apic->id);
		khv_set_reg(apic, APIC_LDR, khv_x2apic_ldr(apic->id));
	}
	apic->tsc_deadline = 0;
	apic->esr_pending = 0;
	apic->nmi_pending = false;
	apic->init_pending = false;
	apic->sipi_pending = false;
}

/*
 * IA32_APIC_BASE (10.4.4, 10.12.5.1): EXTD without EN is invalid; the
 * guest may not go from x2APIC back to xAPIC, nor from disabled straight
 * to x2APIC. Userspace (KVM_SET_SREGS, MSR writes from the host) may.
 */
int khv_lapic_set_base(struct khv_lapic *apic, u64 base, bool host)
{
	bool en = base & MSR_IA32_APICBASE_ENABLE, x2 = base & X2APIC_ENABLE;
	bool was_en = khv_lapic_hw_enabled(apic), was_x2 = khv_lapic_x2apic(apic);

	if (x2 && !en)
		return 1;
	if (!host && ((was_x2 && en && !x2) || (!was_en && x2)))
		return 1;
	apic->base = base;
	if (x2 && !was_x2) {
		khv_set_reg(apic, APIC_ID, apic->id);
		khv_set_reg(apic, APIC_LDR, khv_x2apic_ldr(apic->id));
	} else if (!x2 && was_x2) {
		khv_set_reg(apic, APIC_ID, apic->id << 24);
		khv_set_reg(apic, APIC_LDR, 0);
	}
	return 0;
}

/* PPR (10.8.3.1): the TPR, or the class of the highest in-service vector. */
u32 khv_lapic_ppr(const struct khv_lapic *apic)
{
	u32 tpr = khv_reg(apic, APIC_TASKPRI) & 0xff;
	int isrv = khv_vec_highest(apic, APIC_ISR);
	u32 isr_class = isrv < 0 ? 0 : isrv & 0xf0;

	return (tpr & 0xf0) >= isr_class ? tpr : isr_class;
}

u32 khv_lapic_arb_priority(const struct khv_lapic *apic)
{
	return khv_lapic_ppr(apic) & 0xf0;
}

/* A vector is taken only if its class is above the PPR's (10.8.3.1). */
int khv_lapic_pending(const struct khv_lapic *apic)
{
	int vec;

	if (!khv_lapic_hw_enabled(apic))
		return -1;
	vec = khv_vec_highest(apic, APIC_IRR);
	if (vec < 0 || (vec & 0xf0) <= (khv_lapic_ppr(apic) & 0xf0))
		return -1;
	return vec;
}

void khv_lapic_ack(struct khv_lapic *apic, u8 vector)
{
	khv_vec_assign(apic, APIC_IRR, vector, false);
	khv_vec_assign(apic, APIC_ISR, vector, true);
}

/* LINT0 unmasked in ExtINT mode, or the APIC hardware-disabled (10.4.3). */
bool khv_lapic_accepts_pic(const struct khv_lapic *apic)
{
	u32 lvt0 = khv_reg(apic, APIC_LVT0);

	if (!khv_lapic_hw_enabled(apic))
		return true;
	return !(lvt0 & APIC_LVT_MASKED) && KHV_LVT_DM(lvt0) == KHV_DM_EXTINT;
}

/*
 * EOI (10.8.5): retires the highest in-service vector. A level-triggered
 * one (TMR set) is broadcast to the IOAPIC, which clears its remote IRR.
 * With eoi_every (split irqchip) the owner hears of every one: KVM decides
 * by the VMM's routes there, not by the TMR.
 */
static void khv_apic_eoi(struct khv_lapic *apic)
{
	int vec = khv_vec_highest(apic, APIC_ISR);

	if (vec < 0)
		return;
	khv_vec_assign(apic, APIC_ISR, vec, false);
	if (apic->eoi_every || khv_vec_test(apic, APIC_TMR, vec))
		apic->ops->eoi(apic, vec);
}

int khv_lapic_accept(struct khv_lapic *apic, const struct khv_apic_irq *irq)
{
	if (!khv_lapic_hw_enabled(apic))
		return 0;
	switch (irq->dm) {
	case KHV_DM_FIXED:
	case KHV_DM_LOWEST:
		/* A software-disabled APIC takes no fixed vectors (10.4.7.2). */
		if (!khv_lapic_sw_enabled(apic))
			return 0;
		/* Vectors 0-15 are reserved: "received illegal vector". */
		if (irq->vector < 16) {
			apic->esr_pending |= APIC_ESR_RECVILL;
			return 0;
		}
		khv_vec_assign(apic, APIC_IRR, irq->vector, true);
		khv_vec_assign(apic, APIC_TMR, irq->vector, irq->level);
		break;
	case KHV_DM_NMI:
		apic->nmi_pending = true;
		break;
	case KHV_DM_INIT:
		/* INIT level de-assert only synchronises arbitration IDs. */
		if (irq->level && !irq->assert)
			return 0;
		/* A SIPI sent before this INIT is void; one sent after counts. */
		apic->init_pending = true;
		apic->sipi_pending = false;
		break;
	case KHV_DM_SIPI:
		/* Only a processor waiting for SIPI takes one (10.4.4.1). */
		if (!apic->init_pending && apic->mp_state != KVM_MP_STATE_INIT_RECEIVED)
			return 0;
		apic->sipi_vector = irq->vector;
		apic->sipi_pending = true;
		break;
	default:
		/* SMI: no SMM; ExtINT comes only through LINT0. */
		return 0;
	}
	apic->ops->kick(apic);
	return 1;
}

/* Physical destination (10.6.2.1); 0xff or 0xffffffff is broadcast. */
static bool khv_match_physical(const struct khv_lapic *apic,
			       const struct khv_apic_irq *irq)
{
	u32 bcast = irq->x2apic_dest ? 0xffffffff : 0xff;

	if (irq->dest == bcast)
		return true;
	if (khv_lapic_x2apic(apic))
		return irq->dest == apic->id;
	return (irq->dest & 0xff) == khv_reg(apic, APIC_ID) >> 24;
}

/*
 * Logical destination (10.6.2.2): flat model, a bitmap of 8 APICs; cluster
 * model, cluster in 7:4 and a bitmap of 4 in 3:0; x2APIC, cluster in 31:16
 * and a bitmap of 16 in 15:0 (10.12.10).
 */
static bool khv_match_logical(const struct khv_lapic *apic,
			      const struct khv_apic_irq *irq)
{
	u32 ldr = khv_reg(apic, APIC_LDR), dest = irq->dest;
	u8 ldr8;

	if (dest == (irq->x2apic_dest ? 0xffffffff : 0xff))
		return true;
	if (khv_lapic_x2apic(apic))
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
	ldr8 = ldr >> 24;
	switch (khv_reg(apic, APIC_DFR) >> 28) {
	case 0xf:
		return ldr8 & dest & 0xff;
	case 0x0:
		return ((dest >> 4) & 0xf) == ldr8 >> 4 && (dest & ldr8 & 0xf);
	default:
		return false;
	}
}

bool khv_lapic_match(const struct khv_lapic *apic,
		     const struct khv_lapic *src,
		     const struct khv_apic_irq *irq)
{
	switch (irq->shorthand) {
	case KHV_SH_SELF:
		return apic == src;
	case KHV_SH_ALL:
		return true;
	case KHV_SH_OTHERS:
		return apic != src;
	}
	return irq->logical ? khv_match_logical(apic, irq) :
			      khv_match_physical(apic, irq);
}

/* ICR (10.6.1): writing the low half sends; delivery status reads idle. */
static void khv_send_icr(struct khv_lapic *apic, u32 lo, u32 hi, bool x2)
{
	struct khv_apic_irq irq = {
		.vector = lo & 0xff,
		.dm = KHV_LVT_DM(lo),
		.logical = lo & APIC_DEST_LOGICAL,
		.assert = lo & APIC_INT_ASSERT,
		.level = lo & APIC_INT_LEVELTRIG,
		.shorthand = (lo >> 18) & 3,
		.x2apic_dest = x2,
		.dest = x2 ? hi : hi >> 24,
	};

	khv_set_reg(apic, APIC_ICR, lo & ~APIC_ICR_BUSY);
	khv_set_reg(apic, APIC_ICR2, x2 ? hi : hi & 0xff000000);
	apic->ops->ipi(apic, &irq);
}

/* SELF IPI (10.12.11): a fixed, edge-triggered vector to this APIC. */
static void khv_send_self(struct khv_lapic *apic, u8 vector)
{
	struct khv_apic_irq irq = {
		.vector = vector,
		.shorthand = KHV_SH_SELF,
		.assert = true,
	};

	apic->ops->ipi(apic, &irq);
}

/* Divide configuration (10.5.4): bits 3, 1:0 select 2, 4, ... 128, 1. */
static u32 khv_timer_divide(const struct khv_lapic *apic)
{
	u32 tdcr = khv_reg(apic, APIC_TDCR);
	u32 v = (tdcr & 3) | ((tdcr & 8) >> 1);

	return 1U << ((v + 1) & 7);
}

static u32 khv_timer_mode(const struct khv_lapic *apic)
{
	u32 mode = KHV_TIMER_MODE(khv_reg(apic, APIC_LVTT));

	return mode == 3 ? KHV_TIMER_ONESHOT : mode;
}

/* One count lasts one ns (a 1 GHz bus, as KVM) times the divider. */
static u64 khv_timer_length(const struct khv_lapic *apic)
{
	u64 len = (u64)khv_reg(apic, APIC_TMICT) * khv_timer_divide(apic);

	if (khv_timer_mode(apic) == KHV_TIMER_PERIODIC)
		len = max(len, KHV_APIC_MIN_PERIOD_NS);
	return len;
}

static void khv_timer_arm(struct khv_lapic *apic, u64 expiry)
{
	apic->timer_expiry = expiry;
	apic->ops->timer(apic, expiry);
}

/* A write of the initial count (re)starts a one-shot or periodic count. */
static void khv_timer_load(struct khv_lapic *apic)
{
	u64 now, tsc;

	khv_timer_stop(apic);
	if (!khv_reg(apic, APIC_TMICT) || khv_timer_mode(apic) == KHV_TIMER_TSC)
		return;
	apic->ops->now(apic, &now, &tsc);
	apic->timer_start = now;
	apic->timer_period = khv_timer_length(apic);
	khv_timer_arm(apic, now + apic->timer_period);
}

static u32 khv_timer_current(struct khv_lapic *apic)
{
	u64 now, tsc;

	if (!apic->timer_expiry || khv_timer_mode(apic) == KHV_TIMER_TSC)
		return 0;
	apic->ops->now(apic, &now, &tsc);
	if (now >= apic->timer_expiry)
		return 0;
	return min_t(u64, div_u64(apic->timer_expiry - now,
				  khv_timer_divide(apic)),
		     khv_reg(apic, APIC_TMICT));
}

u64 khv_lapic_timer_expired(struct khv_lapic *apic)
{
	u32 lvtt = khv_reg(apic, APIC_LVTT);
	u64 now, tsc;

	if (!apic->timer_expiry)
		return 0;
	apic->ops->now(apic, &now, &tsc);
	if (now < apic->timer_expiry)
		return apic->timer_expiry;	/* moved later meanwhile */
	if (!(lvtt & APIC_LVT_MASKED)) {
		struct khv_apic_irq irq = { .vector = lvtt & 0xff };

		khv_lapic_accept(apic, &irq);
	}
	switch (khv_timer_mode(apic)) {
	case KHV_TIMER_PERIODIC:
		apic->timer_expiry += apic->timer_period;
		/* Ticks the owner could not deliver in time are dropped. */
		if (apic->timer_expiry <= now)
			apic->timer_expiry = now + apic->timer_period;
		apic->timer_start = apic->timer_expiry - apic->timer_period;
		return apic->timer_expiry;
	case KHV_TIMER_TSC:
		apic->tsc_deadline = 0;
		fallthrough;
	default:
		apic->timer_expiry = 0;
		return 0;
	}
}

u64 khv_lapic_get_tsc_deadline(struct khv_lapic *apic)
{
	return khv_timer_mode(apic) == KHV_TIMER_TSC ? apic->tsc_deadline : 0;
}

/* IA32_TSC_DEADLINE (10.5.4.1): ignored outside TSC-deadline mode. */
void khv_lapic_set_tsc_deadline(struct khv_lapic *apic, u64 deadline)
{
	u64 now, tsc, delta = 0;

	if (khv_timer_mode(apic) != KHV_TIMER_TSC)
		return;
	khv_timer_stop(apic);
	apic->tsc_deadline = deadline;
	if (!deadline)
		return;
	apic->ops->now(apic, &now, &tsc);
	if (deadline > tsc && apic->tsc_khz)
		delta = mul_u64_u32_div(min(deadline - tsc, (u64)U32_MAX << 20),
					1000000, apic->tsc_khz);
	khv_timer_arm(apic, now + max(delta, 1ULL));
}

/* LVT change (10.5.1): a mode change stops the timer and clears the count. */
static void khv_write_lvtt(struct khv_lapic *apic, u32 val)
{
	u32 old = khv_timer_mode(apic);

	val &= 0xff | APIC_LVT_MASKED | BIT(17) |
	       (apic->tsc_deadline_ok ? BIT(18) : 0);
	khv_set_reg(apic, APIC_LVTT, val);
	if (khv_timer_mode(apic) != old) {
		khv_timer_stop(apic);
		khv_set_reg(apic, APIC_TMICT, 0);
		apic->tsc_deadline = 0;
	}
}

/* Writable bits of the LVT entries other than the timer (10.5.1). */
static u32 khv_lvt_mask(u32 off)
{
	switch (off) {
	case APIC_LVT0:
	case APIC_LVT1:
		/* vector, delivery mode, polarity, trigger mode, mask */
		return 0xff | 0x700 | BIT(13) | BIT(15) | APIC_LVT_MASKED;
	case APIC_LVTERR:
		return 0xff | APIC_LVT_MASKED;
	default:
		return 0xff | 0x700 | APIC_LVT_MASKED;
	}
}

/* SVR (10.9): clearing the enable bit masks every LVT entry (10.4.7.2). */
static void khv_write_svr(struct khv_lapic *apic, u32 val)
{
	unsigned int i;

	khv_set_reg(apic, APIC_SPIV, val & 0x3ff);
	if (khv_lapic_sw_enabled(apic))
		return;
	for (i = 0; i < ARRAY_SIZE(khv_lvts); i++)
		khv_set_reg(apic, khv_lvts[i],
			    khv_reg(apic, khv_lvts[i]) | APIC_LVT_MASKED);
}

/* A register write; 1 if the register is read-only or absent in this mode. */
static int khv_write_reg(struct khv_lapic *apic, u32 off, u32 val, bool x2)
{
	switch (off) {
	case APIC_ID:
		if (x2)
			return 1;
		khv_set_reg(apic, APIC_ID, val & 0xff000000);
		break;
	case APIC_TASKPRI:
		khv_set_reg(apic, APIC_TASKPRI, val & 0xff);
		break;
	case APIC_EOI:
		if (x2 && val)
			return 1;
		khv_apic_eoi(apic);
		break;
	case APIC_LDR:
		if (x2)
			return 1;
		khv_set_reg(apic, APIC_LDR, val & 0xff000000);
		break;
	case APIC_DFR:
		if (x2)
			return 1;
		khv_set_reg(apic, APIC_DFR, val | 0x0fffffff);
		break;
	case APIC_SPIV:
		khv_write_svr(apic, val);
		break;
	case APIC_ESR:
		if (x2 && val)
			return 1;
		khv_set_reg(apic, APIC_ESR, apic->esr_pending);
		apic->esr_pending = 0;
		break;
	case APIC_ICR:
		khv_send_icr(apic, val, khv_reg(apic, APIC_ICR2), false);
		break;
	case APIC_ICR2:
		if (x2)
			return 1;
		khv_set_reg(apic, APIC_ICR2, val & 0xff000000);
		break;
	case APIC_LVTT:
		if (!khv_lapic_sw_enabled(apic))
			val |= APIC_LVT_MASKED;
		khv_write_lvtt(apic, val);
		break;
	case APIC_LVTTHMR:
	case APIC_LVTPC:
	case APIC_LVT0:
	case APIC_LVT1:
	case APIC_LVTERR:
		if (!khv_lapic_sw_enabled(apic))
			val |= APIC_LVT_MASKED;
		khv_set_reg(apic, off, val & khv_lvt_mask(off));
		break;
	case APIC_TMICT:
		if (khv_timer_mode(apic) == KHV_TIMER_TSC)
			break;
		khv_set_reg(apic, APIC_TMICT, val);
		khv_timer_load(apic);
		break;
	case APIC_TDCR:
		khv_set_reg(apic, APIC_TDCR, val & 0xb);
		if (apic->timer_expiry && apic->timer_period)
			apic->timer_period = khv_timer_length(apic);
		break;
	case APIC_SELF_IPI:
		if (!x2 || (val & ~0xffU))
			return 1;
		khv_send_self(apic, val);
		break;
	default:
		return 1;
	}
	return 0;
}

static bool khv_vec_reg(u32 off, u32 base)
{
	return off >= base && off < base + 0x80;
}

/* Is @off a register that reads in this mode? (10.4.1 Table 10-1, 10.12.1.2) */
static bool khv_readable(u32 off, bool x2)
{
	if (khv_vec_reg(off, APIC_ISR) || khv_vec_reg(off, APIC_TMR) ||
	    khv_vec_reg(off, APIC_IRR))
		return true;
	switch (off) {
	case APIC_ARBPRI:
	case APIC_DFR:
	case APIC_ICR2:
		return !x2;
	case APIC_ID:
	case APIC_LVR:
	case APIC_TASKPRI:
	case APIC_PROCPRI:
	case APIC_LDR:
	case APIC_SPIV:
	case APIC_ESR:
	case APIC_ICR:
	case APIC_LVTT:
	case APIC_LVTTHMR:
	case APIC_LVTPC:
	case APIC_LVT0:
	case APIC_LVT1:
	case APIC_LVTERR:
	case APIC_TMICT:
	case APIC_TMCCT:
	case APIC_TDCR:
		return true;
	default:
		return false;
	}
}

static u32 khv_read_reg(struct khv_lapic *apic, u32 off)
{
	switch (off) {
	case APIC_PROCPRI:
		return khv_lapic_ppr(apic);
	case APIC_TMCCT:
		return khv_timer_current(apic);
	default:
		return khv_reg(apic, off);
	}
}

/* Reads of absent registers, and of the write-only EOI, return 0. */
u32 khv_lapic_mmio_read(struct khv_lapic *apic, u32 off, unsigned int len)
{
	u32 reg = off & ~0xfU, shift = (off & 3) * 8, val;

	if ((off & 0xf) + len > 4 || !khv_readable(reg, false))
		return 0;
	val = khv_read_reg(apic, reg) >> shift;
	return len == 4 ? val : val & (BIT(len * 8) - 1);
}

/* Only aligned 32-bit writes are defined (10.4.1); others are dropped. */
void khv_lapic_mmio_write(struct khv_lapic *apic, u32 off, u32 val)
{
	if (off & 0xf || off >= KHV_APIC_REGS_SIZE)
		return;
	if (khv_write_reg(apic, off, val, false))
		apic->esr_pending |= APIC_ESR_ILLREGA;
}

int khv_lapic_rdmsr(struct khv_lapic *apic, u32 msr, u64 *val)
{
	u32 off = (msr - KHV_X2APIC_MSR_FIRST) << 4;

	if (!khv_lapic_x2apic(apic) || !khv_readable(off, true))
		return 1;
	*val = khv_read_reg(apic, off);
	if (off == APIC_ICR)
		*val |= (u64)khv_reg(apic, APIC_ICR2) << 32;
	return 0;
}

int khv_lapic_wrmsr(struct khv_lapic *apic, u32 msr, u64 val)
{
	u32 off = (msr - KHV_X2APIC_MSR_FIRST) << 4;

	if (!khv_lapic_x2apic(apic))
		return 1;
	/* The ICR is one 64-bit register in x2APIC mode (10.12.9). */
	if (off == APIC_ICR) {
		khv_send_icr(apic, val, val >> 32, true);
		return 0;
	}
	if (val >> 32)
		return 1;
	return khv_write_reg(apic, off, val, true);
}

/*
 * KVM's layout without KVM_CAP_X2APIC_API: in x2APIC mode the ID register
 * is reported in the xAPIC position (bits 31:24).
 */
void khv_lapic_get_state(struct khv_lapic *apic, void *regs)
{
	u32 *r = regs;

	memcpy(r, apic->regs, KHV_APIC_REGS_SIZE);
	r[APIC_PROCPRI >> 2] = khv_lapic_ppr(apic);
	r[APIC_TMCCT >> 2] = khv_timer_current(apic);
	if (khv_lapic_x2apic(apic))
		r[APIC_ID >> 2] = apic->id << 24;
}

int khv_lapic_set_state(struct khv_lapic *apic, const void *regs)
{
	const u32 *r = regs;

	if (khv_lapic_x2apic(apic) && r[APIC_ID >> 2] != apic->id << 24)
		return -EINVAL;
	khv_timer_stop(apic);
	memcpy(apic->regs, r, KHV_APIC_REGS_SIZE);
	khv_set_reg(apic, APIC_LVR, KHV_APIC_VERSION);
	khv_set_reg(apic, APIC_TMCCT, 0);
	khv_write_lvtt(apic, khv_reg(apic, APIC_LVTT));
	if (khv_lapic_x2apic(apic)) {
		khv_set_reg(apic, APIC_ID, apic->id);
		khv_set_reg(apic, APIC_LDR, khv_x2apic_ldr(apic->id));
	}
	apic->tsc_deadline = 0;
	khv_timer_load(apic);
	return 0;
}

/*
 * MSI (10.11): address 0xFEExxxxx with the destination in 19:12 and the
 * destination mode in bit 2; data with the vector, delivery mode and
 * trigger mode in the ICR's positions.
 */
void khv_msi_to_irq(u32 addr_lo, u32 data, struct khv_apic_irq *irq)
{
	*irq = (struct khv_apic_irq){
		.vector = data & 0xff,
		.dm = KHV_LVT_DM(data),
		.logical = addr_lo & BIT(2),
		.level = data & APIC_INT_LEVELTRIG,
		.assert = true,
		.dest = (addr_lo >> 12) & 0xff,
	};
}

bool khv_lapic_msi_eoi(const struct khv_lapic *apic, u32 addr_lo, u32 data,
		       u8 vector)
{
	struct khv_apic_irq irq;

	khv_msi_to_irq(addr_lo, data, &irq);
	return irq.level && irq.vector == vector &&
	       khv_lapic_match(apic, NULL, &irq);
}
