/* Equal checker blocks share one configuration object in the processes
 * that run them (config_load_options.share_checkers: the checker worker).
 *
 * A farm of 10,000 real servers usually repeats one checker block 10,000
 * times; the parsed block is 250 bytes, a quarter of what the worker keeps
 * per real server.  The objects are read-only once loaded and a checker's
 * identity is its real server's, never the object's address, so sharing
 * changes nothing but the memory.  What it does change is the `where` of
 * the twins: the first block's line stands for all, so only a process that
 * never reports a checker's line may ask for it (the parent, which answers
 * for the configuration's dump, does not).
 *
 * Every field but the `where`s is compared: a new field of
 * check_checker_config goes into checker_equal() too. */
#include "config.h"
#include "check_conf_tables.h"

#include <string.h>

static bool same_string(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_bytes(const uint8_t *a, const uint8_t *b, size_t len)
{
	return a == b || (a && b && memcmp(a, b, len) == 0);
}

static bool defaults_equal(const struct check_defaults *a, const struct check_defaults *b)
{
	return a->set == b->set && a->connect_timeout_us == b->connect_timeout_us
	       && a->delay_loop_us == b->delay_loop_us
	       && a->delay_before_retry_us == b->delay_before_retry_us
	       && a->warmup_us == b->warmup_us && a->retry == b->retry && a->rise == b->rise
	       && a->fall == b->fall && a->alpha == b->alpha
	       && a->inhibit_on_failure == b->inhibit_on_failure
	       && a->log_all_failures == b->log_all_failures
	       && same_string(a->virtualhost, b->virtualhost);
}

static bool script_equal(const struct check_script *a, const struct check_script *b)
{
	return a == b || (a && b && same_string(a->command, b->command)
			  && same_string(a->user, b->user) && same_string(a->group, b->group));
}

static bool connection_equal(const struct check_checker_config *a,
			     const struct check_checker_config *b)
{
	return a->has_connect_ip == b->has_connect_ip && a->has_connect_port == b->has_connect_port
	       && a->has_bindto == b->has_bindto && a->has_bind_port == b->has_bind_port
	       && a->has_fwmark == b->has_fwmark
	       && (!a->has_connect_ip || vigil_addr_equal(&a->connect_ip, &b->connect_ip))
	       && (!a->has_bindto || vigil_addr_equal(&a->bindto, &b->bindto))
	       && a->connect_port == b->connect_port && a->bind_port == b->bind_port
	       && same_string(a->bind_if, b->bind_if) && a->fwmark == b->fwmark;
}

static bool checker_equal(const void *x, const void *y);

static bool udp_equal(const struct check_checker_config *a, const struct check_checker_config *b)
{
	return a->udp.payload_len == b->udp.payload_len
	       && same_bytes(a->udp.payload, b->udp.payload, a->udp.payload_len)
	       && a->udp.require_reply == b->udp.require_reply
	       && a->udp.reply_len == b->udp.reply_len
	       && same_bytes(a->udp.reply, b->udp.reply, a->udp.reply_len)
	       && same_bytes(a->udp.reply_mask, b->udp.reply_mask, a->udp.reply_len)
	       && a->udp.min_reply_length == b->udp.min_reply_length
	       && a->udp.max_reply_length == b->udp.max_reply_length;
}

static bool type_part_equal(const struct check_checker_config *a,
			    const struct check_checker_config *b)
{
	switch (a->type) {
	case CHECK_TYPE_HTTP_GET:
	case CHECK_TYPE_SSL_GET:
		return check_url_lists_equal(&a->http.urls, &b->http.urls)
		       && a->http.protocol == b->http.protocol
		       && a->http.protocol_set == b->http.protocol_set
		       && a->http.fast_recovery == b->http.fast_recovery
		       && a->http.enable_sni == b->http.enable_sni;
	case CHECK_TYPE_SMTP:
		return same_string(a->smtp.helo_name, b->smtp.helo_name)
		       && ptr_array_equal(&a->smtp.hosts, &b->smtp.hosts, checker_equal);
	case CHECK_TYPE_DNS:
		return a->dns.type == b->dns.type && same_string(a->dns.name, b->dns.name);
	case CHECK_TYPE_UDP:
		return udp_equal(a, b);
	case CHECK_TYPE_MISC:
		return script_equal(a->misc.path, b->misc.path)
		       && a->misc.timeout_us == b->misc.timeout_us
		       && a->misc.dynamic == b->misc.dynamic;
	case CHECK_TYPE_FILE:
		return same_string(a->file.track_file, b->file.track_file)
		       && a->file.dynamic == b->file.dynamic && a->file.reverse == b->file.reverse
		       && a->file.weight_set == b->file.weight_set
		       && a->file.weight == b->file.weight;
	default:
		return true;   /* TCP_CHECK, PING_CHECK: no options of their own */
	}
}

static bool checker_equal(const void *x, const void *y)
{
	const struct check_checker_config *a = x, *b = y;

	return a->type == b->type && defaults_equal(&a->defaults, &b->defaults)
	       && connection_equal(a, b) && type_part_equal(a, b);
}

/* The i-th checker of a real server becomes the model's twin when equal;
 * otherwise it is the next model (real servers written one after another
 * usually repeat the same blocks, so comparing with the last distinct one
 * of the same position finds nearly every twin at one comparison each). */
static void share_one(struct ptr_array *checkers, size_t i, struct check_checker_config **model)
{
	struct check_checker_config *c = checkers->items[i];

	if (!*model || *model == c || !checker_equal(c, *model)) {
		*model = c;
		return;
	}
	check_checker_free(c);
	(*model)->refs++;
	checkers->items[i] = *model;
}

/* Checkers by their position in the real server: the first checker of
 * one real server is compared with the first of the last. */
#define SHARE_POSITIONS 4

void check_config_share_checkers(struct check_config *cc)
{
	struct check_checker_config *models[SHARE_POSITIONS] = { 0 };

	for (size_t v = 0; v < cc->virtual_servers.count; v++) {
		const struct check_vs_config *vs = cc->virtual_servers.items[v];

		for (size_t r = 0; r < vs->real_servers.count; r++) {
			struct check_rs_config *rs = vs->real_servers.items[r];

			for (size_t i = 0; i < rs->checkers.count && i < SHARE_POSITIONS; i++)
				share_one(&rs->checkers, i, &models[i]);
		}
	}
}
