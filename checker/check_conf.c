/* The LVS configuration's top level: virtual_server_group, the SSL block,
 * the name tables, and the check_config object itself. */
#include "config.h"
#include "check_conf_tables.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

const char *const check_protocol_names[] = { "TCP", "UDP", "SCTP", NULL };
const char *const check_sched_names[] = {
	"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "mh", "sed", "nq", "fo", "ovf",
	"twos", NULL
};
const char *const check_sched_flag_names[] = {
	"hashed", "flag-1", "flag-2", "flag-3", "sh-port", "sh-fallback", "mh-port",
	"mh-fallback", NULL
};
const char *const check_fwd_method_names[] = { "NAT", "DR", "TUN", NULL };
const char *const check_tunnel_type_names[] = { "ipip", "gue", "gre", NULL };
const char *const check_tunnel_csum_names[] = { NULL, "nocsum", "csum", "remcsum", NULL };
const char *const check_type_names[] = {
	"TCP_CHECK", "HTTP_GET", "SSL_GET", "SMTP_CHECK", "DNS_CHECK", "UDP_CHECK",
	"PING_CHECK", "MISC_CHECK", "FILE_CHECK", NULL
};
const char *const check_http_protocol_names[] = { "1.0", "1.0C", "1.1", NULL };
const char *const check_dns_type_names[] = {
	"A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA", NULL
};
const char *const check_regex_option_names[] = {
	"allow_empty_class", "alt_bsux", "auto_callout", "caseless", "dollar_endonly",
	"dotall", "dupnames", "extended", "firstline", "match_unset_backref", "multiline",
	"never_ucp", "never_utf", "no_auto_capture", "no_auto_possess", "no_dotstar_anchor",
	"no_start_optimize", "ucp", "ungreedy", "utf", "never_backslash_c", "alt_circumflex",
	"alt_verbnames", "use_offset_limit", NULL
};
const char *const check_vs_kind_names[] = { "address", "fwmark", "group", NULL };

/* ---- the object ---- */

struct check_config *check_config_new(void)
{
	return XNEW(struct check_config);
}

static void vsg_free(void *obj)
{
	struct check_vsg_config *g = obj;

	free(g->name);
	ptr_array_free(&g->entries, free);
	free(g);
}

void check_config_free(struct check_config *cc)
{
	if (!cc)
		return;
	ptr_array_free(&cc->groups, vsg_free);
	ptr_array_free(&cc->virtual_servers, check_vs_free);
	free(cc->ssl.password);
	free(cc->ssl.ca);
	free(cc->ssl.certificate);
	free(cc->ssl.key);
	free(cc);
}

bool check_config_is_empty(const struct check_config *cc)
{
	return !cc || cc->virtual_servers.count == 0;
}

struct check_config *check_conf_of(struct conf_parser *p)
{
	struct vigil_config *cfg = conf_parser_root(p);

	if (!cfg->check)
		cfg->check = check_config_new();
	return cfg->check;
}

struct check_vsg_config *check_config_find_group(const struct check_config *cc, const char *name)
{
	for (size_t i = 0; cc && i < cc->groups.count; i++) {
		struct check_vsg_config *g = cc->groups.items[i];

		if (strcmp(g->name, name) == 0)
			return g;
	}
	return NULL;
}

/* ---- virtual_server_group NAME { ... } ---- */

static void *vsg_open(struct conf_parser *p, void *parent, const struct conf_args *a)
{
	struct check_config *cc = check_conf_of(p);
	struct check_vsg_config *g = check_config_find_group(cc, a->argv[1]);

	if (g) {
		conf_error(p, a, "virtual_server_group %s is already defined at line %u",
			   a->argv[1], g->where.line);
		return NULL;
	}
	g = XNEW(struct check_vsg_config);
	g->name = xstrdup(a->argv[1]);
	g->where = a->where;
	ptr_array_push(&cc->groups, g);
	return g;
}

