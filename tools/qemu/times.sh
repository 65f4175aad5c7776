#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# times.sh: the QEMU cases' times of check.sh and check-linux.sh on khv and
# on kvm_intel side by side, from /tmp/qemu-times.{khv,kvm} (seconds of the
# test VM for the whole QEMU run; Linux cases "run/guest uptime at /init").
# One "KHV-LOG" line per case, shown by the runner and not counted.

awk '
FNR == 1 { hv = FILENAME; sub(/.*\./, "", hv) }
{
	if (!($1 in seen)) {
		seen[$1] = 1
		order[n++] = $1
	}
	t[hv, $1] = $2
}
END {
	printf "KHV-LOG qemu-times: %-22s %12s %12s\n", "case", "khv", "kvm_intel"
	for (i = 0; i < n; i++) {
		c = order[i]
		k = (("khv", c) in t) ? t["khv", c] : "-"
		q = (("kvm", c) in t) ? t["kvm", c] : "-"
		printf "KHV-LOG qemu-times: %-22s %12s %12s\n", c, k, q
	}
}' /tmp/qemu-times.khv /tmp/qemu-times.kvm 2>/dev/null
