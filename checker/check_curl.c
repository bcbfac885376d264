/* libcurl's multi interface on a libuv loop (see check_curl.h).
 *
 * curl drives: CURLMOPT_SOCKETFUNCTION says which events a socket wants
 * (we keep one uv_poll per socket, found again through
 * curl_multi_assign), CURLMOPT_TIMERFUNCTION when curl wants to be woken
 * (one uv_timer).  Either event goes back to curl through
 * curl_multi_socket_action(), after which finished transfers are collected
 * with curl_multi_info_read() and reported to their owners. */
#include "config.h"
#include "checker/check_curl.h"
#include "log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

/* Idle easy handles kept per multi handle.  Enough for the transfers a
 * busy checker has in flight at once; beyond it a handle is freed, so a
 * burst does not pin its peak memory for good. */
#define CHECK_CURL_POOL_MAX 32

struct check_curl_multi {
	struct check_curl_multi *next;   /* the list of loops with a multi handle */
	uv_loop_t *loop;
	CURLM *multi;
	uv_timer_t timer;
	unsigned transfers;              /* easy handles added and not yet removed */
	unsigned dispatching;            /* inside check_curl_dispatch: do not free */
	unsigned holds;                  /* check_curl_hold() calls not yet released */
	unsigned pooled;
	CURL *pool[CHECK_CURL_POOL_MAX];
};

/* One watched socket. */
struct check_curl_socket {
	uv_poll_t poll;
	curl_socket_t fd;
	struct check_curl_multi *m;
};

static struct check_curl_multi *check_curl_multis;

static struct check_curl_multi *check_curl_find(uv_loop_t *loop)
{
	for (struct check_curl_multi *m = check_curl_multis; m; m = m->next)
		if (m->loop == loop)
			return m;
	return NULL;
}

static void check_curl_closed_free(uv_handle_t *handle)
{
	free(handle->data);
}

/* Called with no transfers left and outside any dispatch: the multi
 * handle goes, and with it every socket curl still watched. */
static void check_curl_teardown(struct check_curl_multi *m)
{
	struct check_curl_multi **pp = &check_curl_multis;

	while (*pp != m)
		pp = &(*pp)->next;
	*pp = m->next;
	curl_multi_cleanup(m->multi);   /* may still call the socket callback */
	while (m->pooled)
		curl_easy_cleanup(m->pool[--m->pooled]);
	uv_close((uv_handle_t *)&m->timer, check_curl_closed_free);
}

static void check_curl_maybe_teardown(struct check_curl_multi *m)
{
	if (m->transfers == 0 && m->dispatching == 0 && m->holds == 0)
		check_curl_teardown(m);
}

/* Reports every finished transfer.  Each easy handle leaves the multi
 * handle before its owner hears of it, so the owner may clean it up or
 * start the next transfer from the callback. */
static void check_curl_dispatch(struct check_curl_multi *m)
{
	CURLMsg *msg;
	int left;

	m->dispatching++;
	while ((msg = curl_multi_info_read(m->multi, &left)) != NULL) {
		struct check_curl_transfer *t = NULL;
		CURL *easy = msg->easy_handle;
		CURLcode result = msg->data.result;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
		curl_multi_remove_handle(m->multi, easy);   /* msg is invalid from here */
		m->transfers--;
		if (t) {
			t->multi = NULL;
			t->done(t, result);
		}
	}
	m->dispatching--;
	check_curl_maybe_teardown(m);
}

static void check_curl_action(struct check_curl_multi *m, curl_socket_t fd, int flags)
{
	static struct log_ratelimit rl = LOG_RATELIMIT_INIT(60000, 5);
	int running;
	CURLMcode rc = curl_multi_socket_action(m->multi, fd, flags, &running);

	/* a failing socket callback ends its transfer; the owner hears of
	 * it through dispatch, this only says why */
	if (rc != CURLM_OK)
		log_ratelimited(&rl, LOG_WARNING, "curl: socket action: %s",
				curl_multi_strerror(rc));
	check_curl_dispatch(m);
}

static void check_curl_on_poll(uv_poll_t *poll, int status, int events)
{
	struct check_curl_socket *s = poll->data;
	int flags = 0;

	if (status < 0)
		flags = CURL_CSELECT_ERR;
	if (events & UV_READABLE)
		flags |= CURL_CSELECT_IN;
	if (events & UV_WRITABLE)
		flags |= CURL_CSELECT_OUT;
	check_curl_action(s->m, s->fd, flags);
}

static void check_curl_on_timer(uv_timer_t *timer)
{
	check_curl_action(timer->data, CURL_SOCKET_TIMEOUT, 0);
}