static size_t addr_bytes(int family)
{
	return family == AF_INET ? 4 : 16;
}

static uint8_t *addr_data(struct vigil_addr *x)
{
	return x->family == AF_INET ? (uint8_t *)&x->u.v4 : x->u.v6.s6_addr;
}

static bool addr_parse(const char *text, int family, struct vigil_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = family;
	out->prefix_len = family == AF_INET ? 32 : 128;
	return inet_pton(family, text, addr_data(out)) == 1;
}

/* The end of "START-END": a whole address, or only the last byte (IPv4,
 * decimal) or the last 16-bit group (IPv6, hex) of START. */
static bool range_end(const char *text, const struct vigil_addr *first, struct vigil_addr *last)
{
	unsigned long v;
	char *e;
	uint8_t *b;

	if (strchr(text, '.') || strchr(text, ':'))
		return addr_parse(text, first->family, last);
	v = strtoul(text, &e, first->family == AF_INET ? 10 : 16);
	if (!*text || *e || v > (first->family == AF_INET ? 0xffUL : 0xffffUL))
		return false;
	*last = *first;
	b = addr_data(last);
	if (first->family == AF_INET)
		b[3] = (uint8_t)v;
	else {
		b[14] = (uint8_t)(v >> 8);
		b[15] = (uint8_t)v;
	}
	return true;
}

/* "ADDR/LEN": the block ADDR lies in.  *host_bits: ADDR was not its start. */
static bool range_prefix(const char *len_text, struct vigil_addr *first,
			 struct vigil_addr *last, bool *host_bits)
{
	size_t n = addr_bytes(first->family);
	unsigned long len;
	char *e;
	uint8_t *lo, *hi;

	len = strtoul(len_text, &e, 10);
	if (!*len_text || *e || len > n * 8)
		return false;
	*last = *first;
	lo = addr_data(first);
	hi = addr_data(last);
	for (size_t i = 0; i < n; i++) {
		unsigned keep = len >= (i + 1) * 8 ? 8 : len > i * 8 ? len - i * 8 : 0;
		uint8_t mask = (uint8_t)(0xff00u >> keep);

		*host_bits |= (lo[i] & ~mask) != 0;
		lo[i] &= mask;
		hi[i] |= (uint8_t)~mask;
	}
	return true;
}

/* An address, "START-END" or "ADDR/LEN" into first..last. */
static bool parse_vsg_addr(const char *text, struct vigil_addr *first, struct vigil_addr *last,
			   bool *host_bits)
{
	char buf[INET6_ADDRSTRLEN + 64];
	int family = strchr(text, ':') ? AF_INET6 : AF_INET;
	char *sep, kind = 0;

	*host_bits = false;
	if (strlen(text) >= sizeof(buf))
		return false;
	strcpy(buf, text);
	sep = strpbrk(buf, "-/");
	if (sep) {
		kind = *sep;
		*sep = '\0';
	}
	if (!addr_parse(buf, family, first))
		return false;
	if (!sep) {
		*last = *first;
		return true;
	}
	if (kind == '/')
		return range_prefix(sep + 1, first, last, host_bits);
	return range_end(sep + 1, first, last);
}

static bool vsg_item_fwmark(struct conf_parser *p, struct check_vsg_entry *e,
			    const struct conf_args *a)
{
	static const char *const families[] = { "inet", "inet6", NULL };
	int v;

	e->kind = CHECK_VSG_FWMARK;
	e->family = AF_UNSPEC;
	if (a->argc < 2 || a->argc > 3) {
		conf_error(p, a, "virtual_server_group: expected 'fwmark N [inet|inet6]'");
		return false;
	}
	if (!conf_get_u32(p, a, 1, 1, UINT32_MAX, &e->fwmark))
		return false;
	if (a->argc == 3) {
		if (!conf_get_enum(p, a, 2, families, &v))
			return false;
		e->family = v == 0 ? AF_INET : AF_INET6;
	}
	return true;
}

