#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sched-demo-charts.sh [RUN-ARGS...]: "make sched-demo". Boots the test VM
# with sched-demo-plan.sh, which runs "khvctl sched-demo" under FCFS, SJF
# and PRIORITY and prints each chart and table between KHV-FILE-BEGIN NAME
# MD5 and KHV-FILE-END NAME lines; extracts them (checking the MD5 and, with
# python3, that each SVG parses) into docs/img/sched-POLICY.{svg,md} and
# puts the tables into README.md between the sched-demo markers.
# RUN-ARGS go to tools/testvm/run (e.g. --cpus 2, the default);
# "--log SERIAL.LOG" extracts from an earlier run's log instead.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
IMG=$REPO/docs/img
keep=

status=0
if [ "${1:-}" = --log ]; then
	# Extract from the serial log of an earlier run.
	log=$2
else
	keep=$(mktemp -d /tmp/sched-demo.XXXXXX)
	"$REPO/tools/testvm/run" --plan "$HERE/sched-demo-plan.sh" \
		--keep "$keep" "$@" || status=$?
	log=$keep/serial.log
fi
[ -f "$log" ] || { echo "sched-demo: no serial log in $keep" >&2; exit 1; }

mkdir -p "$IMG"
new=$(mktemp -d /tmp/sched-demo-out.XXXXXX)
# Console lines may end in \r; everything between the markers is the file.
tr -d '\r' <"$log" | awk -v dir="$new" '
	/^KHV-FILE-BEGIN / { name = $2; sum[name] = $3; out = dir "/" name;
			     printf "" > out; on = 1; next }
	/^KHV-FILE-END /   { close(out); on = 0; next }
	on                 { print >> out }
	END { for (n in sum) print n, sum[n] > (dir "/SUMS") }'
[ -s "$new/SUMS" ] || { echo "sched-demo: no files in $log" >&2; exit 1; }

bad=0
while read -r name sum; do
	got=$(md5sum <"$new/$name" | cut -d' ' -f1)
	if [ "$got" != "$sum" ]; then
		echo "sched-demo: $name: MD5 $got, the VM said $sum (console noise?)" >&2
		bad=1
		continue
	fi
	case $name in
	*.svg)
		if command -v python3 >/dev/null &&
		   ! python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' \
			"$new/$name"; then
			echo "sched-demo: $name does not parse as XML" >&2
			bad=1
			continue
		fi ;;
	esac
	cp "$new/$name" "$IMG/$name"
	echo "sched-demo: docs/img/$name"
done <"$new/SUMS"
[ "$bad" = 0 ] || exit 1

# README.md: the three tables between the markers.
readme=$REPO/README.md
if grep -q '^<!-- sched-demo tables begin -->$' "$readme"; then
	tables=$new/tables.md
	for p in fcfs sjf priority; do
		[ -f "$IMG/sched-$p.md" ] || continue
		printf '\n![%s](docs/img/sched-%s.svg)\n\n' "$p" "$p"
		cat "$IMG/sched-$p.md"
	done >"$tables"
	awk -v t="$tables" '
		/^<!-- sched-demo tables begin -->$/ { print; while ((getline l < t) > 0) print l; print ""; skip = 1; next }
		/^<!-- sched-demo tables end -->$/ { skip = 0 }
		!skip' "$readme" >"$readme.tmp"
	mv "$readme.tmp" "$readme"
	echo "sched-demo: README.md tables updated"
fi
rm -rf "$new"
[ -z "$keep" ] || echo "sched-demo: test VM log in $keep"
exit $status
