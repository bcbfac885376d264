/* SSL_GET: every url { ... } of the checker is fetched in turn over TLS
 * through libcurl (check_curl.h runs it on the attempt's loop); the
 * attempt passes when each answer passes check_http_verify(), and the
 * first that does not ends it, named in the result text.  (HTTP_GET
 * speaks plain HTTP itself: check_http.c.)
 *
 * Each url gets a fresh connection (no reuse across urls or attempts: a
 * check proves the server still accepts connections; FRESH_CONNECT and
 * FORBID_REUSE) on an easy handle from check_curl's pool, reset and given
 * every option again, TLS settings included, so nothing of another
 * checker's settings carries over.  No CURLSH: targets are addresses
 * (nothing to resolve), and a shared TLS session cache would let SSL_GET
 * resume sessions instead of proving a full handshake still works.
 * Redirects are never followed (a 301 is a status like any
 * other), and connect_timeout bounds the whole attempt: each url gets
 * what is left of it.  The socket gets bind_if, fwmark and the source
 * address from check_attempt_prepare_socket(), as every probe's does.
 *
 * Without `ca` in the SSL block any certificate is accepted: the
 * check is that the service answers, not who it is.
 * With `ca`, the chain must verify against that file alone.  The host
 * name in the certificate is checked only when enable_sni sends a
 * virtualhost: real servers are reached by address and their
 * certificates name the service, so checking against the address would
 * fail every ordinary setup; a name sent as SNI is the one the operator
 * says the server must present. */
#include "config.h"
#include "checker/check_curl.h"
#include "checker/check_http_verify.h"
#include "checker/check_probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_SSL_BUFFER_SIZE 4096L

struct check_ssl {
	struct check_attempt *attempt;   /* NULL once finished or cancelled */
	size_t url;                      /* index of the url being fetched */
	uint64_t deadline_us;
	struct check_curl_transfer xfer;
	uv_timer_t defer;                /* reports a failure found outside curl */
	/* the current url's state */
	struct check_http_body body;
	struct check_http_regex *regex;
	struct curl_slist *headers, *connect_to;
	char *location;                  /* the URL given to curl */
	int socket_error;                /* from the socket callbacks: errno */
	const char *socket_what;         /* which of them failed */
	bool body_error;                 /* the body could not be stored */
	char errbuf[CURL_ERROR_SIZE];
	/* a result waiting for the defer timer */
	enum check_outcome pending_outcome;
	int pending_detail;
	char pending_text[sizeof(((struct check_result *)0)->text)];
};

static uint64_t check_ssl_now_us(void)
{
	return uv_hrtime() / 1000;
}

static const struct check_url_config *check_ssl_url(const struct check_ssl *h)
{
	return h->attempt->cfg->http.urls.items[h->url];
}

/* The url's path as sent and named in results (the configuration check
 * requires one; "/" keeps a result readable all the same). */
static const char *check_ssl_path(const struct check_url_config *u)
{
	return u->path ? u->path : "/";
}

/* Frees the current url's transfer and everything made for it. */
static void check_ssl_url_reset(struct check_ssl *h)
{
	check_curl_stop(&h->xfer);
	check_curl_easy_put(h->attempt->loop, h->xfer.easy);
	h->xfer.easy = NULL;
	if (h->headers)   /* only then is libcurl loaded for sure */
		curl_slist_free_all(h->headers);
	if (h->connect_to)
		curl_slist_free_all(h->connect_to);
	h->headers = h->connect_to = NULL;
	check_http_regex_free(h->regex);
	h->regex = NULL;
	check_http_body_free(&h->body);
	free(h->location);
	h->location = NULL;
	h->socket_error = 0;
	h->socket_what = NULL;
	h->body_error = false;
	h->errbuf[0] = '\0';
}

static void check_ssl_closed(uv_handle_t *handle)
{
	free(handle->data);
}

static void check_ssl_release(struct check_ssl *h)
{
	check_ssl_url_reset(h);
	h->attempt = NULL;
	uv_close((uv_handle_t *)&h->defer, check_ssl_closed);
}

