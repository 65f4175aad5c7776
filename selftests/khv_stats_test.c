// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_GET_STATS_FD (api.rst 4.133): the binary statistics files of a VM and
 * of a vCPU. The format checks hold for any KVM-compatible device (they are
 * the invariants the upstream kvm_binary_stats_test asserts, and a few
 * more); the counter checks use khv's names and are skipped on KVM, which
 * gets a smaller check of its own "exits" and "io_exits".
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vm.h"

/* struct kvm_stats_desc without its name (6.1's and 6.12's headers agree). */
#define DESC_HEAD	sizeof(struct kvm_stats_desc)

/* A stats file, its constant blocks read once. */
struct stats {
	int fd;
	struct kvm_stats_header h;
	char *id;
	char *desc;		/* num_desc records of DESC_HEAD + name_size */
	size_t desc_size;	/* one record */
	size_t data_size;	/* the data block, from the descriptors */
};

static struct kvm_stats_desc *stats_desc(const struct stats *s, unsigned int i)
{
	return (struct kvm_stats_desc *)(s->desc + i * s->desc_size);
}

/* Read the header, id and descriptors of @fd; 0, or -1 with errno. */
static int stats_load(struct stats *s, int fd)
{
	size_t len;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->fd = fd;
	if (pread(fd, &s->h, sizeof(s->h), 0) != sizeof(s->h))
		return -1;
	if (!s->h.name_size || s->h.name_size > 4096 || s->h.num_desc > 4096) {
		errno = EPROTO;
		return -1;
	}
	s->desc_size = DESC_HEAD + s->h.name_size;
	len = s->h.num_desc * s->desc_size;
	s->id = calloc(1, s->h.name_size + 1);
	s->desc = calloc(1, len + 1);
	if (!s->id || !s->desc)
		return -1;
	if (pread(fd, s->id, s->h.name_size, s->h.id_offset) != s->h.name_size ||
	    pread(fd, s->desc, len, s->h.desc_offset) != (ssize_t)len)
		return -1;
	for (i = 0; i < s->h.num_desc; i++) {
		struct kvm_stats_desc *d = stats_desc(s, i);
		size_t end = d->offset + d->size * sizeof(uint64_t);

		if (end > s->data_size)
			s->data_size = end;
	}
	return 0;
}

static void stats_free(struct stats *s)
{
	free(s->id);
	free(s->desc);
	s->id = s->desc = NULL;
}

static int stats_find(const struct stats *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->h.num_desc; i++)
		if (!strncmp(stats_desc(s, i)->name, name, s->h.name_size))
			return i;
	return -1;
}

/*
 * The first value of counter @name, or -1 if it is not there. Signed, so
 * the harness compares it with plain numbers without casts.
 */
static long long stats_get(const struct stats *s, const char *name)
{
	int i = stats_find(s, name);
	uint64_t v;

	if (i < 0 || pread(s->fd, &v, sizeof(v),
			   s->h.data_offset + stats_desc(s, i)->offset) != sizeof(v))
		return -1;
	return v;
}

