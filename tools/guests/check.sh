#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [DEV]: run every guest program with khvctl on DEV (default
# /dev/khv) and check each run's exit status and output: the devices, the
# disk in its three modes (files in /tmp/khvctl-disk), several VMs at once
# and their network. TAP 13 on stdout, so a test plan can run it with
# plan-lib's "selftest"; exit status 0 if all passed, 1 if any failed, 4
# (skip) if DEV does not exist. A case the kernel cannot run (no file
# locks, no unix sockets) is reported "ok N NAME # SKIP WHY".
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

# skip NAME WHY: a case this kernel cannot run.
skip()
{
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
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

# A guest run in the background for other commands to look at runs until
# the case kills it; the timeout only bounds a khvctl that ignores the kill
# (the debug kernel is some 10 times slower than the fast one).
BG_TIMEOUT=3600
READY=/tmp/khvctl-check.ready

# wait_for SECONDS CMD...: run CMD until it succeeds, for at most SECONDS.
wait_for()
{
	end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		usleep 100000
	done
}

# running N [STATS-ARGS...]: "khvctl stats --json STATS-ARGS" shows N VMs
# and every vCPU of them has made an exit, so every vCPU thread has run
# its guest; khvctl installs its SIGINT and SIGTERM handlers before it
# starts them.
running()
{
	want=$1
	shift
	"$KHVCTL" --dev "$DEV" stats --json "$@" </dev/null >"$READY" 2>/dev/null ||
		return 1
	vcpus=$(grep -o '{"vcpu":' "$READY" | wc -l)
	[ "$(wc -l <"$READY")" = "$want" ] && [ "$vcpus" -ge "$want" ] &&
		[ "$(grep -o '"exits":[1-9]' "$READY" | wc -l)" = "$vcpus" ]
}

expect info 0 '^api version: 12$' '' -- info
expect stats-none 0 '' 'no process holds VM statistics files' -- stats
expect stats-pid-none 4 '' 'holds no statistics files' -- stats --pid 1
expect stats-bad-format 2 '' "stats: 'xml' is not table or json" -- \
	run --stats=xml "$G/hello16.bin"
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
"$KHVCTL" --dev "$DEV" run --timeout $BG_TIMEOUT "$G/forever.bin" </dev/null \
	>"$OUT" 2>"$ERR" &
pid=$!
wait_for 600 running 1 --pid $pid
ready=$?
kill -TERM $pid
wait $pid
rc=$?
if [ "$ready" != 0 ]; then
	result sigterm 0 "the guest did not run within 600 s (khvctl stats)"
elif [ "$rc" = 12 ]; then
	result sigterm 1
else
	result sigterm 0 "exit status $rc, expected 12"
fi

# SIGTERM to the parent of several VMs stops them all: status 12. The VMs
# are processes of their own: "khvctl stats" finds them by scanning.
"$KHVCTL" --dev "$DEV" run --vms 2 --timeout $BG_TIMEOUT "$G/forever.bin" \
	</dev/null >"$OUT" 2>"$ERR" &
pid=$!
wait_for 600 running 2
ready=$?
kill -TERM $pid
wait $pid
rc=$?
if [ "$ready" != 0 ]; then
	result vms-sigterm 0 "the two guests did not run within 600 s (khvctl stats)"
elif [ "$rc" = 12 ] && [ "$(grep -c 'exit status 12' "$ERR")" = 2 ]; then
	result vms-sigterm 1
else
	result vms-sigterm 0 "exit status $rc, expected 12 from both VMs"
fi

# caught PID: PID has a handler for SIGTERM (/proc/PID/status SigCgt).
caught()
{
	m=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
	[ -n "$m" ] && [ $((0x$m & 0x4000)) != 0 ]
}
# The same as soon as the parent forwards it, while the VMs may still be
# being set up: each VM catches it from its fork on and still ends with 12.
"$KHVCTL" --dev "$DEV" run --vms 2 --timeout $BG_TIMEOUT "$G/forever.bin" \
	</dev/null >"$OUT" 2>"$ERR" &
pid=$!
wait_for 600 caught $pid
ready=$?
kill -TERM $pid
wait $pid
rc=$?
if [ "$ready" != 0 ]; then
	result vms-sigterm-setup 0 "khvctl did not catch SIGTERM within 600 s"
elif [ "$rc" = 12 ] && [ "$(grep -c 'exit status 12' "$ERR")" = 2 ]; then
	result vms-sigterm-setup 1
else
	result vms-sigterm-setup 0 "exit status $rc, expected 12 from both VMs"
fi

# Several VMs: a process each, lines prefixed, the status summed up.
expect vms-hello 0 '' '' -- run --vms 3 --mode long "$G/hello64.bin"
lines vms-hello-lines 3 '^vm[0-2]: Hello from long mode: vCPU 0 of 1$'
expect vms-status 85 '' 'vm 0: exit status 85' -- run --vms 2 "$G/exit42.bin"

# ---- Statistics (KVM_GET_STATS_FD): run --stats, khvctl stats. ----
SD=/tmp/khvctl-stats
rm -rf "$SD"
mkdir -p "$SD"
HV=kvm
case "$DEV" in *khv) HV=khv ;; esac
# jget FILE KEY: the first value of "KEY":N in FILE (a JSON line).
jget()
{
	grep -o "\"$2\":[0-9]*" "$1" | head -n 1 | cut -d: -f2
}
# json_ok FILE LINES: LINES lines, each one object with balanced brackets.
json_ok()
{
	[ "$(wc -l <"$1")" = "$2" ] || return 1
	while read -r l; do
		case "$l" in '{"pid":'*'}') ;; *) return 1 ;; esac
		o=$(printf '%s' "$l" | tr -cd '{' | wc -c)
		c=$(printf '%s' "$l" | tr -cd '}' | wc -c)
		[ "$o" = "$c" ] || return 1
		o=$(printf '%s' "$l" | tr -cd '[' | wc -c)
		c=$(printf '%s' "$l" | tr -cd ']' | wc -c)
		[ "$o" = "$c" ] || return 1
	done <"$1"
}
# check_ok NAME CONDITION-STATUS WHY: one case from a test's status.
check_ok()
{
	if [ "$2" = 0 ]; then
		result "$1" 1
	else
		result "$1" 0 "$3"
	fi
}

