/* The VRRP wire codec: round trips, checksums against a reference sum and
 * against packets made by scapy, one test per drop verdict, truncation at
 * every length, the v3/IPv4 checksum forms, interval limits, the expect
 * checks and the dump line. */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "vrrp/vrrp_packet.h"

/* ---- packets made by scapy 2.x (the payload of IP()/VRRP..., see the
 * comment above each); VRRPv3 checksums there include the pseudo-header. */

/* IP(src='192.0.2.1', dst='224.0.0.18', ttl=255)/VRRP(vrid=51,
 * priority=100, adv=1, authtype=1, addrlist=['192.0.2.100','192.0.2.101'],
 * auth1='secr', auth2='et\0\0') */
static const uint8_t scapy_v2_ipv4_pass[] = {
	0x45, 0x00, 0x00, 0x2c, 0x00, 0x01, 0x00, 0x00, 0xff, 0x70, 0x19, 0x4d,
	0xc0, 0x00, 0x02, 0x01, 0xe0, 0x00, 0x00, 0x12, 0x21, 0x33, 0x64, 0x02,
	0x01, 0x01, 0xb8, 0xb2, 0xc0, 0x00, 0x02, 0x64, 0xc0, 0x00, 0x02, 0x65,
	0x73, 0x65, 0x63, 0x72, 0x65, 0x74, 0x00, 0x00
};
/* IP(src='192.0.2.1', dst='224.0.0.18', ttl=255)/VRRPv3(vrid=51,
 * priority=100, adv=100, addrlist=['192.0.2.100']) */
static const uint8_t scapy_v3_ipv4[] = {
	0x45, 0x00, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0xff, 0x70, 0x19, 0x59,
	0xc0, 0x00, 0x02, 0x01, 0xe0, 0x00, 0x00, 0x12, 0x31, 0x33, 0x64, 0x01,
	0x00, 0x64, 0x05, 0x72, 0xc0, 0x00, 0x02, 0x64
};
/* IPv6(src='fe80::1', dst='ff02::12', hlim=255)/VRRPv3(vrid=51,
 * priority=200, adv=100, addrlist=['fe80::100','2001:db8::100']), VRRP part */
static const uint8_t scapy_v3_ipv6[] = {
	0x31, 0x33, 0xc8, 0x02, 0x00, 0x64, 0xd9, 0xfc, 0xfe, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x00
};
/* IP(src='10.0.0.1', dst='10.0.0.2', ttl=64)/VRRPv3(vrid=7, priority=150,
 * adv=25, addrlist=['10.0.0.100','10.0.0.101','10.0.0.102']) (unicast) */
static const uint8_t scapy_v3_ipv4_unicast[] = {
	0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x00, 0x00, 0x40, 0x70, 0x66, 0x63,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x31, 0x07, 0x96, 0x03,
	0x00, 0x19, 0x05, 0x26, 0x0a, 0x00, 0x00, 0x64, 0x0a, 0x00, 0x00, 0x65,
	0x0a, 0x00, 0x00, 0x66
};

/* ---- helpers ---- */

static struct in_addr ip4(const char *text)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, text, &a), 1);
	return a;
}

static struct in6_addr ip6(const char *text)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, text, &a), 1);
	return a;
}

static struct vrrp_endpoints ep4(const char *src, const char *dst)
{
	struct vrrp_endpoints ep = { .family = AF_INET };

	ep.src.v4 = ip4(src);
	ep.dst.v4 = ip4(dst);
	return ep;
}

static struct vrrp_endpoints ep6(const char *src, const char *dst)
{
	struct vrrp_endpoints ep = { .family = AF_INET6 };

	ep.src.v6 = ip6(src);
	ep.dst.v6 = ip6(dst);
	return ep;
}

static struct vrrp_rx_meta meta_for(struct vrrp_endpoints ep, bool multicast)
{
	struct vrrp_rx_meta meta = { .ep = ep, .ttl = 255, .dst_multicast = multicast,
				     .protocol = VRRP_IPPROTO };
	return meta;
}

/* An advert with n addresses 10.1.x.y (IPv4) or 2001:db8::x:y (IPv6). */
static struct vrrp_advert *advert_new(uint8_t version, int family, unsigned n)
{
	struct vrrp_advert *adv = calloc(1, sizeof(*adv));

	assert_non_null(adv);
	adv->version = version;
	adv->type = VRRP_TYPE_ADVERT;
	adv->vrid = 51;
	adv->priority = 100;
	adv->interval = version == 2 ? 1 : 100;
	adv->family = family;
	adv->naddrs = (uint16_t)n;
	for (unsigned i = 0; i < n; i++) {
		if (family == AF_INET) {
			adv->addrs[i].v4.s_addr = htonl(0x0a010000u | i);
		} else {
			adv->addrs[i].v6 = ip6("2001:db8::");
			adv->addrs[i].v6.s6_addr[14] = (uint8_t)(i >> 8);
			adv->addrs[i].v6.s6_addr[15] = (uint8_t)i;
		}
	}
	return adv;
}

static struct vrrp_packet_ctx ctx_for(uint8_t version, struct vrrp_endpoints tx)
{
	struct vrrp_packet_ctx ctx = { .version = version, .tx = tx };

	return ctx;
}

/* Reference one's complement checksum written independently of the codec:
 * concatenate, sum byte by byte with alternating weight, fold. */
static uint16_t ref_checksum(const uint8_t *pseudo, size_t plen, const uint8_t *msg, size_t len)
{
	uint8_t all[8192] = { 0 };
	unsigned long sum = 0;

	if (plen)
		memcpy(all, pseudo, plen);
	memcpy(all + plen, msg, len);
	all[plen + 6] = all[plen + 7] = 0;
	for (size_t i = 0; i < plen + len; i++)
		sum += (i % 2 == 0) ? (unsigned long)all[i] * 256 : all[i];
	while (sum > 0xffff)
		sum = (sum >> 16) + (sum & 0xffff);
	return (uint16_t)(0xffff - sum);
}

static size_t pseudo4(const struct vrrp_endpoints *ep, size_t len, uint8_t *out)
{
	memcpy(out, &ep->src.v4, 4);
	memcpy(out + 4, &ep->dst.v4, 4);
	out[8] = 0;
	out[9] = 112;
	out[10] = (uint8_t)(len >> 8);
	out[11] = (uint8_t)len;
	return 12;
}

static size_t pseudo6(const struct vrrp_endpoints *ep, size_t len, uint8_t *out)
{
	memcpy(out, &ep->src.v6, 16);
	memcpy(out + 16, &ep->dst.v6, 16);
	memset(out + 32, 0, 8);
	out[34] = (uint8_t)(len >> 8);
	out[35] = (uint8_t)len;
	out[39] = 112;
	return 40;
}

static uint16_t wire_checksum(const uint8_t *msg)
{
	return (uint16_t)(msg[6] << 8 | msg[7]);
}

