/* SPDX-License-Identifier: GPL-2.0 */
/*
 * khvctl: drive a KVM-compatible device (khv's /dev/khv, or /dev/kvm)
 * through the x86 KVM ioctl ABI of <linux/kvm.h>.
 */
#ifndef KHVCTL_H
#define KHVCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <pthread.h>
#include <linux/kvm.h>

#include "opts.h"

#define KHVCTL_VERSION		"0.1"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
/* As the kernel's own; checkpatch flags this one definition. */
#define __printf(f, a)		__attribute__((format(printf, f, a)))
#define KHVCTL_DEFAULT_DEV	"/dev/khv"

/*
 * Exit statuses (docs/khvctl.md). They are even so that they never collide
 * with the odd statuses (v << 1) | 1 a guest chooses through the debug-exit
 * port.
 */
enum khvctl_status {
	KHVCTL_OK		= 0,	/* success; guest halted with IF=0 */
	KHVCTL_USAGE		= 2,	/* bad command line */
	KHVCTL_ERROR		= 4,	/* device, ioctl or image error */
	KHVCTL_SHUTDOWN		= 6,	/* guest triple fault */
	KHVCTL_UNHANDLED	= 8,	/* exit khvctl cannot handle */
	KHVCTL_TIMEOUT		= 10,	/* --timeout expired */
	KHVCTL_SIGNAL		= 12,	/* SIGINT or SIGTERM */
	KHVCTL_UNSUPPORTED	= 14,	/* the device lacks what was asked */
};

/* Global options, set by main.c before a command runs. */
extern const char *khvctl_dev;
extern int khvctl_verbose;
/*
 * The VM this process runs when "run --vms K" started several (K > 1), or
 * -1: messages then say "khvctl: vm N: ..." and serial lines "vmN: ...".
 */
extern int khvctl_vm;

