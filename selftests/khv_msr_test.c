// SPDX-License-Identifier: GPL-2.0
/*
 * MSRs through the KVM ABI: KVM_GET_MSR_INDEX_LIST and
 * KVM_GET_MSR_FEATURE_INDEX_LIST (the E2BIG protocol), feature MSRs read on
 * the system fd, KVM_GET/SET_MSRS on a vCPU (round trip of every MSR khv
 * documents, reset values, the count of entries done that stops at the first
 * unknown MSR or bad value, the 255-entry bound), what a guest's RDMSR,
 * WRMSR and RDTSCP see of userspace's values and the other way round, #GP
 * for bad values and unknown MSRs, and the TSC/TSC_ADJUST pair. Guests:
 * cpuid_msr.S.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vm.h"
#include "guests/cpuid_msr.inc"

GUEST_DECLARE(msr_op64);

#define MSR_IA32_TSC		0x10
#define MSR_KVM_WALL_CLOCK	0x11
#define MSR_KVM_SYSTEM_TIME	0x12
#define MSR_IA32_APICBASE	0x1b
#define MSR_IA32_TSC_ADJUST	0x3b
#define MSR_IA32_UCODE_REV	0x8b
#define MSR_PLATFORM_INFO	0xce
#define MSR_MTRRcap		0xfe
#define MSR_SYSENTER_CS		0x174
#define MSR_SYSENTER_ESP	0x175
#define MSR_SYSENTER_EIP	0x176
#define MSR_MISC_ENABLE		0x1a0
#define MSR_MTRR_PHYSBASE0	0x200
#define MSR_MTRR_PHYSMASK0	0x201
#define MSR_MTRR_PHYSMASK7	0x20f
#define MSR_MTRRfix64K_00000	0x250
#define MSR_MTRRfix16K_A0000	0x259
#define MSR_MTRRfix4K_F8000	0x26f
#define MSR_PAT			0x277
#define MSR_MTRRdefType		0x2ff
#define MSR_TSC_DEADLINE	0x6e0
#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_TSC_AUX		0xc0000103
#define MSR_UNKNOWN		0x1234	/* no CPU has it */

#define PAT_RESET		0x0007040600070406ULL
#define MAX_IO_MSRS		256	/* KVM_GET/SET_MSRS take fewer */

struct msrs {
	struct kvm_msrs hdr;
	struct kvm_msr_entry e[MAX_IO_MSRS + 1];
};

static struct msrs *msrs_new(uint32_t n, const uint32_t *index, const uint64_t *data)
{
	struct msrs *m = calloc(1, sizeof(*m));

	if (!m)
		abort();
	m->hdr.nmsrs = n;
	for (uint32_t i = 0; i < n; i++) {
		m->e[i].index = index[i];
		m->e[i].data = data ? data[i] : 0;
	}
	return m;
}

/* KVM_GET/SET_MSRS of one MSR: the number done (1), 0, or -1 with errno. */
static int get1(int fd, uint32_t index, uint64_t *val)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} m = { .hdr.nmsrs = 1, .e.index = index };
	int r = ioctl(fd, KVM_GET_MSRS, &m);

	*val = m.e.data;
	return r;
}

static int set1(int fd, uint32_t index, uint64_t val)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} m = { .hdr.nmsrs = 1, .e.index = index, .e.data = val };

	return ioctl(fd, KVM_SET_MSRS, &m);
}

static uint64_t must_get(struct __test_metadata *_metadata, int fd, uint32_t index)
{
	uint64_t v = 0;

	EXPECT_EQ(1, get1(fd, index, &v)) TH_LOG("KVM_GET_MSRS %#x", index);
	return v;
}

/* The index list by the protocol QEMU uses: nmsrs 0 (E2BIG, count), then all. */
static struct kvm_msr_list *msr_list(struct __test_metadata *_metadata, int sys_fd,
				     unsigned long ioctl_nr)
{
	struct kvm_msr_list probe = { .nmsrs = 0 }, *l;

	EXPECT_EQ(-1, ioctl(sys_fd, ioctl_nr, &probe));
	EXPECT_EQ(E2BIG, errno);
	l = calloc(1, sizeof(*l) + (probe.nmsrs + 8) * sizeof(l->indices[0]));
	if (!l)
		abort();
	if (probe.nmsrs) {
		l->nmsrs = probe.nmsrs - 1;
		EXPECT_EQ(-1, ioctl(sys_fd, ioctl_nr, l));
		EXPECT_EQ(E2BIG, errno);
		EXPECT_EQ(probe.nmsrs, l->nmsrs);
	}
	l->nmsrs = probe.nmsrs + 8;
	EXPECT_EQ(0, ioctl(sys_fd, ioctl_nr, l));
	EXPECT_EQ(probe.nmsrs, l->nmsrs);
	return l;
}

static bool in_list(const struct kvm_msr_list *l, uint32_t index)
{
	for (uint32_t i = 0; i < l->nmsrs; i++)
		if (l->indices[i] == index)
			return true;
	return false;
}

