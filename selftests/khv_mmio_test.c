// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_EXIT_MMIO: guest accesses outside every memslot exit to userspace
 * with the address, size, direction and (for writes) data; the data
 * userspace puts in mmio.data for a read arrives in the guest's register on
 * the next KVM_RUN, and RIP moves past the instruction.
 *
 * Each case is one instruction (guests/mmio.S) in 16-, 32- or 64-bit code:
 * MOV in both directions with 1/2/4/8 bytes, MOV imm, MOV moffs,
 * MOVZX/MOVSX/MOVSXD, RIP-relative and segment-relative operands,
 * LODS/STOS/MOVS with and without REP. The test sets all registers, serves
 * the exits the case lists, then checks every register at the guest's OUT to
 * CHECK_PORT and RIP at its HLT. Instructions neither khv nor KVM decode
 * end in KVM_EXIT_INTERNAL_ERROR with the instruction bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "vm.h"
#include "guests/mmio.inc"

#define X86_CR4_OSFXSR		(1ULL << 9)
#define X86_EFLAGS_DF		(1ULL << 10)

/* kvm_regs fields in their order; 0 ends a list. */
enum { NOREG, RAX, RBX, RCX, RDX, RSI, RDI, RSP, RBP, R8, R9, R10, R11, R12, R13, R14, R15 };
static const char reg_names[][4] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

static __u64 *reg_ptr(struct kvm_regs *r, int reg)
{
	return &r->rax + (reg - RAX);
}

struct reg_val {
	int reg;
	uint64_t val;
};

struct mmio_access {
	uint64_t gpa;		/* 0 ends the list */
	uint8_t len;
	bool write;
	uint64_t data;		/* what the guest writes, or what it is given */
};

/* Case flags. */
#define DF		(1 << 0)	/* RFLAGS.DF = 1 */
#define FS_BASE		(1 << 1)	/* FS base FS_BASE_VAL (64-bit) */
#define DS_RAM		(1 << 2)	/* real mode: DS = 0 instead of MMIO_SEG */
#define ES_RAM		(1 << 3)	/* real mode: ES = 0 */
#define SS_HIGH		(1 << 4)	/* real mode: SS = MMIO_SEG + 0x100 */
#define RAM_CHECK	(1 << 5)	/* check the 8 bytes at GUEST_DATA_GPA */

#define FS_BASE_VAL	0x1000ULL
#define RAM_INIT	0x0102030405060708ULL

struct mmio_case {
	const char *name;
	struct guest_code code;
	unsigned int flags;
	struct reg_val set[3];		/* on top of init_regs() */
	struct mmio_access acc[4];
	struct reg_val want[4];		/* registers the instruction changes */
	uint64_t ram;			/* RAM_CHECK: expected at GUEST_DATA_GPA */
};

#define MMIO(off)	(MMIO_GPA + (off))
#define W(off, len, data)	{ MMIO(off), len, true, data }
#define R(off, len, data)	{ MMIO(off), len, false, data }
#define CASE(guest)	.name = #guest, .code = GUEST_INIT(guest)

/* Register values before every case. Pointers are offsets in real mode. */
static void init_regs(struct kvm_regs *r, enum guest_mode mode)
{
	uint64_t base = mode == MODE_REAL ? 0 : MMIO_GPA;

	memset(r, 0, sizeof(*r));
	r->rax = 0x8877665544332211ULL;
	r->rbx = base;
	r->rcx = 0xc8c7c6c5c4c3c2c1ULL;
	r->rdx = 0xd8d7d6d5d4d3d2d1ULL;
	r->rsi = base + 0x40;
	r->rdi = base + 0x80;
	r->rsp = GUEST_STACK_TOP;
	r->rbp = base + 0xc0;
	r->r8 = 0x8888888888888888ULL;
	r->r9 = 0x9999999999999999ULL;
	r->r10 = 0xaaaaaaaaaaaaaaaaULL;
	r->r11 = 0xbbbbbbbbbbbbbbbbULL;
	r->r12 = 0xccccccccccccccccULL;
	r->r13 = 0xddddddddddddddddULL;
	r->r14 = 0xeeeeeeeeeeeeeeeeULL;
	r->r15 = 0xf0f0f0f0f0f0f0f0ULL;
	r->rip = GUEST_CODE_GPA;
	r->rflags = 0x202;
}

