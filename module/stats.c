// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_GET_STATS_FD: khv's counters in KVM's binary statistics format
 * (Documentation/virt/kvm/api.rst, "KVM_GET_STATS_FD"), per VM and per vCPU.
 *
 * Each call makes a read-only anonymous file that holds a reference on the
 * VM (and so on its vCPUs, which live as long as the VM). It reads as
 *
 *	0			struct kvm_stats_header
 *	STATS_ID_OFFSET		the id string, KHV_STATS_NAME_SIZE bytes
 *	STATS_DESC_OFFSET	one descriptor per counter: the 16 bytes of
 *				struct kvm_stats_desc, then its name in
 *				KHV_STATS_NAME_SIZE bytes
 *	header.data_offset	one u64 per descriptor, in the same order
 *
 * Every block starts at a multiple of 8. The first three never change and
 * are built with the file; the data is read from the counters at each read
 * (stats.h says how they are written). Reads at any offset and of any
 * length work, pread() included; reads past the end return 0. lseek() does
 * not move the position, as in KVM.
 */
#include <linux/anon_inodes.h>
#include <linux/build_bug.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/uaccess.h>
#include <asm/tsc.h>
#include <asm/vmx.h>

#include "ioctl.h"
#include "stats.h"
#include "vcpu.h"
#include "vm.h"

/* Name field size, id string size: KVM's value, so the layouts match. */
#define KHV_STATS_NAME_SIZE	48
#define KHV_STATS_DESC_SIZE	(sizeof(struct khv_stats_desc) + \
				 KHV_STATS_NAME_SIZE)
#define STATS_ID_OFFSET		sizeof(struct kvm_stats_header)
#define STATS_DESC_OFFSET	(STATS_ID_OFFSET + KHV_STATS_NAME_SIZE)
#define KHV_STATS_MAX		40	/* descriptors in one file, at most */

/*
 * struct kvm_stats_desc without its name: the kernel's view of that struct
 * differs between 6.1 (a flexible array) and 6.12 (a fixed array).
 */
struct khv_stats_desc {
	u32 flags;
	s16 exponent;
	u16 size;
	u32 offset;
	u32 bucket_size;
};

static_assert(sizeof(struct khv_stats_desc) ==
	      offsetof(struct kvm_stats_desc, name));
static_assert(STATS_DESC_OFFSET % 8 == 0 && KHV_STATS_DESC_SIZE % 8 == 0);

#define COUNTER		(KVM_STATS_TYPE_CUMULATIVE | KVM_STATS_UNIT_NONE | \
			 KVM_STATS_BASE_POW10)
#define INSTANT		(KVM_STATS_TYPE_INSTANT | KVM_STATS_UNIT_NONE | \
			 KVM_STATS_BASE_POW10)
#define TIME_NS		(KVM_STATS_TYPE_CUMULATIVE | KVM_STATS_UNIT_SECONDS | \
			 KVM_STATS_BASE_POW10)

/* Where a value comes from. */
enum khv_stat_src {
	SRC_FIELD,		/* the u64 at @arg in struct khv_vcpu_stats */
	SRC_REASON,		/* exits of basic reason @arg */
	SRC_EXITS,		/* all exits */
	SRC_OTHER,		/* exits of reasons without a descriptor */
	SRC_VM_PAGES,		/* 4 KiB pages mapped in the EPT */
	SRC_VM_TABLES,		/* EPT table pages, the root included */
	SRC_VM_SLOT_CHANGES,	/* memslot changes made */
	SRC_VM_TLB_FLUSH,	/* INVEPT rounds on every CPU */
	SRC_VM_VCPUS,		/* vCPUs created */
};

struct khv_stat {
	const char *name;
	u32 flags;
	s16 exponent;
	u8 src;
	u16 arg;
};

#define FIELD(n, f, fl, e) \
	{ n, fl, e, SRC_FIELD, offsetof(struct khv_vcpu_stats, f) }
#define REASON(n, r)	{ "exits_" n, COUNTER, 0, SRC_REASON, r }