static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* What broke, for stats_check(). */
static __printf(1, 2) const char *broken(const char *fmt, ...)
{
	static char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

/*
 * Every rule of the format; NULL when all hold, else what broke. @id is
 * the id string the file must have.
 */
static const char *stats_check(const struct stats *s, const char *id)
{
	const struct kvm_stats_header *h = &s->h;
	uint64_t desc_len = (uint64_t)h->num_desc * s->desc_size;
	uint64_t *data;
	unsigned int i, j;

	if (h->flags)
		return broken("header flags %#x", h->flags);
	if (!h->num_desc)
		return broken("no descriptors");
	if (h->id_offset % 8 || h->desc_offset % 8 || h->data_offset % 8)
		return broken("offsets %u %u %u not 8-aligned", h->id_offset,
			      h->desc_offset, h->data_offset);
	if (h->id_offset < sizeof(*h) || h->desc_offset < sizeof(*h) ||
	    h->data_offset < sizeof(*h))
		return broken("a block overlaps the header");
	if (overlap(h->id_offset, h->name_size, h->desc_offset, desc_len) ||
	    overlap(h->id_offset, h->name_size, h->data_offset, s->data_size) ||
	    overlap(h->desc_offset, desc_len, h->data_offset, s->data_size))
		return broken("blocks overlap: id %u+%u desc %u+%llu data %u+%zu",
			      h->id_offset, h->name_size, h->desc_offset,
			      (unsigned long long)desc_len, h->data_offset,
			      s->data_size);
	if (strnlen(s->id, h->name_size) >= h->name_size)
		return broken("id string not terminated");
	if (strcmp(s->id, id))
		return broken("id \"%s\", expected \"%s\"", s->id, id);
	if (s->data_size < h->num_desc * sizeof(uint64_t))
		return broken("data block of %zu bytes for %u descriptors",
			      s->data_size, h->num_desc);

	for (i = 0; i < h->num_desc; i++) {
		const struct kvm_stats_desc *d = stats_desc(s, i);
		uint32_t type = d->flags & KVM_STATS_TYPE_MASK;
		uint32_t unit = d->flags & KVM_STATS_UNIT_MASK;
		uint32_t base = d->flags & KVM_STATS_BASE_MASK;
		size_t len = strnlen(d->name, h->name_size);

		if (!len || len >= h->name_size)
			return broken("descriptor %u: name empty or not terminated", i);
		if (d->flags & ~(KVM_STATS_TYPE_MASK | KVM_STATS_UNIT_MASK |
				 KVM_STATS_BASE_MASK))
			return broken("%s: unknown flags %#x", d->name, d->flags);
		if (type > KVM_STATS_TYPE_MAX || unit > KVM_STATS_UNIT_MAX ||
		    base > KVM_STATS_BASE_MAX)
			return broken("%s: type/unit/base out of range: %#x", d->name, d->flags);
		if (unit == KVM_STATS_UNIT_SECONDS ? d->exponent > 0 :
		    unit == KVM_STATS_UNIT_BOOLEAN ? d->exponent != 0 :
		    d->exponent < 0)
			return broken("%s: exponent %d for unit %#x", d->name, d->exponent, unit);
		if (!d->size)
			return broken("%s: size 0", d->name);
		if ((type == KVM_STATS_TYPE_LINEAR_HIST) != !!d->bucket_size)
			return broken("%s: bucket_size %u for type %#x",
				      d->name, d->bucket_size, type);
		if (type <= KVM_STATS_TYPE_PEAK && d->size != 1)
			return broken("%s: size %u for a plain value", d->name, d->size);
		if (d->offset % 8)
			return broken("%s: offset %u not 8-aligned", d->name, d->offset);
		for (j = 0; j < i; j++) {
			const struct kvm_stats_desc *e = stats_desc(s, j);

			if (!strncmp(d->name, e->name, h->name_size))
				return broken("name %s twice", d->name);
			if (overlap(d->offset, d->size * 8ULL, e->offset, e->size * 8ULL))
				return broken("%s and %s share data", d->name, e->name);
		}
	}

	/* The data block reads in one go, and each value on its own. */
	data = malloc(s->data_size);
	if (!data)
		return broken("malloc");
	if (pread(s->fd, data, s->data_size, h->data_offset) != (ssize_t)s->data_size) {
		free(data);
		return broken("data block read: %s", strerror(errno));
	}
	for (i = 0; i < h->num_desc; i++) {
		const struct kvm_stats_desc *d = stats_desc(s, i);
		size_t len = d->size * sizeof(uint64_t);

		if (pread(s->fd, data, len, h->data_offset + d->offset) != (ssize_t)len) {
			free(data);
			return broken("%s: read: %s", d->name, strerror(errno));
		}
	}
	free(data);
	return NULL;
}

static int vm_stats_fd(struct vm *vm)
{
	return ioctl(vm->fd, KVM_GET_STATS_FD, 0);
}

static int vcpu_stats_fd(struct vcpu *v)
{
	return ioctl(v->fd, KVM_GET_STATS_FD, 0);
}

static void vm_id(char *buf, size_t len)
{
	snprintf(buf, len, "kvm-%d", getpid());
}

static void vcpu_id(char *buf, size_t len, int id)
{
	snprintf(buf, len, "kvm-%d/vcpu-%d", getpid(), id);
}

TEST(capability)
{
	int sys = vm_dev_open();

	ASSERT_LE(0, sys);
	EXPECT_EQ(1, ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_BINARY_STATS_FD));
	close(sys);
}

