# SPDX-License-Identifier: GPL-2.0
#
# Helpers for test plans (/khv/plan.sh sources /khv/plan-lib.sh). Each helper
# brackets its output with KHV-* marker lines that tools/testvm/analyze.awk
# counts on the host.

# kunit_module PATH [PARAMS...]: load a module whose KUnit suites run at
# load time. The KTAP report reaches the console through printk.
kunit_module()
{
	local path=$1 name rc
	shift
	name=$(basename "$path" .ko)
	echo "KHV-KTAP-BEGIN $name"
	insmod "$path" "$@"
	rc=$?
	echo "KHV-KTAP-END $name rc=$rc"
	return $rc
}

# selftest PATH [ARGS...]: run a kselftest-harness (TAP 13) binary. Its
# output goes to a file first so that kernel messages, which share the
# console, cannot split its lines.
selftest()
{
	local path=$1 name out rc
	shift
	name=$(basename "$path")
	out=/tmp/$name.$$.tap
	echo "KHV-TAP-BEGIN $name"
	"$path" "$@" >"$out" 2>&1
	rc=$?
	cat "$out"
	echo "KHV-TAP-END $name rc=$rc"
	return $rc
}

# check NAME CMD [ARGS...]: one test case that passes when CMD exits 0.
# Exit code 4 (kselftest's KSFT_SKIP) reports it as skipped.
check()
{
	local name=$1 rc
	shift
	echo "KHV-CHECK-BEGIN $name"
	"$@"
	rc=$?
	case $rc in
	0) echo "KHV-RESULT PASS $name" ;;
	4) echo "KHV-RESULT SKIP $name" ;;
	*) echo "KHV-RESULT FAIL $name rc=$rc" ;;
	esac
	return $rc
}

# log MSG...: a line on the console that the runner shows but does not count.
log()
{
	echo "KHV-LOG $*"
}
