#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check-linux.sh [DEV]: boot the test kernel with "khvctl boot" on DEV
# (default /dev/khv) with 1 and 2 vCPUs and check that its /init ran and saw
# every CPU. TAP 13 on stdout, for plan-lib's "selftest"; exit status 0 if
# all passed, 1 if any failed, 4 (skip) if DEV or the kernel is missing. A
# device without irqchip or CPUID support (khvctl status 14) skips a case.
# Each case also reports, as a TAP comment, the test VM's seconds from the
# start of khvctl to its end and the guest's uptime when /init started.
#
#   KHVCTL        the khvctl binary (default /khv/bin/khvctl)
#   LINUX_KERNEL  the bzImage (default /khv/extra/bzImage)
#   LINUX_INITRD  the initramfs of tools/guests/linux (default
#                 /khv/extra/initramfs.cpio)
#   LINUX_APPEND  extra kernel options (default "quiet")
#   LINUX_SHOW    if set, the guest's console output of every case is
#                 shown as TAP comments, not only of failed ones
#
# "make test-linux" runs it on khv and on kvm_intel (docs/linux-guest.md).

KHVCTL=${KHVCTL:-/khv/bin/khvctl}
K=${LINUX_KERNEL:-/khv/extra/bzImage}
I=${LINUX_INITRD:-/khv/extra/initramfs.cpio}
A=${LINUX_APPEND-quiet}
DEV=${1:-/dev/khv}
OUT=/tmp/khvctl-linux.out
ERR=/tmp/khvctl-linux.err
n=0
failed=0

echo "TAP version 13"
for f in "$DEV" "$K" "$I"; do
	if [ ! -e "$f" ]; then
		echo "1..0 # SKIP $f does not exist"
		exit 4
	fi
done

uptime_s() { cut -d' ' -f1 /proc/uptime; }

# The guest's log quoted in a TAP comment; the kernel-report words that the
# test VM's log analysis looks for are defused (they are the guest's).
quote()
{
	sed -e 's/BUG:/BUG-/g; s/WARNING:/WARNING-/g; s/Oops/Oop-s/g' \
	    -e 's/[Pp]anic/pan-ic/g; s/stall/sta-ll/g' \
	    -e "s/^/#   $1: /"
}

# boot NAME CPUS: boot, expect status 0 (the guest rebooted) and /init's
# line "khv-linux: CPUS CPUs online".
boot()
{
	name=$1 cpus=$2
	t0=$(uptime_s)
	"$KHVCTL" --dev "$DEV" -v boot --kernel "$K" --initrd "$I" \
		--append "console=ttyS0 acpi=off $A" --cpus "$cpus" --mem 64 \
		--timeout 900 </dev/null >"$OUT" 2>"$ERR"
	rc=$?
	t1=$(uptime_s)
	n=$((n + 1))
	# 14: the device lacks the in-kernel irqchip or CPUID (khvctl says which).
	if [ "$rc" = 14 ]; then
		echo "ok $n $name # SKIP $(head -n 1 "$ERR")"
		return
	fi
	up=$(sed -n 's/^khv-linux: init started, uptime \([0-9.]*\) s.*/\1/p' "$OUT")
	if [ "$rc" = 0 ] && grep -q "^khv-linux: $cpus CPUs online" "$OUT"; then
		echo "ok $n $name"
	else
		failed=$((failed + 1))
		echo "not ok $n $name"
		echo "# exit status $rc, expected 0 and \"$cpus CPUs online\""
		tail -n 20 "$OUT" | quote stdout
		tail -n 10 "$ERR" | quote stderr
	fi
	[ -n "$LINUX_SHOW" ] && quote guest <"$OUT"
	echo "# $name: $(echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}') s in the test VM, guest uptime at /init ${up:-?} s, $(grep -c 'exits:' "$ERR") vCPU(s) reported exits"
	grep 'exits:' "$ERR" | sed 's/^khvctl: /#   /'
}

boot linux-1cpu 1
boot linux-2cpus 2

echo "1..$n"
[ "$failed" = 0 ]
