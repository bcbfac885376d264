/* HTTP_GET and SSL_GET checkers and their url { ... } blocks. */
#include "config.h"
#include "check_conf_tables.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_STATUS_MIN 100
#define CHECK_STATUS_MAX 599
#define CHECK_MD5_HEX_LEN 32
#define CHECK_REGEX_STACK_MAX (1u << 30)

void check_url_free(void *obj)
{
	struct check_url_config *u = obj;

	if (!u)
		return;
	if (u->refs) {
		u->refs--;
		return;
	}
	free(u->path);
	free(u->digest);
	free(u->status);
	free(u->virtualhost);
	free(u->regex);
	free(u);
}

/* ---- sharing equal url lists ---- */

static bool same_string(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool check_url_equal(const void *x, const void *y)
{
	const struct check_url_config *a = x, *b = y;

	return same_string(a->path, b->path) && same_string(a->digest, b->digest)
	       && a->n_status == b->n_status
	       && (a->n_status == 0
		   || memcmp(a->status, b->status, a->n_status * sizeof(*a->status)) == 0)
	       && same_string(a->virtualhost, b->virtualhost) && same_string(a->regex, b->regex)
	       && a->regex_no_match == b->regex_no_match && a->regex_options == b->regex_options
	       && a->regex_stack_start == b->regex_stack_start
	       && a->regex_stack_max == b->regex_stack_max
	       && a->regex_min_offset == b->regex_min_offset
	       && a->regex_max_offset == b->regex_max_offset;
}

bool check_url_lists_equal(const struct ptr_array *a, const struct ptr_array *b)
{
	return ptr_array_equal(a, b, check_url_equal);
}

/* c's urls become `model`'s when equal; else c is the next model (real
 * servers with the same checker are usually written one after another). */
static void share_urls(struct check_checker_config *c, struct check_checker_config **model)
{
	if (c->type != CHECK_TYPE_HTTP_GET && c->type != CHECK_TYPE_SSL_GET)
		return;
	if (!*model || !check_url_lists_equal(&c->http.urls, &(*model)->http.urls)) {
		*model = c;
		return;
	}
	for (size_t i = 0; i < c->http.urls.count; i++) {
		struct check_url_config *shared = (*model)->http.urls.items[i];

		if (c->http.urls.items[i] == shared)
			continue;
		check_url_free(c->http.urls.items[i]);
		shared->refs++;
		c->http.urls.items[i] = shared;
	}
}

void check_config_share_urls(struct check_config *cc)
{
	struct check_checker_config *model = NULL;

	for (size_t v = 0; v < cc->virtual_servers.count; v++) {
		const struct check_vs_config *vs = cc->virtual_servers.items[v];

		for (size_t r = 0; r < vs->real_servers.count; r++) {
			const struct check_rs_config *rs = vs->real_servers.items[r];

			for (size_t i = 0; i < rs->checkers.count; i++)
				share_urls(rs->checkers.items[i], &model);
		}
	}
}

/* url { ... } inside HTTP_GET / SSL_GET. */
static void *url_open(struct conf_parser *p, void *parent, const struct conf_args *a)
{
	struct check_checker_config *c = parent;
	struct check_url_config *u = XNEW(struct check_url_config);

	u->where = a->where;
	ptr_array_push(&c->http.urls, u);
	return u;
}

static void kw_path(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_url_config *u = obj;

	check_set_string(&u->path, a->argv[1]);
}

/* digest: an MD5 of the body as 32 hex digits (as genhash prints it). */
static void kw_digest(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_url_config *u = obj;
	const char *d = a->argv[1];
	size_t n = strlen(d);

	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)d[i]))
			n = 0;
	if (n != CHECK_MD5_HEX_LEN) {
		conf_error(p, a, "digest: '%s' is not an MD5 digest (32 hex digits)", d);
		return;
	}
	check_set_string(&u->digest, d);
	for (char *s = u->digest; *s; s++)
		*s = (char)tolower((unsigned char)*s);
	u->digest_where = a->where;
}

/* One HTTP status code 100..599 from the start of `s`; *end past it. */
static bool status_number(const char *s, const char **end, uint16_t *out)
{
	unsigned long v;
	char *e;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoul(s, &e, 10);
	if (errno || v < CHECK_STATUS_MIN || v > CHECK_STATUS_MAX)
		return false;
	*end = e;
	*out = (uint16_t)v;
	return true;
}

/* "200" or "200-299"; false for anything else, or a reversed range. */
static bool parse_status_range(const char *s, struct check_status_range *r)
{
	const char *end;

	if (!status_number(s, &end, &r->low))
		return false;
	r->high = r->low;
	if (*end == '-' && !status_number(end + 1, &end, &r->high))
		return false;
	return *end == '\0' && r->low <= r->high;
}