static void check_ssl_finish(struct check_ssl *h, enum check_outcome outcome, int detail,
			      const char *text)
{
	struct check_attempt *a = h->attempt;

	check_ssl_release(h);
	a->probe = NULL;
	check_attempt_finish(a, outcome, detail, -1, "%s", text);
}

static void check_ssl_on_defer(uv_timer_t *timer)
{
	struct check_ssl *h = timer->data;

	check_ssl_finish(h, h->pending_outcome, h->pending_detail, h->pending_text);
}

/* Keeps a result for the loop to report: the contract wants done called
 * from the loop, never from inside start(). */
static void check_ssl_defer(struct check_ssl *h, enum check_outcome outcome, int detail,
			     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void check_ssl_defer(struct check_ssl *h, enum check_outcome outcome, int detail,
			     const char *fmt, ...)
{
	va_list ap;

	h->pending_outcome = outcome;
	h->pending_detail = detail;
	va_start(ap, fmt);
	vsnprintf(h->pending_text, sizeof(h->pending_text), fmt, ap);
	va_end(ap);
	uv_timer_start(&h->defer, check_ssl_on_defer, 0, 0);
}

/* ---- curl callbacks ---- */

static size_t check_ssl_on_body(char *data, size_t size, size_t n, void *userp)
{
	struct check_ssl *h = userp;

	if (check_http_body_add(&h->body, data, size * n) < 0) {
		h->body_error = true;
		return 0;   /* curl ends the transfer with CURLE_WRITE_ERROR */
	}
	return size * n;
}

static int check_ssl_on_socket(void *userp, curl_socket_t fd, curlsocktype purpose)
{
	struct check_ssl *h = userp;
	int err;

	if (purpose != CURLSOCKTYPE_IPCXN)
		return CURL_SOCKOPT_OK;
	err = check_attempt_prepare_socket(h->attempt, fd);
	if (err < 0) {
		h->socket_error = -err;
		h->socket_what = "socket setup";
		return CURL_SOCKOPT_ERROR;
	}
	return CURL_SOCKOPT_OK;
}

/* curl's own socket() failing leaves it no errno to report ("Couldn't
 * connect to server"), which would blame the server for vigil running
 * out of descriptors; made here, the errno is kept for the result. */
static curl_socket_t check_ssl_open_socket(void *userp, curlsocktype purpose,
					    struct curl_sockaddr *address)
{
	struct check_ssl *h = userp;
	int fd;

	(void)purpose;
	fd = socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
	if (fd < 0) {
		h->socket_error = errno;
		h->socket_what = "socket";
		return CURL_SOCKET_BAD;
	}
	return fd;
}


/* ---- building the request ---- */

/* The target as a URL host: "10.0.0.2", "[fd00::2]", "[fe80::2%25eth0]". */
static void check_ssl_target_host(const struct check_attempt *a, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN] = "", ifname[IF_NAMESIZE] = "";

	if (a->target.sa.sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&a->target;

		inet_ntop(AF_INET6, &sin6->sin6_addr, addr, sizeof(addr));
		if (sin6->sin6_scope_id && if_indextoname(sin6->sin6_scope_id, ifname))
			snprintf(buf, len, "[%s%%25%s]", addr, ifname);
		else
			snprintf(buf, len, "[%s]", addr);
		return;
	}
	inet_ntop(AF_INET, &((const struct sockaddr_in *)&a->target)->sin_addr, addr,
		  sizeof(addr));
	snprintf(buf, len, "%s", addr);
}

static uint16_t check_ssl_target_port(const struct check_attempt *a)
{
	if (a->target.sa.sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&a->target)->sin6_port);
	return ntohs(((const struct sockaddr_in *)&a->target)->sin_port);
}

/* The URL, and for SNI the connect-to rule that sends the name's
 * connection to the real server (curl takes the SNI name from the URL). */
