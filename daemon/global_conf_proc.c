/* global_defs: names, scheduling and memory settings of the processes. */
#include "config.h"

#include "global_conf_private.h"

#include <sched.h>
#include <stdint.h>
#include <string.h>

const char *const global_process_kind_names[GLOBAL_PROC_COUNT] = {
	[GLOBAL_PROC_VRRP] = "vrrp",
	[GLOBAL_PROC_CHECKER] = "checker",
	[GLOBAL_PROC_BFD] = "bfd",
};

/* "max_auto_priority [-1..99]": no value means the highest. */
static void handle_max_auto_priority(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_config *g = global_of(obj);
	int32_t v = 99;

	if (a->argc > 1 && !conf_get_i32(p, a, 1, -1, 99, &v))
		return;
	g->max_auto_priority = v;
}

/* "vrrp_cpu_affinity CPU..." replaces any earlier list. */
static void handle_cpu_affinity(struct conf_parser *p, void *obj, const struct conf_args *a)
{
	struct global_config *g = global_of(obj);
	struct global_process *proc = &g->proc[strncmp(a->argv[0], "vrrp", 4) == 0
					       ? GLOBAL_PROC_VRRP : GLOBAL_PROC_CHECKER];
	struct ptr_array cpus = { 0 };

	for (int i = 1; i < a->argc; i++) {
		uint32_t cpu;
		if (!conf_get_u32(p, a, i, 0, CPU_SETSIZE - 1, &cpu)) {
			ptr_array_free(&cpus, NULL);
			return;
		}
		ptr_array_push(&cpus, (void *)(uintptr_t)cpu);
	}
	ptr_array_free(&proc->cpu_affinity, NULL);
	proc->cpu_affinity = cpus;
}

#define BFD_NOTE "vigil has no BFD process"

const struct conf_keyword global_defs_process_keywords[] = {
	GLOBAL_KW_BOOL("process_names"),
	GLOBAL_KW_FIELD("process_name", 1, 1),
	GLOBAL_KW_FIELD("vrrp_process_name", 1, 1),
	GLOBAL_KW_FIELD("checker_process_name", 1, 1),
	GLOBAL_KW("max_auto_priority", handle_max_auto_priority, 0, 1),
	GLOBAL_KW_FIELD("min_auto_priority_delay", 1, 1),
	GLOBAL_KW_FIELD("vrrp_priority", 1, 1),
	GLOBAL_KW_FIELD("checker_priority", 1, 1),
	GLOBAL_KW_BOOL("vrrp_no_swap"),
	GLOBAL_KW_BOOL("checker_no_swap"),
	GLOBAL_KW("vrrp_cpu_affinity", handle_cpu_affinity, 1, CONF_ARGS_ANY),
	GLOBAL_KW("checker_cpu_affinity", handle_cpu_affinity, 1, CONF_ARGS_ANY),
	GLOBAL_KW_FIELD("vrrp_rt_priority", 1, 1),
	GLOBAL_KW_FIELD("checker_rt_priority", 1, 1),
	GLOBAL_KW_FIELD("vrrp_rlimit_rttime", 1, 1),
	GLOBAL_KW_FIELD("checker_rlimit_rttime", 1, 1),

	GLOBAL_KW_NOT_YET("process_monitor_rcv_bufs", "netlink buffer sizing"),
	GLOBAL_KW_NOT_YET("process_monitor_rcv_bufs_force", "netlink buffer sizing"),
	GLOBAL_KW_NOT_YET("bfd_process_name", BFD_NOTE),
	GLOBAL_KW_NOT_YET("bfd_priority", BFD_NOTE),
	GLOBAL_KW_NOT_YET("bfd_no_swap", BFD_NOTE),
	GLOBAL_KW_NOT_YET("bfd_cpu_affinity", BFD_NOTE),
	GLOBAL_KW_NOT_YET("bfd_rt_priority", BFD_NOTE),
	GLOBAL_KW_NOT_YET("bfd_rlimit_rttime", BFD_NOTE),
	GLOBAL_KW_END,
};