/* MAXPHYADDR from the supported CPUID the library set on every vCPU. */
static unsigned int maxphyaddr(struct vm *vm)
{
	for (uint32_t i = 0; vm->cpuid && i < vm->cpuid->nent; i++)
		if (vm->cpuid->entries[i].function == 0x80000008)
			return vm->cpuid->entries[i].eax & 0xff;
	return 36;
}

static bool cpuid_has(struct vm *vm, uint32_t fn, int reg, uint32_t bit)
{
	for (uint32_t i = 0; vm->cpuid && i < vm->cpuid->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &vm->cpuid->entries[i];

		if (e->function == fn && e->index == 0)
			return (reg == 1 ? e->ebx : reg == 2 ? e->ecx : e->edx) & bit;
	}
	return false;
}

/*
 * Both lists by the E2BIG protocol; every MSR of the save/restore list reads
 * on a new vCPU and takes back what it read (what a VMM's save/restore does),
 * with no duplicates.
 */
TEST(index_list)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_msr_list *l = msr_list(_metadata, vm->sys_fd, KVM_GET_MSR_INDEX_LIST);

	EXPECT_LT(0u, l->nmsrs);
	EXPECT_TRUE(in_list(l, MSR_STAR));
	EXPECT_TRUE(in_list(l, MSR_IA32_TSC));
	EXPECT_TRUE(in_list(l, MSR_PAT));
	for (uint32_t i = 0; i < l->nmsrs; i++) {
		uint64_t val = 0;

		for (uint32_t j = 0; j < i; j++) {
			EXPECT_NE(l->indices[j], l->indices[i]);
		}
		EXPECT_EQ(1, get1(v->fd, l->indices[i], &val))
			TH_LOG("KVM_GET_MSRS %#x", l->indices[i]);
		/*
		 * KVM lists MSR_KVM_POLL_CONTROL (0x4b564d06), which reads 0
		 * on a new vCPU and refuses 0 (measured, kvm_intel 6.12).
		 */
		if (l->indices[i] == 0x4b564d06 && vm_dev_is_kvm())
			continue;
		EXPECT_EQ(1, set1(v->fd, l->indices[i], val))
			TH_LOG("KVM_SET_MSRS %#x = %#llx", l->indices[i],
			       (unsigned long long)val);
	}
	free(l);
	vcpu_free(v);
	vm_destroy(vm);
}

/* Feature MSRs: listed by the same protocol, each read on the system fd. */
TEST(feature_msrs)
{
	int sys_fd = vm_dev_open();
	struct kvm_msr_list *l;
	uint64_t val;

	ASSERT_LE(0, sys_fd);
	if (ioctl(sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_GET_MSR_FEATURES) <= 0)
		SKIP(return, "no KVM_CAP_GET_MSR_FEATURES");
	l = msr_list(_metadata, sys_fd, KVM_GET_MSR_FEATURE_INDEX_LIST);
	EXPECT_TRUE(in_list(l, MSR_IA32_UCODE_REV));
	for (uint32_t i = 0; i < l->nmsrs; i++) {
		EXPECT_EQ(1, get1(sys_fd, l->indices[i], &val))
			TH_LOG("system KVM_GET_MSRS %#x", l->indices[i]);
	}
	EXPECT_EQ(0, get1(sys_fd, MSR_UNKNOWN, &val));
	free(l);
	close(sys_fd);
}

/* A new vCPU: the architectural reset values, as KVM sets them. */
TEST(reset_values)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	static const struct { uint32_t index; uint64_t val; } r[] = {
		{ MSR_PAT, PAT_RESET }, { MSR_EFER, 0 }, { MSR_STAR, 0 },
		{ MSR_LSTAR, 0 }, { MSR_CSTAR, 0 }, { MSR_SFMASK, 0 },
		{ MSR_KERNEL_GS_BASE, 0 }, { MSR_SYSENTER_CS, 0 },
		{ MSR_SYSENTER_ESP, 0 }, { MSR_SYSENTER_EIP, 0 },
		{ MSR_IA32_APICBASE, 0xfee00900 }, { MSR_IA32_TSC_ADJUST, 0 },
		{ MSR_MISC_ENABLE, 0x1800 }, { MSR_MTRRcap, 0x508 },
		{ MSR_MTRRdefType, 0 }, { MSR_MTRRfix64K_00000, 0 },
		{ MSR_MTRR_PHYSBASE0, 0 }, { MSR_MTRR_PHYSMASK7, 0 },
		{ MSR_IA32_UCODE_REV, 1ULL << 32 },
	};

	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		EXPECT_EQ(r[i].val, must_get(_metadata, v->fd, r[i].index))
			TH_LOG("MSR %#x", r[i].index);
	}
	/* The TSC counts from the vCPU's creation (bound: 2^36 cycles). */
	EXPECT_GT(1ULL << 36, must_get(_metadata, v->fd, MSR_IA32_TSC));
	vcpu_free(v);
	vm_destroy(vm);
}

