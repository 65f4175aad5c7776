// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the VMX capability decoding (vmx_caps.c), fed with made-up
 * MSR values. The file includes vmx_caps.c, so khv_test.ko carries its own
 * copy of the code and runs on any CPU, with or without VMX.
 */
#include <kunit/test.h>
#include <linux/stddef.h>
#include <linux/string.h>

#include <asm/processor-flags.h>

#include "vmx_caps.c"

/* A realistic Skylake-like CPU: TRUE_ controls, EPT, VPID, timer 1/2^5. */
static const struct khv_vmx_msrs skylake = {
	.feature_control = 0x5,			/* locked, VMX outside SMX */
	.basic		= 0x00da040000000004ULL,	/* rev 4, 1024 bytes, WB, bit 55 */
	.pinbased	= 0x0000007f00000016ULL,
	.procbased	= 0xfff9fffe04006172ULL,
	.procbased2	= 0x00553cfe00000000ULL,
	.exit		= 0x01ffffff00036dfbULL,
	.entry		= 0x0003ffff000011fbULL,
	.misc		= 0x00000000300481e5ULL,
	.cr0_fixed0	= 0x80000021,
	.cr0_fixed1	= 0xffffffff,
	.cr4_fixed0	= 0x00002000,
	.cr4_fixed1	= 0x003727ff,
	.ept_vpid_cap	= 0x00000f0106734141ULL,
};

static void decode_realistic_cpu(struct kunit *test)
{
	struct khv_vmx_caps caps;
	const char *why;

	KUNIT_ASSERT_EQ(test, khv_vmx_caps_decode(&skylake, &caps, &why), 0);
	KUNIT_EXPECT_NULL(test, why);
	KUNIT_EXPECT_EQ(test, caps.revision_id, 4);
	KUNIT_EXPECT_EQ(test, caps.vmcs_size, 1024);
	KUNIT_EXPECT_EQ(test, caps.pin.must_be_1, 0x16);
	KUNIT_EXPECT_EQ(test, caps.pin.may_be_1, 0x7f);
	KUNIT_EXPECT_EQ(test, caps.proc.must_be_1, 0x04006172);
	KUNIT_EXPECT_EQ(test, caps.proc.may_be_1, 0xfff9fffe);
	KUNIT_EXPECT_EQ(test, caps.proc2.must_be_1, 0);
	KUNIT_EXPECT_EQ(test, caps.proc2.may_be_1, 0x00553cfe);
	KUNIT_EXPECT_EQ(test, caps.exit.may_be_1, 0x01ffffff);
	KUNIT_EXPECT_EQ(test, caps.entry.must_be_1, 0x11fb);
	KUNIT_EXPECT_EQ(test, caps.ept_vpid_cap, skylake.ept_vpid_cap);
	KUNIT_EXPECT_EQ(test, caps.cr0_fixed0, 0x80000021);
	KUNIT_EXPECT_EQ(test, caps.cr4_fixed1, 0x003727ff);
	KUNIT_EXPECT_TRUE(test, caps.has_vpid);
	KUNIT_EXPECT_TRUE(test, caps.has_preemption_timer);
	KUNIT_EXPECT_EQ(test, caps.preemption_timer_shift, 5);
	KUNIT_EXPECT_TRUE(test, caps.has_tpr_shadow);
	KUNIT_EXPECT_TRUE(test, khv_vmx_has_invept_single(&caps));
	KUNIT_EXPECT_TRUE(test, khv_vmx_has_invept_all(&caps));
	KUNIT_EXPECT_TRUE(test, khv_vmx_has_invvpid_all(&caps));
}

/*
 * One change to a field of the realistic CPU (clear some bits, set others)
 * and what decoding must make of it.
 */
struct decode_case {
	const char *name;
	size_t field;		/* offsetof() a u64 in struct khv_vmx_msrs */
	u64 clear, set;
	int err;
	const char *why;	/* a word of the reason, when err != 0 */
	bool has_vpid, has_timer;
};

#define MSR(f)		offsetof(struct khv_vmx_msrs, f)
#define HI(bit)		((u64)(bit) << 32)	/* allowed-1 bit of a control */
#define SIZE(n)		((u64)(n) << 32)	/* VMCS size in BASIC */