static bool vsg_item_addr(struct conf_parser *p, struct check_vsg_entry *e,
			  const struct conf_args *a)
{
	char from[VIGIL_ADDR_STRLEN];
	bool host_bits;

	e->kind = CHECK_VSG_ADDR;
	if (a->argc > 2) {
		conf_error(p, a, "virtual_server_group: expected 'ADDRESS|RANGE [PORT]'");
		return false;
	}
	if (!parse_vsg_addr(a->argv[0], &e->first, &e->last, &host_bits)) {
		conf_error(p, a, "virtual_server_group: '%s' is not an address, range "
			   "(A.B.C.D-E, START-END) or prefix (ADDR/LEN)", a->argv[0]);
		return false;
	}
	if (memcmp(addr_data(&e->last), addr_data(&e->first), addr_bytes(e->first.family)) < 0) {
		conf_error(p, a, "virtual_server_group: range '%s' ends before it starts",
			   a->argv[0]);
		return false;
	}
	if (host_bits)
		conf_warning(p, a, "virtual_server_group: '%s' has host bits set; the range "
			     "starts at %s", a->argv[0],
			     vigil_addr_to_string(&e->first, from, sizeof(from)));
	e->has_port = a->argc == 2;
	return !e->has_port || conf_get_port(p, a, 1, false, &e->port);
}

/* Each line of the group: ADDRESS|RANGE [PORT] or fwmark N [inet|inet6]. */
static void vsg_item(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_vsg_config *g = obj;
	struct check_vsg_entry *e = XNEW(struct check_vsg_entry);
	bool ok;

	e->where = a->where;
	if (strcmp(a->argv[0], "fwmark") == 0)
		ok = vsg_item_fwmark(p, e, a);
	else
		ok = vsg_item_addr(p, e, a);
	if (ok)
		ptr_array_push(&g->entries, e);
	else
		free(e);
}

static const struct conf_block vsg_block = {
	.name = "virtual_server_group", .open = vsg_open, .item = vsg_item,
};

/* ---- SSL { ... } ---- */

static void *ssl_open(struct conf_parser *p, void *parent, const struct conf_args *a)
{
	struct check_config *cc = check_conf_of(p);

	if (cc->ssl.present)
		conf_warning(p, a, "SSL: a second SSL block (the first is at line %u); "
			     "its settings are merged", cc->ssl.where.line);
	else
		cc->ssl.where = a->where;
	cc->ssl.present = true;
	return &cc->ssl;
}

static void kw_ssl_password(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_ssl_config *ssl = obj;

	check_set_string(&ssl->password, a->argv[1]);
}

/* ca, certificate, key: files, checked on the host by check_config_check. */
static void kw_ssl_file(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_ssl_config *ssl = obj;
	char **slot = &ssl->key;
	struct conf_where *where = &ssl->key_where;

	if (strcmp(a->argv[0], "ca") == 0) {
		slot = &ssl->ca;
		where = &ssl->ca_where;
	} else if (strcmp(a->argv[0], "certificate") == 0) {
		slot = &ssl->certificate;
		where = &ssl->certificate_where;
	}
	check_set_string(slot, a->argv[1]);
	*where = a->where;
}

static const struct conf_keyword ssl_keywords[] = {
	{ "password", kw_ssl_password, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "ca", kw_ssl_file, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "certificate", kw_ssl_file, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "key", kw_ssl_file, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ NULL },
};

static const struct conf_block ssl_block = {
	.name = "SSL", .tables = CONF_TABLES(ssl_keywords), .open = ssl_open,
};

const struct conf_keyword check_conf_keywords[] = {
	{ "virtual_server_group", NULL, &vsg_block, CONF_SUPPORTED, 1, 1, NULL },
	{ "virtual_server", NULL, &check_vs_block, CONF_SUPPORTED, 1, 2, NULL },
	{ "SSL", NULL, &ssl_block, CONF_SUPPORTED, 0, 0, NULL },
	{ NULL },
};
