# SPDX-License-Identifier: GPL-2.0
#
# In-VM helpers for KVM's upstream selftests (busybox sh). A plan sources
# /khv/plan-lib.sh, then this file from the bundle that
# tools/kvm-selftests/build.sh --bundle made and tools/testvm/run --add put in
# /khv/extra/kvm-selftests/. Each test is one case of plan-lib's "check"
# (KHV-CHECK-BEGIN / KHV-RESULT), named kvm-selftests:HV:TEST, so the
# runner's tally counts it with no change to the analyzer.

KVMST_DIR=${KVMST_DIR:-/khv/extra/kvm-selftests}
# Guest seconds one test may take before it is killed. Some tests wedge a
# CPU of the test VM in Bochs (docs/kvm-selftests.md); the host's idle
# timeout is the backstop for those.
KVMST_TIMEOUT=${KVMST_TIMEOUT:-600}

_kvmst_up() { cut -d' ' -f1 /proc/uptime; }

# POSIX semaphores (sem_open, hardware_disable_test) live in /dev/shm, which
# the test VM's /init does not mount.
if ! grep -q ' /dev/shm ' /proc/mounts; then
	mkdir -p /dev/shm && mount -t tmpfs shm /dev/shm
fi

# _kvmst_left PGID: how many processes of process group PGID are still
# alive (zombies do not count: they hold no files, so no VM).
_kvmst_left()
{
	local pg=$1 f s n=0
	for f in /proc/[0-9]*/stat; do
		s=$(cat "$f" 2>/dev/null) || continue
		# After the last ')': state, ppid, pgrp (comm may hold spaces).
		s=${s##*) }
		set -- $s
		[ "$3" = "$pg" ] && [ "$1" != Z ] && n=$((n + 1))
	done
	echo $n
}

# _kvmst_kill_group NAME PGID: SIGKILL what is left of the test's process
# group, and wait (up to 60 guest seconds) until it has exited, so that
# it cannot disturb the next test (hardware_disable_test's children outlive
# it when it fails or its watchdog kills it).
_kvmst_kill_group()
{
	local name=$1 pg=$2 n t
	n=$(_kvmst_left "$pg")
	[ "$n" -gt 0 ] || return 0
	echo "# kvm-selftests: $name left $n processes behind: killing them"
	kill -KILL -"$pg" 2>/dev/null
	t=0
	while [ "$(_kvmst_left "$pg")" -gt 0 ]; do
		if [ $t -ge 600 ]; then
			echo "# kvm-selftests: $name: $(_kvmst_left "$pg") processes still alive after 60 s"
			return 1
		fi
		usleep 100000
		t=$((t + 1))
	done
}

# _kvmst_exec HV TEST [ARGS...]: run one program under a watchdog, print its
# output (the tail of it when long) and one KVMST-RESULT line the host's
# report script reads. Exit code: 0 pass, 4 skip, other fail.
#
# The program runs in a session and process group of its own (setsid):
# its PID is the group's id, and whatever of the group outlives it is
# killed before the next test. In a shell without job control, a
# background command stays in the shell's group, so busybox's setsid does
# not fork (it would if it led a group, and lose the exit status).
_kvmst_exec()
{
	local hv=$1 name=$2 out rc t0 t1 res n pid m=
	shift 2
	out=/tmp/kvmst.$hv.$name.out
	case $- in *m*) m=1; set +m ;; esac
	t0=$(_kvmst_up)
	timeout -s KILL "$KVMST_TIMEOUT" setsid "$KVMST_DIR/bin/$name" "$@" \
		</dev/null >"$out" 2>&1 &
	pid=$!
	{ wait $pid; } 2>/dev/null	# no "Killed" from the shell
	rc=$?
	t1=$(_kvmst_up)
	[ -n "$m" ] && set -m
	_kvmst_kill_group "$name" "$pid" >>"$out"
	case $rc in
	0) res=pass ;;
	4) res=skip ;;
	137) res=timeout ;;
	*) res=fail ;;
	esac
	n=$(wc -l <"$out")
	if [ "$n" -gt 60 ]; then
		# The first assertion failure, which the tail may not hold.
		grep -A 8 -m 1 '^==== Test Assertion Failure' "$out"
		echo "[... $((n - 60)) lines of output cut]"
		tail -n 60 "$out"
	else
		cat "$out"
	fi
	rm -f "$out"
	echo "KVMST-RESULT $hv $name $res rc=$rc secs=$(awk -v a="$t0" -v b="$t1" \
		'BEGIN { printf "%.1f", b - a }')"
	[ $res = timeout ] && return 124
	return $rc
}

# kvmst HV TEST [ARGS...]: one counted case.
kvmst()
{
	local hv=$1 name=$2
	shift 2
	check "kvm-selftests:$hv:$name" _kvmst_exec "$hv" "$name" "$@"
}

# kvmst_use_khv: make /dev/kvm lead to khv (kvm.ko must not be loaded; the
# selftests open the fixed path /dev/kvm). Undone by kvmst_unuse_khv.
kvmst_use_khv()
{
	if [ -e /dev/kvm ] && [ ! -L /dev/kvm ]; then
		log "kvm-selftests: /dev/kvm is KVM's own device; not replacing it"
		return 1
	fi
	ln -sf /dev/khv /dev/kvm
}

kvmst_unuse_khv()
{
	[ -L /dev/kvm ] && rm -f /dev/kvm
	return 0
}

# kvmst_list HV [TEST...]: run the tests named, or else every line
# "TEST [ARGS...]" of the bundle's list.
kvmst_list()
{
	local hv=$1 t args
	shift
	if [ $# -gt 0 ]; then
		for t in "$@"; do
			kvmst "$hv" "$t"
		done
		return
	fi
	while read -r t args <&3; do
		[ -n "$t" ] && kvmst "$hv" "$t" $args
	done 3<"$KVMST_DIR/list"
}

# kvmst_khv_list [TEST...]: the tests on khv through a /dev/kvm symlink; if
# /dev/kvm cannot be made, each test is reported failed (never silently lost).
kvmst_khv_list()
{
	local t args
	if kvmst_use_khv; then
		kvmst_list khv "$@"
		kvmst_unuse_khv
	elif [ $# -gt 0 ]; then
		for t in "$@"; do
			check "kvm-selftests:khv:$t" false
		done
	else
		while read -r t args <&3; do
			[ -n "$t" ] && check "kvm-selftests:khv:$t" false
		done 3<"$KVMST_DIR/list"
	fi
}