GUEST_DECLARE(m64_st8); GUEST_DECLARE(m64_st8_ah); GUEST_DECLARE(m64_st16);
GUEST_DECLARE(m64_st32); GUEST_DECLARE(m64_st64); GUEST_DECLARE(m64_st64_r9);
GUEST_DECLARE(m64_st32_sib); GUEST_DECLARE(m64_st8_r11b); GUEST_DECLARE(m64_st8_sil);
GUEST_DECLARE(m64_imm8); GUEST_DECLARE(m64_imm16); GUEST_DECLARE(m64_imm32);
GUEST_DECLARE(m64_imm64); GUEST_DECLARE(m64_moffs_st32); GUEST_DECLARE(m64_moffs_st8);
GUEST_DECLARE(m64_fs_st32); GUEST_DECLARE(m64_addr32_st32); GUEST_DECLARE(m64_riprel_st32);
GUEST_DECLARE(m64_ld8); GUEST_DECLARE(m64_ld8_ch); GUEST_DECLARE(m64_ld16);
GUEST_DECLARE(m64_ld32); GUEST_DECLARE(m64_ld64); GUEST_DECLARE(m64_ld32_r12d);
GUEST_DECLARE(m64_ld8_r13b); GUEST_DECLARE(m64_movzbl); GUEST_DECLARE(m64_movzwq);
GUEST_DECLARE(m64_movsbl); GUEST_DECLARE(m64_movsbw); GUEST_DECLARE(m64_movswq);
GUEST_DECLARE(m64_movslq); GUEST_DECLARE(m64_moffs_ld64); GUEST_DECLARE(m64_moffs_ld8);
GUEST_DECLARE(m64_ld32_rbp); GUEST_DECLARE(m64_riprel_ld64);
GUEST_DECLARE(m64_stosl); GUEST_DECLARE(m64_rep_stosb); GUEST_DECLARE(m64_lodsw);
GUEST_DECLARE(m64_lodsl); GUEST_DECLARE(m64_movsq); GUEST_DECLARE(m64_movsl);
GUEST_DECLARE(m64_movsw); GUEST_DECLARE(m64_rep_movsb);
GUEST_DECLARE(m64_movd_xmm); GUEST_DECLARE(m64_fstps); GUEST_DECLARE(m64_split_st32);
GUEST_DECLARE(m64_split_ram_st32);

