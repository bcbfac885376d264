/* vigilctl: asks vigild over its control socket (one JSON line each way,
 * lib/ctl_proto.h) and reports the answer for people and for scripts. */
#include "config.h"
#include "tools/vigilctl.h"
#include "ctl_proto.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define VIGILCTL_SOCKET_DEFAULT "/run/vigil/vigild.sock"
/* Generous: a reload re-reads and checks the whole configuration. */
#define VIGILCTL_TIMEOUT_MS 15000

struct vigilctl_opts {
	const char *socket_path;
	enum ctl_command command;
	bool json;
	const char *event_types;     /* --type; NULL: not given */
	long hold_s;                 /* --hold; -1: not given */
	json_object *request;        /* built for commands with arguments */
	bool check;                  /* `check`: a Nagios plugin over status */
	struct vigilctl_check_expect expects[16];
	size_t n_expects;
};

static void usage(FILE *out)
{
	fputs("Usage: vigilctl [-s PATH] COMMAND\n"
	      "Talk to a running vigild.\n"
	      "\n"
	      "Commands:\n"
	      "  status [--json]   daemon, workers, VRRP instances and virtual servers\n"
	      "                    (--json: the daemon's answer as JSON)\n"
	      "  reload            reload the configuration (refused if it has errors)\n"
	      "  stop              stop vigild and wait until it has exited\n"
	      "  vrrp demote NAME [--hold SECONDS]\n"
	      "                    the master of NAME hands over now (priority 0) and\n"
	      "                    stays BACKUP for SECONDS (default 10; 0: until release)\n"
	      "  vrrp maintenance NAME|all\n"
	      "                    keep NAME BACKUP until released\n"
	      "  vrrp release NAME|all\n"
	      "                    end a demote hold or maintenance now\n"
	      "                    (a sync group member stands for its whole group)\n"
	      "  check [NAME=STATE]...  Nagios/Icinga plugin: one status line with perfdata;\n"
	      "                    exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN\n"
	      "  genhash -s ADDRESS -p PORT -u PATH [-S] [-V NAME] [-v] ...\n"
	      "                    MD5 of a URL's body for `digest` (no vigild needed;\n"
	      "                    vigilctl genhash --help)\n"
	      "  real-server drain VS RS\n"
	      "                    weight 0 for real server RS of virtual server VS now;\n"
	      "                    removed from IPVS once its connections are gone\n"
	      "  real-server enable VS RS\n"
	      "                    end a drain (VS: ADDRESS:PORT, fwmark N or group NAME)\n"
	      "  events [--type vrrp|checker|process[,...]]\n"
	      "                    print state changes, one JSON line each, until\n"
	      "                    interrupted (Ctrl-C)\n"
	      "\n"
	      "Options:\n"
	      "  -s, --socket=PATH  control socket (default: $VIGIL_CONTROL_SOCKET, else\n"
	      "                     " VIGILCTL_SOCKET_DEFAULT ")\n"
	      "  -h, --help         print this help\n"
	      "  -v, --version      print the version\n"
	      "\n"
	      "Exit status: 0 done, 1 refused by vigild, 2 usage error, 3 vigild not running,\n"
	      "4 no or unreadable answer.\n", out);
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "vigilctl: %s%s%s%s (try vigilctl --help)\n", what,
		arg ? " \"" : "", arg ? arg : "", arg ? "\"" : "");
	return VIGILCTL_USAGE;
}

static enum ctl_command command_by_name(const char *name)
{
	for (int i = 0; i < CTL_CMD_COUNT; i++)
		if (strcmp(name, ctl_command_names[i]) == 0)
			return (enum ctl_command)i;
	return CTL_CMD_INVALID;
}

/* `check [NAME=STATE]...`: the status, judged as a Nagios plugin. */
static int parse_check(int n, char **args, struct vigilctl_opts *o)
{
	for (int i = 0; i < n; i++) {
		if (o->n_expects == sizeof(o->expects) / sizeof(o->expects[0]))
			return usage_error("too many NAME=STATE expectations", NULL);
		if (!vigilctl_check_parse_expect(args[i], &o->expects[o->n_expects++]))
			return usage_error("check wants NAME=MASTER|BACKUP|FAULT|INIT|STOP, not", args[i]);
	}
	o->check = true;
	o->command = CTL_CMD_STATUS;
	return -1;
}

