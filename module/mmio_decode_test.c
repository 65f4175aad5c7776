// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the MMIO instruction decoder (mmio_decode.c): a table of
 * encodings in 16-, 32- and 64-bit code with the length, access and
 * register each must give and the operand offset it must compute from
 * known registers; encodings that must be refused (truncated, unknown,
 * LOCK, register operands, too long); and the register and store values
 * for each kind of load and store. Encodings were checked with GNU as.
 */
#include <kunit/test.h>

#include "mmio_decode.c"

/* GPR i holds (i + 1) * 0x1000 plus a high part that 16/32-bit code drops. */
#define GPR(i)		(0xabcd00000000ULL + ((i) + 1) * 0x1000ULL)
#define RIP0		0x400000ULL	/* address of every decoded instruction */

struct decode_case {
	const char *name;
	u8 mode;			/* 2, 4 or 8 */
	u8 bytes[16];
	u8 n;				/* bytes available */
	int ret;
	/* When ret == 0: */
	u8 op, len, mem, reg_size, reg, addr;
	bool high, sext, rep;
	u8 seg;
	u64 off;			/* ModRM/moffs forms only */
	u64 imm;
};

#define B(...)	.bytes = { __VA_ARGS__ }, .n = sizeof((u8[]){ __VA_ARGS__ })

