#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check-linux.sh LABEL: QEMU boots the test kernel (-kernel/-initrd, the
# initramfs of tools/guests/linux whose /init prints "khv-linux: init
# started, uptime U s" and "N CPUs online", then reboots) on whatever
# /dev/kvm is, with -accel kvm,kernel-irqchip=off and (the *_irqchip cases)
# QEMU's default in-kernel irqchip and PIT, on -machine pc (SeaBIOS,
# linuxboot_dma.bin). It must end with status 0 (the reboot, -no-reboot) and
# print /init's lines. 2 vCPUs with kernel-irqchip=off only with
# LINUX_SMP2=1: QEMU 7.2 with its own APIC hung there on kvm_intel as on khv
# (docs/qemu.md). Not microvm: there the kernel stopped after "Unable to
# read current time from RTC" on kvm_intel too. TAP 13 for plan-lib's "selftest"; "# time LABEL CASE S init=U"
# gives the test VM's seconds for the whole QEMU run and the guest's uptime
# at /init (also appended to /tmp/qemu-times.LABEL, as S/U, for times.sh). Exit 0 if all passed, 1 if any failed, 4 (skip) if something
# is missing.
#
#   LINUX_KERNEL  the bzImage (default /khv/extra/bzImage)
#   LINUX_INITRD  the initramfs (default /khv/extra/initramfs.cpio)
#   QEMU_DIR, QDIR, CASES as for check.sh

LABEL=${1:-kvm}
QEMU_DIR=${QEMU_DIR:-/usr/bin}
QDIR=${QDIR:-/khv/qemu}
K=${LINUX_KERNEL:-/khv/extra/bzImage}
I=${LINUX_INITRD:-/khv/extra/initramfs.cpio}
FULL=$QEMU_DIR/qemu-system-x86_64
T=/tmp/qemu-linux.$LABEL
ACCEL=kvm,kernel-irqchip=off
TIMEOUT=${QEMU_TIMEOUT:-900}
# reboot=t: the reboot is a triple fault, which -no-reboot turns into exit
# status 0 on every machine; panic=-1 reboots at once on a panic (no
# "init started" line then: a failure).
APPEND="console=ttyS0 quiet reboot=t panic=-1"
n=0
failed=0

echo "TAP version 13"
for f in /dev/kvm "$FULL" "$K" "$I"; do
	if [ ! -e "$f" ]; then
		echo "1..0 # SKIP $f does not exist"
		exit 4
	fi
done
mkdir -p "$T"

now() { cut -d' ' -f1 /proc/uptime; }

# The guest's log in TAP comments, the words the test VM's log analysis
# looks for defused (they are the guest's, not the test VM's).
quote()
{
	sed -e 's/BUG:/BUG-/g; s/WARNING:/WARNING-/g; s/Oops/Oop-s/g' \
	    -e 's/[Pp]anic/pan-ic/g; s/stall/sta-ll/g' -e "s/^/#   $1: /"
}

result()
{
	n=$((n + 1))
	if [ "$2" = 1 ]; then
		echo "ok $n $LABEL.$1"
	else
		failed=$((failed + 1))
		echo "not ok $n $LABEL.$1"
		echo "# $3"
		tail -n 8 "$T/$1.err" | quote stderr
		tail -n 15 "$T/$1.out" | quote serial
		grep ' = -1 ' "$T/$1.trace" 2>/dev/null | head -n 8 | quote failed
		tail -n 6 "$T/$1.trace" 2>/dev/null | quote trace
	fi
}

# boot CASE CPUS BINARY ARGS...
boot()
{
	c=$1 cpus=$2 bin=$3
	shift 3
	[ -z "${CASES:-}" ] || echo "$c" | grep -Eq "$CASES" || return 0
	rm -f "$T/$c.out" "$T/$c.err" "$T/$c.trace"
	t0=$(now)
	KVMTRACE=$T/$c.trace KVMTRACE_RUN=0 LD_PRELOAD=$QDIR/kvmtrace.so \
		timeout -s KILL "$TIMEOUT" "$bin" -accel "$ACCEL" \
		-nodefaults -nographic -no-reboot -m 64 -smp "$cpus" \
		-serial "file:$T/$c.out" -kernel "$K" -initrd "$I" \
		-append "$APPEND" "$@" </dev/null >"$T/$c.err" 2>&1
	rc=$?
	secs=$(echo "$t0 $(now)" | awk '{ printf "%.1f", $2 - $1 }')
	up=$(sed -n 's/.*khv-linux: init started, uptime \([0-9.]*\) s.*/\1/p' "$T/$c.out")
	echo "# time $LABEL $c $secs init=${up:-none}"
	echo "$c $secs/${up:-none}" >>"/tmp/qemu-times.$LABEL"
	if [ "$rc" != 0 ]; then
		result "$c" 0 "exit status $rc, expected 0 (${secs}s)"
	elif [ -z "$up" ]; then
		result "$c" 0 "no 'init started' line"
	elif ! grep -q "khv-linux: $cpus CPUs online" "$T/$c.out"; then
		result "$c" 0 "not $cpus CPUs online"
	else
		result "$c" 1
	fi
}

boot pc_linux 1 "$FULL" -machine pc
if [ -n "${LINUX_SMP2:-}" ]; then
	boot pc_linux_smp2 2 "$FULL" -machine pc
else
	n=$((n + 1))
	echo "ok $n $LABEL.pc_linux_smp2 # SKIP hangs on kvm_intel too (LINUX_SMP2=1 runs it)"
fi

# QEMU's default -accel kvm: PIC, IOAPIC, local APIC and PIT in the kernel.
# There 2 vCPUs boot, on kvm_intel and on khv.
ACCEL=kvm
boot pc_linux_irqchip 1 "$FULL" -machine pc
boot pc_linux_smp2_irqchip 2 "$FULL" -machine pc

echo "1..$n"
[ $failed = 0 ]