static const struct mmio_case cases64[] = {
	/* Stores: the data in mmio.data, little-endian, len bytes. */
	{ CASE(m64_st8), .acc = { W(0, 1, 0x11) } },
	{ CASE(m64_st8_ah), .acc = { W(1, 1, 0x22) } },
	{ CASE(m64_st16), .acc = { W(2, 2, 0x2211) } },
	{ CASE(m64_st32), .acc = { W(4, 4, 0x44332211) } },
	{ CASE(m64_st64), .acc = { W(8, 8, 0x8877665544332211ULL) } },
	{ CASE(m64_st64_r9), .acc = { W(0x10, 8, 0x9999999999999999ULL) } },
	{ CASE(m64_st32_sib), .set = { { RCX, 2 } }, .acc = { W(0x10, 4, 0xaaaaaaaa) } },
	{ CASE(m64_st8_r11b), .acc = { W(0x20, 1, 0xbb) } },
	{ CASE(m64_st8_sil), .acc = { W(0x21, 1, 0x40) } },
	{ CASE(m64_imm8), .acc = { W(0x30, 1, 0x5a) } },
	{ CASE(m64_imm16), .acc = { W(0x32, 2, 0x1234) } },
	{ CASE(m64_imm32), .acc = { W(0x34, 4, 0xdeadbeef) } },
	{ CASE(m64_imm64), .acc = { W(0x38, 8, 0xfffffffffffffffeULL) } },
	{ CASE(m64_moffs_st32), .acc = { W(0x40, 4, 0x44332211) } },
	{ CASE(m64_moffs_st8), .acc = { W(0x44, 1, 0x11) } },
	{ CASE(m64_riprel_st32), .acc = { W(0x48, 4, 0xd4d3d2d1) } },
	{ CASE(m64_fs_st32), .flags = FS_BASE,
	  .acc = { W(FS_BASE_VAL + 0x50, 4, 0xc4c3c2c1) } },
	{ CASE(m64_addr32_st32), .set = { { RBX, 0xabcd00000000ULL + MMIO_GPA } },
	  .acc = { W(0, 4, 0x44332211) } },
	/* Loads: zero/sign extension, 8/16-bit merges, 32-bit writes clear 63:32. */
	{ CASE(m64_ld8), .acc = { R(0x60, 1, 0x5a) }, .want = { { RCX, 0xc8c7c6c5c4c3c25aULL } } },
	{ CASE(m64_ld8_ch), .acc = { R(0x60, 1, 0x5a) },
	  .want = { { RCX, 0xc8c7c6c5c4c35ac1ULL } } },
	{ CASE(m64_ld16), .acc = { R(0x60, 2, 0xbeef) },
	  .want = { { RCX, 0xc8c7c6c5c4c3beefULL } } },
	{ CASE(m64_ld32), .acc = { R(0x60, 4, 0xdeadbeef) }, .want = { { RCX, 0xdeadbeef } } },
	{ CASE(m64_ld64), .acc = { R(0x60, 8, 0x0123456789abcdefULL) },
	  .want = { { RCX, 0x0123456789abcdefULL } } },
	{ CASE(m64_ld32_r12d), .acc = { R(0x60, 4, 0x87654321) }, .want = { { R12, 0x87654321 } } },
	{ CASE(m64_ld8_r13b), .acc = { R(0x60, 1, 0x5a) },
	  .want = { { R13, 0xdddddddddddddd5aULL } } },
	{ CASE(m64_movzbl), .acc = { R(0x60, 1, 0x80) }, .want = { { RDX, 0x80 } } },
	{ CASE(m64_movzwq), .acc = { R(0x60, 2, 0x8001) }, .want = { { R8, 0x8001 } } },
	{ CASE(m64_movsbl), .acc = { R(0x60, 1, 0x80) }, .want = { { RDX, 0xffffff80 } } },
	{ CASE(m64_movsbw), .acc = { R(0x60, 1, 0x80) },
	  .want = { { RDX, 0xd8d7d6d5d4d3ff80ULL } } },
	{ CASE(m64_movswq), .acc = { R(0x60, 2, 0x8001) },
	  .want = { { RDX, 0xffffffffffff8001ULL } } },
	{ CASE(m64_movslq), .acc = { R(0x60, 4, 0x80000001) },
	  .want = { { RDX, 0xffffffff80000001ULL } } },
	{ CASE(m64_moffs_ld64), .acc = { R(0x68, 8, 0x1122334455667788ULL) },
	  .want = { { RAX, 0x1122334455667788ULL } } },
	{ CASE(m64_moffs_ld8), .acc = { R(0x68, 1, 0xee) },
	  .want = { { RAX, 0x88776655443322eeULL } } },
	{ CASE(m64_ld32_rbp), .acc = { R(0xd0, 4, 0x600d600d) }, .want = { { RCX, 0x600d600d } } },
	{ CASE(m64_riprel_ld64), .acc = { R(0x70, 8, 0x7766554433221100ULL) },
	  .want = { { R14, 0x7766554433221100ULL } } },
	/* String forms: one item per exit; rSI/rDI/rCX as the CPU leaves them. */
	{ CASE(m64_stosl), .acc = { W(0x80, 4, 0x44332211) }, .want = { { RDI, MMIO(0x84) } } },
	{ CASE(m64_rep_stosb), .set = { { RCX, 3 } },
	  .acc = { W(0x80, 1, 0x11), W(0x81, 1, 0x11), W(0x82, 1, 0x11) },
	  .want = { { RDI, MMIO(0x83) }, { RCX, 0 } } },
	{ CASE(m64_lodsw), .acc = { R(0x40, 2, 0xcafe) },
	  .want = { { RAX, 0x887766554433cafeULL }, { RSI, MMIO(0x42) } } },
	{ CASE(m64_lodsl), .flags = DF, .acc = { R(0x40, 4, 0x12345678) },
	  .want = { { RAX, 0x12345678 }, { RSI, MMIO(0x3c) } } },
	{ CASE(m64_movsq), .flags = RAM_CHECK, .set = { { RSI, GUEST_DATA_GPA } },
	  .acc = { W(0x80, 8, RAM_INIT) },
	  .want = { { RSI, GUEST_DATA_GPA + 8 }, { RDI, MMIO(0x88) } }, .ram = RAM_INIT },
	{ CASE(m64_movsl), .flags = RAM_CHECK, .set = { { RDI, GUEST_DATA_GPA } },
	  .acc = { R(0x40, 4, 0xfeedface) },
	  .want = { { RSI, MMIO(0x44) }, { RDI, GUEST_DATA_GPA + 4 } },
	  .ram = 0x01020304feedfaceULL },
	{ CASE(m64_movsw), .acc = { R(0x40, 2, 0xabcd), W(0x80, 2, 0xabcd) },
	  .want = { { RSI, MMIO(0x42) }, { RDI, MMIO(0x82) } } },
	{ CASE(m64_rep_movsb), .set = { { RCX, 2 }, { RSI, GUEST_DATA_GPA } },
	  .acc = { W(0x80, 1, 0x08), W(0x81, 1, 0x07) },
	  .want = { { RCX, 0 }, { RSI, GUEST_DATA_GPA + 2 }, { RDI, MMIO(0x82) } } },
};

