// SPDX-License-Identifier: GPL-2.0
/*
 * The disk at ports 0x510..0x53f: 32-bit registers that name a sector
 * range and a guest-physical buffer, and a command register whose OUT does
 * the whole transfer before it returns to the guest (the vCPU waits in
 * that exit). There is no interrupt and no busy state: when the guest runs
 * again, STATUS has the result. docs/khvctl.md describes the protocol.
 *
 *   0x00 ID      r   "KHVD" (0x4456484b): a disk is present
 *   0x04 FLAGS   r   bit 0: read-only, bit 1: copy-on-write overlay
 *   0x08 CAP_LO  r   size in 512-byte sectors, bits 0..31
 *   0x0c CAP_HI  r   bits 32..63
 *   0x10 LBA_LO  rw  first sector, bits 0..31
 *   0x14 LBA_HI  rw  bits 32..63
 *   0x18 COUNT   rw  sectors, 1..DISK_MAX_COUNT
 *   0x1c ADDR    rw  guest-physical address of the buffer
 *   0x20 CMD     w   1 read, 2 write, 3 flush
 *        STATUS  r   result of the last command (enum disk_status)
 *
 * Only 32-bit accesses at these offsets do anything; other accesses read
 * as all ones and are ignored, with one warning.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "khvctl.h"

#define DISK_PORT	0x510
#define DISK_PORTS	0x30		/* registers up to 0x23, the rest reserved */
#define DISK_MAGIC	0x4456484bU	/* "KHVD" */
#define DISK_MAX_COUNT	256		/* 128 KiB per command */

enum {
	REG_ID		= 0x00,
	REG_FLAGS	= 0x04,
	REG_CAP_LO	= 0x08,
	REG_CAP_HI	= 0x0c,
	REG_LBA_LO	= 0x10,
	REG_LBA_HI	= 0x14,
	REG_COUNT	= 0x18,
	REG_ADDR	= 0x1c,
	REG_CMD		= 0x20,
};

#define FLAG_RO		0x1
#define FLAG_COW	0x2

enum { CMD_READ = 1, CMD_WRITE = 2, CMD_FLUSH = 3 };

enum disk_status {
	ST_OK		= 0,
	ST_BAD_CMD	= 1,	/* unknown command */
	ST_BAD_RANGE	= 2,	/* COUNT 0 or too big, or past the end */
	ST_BAD_ADDR	= 3,	/* buffer not inside guest memory */
	ST_READ_ONLY	= 4,	/* write to a read-only disk */
	ST_IO_ERROR	= 5,	/* the host file failed (message on stderr) */
};

static struct {
	pthread_mutex_t lock;
	struct blk *blk;
	uint64_t lba;
	uint32_t count;
	uint32_t addr;
	uint32_t status;
	bool warned;
	uint64_t reads, writes, errors;
} disk = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

static uint32_t transfer(struct vm *vm, bool write)
{
	uint64_t cap = blk_sectors(disk.blk);
	size_t len = (size_t)disk.count * BLK_SECTOR;
	void *buf;

	if (!disk.count || disk.count > DISK_MAX_COUNT || disk.lba >= cap ||
	    disk.count > cap - disk.lba)
		return ST_BAD_RANGE;
	buf = vm_gpa(vm, disk.addr, len);
	if (!buf)
		return ST_BAD_ADDR;
	if (write && blk_read_only(disk.blk))
		return ST_READ_ONLY;
	if (write) {
		disk.writes++;
		return blk_write(disk.blk, disk.lba, disk.count, buf) < 0 ?
		       ST_IO_ERROR : ST_OK;
	}
	disk.reads++;
	return blk_read(disk.blk, disk.lba, disk.count, buf) < 0 ?
	       ST_IO_ERROR : ST_OK;
}

static uint32_t command(struct vm *vm, uint32_t cmd)
{
	switch (cmd) {
	case CMD_READ:
		return transfer(vm, false);
	case CMD_WRITE:
		return transfer(vm, true);
	case CMD_FLUSH:
		return blk_flush(disk.blk) < 0 ? ST_IO_ERROR : ST_OK;
	default:
		return ST_BAD_CMD;
	}
}

