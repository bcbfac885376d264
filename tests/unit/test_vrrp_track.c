/* Tracking, the pure parts: what tracked objects make of an instance's
 * priority and FAULT state (vrrp_track), the state machine events a
 * change amounts to, sets built from a configuration, track_file parsing
 * and track_process matching.  Every rule is a row of a table; the rows
 * follow keepalived.conf(5). */
#include "config.h"

#include "unit.h"

#include "daemon/config_load.h"
#include "vrrp/vrrp_track.h"
#include "vrrp/vrrp_track_file.h"
#include "vrrp/vrrp_track_process.h"

#define IF VRRP_TRACK_INTERFACE
#define OWN VRRP_TRACK_OWN_INTERFACE
#define SCRIPT VRRP_TRACK_SCRIPT
#define FILE_ VRRP_TRACK_FILE
#define PROC VRRP_TRACK_PROCESS

enum policy_kind { PLAIN, OWNER, SYNC, SYNC_WEIGHTS };

static struct vrrp_track_policy policy_of(enum policy_kind k)
{
	switch (k) {
	case OWNER: return (struct vrrp_track_policy){ .base_priority = 255 };
	case SYNC: return (struct vrrp_track_policy){ .base_priority = 100, .in_sync_group = true };
	case SYNC_WEIGHTS:
		return (struct vrrp_track_policy){ .base_priority = 100, .in_sync_group = true,
						   .sync_group_tracking_weight = true };
	default: return (struct vrrp_track_policy){ .base_priority = 100 };
	}
}

/* ---- One object ---- */

struct item_case {
	int line;
	enum policy_kind policy;
	enum vrrp_track_kind kind;
	int32_t weight;
	bool reverse;
	bool up;
	int64_t value;
	enum vrrp_track_fault fault;
	int64_t adjustment;
};

#define UP true
#define DOWN false
#define NOREV false
#define REV true
#define OK VRRP_TRACK_FAULT_NONE

