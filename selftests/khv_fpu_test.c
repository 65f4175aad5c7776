// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's x87/SSE/AVX state, XCR0 and debug registers: KVM_GET/SET_FPU,
 * KVM_GET/SET_XSAVE, KVM_GET_XSAVE2, KVM_GET/SET_XCRS, KVM_GET/SET_DEBUGREGS
 * and their refusals, what a guest sees of them and makes of them, XSETBV
 * and CPUID's XSAVE bits in the guest, and the isolation of vector
 * registers: a guest clobbering all of them between exits while the test
 * thread checks that its own survived every KVM_RUN (one VM, and two VMs on
 * two CPUs). Guests in guests/fpu.S, data layout in guests/fpu.inc.
 */
#include <cpuid.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vm.h"
#include "guests/fpu.inc"

GUEST_DECLARE(fpu_store64); GUEST_DECLARE(fpu_load64);
GUEST_DECLARE(clobber64); GUEST_DECLARE(xsetbv64);
GUEST_DECLARE(cpuid_xsave64); GUEST_DECLARE(dr64);

#define XCR0_X87	0x1ULL
#define XCR0_SSE	0x2ULL
#define XCR0_AVX	0x4ULL
#define XCR0_PKRU	0x200ULL
#define CR4_OSFXSR	(1ULL << 9)
#define CR4_OSXMMEXCPT	(1ULL << 10)
#define CR4_OSXSAVE	(1ULL << 18)

/* Offsets in struct kvm_xsave (non-compacted XSAVE layout, SDM Vol. 1, 13.4). */
#define XS_FCW		0
#define XS_MXCSR	24
#define XS_ST		32
#define XS_XMM		160
#define XS_XSTATE_BV	512
#define XS_XCOMP_BV	520

/* The host has AVX and its kernel enabled it (CPUID.1:ECX OSXSAVE, AVX; XCR0). */
static bool host_avx(void)
{
	unsigned int a, b, c, d;
	uint32_t lo, hi;

	__cpuid(1, a, b, c, d);
	if (!(c & (1u << 27)) || !(c & (1u << 28)))
		return false;
	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6;
}

/* Offset of the AVX state in the standard format: CPUID.(0DH, 2).EBX. */
static uint32_t ymm_offset(void)
{
	unsigned int a, b, c, d;

	__cpuid_count(0xd, 2, a, b, c, d);
	return b;
}

static uint8_t *data(struct vm *vm, uint64_t off)
{
	return vm_hva(vm, GUEST_DATA_GPA + off);
}

/* A recognisable byte pattern: byte i of the buffer gets seed + i. */
static void fill(void *p, size_t len, uint8_t seed)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = seed + i;
}

static int xcrs_set(struct vcpu *v, uint64_t xcr0)
{
	struct kvm_xcrs x = { .nr_xcrs = 1 };

	x.xcrs[0].xcr = 0;
	x.xcrs[0].value = xcr0;
	return ioctl(v->fd, KVM_SET_XCRS, &x) ? -errno : 0;
}

static uint64_t xcr0_get(struct vcpu *v)
{
	struct kvm_xcrs x;

	memset(&x, 0xff, sizeof(x));
	if (ioctl(v->fd, KVM_GET_XCRS, &x) || x.nr_xcrs != 1 || x.xcrs[0].xcr)
		return ~0ULL;
	return x.xcrs[0].value;
}

static void cr4_set(struct vcpu *v, uint64_t bits)
{
	struct kvm_sregs sr;

	vcpu_get_sregs(v, &sr);
	sr.cr4 |= bits;
	vcpu_set_sregs(v, &sr);
}

/* A vCPU in 64-bit mode at the guest, with R12..R14 as given. */
static struct vcpu *start64(struct vm *vm, struct guest_code g, uint64_t r12,
			    uint64_t r13, uint64_t r14)
{
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_regs regs;

	vm_load_code(vm, g);
	vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
	vcpu_get_regs(v, &regs);
	regs.r12 = r12;
	regs.r13 = r13;
	regs.r14 = r14;
	vcpu_set_regs(v, &regs);
	return v;
}

FIXTURE(fpu) {
	struct vm *vm;
	struct vcpu *v;
	bool avx;
};

FIXTURE_SETUP(fpu)
{
	self->vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	self->v = NULL;
	self->avx = host_avx();
}

FIXTURE_TEARDOWN(fpu)
{
	if (self->v)
		vcpu_free(self->v);
	vm_destroy(self->vm);
}

TEST_F(fpu, caps)
{
	int fd = self->vm->sys_fd;

	EXPECT_EQ(1, ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE));
	EXPECT_EQ(1, ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_XCRS));
	EXPECT_EQ(1, ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_DEBUGREGS));
	EXPECT_LE((int)sizeof(struct kvm_xsave),
		  ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE2));
}

