/* Range-checked value parsers: one place that turns words into numbers,
 * times, addresses and names, and says precisely what is wrong with a bad
 * one ("priority: '300' is out of range 1..255"). */
#include "config.h"
#include "conf_value.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *arg_or_null(const struct conf_args *a, int idx)
{
	return idx < a->argc ? a->argv[idx] : NULL;
}

static bool require_arg(struct conf_parser *p, const struct conf_args *a, int idx)
{
	if (idx < a->argc)
		return true;
	conf_error(p, a, "%s: a value is missing", a->argv[0]);
	return false;
}

/* strtoull accepts leading blanks and a '-' sign: we want neither. */
static bool parse_decimal(const char *s, unsigned long long *out)
{
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0';
}

bool conf_get_uint(struct conf_parser *p, const struct conf_args *a, int idx,
		   unsigned long long min, unsigned long long max, unsigned long long *out)
{
	unsigned long long v;

	if (!require_arg(p, a, idx))
		return false;
	if (!parse_decimal(a->argv[idx], &v)) {
		conf_error(p, a, "%s: '%s' is not a whole number", a->argv[0], a->argv[idx]);
		return false;
	}
	if (v < min || v > max) {
		conf_error(p, a, "%s: '%s' is out of range %llu..%llu", a->argv[0], a->argv[idx],
			   min, max);
		return false;
	}
	*out = v;
	return true;
}

bool conf_get_int(struct conf_parser *p, const struct conf_args *a, int idx,
		  long long min, long long max, long long *out)
{
	const char *s;
	unsigned long long magnitude;
	bool negative;
	long long v;

	if (!require_arg(p, a, idx))
		return false;
	s = a->argv[idx];
	negative = s[0] == '-';
	if (!parse_decimal(s + (negative || s[0] == '+'), &magnitude) ||
	    magnitude > (unsigned long long)LLONG_MAX) {
		conf_error(p, a, "%s: '%s' is not a whole number", a->argv[0], s);
		return false;
	}
	v = negative ? -(long long)magnitude : (long long)magnitude;
	if (v < min || v > max) {
		conf_error(p, a, "%s: '%s' is out of range %lld..%lld", a->argv[0], s, min, max);
		return false;
	}
	*out = v;
	return true;
}

