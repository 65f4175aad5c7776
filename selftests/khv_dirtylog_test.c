// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty-page logging (KVM_MEM_LOG_DIRTY_PAGES, KVM_GET_DIRTY_LOG,
 * KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, KVM_CLEAR_DIRTY_LOG): a guest writes a
 * known set of pages of a logged slot and the log shows exactly those; reads
 * are not writes; collecting clears and re-arms the log; logging switched on
 * and off on a live slot; manual protection and KVM_DIRTY_LOG_INITIALLY_SET;
 * a byte khv stores for the guest (INSB) is logged; the refusals and their
 * errnos; no write lost while a vCPU writes during collections. The same
 * binary passes on kvm_intel (KHV_DEV=/dev/kvm).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "vm.h"

#define LOG_SLOT	1
#define LOG_GPA		0x10000000ULL
/* Not a multiple of 64: the bitmap's last word is partly outside. */
#define LOG_PAGES	515
#define LOG_WORDS	((LOG_PAGES + 63) / 64)
#define OTHER_SLOT	2
#define OTHER_GPA	0x20000000ULL
#define DIRTY_IN_PORT	0xe8

#define OP_WRITE	0
#define OP_READ		1
#define OP_INSB		2

#define MANUAL		KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE
#define INIT_SET	KVM_DIRTY_LOG_INITIALLY_SET

FIXTURE(dirty) {
	struct vm *vm;
	struct vcpu *v;
	uint8_t *mem;		/* the logged slot */
};

FIXTURE_SETUP(dirty)
{
	self->vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	self->v = vcpu_add(self->vm, 0);
	vm_load_code(self->vm, GUEST_CODE(dirty64));
	self->mem = NULL;
}

FIXTURE_TEARDOWN(dirty)
{
	vcpu_free(self->v);
	vm_destroy(self->vm);
}

static void *add_log_slot(struct vm *vm, uint32_t flags)
{
	return vm_add_slot(vm, LOG_SLOT, LOG_GPA, LOG_PAGES * 4096ULL, flags);
}

/* The guest accesses @pages (indexes into the slot at @gpa) with @op. */
static int guest_access(struct vcpu *v, uint64_t gpa, int op,
			const uint32_t *pages, unsigned int n, uint64_t value)
{
	struct kvm_regs regs;
	long code;

	vm_write(v->vm, GUEST_DATA_GPA, pages, n * sizeof(*pages));
	vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
	vcpu_get_regs(v, &regs);
	regs.rbx = gpa;
	regs.rcx = n;
	regs.rsi = op;
	regs.rdi = value;
	vcpu_set_regs(v, &regs);
	for (;;) {
		code = vcpu_run_report(v);
		if (code == REPORT_DONE)
			return 0;
		if (code != -1 || !vcpu_is_io(v, DIRTY_IN_PORT, KVM_EXIT_IO_IN, 1))
			return -1;
		*(uint8_t *)vcpu_io_data(v) = (uint8_t)value;
	}
}

static int get_log(struct vm *vm, uint32_t slot, void *bitmap)
{
	struct kvm_dirty_log log = { .slot = slot, .dirty_bitmap = bitmap };

	return ioctl(vm->fd, KVM_GET_DIRTY_LOG, &log) ? -errno : 0;
}

static int clear_log(struct vm *vm, uint32_t slot, uint64_t first,
		     uint32_t num, void *bitmap)
{
	struct kvm_clear_dirty_log log = {
		.slot = slot, .first_page = first, .num_pages = num,
		.dirty_bitmap = bitmap,
	};

	return ioctl(vm->fd, KVM_CLEAR_DIRTY_LOG, &log) ? -errno : 0;
}

static int enable_manual(struct vm *vm, uint64_t arg, uint32_t flags)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, .flags = flags,
		.args = { arg },
	};

	return ioctl(vm->fd, KVM_ENABLE_CAP, &cap) ? -errno : 0;
}

/* A bitmap of the listed pages. */
static void bits_of(uint64_t *bm, const uint32_t *pages, unsigned int n)
{
	memset(bm, 0, LOG_WORDS * 8);
	while (n--)
		bm[pages[n] / 64] |= 1ULL << (pages[n] % 64);
}