/* Builds `adv` with ctx, parses it back with meta, checks every field. */
static void round_trip(const struct vrrp_advert *adv, const struct vrrp_packet_ctx *ctx,
		       const struct vrrp_rx_meta *meta)
{
	uint8_t buf[VRRP_PACKET_MAX_LEN];
	struct vrrp_advert *out = calloc(1, sizeof(*out));
	size_t len = vrrp_packet_build(adv, ctx, buf, sizeof(buf));
	size_t asize = adv->family == AF_INET ? 4 : 16;

	assert_int_equal(len, vrrp_packet_length(adv->version, adv->family, adv->naddrs));
	assert_int_equal(vrrp_packet_parse(buf, len, meta, ctx, out), VRRP_RX_OK);
	assert_int_equal(out->version, adv->version);
	assert_int_equal(out->type, VRRP_TYPE_ADVERT);
	assert_int_equal(out->vrid, adv->vrid);
	assert_int_equal(out->priority, adv->priority);
	assert_int_equal(out->interval, adv->interval);
	assert_int_equal(out->family, adv->family);
	assert_int_equal(out->naddrs, adv->naddrs);
	assert_int_equal(out->checksum, wire_checksum(buf));
	for (unsigned i = 0; i < adv->naddrs; i++)
		assert_memory_equal(&out->addrs[i], &adv->addrs[i], asize);
	free(out);
}

/* ---- round trips ---- */

static void test_round_trip_v2_ipv4(void **state)
{
	struct vrrp_endpoints ep = ep4("192.0.2.1", "224.0.0.18");
	struct vrrp_packet_ctx ctx = ctx_for(2, ep);
	struct vrrp_rx_meta meta = meta_for(ep, true);

	for (unsigned n = 1; n <= VRRP_MAX_ADDRS; n += n < 4 ? 1 : 50) {
		struct vrrp_advert *adv = advert_new(2, AF_INET, n);

		adv->interval = 3;
		round_trip(adv, &ctx, &meta);
		free(adv);
	}
}

static void test_round_trip_v2_max_addrs(void **state)
{
	struct vrrp_endpoints ep = ep4("192.0.2.1", "224.0.0.18");
	struct vrrp_packet_ctx ctx = ctx_for(2, ep);
	struct vrrp_rx_meta meta = meta_for(ep, true);
	struct vrrp_advert *adv = advert_new(2, AF_INET, VRRP_MAX_ADDRS);

	assert_int_equal(vrrp_packet_length(2, AF_INET, VRRP_MAX_ADDRS), 8 + 255 * 4 + 8);
	round_trip(adv, &ctx, &meta);
	free(adv);
}

static void test_round_trip_v3_ipv4(void **state)
{
	struct vrrp_endpoints ep = ep4("192.0.2.1", "224.0.0.18");
	struct vrrp_packet_ctx ctx = ctx_for(3, ep);
	struct vrrp_rx_meta meta = meta_for(ep, true);

	for (unsigned n = 1; n <= VRRP_MAX_ADDRS; n += n < 4 ? 1 : 31) {
		struct vrrp_advert *adv = advert_new(3, AF_INET, n);

		adv->priority = (uint8_t)n;
		round_trip(adv, &ctx, &meta);
		free(adv);
	}
}

static void test_round_trip_v3_ipv6(void **state)
{
	struct vrrp_endpoints ep = ep6("fe80::1", "ff02::12");
	struct vrrp_packet_ctx ctx = ctx_for(3, ep);
	struct vrrp_rx_meta meta = meta_for(ep, true);

	for (unsigned n = 1; n <= VRRP_MAX_ADDRS; n += n < 4 ? 1 : 63) {
		struct vrrp_advert *adv = advert_new(3, AF_INET6, n);

		adv->interval = 4095;
		round_trip(adv, &ctx, &meta);
		free(adv);
	}
}

static void test_round_trip_v3_ipv6_max_addrs(void **state)
{
	struct vrrp_endpoints ep = ep6("fe80::1", "ff02::12");
	struct vrrp_packet_ctx ctx = ctx_for(3, ep);
	struct vrrp_rx_meta meta = meta_for(ep, true);
	struct vrrp_advert *adv = advert_new(3, AF_INET6, VRRP_MAX_ADDRS);

	assert_int_equal(vrrp_packet_length(3, AF_INET6, VRRP_MAX_ADDRS), VRRP_PACKET_MAX_LEN);
	round_trip(adv, &ctx, &meta);
	free(adv);
}

static void test_round_trip_unicast_ttl(void **state)
{
	struct vrrp_endpoints ep = ep4("10.0.0.1", "10.0.0.2");
	struct vrrp_packet_ctx ctx = ctx_for(3, ep);
	struct vrrp_rx_meta meta = meta_for(ep, false);
	struct vrrp_advert *adv = advert_new(3, AF_INET, 2);

	meta.ttl = 64;          /* keepalived's unicast_ttl: fine on unicast */
	round_trip(adv, &ctx, &meta);
	free(adv);
}

/* ---- checksums ---- */

static void test_checksum_v2_reference(void **state)
{
	struct vrrp_endpoints ep = ep4("192.0.2.1", "224.0.0.18");
	struct vrrp_packet_ctx ctx = ctx_for(2, ep);
	uint8_t buf[VRRP_PACKET_MAX_LEN];

	for (unsigned n = 1; n <= 40; n++) {
		struct vrrp_advert *adv = advert_new(2, AF_INET, n);
		size_t len;

		adv->priority = (uint8_t)(n * 7);
		len = vrrp_packet_build(adv, &ctx, buf, sizeof(buf));
		assert_int_equal(wire_checksum(buf), ref_checksum(NULL, 0, buf, len));
		free(adv);
	}
}

static void test_checksum_v3_ipv4_reference(void **state)
{
	struct vrrp_endpoints ep = ep4("198.51.100.77", "224.0.0.18");
	struct vrrp_packet_ctx ctx = ctx_for(3, ep);
	uint8_t buf[VRRP_PACKET_MAX_LEN], pseudo[12];

	for (unsigned n = 1; n <= 40; n++) {
		struct vrrp_advert *adv = advert_new(3, AF_INET, n);
		size_t len;

		adv->interval = (uint16_t)(n * 97);
		len = vrrp_packet_build(adv, &ctx, buf, sizeof(buf));
		pseudo4(&ep, len, pseudo);
		assert_int_equal(wire_checksum(buf), ref_checksum(pseudo, 12, buf, len));
		free(adv);
	}
}

static void test_checksum_v3_ipv6_reference(void **state)
{
	struct vrrp_endpoints ep = ep6("fe80::abcd:1234", "ff02::12");
	struct vrrp_packet_ctx ctx = ctx_for(3, ep);
	uint8_t buf[VRRP_PACKET_MAX_LEN], pseudo[40];

	for (unsigned n = 1; n <= VRRP_MAX_ADDRS; n += 17) {
		struct vrrp_advert *adv = advert_new(3, AF_INET6, n);
		size_t len;

		len = vrrp_packet_build(adv, &ctx, buf, sizeof(buf));
		pseudo6(&ep, len, pseudo);
		assert_int_equal(wire_checksum(buf), ref_checksum(pseudo, 40, buf, len));
		free(adv);
	}
}

/* The sum itself on odd lengths (never a real VRRP message, but the
 * function is public): the last byte is the high half of a word. */
static void test_checksum_odd_length(void **state)
{
	uint8_t bytes[17];

	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(0xf7 - i * 13);
	for (size_t len = 9; len <= sizeof(bytes); len += 2)
		assert_int_equal(vrrp_packet_checksum(bytes, len, 2, NULL, VRRP_CSUM_MESSAGE_ONLY,
						      NULL),
				 ref_checksum(NULL, 0, bytes, len));
}

