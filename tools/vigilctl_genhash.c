/* `vigilctl genhash`: fetches one URL from a server the way HTTP_GET /
 * SSL_GET do and prints the MD5 of the body, the value a url's `digest`
 * wants.  It needs no running vigild.  The flag letters are those of
 * keepalived's genhash, so existing habits and scripts carry over.
 *
 * Blocking curl (easy interface) is fine here: it is a one-shot command. */
#include "config.h"
#include "tools/vigilctl.h"

#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define GENHASH_TIMEOUT_S_DEFAULT 5
#define GENHASH_TIMEOUT_S_MAX 3600

struct genhash_opts {
	bool ssl, sni, verbose;
	const char *server, *port, *path, *vhost;
	long http_version;
	bool connection_close;
	unsigned long fwmark;
	long timeout_s;
};

static void genhash_usage(FILE *out)
{
	fputs("Usage: vigilctl genhash [-S] -s ADDRESS -p PORT -u PATH [OPTIONS]\n"
	      "Fetch PATH from ADDRESS:PORT as HTTP_GET (-S: SSL_GET) does and print the\n"
	      "MD5 of the body, the value for a url's `digest`.\n"
	      "\n"
	      "  -S, --ssl, --use-ssl       HTTPS (no certificate verification)\n"
	      "  -s, --server=ADDRESS       the server's IP address\n"
	      "  -p, --port=PORT            the server's port\n"
	      "  -u, --url=PATH             the path to fetch, e.g. /health\n"
	      "  -V, --virtualhost=NAME     send NAME as the Host header\n"
	      "  -I, --sni, --use-sni       also send NAME as TLS SNI (with -S and -V)\n"
	      "  -P, --protocol=VERSION     1.0 (default), 1.0C (with Connection: close), 1.1\n"
	      "  -m, --fwmark=MARK          mark the connection's packets (SO_MARK)\n"
	      "  -t, --timeout=SECONDS      give up after SECONDS (default 5)\n"
	      "  -v, --verbose              print the HTTP status on a second line\n"
	      "  -h, --help                 print this help\n"
	      "\n"
	      "Exit status: 0 done, 1 the server could not be fetched, 2 usage error.\n", out);
}

static int genhash_usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "vigilctl genhash: %s%s%s (try vigilctl genhash --help)\n", what,
		arg ? " " : "", arg ? arg : "");
	return VIGILCTL_USAGE;
}

static bool genhash_number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return !errno && end != s && !*end && s[0] != '-' && *out <= max;
}

static bool genhash_protocol(const char *s, struct genhash_opts *o)
{
	o->connection_close = strcmp(s, "1.1") == 0 || strcasecmp(s, "1.0C") == 0;
	o->http_version = strcmp(s, "1.1") == 0 ? CURL_HTTP_VERSION_1_1 : CURL_HTTP_VERSION_1_0;
	return strcmp(s, "1.0") == 0 || strcmp(s, "1.1") == 0 || strcasecmp(s, "1.0C") == 0;
}

/* One option; returns -1 to go on, else an exit status. */
static int genhash_option(int c, const char *arg, struct genhash_opts *o)
{
	unsigned long v;

	switch (c) {
	case 'S': o->ssl = true; break;
	case 'I': o->sni = true; break;
	case 'v': o->verbose = true; break;
	case 's': o->server = arg; break;
	case 'u': o->path = arg; break;
	case 'V': o->vhost = arg; break;
	case 'p':
		if (!genhash_number(arg, 65535, &v) || v == 0)
			return genhash_usage_error("--port wants 1 to 65535, not", arg);
		o->port = arg;
		break;
	case 'P':
		if (!genhash_protocol(arg, o))
			return genhash_usage_error("--protocol wants 1.0, 1.0C or 1.1, not", arg);
		break;
	case 'm':
		if (!genhash_number(arg, UINT32_MAX, &o->fwmark))
			return genhash_usage_error("--fwmark wants a 32-bit number, not", arg);
		break;
	case 't':
		if (!genhash_number(arg, GENHASH_TIMEOUT_S_MAX, &v) || v == 0)
			return genhash_usage_error("--timeout wants 1 to 3600 seconds, not", arg);
		o->timeout_s = (long)v;
		break;
	case 'h': genhash_usage(stdout); return VIGILCTL_OK;
	default: return genhash_usage_error("invalid option or missing value", NULL);
	}
	return -1;
}

static int genhash_parse(int argc, char **argv, struct genhash_opts *o)
{
	static const struct option longopts[] = {
		{ "ssl", no_argument, NULL, 'S' }, { "use-ssl", no_argument, NULL, 'S' },
		{ "sni", no_argument, NULL, 'I' }, { "use-sni", no_argument, NULL, 'I' },
		{ "server", required_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'p' },
		{ "url", required_argument, NULL, 'u' },
		{ "virtualhost", required_argument, NULL, 'V' },
		{ "use-virtualhost", required_argument, NULL, 'V' },
		{ "protocol", required_argument, NULL, 'P' },
		{ "fwmark", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, status;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "SIs:p:u:V:P:m:t:vh", longopts, NULL)) != -1)
		if ((status = genhash_option(c, optarg, o)) >= 0)
			return status;
	if (optind < argc)
		return genhash_usage_error("unexpected argument", argv[optind]);
	if (!o->server || !o->port || !o->path)
		return genhash_usage_error("-s ADDRESS, -p PORT and -u PATH are required", NULL);
	if (o->sni && (!o->ssl || !o->vhost))
		return genhash_usage_error("--sni needs -S and -V NAME", NULL);
	return -1;
}