/* Every MSR khv documents: a valid value written is read back. */
TEST(roundtrip)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	uint64_t mask = ((1ULL << maxphyaddr(vm)) - 1) & ~0xfffULL;
	struct { uint32_t index; uint64_t val, want; } r[] = {
		{ MSR_SYSENTER_CS, 0x10, 0x10 },
		{ MSR_SYSENTER_CS, 0x1ffffffffULL, 0xffffffff },	/* 32 bits */
		{ MSR_SYSENTER_ESP, 0xffff888000001000ULL, 0xffff888000001000ULL },
		{ MSR_SYSENTER_EIP, 0xffffffff81000000ULL, 0xffffffff81000000ULL },
		{ MSR_STAR, 0x0023001000000000ULL, 0x0023001000000000ULL },
		{ MSR_LSTAR, 0xffffffff81a00000ULL, 0xffffffff81a00000ULL },
		{ MSR_CSTAR, 0xffffffff81a00080ULL, 0xffffffff81a00080ULL },
		{ MSR_SFMASK, 0x47700, 0x47700 },
		{ MSR_KERNEL_GS_BASE, 0x00007f0000001000ULL, 0x00007f0000001000ULL },
		{ MSR_FS_BASE, 0x00007f0000002000ULL, 0x00007f0000002000ULL },
		{ MSR_GS_BASE, 0xffff888000003000ULL, 0xffff888000003000ULL },
		{ MSR_PAT, 0x0007010600070106ULL, 0x0007010600070106ULL },
		{ MSR_EFER, 0x901, 0x901 },		/* NX, LME, SCE */
		{ MSR_EFER, 0x500, 0x100 },		/* LMA is not written */
		{ MSR_IA32_APICBASE, 0xfee00900, 0xfee00900 },
		{ MSR_IA32_TSC_ADJUST, 0x1000, 0x1000 },
		{ MSR_MISC_ENABLE, 0x1801, 0x1801 },
		{ MSR_MTRRdefType, 0xc06, 0xc06 },
		{ MSR_MTRRfix64K_00000, 0x0606060606060606ULL, 0x0606060606060606ULL },
		{ MSR_MTRRfix16K_A0000, 0x0101010100000000ULL, 0x0101010100000000ULL },
		{ MSR_MTRRfix4K_F8000, 0x0505050505050505ULL, 0x0505050505050505ULL },
		{ MSR_MTRR_PHYSBASE0, 0x80000000 | 6, 0x80000000 | 6 },
		{ MSR_MTRR_PHYSMASK0, (mask & ~0x7fffffffULL) | 0x800,
		  (mask & ~0x7fffffffULL) | 0x800 },
		{ MSR_MTRR_PHYSMASK7, 0x800, 0x800 },
		{ MSR_PLATFORM_INFO, 0, 0 },
		{ MSR_IA32_UCODE_REV, 0x1200000000ULL, 0x1200000000ULL },
	};
	struct kvm_msr_list *l = msr_list(_metadata, vm->sys_fd, KVM_GET_MSR_INDEX_LIST);
	uint64_t tsc;

	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		EXPECT_EQ(1, set1(v->fd, r[i].index, r[i].val))
			TH_LOG("MSR %#x = %#llx", r[i].index, (unsigned long long)r[i].val);
		EXPECT_EQ(r[i].want, must_get(_metadata, v->fd, r[i].index))
			TH_LOG("MSR %#x", r[i].index);
	}
	if (in_list(l, MSR_TSC_AUX)) {
		EXPECT_EQ(1, set1(v->fd, MSR_TSC_AUX, 0x12345678));
		EXPECT_EQ(0x12345678ULL, must_get(_metadata, v->fd, MSR_TSC_AUX));
	}
	/* The TSC runs on from what was written. */
	ASSERT_EQ(1, set1(v->fd, MSR_IA32_TSC, 1ULL << 44));
	tsc = must_get(_metadata, v->fd, MSR_IA32_TSC);
	EXPECT_LE(1ULL << 44, tsc);
	EXPECT_GT((1ULL << 44) + (1ULL << 36), tsc);
	free(l);
	vcpu_free(v);
	vm_destroy(vm);
}

/*
 * QEMU 7.2 writes KVM's clock MSRs at every reset whatever CPUID says, and
 * asserts that KVM_SET_MSRS did them all: writing 0 and reading must work.
 */
TEST(kvm_clock_msrs_zero)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	static const uint32_t idx[] = { MSR_KVM_SYSTEM_TIME, MSR_KVM_WALL_CLOCK };
	struct msrs *m = msrs_new(2, idx, NULL);

	EXPECT_EQ(2, ioctl(v->fd, KVM_SET_MSRS, m));
	EXPECT_EQ(2, ioctl(v->fd, KVM_GET_MSRS, m));
	EXPECT_EQ(0ULL, m->e[0].data);
	EXPECT_EQ(0ULL, m->e[1].data);
	free(m);
	vcpu_free(v);
	vm_destroy(vm);
}

