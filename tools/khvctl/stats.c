// SPDX-License-Identifier: GPL-2.0
/*
 * Binary statistics (KVM_GET_STATS_FD, api.rst 4.133): reading the files of
 * a VM and its vCPUs, and printing them as a table or as JSON. "run --stats"
 * prints the VM it ran (stats_attach/stats_report, below); "khvctl stats"
 * prints the VMs other processes hold files of (cmd_stats.c).
 *
 * A file reads as a header, an id string, descriptors (name, type, unit,
 * offset) and a data block of u64 values. The constant part is read once;
 * the data block again for every report. Nothing assumes khv's counters:
 * KVM's files print the same way.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "khvctl.h"
#include "stats.h"

/* Bounds that no real file comes near; they keep a bad header harmless. */
#define STATS_MAX_NAME		1024
#define STATS_MAX_DESC		4096
#define STATS_MAX_DATA		(1 << 20)

static const struct kvm_stats_desc *desc_at(const struct stats_file *s,
					    unsigned int i)
{
	return (const struct kvm_stats_desc *)(s->desc + i * s->desc_size);
}

int stats_file_load(struct stats_file *s, int fd)
{
	size_t len, end;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->fd = fd;
	if (pread_full(fd, &s->h, sizeof(s->h), 0) < 0)
		return -1;
	if (!s->h.name_size || s->h.name_size > STATS_MAX_NAME ||
	    s->h.num_desc > STATS_MAX_DESC) {
		errno = EPROTO;
		return -1;
	}
	s->desc_size = sizeof(struct kvm_stats_desc) + s->h.name_size;
	len = s->h.num_desc * s->desc_size;
	s->id = calloc(1, s->h.name_size + 1);
	s->desc = calloc(1, len + 1);
	if (!s->id || !s->desc)
		return -1;
	if (pread_full(fd, s->id, s->h.name_size, s->h.id_offset) < 0 ||
	    pread_full(fd, s->desc, len, s->h.desc_offset) < 0)
		return -1;
	s->id[s->h.name_size - 1] = '\0';
	for (i = 0; i < s->h.num_desc; i++) {
		struct kvm_stats_desc *d = (void *)desc_at(s, i);

		d->name[s->h.name_size - 1] = '\0';
		end = d->offset + (size_t)d->size * sizeof(uint64_t);
		if (end > STATS_MAX_DATA) {
			errno = EPROTO;
			return -1;
		}
		if (end > s->data_len)
			s->data_len = end;
	}
	s->data = calloc(1, s->data_len + sizeof(uint64_t));
	return s->data ? 0 : -1;
}

int stats_file_read(struct stats_file *s)
{
	if (s->fd < 0)
		return 0;
	return pread_full(s->fd, s->data, s->data_len, s->h.data_offset);
}

void stats_file_close(struct stats_file *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->id);
	free(s->desc);
	free(s->data);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

static const struct kvm_stats_desc *find_desc(const struct stats_file *s,
					       const char *name)
{
	unsigned int i;

	for (i = 0; s->desc && i < s->h.num_desc; i++)
		if (!strcmp(desc_at(s, i)->name, name))
			return desc_at(s, i);
	return NULL;
}

/* The value of @d (buckets summed for a histogram). */
static uint64_t value(const struct stats_file *s, const struct kvm_stats_desc *d)
{
	const uint64_t *v = (const uint64_t *)((const char *)s->data + d->offset);
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < d->size; i++)
		sum += v[i];
	return sum;
}

static bool value_of(const struct stats_file *s, const char *name, uint64_t *v)
{
	const struct kvm_stats_desc *d = find_desc(s, name);

	if (!d)
		return false;
	*v = value(s, d);
	return true;
}

void stats_vm_init(struct stats_vm *v)
{
	memset(v, 0, sizeof(*v));
	v->index = -1;
	v->vm.fd = -1;
}

/* Add a loaded vCPU file; @v owns it from here on. 0, or -1 (ENOMEM). */
int stats_vm_add_vcpu(struct stats_vm *v, int id, struct stats_file *s)
{
	struct stats_file *files;
	int *ids;

	files = realloc(v->vcpus, (v->nr_vcpus + 1) * sizeof(*files));
	if (!files)
		return -1;
	v->vcpus = files;
	ids = realloc(v->vcpu_ids, (v->nr_vcpus + 1) * sizeof(*ids));
	if (!ids)
		return -1;
	v->vcpu_ids = ids;
	v->vcpus[v->nr_vcpus] = *s;
	v->vcpu_ids[v->nr_vcpus++] = id;
	return 0;
}