static const struct item_case item_cases[] = {
	/* weight 0: down is a fault; reverse: up is */
	{ __LINE__, PLAIN, IF, 0, NOREV, UP, 0, OK, 0 },
	{ __LINE__, PLAIN, IF, 0, NOREV, DOWN, 0, VRRP_TRACK_FAULT_DOWN, 0 },
	{ __LINE__, PLAIN, IF, 0, REV, UP, 0, VRRP_TRACK_FAULT_UP_REVERSED, 0 },
	{ __LINE__, PLAIN, IF, 0, REV, DOWN, 0, OK, 0 },
	{ __LINE__, PLAIN, SCRIPT, 0, NOREV, DOWN, 0, VRRP_TRACK_FAULT_DOWN, 0 },
	{ __LINE__, PLAIN, PROC, 0, REV, UP, 0, VRRP_TRACK_FAULT_UP_REVERSED, 0 },
	/* positive weights count while up, negative ones while down */
	{ __LINE__, PLAIN, IF, 10, NOREV, UP, 0, OK, 10 },
	{ __LINE__, PLAIN, IF, 10, NOREV, DOWN, 0, OK, 0 },
	{ __LINE__, PLAIN, IF, -10, NOREV, UP, 0, OK, 0 },
	{ __LINE__, PLAIN, IF, -10, NOREV, DOWN, 0, OK, -10 },
	{ __LINE__, PLAIN, SCRIPT, 253, NOREV, UP, 0, OK, 253 },
	{ __LINE__, PLAIN, SCRIPT, -253, NOREV, DOWN, 0, OK, -253 },
	{ __LINE__, PLAIN, PROC, 254, NOREV, UP, 0, OK, 254 },
	{ __LINE__, PLAIN, PROC, -7, NOREV, DOWN, 0, OK, -7 },
	/* reverse: lowered while up (positive), raised while down (negative) */
	{ __LINE__, PLAIN, IF, 10, REV, UP, 0, OK, -10 },
	{ __LINE__, PLAIN, IF, 10, REV, DOWN, 0, OK, 0 },
	{ __LINE__, PLAIN, IF, -10, REV, UP, 0, OK, 0 },
	{ __LINE__, PLAIN, IF, -10, REV, DOWN, 0, OK, 10 },
	{ __LINE__, PLAIN, PROC, 5, REV, UP, 0, OK, -5 },
	/* track_file weight 0: non-zero is a fault; reverse: zero is */
	{ __LINE__, PLAIN, FILE_, 0, NOREV, UP, 0, OK, 0 },
	{ __LINE__, PLAIN, FILE_, 0, NOREV, UP, 3, VRRP_TRACK_FAULT_FILE_NONZERO, 0 },
	{ __LINE__, PLAIN, FILE_, 0, NOREV, UP, -1, VRRP_TRACK_FAULT_FILE_NONZERO, 0 },
	{ __LINE__, PLAIN, FILE_, 0, REV, UP, 0, VRRP_TRACK_FAULT_FILE_ZERO, 0 },
	{ __LINE__, PLAIN, FILE_, 0, REV, UP, 7, OK, 0 },
	/* track_file: value x weight, fault below -253, 253 at most */
	{ __LINE__, PLAIN, FILE_, 1, NOREV, UP, 10, OK, 10 },
	{ __LINE__, PLAIN, FILE_, -1, NOREV, UP, 10, OK, -10 },
	{ __LINE__, PLAIN, FILE_, 3, NOREV, UP, -4, OK, -12 },
	{ __LINE__, PLAIN, FILE_, 1, NOREV, UP, -253, OK, -253 },
	{ __LINE__, PLAIN, FILE_, 1, NOREV, UP, -254, VRRP_TRACK_FAULT_FILE_BELOW_MIN, 0 },
	{ __LINE__, PLAIN, FILE_, 254, NOREV, UP, -1, VRRP_TRACK_FAULT_FILE_BELOW_MIN, 0 },
	{ __LINE__, PLAIN, FILE_, 2, NOREV, UP, 200, OK, 253 },
	{ __LINE__, PLAIN, FILE_, 1, REV, UP, 10, OK, -10 },
	{ __LINE__, PLAIN, FILE_, -1, REV, UP, 10, OK, 10 },
	{ __LINE__, PLAIN, FILE_, 1, REV, UP, 254, VRRP_TRACK_FAULT_FILE_BELOW_MIN, 0 },
	{ __LINE__, PLAIN, FILE_, 2147483647, NOREV, UP, 2147483647, OK, 253 },
	{ __LINE__, PLAIN, FILE_, -2147483647, NOREV, UP, 2147483647,
	  VRRP_TRACK_FAULT_FILE_BELOW_MIN, 0 },
	{ __LINE__, PLAIN, FILE_, 1, NOREV, UP, INT64_MAX, OK, 253 },
	{ __LINE__, PLAIN, FILE_, 1, NOREV, UP, INT64_MIN, VRRP_TRACK_FAULT_FILE_BELOW_MIN, 0 },
	/* the address owner: weights count as 0 */
	{ __LINE__, OWNER, IF, 10, NOREV, DOWN, 0, VRRP_TRACK_FAULT_DOWN, 0 },
	{ __LINE__, OWNER, IF, 10, NOREV, UP, 0, OK, 0 },
	{ __LINE__, OWNER, IF, -10, NOREV, UP, 0, OK, 0 },
	{ __LINE__, OWNER, FILE_, 5, NOREV, UP, 3, VRRP_TRACK_FAULT_FILE_NONZERO, 0 },
	/* sync group members: weights count as 0 unless the group allows them */
	{ __LINE__, SYNC, SCRIPT, -20, NOREV, DOWN, 0, VRRP_TRACK_FAULT_DOWN, 0 },
	{ __LINE__, SYNC, SCRIPT, 20, NOREV, UP, 0, OK, 0 },
	{ __LINE__, SYNC_WEIGHTS, SCRIPT, -20, NOREV, DOWN, 0, OK, -20 },
	{ __LINE__, SYNC_WEIGHTS, FILE_, 2, NOREV, UP, 5, OK, 10 },
	/* the instance's own interface: always weight 0, never reversed */
	{ __LINE__, PLAIN, OWN, 0, NOREV, DOWN, 0, VRRP_TRACK_FAULT_DOWN, 0 },
	{ __LINE__, PLAIN, OWN, 0, NOREV, UP, 0, OK, 0 },
	{ __LINE__, PLAIN, OWN, 0, REV, DOWN, 0, VRRP_TRACK_FAULT_DOWN, 0 },
	{ __LINE__, PLAIN, OWN, -10, NOREV, DOWN, 0, VRRP_TRACK_FAULT_DOWN, 0 },
};

