// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID through the KVM ABI: KVM_GET_SUPPORTED_CPUID (the E2BIG protocol
 * QEMU and the KVM selftests use, what the table must hold), KVM_SET_CPUID2
 * and KVM_GET_CPUID2 (bounds, round trip, the bits that follow vCPU state,
 * the rule after KVM_RUN), and what a guest's CPUID returns from a table
 * userspace set, including leaves the table lacks. Guests: cpuid_msr.S.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vm.h"
#include "guests/cpuid_msr.inc"

GUEST_DECLARE(cpuid_query16);

#define SIG			KVM_CPUID_FLAG_SIGNIFCANT_INDEX
#define CPUID1_EDX_APIC		(1u << 9)
#define CPUID1_EDX_MCE		(1u << 7)
#define CPUID1_EDX_MCA		(1u << 14)
#define CPUID1_ECX_XSAVE	(1u << 26)
#define CPUID1_ECX_OSXSAVE	(1u << 27)
#define CPUID7_ECX_OSPKE	(1u << 4)
/* The 6.1 KVM selftests read the supported CPUID into 100 entries, once. */
#define SELFTESTS_MAX_NENT	100u

static struct kvm_cpuid2 *cpuid_alloc(uint32_t nent)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));

	if (!c)
		abort();
	c->nent = nent;
	return c;
}

/* KVM_GET_SUPPORTED_CPUID the way QEMU asks: nent 1, doubled on E2BIG. */
static struct kvm_cpuid2 *supported_cpuid(int sys_fd)
{
	uint32_t nent;

	for (nent = 1; nent <= 4096; nent *= 2) {
		struct kvm_cpuid2 *c = cpuid_alloc(nent);

		if (!ioctl(sys_fd, KVM_GET_SUPPORTED_CPUID, c))
			return c;
		free(c);
		if (errno != E2BIG)
			return NULL;
	}
	return NULL;
}

static const struct kvm_cpuid_entry2 *entry(const struct kvm_cpuid2 *c,
					    uint32_t fn, uint32_t idx)
{
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn &&
		    (!(c->entries[i].flags & SIG) || c->entries[i].index == idx))
			return &c->entries[i];
	return NULL;
}

/* Bits KVM keeps in step with vCPU state (APIC base, CR4, XCR0). */
static void mask_dynamic(struct kvm_cpuid_entry2 *e)
{
	if (e->function == 1) {
		e->ecx &= ~CPUID1_ECX_OSXSAVE;
		e->edx &= ~CPUID1_EDX_APIC;
	} else if (e->function == 7 && e->index == 0) {
		e->ecx &= ~CPUID7_ECX_OSPKE;
	} else if (e->function == 0xd && e->index <= 1) {
		e->ebx = 0;
	}
}

static bool same_entry(struct kvm_cpuid_entry2 a, struct kvm_cpuid_entry2 b)
{
	mask_dynamic(&a);
	mask_dynamic(&b);
	return a.function == b.function && a.index == b.index &&
	       a.flags == b.flags && a.eax == b.eax && a.ebx == b.ebx &&
	       a.ecx == b.ecx && a.edx == b.edx;
}

