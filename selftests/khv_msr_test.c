// SPDX-License-Identifier: GPL-2.0
/*
 * MSRs through the KVM ABI: KVM_GET_MSR_INDEX_LIST and
 * KVM_GET_MSR_FEATURE_INDEX_LIST (the E2BIG protocol), feature MSRs read on
 * the system fd, KVM_GET/SET_MSRS on a vCPU (round trip of every MSR khv
 * documents, reset values, the count of entries done that stops at the first
 * unknown MSR or bad value, the 255-entry bound), what a guest's RDMSR,
 * WRMSR and RDTSCP see of userspace's values and the other way round, #GP
 * for bad values and unknown MSRs, and the TSC/TSC_ADJUST pair; guest
 * accesses handed to userspace (KVM_CAP_X86_USER_SPACE_MSR exits, the MSR
 * filter of KVM_X86_SET_MSR_FILTER, its checks, its replacement while a
 * vCPU runs). Guests: cpuid_msr.S.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vm.h"
#include "guests/cpuid_msr.inc"

GUEST_DECLARE(msr_op64);
GUEST_DECLARE(msr_loop64);

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


/*
 * KVM_CAP_X86_USER_SPACE_MSR and KVM_X86_SET_MSR_FILTER (api.rst 7.21,
 * 4.97): guest accesses handed to userspace as KVM_EXIT_X86_RDMSR/WRMSR.
 */
#define MSR_POWER_CTL		0x1fc
#define MSR_X2APIC_ID		0x802
#define REASON_INVAL		KVM_MSR_EXIT_REASON_INVAL
#define REASON_UNKNOWN		KVM_MSR_EXIT_REASON_UNKNOWN
#define REASON_FILTER		KVM_MSR_EXIT_REASON_FILTER
#define FILTER_R		KVM_MSR_FILTER_READ
#define FILTER_W		KVM_MSR_FILTER_WRITE

static int enable_user_msrs(struct vm *vm, uint64_t reasons)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_X86_USER_SPACE_MSR,
		.args[0] = reasons,
	};

	return ioctl(vm->fd, KVM_ENABLE_CAP, &cap);
}

static int set_filter(struct vm *vm, const struct kvm_msr_filter *f)
{
	return ioctl(vm->fd, KVM_X86_SET_MSR_FILTER, f);
}

/* All-zero bitmaps (deny) and all-ones (allow), big enough for any range. */
static uint8_t deny_bits[KVM_MSR_FILTER_MAX_BITMAP_SIZE];
static uint8_t allow_bits[KVM_MSR_FILTER_MAX_BITMAP_SIZE];

/* A DEFAULT_ALLOW filter denying one MSR for the accesses in @flags. */
static struct kvm_msr_filter deny_one(uint32_t flags, uint32_t index)
{
	return (struct kvm_msr_filter){
		.flags = KVM_MSR_FILTER_DEFAULT_ALLOW,
		.ranges[0] = { .flags = flags, .nmsrs = 1, .base = index,
			       .bitmap = deny_bits },
	};
}

/* Start one msr_op64 operation; returns the reason of the first exit. */
static int op_start(struct vm *vm, struct vcpu *v, uint32_t op, uint32_t index,
		    uint64_t val)
{
	*(uint32_t *)vm_hva(vm, MO_OP_GPA) = op;
	*(uint32_t *)vm_hva(vm, MO_INDEX_GPA) = index;
	*(uint64_t *)vm_hva(vm, MO_VALUE_GPA) = val;
	return vcpu_run_exit(v);
}

/*
 * Answer the MSR exit op_start() returned and run the guest to its report:
 * 1 if the instruction raised #GP, 0 if not (*val: what RDMSR read), -1 on
 * a stray exit.
 */
static int op_finish(struct vm *vm, struct vcpu *v, uint8_t error, uint64_t data,
		     uint64_t *val)
{
	v->run->msr.error = error;
	v->run->msr.data = data;
	if (vcpu_run_report(v) != REPORT_DONE)
		return -1;
	*val = *(uint64_t *)vm_hva(vm, MO_VALUE_GPA);
	return *(uint32_t *)vm_hva(vm, MO_GP_GPA);
}