static const struct decode_case decode_cases[] = {
	{ "feature control unlocked", MSR(feature_control), FEAT_CTL_LOCKED, 0,
	  -EPERM, "FEATURE_CONTROL" },
	{ "VMX outside SMX disabled", MSR(feature_control),
	  FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX, 0, -EPERM, "FEATURE_CONTROL" },
	{ "revision id bit 31", MSR(basic), 0, BIT_ULL(31), -EIO, "revision" },
	{ "VMCS size 0", MSR(basic), KHV_BASIC_SIZE_MASK, 0, -EIO, "size" },
	{ "VMCS size 4", MSR(basic), KHV_BASIC_SIZE_MASK, SIZE(4), -EIO, "size" },
	{ "VMCS size 8192", MSR(basic), KHV_BASIC_SIZE_MASK, SIZE(8192), -EIO,
	  "size" },
	{ "VMCS memory type UC", MSR(basic), KHV_BASIC_MEMTYPE_MASK, 0, -EIO,
	  "write-back" },
	{ "32-bit physical addresses", MSR(basic), 0, BIT_ULL(48), -EIO,
	  "32-bit" },
	{ "allowed-0 bit not allowed-1", MSR(pinbased), 0, BIT_ULL(7), -EIO,
	  "control" },
	{ "CR0 fixed bits contradict", MSR(cr0_fixed1), X86_CR0_PE, 0, -EIO,
	  "CR0" },
	{ "no 64-bit host", MSR(exit), HI(VM_EXIT_HOST_ADDR_SPACE_SIZE), 0,
	  -EOPNOTSUPP, "64-bit" },
	{ "no secondary controls", MSR(procbased),
	  HI(CPU_BASED_ACTIVATE_SECONDARY_CONTROLS), 0, -EOPNOTSUPP,
	  "secondary" },
	{ "no EPT", MSR(procbased2), HI(SECONDARY_EXEC_ENABLE_EPT), 0,
	  -EOPNOTSUPP, "EPT" },
	{ "no unrestricted guest", MSR(procbased2),
	  HI(SECONDARY_EXEC_UNRESTRICTED_GUEST), 0, -EOPNOTSUPP,
	  "unrestricted" },
	{ "no 4-level EPT walk", MSR(ept_vpid_cap), VMX_EPT_PAGE_WALK_4_BIT, 0,
	  -EOPNOTSUPP, "4-level" },
	{ "no WB EPT structures", MSR(ept_vpid_cap), VMX_EPTP_WB_BIT, 0,
	  -EOPNOTSUPP, "write-back" },
	{ "no INVEPT", MSR(ept_vpid_cap), VMX_EPT_INVEPT_BIT, 0, -EOPNOTSUPP,
	  "INVEPT" },
	{ "INVEPT without types", MSR(ept_vpid_cap),
	  VMX_EPT_EXTENT_CONTEXT_BIT | VMX_EPT_EXTENT_GLOBAL_BIT, 0,
	  -EOPNOTSUPP, "INVEPT" },
	{ "VMCS size 4096", MSR(basic), KHV_BASIC_SIZE_MASK, SIZE(4096), 0,
	  NULL, true, true },
	{ "INVEPT all-context only", MSR(ept_vpid_cap),
	  VMX_EPT_EXTENT_CONTEXT_BIT, 0, 0, NULL, true, true },
	{ "VPID without INVVPID", MSR(ept_vpid_cap), HI(VMX_VPID_INVVPID_BIT),
	  0, 0, NULL, false, true },
	{ "INVVPID without single-context", MSR(ept_vpid_cap),
	  HI(VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT), 0, 0, NULL, false, true },
	{ "VPID control not allowed", MSR(procbased2),
	  HI(SECONDARY_EXEC_ENABLE_VPID), 0, 0, NULL, false, true },
	{ "no preemption timer", MSR(pinbased),
	  HI(PIN_BASED_VMX_PREEMPTION_TIMER), 0, 0, NULL, true, false },
};

KUNIT_ARRAY_PARAM_DESC(decode, decode_cases, name);