/*
 * kvm_intel 6.12 neither reports nor takes MXCSR in struct kvm_fpu (GET_FPU
 * returns 0 there); khv does both (docs/abi.md). MXCSR is checked on khv.
 */
static bool fpu_has_mxcsr(void)
{
	return !vm_dev_is_kvm();
}

/* After creation: FCW 0x37f, MXCSR 0x1f80 (SDM Vol. 3A, Table 10-1), XCR0 1. */
TEST_F(fpu, reset_state)
{
	struct kvm_fpu f;
	static const uint8_t zero[256];

	self->v = vcpu_add(self->vm, 0);
	memset(&f, 0xaa, sizeof(f));
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_GET_FPU, &f));
	EXPECT_EQ(0x37f, f.fcw);
	EXPECT_EQ(0, f.fsw);
	EXPECT_EQ(0, f.ftwx);
	if (fpu_has_mxcsr())
		EXPECT_EQ(0x1f80u, f.mxcsr);
	EXPECT_EQ(0, memcmp(f.xmm, zero, sizeof(f.xmm)));
	EXPECT_EQ(0, memcmp(f.fpr, zero, sizeof(f.fpr)));
	EXPECT_EQ(XCR0_X87, xcr0_get(self->v));
}

TEST_F(fpu, fpu_round_trip)
{
	struct kvm_fpu in, out;

	self->v = vcpu_add(self->vm, 0);
	memset(&in, 0, sizeof(in));
	fill(in.fpr, sizeof(in.fpr), 0x10);
	fill(in.xmm, sizeof(in.xmm), 0x80);
	in.fcw = 0x27f;
	in.fsw = 0x3800;
	in.ftwx = 0x81;
	in.last_opcode = 0x123;
	in.last_ip = 0x1122334455667788ULL;
	in.last_dp = 0x0102030405060708ULL;
	in.mxcsr = 0x1f80 | 0x6000;	/* round toward zero */
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_SET_FPU, &in));
	memset(&out, 0xaa, sizeof(out));
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_GET_FPU, &out));
	EXPECT_EQ(0, memcmp(in.fpr, out.fpr, sizeof(in.fpr)));
	EXPECT_EQ(0, memcmp(in.xmm, out.xmm, sizeof(in.xmm)));
	EXPECT_EQ(in.fcw, out.fcw);
	EXPECT_EQ(in.fsw, out.fsw);
	EXPECT_EQ(in.ftwx, out.ftwx);
	EXPECT_EQ(in.last_opcode, out.last_opcode);
	EXPECT_EQ(in.last_ip, out.last_ip);
	EXPECT_EQ(in.last_dp, out.last_dp);
	if (fpu_has_mxcsr())
		EXPECT_EQ(in.mxcsr, out.mxcsr);
}

/*
 * SET_FPU, then the guest's FXSAVE holds the same registers. kvm_intel
 * 6.12 writes the legacy area but leaves the XSAVE header saying x87 and
 * SSE are in their initial state, so a fresh vCPU's guest finds zeros
 * (docs/abi.md): khv only.
 */