/* Returns -1 to go on, else the exit status (help, version, usage error). */
static int parse_args(int argc, char **argv, struct vigilctl_opts *o)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' }, { "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'v' },
		{ "hold", required_argument, NULL, 'H' }, { "type", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	char *end;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "s:jhv", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->socket_path = optarg; break;
		case 'j': o->json = true; break;
		case 'H':
			errno = 0;
			o->hold_s = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || o->hold_s < 0 || o->hold_s > 31536000)
				return usage_error("--hold wants whole seconds, 0 to 31536000:", optarg);
			break;
		case 'T': o->event_types = optarg; break;
		case 'h': usage(stdout); return VIGILCTL_OK;
		case 'v': printf("vigilctl %s\n", PACKAGE_VERSION); return VIGILCTL_OK;
		default: return usage_error("invalid option or missing value:", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("no command given", NULL);
	if (o->event_types && strcmp(argv[optind], "events") != 0)
		return usage_error("--type goes with events only", NULL);
	if (strcmp(argv[optind], "vrrp") == 0) {
		if (o->json)
			return usage_error("--json goes with status only", NULL);
		o->command = CTL_CMD_VRRP;
		o->request = vigilctl_vrrp_request(argv + optind + 1, argc - optind - 1, o->hold_s);
		return o->request ? -1 : VIGILCTL_USAGE;
	}
	if (strcmp(argv[optind], "check") == 0 && !o->json && o->hold_s < 0)
		return parse_check(argc - optind - 1, argv + optind + 1, o);
	if (strcmp(argv[optind], "real-server") == 0 && !o->json && o->hold_s < 0) {
		o->command = CTL_CMD_REAL_SERVER;
		o->request = vigilctl_real_server_request(argv + optind + 1, argc - optind - 1);
		return o->request ? -1 : VIGILCTL_USAGE;
	}
	if (o->hold_s >= 0)
		return usage_error("--hold goes with vrrp demote only", NULL);
	if (optind + 1 < argc)
		return usage_error("unexpected argument", argv[optind + 1]);
	o->command = command_by_name(argv[optind]);
	if (o->command == CTL_CMD_INVALID || o->command == CTL_CMD_VRRP
	    || o->command == CTL_CMD_REAL_SERVER)
		return usage_error("unknown command", argv[optind]);
	if (o->json && o->command != CTL_CMD_STATUS)
		return usage_error("--json goes with status only", NULL);
	if (o->command == CTL_CMD_EVENTS) {
		o->request = vigilctl_events_request(o->event_types);
		return o->request ? -1 : VIGILCTL_USAGE;
	}
	return -1;
}

static int connect_daemon(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "vigilctl: control socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	if (errno == ENOENT || errno == ECONNREFUSED || errno == ENOTSOCK)
		fprintf(stderr, "vigild is not running (no control socket at %s)\n", path);
	else
		fprintf(stderr, "vigilctl: cannot connect to %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

int vigilctl_connect(const char *path)
{
	return connect_daemon(path);
}

static bool send_all(int fd, const char *text, size_t len)
{
	while (len) {
		ssize_t n = write(fd, text, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		text += n;
		len -= (size_t)n;
	}
	return true;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads one response line within the timeout; NULL with a message printed. */
static char *read_line(int fd)
{
	struct ctl_linebuf lb;
	int64_t deadline = now_ms() + VIGILCTL_TIMEOUT_MS;
	char chunk[16384], *line = NULL;

	ctl_linebuf_init(&lb, CTL_RESPONSE_MAX);
	while (!line) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
			fprintf(stderr, "vigilctl: no answer from vigild within %d s\n",
				VIGILCTL_TIMEOUT_MS / 1000);
			break;
		}
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "vigilctl: vigild closed the connection without answering\n");
			break;
		}
		if (!ctl_linebuf_append(&lb, chunk, (size_t)n)) {
			fprintf(stderr, "vigilctl: answer too long\n");
			break;
		}
		line = ctl_linebuf_next(&lb);
	}
	ctl_linebuf_free(&lb);
	return line;
}

/* Sends the request; the parsed response, or NULL with *status set. */
static json_object *exchange(const struct vigilctl_opts *o, int *status)
{
	json_object *request = o->request ? json_object_get(o->request)
					  : ctl_request_new(o->command);
	json_object *response = NULL;
	size_t len;
	char *text = ctl_format_line(request, &len), *line = NULL;
	const char *why;
	int fd = connect_daemon(o->socket_path);

	*status = fd < 0 ? VIGILCTL_NOT_RUNNING : VIGILCTL_PROTOCOL;
	if (fd >= 0 && !send_all(fd, text, len))
		fprintf(stderr, "vigilctl: cannot send the request: %s\n", strerror(errno));
	else if (fd >= 0 && (line = read_line(fd)) != NULL
		 && !(response = ctl_parse_object(line, &why)))
		fprintf(stderr, "vigilctl: unreadable answer from vigild: %s\n", why);
	if (fd >= 0)
		close(fd);
	free(line);
	free(text);
	json_object_put(request);
	return response;
}