/* nent 0 and 1 and one short of the table: E2BIG, nent left as it was. */
TEST(supported_e2big)
{
	int sys_fd = vm_dev_open();
	struct kvm_cpuid2 *full, *c;
	uint32_t n;

	ASSERT_LE(0, sys_fd);
	full = supported_cpuid(sys_fd);
	ASSERT_NE(NULL, full) TH_LOG("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
	n = full->nent;
	ASSERT_LT(1u, n);

	for (uint32_t ask = 0; ask <= 1; ask++) {
		c = cpuid_alloc(ask);
		EXPECT_EQ(-1, ioctl(sys_fd, KVM_GET_SUPPORTED_CPUID, c));
		EXPECT_EQ(E2BIG, errno);
		EXPECT_EQ(ask, c->nent);
		free(c);
	}
	c = cpuid_alloc(n - 1);
	EXPECT_EQ(-1, ioctl(sys_fd, KVM_GET_SUPPORTED_CPUID, c));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(n - 1, c->nent);
	free(c);

	/* Exactly enough, and more than enough: nent becomes the count. */
	c = cpuid_alloc(n + 10);
	c->nent = n;
	ASSERT_EQ(0, ioctl(sys_fd, KVM_GET_SUPPORTED_CPUID, c));
	EXPECT_EQ(n, c->nent);
	c->nent = n + 10;
	ASSERT_EQ(0, ioctl(sys_fd, KVM_GET_SUPPORTED_CPUID, c));
	EXPECT_EQ(n, c->nent);
	EXPECT_EQ(0, memcmp(full->entries, c->entries, n * sizeof(c->entries[0])));
	free(c);
	free(full);
	close(sys_fd);
}

/*
 * What QEMU and the KVM selftests read: every basic leaf up to leaf 0's EAX,
 * 0x80000000 up to 0x80000008 (address sizes), the hypervisor leaves
 * 0x40000000 (max at least 0x40000001, as KVM's cpuid_test asserts) and
 * 0x40000001, leaf 0xd's subleaves 0 and 1 with XSAVE, flags on indexed
 * leaves only, no duplicates, no machine check without KVM_CAP_MCE.
 */
TEST(supported_contents)
{
	int sys_fd = vm_dev_open();
	const struct kvm_cpuid_entry2 *e;
	struct kvm_cpuid2 *c;
	uint32_t max, i, j, pa, va;

	ASSERT_LE(0, sys_fd);
	c = supported_cpuid(sys_fd);
	ASSERT_NE(NULL, c);
	EXPECT_GE(SELFTESTS_MAX_NENT, c->nent);

	e = entry(c, 0, 0);
	ASSERT_NE(NULL, e);
	max = e->eax;
	EXPECT_LE(7u, max);
	for (i = 0; i <= max; i++) {
		EXPECT_NE(NULL, entry(c, i, 0)) TH_LOG("leaf %#x missing", i);
	}
	e = entry(c, 0x80000000, 0);
	ASSERT_NE(NULL, e);
	EXPECT_LE(0x80000008u, e->eax);
	for (i = 0x80000000; i <= 0x80000008; i++) {
		EXPECT_NE(NULL, entry(c, i, 0)) TH_LOG("leaf %#x missing", i);
	}
	e = entry(c, 0x80000008, 0);
	ASSERT_NE(NULL, e);
	pa = e->eax & 0xff;
	va = (e->eax >> 8) & 0xff;
	EXPECT_LE(32u, pa);
	EXPECT_GE(52u, pa);
	EXPECT_TRUE(va == 48 || va == 57) TH_LOG("virtual address bits %u", va);
	e = entry(c, 0x40000000, 0);
	ASSERT_NE(NULL, e);
	EXPECT_LE(0x40000001u, e->eax);
	EXPECT_NE(NULL, entry(c, 0x40000001, 0));

	e = entry(c, 1, 0);
	ASSERT_NE(NULL, e);
	if (ioctl(sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_MCE) <= 0)
		EXPECT_EQ(0u, e->edx & (CPUID1_EDX_MCE | CPUID1_EDX_MCA));
	if (e->ecx & CPUID1_ECX_XSAVE) {
		EXPECT_NE(NULL, entry(c, 0xd, 0));
		EXPECT_NE(NULL, entry(c, 0xd, 1));
	}

	for (i = 0; i < c->nent; i++) {
		const struct kvm_cpuid_entry2 *x = &c->entries[i];
		bool indexed = x->function == 4 || x->function == 7 ||
			       x->function == 0xb || x->function == 0xd;

		if (x->function == 4 || x->function == 7 || x->function == 0xd ||
		    x->function == 1 || x->function >= 0x80000000) {
			EXPECT_EQ(indexed ? (uint32_t)SIG : 0u, x->flags)
				TH_LOG("leaf %#x.%u flags %#x", x->function, x->index, x->flags);
		}
		if (!(x->flags & SIG)) {
			EXPECT_EQ(0u, x->index);
		}
		for (j = 0; j < i; j++) {
			EXPECT_FALSE(c->entries[j].function == x->function &&
				     c->entries[j].index == x->index)
				TH_LOG("leaf %#x.%u twice", x->function, x->index);
		}
	}
	free(c);
	close(sys_fd);
}

/* Before KVM_SET_CPUID2 a vCPU has no table: GET_CPUID2 gives nent 0. */
TEST(get_before_set)
{
	struct vm *vm = vm_create();
	struct kvm_cpuid2 *c = cpuid_alloc(4);
	int fd = ioctl(vm->fd, KVM_CREATE_VCPU, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, KVM_GET_CPUID2, c));
	EXPECT_EQ(0u, c->nent);
	c->nent = 0;
	EXPECT_EQ(0, ioctl(fd, KVM_GET_CPUID2, c));
	free(c);
	close(fd);
	vm_destroy(vm);
}