static void decode_one_change(struct kunit *test)
{
	const struct decode_case *c = test->param_value;
	struct khv_vmx_msrs msrs = skylake;
	struct khv_vmx_caps caps = {};
	const char *why;
	u64 *field;
	int r;

	field = (u64 *)((u8 *)&msrs + c->field);
	*field = (*field & ~c->clear) | c->set;
	r = khv_vmx_caps_decode(&msrs, &caps, &why);
	KUNIT_EXPECT_EQ(test, r, c->err);
	if (c->err) {
		KUNIT_ASSERT_NOT_NULL(test, why);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, c->why),
					  "reason \"%s\" lacks \"%s\"", why, c->why);
		return;
	}
	KUNIT_EXPECT_EQ(test, caps.has_vpid, c->has_vpid);
	KUNIT_EXPECT_EQ(test, caps.has_preemption_timer, c->has_timer);
	if (!c->has_timer)
		KUNIT_EXPECT_EQ(test, caps.preemption_timer_shift, 0);
}

/* The timer rate is MISC bits 4:0, whatever the other bits hold. */
static void decode_timer_rate(struct kunit *test)
{
	struct khv_vmx_msrs msrs = skylake;
	struct khv_vmx_caps caps;
	const char *why;
	u64 rate;

	for (rate = 0; rate < 32; rate++) {
		msrs.misc = 0xffffffffffffffe0ULL | rate;
		KUNIT_ASSERT_EQ(test, khv_vmx_caps_decode(&msrs, &caps, &why), 0);
		KUNIT_EXPECT_EQ(test, caps.preemption_timer_shift, rate);
		KUNIT_EXPECT_EQ(test, caps.misc, msrs.misc);
	}
}

/*
 * khv_vmx_read_msrs() against a fake CPU: the MSRs of one test (fake_cpu)
 * and those all tests share (fake_common). MSRs in neither fault like RDMSR
 * of a missing MSR would, so a successful read also proves that absent MSRs
 * were not touched.
 */
struct fake_msr {
	u32 index;
	u64 value;
};

#define NONTRUE_PIN	0x0000007f00000016ULL
#define TRUE_PIN	0x0000007f00000014ULL
#define NONTRUE_PROC	0xfff9fffe0401e172ULL
#define TRUE_PROC	0xfff9fffe04006172ULL
#define NONTRUE_EXIT	0x01ffffff00036dffULL
#define TRUE_EXIT	0x01ffffff00036dfbULL
#define NONTRUE_ENTRY	0x0003ffff000011ffULL
#define TRUE_ENTRY	0x0003ffff000011fbULL
#define BASIC_TRUE	0x00da040000000004ULL
#define BASIC_NO_TRUE	0x005a040000000004ULL	/* bit 55 clear */
#define PROC2		0x00553cfe00000000ULL
#define EPT_VPID_CAP	0x00000f0106734141ULL

/* Both sets of control MSRs, with values telling which ones were read. */
static const struct fake_msr fake_common[] = {
	{ MSR_IA32_FEAT_CTL, 0x5 },
	{ MSR_IA32_VMX_PINBASED_CTLS, NONTRUE_PIN },
	{ MSR_IA32_VMX_TRUE_PINBASED_CTLS, TRUE_PIN },
	{ MSR_IA32_VMX_EXIT_CTLS, NONTRUE_EXIT },
	{ MSR_IA32_VMX_TRUE_EXIT_CTLS, TRUE_EXIT },
	{ MSR_IA32_VMX_ENTRY_CTLS, NONTRUE_ENTRY },
	{ MSR_IA32_VMX_TRUE_ENTRY_CTLS, TRUE_ENTRY },
	{ MSR_IA32_VMX_MISC, 0x300481e5 },
	{ MSR_IA32_VMX_CR0_FIXED0, 0x80000021 },
	{ MSR_IA32_VMX_CR0_FIXED1, 0xffffffff },
	{ MSR_IA32_VMX_CR4_FIXED0, 0x2000 },
	{ MSR_IA32_VMX_CR4_FIXED1, 0x3727ff },
};

static const struct fake_msr *fake_cpu;
static size_t fake_cpu_count;
static bool fake_no_misc;

static bool fake_lookup(const struct fake_msr *t, size_t n, u32 index,
			u64 *value)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (t[i].index == index) {
			*value = t[i].value;
			return true;
		}
	}
	return false;
}