/* The log of the slot must be exactly @pages. */
#define EXPECT_LOG(vm, ...) do {					\
	static const uint32_t exp_[] = { __VA_ARGS__ };		\
	uint64_t want_[LOG_WORDS], got_[LOG_WORDS + 1];		\
	unsigned int w_;						\
									\
	bits_of(want_, exp_, ARRAY_SIZE(exp_) - (exp_[0] == UINT32_MAX)); \
	memset(got_, 0xee, sizeof(got_));				\
	ASSERT_EQ(0, get_log(vm, LOG_SLOT, got_));			\
	for (w_ = 0; w_ < LOG_WORDS; w_++)				\
		EXPECT_EQ(want_[w_], got_[w_]) TH_LOG("word %u", w_);	\
	/* Only the bitmap's own words are written. */		\
	EXPECT_EQ(0xeeeeeeeeeeeeeeeeULL, got_[LOG_WORDS]);		\
} while (0)
/* The empty log. */
#define NONE	UINT32_MAX

static const uint32_t pattern[] = { 0, 1, 63, 64, 200, 511, 512, 514 };

TEST_F(dirty, check_extension)
{
	int r = ioctl(self->vm->fd, KVM_CHECK_EXTENSION,
		      KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2);

	EXPECT_EQ(MANUAL | INIT_SET, r);
}

/* The pages the guest wrote, no more, no less; then the log is empty. */
TEST_F(dirty, write_pattern)
{
	static const uint32_t again[] = { 1, 300 };
	uint64_t *m;
	unsigned int i;

	self->mem = add_log_slot(self->vm, KVM_MEM_LOG_DIRTY_PAGES);
	EXPECT_LOG(self->vm, NONE);
	ASSERT_EQ(0, guest_access(self->v, LOG_GPA, OP_WRITE, pattern,
				  ARRAY_SIZE(pattern), 0x1111))
		TH_LOG("%s", vcpu_exit_str(self->v));
	EXPECT_LOG(self->vm, 0, 1, 63, 64, 200, 511, 512, 514);
	for (i = 0; i < ARRAY_SIZE(pattern); i++) {
		m = (uint64_t *)(self->mem + pattern[i] * 4096ULL);
		EXPECT_EQ(0x1111ULL, *m);
	}
	/* Collected: clean until written again. */
	EXPECT_LOG(self->vm, NONE);
	/* Page 1 was write-protected again by the collection. */
	ASSERT_EQ(0, guest_access(self->v, LOG_GPA, OP_WRITE, again,
				  ARRAY_SIZE(again), 0x2222));
	EXPECT_LOG(self->vm, 1, 300);
	EXPECT_EQ(0x2222ULL, *(uint64_t *)(self->mem + 4096));
	/* The whole pattern again: all were protected again. */
	ASSERT_EQ(0, guest_access(self->v, LOG_GPA, OP_WRITE, pattern,
				  ARRAY_SIZE(pattern), 0x3333));
	EXPECT_LOG(self->vm, 0, 1, 63, 64, 200, 511, 512, 514);
	EXPECT_LOG(self->vm, NONE);
}

/* Reads are not writes; a write to a page read before is. */
TEST_F(dirty, reads_not_logged)
{
	static const uint32_t one[] = { 200 };

	self->mem = add_log_slot(self->vm, KVM_MEM_LOG_DIRTY_PAGES);
	ASSERT_EQ(0, guest_access(self->v, LOG_GPA, OP_READ, pattern,
				  ARRAY_SIZE(pattern), 0));
	EXPECT_LOG(self->vm, NONE);
	ASSERT_EQ(0, guest_access(self->v, LOG_GPA, OP_WRITE, one, 1, 7));
	EXPECT_LOG(self->vm, 200);
}

/* A byte the hypervisor stores for the guest (INSB) is logged too. */
TEST_F(dirty, insb_logged)
{
	static const uint32_t pages[] = { 70, 400 };

	self->mem = add_log_slot(self->vm, KVM_MEM_LOG_DIRTY_PAGES);
	/* Mapped (read) first, so only the emulated store can dirty them. */
	ASSERT_EQ(0, guest_access(self->v, LOG_GPA, OP_READ, pages, 2, 0));
	EXPECT_LOG(self->vm, NONE);
	ASSERT_EQ(0, guest_access(self->v, LOG_GPA, OP_INSB, pages, 2, 0x5a))
		TH_LOG("%s", vcpu_exit_str(self->v));
	EXPECT_EQ(0x5a, self->mem[70 * 4096]);
	EXPECT_EQ(0x5a, self->mem[400 * 4096]);
	EXPECT_LOG(self->vm, 70, 400);
}