/* status_code CODE|LOW-HIGH ... */
static void kw_status_code(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_url_config *u = obj;
	size_t n = (size_t)a->argc - 1;
	struct check_status_range *ranges = xcalloc(n, sizeof(*ranges));

	for (size_t i = 0; i < n; i++) {
		if (!parse_status_range(a->argv[i + 1], &ranges[i])) {
			conf_error(p, a, "status_code: '%s' is not a status code %d-%d or a "
				   "range LOW-HIGH of them", a->argv[i + 1],
				   CHECK_STATUS_MIN, CHECK_STATUS_MAX);
			free(ranges);
			return;
		}
	}
	free(u->status);
	u->status = ranges;
	u->n_status = n;
}

static void kw_url_virtualhost(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_url_config *u = obj;

	check_set_string(&u->virtualhost, a->argv[1]);
}

static void kw_regex(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_url_config *u = obj;

	check_set_string(&u->regex, a->argv[1]);
}

static void kw_regex_no_match(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_url_config *u = obj;

	u->regex_no_match = true;
}

static void kw_regex_options(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_url_config *u = obj;
	unsigned options = 0;
	int v;

	for (int i = 1; i < a->argc; i++) {
		if (!conf_get_enum(p, a, i, check_regex_option_names, &v))
			return;
		options |= 1u << v;
	}
	u->regex_options = options;
}

/* regex_stack START MAX (bytes of PCRE2 JIT stack) */
static void kw_regex_stack(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_url_config *u = obj;
	uint32_t start, max;

	if (!conf_get_u32(p, a, 1, 1, CHECK_REGEX_STACK_MAX, &start) ||
	    !conf_get_u32(p, a, 2, 1, CHECK_REGEX_STACK_MAX, &max))
		return;
	if (start > max) {
		conf_error(p, a, "regex_stack: start %u is larger than max %u", start, max);
		return;
	}
	u->regex_stack_start = start;
	u->regex_stack_max = max;
}

static void kw_regex_offset(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_url_config *u = obj;

	conf_get_u32(p, a, 1, 0, UINT32_MAX, strcmp(a->argv[0], "regex_min_offset") == 0 ?
		     &u->regex_min_offset : &u->regex_max_offset);
}

static const struct conf_keyword url_keywords[] = {
	{ "path", kw_path, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "digest", kw_digest, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "status_code", kw_status_code, NULL, CONF_SUPPORTED, 1, CONF_ARGS_ANY, NULL },
	{ "virtualhost", kw_url_virtualhost, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "regex", kw_regex, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "regex_no_match", kw_regex_no_match, NULL, CONF_SUPPORTED, 0, 0, NULL },
	{ "regex_options", kw_regex_options, NULL, CONF_SUPPORTED, 1, CONF_ARGS_ANY, NULL },
	{ "regex_stack", kw_regex_stack, NULL, CONF_SUPPORTED, 2, 2, NULL },
	{ "regex_min_offset", kw_regex_offset, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "regex_max_offset", kw_regex_offset, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ NULL },
};

static const struct conf_block url_block = {
	.name = "url", .tables = CONF_TABLES(url_keywords), .open = url_open,
};

/* ---- the checker blocks ---- */

static void kw_http_protocol(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_checker_config *c = obj;
	int v;

	if (!conf_get_enum(p, a, 1, check_http_protocol_names, &v))
		return;
	c->http.protocol = v;
	c->http.protocol_set = true;
}

static void kw_http_bool(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_checker_config *c = obj;

	conf_get_bool(p, a, 1, strcmp(a->argv[0], "enable_sni") == 0 ?
		      &c->http.enable_sni : &c->http.fast_recovery);
}

static const struct conf_keyword http_keywords[] = {
	{ "http_protocol", kw_http_protocol, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "fast_recovery", kw_http_bool, NULL, CONF_SUPPORTED, 0, 1, NULL },
	{ "url", NULL, &url_block, CONF_SUPPORTED, 0, 0, NULL },
	{ NULL },
};

static const struct conf_keyword ssl_get_keywords[] = {
	{ "enable_sni", kw_http_bool, NULL, CONF_SUPPORTED, 0, 1, NULL },
	{ NULL },
};

const struct conf_block check_http_block = {
	.name = "HTTP_GET",
	.tables = CONF_TABLES(check_conn_keywords, check_defaults_keywords,
			      check_log_all_failures_keywords, check_rise_fall_keywords,
			      check_virtualhost_keywords, http_keywords),
	.open = check_checker_open,
	.close = check_checker_close,
};

const struct conf_block check_ssl_get_block = {
	.name = "SSL_GET",
	.tables = CONF_TABLES(check_conn_keywords, check_defaults_keywords,
			      check_log_all_failures_keywords, check_rise_fall_keywords,
			      check_virtualhost_keywords, http_keywords, ssl_get_keywords),
	.open = check_checker_open,
	.close = check_checker_close,
};
