/* VRRP timer arithmetic (see vrrp_timers.h for the formulas and rounding). */
#include "config.h"
#include "vrrp_timers.h"

/* Priorities above 255 cannot be sent; treat them as 255 so a caller's
 * mistake cannot make (256 - priority) wrap around. */
static uint64_t skew_weight(unsigned priority)
{
	return 256 - (priority > 255 ? 255 : priority);
}

uint64_t vrrp_skew_time_us(unsigned version, unsigned priority, uint64_t interval_us)
{
	if (version == 2)
		return skew_weight(priority) * VRRP_US_PER_SEC / 256;
	return skew_weight(priority) * interval_us / 256;
}

uint64_t vrrp_master_down_interval_us(unsigned version, unsigned priority,
				      uint64_t interval_us)
{
	return 3 * interval_us + vrrp_skew_time_us(version, priority, interval_us);
}

uint64_t vrrp_interval_from_wire_us(unsigned version, unsigned wire_value)
{
	return (uint64_t)wire_value * (version == 2 ? VRRP_US_PER_SEC : VRRP_US_PER_CS);
}

unsigned vrrp_interval_to_wire(unsigned version, uint64_t interval_us)
{
	uint64_t unit = version == 2 ? VRRP_US_PER_SEC : VRRP_US_PER_CS;
	uint64_t max = version == 2 ? VRRP_V2_INTERVAL_MAX_S : VRRP_V3_INTERVAL_MAX_CS;
	uint64_t value = (interval_us + unit / 2) / unit;

	if (value < 1)
		return 1;
	return (unsigned)(value > max ? max : value);
}