static int check_ssl_locate(struct check_ssl *h, const struct check_url_config *u,
			     const char *sni_name)
{
	const struct check_attempt *a = h->attempt;
	const char *path = check_ssl_path(u);
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 8], *rule;
	uint16_t port = check_ssl_target_port(a);

	check_ssl_target_host(a, host, sizeof(host));
	h->location = xasprintf("https://%s:%u%s%s",
				sni_name ? sni_name : host, port, path[0] == '/' ? "" : "/", path);
	if (!sni_name)
		return 0;
	rule = xasprintf("::%s:%u", host, port);
	h->connect_to = curl_slist_append(NULL, rule);
	free(rule);
	return h->connect_to ? 0 : -ENOMEM;
}

/* Host (the virtualhost), and Connection: close where http_protocol
 * asks for it (1.0C; and 1.1, where keepalived sends it too). */
static int check_ssl_headers(struct check_ssl *h, const char *vhost)
{
	const struct check_checker_config *c = h->attempt->cfg;
	struct curl_slist *l = NULL, *next;

	if (vhost) {
		char *line = xasprintf("Host: %s", vhost);

		l = curl_slist_append(NULL, line);
		free(line);
		if (!l)
			return -ENOMEM;
	}
	if (c->http.protocol == CHECK_HTTP_1_0C || c->http.protocol == CHECK_HTTP_1_1) {
		next = curl_slist_append(l, "Connection: close");
		if (!next) {
			curl_slist_free_all(l);
			return -ENOMEM;
		}
		l = next;
	}
	h->headers = l;
	return 0;
}

static void check_ssl_tls_options(struct check_ssl *h, CURL *e, bool name_check)
{
	const struct check_ssl_config *ssl = h->attempt->ssl;
	bool verify = ssl && ssl->present && ssl->ca;

	curl_easy_setopt(e, CURLOPT_SSL_SESSIONID_CACHE, 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, verify && name_check ? 2L : 0L);
	if (!ssl || !ssl->present)
		return;
	if (verify) {
		/* `ca` alone is trusted, not the system's store as well */
		curl_easy_setopt(e, CURLOPT_CAINFO, ssl->ca);
		curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
	}
	if (ssl->certificate)
		curl_easy_setopt(e, CURLOPT_SSLCERT, ssl->certificate);
	if (ssl->key)
		curl_easy_setopt(e, CURLOPT_SSLKEY, ssl->key);
	if (ssl->password)
		curl_easy_setopt(e, CURLOPT_KEYPASSWD, ssl->password);
}

static long check_ssl_version(enum check_http_protocol p)
{
	return p == CHECK_HTTP_1_1 ? CURL_HTTP_VERSION_1_1 : CURL_HTTP_VERSION_1_0;
}

static void check_ssl_options(struct check_ssl *h, CURL *e, long left_ms, bool name_check)
{
	curl_easy_setopt(e, CURLOPT_URL, h->location);
	curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(e, CURLOPT_PROXY, "");   /* never the environment's proxy */
	curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
			 check_ssl_version(h->attempt->cfg->http.protocol));
	curl_easy_setopt(e, CURLOPT_USERAGENT, "vigil/" PACKAGE_VERSION);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, left_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, left_ms);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, h->errbuf);
	/* health pages are small and the body is kept by check_http_body:
	 * 4 KiB instead of curl's 16 KiB per transfer in flight and per
	 * pooled handle */
	curl_easy_setopt(e, CURLOPT_BUFFERSIZE, CHECK_SSL_BUFFER_SIZE);
	/* one small request per connection goes out at once with Nagle on
	 * too; leaving it spares a setsockopt per check */
	curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 0L);
	/* targets are addresses: a resolver cache would only keep an entry
	 * per real server for a minute, nothing to reuse */
	curl_easy_setopt(e, CURLOPT_DNS_CACHE_TIMEOUT, 0L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, check_ssl_on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, check_ssl_open_socket);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, h);
	curl_easy_setopt(e, CURLOPT_SOCKOPTFUNCTION, check_ssl_on_socket);
	curl_easy_setopt(e, CURLOPT_SOCKOPTDATA, h);
	if (h->headers)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->headers);
	if (h->connect_to)
		curl_easy_setopt(e, CURLOPT_CONNECT_TO, h->connect_to);
	check_ssl_tls_options(h, e, name_check);
}