expect stats-json 0 '^torture: 13 checks passed$' '' -- \
	run --mode long --stats=json --stats-file "$SD/t.json" "$G/torture.bin"
cp "$SD/t.json" "$OUT"
json_ok "$SD/t.json" 1
check_ok stats-json-format $? "not one JSON object on one line"
grep -q "\"hv\":\"$HV\"" "$SD/t.json" && grep -q '"vcpus":\[{"vcpu":0,' "$SD/t.json"
check_ok stats-json-fields $? "no \"hv\":\"$HV\" or no vCPU 0"
# jnum FILE KEY: jget, or -1 when KEY is not there.
jnum()
{
	v=$(jget "$1" "$2")
	echo "${v:--1}"
}
exits=$(jnum "$SD/t.json" exits)
if [ "$HV" = khv ]; then
	# 16 HLTs with IF=1 and the last one, each a KVM_EXIT_HLT; CPUIDs.
	hlt=$(jnum "$SD/t.json" exits_hlt)
	sum=$(grep -o '"exits_[a-z_]*":[0-9]*' "$SD/t.json" | cut -d: -f2 |
	      awk '{ s += $1 } END { print s + 0 }')
	[ "$hlt" -ge 17 ] && [ "$(jnum "$SD/t.json" user_hlt_exits)" = "$hlt" ] &&
		[ "$(jnum "$SD/t.json" exits_cpuid)" -ge 2 ] &&
		[ "$(jnum "$SD/t.json" exits_io)" -ge 1 ] &&
		[ "$sum" = "$exits" ] && [ "$(jnum "$SD/t.json" guest_time_ns)" -ge 0 ] &&
		[ "$(jnum "$SD/t.json" vcpus)" = 1 ] &&
		[ "$(jnum "$SD/t.json" pages_4k)" -ge 1 ]
	check_ok stats-json-counters $? "exits $exits (exits_* sum $sum), exits_hlt $hlt"
else
	[ "$exits" -ge 17 ] && [ "$(jnum "$SD/t.json" halt_exits)" -ge 17 ] &&
		[ "$(jnum "$SD/t.json" io_exits)" -ge 1 ]
	check_ok stats-json-counters $? "exits $exits, halt_exits or io_exits too small"
fi