/* A v3 advert whose message-only sum is wrong but whose pseudo-header sum
 * is right must be told apart: the pseudo-header matters. */
static void test_checksum_depends_on_endpoints(void **state)
{
	struct vrrp_endpoints ep = ep4("192.0.2.1", "224.0.0.18");
	struct vrrp_endpoints other = ep4("192.0.2.2", "224.0.0.18");
	struct vrrp_packet_ctx ctx = ctx_for(3, ep);
	struct vrrp_advert *adv = advert_new(3, AF_INET, 1), *out = calloc(1, sizeof(*out));
	struct vrrp_rx_meta meta = meta_for(other, true);
	uint8_t buf[64];
	size_t len = vrrp_packet_build(adv, &ctx, buf, sizeof(buf));

	assert_int_equal(vrrp_packet_parse(buf, len, &meta, &ctx, out), VRRP_RX_BAD_CHECKSUM);
	meta.ep = ep;
	assert_int_equal(vrrp_packet_parse(buf, len, &meta, &ctx, out), VRRP_RX_OK);
	free(adv);
	free(out);
}

/* ---- byte-exact against scapy ---- */

static void test_scapy_v2_pass(void **state)
{
	struct vrrp_packet_ctx ctx = { .version = 2, .auth_type = VRRP_AUTH_PASS };
	struct vrrp_advert *out = calloc(1, sizeof(*out));
	struct vrrp_rx_meta meta;
	uint8_t buf[64];

	memcpy(ctx.auth_data, "secret", 6);
	assert_int_equal(vrrp_packet_parse_ipv4(scapy_v2_ipv4_pass, sizeof(scapy_v2_ipv4_pass),
						&ctx, out, &meta), VRRP_RX_OK);
	assert_int_equal(out->vrid, 51);
	assert_int_equal(out->priority, 100);
	assert_int_equal(out->interval, 1);
	assert_int_equal(out->auth_type, VRRP_AUTH_PASS);
	assert_memory_equal(out->auth_data, "secret\0\0", 8);
	assert_int_equal(out->naddrs, 2);
	assert_int_equal(out->addrs[1].v4.s_addr, ip4("192.0.2.101").s_addr);
	assert_int_equal(meta.ep.src.v4.s_addr, ip4("192.0.2.1").s_addr);
	assert_true(meta.dst_multicast);
	/* Rebuilding what was parsed gives scapy's bytes back. */
	assert_int_equal(vrrp_packet_build(out, &ctx, buf, sizeof(buf)), 24);
	assert_memory_equal(buf, scapy_v2_ipv4_pass + 20, 24);
	free(out);
}

static void test_scapy_v3_ipv4(void **state)
{
	struct vrrp_packet_ctx ctx = ctx_for(3, ep4("192.0.2.1", "224.0.0.18"));
	struct vrrp_advert *out = calloc(1, sizeof(*out));
	uint8_t buf[64];

	assert_int_equal(vrrp_packet_parse_ipv4(scapy_v3_ipv4, sizeof(scapy_v3_ipv4), &ctx, out,
						NULL), VRRP_RX_OK);
	assert_int_equal(out->interval, 100);
	assert_int_equal(out->checksum, 0x0572);
	assert_int_equal(out->csum_form, VRRP_CSUM_PSEUDO_HEADER);
	assert_int_equal(vrrp_packet_build(out, &ctx, buf, sizeof(buf)), 12);
	assert_memory_equal(buf, scapy_v3_ipv4 + 20, 12);
	free(out);
}

static void test_scapy_v3_ipv6(void **state)
{
	struct vrrp_endpoints ep = ep6("fe80::1", "ff02::12");
	struct vrrp_packet_ctx ctx = ctx_for(3, ep);
	struct vrrp_rx_meta meta = meta_for(ep, true);
	struct vrrp_advert *out = calloc(1, sizeof(*out));
	struct in6_addr fe80, db8;
	uint8_t buf[64];

	assert_int_equal(vrrp_packet_parse(scapy_v3_ipv6, sizeof(scapy_v3_ipv6), &meta, &ctx, out),
			 VRRP_RX_OK);
	assert_int_equal(out->priority, 200);
	assert_int_equal(out->naddrs, 2);
	fe80 = ip6("fe80::100");
	db8 = ip6("2001:db8::100");
	assert_memory_equal(&out->addrs[0].v6, &fe80, 16);
	assert_memory_equal(&out->addrs[1].v6, &db8, 16);
	assert_int_equal(vrrp_packet_build(out, &ctx, buf, sizeof(buf)), sizeof(scapy_v3_ipv6));
	assert_memory_equal(buf, scapy_v3_ipv6, sizeof(scapy_v3_ipv6));
	free(out);
}

static void test_scapy_v3_ipv4_unicast(void **state)
{
	struct vrrp_packet_ctx ctx = ctx_for(3, ep4("10.0.0.1", "10.0.0.2"));
	struct vrrp_advert *out = calloc(1, sizeof(*out));
	uint8_t buf[64];

	assert_int_equal(vrrp_packet_parse_ipv4(scapy_v3_ipv4_unicast,
						sizeof(scapy_v3_ipv4_unicast), &ctx, out, NULL),
			 VRRP_RX_OK);
	assert_int_equal(out->naddrs, 3);
	assert_int_equal(out->interval, 25);
	assert_int_equal(vrrp_packet_build(out, &ctx, buf, sizeof(buf)), 20);
	assert_memory_equal(buf, scapy_v3_ipv4_unicast + 20, 20);
	/* The RFC's TTL rule applied to unicast too, on request. */
	ctx.ttl_255_on_unicast = true;
	assert_int_equal(vrrp_packet_parse_ipv4(scapy_v3_ipv4_unicast,
						sizeof(scapy_v3_ipv4_unicast), &ctx, out, NULL),
			 VRRP_RX_BAD_TTL);
	free(out);
}

/* ---- the v3/IPv4 checksum forms ---- */

static void test_csum_message_only(void **state)
{
	struct vrrp_endpoints ep = ep4("192.0.2.1", "224.0.0.18");
	struct vrrp_packet_ctx ctx = ctx_for(3, ep);
	struct vrrp_rx_meta meta = meta_for(ep, true);
	struct vrrp_advert *adv = advert_new(3, AF_INET, 2), *out = calloc(1, sizeof(*out));
	uint8_t buf[64];
	size_t len;

	ctx.csum_form = VRRP_CSUM_MESSAGE_ONLY;
	len = vrrp_packet_build(adv, &ctx, buf, sizeof(buf));
	assert_int_equal(wire_checksum(buf), ref_checksum(NULL, 0, buf, len));
	assert_int_equal(vrrp_packet_parse(buf, len, &meta, &ctx, out), VRRP_RX_OK);
	assert_int_equal(out->csum_form, VRRP_CSUM_MESSAGE_ONLY);
	/* An instance set for the default form does not take it... */
	ctx.csum_form = VRRP_CSUM_PSEUDO_HEADER;
	assert_int_equal(vrrp_packet_parse(buf, len, &meta, &ctx, out), VRRP_RX_BAD_CHECKSUM);
	/* ...unless told to accept either, and then says which matched. */
	ctx.accept_any_csum_form = true;
	assert_int_equal(vrrp_packet_parse(buf, len, &meta, &ctx, out), VRRP_RX_OK);
	assert_int_equal(out->csum_form, VRRP_CSUM_MESSAGE_ONLY);
	free(adv);
	free(out);
}

