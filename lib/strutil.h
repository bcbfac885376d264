/* Small string predicates shared by parsers that do not go through the
 * configuration value helpers (procfs, transport addresses). */
#ifndef VIGIL_STRUTIL_H
#define VIGIL_STRUTIL_H

#include <stdbool.h>
#include <stdint.h>

/* True for a non-empty string of decimal digits only. */
bool str_all_digits(const char *s);

/* FNV-1a, 64 bits, of `s` from `basis` (STR_FNV1A64_BASIS is the standard
 * one): a fast non-cryptographic hash for tables and digests of text the
 * operator wrote. */
#define STR_FNV1A64_BASIS 0xcbf29ce484222325ULL
uint64_t str_fnv1a64(const char *s, uint64_t basis);

#endif