GUEST_DECLARE(m32_st8); GUEST_DECLARE(m32_st8_ah); GUEST_DECLARE(m32_st16);
GUEST_DECLARE(m32_st32); GUEST_DECLARE(m32_st32_sib); GUEST_DECLARE(m32_imm8);
GUEST_DECLARE(m32_imm16); GUEST_DECLARE(m32_imm32); GUEST_DECLARE(m32_moffs_st32);
GUEST_DECLARE(m32_moffs_ld8); GUEST_DECLARE(m32_disp32_ld32); GUEST_DECLARE(m32_ld8);
GUEST_DECLARE(m32_ld16); GUEST_DECLARE(m32_ld32); GUEST_DECLARE(m32_movzbl);
GUEST_DECLARE(m32_movswl); GUEST_DECLARE(m32_ld32_ebp); GUEST_DECLARE(m32_rep_stosw);
GUEST_DECLARE(m32_lodsb); GUEST_DECLARE(m32_movsl); GUEST_DECLARE(m32_movsw);

static const struct mmio_case cases32[] = {
	{ CASE(m32_st8), .acc = { W(0, 1, 0x11) } },
	{ CASE(m32_st8_ah), .acc = { W(1, 1, 0x22) } },
	{ CASE(m32_st16), .acc = { W(2, 2, 0x2211) } },
	{ CASE(m32_st32), .acc = { W(4, 4, 0x44332211) } },
	{ CASE(m32_st32_sib), .set = { { RCX, 4 } }, .acc = { W(0x10, 4, 0xd4d3d2d1) } },
	{ CASE(m32_imm8), .acc = { W(0x30, 1, 0xa5) } },
	{ CASE(m32_imm16), .acc = { W(0x32, 2, 0x4321) } },
	{ CASE(m32_imm32), .acc = { W(0x34, 4, 0xcafef00d) } },
	{ CASE(m32_moffs_st32), .acc = { W(0x40, 4, 0x44332211) } },
	{ CASE(m32_moffs_ld8), .acc = { R(0x44, 1, 0x99) },
	  .want = { { RAX, 0x8877665544332299ULL } } },
	{ CASE(m32_disp32_ld32), .acc = { R(0x48, 4, 0x13572468) }, .want = { { RCX, 0x13572468 } } },
	{ CASE(m32_ld8), .acc = { R(0x60, 1, 0x5a) }, .want = { { RCX, 0xc8c7c6c5c4c3c25aULL } } },
	{ CASE(m32_ld16), .acc = { R(0x60, 2, 0xbeef) },
	  .want = { { RCX, 0xc8c7c6c5c4c3beefULL } } },
	{ CASE(m32_ld32), .acc = { R(0x60, 4, 0xdeadbeef) }, .want = { { RCX, 0xdeadbeef } } },
	{ CASE(m32_movzbl), .acc = { R(0x60, 1, 0xff) }, .want = { { RDX, 0xff } } },
	{ CASE(m32_movswl), .acc = { R(0x60, 2, 0x8000) }, .want = { { RDX, 0xffff8000 } } },
	{ CASE(m32_ld32_ebp), .acc = { R(0xd0, 4, 0x600d600d) }, .want = { { RCX, 0x600d600d } } },
	{ CASE(m32_rep_stosw), .set = { { RCX, 2 } },
	  .acc = { W(0x80, 2, 0x2211), W(0x82, 2, 0x2211) },
	  .want = { { RCX, 0 }, { RDI, MMIO(0x84) } } },
	{ CASE(m32_lodsb), .acc = { R(0x40, 1, 0x77) },
	  .want = { { RAX, 0x8877665544332277ULL }, { RSI, MMIO(0x41) } } },
	{ CASE(m32_movsl), .set = { { RSI, GUEST_DATA_GPA } }, .acc = { W(0x80, 4, 0x05060708) },
	  .want = { { RSI, GUEST_DATA_GPA + 4 }, { RDI, MMIO(0x84) } } },
	{ CASE(m32_movsw), .flags = RAM_CHECK, .set = { { RDI, GUEST_DATA_GPA } },
	  .acc = { R(0x40, 2, 0x1234) },
	  .want = { { RSI, MMIO(0x42) }, { RDI, GUEST_DATA_GPA + 2 } },
	  .ram = 0x0102030405061234ULL },
};

