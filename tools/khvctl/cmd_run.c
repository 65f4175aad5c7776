// SPDX-License-Identifier: GPL-2.0
/*
 * khvctl run: create a VM, load an image, start it in real or long mode
 * and run it to completion with COM1 on stdin/stdout; optionally with a
 * disk and a NIC, and several VMs at once (vms.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "khvctl.h"

#define DEFAULT_MEM_MIB		16
#define DEFAULT_LOAD_REAL	0x7c00
#define DEFAULT_LOAD_LONG	0x100000
#define MAX_REGS		RUN_MAX_REGS
#define REAL_MODE_LIMIT		0x100000	/* what CS:IP can reach */

static void print_usage(FILE *f)
{
	fprintf(f,
"Usage: khvctl run [OPTIONS] IMAGE\n"
"\n"
"Create a VM on the device, load IMAGE into its memory, start every vCPU at\n"
"the image's entry point and run until the guest is done. The guest's COM1\n"
"is on khvctl's stdin and stdout; khvctl's own messages go to stderr.\n"
"\n"
"Options:\n"
"  -c, --cpus N        vCPUs, 1 to %d (default 1); each runs in its own\n"
"                      thread, all start at the entry point\n"
"  -m, --mem MIB       guest memory in MiB, 1 to %llu (default %d), at\n"
"                      guest physical address 0\n"
"  -M, --mode MODE     how IMAGE starts (default auto):\n"
"                        real  flat binary at --load, entered in 16-bit\n"
"                              real mode (a boot sector works)\n"
"                        long  flat binary at --load, or ELF64 at its\n"
"                              physical addresses, entered in 64-bit mode\n"
"                        auto  long if IMAGE is ELF, else real\n"
"  -l, --load ADDR     load address of a flat image (default %#x in real\n"
"                      mode, %#x in long mode); ignored for ELF\n"
"  -r, --reg NAME=VAL  set a register of every vCPU before it starts, after\n"
"                      the mode's setup; NAME is rax..r15, rip or rflags;\n"
"                      may be repeated (at most %d)\n"
"  -t, --timeout SEC   end the run after SEC seconds (status 10)\n"
"  -k, --vms K         run K VMs of this image at once, 1 to %d (default 1),\n"
"                      each in a process of its own; their serial lines\n"
"                      go to stdout as \"vmN: LINE\", only VM 0 reads stdin\n"
"  -D, --disk SPEC     a disk at ports 0x510-0x53f, backed by a file:\n"
"                        FILE[,rw]          read-write, writes reach FILE\n"
"                        FILE,ro            read-only, writes fail\n"
"                        FILE,cow=OVERLAY   writes go to OVERLAY (created\n"
"                                           if absent), FILE is only read\n"
"                      once for every VM, or once per VM in VM order (a\n"
"                      file written by one VM cannot be given to all)\n"
"  -n, --net MODE      a NIC at ports 0x540-0x55f, linked by MODE:\n"
"                        none        no NIC (default for one VM)\n"
"                        local       the VMs of this run on one hub\n"
"                                    (default with --vms 2 or more)\n"
"                        unix:PATH   and other khvctl processes that use\n"
"                                    the same PATH (the first one listens)\n"
"  -d, --dev PATH      the device (default $KHVCTL_DEV, else %s)\n"
"  -v, --verbose       print the setup and, at the end, each vCPU's exits\n"
"                      by reason; -vv also traces every port access\n"
"  -S, --stats[=FMT]   when the run ends (also by --timeout or a signal),\n"
"                      print the VM's and each vCPU's statistics\n"
"                      (KVM_GET_STATS_FD) to stderr: FMT table (default)\n"
"                      or json (one line per VM); 'khvctl stats' reads\n"
"                      them while the run goes on\n"
"      --stats-file F  print them to file F instead (created or emptied;\n"
"                      with --vms every VM appends its own)\n"
"  -h, --help          show this text\n"
"\n"
"Initial state:\n"
"  real  CS:IP = 0:ADDR (ADDR >> 4:ADDR & 0xf above 64 KiB); DS, ES, FS, GS,\n"
"        SS = 0; SP = ADDR (0xfffe above 64 KiB); ADDR must be below 1 MiB\n"
"  long  CR0.PG, CR4.PAE, EFER.LME/LMA; CS = 0x08 (64-bit), other segments\n"
"        0x10, TR 0x18; no IDT, so an exception triple faults. The first\n"
"        4 GiB are identity-mapped with 2 MiB pages; GDT, TSS and page\n"
"        tables use the top 32 KiB of memory, and vCPU N's stack (RSP)\n"
"        ends 16 KiB * N below them. The image must end below the stacks.\n"
"  all   RFLAGS = 0x2 (interrupts off); RDI = vCPU index; RSI = number of\n"
"        vCPUs; RBX = VM index; RDX = number of VMs; other registers 0.\n"
"        CPUID is what the device supports (KVM_GET_SUPPORTED_CPUID), with\n"
"        the vCPU index as APIC ID.\n"
"\n"
"Devices (port I/O):\n"
"  0x3f8-0x3ff  COM1, an 8250/16550 UART for polling drivers (no IRQs)\n"
"  0xf4         debug exit: OUT of V ends the run with status (V << 1) | 1\n"
"  0x500-0x503  echo: IN reads back what OUT wrote (a test device)\n"
"  0x510-0x53f  disk (--disk), 0x540-0x55f NIC (--net): docs/khvctl.md\n"
"  other ports read as all ones; writes are ignored (one warning per port)\n"
"\n"
"The run ends when every vCPU has executed HLT with interrupts disabled\n"
"(khvctl injects no interrupts; HLT with IF=1 simply resumes), or when one\n"
"of the events below ends it for all vCPUs.\n"
"\n"
"Exit status:\n"
"  0   every vCPU halted with interrupts disabled\n"
"  odd the guest wrote V to port 0xf4: (V << 1) | 1, low 8 bits\n"
"  2   usage error\n"
"  4   error: device, ioctl, image, or KVM_RUN failing\n"
"  6   guest triple fault (KVM_EXIT_SHUTDOWN); registers on stderr\n"
"  8   an exit khvctl does not handle (MMIO outside memory, entry failure,\n"
"      internal error, unknown reason); reason and registers on stderr\n"
"  10  --timeout expired\n"
"  12  SIGINT or SIGTERM\n"
"With --vms: 0 if every VM ended with 0, else the status of the lowest\n"
"numbered VM that did not (4 if it was killed by a signal); a line on\n"
"stderr names each VM that did not end with 0.\n",
	VM_OPTS_MAX_CPUS, (unsigned long long)(VM_MAX_MEM >> 20), DEFAULT_MEM_MIB,
	DEFAULT_LOAD_REAL, DEFAULT_LOAD_LONG, MAX_REGS, RUN_MAX_VMS,
	KHVCTL_DEFAULT_DEV);
}