/* The exit's fields, as api.rst describes them. */
#define EXPECT_MSR_EXIT(v, exit, idx, why, val) do {				\
	EXPECT_EQ((uint32_t)(exit), (v)->run->exit_reason)			\
		TH_LOG("%s", vcpu_exit_str(v));					\
	EXPECT_EQ((uint32_t)(idx), (v)->run->msr.index);			\
	EXPECT_EQ((uint32_t)(why), (v)->run->msr.reason);			\
	EXPECT_EQ((uint64_t)(val), (uint64_t)(v)->run->msr.data);		\
	EXPECT_EQ(0, (v)->run->msr.error);					\
} while (0)

/* Both capabilities; ENABLE_CAP takes any mask of the three reasons only. */
TEST(user_space_msr_cap)
{
	struct vm *vm = vm_create();
	static const uint64_t bad[] = { 8, 0xf, 1ULL << 32, ~0ULL };

	EXPECT_EQ(1, ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_X86_USER_SPACE_MSR));
	EXPECT_EQ(1, ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_X86_USER_SPACE_MSR));
	EXPECT_EQ(1, ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_X86_MSR_FILTER));
	for (uint64_t m = 0; m <= 7; m++) {
		EXPECT_EQ(0, enable_user_msrs(vm, m)) TH_LOG("mask %#llx", (unsigned long long)m);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-1, enable_user_msrs(vm, bad[i]));
		EXPECT_EQ(EINVAL, errno);
	}
	vm_destroy(vm);
}

/*
 * An unknown MSR with KVM_MSR_EXIT_REASON_UNKNOWN: RDMSR and WRMSR exit;
 * userspace's data lands in EDX:EAX, error makes the instruction #GP (and
 * leaves EDX:EAX alone). A bad value for a known MSR is "invalid", not
 * "unknown"; a reason not asked for is a plain #GP.
 */
TEST(unknown_msr_exits)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	uint64_t val = 0;

	guest_start(vm, v);
	ASSERT_EQ(0, enable_user_msrs(vm, REASON_UNKNOWN));

	ASSERT_EQ(KVM_EXIT_X86_RDMSR, op_start(vm, v, MO_RDMSR, MSR_UNKNOWN, 0x55))
		TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_MSR_EXIT(v, KVM_EXIT_X86_RDMSR, MSR_UNKNOWN, REASON_UNKNOWN, 0);
	EXPECT_EQ(0, op_finish(vm, v, 0, 0x1122334455667788ULL, &val));
	EXPECT_EQ(0x1122334455667788ULL, val);

	ASSERT_EQ(KVM_EXIT_X86_WRMSR,
		  op_start(vm, v, MO_WRMSR, MSR_UNKNOWN, 0xfedcba9876543210ULL));
	EXPECT_MSR_EXIT(v, KVM_EXIT_X86_WRMSR, MSR_UNKNOWN, REASON_UNKNOWN,
			0xfedcba9876543210ULL);
	EXPECT_EQ(0, op_finish(vm, v, 0, 0, &val));

	/* The VMM says no: #GP, for a read and for a write. */
	ASSERT_EQ(KVM_EXIT_X86_RDMSR, op_start(vm, v, MO_RDMSR, MSR_UNKNOWN, 0x55));
	EXPECT_EQ(1, op_finish(vm, v, 1, 0x77, &val));
	EXPECT_EQ(0x55ULL, val);
	ASSERT_EQ(KVM_EXIT_X86_WRMSR, op_start(vm, v, MO_WRMSR, MSR_UNKNOWN, 3));
	EXPECT_EQ(1, op_finish(vm, v, 1, 0, &val));

	/* A bad PAT is not "unknown": #GP without an exit ... */
	val = 0x0207040600070406ULL;
	EXPECT_EQ(1, guest_op(vm, v, MO_WRMSR, MSR_PAT, &val)) TH_LOG("%s", vcpu_exit_str(v));
	/* ... and an exit once "invalid" is asked for too; PAT keeps its value. */
	ASSERT_EQ(0, enable_user_msrs(vm, REASON_INVAL | REASON_UNKNOWN));
	ASSERT_EQ(KVM_EXIT_X86_WRMSR, op_start(vm, v, MO_WRMSR, MSR_PAT, val));
	EXPECT_MSR_EXIT(v, KVM_EXIT_X86_WRMSR, MSR_PAT, REASON_INVAL, val);
	EXPECT_EQ(0, op_finish(vm, v, 0, 0, &val));
	EXPECT_EQ(PAT_RESET, must_get(_metadata, v->fd, MSR_PAT));

	/* Only "invalid": the unknown MSR is a #GP again. */
	ASSERT_EQ(0, enable_user_msrs(vm, REASON_INVAL));
	EXPECT_EQ(1, guest_op(vm, v, MO_RDMSR, MSR_UNKNOWN, &val)) TH_LOG("%s", vcpu_exit_str(v));
	vcpu_free(v);
	vm_destroy(vm);
}