static const struct decode_case decode_cases[] = {
	/* 64-bit code: MOV in both directions, all sizes, REX. */
	{ "mov %eax,(%rbx)", 8, B(0x89, 0x03), 0, KHV_INSN_STORE, 2, 4, 4, RAX, 8,
	  .seg = KHV_INSN_DS, .off = GPR(RBX) },
	{ "mov %rax,(%rbx)", 8, B(0x48, 0x89, 0x03), 0, KHV_INSN_STORE, 3, 8, 8, RAX, 8,
	  .seg = KHV_INSN_DS, .off = GPR(RBX) },
	{ "mov %ax,(%rbx)", 8, B(0x66, 0x89, 0x03), 0, KHV_INSN_STORE, 3, 2, 2, RAX, 8,
	  .seg = KHV_INSN_DS, .off = GPR(RBX) },
	{ "mov %al,(%rbx)", 8, B(0x88, 0x03), 0, KHV_INSN_STORE, 2, 1, 1, RAX, 8,
	  .seg = KHV_INSN_DS, .off = GPR(RBX) },
	{ "mov %ah,(%rbx)", 8, B(0x88, 0x23), 0, KHV_INSN_STORE, 2, 1, 1, RAX, 8,
	  .high = true, .seg = KHV_INSN_DS, .off = GPR(RBX) },
	{ "mov %ch,(%rbx)", 8, B(0x88, 0x2b), 0, KHV_INSN_STORE, 2, 1, 1, RCX, 8,
	  .high = true, .seg = KHV_INSN_DS, .off = GPR(RBX) },
	{ "mov %sil,(%rbx)", 8, B(0x40, 0x88, 0x33), 0, KHV_INSN_STORE, 3, 1, 1, RSI, 8,
	  .seg = KHV_INSN_DS, .off = GPR(RBX) },
	{ "mov %r9d,0x10(%r12)", 8, B(0x45, 0x89, 0x4c, 0x24, 0x10), 0, KHV_INSN_STORE, 5, 4, 4,
	  9, 8, .seg = KHV_INSN_DS, .off = GPR(12) + 0x10 },
	{ "mov 0x12345678(%rip),%r15", 8, B(0x4c, 0x8b, 0x3d, 0x78, 0x56, 0x34, 0x12), 0,
	  KHV_INSN_LOAD, 7, 8, 8, 15, 8, .seg = KHV_INSN_DS, .off = RIP0 + 7 + 0x12345678 },
	{ "mov -0x10(%rip),%eax", 8, B(0x8b, 0x05, 0xf0, 0xff, 0xff, 0xff), 0,
	  KHV_INSN_LOAD, 6, 4, 4, RAX, 8, .seg = KHV_INSN_DS, .off = RIP0 + 6 - 0x10 },
	{ "mov -8(%rbp),%ecx", 8, B(0x8b, 0x4d, 0xf8), 0, KHV_INSN_LOAD, 3, 4, 4, RCX, 8,
	  .seg = KHV_INSN_SS, .off = GPR(RBP) - 8 },
	{ "mov (%rax,%rsi,4),%edx", 8, B(0x8b, 0x14, 0xb0), 0, KHV_INSN_LOAD, 3, 4, 4, RDX, 8,
	  .seg = KHV_INSN_DS, .off = GPR(RAX) + 4 * GPR(RSI) },
	{ "mov 0x1000(,%rcx,8),%eax", 8, B(0x8b, 0x04, 0xcd, 0x00, 0x10, 0x00, 0x00), 0,
	  KHV_INSN_LOAD, 7, 4, 4, RAX, 8, .seg = KHV_INSN_DS, .off = 8 * GPR(RCX) + 0x1000 },
	{ "mov (%rsp),%eax", 8, B(0x8b, 0x04, 0x24), 0, KHV_INSN_LOAD, 3, 4, 4, RAX, 8,
	  .seg = KHV_INSN_SS, .off = GPR(RSP) },
	{ "mov (%r12),%eax", 8, B(0x41, 0x8b, 0x04, 0x24), 0, KHV_INSN_LOAD, 4, 4, 4, RAX, 8,
	  .seg = KHV_INSN_DS, .off = GPR(12) },
	{ "mov 0(%r13),%eax", 8, B(0x41, 0x8b, 0x45, 0x00), 0, KHV_INSN_LOAD, 4, 4, 4, RAX, 8,
	  .seg = KHV_INSN_DS, .off = GPR(13) },
	{ "mov (%r12,%r12,1),%eax", 8, B(0x43, 0x8b, 0x04, 0x24), 0, KHV_INSN_LOAD, 4, 4, 4,
	  RAX, 8, .seg = KHV_INSN_DS, .off = 2 * GPR(12) },
	{ "mov 0x1234,%eax (SIB disp32)", 8, B(0x8b, 0x04, 0x25, 0x34, 0x12, 0x00, 0x00), 0,
	  KHV_INSN_LOAD, 7, 4, 4, RAX, 8, .seg = KHV_INSN_DS, .off = 0x1234 },
	{ "mov 8(%rbp,%rdx,2),%bh", 8, B(0x8a, 0x7c, 0x55, 0x08), 0, KHV_INSN_LOAD, 4, 1, 1,
	  RBX, 8, .high = true, .seg = KHV_INSN_SS, .off = GPR(RBP) + 2 * GPR(RDX) + 8 },
	{ "mov %eax,%fs:(%rbx)", 8, B(0x64, 0x89, 0x03), 0, KHV_INSN_STORE, 3, 4, 4, RAX, 8,
	  .seg = KHV_INSN_FS, .off = GPR(RBX) },
	{ "mov %gs:(%rbp),%eax", 8, B(0x65, 0x8b, 0x45, 0x00), 0, KHV_INSN_LOAD, 4, 4, 4, RAX,
	  8, .seg = KHV_INSN_GS, .off = GPR(RBP) },
	{ "addr32 mov %eax,(%ebx)", 8, B(0x67, 0x89, 0x03), 0, KHV_INSN_STORE, 3, 4, 4, RAX, 4,
	  .seg = KHV_INSN_DS, .off = (u32)GPR(RBX) },
	{ "xrelease mov %eax,(%rbx)", 8, B(0xf3, 0x89, 0x03), 0, KHV_INSN_STORE, 3, 4, 4, RAX,
	  8, .seg = KHV_INSN_DS, .off = GPR(RBX) },
	{ "REX.W then 66: 64-bit", 8, B(0x66, 0x48, 0x89, 0x03), 0, KHV_INSN_STORE, 4, 8, 8,
	  RAX, 8, .seg = KHV_INSN_DS, .off = GPR(RBX) },
	{ "REX before 66 is ignored", 8, B(0x48, 0x66, 0x89, 0x03), 0, KHV_INSN_STORE, 4, 2,
	  2, RAX, 8, .seg = KHV_INSN_DS, .off = GPR(RBX) },
	{ "13 prefixes: 15 bytes", 8, B(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	  0x66, 0x66, 0x66, 0x66, 0x89, 0x03), 0, KHV_INSN_STORE, 15, 2, 2, RAX, 8,
	  .seg = KHV_INSN_DS, .off = GPR(RBX) },
	/* MOV r/m, imm. */
	{ "movb $0x5a,(%rdi)", 8, B(0xc6, 0x07, 0x5a), 0, KHV_INSN_STORE_IMM, 3, 1, 0, 0, 8,
	  .seg = KHV_INSN_DS, .off = GPR(RDI), .imm = 0x5a },
	{ "movl $0xdeadbeef,(%rdi)", 8, B(0xc7, 0x07, 0xef, 0xbe, 0xad, 0xde), 0,
	  KHV_INSN_STORE_IMM, 6, 4, 0, 0, 8, .seg = KHV_INSN_DS, .off = GPR(RDI),
	  .imm = 0xffffffffdeadbeefULL },
	{ "movq $-2,(%rdi)", 8, B(0x48, 0xc7, 0x07, 0xfe, 0xff, 0xff, 0xff), 0,
	  KHV_INSN_STORE_IMM, 7, 8, 0, 0, 8, .seg = KHV_INSN_DS, .off = GPR(RDI),
	  .imm = (u64)-2 },
	{ "movw $0x1234,(%rdi)", 8, B(0x66, 0xc7, 0x07, 0x34, 0x12), 0, KHV_INSN_STORE_IMM, 5,
	  2, 0, 0, 8, .seg = KHV_INSN_DS, .off = GPR(RDI), .imm = 0x1234 },
	{ "movl $1,0x10(%rip): imm after disp", 8, B(0xc7, 0x05, 0x10, 0, 0, 0, 1, 0, 0, 0), 0,
	  KHV_INSN_STORE_IMM, 10, 4, 0, 0, 8, .seg = KHV_INSN_DS, .off = RIP0 + 10 + 0x10,
	  .imm = 1 },
	/* moffs. */
	{ "movabs 0x1122334455667788,%eax", 8, B(0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33,
	  0x22, 0x11), 0, KHV_INSN_LOAD, 9, 4, 4, RAX, 8, .seg = KHV_INSN_DS,
	  .off = 0x1122334455667788ULL },
	{ "movabs %al,moffs64", 8, B(0xa2, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11), 0,
	  KHV_INSN_STORE, 9, 1, 1, RAX, 8, .seg = KHV_INSN_DS, .off = 0x1122334455667788ULL },
	{ "movabs %rax,moffs64", 8, B(0x48, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22,
	  0x11), 0, KHV_INSN_STORE, 10, 8, 8, RAX, 8, .seg = KHV_INSN_DS,
	  .off = 0x1122334455667788ULL },
	{ "addr32 mov 0x12345678,%eax", 8, B(0x67, 0xa1, 0x78, 0x56, 0x34, 0x12), 0,
	  KHV_INSN_LOAD, 6, 4, 4, RAX, 4, .seg = KHV_INSN_DS, .off = 0x12345678 },
	/* MOVZX, MOVSX, MOVSXD. */
	{ "movzbl (%rsi),%eax", 8, B(0x0f, 0xb6, 0x06), 0, KHV_INSN_LOAD, 3, 1, 4, RAX, 8,
	  .seg = KHV_INSN_DS, .off = GPR(RSI) },
	{ "movzwq (%rsi),%r8", 8, B(0x4c, 0x0f, 0xb7, 0x06), 0, KHV_INSN_LOAD, 4, 2, 8, 8, 8,
	  .seg = KHV_INSN_DS, .off = GPR(RSI) },
	{ "movsbw (%rsi),%ax", 8, B(0x66, 0x0f, 0xbe, 0x06), 0, KHV_INSN_LOAD, 4, 1, 2, RAX, 8,
	  .sext = true, .seg = KHV_INSN_DS, .off = GPR(RSI) },
	{ "movswl (%rsi),%eax", 8, B(0x0f, 0xbf, 0x06), 0, KHV_INSN_LOAD, 3, 2, 4, RAX, 8,
	  .sext = true, .seg = KHV_INSN_DS, .off = GPR(RSI) },
	{ "movslq (%rsi),%rax", 8, B(0x48, 0x63, 0x06), 0, KHV_INSN_LOAD, 3, 4, 8, RAX, 8,
	  .sext = true, .seg = KHV_INSN_DS, .off = GPR(RSI) },
	{ "movslq (%r10,%r11,2),%r14", 8, B(0x4f, 0x63, 0x34, 0x5a), 0, KHV_INSN_LOAD, 4, 4, 8,
	  14, 8, .sext = true, .seg = KHV_INSN_DS, .off = GPR(10) + 2 * GPR(11) },
	{ "movsxd without REX.W", 8, B(0x63, 0x06), 0, KHV_INSN_LOAD, 2, 4, 4, RAX, 8,
	  .sext = true, .seg = KHV_INSN_DS, .off = GPR(RSI) },
	/* String instructions. */
	{ "stosl", 8, B(0xab), 0, KHV_INSN_STOS, 1, 4, 4, RAX, 8, .seg = KHV_INSN_DS },
	{ "rep stosb", 8, B(0xf3, 0xaa), 0, KHV_INSN_STOS, 2, 1, 1, RAX, 8, .rep = true,
	  .seg = KHV_INSN_DS },
	{ "rep movsq", 8, B(0xf3, 0x48, 0xa5), 0, KHV_INSN_MOVS, 3, 8, 8, RAX, 8, .rep = true,
	  .seg = KHV_INSN_DS },
	{ "lodsw", 8, B(0x66, 0xad), 0, KHV_INSN_LODS, 2, 2, 2, RAX, 8, .seg = KHV_INSN_DS },
	{ "movsb %fs:(%rsi)", 8, B(0x64, 0xa4), 0, KHV_INSN_MOVS, 2, 1, 1, RAX, 8,
	  .seg = KHV_INSN_FS },
	{ "addr32 rep stosl", 8, B(0x67, 0xf3, 0xab), 0, KHV_INSN_STOS, 3, 4, 4, RAX, 4,
	  .rep = true, .seg = KHV_INSN_DS },

	/* 32-bit code. */
	{ "32: mov %eax,(%ebx)", 4, B(0x89, 0x03), 0, KHV_INSN_STORE, 2, 4, 4, RAX, 4,
	  .seg = KHV_INSN_DS, .off = (u32)GPR(RBX) },
	{ "32: mov %ax,(%ebx)", 4, B(0x66, 0x89, 0x03), 0, KHV_INSN_STORE, 3, 2, 2, RAX, 4,
	  .seg = KHV_INSN_DS, .off = (u32)GPR(RBX) },
	{ "32: mov 8(%ebp),%eax", 4, B(0x8b, 0x45, 0x08), 0, KHV_INSN_LOAD, 3, 4, 4, RAX, 4,
	  .seg = KHV_INSN_SS, .off = (u32)GPR(RBP) + 8 },
	{ "32: mov 0x12345678,%eax", 4, B(0xa1, 0x78, 0x56, 0x34, 0x12), 0, KHV_INSN_LOAD, 5,
	  4, 4, RAX, 4, .seg = KHV_INSN_DS, .off = 0x12345678 },
	{ "32: mov 0x12345678,%eax (disp32)", 4, B(0x8b, 0x05, 0x78, 0x56, 0x34, 0x12), 0,
	  KHV_INSN_LOAD, 6, 4, 4, RAX, 4, .seg = KHV_INSN_DS, .off = 0x12345678 },
	{ "32: addr16 mov (%bx),%eax", 4, B(0x67, 0x8b, 0x07), 0, KHV_INSN_LOAD, 3, 4, 4, RAX,
	  2, .seg = KHV_INSN_DS, .off = (u16)GPR(RBX) },
	{ "32: mov %dx,0x10(%esi,%edi,8)", 4, B(0x66, 0x89, 0x54, 0xfe, 0x10), 0,
	  KHV_INSN_STORE, 5, 2, 2, RDX, 4, .seg = KHV_INSN_DS,
	  .off = (u32)(GPR(RSI) + 8 * GPR(RDI) + 0x10) },
	{ "32: rep stosl", 4, B(0xf3, 0xab), 0, KHV_INSN_STOS, 2, 4, 4, RAX, 4, .rep = true,
	  .seg = KHV_INSN_DS },
	{ "32: movzbl (%esi),%eax", 4, B(0x0f, 0xb6, 0x06), 0, KHV_INSN_LOAD, 3, 1, 4, RAX, 4,
	  .seg = KHV_INSN_DS, .off = (u32)GPR(RSI) },
	{ "32: 0x40 is INC, not REX", 4, B(0x40, 0x89, 0x03), -EOPNOTSUPP },
	{ "32: 0x63 is ARPL", 4, B(0x63, 0x06), -EOPNOTSUPP },

	/* 16-bit code. */
	{ "16: mov %ax,(%bx)", 2, B(0x89, 0x07), 0, KHV_INSN_STORE, 2, 2, 2, RAX, 2,
	  .seg = KHV_INSN_DS, .off = (u16)GPR(RBX) },
	{ "16: mov %eax,(%bx)", 2, B(0x66, 0x89, 0x07), 0, KHV_INSN_STORE, 3, 4, 4, RAX, 2,
	  .seg = KHV_INSN_DS, .off = (u16)GPR(RBX) },
	{ "16: mov 0x10(%bp,%si),%al", 2, B(0x8a, 0x42, 0x10), 0, KHV_INSN_LOAD, 3, 1, 1, RAX,
	  2, .seg = KHV_INSN_SS, .off = (u16)(GPR(RBP) + GPR(RSI) + 0x10) },
	{ "16: mov -2(%bp),%ax", 2, B(0x8b, 0x46, 0xfe), 0, KHV_INSN_LOAD, 3, 2, 2, RAX, 2,
	  .seg = KHV_INSN_SS, .off = (u16)(GPR(RBP) - 2) },
	{ "16: mov %ds:-2(%bp),%ax", 2, B(0x3e, 0x8b, 0x46, 0xfe), 0, KHV_INSN_LOAD, 4, 2, 2,
	  RAX, 2, .seg = KHV_INSN_DS, .off = (u16)(GPR(RBP) - 2) },
	{ "16: mov 0x1234,%ax", 2, B(0xa1, 0x34, 0x12), 0, KHV_INSN_LOAD, 3, 2, 2, RAX, 2,
	  .seg = KHV_INSN_DS, .off = 0x1234 },
	{ "16: mov (%bx,%di),%cl", 2, B(0x8a, 0x09), 0, KHV_INSN_LOAD, 2, 1, 1, RCX, 2,
	  .seg = KHV_INSN_DS, .off = (u16)(GPR(RBX) + GPR(RDI)) },
	{ "16: mov 0x1234,%bx", 2, B(0x8b, 0x1e, 0x34, 0x12), 0, KHV_INSN_LOAD, 4, 2, 2, RBX, 2,
	  .seg = KHV_INSN_DS, .off = 0x1234 },
	{ "16: addr32 mov (%esp),%ax", 2, B(0x67, 0x8b, 0x04, 0x24), 0, KHV_INSN_LOAD, 4, 2, 2,
	  RAX, 4, .seg = KHV_INSN_SS, .off = (u32)GPR(RSP) },
	{ "16: movw $0x5678,0x1234", 2, B(0xc7, 0x06, 0x34, 0x12, 0x78, 0x56), 0,
	  KHV_INSN_STORE_IMM, 6, 2, 0, 0, 2, .seg = KHV_INSN_DS, .off = 0x1234, .imm = 0x5678 },
	{ "16: movl $0x12345678,0x1234", 2, B(0x66, 0xc7, 0x06, 0x34, 0x12, 0x78, 0x56, 0x34,
	  0x12), 0, KHV_INSN_STORE_IMM, 9, 4, 0, 0, 2, .seg = KHV_INSN_DS, .off = 0x1234,
	  .imm = 0x12345678 },
	{ "16: es movsw", 2, B(0x26, 0xa5), 0, KHV_INSN_MOVS, 2, 2, 2, RAX, 2,
	  .seg = KHV_INSN_ES },
	{ "16: rep stosw", 2, B(0xf3, 0xab), 0, KHV_INSN_STOS, 2, 2, 2, RAX, 2, .rep = true,
	  .seg = KHV_INSN_DS },

	/* Truncated: the bytes end inside the instruction. */
	{ "no bytes", 8, .n = 0, .ret = -ENODATA },
	{ "prefixes only", 8, B(0x66, 0x48), -ENODATA },
	{ "no ModRM", 8, B(0x8b), -ENODATA },
	{ "no SIB", 8, B(0x8b, 0x04), -ENODATA },
	{ "short disp8", 8, B(0x8b, 0x45), -ENODATA },
	{ "short disp32", 8, B(0x8b, 0x05, 0x00, 0x10, 0x00), -ENODATA },
	{ "short imm32", 8, B(0xc7, 0x07, 0xef, 0xbe), -ENODATA },
	{ "short moffs64", 8, B(0xa1, 0x88, 0x77, 0x66, 0x55), -ENODATA },
	{ "no second opcode byte", 8, B(0x0f), -ENODATA },
	{ "16: short disp16", 2, B(0x8b, 0x1e, 0x34), -ENODATA },

	/* Not decoded: other instructions that can touch memory. */
	{ "add %eax,(%rbx)", 8, B(0x01, 0x03), -EOPNOTSUPP },
	{ "xchg %eax,(%rbx)", 8, B(0x87, 0x03), -EOPNOTSUPP },
	{ "movd %xmm0,(%rbx)", 8, B(0x66, 0x0f, 0x7e, 0x03), -EOPNOTSUPP },
	{ "movups %xmm0,(%rbx)", 8, B(0x0f, 0x11, 0x03), -EOPNOTSUPP },
	{ "fstps (%rbx)", 8, B(0xd9, 0x1b), -EOPNOTSUPP },
	{ "vmovdqu %ymm0,(%rbx)", 8, B(0xc5, 0xfe, 0x7f, 0x03), -EOPNOTSUPP },
	{ "popcnt (F3 0F B8)", 8, B(0xf3, 0x0f, 0xb8, 0x03), -EOPNOTSUPP },
	{ "F3 0F B6 is not MOVZX", 8, B(0xf3, 0x0f, 0xb6, 0x03), -EOPNOTSUPP },
	{ "repne movsb", 8, B(0xf2, 0xa4), -EOPNOTSUPP },
	{ "C7 /1", 8, B(0xc7, 0x0f, 0, 0, 0, 0), -EOPNOTSUPP },
	{ "cmpsb", 8, B(0xa6), -EOPNOTSUPP },

	/* Encodings the CPU never executes as a memory access. */
	{ "lock mov", 8, B(0xf0, 0x89, 0x03), -EINVAL },
	{ "mov %eax,%ebx", 8, B(0x89, 0xc3), -EINVAL },
	{ "mov $1,%al", 8, B(0xc6, 0xc0, 0x01), -EINVAL },
	{ "movzbl %al,%eax", 8, B(0x0f, 0xb6, 0xc0), -EINVAL },
	{ "16 bytes", 8, B(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	  0x66, 0x66, 0x66, 0x89, 0x03), -EINVAL },
	{ "15 prefixes", 8, B(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	  0x66, 0x66, 0x66, 0x66), -EINVAL },
	{ "bad mode", 3, B(0x89, 0x03), -EINVAL },
};

