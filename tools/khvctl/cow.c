// SPDX-License-Identifier: GPL-2.0
/*
 * The copy-on-write overlay: a sparse file that holds the sectors a guest
 * wrote, so the base file is never written and several VMs share one base,
 * each with its own overlay. Layout (little-endian; docs/khvctl.md):
 *
 *   0         header, 512 bytes: magic "KHVCOW\0\0", u32 version (1),
 *             u32 sector size (512), u64 sectors (of the base), u64 map
 *             offset, u64 data offset; the rest zero
 *   map       one bit per sector, bit s % 8 of byte s / 8: set when
 *             sector s lives in the overlay
 *   data      sector s at data offset + s * 512; only written sectors
 *             take space (the file is sized with ftruncate, holes stay)
 *
 * A write puts the data in place and fdatasync()s it before it sets the
 * sectors' map bits and fdatasync()s again; only then does the guest see
 * it completed. An interrupted write therefore leaves each sector with its
 * old or its new content, never a map bit over data that is not there.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "khvctl.h"

#define COW_MAGIC	"KHVCOW\0\0"
#define COW_VERSION	1
#define COW_MAP_OFF	4096ULL
#define COW_ALIGN	4096ULL

struct cow_header {
	char magic[8];
	uint32_t version;
	uint32_t sector_size;
	uint64_t sectors;
	uint64_t map_off;
	uint64_t data_off;
	uint8_t zero[512 - 40];
};

_Static_assert(sizeof(struct cow_header) == 512, "one sector of header");

struct cow {
	const char *path;
	int fd;
	uint64_t sectors;
	uint64_t map_off;
	uint64_t data_off;
	uint8_t *map;
	size_t map_bytes;
};

static bool test_sector(const struct cow *c, uint64_t s)
{
	return c->map[s / 8] & (1U << (s % 8));
}

/* A new overlay's directory entry must survive a crash too. */
static int sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd, r = -1;

	if (!copy)
		return -1;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		r = fsync(fd);
		close(fd);
	}
	free(copy);
	return r;
}

static int cow_create(struct cow *c)
{
	struct cow_header h;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, COW_MAGIC, sizeof(h.magic));
	h.version = COW_VERSION;
	h.sector_size = BLK_SECTOR;
	h.sectors = c->sectors;
	h.map_off = COW_MAP_OFF;
	h.data_off = (COW_MAP_OFF + c->map_bytes + COW_ALIGN - 1) &
		     ~(COW_ALIGN - 1);
	c->map_off = h.map_off;
	c->data_off = h.data_off;
	if (pwrite_full(c->fd, &h, sizeof(h), 0) < 0 ||
	    ftruncate(c->fd, h.data_off + c->sectors * BLK_SECTOR) < 0 ||
	    fsync(c->fd) < 0 || sync_dir(c->path) < 0) {
		khv_err("%s: creating the overlay: %s", c->path, strerror(errno));
		return -1;
	}
	return 0;
}

static int cow_check(struct cow *c)
{
	struct cow_header h;

	if (pread_full(c->fd, &h, sizeof(h), 0) < 0 ||
	    memcmp(h.magic, COW_MAGIC, sizeof(h.magic))) {
		khv_err("%s: not a khvctl overlay (no KHVCOW header)", c->path);
		return -1;
	}
	if (h.version != COW_VERSION || h.sector_size != BLK_SECTOR) {
		khv_err("%s: overlay version %u, sector size %u: expected %u and %u",
			c->path, h.version, h.sector_size, COW_VERSION, BLK_SECTOR);
		return -1;
	}
	if (h.sectors != c->sectors) {
		khv_err("%s: the overlay is for a base of %llu sectors, this base has %llu",
			c->path, (unsigned long long)h.sectors,
			(unsigned long long)c->sectors);
		return -1;
	}
	if (h.map_off < sizeof(h) || h.data_off % BLK_SECTOR ||
	    h.data_off < h.map_off || h.data_off - h.map_off < c->map_bytes) {
		khv_err("%s: overlay header: map at %llu, data at %llu overlap",
			c->path, (unsigned long long)h.map_off,
			(unsigned long long)h.data_off);
		return -1;
	}
	c->map_off = h.map_off;
	c->data_off = h.data_off;
	return 0;
}

