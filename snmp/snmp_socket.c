/* Parsing the snmp_socket transport address (syntax in snmp_socket.h). */
#include "config.h"
#include "strutil.h"

#include "snmp_socket.h"
#include "lib/xalloc.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/un.h>

const char *const snmp_transport_names[SNMP_TRANSPORT_COUNT] = {
	[SNMP_TRANSPORT_UNIX] = "unix",
	[SNMP_TRANSPORT_TCP] = "tcp",
	[SNMP_TRANSPORT_UDP] = "udp",
	[SNMP_TRANSPORT_TCP6] = "tcp6",
	[SNMP_TRANSPORT_UDP6] = "udp6",
};

static bool fail(char *err, size_t err_len, const char *msg, const char *text)
{
	snprintf(err, err_len, "%s: '%s'", msg, text);
	return false;
}

static bool is_ipv6_transport(enum snmp_transport t)
{
	return t == SNMP_TRANSPORT_TCP6 || t == SNMP_TRANSPORT_UDP6;
}

/* Splits a "PREFIX:" off `text`; returns the rest, or `text` itself (and
 * TCP, net-snmp's AgentX default) when there is no known prefix. */
static const char *take_prefix(const char *text, enum snmp_transport *out)
{
	for (int t = 0; t < SNMP_TRANSPORT_COUNT; t++) {
		size_t n = strlen(snmp_transport_names[t]);
		if (strncasecmp(text, snmp_transport_names[t], n) == 0 && text[n] == ':') {
			*out = (enum snmp_transport)t;
			return text + n + 1;
		}
	}
	*out = text[0] == '/' ? SNMP_TRANSPORT_UNIX : SNMP_TRANSPORT_TCP;
	return text;
}

static bool parse_port(const char *s, uint16_t *out)
{
	if (!str_all_digits(s) || strlen(s) > 5)
		return false;
	unsigned long v = strtoul(s, NULL, 10);
	if (v < 1 || v > 65535)
		return false;
	*out = (uint16_t)v;
	return true;
}

/* A host name (letters, digits, '-', '.', '_') or an IPv4 address. */
static bool valid_host4(const char *h)
{
	if (!*h || strlen(h) > 253)
		return false;
	for (const char *s = h; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-._", *s))
			return false;
	return true;
}

static bool valid_host6(const char *h)
{
	struct in6_addr a;
	return inet_pton(AF_INET6, h, &a) == 1 || (strchr(h, ':') == NULL && valid_host4(h));
}

/* "[ADDR]:PORT", "[ADDR]" or a bare ADDR (no port: colons are the address's). */
static bool split_host6(const char *rest, char **host, const char **port)
{
	*port = NULL;
	if (rest[0] != '[') {
		*host = xstrdup(rest);
		return true;
	}
	const char *close = strchr(rest, ']');
	if (!close || (close[1] && close[1] != ':'))
		return false;
	*host = xstrndup(rest + 1, (size_t)(close - rest - 1));
	if (close[1] == ':')
		*port = close + 2;
	return true;
}

/* "HOST:PORT", "HOST" or just "PORT" (the local host, as net-snmp does). */
static bool split_host4(const char *rest, char **host, const char **port)
{
	const char *colon = strrchr(rest, ':');

	*port = NULL;
	if (str_all_digits(rest)) {
		*host = xstrdup("localhost");
		*port = rest;
		return true;
	}
	if (colon && strchr(rest, ':') != colon)
		return false;    /* several colons: an IPv6 address needs tcp6:/udp6: */
	*host = colon ? xstrndup(rest, (size_t)(colon - rest)) : xstrdup(rest);
	if (colon)
		*port = colon + 1;
	return true;
}

static bool parse_inet(const char *text, const char *rest, struct snmp_socket *out,
		       char *err, size_t err_len)
{
	bool v6 = is_ipv6_transport(out->transport);
	const char *port = NULL;

	if (!(v6 ? split_host6(rest, &out->host, &port) : split_host4(rest, &out->host, &port)))
		return fail(err, err_len,
			    v6 ? "bad IPv6 address syntax (use [ADDR]:PORT)"
			       : "bad HOST:PORT (IPv6 addresses need tcp6: or udp6:)", text);
	if (!(v6 ? valid_host6(out->host) : valid_host4(out->host)))
		return fail(err, err_len, "bad host name or address", text);
	out->port = SNMP_SOCKET_AGENTX_PORT;
	if (port && !parse_port(port, &out->port))
		return fail(err, err_len, "bad port (1..65535)", text);
	return true;
}

static bool parse_unix(const char *text, const char *rest, struct snmp_socket *out,
		       char *err, size_t err_len)
{
	if (rest[0] != '/')
		return fail(err, err_len, "a unix socket needs an absolute path", text);
	if (strlen(rest) >= sizeof(((struct sockaddr_un *)NULL)->sun_path))
		return fail(err, err_len, "unix socket path too long", text);
	out->path = xstrdup(rest);
	return true;
}

bool snmp_socket_parse(const char *text, struct snmp_socket *out, char *err, size_t err_len)
{
	memset(out, 0, sizeof(*out));
	if (!text || !*text)
		return fail(err, err_len, "empty SNMP socket address", "");
	for (const char *s = text; *s; s++)
		if (isspace((unsigned char)*s) || !isprint((unsigned char)*s))
			return fail(err, err_len, "white space or control character in SNMP socket address", text);

	const char *rest = take_prefix(text, &out->transport);
	bool ok = out->transport == SNMP_TRANSPORT_UNIX
		? parse_unix(text, rest, out, err, err_len)
		: parse_inet(text, rest, out, err, err_len);
	if (!ok)
		snmp_socket_clear(out);
	return ok;
}

void snmp_socket_clear(struct snmp_socket *s)
{
	free(s->path);
	free(s->host);
	memset(s, 0, sizeof(*s));
}

char *snmp_socket_to_string(const struct snmp_socket *s)
{
	const char *name = snmp_transport_names[s->transport];

	if (s->transport == SNMP_TRANSPORT_UNIX)
		return xasprintf("%s:%s", name, s->path ? s->path : "");
	if (is_ipv6_transport(s->transport))
		return xasprintf("%s:[%s]:%u", name, s->host ? s->host : "", (unsigned)s->port);
	return xasprintf("%s:%s:%u", name, s->host ? s->host : "", (unsigned)s->port);
}

json_object *snmp_socket_to_json(const struct snmp_socket *s)
{
	json_object *o = json_object_new_object();
	char *text = snmp_socket_to_string(s);

	json_object_object_add(o, "address", json_object_new_string(text));
	json_object_object_add(o, "transport", json_object_new_string(snmp_transport_names[s->transport]));
	if (s->transport == SNMP_TRANSPORT_UNIX) {
		json_object_object_add(o, "path", json_object_new_string(s->path ? s->path : ""));
	} else {
		json_object_object_add(o, "host", json_object_new_string(s->host ? s->host : ""));
		json_object_object_add(o, "port", json_object_new_int(s->port));
	}
	free(text);
	return o;
}