/*
 * Logging switched on a slot the guest already wrote (its pages mapped
 * writable): the log starts empty and sees the next writes; switched off,
 * the log is gone (ENOENT) and the guest writes on; on again, empty again.
 */
TEST_F(dirty, toggle_on_live_slot)
{
	static const uint32_t five[] = { 5 }, six[] = { 6, 7 };
	uint64_t bm[LOG_WORDS];

	self->mem = add_log_slot(self->vm, 0);
	EXPECT_EQ(-ENOENT, get_log(self->vm, LOG_SLOT, bm));
	ASSERT_EQ(0, guest_access(self->v, LOG_GPA, OP_WRITE, pattern,
				  ARRAY_SIZE(pattern), 1));
	ASSERT_EQ(0, vm_set_region(self->vm, LOG_SLOT, KVM_MEM_LOG_DIRTY_PAGES,
				   LOG_GPA, LOG_PAGES * 4096ULL, self->mem));
	EXPECT_LOG(self->vm, NONE);
	ASSERT_EQ(0, guest_access(self->v, LOG_GPA, OP_WRITE, five, 1, 2));
	ASSERT_EQ(0, guest_access(self->v, LOG_GPA, OP_WRITE, pattern, 1, 2));
	EXPECT_LOG(self->vm, 0, 5);

	ASSERT_EQ(0, vm_set_region(self->vm, LOG_SLOT, 0, LOG_GPA,
				   LOG_PAGES * 4096ULL, self->mem));
	EXPECT_EQ(-ENOENT, get_log(self->vm, LOG_SLOT, bm));
	ASSERT_EQ(0, guest_access(self->v, LOG_GPA, OP_WRITE, pattern,
				  ARRAY_SIZE(pattern), 3));
	EXPECT_EQ(3ULL, *(uint64_t *)(self->mem + 514 * 4096));

	ASSERT_EQ(0, vm_set_region(self->vm, LOG_SLOT, KVM_MEM_LOG_DIRTY_PAGES,
				   LOG_GPA, LOG_PAGES * 4096ULL, self->mem));
	EXPECT_LOG(self->vm, NONE);
	ASSERT_EQ(0, guest_access(self->v, LOG_GPA, OP_WRITE, six, 2, 4));
	EXPECT_LOG(self->vm, 6, 7);
}

/* A moved logged slot keeps logging at its new address. */
TEST_F(dirty, move_logged_slot)
{
	static const uint32_t pages[] = { 3, 130 };

	self->mem = add_log_slot(self->vm, KVM_MEM_LOG_DIRTY_PAGES);
	ASSERT_EQ(0, guest_access(self->v, LOG_GPA, OP_WRITE, pages, 2, 1));
	EXPECT_LOG(self->vm, 3, 130);
	ASSERT_EQ(0, vm_set_region(self->vm, LOG_SLOT, KVM_MEM_LOG_DIRTY_PAGES,
				   OTHER_GPA, LOG_PAGES * 4096ULL, self->mem));
	ASSERT_EQ(0, guest_access(self->v, OTHER_GPA, OP_WRITE, pages, 1, 2));
	EXPECT_LOG(self->vm, 3);
	EXPECT_EQ(2ULL, *(uint64_t *)(self->mem + 3 * 4096));
}

/*
 * Manual protection: GET_DIRTY_LOG leaves the log as it is; CLEAR_DIRTY_LOG
 * clears (and re-arms) only the pages asked for.
 */
