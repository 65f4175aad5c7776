#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [OPTIONS]: run KVM's upstream selftests (Linux 6.1) in the test VM on
# kvm_intel and on khv, in one boot, and write the results. What
# "make kvm-selftests" runs; report.sh turns the results into
# docs/kvm-selftests.md.
#
#   --keep DIR      run directory (default: a new /tmp/khv-kvmst.XXXXXX)
#   --khv FILE      the khv.ko to test (default: module/khv.ko); "head" builds
#                   one from the committed tree (git HEAD) in a temporary copy
#   --tests "A B"   only these tests (default: all)
#   --hv LIST       kvm_intel, khv or "kvm_intel khv" (default)
#   --timeout N     guest seconds per test before the watchdog kills it (600)
#   --max-boots N   boots to finish the list when one ends early (4)
#   --cpus N        test VM CPUs (2)
#   --no-skip       also run the tests skip.txt leaves out
#   --report FILE   then write the Markdown table (report.sh) to FILE
#   --reuse DIR     take the results of the hypervisors not in --hv from an
#                   earlier run directory (e.g. --hv khv --reuse DIR: a new
#                   khv column beside an earlier kvm_intel baseline)
#
# DIR/results.tsv: HV TEST RESULT RC SECS FIRST-FAILURE, one line per test
# and hypervisor (parse.awk), DIR/meta: what ran, DIR/out/HV.TEST.txt: each
# test's output, DIR/bootN/: the test VM runs. A boot that ends early (the VM
# wedged or panicked) marks the running test "unfinished" and a new boot runs
# the rest. Tests listed in skip.txt for a hypervisor are not run there.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

dir=
khv=$REPO/module/khv.ko
tests=
hvs="kvm_intel khv"
per_test=600
max_boots=4
cpus=2
noskip=0
report=
reuse=
while [ $# -gt 0 ]; do
	case $1 in
	--keep) dir=$2; shift ;;
	--khv) khv=$2; shift ;;
	--tests) tests=$2; shift ;;
	--hv) hvs=$2; shift ;;
	--timeout) per_test=$2; shift ;;
	--max-boots) max_boots=$2; shift ;;
	--cpus) cpus=$2; shift ;;
	--no-skip) noskip=1 ;;
	--report) report=$2; shift ;;
	--reuse) reuse=$(realpath "$2"); shift ;;
	-h|--help) sed -n '4,28p' "$0" >&2; exit 2 ;;
	*) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done

die() { echo "kvm-selftests: $*" >&2; exit 1; }

if [ -n "$dir" ]; then
	mkdir -p "$dir" && dir=$(realpath "$dir")
else
	dir=$(mktemp -d /tmp/khv-kvmst.XXXXXX)
fi
rm -rf "$dir/out" "$dir"/boot* "$dir/results.tsv"
mkdir -p "$dir/out"
: >"$dir/results.tsv"

"$HERE/build.sh" || die "the selftests did not build"
bundle=$("$HERE/build.sh" --bundle all) || die "no bundle"
[ -n "$tests" ] || tests=$("$HERE/build.sh" --list)
for t in $tests; do
	"$HERE/build.sh" --list | grep -qx "$t" || die "unknown test '$t'"
done

commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ "$khv" = head ]; then
	# The committed tree only, not other people's edits in progress.
	kdir=$("$REPO/tools/testvm/kernel.sh" --print-dir)
	kb=$dir/khv-head
	rm -rf "$kb" && mkdir -p "$kb"
	git -C "$REPO" archive HEAD Kbuild module uapi | tar -x -C "$kb" ||
		die "git archive failed"
	make -C "$kdir" M="$kb" modules >"$dir/khv-build.log" 2>&1 ||
		die "khv.ko (HEAD $commit) did not build: $dir/khv-build.log"
	khv=$kb/module/khv.ko
	khv_desc="main at $commit (committed tree)"
else
	[ -f "$khv" ] || die "$khv not found (make module)"
	khv=$(realpath "$khv")
	if [ "$khv" = "$REPO/module/khv.ko" ]; then
		khv_desc="work tree at $commit"
		git -C "$REPO" diff --quiet HEAD -- module uapi Kbuild 2>/dev/null ||
			khv_desc+=" with uncommitted changes"
	else
		khv_desc=$khv
	fi
fi
mkdir -p "$dir/khv-ko" && cp "$khv" "$dir/khv-ko/khv.ko" || die "no $khv"

# skip.txt: "HV TEST WHY" lines; those tests are not run on that hypervisor.
skipped() { [ $noskip = 0 ] && awk -v h="$1" -v t="$2" '!/^#/ && $1 == h && $2 == t { f = 1 } END { exit !f }' \
	"$HERE/skip.txt"; }

