// SPDX-License-Identifier: GPL-2.0
/*
 * A disk's backing store: a host file used read-write, read-only, or
 * read-only under a copy-on-write overlay (cow.c). Sectors are 512 bytes;
 * a trailing partial sector of the file is not part of the disk.
 *
 * Durability: blk_write() returns only after the data is in the file and
 * fdatasync() has returned, so a write the guest saw completed survives
 * khvctl being killed (the page cache keeps it) and, as far as the host's
 * fdatasync() goes, a host crash.
 *
 * Locks: flock() keeps two users from writing one file. A file written
 * (rw, or an overlay) is locked exclusively; a file only read (ro, or the
 * base of a cow disk) is locked shared. So any number of VMs share a base
 * read-only or through their own overlays, and none may use it read-write
 * meanwhile. The base of ro and cow disks is opened O_RDONLY: khvctl
 * cannot write it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "khvctl.h"

struct blk {
	const char *path;
	int fd;
	bool ro;
	uint64_t sectors;
	struct cow *cow;
};

/* "FILE", "FILE,rw", "FILE,ro" or "FILE,cow=OVERLAY". */
int disk_parse(const char *arg, struct disk_spec *spec)
{
	const char *comma = strchr(arg, ',');
	char *path;

	memset(spec, 0, sizeof(*spec));
	spec->mode = DISK_RW;
	if (!comma) {
		spec->path = arg;
		return *arg ? 0 : -1;
	}
	if (comma == arg)
		return -1;
	if (!strcmp(comma + 1, "ro"))
		spec->mode = DISK_RO;
	else if (!strncmp(comma + 1, "cow=", 4) && comma[5])
		spec->mode = DISK_COW;
	else if (strcmp(comma + 1, "rw"))
		return -1;
	path = strndup(arg, comma - arg);
	if (!path)
		return -1;
	spec->path = path;
	if (spec->mode == DISK_COW)
		spec->overlay = comma + 5;
	return 0;
}

int pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = pread(fd, p, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n)
				errno = EIO;	/* the file shrank under us */
			return -1;
		}
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

