/* The health checker blocks of a real_server: TCP_CHECK, SMTP_CHECK,
 * DNS_CHECK, UDP_CHECK, PING_CHECK, MISC_CHECK, FILE_CHECK (HTTP_GET and
 * SSL_GET are in check_conf_http.c; BFD_CHECK is not implemented yet).
 * Every checker block opens its object with check_checker_open(). */
#include "config.h"
#include "check_conf_tables.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_FWMARK_MIN 1u
#define CHECK_UDP_LENGTH_MAX 65507u    /* the largest UDP payload over IPv4 */
#define CHECK_UDP_REPLY_DEFAULT_MAX 255u
#define CHECK_DNS_NAME_MAX 253
#define ONE_DAY_US (86400ull * 1000000ull)

void check_checker_free(void *obj)
{
	struct check_checker_config *c = obj;

	if (!c)
		return;
	if (c->refs) {
		c->refs--;
		return;
	}
	check_defaults_clear(&c->defaults);
	free(c->bind_if);
	switch (c->type) {
	case CHECK_TYPE_HTTP_GET:
	case CHECK_TYPE_SSL_GET:
		ptr_array_free(&c->http.urls, check_url_free);
		break;
	case CHECK_TYPE_SMTP:
		free(c->smtp.helo_name);
		ptr_array_free(&c->smtp.hosts, check_checker_free);
		break;
	case CHECK_TYPE_DNS:
		free(c->dns.name);
		break;
	case CHECK_TYPE_UDP:
		free(c->udp.payload);
		free(c->udp.reply);
		free(c->udp.reply_mask);
		break;
	case CHECK_TYPE_MISC:
		check_script_free(c->misc.path);
		break;
	case CHECK_TYPE_FILE:
		free(c->file.track_file);
		break;
	default:
		break;
	}
	free(c);
}

static struct check_checker_config *checker_new(enum check_type type, struct conf_where where)
{
	struct check_checker_config *c = XNEW(struct check_checker_config);

	c->type = type;
	c->where = where;
	if (type == CHECK_TYPE_DNS)
		c->dns.type = CHECK_DNS_SOA;
	if (type == CHECK_TYPE_UDP)
		c->udp.max_reply_length = CHECK_UDP_REPLY_DEFAULT_MAX;
	return c;
}

/* Every checker block opens here; argv[0] names the type. */
void *check_checker_open(struct conf_parser *p, void *parent, const struct conf_args *a)
{
	struct check_rs_config *rs = parent;
	struct check_checker_config *c;
	int type;

	for (type = 0; type < CHECK_TYPE_COUNT; type++)
		if (strcmp(check_type_names[type], a->argv[0]) == 0)
			break;
	if (type == CHECK_TYPE_COUNT) {   /* a table names a type with no name entry */
		conf_error(p, a, "%s: unknown checker type", a->argv[0]);
		return NULL;
	}
	c = checker_new(type, a->where);
	ptr_array_push(&rs->checkers, c);
	return c;
}

void check_checker_close(struct conf_parser *p, void *obj, struct conf_where opened)
{
	struct check_checker_config *c = obj;

	(void)p;
	(void)opened;
	if (c->type == CHECK_TYPE_HTTP_GET || c->type == CHECK_TYPE_SSL_GET)
		ptr_array_fit(&c->http.urls);
	if (c->type == CHECK_TYPE_SMTP)
		ptr_array_fit(&c->smtp.hosts);
}

/* ---- connection options (all checkers but MISC and FILE) ---- */

static void kw_conn_addr(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_checker_config *c = obj;
	bool bindto = strcmp(a->argv[0], "bindto") == 0;

	if (!conf_get_addr(p, a, 1, CONF_FAMILY_ANY, false, bindto ? &c->bindto : &c->connect_ip))
		return;
	if (bindto)
		c->has_bindto = true;
	else
		c->has_connect_ip = true;
}

static void kw_conn_port(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_checker_config *c = obj;
	bool bind = strcmp(a->argv[0], "bind_port") == 0;

	if (!conf_get_port(p, a, 1, true, bind ? &c->bind_port : &c->connect_port))
		return;
	if (bind)
		c->has_bind_port = true;
	else
		c->has_connect_port = true;
}