static void test_item_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(item_cases) / sizeof(item_cases[0]); i++) {
		const struct item_case *c = &item_cases[i];
		struct vrrp_track_policy policy = policy_of(c->policy);
		struct vrrp_track_item item = {
			.kind = c->kind, .name = (char *)"x", .weight = c->weight,
			.reverse = c->reverse, .up = c->up, .value = c->value,
		};
		int64_t adj = 12345;
		enum vrrp_track_fault f = vrrp_track_item_eval(&policy, &item, &adj);

		if (f != c->fault || adj != c->adjustment) {
			print_error("row at line %d: got %s, %lld; expected %s, %lld\n", c->line,
				    vrrp_track_fault_name(f), (long long)adj,
				    vrrp_track_fault_name(c->fault), (long long)c->adjustment);
			fail();
		}
	}
}

/* ---- Whole instances ---- */

#define MAX_ITEMS 4

struct eval_case {
	int line;
	uint8_t base;
	bool in_sync, sync_weights;
	size_t count;
	struct { enum vrrp_track_kind kind; int32_t weight; bool reverse, up; int64_t value; }
		items[MAX_ITEMS];
	uint8_t priority;
	bool fault;
	unsigned fault_count;
	int fault_index;                /* -1: none */
};

static const struct eval_case eval_cases[] = {
	{ __LINE__, 100, false, false, 0, { { 0 } }, 100, false, 0, -1 },
	{ __LINE__, 100, false, false, 2, { { IF, 20, NOREV, UP, 0 }, { SCRIPT, -30, NOREV, DOWN, 0 } },
	  90, false, 0, -1 },
	/* clamped to 254 and to 1 */
	{ __LINE__, 200, false, false, 3, { { IF, 100, NOREV, UP, 0 }, { IF, 100, NOREV, UP, 0 },
					   { PROC, 100, NOREV, UP, 0 } }, 254, false, 0, -1 },
	{ __LINE__, 10, false, false, 1, { { SCRIPT, -50, NOREV, DOWN, 0 } }, 1, false, 0, -1 },
	{ __LINE__, 1, false, false, 1, { { FILE_, 1, NOREV, UP, -253 } }, 1, false, 0, -1 },
	{ __LINE__, 254, false, false, 1, { { FILE_, 1, NOREV, UP, 10 } }, 254, false, 0, -1 },
	/* the owner stays at 255 */
	{ __LINE__, 255, false, false, 2, { { IF, -100, NOREV, DOWN, 0 }, { PROC, 50, NOREV, UP, 0 } },
	  255, true, 1, 0 },
	{ __LINE__, 255, false, false, 1, { { PROC, 50, NOREV, UP, 0 } }, 255, false, 0, -1 },
	/* a fault keeps the priority computed; the first fault is named */
	{ __LINE__, 100, false, false, 3, { { SCRIPT, 20, NOREV, UP, 0 }, { IF, 0, NOREV, DOWN, 0 },
					   { FILE_, 0, NOREV, UP, 1 } }, 120, true, 2, 1 },
	{ __LINE__, 100, false, false, 2, { { OWN, 0, NOREV, DOWN, 0 }, { IF, -10, NOREV, DOWN, 0 } },
	  90, true, 1, 0 },
	/* sync group members keep their configured priority */
	{ __LINE__, 100, true, false, 2, { { IF, 20, NOREV, UP, 0 }, { FILE_, 5, NOREV, UP, 0 } },
	  100, false, 0, -1 },
	{ __LINE__, 100, true, true, 2, { { IF, 20, NOREV, UP, 0 }, { FILE_, 5, NOREV, UP, 2 } },
	  130, false, 0, -1 },
	{ __LINE__, 100, true, false, 1, { { FILE_, 5, NOREV, UP, 2 } }, 100, true, 1, 0 },
};

