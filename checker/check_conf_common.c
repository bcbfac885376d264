/* Pieces of the LVS configuration used at several levels: the inherited
 * settings (timers, retry, alpha, rise/fall, virtualhost), forwarding
 * methods and scripts. */
#include "config.h"
#include "check_conf_tables.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The shared handlers rely on this layout (see struct check_defaults). */
_Static_assert(offsetof(struct check_vs_config, defaults) == 0, "defaults first");
_Static_assert(offsetof(struct check_rs_config, defaults) == 0, "defaults first");
_Static_assert(offsetof(struct check_checker_config, defaults) == 0, "defaults first");

#define ONE_SECOND_US 1000000ull
#define ONE_DAY_US (86400ull * ONE_SECOND_US)
#define CHECK_RETRY_MAX 1000000u
#define CHECK_RISE_FALL_MAX 100u

void check_set_string(char **slot, const char *value)
{
	free(*slot);
	*slot = xstrdup(value);
}

void check_defaults_clear(struct check_defaults *d)
{
	free(d->virtualhost);
	d->virtualhost = NULL;
}

/* ---- timers and counters ---- */

/* Which timer a keyword sets, its bit and its range. */
struct timer_spec {
	const char *keyword;
	size_t offset;
	unsigned bit;
	uint64_t min_us;
};

static const struct timer_spec timer_specs[] = {
	{ "connect_timeout", offsetof(struct check_defaults, connect_timeout_us),
	  CHECK_SET_CONNECT_TIMEOUT, 1 },
	{ "delay_loop", offsetof(struct check_defaults, delay_loop_us), CHECK_SET_DELAY_LOOP, 1 },
	{ "delay_before_retry", offsetof(struct check_defaults, delay_before_retry_us),
	  CHECK_SET_DELAY_BEFORE_RETRY, 0 },
	{ "warmup", offsetof(struct check_defaults, warmup_us), CHECK_SET_WARMUP, 0 },
};

/* connect_timeout, delay_loop, delay_before_retry, warmup: seconds with a
 * fraction, at most a day (a longer check interval is a typo). */
static void kw_timer(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_defaults *d = obj;

	for (size_t i = 0; i < sizeof(timer_specs) / sizeof(timer_specs[0]); i++) {
		const struct timer_spec *t = &timer_specs[i];
		uint64_t us;

		if (strcmp(t->keyword, a->argv[0]) != 0)
			continue;
		if (!conf_get_seconds_us(p, a, 1, t->min_us, ONE_DAY_US, &us))
			return;
		*(uint64_t *)((char *)d + t->offset) = us;
		d->set |= t->bit;
		return;
	}
}

static void kw_retry(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_defaults *d = obj;

	if (conf_get_u32(p, a, 1, 0, CHECK_RETRY_MAX, &d->retry))
		d->set |= CHECK_SET_RETRY;
}

/* alpha, inhibit_on_failure, log_all_failures: a bare keyword means yes. */
static void kw_flag(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_defaults *d = obj;
	bool value;

	if (!conf_get_bool(p, a, 1, &value))
		return;
	if (strcmp(a->argv[0], "alpha") == 0) {
		d->alpha = value;
		d->set |= CHECK_SET_ALPHA;
	} else if (strcmp(a->argv[0], "inhibit_on_failure") == 0) {
		d->inhibit_on_failure = value;
		d->set |= CHECK_SET_INHIBIT;
	} else {
		d->log_all_failures = value;
		d->set |= CHECK_SET_LOG_ALL_FAILURES;
	}
}

/* rise N / fall N: consecutive successes to come up, failures to go down. */
static void kw_rise_fall(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_defaults *d = obj;
	bool rise = strcmp(a->argv[0], "rise") == 0;

	if (!conf_get_u32(p, a, 1, 1, CHECK_RISE_FALL_MAX, rise ? &d->rise : &d->fall))
		return;
	d->set |= rise ? CHECK_SET_RISE : CHECK_SET_FALL;
}

static void kw_virtualhost(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct check_defaults *d = obj;

	check_set_string(&d->virtualhost, a->argv[1]);
}