static uint32_t reg_read(unsigned int reg)
{
	uint64_t cap = blk_sectors(disk.blk);

	switch (reg) {
	case REG_ID:
		return DISK_MAGIC;
	case REG_FLAGS:
		return (blk_read_only(disk.blk) ? FLAG_RO : 0) |
		       (blk_is_cow(disk.blk) ? FLAG_COW : 0);
	case REG_CAP_LO:
		return cap;
	case REG_CAP_HI:
		return cap >> 32;
	case REG_LBA_LO:
		return disk.lba;
	case REG_LBA_HI:
		return disk.lba >> 32;
	case REG_COUNT:
		return disk.count;
	case REG_ADDR:
		return disk.addr;
	default:
		return disk.status;
	}
}

static void reg_write(struct vm *vm, unsigned int reg, uint32_t v)
{
	switch (reg) {
	case REG_LBA_LO:
		disk.lba = (disk.lba & ~0xffffffffULL) | v;
		break;
	case REG_LBA_HI:
		disk.lba = (disk.lba & 0xffffffffULL) | (uint64_t)v << 32;
		break;
	case REG_COUNT:
		disk.count = v;
		break;
	case REG_ADDR:
		disk.addr = v;
		break;
	case REG_CMD:
		disk.status = command(vm, v);
		if (disk.status != ST_OK)
			disk.errors++;
		if (khvctl_verbose >= 2)
			khv_err("disk: command %u, lba %llu, count %u, addr %#x: status %u",
				v, (unsigned long long)disk.lba, disk.count,
				disk.addr, disk.status);
		break;
	default:
		break;		/* read-only registers */
	}
}

/* Whether this is an access the device answers: 32 bits, aligned. */
static bool valid(struct vcpu *vcpu, uint16_t off, int size, bool out)
{
	if (size == 4 && !(off & 3) && off <= REG_CMD)
		return true;
	if (!__atomic_exchange_n(&disk.warned, true, __ATOMIC_RELAXED))
		khv_warn("%s: disk: %s port %#x size %d: only 32-bit accesses at the registers",
			 vcpu->name, out ? "OUT to" : "IN from", DISK_PORT + off,
			 size);
	return false;
}

static int disk_in(struct vcpu *vcpu, uint16_t off, void *data, int size)
{
	uint32_t v = 0xffffffff;

	if (valid(vcpu, off, size, false)) {
		pthread_mutex_lock(&disk.lock);
		v = reg_read(off);
		pthread_mutex_unlock(&disk.lock);
	}
	memcpy(data, &v, size);
	return VCPU_CONTINUE;
}

static int disk_out(struct vcpu *vcpu, uint16_t off, const void *data,
		    int size)
{
	uint32_t v;

	if (!valid(vcpu, off, size, true))
		return VCPU_CONTINUE;
	memcpy(&v, data, sizeof(v));
	pthread_mutex_lock(&disk.lock);
	reg_write(vcpu->vm, off, v);
	pthread_mutex_unlock(&disk.lock);
	return VCPU_CONTINUE;
}

static const struct ioport_dev disk_dev = {
	.name = "disk",
	.base = DISK_PORT,
	.len = DISK_PORTS,
	.in = disk_in,
	.out = disk_out,
};

/* Open the backing file(s) and put the disk on the port bus. */
int disk_init(const struct disk_spec *spec)
{
	disk.blk = blk_open(spec);
	if (!disk.blk)
		return -1;
	if (khvctl_verbose)
		khv_err("disk: %s, %llu sectors, %s%s", spec->path,
			(unsigned long long)blk_sectors(disk.blk),
			spec->mode == DISK_RW ? "read-write" :
			spec->mode == DISK_RO ? "read-only" : "copy-on-write to ",
			spec->mode == DISK_COW ? spec->overlay : "");
	ioport_register(&disk_dev);
	return 0;
}

void disk_exit(void)
{
	if (!disk.blk)
		return;
	if (khvctl_verbose)
		khv_err("disk: %llu reads, %llu writes, %llu commands failed",
			(unsigned long long)disk.reads,
			(unsigned long long)disk.writes,
			(unsigned long long)disk.errors);
	blk_close(disk.blk);
	disk.blk = NULL;
}
