/* The Prometheus endpoint; see metrics_http.h.
 *
 * Threads: libmicrohttpd's thread runs the access handler and the
 * completion callback; everything else runs on the loop.  They share only
 * the request lists, under `lock`.  A request is owned by MHD (freed in
 * the completion callback); the loop holds a pointer to it only while the
 * request sits in `waiting` or `in_flight`, and a suspended connection
 * cannot complete, so it cannot go away while listed. */
#include "config.h"
#include "daemon/metrics_http.h"
#include "daemon/metrics_render.h"
#include "log.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include "daemon/late_mhd.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define METRICS_PATH "/metrics"
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define METRICS_MAX_CONNECTIONS 16
#define METRICS_CONNECTION_TIMEOUT_S 10

struct metrics_request {
	struct MHD_Connection *conn;
	struct metrics_request *next;       /* in waiting or in_flight */
	bool listed;
	char *body;                          /* set (on the loop) before the resume */
	size_t body_len;
	unsigned status;
};

/* One status collection; outlives a stop that happens meanwhile. */
struct metrics_collection {
	struct metrics_http *m;             /* NULL: the endpoint stopped */
};

struct metrics_http {
	uv_loop_t *loop;
	uv_async_t wake;
	struct MHD_Daemon *mhd;
	metrics_collect_fn *collect;
	void *collector;
	pthread_mutex_t lock;
	struct metrics_request *waiting, *in_flight;
	struct metrics_collection *collecting;
	uint64_t scrapes;
};

/* ---- the HTTP thread ---------------------------------------------------------- */

static enum MHD_Result answer(struct MHD_Connection *conn, unsigned status, const char *text,
			      size_t len, bool copy)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		len, (void *)text, copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;

	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				status == MHD_HTTP_OK ? METRICS_CONTENT_TYPE : "text/plain");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result answer_text(struct MHD_Connection *conn, unsigned status, const char *text)
{
	return answer(conn, status, text, strlen(text), true);
}

/* First call: park the request and wake the loop.  After the resume: the
 * body is there. */
static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
				 const char *method, const char *version, const char *upload,
				 size_t *upload_size, void **con_cls)
{
	struct metrics_http *m = cls;
	struct metrics_request *req = *con_cls;

	(void)version, (void)upload, (void)upload_size;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return answer_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n");
	if (strcmp(url, METRICS_PATH) != 0)
		return answer_text(conn, MHD_HTTP_NOT_FOUND, "see " METRICS_PATH "\n");
	if (req && req->body) {
		char *body = req->body;

		req->body = NULL;
		return answer(conn, req->status, body, req->body_len, false);
	}
	if (req)
		return MHD_YES;              /* a spurious call while parked */
	req = XNEW(struct metrics_request);
	req->conn = conn;
	*con_cls = req;
	pthread_mutex_lock(&m->lock);
	req->next = m->waiting;
	req->listed = true;
	m->waiting = req;
	pthread_mutex_unlock(&m->lock);
	MHD_suspend_connection(conn);
	uv_async_send(&m->wake);
	return MHD_YES;
}

static void unlink_request(struct metrics_request **list, struct metrics_request *req)
{
	for (; *list; list = &(*list)->next)
		if (*list == req) {
			*list = req->next;
			return;
		}
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode why)
{
	struct metrics_http *m = cls;
	struct metrics_request *req = *con_cls;

	(void)conn, (void)why;
	if (!req)
		return;
	pthread_mutex_lock(&m->lock);
	if (req->listed) {
		unlink_request(&m->waiting, req);
		unlink_request(&m->in_flight, req);
	}
	pthread_mutex_unlock(&m->lock);
	free(req->body);
	free(req);
	*con_cls = NULL;
}

/* ---- the loop ---------------------------------------------------------------------- */

/* Gives every request of `list` the same answer and resumes it.  The
 * bodies are set under the lock, the resumes made outside it (MHD takes
 * its own locks there). */
static void resume_all(struct metrics_http *m, struct metrics_request *list, unsigned status,
		       const char *text, size_t len)
{
	struct metrics_request *req, *next;

	pthread_mutex_lock(&m->lock);
	for (req = list; req; req = req->next) {
		req->listed = false;
		req->status = status;
		req->body = xmalloc(len ? len : 1);
		memcpy(req->body, text, len);
		req->body_len = len;
	}
	pthread_mutex_unlock(&m->lock);
	for (req = list; req; req = next) {
		next = req->next;
		req->next = NULL;
		MHD_resume_connection(req->conn);
	}
}