int stats_vm_read(struct stats_vm *v)
{
	int i;

	if (stats_file_read(&v->vm) < 0)
		return -1;
	for (i = 0; i < v->nr_vcpus; i++)
		if (stats_file_read(&v->vcpus[i]) < 0)
			return -1;
	return 0;
}

void stats_vm_close(struct stats_vm *v)
{
	int i;

	stats_file_close(&v->vm);
	for (i = 0; i < v->nr_vcpus; i++)
		stats_file_close(&v->vcpus[i]);
	free(v->vcpus);
	free(v->vcpu_ids);
	stats_vm_init(v);
}

/* ---- The table ---- */

static unsigned int unit_of(const struct kvm_stats_desc *d)
{
	return d->flags & KVM_STATS_UNIT_MASK;
}

/* @v in the unit @d gives it: times and sizes scaled for a reader. */
static void format_value(char *buf, size_t len, const struct kvm_stats_desc *d,
			 uint64_t v)
{
	double x = v;
	int e = d->exponent;

	switch (unit_of(d)) {
	case KVM_STATS_UNIT_SECONDS:
		for (; e < 0; e++)
			x /= 10;
		for (; e > 0; e--)
			x *= 10;
		if (!v)
			snprintf(buf, len, "0");
		else if (x < 1e-6)
			snprintf(buf, len, "%.0fns", x * 1e9);
		else if (x < 1e-3)
			snprintf(buf, len, "%.1fus", x * 1e6);
		else if (x < 1)
			snprintf(buf, len, "%.1fms", x * 1e3);
		else
			snprintf(buf, len, "%.2fs", x);
		return;
	case KVM_STATS_UNIT_BYTES:
		if ((d->flags & KVM_STATS_BASE_MASK) == KVM_STATS_BASE_POW2)
			for (; e > 0; e--)
				x *= 2;
		if (x >= 1 << 30)
			snprintf(buf, len, "%.1fGiB", x / (1 << 30));
		else if (x >= 1 << 20)
			snprintf(buf, len, "%.1fMiB", x / (1 << 20));
		else if (x >= 1 << 10)
			snprintf(buf, len, "%.1fKiB", x / (1 << 10));
		else
			snprintf(buf, len, "%.0fB", x);
		return;
	default:
		snprintf(buf, len, "%llu", (unsigned long long)v);
	}
}

/* A row's label: exits_X under exits as "  X"; "_ns" dropped from times. */
static void row_label(char *buf, size_t len, const struct kvm_stats_desc *d,
		      bool has_exits)
{
	size_t n;

	if (has_exits && !strncmp(d->name, "exits_", 6)) {
		snprintf(buf, len, "  %s", d->name + 6);
		return;
	}
	snprintf(buf, len, "%s%s", d->name, d->size > 1 ? " (sum)" : "");
	n = strlen(buf);
	if (unit_of(d) == KVM_STATS_UNIT_SECONDS && n > 3 &&
	    !strcmp(buf + n - 3, "_ns"))
		buf[n - 3] = '\0';
}

static void print_vm_line(FILE *f, const struct stats_vm *v,
			  const struct stats_print *p)
{
	const struct stats_file *s = &v->vm;
	char val[32];
	unsigned int i, shown = 0;

	if (s->fd < 0)
		return;
	fputs("  VM:", f);
	for (i = 0; i < s->h.num_desc; i++) {
		const struct kvm_stats_desc *d = desc_at(s, i);
		uint64_t x = value(s, d);

		if (!x && !p->all)
			continue;
		format_value(val, sizeof(val), d, x);
		fprintf(f, "%s %s %s", shown++ ? "," : "", d->name, val);
	}
	fputs(shown ? "\n" : " all 0\n", f);
}

