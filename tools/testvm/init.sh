#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the khv test VM (busybox sh). Mounts the pseudo filesystems, says
# the guest is up, runs /khv/plan.sh and powers off; the host runner reads
# the KHV-* marker lines on the serial console.

export PATH=/khv/bin:/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/tmp

# The UART sends what the plan printed after the write returned: wait until
# its transmit count stops moving, or the end of a long output is lost when
# the machine goes off (seen with plans that end in a large report).
drain_console()
{
	local prev= cur i=0

	while [ $i -lt 20 ]; do
		cur=$(grep '^0:' /proc/tty/driver/serial 2>/dev/null)
		[ -z "$cur" ] || [ "$cur" = "$prev" ] && return
		prev=$cur
		sleep 1
		i=$((i + 1))
	done
}

# ACPI S5 makes Bochs exit; without ACPI (acpi=off) a reboot, which the
# kernel does by a triple fault (reboot=triple), ends Bochs as well.
power_off()
{
	drain_console
	if [ -d /sys/firmware/acpi ]; then
		poweroff -f
	else
		reboot -f
	fi
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
exec </dev/console >/dev/console 2>&1

. /khv/vm.conf

up=$(cut -d' ' -f1 /proc/uptime)
cpus=$(grep -c '^processor' /proc/cpuinfo)
if [ "$cpus" != "$KHV_CPUS" ]; then
	echo "KHV-BOOT-FAIL uptime=$up cpus=$cpus expected=$KHV_CPUS" \
		"online=$(cat /sys/devices/system/cpu/online)"
	power_off
fi
echo "KHV-BOOT-OK uptime=$up cpus=$cpus"

cd /khv
sh /khv/plan.sh
rc=$?

# kmemleak reports unreferenced objects older than 5 s; one scan, because
# under Bochs a scan of the debug kernel takes minutes of guest time.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo "KHV-KMEMLEAK-BEGIN"
	sleep 5
	echo scan >/sys/kernel/debug/kmemleak
	echo "KHV-KMEMLEAK-END"
fi

echo "KHV-PLAN-END rc=$rc uptime=$(cut -d' ' -f1 /proc/uptime)"
power_off