/*
 * Names follow KVM where the meaning is KVM's (mmio_exits, signal_exits,
 * pf_fixed, halt_wakeup, halt_wait_ns, remote_tlb_flush, pages_4k); the
 * exits_* family counts VM exits by basic reason, and sums to exits.
 */
static const struct khv_stat khv_vcpu_stats_defs[] = {
	{ "exits", COUNTER, 0, SRC_EXITS, 0 },
	REASON("exception_nmi",		EXIT_REASON_EXCEPTION_NMI),
	REASON("external_interrupt",	EXIT_REASON_EXTERNAL_INTERRUPT),
	REASON("triple_fault",		EXIT_REASON_TRIPLE_FAULT),
	REASON("interrupt_window",	EXIT_REASON_INTERRUPT_WINDOW),
	REASON("nmi_window",		EXIT_REASON_NMI_WINDOW),
	REASON("cpuid",			EXIT_REASON_CPUID),
	REASON("hlt",			EXIT_REASON_HLT),
	REASON("invd",			EXIT_REASON_INVD),
	REASON("invlpg",		EXIT_REASON_INVLPG),
	REASON("cr_access",		EXIT_REASON_CR_ACCESS),
	REASON("dr_access",		EXIT_REASON_DR_ACCESS),
	REASON("io",			EXIT_REASON_IO_INSTRUCTION),
	REASON("msr_read",		EXIT_REASON_MSR_READ),
	REASON("msr_write",		EXIT_REASON_MSR_WRITE),
	REASON("ept_violation",		EXIT_REASON_EPT_VIOLATION),
	REASON("ept_misconfig",		EXIT_REASON_EPT_MISCONFIG),
	REASON("preemption_timer",	EXIT_REASON_PREEMPTION_TIMER),
	{ "exits_other", COUNTER, 0, SRC_OTHER, 0 },
	FIELD("pf_fixed",	pf_fixed,	COUNTER, 0),
	FIELD("user_exits",	user_exits,	COUNTER, 0),
	FIELD("user_io_exits",	user_io_exits,	COUNTER, 0),
	FIELD("mmio_exits",	mmio_exits,	COUNTER, 0),
	FIELD("user_hlt_exits",	user_hlt_exits,	COUNTER, 0),
	FIELD("signal_exits",	signal_exits,	COUNTER, 0),
	FIELD("halt_wakeup",	halt_wakeup,	COUNTER, 0),
	FIELD("halt_wait_ns",	halt_wait_tsc,	TIME_NS, -9),
	FIELD("guest_time_ns",	guest_tsc,	TIME_NS, -9),
	FIELD("host_time_ns",	host_tsc,	TIME_NS, -9),
};

static const struct khv_stat khv_vm_stats_defs[] = {
	{ "pages_4k",		INSTANT, 0, SRC_VM_PAGES, 0 },
	{ "ept_tables",		INSTANT, 0, SRC_VM_TABLES, 0 },
	{ "memslot_changes",	COUNTER, 0, SRC_VM_SLOT_CHANGES, 0 },
	{ "remote_tlb_flush",	COUNTER, 0, SRC_VM_TLB_FLUSH, 0 },
	{ "vcpus",		INSTANT, 0, SRC_VM_VCPUS, 0 },
};

static_assert(ARRAY_SIZE(khv_vcpu_stats_defs) <= KHV_STATS_MAX);
static_assert(ARRAY_SIZE(khv_vm_stats_defs) <= KHV_STATS_MAX);

/* One open stats file. */
struct khv_stats_file {
	struct khv_vm *vm;		/* referenced */
	struct khv_vcpu *vcpu;		/* NULL for the VM's file */
	const struct khv_stat *defs;
	unsigned int nr;
	u32 data_offset;		/* = size of head[] */
	u8 head[];			/* header, id string, descriptors */
};

static u64 khv_stats_vm_value(struct khv_vm *vm, const struct khv_stat *d)
{
	switch (d->src) {
	case SRC_VM_PAGES:
		return READ_ONCE(vm->ept.nr_leaves);
	case SRC_VM_TABLES:
		return READ_ONCE(vm->ept.nr_tables);
	case SRC_VM_SLOT_CHANGES:
		return READ_ONCE(vm->slots_gen);
	case SRC_VM_TLB_FLUSH:
		return READ_ONCE(vm->stats.remote_tlb_flush);
	case SRC_VM_VCPUS:
		return READ_ONCE(vm->nr_vcpus);
	default:
		return 0;
	}
}