TEST_F(dirty, manual_protect)
{
	static const uint32_t w1[] = { 2, 3, 70, 514 }, w2[] = { 2 };
	static const uint32_t c1[] = { 2, 70, 100 };
	uint64_t bm[LOG_WORDS];

	ASSERT_EQ(0, enable_manual(self->vm, MANUAL, 0));
	self->mem = add_log_slot(self->vm, KVM_MEM_LOG_DIRTY_PAGES);
	EXPECT_LOG(self->vm, NONE);
	ASSERT_EQ(0, guest_access(self->v, LOG_GPA, OP_WRITE, w1, 4, 1));
	EXPECT_LOG(self->vm, 2, 3, 70, 514);
	EXPECT_LOG(self->vm, 2, 3, 70, 514);
	/* Page 100 is clean: clearing it is harmless. */
	bits_of(bm, c1, 3);
	ASSERT_EQ(0, clear_log(self->vm, LOG_SLOT, 0, LOG_PAGES, bm));
	EXPECT_LOG(self->vm, 3, 514);
	ASSERT_EQ(0, guest_access(self->v, LOG_GPA, OP_WRITE, w2, 1, 2));
	EXPECT_LOG(self->vm, 2, 3, 514);
	/* A range from page 512 to the end (3 pages, not a multiple of 64). */
	memset(bm, 0xff, sizeof(bm));
	ASSERT_EQ(0, clear_log(self->vm, LOG_SLOT, 512, LOG_PAGES - 512, bm));
	EXPECT_LOG(self->vm, 2, 3);
	/* 64 pages from 0, whatever the mask says beyond them. */
	ASSERT_EQ(0, clear_log(self->vm, LOG_SLOT, 0, 64, bm));
	EXPECT_LOG(self->vm, NONE);
	/* Manual protection off again: GET collects and clears. */
	ASSERT_EQ(0, enable_manual(self->vm, 0, 0));
	ASSERT_EQ(0, guest_access(self->v, LOG_GPA, OP_WRITE, w1, 4, 3));
	EXPECT_LOG(self->vm, 2, 3, 70, 514);
	EXPECT_LOG(self->vm, NONE);
}

/* KVM_DIRTY_LOG_INITIALLY_SET: a new log has every page of the slot set. */
TEST_F(dirty, initially_set)
{
	static const uint32_t seven[] = { 7 };
	uint64_t bm[LOG_WORDS], all[LOG_WORDS];
	unsigned int i;

	ASSERT_EQ(0, enable_manual(self->vm, MANUAL | INIT_SET, 0));
	self->mem = add_log_slot(self->vm, KVM_MEM_LOG_DIRTY_PAGES);
	ASSERT_EQ(0, get_log(self->vm, LOG_SLOT, bm));
	for (i = 0; i < LOG_WORDS; i++)
		EXPECT_EQ(i < LOG_WORDS - 1 ? ~0ULL : 7ULL, bm[i]);
	memset(all, 0xff, sizeof(all));
	ASSERT_EQ(0, clear_log(self->vm, LOG_SLOT, 0, LOG_PAGES, all));
	EXPECT_LOG(self->vm, NONE);
	ASSERT_EQ(0, guest_access(self->v, LOG_GPA, OP_WRITE, seven, 1, 1));
	EXPECT_LOG(self->vm, 7);
}