static void test_csum_pseudo_not_accepted_by_message_only(void **state)
{
	struct vrrp_packet_ctx ctx = ctx_for(3, ep4("192.0.2.1", "224.0.0.18"));
	struct vrrp_advert *out = calloc(1, sizeof(*out));

	ctx.csum_form = VRRP_CSUM_MESSAGE_ONLY;
	assert_int_equal(vrrp_packet_parse_ipv4(scapy_v3_ipv4, sizeof(scapy_v3_ipv4), &ctx, out,
						NULL), VRRP_RX_BAD_CHECKSUM);
	ctx.accept_any_csum_form = true;
	assert_int_equal(vrrp_packet_parse_ipv4(scapy_v3_ipv4, sizeof(scapy_v3_ipv4), &ctx, out,
						NULL), VRRP_RX_OK);
	assert_int_equal(out->csum_form, VRRP_CSUM_PSEUDO_HEADER);
	free(out);
}

/* Old keepalived unicast: the pseudo-header names the multicast group, not
 * the peer the packet went to. */
static void test_csum_old_unicast(void **state)
{
	struct vrrp_endpoints ep = ep4("10.0.0.1", "10.0.0.2");
	struct vrrp_endpoints as_mcast = ep4("10.0.0.1", "224.0.0.18");
	struct vrrp_packet_ctx ctx = ctx_for(3, ep);
	struct vrrp_rx_meta meta = meta_for(ep, false);
	struct vrrp_advert *adv = advert_new(3, AF_INET, 1), *out = calloc(1, sizeof(*out));
	uint8_t buf[64], pseudo[12];
	size_t len;

	ctx.csum_form = VRRP_CSUM_OLD_UNICAST;
	len = vrrp_packet_build(adv, &ctx, buf, sizeof(buf));
	pseudo4(&as_mcast, len, pseudo);
	assert_int_equal(wire_checksum(buf), ref_checksum(pseudo, 12, buf, len));
	ctx.csum_form = VRRP_CSUM_PSEUDO_HEADER;
	assert_int_equal(vrrp_packet_parse(buf, len, &meta, &ctx, out), VRRP_RX_BAD_CHECKSUM);
	ctx.accept_any_csum_form = true;
	assert_int_equal(vrrp_packet_parse(buf, len, &meta, &ctx, out), VRRP_RX_OK);
	assert_int_equal(out->csum_form, VRRP_CSUM_OLD_UNICAST);
	/* A configured group other than 224.0.0.18 is what goes in. */
	ctx.old_unicast_group = ip4("224.0.0.99");
	assert_int_equal(vrrp_packet_parse(buf, len, &meta, &ctx, out), VRRP_RX_BAD_CHECKSUM);
	free(adv);
	free(out);
}

/* The same built advert re-summed for each unicast peer. */
static void test_set_checksum_per_peer(void **state)
{
	const char *peers[] = { "10.0.0.2", "10.0.0.3", "172.16.9.200" };
	struct vrrp_packet_ctx ctx = ctx_for(3, ep4("10.0.0.1", "10.0.0.2"));
	struct vrrp_advert *adv = advert_new(3, AF_INET, 3), *out = calloc(1, sizeof(*out));
	uint8_t buf[64];
	size_t len = vrrp_packet_build(adv, &ctx, buf, sizeof(buf));

	for (unsigned i = 0; i < 3; i++) {
		struct vrrp_endpoints ep = ep4("10.0.0.1", peers[i]);
		struct vrrp_rx_meta meta = meta_for(ep, false);

		vrrp_packet_set_checksum(buf, len, &ep, &ctx);
		assert_int_equal(vrrp_packet_parse(buf, len, &meta, &ctx, out), VRRP_RX_OK);
	}
	free(adv);
	free(out);
}

/* ---- one test per verdict ---- */

/* A valid v2 or v3 IPv4 message in buf, its length returned. */
static size_t valid_message(uint8_t version, uint8_t *buf, size_t size,
			    struct vrrp_packet_ctx *ctx, struct vrrp_rx_meta *meta)
{
	struct vrrp_endpoints ep = ep4("192.0.2.1", "224.0.0.18");
	struct vrrp_advert *adv = advert_new(version, AF_INET, 2);
	size_t len;

	*ctx = ctx_for(version, ep);
	*meta = meta_for(ep, true);
	len = vrrp_packet_build(adv, ctx, buf, size);
	free(adv);
	assert_true(len > 0);
	return len;
}

static enum vrrp_rx_verdict parse(const uint8_t *buf, size_t len, const struct vrrp_rx_meta *meta,
				  const struct vrrp_packet_ctx *ctx)
{
	struct vrrp_advert *out = calloc(1, sizeof(*out));
	enum vrrp_rx_verdict v = vrrp_packet_parse(buf, len, meta, ctx, out);

	free(out);
	return v;
}

/* Changes a byte then fixes the checksum, so the change alone is judged. */
static void poke(uint8_t *buf, size_t len, size_t at, uint8_t value,
		 const struct vrrp_rx_meta *meta, const struct vrrp_packet_ctx *ctx)
{
	buf[at] = value;
	vrrp_packet_set_checksum(buf, len, &meta->ep, ctx);
}

static void test_verdict_too_short(void **state)
{
	struct vrrp_packet_ctx ctx;
	struct vrrp_rx_meta meta;
	uint8_t buf[64];

	valid_message(3, buf, sizeof(buf), &ctx, &meta);
	for (size_t len = 0; len < VRRP_HEADER_LEN; len++)
		assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_TOO_SHORT);
}

static enum vrrp_rx_verdict parse4(const uint8_t *pkt, size_t len)
{
	struct vrrp_packet_ctx ctx = { .version = 3 };
	struct vrrp_advert *out = calloc(1, sizeof(*out));
	enum vrrp_rx_verdict v = vrrp_packet_parse_ipv4(pkt, len, &ctx, out, NULL);

	free(out);
	return v;
}

static void test_verdict_bad_ip_header(void **state)
{
	uint8_t pkt[sizeof(scapy_v3_ipv4)];

	assert_int_equal(parse4(scapy_v3_ipv4, sizeof(pkt)), VRRP_RX_OK);
	memcpy(pkt, scapy_v3_ipv4, sizeof(pkt));
	pkt[0] = 0x65;                                  /* version 6 */
	assert_int_equal(parse4(pkt, sizeof(pkt)), VRRP_RX_BAD_IP_HEADER);
	pkt[0] = 0x44;                                  /* IHL 16 bytes */
	assert_int_equal(parse4(pkt, sizeof(pkt)), VRRP_RX_BAD_IP_HEADER);
	memcpy(pkt, scapy_v3_ipv4, sizeof(pkt));
	pkt[2] = 0, pkt[3] = 19;                        /* total < header */
	assert_int_equal(parse4(pkt, sizeof(pkt)), VRRP_RX_BAD_IP_HEADER);
	memcpy(pkt, scapy_v3_ipv4, sizeof(pkt));
	pkt[6] = 0x20;                                  /* more fragments */
	assert_int_equal(parse4(pkt, sizeof(pkt)), VRRP_RX_BAD_IP_HEADER);
	pkt[6] = 0x00, pkt[7] = 0x01;                   /* fragment offset */
	assert_int_equal(parse4(pkt, sizeof(pkt)), VRRP_RX_BAD_IP_HEADER);
	pkt[6] = 0x40, pkt[7] = 0x00;                   /* don't fragment: fine */
	assert_int_equal(parse4(pkt, sizeof(pkt)), VRRP_RX_OK);
}