static void kw_bind_if(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_checker_config *c = obj;

	if (conf_get_ifname(p, a, 1, &c->bind_if))
		c->bind_if_where = a->where;
}

static void kw_checker_fwmark(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_checker_config *c = obj;

	if (conf_get_u32(p, a, 1, CHECK_FWMARK_MIN, UINT32_MAX, &c->fwmark))
		c->has_fwmark = true;
}

const struct conf_keyword check_conn_keywords[] = {
	{ "connect_ip", kw_conn_addr, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "connect_port", kw_conn_port, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "bindto", kw_conn_addr, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "bind_if", kw_bind_if, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "bind_port", kw_conn_port, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "fwmark", kw_checker_fwmark, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ NULL },
};

/* Every checker with the standard options (HTTP_GET and SSL_GET add theirs). */
#define CHECKER_COMMON_TABLES check_conn_keywords, check_defaults_keywords, \
	check_log_all_failures_keywords, check_rise_fall_keywords

/* ---- SMTP_CHECK ---- */

static void kw_helo_name(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_checker_config *c = obj;

	check_set_string(&c->smtp.helo_name, a->argv[1]);
}

/* host { ... }: an extra server for the same SMTP check; each host is
 * kept as a checker of its own, inheriting what its block does not say. */
static void *smtp_host_open(struct conf_parser *p, void *parent, const struct conf_args *a)
{
	struct check_checker_config *smtp = parent;
	struct check_checker_config *host = checker_new(CHECK_TYPE_SMTP, a->where);

	ptr_array_push(&smtp->smtp.hosts, host);
	return host;
}

static const struct conf_block smtp_host_block = {
	.name = "host",
	.tables = CONF_TABLES(check_conn_keywords, check_defaults_keywords),
	.open = smtp_host_open,
};

static const struct conf_keyword smtp_keywords[] = {
	{ "helo_name", kw_helo_name, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "host", NULL, &smtp_host_block, CONF_SUPPORTED, 0, 0, NULL },
	{ NULL },
};

/* ---- DNS_CHECK ---- */

static void kw_dns_type(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_checker_config *c = obj;
	int v;

	if (conf_get_enum(p, a, 1, check_dns_type_names, &v))
		c->dns.type = v;
}

static void kw_dns_name(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_checker_config *c = obj;

	if (strlen(a->argv[1]) > CHECK_DNS_NAME_MAX) {
		conf_error(p, a, "name: a DNS name has at most %d characters", CHECK_DNS_NAME_MAX);
		return;
	}
	check_set_string(&c->dns.name, a->argv[1]);
}

static const struct conf_keyword dns_keywords[] = {
	{ "type", kw_dns_type, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "name", kw_dns_name, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ NULL },
};

/* ---- UDP_CHECK ---- */

/* A hex digit's value, 16 for a wildcard X (when allowed), -1 otherwise. */
static int hex_digit(int ch, bool wild)
{
	if (isdigit(ch))
		return ch - '0';
	if (isxdigit(ch))
		return tolower(ch) - 'a' + 10;
	if (wild && (ch == 'x' || ch == 'X'))
		return 16;
	return -1;
}

/* Hex data written freely over several words: each word is read two digits
 * to a byte, a lone last digit being a byte of its own ("Ab12f 3" is
 * AB 12 0F 03).  With `wild`, an X digit matches anything: its mask nibble
 * is 0.  On a character that is not hex, reports and returns false; the
 * caller frees *data and *mask either way. */
static bool parse_hex_words(struct conf_parser *p, const struct conf_args *a, bool wild,
			    uint8_t **data, uint8_t **mask, size_t *len)
{
	size_t cap = 1, n = 0;

	for (int i = 1; i < a->argc; i++)
		cap += strlen(a->argv[i]) / 2 + 1;
	*data = xcalloc(cap, 1);
	*mask = xcalloc(cap, 1);
	for (int i = 1; i < a->argc; i++) {
		for (const char *s = a->argv[i]; *s; s++) {
			int v = hex_digit((unsigned char)*s, wild);

			if (v < 0) {
				conf_error(p, a, "%s: '%c' is not a hex digit", a->argv[0], *s);
				return false;
			}
			(*data)[n] = (uint8_t)((*data)[n] << 4 | (v == 16 ? 0 : v));
			(*mask)[n] = (uint8_t)((*mask)[n] << 4 | (v == 16 ? 0 : 0xf));
			/* a byte ends after its second digit or at the end of the
			 * word; a lone digit's high nibble is a known 0 */
			if ((s - a->argv[i]) % 2 == 0 && !s[1])
				(*mask)[n] |= 0xf0;
			if ((s - a->argv[i]) % 2 == 1 || !s[1])
				n++;
		}
	}
	*len = n;
	return true;
}

