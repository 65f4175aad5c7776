# SPDX-License-Identifier: GPL-2.0
# Test-VM plan of "make bench" (tools/bench/run.sh): khv-bench on kvm_intel,
# then on khv, in the same boot. The baseline goes first so that it survives
# a khv crash. Each device's JSON reaches the host on the console between
# KHV-BENCH-JSON-BEGIN/END lines; tools/bench/compare.awk reads them there.
# khv-bench arguments come in /khv/extra/bench.args (one line).
. /khv/plan-lib.sh

BENCH=/khv/extra/khv-bench
ARGS=
[ -f /khv/extra/bench.args ] && ARGS=$(cat /khv/extra/bench.args)

# bench_on NAME DEV: run khv-bench, show its table, pass its JSON on.
bench_on()
{
	local name="$1" dev="$2" rc
	# A guest that never comes back ends KVM_RUN on the signal.
	# shellcheck disable=SC2086
	timeout 300 "$BENCH" --dev "$dev" --json "/tmp/$name.json" $ARGS \
		>"/tmp/$name.out" 2>&1
	rc=$?
	cat "/tmp/$name.out"
	if [ -f "/tmp/$name.json" ]; then
		echo "KHV-BENCH-JSON-BEGIN $name"
		cat "/tmp/$name.json"
		echo "KHV-BENCH-JSON-END $name"
	fi
	return $rc
}

if [ ! -x "$BENCH" ]; then
	log "bench: $BENCH missing (run with --add tools/bench/khv-bench)"
	exit 1
fi

if modprobe kvm_intel; then
	check bench-kvm bench_on kvm /dev/kvm
	modprobe -r kvm_intel kvm || log "bench: modprobe -r kvm_intel kvm failed"
else
	log "bench: modprobe kvm_intel failed: no KVM baseline"
fi

if insmod /khv/khv.ko; then
	check bench-khv bench_on khv /dev/khv
	rmmod khv || log "bench: rmmod khv failed"
else
	log "bench: insmod khv.ko failed: every khv metric is n/a"
fi
