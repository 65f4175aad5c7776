// SPDX-License-Identifier: GPL-2.0
/*
 * The MMIO instruction decoder (mmio_decode.h). It finds what an EPT
 * violation outside guest memory needs: the length of the instruction, the
 * size and direction of its memory access, the register or immediate on the
 * other side, and how the memory operand's address was formed, so that the
 * caller can check it against the linear address the CPU reports.
 *
 * Encodings follow SDM Vol. 2A, chapter 2 (prefixes, REX, ModRM/SIB, the
 * 16-bit forms in Table 2-1) and the opcode map of Vol. 2D, Appendix A.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "mmio_decode.h"

#define REX_B		BIT(0)
#define REX_X		BIT(1)
#define REX_R		BIT(2)
#define REX_W		BIT(3)

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI };

struct khv_insn_ctx {
	const u8 *buf;
	unsigned int avail;
	unsigned int pos;
	unsigned int mode;		/* default address size */
	unsigned int opsize;		/* operand size */
	u8 rex;
	bool seg_override;
};

/* The next @n bytes as a little-endian number. */
static int khv_insn_take(struct khv_insn_ctx *c, unsigned int n, u64 *val)
{
	unsigned int i;

	if (c->pos + n > KHV_INSN_MAX_LEN)
		return -EINVAL;
	if (c->pos + n > c->avail)
		return -ENODATA;
	*val = 0;
	for (i = 0; i < n; i++)
		*val |= (u64)c->buf[c->pos + i] << (8 * i);
	c->pos += n;
	return 0;
}

static int khv_insn_take_signed(struct khv_insn_ctx *c, unsigned int n,
				u64 *val)
{
	int r = khv_insn_take(c, n, val);

	if (!r && n < 8)
		*val = sign_extend64(*val, n * 8 - 1);
	return r;
}

/* 16-bit addressing, ModRM.rm 0-7 (SDM Vol. 2A, Table 2-1). */
static const s8 khv_rm16_base[8] = { RBX, RBX, RBP, RBP, RSI, RDI, RBP, RBX };
static const s8 khv_rm16_index[8] = {
	RSI, RDI, RSI, RDI, KHV_INSN_NONE, KHV_INSN_NONE, KHV_INSN_NONE,
	KHV_INSN_NONE,
};

static int khv_insn_modrm16(struct khv_insn_ctx *c, struct khv_insn *insn,
			    unsigned int mod, unsigned int rm)
{
	unsigned int disp = mod == 1 ? 1 : (mod == 2 ? 2 : 0);

	insn->base = khv_rm16_base[rm];
	insn->index = khv_rm16_index[rm];
	if (mod == 0 && rm == 6) {
		insn->base = KHV_INSN_NONE;	/* disp16 alone */
		disp = 2;
	}
	/* BP-based forms default to SS (SDM Vol. 1, 3.7.4, Table 3-5). */
	if (insn->base == RBP && !c->seg_override)
		insn->seg = KHV_INSN_SS;
	return disp ? khv_insn_take_signed(c, disp, &insn->disp) : 0;
}

/* 32-bit and 64-bit addressing (SDM Vol. 2A, 2.1.5 and 2.2.1). */
static int khv_insn_modrm32(struct khv_insn_ctx *c, struct khv_insn *insn,
			    unsigned int mod, unsigned int rm)
{
	unsigned int disp = mod == 1 ? 1 : (mod == 2 ? 4 : 0);
	u64 sib;
	int r;

	insn->base = rm | (c->rex & REX_B ? 8 : 0);
	if (rm == 4) {
		r = khv_insn_take(c, 1, &sib);
		if (r)
			return r;
		insn->scale = 1 << (sib >> 6);
		insn->index = ((sib >> 3) & 7) | (c->rex & REX_X ? 8 : 0);
		if (insn->index == RSP)		/* no index; R12 is one */
			insn->index = KHV_INSN_NONE;
		insn->base = (sib & 7) | (c->rex & REX_B ? 8 : 0);
		if (mod == 0 && (sib & 7) == 5) {
			insn->base = KHV_INSN_NONE;
			disp = 4;
		}
	} else if (mod == 0 && rm == 5) {
		/* disp32 alone; in 64-bit mode relative to the next RIP. */
		insn->base = c->mode == 8 ? KHV_INSN_RIP : KHV_INSN_NONE;
		disp = 4;
	}
	if ((insn->base == RSP || insn->base == RBP) && !c->seg_override)
		insn->seg = KHV_INSN_SS;
	return disp ? khv_insn_take_signed(c, disp, &insn->disp) : 0;
}

