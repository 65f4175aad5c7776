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

# _kvmst_exec HV TEST [ARGS...]: run one program under a watchdog, print its
# output (the tail of it when long) and one KVMST-RESULT line the host's
# report script reads. Exit code: 0 pass, 4 skip, other fail.
_kvmst_exec()
{
	local hv=$1 name=$2 out rc t0 t1 res n
	shift 2
	out=/tmp/kvmst.$hv.$name.out
	t0=$(_kvmst_up)
	timeout -s KILL "$KVMST_TIMEOUT" "$KVMST_DIR/bin/$name" "$@" \
		</dev/null >"$out" 2>&1
	rc=$?
	t1=$(_kvmst_up)
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