/* Starts the current url; false with the failure deferred. */
static bool check_ssl_fetch(struct check_ssl *h)
{
	const struct check_url_config *u = check_ssl_url(h);
	const char *vhost = u->virtualhost ? u->virtualhost : h->attempt->virtualhost;
	const char *sni = h->attempt->cfg->http.enable_sni ? vhost : NULL;
	uint64_t now = check_ssl_now_us();
	char err[120];
	int rc;

	if (now >= h->deadline_us) {
		check_ssl_defer(h, CHECK_FAIL_TIMEOUT, 0, "url %.60s: no time left of %llu ms",
				 check_ssl_path(u),
				 (unsigned long long)(h->attempt->timeout_us / 1000));
		return false;
	}
	if (u->regex && !(h->regex = check_http_regex_new(u, err, sizeof(err)))) {
		check_ssl_defer(h, CHECK_FAIL_INTERNAL, 0, "url %.60s: %s", check_ssl_path(u),
				 err);
		return false;
	}
	rc = check_curl_load() ? check_http_body_init(&h->body, u) : -ELIBACC;
	if (rc == 0)
		rc = check_ssl_locate(h, u, sni);
	if (rc == 0)
		rc = check_ssl_headers(h, vhost);
	if (rc == 0 && !(h->xfer.easy = check_curl_easy_get(h->attempt->loop)))
		rc = -ENOMEM;
	if (rc == 0) {
		check_ssl_options(h, h->xfer.easy, (long)((h->deadline_us - now + 999) / 1000),
				   sni != NULL);
		rc = check_curl_start(h->attempt->loop, &h->xfer);
	}
	if (rc < 0)
		check_ssl_defer(h, CHECK_FAIL_INTERNAL, -rc, "url %.60s: cannot start: %s",
				 check_ssl_path(u), strerror(-rc));
	return rc == 0;
}

/* ---- judging a finished transfer ---- */

static bool check_ssl_tls_error(CURLcode code)
{
	switch (code) {
	case CURLE_SSL_CONNECT_ERROR: case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM: case CURLE_SSL_CIPHER: case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND: case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED: case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE: case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH: case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT: case CURLE_USE_SSL_FAILED:
		return true;
	default:
		return false;
	}
}

/* A socket-level failure: the errno curl saw (or our socket setup's). */
static enum check_outcome check_ssl_socket_failure(struct check_ssl *h, CURLcode code,
						    int *detail, char *why, size_t len)
{
	long os_errno = 0;

	if (h->socket_error) {
		*detail = h->socket_error;
		snprintf(why, len, "%s: %s", h->socket_what ? h->socket_what : "socket",
			 strerror(h->socket_error));
		return check_outcome_from_errno(h->socket_error);
	}
	curl_easy_getinfo(h->xfer.easy, CURLINFO_OS_ERRNO, &os_errno);
	/* over TLS, a read or write failing without a socket error is the TLS
	 * layer's: an alert such as TLS 1.3's "certificate required", which
	 * only arrives after the handshake seemed to succeed */
	if (!os_errno && code != CURLE_COULDNT_CONNECT) {
		snprintf(why, len, "%.110s", h->errbuf[0] ? h->errbuf : curl_easy_strerror(code));
		return CHECK_FAIL_TLS;
	}
	*detail = (int)os_errno;
	snprintf(why, len, "%s: %.100s", code == CURLE_COULDNT_CONNECT ? "connect" : "transfer",
		 os_errno ? strerror((int)os_errno) : h->errbuf[0] ? h->errbuf :
		 curl_easy_strerror(code));
	return os_errno ? check_outcome_from_errno((int)os_errno) : CHECK_FAIL_CONNECT_ERROR;
}

static enum check_outcome check_ssl_timeout(struct check_ssl *h, char *why, size_t len)
{
	curl_off_t connect_us = 0;
	unsigned long long ms = (unsigned long long)(h->attempt->timeout_us / 1000);