static void test_evaluate_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(eval_cases) / sizeof(eval_cases[0]); i++) {
		const struct eval_case *c = &eval_cases[i];
		struct vrrp_track_policy policy = { c->base, c->in_sync, c->sync_weights };
		struct vrrp_track_item items[MAX_ITEMS];
		struct vrrp_track_result r;
		int index;

		for (size_t k = 0; k < c->count; k++)
			items[k] = (struct vrrp_track_item){
				.kind = c->items[k].kind, .name = (char *)"x",
				.weight = c->items[k].weight, .reverse = c->items[k].reverse,
				.up = c->items[k].up, .value = c->items[k].value,
			};
		vrrp_track_evaluate(&policy, items, c->count, &r);
		index = r.fault_item ? (int)(r.fault_item - items) : -1;
		if (r.effective_priority != c->priority || r.fault != c->fault ||
		    r.fault_count != c->fault_count || index != c->fault_index) {
			print_error("row at line %d: got priority %u fault %d (%u, item %d)\n",
				    c->line, r.effective_priority, r.fault, r.fault_count, index);
			fail();
		}
	}
}

/* ---- Events for the state machine ---- */

struct events_case {
	int line;
	uint8_t prio_before;
	bool fault_before;
	uint8_t prio_after;
	bool fault_after;
	size_t count;
	enum vrrp_event events[2];
};

static const struct events_case events_cases[] = {
	{ __LINE__, 100, false, 100, false, 0, { 0 } },
	{ __LINE__, 100, true, 100, true, 0, { 0 } },
	{ __LINE__, 100, false, 90, false, 1, { VRRP_EVENT_PRIORITY_CHANGED } },
	{ __LINE__, 100, false, 100, true, 1, { VRRP_EVENT_FAULT } },
	{ __LINE__, 100, false, 80, true, 2, { VRRP_EVENT_FAULT, VRRP_EVENT_PRIORITY_CHANGED } },
	{ __LINE__, 80, true, 100, false, 2,
	  { VRRP_EVENT_PRIORITY_CHANGED, VRRP_EVENT_FAULT_CLEARED } },
	{ __LINE__, 100, true, 100, false, 1, { VRRP_EVENT_FAULT_CLEARED } },
	{ __LINE__, 100, true, 110, true, 1, { VRRP_EVENT_PRIORITY_CHANGED } },
};

static void test_events_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(events_cases) / sizeof(events_cases[0]); i++) {
		const struct events_case *c = &events_cases[i];
		struct vrrp_track_result before = { .effective_priority = c->prio_before,
						    .fault = c->fault_before };
		struct vrrp_track_result after = { .effective_priority = c->prio_after,
						   .fault = c->fault_after };
		struct vrrp_fsm_event ev[2];
		size_t n = vrrp_track_events(&before, &after, ev);

		if (n != c->count)
			print_error("row at line %d: %zu events\n", c->line, n);
		assert_int_equal(n, c->count);
		for (size_t k = 0; k < n; k++) {
			assert_int_equal(ev[k].type, c->events[k]);
			if (ev[k].type == VRRP_EVENT_PRIORITY_CHANGED)
				assert_int_equal(ev[k].priority, c->prio_after);
		}
	}
}

static void test_describe_fault(void **state)
{
	struct vrrp_track_policy policy = { .base_priority = 100 };
	struct vrrp_track_item items[] = {
		{ .kind = VRRP_TRACK_SCRIPT, .name = (char *)"chk", .weight = 5, .up = false },
		{ .kind = VRRP_TRACK_INTERFACE, .name = (char *)"eth1", .up = false },
		{ .kind = VRRP_TRACK_FILE, .name = (char *)"tf", .weight = 1, .value = -300 },
	};
	struct vrrp_track_result r;
	char buf[128];

	(void)state;
	vrrp_track_evaluate(&policy, items, 3, &r);
	vrrp_track_describe_fault(&r, buf, sizeof(buf));
	assert_string_equal(buf, "track_interface eth1: down");
	vrrp_track_evaluate(&policy, &items[2], 1, &r);
	vrrp_track_describe_fault(&r, buf, sizeof(buf));
	assert_string_equal(buf, "track_file tf: value x weight below -253");
	vrrp_track_describe_fault(&r, buf, 6);
	assert_string_equal(buf, "track");
	vrrp_track_evaluate(&policy, items, 1, &r);
	vrrp_track_describe_fault(&r, buf, sizeof(buf));
	assert_string_equal(buf, "");
	assert_string_equal(vrrp_track_kind_name(VRRP_TRACK_KIND_COUNT), "?");
	assert_string_equal(vrrp_track_fault_name(VRRP_TRACK_FAULT_UP_REVERSED), "up (reverse)");
}

