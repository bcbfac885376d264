/* The plain IPVS table types: growth, lookups by key, and the short text
 * that names an entry in logs. */
#include "config.h"
#include "lvs.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lvs_table_init(struct lvs_table *t)
{
	memset(t, 0, sizeof(*t));
}

void lvs_table_free(struct lvs_table *t)
{
	lvs_table_drop_dests(t);
	free(t->services);
	lvs_table_init(t);
}

void lvs_table_drop_dests(struct lvs_table *t)
{
	for (size_t i = 0; i < t->n_services; i++) {
		struct lvs_table_service *ts = &t->services[i];

		free(ts->dests);
		free(ts->stats);
		ts->dests = NULL;
		ts->stats = NULL;
		ts->n_dests = ts->cap_dests = 0;
	}
}

void lvs_table_trim(struct lvs_table *t)
{
	for (size_t i = 0; i < t->n_services; i++) {
		struct lvs_table_service *ts = &t->services[i];

		if (ts->n_dests == ts->cap_dests)
			continue;
		if (ts->n_dests == 0) {
			free(ts->dests);
			free(ts->stats);
			ts->dests = NULL;
			ts->stats = NULL;
		} else {
			ts->dests = xreallocarray(ts->dests, ts->n_dests, sizeof(*ts->dests));
			if (ts->stats)
				ts->stats = xreallocarray(ts->stats, ts->n_dests,
							  sizeof(*ts->stats));
		}
		ts->cap_dests = ts->n_dests;
	}
	if (t->n_services && t->n_services < t->cap_services) {
		t->services = xreallocarray(t->services, t->n_services, sizeof(*t->services));
		t->cap_services = t->n_services;
	}
}

struct lvs_table_service *lvs_table_add_service(struct lvs_table *t, const struct lvs_service *svc)
{
	struct lvs_table_service *ts;

	if (t->n_services == t->cap_services) {
		t->cap_services = t->cap_services ? 2 * t->cap_services : 8;
		t->services = xreallocarray(t->services, t->cap_services, sizeof(*t->services));
	}
	ts = &t->services[t->n_services++];
	memset(ts, 0, sizeof(*ts));
	ts->svc = *svc;
	return ts;
}

static void add_dest(struct lvs_table_service *ts, const struct lvs_dest *dest,
		     const struct lvs_dest_stats *stats)
{
	if (ts->n_dests == ts->cap_dests) {
		ts->cap_dests = ts->cap_dests ? 2 * ts->cap_dests : 4;
		ts->dests = xreallocarray(ts->dests, ts->cap_dests, sizeof(*ts->dests));
		if (stats)
			ts->stats = xreallocarray(ts->stats, ts->cap_dests, sizeof(*ts->stats));
	}
	if (stats)
		ts->stats[ts->n_dests] = *stats;
	ts->dests[ts->n_dests++] = *dest;
}

void lvs_table_add_dest(struct lvs_table_service *ts, const struct lvs_dest *dest)
{
	assert(!ts->stats);
	add_dest(ts, dest, NULL);
}

void lvs_table_add_counted_dest(struct lvs_table_service *ts, const struct lvs_dest *dest,
				const struct lvs_dest_stats *stats)
{
	assert(ts->stats || ts->n_dests == 0);
	add_dest(ts, dest, stats);
}

/* Only the bytes that belong to the family count: a v4 address may sit in
 * a union whose other bytes hold anything. */
static bool addr_equal(int family, const union lvs_addr *a, const union lvs_addr *b)
{
	if (family == AF_INET)
		return a->v4.s_addr == b->v4.s_addr;
	return memcmp(&a->v6, &b->v6, sizeof(a->v6)) == 0;
}

bool lvs_service_same_key(const struct lvs_service *a, const struct lvs_service *b)
{
	if (a->family != b->family || a->fwmark != b->fwmark)
		return false;
	if (a->fwmark)
		return true;
	return a->protocol == b->protocol && a->port == b->port &&
	       addr_equal(a->family, &a->addr, &b->addr);
}

bool lvs_dest_same_key(const struct lvs_dest *a, const struct lvs_dest *b)
{
	return a->family == b->family && a->port == b->port &&
	       addr_equal(a->family, &a->addr, &b->addr);
}

const struct lvs_table_service *lvs_table_find(const struct lvs_table *t,
					       const struct lvs_service *key)
{
	for (size_t i = 0; i < t->n_services; i++)
		if (lvs_service_same_key(&t->services[i].svc, key))
			return &t->services[i];
	return NULL;
}

const struct lvs_dest *lvs_table_find_dest(const struct lvs_table_service *ts,
					   const struct lvs_dest *key)
{
	for (size_t i = 0; i < ts->n_dests; i++)
		if (lvs_dest_same_key(&ts->dests[i], key))
			return &ts->dests[i];
	return NULL;
}

const struct lvs_dest_stats *lvs_table_find_stats(const struct lvs_table_service *ts,
						  const struct lvs_dest *key)
{
	const struct lvs_dest *d = lvs_table_find_dest(ts, key);

	return d && ts->stats ? &ts->stats[d - ts->dests] : NULL;
}

static const char *protocol_name(uint16_t protocol)
{
	switch (protocol) {
	case IPPROTO_TCP: return "TCP";
	case IPPROTO_UDP: return "UDP";
	case IPPROTO_SCTP: return "SCTP";
	default: return "PROTO?";
	}
}

/* "10.0.0.1:80" or "[fd00::1]:80". */
static void endpoint_format(int family, const union lvs_addr *addr, uint16_t port, char *buf,
			    size_t len)
{
	char text[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, text, sizeof(text));
	if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", text, port);
	else
		snprintf(buf, len, "%s:%u", text, port);
}

void lvs_service_describe(const struct lvs_service *svc, char *buf, size_t len)
{
	char endpoint[INET6_ADDRSTRLEN + 10];

	if (svc->fwmark) {
		snprintf(buf, len, "FWM %u%s", svc->fwmark, svc->family == AF_INET6 ? " (IPv6)" : "");
		return;
	}
	endpoint_format(svc->family, &svc->addr, svc->port, endpoint, sizeof(endpoint));
	snprintf(buf, len, "%s %s", protocol_name(svc->protocol), endpoint);
}

void lvs_dest_describe(const struct lvs_dest *d, char *buf, size_t len)
{
	endpoint_format(d->family, &d->addr, d->port, buf, len);
}