/* Exits of every reason, and of the reasons some descriptor names. */
static void khv_stats_sum_exits(const struct khv_vcpu_stats *s, u64 *all,
				u64 *named)
{
	unsigned int i;

	*all = 0;
	*named = 0;
	for (i = 0; i <= KHV_STATS_REASON_OTHER; i++)
		*all += READ_ONCE(s->exits[i]);
	for (i = 0; i < ARRAY_SIZE(khv_vcpu_stats_defs); i++)
		if (khv_vcpu_stats_defs[i].src == SRC_REASON)
			*named += READ_ONCE(s->exits[khv_vcpu_stats_defs[i].arg]);
}

/* The time counters hold TSC cycles (stats.h); tsc_khz is the TSC's rate. */
static u64 khv_stats_tsc_to_ns(u64 cycles)
{
	unsigned int khz = READ_ONCE(tsc_khz);

	return khz ? mul_u64_u32_div(cycles, NSEC_PER_MSEC, khz) : cycles;
}

static u64 khv_stats_vcpu_value(const struct khv_vcpu_stats *s,
				const struct khv_stat *d)
{
	u64 all, named, v;

	switch (d->src) {
	case SRC_FIELD:
		v = READ_ONCE(*(const u64 *)((const u8 *)s + d->arg));
		return d->flags == TIME_NS ? khv_stats_tsc_to_ns(v) : v;
	case SRC_REASON:
		return READ_ONCE(s->exits[d->arg]);
	case SRC_EXITS:
	case SRC_OTHER:
		/*
		 * Both from one pass, so "other" never goes below 0 however
		 * the exits of a running vCPU move meanwhile.
		 */
		khv_stats_sum_exits(s, &all, &named);
		return d->src == SRC_EXITS ? all : all - named;
	default:
		return 0;
	}
}

static void khv_stats_fill(struct khv_stats_file *f, u64 *data)
{
	unsigned int i;

	for (i = 0; i < f->nr; i++)
		data[i] = f->vcpu ?
			  khv_stats_vcpu_value(&f->vcpu->stats, &f->defs[i]) :
			  khv_stats_vm_value(f->vm, &f->defs[i]);
}

static ssize_t khv_stats_read(struct file *file, char __user *buf,
			      size_t len, loff_t *ppos)
{
	struct khv_stats_file *f = file->private_data;
	u64 data[KHV_STATS_MAX];
	loff_t pos = *ppos;
	loff_t end = f->data_offset + f->nr * sizeof(u64);
	size_t n, done = 0;

	if (pos < 0)
		return -EINVAL;
	if (pos >= end || !len)
		return 0;
	len = min_t(loff_t, len, end - pos);

	if (pos < f->data_offset) {
		n = min_t(loff_t, len, f->data_offset - pos);
		if (copy_to_user(buf, f->head + pos, n))
			return -EFAULT;
		done = n;
	}
	if (done < len) {
		khv_stats_fill(f, data);
		n = pos + done - f->data_offset;
		if (copy_to_user(buf + done, (u8 *)data + n, len - done))
			return -EFAULT;
		done = len;
	}
	*ppos = pos + done;
	return done;
}

static int khv_stats_release(struct inode *inode, struct file *file)
{
	struct khv_stats_file *f = file->private_data;

	khv_vm_put(f->vm);
	kfree(f);
	return 0;
}

static const struct file_operations khv_stats_fops = {
	.owner		= THIS_MODULE,
	.read		= khv_stats_read,
	.release	= khv_stats_release,
	.llseek		= noop_llseek,
};

