#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [--keep DIR] [--cpus N] [KHV-BENCH-ARGS...]: what "make bench" runs.
# Boots the test VM once (tools/testvm/run, plan tools/testvm/bench-plan.sh),
# runs khv-bench on kvm_intel and on khv, prints the comparison table and
# writes bench.json next to the run's logs. Exits 0 when the VM ran the plan
# to its end and at least one device produced results: "n/a" metrics never
# fail it, a crashed or hung VM does. See docs/performance.md.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

dir=
cpus=1
while [ $# -gt 0 ]; do
	case $1 in
	--keep) dir=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	-h|--help) sed -n '4,10p' "$0" >&2; exit 2 ;;
	*) break ;;
	esac
done

[ -x "$HERE/khv-bench" ] || { echo "bench: build tools/bench/khv-bench first" >&2; exit 1; }
if [ -n "$dir" ]; then
	mkdir -p "$dir" && dir=$(realpath "$dir")
else
	dir=$(mktemp -d /tmp/khv-bench.XXXXXX)
fi
# The rest of the arguments go to khv-bench in the VM.
printf '%s\n' "$*" >"$dir/bench.args"

# One CPU: the benchmarks use one vCPU, and a second emulated CPU only
# slows Bochs down. The runner's pass/fail count is not the verdict here.
"$REPO/tools/testvm/run" --cpus "$cpus" --timeout 900 \
	--plan "$REPO/tools/testvm/bench-plan.sh" \
	--add "$HERE/khv-bench" --add "$dir/bench.args" --keep "$dir" | tee "$dir/run.txt"

rc=0
if ! grep -aq 'KHV-PLAN-END' "$dir/serial.log" 2>/dev/null; then
	echo "bench: the test VM did not finish the plan; see $dir/serial.log" >&2
	rc=1
fi
echo
awk -f "$HERE/compare.awk" -v json="$dir/bench.json" "$dir/serial.log" || exit 1
echo
echo "bench: JSON in $dir/bench.json"
exit $rc