/* The VM's and each vCPU's file: format, ids, and several files at once. */
TEST(format)
{
	struct vm *vm = vm_create();
	struct vcpu *v[2];
	struct stats s;
	char id[64];
	const char *why;
	int i, fd, fd2;

	for (i = 0; i < 2; i++)
		v[i] = vcpu_add(vm, i * 3);

	fd = vm_stats_fd(vm);
	ASSERT_LE(0, fd) TH_LOG("KVM_GET_STATS_FD on the VM: %s", strerror(errno));
	EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_RDONLY, fcntl(fd, F_GETFL) & O_ACCMODE);
	ASSERT_EQ(0, stats_load(&s, fd)) TH_LOG("%s", strerror(errno));
	vm_id(id, sizeof(id));
	why = stats_check(&s, id);
	EXPECT_TRUE(!why) TH_LOG("VM: %s", why);
	stats_free(&s);

	/* A second file and a dup'd fd both work. */
	fd2 = vm_stats_fd(vm);
	ASSERT_LE(0, fd2);
	EXPECT_NE(fd, fd2);
	close(fd);
	fd = dup(fd2);
	close(fd2);
	ASSERT_EQ(0, stats_load(&s, fd));
	why = stats_check(&s, id);
	EXPECT_TRUE(!why) TH_LOG("VM, dup: %s", why);
	stats_free(&s);
	close(fd);

	for (i = 0; i < 2; i++) {
		fd = vcpu_stats_fd(v[i]);
		ASSERT_LE(0, fd) TH_LOG("KVM_GET_STATS_FD on vCPU %d: %s",
					v[i]->id, strerror(errno));
		ASSERT_EQ(0, stats_load(&s, fd));
		vcpu_id(id, sizeof(id), v[i]->id);
		why = stats_check(&s, id);
		EXPECT_TRUE(!why) TH_LOG("vCPU %d: %s", v[i]->id, why);
		stats_free(&s);
		close(fd);
		vcpu_free(v[i]);
	}
	vm_destroy(vm);
}

/* khv's names, types and units (docs/abi.md lists them). */
TEST(khv_descriptors)
{
	static const struct {
		const char *name;
		uint32_t flags;
		int16_t exponent;
	} want[] = {
		{ "exits", KVM_STATS_TYPE_CUMULATIVE, 0 },
		{ "exits_io", KVM_STATS_TYPE_CUMULATIVE, 0 },
		{ "exits_cpuid", KVM_STATS_TYPE_CUMULATIVE, 0 },
		{ "exits_hlt", KVM_STATS_TYPE_CUMULATIVE, 0 },
		{ "exits_ept_violation", KVM_STATS_TYPE_CUMULATIVE, 0 },
		{ "exits_other", KVM_STATS_TYPE_CUMULATIVE, 0 },
		{ "pf_fixed", KVM_STATS_TYPE_CUMULATIVE, 0 },
		{ "user_exits", KVM_STATS_TYPE_CUMULATIVE, 0 },
		{ "user_io_exits", KVM_STATS_TYPE_CUMULATIVE, 0 },
		{ "mmio_exits", KVM_STATS_TYPE_CUMULATIVE, 0 },
		{ "signal_exits", KVM_STATS_TYPE_CUMULATIVE, 0 },
		{ "halt_wakeup", KVM_STATS_TYPE_CUMULATIVE, 0 },
		{ "halt_wait_ns", KVM_STATS_UNIT_SECONDS, -9 },
		{ "guest_time_ns", KVM_STATS_UNIT_SECONDS, -9 },
		{ "host_time_ns", KVM_STATS_UNIT_SECONDS, -9 },
		{ "pages_4k", KVM_STATS_TYPE_INSTANT, 0 },
		{ "ept_tables", KVM_STATS_TYPE_INSTANT, 0 },
		{ "memslot_changes", KVM_STATS_TYPE_CUMULATIVE, 0 },
		{ "remote_tlb_flush", KVM_STATS_TYPE_CUMULATIVE, 0 },
		{ "vcpus", KVM_STATS_TYPE_INSTANT, 0 },
	};
	struct vm *vm;
	struct vcpu *v;
	struct stats vs, cs;
	unsigned int i;

	if (vm_dev_is_kvm())
		SKIP(return, "khv's names");
	vm = vm_create();
	v = vcpu_add(vm, 0);
	ASSERT_EQ(0, stats_load(&vs, vm_stats_fd(vm)));
	ASSERT_EQ(0, stats_load(&cs, vcpu_stats_fd(v)));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		const struct stats *s = !strncmp(want[i].name, "pages", 5) ||
					!strcmp(want[i].name, "ept_tables") ||
					!strcmp(want[i].name, "memslot_changes") ||
					!strcmp(want[i].name, "remote_tlb_flush") ||
					!strcmp(want[i].name, "vcpus") ? &vs : &cs;
		int k = stats_find(s, want[i].name);
		const struct kvm_stats_desc *d;

		ASSERT_LE(0, k) TH_LOG("no %s", want[i].name);
		d = stats_desc(s, k);
		EXPECT_EQ(want[i].flags, d->flags) TH_LOG("%s", want[i].name);
		EXPECT_EQ(want[i].exponent, d->exponent) TH_LOG("%s", want[i].name);
		EXPECT_EQ(1, d->size);
	}
	/* The blocks are packed in the documented order. */
	EXPECT_EQ(sizeof(struct kvm_stats_header), vs.h.id_offset);
	EXPECT_EQ(vs.h.id_offset + vs.h.name_size, vs.h.desc_offset);
	EXPECT_EQ(vs.h.desc_offset + vs.h.num_desc * vs.desc_size, vs.h.data_offset);
	close(vs.fd);
	close(cs.fd);
	stats_free(&vs);
	stats_free(&cs);
	vcpu_free(v);
	vm_destroy(vm);
}