/*
 * The 84 MSRs QEMU 7.2 (microvm, kernel-irqchip=off) writes at vCPU reset
 * with this index list, in its order and with its values, as traced on khv:
 * SET_MSRS must do them all (QEMU asserts it) and GET_MSRS read them back.
 * QEMU adds MCE/MCA to the supported CPUID by itself and gives its vCPUs
 * ten machine-check banks whether or not KVM_CAP_MCE is there; with the
 * capability (kvm_intel) it first sets them up with KVM_X86_SETUP_MCE.
 */
TEST(qemu_reset_msrs)
{
	static const uint32_t fixed[] = {
		0x174, 0x175, 0x176, 0x277, 0xc0000081, 0x3b, 0x1a0, 0xc0000083,
		0xc0000102, 0xc0000084, 0xc0000082, 0x10, 0x12, 0x11, 0x2ff,
		0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d,
		0x26e, 0x26f,
	};
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct msrs *m = msrs_new(0, NULL, NULL);
	uint32_t n = 0, i;
	int r;

	if (ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_MCE) > 0) {
		uint64_t cap = 0;

		ASSERT_EQ(0, ioctl(vm->sys_fd, KVM_X86_GET_MCE_CAP_SUPPORTED, &cap));
		cap = (cap & ((1ULL << 8) | (1ULL << 24))) | 10;
		ASSERT_EQ(0, ioctl(v->fd, KVM_X86_SETUP_MCE, &cap));
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		m->e[n].index = fixed[i];
		m->e[n++].data = fixed[i] == MSR_PAT ? PAT_RESET :
				 fixed[i] == MSR_MISC_ENABLE ? 1 : 0;
	}
	for (i = 0; i < 16; i++)		/* variable MTRRs */
		m->e[n++].index = MSR_MTRR_PHYSBASE0 + i;
	m->e[n++].index = 0x17a;		/* MCG_STATUS */
	m->e[n].index = 0x17b;			/* MCG_CTL */
	m->e[n++].data = ~0ULL;
	for (i = 0; i < 40; i++) {		/* MC0-9 CTL, STATUS, ADDR, MISC */
		m->e[n].index = 0x400 + i;
		m->e[n++].data = i % 4 ? 0 : ~0ULL;
	}
	ASSERT_EQ(84u, n);
	m->hdr.nmsrs = n;
	r = ioctl(v->fd, KVM_SET_MSRS, m);
	EXPECT_EQ(84, r) TH_LOG("stopped at %#x", r >= 0 && r < 84 ? m->e[r].index : 0);
	for (i = 0; i < n; i++)
		m->e[i].data = 0x5a5a;
	EXPECT_EQ(84, ioctl(v->fd, KVM_GET_MSRS, m));
	EXPECT_EQ(PAT_RESET, m->e[3].data);
	EXPECT_EQ(~0ULL, m->e[n - 40].data);	/* MC0_CTL */
	EXPECT_EQ(0ULL, m->e[n - 39].data);	/* MC0_STATUS */
	free(m);
	vcpu_free(v);
	vm_destroy(vm);
}

/* An unknown MSR stops both ioctls at its entry; later ones are untouched. */
TEST(unknown_msr_stops)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	static const uint32_t idx[] = { MSR_SYSENTER_CS, MSR_UNKNOWN, MSR_STAR };
	static const uint64_t val[] = { 0x10, 0, 0x0023001000000000ULL };
	struct msrs *m = msrs_new(3, idx, val);

	EXPECT_EQ(1, ioctl(v->fd, KVM_SET_MSRS, m));
	EXPECT_EQ(0x10ULL, must_get(_metadata, v->fd, MSR_SYSENTER_CS));
	EXPECT_EQ(0ULL, must_get(_metadata, v->fd, MSR_STAR));
	m->e[0].data = m->e[1].data = m->e[2].data = 0xdeadbeef;
	EXPECT_EQ(1, ioctl(v->fd, KVM_GET_MSRS, m));
	EXPECT_EQ(0x10ULL, m->e[0].data);
	EXPECT_EQ(0xdeadbeefULL, m->e[2].data);
	/* First entry unknown: nothing done. */
	m->e[0].index = MSR_UNKNOWN;
	EXPECT_EQ(0, ioctl(v->fd, KVM_SET_MSRS, m));
	EXPECT_EQ(0, ioctl(v->fd, KVM_GET_MSRS, m));
	free(m);
	vcpu_free(v);
	vm_destroy(vm);
}