const struct conf_keyword check_defaults_keywords[] = {
	{ "connect_timeout", kw_timer, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "delay_loop", kw_timer, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "delay_before_retry", kw_timer, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "warmup", kw_timer, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "retry", kw_retry, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ "alpha", kw_flag, NULL, CONF_SUPPORTED, 0, 1, NULL },
	{ NULL },
};

const struct conf_keyword check_inhibit_keywords[] = {
	{ "inhibit_on_failure", kw_flag, NULL, CONF_SUPPORTED, 0, 1, NULL },
	{ NULL },
};

const struct conf_keyword check_log_all_failures_keywords[] = {
	{ "log_all_failures", kw_flag, NULL, CONF_SUPPORTED, 0, 1, NULL },
	{ NULL },
};

const struct conf_keyword check_rise_fall_keywords[] = {
	{ "rise", kw_rise_fall, NULL, CONF_SUPPORTED, 1, 1, "vigil extension" },
	{ "fall", kw_rise_fall, NULL, CONF_SUPPORTED, 1, 1, "vigil extension" },
	{ NULL },
};

const struct conf_keyword check_virtualhost_keywords[] = {
	{ "virtualhost", kw_virtualhost, NULL, CONF_SUPPORTED, 1, 1, NULL },
	{ NULL },
};

/* ---- forwarding methods ---- */

/* After TUN: [type ipip|gue port N|gre] [nocsum|csum|remcsum], from argv[2]. */
static bool parse_tunnel(struct conf_parser *p, const struct conf_args *a, struct check_fwd *f)
{
	int i = 2, v;

	if (i < a->argc && strcmp(a->argv[i], "type") == 0) {
		if (!conf_get_enum(p, a, i + 1, check_tunnel_type_names, &v))
			return false;
		f->tunnel = v;
		i += 2;
		if (f->tunnel == CHECK_TUN_GUE) {
			if (i >= a->argc || strcmp(a->argv[i], "port") != 0) {
				conf_error(p, a, "%s: tunnel type gue needs 'port NUM'",
					   a->argv[0]);
				return false;
			}
			if (!conf_get_port(p, a, i + 1, true, &f->tunnel_port))
				return false;
			i += 2;
		}
	}
	if (i < a->argc) {
		if (!conf_get_enum(p, a, i, check_tunnel_csum_names + 1, &v))
			return false;
		f->csum = v + 1;
		i++;
	}
	if (i < a->argc) {
		conf_error(p, a, "%s: unexpected '%s'", a->argv[0], a->argv[i]);
		return false;
	}
	return true;
}

/* Checksum options need a GUE or GRE tunnel, and GRE has no remcsum. */
static bool tunnel_consistent(struct conf_parser *p, const struct conf_args *a,
			      const struct check_fwd *f)
{
	if (f->csum == CHECK_CSUM_DEFAULT)
		return true;
	if (f->tunnel == CHECK_TUN_IPIP) {
		conf_error(p, a, "%s: %s needs tunnel type gue or gre", a->argv[0],
			   check_tunnel_csum_names[f->csum]);
		return false;
	}
	if (f->tunnel == CHECK_TUN_GRE && f->csum == CHECK_CSUM_REMCSUM) {
		conf_error(p, a, "%s: remcsum is not supported with tunnel type gre", a->argv[0]);
		return false;
	}
	return true;
}

bool check_fwd_parse(struct conf_parser *p, const struct conf_args *a, struct check_fwd *out)
{
	struct check_fwd f = { .set = true };
	int method;

	if (!conf_get_enum(p, a, 1, check_fwd_method_names, &method))
		return false;
	f.method = method;
	if (f.method != CHECK_FWD_TUN && a->argc > 2) {
		conf_error(p, a, "%s: options after %s are only for TUN", a->argv[0], a->argv[1]);
		return false;
	}
	if (f.method == CHECK_FWD_TUN &&
	    (!parse_tunnel(p, a, &f) || !tunnel_consistent(p, a, &f)))
		return false;
	*out = f;
	return true;
}

/* ---- scripts ---- */