/*
 * The files hold the VM: they read on after the VM and vCPU fds are closed,
 * and the VM goes when the last of them is closed.
 */
TEST(read_after_vm_close)
{
	struct vm *vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	struct vcpu *v[2];
	struct stats vs, cs[2];
	char id[64];
	const char *why;
	int i;

	for (i = 0; i < 2; i++)
		v[i] = vcpu_add(vm, i);
	ASSERT_EQ(0, stats_load(&vs, vm_stats_fd(vm)));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, stats_load(&cs[i], vcpu_stats_fd(v[i])));

	vm_load_code(vm, GUEST_CODE(stats_count));
	vcpu_set_mode(v[0], MODE_LONG64, GUEST_CODE_GPA);
	ASSERT_EQ(REPORT_DONE, vcpu_run_report(v[0])) TH_LOG("%s", vcpu_exit_str(v[0]));

	for (i = 0; i < 2; i++)
		vcpu_free(v[i]);
	vm_destroy(vm);

	vm_id(id, sizeof(id));
	why = stats_check(&vs, id);
	EXPECT_TRUE(!why) TH_LOG("VM: %s", why);
	for (i = 0; i < 2; i++) {
		vcpu_id(id, sizeof(id), i);
		why = stats_check(&cs[i], id);
		EXPECT_TRUE(!why) TH_LOG("vCPU %d: %s", i, why);
	}
	EXPECT_LE(1, stats_get(&cs[0], "exits"));
	EXPECT_EQ(0, stats_get(&cs[1], "exits"));
	if (!vm_dev_is_kvm()) {
		EXPECT_EQ(2, stats_get(&vs, "vcpus"));
		EXPECT_LE(1, stats_get(&vs, "pages_4k"));
		EXPECT_EQ(1, stats_get(&cs[0], "exits_io"));
	}
	close(vs.fd);
	close(cs[0].fd);
	/* The last reference: the VM is torn down by this close. */
	close(cs[1].fd);
	stats_free(&vs);
	stats_free(&cs[0]);
	stats_free(&cs[1]);
}