/* A refused value stops KVM_SET_MSRS there and leaves the MSR unchanged. */
TEST(bad_value_stops)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	uint64_t above = 1ULL << maxphyaddr(vm);
	struct { uint32_t index; uint64_t val; } bad[] = {
		{ MSR_PAT, 0x0207040600070406ULL },		/* type 2 */
		{ MSR_PAT, 0x0807040600070406ULL },		/* type 8 */
		{ MSR_EFER, 0x2000 },				/* reserved */
		{ MSR_LSTAR, 0x8000000000000000ULL },		/* not canonical */
		{ MSR_KERNEL_GS_BASE, 0x0000800000000000ULL },
		{ MSR_FS_BASE, 0x8000000000000000ULL },
		{ MSR_IA32_APICBASE, 0xfee00901 },		/* reserved bit 0 */
		{ MSR_MTRRcap, 0x508 },				/* read-only */
		{ MSR_MTRRdefType, 0x2 },			/* type 2 */
		{ MSR_MTRRdefType, 0x1006 },			/* reserved */
		{ MSR_MTRRfix64K_00000, 0x0202020202020202ULL },
		{ MSR_MTRR_PHYSBASE0, 0x80000802 },		/* type 2 */
		{ MSR_MTRR_PHYSBASE0, above | 6 },		/* > MAXPHYADDR */
		{ MSR_MTRR_PHYSMASK0, 0x400 },			/* reserved */
		{ MSR_MTRR_PHYSMASK0, above | 0x800 },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t idx[] = { MSR_SYSENTER_ESP, bad[i].index, MSR_SYSENTER_EIP };
		uint64_t val[] = { 0x1000 + i, bad[i].val, 0x2000 + i };
		uint64_t before = must_get(_metadata, v->fd, bad[i].index);
		struct msrs *m = msrs_new(3, idx, val);

		EXPECT_EQ(1, ioctl(v->fd, KVM_SET_MSRS, m))
			TH_LOG("MSR %#x = %#llx", bad[i].index, (unsigned long long)bad[i].val);
		EXPECT_EQ(before, must_get(_metadata, v->fd, bad[i].index));
		EXPECT_EQ(0x1000 + i, must_get(_metadata, v->fd, MSR_SYSENTER_ESP));
		EXPECT_NE(0x2000 + i, must_get(_metadata, v->fd, MSR_SYSENTER_EIP));
		free(m);
	}
	vcpu_free(v);
	vm_destroy(vm);
}

/* nmsrs 256 is E2BIG on both ioctls, 255 is done in full; pad is ignored. */
TEST(nmsrs_bound)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct msrs *m = msrs_new(0, NULL, NULL);

	for (int i = 0; i < MAX_IO_MSRS; i++) {
		m->e[i].index = MSR_PAT;
		m->e[i].data = PAT_RESET;
	}
	m->hdr.nmsrs = MAX_IO_MSRS;
	EXPECT_EQ(-1, ioctl(v->fd, KVM_SET_MSRS, m));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(-1, ioctl(v->fd, KVM_GET_MSRS, m));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(-1, ioctl(vm->sys_fd, KVM_GET_MSRS, m));
	EXPECT_EQ(E2BIG, errno);
	m->hdr.nmsrs = MAX_IO_MSRS - 1;
	EXPECT_EQ(MAX_IO_MSRS - 1, ioctl(v->fd, KVM_SET_MSRS, m));
	EXPECT_EQ(MAX_IO_MSRS - 1, ioctl(v->fd, KVM_GET_MSRS, m));
	m->hdr.nmsrs = 0;
	EXPECT_EQ(0, ioctl(v->fd, KVM_SET_MSRS, m));
	m->hdr.nmsrs = 3;
	m->hdr.pad = 5;
	m->e[1].reserved = 7;
	EXPECT_EQ(3, ioctl(v->fd, KVM_SET_MSRS, m));
	EXPECT_EQ(-1, ioctl(v->fd, KVM_SET_MSRS, NULL));
	EXPECT_EQ(EFAULT, errno);
	free(m);
	vcpu_free(v);
	vm_destroy(vm);
}

/* msr_op64 in long mode: one RDMSR/WRMSR/RDTSCP per call. */
static void guest_start(struct vm *vm, struct vcpu *v)
{
	vm_load_code(vm, GUEST_CODE(msr_op64));
	vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
}

/* Returns 1 if the instruction raised #GP, 0 if not; -1 on a stray exit. */
static int guest_op(struct vm *vm, struct vcpu *v, uint32_t op, uint32_t index,
		    uint64_t *val)
{
	*(uint32_t *)vm_hva(vm, MO_OP_GPA) = op;
	*(uint32_t *)vm_hva(vm, MO_INDEX_GPA) = index;
	*(uint64_t *)vm_hva(vm, MO_VALUE_GPA) = *val;
	if (vcpu_run_report(v) != REPORT_DONE)
		return -1;
	*val = *(uint64_t *)vm_hva(vm, MO_VALUE_GPA);
	return *(uint32_t *)vm_hva(vm, MO_GP_GPA);
}

static const struct { uint32_t index; uint64_t val; } guest_visible[] = {
	{ MSR_SYSENTER_EIP, 0xffffffff81001000ULL },
	{ MSR_STAR, 0x0023001000000000ULL },
	{ MSR_LSTAR, 0xffffffff81a00000ULL },
	{ MSR_SFMASK, 0x47700 },
	{ MSR_KERNEL_GS_BASE, 0x00007f0000001000ULL },
	{ MSR_PAT, 0x0007010600070106ULL },
	{ MSR_MISC_ENABLE, 0x1801 },
	{ MSR_MTRRdefType, 0xc06 },
	{ MSR_MTRRfix16K_A0000, 0x0101010100000000ULL },
	{ MSR_MTRR_PHYSBASE0, 0x80000006 },
	{ MSR_MTRR_PHYSMASK7, 0x800 },
	{ MSR_IA32_TSC_ADJUST, 0 },
};

