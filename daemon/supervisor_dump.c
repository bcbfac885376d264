/* keepalived's signal interface, for tools written against it: SIGUSR1
 * writes the data dump, SIGUSR2 the statistics and SIGRTMIN+2 (keepalived's
 * JSON signal) the JSON file, in keepalived's places and layouts
 * (vrrp/vrrp_dump.h).  The VRRP worker builds the content; the parent
 * writes it to a temporary file and renames it into place, so a reader
 * never sees half a file. */
#include "config.h"
#include "daemon/supervisor.h"
#include "ctl_proto.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SUPERVISOR_DUMP_TIMEOUT_MS 5000

struct dump_file {
	int signum;                 /* 0: SIGRTMIN + 2, resolved at run time */
	const char *format;         /* the VRRP worker's dump format */
	const char *path;
};

static const struct dump_file dump_files[] = {
	{ SIGUSR1, "data", "/tmp/keepalived.data" },
	{ SIGUSR2, "stats", "/tmp/keepalived.stats" },
	{ 0, "json", "/tmp/keepalived.json" },
};

static bool write_atomically(const char *path, const char *text, size_t len)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	int fd = mkstemp(tmp);
	bool ok = false;

	if (fd >= 0) {
		ok = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
		ok = close(fd) == 0 && ok;
		ok = ok && rename(tmp, path) == 0;
		if (!ok)
			unlink(tmp);
	}
	if (!ok)
		log_error("cannot write %s: %s", path, strerror(errno));
	free(tmp);
	return ok;
}

static void on_dump(void *arg, struct child *c, enum child_call_outcome outcome,
		    json_object *response)
{
	const struct dump_file *df = arg;
	json_object *result, *content;
	const char *error, *text;
	bool malformed;

	(void)c;
	if (outcome != CHILD_CALL_ANSWERED
	    || !ctl_response_read(response, &result, &error, &malformed) || !result
	    || !json_object_object_get_ex(result, "content", &content)) {
		log_warning("%s not written: the VRRP worker gave no dump", df->path);
		return;
	}
	text = json_object_is_type(content, json_type_string)
	       ? json_object_get_string(content)
	       : json_object_to_json_string_ext(content, JSON_C_TO_STRING_PRETTY);
	if (write_atomically(df->path, text, strlen(text)))
		log_info("wrote %s", df->path);
}

bool supervisor_dump_signal(struct supervisor *sup, int signum)
{
	struct child *c = &sup->children[WORKER_VRRP];

	for (size_t i = 0; i < sizeof(dump_files) / sizeof(dump_files[0]); i++) {
		const struct dump_file *df = &dump_files[i];
		json_object *req;

		if ((df->signum ? df->signum : SIGRTMIN + 2) != signum)
			continue;
		if (c->state != CHILD_RUNNING) {
			log_warning("%s not written: no VRRP worker is running", df->path);
			return true;
		}
		req = json_object_new_object();
		json_object_object_add(req, "command", json_object_new_string("vrrp"));
		json_object_object_add(req, "action", json_object_new_string("dump"));
		json_object_object_add(req, "format", json_object_new_string(df->format));
		child_call_request(c, req, SUPERVISOR_DUMP_TIMEOUT_MS, on_dump, (void *)df);
		json_object_put(req);
		return true;
	}
	return false;
}
