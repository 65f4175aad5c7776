# SPDX-License-Identifier: GPL-2.0
#
# Read the test VM's serial log and tally the test cases. Plain POSIX awk
# (Debian's default is mawk). Variables:
#   noise=FILE  regexes (one a line, # comments) of known emulator noise
#   cpus=N      CPUs the VM had: with more than one, MWAIT idle is fatal
# Prints "PASS|FAIL|SKIP name" per test case, "FATAL ..." per kernel report,
# and as its last line: TALLY pass fail skip boot_ok plan_end current-test

function fail_case(name, why) {
	print "FAIL " name (why != "" ? "  (" why ")" : "")
	nfail++
	sect_fail++
}

function result(kind, name) {
	if (kind == "FAIL") {
		fail_case(name, "")
		return
	}
	print kind " " name
	if (kind == "SKIP")
		nskip++
	else
		npass++
}

# A KTAP suite ends: count the cases its plan promised but never reported.
function close_suite(   i) {
	if (suite == "")
		return
	if (suite_plan > suite_seen) {
		for (i = suite_seen + 1; i <= suite_plan; i++)
			fail_case(suite ".#" i, "no result")
	} else if (suite_seen == 0) {
		if (suite_ok == "")
			fail_case(suite, "suite reported nothing")
		else if (suite_ok == "ok")
			result(suite_skip ? "SKIP" : "PASS", suite)
		else
			fail_case(suite, "")
	}
	suite = ""
	suite_plan = suite_seen = 0
	suite_ok = ""
}

# at_eof: the log ended inside the section (hang, panic, timeout); the
# runner counts that stop as the one failure and names the section.
function close_section(at_eof,   miss, i) {
	if (at_eof && !sect_ended) {
		sect_type = ""
		suite = ""
	}
	if (sect_type == "ktap") {
		close_suite()
		# A kernel report already failed this section: one failure
		# per cause is enough.
		if (sect_fail > 0 && sect_results == 0)
			;
		else if (!sect_ended)
			fail_case(sect_name, "did not finish")
		else if (sect_rc != 0 && sect_results == 0)
			fail_case(sect_name, "insmod rc=" sect_rc)
	} else if (sect_type == "tap") {
		miss = tap_plan - sect_results
		if (sect_fail > 0 && sect_results == 0) {
			;
		} else if (!sect_ended) {
			fail_case(sect_name, "did not finish")
		} else if (sect_rc == 4 && sect_results == 0) {
			result("SKIP", sect_name)
		} else if (miss > 0) {
			for (i = sect_results + 1; i <= tap_plan; i++)
				fail_case(sect_name ":#" i, "no result, rc=" sect_rc)
		} else if (sect_results == 0) {
			fail_case(sect_name, "no TAP results, rc=" sect_rc)
		} else if (sect_rc != 0 && sect_fail == 0) {
			fail_case(sect_name, "exit code " sect_rc)
		}
	} else if (sect_type == "check") {
		if (sect_results == 0 && sect_fail == 0)
			fail_case(sect_name, "did not finish")
	}
	sect_type = ""
}

function open_section(type, name) {
	close_section()
	sect_type = type
	sect_name = name
	last_test = name
	running = name
	sect_ended = sect_results = sect_fail = sect_rc = tap_plan = 0
	fatal_sect = ""
}

