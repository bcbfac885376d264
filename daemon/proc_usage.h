/* What a process costs: resident memory and CPU time, read from
 * /proc/PID/stat so the parent can report itself and its workers (even a
 * worker that no longer answers) in the status without asking them. */
#ifndef VIGIL_PROC_USAGE_H
#define VIGIL_PROC_USAGE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

/* The fields of /proc/PID/stat vigil uses, in the kernel's units. */
struct proc_stat_fields {
	uint64_t utime_ticks;      /* field 14: user CPU, clock ticks */
	uint64_t stime_ticks;      /* field 15: system CPU, clock ticks */
	uint64_t rss_pages;        /* field 24: resident set, pages */
};

/* Parses one /proc/PID/stat line (pure).  The command name (field 2) may
 * hold spaces and parentheses, so fields are counted after its last ')'.
 * False when the text is not such a line. */
bool proc_stat_parse(const char *text, struct proc_stat_fields *out);

/* Adds "rss_bytes" (integer) and "cpu_seconds" (user + system, a number)
 * of process PID to O; both null when it cannot be read (no process, gone,
 * or no /proc). */
void proc_usage_add_json(json_object *o, long pid);

#endif