GUEST_DECLARE(m16_st8); GUEST_DECLARE(m16_st8_ah); GUEST_DECLARE(m16_st16);
GUEST_DECLARE(m16_st32); GUEST_DECLARE(m16_st16_bx_si); GUEST_DECLARE(m16_st16_bp_di);
GUEST_DECLARE(m16_imm8); GUEST_DECLARE(m16_imm16); GUEST_DECLARE(m16_imm32);
GUEST_DECLARE(m16_moffs_ld16); GUEST_DECLARE(m16_moffs_st8); GUEST_DECLARE(m16_ld8);
GUEST_DECLARE(m16_ld8_ch); GUEST_DECLARE(m16_ld16); GUEST_DECLARE(m16_ld32);
GUEST_DECLARE(m16_movzbw); GUEST_DECLARE(m16_movsbl); GUEST_DECLARE(m16_addr32_ld16);
GUEST_DECLARE(m16_rep_stosw); GUEST_DECLARE(m16_lodsb); GUEST_DECLARE(m16_movsw_to_ram);
GUEST_DECLARE(m16_movsw_from_ram);

/* Real mode: DS = ES = SS = MMIO_SEG unless the flags say otherwise. */
static const struct mmio_case cases16[] = {
	{ CASE(m16_st8), .acc = { W(0, 1, 0x11) } },
	{ CASE(m16_st8_ah), .acc = { W(1, 1, 0x22) } },
	{ CASE(m16_st16), .acc = { W(2, 2, 0x2211) } },
	{ CASE(m16_st32), .acc = { W(4, 4, 0x44332211) } },
	{ CASE(m16_st16_bx_si), .acc = { W(0x40, 2, 0xc2c1) } },
	/* BP-based: SS, here 4 KiB above DS. */
	{ CASE(m16_st16_bp_di), .flags = SS_HIGH, .acc = { W(0x1000 + 0x150, 2, 0xd2d1) } },
	{ CASE(m16_imm8), .acc = { W(0x30, 1, 0x5a) } },
	{ CASE(m16_imm16), .acc = { W(0x32, 2, 0x1234) } },
	{ CASE(m16_imm32), .acc = { W(0x34, 4, 0x12345678) } },
	{ CASE(m16_moffs_ld16), .acc = { R(0x40, 2, 0xf00d) },
	  .want = { { RAX, 0x887766554433f00dULL } } },
	{ CASE(m16_moffs_st8), .acc = { W(0x44, 1, 0x11) } },
	{ CASE(m16_ld8), .acc = { R(0x60, 1, 0x5a) }, .want = { { RCX, 0xc8c7c6c5c4c3c25aULL } } },
	{ CASE(m16_ld8_ch), .acc = { R(0x60, 1, 0x5a) },
	  .want = { { RCX, 0xc8c7c6c5c4c35ac1ULL } } },
	{ CASE(m16_ld16), .acc = { R(0x60, 2, 0xbeef) },
	  .want = { { RCX, 0xc8c7c6c5c4c3beefULL } } },
	{ CASE(m16_ld32), .acc = { R(0x60, 4, 0xdeadbeef) }, .want = { { RCX, 0xdeadbeef } } },
	{ CASE(m16_movzbw), .acc = { R(0x60, 1, 0x80) },
	  .want = { { RDX, 0xd8d7d6d5d4d30080ULL } } },
	{ CASE(m16_movsbl), .acc = { R(0x60, 1, 0x80) }, .want = { { RDX, 0xffffff80 } } },
	{ CASE(m16_addr32_ld16), .acc = { R(0x60, 2, 0x4242) },
	  .want = { { RAX, 0x8877665544334242ULL } } },
	/* CX counts and DI steps as 16-bit registers: bits 63:16 stay. */
	{ CASE(m16_rep_stosw), .set = { { RCX, 0xc8c7c6c5c4c30002ULL }, { RDI, 0xffff0080ULL } },
	  .acc = { W(0x80, 2, 0x2211), W(0x82, 2, 0x2211) },
	  .want = { { RCX, 0xc8c7c6c5c4c30000ULL }, { RDI, 0xffff0084ULL } } },
	{ CASE(m16_lodsb), .acc = { R(0x40, 1, 0x66) },
	  .want = { { RAX, 0x8877665544332266ULL }, { RSI, 0x41 } } },
	{ CASE(m16_movsw_to_ram), .flags = ES_RAM | RAM_CHECK, .set = { { RDI, GUEST_DATA_GPA } },
	  .acc = { R(0x40, 2, 0x55aa) },
	  .want = { { RSI, 0x42 }, { RDI, GUEST_DATA_GPA + 2 } }, .ram = 0x01020304050655aaULL },
	{ CASE(m16_movsw_from_ram), .flags = DS_RAM, .set = { { RSI, GUEST_DATA_GPA } },
	  .acc = { W(0x80, 2, 0x0708) },
	  .want = { { RSI, GUEST_DATA_GPA + 2 }, { RDI, 0x82 } } },
};

