# SPDX-License-Identifier: GPL-2.0
#
# khv top-level build. "make" builds the module, khvctl, the guest programs and
# the selftests; "make test" runs everything in the Bochs test VM and ends with
# one line "N passed, N failed". See README.md.

KHV_CACHE ?= /var/cache/khv
export KHV_CACHE

TESTVM := $(CURDIR)/tools/testvm
KVMST := $(CURDIR)/tools/kvm-selftests

# DEBUG=1 selects the debug kernel config (KASAN, lockdep, kmemleak).
KVARIANT := $(if $(filter 1 y yes,$(DEBUG)),--debug,)

# Without KDIR the module is built for the project's own test kernel, which
# tools/testvm/kernel.sh builds once and caches under $(KHV_CACHE).
ifeq ($(origin KDIR),undefined)
KDIR := $(shell $(TESTVM)/kernel.sh $(KVARIANT) --print-dir)
KDIR_DEP := kernel
endif

# The unpacked 6.12 source: kselftest_harness.h and the uapi headers come from it.
KSRC ?= $(shell $(TESTVM)/kernel.sh --print-src)
export KSRC

CPUS ?= 2

.PHONY: all deps kernel src module tools selftests check test test-debug test-linux \
	qemu-cpio test-qemu-linux clean

all: module tools selftests

deps:
	$(TESTVM)/deps.sh

kernel: deps
	$(TESTVM)/kernel.sh $(KVARIANT)

src: deps
	$(TESTVM)/kernel.sh --src-only

module: $(KDIR_DEP)
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

tools: src
	$(MAKE) -C tools

selftests: src
	$(MAKE) -C selftests

# W=1 builds against the test kernel (6.12) and Debian's 6.1 headers; any
# compiler warning fails the target.
check: kernel
	$(TESTVM)/check-builds.sh

# The second --add: KVM's upstream selftests that pass on khv
# (tools/kvm-selftests/expected-pass), one counted case each in the plan.
# --cpio: Debian's QEMU and tools/qemu's guests, run on khv, and for QEMU's
# Linux guest the test kernel and tools/guests/linux's initramfs
# (docs/qemu.md).
test: all kvm-selftests-build qemu-cpio
	$(TESTVM)/run $(KVARIANT) --cpus $(CPUS) --add tools/guests/check.sh \
		--add "$$($(KVMST)/build.sh --bundle $(KVMST)/expected-pass)" \
		--cpio tools/qemu/qemu-full.cpio \
		--add $(LINUX_KDIR)/arch/x86/boot/bzImage \
		--add tools/guests/linux/initramfs.cpio

# The initramfs overlay with QEMU (tools/qemu/mkcpio.sh).
qemu-cpio: tools
	$(MAKE) -C tools/qemu qemu-full.cpio

test-debug:
	$(MAKE) test DEBUG=1

# The fast test kernel booted by "khvctl boot" with 1 and 2 vCPUs, on khv
# and on kvm_intel (docs/linux-guest.md): 4 to 6 minutes of wall time.
LINUX_KDIR = $(shell $(TESTVM)/kernel.sh --print-dir)
test-linux: all
	$(TESTVM)/run --cpus $(CPUS) --idle-timeout 1200 \
		--plan tools/guests/linux/plan.sh \
		--add $(LINUX_KDIR)/arch/x86/boot/bzImage \
		--add tools/guests/linux/initramfs.cpio \
		--add tools/guests/linux/check-linux.sh

# Debian's QEMU boots the test kernel on -machine pc with 1 and 2 vCPUs, on
# kvm_intel and on khv (docs/qemu.md).
test-qemu-linux: all qemu-cpio
	$(TESTVM)/run --cpus $(CPUS) --idle-timeout 2400 --timeout 7200 \
		--plan tools/qemu/plan-linux.sh --cpio tools/qemu/qemu-full.cpio \
		--add $(LINUX_KDIR)/arch/x86/boot/bzImage \
		--add tools/guests/linux/initramfs.cpio

# khv and kvm_intel side by side in one test-VM boot (docs/performance.md).
.PHONY: bench
bench: module src
	$(MAKE) -C tools/bench
	tools/bench/run.sh $(BENCH_ARGS)

# KVM's upstream selftests (Linux 6.1) on kvm_intel and khv side by side in
# one test-VM boot; writes docs/kvm-selftests.md. KVMST_ARGS: run.sh options.
.PHONY: kvm-selftests kvm-selftests-build
kvm-selftests-build: deps
	$(KVMST)/build.sh

kvm-selftests: module kvm-selftests-build
	$(KVMST)/run.sh --report $(CURDIR)/docs/kvm-selftests.md $(KVMST_ARGS)

# The Gantt charts of docs/scheduling.md and README.md, made in the test VM:
# docs/img/sched-{fcfs,sjf,priority}.{svg,md} and the README's tables.
.PHONY: sched-demo
sched-demo: all
	tools/khvctl/sched-demo-charts.sh --cpus $(CPUS)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean || true
	$(MAKE) -C tools clean
	$(MAKE) -C tools/bench clean
	$(MAKE) -C selftests clean