/* ---- Sets built from a configuration ---- */

static const char set_config[] =
	"vrrp_script chk_up {\n    script /bin/true\n    weight -5\n}\n"
	"vrrp_script chk_fail {\n    script /bin/true\n    init_fail\n}\n"
	"track_file tf {\n    file /run/tf\n    weight 3 reverse\n}\n"
	"vrrp_track_process tp {\n    process nginx\n    weight 7 reverse\n}\n"
	"vrrp_instance VI_1 {\n"
	"    interface eth0\n    virtual_router_id 51\n    priority 100\n"
	"    virtual_ipaddress {\n        10.0.0.100/24\n    }\n"
	"    track_interface {\n        eth1\n        eth2 weight -10 reverse\n    }\n"
	"    track_script {\n        chk_up\n        chk_fail weight 4\n    }\n"
	"    track_file {\n        tf\n    }\n"
	"    track_process {\n        tp weight -2 noreverse\n    }\n"
	"}\n"
	"vrrp_instance VI_2 {\n"
	"    interface eth0\n    virtual_router_id 52\n    priority 90\n"
	"    virtual_ipaddress {\n        10.0.0.101/24\n    }\n"
	"}\n"
	"vrrp_sync_group G {\n    group {\n        VI_1\n        VI_2\n    }\n"
	"    sync_group_tracking_weight\n"
	"    track_interface {\n        eth1 weight 6\n    }\n"
	"}\n";

struct want_item {
	enum vrrp_track_kind kind;
	const char *name;
	int32_t weight;
	bool reverse, up, from_group;
};

static const struct want_item set_items[] = {
	{ OWN, "eth0", 0, false, true, false },
	{ IF, "eth1", 0, false, true, false },
	{ IF, "eth2", -10, true, true, false },
	{ SCRIPT, "chk_up", -5, false, true, false },       /* the script's weight */
	{ SCRIPT, "chk_fail", 4, false, false, false },     /* init_fail: down */
	{ FILE_, "tf", 3, true, true, false },              /* the file's weight */
	{ PROC, "tp", -2, false, true, false },             /* noreverse wins */
	{ IF, "eth1", 6, false, true, true },               /* the group's */
};

static struct vigil_config *load_set_config(struct conf_diags *d)
{
	struct config_load_options opts = { .config_id = "test" };
	struct vigil_config *cfg;

	conf_diags_init(d);
	cfg = vigil_config_load_string("t.conf", set_config, &opts, d);
	if (!cfg)
		unit_print_diags(d);
	assert_non_null(cfg);
	return cfg;
}

static void test_set_from_config(void **state)
{
	struct conf_diags d;
	struct vigil_config *cfg = load_set_config(&d);
	const struct vrrp_config *vc = cfg->vrrp;
	struct vrrp_track_set set;

	(void)state;
	vrrp_track_set_build(&set, vc, vrrp_config_find_instance(vc, "VI_1"), vc->sync_groups.items[0]);
	assert_int_equal(set.count, sizeof(set_items) / sizeof(set_items[0]));
	assert_int_equal(set.policy.base_priority, 100);
	assert_true(set.policy.in_sync_group && set.policy.sync_group_tracking_weight);
	for (size_t i = 0; i < set.count; i++) {
		const struct vrrp_track_item *it = &set.items[i];
		const struct want_item *w = &set_items[i];

		print_message("item %zu: %s %s\n", i, vrrp_track_kind_name(it->kind), it->name);
		assert_int_equal(it->kind, w->kind);
		assert_string_equal(it->name, w->name);
		assert_int_equal(it->weight, w->weight);
		assert_int_equal(it->reverse, w->reverse);
		assert_int_equal(it->up, w->up);
		assert_int_equal(it->from_sync_group, w->from_group);
	}
	vrrp_track_set_free(&set);
	assert_null(set.items);
	vigil_config_free(cfg);
	conf_diags_free(&d);
}