# The table: a column per vCPU and the total; exits on every device.
expect stats-table 0 '' '^  exits +[1-9][0-9]* +[1-9][0-9]* +[1-9][0-9]*$' -- \
	run --mode long --cpus 2 --stats "$G/hello64.bin"
lines stats-table-lines 2 '^Hello from long mode: vCPU [01] of 2$'
grep -Eq "^statistics of $HV VM kvm-[0-9]+, pid [0-9]+:$" "$ERR" &&
	grep -Eq '^  vCPU +0 +1 +total$' "$ERR"
check_ok stats-table-head $? "no header or vCPU line"

# --vms: every VM appends its own line to the one file.
expect stats-vms 0 '' '' -- run --vms 2 --mode long --stats=json \
	--stats-file "$SD/v.json" "$G/hello64.bin"
json_ok "$SD/v.json" 2 && grep -q '"vm":0,' "$SD/v.json" &&
	grep -q '"vm":1,' "$SD/v.json"
check_ok stats-vms-lines $? "not two lines for vm 0 and vm 1"

# SIGINT (Ctrl-C) ends the run with 12, and the statistics still print.
"$KHVCTL" --dev "$DEV" run --timeout $BG_TIMEOUT --stats=json \
	--stats-file "$SD/i.json" "$G/forever.bin" </dev/null >"$OUT" 2>"$ERR" &
pid=$!
wait_for 600 running 1 --pid $pid
ready=$?
kill -INT $pid
wait $pid
rc=$?
[ "$ready" = 0 ] && [ "$rc" = 12 ] && json_ok "$SD/i.json" 1 &&
	[ "$(jnum "$SD/i.json" exits)" -ge 1 ]
check_ok stats-sigint $? "status $rc (expected 12), or no statistics, or the guest did not run within 600 s"

# khvctl stats reads the files of a running khvctl, by pid or by scan.
"$KHVCTL" --dev "$DEV" run --timeout $BG_TIMEOUT --cpus 2 "$G/forever.bin" \
	</dev/null >"$SD/f.out" 2>"$SD/f.err" &
pid=$!
# Both vCPUs in their guest first: the cases below expect exits of each.
wait_for 600 running 1 --pid $pid
expect stats-pid 0 "^\\{\"pid\":$pid,\"hv\":\"$HV\",\"id\":\"kvm-[0-9]+\"" '' -- \
	stats --pid $pid --json
cp "$OUT" "$SD/p.json"
json_ok "$SD/p.json" 1 && grep -q '{"vcpu":1,' "$SD/p.json" &&
	[ "$(jnum "$SD/p.json" exits)" -ge 1 ]
check_ok stats-pid-json $? "not one line with vCPUs 0 and 1 that ran"
expect stats-scan 0 "^\\{\"pid\":$pid," '' -- stats --json
expect stats-interval 0 '' '' -- stats --pid $pid --json --interval 1 --count 2
cp "$OUT" "$SD/n.json"
e1=$(sed -n 1p "$SD/n.json" | grep -o '"exits":[0-9]*' | head -n 1 | cut -d: -f2)
e2=$(sed -n 2p "$SD/n.json" | grep -o '"exits":[0-9]*' | head -n 1 | cut -d: -f2)
json_ok "$SD/n.json" 2 && [ -n "$e1" ] && [ "${e2:-0}" -ge "$e1" ]
check_ok stats-interval-lines $? "two lines with exits not going down: '$e1' then '$e2'"
expect stats-pid-table 0 "^statistics of $HV VM kvm-[0-9]+, pid $pid:$" '' -- \
	stats --pid $pid
kill -TERM $pid
wait $pid

# ---- The disk (docs/khvctl.md). Images live in $T. ----
T=/tmp/khvctl-disk
rm -rf "$T"
mkdir -p "$T"
# A 64 KiB base: text in sectors 0 and 1, zeros elsewhere; base.orig is
# what it must still be after every ro and cow run.
mkimage()
{
	dd if=/dev/zero of="$1" bs=512 count=128 2>/dev/null
	printf 'khv test disk\n' | dd of="$1" conv=notrunc 2>/dev/null
	printf 'base sector 1\n' | dd of="$1" bs=512 seek=1 conv=notrunc \
		2>/dev/null
}
mkimage "$T/base"
cp "$T/base" "$T/base.orig"
base_same()
{
	if cmp -s "$T/base" "$T/base.orig"; then
		result "$1" 1
	else
		result "$1" 0 "the base image changed"
	fi
}
# sector FILE N: sector N of FILE as text, up to the first NUL or newline.
sector()
{
	dd if="$1" bs=512 skip="$2" count=1 2>/dev/null | tr '\000' '\n' | head -n 1
}

