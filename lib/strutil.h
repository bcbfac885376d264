/* Small string predicates shared by parsers that do not go through the
 * configuration value helpers (procfs, transport addresses). */
#ifndef VIGIL_STRUTIL_H
#define VIGIL_STRUTIL_H

#include <stdbool.h>

/* True for a non-empty string of decimal digits only. */
bool str_all_digits(const char *s);

#endif
