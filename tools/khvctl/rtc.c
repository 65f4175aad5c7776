// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal MC146818 CMOS RTC at ports 0x70 (index) and 0x71 (data), for
 * "khvctl boot": the time registers read the host's UTC time in BCD,
 * 24-hour mode, and the update-in-progress flag is never set. Without it a
 * Linux guest polls status A for 1000 ms of its time waiting for UIP to
 * clear (mc146818_get_time(), ~40,000 port exits, 17 s under Bochs) and
 * then starts at 1970. The rest of the 128 bytes is plain CMOS RAM; no
 * alarm, periodic interrupt or NMI mask (index bit 7 is ignored).
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "khvctl.h"

#define RTC_PORT	0x70
#define CMOS_SIZE	128

enum {
	RTC_SECONDS	= 0x00,
	RTC_MINUTES	= 0x02,
	RTC_HOURS	= 0x04,
	RTC_WEEKDAY	= 0x06,
	RTC_DAY		= 0x07,
	RTC_MONTH	= 0x08,
	RTC_YEAR	= 0x09,
	RTC_REG_A	= 0x0a,
	RTC_REG_B	= 0x0b,
	RTC_REG_C	= 0x0c,
	RTC_REG_D	= 0x0d,
	RTC_CENTURY	= 0x32,
};

#define REG_A_DIVIDER	0x26	/* 32.768 kHz time base, 1024 Hz rate; UIP 0 */
#define REG_B_24H	0x02	/* BCD (DM = 0), 24-hour */
#define REG_D_VRT	0x80	/* valid RAM and time */

static struct {
	pthread_mutex_t lock;
	uint8_t index;
	uint8_t ram[CMOS_SIZE];
} rtc = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

static uint8_t bcd(int v)
{
	return (v / 10) << 4 | v % 10;
}

static uint8_t rtc_read(uint8_t reg)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	switch (reg) {
	case RTC_SECONDS:
		return bcd(tm.tm_sec > 59 ? 59 : tm.tm_sec);
	case RTC_MINUTES:
		return bcd(tm.tm_min);
	case RTC_HOURS:
		return bcd(tm.tm_hour);
	case RTC_WEEKDAY:
		return bcd(tm.tm_wday + 1);
	case RTC_DAY:
		return bcd(tm.tm_mday);
	case RTC_MONTH:
		return bcd(tm.tm_mon + 1);
	case RTC_YEAR:
		return bcd(tm.tm_year % 100);
	case RTC_CENTURY:
		return bcd(19 + tm.tm_year / 100);
	case RTC_REG_A:
		return REG_A_DIVIDER;
	case RTC_REG_B:
		return REG_B_24H;
	case RTC_REG_C:
		return 0;		/* no interrupt flags */
	case RTC_REG_D:
		return REG_D_VRT;
	default:
		return rtc.ram[reg];
	}
}

static int rtc_in(struct vcpu *vcpu, uint16_t off, void *data, int size)
{
	uint8_t *p = data;
	int i;

	pthread_mutex_lock(&rtc.lock);
	for (i = 0; i < size; i++)
		p[i] = off + i == 1 ? rtc_read(rtc.index) :
		       off + i == 0 ? rtc.index : 0xff;
	pthread_mutex_unlock(&rtc.lock);
	return VCPU_CONTINUE;
}

static int rtc_out(struct vcpu *vcpu, uint16_t off, const void *data, int size)
{
	const uint8_t *p = data;
	int i;

	pthread_mutex_lock(&rtc.lock);
	for (i = 0; i < size && off + i < 2; i++) {
		if (off + i == 0)
			rtc.index = p[i] & (CMOS_SIZE - 1);
		else if (rtc.index > RTC_REG_D)	/* the clock is the host's */
			rtc.ram[rtc.index] = p[i];
	}
	pthread_mutex_unlock(&rtc.lock);
	return VCPU_CONTINUE;
}

static const struct ioport_dev rtc_dev = {
	.name = "rtc",
	.base = RTC_PORT,
	.len = 2,
	.in = rtc_in,
	.out = rtc_out,
};

void rtc_init(void)
{
	ioport_register(&rtc_dev);
}
