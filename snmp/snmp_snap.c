/* Read-only subtrees answered from a sorted snapshot (see snmp_snap.h). */
#include "config.h"
#include "snmp/snmp_snap.h"
#include "log.h"
#include "xalloc.h"

#include "snmp/late_snmp.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct snmp_snap_entry {
	struct snmp_oid name;
	u_char type;
	size_t len;
	union {
		long i;
		struct counter64 c64;
		uint8_t *bytes;             /* strings, addresses: owned */
	} v;
};

struct snmp_snap {
	struct snmp_snap_entry *items;
	size_t count, cap;
	uint64_t built_ms;          /* 0: never */
};

struct snmp_snap_reg {
	netsnmp_handler_registration *reginfo;
	snmp_snap_build_fn *build;
	snmp_snap_set_fn *set;              /* NULL: read-only */
	void *data;
	struct snmp_snap snap;
};

void snmp_oid_set(struct snmp_oid *o, const oid *prefix, size_t len)
{
	memcpy(o->id, prefix, len * sizeof(oid));
	o->len = len;
}

void snmp_oid_push(struct snmp_oid *o, oid sub)
{
	/* A deeper OID cannot be answered anyway; clipping keeps it bounded. */
	if (o->len < MAX_OID_LEN)
		o->id[o->len++] = sub;
}

void snmp_oid_push_bytes(struct snmp_oid *o, const uint8_t *bytes, size_t len, bool implied)
{
	if (!implied)
		snmp_oid_push(o, len);
	for (size_t i = 0; i < len; i++)
		snmp_oid_push(o, bytes[i]);
}

static struct snmp_snap_entry *snap_add(struct snmp_snap *s, const struct snmp_oid *o, u_char type)
{
	struct snmp_snap_entry *e;

	if (s->count == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 32;
		s->items = xreallocarray(s->items, s->cap, sizeof(*s->items));
	}
	e = &s->items[s->count++];
	memset(e, 0, sizeof(*e));
	e->name = *o;
	e->type = type;
	return e;
}

void snmp_snap_int(struct snmp_snap *s, const struct snmp_oid *o, long v)
{
	struct snmp_snap_entry *e = snap_add(s, o, ASN_INTEGER);

	e->v.i = v;
	e->len = sizeof(long);
}

void snmp_snap_uint(struct snmp_snap *s, const struct snmp_oid *o, u_char type, unsigned long v)
{
	struct snmp_snap_entry *e = snap_add(s, o, type);

	e->v.i = (long)(v & 0xffffffffUL);
	e->len = sizeof(long);
}

void snmp_snap_counter64(struct snmp_snap *s, const struct snmp_oid *o, uint64_t v)
{
	struct snmp_snap_entry *e = snap_add(s, o, ASN_COUNTER64);

	e->v.c64.high = (u_long)(v >> 32);
	e->v.c64.low = (u_long)(v & 0xffffffffu);
	e->len = sizeof(struct counter64);
}

void snmp_snap_bytes(struct snmp_snap *s, const struct snmp_oid *o, u_char type,
		     const void *bytes, size_t len)
{
	struct snmp_snap_entry *e = snap_add(s, o, type);

	e->v.bytes = xmalloc(len ? len : 1);
	memcpy(e->v.bytes, bytes, len);
	e->len = len;
}

void snmp_snap_string(struct snmp_snap *s, const struct snmp_oid *o, const char *str)
{
	snmp_snap_bytes(s, o, ASN_OCTET_STR, str ? str : "", str ? strlen(str) : 0);
}

static bool holds_bytes(u_char type)
{
	return type == ASN_OCTET_STR || type == ASN_IPADDRESS || type == ASN_OBJECT_ID;
}