/* Slot ids and arguments refused, with KVM's errnos and order of checks. */
TEST_F(dirty, refusals)
{
	uint64_t bm[LOG_WORDS];

	self->mem = add_log_slot(self->vm, KVM_MEM_LOG_DIRTY_PAGES);
	vm_add_slot(self->vm, OTHER_SLOT, OTHER_GPA, 64 * 4096, 0);

	/* GET_DIRTY_LOG */
	EXPECT_EQ(-ENOENT, get_log(self->vm, OTHER_SLOT, bm));	/* not logged */
	EXPECT_EQ(-ENOENT, get_log(self->vm, 5, bm));		/* unused */
	EXPECT_EQ(-ENOENT, get_log(self->vm, 32, bm));
	EXPECT_EQ(-ENOENT, get_log(self->vm, 32763, bm));
	EXPECT_EQ(-EINVAL, get_log(self->vm, 32764, bm));
	EXPECT_EQ(-EINVAL, get_log(self->vm, 0xffff, bm));
	EXPECT_EQ(-ENOENT, get_log(self->vm, (1u << 16) | LOG_SLOT, bm));
	EXPECT_EQ(-EINVAL, get_log(self->vm, (2u << 16) | LOG_SLOT, bm));
	EXPECT_EQ(-EFAULT, get_log(self->vm, LOG_SLOT, (void *)8));
	EXPECT_EQ(-EFAULT, ioctl(self->vm->fd, KVM_GET_DIRTY_LOG, (void *)8) ?
		  -errno : 0);

	/* CLEAR_DIRTY_LOG: alignment before the slot, range after it. */
	memset(bm, 0, sizeof(bm));
	EXPECT_EQ(0, clear_log(self->vm, LOG_SLOT, 0, 64, bm));
	EXPECT_EQ(0, clear_log(self->vm, LOG_SLOT, 0, 0, bm));
	EXPECT_EQ(-EINVAL, clear_log(self->vm, LOG_SLOT, 1, 64, bm));
	EXPECT_EQ(-EINVAL, clear_log(self->vm, LOG_SLOT, 32, 64, bm));
	EXPECT_EQ(-EINVAL, clear_log(self->vm, OTHER_SLOT, 1, 64, bm));
	EXPECT_EQ(-ENOENT, clear_log(self->vm, OTHER_SLOT, 0, 64, bm));
	EXPECT_EQ(-ENOENT, clear_log(self->vm, 40, 0, 64, bm));
	EXPECT_EQ(-EINVAL, clear_log(self->vm, 32764, 0, 64, bm));
	EXPECT_EQ(-EINVAL, clear_log(self->vm, (2u << 16) | LOG_SLOT, 0, 64, bm));
	EXPECT_EQ(-EINVAL, clear_log(self->vm, LOG_SLOT, 0, 63, bm));
	EXPECT_EQ(-EINVAL, clear_log(self->vm, LOG_SLOT, 0, LOG_PAGES + 1, bm));
	EXPECT_EQ(-EINVAL, clear_log(self->vm, LOG_SLOT, 448, 128, bm));
	EXPECT_EQ(-EINVAL, clear_log(self->vm, LOG_SLOT, 576, 0, bm));
	EXPECT_EQ(0, clear_log(self->vm, LOG_SLOT, 448, LOG_PAGES - 448, bm));
	EXPECT_EQ(-EFAULT, clear_log(self->vm, LOG_SLOT, 0, 64, (void *)8));

	/* KVM_ENABLE_CAP(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2) */
	EXPECT_EQ(-EINVAL, enable_manual(self->vm, 4, 0));
	EXPECT_EQ(-EINVAL, enable_manual(self->vm, MANUAL | 8, 0));
	EXPECT_EQ(-EINVAL, enable_manual(self->vm, MANUAL, 1));
	/* INITIALLY_SET only with manual protection (kvm_intel 6.12). */
	EXPECT_EQ(-EINVAL, enable_manual(self->vm, INIT_SET, 0));
	EXPECT_EQ(0, enable_manual(self->vm, MANUAL | INIT_SET, 0));
	EXPECT_EQ(0, enable_manual(self->vm, 0, 0));

	/* A deleted logged slot has no log; a re-created one a new one. */
	ASSERT_EQ(0, vm_set_region(self->vm, LOG_SLOT, 0, LOG_GPA, 0,
				   self->mem));
	EXPECT_EQ(-ENOENT, get_log(self->vm, LOG_SLOT, bm));
	ASSERT_EQ(0, vm_set_region(self->vm, LOG_SLOT, KVM_MEM_LOG_DIRTY_PAGES,
				   LOG_GPA, LOG_PAGES * 4096ULL, self->mem));
	EXPECT_LOG(self->vm, NONE);
}

#define ROUNDS	24

struct loop_arg {
	struct vcpu *v;
	long code;
};

static void *loop_run(void *p)
{
	struct loop_arg *a = p;

	a->code = vcpu_run_report(a->v);
	return NULL;
}

/* One collection: GET, and with manual protection CLEAR what it showed. */
static int collect(struct vm *vm, bool manual, uint64_t *bm)
{
	int r = get_log(vm, LOG_SLOT, bm);

	if (!r && manual)
		r = clear_log(vm, LOG_SLOT, 0, LOG_PAGES, bm);
	return r;
}

static void read_vals(const uint8_t *mem, uint64_t *vals)
{
	unsigned int p;

	for (p = 0; p < LOG_PAGES; p++)
		vals[p] = __atomic_load_n((const uint64_t *)(mem + p * 4096ULL),
					 __ATOMIC_RELAXED);
}

