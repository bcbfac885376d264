/* net-snmp's AgentX subagent driven by libuv (see snmp_subagent.h). */
#include "config.h"
#include "snmp/snmp_subagent.h"
#include "snmp/snmp_socket.h"
#include "log.h"
#include "xalloc.h"

#include "snmp/late_snmp.h"

#include <stdlib.h>
#include <string.h>

/* The AgentX session with the master agent (net-snmp's agentx/subagent.c;
 * exported but not in an installed header).  NULL while disconnected. */

struct snmp_poll {
	uv_poll_t handle;
	int fd;
	struct snmp_subagent *owner;    /* NULL: being closed */
};

struct snmp_subagent {
	uv_loop_t *loop;
	char *name, *socket;
	uv_timer_t timer;
	struct snmp_poll **polls;
	size_t npolls;
	bool connected;
	bool said_unreachable;          /* logged once per outage */
	/* The polls are all rebuilt after the session changed (a new one
	 * may even sit at the old one's address, so both are looked at). */
	const netsnmp_session *polled_session;
	bool session_changed;
};

/* Only one: net-snmp's state is global. */
static bool snmp_running;

/* net-snmp's own messages ("Failed to connect to the agentx master
 * agent", repeated at every retry) go to the debug log; the connection
 * state is reported by snmp_subagent itself. */
static int on_netsnmp_log(int major, int minor, void *server_arg, void *client_arg)
{
	const struct snmp_log_message *m = server_arg;
	size_t len = m && m->msg ? strlen(m->msg) : 0;

	(void)major;
	(void)minor;
	(void)client_arg;
	if (len)
		log_debug("net-snmp: %.*s", (int)(m->msg[len - 1] == '\n' ? len - 1 : len), m->msg);
	return 0;
}

static void configure_netsnmp(const char *socket)
{
	snmp_disable_log();
	netsnmp_register_loghandler(NETSNMP_LOGHANDLER_CALLBACK, LOG_DEBUG);
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, on_netsnmp_log, NULL);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, socket);
	/* Timeouts come back through snmp_select_info2, not SIGALRM. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
	/* vigil's configuration is vigil.conf: no snmp.conf, no state files. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_NO_TOKEN_WARNINGS, 1);
}

static void note_connection(struct snmp_subagent *a)
{
	bool now = main_session != NULL;

	if (now && !a->connected)
		log_info("SNMP: registered with the master agent at %s", a->socket);
	else if (!now && (a->connected || !a->said_unreachable)) {
		log_warning("SNMP: the master agent at %s is unreachable; retrying every %d s",
			    a->socket, SNMP_SUBAGENT_PING_S);
		a->said_unreachable = true;
	}
	if (now)
		a->said_unreachable = false;
	if (now != a->connected)
		a->session_changed = true;
	a->connected = now;
}

static void poll_closed(uv_handle_t *h)
{
	free(h->data);
}

static void drop_poll(struct snmp_subagent *a, size_t i)
{
	struct snmp_poll *p = a->polls[i];

	p->owner = NULL;
	uv_close((uv_handle_t *)&p->handle, poll_closed);
	a->polls[i] = a->polls[--a->npolls];
}

static void sync_handles(struct snmp_subagent *a);

static void run_netsnmp(struct snmp_subagent *a)
{
	agent_check_and_process(0);
	note_connection(a);
	sync_handles(a);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	struct snmp_poll *p = h->data;

	(void)status;
	(void)events;
	if (p->owner)
		run_netsnmp(p->owner);
}

static void on_timer(uv_timer_t *t)
{
	run_netsnmp(t->data);
}

static bool fd_watched(const struct snmp_subagent *a, int fd)
{
	for (size_t i = 0; i < a->npolls; i++)
		if (a->polls[i]->fd == fd)
			return true;
	return false;
}

static void watch_fd(struct snmp_subagent *a, int fd)
{
	struct snmp_poll *p = XNEW(struct snmp_poll);

	p->fd = fd;
	p->owner = a;
	if (uv_poll_init(a->loop, &p->handle, fd) < 0) {
		free(p);
		return;
	}
	p->handle.data = p;
	uv_poll_start(&p->handle, UV_READABLE, on_poll);
	a->polls = xreallocarray(a->polls, a->npolls + 1, sizeof(*a->polls));
	a->polls[a->npolls++] = p;
}

static void arm_timer(struct snmp_subagent *a, const struct timeval *tv, int block)
{
	uint64_t ms;

	if (block) {
		uv_timer_stop(&a->timer);
		return;
	}
	/* Rounded up: waking early would only spin. */
	ms = (uint64_t)tv->tv_sec * 1000u + ((uint64_t)tv->tv_usec + 999u) / 1000u;
	uv_timer_start(&a->timer, on_timer, ms, 0);
}