/*
 * A DEFAULT_ALLOW filter: the denied accesses exit with reason FILTER (read
 * of SFMASK, write of LSTAR), the others run in the kernel (write of SFMASK,
 * read of LSTAR); userspace's KVM_GET/SET_MSRS are not filtered. Without
 * KVM_MSR_EXIT_REASON_FILTER a denied access is a #GP, even when
 * "unknown" and "invalid" exits are on; an empty filter ends filtering.
 */
TEST(filter_exits)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_msr_filter f = {
		.flags = KVM_MSR_FILTER_DEFAULT_ALLOW,
		.ranges = {
			{ .flags = FILTER_R, .nmsrs = 1, .base = MSR_SFMASK,
			  .bitmap = deny_bits },
			{ .flags = FILTER_W, .nmsrs = 1, .base = MSR_LSTAR,
			  .bitmap = deny_bits },
		},
	};
	struct kvm_msr_filter off = { .flags = KVM_MSR_FILTER_DEFAULT_ALLOW };
	uint64_t val = 0;

	guest_start(vm, v);
	ASSERT_EQ(0, enable_user_msrs(vm, REASON_FILTER));
	ASSERT_EQ(0, set_filter(vm, &f));

	ASSERT_EQ(1, set1(v->fd, MSR_SFMASK, 0x700));
	ASSERT_EQ(KVM_EXIT_X86_RDMSR, op_start(vm, v, MO_RDMSR, MSR_SFMASK, 0));
	EXPECT_MSR_EXIT(v, KVM_EXIT_X86_RDMSR, MSR_SFMASK, REASON_FILTER, 0);
	EXPECT_EQ(0, op_finish(vm, v, 0, 0xabcd, &val));
	EXPECT_EQ(0xabcdULL, val);
	EXPECT_EQ(0x700ULL, must_get(_metadata, v->fd, MSR_SFMASK));
	val = 0x4700;
	EXPECT_EQ(0, guest_op(vm, v, MO_WRMSR, MSR_SFMASK, &val)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(0x4700ULL, must_get(_metadata, v->fd, MSR_SFMASK));

	ASSERT_EQ(1, set1(v->fd, MSR_LSTAR, 0xffffffff81a00000ULL));
	ASSERT_EQ(KVM_EXIT_X86_WRMSR,
		  op_start(vm, v, MO_WRMSR, MSR_LSTAR, 0xffffffff81b00000ULL));
	EXPECT_MSR_EXIT(v, KVM_EXIT_X86_WRMSR, MSR_LSTAR, REASON_FILTER,
			0xffffffff81b00000ULL);
	EXPECT_EQ(0, op_finish(vm, v, 0, 0, &val));
	EXPECT_EQ(0xffffffff81a00000ULL, must_get(_metadata, v->fd, MSR_LSTAR));
	val = 0;
	EXPECT_EQ(0, guest_op(vm, v, MO_RDMSR, MSR_LSTAR, &val)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(0xffffffff81a00000ULL, val);

	/* Filtered, but userspace does not take filtered accesses: #GP. */
	ASSERT_EQ(0, enable_user_msrs(vm, REASON_INVAL | REASON_UNKNOWN));
	EXPECT_EQ(1, guest_op(vm, v, MO_RDMSR, MSR_SFMASK, &val)) TH_LOG("%s", vcpu_exit_str(v));
	val = 0xffffffff81b00000ULL;
	EXPECT_EQ(1, guest_op(vm, v, MO_WRMSR, MSR_LSTAR, &val)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(0xffffffff81a00000ULL, must_get(_metadata, v->fd, MSR_LSTAR));

	/* No ranges, default allow: filtering is off. */
	ASSERT_EQ(0, set_filter(vm, &off));
	val = 0;
	EXPECT_EQ(0, guest_op(vm, v, MO_RDMSR, MSR_SFMASK, &val)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(0x4700ULL, val);
	vcpu_free(v);
	vm_destroy(vm);
}

/*
 * DEFAULT_DENY: every MSR no range allows exits, the x2APIC MSRs excepted
 * (here #GP: no in-kernel APIC, and "invalid"/"unknown" exits are off);
 * a range allows reads of PAT only. KVM_GET_MSRS still reads everything.
 */
TEST(filter_default_deny)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_msr_filter f = {
		.flags = KVM_MSR_FILTER_DEFAULT_DENY,
		.ranges[5] = { .flags = FILTER_R, .nmsrs = 1, .base = MSR_PAT,
			       .bitmap = allow_bits },
	};
	uint64_t val = 0;

	memset(allow_bits, 0xff, sizeof(allow_bits));
	guest_start(vm, v);
	ASSERT_EQ(0, enable_user_msrs(vm, REASON_FILTER));
	ASSERT_EQ(0, set_filter(vm, &f));

	val = 0;
	EXPECT_EQ(0, guest_op(vm, v, MO_RDMSR, MSR_PAT, &val)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(PAT_RESET, val);
	ASSERT_EQ(KVM_EXIT_X86_WRMSR, op_start(vm, v, MO_WRMSR, MSR_PAT, PAT_RESET))
		TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_MSR_EXIT(v, KVM_EXIT_X86_WRMSR, MSR_PAT, REASON_FILTER, PAT_RESET);
	EXPECT_EQ(0, op_finish(vm, v, 0, 0, &val));
	ASSERT_EQ(KVM_EXIT_X86_RDMSR, op_start(vm, v, MO_RDMSR, MSR_EFER, 0));
	EXPECT_MSR_EXIT(v, KVM_EXIT_X86_RDMSR, MSR_EFER, REASON_FILTER, 0);
	EXPECT_EQ(0, op_finish(vm, v, 0, 0x12, &val));
	EXPECT_EQ(0x12ULL, val);
	ASSERT_EQ(KVM_EXIT_X86_RDMSR, op_start(vm, v, MO_RDMSR, MSR_UNKNOWN, 0));
	EXPECT_MSR_EXIT(v, KVM_EXIT_X86_RDMSR, MSR_UNKNOWN, REASON_FILTER, 0);
	EXPECT_EQ(1, op_finish(vm, v, 1, 0, &val));

	/* x2APIC MSRs: never filtered, so no FILTER exit. */
	EXPECT_EQ(1, guest_op(vm, v, MO_RDMSR, MSR_X2APIC_ID, &val)) TH_LOG("%s", vcpu_exit_str(v));

	EXPECT_NE(0ULL, must_get(_metadata, v->fd, MSR_EFER));
	vcpu_free(v);
	vm_destroy(vm);
}

/*
 * What KVM_X86_SET_MSR_FILTER refuses, with KVM's errnos; a refused filter
 * leaves the one in force (here: reads of SFMASK exit).
 */
TEST(filter_validation)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_msr_filter good = deny_one(FILTER_R, MSR_SFMASK), f;
	uint32_t maxn = KVM_MSR_FILTER_MAX_BITMAP_SIZE * 8;
	uint64_t val = 0;

	guest_start(vm, v);
	ASSERT_EQ(0, enable_user_msrs(vm, REASON_FILTER));
	ASSERT_EQ(0, set_filter(vm, &good));

	f = good;
	f.flags = 2;					/* unknown flag */
	EXPECT_EQ(-1, set_filter(vm, &f));
	EXPECT_EQ(EINVAL, errno);
	f = (struct kvm_msr_filter){ .flags = KVM_MSR_FILTER_DEFAULT_DENY };
	EXPECT_EQ(-1, set_filter(vm, &f));		/* deny all, no ranges */
	EXPECT_EQ(EINVAL, errno);
	f = good;
	f.ranges[0].flags = 0;				/* filters nothing */
	EXPECT_EQ(-1, set_filter(vm, &f));
	EXPECT_EQ(EINVAL, errno);
	f = good;
	f.ranges[0].flags = FILTER_R | 4;		/* unknown access */
	EXPECT_EQ(-1, set_filter(vm, &f));
	EXPECT_EQ(EINVAL, errno);
	f = good;
	f.ranges[0].nmsrs = maxn + 1;			/* bitmap > 0x600 bytes */
	EXPECT_EQ(-1, set_filter(vm, &f));
	EXPECT_EQ(EINVAL, errno);
	f = good;
	f.ranges[15] = f.ranges[0];
	f.ranges[15].flags = 0;				/* the last range too */
	EXPECT_EQ(-1, set_filter(vm, &f));
	EXPECT_EQ(EINVAL, errno);
	f = good;
	f.ranges[0].bitmap = NULL;			/* unreadable bitmap */
	EXPECT_EQ(-1, set_filter(vm, &f));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, set_filter(vm, NULL));
	EXPECT_EQ(EFAULT, errno);

	/* The old filter is still in force. */
	ASSERT_EQ(KVM_EXIT_X86_RDMSR, op_start(vm, v, MO_RDMSR, MSR_SFMASK, 0))
		TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(0, op_finish(vm, v, 0, 0, &val));

	/* Accepted: ranges without MSRs whatever their flags, the largest bitmap. */
	f = good;
	f.ranges[3] = (struct kvm_msr_filter_range){ .flags = 0xff, .nmsrs = 0 };
	EXPECT_EQ(0, set_filter(vm, &f));
	f.ranges[1] = (struct kvm_msr_filter_range){
		.flags = FILTER_W, .nmsrs = maxn, .base = 0, .bitmap = allow_bits };
	EXPECT_EQ(0, set_filter(vm, &f));
	f = (struct kvm_msr_filter){ .flags = KVM_MSR_FILTER_DEFAULT_DENY };
	f.ranges[7] = good.ranges[0];
	EXPECT_EQ(0, set_filter(vm, &f));
	vcpu_free(v);
	vm_destroy(vm);
}

/*
 * A range is [base, base + nmsrs) in 32 bits: one that wraps past
 * 0xffffffff covers no MSR (real KVM's reading; api.rst is silent).
 */
TEST(filter_range_wraps)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_msr_filter f = {
		.flags = KVM_MSR_FILTER_DEFAULT_ALLOW,
		.ranges[0] = { .flags = FILTER_R, .nmsrs = 0x400, .base = 0xffffff00,
			       .bitmap = deny_bits },
	};
	uint64_t val = 0;

	guest_start(vm, v);
	ASSERT_EQ(0, enable_user_msrs(vm, REASON_FILTER | REASON_UNKNOWN));
	ASSERT_EQ(0, set_filter(vm, &f));
	/* Neither the MSRs below 0x300 nor those from 0xffffff00 are filtered. */
	EXPECT_EQ(0, guest_op(vm, v, MO_RDMSR, MSR_IA32_TSC, &val)) TH_LOG("%s", vcpu_exit_str(v));
	ASSERT_EQ(KVM_EXIT_X86_RDMSR, op_start(vm, v, MO_RDMSR, 0xffffff10, 0));
	EXPECT_MSR_EXIT(v, KVM_EXIT_X86_RDMSR, 0xffffff10, REASON_UNKNOWN, 0);
	EXPECT_EQ(1, op_finish(vm, v, 1, 0, &val));
	vcpu_free(v);
	vm_destroy(vm);
}

