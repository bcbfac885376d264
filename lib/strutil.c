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