static void start_collection(struct metrics_http *m);

static void on_status(json_object *status, void *ctx)
{
	struct metrics_collection *c = ctx;
	struct metrics_http *m = c->m;
	struct metrics_request *list;
	size_t len = 0;
	char *text;

	free(c);
	if (!m) {
		json_object_put(status);
		return;
	}
	m->collecting = NULL;
	text = metrics_render(status, &len);
	json_object_put(status);
	pthread_mutex_lock(&m->lock);
	list = m->in_flight;
	m->in_flight = NULL;
	pthread_mutex_unlock(&m->lock);
	resume_all(m, list, MHD_HTTP_OK, text, len);
	free(text);
	m->scrapes++;
	start_collection(m);                 /* requests that came meanwhile */
}

/* One collection serves every request waiting when it starts. */
static void start_collection(struct metrics_http *m)
{
	struct metrics_collection *c;

	if (m->collecting)
		return;
	pthread_mutex_lock(&m->lock);
	m->in_flight = m->waiting;
	m->waiting = NULL;
	pthread_mutex_unlock(&m->lock);
	if (!m->in_flight)
		return;
	c = XNEW(struct metrics_collection);
	c->m = m;
	m->collecting = c;
	m->collect(m->collector, on_status, c);
}

static void on_wake(uv_async_t *async)
{
	start_collection(async->data);
}

/* ---- start and stop -------------------------------------------------------------- */

static void socket_address(const struct vigil_addr *addr, uint16_t port,
			   struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (addr->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = addr->u.v6;
		s6->sin6_port = htons(port);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_addr = addr->u.v4;
		s4->sin_port = htons(port);
	}
}

struct metrics_http *metrics_http_start(uv_loop_t *loop, const struct vigil_addr *addr,
					uint16_t port, metrics_collect_fn *collect, void *collector)
{
	struct metrics_http *m;
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG
			 | MHD_ALLOW_SUSPEND_RESUME;

	if (!late_lib_load(&late_mhd, "the metrics endpoint"))
		return NULL;
	m = XNEW(struct metrics_http);
	m->loop = loop;
	m->collect = collect;
	m->collector = collector;
	pthread_mutex_init(&m->lock, NULL);
	uv_async_init(loop, &m->wake, on_wake);
	m->wake.data = m;
	socket_address(addr, port, &ss);
	if (addr->family == AF_INET6)
		flags |= MHD_USE_IPv6;
	m->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_access, m,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				  MHD_OPTION_NOTIFY_COMPLETED, on_completed, m,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_MAX_CONNECTIONS,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_CONNECTION_TIMEOUT_S,
				  MHD_OPTION_END);
	if (!m->mhd) {
		log_error("metrics: cannot listen on port %u (address in use or not local?)", port);
		metrics_http_stop(m);
		return NULL;
	}
	log_info("metrics: serving " METRICS_PATH " on port %u", port);
	return m;
}

static void on_wake_closed(uv_handle_t *h)
{
	struct metrics_http *m = h->data;

	pthread_mutex_destroy(&m->lock);
	free(m);
}

void metrics_http_stop(struct metrics_http *m)
{
	static const char stopping[] = "vigild is stopping\n";
	struct metrics_request *list;

	if (!m)
		return;
	if (m->collecting)
		m->collecting->m = NULL;
	pthread_mutex_lock(&m->lock);
	list = m->in_flight;
	m->in_flight = NULL;
	if (list) {
		struct metrics_request *tail = list;

		while (tail->next)
			tail = tail->next;
		tail->next = m->waiting;
	} else {
		list = m->waiting;
	}
	m->waiting = NULL;
	pthread_mutex_unlock(&m->lock);
	if (m->mhd) {
		resume_all(m, list, MHD_HTTP_SERVICE_UNAVAILABLE, stopping, sizeof(stopping) - 1);
		MHD_stop_daemon(m->mhd);
	}
	uv_close((uv_handle_t *)&m->wake, on_wake_closed);
}