/* Open OVERLAY for a base of sectors, creating it if absent or empty. */
struct cow *cow_open(const char *path, uint64_t sectors)
{
	struct cow *c = calloc(1, sizeof(*c));
	struct stat st;

	if (!c)
		return NULL;
	c->path = path;
	c->sectors = sectors;
	c->map_bytes = (sectors + 7) / 8;
	c->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (c->fd < 0 || fstat(c->fd, &st) < 0) {
		khv_err("%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		khv_err("%s: not a regular file", path);
		goto fail;
	}
	if (blk_lock(c->fd, path, true) < 0)
		goto fail;
	if (st.st_size ? cow_check(c) < 0 : cow_create(c) < 0)
		goto fail;
	c->map = calloc(1, c->map_bytes + 1);
	if (!c->map)
		goto fail;
	if (pread_full(c->fd, c->map, c->map_bytes, c->map_off) < 0) {
		khv_err("%s: reading the overlay map: %s", path, strerror(errno));
		goto fail;
	}
	return c;
fail:
	cow_close(c);
	return NULL;
}

void cow_close(struct cow *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->map);
	free(c);
}

/* Each run of sectors comes from the overlay or the base, whichever has it. */
int cow_read(struct cow *c, int base_fd, uint64_t lba, uint32_t count,
	     uint8_t *buf)
{
	while (count) {
		bool mine = test_sector(c, lba);
		uint32_t n = 1;
		int r;

		while (n < count && test_sector(c, lba + n) == mine)
			n++;
		if (mine)
			r = pread_full(c->fd, buf, (size_t)n * BLK_SECTOR,
				       c->data_off + lba * BLK_SECTOR);
		else
			r = pread_full(base_fd, buf, (size_t)n * BLK_SECTOR,
				       lba * BLK_SECTOR);
		if (r < 0) {
			khv_warn("%s: read of %u sectors at %llu from the %s: %s",
				 c->path, n, (unsigned long long)lba,
				 mine ? "overlay" : "base", strerror(errno));
			return -1;
		}
		lba += n;
		count -= n;
		buf += (size_t)n * BLK_SECTOR;
	}
	return 0;
}

/* Data first and synced, then the map bits: see the comment at the top. */
int cow_write(struct cow *c, uint64_t lba, uint32_t count, const uint8_t *buf)
{
	uint64_t first = lba / 8, last = (lba + count - 1) / 8, s;
	size_t len = last - first + 1;
	uint8_t *old;
	bool changed = false;

	if (pwrite_full(c->fd, buf, (size_t)count * BLK_SECTOR,
			c->data_off + lba * BLK_SECTOR) < 0 ||
	    fdatasync(c->fd) < 0)
		goto fail;
	for (s = lba; s < lba + count; s++)
		changed |= !test_sector(c, s);
	if (!changed)
		return 0;

	old = malloc(len);
	if (!old)
		goto fail;
	memcpy(old, c->map + first, len);
	for (s = lba; s < lba + count; s++)
		c->map[s / 8] |= 1U << (s % 8);
	if (pwrite_full(c->fd, c->map + first, len, c->map_off + first) < 0 ||
	    fdatasync(c->fd) < 0) {
		memcpy(c->map + first, old, len);	/* not acknowledged */
		free(old);
		goto fail;
	}
	free(old);
	return 0;
fail:
	khv_warn("%s: write of %u sectors at %llu: %s", c->path, count,
		 (unsigned long long)lba, strerror(errno));
	return -1;
}

int cow_flush(struct cow *c)
{
	if (fdatasync(c->fd) < 0) {
		khv_warn("%s: fdatasync: %s", c->path, strerror(errno));
		return -1;
	}
	return 0;
}
