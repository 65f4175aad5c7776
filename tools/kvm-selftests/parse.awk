# SPDX-License-Identifier: GPL-2.0
#
# Read a test VM's serial.log from tools/kvm-selftests/plan.sh (or any plan
# using vm-lib.sh) and print one line per KVM selftest run, tab-separated:
#   HV TEST RESULT RC SECS SUMMARY
# RESULT is pass, fail, skip or timeout (vm-lib.sh's watchdog), or
# unfinished for a test the log ends in (the VM wedged or died). SUMMARY is
# the first failure: the assertion's message and location, the skip reason,
# or a kernel report seen during the test. Variables:
#   detail=DIR  also write each test's output to DIR/HV.TEST.txt
# Plain POSIX awk (Debian's default is mawk).

function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

function start(hv_, name_) {
	hv = hv_
	name = name_
	n = 0
	kreport = ""
	assert_loc = assert_errno = assert_msg = skip = ""
	in_assert = 0
}

function save(   f, i) {
	if (detail == "" || name == "")
		return
	f = detail "/" hv "." name ".txt"
	for (i = 1; i <= n; i++)
		print buf[i] > f
	close(f)
}

function summary(res, rc,   s) {
	if (kreport != "")
		s = "kernel: " kreport
	if (res == "skip" && skip != "")
		return skip
	if (assert_loc != "") {
		s = (s != "" ? s "; " : "") (assert_msg != "" ? assert_msg : "assertion") \
			" [" assert_loc (assert_errno != "" ? ", " assert_errno : "") "]"
	} else if (res == "timeout") {
		s = (s != "" ? s "; " : "") assert_msg
	} else if (res == "fail" && rc + 0 > 128) {
		s = (s != "" ? s "; " : "") "killed by signal " (rc - 128) \
			(rc == 139 ? " (SIGSEGV)" : rc == 134 ? " (SIGABRT)" : "")
	}
	return s
}

function emit(res, rc, secs,   s) {
	s = summary(res, rc)
	# A kernel report (WARNING, BUG, ...) fails the case in the runner's
	# tally too; the table says so instead of "pass".
	if (res == "pass" && kreport != "")
		res = "fail"
	printf "%s\t%s\t%s\t%s\t%s\t%s\n", hv, name, res, rc, secs, s
	save()
	name = ""
}

BEGIN {
	name = ""
	kpat = "Kernel panic|Oops|BUG:|WARNING:|KASAN:|UBSAN:|general protection fault|" \
		"kernel BUG at|double fault|detected stall|soft lockup|hard LOCKUP|" \
		"blocked for more than|possible circular locking|inconsistent lock state"
}

{
	line = $0
	gsub(/\r/, "", line)
}

line ~ /^KHV-CHECK-BEGIN kvm-selftests:/ {
	split(substr(line, length("KHV-CHECK-BEGIN kvm-selftests:") + 1), p, ":")
	start(p[1], p[2])
	next
}

name == "" { next }

line ~ /^KVMST-RESULT / {
	split(line, f, " ")
	rc = f[5]; sub(/^rc=/, "", rc)
	secs = f[6]; sub(/^secs=/, "", secs)
	if (f[4] == "timeout")
		assert_msg = assert_msg == "" ? "killed by the watchdog after " secs " guest s" : assert_msg
	emit(f[4], rc, secs)
	next
}

line ~ /^KHV-(RESULT|CHECK-BEGIN|TAP-BEGIN|KTAP-BEGIN|PLAN-END)/ { next }

{
	buf[++n] = line
}

# Kernel lines carry a printk timestamp.
line ~ /^\[ *[0-9]+\.[0-9]+\]/ {
	if (kreport == "" && line ~ kpat) {
		kreport = line
		sub(/^\[ *[0-9]+\.[0-9]+\] */, "", kreport)
	}
	next
}

line ~ /^==== Test Assertion Failure ====/ {
	if (assert_loc == "")
		in_assert = 1
	next
}

in_assert == 1 {
	assert_loc = trim(line)
	in_assert = 2
	next
}

in_assert == 2 {
	# "  pid=86 tid=86 errno=22 - Invalid argument"
	if (match(line, /errno=[0-9]+ - .*/))
		assert_errno = substr(line, RSTART, RLENGTH)
	in_assert = 3
	next
}

in_assert == 3 {
	# The stack dump (addr2line | cat -n, or the shell's complaint that
	# there is no addr2line) comes before the message.
	if (line ~ /addr2line|^ +[0-9]+\t/)
		next
	if (line ~ /^  /) {
		assert_msg = trim(line)
		in_assert = 4
		nmsg = 1
	} else {
		in_assert = 0
	}
	next
}

# A message of several lines (e.g. the memslot a failed
# KVM_SET_USER_MEMORY_REGION named), all indented.
in_assert == 4 {
	if (line ~ /^  [^ ]/ && nmsg < 6) {
		assert_msg = assert_msg " " trim(line)
		nmsg++
		next
	}
	in_assert = 0
}

line ~ /# SKIP|skipping test/ {
	if (skip == "") {
		skip = trim(line)
		sub(/^1\.\.0 # SKIP -? */, "", skip)
	}
}

END {
	if (name != "") {
		printf "%s\t%s\t%s\t%s\t%s\t%s\n", hv, name, "unfinished", "-", "-", summary("")
		save()
	}
}