/* Offsets and lengths at the edges, and what the file refuses. */
TEST(reads_and_refusals)
{
	struct vm *vm = vm_create();
	struct stats s;
	uint64_t end, v[4];
	struct kvm_stats_header h;
	char *buf, *bad;
	pid_t pid;
	int st;

	ASSERT_EQ(0, stats_load(&s, vm_stats_fd(vm)));
	end = s.h.data_offset + s.data_size;
	ASSERT_LE(end, 1ULL << 16);
	buf = calloc(1, end + 64);
	ASSERT_NE(NULL, buf);

	/* The whole file in one read, and nothing past its end. */
	EXPECT_EQ((ssize_t)end, pread(s.fd, buf, end + 64, 0));
	EXPECT_EQ(0, memcmp(buf, &s.h, sizeof(s.h)));
	EXPECT_EQ(0, pread(s.fd, v, 8, end));
	EXPECT_EQ(0, pread(s.fd, v, 8, end + 4096));
	EXPECT_EQ(4, pread(s.fd, v, 8, end - 4));
	EXPECT_EQ(0, pread(s.fd, v, 0, 0));
	/* A read that starts inside the header and ends in the data. */
	EXPECT_EQ((ssize_t)(end - 3), pread(s.fd, buf, end, 3));
	EXPECT_EQ(-1, pread(s.fd, v, 8, -8));
	EXPECT_EQ(EINVAL, errno);

	/* An unmapped buffer: EFAULT. */
	bad = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, bad);
	munmap(bad, 4096);
	EXPECT_EQ(-1, pread(s.fd, bad, 8, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, pread(s.fd, bad, 8, s.h.data_offset));
	EXPECT_EQ(EFAULT, errno);

	/* read() moves the position; lseek() does not (as in KVM). */
	EXPECT_EQ((ssize_t)sizeof(h), read(s.fd, &h, sizeof(h)));
	EXPECT_EQ(0, memcmp(&h, &s.h, sizeof(h)));
	EXPECT_EQ((off_t)sizeof(h), lseek(s.fd, 0, SEEK_CUR));
	lseek(s.fd, 0, SEEK_SET);
	EXPECT_EQ((ssize_t)s.h.name_size, read(s.fd, buf, s.h.name_size));
	if (s.h.id_offset == sizeof(h))
		EXPECT_STREQ(s.id, buf);

	/* Read-only, no ioctls, no mmap. */
	EXPECT_EQ(-1, write(s.fd, v, 8));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, ioctl(s.fd, KVM_GET_STATS_FD, 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, s.fd, 0));
	EXPECT_EQ(ENODEV, errno);

	/*
	 * Another process: no new file from the VM fd (EIO, like every VM
	 * ioctl), but an inherited stats file reads.
	 */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (ioctl(vm->fd, KVM_GET_STATS_FD, 0) != -1 || errno != EIO)
			_exit(1);
		if (pread(s.fd, &h, sizeof(h), 0) != sizeof(h))
			_exit(2);
		_exit(memcmp(&h, &s.h, sizeof(h)) ? 3 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));

	free(buf);
	close(s.fd);
	stats_free(&s);
	vm_destroy(vm);
}

FIXTURE(count) {
	struct vm *vm;
	struct vcpu *v;
	struct stats vs, cs;
};

FIXTURE_SETUP(count)
{
	self->vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	self->v = vcpu_add(self->vm, 0);
	vm_load_code(self->vm, GUEST_CODE(stats_count));
	vcpu_set_mode(self->v, MODE_LONG64, GUEST_CODE_GPA);
	ASSERT_EQ(0, stats_load(&self->vs, vm_stats_fd(self->vm)));
	ASSERT_EQ(0, stats_load(&self->cs, vcpu_stats_fd(self->v)));
}

FIXTURE_TEARDOWN(count)
{
	close(self->vs.fd);
	close(self->cs.fd);
	stats_free(&self->vs);
	stats_free(&self->cs);
	vcpu_free(self->v);
	vm_destroy(self->vm);
}

/* Run the guest: @outs reports of REPORT_VALUE, @cpuids CPUIDs, DONE. */
static int run_count(struct vcpu *v, uint64_t outs, uint64_t cpuids)
{
	struct kvm_regs regs;
	uint64_t i;

	vcpu_get_regs(v, &regs);
	regs.r8 = outs;
	regs.r9 = cpuids;
	vcpu_set_regs(v, &regs);
	for (i = 0; i < outs; i++)
		if (vcpu_run_report(v) != REPORT_VALUE)
			return -1;
	return vcpu_run_report(v) == REPORT_DONE ? 0 : -1;
}

/* Sum of the vCPU's exits_* counters, or -1. */
static long long sum_reasons(const struct stats *s)
{
	uint64_t sum = 0, v;
	unsigned int i;

	for (i = 0; i < s->h.num_desc; i++) {
		const struct kvm_stats_desc *d = stats_desc(s, i);

		if (strncmp(d->name, "exits_", 6))
			continue;
		if (pread(s->fd, &v, 8, s->h.data_offset + d->offset) != 8)
			return -1;
		sum += v;
	}
	return sum;
}

#define N_OUTS		37
#define N_CPUIDS	23

