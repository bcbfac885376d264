/* VRRP timer arithmetic, exactly as the RFCs define it, in microseconds.
 *
 * VRRPv2 (RFC 3768 §6.1): the advertisement interval is in whole seconds and
 *   Skew_Time            = (256 - Priority) / 256 seconds
 *   Master_Down_Interval = 3 * Advertisement_Interval + Skew_Time
 * VRRPv3 (RFC 5798 §6.1, RFC 9568): intervals are in
 * centiseconds (10 ms .. 40.95 s), backups use the master's advertised
 * interval (Master_Adver_Interval), and
 *   Skew_Time            = ((256 - Priority) * Master_Adver_Interval) / 256
 *   Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time
 *
 * Rounding: the formulas are evaluated with integer arithmetic over
 * microseconds, multiplying before dividing, so the only rounding is the
 * final division by 256, which truncates: a result is the exact rational
 * value rounded down to the microsecond (never more than 1 us short, never
 * above).  Doing the same division over centiseconds, as the RFC's units
 * suggest, would lose up to 9.999 ms; microseconds are the unit the
 * runtime's timers take anyway. */
#ifndef VIGIL_VRRP_TIMERS_H
#define VIGIL_VRRP_TIMERS_H

#include <stdint.h>

#define VRRP_US_PER_SEC 1000000ULL
#define VRRP_US_PER_CS 10000ULL

/* Wire limits of the advertisement interval field. */
#define VRRP_V2_INTERVAL_MAX_S 255U     /* 8 bits, seconds */
#define VRRP_V3_INTERVAL_MAX_CS 4095U   /* 12 bits, centiseconds */

/* Skew_Time for `priority` (0..255).  `interval_us` is Master_Adver_Interval
 * for version 3 and is not used by version 2, whose skew depends only on the
 * priority. */
uint64_t vrrp_skew_time_us(unsigned version, unsigned priority, uint64_t interval_us);

/* Master_Down_Interval: `interval_us` is Advertisement_Interval (v2) or
 * Master_Adver_Interval (v3). */
uint64_t vrrp_master_down_interval_us(unsigned version, unsigned priority,
				      uint64_t interval_us);

/* The advertisement interval field of a packet (v2: seconds, v3:
 * centiseconds) as microseconds. */
uint64_t vrrp_interval_from_wire_us(unsigned version, unsigned wire_value);

/* An interval as the packet field carries it: rounded to the nearest unit
 * and clamped to what the field can hold (1..255 s, 1..4095 cs), since
 * an interval of 0 is invalid on the wire. */
unsigned vrrp_interval_to_wire(unsigned version, uint64_t interval_us);

#endif
