// SPDX-License-Identifier: GPL-2.0
/*
 * Guest images: a flat binary copied to one address, or an ELF64 x86-64
 * executable whose PT_LOAD segments go to their physical addresses (the
 * page tables are an identity map, so physical and virtual agree for any
 * sensibly linked image). Every offset and size read from the file is
 * checked against the file and against guest memory before use.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "khvctl.h"

#define MAX_IMAGE	(VM_MAX_MEM)

int image_read(struct image *img, const char *path)
{
	struct stat st;
	size_t done = 0;
	ssize_t n;
	int fd;

	memset(img, 0, sizeof(*img));
	img->path = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		khv_err("%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0 ||
	    (uint64_t)st.st_size > MAX_IMAGE) {
		khv_err("%s: not a regular file of 1 byte to %llu MiB", path,
			(unsigned long long)(MAX_IMAGE >> 20));
		goto fail;
	}
	img->size = st.st_size;
	img->data = malloc(img->size);
	if (!img->data) {
		khv_err("%s: %s", path, strerror(errno));
		goto fail;
	}
	while (done < img->size) {
		n = read(fd, img->data + done, img->size - done);
		if (n <= 0) {
			khv_err("%s: read: %s", path, n ? strerror(errno) :
				"file shrank while reading");
			goto fail;
		}
		done += n;
	}
	close(fd);
	img->is_elf = img->size >= SELFMAG &&
		      !memcmp(img->data, ELFMAG, SELFMAG);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	free(img->data);
	img->data = NULL;
	return -1;
}

static int copy_in(struct vm *vm, struct image *img, uint64_t gpa,
		   const void *src, uint64_t filesz, uint64_t memsz)
{
	uint8_t *dst = vm_gpa(vm, gpa, memsz);

	if (!dst) {
		khv_err("%s: %#llx bytes at guest physical %#llx do not fit in %llu MiB of memory",
			img->path, (unsigned long long)memsz,
			(unsigned long long)gpa,
			(unsigned long long)(vm->mem_size >> 20));
		return -1;
	}
	memcpy(dst, src, filesz);
	memset(dst + filesz, 0, memsz - filesz);
	if (!img->hi || gpa < img->lo)
		img->lo = gpa;
	if (gpa + memsz > img->hi)
		img->hi = gpa + memsz;
	return 0;
}

int image_load_flat(struct vm *vm, struct image *img, uint64_t addr)
{
	img->entry = addr;
	return copy_in(vm, img, addr, img->data, img->size, img->size);
}

static int elf_check_header(struct image *img, const Elf64_Ehdr *eh)
{
	const char *why = NULL;

	if (img->size < sizeof(*eh))
		why = "truncated ELF header";
	else if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		why = "not ELF64";
	else if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		why = "not little-endian";
	else if (eh->e_machine != EM_X86_64)
		why = "not x86-64 (e_machine)";
	else if (eh->e_type != ET_EXEC)
		why = "not an executable (e_type)";
	else if (eh->e_phentsize != sizeof(Elf64_Phdr) || !eh->e_phnum)
		why = "no program headers";
	else if (eh->e_phoff > img->size ||
		 (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > img->size - eh->e_phoff)
		why = "program headers beyond the end of the file";
	if (why)
		khv_err("%s: %s", img->path, why);
	return why ? -1 : 0;
}

int image_load_elf(struct vm *vm, struct image *img)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img->data;
	const Elf64_Phdr *ph;
	bool entry_loaded = false;
	int i;

	if (elf_check_header(img, eh) < 0)
		return -1;
	ph = (const Elf64_Phdr *)(img->data + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++, ph++) {
		if (ph->p_type != PT_LOAD || !ph->p_memsz)
			continue;
		if (ph->p_filesz > ph->p_memsz || ph->p_offset > img->size ||
		    ph->p_filesz > img->size - ph->p_offset) {
			khv_err("%s: program header %d: bad offset or size",
				img->path, i);
			return -1;
		}
		if (copy_in(vm, img, ph->p_paddr, img->data + ph->p_offset,
			    ph->p_filesz, ph->p_memsz) < 0)
			return -1;
		if (eh->e_entry >= ph->p_paddr &&
		    eh->e_entry - ph->p_paddr < ph->p_memsz)
			entry_loaded = true;
	}
	if (!entry_loaded) {
		khv_err("%s: entry point %#llx is in no loaded segment",
			img->path, (unsigned long long)eh->e_entry);
		return -1;
	}
	img->entry = eh->e_entry;
	return 0;
}