/* The IPv4 header says how much follows; trailing bytes are not VRRP. */
static void test_ipv4_total_length(void **state)
{
	uint8_t pkt[sizeof(scapy_v3_ipv4) + 4] = { 0 };

	memcpy(pkt, scapy_v3_ipv4, sizeof(scapy_v3_ipv4));
	assert_int_equal(parse4(pkt, sizeof(pkt)), VRRP_RX_OK);
	pkt[3] = sizeof(scapy_v3_ipv4) + 4;             /* claims the padding */
	assert_int_equal(parse4(pkt, sizeof(pkt)), VRRP_RX_BAD_LENGTH);
	pkt[3] = sizeof(scapy_v3_ipv4) + 5;             /* more than received */
	assert_int_equal(parse4(pkt, sizeof(pkt)), VRRP_RX_TOO_SHORT);
}

/* IPv4 options: the payload starts after IHL words. */
static void test_ipv4_options(void **state)
{
	uint8_t pkt[sizeof(scapy_v3_ipv4) + 4];

	memcpy(pkt, scapy_v3_ipv4, 20);
	pkt[0] = 0x46;
	pkt[3] = sizeof(pkt);
	memcpy(pkt + 20, (const uint8_t[]){ 0x94, 0x04, 0x00, 0x00 }, 4);   /* router alert */
	memcpy(pkt + 24, scapy_v3_ipv4 + 20, sizeof(scapy_v3_ipv4) - 20);
	assert_int_equal(parse4(pkt, sizeof(pkt)), VRRP_RX_OK);
}

static void test_verdict_bad_protocol(void **state)
{
	uint8_t pkt[sizeof(scapy_v3_ipv4)];
	struct vrrp_packet_ctx ctx;
	struct vrrp_rx_meta meta, seen;
	struct vrrp_advert *out = calloc(1, sizeof(*out));
	uint8_t buf[64];
	size_t len = valid_message(3, buf, sizeof(buf), &ctx, &meta);

	memcpy(pkt, scapy_v3_ipv4, sizeof(pkt));
	pkt[9] = VRRP_IPPROTO_AH;       /* AH is unwrapped before the codec */
	ctx.skip_auth = true;
	assert_int_equal(vrrp_packet_parse_ipv4(pkt, sizeof(pkt), &ctx, out, &seen),
			 VRRP_RX_BAD_PROTOCOL);
	assert_int_equal(seen.protocol, VRRP_IPPROTO_AH);
	meta.protocol = 6;
	assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_BAD_PROTOCOL);
	meta.protocol = VRRP_IPPROTO_AH;        /* AH around a v3 advert */
	assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_BAD_PROTOCOL);
	free(out);
}

static void test_verdict_bad_family(void **state)
{
	struct vrrp_packet_ctx ctx;
	struct vrrp_rx_meta meta;
	uint8_t buf[64];
	size_t len = valid_message(3, buf, sizeof(buf), &ctx, &meta);

	meta.ep.family = AF_UNIX;
	assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_BAD_FAMILY);
}

static void test_verdict_bad_ttl(void **state)
{
	struct vrrp_packet_ctx ctx;
	struct vrrp_rx_meta meta;
	uint8_t buf[64], pkt[sizeof(scapy_v3_ipv4)];
	size_t len = valid_message(3, buf, sizeof(buf), &ctx, &meta);

	meta.ttl = 254;
	assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_BAD_TTL);
	meta.ttl = 1;
	assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_BAD_TTL);
	memcpy(pkt, scapy_v3_ipv4, sizeof(pkt));
	pkt[8] = 64;                    /* multicast destination, TTL 64 */
	assert_int_equal(parse4(pkt, sizeof(pkt)), VRRP_RX_BAD_TTL);
}

static void test_verdict_bad_version(void **state)
{
	struct vrrp_packet_ctx ctx;
	struct vrrp_rx_meta meta;
	uint8_t buf[64];
	size_t len = valid_message(3, buf, sizeof(buf), &ctx, &meta);
	const uint8_t bad[] = { 0x01, 0x11, 0x41, 0xf1 };

	for (size_t i = 0; i < sizeof(bad); i++) {
		poke(buf, len, 0, bad[i], &meta, &ctx);
		assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_BAD_VERSION);
	}
	/* A v2 advert to a v3 instance, and the reverse. */
	len = valid_message(2, buf, sizeof(buf), &ctx, &meta);
	ctx.version = 3;
	assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_BAD_VERSION);
	ctx.version = 0;                /* either */
	assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_OK);
}

static void test_verdict_v2_over_ipv6(void **state)
{
	struct vrrp_endpoints ep = ep6("fe80::1", "ff02::12");
	struct vrrp_packet_ctx ctx = ctx_for(0, ep);
	struct vrrp_rx_meta meta = meta_for(ep, true);
	uint8_t buf[64] = { 0x21, 51, 100, 1, 0, 1 };
	size_t len = vrrp_packet_length(2, AF_INET6, 1);

	vrrp_packet_set_checksum(buf, len, &ep, &ctx);
	assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_BAD_VERSION);
}

static void test_verdict_bad_type(void **state)
{
	struct vrrp_packet_ctx ctx;
	struct vrrp_rx_meta meta;
	uint8_t buf[64];
	size_t len = valid_message(3, buf, sizeof(buf), &ctx, &meta);

	for (uint8_t type = 0; type < 16; type++) {
		if (type == VRRP_TYPE_ADVERT)
			continue;
		poke(buf, len, 0, (uint8_t)(0x30 | type), &meta, &ctx);
		assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_BAD_TYPE);
	}
}

static void test_verdict_bad_addr_count(void **state)
{
	struct vrrp_endpoints ep = ep4("192.0.2.1", "224.0.0.18");
	struct vrrp_packet_ctx ctx = ctx_for(3, ep);
	struct vrrp_rx_meta meta = meta_for(ep, true);
	struct vrrp_advert *adv = advert_new(3, AF_INET, 0);
	uint8_t buf[64];
	size_t len;

	assert_int_equal(vrrp_packet_build(adv, &ctx, buf, sizeof(buf)), 0);
	ctx.allow_no_addrs = true;
	len = vrrp_packet_build(adv, &ctx, buf, sizeof(buf));
	assert_int_equal(len, 8);
	assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_OK);
	ctx.allow_no_addrs = false;
	assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_BAD_ADDR_COUNT);
	free(adv);
}