static size_t genhash_on_body(char *data, size_t size, size_t n, void *userp)
{
	return EVP_DigestUpdate(userp, data, size * n) ? size * n : 0;
}

static int genhash_on_socket(void *userp, curl_socket_t fd, curlsocktype purpose)
{
	const struct genhash_opts *o = userp;
	uint32_t mark = (uint32_t)o->fwmark;

	if (purpose != CURLSOCKTYPE_IPCXN || !mark)
		return CURL_SOCKOPT_OK;
	if (setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0) {
		fprintf(stderr, "vigilctl genhash: SO_MARK: %s\n", strerror(errno));
		return CURL_SOCKOPT_ERROR;
	}
	return CURL_SOCKOPT_OK;
}

/* The URL (with the SNI name as its host when asked) and, for SNI, the
 * connect-to rule that sends that name's connection to the server. */
static char *genhash_location(const struct genhash_opts *o, struct curl_slist **connect_to)
{
	bool v6 = strchr(o->server, ':') != NULL;
	char host[300], *url = NULL, *rule = NULL;

	snprintf(host, sizeof(host), "%s%s%s", v6 ? "[" : "", o->server, v6 ? "]" : "");
	if (asprintf(&url, "%s://%s:%s%s%s", o->ssl ? "https" : "http",
		     o->sni ? o->vhost : host, o->port, o->path[0] == '/' ? "" : "/",
		     o->path) < 0)
		return NULL;
	if (o->sni && asprintf(&rule, "::%s:%s", host, o->port) >= 0) {
		*connect_to = curl_slist_append(NULL, rule);
		free(rule);
	}
	return url;
}

static struct curl_slist *genhash_headers(const struct genhash_opts *o)
{
	struct curl_slist *l = NULL;
	char *host = NULL;

	if (o->vhost && asprintf(&host, "Host: %s", o->vhost) >= 0) {
		l = curl_slist_append(l, host);
		free(host);
	}
	if (o->connection_close)
		l = curl_slist_append(l, "Connection: close");
	return l;
}

static void genhash_setup(CURL *e, const struct genhash_opts *o, EVP_MD_CTX *md5,
			  char *errbuf)
{
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, o->http_version);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "vigil/" PACKAGE_VERSION);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, o->timeout_s);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, genhash_on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, md5);
	curl_easy_setopt(e, CURLOPT_SOCKOPTFUNCTION, genhash_on_socket);
	curl_easy_setopt(e, CURLOPT_SOCKOPTDATA, (void *)o);
	/* as SSL_GET without a `ca`: the digest is about the content */
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
}

static void genhash_print(EVP_MD_CTX *md5, long status, bool verbose)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_DigestFinal_ex(md5, md, &n);
	for (unsigned int i = 0; i < n; i++)
		printf("%02x", md[i]);
	putchar('\n');
	if (verbose)
		printf("%ld\n", status);
}

/* Runs the transfer; the exit status. */
static int genhash_fetch(const struct genhash_opts *o)
{
	struct curl_slist *connect_to = NULL, *headers = genhash_headers(o);
	char errbuf[CURL_ERROR_SIZE] = "", *url = genhash_location(o, &connect_to);
	EVP_MD_CTX *md5 = EVP_MD_CTX_new();
	CURL *e = curl_easy_init();
	CURLcode rc = CURLE_OUT_OF_MEMORY;
	long status = 0;

	if (e && md5 && url && EVP_DigestInit_ex(md5, EVP_md5(), NULL)) {
		genhash_setup(e, o, md5, errbuf);
		curl_easy_setopt(e, CURLOPT_URL, url);
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(e, CURLOPT_CONNECT_TO, connect_to);
		rc = curl_easy_perform(e);
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	}
	if (rc == CURLE_OK)
		genhash_print(md5, status, o->verbose);
	else
		fprintf(stderr, "vigilctl genhash: %s: %s\n", url ? url : "(no URL)",
			errbuf[0] ? errbuf : curl_easy_strerror(rc));
	curl_easy_cleanup(e);
	EVP_MD_CTX_free(md5);
	curl_slist_free_all(headers);
	curl_slist_free_all(connect_to);
	free(url);
	return rc == CURLE_OK ? VIGILCTL_OK : VIGILCTL_REFUSED;
}

int vigilctl_genhash(int argc, char **argv)
{
	struct genhash_opts o = { .http_version = CURL_HTTP_VERSION_1_0,
				  .timeout_s = GENHASH_TIMEOUT_S_DEFAULT };
	int status = genhash_parse(argc, argv, &o);

	if (status >= 0)
		return status;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "vigilctl genhash: cannot initialise libcurl\n");
		return VIGILCTL_REFUSED;
	}
	status = genhash_fetch(&o);
	curl_global_cleanup();
	return status;
}