D=$G/disk.bin
expect disk-none 3 '^disk: no disk$' '' -- run --mode long "$D"
cp "$T/base" "$T/rw"
expect disk-rw 0 '^disk: sector 0: khv test disk$' '' -- \
	run --mode long --disk "$T/rw" "$D"
lines disk-rw-lines 4 '^disk: (128 sectors|sector 1 before: base sector 1|write sector 1: status 0|sector 1 after: marker from vm 0)$'
if [ "$(sector "$T/rw" 1)" = "marker from vm 0" ]; then
	result disk-rw-file 1
else
	result disk-rw-file 0 "sector 1 of the file: '$(sector "$T/rw" 1)'"
fi

expect disk-ro 0 '^disk: 128 sectors, read-only$' '' -- \
	run --mode long --disk "$T/base,ro" "$D"
lines disk-ro-refused 3 '^disk: (write sector 1: status 4|sector 1 after: base sector 1|flush: status 0)$'
base_same disk-ro-base
expect disk-errors 0 '^disk: 9 error checks passed$' '' -- \
	run --mode long --reg rcx=3 --disk "$T/base,ro" "$D"

# Two VMs, one base, an overlay each: writes stay in their own overlay.
expect disk-cow 0 '^vm0: disk: sector 1 after: marker from vm 0$' '' -- \
	run --vms 2 --mode long --disk "$T/base,cow=$T/ov0" \
	--disk "$T/base,cow=$T/ov1" "$D"
lines disk-cow-vm1 1 '^vm1: disk: sector 1 after: marker from vm 1$'
lines disk-cow-flags 2 '^vm[01]: disk: 128 sectors, copy-on-write$'
base_same disk-cow-base
expect disk-cow-ov1 0 '^disk: sector 1 before: marker from vm 1$' '' -- \
	run --mode long --disk "$T/base,cow=$T/ov1" --reg rbx=5 "$D"
expect disk-cow-ov0 0 '^disk: sector 1 before: marker from vm 0$' '' -- \
	run --mode long --disk "$T/base,cow=$T/ov0" --reg rbx=6 "$D"
expect disk-cow-fresh 0 '^disk: sector 1 before: base sector 1$' '' -- \
	run --mode long --disk "$T/base,cow=$T/ov2" "$D"
base_same disk-cow-base-after

# A file one VM writes is not every VM's, nor a cow disk's own base.
expect disk-shared-rw-refused 2 '' 'give each VM its own --disk' -- \
	run --vms 2 --mode long --disk "$T/rw" "$D"
expect disk-same-rw-refused 2 '' 'rw is written by VM 0 and used by another VM' -- \
	run --vms 2 --mode long --disk "$T/rw" --disk "$T/rw" "$D"
expect disk-cow-self-refused 2 '' 'used by it as the base' -- \
	run --mode long --disk "$T/rw,cow=$T/rw" "$D"
# While a khvctl writes a file, no other may use it, not even read-only
# (flock; a kernel without file locks gets a warning instead).
"$KHVCTL" --dev "$DEV" -v run --timeout $BG_TIMEOUT --disk "$T/rw" "$G/forever.bin" \
	</dev/null >"$OUT.0" 2>"$ERR.0" &
pid=$!
wait_for 600 grep -q 'disk: .*read-write' "$ERR.0"
if grep -q 'no file locks in this kernel' "$ERR.0"; then
	skip disk-locked-rw "the kernel has no file locks (CONFIG_FILE_LOCKING)"
	skip disk-locked-ro "the kernel has no file locks (CONFIG_FILE_LOCKING)"
else
	expect disk-locked-rw 4 '' 'in use by another VM or process' -- \
		run --mode long --disk "$T/rw" "$D"
	expect disk-locked-ro 4 '' 'in use by another VM or process' -- \
		run --mode long --disk "$T/rw,ro" "$D"
fi
kill -TERM $pid
wait $pid

