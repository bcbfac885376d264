/* Resident memory and CPU time of a process; see proc_usage.h. */
#include "config.h"
#include "daemon/proc_usage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Fields 14, 15 and 24 counted from field 3, the first after the name. */
#define PROC_STAT_UTIME 14
#define PROC_STAT_STIME 15
#define PROC_STAT_RSS 24

/* The number at *p (0 for a non-numeric field such as the state
 * letter), moving *p past it; false at the end of the text. */
static bool next_field(const char **p, uint64_t *value)
{
	char *end;

	*p += strspn(*p, " ");
	if (**p == '\0' || **p == '\n')
		return false;
	errno = 0;
	*value = strtoull(*p, &end, 10);
	if (end == *p)
		*value = 0;
	else if (errno)
		return false;
	*p += strcspn(*p, " \n");
	return true;
}

bool proc_stat_parse(const char *text, struct proc_stat_fields *out)
{
	const char *p = text ? strrchr(text, ')') : NULL;
	uint64_t v;

	if (!p)
		return false;
	p++;
	for (int field = 3; field <= PROC_STAT_RSS; field++) {
		if (!next_field(&p, &v))
			return false;
		if (field == PROC_STAT_UTIME)
			out->utime_ticks = v;
		else if (field == PROC_STAT_STIME)
			out->stime_ticks = v;
		else if (field == PROC_STAT_RSS)
			out->rss_pages = v;
	}
	return true;
}

static bool read_stat(long pid, char *buf, size_t len)
{
	char path[48];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n > 0;
}

void proc_usage_add_json(json_object *o, long pid)
{
	struct proc_stat_fields st;
	char buf[1024];
	long ticks = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	bool known = pid > 0 && ticks > 0 && page > 0 && read_stat(pid, buf, sizeof(buf))
		     && proc_stat_parse(buf, &st);

	json_object_object_add(o, "rss_bytes", known ? json_object_new_int64(
		(int64_t)(st.rss_pages * (uint64_t)page)) : NULL);
	json_object_object_add(o, "cpu_seconds", known ? json_object_new_double(
		(double)(st.utime_ticks + st.stime_ticks) / (double)ticks) : NULL);
}