/*
 * SET then GET gives the table back, in order, padding included (KVM keeps
 * it); only the state-dependent bits may differ. GET with too small an nent:
 * E2BIG, nent unchanged.
 */
TEST(set_get_roundtrip)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_cpuid2 *set, *got;
	uint32_t i;

	set = supported_cpuid(vm->sys_fd);
	ASSERT_NE(NULL, set);
	for (i = 0; i < set->nent; i++)
		set->entries[i].padding[0] = i;
	ASSERT_EQ(0, ioctl(v->fd, KVM_SET_CPUID2, set));

	got = cpuid_alloc(set->nent + 5);
	got->nent = 1;
	EXPECT_EQ(-1, ioctl(v->fd, KVM_GET_CPUID2, got));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(1u, got->nent);
	got->nent = set->nent - 1;
	EXPECT_EQ(-1, ioctl(v->fd, KVM_GET_CPUID2, got));
	EXPECT_EQ(E2BIG, errno);

	got->nent = set->nent + 5;
	ASSERT_EQ(0, ioctl(v->fd, KVM_GET_CPUID2, got));
	ASSERT_EQ(set->nent, got->nent);
	for (i = 0; i < set->nent; i++) {
		EXPECT_TRUE(same_entry(set->entries[i], got->entries[i]))
			TH_LOG("entry %u: leaf %#x.%u", i, set->entries[i].function,
			       set->entries[i].index);
		EXPECT_EQ(i, got->entries[i].padding[0]);
	}
	free(set);
	free(got);
	vcpu_free(v);
	vm_destroy(vm);
}

/* KVM_MAX_CPUID_ENTRIES (256): one more is E2BIG; 256 and 0 are fine. */
TEST(set_bounds)
{
	struct vm *vm = vm_create();
	struct kvm_cpuid2 *c = cpuid_alloc(257);
	int fd = ioctl(vm->fd, KVM_CREATE_VCPU, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, KVM_SET_CPUID2, c));
	EXPECT_EQ(E2BIG, errno);
	c->nent = 256;
	for (uint32_t i = 0; i < 256; i++)
		c->entries[i].function = 0x80000000 + i;
	EXPECT_EQ(0, ioctl(fd, KVM_SET_CPUID2, c));
	c->nent = 256;
	ASSERT_EQ(0, ioctl(fd, KVM_GET_CPUID2, c));
	EXPECT_EQ(256u, c->nent);
	EXPECT_EQ(0x800000ffu, c->entries[255].function);
	c->nent = 0;
	EXPECT_EQ(0, ioctl(fd, KVM_SET_CPUID2, c));
	c->nent = 4;
	ASSERT_EQ(0, ioctl(fd, KVM_GET_CPUID2, c));
	EXPECT_EQ(0u, c->nent);
	free(c);
	close(fd);
	vm_destroy(vm);
}

struct query {
	uint32_t leaf, sub;
	uint32_t r[4];		/* EAX, EBX, ECX, EDX expected */
};

/* Runs cpuid_query16 over @q in real mode and compares every answer. */
static void run_queries(struct __test_metadata *_metadata, struct vm *vm,
			struct vcpu *v, const struct query *q, uint32_t n)
{
	uint32_t *count = vm_hva(vm, CQ_COUNT_GPA);
	uint32_t *rec = vm_hva(vm, CQ_TABLE_GPA);

	ASSERT_GE(CQ_MAX_RECORDS, n);
	*count = n;
	for (uint32_t i = 0; i < n; i++) {
		rec[i * 6] = q[i].leaf;
		rec[i * 6 + 1] = q[i].sub;
	}
	vm_load_code(vm, GUEST_CODE(cpuid_query16));
	vcpu_set_mode(v, MODE_REAL, GUEST_CODE_GPA);
	ASSERT_EQ(REPORT_DONE, vcpu_run_report(v)) TH_LOG("%s", vcpu_exit_str(v));
	for (uint32_t i = 0; i < n; i++) {
		for (int r = 0; r < 4; r++) {
			EXPECT_EQ(q[i].r[r], rec[i * 6 + 2 + r])
				TH_LOG("CPUID(%#x, %u) %s", q[i].leaf, q[i].sub,
				       (const char *[]){ "EAX", "EBX", "ECX", "EDX" }[r]);
		}
	}
}

