/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Binary statistics files (KVM_GET_STATS_FD) as khvctl reads and prints
 * them: stats.c. Nothing here knows khv's counter names except the table's
 * grouping (exits_* under exits, times in seconds); any device's files
 * print, KVM's included.
 */
#ifndef KHVCTL_STATS_H
#define KHVCTL_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* One statistics file: its constant part, read once, and the last data. */
struct stats_file {
	int fd;				/* -1: none */
	struct kvm_stats_header h;
	char *id;
	char *desc;			/* h.num_desc records of desc_size */
	size_t desc_size;
	uint64_t *data;			/* data_len bytes from h.data_offset */
	size_t data_len;
};

/* A VM: its file, if any, and its vCPUs' files by vCPU number. */
struct stats_vm {
	pid_t pid;
	int index;			/* "run --vms" VM number, or -1 */
	const char *hv;			/* "khv" or "kvm", from the file names */
	struct stats_file vm;
	int nr_vcpus;
	int *vcpu_ids;
	struct stats_file *vcpus;
};

struct stats_print {
	bool all;			/* table: also the counters that are 0 */
	bool json;			/* one JSON object per VM, one line each */
};

int stats_file_load(struct stats_file *s, int fd);
int stats_file_read(struct stats_file *s);
void stats_file_close(struct stats_file *s);

void stats_vm_init(struct stats_vm *v);
int stats_vm_add_vcpu(struct stats_vm *v, int id, struct stats_file *s);
int stats_vm_read(struct stats_vm *v);
void stats_vm_close(struct stats_vm *v);
const char *stats_hv_name(pid_t pid, int fd);
/* Print @v to @out in one write(); 0 or -1 with errno. */
int stats_vm_print(const struct stats_vm *v, const struct stats_print *p,
		   int out);

#endif /* KHVCTL_STATS_H */