static void test_verdict_bad_length(void **state)
{
	struct vrrp_packet_ctx ctx;
	struct vrrp_rx_meta meta;
	uint8_t buf[64] = { 0 };
	size_t len = valid_message(2, buf, sizeof(buf), &ctx, &meta);

	assert_int_equal(parse(buf, len + 1, &meta, &ctx), VRRP_RX_BAD_LENGTH);
	assert_int_equal(parse(buf, len + 4, &meta, &ctx), VRRP_RX_BAD_LENGTH);
	assert_int_equal(parse(buf, len - 1, &meta, &ctx), VRRP_RX_BAD_LENGTH);
	poke(buf, len, 3, 3, &meta, &ctx);      /* claims 3 addresses, has 2 */
	assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_BAD_LENGTH);
	poke(buf, len, 3, 255, &meta, &ctx);
	assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_BAD_LENGTH);
}

static void test_verdict_bad_checksum(void **state)
{
	struct vrrp_packet_ctx ctx;
	struct vrrp_rx_meta meta;
	uint8_t buf[64];

	for (uint8_t version = 2; version <= 3; version++) {
		size_t len = valid_message(version, buf, sizeof(buf), &ctx, &meta);

		/* Every single-bit flip of every byte is caught. */
		for (size_t i = 0; i < len * 8; i++) {
			if (i / 8 == 0 || i / 8 == 3)
				continue;       /* version/type/count: judged earlier */
			buf[i / 8] ^= (uint8_t)(1u << (i % 8));
			assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_BAD_CHECKSUM);
			buf[i / 8] ^= (uint8_t)(1u << (i % 8));
		}
		assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_OK);
	}
}

static void test_verdict_interval_zero(void **state)
{
	struct vrrp_packet_ctx ctx;
	struct vrrp_rx_meta meta;
	uint8_t buf[64];
	size_t len = valid_message(3, buf, sizeof(buf), &ctx, &meta);

	buf[4] = 0xf0;                  /* reserved bits set, interval 0 */
	poke(buf, len, 5, 0, &meta, &ctx);
	assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_INTERVAL_ZERO);
	len = valid_message(2, buf, sizeof(buf), &ctx, &meta);
	poke(buf, len, 5, 0, &meta, &ctx);
	assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_INTERVAL_ZERO);
}

static void test_verdict_auth_type_mismatch(void **state)
{
	struct vrrp_packet_ctx ctx;
	struct vrrp_rx_meta meta;
	uint8_t buf[64];
	size_t len = valid_message(2, buf, sizeof(buf), &ctx, &meta);

	ctx.auth_type = VRRP_AUTH_PASS;
	assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_AUTH_TYPE_MISMATCH);
	ctx.auth_type = VRRP_AUTH_NONE;
	poke(buf, len, 4, 7, &meta, &ctx);      /* unknown type */
	assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_AUTH_TYPE_MISMATCH);
	ctx.skip_auth = true;
	assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_OK);
}

static void test_verdict_auth_failed(void **state)
{
	struct vrrp_packet_ctx ctx = { .version = 2, .auth_type = VRRP_AUTH_PASS };
	struct vrrp_advert *out = calloc(1, sizeof(*out));

	memcpy(ctx.auth_data, "secreT", 6);
	assert_int_equal(vrrp_packet_parse_ipv4(scapy_v2_ipv4_pass, sizeof(scapy_v2_ipv4_pass),
						&ctx, out, NULL), VRRP_RX_AUTH_FAILED);
	memcpy(ctx.auth_data, "secret\0x", 8);  /* bytes after the NUL count too */
	assert_int_equal(vrrp_packet_parse_ipv4(scapy_v2_ipv4_pass, sizeof(scapy_v2_ipv4_pass),
						&ctx, out, NULL), VRRP_RX_AUTH_FAILED);
	free(out);
}

/* Auth type AH is only believed when the AH layer vouched for the packet
 * (protocol 51 in meta). */
static void test_auth_ah(void **state)
{
	struct vrrp_packet_ctx ctx;
	struct vrrp_rx_meta meta;
	struct vrrp_advert *adv = advert_new(2, AF_INET, 1);
	uint8_t buf[64];
	size_t len;

	valid_message(2, buf, sizeof(buf), &ctx, &meta);
	adv->auth_type = VRRP_AUTH_AH;
	len = vrrp_packet_build(adv, &ctx, buf, sizeof(buf));
	ctx.auth_type = VRRP_AUTH_AH;
	assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_AUTH_FAILED);
	meta.protocol = VRRP_IPPROTO_AH;
	assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_OK);
	ctx.auth_type = VRRP_AUTH_NONE;         /* AH not configured */
	assert_int_equal(parse(buf, len, &meta, &ctx), VRRP_RX_BAD_PROTOCOL);
	free(adv);
}

/* ---- truncation ---- */

/* Every prefix of a valid message or IPv4 packet is rejected, read from an
 * exactly sized heap copy so ASan would see any overread. */
static void check_prefixes(const uint8_t *pkt, size_t len, const struct vrrp_rx_meta *meta,
			   const struct vrrp_packet_ctx *ctx, bool ipv4)
{
	struct vrrp_advert *out = calloc(1, sizeof(*out));

	for (size_t n = 0; n < len; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		enum vrrp_rx_verdict v;

		memcpy(copy, pkt, n);
		v = ipv4 ? vrrp_packet_parse_ipv4(copy, n, ctx, out, NULL)
			 : vrrp_packet_parse(copy, n, meta, ctx, out);
		assert_int_not_equal(v, VRRP_RX_OK);
		assert_true(v == VRRP_RX_TOO_SHORT || v == VRRP_RX_BAD_LENGTH);
		free(copy);
	}
	free(out);
}

static void test_truncation_every_length(void **state)
{
	struct vrrp_endpoints ep6v = ep6("fe80::1", "ff02::12");
	struct vrrp_packet_ctx ctx6 = ctx_for(3, ep6v);
	struct vrrp_rx_meta meta6 = meta_for(ep6v, true);
	struct vrrp_packet_ctx ctx;
	struct vrrp_rx_meta meta;
	struct vrrp_advert *adv = advert_new(3, AF_INET6, 20);
	uint8_t buf[VRRP_PACKET_MAX_LEN];
	size_t len;

	for (uint8_t version = 2; version <= 3; version++) {
		len = valid_message(version, buf, sizeof(buf), &ctx, &meta);
		check_prefixes(buf, len, &meta, &ctx, false);
	}
	len = vrrp_packet_build(adv, &ctx6, buf, sizeof(buf));
	check_prefixes(buf, len, &meta6, &ctx6, false);
	ctx = ctx_for(3, ep6v);
	check_prefixes(scapy_v3_ipv4, sizeof(scapy_v3_ipv4), NULL, &ctx, true);
	ctx.version = 2;
	ctx.skip_auth = true;
	check_prefixes(scapy_v2_ipv4_pass, sizeof(scapy_v2_ipv4_pass), NULL, &ctx, true);
	free(adv);
}

/* ---- intervals and build errors ---- */