#define INTEL_VENDOR	0x756e6547, 0x6c65746e, 0x49656e69

/*
 * A table of userspace's own, max basic leaf 0xb. The guest sees exactly
 * it: leaf 1's APIC ID field is not replaced, its APIC bit follows
 * IA32_APIC_BASE (enabled after reset). Leaves the table lacks within a
 * range are zeros; leaves beyond a range (or in one without its first leaf)
 * take the highest basic leaf with the subleaf asked for, and leaf 0xb
 * without the subleaf gives ECX[7:0] = subleaf and EDX from subleaf 1.
 */
static const struct kvm_cpuid_entry2 custom[] = {
	{ .function = 0, .eax = 0xb, .ebx = 0x756e6547, .ecx = 0x6c65746e,
	  .edx = 0x49656e69 },
	{ .function = 1, .eax = 0x306c3, .ebx = 0x55010800, .ecx = 0x80000001,
	  .edx = 0x1 },
	{ .function = 4, .index = 0, .flags = SIG, .eax = 0x121, .ebx = 0x3f },
	{ .function = 4, .index = 1, .flags = SIG, .eax = 0x122, .ebx = 0x7f },
	{ .function = 7, .index = 0, .flags = SIG, .eax = 1, .ebx = 0x25ab },
	{ .function = 7, .index = 1, .flags = SIG, .eax = 0x10 },
	{ .function = 0xb, .index = 1, .flags = SIG, .eax = 4, .ebx = 2,
	  .ecx = 0x201, .edx = 0x55 },
	{ .function = 0x80000000, .eax = 0x80000008 },
	{ .function = 0x80000001, .ecx = 0x21, .edx = 0x20100800 },
	{ .function = 0x80000008, .eax = 0x3028 },
	{ .function = 0x40000000, .eax = 0x40000001, .ebx = 0x74736574,
	  .ecx = 0x74736574, .edx = 0x74736574 },
	{ .function = 0x40000001, .eax = 0x12 },
};

static struct kvm_cpuid2 *custom_cpuid(void)
{
	struct kvm_cpuid2 *c = cpuid_alloc(sizeof(custom) / sizeof(custom[0]));

	memcpy(c->entries, custom, sizeof(custom));
	return c;
}

TEST(guest_sees_set_table)
{
	static const struct query q[] = {
		{ 0, 0, { 0xb, INTEL_VENDOR } },
		{ 1, 0, { 0x306c3, 0x55010800, 0x80000001, 0x201 } },
		{ 1, 5, { 0x306c3, 0x55010800, 0x80000001, 0x201 } },
		{ 3, 0, { 0, 0, 0, 0 } },
		{ 4, 1, { 0x122, 0x7f, 0, 0 } },
		{ 4, 2, { 0, 0, 0, 0 } },
		{ 7, 0, { 1, 0x25ab, 0, 0 } },
		{ 7, 1, { 0x10, 0, 0, 0 } },
		{ 7, 2, { 0, 0, 0, 0 } },
		{ 0xb, 0, { 0, 0, 0, 0x55 } },
		{ 0xb, 1, { 4, 2, 0x201, 0x55 } },
		{ 0xb, 0x103, { 0, 0, 3, 0x55 } },
		{ 0xc, 0, { 0, 0, 0, 0x55 } },
		{ 0x20, 1, { 4, 2, 0x201, 0x55 } },
		{ 0x80000005, 0, { 0, 0, 0, 0 } },
		{ 0x80000008, 0, { 0x3028, 0, 0, 0 } },
		{ 0x80000009, 1, { 4, 2, 0x201, 0x55 } },
		{ 0x8fffffff, 1, { 4, 2, 0x201, 0x55 } },
		{ 0x40000000, 0, { 0x40000001, 0x74736574, 0x74736574, 0x74736574 } },
		{ 0x40000001, 0, { 0x12, 0, 0, 0 } },
		{ 0x40000002, 1, { 4, 2, 0x201, 0x55 } },
		{ 0x40000100, 1, { 4, 2, 0x201, 0x55 } },
		{ 0xc0000000, 1, { 4, 2, 0x201, 0x55 } },
	};
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_cpuid2 *c = custom_cpuid();

	ASSERT_EQ(0, ioctl(v->fd, KVM_SET_CPUID2, c));
	run_queries(_metadata, vm, v, q, sizeof(q) / sizeof(q[0]));
	free(c);
	vcpu_free(v);
	vm_destroy(vm);
}