# killed WHAT SPEC: the stream guest writes records until SIGKILL; every
# record it saw acknowledged must be on the disk afterwards, as the guest
# reads it back (mode 2) through the same SPEC.
killed()
{
	"$KHVCTL" --dev "$DEV" run --mode long --reg rcx=1 --disk "$2" \
		"$G/disk.bin" </dev/null >"$OUT" 2>"$ERR" &
	pid=$!
	i=0
	while [ "$(grep -c '^disk: ack' "$OUT")" -lt 3 ] && [ $i -lt 600 ]; do
		usleep 100000
		i=$((i + 1))
	done
	kill -KILL $pid
	{ wait $pid; } 2>/dev/null	# no "Killed" from the shell
	rc=$?
	# A line the kill cut short ("disk: ack 1" of 13) is no ack: the
	# marker makes it "disk: ack 1<cut>".
	echo "<cut>" >>"$OUT"
	last=$(sed -n 's/^disk: ack \([0-9]*\)$/\1/p' "$OUT" | tail -n 1)
	if [ "$rc" != 137 ] || [ -z "$last" ]; then
		result "$1" 0 "status $rc (expected 137), last ack '$last'"
		return
	fi
	"$KHVCTL" --dev "$DEV" run --mode long --reg rcx=2 --disk "$2" \
		"$G/disk.bin" </dev/null >"$OUT" 2>"$ERR"
	got=$(sed -n 's/^disk: records intact up to sector \([0-9]*\)$/\1/p' "$OUT")
	echo "# $1: acknowledged up to sector $last, intact up to $got"
	if [ -n "$got" ] && [ "$got" -ge "$last" ]; then
		result "$1" 1
	else
		result "$1" 0 "acknowledged up to sector $last, intact up to '$got'"
	fi
}
dd if=/dev/zero of="$T/stream" bs=512 count=4096 2>/dev/null
killed disk-sigkill-rw "$T/stream"
last_rw=$last
ok=1
i=2
while [ -n "$last_rw" ] && [ $i -le "$last_rw" ]; do
	[ "$(sector "$T/stream" $i)" = "record $i" ] || ok=0
	i=$((i + 1))
done
result disk-sigkill-rw-file $ok "records 2..$last_rw not all in the file"
dd if=/dev/zero of="$T/zero" bs=512 count=4096 2>/dev/null
cp "$T/zero" "$T/zero.orig"
killed disk-sigkill-cow "$T/zero,cow=$T/zero.ov"
if cmp -s "$T/zero" "$T/zero.orig"; then
	result disk-sigkill-cow-base 1
else
	result disk-sigkill-cow-base 0 "the base image changed"
fi

# ---- The network: two VMs of one khvctl play ping-pong. ----
expect net-none 3 '^pingpong: no NIC$' '' -- run --mode long "$G/pingpong.bin"
expect nic-errors 0 '^nicerr: 9 checks passed$' '' -- \
	run --mode long --net local "$G/nicerr.bin"
lines nic-link-down 1 '^nicerr: link down$'
expect pingpong 0 '' '' -- \
	run --vms 2 --timeout 120 --mode long "$G/pingpong.bin"
lines pingpong-pings 3 '^vm1: pingpong: vm 1 got "ping [012] from vm 0"$'
lines pingpong-pongs 3 '^vm0: pingpong: vm 0 got "pong [012] from vm 1"$'
lines pingpong-done 2 '^vm[01]: pingpong: vm [01] done, 3 rounds$'
# Three VMs on the hub: every frame reaches both others.
expect pingpong-3vms 0 '' '' -- \
	run --vms 3 --timeout 120 --mode long "$G/pingpong.bin"
lines pingpong-3vms-pings 6 '^vm([12]): pingpong: vm [12] got "ping [012] from vm 0"$'
lines pingpong-3vms-pongs 3 '^vm0: pingpong: vm 0 got "pong [012] from vm [12]"$'

# Two khvctl processes on one unix socket: the first one listens, the
# other connects. VM 0's first pings may be lost before VM 1 joins: it
# sends them again.
S=$T/net.sock
"$KHVCTL" --dev "$DEV" run --timeout 120 --net "unix:$S" --mode long \
	"$G/pingpong.bin" </dev/null >"$OUT.0" 2>"$ERR.0" &
