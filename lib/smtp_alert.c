/* E-mail alerts through libcurl's SMTP on the uv loop (see smtp_alert.h).
 *
 * The settings are copied out of global_defs so a reload can replace
 * them while a session runs: each session builds its envelope (URL,
 * MAIL FROM, RCPT TO) when it starts, and curl keeps its own copies.
 * Mails wait in a FIFO; the next session starts from the completion of
 * the previous one, on the loop. */
#include "config.h"
#include "smtp_alert.h"
#include "checker/check_curl.h"
#include "daemon/global_conf.h"
#include "log.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct smtp_mail {
	struct smtp_mail *next;
	char *subject;                   /* for the log */
	char *payload;
	size_t len, sent;
};

struct smtp_settings {
	char *url;                       /* smtp://server:port/helo_name */
	char *server;                    /* for the log */
	char *from, *router_id, *host;
	struct ptr_array to;             /* char * */
	long timeout_s;
	bool no_email_faults;
};

static struct {
	uv_loop_t *loop;
	struct smtp_settings set;
	struct smtp_mail *head, *tail;
	unsigned queued;
	struct smtp_mail *current;       /* the session in flight, or NULL */
	struct curl_slist *rcpt;
	struct check_curl_transfer xfer;
	curl_socket_t fd;                /* the session's socket, or CURL_SOCKET_BAD */
	char errbuf[CURL_ERROR_SIZE];
	struct smtp_alert_counters counters;
} sa;

static void settings_free(struct smtp_settings *s)
{
	free(s->url);
	free(s->server);
	free(s->from);
	free(s->router_id);
	free(s->host);
	ptr_array_free(&s->to, free);
	memset(s, 0, sizeof(*s));
}

static char *local_host_name(void)
{
	char host[256] = "localhost";

	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	return xstrdup(host);
}

void smtp_alert_configure(uv_loop_t *loop, const struct global_config *g)
{
	struct smtp_settings *s = &sa.set;
	bool v6;

	settings_free(s);
	if (loop)
		sa.loop = loop;
	if (!g->smtp_server || g->notification_email.count == 0)
		return;
	s->host = local_host_name();
	v6 = strchr(g->smtp_server, ':') != NULL;
	s->server = xasprintf(v6 ? "[%s]:%u" : "%s:%u", g->smtp_server, g->smtp_port);
	s->url = xasprintf("smtp://%s/%s", s->server,
			   g->smtp_helo_name ? g->smtp_helo_name : s->host);
	/* keepalived's default sender, with our name */
	s->from = g->email_from ? xstrdup(g->email_from) : xasprintf("vigil@%s", s->host);
	s->router_id = xstrdup(g->router_id ? g->router_id : s->host);
	for (size_t i = 0; i < g->notification_email.count; i++)
		ptr_array_push(&s->to, xstrdup(g->notification_email.items[i]));
	s->timeout_s = g->smtp_connect_timeout_s ? (long)g->smtp_connect_timeout_s : 30;
	s->no_email_faults = g->no_email_faults;
}

static void mail_free(struct smtp_mail *m)
{
	free(m->subject);
	free(m->payload);
	free(m);
}

/* CURLOPT_READFUNCTION: the next piece of the message. */
static size_t read_payload(char *buf, size_t size, size_t nitems, void *userp)
{
	struct smtp_mail *m = userp;
	size_t n = m->len - m->sent;

	if (n > size * nitems)
		n = size * nitems;
	memcpy(buf, m->payload + m->sent, n);
	m->sent += n;
	return n;
}

static void session_done(struct check_curl_transfer *t, CURLcode result);

/* CURLOPT_OPENSOCKETFUNCTION / CLOSESOCKETFUNCTION: the socket is noted
 * so session_abort can shut it down. */
static curl_socket_t open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
	(void)clientp;
	(void)purpose;
	sa.fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
	return sa.fd < 0 ? CURL_SOCKET_BAD : sa.fd;
}

static int close_socket(void *clientp, curl_socket_t fd)
{
	(void)clientp;
	if (fd == sa.fd)
		sa.fd = CURL_SOCKET_BAD;
	return close(fd);
}

static CURL *session_easy(struct smtp_mail *m)
{
	const struct smtp_settings *s = &sa.set;
	CURL *easy = check_curl_load() ? curl_easy_init() : NULL;
	char *envelope_from;

	if (!easy)
		return NULL;
	for (size_t i = 0; i < s->to.count; i++)
		sa.rcpt = curl_slist_append(sa.rcpt, s->to.items[i]);
	envelope_from = xasprintf("<%s>", s->from);
	curl_easy_setopt(easy, CURLOPT_URL, s->url);
	curl_easy_setopt(easy, CURLOPT_MAIL_FROM, envelope_from);
	curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, sa.rcpt);
	curl_easy_setopt(easy, CURLOPT_READFUNCTION, read_payload);
	curl_easy_setopt(easy, CURLOPT_READDATA, m);
	curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, s->timeout_s);
	/* a server that accepts and then stalls must not hold the queue forever */
	curl_easy_setopt(easy, CURLOPT_TIMEOUT, 3 * s->timeout_s);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, sa.errbuf);
	curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, close_socket);
	free(envelope_from);   /* curl copied it */
	return easy;
}

static void session_end(void)
{
	if (sa.xfer.easy)
		curl_easy_cleanup(sa.xfer.easy);
	sa.xfer.easy = NULL;
	if (sa.rcpt)   /* else libcurl may not be loaded */
		curl_slist_free_all(sa.rcpt);
	sa.rcpt = NULL;
	if (sa.current)
		mail_free(sa.current);
	sa.current = NULL;
}