/* The descriptors net-snmp wants now.  A reconnect may reuse a number for
 * a new socket, whose epoll registration the old one took with it: when
 * the connection state changed every poll is rebuilt. */
static void sync_handles(struct snmp_subagent *a)
{
	netsnmp_large_fd_set fds;
	struct timeval tv = { 0, 0 };
	int numfds = 0, block = 1;

	netsnmp_large_fd_set_init(&fds, FD_SETSIZE);
	snmp_select_info2(&numfds, &fds, &tv, &block);
	for (size_t i = a->npolls; i-- > 0;)
		if (a->session_changed || a->polled_session != main_session
		    || !NETSNMP_LARGE_FD_ISSET(a->polls[i]->fd, &fds))
			drop_poll(a, i);
	a->polled_session = main_session;
	a->session_changed = false;
	for (int fd = 0; fd < numfds; fd++)
		if (NETSNMP_LARGE_FD_ISSET(fd, &fds) && !fd_watched(a, fd))
			watch_fd(a, fd);
	netsnmp_large_fd_set_cleanup(&fds);
	arm_timer(a, &tv, block);
}

struct snmp_subagent *snmp_subagent_start(uv_loop_t *loop, const char *name, const char *socket)
{
	struct snmp_subagent *a;

	if (snmp_running || !late_lib_load(&late_snmp, "SNMP"))
		return NULL;
	snmp_running = true;
	a = XNEW(struct snmp_subagent);
	a->loop = loop;
	a->name = xstrdup(name);
	a->socket = xstrdup(socket);
	uv_timer_init(loop, &a->timer);
	a->timer.data = a;
	configure_netsnmp(socket);
	init_agent(name);
	/* After init_agent, which sets the agent's defaults (15 s). */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
			   SNMP_SUBAGENT_PING_S);
	init_snmp(name);
	note_connection(a);
	sync_handles(a);
	return a;
}

struct snmp_subagent *snmp_subagent_open(uv_loop_t *loop, const char *name,
					 const struct snmp_socket *configured, char **socket)
{
	char *text = snmp_socket_to_string(configured);
	struct snmp_subagent *a = snmp_subagent_start(loop, name, text);

	if (!a) {
		log_error("SNMP: the subagent cannot start twice in one process");
		free(text);
		return NULL;
	}
	*socket = text;
	return a;
}

void snmp_subagent_check_socket(const char *runs, const struct snmp_socket *configured)
{
	char *text = snmp_socket_to_string(configured);

	if (strcmp(text, runs) != 0)
		log_warning("SNMP: snmp_socket changed to %s; the subagent keeps %s until vigild restarts",
			    text, runs);
	free(text);
}

/* SNMPv2-MIB snmpTrapOID.0 */
static const oid trap_oid_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };

void snmp_subagent_notify(const oid *trap_oid, size_t len, netsnmp_variable_list *vars)
{
	netsnmp_variable_list *head = NULL;

	snmp_varlist_add_variable(&head, trap_oid_oid, OID_LENGTH(trap_oid_oid), ASN_OBJECT_ID,
				  trap_oid, len * sizeof(oid));
	head->next_variable = vars;
	send_v2trap(head);
	snmp_free_varbind(head);
}

bool snmp_subagent_connected(const struct snmp_subagent *a)
{
	return a && a->connected;
}

static void timer_closed(uv_handle_t *h)
{
	struct snmp_subagent *a = h->data;

	free(a->name);
	free(a->socket);
	free(a);
}

void snmp_subagent_stop(struct snmp_subagent *a)
{
	if (!a)
		return;
	while (a->npolls)
		drop_poll(a, a->npolls - 1);
	free(a->polls);
	a->polls = NULL;
	snmp_shutdown(a->name);
	shutdown_agent();
	uv_timer_stop(&a->timer);
	uv_close((uv_handle_t *)&a->timer, timer_closed);
	snmp_running = false;
}