/*
 * The filter replaced many times while a vCPU thread runs a guest that
 * reads PAT in a loop: none of those filters denies PAT, so the guest runs
 * on; the last one does, and the vCPU exits with that read. (api.rst: a
 * running vCPU sees the old or the new filter, never a mix.)
 */
struct loop_ctx {
	struct vcpu *v;
	int r;
	volatile int done;
};

static void *loop_thread(void *arg)
{
	struct loop_ctx *c = arg;

	c->r = vcpu_run(c->v);
	c->done = 1;
	return NULL;
}

static void loop_sig(int sig)
{
}

TEST(filter_replaced_while_running)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_msr_filter a = deny_one(FILTER_R, MSR_SFMASK);
	struct kvm_msr_filter b = {
		.flags = KVM_MSR_FILTER_DEFAULT_DENY,
		.ranges[0] = { .flags = FILTER_R | FILTER_W, .nmsrs = 0x3000,
			       .base = 0, .bitmap = allow_bits },
	};
	struct kvm_msr_filter off = { .flags = KVM_MSR_FILTER_DEFAULT_ALLOW };
	struct kvm_msr_filter last = deny_one(FILTER_R, MSR_PAT);
	volatile uint64_t *count = vm_hva(vm, MO_COUNT_GPA);
	struct loop_ctx c = { .v = v };
	pthread_t t;
	uint64_t seen;
	int i;

	memset(allow_bits, 0xff, sizeof(allow_bits));
	signal(SIGUSR1, loop_sig);
	vm_load_code(vm, GUEST_CODE(msr_loop64));
	vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
	*(uint32_t *)vm_hva(vm, MO_INDEX_GPA) = MSR_PAT;
	*count = 0;
	ASSERT_EQ(0, enable_user_msrs(vm, REASON_FILTER));
	ASSERT_EQ(0, pthread_create(&t, NULL, loop_thread, &c));

	/* Wait for the guest to run, then swap filters under it. */
	for (i = 0; i < 20000 && !*count && !c.done; i++)
		usleep(1000);
	ASSERT_NE(0ULL, *count);
	for (i = 0; i < 60 && !c.done; i++) {
		ASSERT_EQ(0, set_filter(vm, i % 3 == 0 ? &a : i % 3 == 1 ? &b : &off));
		usleep(2000);
	}
	EXPECT_FALSE(c.done) TH_LOG("the vCPU stopped: %s", vcpu_exit_str(v));
	seen = *count;
	ASSERT_EQ(0, set_filter(vm, &last));

	/* The guest stops at its next read; a signal ends a run that does not. */
	for (i = 0; i < 20000 && !c.done; i++)
		usleep(1000);
	if (!c.done)
		pthread_kill(t, SIGUSR1);
	pthread_join(t, NULL);
	EXPECT_EQ(0, c.r) TH_LOG("KVM_RUN: %s", strerror(c.r));
	EXPECT_MSR_EXIT(v, KVM_EXIT_X86_RDMSR, MSR_PAT, REASON_FILTER, 0);
	EXPECT_LE(seen, *count);

	/* The VMM answers; the guest carries on and stops at its next read. */
	v->run->msr.data = 0x42;
	ASSERT_EQ(KVM_EXIT_X86_RDMSR, vcpu_run_exit(v));
	EXPECT_EQ((uint32_t)MSR_PAT, v->run->msr.index);
	vcpu_free(v);
	vm_destroy(vm);
}

/* MSR_IA32_POWER_CTL: listed, stored, any value from guest or VMM. */
TEST(power_ctl)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v = vcpu_add(vm, 0);
	struct kvm_msr_list *l = msr_list(_metadata, vm->sys_fd, KVM_GET_MSR_INDEX_LIST);
	uint64_t val = 0;

	EXPECT_TRUE(in_list(l, MSR_POWER_CTL));
	free(l);
	guest_start(vm, v);
	EXPECT_EQ(0ULL, must_get(_metadata, v->fd, MSR_POWER_CTL));
	val = 0x1234;
	EXPECT_EQ(0, guest_op(vm, v, MO_WRMSR, MSR_POWER_CTL, &val)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(0x1234ULL, must_get(_metadata, v->fd, MSR_POWER_CTL));
	ASSERT_EQ(1, set1(v->fd, MSR_POWER_CTL, 0x40000));
	val = 0;
	EXPECT_EQ(0, guest_op(vm, v, MO_RDMSR, MSR_POWER_CTL, &val)) TH_LOG("%s", vcpu_exit_str(v));
	EXPECT_EQ(0x40000ULL, val);
	vcpu_free(v);
	vm_destroy(vm);
}

TEST_HARNESS_MAIN
