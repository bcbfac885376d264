/* global_defs: scripts, notification (FIFOs, e-mail), SNMP, and vigil's
 * own keywords.  VRRP/LVS defaults are in global_conf_vrrp.c, process
 * settings in global_conf_proc.c. */
#include "config.h"

#include "global_conf_private.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

/* ---- scripts and FIFOs ------------------------------------------------- */

void global_script_clear(struct global_script *s)
{
	free(s->cmdline);
	free(s->user);
	free(s->group);
	memset(s, 0, sizeof(*s));
}

void global_fifo_clear(struct global_fifo *f)
{
	free(f->path);
	free(f->user);
	free(f->group);
	global_script_clear(&f->script);
	memset(f, 0, sizeof(*f));
}

/* "KEYWORD SCRIPT [user [group]]": the script is one word (quoted when it
 * has arguments), as keepalived reads it. */
void global_script_set(struct global_script *s, const struct conf_args *a)
{
	global_script_clear(s);
	s->cmdline = xstrdup(a->argv[1]);
	s->user = a->argc > 2 ? xstrdup(a->argv[2]) : NULL;
	s->group = a->argc > 3 ? xstrdup(a->argv[3]) : NULL;
	s->where = a->where;
}

static struct global_script *script_of(struct global_config *g, const char *keyword)
{
	if (strcmp(keyword, "startup_script") == 0)
		return &g->startup_script;
	if (strcmp(keyword, "shutdown_script") == 0)
		return &g->shutdown_script;
	return NULL;
}

static void handle_script(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_script *s = script_of(global_of(obj), a->argv[0]);

	if (!a->argv[1][0]) {
		conf_error(p, a, "%s: the script is empty", a->argv[0]);
		return;
	}
	global_script_set(s, a);
}

/* notify_fifo, vrrp_notify_fifo, lvs_notify_fifo and their *_script. */
static struct global_fifo *fifo_of(struct global_config *g, const char *keyword)
{
	if (strncmp(keyword, "notify_fifo", 11) == 0)
		return &g->notify_fifo;
	if (strncmp(keyword, "vrrp_notify_fifo", 16) == 0)
		return &g->vrrp_notify_fifo;
	return &g->lvs_notify_fifo;
}

static void handle_fifo(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_fifo *f = fifo_of(global_of(obj), a->argv[0]);

	if (a->argv[1][0] != '/') {
		conf_error(p, a, "%s: '%s' is not an absolute path", a->argv[0], a->argv[1]);
		return;
	}
	free(f->path);
	free(f->user);
	free(f->group);
	f->path = xstrdup(a->argv[1]);
	f->user = a->argc > 2 ? xstrdup(a->argv[2]) : NULL;
	f->group = a->argc > 3 ? xstrdup(a->argv[3]) : NULL;
	f->where = a->where;
}

static void handle_fifo_script(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_fifo *f = fifo_of(global_of(obj), a->argv[0]);

	if (!a->argv[1][0]) {
		conf_error(p, a, "%s: the script is empty", a->argv[0]);
		return;
	}
	global_script_set(&f->script, a);
}

static void handle_script_user(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_config *g = global_of(obj);

	free(g->script_user);
	free(g->script_group);
	g->script_user = xstrdup(a->argv[1]);
	g->script_group = a->argc > 2 ? xstrdup(a->argv[2]) : NULL;
	g->script_user_where = a->where;
}

/* ---- e-mail ------------------------------------------------------------- */