/* Time in the guest against time khv spent for it, when both are there. */
static void print_guest_share(FILE *f, const struct stats_vm *v)
{
	uint64_t g[v->nr_vcpus], h[v->nr_vcpus], tg = 0, th = 0;
	int i;

	for (i = 0; i < v->nr_vcpus; i++) {
		if (!value_of(&v->vcpus[i], "guest_time_ns", &g[i]) ||
		    !value_of(&v->vcpus[i], "host_time_ns", &h[i]))
			return;
		tg += g[i];
		th += h[i];
	}
	fprintf(f, "  %-22s", "guest/(guest+host)");
	for (i = 0; i <= v->nr_vcpus; i++) {
		uint64_t a = i < v->nr_vcpus ? g[i] : tg;
		uint64_t b = i < v->nr_vcpus ? h[i] : th;

		if (i == v->nr_vcpus && v->nr_vcpus == 1)
			break;
		if (a + b)
			fprintf(f, " %11.1f%%", 100.0 * a / (a + b));
		else
			fprintf(f, " %12s", "-");
	}
	fputc('\n', f);
}

static void print_vcpu_rows(FILE *f, const struct stats_vm *v,
			    const struct stats_print *p)
{
	const struct stats_file *first = &v->vcpus[0];
	bool has_exits = find_desc(first, "exits");
	char label[64], val[32], head[32];
	unsigned int i;
	int c;

	fprintf(f, "  %-22s", "vCPU");
	for (c = 0; c < v->nr_vcpus; c++) {
		snprintf(head, sizeof(head), "%d", v->vcpu_ids[c]);
		fprintf(f, " %12s", head);
	}
	fputs(v->nr_vcpus > 1 ? "        total\n" : "\n", f);

	for (i = 0; i < first->h.num_desc; i++) {
		const struct kvm_stats_desc *d = desc_at(first, i);
		uint64_t x, total = 0;
		bool any = !strcmp(d->name, "exits");

		for (c = 0; c < v->nr_vcpus; c++)
			if (value_of(&v->vcpus[c], d->name, &x))
				any |= x != 0;
		if (!any && !p->all)
			continue;
		row_label(label, sizeof(label), d, has_exits);
		fprintf(f, "  %-22s", label);
		for (c = 0; c < v->nr_vcpus; c++) {
			if (value_of(&v->vcpus[c], d->name, &x)) {
				format_value(val, sizeof(val), d, x);
				total += x;
			} else {
				snprintf(val, sizeof(val), "-");
			}
			fprintf(f, " %12s", val);
		}
		if (v->nr_vcpus > 1) {
			format_value(val, sizeof(val), d, total);
			fprintf(f, " %12s", val);
		}
		fputc('\n', f);
	}
	print_guest_share(f, v);
}

static void print_table(FILE *f, const struct stats_vm *v,
			const struct stats_print *p)
{
	const char *id = v->vm.fd >= 0 ? v->vm.id : "(no VM file)";

	fprintf(f, "statistics of %s VM %s, pid %d", v->hv ? v->hv : "the",
		id, (int)v->pid);
	if (v->index >= 0)
		fprintf(f, ", vm %d", v->index);
	fputs(":\n", f);
	print_vm_line(f, v, p);
	if (v->nr_vcpus)
		print_vcpu_rows(f, v, p);
	else
		fputs("  no vCPU files\n", f);
}

/* ---- JSON: one object per VM, on one line ---- */

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void json_stats(FILE *f, const struct stats_file *s)
{
	unsigned int i, j;

	fputs("\"stats\":{", f);
	for (i = 0; i < s->h.num_desc; i++) {
		const struct kvm_stats_desc *d = desc_at(s, i);
		const uint64_t *v = (const uint64_t *)((const char *)s->data +
						       d->offset);

		if (i)
			fputc(',', f);
		json_string(f, d->name);
		fputc(':', f);
		if (d->size == 1) {
			fprintf(f, "%llu", (unsigned long long)v[0]);
			continue;
		}
		fputc('[', f);
		for (j = 0; j < d->size; j++)
			fprintf(f, "%s%llu", j ? "," : "", (unsigned long long)v[j]);
		fputc(']', f);
	}
	fputc('}', f);
}