static int parse_net(const char *arg, struct run_opts *o)
{
	o->net_set = true;
	if (!strcmp(arg, "none"))
		o->net = NET_NONE;
	else if (!strcmp(arg, "local"))
		o->net = NET_LOCAL;
	else if (!strncmp(arg, "unix:", 5) && arg[5])
		o->net = NET_UNIX;
	else
		return -1;
	o->net_path = arg + 5;
	return 0;
}

/*
 * Disks go one for all VMs or one per VM. A file that a VM writes (rw, or
 * an overlay) cannot be every VM's: their writes would mix.
 */
static int check_vms(struct run_opts *o)
{
	if (o->nr_disks > 1 && o->nr_disks != o->vms)
		return usage_error("run", "--disk: %d given for %d VMs: give one for all, or one per VM",
				   o->nr_disks, o->vms);
	if (o->nr_disks == 1 && o->vms > 1 && o->disks[0].mode != DISK_RO)
		return usage_error("run", "--disk %s: every VM would write it: give each VM its own --disk (or use ,ro)",
				   o->disks[0].path);
	if (disk_check_vms(o->disks, o->nr_disks) < 0)
		return usage_hint("run");
	if (!o->net_set)
		o->net = o->vms > 1 ? NET_LOCAL : NET_NONE;
	return -1;
}