pid=$!
"$KHVCTL" --dev "$DEV" run --timeout 120 --net "unix:$S" --reg rbx=1 \
	--mode long "$G/pingpong.bin" </dev/null >"$OUT" 2>"$ERR"
rc1=$?
wait $pid
rc0=$?
if grep -q 'socket: ' "$ERR"; then
	skip pingpong-unix "no unix sockets: $(grep 'socket: ' "$ERR" | head -n 1)"
elif [ "$rc0" = 0 ] && [ "$rc1" = 0 ] &&
   [ "$(grep -c '^pingpong: vm 0 got "pong [012] from vm 1"$' "$OUT.0")" = 3 ] &&
   [ "$(grep -c '^pingpong: vm 1 got "ping [012] from vm 0"$' "$OUT")" = 3 ]; then
	result pingpong-unix 1
else
	cat "$OUT.0" "$ERR.0" >>"$OUT"
	result pingpong-unix 0 "status $rc0 and $rc1, or lines missing"
fi

# ---- khv's scheduling: sched-demo (docs/scheduling.md), briefly. ----
# sd NAME POLICY JOBS [OPTIONS...]: every job's turnaround = waiting +
# processing + other (1 % + 0.1 ms, as the selftests), the completion order
# is the textbook one (not for DEFAULT), and the chart is whole with one
# bar per dispatch.
SD=/tmp/khvctl-sched-demo
sd()
{
	name=$1 policy=$2 jobs=$3
	shift 3
	rm -rf "$SD"
	"$KHVCTL" --dev "$DEV" sched-demo --policy "$policy" --jobs "$jobs" \
		--unit-ms 5 --out "$SD" "$@" </dev/null >"$OUT" 2>"$ERR"
	rc=$?
	if [ "$rc" = 14 ]; then
		skip "$name" "no khv scheduling policies on $DEV"
		return
	elif [ "$rc" != 0 ]; then
		result "$name" 0 "exit status $rc"
		return
	fi
	want=$(echo "$jobs" | tr ',' '\n' | grep -c .)
	# Jobs without @AT arrive together: the releasing thread holds the
	# CPU at SCHED_FIFO 99 until it has woken them all, so every arrival
	# comes before the first job starts, however slow the kernel.
	together=$(case "$jobs" in *@*) echo 0 ;; *) echo 1 ;; esac)
	why=$(awk -v want="$want" -v together="$together" '
		NF == 13 && $1 ~ /^[0-9]+$/ {
			rows++
			d = $9 - ($7 + $8 + $10)
			if (d < 0) d = -d
			if (d > $9 / 100 + 0.1)
				print "job " $1 ": turnaround " $9 " is not " $7 " + " $8 " + " $10
			if (rows == 1 || $4 > last) { last = $4; lastjob = $1 }
			if (rows == 1 || $5 < first) { first = $5; firstjob = $1 }
		}
		END {
			if (rows != want)
				print rows " rows, expected " want
			else if (together && last >= first)
				print "job " lastjob " arrived at " last " ms, after job " firstjob " started at " first
		}' "$OUT")
	got=$(sed -n 's/^completion order: *//p' "$OUT")
	tb=$(sed -n 's/^textbook order: *//p' "$OUT")
	# DEFAULT: the host shares the CPU as it likes, no order to expect.
	if [ -z "$why" ] && [ "$policy" != default ] &&
	   { [ -z "$got" ] || [ "$got" != "$tb" ]; }; then
		why="completion order '$got', textbook '$tb'"
	fi
	result "$name" "$([ -z "$why" ] && echo 1)" "$why"
	# The whole table of a failure: arrivals, starts and predictions.
	[ -z "$why" ] || awk 'NF == 13 { print "#   " $0 }' "$OUT"

	svg=$SD/sched-$policy.svg
	disp=$(awk 'NF == 13 && $1 ~ /^[0-9]+$/ { s += $11 } END { print s + 0 }' "$OUT")
	bars=$(grep -c '<rect class="iv"' "$svg" 2>/dev/null)
	why=
	if [ "$(head -c 4 "$svg" 2>/dev/null)" != "<svg" ]; then
		why="$svg does not start with <svg"
	elif [ "$(tail -n 1 "$svg")" != "</svg>" ]; then
		why="$svg does not end with </svg>"
	elif [ "$(grep -c '^<g' "$svg")" != "$(grep -c '^</g>$' "$svg")" ]; then
		why="unbalanced <g> in $svg"
	elif [ "$(grep '<rect class="iv"' "$svg" | grep -vc '</rect>$')" != 0 ]; then
		why="an interval <rect> not closed in $svg"
	elif [ "$bars" != "$disp" ]; then
		why="$bars bars in the chart, $disp dispatches in the table"
	elif ! grep -q '^| vm0 ' "$SD/sched-$policy.md"; then
		why="no table in $SD/sched-$policy.md"
	fi
	result "$name-svg" "$([ -z "$why" ] && echo 1)" "$why"
}
sd sched-demo-fcfs fcfs 3,1,2
# SJF on the jobs' declared lengths (--alpha 0): the textbook's SJF knows
# them. A prediction learnt from the warm-up (the default, alpha 1/2) also
# learns the vCPU's first KVM_RUN, which on the debug kernel costs 50 to
# 270 ms of processing against 5 to 20 ms of job: the predictions then
# fall into the same SJF level and the jobs run by arrival. The selftests
# check the learning (khv_sched_test, sched_queue_test).
sd sched-demo-sjf sjf 4,1,2 --alpha 0
sd sched-demo-priority priority 2:1,2:3,1:5@0.5
sd sched-demo-default default 2,2