static int fake_read(u32 index, u64 *value)
{
	if (fake_no_misc && index == MSR_IA32_VMX_MISC)
		return -EIO;
	if (fake_lookup(fake_cpu, fake_cpu_count, index, value) ||
	    fake_lookup(fake_common, ARRAY_SIZE(fake_common), index, value))
		return 0;
	return -EIO;
}

static const struct fake_msr cpu_true_ctls[] = {
	{ MSR_IA32_VMX_BASIC, BASIC_TRUE },
	{ MSR_IA32_VMX_PROCBASED_CTLS, NONTRUE_PROC },
	{ MSR_IA32_VMX_TRUE_PROCBASED_CTLS, TRUE_PROC },
	{ MSR_IA32_VMX_PROCBASED_CTLS2, PROC2 },
	{ MSR_IA32_VMX_EPT_VPID_CAP, EPT_VPID_CAP },
};

static const struct fake_msr cpu_no_true_ctls[] = {
	{ MSR_IA32_VMX_BASIC, BASIC_NO_TRUE },
	{ MSR_IA32_VMX_PROCBASED_CTLS, NONTRUE_PROC },
	{ MSR_IA32_VMX_TRUE_PROCBASED_CTLS, TRUE_PROC },
	{ MSR_IA32_VMX_PROCBASED_CTLS2, PROC2 },
	{ MSR_IA32_VMX_EPT_VPID_CAP, EPT_VPID_CAP },
};

/* Secondary controls not allowed: PROCBASED_CTLS2 does not exist. */
static const struct fake_msr cpu_no_secondary[] = {
	{ MSR_IA32_VMX_BASIC, BASIC_TRUE },
	{ MSR_IA32_VMX_PROCBASED_CTLS, NONTRUE_PROC & ~BIT_ULL(63) },
	{ MSR_IA32_VMX_TRUE_PROCBASED_CTLS, TRUE_PROC & ~BIT_ULL(63) },
};

/* Secondary controls without EPT or VPID: EPT_VPID_CAP does not exist. */
static const struct fake_msr cpu_no_ept_vpid[] = {
	{ MSR_IA32_VMX_BASIC, BASIC_TRUE },
	{ MSR_IA32_VMX_PROCBASED_CTLS, NONTRUE_PROC },
	{ MSR_IA32_VMX_TRUE_PROCBASED_CTLS, TRUE_PROC },
	{ MSR_IA32_VMX_PROCBASED_CTLS2, 0x00000c8c00000000ULL },
};

static void use_fake(const struct fake_msr *cpu, size_t n)
{
	fake_cpu = cpu;
	fake_cpu_count = n;
	fake_no_misc = false;
}

#define USE_FAKE(cpu) use_fake(cpu, ARRAY_SIZE(cpu))

static void read_true_ctls(struct kunit *test)
{
	struct khv_vmx_msrs m;

	USE_FAKE(cpu_true_ctls);
	KUNIT_ASSERT_EQ(test, khv_vmx_read_msrs(&m, fake_read), 0);
	KUNIT_EXPECT_EQ(test, m.pinbased, TRUE_PIN);
	KUNIT_EXPECT_EQ(test, m.procbased, TRUE_PROC);
	KUNIT_EXPECT_EQ(test, m.exit, TRUE_EXIT);
	KUNIT_EXPECT_EQ(test, m.entry, TRUE_ENTRY);
	KUNIT_EXPECT_EQ(test, m.procbased2, PROC2);
	KUNIT_EXPECT_EQ(test, m.ept_vpid_cap, EPT_VPID_CAP);
	KUNIT_EXPECT_EQ(test, m.feature_control, 0x5);
	KUNIT_EXPECT_EQ(test, m.cr4_fixed1, 0x3727ff);
}

static void read_without_true_ctls(struct kunit *test)
{
	struct khv_vmx_msrs m;
	struct khv_vmx_caps caps;
	const char *why;

	USE_FAKE(cpu_no_true_ctls);
	KUNIT_ASSERT_EQ(test, khv_vmx_read_msrs(&m, fake_read), 0);
	KUNIT_EXPECT_EQ(test, m.pinbased, NONTRUE_PIN);
	KUNIT_EXPECT_EQ(test, m.procbased, NONTRUE_PROC);
	KUNIT_EXPECT_EQ(test, m.exit, NONTRUE_EXIT);
	KUNIT_EXPECT_EQ(test, m.entry, NONTRUE_ENTRY);
	KUNIT_ASSERT_EQ(test, khv_vmx_caps_decode(&m, &caps, &why), 0);
	/* Without TRUE_ MSRs, the default1 bits read as must-be-1. */
	KUNIT_EXPECT_EQ(test, caps.proc.must_be_1, 0x0401e172);
}

