/* Range-checked value parsers for keyword handlers.
 *
 * Each takes the parser and the keyword line, reads argv[idx], and on a bad
 * value reports "FILE:LINE: error: KEYWORD: ..." itself and returns false, so
 * a handler is a sequence of `if (!conf_get_x(...)) return;`. */
#ifndef VIGIL_CONF_VALUE_H
#define VIGIL_CONF_VALUE_H

#include "conf_parse.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

/* An IPv4 or IPv6 address, optionally with a prefix length. */
struct vigil_addr {
	int family;                  /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
	uint8_t prefix_len;          /* 32/128 when none was given */
	bool has_prefix;
};

enum conf_family { CONF_FAMILY_ANY, CONF_FAMILY_V4, CONF_FAMILY_V6 };

bool conf_get_uint(struct conf_parser *p, const struct conf_args *a, int idx,
		   unsigned long long min, unsigned long long max, unsigned long long *out);
bool conf_get_int(struct conf_parser *p, const struct conf_args *a, int idx,
		  long long min, long long max, long long *out);
/* Typed conveniences over conf_get_uint. */
bool conf_get_u32(struct conf_parser *p, const struct conf_args *a, int idx,
		  uint32_t min, uint32_t max, uint32_t *out);
bool conf_get_i32(struct conf_parser *p, const struct conf_args *a, int idx,
		  int32_t min, int32_t max, int32_t *out);
/* yes/no, on/off, true/false; a keyword given with no argument
 * (idx >= argc) means true. */
bool conf_get_bool(struct conf_parser *p, const struct conf_args *a, int idx, bool *out);
/* Seconds, with an optional fraction ("1", "0.01"), as microseconds, within
 * [min_us, max_us]. */
bool conf_get_seconds_us(struct conf_parser *p, const struct conf_args *a, int idx,
			 uint64_t min_us, uint64_t max_us, uint64_t *out_us);
/* One of `names` (NULL-terminated); *out is its index. */
bool conf_get_enum(struct conf_parser *p, const struct conf_args *a, int idx,
		   const char *const *names, int *out);
/* An address, "ADDR" or, with allow_prefix, "ADDR/LEN" (LEN range-checked). */
bool conf_get_addr(struct conf_parser *p, const struct conf_args *a, int idx,
		   enum conf_family family, bool allow_prefix, struct vigil_addr *out);
/* A port 0..65535 (or 1..65535 when nonzero). */
bool conf_get_port(struct conf_parser *p, const struct conf_args *a, int idx,
		   bool nonzero, uint16_t *out);
/* An interface name: 1..15 characters, no '/', ':' or white space (the kernel's rules). */
bool conf_get_ifname(struct conf_parser *p, const struct conf_args *a, int idx, char **out);

/* argv[idx..] joined with single spaces, newly allocated (script command lines,
 * which keepalived lets you write quoted or not). */
char *conf_join_args(const struct conf_args *a, int idx);

/* Formatting for dumps and messages. */
const char *vigil_addr_to_string(const struct vigil_addr *addr, char *buf, size_t len);
bool vigil_addr_equal(const struct vigil_addr *x, const struct vigil_addr *y);
#define VIGIL_ADDR_STRLEN 64

#endif