/* What userspace writes, the guest's RDMSR reads. */
TEST(guest_reads_host_values)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	uint64_t val;

	guest_start(vm, v);
	for (size_t i = 0; i < sizeof(guest_visible) / sizeof(guest_visible[0]); i++) {
		ASSERT_EQ(1, set1(v->fd, guest_visible[i].index, guest_visible[i].val));
		val = 0;
		ASSERT_EQ(0, guest_op(vm, v, MO_RDMSR, guest_visible[i].index, &val))
			TH_LOG("RDMSR %#x: %s", guest_visible[i].index, vcpu_exit_str(v));
		EXPECT_EQ(guest_visible[i].val, val) TH_LOG("RDMSR %#x", guest_visible[i].index);
	}
	val = 0;
	ASSERT_EQ(0, guest_op(vm, v, MO_RDMSR, MSR_MTRRcap, &val));
	EXPECT_EQ(0x508ULL, val);
	/* PLATFORM_INFO and the microcode revision are readable too. */
	ASSERT_EQ(1, set1(v->fd, MSR_IA32_UCODE_REV, 0x1200000000ULL));
	ASSERT_EQ(0, guest_op(vm, v, MO_RDMSR, MSR_IA32_UCODE_REV, &val));
	EXPECT_EQ(0x1200000000ULL, val);
	ASSERT_EQ(1, set1(v->fd, MSR_PLATFORM_INFO, 0));
	ASSERT_EQ(0, guest_op(vm, v, MO_RDMSR, MSR_PLATFORM_INFO, &val));
	EXPECT_EQ(0ULL, val);
	vcpu_free(v);
	vm_destroy(vm);
}

/* What the guest's WRMSR writes, KVM_GET_MSRS reads. */
TEST(host_reads_guest_values)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	uint64_t val;

	guest_start(vm, v);
	for (size_t i = 0; i < sizeof(guest_visible) / sizeof(guest_visible[0]); i++) {
		val = guest_visible[i].val;
		ASSERT_EQ(0, guest_op(vm, v, MO_WRMSR, guest_visible[i].index, &val))
			TH_LOG("WRMSR %#x: %s", guest_visible[i].index, vcpu_exit_str(v));
		EXPECT_EQ(guest_visible[i].val,
			  must_get(_metadata, v->fd, guest_visible[i].index))
			TH_LOG("MSR %#x", guest_visible[i].index);
	}
	/* A guest write of the microcode revision is ignored, without #GP. */
	val = 0;
	ASSERT_EQ(0, guest_op(vm, v, MO_WRMSR, MSR_IA32_UCODE_REV, &val));
	EXPECT_EQ(1ULL << 32, must_get(_metadata, v->fd, MSR_IA32_UCODE_REV));
	vcpu_free(v);
	vm_destroy(vm);
}

/* #GP for what the CPU refuses; the MSR keeps its value. */
TEST(guest_gp)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	static const struct { uint32_t op, index; uint64_t val; } gp[] = {
		{ MO_RDMSR, MSR_UNKNOWN, 0 },
		{ MO_WRMSR, MSR_UNKNOWN, 0 },
		{ MO_WRMSR, MSR_PAT, 0x0207040600070406ULL },
		{ MO_WRMSR, MSR_LSTAR, 0x8000000000000000ULL },
		{ MO_WRMSR, MSR_MTRRcap, 0x508 },
		{ MO_WRMSR, MSR_MTRRdefType, 0x7 },
		{ MO_WRMSR, MSR_MTRR_PHYSMASK0, 0x400 },
		{ MO_WRMSR, MSR_PLATFORM_INFO, 0 },		/* read-only */
		{ MO_WRMSR, MSR_MISC_ENABLE, 0x0801 },		/* PEBS_UNAVAIL is RO */
		{ MO_WRMSR, MSR_EFER, 0x2000 },
	};
	uint64_t val;

	guest_start(vm, v);
	for (size_t i = 0; i < sizeof(gp) / sizeof(gp[0]); i++) {
		uint64_t before = 0;

		if (gp[i].index != MSR_UNKNOWN)
			before = must_get(_metadata, v->fd, gp[i].index);
		val = gp[i].val;
		EXPECT_EQ(1, guest_op(vm, v, gp[i].op, gp[i].index, &val))
			TH_LOG("%s %#x = %#llx: %s", gp[i].op ? "WRMSR" : "RDMSR",
			       gp[i].index, (unsigned long long)gp[i].val, vcpu_exit_str(v));
		if (gp[i].index != MSR_UNKNOWN) {
			EXPECT_EQ(before, must_get(_metadata, v->fd, gp[i].index));
		}
	}
	/* And the guest goes on: a good RDMSR after all that. */
	val = 0;
	EXPECT_EQ(0, guest_op(vm, v, MO_RDMSR, MSR_PAT, &val));
	EXPECT_EQ(PAT_RESET, val);
	vcpu_free(v);
	vm_destroy(vm);
}