TEST_F(fpu, guest_sees_set_fpu)
{
	struct kvm_fpu in;
	uint8_t *fx = data(self->vm, FPU_FXSAVE_OFF);
	int i;

	if (vm_dev_is_kvm())
		SKIP(return, "KVM_SET_FPU does not reach a fresh vCPU's guest on KVM");
	self->v = start64(self->vm, GUEST_CODE(fpu_store64), 0, 0, 0);
	memset(&in, 0, sizeof(in));
	fill(in.xmm, sizeof(in.xmm), 0x31);
	fill(in.fpr, sizeof(in.fpr), 0x71);
	in.fcw = 0x37f;
	in.mxcsr = 0x1f80 | 0x2000;
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_SET_FPU, &in));
	ASSERT_EQ(REPORT_DONE, vcpu_run_report(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
	EXPECT_EQ(0, memcmp(in.xmm, fx + XS_XMM, sizeof(in.xmm)));
	for (i = 0; i < 8; i++)
		EXPECT_EQ(0, memcmp(in.fpr[i], fx + XS_ST + 16 * i, 10)) TH_LOG("ST%d", i);
	EXPECT_EQ(in.mxcsr, *(uint32_t *)(fx + XS_MXCSR));
	EXPECT_EQ(in.fcw, *(uint16_t *)(fx + XS_FCW));
}

/* The guest's FXRSTOR, then GET_FPU returns what it loaded. */
TEST_F(fpu, get_fpu_sees_guest)
{
	struct kvm_fpu out;
	uint8_t *fx = data(self->vm, FPU_FXSAVE_OFF);
	int i;

	self->v = start64(self->vm, GUEST_CODE(fpu_load64), 0, 0, 0);
	memset(fx, 0, 512);
	*(uint16_t *)(fx + XS_FCW) = 0x7f;		/* precision single, masks */
	*(uint32_t *)(fx + XS_MXCSR) = 0x1f80 | 0x4000;
	fill(fx + XS_ST, 128, 0x55);
	fill(fx + XS_XMM, 256, 0x66);
	ASSERT_EQ(REPORT_DONE, vcpu_run_report(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_GET_FPU, &out));
	EXPECT_EQ(0, memcmp(out.xmm, fx + XS_XMM, sizeof(out.xmm)));
	for (i = 0; i < 8; i++)
		EXPECT_EQ(0, memcmp(out.fpr[i], fx + XS_ST + 16 * i, 10)) TH_LOG("ST%d", i);
	EXPECT_EQ(0x7f, out.fcw);
	if (fpu_has_mxcsr())
		EXPECT_EQ(0x1f80u | 0x4000, out.mxcsr);
}

/* XMM and the upper YMM halves set with SET_XSAVE come back from GET_XSAVE. */
TEST_F(fpu, xsave_round_trip)
{
	struct kvm_xsave in, out;
	uint8_t *b = (uint8_t *)in.region, *o = (uint8_t *)out.region;
	uint32_t ymm = ymm_offset();

	self->v = vcpu_add(self->vm, 0);
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_GET_XSAVE, &in));
	fill(b + XS_XMM, 256, 0x20);
	*(uint64_t *)(b + XS_XSTATE_BV) |= XCR0_X87 | XCR0_SSE;
	if (self->avx) {
		fill(b + ymm, 256, 0x90);
		*(uint64_t *)(b + XS_XSTATE_BV) |= XCR0_AVX;
	}
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_SET_XSAVE, &in));
	memset(&out, 0xaa, sizeof(out));
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_GET_XSAVE, &out));
	EXPECT_EQ(0, memcmp(b + XS_XMM, o + XS_XMM, 256));
	EXPECT_EQ(*(uint64_t *)(b + XS_XSTATE_BV), *(uint64_t *)(o + XS_XSTATE_BV));
	if (self->avx)
		EXPECT_EQ(0, memcmp(b + ymm, o + ymm, 256));
}

/* SET_XSAVE of all YMM, then a guest with XCR0 = 7 stores them. */
TEST_F(fpu, guest_sees_set_xsave)
{
	struct kvm_xsave in;
	uint8_t *b = (uint8_t *)in.region;
	uint32_t ymm = ymm_offset();
	int i;

	if (!self->avx)
		SKIP(return, "the host has no AVX");
	self->v = start64(self->vm, GUEST_CODE(fpu_store64), 1, 0, 0);
	cr4_set(self->v, CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE);
	ASSERT_EQ(0, xcrs_set(self->v, XCR0_X87 | XCR0_SSE | XCR0_AVX));
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_GET_XSAVE, &in));
	fill(b + XS_XMM, 256, 0x41);
	fill(b + ymm, 256, 0xc1);
	*(uint64_t *)(b + XS_XSTATE_BV) |= XCR0_X87 | XCR0_SSE | XCR0_AVX;
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_SET_XSAVE, &in));
	ASSERT_EQ(REPORT_DONE, vcpu_run_report(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
	EXPECT_EQ(0, memcmp(b + XS_XMM, data(self->vm, FPU_FXSAVE_OFF) + XS_XMM, 256));
	for (i = 0; i < 16; i++)
		EXPECT_EQ(0, memcmp(b + ymm + 16 * i,
				    data(self->vm, FPU_YMMH_OFF) + 16 * i, 16))
			TH_LOG("YMM%d upper half", i);
}

/* A guest loads all YMM; GET_XSAVE and GET_XSAVE2 return them. */
TEST_F(fpu, get_xsave_sees_guest)
{
	struct kvm_xsave out;
	uint8_t *o = (uint8_t *)out.region, *fx = data(self->vm, FPU_FXSAVE_OFF);
	uint32_t ymm = ymm_offset();
	int size = ioctl(self->vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE2);
	uint8_t *x2;

	if (!self->avx)
		SKIP(return, "the host has no AVX");
	ASSERT_LE((int)sizeof(out), size);
	self->v = start64(self->vm, GUEST_CODE(fpu_load64), 1, 0, 0);
	cr4_set(self->v, CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE);
	ASSERT_EQ(0, xcrs_set(self->v, XCR0_X87 | XCR0_SSE | XCR0_AVX));
	memset(fx, 0, 512);
	*(uint16_t *)(fx + XS_FCW) = 0x37f;
	*(uint32_t *)(fx + XS_MXCSR) = 0x1f80;
	fill(fx + XS_XMM, 256, 0x12);
	fill(data(self->vm, FPU_YMMH_OFF), 256, 0xa2);
	ASSERT_EQ(REPORT_DONE, vcpu_run_report(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_GET_XSAVE, &out));
	EXPECT_EQ(0, memcmp(fx + XS_XMM, o + XS_XMM, 256));
	EXPECT_EQ(0, memcmp(data(self->vm, FPU_YMMH_OFF), o + ymm, 256));
	EXPECT_EQ(XCR0_AVX, *(uint64_t *)(o + XS_XSTATE_BV) & XCR0_AVX);
	x2 = calloc(1, size);
	ASSERT_NE(NULL, x2);
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_GET_XSAVE2, x2));
	EXPECT_EQ(0, memcmp(o, x2, sizeof(out)));
	free(x2);
}