static void snap_clear(struct snmp_snap *s)
{
	for (size_t i = 0; i < s->count; i++)
		if (holds_bytes(s->items[i].type))
			free(s->items[i].v.bytes);
	s->count = 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct snmp_snap_entry *x = a, *y = b;

	return snmp_oid_compare(x->name.id, x->name.len, y->name.id, y->name.len);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void snap_fill(struct snmp_snap *s, snmp_snap_build_fn *build, void *data)
{
	snap_clear(s);
	build(s, data);
	qsort(s->items, s->count, sizeof(*s->items), entry_cmp);
}

static void snap_refresh(struct snmp_snap_reg *reg)
{
	uint64_t now = now_ms();

	if (reg->snap.built_ms && now - reg->snap.built_ms < SNMP_SNAP_MAX_AGE_MS)
		return;
	snap_fill(&reg->snap, reg->build, reg->data);
	reg->snap.built_ms = now;
}

struct snmp_snap *snmp_snap_build(snmp_snap_build_fn *build, void *data)
{
	struct snmp_snap *s = XNEW(struct snmp_snap);

	snap_fill(s, build, data);
	return s;
}

void snmp_snap_free(struct snmp_snap *s)
{
	if (!s)
		return;
	snap_clear(s);
	free(s->items);
	free(s);
}

/* The first entry >= name (exact: == name), or NULL. */
static const struct snmp_snap_entry *snap_find(const struct snmp_snap *s, const oid *name,
					       size_t len, bool next)
{
	size_t lo = 0, hi = s->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = snmp_oid_compare(s->items[mid].name.id, s->items[mid].name.len, name, len);

		if (c < 0 || (next && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == s->count)
		return NULL;
	if (!next && snmp_oid_compare(s->items[lo].name.id, s->items[lo].name.len, name, len) != 0)
		return NULL;
	return &s->items[lo];
}

bool snmp_snap_answer(const struct snmp_snap *s, netsnmp_variable_list *vb, bool next)
{
	const struct snmp_snap_entry *e = snap_find(s, vb->name, vb->name_length, next);
	const void *value;

	if (!e)
		return false;
	value = holds_bytes(e->type) ? (const void *)e->v.bytes : (const void *)&e->v;
	snmp_set_var_objid(vb, e->name.id, e->name.len);
	snmp_set_var_typed_value(vb, e->type, value, e->len);
	return true;
}

static bool is_set_mode(int mode)
{
	return mode == MODE_SET_RESERVE1 || mode == MODE_SET_RESERVE2 || mode == MODE_SET_ACTION
	       || mode == MODE_SET_COMMIT || mode == MODE_SET_FREE || mode == MODE_SET_UNDO;
}

/* A SET goes to the registration's `set`, varbind by varbind. */
static void snap_set(struct snmp_snap_reg *reg, netsnmp_agent_request_info *reqinfo,
		     netsnmp_request_info *r)
{
	int err = reg->set ? reg->set(reg->data, reqinfo->mode, r->requestvb)
			   : SNMP_ERR_NOTWRITABLE;

	if (err != SNMP_ERR_NOERROR)
		netsnmp_set_request_error(reqinfo, r, err);
	if (reqinfo->mode == MODE_SET_ACTION || reqinfo->mode == MODE_SET_UNDO)
		reg->snap.built_ms = 0;
}

/* GETNEXT past the end leaves the varbind alone: the agent then asks the
 * next registration (or answers endOfMibView). */
static int snap_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
			netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	struct snmp_snap_reg *reg = handler->myvoid;

	(void)reginfo;
	if (!is_set_mode(reqinfo->mode))
		snap_refresh(reg);
	for (netsnmp_request_info *r = requests; r; r = r->next) {
		if (r->processed)
			continue;
		if (is_set_mode(reqinfo->mode)) {
			snap_set(reg, reqinfo, r);
		} else if (reqinfo->mode == MODE_GET) {
			if (!snmp_snap_answer(&reg->snap, r->requestvb, false))
				netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHINSTANCE);
		} else if (reqinfo->mode == MODE_GETNEXT) {
			snmp_snap_answer(&reg->snap, r->requestvb, true);
		}
	}
	return SNMP_ERR_NOERROR;
}

struct snmp_snap_reg *snmp_snap_register(const char *name, const oid *root, size_t root_len,
					 snmp_snap_build_fn *build, void *data)
{
	return snmp_snap_register_rw(name, root, root_len, build, NULL, data);
}

struct snmp_snap_reg *snmp_snap_register_rw(const char *name, const oid *root, size_t root_len,
					    snmp_snap_build_fn *build, snmp_snap_set_fn *set,
					    void *data)
{
	struct snmp_snap_reg *reg = XNEW(struct snmp_snap_reg);

	reg->build = build;
	reg->set = set;
	reg->data = data;
	reg->reginfo = netsnmp_create_handler_registration(name, snap_handler, root, root_len,
							   set ? HANDLER_CAN_RWRITE : HANDLER_CAN_RONLY);
	if (!reg->reginfo) {
		log_error("SNMP: cannot create the handler for %s", name);
		free(reg);
		return NULL;
	}
	reg->reginfo->handler->myvoid = reg;
	if (netsnmp_register_handler(reg->reginfo) != MIB_REGISTERED_OK) {
		/* netsnmp_register_handler frees the registration on failure. */
		log_error("SNMP: cannot register %s", name);
		free(reg);
		return NULL;
	}
	return reg;
}

void snmp_snap_unregister(struct snmp_snap_reg *reg)
{
	if (!reg)
		return;
	netsnmp_unregister_handler(reg->reginfo);
	snap_clear(&reg->snap);
	free(reg->snap.items);
	free(reg);
}
