#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check.sh LABEL: run Debian's QEMU with -accel kvm,kernel-irqchip=off on
# whatever /dev/kvm is (khv loaded with kvm_alias=1, or kvm_intel) and check
# each run's exit status and serial output; the *_irqchip cases run with
# plain -accel kvm, QEMU's default: on pc the in-kernel PIC, IOAPIC, local
# APIC and PIT (KVM_CREATE_IRQCHIP, KVM_CREATE_PIT2), on microvm the split
# irqchip (KVM_CAP_SPLIT_IRQCHIP: only the local APICs). LABEL (khv, kvm) names the cases
# and the device in the report. TAP 13 on stdout for plan-lib's "selftest";
# exit 0 if all passed, 1 if any failed, 4 (skip) without /dev/kvm or QEMU.
#
# Cases: the firmware images of guests/ (rom.h) on -machine microvm and, if
# the full binary is there, -machine pc with isa-debug-exit; 2 vCPUs; QEMU
# ended by SIGTERM and SIGKILL while its vCPU runs and while it starts, after
# which nothing may hold the device's module (lsmod's use count back to 0).
# Every run is timed ("# time LABEL CASE SECONDS", /proc/uptime, 10 ms; also
# appended to /tmp/qemu-times.LABEL for times.sh) and traced with kvmtrace.so; a failed case shows QEMU's stderr, the serial
# output and the failed ioctls and last lines of its trace.
#
#   QEMU_DIR   binaries (default /usr/bin)
#   QDIR       guests and kvmtrace.so (default /khv/qemu)
#   CASES      run only cases whose name matches this grep -E pattern

LABEL=${1:-kvm}
QEMU_DIR=${QEMU_DIR:-/usr/bin}
QDIR=${QDIR:-/khv/qemu}
G=$QDIR/guests
MICROVM=$QEMU_DIR/qemu-system-x86_64-microvm
FULL=$QEMU_DIR/qemu-system-x86_64
T=/tmp/qemu-check.$LABEL
ACCEL=kvm,kernel-irqchip=off
TIMEOUT=${QEMU_TIMEOUT:-180}
n=0
failed=0

echo "TAP version 13"
if [ ! -c /dev/kvm ] || [ ! -x "$MICROVM" ]; then
	echo "1..0 # SKIP no /dev/kvm or no $MICROVM"
	exit 4
fi
mkdir -p "$T"
# The module behind /dev/kvm: its use count must return to 0.
case $LABEL in
khv) MOD=khv ;;
*) MOD=kvm_intel ;;
esac

now() { cut -d' ' -f1 /proc/uptime; }
elapsed() { echo "$1 $(now)" | awk '{ printf "%.2f", $2 - $1 }'; }

result()
{
	n=$((n + 1))
	if [ "$2" = 1 ]; then
		echo "ok $n $LABEL.$1"
	else
		failed=$((failed + 1))
		echo "not ok $n $LABEL.$1"
		echo "# $3"
		show "$1"
	fi
}

skip()
{
	n=$((n + 1))
	echo "ok $n $LABEL.$1 # SKIP $2"
}

# What a failed case leaves to read: QEMU's words, the guest's, the device's.
show()
{
	head -n 6 "$T/$1.err" 2>/dev/null | sed 's/^/#   stderr: /'
	head -n 6 "$T/$1.out" 2>/dev/null | sed 's/^/#   serial: /'
	if [ -s "$T/$1.trace" ]; then
		grep ' = -1 ' "$T/$1.trace" | head -n 8 | sed 's/^/#   failed: /'
		tail -n 6 "$T/$1.trace" | sed 's/^/#   trace: /'
	fi
}

# qemu CASE BINARY ARGS...: run QEMU on the case's files, set $rc and $secs.
qemu()
{
	c=$1 bin=$2
	shift 2
	rm -f "$T/$c.out" "$T/$c.err" "$T/$c.trace"
	t0=$(now)
	KVMTRACE=$T/$c.trace LD_PRELOAD=$QDIR/kvmtrace.so \
		timeout -s KILL "$TIMEOUT" "$bin" -accel "$ACCEL" \
		-nodefaults -nographic -no-reboot -m 16 \
		-serial "file:$T/$c.out" "$@" </dev/null >"$T/$c.err" 2>&1
	rc=$?
	secs=$(elapsed "$t0")
	echo "# time $LABEL $c $secs"
	echo "$c $secs" >>"/tmp/qemu-times.$LABEL"
}

# expect CASE STATUS PATTERN BINARY ARGS...
expect()
{
	c=$1 want=$2 pat=$3
	shift 3
	qemu "$c" "$@"
	if [ "$rc" != "$want" ]; then
		result "$c" 0 "exit status $rc, expected $want (${secs}s)"
	elif ! grep -Eq "$pat" "$T/$c.out"; then
		result "$c" 0 "serial output lacks /$pat/"
	else
		result "$c" 1
	fi
}

# The module's use count, 0 when no fd is open on it.
mod_users()
{
	awk -v m="$MOD" '$1 == m { print $3 }' /proc/modules
}