/* With an AMD vendor the CPU returns zeros beyond the maximum instead. */
TEST(guest_amd_vendor_zeros)
{
	static const struct query q[] = {
		{ 0x20, 1, { 0, 0, 0, 0 } },
		{ 0x80000009, 1, { 0, 0, 0, 0 } },
		{ 4, 1, { 0x122, 0x7f, 0, 0 } },
	};
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_cpuid2 *c = custom_cpuid();

	c->entries[0].ebx = 0x68747541;		/* "AuthenticAMD" */
	c->entries[0].edx = 0x69746e65;
	c->entries[0].ecx = 0x444d4163;
	ASSERT_EQ(0, ioctl(v->fd, KVM_SET_CPUID2, c));
	run_queries(_metadata, vm, v, q, sizeof(q) / sizeof(q[0]));
	free(c);
	vcpu_free(v);
	vm_destroy(vm);
}

/* An empty table: every leaf reads as zeros. */
TEST(guest_empty_table)
{
	static const struct query q[] = {
		{ 0, 0, { 0, 0, 0, 0 } },
		{ 1, 0, { 0, 0, 0, 0 } },
		{ 0x80000000, 0, { 0, 0, 0, 0 } },
		{ 0x40000000, 0, { 0, 0, 0, 0 } },
	};
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_cpuid2 *c = cpuid_alloc(0);

	ASSERT_EQ(0, ioctl(v->fd, KVM_SET_CPUID2, c));
	run_queries(_metadata, vm, v, q, sizeof(q) / sizeof(q[0]));
	free(c);
	vcpu_free(v);
	vm_destroy(vm);
}

/*
 * The supported table set as it is: the guest reads back every entry (what
 * KVM's own cpuid_test checks), the state-dependent bits aside.
 */
TEST(guest_sees_supported_table)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_cpuid2 *c = supported_cpuid(vm->sys_fd);
	struct query *q;
	uint32_t *rec;

	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, ioctl(v->fd, KVM_SET_CPUID2, c));
	q = calloc(c->nent, sizeof(*q));
	ASSERT_NE(NULL, q);
	for (uint32_t i = 0; i < c->nent; i++) {
		q[i].leaf = c->entries[i].function;
		q[i].sub = c->entries[i].index;
	}
	*(uint32_t *)vm_hva(vm, CQ_COUNT_GPA) = c->nent;
	rec = vm_hva(vm, CQ_TABLE_GPA);
	for (uint32_t i = 0; i < c->nent; i++) {
		rec[i * 6] = q[i].leaf;
		rec[i * 6 + 1] = q[i].sub;
	}
	vm_load_code(vm, GUEST_CODE(cpuid_query16));
	vcpu_set_mode(v, MODE_REAL, GUEST_CODE_GPA);
	ASSERT_EQ(REPORT_DONE, vcpu_run_report(v)) TH_LOG("%s", vcpu_exit_str(v));
	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 seen = c->entries[i];

		seen.eax = rec[i * 6 + 2];
		seen.ebx = rec[i * 6 + 3];
		seen.ecx = rec[i * 6 + 4];
		seen.edx = rec[i * 6 + 5];
		EXPECT_TRUE(same_entry(c->entries[i], seen))
			TH_LOG("CPUID(%#x, %u): %#x %#x %#x %#x, table %#x %#x %#x %#x",
			       q[i].leaf, q[i].sub, seen.eax, seen.ebx, seen.ecx,
			       seen.edx, c->entries[i].eax, c->entries[i].ebx,
			       c->entries[i].ecx, c->entries[i].edx);
	}
	free(q);
	free(c);
	vcpu_free(v);
	vm_destroy(vm);
}

static int set_apic_base(struct vcpu *v, uint64_t val)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} m = { .hdr.nmsrs = 1, .e.index = 0x1b, .e.data = val };

	return ioctl(v->fd, KVM_SET_MSRS, &m);
}

/*
 * CPUID.1:EDX.APIC follows IA32_APIC_BASE's enable bit whatever the table
 * says, in the guest and in KVM_GET_CPUID2.
 */
