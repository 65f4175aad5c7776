#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [DEV]: run every guest program with khvctl on DEV (default
# /dev/khv) and check each run's exit status and output. TAP 13 on stdout,
# so a test plan can run it with plan-lib's "selftest"; exit status 0 if all
# passed, 1 if any failed, 4 (skip) if DEV does not exist.
#
#   KHVCTL  the khvctl binary (default /khv/bin/khvctl)
#   GUESTS  the directory of the *.bin guests (default /khv/guests)
#
# In the test VM, against upstream KVM as a baseline:
#   modprobe kvm_intel && sh check.sh /dev/kvm

KHVCTL=${KHVCTL:-/khv/bin/khvctl}
G=${GUESTS:-/khv/guests}
DEV=${1:-/dev/khv}
OUT=/tmp/khvctl-check.out
ERR=/tmp/khvctl-check.err
n=0
failed=0

echo "TAP version 13"
if [ ! -e "$DEV" ]; then
	echo "1..0 # SKIP $DEV does not exist"
	exit 4
fi

# result NAME OK WHY
result()
{
	n=$((n + 1))
	if [ "$2" = 1 ]; then
		echo "ok $n $1"
	else
		failed=$((failed + 1))
		echo "not ok $n $1"
		echo "# $3"
		# A few lines only: the console is slow and the plan ends soon.
		head -n 4 "$OUT" | sed 's/^/#   stdout: /'
		head -n 4 "$ERR" | sed 's/^/#   stderr: /'
	fi
}

# lines NAME COUNT PATTERN: the last run printed COUNT lines matching PATTERN.
lines()
{
	c=$(grep -Ec "$3" "$OUT")
	if [ "$c" = "$2" ]; then
		result "$1" 1
	else
		result "$1" 0 "$c lines match /$3/, expected $2"
	fi
}

# expect NAME STATUS STDOUT-PATTERN STDERR-PATTERN -- KHVCTL-ARGS...
# Patterns are grep -E, "" matches anything. stdin is /dev/null.
expect()
{
	name=$1 want=$2 pout=$3 perr=$4
	shift 5
	"$KHVCTL" --dev "$DEV" "$@" </dev/null >"$OUT" 2>"$ERR"
	rc=$?
	if [ "$rc" != "$want" ]; then
		result "$name" 0 "exit status $rc, expected $want"
	elif [ -n "$pout" ] && ! grep -Eq "$pout" "$OUT"; then
		result "$name" 0 "stdout lacks /$pout/"
	elif [ -n "$perr" ] && ! grep -Eq "$perr" "$ERR"; then
		result "$name" 0 "stderr lacks /$perr/"
	else
		result "$name" 1
	fi
}

expect info 0 '^api version: 12$' '' -- info
expect stats-placeholder 14 '' 'not defined yet' -- stats
expect usage-missing-image 2 '' 'missing IMAGE' -- run
expect elf-needs-long-mode 4 '' 'needs --mode long' -- \
	run --mode real "$G/hello64-elf.bin"

expect hello16 0 '^Hello from real mode$' '' -- run "$G/hello16.bin"
expect exit42 85 '' '' -- run "$G/exit42.bin"
expect hello64 0 '^Hello from long mode: vCPU 0 of 1$' '' -- \
	run --mode long "$G/hello64.bin"
expect hello64-elf 0 '^Hello from long mode: vCPU 0 of 1$' '' -- \
	run "$G/hello64-elf.bin"
expect spin-1000 0 '^spin: vCPU 0 n=1000 sum=500500$' '' -- \
	run --mode long --reg rcx=1000 "$G/spin.bin"
expect spin-default 0 '^spin: vCPU 0 n=100000 sum=5000050000$' '' -- \
	run --mode long "$G/spin.bin"
expect torture 0 '^torture: 13 checks passed$' '' -- \
	run --mode long "$G/torture.bin"
expect torture-exits 0 '' 'vcpu 0: [0-9]+ exits: IO [0-9]+ HLT (1[7-9]|[2-9][0-9])' -- \
	-v run --mode long "$G/torture.bin"
expect triple-fault 6 '' 'KVM_EXIT_SHUTDOWN' -- run --mode long "$G/triple.bin"
expect mmio-unhandled 8 '' 'KVM_EXIT_MMIO: write of 4 bytes at d0000000, data 12345678' -- \
	run --mode long "$G/mmio.bin"
expect timeout 10 '' 'timeout 2 s expired' -- run --timeout 2 "$G/forever.bin"

# Two vCPUs: both must print (each under the guest's console lock).
expect hello64-2cpus 0 '' '' -- run --mode long --cpus 2 "$G/hello64.bin"
lines hello64-2cpus-lines 2 '^Hello from long mode: vCPU [01] of 2$'
expect spin-2cpus 0 '' '' -- \
	run --mode long --cpus 2 --reg rcx=20000 "$G/spin.bin"
lines spin-2cpus-lines 2 '^spin: vCPU [01] n=20000 sum=200010000$'
expect timeout-2cpus 10 '' 'timeout 2 s expired' -- \
	run --cpus 2 --timeout 2 "$G/forever.bin"

# Serial input: stdin reaches the guest through RBR/LSR.DR.
echo hello | "$KHVCTL" --dev "$DEV" run --timeout 20 "$G/upcase.bin" \
	>"$OUT" 2>"$ERR"
rc=$?
if [ "$rc" = 0 ] && grep -q '^HELLO$' "$OUT"; then
	result serial-input 1
else
	result serial-input 0 "exit status $rc, or no HELLO"
fi

# SIGTERM stops a running guest with status 12.
"$KHVCTL" --dev "$DEV" run --timeout 60 "$G/forever.bin" </dev/null \
	>"$OUT" 2>"$ERR" &
pid=$!
sleep 2
kill -TERM $pid
wait $pid
rc=$?
if [ "$rc" = 12 ]; then
	result sigterm 1
else
	result sigterm 0 "exit status $rc, expected 12"
fi

echo "1..$n"
[ "$failed" = 0 ]