static void print_refusal(const char *error, json_object *response)
{
	json_object *errors;

	fprintf(stderr, "vigilctl: %s\n", error);
	if (!json_object_object_get_ex(response, "errors", &errors)
	    || !json_object_is_type(errors, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(errors); i++)
		fprintf(stderr, "%s\n", json_object_get_string(json_object_array_get_idx(errors, i)));
}

/* After `stop`: waits until the daemon's process is gone (or a zombie),
 * so a script can start the next one straight away. */
static int wait_for_exit(json_object *result)
{
	json_object *pid_json;
	char path[64], stat[256];
	int64_t deadline = now_ms() + VIGILCTL_TIMEOUT_MS * 2;

	if (!json_object_object_get_ex(result, "pid", &pid_json))
		return VIGILCTL_OK;
	snprintf(path, sizeof(path), "/proc/%" PRId64 "/stat", json_object_get_int64(pid_json));
	while (now_ms() < deadline) {
		FILE *f = fopen(path, "re");
		char *state = NULL;

		if (f && fgets(stat, sizeof(stat), f))
			state = strrchr(stat, ')');
		if (f)
			fclose(f);
		/* Gone, a zombie, or no longer vigild (pid reused). */
		if (!state || state[1] == '\0' || state[2] == 'Z' || !strstr(stat, "(vigild)"))
			return VIGILCTL_OK;
		usleep(20000);
	}
	fprintf(stderr, "vigilctl: vigild (pid %" PRId64 ") is still running after %d s\n",
		json_object_get_int64(pid_json), VIGILCTL_TIMEOUT_MS * 2 / 1000);
	return VIGILCTL_REFUSED;
}

static int report(const struct vigilctl_opts *o, json_object *response)
{
	json_object *result;
	const char *error;
	bool malformed;

	if (!ctl_response_read(response, &result, &error, &malformed)) {
		if (malformed) {
			fprintf(stderr, "vigilctl: unreadable answer from vigild\n");
			return VIGILCTL_PROTOCOL;
		}
		print_refusal(error, response);
		return VIGILCTL_REFUSED;
	}
	if (o->check)
		return vigilctl_check_evaluate(result, o->expects, o->n_expects, stdout);
	if (o->command == CTL_CMD_STATUS && o->json)
		puts(json_object_to_json_string_ext(result, JSON_C_TO_STRING_PRETTY
						    | JSON_C_TO_STRING_NOSLASHESCAPE));
	else if (o->command == CTL_CMD_STATUS)
		vigilctl_print_status(result, stdout);
	else if (o->command == CTL_CMD_RELOAD)
		puts("configuration reloaded");
	else if (o->command == CTL_CMD_VRRP)
		vigilctl_vrrp_print(result, stdout);
	else if (o->command == CTL_CMD_REAL_SERVER)
		vigilctl_real_server_print(result, stdout);
	else if (wait_for_exit(result) == VIGILCTL_OK)
		puts("vigild stopped");
	else
		return VIGILCTL_REFUSED;
	return VIGILCTL_OK;
}

int main(int argc, char **argv)
{
	struct vigilctl_opts o = { .socket_path = getenv("VIGIL_CONTROL_SOCKET"), .hold_s = -1 };
	json_object *response;
	int status;

	if (argc > 1 && strcmp(argv[1], "genhash") == 0)
		return vigilctl_genhash(argc - 1, argv + 1);
	status = parse_args(argc, argv, &o);
	if (status >= 0)
		return status;
	if (!o.socket_path || !*o.socket_path)
		o.socket_path = VIGILCTL_SOCKET_DEFAULT;
	signal(SIGPIPE, SIG_IGN);
	if (o.command == CTL_CMD_EVENTS) {
		status = vigilctl_events_run(o.socket_path, o.request);
		json_object_put(o.request);
		return status;
	}
	response = exchange(&o, &status);
	if (response)
		status = report(&o, response);
	else if (o.check)
		status = vigilctl_check_unreachable(status == VIGILCTL_NOT_RUNNING, stdout);
	json_object_put(response);
	json_object_put(o.request);
	return status;
}
