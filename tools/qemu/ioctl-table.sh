#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ioctl-table.sh TRACE...: what kvmtrace.so logs say a VMM asked of the
# device, as a Markdown table: each ioctl with the fd it went to, the number
# of calls and of failures (with their errnos), in order of first use; then
# the capabilities it checked with their answers and the exits of KVM_RUN.
# docs/qemu.md was made with it from the traces of tools/qemu/check.sh.

awk '
function kind(k) { sub(/^vcpu[0-9]+$/, "vcpu", k); return k }
{
	res = $NF; failed = ($(NF - 1) == "-1")
	k = kind($3) " " $4
	if (!(k in calls)) order[n++] = k
	calls[k]++
	if (failed) { fails[k]++; if (index(errs[k], res) == 0) errs[k] = errs[k] " " res }
	if ($4 == "KVM_CHECK_EXTENSION" && !($5 in cap)) { cap[$5] = res; corder[nc++] = $5 }
	if ($4 == "KVM_RUN" && $5 == "exit") {
		e = $6
		if (e == "IO" || e == "MMIO") e = e " " $7
		if (!(e in exits)) eorder[ne++] = e
		exits[e]++
	}
}
END {
	print "| fd | ioctl | calls | failed |"
	print "|---|---|---|---|"
	for (i = 0; i < n; i++) {
		split(order[i], p, " ")
		f = fails[order[i]] ? fails[order[i]] " (" substr(errs[order[i]], 2) ")" : ""
		print "| " p[1] " | " p[2] " | " calls[order[i]] " | " f " |"
	}
	print ""
	printf "Capabilities checked (answer):"
	for (i = 0; i < nc; i++) printf " %s=%s", corder[i], cap[corder[i]]
	print ""
	print ""
	printf "KVM_RUN exits:"
	for (i = 0; i < ne; i++) printf " %s %d;", eorder[i], exits[eorder[i]]
	print ""
}' "$@"