static void print_json(FILE *f, const struct stats_vm *v)
{
	int c;

	fprintf(f, "{\"pid\":%d", (int)v->pid);
	if (v->index >= 0)
		fprintf(f, ",\"vm\":%d", v->index);
	if (v->hv) {
		fputs(",\"hv\":", f);
		json_string(f, v->hv);
	}
	if (v->vm.fd >= 0) {
		fputs(",\"id\":", f);
		json_string(f, v->vm.id);
		fputc(',', f);
		json_stats(f, &v->vm);
	}
	fputs(",\"vcpus\":[", f);
	for (c = 0; c < v->nr_vcpus; c++) {
		fprintf(f, "%s{\"vcpu\":%d,\"id\":", c ? "," : "", v->vcpu_ids[c]);
		json_string(f, v->vcpus[c].id);
		fputc(',', f);
		json_stats(f, &v->vcpus[c]);
		fputc('}', f);
	}
	fputs("]}\n", f);
}

int stats_vm_print(const struct stats_vm *v, const struct stats_print *p,
		   int out)
{
	char *buf = NULL;
	size_t len = 0, off = 0;
	ssize_t n;
	FILE *f;

	/* Built in memory, written at once: VMs of "run --vms" share stderr. */
	f = open_memstream(&buf, &len);
	if (!f)
		return -1;
	if (p->json)
		print_json(f, v);
	else
		print_table(f, v, p);
	if (fclose(f)) {
		free(buf);
		return -1;
	}
	while (off < len) {
		n = write(out, buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return -1;
		}
		off += n;
	}
	free(buf);
	return 0;
}

/*
 * "khv" or "kvm" from the name of a statistics file's inode, which
 * /proc/PID/fd shows: khv's are khv-vm-stats and khv-vcpu-stats:N, KVM's
 * kvm-vm-stats and kvm-vcpu-stats:N. NULL for anything else.
 */
const char *stats_hv_name(pid_t pid, int fd)
{
	char path[64], link[128];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return NULL;
	link[n] = '\0';
	if (!strncmp(link, "anon_inode:khv-", 15))
		return "khv";
	if (!strncmp(link, "anon_inode:kvm-", 15))
		return "kvm";
	return NULL;
}

/* ---- "run --stats": the VM this process runs ---- */

static struct stats_vm attached = { .vm.fd = -1, .index = -1 };

/*
 * Open the VM's and every vCPU's statistics file. They stay open until
 * stats_detach(), also without --stats: "khvctl stats" reads them from
 * another process. Returns 0 or an exit status; without @required a device
 * that has no such files is no error.
 */
int stats_attach(struct vm *vm, bool required)
{
	int i, fd;

	stats_vm_init(&attached);
	attached.pid = getpid();
	attached.index = vm->nr_vms > 1 ? vm->index : -1;
	if (ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_BINARY_STATS_FD) <= 0) {
		if (!required)
			return 0;
		khv_err("%s: --stats: the device does not offer KVM_CAP_BINARY_STATS_FD",
			khvctl_dev);
		return KHVCTL_UNSUPPORTED;
	}
	fd = kvm_ioctl(vm->fd, KVM_GET_STATS_FD, 0, "KVM_GET_STATS_FD", NULL);
	if (fd < 0 || stats_file_load(&attached.vm, fd) < 0)
		goto fail;
	attached.hv = stats_hv_name(attached.pid, fd);
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];
		struct stats_file s;

		fd = kvm_ioctl(vcpu->fd, KVM_GET_STATS_FD, 0,
			       "KVM_GET_STATS_FD", vcpu->name);
		if (fd < 0)
			goto fail;
		if (stats_file_load(&s, fd) < 0 ||
		    stats_vm_add_vcpu(&attached, vcpu->id, &s) < 0) {
			stats_file_close(&s);
			goto fail;
		}
	}
	return 0;
fail:
	if (fd >= 0)
		khv_err("%s: statistics file: %s", khvctl_dev, strerror(errno));
	stats_vm_close(&attached);
	return required ? KHVCTL_ERROR : 0;
}

/* Print the attached VM's statistics to @out (an fd); 0 or -1. */
int stats_report(bool json, int out)
{
	struct stats_print p = { .json = json };

	if (attached.vm.fd < 0)
		return 0;
	if (stats_vm_read(&attached) < 0 || stats_vm_print(&attached, &p, out) < 0) {
		khv_err("statistics: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void stats_detach(void)
{
	stats_vm_close(&attached);
}