/* The file's constant part; kzalloc'd, so padding and name tails are 0. */
static struct khv_stats_file *khv_stats_build(const struct khv_stat *defs,
					      unsigned int nr, const char *id)
{
	u32 data_offset = STATS_DESC_OFFSET + nr * KHV_STATS_DESC_SIZE;
	struct kvm_stats_header *h;
	struct khv_stats_file *f;
	unsigned int i;

	f = kzalloc(struct_size(f, head, data_offset), GFP_KERNEL_ACCOUNT);
	if (!f)
		return NULL;
	f->defs = defs;
	f->nr = nr;
	f->data_offset = data_offset;

	h = (struct kvm_stats_header *)f->head;
	h->flags = 0;
	h->name_size = KHV_STATS_NAME_SIZE;
	h->num_desc = nr;
	h->id_offset = STATS_ID_OFFSET;
	h->desc_offset = STATS_DESC_OFFSET;
	h->data_offset = data_offset;
	strscpy((char *)f->head + STATS_ID_OFFSET, id, KHV_STATS_NAME_SIZE);

	for (i = 0; i < nr; i++) {
		u8 *p = f->head + STATS_DESC_OFFSET + i * KHV_STATS_DESC_SIZE;
		struct khv_stats_desc *d = (struct khv_stats_desc *)p;

		d->flags = defs[i].flags;
		d->exponent = defs[i].exponent;
		d->size = 1;
		d->offset = i * sizeof(u64);
		d->bucket_size = 0;
		strscpy((char *)p + sizeof(*d), defs[i].name,
			KHV_STATS_NAME_SIZE);
	}
	return f;
}

static long khv_stats_open(struct khv_vm *vm, struct khv_vcpu *vcpu,
			   const char *inode_name, const char *id)
{
	struct khv_stats_file *f;
	struct file *file;
	int fd;

	if (vcpu)
		f = khv_stats_build(khv_vcpu_stats_defs,
				    ARRAY_SIZE(khv_vcpu_stats_defs), id);
	else
		f = khv_stats_build(khv_vm_stats_defs,
				    ARRAY_SIZE(khv_vm_stats_defs), id);
	if (!f)
		return -ENOMEM;
	f->vm = vm;
	f->vcpu = vcpu;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		kfree(f);
		return fd;
	}
	file = anon_inode_getfile(inode_name, &khv_stats_fops, f, O_RDONLY);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		kfree(f);
		return PTR_ERR(file);
	}
	khv_vm_get(vm);
	file->f_mode |= FMODE_PREAD;
	fd_install(fd, file);
	return fd;
}

/*
 * The id names the process, as KVM's "kvm-<pid>" does (KVM takes the
 * creating thread's id when the VM or vCPU is made; khv the process asking,
 * which is the creator's: other processes get EIO). It starts with "kvm",
 * which tools and the upstream kvm_binary_stats_test expect.
 */
long khv_stats_vm_fd(struct khv_vm *vm)
{
	char id[KHV_STATS_NAME_SIZE];

	snprintf(id, sizeof(id), "kvm-%d", task_tgid_nr(current));
	return khv_stats_open(vm, NULL, "khv-vm-stats", id);
}

long khv_stats_vcpu_fd(struct khv_vcpu *vcpu)
{
	char id[KHV_STATS_NAME_SIZE], name[32];

	snprintf(id, sizeof(id), "kvm-%d/vcpu-%u", task_tgid_nr(current),
		 vcpu->id);
	snprintf(name, sizeof(name), "khv-vcpu-stats:%u", vcpu->id);
	return khv_stats_open(vcpu->vm, vcpu, name, id);
}

void khv_stats_run_begin(struct khv_vcpu_stats *s)
{
	s->host_mark = khv_stats_now();
}

void khv_stats_run_end(struct khv_vcpu_stats *s, const struct kvm_run *run,
		       long r)
{
	khv_stats_add_time(&s->host_tsc, s->host_mark, khv_stats_now());
	khv_stats_inc(&s->user_exits);
	if (r == -EINTR) {
		khv_stats_inc(&s->signal_exits);
		return;
	}
	if (r)
		return;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		khv_stats_inc(&s->user_io_exits);
		break;
	case KVM_EXIT_MMIO:
		khv_stats_inc(&s->mmio_exits);
		break;
	case KVM_EXIT_HLT:
		khv_stats_inc(&s->user_hlt_exits);
		break;
	}
}

long khv_stats_check_extension(long cap)
{
	return cap == KVM_CAP_BINARY_STATS_FD;
}
