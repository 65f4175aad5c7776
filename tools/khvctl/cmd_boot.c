// SPDX-License-Identifier: GPL-2.0
/*
 * khvctl boot: run a Linux bzImage, or a multiboot kernel, with an optional
 * initrd (module) and command line on N vCPUs, with the in-kernel irqchip,
 * MP tables, COM1 on stdin/stdout and a reset that ends the run
 * (docs/linux-guest.md).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "khvctl.h"

#define DEFAULT_MEM_MIB		128
#define MAX_TSC_KHZ		100000000ULL	/* 100 GHz */

/* What --kernel is: a bzImage, or a multiboot kernel. */
struct kernel {
	struct image img;
	bool multiboot;
	struct bzimage bz;
	struct mboot mb;
};

struct boot_opts {
	const char *kernel;
	const char *initrd;
	const char *append;
	struct vm_opts vm;		/* --cpus, --mem, --timeout */
	uint32_t tsc_khz;
};

static void print_usage(FILE *f)
{
	fprintf(f,
"Usage: khvctl boot --kernel KERNEL [OPTIONS]\n"
"\n"
"Boot a Linux bzImage by the x86 boot protocol at its 64-bit entry point,\n"
"or a multiboot (version 1) kernel in 32-bit protected mode, with the\n"
"device's in-kernel interrupt controller (KVM_CREATE_IRQCHIP), MP tables\n"
"for the vCPUs and the guest's COM1 (ttyS0, IRQ 4) on khvctl's stdin and\n"
"stdout. There is no BIOS, ACPI, PIT, HPET or PCI: boot Linux with\n"
"acpi=off (see docs/linux-guest.md).\n"
"\n"
"Options:\n"
"  -K, --kernel FILE   a bzImage (boot protocol 2.12 or later, 64-bit), or\n"
"                      a multiboot kernel (flat with load addresses in its\n"
"                      header, or ELF32)\n"
"  -i, --initrd FILE   an initramfs (for multiboot: module 0), placed at\n"
"                      the top of memory\n"
"  -a, --append LINE   the kernel command line, e.g.\n"
"                      \"console=ttyS0 acpi=off\"\n"
"  -c, --cpus N        vCPUs, 1 to %d (default 1); vCPU 0 boots, the kernel\n"
"                      starts the others with INIT and SIPI\n"
"  -m, --mem MIB       guest memory in MiB, up to %llu (default %d)\n"
"  -t, --timeout SEC   end the run after SEC seconds (status 10)\n"
"  -T, --tsc-khz KHZ   the TSC frequency the guest is told in CPUID leaves\n"
"                      0x15/0x16 (default: KVM_GET_TSC_KHZ, else the host's\n"
"                      \"cpu MHz\" in /proc/cpuinfo)\n"
"  -d, --dev PATH      the device (default $KHVCTL_DEV, else %s)\n"
"  -v, --verbose       print the layout and, at the end, each vCPU's exits\n"
"  -h, --help          show this text\n"
"\n"
"Ports: 0x3f8 COM1, 0x70-0x71 CMOS clock (the host's time), 0xf4 debug\n"
"exit, 0x64 and 0xcf9 reset; the interrupt controllers are in the kernel;\n"
"other ports read as all ones.\n"
"\n"
"Exit status:\n"
"  0   the guest reset itself (reboot through port 0x64 or 0xcf9)\n"
"  odd the guest wrote V to port 0xf4: (V << 1) | 1\n"
"  2   usage error; 4 error (device, ioctl, image); 6 triple fault;\n"
"  8   an exit khvctl does not handle; 10 --timeout; 12 SIGINT/SIGTERM;\n"
"  14  the device has no in-kernel irqchip or CPUID support\n",
	VM_OPTS_MAX_CPUS, (unsigned long long)(VM_MAX_MEM >> 20),
	DEFAULT_MEM_MIB, KHVCTL_DEFAULT_DEV);
}