static void kw_payload(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_checker_config *c = obj;
	uint8_t *data, *mask;
	size_t len;
	bool ok = parse_hex_words(p, a, false, &data, &mask, &len);

	free(mask);
	if (!ok) {
		free(data);
		return;
	}
	free(c->udp.payload);
	c->udp.payload = data;
	c->udp.payload_len = len;
}

/* require_reply [HEX...]: without data, any reply will do. */
static void kw_require_reply(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_checker_config *c = obj;
	uint8_t *data, *mask;
	size_t len;

	if (!parse_hex_words(p, a, true, &data, &mask, &len)) {
		free(data);
		free(mask);
		return;
	}
	free(c->udp.reply);
	free(c->udp.reply_mask);
	c->udp.require_reply = true;
	c->udp.reply = data;
	c->udp.reply_mask = mask;
	c->udp.reply_len = len;
}

static void kw_reply_length(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_checker_config *c = obj;
	bool min = strcmp(a->argv[0], "min_reply_length") == 0;

	if (conf_get_u32(p, a, 1, 0, CHECK_UDP_LENGTH_MAX,
			 min ? &c->udp.min_reply_length : &c->udp.max_reply_length))
		c->udp.lengths_where = a->where;
}

static const struct conf_keyword udp_keywords[] = {
	{ "payload", kw_payload, NULL, CONF_SUPPORTED, 1, CONF_ARGS_ANY, NULL },
	{ "require_reply", kw_require_reply, NULL, CONF_SUPPORTED, 0, CONF_ARGS_ANY, NULL },
	{ "min_reply_length", kw_reply_length, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "max_reply_length", kw_reply_length, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ NULL },
};

/* ---- MISC_CHECK ---- */

static struct check_script *misc_script(struct check_checker_config *c, struct conf_where where)
{
	if (!c->misc.path) {
		c->misc.path = XNEW(struct check_script);
		c->misc.path->where = where;
	}
	return c->misc.path;
}

/* misc_path CMD...: quoted or not, the rest of the line is the command. */
static void kw_misc_path(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_checker_config *c = obj;
	struct check_script *s = misc_script(c, a->where);

	free(s->command);
	s->command = conf_join_args(a, 1);
	s->where = a->where;
}

static void kw_misc_timeout(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_checker_config *c = obj;

	conf_get_seconds_us(p, a, 1, 1, ONE_DAY_US, &c->misc.timeout_us);
}

static void kw_misc_dynamic(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_checker_config *c = obj;

	conf_get_bool(p, a, 1, &c->misc.dynamic);
}

/* user USER [GROUP]: who runs misc_path. */
static void kw_misc_user(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_checker_config *c = obj;
	struct check_script *s = misc_script(c, a->where);

	check_set_string(&s->user, a->argv[1]);
	free(s->group);
	s->group = a->argc > 2 ? xstrdup(a->argv[2]) : NULL;
}

static const struct conf_keyword misc_keywords[] = {
	{ "misc_path", kw_misc_path, NULL, CONF_SUPPORTED, 1, CONF_ARGS_ANY, NULL },
	{ "misc_timeout", kw_misc_timeout, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "misc_dynamic", kw_misc_dynamic, NULL, CONF_SUPPORTED, 0, 1, NULL },
	{ "user", kw_misc_user, NULL, CONF_SUPPORTED, 1, 2, NULL },
	{ NULL },
};

/* ---- FILE_CHECK ---- */

static void kw_track_file(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_checker_config *c = obj;

	check_set_string(&c->file.track_file, a->argv[1]);
}