TEST(apic_bit_follows_apic_base)
{
	static const struct query on[] = {
		{ 1, 0, { 0x306c3, 0x55010800, 0x80000001, 0x201 } },
	};
	static const struct query off[] = {
		{ 1, 0, { 0x306c3, 0x55010800, 0x80000001, 0x1 } },
	};
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_cpuid2 *c = custom_cpuid(), *got = cpuid_alloc(32);

	ASSERT_EQ(0, ioctl(v->fd, KVM_SET_CPUID2, c));
	ASSERT_EQ(0, ioctl(v->fd, KVM_GET_CPUID2, got));
	EXPECT_EQ(0x201u, got->entries[1].edx);
	run_queries(_metadata, vm, v, on, 1);

	/* Disabled (the BSP bit kept): the bit goes. */
	ASSERT_EQ(1, set_apic_base(v, 0xfee00100));
	got->nent = 32;
	ASSERT_EQ(0, ioctl(v->fd, KVM_GET_CPUID2, got));
	EXPECT_EQ(0x1u, got->entries[1].edx);
	run_queries(_metadata, vm, v, off, 1);
	free(c);
	free(got);
	vcpu_free(v);
	vm_destroy(vm);
}

/*
 * After KVM_RUN only the table the vCPU has is accepted (padding and the
 * state-dependent bits aside); another one, a changed feature or
 * MAXPHYADDR or a shorter table, fails with EINVAL (kvm_intel 6.12) and
 * leaves the table as it was.
 */
TEST(set_after_run)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_cpuid2 *c = custom_cpuid(), *got = cpuid_alloc(32);
	static const struct query q[] = {
		{ 7, 0, { 1, 0x25ab, 0, 0 } },
	};

	ASSERT_EQ(0, ioctl(v->fd, KVM_SET_CPUID2, c));
	run_queries(_metadata, vm, v, q, 1);

	EXPECT_EQ(0, ioctl(v->fd, KVM_SET_CPUID2, c));
	c->entries[2].padding[1] = 7;
	c->entries[1].edx |= CPUID1_EDX_APIC;	/* what the vCPU shows anyway */
	EXPECT_EQ(0, ioctl(v->fd, KVM_SET_CPUID2, c));

	c->entries[4].ebx--;
	EXPECT_EQ(-1, ioctl(v->fd, KVM_SET_CPUID2, c));
	EXPECT_EQ(EINVAL, errno);
	c->entries[4].ebx++;
	c->entries[9].eax--;
	EXPECT_EQ(-1, ioctl(v->fd, KVM_SET_CPUID2, c));
	EXPECT_EQ(EINVAL, errno);
	c->entries[9].eax++;
	c->nent--;
	EXPECT_EQ(-1, ioctl(v->fd, KVM_SET_CPUID2, c));
	EXPECT_EQ(EINVAL, errno);
	c->nent++;
	c->entries[3].flags = 0;
	EXPECT_EQ(-1, ioctl(v->fd, KVM_SET_CPUID2, c));
	EXPECT_EQ(EINVAL, errno);

	ASSERT_EQ(0, ioctl(v->fd, KVM_GET_CPUID2, got));
	ASSERT_EQ(sizeof(custom) / sizeof(custom[0]), got->nent);
	for (uint32_t i = 0; i < got->nent; i++) {
		EXPECT_TRUE(same_entry(custom[i], got->entries[i])) TH_LOG("entry %u", i);
	}
	run_queries(_metadata, vm, v, q, 1);
	free(c);
	free(got);
	vcpu_free(v);
	vm_destroy(vm);
}

/* Unreadable or unwritable memory: EFAULT, nothing half done. */
TEST(bad_pointers)
{
	struct vm *vm = vm_create();
	int fd = ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct kvm_cpuid2 *hdr;

	ASSERT_LE(0, fd);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p + page, page));
	/* A header at the very end of the page: the entries are not mapped. */
	hdr = (struct kvm_cpuid2 *)(p + page - sizeof(*hdr));
	hdr->nent = 4;
	EXPECT_EQ(-1, ioctl(vm->sys_fd, KVM_GET_SUPPORTED_CPUID, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, KVM_SET_CPUID2, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, KVM_GET_CPUID2, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, KVM_SET_CPUID2, hdr));
	EXPECT_EQ(EFAULT, errno);
	hdr->nent = 1000;
	EXPECT_EQ(-1, ioctl(vm->sys_fd, KVM_GET_SUPPORTED_CPUID, hdr));
	EXPECT_EQ(EFAULT, errno);
	munmap(p, page);
	close(fd);
	vm_destroy(vm);
}

TEST_HARNESS_MAIN