int pwrite_full(int fd, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = pwrite(fd, p, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

/*
 * flock() fd: exclusive for a file khvctl writes, shared for one it only
 * reads. A kernel without file locks (CONFIG_FILE_LOCKING=n, as in the
 * test VM) leaves files unprotected, with one warning.
 */
int blk_lock(int fd, const char *path, bool excl)
{
	static bool warned;

	if (!flock(fd, (excl ? LOCK_EX : LOCK_SH) | LOCK_NB))
		return 0;
	if (errno_no_syscall()) {
		if (!warned)
			khv_warn("%s: no file locks in this kernel: nothing keeps another process from writing it",
				 path);
		warned = true;
		return 0;
	}
	if (errno == EWOULDBLOCK)
		khv_err("%s: in use by another VM or process (%s lock held)",
			path, excl ? "a" : "an exclusive");
	else
		khv_err("%s: flock: %s", path, strerror(errno));
	return -1;
}

static int open_locked(const char *path, bool write)
{
	int fd = open(path, (write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	struct stat st;

	if (fd < 0) {
		khv_err("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		khv_err("%s: not a regular file", path);
		goto fail;
	}
	if (blk_lock(fd, path, write) < 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

struct blk *blk_open(const struct disk_spec *spec)
{
	struct blk *b = calloc(1, sizeof(*b));
	struct stat st;

	if (!b)
		return NULL;
	b->path = spec->path;
	b->ro = spec->mode != DISK_RW;
	b->fd = open_locked(spec->path, spec->mode == DISK_RW);
	if (b->fd < 0)
		goto fail;
	if (fstat(b->fd, &st) < 0) {
		khv_err("%s: %s", spec->path, strerror(errno));
		goto fail;
	}
	b->sectors = st.st_size / BLK_SECTOR;
	if (st.st_size % BLK_SECTOR)
		khv_warn("%s: %llu bytes after the last whole sector are not on the disk",
			 spec->path,
			 (unsigned long long)(st.st_size % BLK_SECTOR));
	if (spec->mode == DISK_COW) {
		b->cow = cow_open(spec->overlay, b->sectors);
		if (!b->cow)
			goto fail;
	}
	return b;
fail:
	blk_close(b);
	return NULL;
}

void blk_close(struct blk *b)
{
	if (!b)
		return;
	if (b->cow)
		cow_close(b->cow);
	if (b->fd >= 0)
		close(b->fd);
	free(b);
}

uint64_t blk_sectors(const struct blk *b)
{
	return b->sectors;
}

/* Whether the guest may write: not for ro (a cow disk takes writes). */
bool blk_read_only(const struct blk *b)
{
	return b->ro && !b->cow;
}

bool blk_is_cow(const struct blk *b)
{
	return b->cow;
}

/* The caller has checked lba + count against the disk's size. */
int blk_read(struct blk *b, uint64_t lba, uint32_t count, void *buf)
{
	if (b->cow)
		return cow_read(b->cow, b->fd, lba, count, buf);
	if (pread_full(b->fd, buf, (size_t)count * BLK_SECTOR,
		       lba * BLK_SECTOR) < 0) {
		khv_warn("%s: read of %u sectors at %llu: %s", b->path, count,
			 (unsigned long long)lba, strerror(errno));
		return -1;
	}
	return 0;
}

int blk_write(struct blk *b, uint64_t lba, uint32_t count, const void *buf)
{
	if (b->cow)
		return cow_write(b->cow, lba, count, buf);
	if (b->ro) {
		errno = EROFS;
		return -1;
	}
	if (pwrite_full(b->fd, buf, (size_t)count * BLK_SECTOR,
			lba * BLK_SECTOR) < 0 || fdatasync(b->fd) < 0) {
		khv_warn("%s: write of %u sectors at %llu: %s", b->path, count,
			 (unsigned long long)lba, strerror(errno));
		return -1;
	}
	return 0;
}

/* Every write is already synced; this makes FLUSH a real barrier anyway. */
int blk_flush(struct blk *b)
{
	if (b->cow)
		return cow_flush(b->cow);
	if (!b->ro && fdatasync(b->fd) < 0) {
		khv_warn("%s: fdatasync: %s", b->path, strerror(errno));
		return -1;
	}
	return 0;
}

struct file_id {
	const char *path;
	bool exists;
	dev_t dev;
	ino_t ino;
};

static struct file_id file_id(const char *path)
{
	struct file_id id = { .path = path };
	struct stat st;

	if (path && !stat(path, &st)) {
		id.exists = true;
		id.dev = st.st_dev;
		id.ino = st.st_ino;
	}
	return id;
}

static bool same_file(struct file_id a, struct file_id b)
{
	if (!a.path || !b.path)
		return false;
	if (a.exists && b.exists)
		return a.dev == b.dev && a.ino == b.ino;
	return a.exists == b.exists && !strcmp(a.path, b.path);
}

/*
 * The disks of one run (d[i] for VM i): no file that one VM writes (rw, or
 * its overlay) may be another VM's, nor a cow disk's own base. Checked
 * here as well as by flock(), which the test VM's kernel lacks.
 */
int disk_check_vms(const struct disk_spec *d, int nr)
{
	struct file_id w, r;
	int i, j;

	for (i = 0; i < nr; i++) {
		w = file_id(d[i].mode == DISK_RW ? d[i].path : d[i].overlay);
		for (j = 0; j < nr; j++) {
			r = file_id(d[j].path);
			/* A rw disk's w is its own path: not a conflict. */
			if ((j != i || d[i].mode == DISK_COW) && same_file(w, r))
				goto clash;
			if (j != i && same_file(w, file_id(d[j].overlay)))
				goto clash;
		}
	}
	return 0;
clash:
	khv_err("--disk: %s is written by VM %d and used by %s", w.path, i,
		j == i ? "it as the base" : "another VM");
	return -1;
}