TEST_F(count, exits_by_reason)
{
	const struct stats *s = &self->cs;
	long long exits0 = stats_get(s, "exits");

	ASSERT_EQ(0, exits0);
	ASSERT_EQ(0, run_count(self->v, N_OUTS, N_CPUIDS)) TH_LOG("%s", vcpu_exit_str(self->v));

	if (vm_dev_is_kvm()) {
		/* KVM counts every I/O exit in io_exits, and every exit. */
		EXPECT_EQ(N_OUTS + 1, stats_get(s, "io_exits"));
		EXPECT_LE(N_OUTS + 1 + N_CPUIDS, stats_get(s, "exits"));
		return;
	}
	EXPECT_EQ(N_OUTS + 1, stats_get(s, "exits_io"));
	EXPECT_EQ(N_CPUIDS, stats_get(s, "exits_cpuid"));
	EXPECT_EQ(0, stats_get(s, "exits_hlt"));
	EXPECT_EQ(0, stats_get(s, "exits_triple_fault"));
	/* The vCPU is not running: the family adds up exactly. */
	EXPECT_EQ(stats_get(s, "exits"), sum_reasons(s));
	EXPECT_LE(N_OUTS + 1 + N_CPUIDS, stats_get(s, "exits"));
	/* Every EPT violation was a page khv mapped: no MMIO here. */
	EXPECT_LE(1, stats_get(s, "pf_fixed"));
	EXPECT_EQ(stats_get(s, "exits_ept_violation"), stats_get(s, "pf_fixed"));
	/* One KVM_RUN per report, each ending in KVM_EXIT_IO. */
	EXPECT_EQ(N_OUTS + 1, stats_get(s, "user_exits"));
	EXPECT_EQ(N_OUTS + 1, stats_get(s, "user_io_exits"));
	EXPECT_EQ(0, stats_get(s, "mmio_exits"));
	EXPECT_EQ(0, stats_get(s, "signal_exits"));
	EXPECT_EQ(0, stats_get(s, "halt_wakeup"));
	EXPECT_EQ(0, stats_get(s, "halt_wait_ns"));
	printf("# guest_time_ns %llu host_time_ns %llu exits %llu\n",
	       (unsigned long long)stats_get(s, "guest_time_ns"),
	       (unsigned long long)stats_get(s, "host_time_ns"),
	       (unsigned long long)stats_get(s, "exits"));
}

/* Counters only go up; a second run adds exactly its own exits. */
TEST_F(count, second_run_adds)
{
	const struct stats *s = &self->cs;
	long long io, cpuid, guest, host;

	if (vm_dev_is_kvm())
		SKIP(return, "khv's names");
	ASSERT_EQ(0, run_count(self->v, 3, 2));
	io = stats_get(s, "exits_io");
	cpuid = stats_get(s, "exits_cpuid");
	guest = stats_get(s, "guest_time_ns");
	host = stats_get(s, "host_time_ns");

	vcpu_set_mode(self->v, MODE_LONG64, GUEST_CODE_GPA);
	ASSERT_EQ(0, run_count(self->v, 5, 7));
	EXPECT_EQ(io + 6, stats_get(s, "exits_io"));
	EXPECT_EQ(cpuid + 7, stats_get(s, "exits_cpuid"));
	EXPECT_LE(guest, stats_get(s, "guest_time_ns"));
	EXPECT_LE(host, stats_get(s, "host_time_ns"));
	EXPECT_EQ(4 + 6, stats_get(s, "user_io_exits"));
}