static void decode_case_desc(const struct decode_case *t, char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(decode, decode_cases, decode_case_desc);

static void mmio_decode_table(struct kunit *test)
{
	const struct decode_case *t = test->param_value;
	struct khv_insn insn;
	u64 gprs[16];
	unsigned int i;
	int r;

	for (i = 0; i < ARRAY_SIZE(gprs); i++)
		gprs[i] = GPR(i);
	r = khv_insn_decode(t->bytes, t->n, t->mode, &insn);
	KUNIT_ASSERT_EQ(test, r, t->ret);
	if (r)
		return;
	KUNIT_EXPECT_EQ(test, insn.op, t->op);
	KUNIT_EXPECT_EQ(test, insn.len, t->len);
	KUNIT_EXPECT_EQ(test, insn.mem_size, t->mem);
	KUNIT_EXPECT_EQ(test, insn.addr_size, t->addr);
	KUNIT_EXPECT_EQ(test, insn.seg, t->seg);
	KUNIT_EXPECT_EQ(test, insn.rep, t->rep);
	if (t->op != KHV_INSN_STORE_IMM) {
		KUNIT_EXPECT_EQ(test, insn.reg_size, t->reg_size);
		KUNIT_EXPECT_EQ(test, insn.reg, t->reg);
		KUNIT_EXPECT_EQ(test, insn.high_byte, t->high);
		KUNIT_EXPECT_EQ(test, insn.sign_extend, t->sext);
	} else {
		KUNIT_EXPECT_EQ(test, insn.imm, t->imm);
	}
	if (t->op < KHV_INSN_LODS)
		KUNIT_EXPECT_EQ(test, khv_insn_mem_offset(&insn, gprs, RIP0 + insn.len),
				t->off);
}

/* Fewer bytes than the instruction never decode; all of them always do. */
static void mmio_decode_every_prefix(struct kunit *test)
{
	static const u8 insn_bytes[] = { 0x67, 0x4f, 0x63, 0x84, 0x5a, 0x78, 0x56, 0x34, 0x12 };
	struct khv_insn insn;
	unsigned int n;

	for (n = 0; n < sizeof(insn_bytes); n++)
		KUNIT_EXPECT_EQ(test, khv_insn_decode(insn_bytes, n, 8, &insn), -ENODATA);
	KUNIT_ASSERT_EQ(test, khv_insn_decode(insn_bytes, sizeof(insn_bytes), 8, &insn), 0);
	KUNIT_EXPECT_EQ(test, insn.len, sizeof(insn_bytes));
}

struct load_case {
	const char *name;
	u8 mode;
	u8 bytes[8];
	u8 n;
	u64 old, data, want;
};

#define OLD	0x1122334455667788ULL

static const struct load_case load_cases[] = {
	{ "mov (%rbx),%al", 8, B(0x8a, 0x03), OLD, 0xaa, 0x11223344556677aaULL },
	{ "mov (%rbx),%ah", 8, B(0x8a, 0x23), OLD, 0xaa, 0x112233445566aa88ULL },
	{ "mov (%rbx),%ax", 8, B(0x66, 0x8b, 0x03), OLD, 0xbbaa, 0x112233445566bbaaULL },
	{ "mov (%rbx),%eax: bits 63:32 cleared", 8, B(0x8b, 0x03), OLD, 0xddccbbaa,
	  0xddccbbaaULL },
	{ "mov (%rbx),%rax", 8, B(0x48, 0x8b, 0x03), OLD, 0x8877665544332211ULL,
	  0x8877665544332211ULL },
	{ "data beyond the access is ignored", 8, B(0x8a, 0x03), OLD, 0xffffff01,
	  0x1122334455667701ULL },
	{ "movzbl", 8, B(0x0f, 0xb6, 0x03), OLD, 0x80, 0x80 },
	{ "movzbw keeps 63:16", 8, B(0x66, 0x0f, 0xb6, 0x03), OLD, 0x80,
	  0x1122334455660080ULL },
	{ "movzwq", 8, B(0x48, 0x0f, 0xb7, 0x03), OLD, 0xffff, 0xffff },
	{ "movsbl", 8, B(0x0f, 0xbe, 0x03), OLD, 0x80, 0xffffff80ULL },
	{ "movsbw keeps 63:16", 8, B(0x66, 0x0f, 0xbe, 0x03), OLD, 0x80,
	  0x112233445566ff80ULL },
	{ "movsbq", 8, B(0x48, 0x0f, 0xbe, 0x03), OLD, 0x7f, 0x7f },
	{ "movswq", 8, B(0x48, 0x0f, 0xbf, 0x03), OLD, 0x8000, 0xffffffffffff8000ULL },
	{ "movslq", 8, B(0x48, 0x63, 0x03), OLD, 0x80000000, 0xffffffff80000000ULL },
	{ "32: mov (%ebx),%eax", 4, B(0x8b, 0x03), OLD, 0x12345678, 0x12345678 },
	{ "16: mov (%bx),%ax", 2, B(0x8b, 0x07), OLD, 0xbeef, 0x112233445566beefULL },
	{ "16: mov (%bx),%eax", 2, B(0x66, 0x8b, 0x07), OLD, 0xcafebeef, 0xcafebeefULL },
	{ "lodsb", 8, B(0xac), OLD, 0x42, 0x1122334455667742ULL },
	{ "lodsl", 8, B(0xad), OLD, 0x42, 0x42 },
};

static void load_case_desc(const struct load_case *t, char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(load, load_cases, load_case_desc);

static void mmio_decode_load_result(struct kunit *test)
{
	const struct load_case *t = test->param_value;
	struct khv_insn insn;

	KUNIT_ASSERT_EQ(test, khv_insn_decode(t->bytes, t->n, t->mode, &insn), 0);
	KUNIT_EXPECT_EQ(test, khv_insn_load_result(&insn, t->old, t->data), t->want);
}

static void mmio_decode_store_data(struct kunit *test)
{
	static const u8 ah[] = { 0x88, 0x23 }, ax[] = { 0x66, 0x89, 0x03 };
	static const u8 eax[] = { 0x89, 0x03 }, rax[] = { 0x48, 0x89, 0x03 };
	static const u8 imm64[] = { 0x48, 0xc7, 0x07, 0xfe, 0xff, 0xff, 0xff };
	static const u8 imm32[] = { 0xc7, 0x07, 0xef, 0xbe, 0xad, 0xde };
	struct khv_insn insn;

	KUNIT_ASSERT_EQ(test, khv_insn_decode(ah, sizeof(ah), 8, &insn), 0);
	KUNIT_EXPECT_EQ(test, khv_insn_store_data(&insn, OLD), 0x77ULL);
	KUNIT_ASSERT_EQ(test, khv_insn_decode(ax, sizeof(ax), 8, &insn), 0);
	KUNIT_EXPECT_EQ(test, khv_insn_store_data(&insn, OLD), 0x7788ULL);
	KUNIT_ASSERT_EQ(test, khv_insn_decode(eax, sizeof(eax), 8, &insn), 0);
	KUNIT_EXPECT_EQ(test, khv_insn_store_data(&insn, OLD), 0x55667788ULL);
	KUNIT_ASSERT_EQ(test, khv_insn_decode(rax, sizeof(rax), 8, &insn), 0);
	KUNIT_EXPECT_EQ(test, khv_insn_store_data(&insn, OLD), OLD);
	KUNIT_ASSERT_EQ(test, khv_insn_decode(imm64, sizeof(imm64), 8, &insn), 0);
	KUNIT_EXPECT_EQ(test, khv_insn_store_data(&insn, insn.imm), (u64)-2);
	KUNIT_ASSERT_EQ(test, khv_insn_decode(imm32, sizeof(imm32), 8, &insn), 0);
	KUNIT_EXPECT_EQ(test, khv_insn_store_data(&insn, insn.imm), 0xdeadbeefULL);
}

static struct kunit_case mmio_decode_cases[] = {
	KUNIT_CASE_PARAM(mmio_decode_table, decode_gen_params),
	KUNIT_CASE(mmio_decode_every_prefix),
	KUNIT_CASE_PARAM(mmio_decode_load_result, load_gen_params),
	KUNIT_CASE(mmio_decode_store_data),
	{}
};

static struct kunit_suite mmio_decode_suite = {
	.name = "khv_mmio_decode",
	.test_cases = mmio_decode_cases,
};
kunit_test_suite(mmio_decode_suite);
