#include "config.h"
#include "daemon/control.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

struct control_conn {
	uv_pipe_t pipe;
	uv_timer_t timer;
	struct control_server *srv;
	struct control_conn *prev, *next;
	struct ctl_linebuf in;
	struct control_request *pending;   /* the request the handler holds */
	struct control_stream *stream;     /* NULL: request/response */
	unsigned writes_pending;
	int open_handles;
	bool reading, eof, processing;
	bool closing;                      /* no more requests; close after writes */
	bool handles_closing;
};

struct control_request {
	struct control_conn *conn;         /* NULL: the client went away */
};

/* A connection turned into a one-way stream (control_request_stream). */
struct control_stream {
	struct control_conn *conn;
	control_stream_closed_fn closed;
	void *arg;
};

struct control_server {
	uv_pipe_t listener;
	char *path;
	control_handler_fn handler;
	void *arg;
	struct control_conn *conns;
	unsigned nconns;
	bool listener_open, closing;
};

struct control_write {
	uv_write_t req;
	char *text;
	size_t len;
	struct control_conn *conn;
};

static void conn_process(struct control_conn *conn);
static void set_reading(struct control_conn *conn, bool on);

/* ---- the socket file ------------------------------------------------------ */

/* mkdir -p of the socket's directory, new directories 0755 whatever the umask. */
static bool make_parent_dirs(const char *path, char *err, size_t err_len)
{
	char *dir = xstrdup(path);
	bool ok = true;

	for (char *p = dir + 1; ok && (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0755) == 0)
			chmod(dir, 0755);
		else if (errno != EEXIST) {
			snprintf(err, err_len, "cannot create directory %s: %s", dir, strerror(errno));
			ok = false;
		}
		*p = '/';
	}
	free(dir);
	return ok;
}

static bool fill_address(struct sockaddr_un *sa, const char *path, char *err, size_t err_len)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		snprintf(err, err_len, "control socket path too long: %s", path);
		return false;
	}
	strcpy(sa->sun_path, path);
	return true;
}

/* A socket file nobody accepts on is left over from a daemon that died; one
 * that answers belongs to a live daemon and must not be taken over. */
static bool remove_stale_socket(const struct sockaddr_un *sa, char *err, size_t err_len)
{
	struct stat st;
	int fd, r;

	if (lstat(sa->sun_path, &st) < 0)
		return errno == ENOENT;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, err_len, "%s exists and is not a socket", sa->sun_path);
		return false;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	r = fd < 0 ? -1 : connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	if (fd >= 0)
		close(fd);
	if (r == 0) {
		snprintf(err, err_len, "another daemon is listening on %s", sa->sun_path);
		return false;
	}
	unlink(sa->sun_path);
	return true;
}

