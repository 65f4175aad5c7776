/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoder of the x86 instructions that guests use on memory-mapped I/O:
 * MOV (88/89/8A/8B, C6/C7, A0-A3), MOVZX/MOVSX (0F B6/B7/BE/BF), MOVSXD
 * (63), and the string forms LODS/STOS/MOVS. Pure logic with no use of the
 * vCPU, so KUnit tests it by including mmio_decode.c (docs/mmio.md).
 */
#ifndef _KHV_MMIO_DECODE_H
#define _KHV_MMIO_DECODE_H

#include <linux/types.h>

/* Longer instructions raise #GP (SDM Vol. 2A, chapter 2). */
#define KHV_INSN_MAX_LEN	15

/*
 * Segment registers in the order of their encoding in MOV Sreg, which is
 * also the VMCS field order (enum khv_seg).
 */
enum khv_insn_seg {
	KHV_INSN_ES, KHV_INSN_CS, KHV_INSN_SS, KHV_INSN_DS, KHV_INSN_FS,
	KHV_INSN_GS,
};

/* Address-computation registers that are not GPRs 0-15. */
#define KHV_INSN_NONE		(-1)	/* no base or no index */
#define KHV_INSN_RIP		16	/* RIP-relative (64-bit mode) */

enum khv_insn_op {
	KHV_INSN_LOAD,		/* register <- memory, maybe extended */
	KHV_INSN_STORE,		/* memory <- register */
	KHV_INSN_STORE_IMM,	/* memory <- immediate */
	KHV_INSN_LODS,		/* rAX <- seg:rSI */
	KHV_INSN_STOS,		/* ES:rDI <- rAX */
	KHV_INSN_MOVS,		/* ES:rDI <- seg:rSI */
};

struct khv_insn {
	enum khv_insn_op op;
	u8 len;			/* bytes, prefixes included */
	u8 mem_size;		/* bytes the memory access moves: 1, 2, 4, 8 */
	u8 reg_size;		/* LOAD: bytes of the destination register */
	u8 reg;			/* GPR operand in encoding order (0 = rAX) */
	bool high_byte;		/* 8-bit AH/CH/DH/BH: bits 15:8 of GPR reg */
	bool sign_extend;	/* MOVSX, MOVSXD */
	bool rep;		/* F3 on a string instruction */
	u8 addr_size;		/* 2, 4 or 8: address and rSI/rDI/rCX width */
	u8 seg;			/* memory operand's (MOVS: source's) segment */
	s8 base;		/* GPR, KHV_INSN_RIP or KHV_INSN_NONE */
	s8 index;		/* GPR or KHV_INSN_NONE */
	u8 scale;		/* 1, 2, 4 or 8 */
	u64 disp;		/* sign-extended displacement, or moffs */
	u64 imm;		/* STORE_IMM: sign-extended immediate */
};

/*
 * Decodes the instruction in @buf (@avail bytes fetched) for code of
 * @mode_bytes (2, 4 or 8: the default address size, i.e. 16-bit, 32-bit
 * or 64-bit code). Returns 0, -ENODATA if the bytes end before the
 * instruction, -EOPNOTSUPP for an instruction outside the list above, or
 * -EINVAL for an encoding the CPU would not execute as a memory access
 * (LOCK, a register operand, more than 15 bytes).
 */
int khv_insn_decode(const u8 *buf, unsigned int avail, unsigned int mode_bytes,
		    struct khv_insn *insn);

/*
 * Offset of the ModRM/moffs memory operand within its segment, from the
 * guest's GPRs (encoding order, RSP included) and the address of the next
 * instruction. Not for the string forms (they use rSI/rDI).
 */
u64 khv_insn_mem_offset(const struct khv_insn *insn, const u64 *gprs,
			u64 next_rip);

/* The bytes a store writes, given the source register's value or imm. */
u64 khv_insn_store_data(const struct khv_insn *insn, u64 src);

/*
 * The destination register's new value after a load of @data into a
 * register that held @old: extension, 8/16-bit merge, and 32-bit writes
 * zeroing bits 63:32 (SDM Vol. 1, 3.4.1.1).
 */
u64 khv_insn_load_result(const struct khv_insn *insn, u64 old, u64 data);

/* All ones in the low @bytes bytes (1 to 8). */
static inline u64 khv_insn_mask(unsigned int bytes)
{
	return bytes >= 8 ? ~0ULL : (1ULL << (bytes * 8)) - 1;
}

#endif /* _KHV_MMIO_DECODE_H */