/* CURLMOPT_SOCKETFUNCTION: watch `fd` for what curl wants, or stop. */
static int check_curl_socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp,
				void *socketp)
{
	struct check_curl_multi *m = userp;
	struct check_curl_socket *s = socketp;
	int events = 0;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (s) {
			curl_multi_assign(m->multi, fd, NULL);
			uv_close((uv_handle_t *)&s->poll, check_curl_closed_free);
		}
		return 0;
	}
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return -1;
		if (uv_poll_init_socket(m->loop, &s->poll, fd) < 0) {
			free(s);
			return -1;
		}
		s->poll.data = s;
		s->fd = fd;
		s->m = m;
		curl_multi_assign(m->multi, fd, s);
	}
	if (what & CURL_POLL_IN)
		events |= UV_READABLE;
	if (what & CURL_POLL_OUT)
		events |= UV_WRITABLE;
	return uv_poll_start(&s->poll, events, check_curl_on_poll) < 0 ? -1 : 0;
}

/* CURLMOPT_TIMERFUNCTION: wake curl after timeout_ms (-1: never).  curl
 * must not be re-entered from here, so even 0 goes through the loop. */
static int check_curl_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct check_curl_multi *m = userp;

	(void)multi;
	if (timeout_ms < 0)
		uv_timer_stop(&m->timer);
	else
		uv_timer_start(&m->timer, check_curl_on_timer, (uint64_t)timeout_ms, 0);
	return 0;
}

bool check_curl_load(void)
{
	return late_lib_load(&late_curl, "SSL_GET and smtp_alert");
}

static struct check_curl_multi *check_curl_multi_new(uv_loop_t *loop)
{
	static bool initialised;
	struct check_curl_multi *m;

	if (!check_curl_load())
		return NULL;
	if (!initialised && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return NULL;
	initialised = true;
	m = calloc(1, sizeof(*m));
	if (!m || !(m->multi = curl_multi_init())) {
		free(m);
		return NULL;
	}
	m->loop = loop;
	uv_timer_init(loop, &m->timer);
	m->timer.data = m;
	curl_multi_setopt(m->multi, CURLMOPT_SOCKETFUNCTION, check_curl_socket_cb);
	curl_multi_setopt(m->multi, CURLMOPT_SOCKETDATA, m);
	curl_multi_setopt(m->multi, CURLMOPT_TIMERFUNCTION, check_curl_timer_cb);
	curl_multi_setopt(m->multi, CURLMOPT_TIMERDATA, m);
	m->next = check_curl_multis;
	check_curl_multis = m;
	return m;
}

int check_curl_start(uv_loop_t *loop, struct check_curl_transfer *t)
{
	struct check_curl_multi *m;

	if (!t->easy || !t->done || t->multi)
		return -EINVAL;
	m = check_curl_find(loop);
	if (!m && !(m = check_curl_multi_new(loop)))
		return -ENOMEM;
	curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
	if (curl_multi_add_handle(m->multi, t->easy) != CURLM_OK) {
		check_curl_maybe_teardown(m);
		return -ENOMEM;
	}
	m->transfers++;
	t->multi = m;
	return 0;
}

void check_curl_stop(struct check_curl_transfer *t)
{
	struct check_curl_multi *m = t->multi;

	if (!m)
		return;
	t->multi = NULL;
	curl_multi_remove_handle(m->multi, t->easy);
	m->transfers--;
	check_curl_maybe_teardown(m);
}

unsigned check_curl_running(uv_loop_t *loop)
{
	struct check_curl_multi *m = check_curl_find(loop);

	return m ? m->transfers : 0;
}

int check_curl_hold(uv_loop_t *loop)
{
	struct check_curl_multi *m = check_curl_find(loop);

	if (!m && !(m = check_curl_multi_new(loop)))
		return -ENOMEM;
	m->holds++;
	return 0;
}

void check_curl_release(uv_loop_t *loop)
{
	struct check_curl_multi *m = check_curl_find(loop);

	if (!m || m->holds == 0)
		return;
	m->holds--;
	check_curl_maybe_teardown(m);
}

bool check_curl_active(uv_loop_t *loop)
{
	return check_curl_find(loop) != NULL;
}

CURL *check_curl_easy_get(uv_loop_t *loop)
{
	struct check_curl_multi *m = check_curl_find(loop);

	if (m && m->pooled)
		return m->pool[--m->pooled];
	return check_curl_load() ? curl_easy_init() : NULL;
}

void check_curl_easy_put(uv_loop_t *loop, CURL *easy)
{
	struct check_curl_multi *m = check_curl_find(loop);

	if (!easy)
		return;
	if (!m || m->pooled == CHECK_CURL_POOL_MAX) {
		curl_easy_cleanup(easy);
		return;
	}
	/* back to the defaults: nothing of the last check's settings
	 * (URL, TLS files, callbacks and their data) may leak into the next */
	curl_easy_reset(easy);
	m->pool[m->pooled++] = easy;
}