/* Unknown components, a compacted header, reserved MXCSR bits: EINVAL. */
TEST_F(fpu, set_xsave_refusals)
{
	struct kvm_xsave good, bad, now;
	uint8_t *b = (uint8_t *)bad.region;

	self->v = vcpu_add(self->vm, 0);
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_GET_XSAVE, &good));
	fill((uint8_t *)good.region + XS_XMM, 256, 0x77);
	*(uint64_t *)((uint8_t *)good.region + XS_XSTATE_BV) |= XCR0_X87 | XCR0_SSE;
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_SET_XSAVE, &good));

	bad = good;
	*(uint64_t *)(b + XS_XSTATE_BV) |= 1ULL << 62;
	EXPECT_EQ(-1, ioctl(self->v->fd, KVM_SET_XSAVE, &bad));
	EXPECT_EQ(EINVAL, errno);
	bad = good;
	*(uint64_t *)(b + XS_XCOMP_BV) = (1ULL << 63) | 3;
	EXPECT_EQ(-1, ioctl(self->v->fd, KVM_SET_XSAVE, &bad));
	EXPECT_EQ(EINVAL, errno);
	bad = good;
	*(uint32_t *)(b + XS_MXCSR) |= 1u << 31;
	EXPECT_EQ(-1, ioctl(self->v->fd, KVM_SET_XSAVE, &bad));
	EXPECT_EQ(EINVAL, errno);

	ASSERT_EQ(0, ioctl(self->v->fd, KVM_GET_XSAVE, &now));
	EXPECT_EQ(0, memcmp((uint8_t *)good.region + XS_XMM,
			    (uint8_t *)now.region + XS_XMM, 256));
}

TEST_F(fpu, xcrs_round_trip)
{
	struct kvm_xcrs x;

	self->v = vcpu_add(self->vm, 0);
	memset(&x, 0xff, sizeof(x));
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_GET_XCRS, &x));
	EXPECT_EQ(1u, x.nr_xcrs);
	EXPECT_EQ(0u, x.flags);
	EXPECT_EQ(0u, x.xcrs[0].xcr);
	EXPECT_EQ(XCR0_X87, x.xcrs[0].value);

	EXPECT_EQ(0, xcrs_set(self->v, XCR0_X87 | XCR0_SSE));
	EXPECT_EQ(XCR0_X87 | XCR0_SSE, xcr0_get(self->v));
	if (self->avx) {
		EXPECT_EQ(0, xcrs_set(self->v, XCR0_X87 | XCR0_SSE | XCR0_AVX));
		EXPECT_EQ(XCR0_X87 | XCR0_SSE | XCR0_AVX, xcr0_get(self->v));
	}
	EXPECT_EQ(0, xcrs_set(self->v, XCR0_X87));
	EXPECT_EQ(XCR0_X87, xcr0_get(self->v));
}

/* What XSETBV would #GP on is EINVAL, and XCR0 stays. */
TEST_F(fpu, xcrs_refusals)
{
	static const uint64_t bad[] = {
		0, XCR0_SSE, XCR0_X87 | XCR0_AVX, XCR0_X87 | XCR0_PKRU,
		XCR0_X87 | (1ULL << 62), XCR0_X87 | XCR0_SSE | (1ULL << 32),
	};
	struct kvm_xcrs x;
	unsigned int i;

	self->v = vcpu_add(self->vm, 0);
	ASSERT_EQ(0, xcrs_set(self->v, XCR0_X87 | XCR0_SSE));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, xcrs_set(self->v, bad[i])) TH_LOG("XCR0 %#llx",
			(unsigned long long)bad[i]);
		EXPECT_EQ(XCR0_X87 | XCR0_SSE, xcr0_get(self->v));
	}

	memset(&x, 0, sizeof(x));
	x.nr_xcrs = KVM_MAX_XCRS + 1;
	x.xcrs[0].value = XCR0_X87;
	EXPECT_EQ(-1, ioctl(self->v->fd, KVM_SET_XCRS, &x));
	EXPECT_EQ(EINVAL, errno);
	x.nr_xcrs = 1;
	x.flags = 1;
	EXPECT_EQ(-1, ioctl(self->v->fd, KVM_SET_XCRS, &x));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(XCR0_X87 | XCR0_SSE, xcr0_get(self->v));

	/* An entry for another XCR is skipped (KVM has only XCR0). */
	x.flags = 0;
	x.xcrs[0].xcr = 1;
	EXPECT_EQ(0, ioctl(self->v->fd, KVM_SET_XCRS, &x));
	EXPECT_EQ(XCR0_X87 | XCR0_SSE, xcr0_get(self->v));
}