declare -A todo
for hv in $hvs; do
	todo[$hv]=
	for t in $tests; do
		skipped "$hv" "$t" || todo[$hv]+=" $t"
	done
done

# Bochs CPU seconds without serial output before the runner gives up: one
# test's watchdog (guest seconds run at least as fast as Bochs CPU seconds)
# plus room for its output.
idle=$((per_test + 300))
boot=0
while [ $boot -lt "$max_boots" ]; do
	left=0
	for hv in $hvs; do
		[ -n "$(echo ${todo[$hv]})" ] && left=1
	done
	[ $left = 1 ] || break
	boot=$((boot + 1))
	b=$dir/boot$boot
	mkdir -p "$b/conf"
	{
		echo "KVMST_KVM=\"$(echo ${todo[kvm_intel]:-})\""
		echo "KVMST_KHV=\"$(echo ${todo[khv]:-})\""
		echo "KVMST_TIMEOUT=$per_test"
	} >"$b/conf/kvmst.conf"
	echo "kvm-selftests: boot $boot: kvm_intel:$(echo ${todo[kvm_intel]:-} | wc -w)" \
		"khv:$(echo ${todo[khv]:-} | wc -w) tests (log: $b)" >&2
	"$REPO/tools/testvm/run" --cpus "$cpus" --mem 2048 --timeout 14400 \
		--idle-timeout "$idle" --plan "$HERE/plan.sh" --add "$bundle" \
		--add "$b/conf/kvmst.conf" --add "$dir/khv-ko/khv.ko" --keep "$b" \
		>"$b/run.txt" 2>&1
	tail -n 1 "$b/run.txt" >&2
	awk -f "$HERE/parse.awk" -v detail="$dir/out" "$b/serial.log" >"$b/results.tsv"
	cat "$b/results.tsv" >>"$dir/results.tsv"
	# What this boot did not reach goes to the next one; an unfinished test
	# is not run again (it would most likely wedge the VM again).
	progress=0
	for hv in $hvs; do
		rest=
		for t in ${todo[$hv]:-}; do
			if awk -v h="$hv" -v t="$t" -F '\t' '$1 == h && $2 == t { f = 1 } END { exit !f }' \
				"$b/results.tsv"; then
				progress=1
			else
				rest+=" $t"
			fi
		done
		todo[$hv]=$rest
	done
	[ $progress = 1 ] || { echo "kvm-selftests: boot $boot ran no test; giving up" >&2; break; }
done

reused=
if [ -n "$reuse" ]; then
	[ -f "$reuse/results.tsv" ] && [ -f "$reuse/meta" ] || die "no results in $reuse"
	for hv in kvm_intel khv; do
		case " $hvs " in *" $hv "*) continue ;; esac
		awk -F '\t' -v h="$hv" '$1 == h' "$reuse/results.tsv" >>"$dir/results.tsv"
		cp "$reuse/out/$hv".*.txt "$dir/out/" 2>/dev/null
		reused+="$hv from the run of $(sed -n 's/^date=//p' "$reuse/meta")"
		reused+=" ($(sed -n "s/^$hv=//p" "$reuse/meta"))"
		[ $hv = khv ] && khv_desc=$(sed -n 's/^khv=//p' "$reuse/meta")
		hvs+=" $hv"
		todo[$hv]=$(sed -n "s/^notrun_$hv=//p" "$reuse/meta")
	done
fi

{
	echo "date=$(date -u +%Y-%m-%d)"
	echo "reused=$reused"
	echo "khv=$khv_desc"
	echo "source=linux-source-6.1 $(dpkg-query -W -f='${Version}' linux-source-6.1)"
	kver=$(cat "$("$REPO/tools/testvm/kernel.sh" --print-dir)/include/config/kernel.release")
	echo "kernel=$kver"
	echo "kvm_intel=the test kernel's, $kver"
	echo "cpus=$cpus"
	echo "boots=$boot"
	echo "timeout=$per_test"
	echo "hvs=$hvs"
	echo "tests=$(echo $tests)"
	for hv in $hvs; do
		echo "notrun_$hv=$(echo ${todo[$hv]:-})"
	done
} >"$dir/meta"

for hv in $hvs; do
	awk -F '\t' -v h="$hv" '$1 == h { n[$3]++ } END {
		printf "kvm-selftests: %s:", h
		for (r in n) printf " %d %s", n[r], r
		printf "\n" }' "$dir/results.tsv"
done
echo "kvm-selftests: results in $dir/results.tsv"
[ -s "$dir/results.tsv" ] || die "no test ran (see $dir/boot*/run.txt)"
[ -z "$report" ] || "$HERE/report.sh" "$dir" "$report"