bool conf_get_u32(struct conf_parser *p, const struct conf_args *a, int idx,
		  uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v;

	if (!conf_get_uint(p, a, idx, min, max, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

bool conf_get_i32(struct conf_parser *p, const struct conf_args *a, int idx,
		  int32_t min, int32_t max, int32_t *out)
{
	long long v;

	if (!conf_get_int(p, a, idx, min, max, &v))
		return false;
	*out = (int32_t)v;
	return true;
}

bool conf_get_bool(struct conf_parser *p, const struct conf_args *a, int idx, bool *out)
{
	static const char *const yes[] = { "on", "true", "yes", NULL };
	static const char *const no[] = { "off", "false", "no", NULL };
	const char *s = arg_or_null(a, idx);

	if (!s) {
		*out = true;
		return true;
	}
	for (int i = 0; yes[i]; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	conf_error(p, a, "%s: '%s' is not one of on|off|true|false|yes|no", a->argv[0], s);
	return false;
}

/* "SECONDS[.FRACTION]" with at most six fractional digits, as microseconds. */
static bool parse_seconds_us(const char *s, uint64_t *out)
{
	unsigned long long whole = 0, frac = 0;
	const char *dot = strchr(s, '.');
	size_t frac_digits = 0;
	char whole_part[32];

	if (dot) {
		if ((size_t)(dot - s) >= sizeof(whole_part))
			return false;
		memcpy(whole_part, s, (size_t)(dot - s));
		whole_part[dot - s] = '\0';
		frac_digits = strlen(dot + 1);
		if (frac_digits == 0 || frac_digits > 6 || !parse_decimal(dot + 1, &frac))
			return false;
		if (dot != s && !parse_decimal(whole_part, &whole))
			return false;
	} else if (!parse_decimal(s, &whole)) {
		return false;
	}
	if (whole > UINT64_MAX / 1000000 - 1)
		return false;
	for (size_t i = frac_digits; i < 6; i++)
		frac *= 10;
	*out = whole * 1000000 + frac;
	return true;
}

bool conf_get_seconds_us(struct conf_parser *p, const struct conf_args *a, int idx,
			 uint64_t min_us, uint64_t max_us, uint64_t *out_us)
{
	uint64_t v;

	if (!require_arg(p, a, idx))
		return false;
	if (!parse_seconds_us(a->argv[idx], &v)) {
		conf_error(p, a, "%s: '%s' is not a time in seconds (e.g. 3 or 0.25)",
			   a->argv[0], a->argv[idx]);
		return false;
	}
	if (v < min_us || v > max_us) {
		conf_error(p, a, "%s: '%s' is out of range %g..%g seconds", a->argv[0],
			   a->argv[idx], min_us / 1e6, max_us / 1e6);
		return false;
	}
	*out_us = v;
	return true;
}

bool conf_get_enum(struct conf_parser *p, const struct conf_args *a, int idx,
		   const char *const *names, int *out)
{
	char choices[256] = "";
	size_t used = 0;

	if (!require_arg(p, a, idx))
		return false;
	for (int i = 0; names[i]; i++) {
		if (strcasecmp(a->argv[idx], names[i]) == 0) {
			*out = i;
			return true;
		}
		if (used < sizeof(choices))
			used += (size_t)snprintf(choices + used, sizeof(choices) - used, "%s%s",
						 i ? "|" : "", names[i]);
	}
	conf_error(p, a, "%s: '%s' is not one of %s", a->argv[0], a->argv[idx], choices);
	return false;
}

static bool parse_prefix_len(const char *s, unsigned max, uint8_t *out)
{
	unsigned long long v;

	if (!parse_decimal(s, &v) || v > max)
		return false;
	*out = (uint8_t)v;
	return true;
}

/* Parses "ADDR" or "ADDR/LEN" without reporting; returns a reason on failure. */
static const char *parse_addr(const char *s, enum conf_family family, bool allow_prefix,
			      struct vigil_addr *out)
{
	const char *slash = strchr(s, '/');
	char host[INET6_ADDRSTRLEN + 1];
	size_t host_len = slash ? (size_t)(slash - s) : strlen(s);

	if (host_len == 0 || host_len >= sizeof(host))
		return "is not an IP address";
	memcpy(host, s, host_len);
	host[host_len] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, host, &out->u.v4) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, host, &out->u.v6) == 1)
		out->family = AF_INET6;
	else
		return "is not an IP address";
	if (family == CONF_FAMILY_V4 && out->family != AF_INET)
		return "is not an IPv4 address";
	if (family == CONF_FAMILY_V6 && out->family != AF_INET6)
		return "is not an IPv6 address";
	out->prefix_len = out->family == AF_INET ? 32 : 128;
	if (!slash)
		return NULL;
	if (!allow_prefix)
		return "must not have a prefix length";
	if (!parse_prefix_len(slash + 1, out->prefix_len, &out->prefix_len))
		return out->family == AF_INET ? "has a prefix length outside 0..32"
					      : "has a prefix length outside 0..128";
	out->has_prefix = true;
	return NULL;
}

bool conf_get_addr(struct conf_parser *p, const struct conf_args *a, int idx,
		   enum conf_family family, bool allow_prefix, struct vigil_addr *out)
{
	const char *why;

	if (!require_arg(p, a, idx))
		return false;
	why = parse_addr(a->argv[idx], family, allow_prefix, out);
	if (why) {
		conf_error(p, a, "%s: '%s' %s", a->argv[0], a->argv[idx], why);
		return false;
	}
	return true;
}

bool conf_get_port(struct conf_parser *p, const struct conf_args *a, int idx,
		   bool nonzero, uint16_t *out)
{
	uint32_t v;

	if (!conf_get_u32(p, a, idx, nonzero ? 1 : 0, 65535, &v))
		return false;
	*out = (uint16_t)v;
	return true;
}

bool conf_get_ifname(struct conf_parser *p, const struct conf_args *a, int idx, char **out)
{
	const char *s;
	size_t len;

	if (!require_arg(p, a, idx))
		return false;
	s = a->argv[idx];
	len = strlen(s);
	if (len == 0 || len >= IFNAMSIZ) {
		conf_error(p, a, "%s: interface name '%s' must be 1..%d characters", a->argv[0], s,
			   IFNAMSIZ - 1);
		return false;
	}
	for (const char *c = s; *c; c++) {
		if (*c == '/' || isspace((unsigned char)*c) || *c == ':') {
			conf_error(p, a, "%s: '%s' is not a valid interface name", a->argv[0], s);
			return false;
		}
	}
	free(*out);
	*out = xstrdup(s);
	return true;
}

char *conf_join_args(const struct conf_args *a, int idx)
{
	size_t len = 1;
	char *out;

	for (int i = idx; i < a->argc; i++)
		len += strlen(a->argv[i]) + 1;
	out = xmalloc(len);
	out[0] = '\0';
	for (int i = idx; i < a->argc; i++) {
		if (i > idx)
			strcat(out, " ");
		strcat(out, a->argv[i]);
	}
	return out;
}

const char *vigil_addr_to_string(const struct vigil_addr *addr, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (!inet_ntop(addr->family, &addr->u, host, sizeof(host))) {
		snprintf(buf, len, "?");
		return buf;
	}
	if (addr->has_prefix)
		snprintf(buf, len, "%s/%u", host, addr->prefix_len);
	else
		snprintf(buf, len, "%s", host);
	return buf;
}

bool vigil_addr_equal(const struct vigil_addr *x, const struct vigil_addr *y)
{
	if (x->family != y->family)
		return false;
	if (x->family == AF_INET)
		return x->u.v4.s_addr == y->u.v4.s_addr;
	return memcmp(&x->u.v6, &y->u.v6, sizeof(x->u.v6)) == 0;
}