void check_script_free(struct check_script *s)
{
	if (!s)
		return;
	free(s->command);
	free(s->user);
	free(s->group);
	free(s);
}

void check_script_parse(const struct conf_args *a, struct check_script **slot)
{
	struct check_script *s = XNEW(struct check_script);

	s->command = xstrdup(a->argv[1]);
	if (a->argc > 2)
		s->user = xstrdup(a->argv[2]);
	if (a->argc > 3)
		s->group = xstrdup(a->argv[3]);
	s->where = a->where;
	check_script_free(*slot);
	*slot = s;
}

/* ---- inheritance ---- */

/* Copies what `in` sets over `out`. */
static void defaults_overlay(struct check_defaults *out, const struct check_defaults *in)
{
	if (!in)
		return;
	if (in->set & CHECK_SET_CONNECT_TIMEOUT)
		out->connect_timeout_us = in->connect_timeout_us;
	if (in->set & CHECK_SET_DELAY_LOOP)
		out->delay_loop_us = in->delay_loop_us;
	if (in->set & CHECK_SET_DELAY_BEFORE_RETRY)
		out->delay_before_retry_us = in->delay_before_retry_us;
	if (in->set & CHECK_SET_WARMUP)
		out->warmup_us = in->warmup_us;
	if (in->set & CHECK_SET_RETRY)
		out->retry = in->retry;
	if (in->set & CHECK_SET_ALPHA)
		out->alpha = in->alpha;
	if (in->set & CHECK_SET_INHIBIT)
		out->inhibit_on_failure = in->inhibit_on_failure;
	if (in->set & CHECK_SET_LOG_ALL_FAILURES)
		out->log_all_failures = in->log_all_failures;
	if (in->set & CHECK_SET_RISE)
		out->rise = in->rise;
	if (in->set & CHECK_SET_FALL)
		out->fall = in->fall;
	if (in->virtualhost)
		out->virtualhost = in->virtualhost;
	out->set |= in->set;
}

static uint64_t default_delay_before_retry(enum check_type type, uint64_t delay_loop_us)
{
	if (type == CHECK_TYPE_HTTP_GET || type == CHECK_TYPE_SSL_GET)
		return 3 * ONE_SECOND_US;
	if (type == CHECK_TYPE_DNS)
		return delay_loop_us;
	return ONE_SECOND_US;
}

/* The defaults keepalived documents for what nothing in the chain set. */
static void defaults_fill(struct check_defaults *d, enum check_type type)
{
	if (!(d->set & CHECK_SET_CONNECT_TIMEOUT))
		d->connect_timeout_us = 5 * ONE_SECOND_US;
	if (!(d->set & CHECK_SET_DELAY_LOOP))
		d->delay_loop_us = 60 * ONE_SECOND_US;
	if (!(d->set & CHECK_SET_RETRY))
		d->retry = type == CHECK_TYPE_DNS ? 3 : type == CHECK_TYPE_MISC ? 0 : 1;
	if (!(d->set & CHECK_SET_DELAY_BEFORE_RETRY))
		d->delay_before_retry_us = default_delay_before_retry(type, d->delay_loop_us);
	if (!(d->set & CHECK_SET_WARMUP))
		d->warmup_us = d->delay_loop_us;
	if (!(d->set & CHECK_SET_RISE))
		d->rise = 1;
	if (!(d->set & CHECK_SET_FALL))
		d->fall = d->retry + 1;
	d->set = ~0u;
}

void check_checker_effective(const struct check_vs_config *vs, const struct check_rs_config *rs,
			     const struct check_checker_config *c, struct check_defaults *out)
{
	memset(out, 0, sizeof(*out));
	defaults_overlay(out, vs ? &vs->defaults : NULL);
	defaults_overlay(out, rs ? &rs->defaults : NULL);
	defaults_overlay(out, c ? &c->defaults : NULL);
	defaults_fill(out, c ? c->type : CHECK_TYPE_TCP);
}

const struct check_fwd *check_rs_fwd(const struct check_vs_config *vs,
				     const struct check_rs_config *rs)
{
	return rs->fwd.set ? &rs->fwd : &vs->fwd;
}