/* Reports reach every item of the name (instance's and group's), the own
 * interface included, and move the result as the rules say. */
static void test_set_updates(void **state)
{
	struct conf_diags d;
	struct vigil_config *cfg = load_set_config(&d);
	const struct vrrp_config *vc = cfg->vrrp;
	struct vrrp_track_set set;
	struct vrrp_track_result r;
	char why[128];

	(void)state;
	vrrp_track_set_build(&set, vc, vrrp_config_find_instance(vc, "VI_1"), vc->sync_groups.items[0]);
	/* chk_fail starts down (weight 4: nothing added), eth1 group +6 up,
	 * tp -2 up: nothing; chk_up -5 up: nothing; eth2 -10 reverse up: nothing. */
	vrrp_track_set_evaluate(&set, &r);
	assert_false(r.fault);
	assert_int_equal(r.effective_priority, 106);

	assert_int_equal(vrrp_track_set_update_up(&set, SCRIPT, "chk_fail", true), 1);
	assert_int_equal(vrrp_track_set_update_up(&set, SCRIPT, "chk_fail", true), 0);
	vrrp_track_set_evaluate(&set, &r);
	assert_int_equal(r.effective_priority, 110);

	/* eth1 is listed twice: weight 0 (instance) and +6 (group). */
	assert_int_equal(vrrp_track_set_update_up(&set, IF, "eth1", false), 2);
	vrrp_track_set_evaluate(&set, &r);
	assert_true(r.fault);
	assert_int_equal(r.effective_priority, 104);
	vrrp_track_describe_fault(&r, why, sizeof(why));
	assert_string_equal(why, "track_interface eth1: down");
	assert_int_equal(vrrp_track_set_update_up(&set, IF, "eth1", true), 2);

	/* The instance's own interface answers to interface reports. */
	assert_int_equal(vrrp_track_set_update_up(&set, IF, "eth0", false), 1);
	vrrp_track_set_evaluate(&set, &r);
	vrrp_track_describe_fault(&r, why, sizeof(why));
	assert_string_equal(why, "interface eth0: down");
	assert_int_equal(vrrp_track_set_update_up(&set, IF, "eth0", true), 1);

	/* eth2 -10 reverse, down: +10.  tf 3 reverse, value 2: -6. */
	vrrp_track_set_update_up(&set, IF, "eth2", false);
	assert_int_equal(vrrp_track_set_update_value(&set, "tf", 2), 1);
	assert_int_equal(vrrp_track_set_update_value(&set, "nosuch", 2), 0);
	assert_int_equal(vrrp_track_set_update_up(&set, PROC, "tf", false), 0);
	vrrp_track_set_evaluate(&set, &r);
	assert_false(r.fault);
	assert_int_equal(r.adjustment, 4 + 6 + 10 - 6);
	assert_int_equal(r.effective_priority, 114);
	vrrp_track_set_free(&set);
	vigil_config_free(cfg);
	conf_diags_free(&d);
}

/* Without sync_group_tracking_weight every weight counts as 0. */
static void test_set_sync_member_without_weights(void **state)
{
	struct conf_diags d;
	struct vigil_config *cfg = load_set_config(&d);
	struct vrrp_config *vc = cfg->vrrp;
	struct vrrp_sync_group_config *g = vc->sync_groups.items[0];
	struct vrrp_track_set set;
	struct vrrp_track_result r;

	(void)state;
	g->sync_group_tracking_weight = false;
	vrrp_track_set_build(&set, vc, vrrp_config_find_instance(vc, "VI_2"), g);
	assert_int_equal(set.count, 2);         /* eth0, and the group's eth1 */
	vrrp_track_set_evaluate(&set, &r);
	assert_int_equal(r.effective_priority, 90);
	vrrp_track_set_update_up(&set, IF, "eth1", false);
	vrrp_track_set_evaluate(&set, &r);
	assert_true(r.fault);
	assert_int_equal(r.effective_priority, 90);
	vrrp_track_set_free(&set);
	vigil_config_free(cfg);
	conf_diags_free(&d);
}