static void log_failure(const char *subject, const char *why)
{
	/* one line a minute: an unreachable server is one problem to act on,
	 * however many alerts it eats */
	static struct log_ratelimit rl = LOG_RATELIMIT_INIT(60000, 1);

	sa.counters.failed++;
	log_ratelimited(&rl, LOG_ERR, "smtp_alert: cannot mail \"%s\" through %s: %s", subject,
			sa.set.server ? sa.set.server : "(no smtp_server)", why);
}

/* Starts the oldest queued mail if no session runs. */
static void session_next(void)
{
	struct smtp_mail *m;

	while (!sa.current && (m = sa.head) != NULL) {
		sa.head = m->next;
		if (!sa.head)
			sa.tail = NULL;
		sa.queued--;
		sa.current = m;
		sa.errbuf[0] = '\0';
		sa.fd = CURL_SOCKET_BAD;
		if (!sa.set.url || !(sa.xfer.easy = session_easy(m))) {
			log_failure(m->subject, !sa.set.url        ? "mail disabled by reload"
						: !check_curl_load() ? "libcurl could not be loaded"
								     : "out of memory");
			session_end();
			continue;
		}
		sa.xfer.done = session_done;
		if (check_curl_start(sa.loop, &sa.xfer) < 0) {
			log_failure(m->subject, "cannot start the transfer");
			session_end();
		}
	}
}

static void session_done(struct check_curl_transfer *t, CURLcode result)
{
	(void)t;
	if (result == CURLE_OK) {
		sa.counters.sent++;
		log_info("smtp_alert: mailed \"%s\"", sa.current->subject);
	} else {
		log_failure(sa.current->subject, sa.errbuf[0] ? sa.errbuf
					       : curl_easy_strerror(result));
	}
	session_end();
	session_next();
}

static char *message_id(time_t now)
{
	static unsigned long seq;

	return xasprintf("<%lld.%ld.%lu@%s>", (long long)now, (long)getpid(), ++seq,
			 sa.set.host);
}

bool smtp_alert_send(const char *subject, const char *body)
{
	static struct log_ratelimit rl = LOG_RATELIMIT_INIT(60000, 3);
	struct smtp_mail *m;
	time_t now = time(NULL);
	char *id;

	if (!sa.set.url)
		return false;
	if (sa.queued >= SMTP_ALERT_QUEUE_MAX) {
		sa.counters.dropped++;
		log_ratelimited(&rl, LOG_WARNING, "smtp_alert: queue full, \"%s\" dropped", subject);
		return false;
	}
	m = XNEW(struct smtp_mail);
	m->subject = xasprintf("[%s] %s", sa.set.router_id, subject);
	id = message_id(now);
	m->payload = smtp_alert_format(sa.set.from, (const char *const *)sa.set.to.items,
				       sa.set.to.count, m->subject, body, now, id);
	free(id);
	m->len = strlen(m->payload);
	if (sa.tail)
		sa.tail->next = m;
	else
		sa.head = m;
	sa.tail = m;
	sa.queued++;
	sa.counters.queued++;
	session_next();
	return true;
}

/* Ends the session in flight.  Removing an SMTP transfer makes curl say
 * QUIT and wait for the answer with a blocking poll (up to its response
 * timeout); shutting the connection down first makes that fail at once. */
static void session_abort(void)
{
	if (!sa.xfer.multi)
		return;
	if (sa.fd != CURL_SOCKET_BAD)
		shutdown(sa.fd, SHUT_RDWR);
	check_curl_stop(&sa.xfer);
}

void smtp_alert_close(void)
{
	session_abort();
	session_end();
	while (sa.head) {
		struct smtp_mail *m = sa.head;

		sa.head = m->next;
		mail_free(m);
	}
	sa.tail = NULL;
	sa.queued = 0;
	settings_free(&sa.set);
}

struct smtp_alert_counters smtp_alert_counters(void)
{
	return sa.counters;
}

/* ---- the alerts ------------------------------------------------------------------------- */

bool smtp_alert_vrrp(const char *kind, const char *name, const char *state)
{
	char *subject, *body;
	bool ok;

	if (sa.set.no_email_faults && strcmp(state, "FAULT") == 0)
		return false;
	subject = xasprintf("VRRP %s %s - Entering %s state", kind, name, state);
	body = xasprintf("VRRP %s %s on %s is now in %s state.\n", kind, name,
			 sa.set.host ? sa.set.host : "", state);
	ok = smtp_alert_send(subject, body);
	free(subject);
	free(body);
	return ok;
}

bool smtp_alert_real_server(const char *rs_name, const char *vs_name, bool up,
			    const char *check)
{
	char *subject = xasprintf("Realserver %s of virtual server %s - %s", rs_name, vs_name,
				  up ? "UP" : "DOWN");
	char *body = xasprintf("Real server %s of virtual server %s is %s%s%s%s.\n", rs_name,
			       vs_name, up ? "up" : "down", check ? ": " : "", check ? check : "",
			       !check ? "" : up ? " succeeded" : " failed");
	bool ok = smtp_alert_send(subject, body);

	free(subject);
	free(body);
	return ok;
}

bool smtp_alert_quorum(const char *vs_name, bool ok_now, uint32_t quorum, uint32_t hysteresis,
		       uint64_t live_weight)
{
	char *subject = xasprintf("Virtualserver %s - %s", vs_name, ok_now ? "UP" : "DOWN");
	char *body = xasprintf("Virtual server %s %s its quorum: live weight %llu, "
			       "quorum %u, hysteresis %u.\n", vs_name,
			       ok_now ? "gained" : "lost", (unsigned long long)live_weight, quorum,
			       hysteresis);
	bool ok = smtp_alert_send(subject, body);

	free(subject);
	free(body);
	return ok;
}