static void test_interval_limits_v3(void **state)
{
	struct vrrp_endpoints ep = ep4("192.0.2.1", "224.0.0.18");
	struct vrrp_packet_ctx ctx = ctx_for(3, ep);
	struct vrrp_rx_meta meta = meta_for(ep, true);
	struct vrrp_advert *adv = advert_new(3, AF_INET, 1), *out = calloc(1, sizeof(*out));
	uint8_t buf[64];
	size_t len;

	adv->interval = VRRP_V3_INTERVAL_MAX;
	len = vrrp_packet_build(adv, &ctx, buf, sizeof(buf));
	assert_int_equal(buf[4], 0x0f);
	assert_int_equal(buf[5], 0xff);
	adv->interval = 4096;
	assert_int_equal(vrrp_advert_validate(adv, &ctx, sizeof(buf)), VRRP_BUILD_BAD_INTERVAL);
	assert_int_equal(vrrp_packet_build(adv, &ctx, buf, sizeof(buf)), 0);
	adv->interval = 0;
	assert_int_equal(vrrp_advert_validate(adv, &ctx, sizeof(buf)), VRRP_BUILD_BAD_INTERVAL);
	/* Reserved bits are ignored on receive (RFC 5798 5.2.7). */
	poke(buf, len, 4, 0xaf, &meta, &ctx);
	assert_int_equal(vrrp_packet_parse(buf, len, &meta, &ctx, out), VRRP_RX_OK);
	assert_int_equal(out->interval, 0xfff);
	assert_int_equal(vrrp_advert_interval_us(out), 40950000);
	free(adv);
	free(out);
}

static void test_interval_limits_v2(void **state)
{
	struct vrrp_packet_ctx ctx = { .version = 2 };
	struct vrrp_advert *adv = advert_new(2, AF_INET, 1);
	uint8_t buf[64];

	adv->interval = VRRP_V2_INTERVAL_MAX;
	assert_int_equal(vrrp_packet_build(adv, &ctx, buf, sizeof(buf)), 20);
	assert_int_equal(buf[5], 255);
	assert_int_equal(vrrp_advert_interval_us(adv), 255000000ull);
	adv->interval = 256;
	assert_int_equal(vrrp_advert_validate(adv, &ctx, sizeof(buf)), VRRP_BUILD_BAD_INTERVAL);
	adv->interval = 0;
	assert_int_equal(vrrp_advert_validate(adv, &ctx, sizeof(buf)), VRRP_BUILD_BAD_INTERVAL);
	free(adv);
}

static void test_build_errors(void **state)
{
	struct vrrp_packet_ctx ctx = ctx_for(3, ep4("192.0.2.1", "224.0.0.18"));
	struct vrrp_advert *adv = advert_new(3, AF_INET, 2);
	uint8_t buf[64];

	assert_int_equal(vrrp_advert_validate(adv, &ctx, 16), VRRP_BUILD_OK);
	assert_int_equal(vrrp_advert_validate(adv, &ctx, 15), VRRP_BUILD_NO_SPACE);
	assert_int_equal(vrrp_packet_build(adv, &ctx, buf, 15), 0);
	adv->version = 4;
	assert_int_equal(vrrp_advert_validate(adv, &ctx, 64), VRRP_BUILD_BAD_VERSION);
	adv->version = 3, adv->type = 2;
	assert_int_equal(vrrp_advert_validate(adv, &ctx, 64), VRRP_BUILD_BAD_TYPE);
	adv->type = 1, adv->family = AF_INET6;          /* tx endpoints are IPv4 */
	assert_int_equal(vrrp_advert_validate(adv, &ctx, 64), VRRP_BUILD_BAD_FAMILY);
	adv->version = 2;                               /* v2 is IPv4 only */
	adv->interval = 1;
	assert_int_equal(vrrp_advert_validate(adv, &ctx, 64), VRRP_BUILD_BAD_FAMILY);
	adv->family = AF_INET, adv->naddrs = 256;
	assert_int_equal(vrrp_advert_validate(adv, &ctx, 4096), VRRP_BUILD_BAD_ADDR_COUNT);
	adv->naddrs = 2, adv->auth_type = 3;
	assert_int_equal(vrrp_advert_validate(adv, &ctx, 64), VRRP_BUILD_BAD_AUTH_TYPE);
	assert_string_equal(vrrp_build_error_names[VRRP_BUILD_BAD_AUTH_TYPE], "bad_auth_type");
	free(adv);
}

/* Message-only v3/IPv4 needs no endpoints at all. */
static void test_build_message_only_no_endpoints(void **state)
{
	struct vrrp_packet_ctx ctx = { .version = 3, .csum_form = VRRP_CSUM_MESSAGE_ONLY };
	struct vrrp_advert *adv = advert_new(3, AF_INET, 1);
	uint8_t buf[64];
	size_t len = vrrp_packet_build(adv, &ctx, buf, sizeof(buf));

	assert_int_equal(len, 12);
	assert_int_equal(wire_checksum(buf), ref_checksum(NULL, 0, buf, len));
	free(adv);
}

/* v2 auth data: a password is sent as given, anything else as zeros. */
static void test_build_v2_auth_data(void **state)
{
	struct vrrp_packet_ctx ctx = { .version = 2 };
	struct vrrp_advert *adv = advert_new(2, AF_INET, 1);
	uint8_t buf[64];

	memcpy(adv->auth_data, "pw\0\0\0\0\0\0", 8);
	assert_int_equal(vrrp_packet_build(adv, &ctx, buf, sizeof(buf)), 20);
	assert_memory_equal(buf + 12, "\0\0\0\0\0\0\0\0", 8);
	adv->auth_type = VRRP_AUTH_PASS;
	assert_int_equal(vrrp_packet_build(adv, &ctx, buf, sizeof(buf)), 20);
	assert_memory_equal(buf + 12, "pw\0\0\0\0\0\0", 8);
	assert_int_equal(buf[4], VRRP_AUTH_PASS);
	free(adv);
}

/* ---- names, dump, peek ---- */

static void test_verdict_names(void **state)
{
	for (unsigned i = 0; i < VRRP_RX_VERDICT_COUNT; i++) {
		assert_non_null(vrrp_rx_verdict_names[i]);
		assert_non_null(vrrp_rx_verdict_descriptions[i]);
		for (unsigned j = 0; j < i; j++)
			assert_string_not_equal(vrrp_rx_verdict_names[i], vrrp_rx_verdict_names[j]);
	}
	for (unsigned i = 0; i < VRRP_BUILD_ERROR_COUNT; i++)
		assert_non_null(vrrp_build_error_names[i]);
	assert_string_equal(vrrp_rx_verdict_name(VRRP_RX_BAD_TTL), "bad_ttl");
	assert_string_equal(vrrp_rx_verdict_name(VRRP_RX_VERDICT_COUNT), "unknown");
	assert_string_equal(vrrp_csum_form_names[VRRP_CSUM_MESSAGE_ONLY], "message_only");
}

static void test_format(void **state)
{
	struct vrrp_packet_ctx ctx = { .version = 2, .auth_type = VRRP_AUTH_PASS };
	struct vrrp_advert *out = calloc(1, sizeof(*out));
	char line[VRRP_ADVERT_FORMAT_LEN];

	memcpy(ctx.auth_data, "secret", 6);
	assert_int_equal(vrrp_packet_parse_ipv4(scapy_v2_ipv4_pass, sizeof(scapy_v2_ipv4_pass),
						&ctx, out, NULL), VRRP_RX_OK);
	assert_ptr_equal(vrrp_advert_format(out, line, sizeof(line)), line);
	assert_string_equal(line, "v2 vrid 51 prio 100 intvl 1s auth pass csum 0xb8b2 "
			    "addrs 2: 192.0.2.100 192.0.2.101");
	assert_null(strstr(line, "secret"));
	free(out);
}

