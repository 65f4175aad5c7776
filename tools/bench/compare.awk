# SPDX-License-Identifier: GPL-2.0
#
# compare.awk: read the test VM's serial log of a "make bench" run, take the
# JSON that khv-bench wrote for each device (between KHV-BENCH-JSON-BEGIN
# and -END lines), print one Markdown table (metric, khv, KVM, khv/KVM,
# target) and write both documents plus the comparison to json=FILE.
# Plain POSIX awk (Debian's default is mawk). Exit 1 when neither device
# produced results.
#
#   awk -f compare.awk -v json=OUT.json serial.log

function jstr(line, key,   re, k) {
	re = "\"" key "\": \"([^\"\\\\]|\\\\.)*\""
	if (!match(line, re))
		return ""
	k = length(key) + 5
	return substr(line, RSTART + k, RLENGTH - k - 1)
}

function jnum(line, key,   re, k, v) {
	re = "\"" key "\": [^,}]*"
	if (!match(line, re))
		return ""
	k = length(key) + 4
	v = substr(line, RSTART + k, RLENGTH - k)
	return v == "null" ? "" : v + 0
}

# Same rules as khv-bench's own table (report.c).
function fmt(v) {
	if (v == "")
		return "n/a"
	if (v < 10)
		return sprintf("%.3f", v)
	if (v < 1000)
		return sprintf("%.1f", v)
	return sprintf("%.0f", v)
}

function cell(d, m) {
	if (med[d, m] == "")
		return "n/a"
	return fmt(med[d, m]) " (" fmt(lo[d, m]) "-" fmt(hi[d, m]) ")"
}

function target_text(m,   t, v) {
	t = tkind[m]
	v = tval[m]
	if (t == "ratio_le")
		return "<= " v "x KVM"
	if (t == "ratio_ge")
		return ">= " v "x KVM"
	if (t == "abs_le")
		return "<= " v
	return "-"
}

{ sub(/\r$/, "") }

/^KHV-BENCH-JSON-BEGIN / {
	dev = $2
	injson = 1
	doc[dev] = ""
	next
}
# A document counts only when complete (the VM may die while printing it).
/^KHV-BENCH-JSON-END / {
	injson = 0
	have[dev] = 1
	next
}
# Kernel messages share the console: keep them out of the documents.
injson && /^\[ *[0-9]+\.[0-9]+\]/ { next }
injson {
	doc[dev] = doc[dev] (doc[dev] == "" ? "" : "\n") $0
	if ($0 ~ /^"kernel": /)
		kernel = jstr($0, "kernel")
	if ($0 ~ /^"reps": /)
		reps[dev] = jnum($0, "reps")
	if ($0 ~ /^"warmup": /)
		warmup[dev] = jnum($0, "warmup")
	if ($0 !~ /^\{"name": /)
		next
	m = jstr($0, "name")
	if (!(m in seen)) {
		seen[m] = 1
		order[++nm] = m
		label[m] = jstr($0, "label")
		unit[m] = jstr($0, "unit")
		tkind[m] = jstr($0, "target")
		tval[m] = jnum($0, "target_value")
	}
	med[dev, m] = jnum($0, "median")
	lo[dev, m] = jnum($0, "min")
	hi[dev, m] = jnum($0, "max")
	na[dev, m] = jstr($0, "na")
}

END {
	if (!have["khv"] && !have["kvm"]) {
		print "compare: no khv-bench results in the log" > "/dev/stderr"
		exit 1
	}
	printf "khv-bench, kernel %s: median (min-max) of %s samples on khv, %s on KVM" \
		" (kvm_intel), after warm-up.\n", kernel == "" ? "?" : kernel,
		have["khv"] ? reps["khv"] : 0, have["kvm"] ? reps["kvm"] : 0
	print "TSC = guest RDTSC ticks; in Bochs one tick per emulated instruction.\n"
	print "| metric | unit | khv | KVM | khv/KVM | target | result |"
	print "|---|---|---|---|---|---|---|"
	for (i = 1; i <= nm; i++) {
		m = order[i]
		for (d in doc)
			if (!have[d])
				med[d, m] = ""
		a = med["khv", m]
		b = med["kvm", m]
		ratio[m] = (a != "" && b != "" && b > 0) ? a / b : ""
		t = tkind[m]
		res[m] = "n/a"
		if (t == "none")
			res[m] = "-"
		else if (t == "abs_le" && a != "")
			res[m] = a <= tval[m] ? "met" : "MISSED"
		else if (t == "ratio_le" && ratio[m] != "")
			res[m] = ratio[m] <= tval[m] ? "met" : "MISSED"
		else if (t == "ratio_ge" && ratio[m] != "")
			res[m] = ratio[m] >= tval[m] ? "met" : "MISSED"
		printf "| %s | %s | %s | %s | %s | %s | %s |\n", label[m], unit[m],
			cell("khv", m), cell("kvm", m),
			ratio[m] == "" ? "n/a" : sprintf("%.2f", ratio[m]),
			target_text(m), res[m]
	}

	# Why a figure is missing: one line per device and reason.
	nr = 0
	split("khv kvm", devs, " ")
	for (d = 1; d <= 2; d++) {
		dv = devs[d]
		if (!have[dv]) {
			why[++nr] = sprintf("- %s: no results (the benchmark did not run; see the serial log)",
					    dv == "kvm" ? "KVM" : "khv")
			continue
		}
		for (i = 1; i <= nm; i++) {
			m = order[i]
			if (med[dv, m] != "" || na[dv, m] == "")
				continue
			key = dv SUBSEP na[dv, m]
			if (!(key in reason)) {
				reason[key] = ++nr
				why[nr] = sprintf("- %s, %s: %s", dv == "kvm" ? "KVM" : "khv",
						  m, na[dv, m])
			} else {
				why[reason[key]] = why[reason[key]]
				sub(/: /, ", " m ": ", why[reason[key]])
			}
		}
	}
	if (nr) {
		print "\nn/a:"
		for (i = 1; i <= nr; i++)
			print why[i]
	}

	if (json == "")
		exit 0
	printf "{\n\"khv\": %s,\n\"kvm\": %s,\n\"comparison\": [\n",
		have["khv"] ? doc["khv"] : "null",
		have["kvm"] ? doc["kvm"] : "null" > json
	for (i = 1; i <= nm; i++) {
		m = order[i]
		printf "{\"name\": \"%s\", \"unit\": \"%s\", \"khv\": %s, \"kvm\": %s, " \
			"\"ratio\": %s, \"target\": \"%s\", \"target_value\": %s, " \
			"\"result\": \"%s\"}%s\n", m, unit[m],
			med["khv", m] == "" ? "null" : med["khv", m],
			med["kvm", m] == "" ? "null" : med["kvm", m],
			ratio[m] == "" ? "null" : sprintf("%.4f", ratio[m]),
			tkind[m], tval[m], res[m], i < nm ? "," : "" > json
	}
	print "]\n}" > json
	close(json)
}