# "ok 3 name # SKIP why" -> name; sets is_skip
function case_name(s,   n) {
	sub(/^(not )?ok [0-9]+ ?/, "", s)
	is_skip = (s ~ /# *[Ss][Kk][Ii][Pp]/)
	n = index(s, " #")
	if (n > 0)
		s = substr(s, 1, n - 1)
	return s == "" ? "?" : s
}

function fatal(line,   i, where) {
	for (i = 1; i <= nnoise; i++) {
		if (line ~ noise_re[i]) {
			print "NOISE " line
			return
		}
	}
	where = running != "" ? "during " running : \
		(last_test != "" ? "after " last_test : "before any test")
	print "FATAL " where ": " line
	# One failure per test for all the kernel reports it caused.
	if (fatal_sect != where) {
		fatal_sect = where
		nfail++
		sect_fail++
	}
}

BEGIN {
	nnoise = 0
	if (noise != "") {
		while ((getline l < noise) > 0) {
			if (l ~ /^[ \t]*(#|$)/)
				continue
			noise_re[++nnoise] = l
		}
	}
	running = last_test = sect_type = suite = fatal_sect = ""
	npass = nfail = nskip = boot_ok = plan_end = 0
	pat = "Kernel panic|Oops|BUG:|WARNING:|KASAN:|UBSAN:|general protection fault|"
	pat = pat "Unable to handle kernel|kernel BUG at|double fault|"
	pat = pat "possible circular locking|inconsistent lock state|possible recursive locking|"
	pat = pat "suspicious RCU usage|bad unlock balance|held lock freed|lock held when returning|"
	pat = pat "new suspected memory leak|blocked for more than|detected stall|"
	pat = pat "soft lockup|hard LOCKUP|non-responsive CSD lock|list_add corruption|"
	pat = pat "list_del corruption|ODEBUG:|KHV-BOOT-FAIL"
	if (cpus > 1)
		pat = pat "|using mwait in idle threads"
}

{
	line = $0
	gsub(/\r/, "", line)
	kernel = 0
	if (match(line, /^\[ *[0-9]+\.[0-9]+\] /)) {
		kernel = 1
		line = substr(line, RLENGTH + 1)
	}

	if (kernel) {
		if (line ~ pat)
			fatal(line)
		# KTAP from a KUnit module, possibly printed just after its END.
		if (sect_type == "ktap") {
			if (line ~ /^    1\.\.[0-9]+/) {
				suite_plan = substr(line, 8) + 0
			} else if (line ~ /^    # Subtest: /) {
				close_suite()
				suite = substr(line, 16)
			} else if (line ~ /^    (not )?ok [0-9]+/) {
				t = line
				sub(/^    /, "", t)
				n = case_name(t)
				suite_seen++
				sect_results++
				result(t ~ /^not / ? "FAIL" : (is_skip ? "SKIP" : "PASS"), \
					sect_name "." suite "." n)
			} else if (line ~ /^(not )?ok [0-9]+/) {
				suite_ok = (line ~ /^not /) ? "not ok" : "ok"
				n = case_name(line)
				suite_skip = is_skip
				if (suite == "")
					suite = n
				close_suite()
			}
		}
		next
	}

	if (match(line, /KHV-[A-Z-]+/)) {
		m = substr(line, RSTART, RLENGTH)
		rest = substr(line, RSTART + RLENGTH + 1)
		split(rest, w, " ")
		if (m == "KHV-BOOT-OK") {
			boot_ok = 1
		} else if (m == "KHV-BOOT-FAIL") {
			fatal(line)
		} else if (m == "KHV-KTAP-BEGIN") {
			open_section("ktap", w[1])
		} else if (m == "KHV-TAP-BEGIN") {
			open_section("tap", w[1])
		} else if (m == "KHV-CHECK-BEGIN") {
			open_section("check", w[1])
		} else if (m == "KHV-KMEMLEAK-BEGIN") {
			close_section()
			running = "kmemleak scan"
		} else if (m ~ /^KHV-(KTAP|TAP)-END$/ && w[1] == sect_name) {
			sect_ended = 1
			sect_rc = substr(w[2], 4) + 0
			# printk may still be draining KTAP lines to the console:
			# a KTAP section stays open until the next marker.
			if (sect_type != "ktap")
				close_section()
			running = ""
		} else if (m == "KHV-RESULT" && sect_type == "check") {
			sect_results++
			result(w[1], sect_name)
			close_section()
			running = ""
		} else if (m == "KHV-KMEMLEAK-END") {
			running = ""
		} else if (m == "KHV-PLAN-END") {
			close_section()
			plan_end = 1
			running = ""
		} else if (m == "KHV-LOG") {
			print "LOG " rest
		} else if (m !~ /^KHV-(KTAP|TAP|CHECK|RESULT)/) {
			print "LOG " substr(line, RSTART)
		}
		next
	}

	if (sect_type == "tap") {
		if (line ~ /^1\.\.[0-9]+/) {
			tap_plan = substr(line, 4) + 0
		} else if (line ~ /^(not )?ok [0-9]+/) {
			n = case_name(line)
			sect_results++
			if (line ~ /^not /)
				result("FAIL", sect_name ":" n)
			else
				result(is_skip ? "SKIP" : "PASS", sect_name ":" n)
		}
	}
}

END {
	close_section(!plan_end)
	close_suite()
	cur = running != "" ? running : (last_test != "" ? "after " last_test : "boot")
	print "TALLY " npass " " nfail " " nskip " " boot_ok " " plan_end " " cur
}