/* ---- track_file contents ---- */

struct parse_case {
	const char *text;
	size_t len;                     /* 0: strlen */
	enum vrrp_track_file_status status;
	int32_t value;
};

static const struct parse_case parse_cases[] = {
	{ "0", 0, VRRP_TRACK_FILE_OK, 0 },
	{ "42\n", 0, VRRP_TRACK_FILE_OK, 42 },
	{ "  -17  \n\n", 0, VRRP_TRACK_FILE_OK, -17 },
	{ "+5", 0, VRRP_TRACK_FILE_OK, 5 },
	{ "010", 0, VRRP_TRACK_FILE_OK, 10 },           /* decimal, not octal */
	{ "2147483647", 0, VRRP_TRACK_FILE_OK, 2147483647 },
	{ "2147483648", 0, VRRP_TRACK_FILE_OUT_OF_RANGE, 2147483647 },
	{ "-99999999999999999999", 0, VRRP_TRACK_FILE_OUT_OF_RANGE, -2147483647 },
	{ "", 0, VRRP_TRACK_FILE_EMPTY, 0 },
	{ " \n\t", 0, VRRP_TRACK_FILE_EMPTY, 0 },
	{ "abc", 0, VRRP_TRACK_FILE_NOT_A_NUMBER, 0 },
	{ "12abc", 0, VRRP_TRACK_FILE_NOT_A_NUMBER, 0 },
	{ "1 2", 0, VRRP_TRACK_FILE_NOT_A_NUMBER, 0 },
	{ "0x10", 0, VRRP_TRACK_FILE_NOT_A_NUMBER, 0 },
	{ "5\0" "7", 3, VRRP_TRACK_FILE_NOT_A_NUMBER, 0 },
};

static void test_file_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		int32_t v = 999;
		size_t len = c->len ? c->len : strlen(c->text);
		enum vrrp_track_file_status s = vrrp_track_file_parse(c->text, len, &v);

		if (s != c->status || v != c->value) {
			print_error("\"%s\": got %s %d\n", c->text, vrrp_track_file_status_name(s), v);
			fail();
		}
	}
}

/* ---- track_process matching ---- */

struct match_case {
	int line;
	const char *process;            /* the configured words, space separated */
	int param_match;                /* -1: not given, else enum vrrp_param_match */
	bool full_command;
	const char *comm;
	const char *cmdline;            /* words, space separated; NULL: none */
	bool match;
};

#define NOPM (-1)
#define EXACT VRRP_PARAM_MATCH_EXACT
#define INITIAL VRRP_PARAM_MATCH_INITIAL
#define PARTIAL VRRP_PARAM_MATCH_PARTIAL