static int parse_opts(int argc, char **argv, struct run_opts *o)
{
	static const struct option opts[] = {
		VM_OPTS_LONG,
		{ "mode",    required_argument, NULL, 'M' },
		{ "load",    required_argument, NULL, 'l' },
		{ "reg",     required_argument, NULL, 'r' },
		{ "vms",     required_argument, NULL, 'k' },
		{ "disk",    required_argument, NULL, 'D' },
		{ "net",     required_argument, NULL, 'n' },
		{ "stats",   optional_argument, NULL, 'S' },
		{ "stats-file", required_argument, NULL, 'F' },
		{ "help",    no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t v;
	size_t off;
	int opt, r;

	while ((opt = getopt_long(argc, argv, VM_OPTS_SHORT "M:l:r:k:D:n:S::h",
				  opts, NULL)) != -1) {
		r = vm_opt("run", opt, optarg, &o->vm);
		if (r != VM_OPT_OTHER) {
			if (r >= 0)
				return r;
			continue;
		}
		switch (opt) {
		case 'M':
			if (!strcmp(optarg, "real"))
				o->mode = BOOT_REAL;
			else if (!strcmp(optarg, "long"))
				o->mode = BOOT_LONG;
			else if (!strcmp(optarg, "auto"))
				o->mode = BOOT_AUTO;
			else
				return usage_error("run", "--mode: '%s' is not real, long or auto",
						   optarg);
			break;
		case 'l':
			if (parse_u64(optarg, &o->load) < 0)
				return usage_error("run", "--load: '%s' is not a number",
						   optarg);
			o->load_set = true;
			break;
		case 'r':
			if (boot_parse_reg(optarg, &off, &v) < 0)
				return usage_error("run", "--reg: '%s' is not NAME=VALUE with NAME rax..r15, rip or rflags",
						   optarg);
			if (o->nr_regs == MAX_REGS)
				return usage_error("run", "--reg: at most %d", MAX_REGS);
			o->regs[o->nr_regs++] = optarg;
			break;
		case 'k':
			if (parse_u64(optarg, &v) < 0 || !v || v > RUN_MAX_VMS)
				return usage_error("run", "--vms: '%s' is not 1 to %d",
						   optarg, RUN_MAX_VMS);
			o->vms = v;
			break;
		case 'D':
			if (o->nr_disks == RUN_MAX_VMS)
				return usage_error("run", "--disk: at most %d",
						   RUN_MAX_VMS);
			if (disk_parse(optarg, &o->disks[o->nr_disks]) < 0)
				return usage_error("run", "--disk: '%s' is not FILE, FILE,rw, FILE,ro or FILE,cow=OVERLAY",
						   optarg);
			o->nr_disks++;
			break;
		case 'n':
			if (parse_net(optarg, o) < 0)
				return usage_error("run", "--net: '%s' is not none, local or unix:PATH",
						   optarg);
			break;
		case 'S':
			if (!optarg || !strcmp(optarg, "table"))
				o->stats = RUN_STATS_TABLE;
			else if (!strcmp(optarg, "json"))
				o->stats = RUN_STATS_JSON;
			else
				return usage_error("run", "--stats: '%s' is not table or json",
						   optarg);
			break;
		case 'F':
			o->stats_file = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return KHVCTL_OK;
		default:
			return usage_hint("run");
		}
	}
	if (optind != argc - 1)
		return usage_error("run", "%s", optind < argc ?
				   "more than one IMAGE" : "missing IMAGE");
	o->image = argv[optind];
	return check_vms(o);
}

/* What auto means for this image; the default load address of the mode. */
static int resolve_mode(struct run_opts *o, struct image *img)
{
	if (o->mode == BOOT_AUTO)
		o->mode = img->is_elf ? BOOT_LONG : BOOT_REAL;
	if (img->is_elf && o->mode == BOOT_REAL) {
		khv_err("%s: an ELF image needs --mode long", img->path);
		return -1;
	}
	if (!o->load_set)
		o->load = o->mode == BOOT_REAL ? DEFAULT_LOAD_REAL :
						 DEFAULT_LOAD_LONG;
	return 0;
}

/* Put the image into memory, and long mode's tables above it. */
static int load_image(struct vm *vm, struct run_opts *o, struct image *img)
{
	uint64_t floor;

	if (img->is_elf) {
		if (image_load_elf(vm, img) < 0)
			return -1;
	} else if (image_load_flat(vm, img, o->load) < 0) {
		return -1;
	}
	if (o->mode == BOOT_REAL && img->entry >= REAL_MODE_LIMIT) {
		khv_err("%s: real mode cannot start at %#llx (above 1 MiB)",
			img->path, (unsigned long long)img->entry);
		return -1;
	}
	if (o->mode == BOOT_LONG) {
		floor = boot_area_base(vm) - vm->nr_vcpus * BOOT_STACK_SIZE;
		if (vm->mem_size <= BOOT_AREA_SIZE + vm->nr_vcpus * BOOT_STACK_SIZE ||
		    img->hi > floor) {
			khv_err("%s: image ends at %#llx, above the stacks and page tables from %#llx: use more --mem",
				img->path, (unsigned long long)img->hi,
				(unsigned long long)floor);
			return -1;
		}
		if (boot_build_long(vm) < 0)
			return -1;
	}
	return 0;
}

static int setup_vcpu(struct vm *vm, struct run_opts *o, uint64_t entry, int i)
{
	struct vcpu *vcpu = &vm->vcpus[i];
	int r;

	if (vcpu_create(vm, vcpu, i) < 0 || vcpu_set_cpuid(vcpu) < 0)
		return -1;
	if (o->mode == BOOT_LONG)
		r = boot_vcpu_long(vcpu, entry);
	else
		r = boot_vcpu_real(vcpu, entry);
	for (i = 0; !r && i < o->nr_regs; i++)
		r = boot_set_reg(vcpu, o->regs[i]);
	return r;
}

/*
 * Run VM number index of o->vms in this process, with its NIC on link
 * (NO_LINK: link down), which is closed on return. The exit status.
 */
int run_vm(struct run_opts *o, struct image *img, int index, struct link link)
{
	const struct disk_spec *disk = NULL;
	struct vm vm;
	int i, status = KHVCTL_ERROR;

	if (o->nr_disks)
		disk = &o->disks[o->nr_disks == 1 ? 0 : index];
	if (vm_create(&vm, o->vm.mem_mib << 20, o->vm.cpus) < 0)
		goto out;
	vm.index = index;
	vm.nr_vms = o->vms;
	if (load_image(&vm, o, img) < 0)
		goto out;
	for (i = 0; i < o->vm.cpus; i++)
		if (setup_vcpu(&vm, o, img->entry, i) < 0)
			goto out;
	status = stats_attach(&vm, o->stats);
	if (status)
		goto out;
	status = KHVCTL_ERROR;
	if (khvctl_verbose)
		khv_err("%s: %s, %s mode, entry %#llx, image %#llx-%#llx, %llu MiB, %d vCPU%s",
			khvctl_dev, o->image, o->mode == BOOT_LONG ? "long" : "real",
			(unsigned long long)img->entry, (unsigned long long)img->lo,
			(unsigned long long)img->hi, (unsigned long long)o->vm.mem_mib,
			o->vm.cpus, o->vm.cpus > 1 ? "s" : "");
	if (disk && disk_init(disk) < 0)
		goto out;
	if (o->net != NET_NONE) {
		nic_init(link);
		link = NO_LINK;
	}

	serial_init();
	debugexit_init();
	echo_init();
	term_init();
	signal(SIGPIPE, SIG_IGN);	/* a closed stdout is the serial's problem */
	status = run_vcpus(&vm, o->vm.timeout);
	term_restore();
	serial_flush();
	if (o->stats)
		stats_report(o->stats == RUN_STATS_JSON, o->stats_out);

	for (i = 0; khvctl_verbose && i < o->vm.cpus; i++) {
		vcpu_print_exits(&vm.vcpus[i]);
		if (status == KHVCTL_TIMEOUT || status == KHVCTL_SIGNAL)
			vcpu_dump(&vm.vcpus[i]);
	}
out:
	disk_exit();
	nic_exit();
	link_close(&link);
	vm_destroy(&vm);
	stats_detach();
	return status;
}

/* One VM runs here; its hub (for --net unix) in a thread of this process. */
static int run_one(struct run_opts *o, struct image *img)
{
	struct net n;
	int status = KHVCTL_ERROR;

	if (net_setup(o, &n) < 0)
		goto out;
	if (net_needs_hub(&n) && hub_start(&n, 1) < 0)
		goto out;
	status = run_vm(o, img, 0, n.vm[0]);
	n.vm[0] = NO_LINK;
out:
	hub_stop();
	net_cleanup(o, &n);
	return status;
}

static int run(struct run_opts *o)
{
	struct image img;
	int status = KHVCTL_ERROR;

	if (image_read(&img, o->image) < 0)
		return KHVCTL_ERROR;
	/* Before --vms forks: every VM appends to the one open file. */
	if (o->stats_file) {
		o->stats_out = open(o->stats_file, O_WRONLY | O_CREAT | O_TRUNC |
				    O_APPEND | O_CLOEXEC, 0644);
		if (o->stats_out < 0) {
			khv_err("--stats-file %s: %s", o->stats_file, strerror(errno));
			free(img.data);
			return KHVCTL_ERROR;
		}
		if (!o->stats)
			o->stats = RUN_STATS_TABLE;
	}
	if (resolve_mode(o, &img) == 0)
		status = o->vms > 1 ? vms_run(o, &img) : run_one(o, &img);
	free(img.data);
	return status;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = {
		.vm.cpus = 1,
		.vm.mem_mib = DEFAULT_MEM_MIB,
		.mode = BOOT_AUTO,
		.vms = 1,
		.stats_out = STDERR_FILENO,
	};
	int r = parse_opts(argc, argv, &o);

	if (r >= 0)
		return r;
	return run(&o);
}
