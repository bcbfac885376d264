/* A test-only driver for the IPVS layer (lvs/lvs.h), so the VM tests can
 * exercise it without a daemon.  Tables are JSON (see lvs_tool_json.h).
 *
 *   lvs_tool sync WANTED.json [BEFORE.json]
 *       dump, plan, apply (lvs_sync); failures are logged on stderr;
 *       prints "applied N failed M".
 *   lvs_tool plan KERNEL.json WANTED.json [BEFORE.json]
 *       the pure planner only: one line per operation, no kernel.
 *   lvs_tool dump                   the kernel's table as JSON
 *   lvs_tool flush
 *   lvs_tool timeouts TCP TCPFIN UDP          (seconds, 0 = unchanged)
 *   lvs_tool daemon start master|backup IFNAME SYNCID
 *            [maxlen N] [port N] [ttl N] [group ADDR]
 *   lvs_tool daemon stop master|backup [IFNAME]
 *   lvs_tool version
 *
 * Exit status: 0 success, 1 the kernel refused something (for sync: any
 * failed operation), 2 bad usage or input, 3 IPVS cannot be opened. */
#include "config.h"

#include "log.h"
#include "lvs/lvs.h"
#include "lvs_tool_json.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_NO_IPVS = 3 };

static int usage(const char *why)
{
	fprintf(stderr, "lvs_tool: %s (see the comment at the top of the source)\n", why);
	return EXIT_USAGE;
}

static int kernel_result(const char *what, int r)
{
	if (r == 0)
		return 0;
	fprintf(stderr, "lvs_tool: %s: %s\n", what, strerror(-r));
	return EXIT_REFUSED;
}

static bool read_table(const char *path, struct lvs_table *t)
{
	char err[256];

	if (lvs_tool_table_read(path, t, err, sizeof(err)) == 0)
		return true;
	fprintf(stderr, "lvs_tool: %s\n", err);
	lvs_table_free(t);
	return false;
}

static struct lvs_handle *open_ipvs(void)
{
	char err[128];
	struct lvs_handle *h = lvs_open(err, sizeof(err));

	if (!h)
		fprintf(stderr, "lvs_tool: %s\n", err);
	return h;
}

static void print_op(const struct lvs_op *op)
{
	char svc[80], dest[64];

	lvs_service_describe(&op->svc, svc, sizeof(svc));
	if (op->kind < LVS_OP_ADD_DEST) {
		printf("%s %s\n", lvs_op_kind_names[op->kind], svc);
		return;
	}
	lvs_dest_describe(&op->dest, dest, sizeof(dest));
	printf("%s %s -> %s\n", lvs_op_kind_names[op->kind], svc, dest);
}

static int cmd_plan(int argc, char **argv)
{
	struct lvs_table kernel, wanted, before;
	struct lvs_plan plan;
	bool ok;

	if (argc < 2 || argc > 3)
		return usage("plan KERNEL.json WANTED.json [BEFORE.json]");
	lvs_table_init(&before);
	ok = read_table(argv[0], &kernel);
	ok = ok && read_table(argv[1], &wanted);
	ok = ok && (argc < 3 || read_table(argv[2], &before));
	if (ok) {
		lvs_plan_build(&kernel, &wanted, argc == 3 ? &before : NULL, &plan);
		for (size_t i = 0; i < plan.n_ops; i++)
			print_op(&plan.ops[i]);
		lvs_plan_free(&plan);
	}
	lvs_table_free(&kernel);
	lvs_table_free(&wanted);
	lvs_table_free(&before);
	return ok ? 0 : EXIT_USAGE;
}

static int cmd_sync(struct lvs_handle *h, int argc, char **argv)
{
	struct lvs_table wanted, before;
	unsigned failed = 0;
	int applied, rc;

	if (argc < 1 || argc > 2)
		return usage("sync WANTED.json [BEFORE.json]");
	lvs_table_init(&before);
	if (!read_table(argv[0], &wanted))
		return EXIT_USAGE;
	if (argc == 2 && !read_table(argv[1], &before)) {
		lvs_table_free(&wanted);
		return EXIT_USAGE;
	}
	applied = lvs_sync(h, &wanted, argc == 2 ? &before : NULL, &failed);
	if (applied < 0)
		rc = kernel_result("sync", applied);
	else
		rc = failed ? EXIT_REFUSED : 0;
	if (applied >= 0)
		printf("applied %d failed %u\n", applied, failed);
	lvs_table_free(&wanted);
	lvs_table_free(&before);
	return rc;
}