/*
 * KVM_CAP_MSR_PLATFORM_INFO: on at VM creation; KVM_ENABLE_CAP on the VM fd
 * with args[0] 0 makes the guest's RDMSR of PLATFORM_INFO #GP and 1 lets it
 * read again, while userspace reads and writes it either way. Flags and a
 * capability that cannot be enabled: EINVAL.
 */
TEST(platform_info_cap)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_enable_cap cap = { .cap = KVM_CAP_MSR_PLATFORM_INFO };
	uint64_t val;

	ASSERT_EQ(1, ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_MSR_PLATFORM_INFO));
	guest_start(vm, v);
	ASSERT_EQ(1, set1(v->fd, MSR_PLATFORM_INFO, 0xff00));
	ASSERT_EQ(0, guest_op(vm, v, MO_RDMSR, MSR_PLATFORM_INFO, &val));
	EXPECT_EQ(0xff00ULL, val);

	cap.args[0] = 0;
	ASSERT_EQ(0, ioctl(vm->fd, KVM_ENABLE_CAP, &cap));
	EXPECT_EQ(1, guest_op(vm, v, MO_RDMSR, MSR_PLATFORM_INFO, &val));
	EXPECT_EQ(0xff00ULL, must_get(_metadata, v->fd, MSR_PLATFORM_INFO));
	ASSERT_EQ(1, set1(v->fd, MSR_PLATFORM_INFO, 0xfe00));

	cap.args[0] = 1;
	ASSERT_EQ(0, ioctl(vm->fd, KVM_ENABLE_CAP, &cap));
	val = 0;
	ASSERT_EQ(0, guest_op(vm, v, MO_RDMSR, MSR_PLATFORM_INFO, &val));
	EXPECT_EQ(0xfe00ULL, val);

	cap.flags = 1;
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_ENABLE_CAP, &cap));
	EXPECT_EQ(EINVAL, errno);
	cap.flags = 0;
	cap.cap = KVM_CAP_USER_MEMORY;
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_ENABLE_CAP, &cap));
	EXPECT_EQ(EINVAL, errno);
	vcpu_free(v);
	vm_destroy(vm);
}

/* Machine-check MSRs in the guest: present, all-or-nothing controls. */
TEST(guest_mce_msrs)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	uint64_t val = 0, banks;

	guest_start(vm, v);
	ASSERT_EQ(0, guest_op(vm, v, MO_RDMSR, 0x179, &val)) TH_LOG("%s", vcpu_exit_str(v));
	banks = val & 0xff;
	EXPECT_LE(1ULL, banks);
	val = 0;
	EXPECT_EQ(0, guest_op(vm, v, MO_WRMSR, 0x17a, &val));		/* MCG_STATUS */
	val = 0x3;
	EXPECT_EQ(1, guest_op(vm, v, MO_WRMSR, 0x179, &val));		/* MCG_CAP: RO */
	val = 0;
	EXPECT_EQ(0, guest_op(vm, v, MO_WRMSR, 0x400, &val));		/* MC0_CTL */
	val = 0xff;
	EXPECT_EQ(1, guest_op(vm, v, MO_WRMSR, 0x400, &val));
	val = ~0ULL;
	EXPECT_EQ(0, guest_op(vm, v, MO_WRMSR, 0x400 + 4 * (banks - 1), &val));
	val = 1ULL << 63;
	EXPECT_EQ(1, guest_op(vm, v, MO_WRMSR, 0x401, &val));	/* MC0_STATUS */
	val = 0;
	EXPECT_EQ(0, guest_op(vm, v, MO_WRMSR, 0x401, &val));
	vcpu_free(v);
	vm_destroy(vm);
}