/* Commands: argv[0] is the command name. */
int cmd_info(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_boot(int argc, char **argv);
int cmd_stats(int argc, char **argv);

/* util.c */
__printf(1, 2) void khv_err(const char *fmt, ...);
__printf(1, 2) void khv_warn(const char *fmt, ...);
__printf(2, 3) int usage_error(const char *cmd, const char *fmt, ...);
int usage_hint(const char *cmd);
int parse_u64(const char *s, uint64_t *val);
int open_dev(void);
bool errno_no_syscall(void);

/*
 * ioctl() whose failure prints "khvctl: DEV: [CTX: ]NAME: strerror" and
 * returns -1 with errno kept. Use plain ioctl() where a failure is an answer.
 */
long kvm_ioctl(int fd, unsigned long req, unsigned long arg,
	       const char *name, const char *ctx);
#define SYS_IOCTL(fd, req, arg) \
	kvm_ioctl(fd, req, (unsigned long)(arg), #req, NULL)
#define VCPU_IOCTL(vcpu, req, arg) \
	kvm_ioctl((vcpu)->fd, req, (unsigned long)(arg), #req, (vcpu)->name)

/* names.c: names from <linux/kvm.h> for messages. */
struct kvm_cap_name {
	int cap;
	const char *name;
};
extern const struct kvm_cap_name kvm_cap_names[];
extern const size_t kvm_nr_cap_names;
const char *kvm_exit_name(uint32_t reason);

/* vm.c: one VM with one slot of guest memory at guest physical 0. */
struct vcpu;

struct vm {
	int index;			/* VM number in "run --vms K", from 0 */
	int nr_vms;
	int sys_fd;
	int fd;
	uint8_t *mem;
	uint64_t mem_size;
	int run_size;			/* KVM_GET_VCPU_MMAP_SIZE */
	struct kvm_cpuid2 *cpuid;	/* KVM_GET_SUPPORTED_CPUID, or NULL */
	bool immediate_exit;		/* KVM_CAP_IMMEDIATE_EXIT */
	int nr_vcpus;
	struct vcpu *vcpus;
};

/* Guest memory stays below the pages KVM_SET_TSS_ADDR reserves. */
#define VM_MAX_MEM		(3ULL << 30)
#define VM_TSS_ADDR		0xfffbd000UL

int vm_create(struct vm *vm, uint64_t mem_size, int nr_vcpus);
void vm_destroy(struct vm *vm);
void *vm_gpa(struct vm *vm, uint64_t gpa, uint64_t len);

/* vcpu.c */
struct vcpu {
	struct vm *vm;
	int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	char name[16];			/* "vcpu N", for messages */
	int status;			/* how this vCPU's run ended */
	bool done;			/* its thread has left vcpu_loop() */
	uint64_t exits[64];		/* exits seen, by exit reason */
};

/* Sentinel of exit handlers: keep running the vCPU. */
#define VCPU_CONTINUE		(-1)

int vcpu_create(struct vm *vm, struct vcpu *vcpu, int id);
int vcpu_set_cpuid(struct vcpu *vcpu);
void vcpu_destroy(struct vcpu *vcpu);
int vcpu_loop(struct vcpu *vcpu);
void vcpu_dump(struct vcpu *vcpu);
void vcpu_print_exits(struct vcpu *vcpu);

/* run.c: a thread per vCPU, and the end of a run they share. */
int run_vcpus(struct vm *vm, unsigned int timeout);
int run_catch_stop(void);
void run_end(int status);
bool run_ending(void);

/* boot.c: the CPU state a guest starts in. */
enum boot_mode { BOOT_AUTO, BOOT_REAL, BOOT_LONG };

/* Long mode: GDT, TSS and page tables live in the top 32 KiB of memory. */
#define BOOT_AREA_SIZE		0x8000UL
/* Below them, each vCPU gets a stack of this size; RSP points at its top. */
#define BOOT_STACK_SIZE		0x4000UL

uint64_t boot_area_base(struct vm *vm);
int boot_build_long(struct vm *vm);
int boot_vcpu_real(struct vcpu *vcpu, uint64_t entry);
int boot_vcpu_long(struct vcpu *vcpu, uint64_t entry);
int boot_parse_reg(const char *assignment, size_t *off, uint64_t *val);
int boot_set_reg(struct vcpu *vcpu, const char *assignment);

/* loader.c */
struct image {
	const char *path;
	uint8_t *data;
	size_t size;
	bool is_elf;
	uint64_t entry;
	uint64_t lo, hi;		/* guest physical range it occupies */
};

int image_read(struct image *img, const char *path);
int image_load_flat(struct vm *vm, struct image *img, uint64_t addr);
int image_load_elf(struct vm *vm, struct image *img);

/* cmd_run.c: what "khvctl run" was asked to do, for every VM. */
#define RUN_MAX_REGS		16
#define RUN_MAX_VMS		16

enum disk_mode { DISK_RW, DISK_RO, DISK_COW };

struct disk_spec {
	const char *path;
	enum disk_mode mode;
	const char *overlay;		/* DISK_COW only */
};

enum run_stats { RUN_STATS_NONE, RUN_STATS_TABLE, RUN_STATS_JSON };

enum net_mode {
	NET_NONE,			/* no NIC */
	NET_LOCAL,			/* the VMs of this khvctl on one hub */
	NET_UNIX,			/* and other khvctl processes on a socket */
};

struct run_opts {
	struct vm_opts vm;			/* --cpus, --mem, --timeout */
	enum boot_mode mode;
	uint64_t load;
	bool load_set;
	const char *regs[RUN_MAX_REGS];
	int nr_regs;
	const char *image;
	int vms;
	struct disk_spec disks[RUN_MAX_VMS];	/* one for all, or one per VM */
	int nr_disks;
	enum net_mode net;
	bool net_set;				/* --net given */
	const char *net_path;			/* NET_UNIX */
	enum run_stats stats;			/* --stats */
	const char *stats_file;			/* --stats-file, or NULL */
	int stats_out;				/* where --stats prints */
};

struct image;

/*
 * A NIC's link: a pair of packet-mode (O_DIRECT) pipes or one
 * SOCK_SEQPACKET socket (rx == tx); a frame per record either way.
 */
struct link {
	int rx;
	int tx;
};

#define NO_LINK			((struct link){ -1, -1 })

/* Run VM number index (of o->vms) in this process, its NIC on link. */
int run_vm(struct run_opts *o, struct image *img, int index, struct link link);

/*
 * stats.c: the statistics files of the VM this process runs, open from
 * stats_attach() to stats_detach() ("khvctl stats" reads them meanwhile).
 */
int stats_attach(struct vm *vm, bool required);
int stats_report(bool json, int out);
void stats_detach(void);

/* vms.c: "run --vms K": a process per VM, the hub, the summary status. */
int vms_run(struct run_opts *o, struct image *img);

/* blk.c: a disk's backing file(s); sectors of BLK_SECTOR bytes. */
#define BLK_SECTOR		512

struct blk;

int disk_parse(const char *arg, struct disk_spec *spec);
struct blk *blk_open(const struct disk_spec *spec);
void blk_close(struct blk *b);
uint64_t blk_sectors(const struct blk *b);
bool blk_read_only(const struct blk *b);
bool blk_is_cow(const struct blk *b);
int blk_read(struct blk *b, uint64_t lba, uint32_t count, void *buf);
int blk_write(struct blk *b, uint64_t lba, uint32_t count, const void *buf);
int blk_flush(struct blk *b);
int blk_lock(int fd, const char *path, bool excl);
int disk_check_vms(const struct disk_spec *d, int nr);
int pread_full(int fd, void *buf, size_t len, uint64_t off);
int pwrite_full(int fd, const void *buf, size_t len, uint64_t off);

/* cow.c: the copy-on-write overlay file (docs/khvctl.md has the format). */
struct cow;

struct cow *cow_open(const char *path, uint64_t sectors);
void cow_close(struct cow *c);
int cow_read(struct cow *c, int base_fd, uint64_t lba, uint32_t count,
	     uint8_t *buf);
int cow_write(struct cow *c, uint64_t lba, uint32_t count,
	      const uint8_t *buf);
int cow_flush(struct cow *c);

/* net.c: links between NICs and the hub, and the unix socket. */
#define NET_MAX_FRAME		2048

struct net {
	struct link vm[RUN_MAX_VMS];	/* each VM's end, -1 if none */
	struct link hub[RUN_MAX_VMS];	/* the hub's end of the same link */
	int listen_fd;			/* NET_UNIX, this process is the hub */
	int uplink_fd;			/* NET_UNIX, another process is */
	bool owner;			/* this process made the socket */
};

int net_setup(struct run_opts *o, struct net *n);
bool net_needs_hub(const struct net *n);
void net_keep_vm(struct net *n, int vm);
void net_drop_vms(struct net *n);
void net_cleanup(struct run_opts *o, struct net *n);
void link_close(struct link *l);
ssize_t link_recv(int fd, uint8_t *buf);
bool link_send(int fd, const void *buf, size_t len);

/* hub.c: a thread that copies each frame from one port to all others. */
int hub_start(struct net *n, int nr_vms);
void hub_stop(void);

/* ioport.c: port I/O devices. */
struct ioport_dev {
	const char *name;
	uint16_t base;
	uint16_t len;
	/* Handle one access of size 1, 2 or 4 at port base + off. */
	int (*in)(struct vcpu *vcpu, uint16_t off, void *data, int size);
	int (*out)(struct vcpu *vcpu, uint16_t off, const void *data, int size);
};

void ioport_register(const struct ioport_dev *dev);
int ioport_handle(struct vcpu *vcpu);

/* Devices, each registering itself. */
void serial_init(void);
void serial_flush(void);
void debugexit_init(void);
void echo_init(void);
int disk_init(const struct disk_spec *spec);
void disk_exit(void);
void nic_init(struct link link);
void nic_exit(void);

/* Linux guests ("khvctl boot", docs/linux-guest.md). */
struct bzimage {
	const struct image *img;	/* the whole bzImage file */
	uint16_t version;		/* boot protocol, 0x020f = 2.15 */
	uint64_t setup_size;		/* real-mode part, (setup_sects + 1) * 512 */
	uint64_t load;			/* where the protected-mode part goes */
	uint64_t init_size;		/* memory it needs from there */
	uint32_t initrd_max;		/* highest address the initrd may use */
	uint32_t cmdline_max;		/* longest command line, without NUL */
	uint64_t initrd_addr;		/* chosen by bzimage_layout() */
};

/*
 * The guest physical map "boot" gives both kinds of kernel: RAM below
 * 639 KiB, reserved up to 640 KiB and 0xf0000-1 MiB (MP tables), RAM from
 * 1 MiB to the end of memory.
 */
#define BOOT_LOW_RAM_END	0x9fc00
#define BOOT_VGA_START		0xa0000
#define BOOT_BIOS_START		0xf0000
#define BOOT_HIGH_RAM		0x100000
#define BOOT_E820_RAM		1
#define BOOT_E820_RESERVED	2

/* bzimage.c: the x86 boot protocol (Documentation/arch/x86/boot.rst). */
bool bzimage_detect(const struct image *img);
int bzimage_parse(struct bzimage *bz, const struct image *img);
int bzimage_layout(struct bzimage *bz, uint64_t mem_size,
		   const struct image *initrd, const char *cmdline);
int bzimage_load(struct vm *vm, const struct bzimage *bz,
		 const struct image *initrd, const char *cmdline);
int bzimage_vcpu(struct vcpu *vcpu);
int bzimage_cpuid(struct vm *vm, uint32_t tsc_khz, bool tsc_deadline);

/* multiboot.c: Multiboot (version 1) kernels, flat or ELF32. */
struct mboot {
	const struct image *img;
	uint64_t lo, hi;		/* guest physical range of the kernel */
	uint64_t entry;
	uint64_t file_off, file_len;	/* flat (a.out kludge): what is loaded */
	bool elf;			/* loaded by its ELF32 program headers */
	uint64_t mod_addr;		/* --initrd, chosen by multiboot_layout() */
};

int multiboot_parse(struct mboot *mb, const struct image *img);
int multiboot_layout(struct mboot *mb, uint64_t mem_size,
		     const struct image *mod, const char *cmdline);
int multiboot_load(struct vm *vm, const struct mboot *mb,
		   const struct image *mod, const char *cmdline);
int multiboot_vcpu(struct vcpu *vcpu, const struct mboot *mb);

/* mptable.c: Intel MP tables for the vCPUs and the IOAPIC. */
int mptable_write(struct vm *vm, int nr_cpus);

/* reset.c: ports 0xcf9 and 0x64: a guest reset ends the run. */
void reset_init(void);

/* rtc.c: a CMOS clock at ports 0x70/0x71 with the host's time. */
void rtc_init(void);

/* serial.c: raise COM1's IRQ 4 through the in-kernel irqchip. */
void serial_use_irqchip(int vm_fd);

/* term.c */
void term_init(void);
void term_restore(void);
int term_read(uint8_t *buf, size_t len);

#endif /* KHVCTL_H */
