#include "config.h"
#include "strutil.h"

#include <ctype.h>

bool str_all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

uint64_t str_fnv1a64(const char *s, uint64_t basis)
{
	uint64_t h = basis;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}
