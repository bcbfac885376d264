/* Names of the codec's outcomes and a one-line dump of an advert: the
 * words the log, vigilctl, SNMP and metrics all use for them. */
#include "config.h"
#include "vrrp_packet.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>

const char *const vrrp_rx_verdict_names[VRRP_RX_VERDICT_COUNT] = {
	[VRRP_RX_OK] = "ok",
	[VRRP_RX_TOO_SHORT] = "too_short",
	[VRRP_RX_BAD_IP_HEADER] = "bad_ip_header",
	[VRRP_RX_BAD_PROTOCOL] = "bad_protocol",
	[VRRP_RX_BAD_FAMILY] = "bad_family",
	[VRRP_RX_BAD_TTL] = "bad_ttl",
	[VRRP_RX_BAD_VERSION] = "bad_version",
	[VRRP_RX_BAD_TYPE] = "bad_type",
	[VRRP_RX_BAD_ADDR_COUNT] = "bad_addr_count",
	[VRRP_RX_BAD_LENGTH] = "bad_length",
	[VRRP_RX_BAD_CHECKSUM] = "bad_checksum",
	[VRRP_RX_INTERVAL_ZERO] = "interval_zero",
	[VRRP_RX_AUTH_TYPE_MISMATCH] = "auth_type_mismatch",
	[VRRP_RX_AUTH_FAILED] = "auth_failed",
	[VRRP_RX_AH_BAD_HEADER] = "ah_bad_header",
	[VRRP_RX_AH_ICV_MISMATCH] = "ah_icv_mismatch",
	[VRRP_RX_AH_REPLAY] = "ah_replay",
};

const char *const vrrp_rx_verdict_descriptions[VRRP_RX_VERDICT_COUNT] = {
	[VRRP_RX_OK] = "valid advertisement",
	[VRRP_RX_TOO_SHORT] = "packet truncated",
	[VRRP_RX_BAD_IP_HEADER] = "invalid IPv4 header",
	[VRRP_RX_BAD_PROTOCOL] = "IP protocol is not VRRP (112)",
	[VRRP_RX_BAD_FAMILY] = "address family is neither IPv4 nor IPv6",
	[VRRP_RX_BAD_TTL] = "TTL/hop limit is not 255",
	[VRRP_RX_BAD_VERSION] = "VRRP version differs from the instance's",
	[VRRP_RX_BAD_TYPE] = "VRRP type is not advertisement (1)",
	[VRRP_RX_BAD_ADDR_COUNT] = "address count is 0",
	[VRRP_RX_BAD_LENGTH] = "length does not match the address count",
	[VRRP_RX_BAD_CHECKSUM] = "checksum is wrong",
	[VRRP_RX_INTERVAL_ZERO] = "advertisement interval is 0",
	[VRRP_RX_AUTH_TYPE_MISMATCH] = "authentication type differs from the instance's",
	[VRRP_RX_AUTH_FAILED] = "authentication failed",
	[VRRP_RX_AH_BAD_HEADER] = "malformed IPsec AH header (or IP options)",
	[VRRP_RX_AH_ICV_MISMATCH] = "IPsec AH digest is wrong (another auth_pass, or altered)",
	[VRRP_RX_AH_REPLAY] = "IPsec AH sequence number already seen (replay)",
};

const char *const vrrp_build_error_names[VRRP_BUILD_ERROR_COUNT] = {
	[VRRP_BUILD_OK] = "ok",
	[VRRP_BUILD_BAD_VERSION] = "bad_version",
	[VRRP_BUILD_BAD_TYPE] = "bad_type",
	[VRRP_BUILD_BAD_FAMILY] = "bad_family",
	[VRRP_BUILD_BAD_ADDR_COUNT] = "bad_addr_count",
	[VRRP_BUILD_BAD_INTERVAL] = "bad_interval",
	[VRRP_BUILD_BAD_AUTH_TYPE] = "bad_auth_type",
	[VRRP_BUILD_NO_SPACE] = "no_space",
};

const char *const vrrp_csum_form_names[VRRP_CSUM_FORM_COUNT] = {
	[VRRP_CSUM_PSEUDO_HEADER] = "pseudo_header",
	[VRRP_CSUM_MESSAGE_ONLY] = "message_only",
	[VRRP_CSUM_OLD_UNICAST] = "old_unicast",
};

const char *const vrrp_mismatch_names[VRRP_MISMATCH_KINDS] = {
	"vrid", "we_are_owner", "addrs", "interval",
};

const char *vrrp_rx_verdict_name(enum vrrp_rx_verdict verdict)
{
	return (unsigned)verdict < VRRP_RX_VERDICT_COUNT ? vrrp_rx_verdict_names[verdict]
							 : "unknown";
}

/* An appender that never overruns and remembers that it had to stop. */
struct line {
	char *buf;
	size_t len, pos;
	bool truncated;
};

__attribute__((format(printf, 2, 3)))
static void line_add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->truncated)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->pos, l->len - l->pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= l->len - l->pos) {
		l->truncated = true;
		return;
	}
	l->pos += (size_t)n;
}

static const char *auth_name(uint8_t type)
{
	static const char *const names[] = { "none", "pass", "ah" };

	return type < 3 ? names[type] : "unknown";
}

static void add_addrs(struct line *l, const struct vrrp_advert *adv)
{
	char text[INET6_ADDRSTRLEN];

	line_add(l, " addrs %u:", adv->naddrs);
	for (unsigned i = 0; i < adv->naddrs && i < VRRP_MAX_ADDRS; i++) {
		if (!inet_ntop(adv->family, &adv->addrs[i], text, sizeof(text)))
			snprintf(text, sizeof(text), "?");
		line_add(l, " %s", text);
	}
}

char *vrrp_advert_format(const struct vrrp_advert *adv, char *buf, size_t len)
{
	struct line l = { .buf = buf, .len = len };

	if (len == 0)
		return buf;
	buf[0] = '\0';
	line_add(&l, "v%u vrid %u prio %u", adv->version, adv->vrid, adv->priority);
	if (adv->type != VRRP_TYPE_ADVERT)
		line_add(&l, " type %u", adv->type);
	line_add(&l, " intvl %u%s", adv->interval, adv->version == 2 ? "s" : "cs");
	if (adv->version == 2)
		line_add(&l, " auth %s", auth_name(adv->auth_type));
	line_add(&l, " csum 0x%04x", adv->checksum);
	if (adv->version == 3 && adv->family == AF_INET &&
	    (unsigned)adv->csum_form < VRRP_CSUM_FORM_COUNT)
		line_add(&l, " (%s)", vrrp_csum_form_names[adv->csum_form]);
	add_addrs(&l, adv);
	if (l.truncated && len >= 4)
		snprintf(buf + len - 4, 4, "...");
	return buf;
}