static void read_no_secondary(struct kunit *test)
{
	struct khv_vmx_msrs m;
	struct khv_vmx_caps caps;
	const char *why;

	USE_FAKE(cpu_no_secondary);
	KUNIT_ASSERT_EQ(test, khv_vmx_read_msrs(&m, fake_read), 0);
	KUNIT_EXPECT_EQ(test, m.procbased2, 0);
	KUNIT_EXPECT_EQ(test, m.ept_vpid_cap, 0);
	KUNIT_EXPECT_EQ(test, khv_vmx_caps_decode(&m, &caps, &why), -EOPNOTSUPP);
}

static void read_no_ept_vpid(struct kunit *test)
{
	struct khv_vmx_msrs m;
	struct khv_vmx_caps caps;
	const char *why;

	USE_FAKE(cpu_no_ept_vpid);
	KUNIT_ASSERT_EQ(test, khv_vmx_read_msrs(&m, fake_read), 0);
	KUNIT_EXPECT_EQ(test, m.procbased2, 0x00000c8c00000000ULL);
	KUNIT_EXPECT_EQ(test, m.ept_vpid_cap, 0);
	KUNIT_EXPECT_EQ(test, khv_vmx_caps_decode(&m, &caps, &why), -EOPNOTSUPP);
	KUNIT_EXPECT_STREQ(test, why, "no EPT");
}

/* A faulting RDMSR is passed up, not decoded from a half-filled struct. */
static void read_fault(struct kunit *test)
{
	struct khv_vmx_msrs m;

	USE_FAKE(cpu_true_ctls);
	fake_no_misc = true;
	KUNIT_EXPECT_EQ(test, khv_vmx_read_msrs(&m, fake_read), -EIO);
}

struct ctl_case {
	const char *name;
	u32 must, may, required, optional;
	int err;
	u32 value;
};

static const struct ctl_case ctl_cases[] = {
	{ "nothing asked: must-be-1 only", 0x16, 0x7f, 0, 0, 0, 0x16 },
	{ "required allowed", 0x16, 0x7f, 0x01, 0, 0, 0x17 },
	{ "optional allowed", 0x16, 0x7f, 0, 0x40, 0, 0x56 },
	{ "optional not allowed dropped", 0x16, 0x7f, 0, 0x180, 0, 0x16 },
	{ "optional partly allowed", 0x16, 0x7f, 0x01, 0x48 | 0x100, 0, 0x5f },
	{ "must-be-1 forced though not asked", 0x80000000, 0xffffffff, 0x1, 0,
	  0, 0x80000001 },
	{ "required not allowed", 0x16, 0x7f, 0x80, 0, -EOPNOTSUPP, 0 },
	{ "required partly not allowed", 0x16, 0x7f, 0x81, 0x40, -EOPNOTSUPP, 0 },
	{ "all bits allowed", 0, 0xffffffff, 0xf0f0f0f0, 0x0f0f0f0f, 0,
	  0xffffffff },
};

KUNIT_ARRAY_PARAM_DESC(ctl, ctl_cases, name);

static void ctl_value(struct kunit *test)
{
	const struct ctl_case *c = test->param_value;
	struct khv_vmx_ctl ctl = { .must_be_1 = c->must, .may_be_1 = c->may };
	u32 value = 0xdeadbeef;

	KUNIT_EXPECT_EQ(test, khv_vmx_ctl_value(&ctl, c->required, c->optional,
						&value), c->err);
	if (!c->err)
		KUNIT_EXPECT_EQ(test, value, c->value);
	else	/* nothing half-computed leaks out */
		KUNIT_EXPECT_EQ(test, value, 0xdeadbeef);
}

