/* Libraries loaded when first needed instead of at start.
 *
 * Every shared library a process links is mapped and relocated at exec,
 * and its relocated data is private memory in each of vigild's processes:
 * libcrypto alone costs 400 KiB per process, the fifty-odd libraries that
 * libcurl, net-snmp, libmicrohttpd, libnftables and libsystemd bring along
 * about 1.4 MiB.  Most configurations use few of them (no SNMP, no metrics
 * endpoint, no HTTP checks in the VRRP worker), so vigild does not link them:
 * a module that needs one includes its late_*.h header instead of the
 * library's own, calls late_lib_load() at its entry points, and its calls go
 * through a table of function pointers filled by dlsym.
 *
 * A late_*.h header lists the functions (an X-macro), declares the table
 * with LATE_LIB_DECLARE, and maps each name to its slot with a #define after
 * the library's own header, so call sites read as plain library calls. The
 * matching .c file is one LATE_LIB_DEFINE line. */
#ifndef VIGIL_LATE_LIB_H
#define VIGIL_LATE_LIB_H

#include <stdbool.h>
#include <stddef.h>

struct late_lib {
	const char *name;           /* "libcurl", for messages */
	const char *soname;         /* found by configure, e.g. "libcurl.so.4" */
	const char *const *symbols;
	size_t symbol_count;
	void **slots;               /* symbol_count function pointers */
	void *handle;
	bool tried;
	char error[192];
};

/* Load the library and every symbol once; later calls only report.  A
 * failure is logged once as an error saying what is unavailable (`needed_for`)
 * and the library is not retried. */
bool late_lib_load(struct late_lib *lib, const char *needed_for);

/* Whether the library is loaded (late_lib_load succeeded). */
bool late_lib_ready(const struct late_lib *lib);

/* Why loading failed ("" before any attempt or on success). */
const char *late_lib_error(const struct late_lib *lib);

#define LATE_LIB_SLOT(fn) __typeof__(fn) *fn;
#define LATE_LIB_NAME(fn) #fn,

/* Declares the table `TABLE##_fns` of the functions in LIST and the
 * loader state `TABLE`, for a late_*.h header (before its #defines). */
#define LATE_LIB_DECLARE(TABLE, LIST)                                                \
	struct TABLE##_fns {                                                         \
		LIST(LATE_LIB_SLOT)                                                  \
	};                                                                           \
	extern struct TABLE##_fns TABLE##_fns;                                       \
	extern struct late_lib TABLE

/* Defines the table `TABLE##_fns` (struct TABLE##_fns) and the loader
 * state `TABLE` for the library NAME with soname SONAME and symbol list
 * LIST (an X-macro taking one macro argument). */
#define LATE_LIB_DEFINE(TABLE, NAME, SONAME, LIST)                                   \
	struct TABLE##_fns TABLE##_fns;                                              \
	static const char *const TABLE##_symbols[] = { LIST(LATE_LIB_NAME) };        \
	_Static_assert(sizeof(struct TABLE##_fns)                                    \
			       == sizeof(TABLE##_symbols) / sizeof(TABLE##_symbols[0])  \
					  * sizeof(void *),                              \
		       "one pointer per symbol");                                    \
	struct late_lib TABLE = {                                                    \
		.name = NAME,                                                        \
		.soname = SONAME,                                                    \
		.symbols = TABLE##_symbols,                                          \
		.symbol_count = sizeof(TABLE##_symbols) / sizeof(TABLE##_symbols[0]), \
		.slots = (void **)&TABLE##_fns,                                      \
	}

#endif