/* RDTSCP returns IA32_TSC_AUX in ECX, the one userspace or the guest wrote. */
TEST(rdtscp_reads_tsc_aux)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_msr_list *l = msr_list(_metadata, vm->sys_fd, KVM_GET_MSR_INDEX_LIST);
	uint32_t aux, lo, hi;
	uint64_t val;

	if (!in_list(l, MSR_TSC_AUX) || !cpuid_has(vm, 0x80000001, 3, 1u << 27))
		SKIP(goto out, "no RDTSCP");
	guest_start(vm, v);
	ASSERT_EQ(1, set1(v->fd, MSR_TSC_AUX, 0x4321));
	val = 0;
	ASSERT_EQ(0, guest_op(vm, v, MO_RDTSCP, 0, &val)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(0x4321u, *(uint32_t *)vm_hva(vm, MO_AUX_GPA));
	val = 0x77;
	ASSERT_EQ(0, guest_op(vm, v, MO_WRMSR, MSR_TSC_AUX, &val));
	ASSERT_EQ(0, guest_op(vm, v, MO_RDTSCP, 0, &val));
	EXPECT_EQ(0x77u, *(uint32_t *)vm_hva(vm, MO_AUX_GPA));
	val = 0;
	ASSERT_EQ(0, guest_op(vm, v, MO_RDMSR, MSR_TSC_AUX, &val));
	EXPECT_EQ(0x77ULL, val);
	EXPECT_EQ(0x77ULL, must_get(_metadata, v->fd, MSR_TSC_AUX));
	/* Bits 63:32 are reserved. */
	val = 1ULL << 32;
	EXPECT_EQ(1, guest_op(vm, v, MO_WRMSR, MSR_TSC_AUX, &val));
	EXPECT_EQ(0, set1(v->fd, MSR_TSC_AUX, 1ULL << 32));
	/* Back in this process the host's value (the CPU number) is in place. */
	__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	EXPECT_NE(0x77u, aux);
	EXPECT_NE(0x4321u, aux);
out:
	free(l);
	vcpu_free(v);
	vm_destroy(vm);
}

#define UNITY		(1ULL << 30)
#define ROUND(x)	(((x) + UNITY / 2) & -UNITY)

/*
 * IA32_TSC and IA32_TSC_ADJUST (SDM "Time-Stamp Counter Adjustment"), compared in units of 2^30
 * cycles as KVM's tsc_msrs_test does: guest writes of either move both,
 * userspace writes each alone.
 */
TEST(tsc_and_tsc_adjust)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	uint64_t val;

	guest_start(vm, v);
	EXPECT_EQ(0ULL, ROUND(must_get(_metadata, v->fd, MSR_IA32_TSC)));

	val = 4 * UNITY;
	ASSERT_EQ(0, guest_op(vm, v, MO_WRMSR, MSR_IA32_TSC, &val));
	EXPECT_EQ(4 * UNITY, ROUND(must_get(_metadata, v->fd, MSR_IA32_TSC)));
	EXPECT_EQ(4 * UNITY, ROUND(must_get(_metadata, v->fd, MSR_IA32_TSC_ADJUST)));

	val = 8 * UNITY;
	ASSERT_EQ(0, guest_op(vm, v, MO_WRMSR, MSR_IA32_TSC_ADJUST, &val));
	EXPECT_EQ(8 * UNITY, ROUND(must_get(_metadata, v->fd, MSR_IA32_TSC)));
	EXPECT_EQ(8 * UNITY, must_get(_metadata, v->fd, MSR_IA32_TSC_ADJUST));

	/* Userspace: TSC alone, then TSC_ADJUST alone. */
	ASSERT_EQ(1, set1(v->fd, MSR_IA32_TSC, 72 * UNITY));
	EXPECT_EQ(8 * UNITY, must_get(_metadata, v->fd, MSR_IA32_TSC_ADJUST));
	val = 0;
	ASSERT_EQ(0, guest_op(vm, v, MO_RDMSR, MSR_IA32_TSC, &val));
	EXPECT_EQ(72 * UNITY, ROUND(val));
	ASSERT_EQ(1, set1(v->fd, MSR_IA32_TSC_ADJUST, 123 * UNITY));
	EXPECT_EQ(72 * UNITY, ROUND(must_get(_metadata, v->fd, MSR_IA32_TSC)));
	ASSERT_EQ(1, set1(v->fd, MSR_IA32_TSC_ADJUST, 8 * UNITY));

	/* Guest TSC write: TSC_ADJUST takes the whole difference. */
	val = 16 * UNITY;
	ASSERT_EQ(0, guest_op(vm, v, MO_WRMSR, MSR_IA32_TSC, &val));
	EXPECT_EQ(16 * UNITY, ROUND(must_get(_metadata, v->fd, MSR_IA32_TSC)));
	EXPECT_EQ((uint64_t)(16 * UNITY - 64 * UNITY),
		  ROUND(must_get(_metadata, v->fd, MSR_IA32_TSC_ADJUST)));
	vcpu_free(v);
	vm_destroy(vm);
}

/* A second vCPU of the VM counts on the same time base as the first. */
TEST(tsc_shared_by_vcpus)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v0 = vcpu_add(vm, 0);
	struct vcpu *v1 = vcpu_add(vm, 1);
	uint64_t t0, t1;

	/* A VMM's reset writes 0 to each: they stay together. */
	ASSERT_EQ(1, set1(v0->fd, MSR_IA32_TSC, 0));
	ASSERT_EQ(1, set1(v1->fd, MSR_IA32_TSC, 0));
	t0 = must_get(_metadata, v0->fd, MSR_IA32_TSC);
	t1 = must_get(_metadata, v1->fd, MSR_IA32_TSC);
	EXPECT_LE(t0, t1);
	EXPECT_EQ(ROUND(t0), ROUND(t1));
	vcpu_free(v1);
	vcpu_free(v0);
	vm_destroy(vm);
}

TEST_HARNESS_MAIN