# ---- khvctl boot: the Linux boot protocol (docs/linux-guest.md). ----
# bootproto.bin is a stand-in bzImage that prints what it was handed and
# resets; the real kernel runs in "make test-linux" (tools/guests/linux/).
B=$G/bootproto.bin
BT=/tmp/khvctl-boot
boot_skip=
rm -rf "$BT"
mkdir -p "$BT"
printf 'initrd first line\nsecond line\n' >"$BT/initrd"
# A device without an in-kernel irqchip or KVM_GET_SUPPORTED_CPUID cannot
# boot (status 14): the cases that run a guest are skipped then.
"$KHVCTL" --dev "$DEV" boot --kernel "$B" --mem 32 </dev/null >"$OUT" 2>"$ERR"
[ $? = 14 ] && boot_skip=$(head -n 1 "$ERR")
# bexpect: expect, or skip when the device cannot boot.
bexpect()
{
	if [ -n "$boot_skip" ]; then
		skip "$1" "$boot_skip"
	else
		expect "$@"
	fi
}
blines()
{
	if [ -n "$boot_skip" ]; then
		skip "$1" "$boot_skip"
	else
		lines "$@"
	fi
}
bexpect boot-proto 0 '^bootproto: done$' '' -- \
	boot --kernel "$B" --initrd "$BT/initrd" --append "console=ttyS0 acpi=off" --mem 32
blines boot-proto-lines 7 '^bootproto: (entry cs 0x10 ds 0x18 ss 0x18, interrupts off|protocol 2\.15, loader 0xff|cmdline "console=ttyS0 acpi=off"|e820 RAM 32383 KiB|initrd 30 bytes: initrd first line|mp 1 cpus, ioapic id 1 at 0xfec00000|lapic version 0x14)$'
blines boot-proto-e820 4 '^bootproto: e820 (0x0000000000000000-0x000000000009fc00 type 1|0x000000000009fc00-0x00000000000a0000 type 2|0x00000000000f0000-0x0000000000100000 type 2|0x0000000000100000-0x0000000002000000 type 1)$'
bexpect boot-proto-2cpus 0 '^bootproto: mp 2 cpus, ioapic id 2 at 0xfec00000$' '' -- \
	boot --kernel "$B" --cpus 2 --mem 32
bexpect boot-proto-no-initrd 0 '^bootproto: done$' '' -- boot --kernel "$B" --mem 32
blines boot-proto-no-initrd-lines 0 '^bootproto: initrd'
expect boot-not-bzimage 4 '' 'neither a Linux kernel image .* nor a multiboot kernel' -- \
	boot --kernel "$G/hello64.bin"
cp "$B" "$BT/old.bin"
printf '\012' | dd of="$BT/old.bin" bs=1 seek=518 conv=notrunc 2>/dev/null
expect boot-old-protocol 4 '' 'boot protocol 2\.10 is older than 2\.12' -- \
	boot --kernel "$BT/old.bin"
expect boot-too-big 4 '' 'needs memory up to 0x1100000.*use --mem 17 or more' -- \
	boot --kernel "$B" --mem 16