/*
 * ModRM with a memory operand: sets insn->reg from ModRM.reg and REX.R, and
 * the address form. ModRM.mod = 3 names a register, which cannot have made
 * a memory access.
 */
static int khv_insn_modrm(struct khv_insn_ctx *c, struct khv_insn *insn)
{
	unsigned int mod, rm;
	u64 modrm;
	int r;

	r = khv_insn_take(c, 1, &modrm);
	if (r)
		return r;
	mod = modrm >> 6;
	rm = modrm & 7;
	insn->reg = ((modrm >> 3) & 7) | (c->rex & REX_R ? 8 : 0);
	if (mod == 3)
		return -EINVAL;
	if (insn->addr_size == 2)
		return khv_insn_modrm16(c, insn, mod, rm);
	return khv_insn_modrm32(c, insn, mod, rm);
}

/* Without REX, byte registers 4-7 are AH, CH, DH, BH (SDM Vol. 2A, 2.2.1.2). */
static void khv_insn_byte_reg(struct khv_insn_ctx *c, struct khv_insn *insn)
{
	if (!c->rex && insn->reg >= 4 && insn->reg < 8) {
		insn->reg -= 4;
		insn->high_byte = true;
	}
}

/* 0F B6/B7/BE/BF: MOVZX and MOVSX. */
static int khv_insn_decode_0f(struct khv_insn_ctx *c, struct khv_insn *insn,
			      bool rep_prefix)
{
	u64 op;
	int r;

	r = khv_insn_take(c, 1, &op);
	if (r)
		return r;
	/* F2/F3 select other instructions here (e.g. F3 0F B8 is POPCNT). */
	if (rep_prefix)
		return -EOPNOTSUPP;
	switch (op) {
	case 0xb6: case 0xb7: case 0xbe: case 0xbf:
		insn->op = KHV_INSN_LOAD;
		insn->mem_size = op & 1 ? 2 : 1;
		insn->reg_size = c->opsize;
		insn->sign_extend = op & 8;
		return khv_insn_modrm(c, insn);
	default:
		return -EOPNOTSUPP;
	}
}

