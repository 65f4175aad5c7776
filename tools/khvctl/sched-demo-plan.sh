# SPDX-License-Identifier: GPL-2.0
#
# Test-VM plan of "make sched-demo" (tools/khvctl/sched-demo-charts.sh):
# khvctl sched-demo under each policy, then its chart and table on the
# console between KHV-FILE-BEGIN NAME MD5 and KHV-FILE-END NAME lines, for
# the host to extract. Kernel messages are kept off the console meanwhile.
. /khv/plan-lib.sh

out=/tmp/sched-demo
insmod /khv/khv.ko || exit 1
dmesg -n 1
for p in ${SCHED_DEMO_POLICIES:-fcfs sjf priority}; do
	check "sched-demo-$p" /khv/bin/khvctl sched-demo --policy "$p" --out "$out"
	for f in "$out/sched-$p.svg" "$out/sched-$p.md"; do
		[ -f "$f" ] || continue
		name=$(basename "$f")
		echo "KHV-FILE-BEGIN $name $(md5sum <"$f" | cut -d' ' -f1)"
		cat "$f"
		echo "KHV-FILE-END $name"
	done
done
dmesg -n 7
sleep 3