/*
 * The vCPU writes pages while the log is collected over and over. Read
 * after collection k, a page whose value changed since collection k - 1
 * was written after that one returned (it flushed, so through a fault that
 * sets the bit), before the read: collection k or k + 1 must show it.
 * After the vCPU stopped, one last collection shows every remaining change
 * and the next one nothing.
 */
static void concurrent(struct __test_metadata *_metadata, struct vm *vm,
		       struct vcpu *v, bool manual)
{
	static uint64_t vals[ROUNDS + 2][LOG_PAGES], bm[ROUNDS + 3][LOG_WORDS];
	struct loop_arg arg = { .v = v };
	unsigned long misses = 0, changes = 0;
	struct kvm_regs regs;
	pthread_t t;
	uint64_t *gen, last = 0;
	unsigned int k, p, n;
	uint8_t *mem;

	if (manual)
		ASSERT_EQ(0, enable_manual(vm, MANUAL, 0));
	mem = add_log_slot(vm, KVM_MEM_LOG_DIRTY_PAGES);
	__atomic_store_n((uint64_t *)vm_hva(vm, GUEST_DATA_GPA), 0,
			 __ATOMIC_RELAXED);
	gen = vm_hva(vm, GUEST_DATA_GPA + 8);
	*gen = 0;
	vm_load_code(vm, GUEST_CODE(dirty_loop64));
	vcpu_set_mode(v, MODE_LONG64, GUEST_CODE_GPA);
	vcpu_get_regs(v, &regs);
	regs.rbx = LOG_GPA;
	regs.rcx = LOG_PAGES;
	vcpu_set_regs(v, &regs);
	ASSERT_EQ(0, pthread_create(&t, NULL, loop_run, &arg));

	for (k = 0; k <= ROUNDS; k++) {
		ASSERT_EQ(0, collect(vm, manual, bm[k]));
		read_vals(mem, vals[k]);
		/* Let the guest finish a generation between collections. */
		for (n = 0; n < 100000 && __atomic_load_n(gen, __ATOMIC_RELAXED) ==
						 last; n++)
			sched_yield();
		last = __atomic_load_n(gen, __ATOMIC_RELAXED);
	}
	__atomic_store_n((uint64_t *)vm_hva(vm, GUEST_DATA_GPA), 1,
			 __ATOMIC_RELAXED);
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(REPORT_DONE, arg.code) TH_LOG("%s", vcpu_exit_str(v));
	ASSERT_EQ(0, collect(vm, manual, bm[ROUNDS + 1]));
	read_vals(mem, vals[ROUNDS + 1]);
	ASSERT_EQ(0, collect(vm, manual, bm[ROUNDS + 2]));

	for (k = 0; k <= ROUNDS; k++) {
		for (p = 0; p < LOG_PAGES; p++) {
			uint64_t bit = 1ULL << (p % 64);
			uint64_t seen = bm[k + 1][p / 64];

			if (vals[k + 1][p] == vals[k][p])
				continue;
			changes++;
			/* No write after the vCPU stopped: the last must show it. */
			if (k < ROUNDS)
				seen |= bm[k + 2][p / 64];
			if (!(seen & bit)) {
				misses++;
				TH_LOG("page %u changed %#llx -> %#llx after collection %u, not logged",
				       p, (unsigned long long)vals[k][p],
				       (unsigned long long)vals[k + 1][p], k);
			}
		}
	}
	EXPECT_EQ(0UL, misses);
	for (p = 0; p < LOG_WORDS; p++)
		EXPECT_EQ(0ULL, bm[ROUNDS + 2][p]);
	TH_LOG("%lu page changes over %u collections, guest generation %llu",
	       changes, ROUNDS + 1, v->regs.rcx);
}

/*
 * 25 rounds of a fault on every page: seconds on the fast test kernel,
 * beyond the harness's default 30 s on the debug kernel (timed out there).
 */
TEST_F_TIMEOUT(dirty, concurrent_collect, 900)
{
	concurrent(_metadata, self->vm, self->v, false);
}

TEST_F_TIMEOUT(dirty, concurrent_collect_manual, 900)
{
	concurrent(_metadata, self->vm, self->v, true);
}

TEST_HARNESS_MAIN