static int parse_opts(int argc, char **argv, struct boot_opts *o)
{
	static const struct option opts[] = {
		VM_OPTS_LONG,
		{ "kernel",  required_argument, NULL, 'K' },
		{ "initrd",  required_argument, NULL, 'i' },
		{ "append",  required_argument, NULL, 'a' },
		{ "tsc-khz", required_argument, NULL, 'T' },
		{ "help",    no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t v;
	int opt, r;

	while ((opt = getopt_long(argc, argv, VM_OPTS_SHORT "K:i:a:T:h", opts,
				  NULL)) != -1) {
		r = vm_opt("boot", opt, optarg, &o->vm);
		if (r != VM_OPT_OTHER) {
			if (r >= 0)
				return r;
			continue;
		}
		switch (opt) {
		case 'K':
			o->kernel = optarg;
			break;
		case 'i':
			o->initrd = optarg;
			break;
		case 'a':
			o->append = optarg;
			break;
		case 'T':
			if (parse_u64(optarg, &v) < 0 || !v || v > MAX_TSC_KHZ)
				return usage_error("boot", "--tsc-khz: '%s' is not 1 to %llu",
						   optarg, MAX_TSC_KHZ);
			o->tsc_khz = v;
			break;
		case 'h':
			print_usage(stdout);
			return KHVCTL_OK;
		default:
			return usage_hint("boot");
		}
	}
	if (optind != argc)
		return usage_error("boot", "unexpected argument '%s'", argv[optind]);
	if (!o->kernel)
		return usage_error("boot", "missing --kernel KERNEL");
	return -1;
}

/* The host's "cpu MHz" of its first CPU, in kHz; 0 if unknown. */
static uint32_t cpuinfo_khz(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	double mhz = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "cpu MHz : %lf", &mhz) == 1)
			break;
	fclose(f);
	return mhz > 0 && mhz * 1000 < MAX_TSC_KHZ ? (uint32_t)(mhz * 1000 + 0.5) : 0;
}

/* The guest's TSC runs at the host's rate (no TSC scaling is asked for). */
static uint32_t guest_tsc_khz(struct vm *vm, struct vcpu *v0)
{
	long khz;

	if (ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_GET_TSC_KHZ) > 0) {
		khz = ioctl(v0->fd, KVM_GET_TSC_KHZ, 0);
		if (khz > 0)
			return khz;
	}
	return cpuinfo_khz();
}

static int check_device(struct vm *vm)
{
	if (ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP) <= 0) {
		khv_err("%s: no in-kernel irqchip (KVM_CAP_IRQCHIP): a Linux guest needs its APIC",
			khvctl_dev);
		return KHVCTL_UNSUPPORTED;
	}
	if (!vm->cpuid) {
		khv_err("%s: no KVM_GET_SUPPORTED_CPUID (KVM_CAP_EXT_CPUID)",
			khvctl_dev);
		return KHVCTL_UNSUPPORTED;
	}
	return 0;
}

static int setup_vm(struct vm *vm, struct boot_opts *o, struct kernel *k,
		    struct image *initrd)
{
	const struct image *mod = o->initrd ? initrd : NULL;
	bool deadline;
	int i, r;

