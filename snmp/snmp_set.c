/* Writable integer columns: the SET phases (see snmp_set.h). */
#include "config.h"
#include "snmp/snmp_set.h"
#include "xalloc.h"

#include "snmp/late_snmp.h"

#include <stdlib.h>
#include <string.h>

/* The values ACTION replaced, for UNDO.  With AgentX the phases of one
 * SET come in separate messages, so request-scoped storage would not
 * last; one SET runs at a time in a subagent, and a new one (RESERVE1)
 * or its end (COMMIT, FREE) forgets the last. */
struct undo {
	oid name[MAX_OID_LEN];
	size_t len;
	long old;
};
static struct undo *undos;
static size_t n_undos;

static void undo_forget(void)
{
	free(undos);
	undos = NULL;
	n_undos = 0;
}

static void undo_keep(const netsnmp_variable_list *vb, long old)
{
	struct undo *u;

	undos = xreallocarray(undos, n_undos + 1, sizeof(*undos));
	u = &undos[n_undos++];
	u->len = vb->name_length < MAX_OID_LEN ? vb->name_length : MAX_OID_LEN;
	memcpy(u->name, vb->name, u->len * sizeof(oid));
	u->old = old;
}

static const struct undo *undo_find(const netsnmp_variable_list *vb)
{
	for (size_t i = 0; i < n_undos; i++)
		if (snmp_oid_compare(undos[i].name, undos[i].len, vb->name, vb->name_length) == 0)
			return &undos[i];
	return NULL;
}

static int error_status(enum snmp_write_verdict v)
{
	static const int status[SNMP_WRITE_COUNT] = {
		[SNMP_WRITE_OK] = SNMP_ERR_NOERROR,
		[SNMP_WRITE_NO_SUCH_ROW] = SNMP_ERR_NOCREATION,
		[SNMP_WRITE_INCONSISTENT] = SNMP_ERR_INCONSISTENTVALUE,
		[SNMP_WRITE_NOT_WRITABLE] = SNMP_ERR_NOTWRITABLE,
		[SNMP_WRITE_FAILED] = SNMP_ERR_COMMITFAILED,
	};

	return (unsigned)v < SNMP_WRITE_COUNT ? status[v] : SNMP_ERR_GENERR;
}

int snmp_set_not_writable(int mode)
{
	return mode == MODE_SET_RESERVE1 ? SNMP_ERR_NOTWRITABLE : SNMP_ERR_NOERROR;
}

bool snmp_set_in_column(const netsnmp_variable_list *vb, const oid *column, size_t column_len)
{
	return vb->name_length > column_len
	       && snmp_oid_compare(vb->name, column_len, column, column_len) == 0;
}

static int reserve1(const struct snmp_set_int *col, const netsnmp_variable_list *vb)
{
	undo_forget();
	if (vb->type != ASN_INTEGER)
		return SNMP_ERR_WRONGTYPE;
	if (vb->val_len != sizeof(long))
		return SNMP_ERR_WRONGLENGTH;
	if (*vb->val.integer < col->min || *vb->val.integer > col->max)
		return SNMP_ERR_WRONGVALUE;
	return SNMP_ERR_NOERROR;
}

int snmp_set_int_phase(const struct snmp_set_int *col, void *data, int mode,
		       netsnmp_variable_list *vb, const oid *column, size_t column_len)
{
	const oid *index = vb->name + column_len;
	size_t len = vb->name_length - column_len;
	const struct undo *u;
	enum snmp_write_verdict v;
	long old;

	switch (mode) {
	case MODE_SET_RESERVE1:
		return reserve1(col, vb);
	case MODE_SET_RESERVE2:
		return error_status(col->check(data, index, len, *vb->val.integer));
	case MODE_SET_ACTION:
		v = col->apply(data, index, len, *vb->val.integer, &old);
		if (v == SNMP_WRITE_OK)
			undo_keep(vb, old);
		return error_status(v);
	case MODE_SET_UNDO:
		u = undo_find(vb);
		if (u)
			col->apply(data, index, len, u->old, &old);
		return SNMP_ERR_NOERROR;
	default:                            /* COMMIT, FREE: done */
		undo_forget();
		return SNMP_ERR_NOERROR;
	}
}
