// SPDX-License-Identifier: GPL-2.0
/*
 * khvctl run: create a VM, load an image, start it in real or long mode
 * and run it to completion with COM1 on stdin/stdout.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khvctl.h"

#define DEFAULT_MEM_MIB		16
#define DEFAULT_LOAD_REAL	0x7c00
#define DEFAULT_LOAD_LONG	0x100000
#define MAX_CPUS		64
#define MAX_REGS		16
#define REAL_MODE_LIMIT		0x100000	/* what CS:IP can reach */

struct run_opts {
	int cpus;
	uint64_t mem_mib;
	enum boot_mode mode;
	uint64_t load;
	bool load_set;
	unsigned int timeout;
	const char *regs[MAX_REGS];
	int nr_regs;
	const char *image;
};

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
"  -d, --dev PATH      the device (default $KHVCTL_DEV, else %s)\n"
"  -v, --verbose       print the setup and, at the end, each vCPU's exits\n"
"                      by reason; -vv also traces every port access\n"
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
"        vCPUs; other registers 0. CPUID is what the device supports\n"
"        (KVM_GET_SUPPORTED_CPUID), with the vCPU index as APIC ID.\n"
"\n"
"Devices (port I/O):\n"
"  0x3f8-0x3ff  COM1, an 8250/16550 UART for polling drivers (no IRQs)\n"
"  0xf4         debug exit: OUT of V ends the run with status (V << 1) | 1\n"
"  0x500-0x503  echo: IN reads back what OUT wrote (a test device)\n"
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
"  12  SIGINT or SIGTERM\n",
	MAX_CPUS, (unsigned long long)(VM_MAX_MEM >> 20), DEFAULT_MEM_MIB,
	DEFAULT_LOAD_REAL, DEFAULT_LOAD_LONG, MAX_REGS, KHVCTL_DEFAULT_DEV);
}

static int parse_opts(int argc, char **argv, struct run_opts *o)
{
	static const struct option opts[] = {
		{ "cpus",    required_argument, NULL, 'c' },
		{ "mem",     required_argument, NULL, 'm' },
		{ "mode",    required_argument, NULL, 'M' },
		{ "load",    required_argument, NULL, 'l' },
		{ "reg",     required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "dev",     required_argument, NULL, 'd' },
		{ "verbose", no_argument,       NULL, 'v' },
		{ "help",    no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t v;
	size_t off;
	int opt;

	while ((opt = getopt_long(argc, argv, "c:m:M:l:r:t:d:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (parse_u64(optarg, &v) < 0 || !v || v > MAX_CPUS)
				return usage_error("run", "--cpus: '%s' is not 1 to %d",
						   optarg, MAX_CPUS);
			o->cpus = v;
			break;
		case 'm':
			if (parse_u64(optarg, &v) < 0 || !v || v > VM_MAX_MEM >> 20)
				return usage_error("run", "--mem: '%s' is not 1 to %llu (MiB)",
						   optarg,
						   (unsigned long long)(VM_MAX_MEM >> 20));
			o->mem_mib = v;
			break;
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
		case 't':
			if (parse_u64(optarg, &v) < 0 || !v || v > 86400)
				return usage_error("run", "--timeout: '%s' is not 1 to 86400 (seconds)",
						   optarg);
			o->timeout = v;
			break;
		case 'd':
			khvctl_dev = optarg;
			break;
		case 'v':
			khvctl_verbose++;
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
	return -1;
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

static int run(struct run_opts *o)
{
	struct image img;
	struct vm vm;
	int i, status = KHVCTL_ERROR;

	if (image_read(&img, o->image) < 0)
		return KHVCTL_ERROR;
	if (resolve_mode(o, &img) < 0) {
		free(img.data);
		return KHVCTL_ERROR;
	}
	if (vm_create(&vm, o->mem_mib << 20, o->cpus) < 0 ||
	    load_image(&vm, o, &img) < 0)
		goto out;
	for (i = 0; i < o->cpus; i++)
		if (setup_vcpu(&vm, o, img.entry, i) < 0)
			goto out;
	if (khvctl_verbose)
		khv_err("%s: %s, %s mode, entry %#llx, image %#llx-%#llx, %llu MiB, %d vCPU%s",
			khvctl_dev, o->image, o->mode == BOOT_LONG ? "long" : "real",
			(unsigned long long)img.entry, (unsigned long long)img.lo,
			(unsigned long long)img.hi, (unsigned long long)o->mem_mib,
			o->cpus, o->cpus > 1 ? "s" : "");

	serial_init();
	debugexit_init();
	echo_init();
	term_init();
	signal(SIGPIPE, SIG_IGN);	/* a closed stdout is the serial's problem */
	status = run_vcpus(&vm, o->timeout);
	term_restore();

	for (i = 0; khvctl_verbose && i < o->cpus; i++) {
		vcpu_print_exits(&vm.vcpus[i]);
		if (status == KHVCTL_TIMEOUT || status == KHVCTL_SIGNAL)
			vcpu_dump(&vm.vcpus[i]);
	}
out:
	vm_destroy(&vm);
	free(img.data);
	return status;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = {
		.cpus = 1,
		.mem_mib = DEFAULT_MEM_MIB,
		.mode = BOOT_AUTO,
	};
	int r = parse_opts(argc, argv, &o);

	if (r >= 0)
		return r;
	return run(&o);
}