FIXTURE(mmio) {
	struct vm *vm;
	struct vcpu *v;
};

FIXTURE_SETUP(mmio)
{
	/* Slot 0 ends where MMIO begins. */
	self->vm = vm_create_with_mem(MMIO_GPA);
	self->v = vcpu_add(self->vm, 0);
}

FIXTURE_TEARDOWN(mmio)
{
	vcpu_free(self->v);
	vm_destroy(self->vm);
}

static void set_real_seg(struct kvm_segment *s, uint16_t sel)
{
	s->selector = sel;
	s->base = (uint64_t)sel << 4;
}

/* Loads @c's guest in @mode with the case's registers; returns them. */
static void setup_case(struct vcpu *v, enum guest_mode mode, const struct mmio_case *c,
		       struct kvm_regs *regs)
{
	uint64_t ram = RAM_INIT;
	struct kvm_sregs sr;
	int i;

	vm_load_code(v->vm, c->code);
	vm_write(v->vm, GUEST_DATA_GPA, &ram, sizeof(ram));
	vcpu_set_mode(v, mode, GUEST_CODE_GPA);
	vcpu_get_sregs(v, &sr);
	if (mode == MODE_REAL) {
		set_real_seg(&sr.ds, c->flags & DS_RAM ? 0 : MMIO_SEG);
		set_real_seg(&sr.es, c->flags & ES_RAM ? 0 : MMIO_SEG);
		set_real_seg(&sr.ss, MMIO_SEG + (c->flags & SS_HIGH ? 0x100 : 0));
	}
	if (c->flags & FS_BASE)
		sr.fs.base = FS_BASE_VAL;
	sr.cr4 |= X86_CR4_OSFXSR;	/* SSE instructions are not #UD */
	vcpu_set_sregs(v, &sr);

	init_regs(regs, mode);
	for (i = 0; i < 3 && c->set[i].reg; i++)
		*reg_ptr(regs, c->set[i].reg) = c->set[i].val;
	if (c->flags & DF)
		regs->rflags |= X86_EFLAGS_DF;
	vcpu_set_regs(v, regs);
}