static void kw_file_dynamic(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_checker_config *c = obj;

	conf_get_bool(p, a, 1, &c->file.dynamic);
}

/* weight N [reverse] */
static void kw_file_weight(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_checker_config *c = obj;

	if (a->argc > 2 && strcmp(a->argv[2], "reverse") != 0) {
		conf_error(p, a, "weight: expected 'reverse' after the weight, not '%s'",
			   a->argv[2]);
		return;
	}
	if (!conf_get_i32(p, a, 1, -2147483647, 2147483647, &c->file.weight))
		return;
	c->file.reverse = a->argc > 2;
	c->file.weight_set = true;
}

static const struct conf_keyword file_keywords[] = {
	{ "track_file", kw_track_file, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "dynamic", kw_file_dynamic, NULL, CONF_SUPPORTED, 0, 1, NULL },
	{ "weight", kw_file_weight, NULL, CONF_SUPPORTED, 1, 2, NULL },
	{ NULL },
};

/* ---- the blocks ---- */

static const struct conf_block tcp_block = {
	.name = "TCP_CHECK", .tables = CONF_TABLES(CHECKER_COMMON_TABLES),
	.open = check_checker_open,
	.close = check_checker_close,
};
static const struct conf_block ping_block = {
	.name = "PING_CHECK", .tables = CONF_TABLES(CHECKER_COMMON_TABLES),
	.open = check_checker_open,
	.close = check_checker_close,
};
static const struct conf_block smtp_block = {
	.name = "SMTP_CHECK", .tables = CONF_TABLES(CHECKER_COMMON_TABLES, smtp_keywords),
	.open = check_checker_open,
	.close = check_checker_close,
};
static const struct conf_block dns_block = {
	.name = "DNS_CHECK", .tables = CONF_TABLES(CHECKER_COMMON_TABLES, dns_keywords),
	.open = check_checker_open,
	.close = check_checker_close,
};
static const struct conf_block udp_block = {
	.name = "UDP_CHECK", .tables = CONF_TABLES(CHECKER_COMMON_TABLES, udp_keywords),
	.open = check_checker_open,
	.close = check_checker_close,
};
/* MISC_CHECK has no connection options: it runs a program. */
static const struct conf_block misc_block = {
	.name = "MISC_CHECK",
	.tables = CONF_TABLES(check_defaults_keywords, check_log_all_failures_keywords,
			      check_rise_fall_keywords, misc_keywords),
	.open = check_checker_open,
	.close = check_checker_close,
};
/* FILE_CHECK has none of the standard options. */
static const struct conf_block file_block = {
	.name = "FILE_CHECK", .tables = CONF_TABLES(file_keywords), .open = check_checker_open,
	.close = check_checker_close,
};

/* Never entered (BFD_CHECK is not implemented yet): it only lets the
 * engine recognise and skip the block. */
static const struct conf_block bfd_block = { .name = "BFD_CHECK" };

const struct conf_keyword check_checker_type_keywords[] = {
	{ "TCP_CHECK", NULL, &tcp_block, CONF_SUPPORTED, 0, 0, NULL },
	{ "HTTP_GET", NULL, &check_http_block, CONF_SUPPORTED, 0, 0, NULL },
	{ "SSL_GET", NULL, &check_ssl_get_block, CONF_SUPPORTED, 0, 0, NULL },
	{ "SMTP_CHECK", NULL, &smtp_block, CONF_SUPPORTED, 0, 0, NULL },
	{ "DNS_CHECK", NULL, &dns_block, CONF_SUPPORTED, 0, 0, NULL },
	{ "UDP_CHECK", NULL, &udp_block, CONF_SUPPORTED, 0, 0, NULL },
	{ "PING_CHECK", NULL, &ping_block, CONF_SUPPORTED, 0, 0, NULL },
	{ "MISC_CHECK", NULL, &misc_block, CONF_SUPPORTED, 0, 0, NULL },
	{ "FILE_CHECK", NULL, &file_block, CONF_SUPPORTED, 0, 0, NULL },
	{ "BFD_CHECK", NULL, &bfd_block, CONF_NOT_YET, 0, 0,
	  "vigil has no BFD support yet" },
	{ NULL },
};