static int cmd_dump(struct lvs_handle *h)
{
	struct lvs_table t;
	int r = lvs_dump(h, &t, LVS_DUMP_COUNTERS);

	if (r == 0) {
		json_object *j = lvs_tool_table_json(&t);

		printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
	}
	lvs_table_free(&t);
	return kernel_result("dump", r);
}

static bool parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

static int cmd_timeouts(struct lvs_handle *h, int argc, char **argv)
{
	uint32_t t[3];

	if (argc != 3)
		return usage("timeouts TCP TCPFIN UDP");
	for (int i = 0; i < 3; i++)
		if (!parse_u32(argv[i], INT32_MAX, &t[i]))
			return usage("a timeout is a number of seconds");
	return kernel_result("timeouts", lvs_set_timeouts(h, t[0], t[1], t[2]));
}

static bool parse_state(const char *s, enum lvs_sync_state *out)
{
	if (strcmp(s, "master") == 0)
		*out = LVS_SYNC_MASTER;
	else if (strcmp(s, "backup") == 0)
		*out = LVS_SYNC_BACKUP;
	else
		return false;
	return true;
}

/* "maxlen N", "port N", "ttl N", "group ADDR" pairs. */
static bool parse_daemon_option(const char *key, const char *value, struct lvs_sync_daemon *d)
{
	uint32_t n;

	if (strcmp(key, "group") == 0) {
		d->mcast_family = strchr(value, ':') ? AF_INET6 : AF_INET;
		return inet_pton(d->mcast_family, value, &d->mcast_group) == 1;
	}
	if (strcmp(key, "ttl") == 0 && parse_u32(value, 255, &n))
		d->mcast_ttl = (uint8_t)n;
	else if (strcmp(key, "port") == 0 && parse_u32(value, 65535, &n))
		d->mcast_port = (uint16_t)n;
	else if (strcmp(key, "maxlen") == 0 && parse_u32(value, 65535, &n))
		d->sync_maxlen = (uint16_t)n;
	else
		return false;
	return true;
}

static int cmd_daemon_start(struct lvs_handle *h, int argc, char **argv)
{
	struct lvs_sync_daemon d = { .mcast_family = AF_UNSPEC };

	if (argc < 3 || argc % 2 == 0 || !parse_state(argv[0], &d.state) ||
	    strlen(argv[1]) >= sizeof(d.ifname) || !parse_u32(argv[2], 255, &d.syncid))
		return usage("daemon start master|backup IFNAME SYNCID [maxlen N] [port N] "
			     "[ttl N] [group ADDR]");
	snprintf(d.ifname, sizeof(d.ifname), "%s", argv[1]);
	for (int i = 3; i + 1 < argc; i += 2)
		if (!parse_daemon_option(argv[i], argv[i + 1], &d))
			return usage("bad daemon option");
	return kernel_result("daemon start", lvs_sync_daemon_start(h, &d));
}

static int cmd_daemon(struct lvs_handle *h, int argc, char **argv)
{
	enum lvs_sync_state state;

	if (argc >= 1 && strcmp(argv[0], "start") == 0)
		return cmd_daemon_start(h, argc - 1, argv + 1);
	if (argc < 2 || argc > 3 || strcmp(argv[0], "stop") != 0 || !parse_state(argv[1], &state))
		return usage("daemon start ... | daemon stop master|backup [IFNAME]");
	return kernel_result("daemon stop",
			     lvs_sync_daemon_stop(h, state, argc == 3 ? argv[2] : NULL));
}

static int run_with_kernel(const char *cmd, int argc, char **argv)
{
	struct lvs_handle *h = open_ipvs();
	int rc;

	if (!h)
		return EXIT_NO_IPVS;
	if (strcmp(cmd, "sync") == 0)
		rc = cmd_sync(h, argc, argv);
	else if (strcmp(cmd, "dump") == 0)
		rc = cmd_dump(h);
	else if (strcmp(cmd, "flush") == 0)
		rc = kernel_result("flush", lvs_flush(h));
	else if (strcmp(cmd, "timeouts") == 0)
		rc = cmd_timeouts(h, argc, argv);
	else if (strcmp(cmd, "daemon") == 0)
		rc = cmd_daemon(h, argc, argv);
	else if (strcmp(cmd, "version") == 0)
		rc = printf("%s\n", lvs_version(h)) > 0 ? 0 : EXIT_REFUSED;
	else
		rc = usage("unknown command");
	lvs_close(h);
	return rc;
}

int main(int argc, char **argv)
{
	log_set_ident("lvs_tool");
	if (argc < 2)
		return usage("missing command");
	if (strcmp(argv[1], "plan") == 0)
		return cmd_plan(argc - 2, argv + 2);
	return run_with_kernel(argv[1], argc - 2, argv + 2);
}