/* A vCPU whose CPUID (KVM_SET_CPUID2) offers x87 and SSE only: no AVX in XCR0. */
TEST_F(fpu, xcr0_follows_vcpu_cpuid)
{
	struct kvm_cpuid2 *c;
	size_t size;
	uint32_t i;

	if (!self->avx)
		SKIP(return, "the host has no AVX");
	self->v = vcpu_add(self->vm, 0);
	ASSERT_NE(NULL, self->vm->cpuid) TH_LOG("no KVM_CAP_EXT_CPUID");
	size = sizeof(*c) + self->vm->cpuid->nent * sizeof(c->entries[0]);
	c = malloc(size);
	ASSERT_NE(NULL, c);
	memcpy(c, self->vm->cpuid, size);
	for (i = 0; i < c->nent; i++) {
		if (c->entries[i].function == 1)
			c->entries[i].ecx &= ~(1u << 28);	/* AVX */
		if (c->entries[i].function == 7 && c->entries[i].index == 0)
			c->entries[i].ebx &= ~(1u << 5);	/* AVX2 */
		if (c->entries[i].function == 0xd && c->entries[i].index == 0)
			c->entries[i].eax &= ~XCR0_AVX;
	}
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_SET_CPUID2, c));
	free(c);
	EXPECT_EQ(-EINVAL, xcrs_set(self->v, XCR0_X87 | XCR0_SSE | XCR0_AVX));
	EXPECT_EQ(0, xcrs_set(self->v, XCR0_X87 | XCR0_SSE));
	EXPECT_EQ(XCR0_X87 | XCR0_SSE, xcr0_get(self->v));
}