	r = check_device(vm);
	if (r)
		return r;
	if (SYS_IOCTL(vm->fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return KHVCTL_ERROR;
	if (k->multiboot ? multiboot_load(vm, &k->mb, mod, o->append) < 0 :
			   bzimage_load(vm, &k->bz, mod, o->append) < 0)
		return KHVCTL_ERROR;

	/* vCPU 0 first: the TSC rate may come from its fd. */
	if (vcpu_create(vm, &vm->vcpus[0], 0) < 0)
		return KHVCTL_ERROR;
	if (!o->tsc_khz)
		o->tsc_khz = guest_tsc_khz(vm, &vm->vcpus[0]);
	if (!o->tsc_khz)
		khv_warn("TSC frequency unknown (give --tsc-khz): the guest will look for a PIT");
	deadline = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION,
			 KVM_CAP_TSC_DEADLINE_TIMER) > 0;
	if (bzimage_cpuid(vm, o->tsc_khz, deadline) < 0) {
		khv_err("out of memory");
		return KHVCTL_ERROR;
	}
	if (mptable_write(vm, o->vm.cpus) < 0) {
		khv_err("no room for the MP table of %d vCPUs", o->vm.cpus);
		return KHVCTL_ERROR;
	}
	for (i = 0; i < o->vm.cpus; i++) {
		if (i && vcpu_create(vm, &vm->vcpus[i], i) < 0)
			return KHVCTL_ERROR;
		if (vcpu_set_cpuid(&vm->vcpus[i]) < 0)
			return KHVCTL_ERROR;
	}
	if (k->multiboot ? multiboot_vcpu(&vm->vcpus[0], &k->mb) < 0 :
			   bzimage_vcpu(&vm->vcpus[0]) < 0)
		return KHVCTL_ERROR;
	if (khvctl_verbose && k->multiboot)
		khv_err("%s: %s (multiboot, %s) at %#llx-%#llx, entry %#llx, module %#llx (%zu bytes), %llu MiB, %d vCPU%s, TSC %u kHz%s",
			khvctl_dev, o->kernel, k->mb.elf ? "ELF32" : "flat",
			(unsigned long long)k->mb.lo,
			(unsigned long long)k->mb.hi,
			(unsigned long long)k->mb.entry,
			(unsigned long long)k->mb.mod_addr,
			mod ? mod->size : 0, (unsigned long long)o->vm.mem_mib,
			o->vm.cpus, o->vm.cpus > 1 ? "s" : "", o->tsc_khz,
			deadline ? ", TSC deadline" : "");
	else if (khvctl_verbose)
		khv_err("%s: %s (protocol %u.%02u) at %#llx-%#llx, initrd %#llx (%zu bytes), %llu MiB, %d vCPU%s, TSC %u kHz%s",
			khvctl_dev, o->kernel, k->bz.version >> 8,
			k->bz.version & 0xff, (unsigned long long)k->bz.load,
			(unsigned long long)(k->bz.load + k->bz.init_size),
			(unsigned long long)k->bz.initrd_addr,
			mod ? mod->size : 0,
			(unsigned long long)o->vm.mem_mib, o->vm.cpus,
			o->vm.cpus > 1 ? "s" : "", o->tsc_khz,
			deadline ? ", TSC deadline" : "");
	return 0;
}

/* A bzImage, else a multiboot kernel; both checked against the layout. */
static int check_kernel(struct boot_opts *o, struct kernel *k,
			const struct image *mod)
{
	int r;

	if (bzimage_detect(&k->img))
		return bzimage_parse(&k->bz, &k->img) < 0 ||
		       bzimage_layout(&k->bz, o->vm.mem_mib << 20, mod, o->append) < 0 ?
		       -1 : 0;
	r = multiboot_parse(&k->mb, &k->img);
	if (!r)
		khv_err("%s: neither a Linux kernel image (no boot flag 0xaa55 and \"HdrS\" setup header) nor a multiboot kernel (no multiboot header in the first 8 KiB)",
			k->img.path);
	if (r <= 0)
		return -1;
	k->multiboot = true;
	return multiboot_layout(&k->mb, o->vm.mem_mib << 20, mod, o->append);
}

static int boot(struct boot_opts *o)
{
	struct image initrd = { 0 };
	struct kernel k = { 0 };
	struct vm vm;
	int i, status = KHVCTL_ERROR;

	/* Everything that can be refused is, before the device is opened. */
	if (image_read(&k.img, o->kernel) < 0)
		return KHVCTL_ERROR;
	if ((o->initrd && image_read(&initrd, o->initrd) < 0) ||
	    check_kernel(o, &k, o->initrd ? &initrd : NULL) < 0)
		goto out_images;

	if (vm_create(&vm, o->vm.mem_mib << 20, o->vm.cpus) < 0)
		goto out;
	status = setup_vm(&vm, o, &k, &initrd);
	if (status)
		goto out;
	/* As "run" does: "khvctl stats" reads them while the guest boots. */
	stats_attach(&vm, false);

	serial_use_irqchip(vm.fd);
	serial_init();
	debugexit_init();
	reset_init();
	rtc_init();
	term_init();
	signal(SIGPIPE, SIG_IGN);
	status = run_vcpus(&vm, o->vm.timeout);
	term_restore();
	serial_flush();
	for (i = 0; khvctl_verbose && i < o->vm.cpus; i++) {
		vcpu_print_exits(&vm.vcpus[i]);
		if (status == KHVCTL_TIMEOUT || status == KHVCTL_SIGNAL)
			vcpu_dump(&vm.vcpus[i]);
	}
out:
	vm_destroy(&vm);
	stats_detach();
out_images:
	free(k.img.data);
	free(initrd.data);
	return status;
}

int cmd_boot(int argc, char **argv)
{
	struct boot_opts o = {
		.append = "",
		.vm.cpus = 1,
		.vm.mem_mib = DEFAULT_MEM_MIB,
	};
	int r = parse_opts(argc, argv, &o);

	if (r >= 0)
		return r;
	return boot(&o);
}
