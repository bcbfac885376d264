/* `vigilctl events [--type CLASS]...`: prints vigild's state changes, one
 * JSON line each as it arrives, until interrupted (exit 0) or vigild ends
 * the stream (exit 3 when it stopped, 4 otherwise, with a message). */
#include "config.h"
#include "tools/vigilctl.h"
#include "ctl_proto.h"
#include "vigil_event.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted;

static void on_interrupt(int signum)
{
	interrupted = signum;
}

json_object *vigilctl_events_request(const char *types)
{
	json_object *request = ctl_request_new(CTL_CMD_EVENTS);
	json_object *list = json_object_new_array();
	char *copy = types ? strdup(types) : NULL, *save = NULL;

	for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save)) {
		if (!vigil_event_class_by_name(t)) {
			fprintf(stderr, "vigilctl: --type wants vrrp, checker, process or all, "
				"not \"%s\" (try vigilctl --help)\n", t);
			json_object_put(list);
			json_object_put(request);
			free(copy);
			return NULL;
		}
		json_object_array_add(list, json_object_new_string(t));
	}
	free(copy);
	json_object_object_add(request, "types", list);
	return request;
}

/* SIGINT/SIGTERM are blocked except inside ppoll, so one arriving between
 * two reads cannot be missed. */
static void catch_interrupts(sigset_t *waiting_mask)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, waiting_mask);
	sigdelset(waiting_mask, SIGINT);
	sigdelset(waiting_mask, SIGTERM);
}

/* The first line answers the subscription; true if it was accepted. */
static bool read_ack(const char *line)
{
	json_object *response, *result;
	const char *why, *error = NULL;
	bool malformed = false, ok;

	response = ctl_parse_object(line, &why);
	if (!response) {
		fprintf(stderr, "vigilctl: unreadable answer from vigild: %s\n", why);
		return false;
	}
	ok = ctl_response_read(response, &result, &error, &malformed);
	if (!ok)
		fprintf(stderr, "vigilctl: %s\n", malformed ? "unreadable answer from vigild"
							: error ? error : "refused");
	json_object_put(response);
	return ok;
}

/* A line that says why the stream ends ("overflow", "daemon"), or NULL. */
static const char *closing_type(const char *line)
{
	json_object *event = json_tokener_parse(line), *type;
	const char *name = NULL;

	if (event && json_object_object_get_ex(event, "type", &type)) {
		if (strcmp(json_object_get_string(type), "overflow") == 0)
			name = "overflow";
		else if (strcmp(json_object_get_string(type), "daemon") == 0)
			name = "daemon";
	}
	json_object_put(event);
	return name;
}

static int stream_ended(const char *last_type)
{
	if (last_type && strcmp(last_type, "daemon") == 0) {
		fprintf(stderr, "vigilctl: vigild stopped; no more events\n");
		return VIGILCTL_NOT_RUNNING;
	}
	if (last_type && strcmp(last_type, "overflow") == 0)
		fprintf(stderr, "vigilctl: vigild dropped this subscriber: it fell too far behind\n");
	else
		fprintf(stderr, "vigilctl: vigild closed the event stream\n");
	return VIGILCTL_PROTOCOL;
}

/* Prints every complete line; sets *status (>= 0) when following must
 * stop: the subscription was refused, or stdout is gone. */
static void print_lines(struct ctl_linebuf *lb, bool *acked, int *status, const char **last_type)
{
	char *line;

	while (*status < 0 && (line = ctl_linebuf_next(lb)) != NULL) {
		if (!*acked) {
			*acked = true;
			if (!read_ack(line))
				*status = VIGILCTL_REFUSED;
		} else {
			const char *ends = closing_type(line);

			*last_type = ends ? ends : *last_type;
			if (printf("%s\n", line) < 0 || fflush(stdout) == EOF)
				*status = VIGILCTL_OK;
		}
		free(line);
	}
}

/* Reads until interrupted or the stream ends; returns the exit status. */
static int follow(int fd, const sigset_t *waiting_mask)
{
	struct ctl_linebuf lb;
	const char *last_type = NULL;
	bool acked = false;
	int status = -1;
	char chunk[16384];

	ctl_linebuf_init(&lb, CTL_RESPONSE_MAX);
	while (status < 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (ppoll(&pfd, 1, NULL, waiting_mask) < 0 && errno != EINTR)
			break;
		if (interrupted) {
			status = VIGILCTL_OK;
			break;
		}
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			status = acked ? stream_ended(last_type) : VIGILCTL_PROTOCOL;
		else if (!ctl_linebuf_append(&lb, chunk, (size_t)n))
			status = VIGILCTL_PROTOCOL;
		else
			print_lines(&lb, &acked, &status, &last_type);
	}
	if (status == VIGILCTL_PROTOCOL && !acked)
		fprintf(stderr, "vigilctl: vigild closed the connection without answering\n");
	ctl_linebuf_free(&lb);
	return status < 0 ? VIGILCTL_PROTOCOL : status;
}

int vigilctl_events_run(const char *socket_path, json_object *request)
{
	sigset_t waiting_mask;
	size_t len;
	char *text;
	int fd, status;

	catch_interrupts(&waiting_mask);
	fd = vigilctl_connect(socket_path);
	if (fd < 0)
		return VIGILCTL_NOT_RUNNING;
	text = ctl_format_line(request, &len);
	if (write(fd, text, len) != (ssize_t)len) {
		fprintf(stderr, "vigilctl: cannot send the request: %s\n", strerror(errno));
		status = VIGILCTL_PROTOCOL;
	} else {
		status = follow(fd, &waiting_mask);
	}
	free(text);
	close(fd);
	return status;
}