/* The VM's counters: pages, tables, slot changes, flushes, vCPUs. */
TEST_F(count, vm_counters)
{
	const struct stats *s = &self->vs;
	long long slots, flushes;
	struct vcpu *v2;

	if (vm_dev_is_kvm())
		SKIP(return, "khv's names");
	EXPECT_EQ(1, stats_get(s, "vcpus"));
	EXPECT_EQ(0, stats_get(s, "pages_4k"));
	slots = stats_get(s, "memslot_changes");
	EXPECT_LE(1, slots);	/* slot 0 */
	flushes = stats_get(s, "remote_tlb_flush");

	ASSERT_EQ(0, run_count(self->v, 1, 1));
	EXPECT_LE(1, stats_get(s, "pages_4k"));
	/* The root and one table per level below it, at least. */
	EXPECT_LE(4, stats_get(s, "ept_tables"));

	v2 = vcpu_add(self->vm, 5);
	EXPECT_EQ(2, stats_get(s, "vcpus"));

	/* A new slot: a change, no flush; deleting slot 0 flushes its pages. */
	vm_add_slot(self->vm, 1, 0x10000000, 0x10000, 0);
	EXPECT_EQ(slots + 1, stats_get(s, "memslot_changes"));
	EXPECT_EQ(flushes, stats_get(s, "remote_tlb_flush"));
	ASSERT_EQ(0, vm_set_region(self->vm, 0, 0, 0, 0, NULL));
	EXPECT_EQ(slots + 2, stats_get(s, "memslot_changes"));
	EXPECT_EQ(flushes + 1, stats_get(s, "remote_tlb_flush"));
	EXPECT_EQ(0, stats_get(s, "pages_4k"));
	vcpu_free(v2);
}

/* A vCPU thread that makes one KVM_RUN call. */
struct halt_runner {
	struct vcpu *v;
	pid_t tid;
	int done;
};

static void *halt_run(void *arg)
{
	struct halt_runner *r = arg;

	__atomic_store_n(&r->tid, syscall(SYS_gettid), __ATOMIC_RELEASE);
	vcpu_run(r->v);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void on_sigusr1(int sig)
{
}

/* Whether thread @tid of this process sleeps (state S in its stat). */
static bool thread_sleeps(pid_t tid)
{
	char path[64], buf[256], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "r");
	if (!f)
		return false;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	return p && p[1] == ' ' && p[2] == 'S';
}

/*
 * With an in-kernel irqchip a HLT with IF = 0 sleeps in the kernel until a
 * signal ends KVM_RUN: one HLT exit, one halt wait that took time, one
 * signal exit. KVM has the generic halt_wait_ns and signal_exits too.
 */
FIXTURE(halt) {
	int unused;
};

FIXTURE_SETUP(halt)
{
}

FIXTURE_TEARDOWN(halt)
{
}

TEST_F_TIMEOUT(halt, wait_ends_on_signal, 120)
{
	static const char cli_hlt[] = { 0xfa, 0xf4, 0xeb, 0xfd };	/* cli; 1: hlt; jmp 1b */
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	struct halt_runner r = { .v = NULL };
	const char *hlt = vm_dev_is_kvm() ? "halt_exits" : "exits_hlt";
	struct vm *vm;
	pthread_t thread;
	struct stats cs;
	int i;

	vm = vm_create_with_mem(VM_BASE_MEM_SIZE);
	ASSERT_EQ(0, ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0));
	r.v = vcpu_add(vm, 0);
	vm_write(vm, GUEST_CODE_GPA, cli_hlt, sizeof(cli_hlt));
	vcpu_set_mode(r.v, MODE_LONG64, GUEST_CODE_GPA);
	ASSERT_EQ(0, stats_load(&cs, vcpu_stats_fd(r.v)));
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: KVM_RUN sees EINTR */

	ASSERT_EQ(0, pthread_create(&thread, NULL, halt_run, &r));
	/* Until the HLT exit is counted and the thread sleeps (10 ms steps). */
	for (i = 0; i < 6000; i++) {
		if (stats_get(&cs, hlt) == 1 &&
		    thread_sleeps(__atomic_load_n(&r.tid, __ATOMIC_ACQUIRE)))
			break;
		usleep(10000);
	}
	EXPECT_EQ(1, stats_get(&cs, hlt));
	EXPECT_EQ(0, __atomic_load_n(&r.done, __ATOMIC_ACQUIRE));
	pthread_kill(thread, SIGUSR1);
	pthread_join(thread, NULL);
	EXPECT_EQ(EINTR, r.v->run_err);

	EXPECT_EQ(1, stats_get(&cs, "signal_exits"));
	EXPECT_LT(0, stats_get(&cs, "halt_wait_ns"));
	if (!vm_dev_is_kvm()) {
		EXPECT_EQ(1, stats_get(&cs, "halt_wakeup"));
		EXPECT_EQ(1, stats_get(&cs, "user_exits"));
		EXPECT_EQ(0, stats_get(&cs, "user_hlt_exits"));
	}
	close(cs.fd);
	stats_free(&cs);
	vcpu_free(r.v);
	vm_destroy(vm);
}

TEST_HARNESS_MAIN