	curl_easy_getinfo(h->xfer.easy, CURLINFO_CONNECT_TIME_T, &connect_us);
	if (connect_us > 0)
		snprintf(why, len, "no complete answer within connect_timeout %llu ms", ms);
	else
		snprintf(why, len, "no connection within connect_timeout %llu ms", ms);
	return CHECK_FAIL_TIMEOUT;
}

/* What a curl error means for the check. */
static enum check_outcome check_ssl_curl_failure(struct check_ssl *h, CURLcode code,
						  int *detail, char *why, size_t len)
{
	const char *msg = h->errbuf[0] ? h->errbuf : curl_easy_strerror(code);

	*detail = 0;
	if (h->socket_error || code == CURLE_COULDNT_CONNECT || code == CURLE_RECV_ERROR ||
	    code == CURLE_SEND_ERROR)
		return check_ssl_socket_failure(h, code, detail, why, len);
	if (code == CURLE_OPERATION_TIMEDOUT)
		return check_ssl_timeout(h, why, len);
	snprintf(why, len, "%.110s", msg);
	if (check_ssl_tls_error(code))
		return CHECK_FAIL_TLS;
	if (code == CURLE_OUT_OF_MEMORY || h->body_error)
		return CHECK_FAIL_INTERNAL;
	if (code == CURLE_GOT_NOTHING || code == CURLE_WEIRD_SERVER_REPLY ||
	    code == CURLE_PARTIAL_FILE || code == CURLE_UNSUPPORTED_PROTOCOL)
		return CHECK_FAIL_PROTOCOL;
	return CHECK_FAIL_CONNECT_ERROR;
}

static enum check_outcome check_ssl_judge(struct check_ssl *h, CURLcode code, int *detail,
					   char *why, size_t len)
{
	long status = 0;

	if (code != CURLE_OK)
		return check_ssl_curl_failure(h, code, detail, why, len);
	curl_easy_getinfo(h->xfer.easy, CURLINFO_RESPONSE_CODE, &status);
	return check_http_verify(check_ssl_url(h), status, &h->body, h->regex, detail, why,
				 len);
}

static void check_ssl_on_done(struct check_curl_transfer *t, CURLcode result)
{
	struct check_ssl *h = t->data;
	const struct check_url_config *u = check_ssl_url(h);
	size_t n_urls = h->attempt->cfg->http.urls.count;
	char why[128], text[sizeof(h->pending_text)];
	int detail;
	enum check_outcome outcome = check_ssl_judge(h, result, &detail, why, sizeof(why));

	if (outcome == CHECK_OK && h->url + 1 < n_urls) {
		check_ssl_url_reset(h);
		h->url++;
		check_ssl_fetch(h);   /* a failure comes back through the defer timer */
		return;
	}
	if (outcome == CHECK_OK && n_urls > 1)
		snprintf(text, sizeof(text), "%zu urls passed, the last %.40s: %.60s", n_urls,
			 check_ssl_path(u), why);
	else
		snprintf(text, sizeof(text), "url %.40s: %.110s", check_ssl_path(u), why);
	check_ssl_finish(h, outcome, detail, text);
}

/* ---- the probe ---- */

static int check_ssl_start(struct check_attempt *a)
{
	struct check_ssl *h;

	if (a->cfg->http.urls.count == 0)
		return -EINVAL;   /* the configuration check requires a url */
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->attempt = a;
	h->deadline_us = a->started_us + a->timeout_us;
	h->xfer.done = check_ssl_on_done;
	h->xfer.data = h;
	uv_timer_init(a->loop, &h->defer);
	h->defer.data = h;
	a->probe = h;
	check_ssl_fetch(h);
	return 0;
}

static void check_ssl_cancel(struct check_attempt *a)
{
	struct check_ssl *h = a->probe;

	if (!h)
		return;
	a->probe = NULL;
	check_ssl_release(h);
}

const struct check_probe_ops check_probe_ssl = {
	.type = CHECK_TYPE_SSL_GET,
	.start = check_ssl_start,
	.cancel = check_ssl_cancel,
};