/* Serves the exits @c lists, then checks the registers and RIP. */
static void run_case(struct __test_metadata *_metadata, struct vcpu *v, enum guest_mode mode,
		     const struct mmio_case *c)
{
	struct kvm_run *run = v->run;
	struct kvm_regs regs, want;
	uint64_t data, ram;
	int i;

	setup_case(v, mode, c, &want);
	for (i = 0; i < 3 && c->want[i].reg; i++)
		*reg_ptr(&want, c->want[i].reg) = c->want[i].val;

	for (i = 0; i < 4 && c->acc[i].gpa; i++) {
		const struct mmio_access *a = &c->acc[i];

		ASSERT_EQ(KVM_EXIT_MMIO, vcpu_run_exit(v))
			TH_LOG("%s, access %d: %s", c->name, i, vcpu_exit_str(v));
		EXPECT_EQ(a->gpa, run->mmio.phys_addr) TH_LOG("%s, access %d", c->name, i);
		EXPECT_EQ(a->len, run->mmio.len) TH_LOG("%s, access %d", c->name, i);
		EXPECT_EQ(a->write, run->mmio.is_write) TH_LOG("%s, access %d", c->name, i);
		if (a->write) {
			data = 0;
			memcpy(&data, run->mmio.data, a->len);
			EXPECT_EQ(a->data, data) TH_LOG("%s, access %d", c->name, i);
		} else {
			memcpy(run->mmio.data, &a->data, sizeof(a->data));
		}
	}

	ASSERT_EQ(KVM_EXIT_IO, vcpu_run_exit(v)) TH_LOG("%s: %s", c->name, vcpu_exit_str(v));
	ASSERT_TRUE(vcpu_is_io(v, CHECK_PORT, KVM_EXIT_IO_OUT, 1))
		TH_LOG("%s: %s", c->name, vcpu_exit_str(v));
	vcpu_get_regs(v, &regs);
	for (i = RAX; i <= R15; i++)
		EXPECT_EQ(*reg_ptr(&want, i), *reg_ptr(&regs, i))
			TH_LOG("%s: %s", c->name, reg_names[i - RAX]);
	if (c->flags & RAM_CHECK) {
		memcpy(&ram, vm_hva(v->vm, GUEST_DATA_GPA), sizeof(ram));
		EXPECT_EQ(c->ram, ram) TH_LOG("%s: RAM", c->name);
	}

	/* At HLT, RIP is past it: the MMIO instruction had the right length. */
	ASSERT_EQ(KVM_EXIT_HLT, vcpu_run_exit(v)) TH_LOG("%s: %s", c->name, vcpu_exit_str(v));
	vcpu_get_regs(v, &regs);
	EXPECT_EQ(GUEST_CODE_GPA + (c->code.end - c->code.start), regs.rip)
		TH_LOG("%s: RIP", c->name);
}

#define RUN_CASES(mode, table)					\
	do {							\
		for (size_t i = 0; i < ARRAY_SIZE(table); i++)	\
			run_case(_metadata, self->v, mode, &table[i]);	\
	} while (0)

TEST_F(mmio, long64_forms)
{
	RUN_CASES(MODE_LONG64, cases64);
}

TEST_F(mmio, prot32_forms)
{
	RUN_CASES(MODE_PROT32, cases32);
}

TEST_F(mmio, real_forms)
{
	RUN_CASES(MODE_REAL, cases16);
}

/* The emulation-failure exit names the instruction: size and bytes. */
static void expect_emulation_failure(struct __test_metadata *_metadata, struct vcpu *v,
				     struct guest_code code, size_t insn_len)
{
	struct kvm_run *run = v->run;