# Nothing holds the module once QEMU is gone (fds close asynchronously).
released()
{
	i=0
	while [ "$(mod_users)" != 0 ] && [ $i -lt 50 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	[ "$(mod_users)" = 0 ]
}

# signal CASE SIG WAIT-FOR-OUTPUT BINARY ARGS...: start QEMU on qspin, send
# SIG once the guest printed (or after 1 s when WAIT-FOR-OUTPUT is 0).
signal()
{
	c=$1 sig=$2 waitout=$3 bin=$4
	shift 4
	rm -f "$T/$c.out" "$T/$c.err" "$T/$c.trace"
	KVMTRACE=$T/$c.trace LD_PRELOAD=$QDIR/kvmtrace.so \
		"$bin" -accel kvm,kernel-irqchip=off -nodefaults -nographic \
		-no-reboot -m 16 -serial "file:$T/$c.out" -bios "$G/qspin.bin" "$@" \
		</dev/null >"$T/$c.err" 2>&1 &
	pid=$!
	i=0
	if [ "$waitout" = 1 ]; then
		while ! grep -q spinning "$T/$c.out" 2>/dev/null &&
		      kill -0 "$pid" 2>/dev/null && [ $i -lt 600 ]; do
			sleep 0.2
			i=$((i + 1))
		done
	else
		sleep 1
	fi
	alive=0
	kill -0 "$pid" 2>/dev/null && alive=1
	kill -"$sig" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	if [ $alive = 0 ]; then
		result "$c" 0 "QEMU ended by itself before the signal (status $rc)"
	elif [ "$waitout" = 1 ] && ! grep -q spinning "$T/$c.out"; then
		result "$c" 0 "the guest never printed (QEMU status $rc)"
	elif [ "$sig" = TERM ] && [ "$rc" != 0 ]; then
		result "$c" 0 "QEMU exit status $rc after SIGTERM, expected 0"
	elif ! released; then
		result "$c" 0 "$MOD still in use ($(mod_users)) after QEMU ended"
	else
		result "$c" 1
	fi
}

want() { [ -z "${CASES:-}" ] || echo "$1" | grep -Eq "$CASES"; }

# mv CASE STATUS PATTERN QEMU-ARGS...: on microvm, which has no
# isa-debug-exit: the guests end with a triple fault (status 0).
mv()
{
	c=$1 st=$2 pat=$3
	shift 3
	want "$c" || return 0
	expect "$c" "$st" "$pat" "$MICROVM" -machine microvm "$@"
}

# pc CASE STATUS PATTERN QEMU-ARGS...: isa-debug-exit ends QEMU with
# (0x2a << 1) | 1 = 85.
pc()
{
	c=$1 st=$2 pat=$3
	shift 3
	want "$c" || return 0
	if [ -x "$FULL" ]; then
		expect "$c" "$st" "$pat" "$FULL" -machine pc \
			-device isa-debug-exit,iobase=0xf4,iosize=4 "$@"
	else
		skip "$c" "no $FULL in this VM"
	fi
}

echo "# QEMU on /dev/kvm ($LABEL): $("$MICROVM" --version | head -n 1)"
mv microvm_hello 0 'Hello from a QEMU ROM' -bios "$G/qhello.bin"
mv microvm_long 0 'long mode, EFER.LMA=1' -bios "$G/qlong.bin"
mv microvm_pit 0 'ticks=0000000a' -bios "$G/qpit.bin"
mv microvm_smp2 0 'AP up, count=00000001' -smp 2 -bios "$G/qsmp.bin"
pc pc_debug_exit 85 'Hello from a QEMU ROM' -bios "$G/qhello.bin"
pc pc_long 85 'long mode, EFER.LMA=1' -bios "$G/qlong.bin"
pc pc_pit 85 'ticks=0000000a' -bios "$G/qpit.bin"
pc pc_smp2 85 'AP up, count=00000001' -smp 2 -bios "$G/qsmp.bin"
# QEMU's default: the interrupt controllers and the PIT in the kernel.
ACCEL=kvm
pc pc_hello_irqchip 85 'Hello from a QEMU ROM' -bios "$G/qhello.bin"
# discard: with QEMU's default lost-tick policy kvm_intel runs its PIT in
# reinject mode and qpit never saw a tick there (docs/qemu.md); khv has no
# reinject mode, so the case asks both for discard (KVM_REINJECT_CONTROL).
pc pc_pit_irqchip 85 'ticks=0000000a' -bios "$G/qpit.bin" \
	-global kvm-pit.lost_tick_policy=discard
pc pc_smp2_irqchip 85 'AP up, count=00000001' -smp 2 -bios "$G/qsmp.bin"
# microvm's default is the split irqchip (KVM_CAP_SPLIT_IRQCHIP): the local
# APICs in the kernel, QEMU's own 8259s, IOAPIC and PIT.
mv microvm_hello_irqchip 0 'Hello from a QEMU ROM' -bios "$G/qhello.bin"
mv microvm_long_irqchip 0 'long mode, EFER.LMA=1' -bios "$G/qlong.bin"
mv microvm_pit_irqchip 0 'ticks=0000000a' -bios "$G/qpit.bin"
mv microvm_smp2_irqchip 0 'AP up, count=00000001' -smp 2 -bios "$G/qsmp.bin"
ACCEL=kvm,kernel-irqchip=off
want sigterm_running && signal sigterm_running TERM 1 "$MICROVM" -machine microvm
want sigkill_running && signal sigkill_running KILL 1 "$MICROVM" -machine microvm
want sigkill_smp2 && signal sigkill_smp2 KILL 1 "$MICROVM" -machine microvm -smp 2
want sigkill_starting && signal sigkill_starting KILL 0 "$MICROVM" -machine microvm

echo "1..$n"
[ $failed = 0 ]