/* RFC 1123 host name: labels of letters, digits and '-', dot-separated. */
bool global_host_name_valid(const char *name)
{
	size_t label = 0, len = strlen(name);

	if (len == 0 || len > 253)
		return false;
	for (const char *s = name; *s; s++) {
		if (*s == '.') {
			if (label == 0 || s[-1] == '-')
				return false;
			label = 0;
		} else if (isalnum((unsigned char)*s) || (*s == '-' && label > 0)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return label > 0 || name[len - 1] == '.';
}

static void email_item(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_config *g = global_of(obj);

	for (int i = 0; i < a->argc; i++) {
		if (!strchr(a->argv[i], '@'))
			conf_warning(p, a, "notification_email: '%s' has no '@'; is it an address?",
				     a->argv[i]);
		ptr_array_push(&g->notification_email, xstrdup(a->argv[i]));
	}
}

static const struct conf_block email_block = {
	.name = "notification_email",
	.item = email_item,
};

static void handle_smtp_server(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_config *g = global_of(obj);
	struct in6_addr addr;
	uint16_t port = 25;

	if (inet_pton(AF_INET, a->argv[1], &addr) != 1 && inet_pton(AF_INET6, a->argv[1], &addr) != 1
	    && !global_host_name_valid(a->argv[1])) {
		conf_error(p, a, "smtp_server: '%s' is neither an IP address nor a host name",
			   a->argv[1]);
		return;
	}
	if (a->argc > 2 && !conf_get_port(p, a, 2, true, &port))
		return;
	free(g->smtp_server);
	g->smtp_server = xstrdup(a->argv[1]);
	g->smtp_port = port;
	g->smtp_server_where = a->where;
}

/* ---- SNMP --------------------------------------------------------------- */

static void handle_snmp_socket(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_config *g = global_of(obj);
	struct snmp_socket parsed;
	char err[256];

	if (!snmp_socket_parse(a->argv[1], &parsed, err, sizeof(err))) {
		conf_error(p, a, "snmp_socket: %s", err);
		return;
	}
	snmp_socket_clear(&g->snmp_socket);
	g->snmp_socket = parsed;
	g->has_snmp_socket = true;
}

static void handle_snmp_rfc(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_config *g = global_of(obj);
	bool on;

	if (!conf_get_bool(p, a, 1, &on))
		return;
	g->snmp_rfcv2 = g->snmp_rfcv3 = on;
}

/* ---- vigil's own keywords ----------------------------------------------- */

static void handle_control_socket(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_config *g = global_of(obj);
	size_t max = sizeof(((struct sockaddr_un *)NULL)->sun_path) - 1;

	if (a->argv[1][0] != '/') {
		conf_error(p, a, "control_socket: '%s' is not an absolute path", a->argv[1]);
		return;
	}
	if (strlen(a->argv[1]) > max) {
		conf_error(p, a, "control_socket: path is longer than %zu characters", max);
		return;
	}
	free(g->control_socket);
	g->control_socket = xstrdup(a->argv[1]);
}

/* "ADDR:PORT" for IPv4, "[ADDR]:PORT" for IPv6. */
static const char *split_listen(const char *text, char *host, size_t host_len)
{
	const char *colon = text[0] == '[' ? strstr(text, "]:") : strrchr(text, ':');
	const char *start = text[0] == '[' ? text + 1 : text;

	if (!colon || colon < start || (size_t)(colon - start) >= host_len)
		return NULL;
	if (text[0] != '[' && memchr(text, ':', (size_t)(colon - text)))
		return NULL;   /* an unbracketed IPv6 address */
	memcpy(host, start, (size_t)(colon - start));
	host[colon - start] = '\0';
	return colon + (text[0] == '[' ? 2 : 1);
}

static void handle_metrics_listen(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_config *g = global_of(obj);
	char host[INET6_ADDRSTRLEN + 1];
	const char *port = split_listen(a->argv[1], host, sizeof(host));
	const char *port_args[] = { a->argv[0], port, host };
	struct conf_args sub = { .argc = 3, .argv = port_args, .quoted = a->quoted, .where = a->where };
	struct vigil_addr addr;

	if (!port) {
		conf_error(p, a, "metrics_listen: '%s' is not ADDRESS:PORT ([ADDRESS]:PORT for IPv6)",
			   a->argv[1]);
		return;
	}
	if (!conf_get_addr(p, &sub, 2, CONF_FAMILY_ANY, false, &addr) ||
	    !conf_get_port(p, &sub, 1, true, &g->metrics_port))
		return;
	if ((a->argv[1][0] == '[') != (addr.family == AF_INET6)) {
		conf_error(p, a, "metrics_listen: brackets go around IPv6 addresses only: '%s'",
			   a->argv[1]);
		return;
	}
	g->metrics_addr = addr;
	free(g->metrics_listen);
	g->metrics_listen = xstrdup(a->argv[1]);
}

/* One "I{R|W|X}{USR|GRP|OTH}" name, as a mode bit; 0 if unknown. */
static unsigned umask_bit(const char *name, size_t len)
{
	static const char *const who[] = { "USR", "GRP", "OTH" };
	static const char what[] = "RWX";

	if (len != 5 || name[0] != 'I' || !strchr(what, name[1]))
		return 0;
	for (int w = 0; w < 3; w++)
		if (strncmp(name + 2, who[w], 3) == 0)
			return (4u >> (strchr(what, name[1]) - what)) << (3 * (2 - w));
	return 0;
}

/* "IWGRP|IWOTH" (spaces allowed around '|'), into mode bits. */
static bool parse_umask_bits(const char *text, unsigned *out)
{
	*out = 0;
	for (const char *s = text; *s;) {
		while (*s == ' ' || *s == '|')
			s++;
		size_t len = strcspn(s, " |");
		if (!len)
			break;
		unsigned bit = umask_bit(s, len);
		if (!bit)
			return false;
		*out |= bit;
		s += len;
	}
	return true;
}

/* "umask NUMBER" (decimal, 0octal or 0xhex) or "umask BITS". */
static void handle_umask(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_config *g = global_of(obj);
	char *text = conf_join_args(a, 1);
	char *end;
	unsigned long value;
	unsigned bits;

	value = strtoul(text, &end, 0);
	if (isdigit((unsigned char)text[0]) && *end == '\0' && value <= 0777) {
		bits = (unsigned)value;
	} else if (isdigit((unsigned char)text[0]) || !parse_umask_bits(text, &bits)) {
		conf_error(p, a, "umask: '%s' is neither a number 0..0777 nor BITS like IWGRP|IWOTH",
			   text);
		free(text);
		return;
	}
	free(text);
	g->umask = bits;
	g->has_umask = true;
}

const struct conf_keyword global_defs_general_keywords[] = {
	GLOBAL_KW_FIELD("router_id", 1, 1),
	GLOBAL_KW("script_user", handle_script_user, 1, 2),
	GLOBAL_KW_BOOL("enable_script_security"),
	GLOBAL_KW("startup_script", handle_script, 1, 3),
	GLOBAL_KW("shutdown_script", handle_script, 1, 3),
	GLOBAL_KW_FIELD("startup_script_timeout", 1, 1),
	GLOBAL_KW_FIELD("shutdown_script_timeout", 1, 1),
	GLOBAL_KW("notify_fifo", handle_fifo, 1, 3),
	GLOBAL_KW("notify_fifo_script", handle_fifo_script, 1, 3),
	GLOBAL_KW("vrrp_notify_fifo", handle_fifo, 1, 3),
	GLOBAL_KW("vrrp_notify_fifo_script", handle_fifo_script, 1, 3),
	GLOBAL_KW("lvs_notify_fifo", handle_fifo, 1, 3),
	GLOBAL_KW("lvs_notify_fifo_script", handle_fifo_script, 1, 3),
	GLOBAL_KW_BOOL("fifo_write_vrrp_states_on_reload"),
	GLOBAL_KW_BOOL("vrrp_notify_priority_changes"),
	{ "notification_email", NULL, &email_block, CONF_SUPPORTED, 0, 0, NULL, false },
	GLOBAL_KW_FIELD("notification_email_from", 1, 1),
	GLOBAL_KW("smtp_server", handle_smtp_server, 1, 2),
	GLOBAL_KW_FIELD("smtp_helo_name", 1, 1),
	GLOBAL_KW_FIELD("smtp_connect_timeout", 1, 1),
	GLOBAL_KW_BOOL("smtp_alert"),
	GLOBAL_KW_BOOL("smtp_alert_vrrp"),
	GLOBAL_KW_BOOL("smtp_alert_checker"),
	GLOBAL_KW_BOOL("checker_log_all_failures"),
	GLOBAL_KW_BOOL("no_email_faults"),
	GLOBAL_KW_BOOL("no_checker_emails"),
	GLOBAL_KW_BOOL("rs_init_notifies"),
	GLOBAL_KW("snmp_socket", handle_snmp_socket, 1, 1),
	GLOBAL_KW_BOOL("enable_snmp_vrrp"),
	{ "enable_snmp_keepalived", global_set_field, NULL, CONF_DEPRECATED, 0, 1,
	  "use enable_snmp_vrrp", false },
	GLOBAL_KW_BOOL("enable_snmp_checker"),
	GLOBAL_KW("enable_snmp_rfc", handle_snmp_rfc, 0, 1),
	GLOBAL_KW_BOOL("enable_snmp_rfcv2"),
	GLOBAL_KW_BOOL("enable_snmp_rfcv3"),
	GLOBAL_KW_BOOL("enable_traps"),
	GLOBAL_KW_FIELD("json_version", 1, 1),
	GLOBAL_KW("umask", handle_umask, 1, CONF_ARGS_ANY),
	GLOBAL_KW("control_socket", handle_control_socket, 1, 1),
	GLOBAL_KW("metrics_listen", handle_metrics_listen, 1, 1),

	GLOBAL_KW_NOT_YET("enable_dbus", "vigil has no D-Bus interface; use vigilctl"),
	GLOBAL_KW_NOT_YET("dbus_service_name", "vigil has no D-Bus interface"),
	GLOBAL_KW_NOT_YET("tmp_config_directory", "vigil does not copy the configuration to a file"),
	GLOBAL_KW_NOT_YET("config_save_dir", "saving configurations on reload"),
	GLOBAL_KW_NO_EFFECT("reload_check_config",
			    "vigil always checks a new configuration before applying it"),
	/* Listed so the keyword is known; the reader consumes the line itself. */
	GLOBAL_KW_NO_EFFECT("include_check", "handled by the configuration reader"),
	GLOBAL_KW_NOT_YET("reload_time_file", "scheduled reloads"),
	GLOBAL_KW_NOT_YET("reload_repeat", "scheduled reloads"),
	GLOBAL_KW_NOT_YET("reload_file", "reload progress files"),
	GLOBAL_KW_NO_EFFECT("data_use_instance",
			    "vigil writes no .data files; use vigilctl or --dump-config"),
	GLOBAL_KW_NOT_YET("random_seed", "a fixed seed for ${_RANDOM}"),
	GLOBAL_KW_END,
};