static const struct match_case match_cases[] = {
	/* the name alone: comm, exactly */
	{ __LINE__, "sshd", NOPM, false, "sshd", "/usr/sbin/sshd -D", true },
	{ __LINE__, "ssh", NOPM, false, "sshd", "sshd", false },
	{ __LINE__, "sshd", NOPM, false, "ssh", "ssh", false },
	{ __LINE__, "nginx", NOPM, false, "nginx", NULL, true },
	/* comm holds 15 characters */
	{ __LINE__, "a-very-long-process-name", NOPM, false, "a-very-long-pro", NULL, true },
	{ __LINE__, "a-very-long-pro", NOPM, false, "a-very-long-pro", NULL, true },
	{ __LINE__, "a-very-long-prX", NOPM, false, "a-very-long-pro", NULL, false },
	/* parameters: the command line, exactly */
	{ __LINE__, "sleep 100", NOPM, false, "sleep", "sleep 100", true },
	{ __LINE__, "sleep 100", NOPM, false, "sleep", "sleep 1000", false },
	{ __LINE__, "sleep 100", NOPM, false, "sleep", "sleep 100 5", false },
	{ __LINE__, "sleep 100", NOPM, false, "sleep", "sleep", false },
	{ __LINE__, "sleep 100", NOPM, false, "sleep", "/bin/sleep 100", false },
	{ __LINE__, "sleep 100", NOPM, false, "sleep", NULL, false },
	{ __LINE__, "a b c", NOPM, false, "a", "a b c", true },
	{ __LINE__, "a b c", NOPM, false, "a", "a b d", false },
	/* a bare param_match: no parameters at all */
	{ __LINE__, "sleep", EXACT, false, "sleep", "sleep", true },
	{ __LINE__, "sleep", EXACT, false, "sleep", "sleep 5", false },
	/* initial: the last one may be longer */
	{ __LINE__, "app --conf=/etc", INITIAL, false, "app", "app --conf=/etc/app.conf", true },
	{ __LINE__, "app --conf=/etc", INITIAL, false, "app", "app --conf=/etc", true },
	{ __LINE__, "app --conf=/etc", INITIAL, false, "app", "app --conf=/var", false },
	{ __LINE__, "app --conf=/etc", INITIAL, false, "app", "app --conf=/etc x", false },
	{ __LINE__, "app -v --conf=", INITIAL, false, "app", "app -x --conf=y", false },
	/* partial: the first ones, more may follow */
	{ __LINE__, "app -v", PARTIAL, false, "app", "app -v -x -y", true },
	{ __LINE__, "app -v", PARTIAL, false, "app", "app -v", true },
	{ __LINE__, "app -v", PARTIAL, false, "app", "app -x -v", false },
	{ __LINE__, "app -v", PARTIAL, false, "app", "app", false },
	/* full_command without parameters: the first word, any parameters */
	{ __LINE__, "/usr/bin/python3", NOPM, true, "python3", "/usr/bin/python3 x.py", true },
	{ __LINE__, "/usr/bin/python3", NOPM, true, "python3", "python3 x.py", false },
	{ __LINE__, "python3", NOPM, true, "python3", NULL, false },
};

/* Splits `text` on spaces into `words` (at most `max`). */
static size_t split_words(char *text, const char **words, size_t max)
{
	size_t n = 0;
	char *save = NULL;

	for (char *w = strtok_r(text, " ", &save); w && n < max; w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	return n;
}

static void check_match_case(const struct match_case *c)
{
	struct vrrp_track_process_config conf = { .quorum = 1, .quorum_max = UINT32_MAX };
	char *process = strdup(c->process), *cmdline = c->cmdline ? strdup(c->cmdline) : NULL;
	const char *words[8], *argv[8];
	size_t nwords = split_words(process, words, 8);
	size_t argc = cmdline ? split_words(cmdline, argv, 8) : 0;
	bool got;

	for (size_t i = 0; i < nwords; i++)
		ptr_array_push(&conf.argv, strdup(words[i]));
	conf.has_param_match = c->param_match != NOPM;
	conf.param_match = c->param_match == NOPM ? EXACT : (enum vrrp_param_match)c->param_match;
	conf.full_command = c->full_command;
	got = vrrp_track_process_matches(&conf, c->comm, argv, argc);
	if (got != c->match) {
		print_error("row at line %d: got %s\n", c->line, got ? "match" : "no match");
		fail();
	}
	ptr_array_free(&conf.argv, free);
	free(process);
	free(cmdline);
}

static void test_process_match_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++)
		check_match_case(&match_cases[i]);
}

static void test_process_quorum(void **state)
{
	struct vrrp_track_process_config conf = { .quorum = 2, .quorum_max = 3 };
	static const bool expect[] = { false, false, true, true, false, false };

	(void)state;
	for (uint32_t n = 0; n < 6; n++)
		assert_int_equal(vrrp_track_process_quorum_met(&conf, n), expect[n]);
	conf.quorum = 0;
	conf.quorum_max = 0;            /* "failure if the process runs at all" */
	assert_true(vrrp_track_process_quorum_met(&conf, 0));
	assert_false(vrrp_track_process_quorum_met(&conf, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_item_table),
		cmocka_unit_test(test_evaluate_table),
		cmocka_unit_test(test_events_table),
		cmocka_unit_test(test_describe_fault),
		cmocka_unit_test(test_set_from_config),
		cmocka_unit_test(test_set_updates),
		cmocka_unit_test(test_set_sync_member_without_weights),
		cmocka_unit_test(test_file_parse_table),
		cmocka_unit_test(test_process_match_table),
		cmocka_unit_test(test_process_quorum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