static int khv_insn_decode_op(struct khv_insn_ctx *c, struct khv_insn *insn,
			      u8 op, bool rep, bool repne)
{
	unsigned int size = op & 1 ? c->opsize : 1;
	int r;

	switch (op) {
	case 0x88: case 0x89:		/* MOV r/m, r */
	case 0x8a: case 0x8b:		/* MOV r, r/m */
		insn->op = op & 2 ? KHV_INSN_LOAD : KHV_INSN_STORE;
		insn->mem_size = size;
		insn->reg_size = size;
		r = khv_insn_modrm(c, insn);
		if (!r && size == 1)
			khv_insn_byte_reg(c, insn);
		return r;
	case 0xc6: case 0xc7:		/* MOV r/m, imm (group 11, /0) */
		insn->op = KHV_INSN_STORE_IMM;
		insn->mem_size = size;
		r = khv_insn_modrm(c, insn);
		if (r)
			return r;
		if (insn->reg & 7)
			return -EOPNOTSUPP;
		insn->reg = 0;
		/* imm32 is sign-extended for a 64-bit operand. */
		return khv_insn_take_signed(c, min(size, 4U), &insn->imm);
	case 0xa0: case 0xa1:		/* MOV AL/rAX, moffs */
	case 0xa2: case 0xa3:		/* MOV moffs, AL/rAX */
		insn->op = op & 2 ? KHV_INSN_STORE : KHV_INSN_LOAD;
		insn->mem_size = size;
		insn->reg_size = size;
		insn->reg = RAX;
		insn->base = KHV_INSN_NONE;
		return khv_insn_take(c, insn->addr_size, &insn->disp);
	case 0x63:			/* MOVSXD r, r/m32 (ARPL elsewhere) */
		if (c->mode != 8)
			return -EOPNOTSUPP;
		insn->op = KHV_INSN_LOAD;
		insn->mem_size = min(c->opsize, 4U);
		insn->reg_size = c->opsize;
		insn->sign_extend = true;
		return khv_insn_modrm(c, insn);
	case 0xa4: case 0xa5:		/* MOVS */
	case 0xaa: case 0xab:		/* STOS */
	case 0xac: case 0xad:		/* LODS */
		/* F2 on these is reserved (SDM Vol. 2B, REP/REPE/REPNE). */
		if (repne)
			return -EOPNOTSUPP;
		insn->op = op < 0xaa ? KHV_INSN_MOVS :
			   (op < 0xac ? KHV_INSN_STOS : KHV_INSN_LODS);
		insn->mem_size = size;
		insn->reg_size = size;
		insn->reg = RAX;
		insn->rep = rep;
		insn->base = KHV_INSN_NONE;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

int khv_insn_decode(const u8 *buf, unsigned int avail, unsigned int mode_bytes,
		    struct khv_insn *insn)
{
	struct khv_insn_ctx c = {
		.buf = buf,
		.avail = min(avail, (unsigned int)KHV_INSN_MAX_LEN),
		.mode = mode_bytes,
	};
	bool lock = false, rep = false, repne = false, opsize = false;
	bool adsize = false;
	u64 b;
	int r;

	if (mode_bytes != 2 && mode_bytes != 4 && mode_bytes != 8)
		return -EINVAL;
	memset(insn, 0, sizeof(*insn));
	insn->seg = KHV_INSN_DS;
	insn->index = KHV_INSN_NONE;
	insn->scale = 1;

	/* Legacy prefixes in any order; a REX counts only right before the opcode. */
	for (;;) {
		r = khv_insn_take(&c, 1, &b);
		if (r)
			return r;
		if (mode_bytes == 8 && (b & 0xf0) == 0x40) {
			c.rex = b;
			continue;
		}
		switch (b) {
		case 0xf0:
			lock = true;
			break;
		case 0xf2:
			repne = true;
			break;
		case 0xf3:
			rep = true;
			break;
		case 0x66:
			opsize = true;
			break;
		case 0x67:
			adsize = true;
			break;
		case 0x26: case 0x2e: case 0x36: case 0x3e:
			insn->seg = (b >> 3) & 3;	/* ES, CS, SS, DS */
			c.seg_override = true;
			break;
		case 0x64: case 0x65:
			insn->seg = b == 0x64 ? KHV_INSN_FS : KHV_INSN_GS;
			c.seg_override = true;
			break;
		default:
			goto opcode;
		}
		c.rex = 0;
	}

opcode:
	/* Operand and address sizes (SDM Vol. 1, 3.6 and 3.6.1, Table 3-4). */
	if (mode_bytes == 8) {
		c.opsize = c.rex & REX_W ? 8 : (opsize ? 2 : 4);
		insn->addr_size = adsize ? 4 : 8;
	} else {
		c.opsize = (mode_bytes == 4) != opsize ? 4 : 2;
		insn->addr_size = (mode_bytes == 4) != adsize ? 4 : 2;
	}
	/* LOCK is #UD on every instruction here: the CPU never ran it. */
	if (lock)
		return -EINVAL;

	if (b == 0x0f)
		r = khv_insn_decode_0f(&c, insn, rep || repne);
	else
		r = khv_insn_decode_op(&c, insn, b, rep, repne);
	if (r)
		return r;
	insn->len = c.pos;
	return 0;
}

u64 khv_insn_mem_offset(const struct khv_insn *insn, const u64 *gprs,
			u64 next_rip)
{
	u64 off = insn->disp;

	if (insn->base == KHV_INSN_RIP)
		off += next_rip;
	else if (insn->base != KHV_INSN_NONE)
		off += gprs[insn->base];
	if (insn->index != KHV_INSN_NONE)
		off += gprs[insn->index] * insn->scale;
	return off & khv_insn_mask(insn->addr_size);
}

u64 khv_insn_store_data(const struct khv_insn *insn, u64 src)
{
	if (insn->high_byte)
		src >>= 8;
	return src & khv_insn_mask(insn->mem_size);
}

u64 khv_insn_load_result(const struct khv_insn *insn, u64 old, u64 data)
{
	u64 val = data & khv_insn_mask(insn->mem_size);
	u64 keep;

	if (insn->sign_extend)
		val = sign_extend64(val, insn->mem_size * 8 - 1);
	if (insn->high_byte)
		return (old & ~0xff00ULL) | ((val & 0xff) << 8);
	if (insn->reg_size == 4)
		return (u32)val;
	if (insn->reg_size == 8)
		return val;
	keep = ~khv_insn_mask(insn->reg_size);
	return (old & keep) | (val & ~keep);
}