/* XSETBV in the guest: good values stick, bad ones and ECX != 0 #GP. */
TEST_F(fpu, xsetbv_in_guest)
{
	struct {
		uint64_t ecx, value;
		uint64_t vector;
	} c[] = {
		{ 0, XCR0_X87 | XCR0_SSE, 0 },
		{ 0, 0, FPU_VEC_GP },
		{ 0, XCR0_SSE, FPU_VEC_GP },
		{ 0, XCR0_X87 | XCR0_AVX, FPU_VEC_GP },
		{ 0, XCR0_X87 | XCR0_PKRU, FPU_VEC_GP },
		{ 0, XCR0_X87 | XCR0_SSE | (1ULL << 32), FPU_VEC_GP },
		{ 1, XCR0_X87 | XCR0_SSE, FPU_VEC_GP },
		{ 0, XCR0_X87 | XCR0_SSE | XCR0_AVX, 0 },
	};
	unsigned int n = sizeof(c) / sizeof(c[0]), i;
	uint64_t *cases = (uint64_t *)data(self->vm, FPU_CASES_OFF);
	uint64_t xcr0 = XCR0_X87;
	struct kvm_regs *r;

	if (!self->avx)
		n--;
	self->v = start64(self->vm, GUEST_CODE(xsetbv64), 0, 0, 0);
	cr4_set(self->v, CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE);
	cases[0] = n;
	for (i = 0; i < n; i++) {
		cases[1 + 2 * i] = c[i].ecx;
		cases[2 + 2 * i] = c[i].value;
	}
	r = &self->v->regs;
	for (i = 0; i < n; i++) {
		ASSERT_EQ(REPORT_VALUE, vcpu_run_report(self->v))
			TH_LOG("case %u: %s", i, vcpu_exit_str(self->v));
		ASSERT_EQ(i, r->rbx);
		if (!c[i].vector)
			xcr0 = c[i].value;
		EXPECT_EQ(c[i].vector, r->r8) TH_LOG("case %u", i);
		EXPECT_EQ(xcr0, r->r9) TH_LOG("case %u", i);
		EXPECT_EQ(xcr0, xcr0_get(self->v)) TH_LOG("case %u", i);
	}
	EXPECT_EQ(REPORT_DONE, vcpu_run_report(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
}

/* Without CR4.OSXSAVE, XSETBV is #UD (before any VM exit). */
TEST_F(fpu, xsetbv_without_osxsave_ud)
{
	uint64_t *cases = (uint64_t *)data(self->vm, FPU_CASES_OFF);

	self->v = start64(self->vm, GUEST_CODE(xsetbv64), 0, 0, 0);
	cases[0] = 1;
	cases[1] = 0;
	cases[2] = XCR0_X87 | XCR0_SSE;
	ASSERT_EQ(REPORT_VALUE, vcpu_run_report(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
	EXPECT_EQ((uint64_t)FPU_VEC_UD, self->v->regs.r8);
	EXPECT_EQ(XCR0_X87, xcr0_get(self->v));
}

/* CPUID.1:ECX.OSXSAVE follows CR4, CPUID.(0DH, 0).EBX follows XCR0. */
TEST_F(fpu, cpuid_follows_cr4_and_xcr0)
{
	struct kvm_regs *r;
	unsigned int a, b, c, d;

	if (!self->avx)
		SKIP(return, "the host has no AVX");
	self->v = start64(self->vm, GUEST_CODE(cpuid_xsave64), 0, 0, 0);
	r = &self->v->regs;
	ASSERT_EQ(REPORT_VALUE, vcpu_run_report(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
	EXPECT_NE(0ULL, r->r8 & (1u << 26)) TH_LOG("XSAVE");
	EXPECT_NE(0ULL, r->r8 & (1u << 28)) TH_LOG("AVX");
	EXPECT_EQ(0ULL, r->r8 & (1u << 27)) TH_LOG("OSXSAVE with CR4.OSXSAVE clear");
	EXPECT_EQ(XCR0_X87 | XCR0_SSE | XCR0_AVX, r->r9 & 0xff);
	EXPECT_EQ(576u, r->r10) TH_LOG("size for XCR0 = 1");

	/* Again with CR4.OSXSAVE and XCR0 = 7. */
	vcpu_set_mode(self->v, MODE_LONG64, GUEST_CODE_GPA);
	cr4_set(self->v, CR4_OSXSAVE);
	ASSERT_EQ(0, xcrs_set(self->v, XCR0_X87 | XCR0_SSE | XCR0_AVX));
	ASSERT_EQ(REPORT_VALUE, vcpu_run_report(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
	EXPECT_NE(0ULL, r->r8 & (1u << 27)) TH_LOG("OSXSAVE with CR4.OSXSAVE set");
	__cpuid_count(0xd, 2, a, b, c, d);
	EXPECT_EQ(a + b, r->r10) TH_LOG("size for XCR0 = 7");
	EXPECT_EQ(a + b, r->r11) TH_LOG("size for all components");
}

/*
 * KVM_RUN as a raw system call between loading the host's vector registers
 * from @in and storing them to @out, so that no compiled code touches them
 * in between: the kernel must give the task back its registers whatever
 * the guest did. Returns 0 or -errno.
 */
#define YMM16(op)	op(0) op(1) op(2) op(3) op(4) op(5) op(6) op(7) \
			op(8) op(9) op(10) op(11) op(12) op(13) op(14) op(15)
#define LOAD_YMM(n)	"vmovdqu " #n "*32(%[in]), %%ymm" #n "\n\t"
#define STORE_YMM(n)	"vmovdqu %%ymm" #n ", " #n "*32(%[out])\n\t"
#define LOAD_XMM(n)	"movdqu " #n "*32(%[in]), %%xmm" #n "\n\t"
#define STORE_XMM(n)	"movdqu %%xmm" #n ", " #n "*32(%[out])\n\t"
#define VREG_CLOBBERS	"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", \
			"xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", \
			"xmm13", "xmm14", "xmm15"

static long run_keeping_vregs(int fd, const uint8_t in[16][32],
			      uint8_t out[16][32], bool avx)
{
	register long rax asm("rax") = SYS_ioctl;
	register long rdi asm("rdi") = fd;
	register long rsi asm("rsi") = KVM_RUN;
	register long rdx asm("rdx") = 0;

	if (avx)
		asm volatile(YMM16(LOAD_YMM) "syscall\n\t" YMM16(STORE_YMM) "vzeroupper"
			     : "+r"(rax)
			     : "r"(rdi), "r"(rsi), "r"(rdx), [in] "r"(in), [out] "r"(out)
			     : "rcx", "r11", "memory", VREG_CLOBBERS);
	else
		asm volatile(YMM16(LOAD_XMM) "syscall\n\t" YMM16(STORE_XMM)
			     : "+r"(rax)
			     : "r"(rdi), "r"(rsi), "r"(rdx), [in] "r"(in), [out] "r"(out)
			     : "rcx", "r11", "memory", VREG_CLOBBERS);
	return rax;
}

struct clobber {
	struct vcpu *v;
	uint32_t n;		/* guest iterations */
	bool guest_avx;		/* the guest clobbers YMM, else XMM */
	bool host_avx;		/* the test thread checks YMM, else XMM */
	uint8_t seed;		/* host pattern */
	int cpu;		/* pin the thread here, or -1 */
	pthread_barrier_t *start;
	bool ok;
	char err[256];
};

/* Runs the clobber64 guest to DONE, checking the host's registers at each exit. */
static void *clobber_run(void *arg)
{
	struct clobber *w = arg;
	struct vcpu *v = w->v;
	uint8_t in[16][32] __attribute__((aligned(32)));
	uint8_t out[16][32] __attribute__((aligned(32)));
	size_t len = w->host_avx ? 32 : 16;
	uint32_t next = 1, val;
	struct kvm_regs regs;
	cpu_set_t set;
	long r;
	int i;

	if (w->cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(w->cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	if (w->start)
		pthread_barrier_wait(w->start);
	for (;;) {
		fill(in, sizeof(in), w->seed + next);
		memset(out, 0, sizeof(out));
		r = run_keeping_vregs(v->fd, in, out, w->host_avx);
		if (r) {
			snprintf(w->err, sizeof(w->err), "KVM_RUN: %s", strerror(-r));
			break;
		}
		for (i = 0; i < 16; i++)
			if (memcmp(in[i], out[i], len))
				break;
		if (i < 16) {
			snprintf(w->err, sizeof(w->err),
				 "host %cMM%d changed at guest iteration %u",
				 w->host_avx ? 'Y' : 'X', i, next);
			break;
		}
		if (vcpu_is_io(v, COUNT_PORT, KVM_EXIT_IO_OUT, 4)) {
			memcpy(&val, vcpu_io_data(v), 4);
			if (val != next) {
				snprintf(w->err, sizeof(w->err), "OUT %u, want %u", val, next);
				break;
			}
			next++;
			continue;
		}
		if (vcpu_is_io(v, REPORT_PORT, KVM_EXIT_IO_OUT, 4)) {
			memcpy(&val, vcpu_io_data(v), 4);
			vcpu_get_regs(v, &regs);
			if (val == REPORT_DONE && next == w->n + 1)
				w->ok = true;
			else
				snprintf(w->err, sizeof(w->err),
					 "report %#x after %u: guest register %llu holds %#llx",
					 val, next - 1, (unsigned long long)regs.rbx,
					 (unsigned long long)regs.rcx);
			break;
		}
		snprintf(w->err, sizeof(w->err), "after %u OUTs: %s", next - 1,
			 vcpu_exit_str(v));
		break;
	}
	return NULL;
}

/* A vCPU ready to run clobber64 with @seed and @xcr0 (AVX in it: YMM). */
static void clobber_prepare(struct clobber *w, struct vm *vm, uint64_t xcr0,
			    uint32_t n, uint32_t seed)
{
	bool avx = xcr0 & XCR0_AVX;

	memset(w, 0, sizeof(*w));
	w->v = start64(vm, GUEST_CODE(clobber64), n, avx, seed);
	cr4_set(w->v, CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE);
	if (xcrs_set(w->v, xcr0))
		snprintf(w->err, sizeof(w->err), "KVM_SET_XCRS %#llx",
			 (unsigned long long)xcr0);
	w->n = n;
	w->guest_avx = avx;
	w->host_avx = host_avx();
	w->seed = seed * 7;
	w->cpu = -1;
}

/* The guest uses YMM with XCR0 = 7; the host's YMM survive every exit. */
TEST_F_TIMEOUT(fpu, host_vregs_survive_avx_guest, 300)
{
	struct clobber w;

	if (!self->avx)
		SKIP(return, "the host has no AVX");
	clobber_prepare(&w, self->vm, XCR0_X87 | XCR0_SSE | XCR0_AVX, 200, 0x1000);
	clobber_run(&w);
	EXPECT_TRUE(w.ok) TH_LOG("%s", w.err);
	vcpu_free(w.v);
}

/*
 * The guest runs with XCR0 = 3 and clobbers XMM: the host gets its XCR0
 * back at every exit (its AVX instructions would fault otherwise) and its
 * YMM intact.
 */
TEST_F_TIMEOUT(fpu, host_vregs_survive_sse_guest, 300)
{
	struct clobber w;

	clobber_prepare(&w, self->vm, XCR0_X87 | XCR0_SSE, 200, 0x2000);
	clobber_run(&w);
	EXPECT_TRUE(w.ok) TH_LOG("%s", w.err);
	vcpu_free(w.v);
}

/* Two VMs on two CPUs clobbering at once, one with AVX and one without. */
TEST_F_TIMEOUT(fpu, two_vms_clobber_at_once, 300)
{
	struct clobber w[2];
	struct vm *vm2;
	pthread_t t[2];
	pthread_barrier_t start;
	int i;

	if (host_nr_cpus() < 2)
		SKIP(return, "needs 2 CPUs, have %d", host_nr_cpus());
	vm2 = vm_create_with_mem(VM_BASE_MEM_SIZE);
	ASSERT_EQ(0, pthread_barrier_init(&start, NULL, 2));
	clobber_prepare(&w[0], self->vm, self->avx ? 7 : 3, 300, 0x3000);
	clobber_prepare(&w[1], vm2, XCR0_X87 | XCR0_SSE, 300, 0x4000);
	for (i = 0; i < 2; i++) {
		w[i].cpu = i;
		w[i].start = &start;
		ASSERT_EQ(0, pthread_create(&t[i], NULL, clobber_run, &w[i]));
	}
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		EXPECT_TRUE(w[i].ok) TH_LOG("VM %d: %s", i, w[i].err);
		vcpu_free(w[i].v);
	}
	vm_destroy(vm2);
}

static const struct kvm_debugregs dr_set = {
	.db = { 0x1000, 0x2000, 0xffffffff80001000ULL, 0x7ffff000 },
	.dr6 = 0xffff0ff1,		/* B0 */
	.dr7 = 0x00f00400,		/* lengths and types, nothing enabled */
};

TEST_F(fpu, debugregs_round_trip)
{
	struct kvm_debugregs d;

	self->v = vcpu_add(self->vm, 0);
	memset(&d, 0xaa, sizeof(d));
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_GET_DEBUGREGS, &d));
	EXPECT_EQ(0u, d.db[0] | d.db[1] | d.db[2] | d.db[3]);
	EXPECT_EQ(0xffff0ff0u, d.dr6);
	EXPECT_EQ(0x400u, d.dr7);
	EXPECT_EQ(0u, d.flags);

	ASSERT_EQ(0, ioctl(self->v->fd, KVM_SET_DEBUGREGS, &dr_set));
	memset(&d, 0xaa, sizeof(d));
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_GET_DEBUGREGS, &d));
	EXPECT_EQ(0, memcmp(dr_set.db, d.db, sizeof(d.db)));
	EXPECT_EQ(dr_set.dr6, d.dr6);
	EXPECT_EQ(dr_set.dr7, d.dr7);
	EXPECT_EQ(0u, d.flags);
}

TEST_F(fpu, debugregs_refusals)
{
	struct kvm_debugregs d = dr_set, now;

	self->v = vcpu_add(self->vm, 0);
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_SET_DEBUGREGS, &dr_set));
	d.dr6 |= 1ULL << 32;
	EXPECT_EQ(-1, ioctl(self->v->fd, KVM_SET_DEBUGREGS, &d));
	EXPECT_EQ(EINVAL, errno);
	d = dr_set;
	d.dr7 |= 1ULL << 40;
	EXPECT_EQ(-1, ioctl(self->v->fd, KVM_SET_DEBUGREGS, &d));
	EXPECT_EQ(EINVAL, errno);
	d = dr_set;
	d.flags = 1;
	EXPECT_EQ(-1, ioctl(self->v->fd, KVM_SET_DEBUGREGS, &d));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_GET_DEBUGREGS, &now));
	EXPECT_EQ(0, memcmp(dr_set.db, now.db, sizeof(now.db)));
	EXPECT_EQ(dr_set.dr7, now.dr7);
}

/* The guest reads what SET_DEBUGREGS wrote, and GET_DEBUGREGS what it wrote. */
TEST_F(fpu, debugregs_and_guest_mov_dr)
{
	static const uint64_t guest_dr[6] = {
		0x3000, 0x4000, 0x5000, 0x6000, 0xffff0ff2, 0x00a00400,
	};
	struct kvm_debugregs d;
	struct kvm_regs *r;

	self->v = start64(self->vm, GUEST_CODE(dr64), 0, 0, 0);
	r = &self->v->regs;
	memcpy(data(self->vm, FPU_DR_OFF), guest_dr, sizeof(guest_dr));
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_SET_DEBUGREGS, &dr_set));
	ASSERT_EQ(REPORT_VALUE, vcpu_run_report(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
	EXPECT_EQ(dr_set.db[0], r->r8);
	EXPECT_EQ(dr_set.db[1], r->r9);
	EXPECT_EQ(dr_set.db[2], r->r10);
	EXPECT_EQ(dr_set.db[3], r->r11);
	EXPECT_EQ(dr_set.dr6, r->r12);
	EXPECT_EQ(dr_set.dr7, r->r13);
	ASSERT_EQ(REPORT_DONE, vcpu_run_report(self->v)) TH_LOG("%s", vcpu_exit_str(self->v));
	ASSERT_EQ(0, ioctl(self->v->fd, KVM_GET_DEBUGREGS, &d));
	EXPECT_EQ(0, memcmp(guest_dr, d.db, sizeof(d.db)));
	EXPECT_EQ(guest_dr[4], d.dr6);
	EXPECT_EQ(guest_dr[5], d.dr7);
}

TEST_HARNESS_MAIN