/* Equality: identical capabilities, however padding differs, are equal. */
static void caps_equal_same(struct kunit *test)
{
	struct khv_vmx_caps a, b;
	const char *why;

	memset(&a, 0x00, sizeof(a));
	memset(&b, 0xff, sizeof(b));
	KUNIT_ASSERT_EQ(test, khv_vmx_caps_decode(&skylake, &a, &why), 0);
	KUNIT_ASSERT_EQ(test, khv_vmx_caps_decode(&skylake, &b, &why), 0);
	KUNIT_EXPECT_TRUE(test, khv_vmx_caps_equal(&a, &b));
	KUNIT_EXPECT_TRUE(test, khv_vmx_caps_equal(&b, &a));
}

/* Flipping bit 0 of any field must make the capabilities differ. */
struct caps_diff {
	const char *name;
	size_t field;		/* offsetof() in struct khv_vmx_caps */
};

#define CAP(f)	{ #f, offsetof(struct khv_vmx_caps, f) }

static const struct caps_diff caps_diffs[] = {
	CAP(revision_id), CAP(vmcs_size),
	CAP(pin.must_be_1), CAP(pin.may_be_1),
	CAP(proc.must_be_1), CAP(proc.may_be_1),
	CAP(proc2.must_be_1), CAP(proc2.may_be_1),
	CAP(exit.must_be_1), CAP(exit.may_be_1),
	CAP(entry.must_be_1), CAP(entry.may_be_1),
	CAP(ept_vpid_cap), CAP(misc),
	CAP(cr0_fixed0), CAP(cr0_fixed1), CAP(cr4_fixed0), CAP(cr4_fixed1),
	CAP(has_vpid), CAP(has_preemption_timer), CAP(preemption_timer_shift),
	CAP(has_tpr_shadow),
};

KUNIT_ARRAY_PARAM_DESC(caps_diff, caps_diffs, name);

static void caps_equal_differs(struct kunit *test)
{
	const struct caps_diff *d = test->param_value;
	struct khv_vmx_caps a, b;
	const char *why;

	KUNIT_ASSERT_EQ(test, khv_vmx_caps_decode(&skylake, &a, &why), 0);
	b = a;
	/* Little-endian: byte 0 holds bit 0 of every field, bools too. */
	*((u8 *)&b + d->field) ^= 1;
	KUNIT_EXPECT_FALSE(test, khv_vmx_caps_equal(&a, &b));
	KUNIT_EXPECT_FALSE(test, khv_vmx_caps_equal(&b, &a));
}

static void cr_fixed_bits(struct kunit *test)
{
	/* CR0: PE, NE, PG fixed to 1; CR4: VMXE fixed to 1, bits above 21 to 0. */
	KUNIT_EXPECT_TRUE(test, khv_vmx_cr_ok(0x80050033, 0x80000021, 0xffffffff));
	KUNIT_EXPECT_FALSE(test, khv_vmx_cr_ok(0x80050013, 0x80000021, 0xffffffff));
	KUNIT_EXPECT_TRUE(test, khv_vmx_cr_ok(0x3726f0, 0x2000, 0x3727ff));
	KUNIT_EXPECT_FALSE(test, khv_vmx_cr_ok(0x3706f0, 0x2000, 0x3727ff));
	KUNIT_EXPECT_FALSE(test, khv_vmx_cr_ok(0x4000 | 0x2000, 0x2000, 0x3727ff & ~0x4000));
}

static struct kunit_case vmx_caps_cases[] = {
	KUNIT_CASE(decode_realistic_cpu),
	KUNIT_CASE_PARAM(decode_one_change, decode_gen_params),
	KUNIT_CASE(decode_timer_rate),
	KUNIT_CASE(read_true_ctls),
	KUNIT_CASE(read_without_true_ctls),
	KUNIT_CASE(read_no_secondary),
	KUNIT_CASE(read_no_ept_vpid),
	KUNIT_CASE(read_fault),
	KUNIT_CASE_PARAM(ctl_value, ctl_gen_params),
	KUNIT_CASE(caps_equal_same),
	KUNIT_CASE_PARAM(caps_equal_differs, caps_diff_gen_params),
	KUNIT_CASE(cr_fixed_bits),
	{}
};

static struct kunit_suite vmx_caps_suite = {
	.name = "khv_vmx_caps",
	.test_cases = vmx_caps_cases,
};

kunit_test_suite(vmx_caps_suite);