static void test_format_v3_ipv6_and_truncation(void **state)
{
	struct vrrp_advert *adv = advert_new(3, AF_INET6, 40);
	char line[VRRP_ADVERT_FORMAT_LEN], tiny[20];

	vrrp_advert_format(adv, line, sizeof(line));
	assert_non_null(strstr(line, "v3 vrid 51 prio 100 intvl 100cs"));
	assert_non_null(strstr(line, "addrs 40: 2001:db8:: 2001:db8::1 "));
	assert_int_equal(strlen(line), sizeof(line) - 1);
	assert_string_equal(line + sizeof(line) - 4, "...");
	vrrp_advert_format(adv, tiny, sizeof(tiny));
	assert_string_equal(tiny, "v3 vrid 51 prio ...");
	vrrp_advert_format(adv, tiny, 1);
	assert_string_equal(tiny, "");
	free(adv);
}

static void test_peek_vrid(void **state)
{
	uint8_t vrid = 0;

	assert_false(vrrp_packet_peek_vrid(scapy_v3_ipv6, 1, &vrid));
	assert_true(vrrp_packet_peek_vrid(scapy_v3_ipv6, 2, &vrid));
	assert_int_equal(vrid, 51);
}

/* ---- checks against the instance ---- */

static void test_check_against(void **state)
{
	struct vrrp_advert *rx = advert_new(3, AF_INET, 3);
	union vrrp_ip mine[3] = { rx->addrs[2], rx->addrs[0], rx->addrs[1] };
	struct vrrp_expect expect = { .vrid = 51, .version = 3, .interval = 100,
				      .family = AF_INET, .naddrs = 3, .addrs = mine };

	assert_int_equal(vrrp_advert_check_against(rx, &expect), 0);    /* any order */
	expect.vrid = 52;
	assert_int_equal(vrrp_advert_check_against(rx, &expect), VRRP_MISMATCH_VRID);
	expect.vrid = 51;
	expect.interval = 200;
	assert_int_equal(vrrp_advert_check_against(rx, &expect), VRRP_MISMATCH_INTERVAL);
	assert_false(vrrp_mismatch_rfc_discards(VRRP_MISMATCH_INTERVAL, rx));  /* v3 adopts */
	expect.interval = 100;
	expect.we_are_owner = true;
	assert_int_equal(vrrp_advert_check_against(rx, &expect), VRRP_MISMATCH_WE_ARE_OWNER);
	assert_true(vrrp_mismatch_rfc_discards(VRRP_MISMATCH_WE_ARE_OWNER, rx));
	free(rx);
}

static void test_check_against_addrs(void **state)
{
	struct vrrp_advert *rx = advert_new(3, AF_INET, 3);
	union vrrp_ip mine[3] = { rx->addrs[0], rx->addrs[1], rx->addrs[2] };
	struct vrrp_expect expect = { .vrid = 51, .version = 3, .interval = 100,
				      .family = AF_INET, .naddrs = 2, .addrs = mine };

	assert_int_equal(vrrp_advert_check_against(rx, &expect), VRRP_MISMATCH_ADDRS);
	expect.naddrs = 3;
	mine[1] = mine[0];              /* same count, a duplicate instead */
	assert_int_equal(vrrp_advert_check_against(rx, &expect), VRRP_MISMATCH_ADDRS);
	assert_true(vrrp_mismatch_rfc_discards(VRRP_MISMATCH_ADDRS, rx));
	rx->priority = 255;             /* from the owner: kept */
	assert_false(vrrp_mismatch_rfc_discards(VRRP_MISMATCH_ADDRS, rx));
	expect.family = AF_INET6;
	mine[1] = rx->addrs[1];
	assert_int_equal(vrrp_advert_check_against(rx, &expect), VRRP_MISMATCH_ADDRS);
	free(rx);
}

static void test_check_against_v2_interval(void **state)
{
	struct vrrp_advert *rx = advert_new(2, AF_INET, 1);
	struct vrrp_expect expect = { .vrid = 51, .version = 2, .interval = 1,
				      .family = AF_INET, .naddrs = 1, .addrs = rx->addrs };

	assert_int_equal(vrrp_advert_check_against(rx, &expect), 0);
	expect.interval = 2;
	assert_int_equal(vrrp_advert_check_against(rx, &expect), VRRP_MISMATCH_INTERVAL);
	assert_true(vrrp_mismatch_rfc_discards(VRRP_MISMATCH_INTERVAL, rx));
	assert_false(vrrp_mismatch_rfc_discards(0, rx));
	assert_string_equal(vrrp_mismatch_names[3], "interval");
	free(rx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_v2_ipv4),
		cmocka_unit_test(test_round_trip_v2_max_addrs),
		cmocka_unit_test(test_round_trip_v3_ipv4),
		cmocka_unit_test(test_round_trip_v3_ipv6),
		cmocka_unit_test(test_round_trip_v3_ipv6_max_addrs),
		cmocka_unit_test(test_round_trip_unicast_ttl),
		cmocka_unit_test(test_checksum_v2_reference),
		cmocka_unit_test(test_checksum_v3_ipv4_reference),
		cmocka_unit_test(test_checksum_v3_ipv6_reference),
		cmocka_unit_test(test_checksum_odd_length),
		cmocka_unit_test(test_checksum_depends_on_endpoints),
		cmocka_unit_test(test_scapy_v2_pass),
		cmocka_unit_test(test_scapy_v3_ipv4),
		cmocka_unit_test(test_scapy_v3_ipv6),
		cmocka_unit_test(test_scapy_v3_ipv4_unicast),
		cmocka_unit_test(test_csum_message_only),
		cmocka_unit_test(test_csum_pseudo_not_accepted_by_message_only),
		cmocka_unit_test(test_csum_old_unicast),
		cmocka_unit_test(test_set_checksum_per_peer),
		cmocka_unit_test(test_verdict_too_short),
		cmocka_unit_test(test_verdict_bad_ip_header),
		cmocka_unit_test(test_ipv4_total_length),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_verdict_bad_protocol),
		cmocka_unit_test(test_verdict_bad_family),
		cmocka_unit_test(test_verdict_bad_ttl),
		cmocka_unit_test(test_verdict_bad_version),
		cmocka_unit_test(test_verdict_v2_over_ipv6),
		cmocka_unit_test(test_verdict_bad_type),
		cmocka_unit_test(test_verdict_bad_addr_count),
		cmocka_unit_test(test_verdict_bad_length),
		cmocka_unit_test(test_verdict_bad_checksum),
		cmocka_unit_test(test_verdict_interval_zero),
		cmocka_unit_test(test_verdict_auth_type_mismatch),
		cmocka_unit_test(test_verdict_auth_failed),
		cmocka_unit_test(test_auth_ah),
		cmocka_unit_test(test_truncation_every_length),
		cmocka_unit_test(test_interval_limits_v3),
		cmocka_unit_test(test_interval_limits_v2),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_build_message_only_no_endpoints),
		cmocka_unit_test(test_build_v2_auth_data),
		cmocka_unit_test(test_verdict_names),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_v3_ipv6_and_truncation),
		cmocka_unit_test(test_peek_vrid),
		cmocka_unit_test(test_check_against),
		cmocka_unit_test(test_check_against_addrs),
		cmocka_unit_test(test_check_against_v2_interval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