	ASSERT_EQ(KVM_EXIT_INTERNAL_ERROR, vcpu_run_exit(v)) TH_LOG("%s", vcpu_exit_str(v));
	TH_LOG("suberror %u ndata %u flags %#llx insn_size %u", run->emulation_failure.suberror,
	       run->emulation_failure.ndata, (unsigned long long)run->emulation_failure.flags,
	       run->emulation_failure.insn_size);
	EXPECT_EQ(KVM_INTERNAL_ERROR_EMULATION, (int)run->emulation_failure.suberror);
	ASSERT_TRUE(!!(run->emulation_failure.flags &
		       KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES));
	EXPECT_GE(run->emulation_failure.ndata, 3u);
	ASSERT_GE(run->emulation_failure.insn_size, insn_len);
	ASSERT_LE(run->emulation_failure.insn_size, 15);
	EXPECT_EQ(0, memcmp(run->emulation_failure.insn_bytes, code.start, insn_len));
}

/* An SSE store (66 0F 7E) to MMIO: not decoded, the bytes come back. */
TEST_F(mmio, sse_store_is_emulation_failure)
{
	static const struct mmio_case c = { CASE(m64_movd_xmm) };
	struct kvm_regs regs;

	setup_case(self->v, MODE_LONG64, &c, &regs);
	expect_emulation_failure(_metadata, self->v, c.code, 4);
}

/* An x87 store (D9 /3) to MMIO. */
TEST_F(mmio, x87_store_is_emulation_failure)
{
	static const struct mmio_case c = { CASE(m64_fstps) };
	struct kvm_regs regs;

	setup_case(self->v, MODE_LONG64, &c, &regs);
	expect_emulation_failure(_metadata, self->v, c.code, 2);
}

/*
 * A 4-byte store across a page boundary inside MMIO. KVM splits it into
 * two 2-byte exits; khv refuses it (docs/mmio.md) with the instruction.
 */
TEST_F(mmio, page_split_store)
{
	static const struct mmio_case c = {
		CASE(m64_split_st32),
		.acc = { W(0xffe, 2, 0x2211), W(0x1000, 2, 0x4433) },
	};
	struct kvm_regs regs;

	if (vm_dev_is_kvm()) {
		run_case(_metadata, self->v, MODE_LONG64, &c);
		return;
	}
	setup_case(self->v, MODE_LONG64, &c, &regs);
	expect_emulation_failure(_metadata, self->v, c.code, 6);
}

/*
 * A 4-byte store whose first half is the last bytes of RAM, the second the
 * first of MMIO. KVM writes the RAM half and exits for the other; khv
 * refuses it: the exit is for the second page, not where the operand starts.
 */
TEST_F(mmio, ram_mmio_split_store)
{
	static const struct mmio_case c = {
		CASE(m64_split_ram_st32),
		.acc = { W(0, 2, 0x4433) },
	};
	struct kvm_regs regs;
	uint16_t ram;

	if (vm_dev_is_kvm()) {
		run_case(_metadata, self->v, MODE_LONG64, &c);
		memcpy(&ram, vm_hva(self->vm, MMIO_GPA - 2), sizeof(ram));
		EXPECT_EQ(0x2211, ram);
		return;
	}
	setup_case(self->v, MODE_LONG64, &c, &regs);
	expect_emulation_failure(_metadata, self->v, c.code, 3);
}

/* A pending read is completed by KVM_RUN with immediate_exit too (api.rst). */
TEST_F(mmio, read_completed_with_immediate_exit)
{
	static const struct mmio_case c = { CASE(m64_ld32) };
	struct kvm_run *run = self->v->run;
	uint32_t val = 0x5eed1e55;
	struct kvm_regs regs;

	setup_case(self->v, MODE_LONG64, &c, &regs);
	ASSERT_EQ(KVM_EXIT_MMIO, vcpu_run_exit(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
	memcpy(run->mmio.data, &val, sizeof(val));
	run->immediate_exit = 1;
	EXPECT_EQ(-EINTR, vcpu_run(self->v));
	run->immediate_exit = 0;
	vcpu_get_regs(self->v, &regs);
	EXPECT_EQ(val, regs.rcx);
	/* Past the load, at the OUT (3 bytes before the guest's end). */
	EXPECT_EQ(GUEST_CODE_GPA + (c.code.end - c.code.start) - 3, regs.rip);
	ASSERT_EQ(KVM_EXIT_IO, vcpu_run_exit(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
	EXPECT_TRUE(vcpu_is_io(self->v, CHECK_PORT, KVM_EXIT_IO_OUT, 1));
}

TEST_HARNESS_MAIN