expect boot-cmdline-too-long 4 '' 'the command line has 256 bytes, the kernel takes 255' -- \
	boot --kernel "$B" --append "$(printf '%256s' x)"
expect boot-initrd-too-big 4 '' 'do not fit between the kernel' -- \
	boot --kernel "$B" --mem 17 --initrd "$BT/initrd"
expect boot-no-kernel 2 '' 'missing --kernel' -- boot --mem 32
# Multiboot (version 1): mboot.bin is flat (load addresses in its header),
# mboot-elf.bin an ELF32; both print what they were handed and reset.
M=$G/mboot.bin
bexpect mboot 0 '^mboot: done$' '' -- \
	boot --kernel "$M" --initrd "$BT/initrd" --append "mb cmdline" --mem 32
blines mboot-lines 6 '^mboot: (magic 0x2badb002, cs 0x8 ds 0x10, protected mode, paging off, interrupts off|memory 639 KiB low, 31744 KiB high|cmdline "mb cmdline"|loader "khvctl"|mmap 4 entries, RAM 32383 KiB|module 30 bytes: initrd first line)$'
bexpect mboot-elf 0 '^mboot: module 30 bytes: initrd first line$' '' -- \
	boot --kernel "$G/mboot-elf.bin" --initrd "$BT/initrd" --mem 32
bexpect mboot-2cpus 0 '^mboot: done$' '' -- boot --kernel "$M" --cpus 2 --mem 32
# Header flags 0x10007 (bit 2: video mode information), checksum fixed.
cp "$M" "$BT/video.bin"
printf '\007\000\001\000\367\117\121\344' |
	dd of="$BT/video.bin" bs=1 seek=4 conv=notrunc 2>/dev/null
expect mboot-video-refused 4 '' 'requires video mode information' -- \
	boot --kernel "$BT/video.bin"

# khvctl stats sees a booting guest as it sees a run's. idle.bin is a flat
# multiboot kernel made here: header (magic, flags 0x10000: addresses in
# the header, checksum, header and load address 1 MiB, the whole file,
# entry 1 MiB + 32), then "sti; 1: hlt; jmp 1b". Its vCPU 0 waits in the
# in-kernel HLT until SIGTERM; vCPU 1 is never started (no SIPI).
printf '\002\260\255\033\000\000\001\000\376\117\121\344' >"$BT/idle.bin"
printf '\000\000\020\000\000\000\020\000\000\000\000\000' >>"$BT/idle.bin"
printf '\000\000\000\000\040\000\020\000\373\364\353\375' >>"$BT/idle.bin"
# halted PID: "khvctl stats" shows a vCPU of PID that made an exit.
halted()
{
	"$KHVCTL" --dev "$DEV" stats --pid "$1" --json </dev/null 2>/dev/null |
		grep -q '"exits":[1-9]'
}
if [ -n "$boot_skip" ]; then
	for c in boot-stats boot-stats-vcpus boot-stats-sigterm; do
		skip $c "$boot_skip"
	done
else
	"$KHVCTL" --dev "$DEV" boot --kernel "$BT/idle.bin" --cpus 2 --mem 32 \
		--timeout $BG_TIMEOUT </dev/null >"$BT/idle.out" 2>"$BT/idle.err" &
	pid=$!
	# vCPU 0 has halted (an exit) once it shows; vCPU 1 may have none.
	wait_for 600 halted $pid
	expect boot-stats 0 "^\\{\"pid\":$pid,\"hv\":\"$HV\",\"id\":\"kvm-[0-9]+\"" '' -- \
		stats --pid $pid --json
	grep -q '{"vcpu":0,' "$OUT" && grep -q '{"vcpu":1,' "$OUT" &&
		[ "$(jnum "$OUT" exits)" -ge 1 ]
	check_ok boot-stats-vcpus $? "not vCPUs 0 and 1, vCPU 0 with exits"
	kill -TERM $pid
	wait $pid
	rc=$?
	cp "$BT/idle.out" "$OUT"
	cp "$BT/idle.err" "$ERR"
	check_ok boot-stats-sigterm $([ "$rc" = 12 ]; echo $?) \
		"exit status $rc, expected 12"
fi

echo "1..$n"
[ "$failed" = 0 ]