int control_socket_bind(const char *path, char *err, size_t err_len)
{
	struct sockaddr_un sa;
	mode_t old_mask;
	int fd, r;

	if (!fill_address(&sa, path, err, err_len) || !make_parent_dirs(path, err, err_len)
	    || !remove_stale_socket(&sa, err, err_len))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, err_len, "cannot create control socket: %s", strerror(errno));
		return -1;
	}
	/* The umask makes the socket 0600 from the start: no window in which
	 * other users could connect. */
	old_mask = umask(0177);
	r = bind(fd, (const struct sockaddr *)&sa, sizeof(sa));
	umask(old_mask);
	if (r < 0 || listen(fd, 16) < 0) {
		snprintf(err, err_len, "cannot listen on control socket %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- connections ------------------------------------------------------------ */

static void server_maybe_free(struct control_server *srv)
{
	if (!srv->closing || srv->listener_open || srv->nconns)
		return;
	free(srv->path);
	free(srv);
}

static void on_conn_handle_closed(uv_handle_t *handle)
{
	struct control_conn *conn = handle->data;
	struct control_server *srv = conn->srv;

	if (--conn->open_handles > 0)
		return;
	if (conn->prev)
		conn->prev->next = conn->next;
	else
		srv->conns = conn->next;
	if (conn->next)
		conn->next->prev = conn->prev;
	srv->nconns--;
	ctl_linebuf_free(&conn->in);
	free(conn);
	server_maybe_free(srv);
}

static void conn_close_handles(struct control_conn *conn)
{
	if (conn->handles_closing)
		return;
	conn->handles_closing = true;
	conn->open_handles = 2;
	uv_close((uv_handle_t *)&conn->pipe, on_conn_handle_closed);
	uv_close((uv_handle_t *)&conn->timer, on_conn_handle_closed);
}

/* Takes no more requests; the handles close once queued answers are out. */
static void conn_close(struct control_conn *conn)
{
	struct control_stream *stream = conn->stream;

	conn->closing = true;
	if (stream) {
		conn->stream = NULL;
		stream->closed(stream->arg, stream);
		free(stream);
	}
	if (conn->pending) {
		conn->pending->conn = NULL;
		conn->pending = NULL;
	}
	if (conn->writes_pending == 0)
		conn_close_handles(conn);
}

static void on_conn_timeout(uv_timer_t *timer)
{
	struct control_conn *conn = timer->data;

	log_debug("control: closing a client that was idle for %d ms", CONTROL_IDLE_TIMEOUT_MS);
	conn_close(conn);
	/* A client that does not read its answer must not pin the connection. */
	conn_close_handles(conn);
}

static void on_write_done(uv_write_t *req, int status)
{
	struct control_write *w = req->data;
	struct control_conn *conn = w->conn;

	free(w->text);
	xalloc_release_after(w->len);
	free(w);
	conn->writes_pending--;
	if (status < 0 && status != UV_ECANCELED)
		log_debug("control: cannot send an answer: %s", uv_strerror(status));
	if (status < 0)
		conn_close(conn);
	else if (conn->closing && conn->writes_pending == 0)
		conn_close_handles(conn);
	else if (!conn->closing)
		conn_process(conn);
}

/* Queues a line (takes `text`). */
static void conn_send_text(struct control_conn *conn, char *text, size_t len)
{
	struct control_write *w;
	uv_buf_t buf;
	int r;

	if (conn->handles_closing) {
		free(text);
		return;
	}
	w = XNEW(struct control_write);
	w->text = text;
	w->len = len;
	w->conn = conn;
	w->req.data = w;
	buf = uv_buf_init(w->text, (unsigned)len);
	conn->writes_pending++;
	r = uv_write(&w->req, (uv_stream_t *)&conn->pipe, &buf, 1, on_write_done);
	if (r < 0) {
		conn->writes_pending--;
		free(w->text);
		free(w);
		conn_close(conn);
		return;
	}
	uv_timer_again(&conn->timer);
}

static void conn_send(struct control_conn *conn, json_object *response)
{
	size_t len;
	char *text = ctl_format_line(response, &len);

	conn_send_text(conn, text, len);
}

static void conn_send_error(struct control_conn *conn, const char *message)
{
	json_object *response = ctl_response_error(message);

	conn_send(conn, response);
	json_object_put(response);
}

static void conn_handle_line(struct control_conn *conn, const char *line)
{
	struct control_server *srv = conn->srv;
	const char *why;
	json_object *request;
	enum ctl_command cmd;
	char message[160];

	if (line[strspn(line, " \t")] == '\0')
		return;
	request = ctl_parse_object(line, &why);
	if (!request) {
		snprintf(message, sizeof(message), "malformed request: %s", why);
		conn_send_error(conn, message);
		return;
	}
	cmd = ctl_request_command(request, &why);
	if (cmd == CTL_CMD_INVALID) {
		conn_send_error(conn, why);
	} else {
		conn->pending = XNEW(struct control_request);
		conn->pending->conn = conn;
		srv->handler(srv->arg, conn->pending, cmd, request);
	}
	json_object_put(request);
}

/* Reading stops while the handler holds a request or an answer is still
 * being sent: one at a time, so a client that sends without reading cannot
 * make the daemon queue unbounded work or output. */
static void conn_process(struct control_conn *conn)
{
	char *line;

	/* A stream reads only to notice the client leaving (on_read). */
	if (conn->processing || conn->stream)
		return;
	conn->processing = true;
	while (!conn->closing && !conn->pending && conn->writes_pending == 0
	       && (line = ctl_linebuf_next(&conn->in))) {
		conn_handle_line(conn, line);
		free(line);
	}
	conn->processing = false;
	if (conn->closing || conn->stream)
		return;
	if (conn->in.overflow) {
		char message[96];

		snprintf(message, sizeof(message), "request too long (limit %u bytes)", CTL_REQUEST_MAX);
		conn_send_error(conn, message);
		conn_close(conn);
	} else if (!conn->pending && conn->writes_pending == 0 && conn->eof && !conn->in.len) {
		conn_close(conn);
	} else {
		set_reading(conn, !conn->pending && conn->writes_pending == 0);
	}
}

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
	static char chunk[16 * 1024];

	/* One read at a time per loop: a static chunk is enough, the bytes are
	 * copied into the connection's line buffer at once. */
	*buf = uv_buf_init(chunk, sizeof(chunk));
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct control_conn *conn = stream->data;

	if (nread == 0 || conn->closing)
		return;
	if (conn->stream) {
		/* Nothing more is asked on a stream: input is ignored, the end of
		 * it means the client left, and what it did not read goes. */
		if (nread < 0) {
			conn_close(conn);
			conn_close_handles(conn);
		}
		return;
	}
	if (nread < 0) {
		set_reading(conn, false);
		conn->eof = true;
		/* A last request without its newline still counts. */
		if (nread == UV_EOF && conn->in.len)
			ctl_linebuf_append(&conn->in, "\n", 1);
	} else {
		ctl_linebuf_append(&conn->in, buf->base, (size_t)nread);
		uv_timer_again(&conn->timer);
	}
	conn_process(conn);
}

static void set_reading(struct control_conn *conn, bool on)
{
	if (on == conn->reading || (on && conn->eof))
		return;
	if (on)
		conn->reading = uv_read_start((uv_stream_t *)&conn->pipe, on_alloc, on_read) == 0;
	else {
		uv_read_stop((uv_stream_t *)&conn->pipe);
		conn->reading = false;
	}
}

void control_request_reply(struct control_request *req, json_object *response)
{
	struct control_conn *conn = req->conn;

	free(req);
	if (conn) {
		conn->pending = NULL;
		conn_send(conn, response);
		conn_process(conn);
	}
	json_object_put(response);
}

/* ---- streams ------------------------------------------------------------------ */

static char *copy_line(const char *line, size_t len)
{
	char *text = xmalloc(len + 1);

	memcpy(text, line, len);
	text[len] = '\0';
	return text;
}

struct control_stream *control_request_stream(struct control_request *req, json_object *response,
					      control_stream_closed_fn closed, void *arg)
{
	struct control_conn *conn = req->conn;
	struct control_stream *s;

	free(req);
	if (!conn) {
		json_object_put(response);
		return NULL;
	}
	conn->pending = NULL;
	/* A subscriber may sit quietly for days: no idle timeout. */
	uv_timer_set_repeat(&conn->timer, 0);
	uv_timer_stop(&conn->timer);
	conn_send(conn, response);
	json_object_put(response);
	if (conn->closing)
		return NULL;
	s = XNEW(struct control_stream);
	s->conn = conn;
	s->closed = closed;
	s->arg = arg;
	conn->stream = s;
	set_reading(conn, true);
	return s;
}

bool control_stream_send(struct control_stream *s, const char *line, size_t len)
{
	struct control_conn *conn = s->conn;
	size_t queued = uv_stream_get_write_queue_size((uv_stream_t *)&conn->pipe);

	/* The kernel's socket buffer fills first; only then does libuv queue,
	 * so this counts what the client is behind by beyond that.  A line
	 * longer than the limit still goes to a client that is not behind. */
	if (queued && queued + len > CONTROL_STREAM_QUEUE_MAX)
		return false;
	conn_send_text(conn, copy_line(line, len), len);
	return true;
}

void control_stream_finish(struct control_stream *s, const char *line, size_t len)
{
	struct control_conn *conn = s->conn;

	if (line)
		conn_send_text(conn, copy_line(line, len), len);
	conn_close(conn);
	if (!conn->handles_closing)
		uv_timer_start(&conn->timer, on_conn_timeout, CONTROL_IDLE_TIMEOUT_MS, 0);
}

/* ---- the listener ------------------------------------------------------------- */

static struct control_conn *conn_new(struct control_server *srv, uv_loop_t *loop)
{
	struct control_conn *conn = XNEW(struct control_conn);

	conn->srv = srv;
	ctl_linebuf_init(&conn->in, CTL_REQUEST_MAX);
	uv_pipe_init(loop, &conn->pipe, 0);
	uv_timer_init(loop, &conn->timer);
	conn->pipe.data = conn;
	conn->timer.data = conn;
	conn->next = srv->conns;
	if (srv->conns)
		srv->conns->prev = conn;
	srv->conns = conn;
	srv->nconns++;
	return conn;
}

/* At the connection limit, the client that has been idle longest (no
 * request in progress; new ones are added at the head) makes room. */
static bool evict_idle(struct control_server *srv, const struct control_conn *newcomer)
{
	struct control_conn *victim = NULL;

	for (struct control_conn *c = srv->conns; c; c = c->next)
		if (c != newcomer && !c->closing && !c->pending && !c->writes_pending && !c->stream)
			victim = c;
	if (!victim)
		return false;
	log_debug("control: connection limit reached; closing the longest idle client");
	conn_close(victim);
	return true;
}

static void on_connection(uv_stream_t *listener, int status)
{
	static struct log_ratelimit too_many = LOG_RATELIMIT_INIT(10000, 1);

	struct control_server *srv = listener->data;
	struct control_conn *conn;

	if (srv->closing)
		return;
	if (status < 0) {
		log_warning("control: accept failed: %s", uv_strerror(status));
		return;
	}
	conn = conn_new(srv, listener->loop);
	if (uv_accept(listener, (uv_stream_t *)&conn->pipe) < 0) {
		conn_close(conn);
		return;
	}
	if (srv->nconns > CONTROL_MAX_CONNECTIONS && !evict_idle(srv, conn)) {
		log_ratelimited(&too_many, LOG_WARNING, "control: too many clients (limit %d); "
				"refusing one", CONTROL_MAX_CONNECTIONS);
		conn_close(conn);
		return;
	}
	uv_timer_start(&conn->timer, on_conn_timeout, CONTROL_IDLE_TIMEOUT_MS, CONTROL_IDLE_TIMEOUT_MS);
	set_reading(conn, true);
}

struct control_server *control_server_start(uv_loop_t *loop, int fd, const char *path,
					    control_handler_fn handler, void *arg)
{
	struct control_server *srv = XNEW(struct control_server);
	int r;

	srv->path = xstrdup(path);
	srv->handler = handler;
	srv->arg = arg;
	uv_pipe_init(loop, &srv->listener, 0);
	srv->listener.data = srv;
	srv->listener_open = true;
	r = uv_pipe_open(&srv->listener, fd);
	if (r == 0)
		r = uv_listen((uv_stream_t *)&srv->listener, 16, on_connection);
	if (r < 0)
		log_error("control: cannot serve %s: %s", path, uv_strerror(r));
	return srv;
}

static void on_listener_closed(uv_handle_t *handle)
{
	struct control_server *srv = handle->data;

	srv->listener_open = false;
	server_maybe_free(srv);
}

void control_server_close(struct control_server *srv)
{
	if (!srv || srv->closing)
		return;
	srv->closing = true;
	unlink(srv->path);
	uv_close((uv_handle_t *)&srv->listener, on_listener_closed);
	for (struct control_conn *conn = srv->conns; conn; conn = conn->next)
		conn_close(conn);
}
