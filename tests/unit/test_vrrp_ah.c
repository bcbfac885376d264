/* VRRPv2 in IPsec AH (vrrp_ah.h): keepalived 2.2.7's own adverts as
 * known answers (built byte for byte, and verified), every covered field
 * tampered with, the mutable ones changed, the RFC 2402 TTL form, the
 * sequence number rules, and the malformed headers. */
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
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "vrrp/vrrp_ah.h"

/* Captured from keepalived 2.2.7 (auth_type AH, auth_pass secret1, VRID
 * 51, advert_int 1, VIPs 10.0.0.100 and 10.0.0.101): the first advert of
 * the master 10.0.0.1 at priority 200 (IP id 1, sequence 1; its VRRP
 * checksum happens to be 0), and of 10.0.0.2 at priority 100 after it
 * took over (IP id 1, sequence 5: it continued the sequence it heard). */
static const uint8_t keepalived_prio200_seq1[] = {
	0x45, 0xc0, 0x00, 0x44, 0x00, 0x01, 0x00, 0x00, 0xff, 0x33, 0xd0, 0xb2,
	0x0a, 0x00, 0x00, 0x01, 0xe0, 0x00, 0x00, 0x12, 0x70, 0x04, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0xa2, 0x8b, 0x61, 0xd7,
	0x7f, 0x4a, 0x55, 0x98, 0xba, 0xad, 0x77, 0xb6, 0x21, 0x33, 0xc8, 0x02,
	0x02, 0x01, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x64, 0x0a, 0x00, 0x00, 0x65,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t keepalived_prio100_seq5[] = {
	0x45, 0xc0, 0x00, 0x44, 0x00, 0x01, 0x00, 0x00, 0xff, 0x33, 0xd0, 0xb1,
	0x0a, 0x00, 0x00, 0x02, 0xe0, 0x00, 0x00, 0x12, 0x70, 0x04, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x05, 0x32, 0x38, 0x0a, 0x84,
	0x4a, 0xfe, 0x2b, 0x37, 0x24, 0x2c, 0x49, 0xa0, 0x21, 0x33, 0x64, 0x02,
	0x02, 0x01, 0x64, 0x00, 0x0a, 0x00, 0x00, 0x64, 0x0a, 0x00, 0x00, 0x65,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* The same first advert sent unicast from 10.0.0.1 to 10.0.0.2: here
 * keepalived leaves the TTL out of the ICV (RFC 2402's form). */
static const uint8_t keepalived_unicast_seq1[] = {
	0x45, 0xc0, 0x00, 0x44, 0x00, 0x01, 0x00, 0x00, 0xff, 0x33, 0xa6, 0xc3,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x70, 0x04, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x31, 0x1a, 0xd6, 0x73,
	0x07, 0x5f, 0x88, 0xda, 0x2e, 0x06, 0x82, 0xf1, 0x21, 0x33, 0xc8, 0x02,
	0x02, 0x01, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x64, 0x0a, 0x00, 0x00, 0x65,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
#define KA_LEN sizeof(keepalived_prio200_seq1)
#define IP_AH 20                        /* offset of the AH */
#define IP_VRRP 44                      /* offset of the VRRP message */

static struct vrrp_advert adv_buf;      /* 4 KB: not on the stack */

static struct in_addr ip4(const char *text)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, text, &a), 1);
	return a;
}

static struct vrrp_packet_ctx ah_ctx(const char *password)
{
	struct vrrp_packet_ctx ctx = { .version = 2, .auth_type = VRRP_AUTH_AH,
				       .allow_no_addrs = true };

	/* NUL-padded, not terminated, as the instance fills it. */
	memcpy(ctx.auth_data, password, strnlen(password, sizeof(ctx.auth_data)));
	return ctx;
}

static enum vrrp_rx_verdict parse(const uint8_t *pkt, size_t len, const char *password,
				  uint32_t last_seq)
{
	struct vrrp_packet_ctx ctx = ah_ctx(password);
	struct vrrp_ah_seq seq = { .last = last_seq };

	return vrrp_ah_parse_ipv4(pkt, len, &ctx, &seq, &adv_buf, NULL);
}

/* The VRRP message keepalived's first advert carries, built by the codec. */
static size_t build_message(uint8_t priority, uint8_t *msg, size_t len)
{
	struct vrrp_packet_ctx ctx = ah_ctx("secret1");

	memset(&adv_buf, 0, sizeof(adv_buf));
	adv_buf.version = 2, adv_buf.type = VRRP_TYPE_ADVERT, adv_buf.vrid = 51;
	adv_buf.priority = priority, adv_buf.interval = 1, adv_buf.family = AF_INET;
	adv_buf.auth_type = VRRP_AUTH_AH, adv_buf.naddrs = 2;
	adv_buf.addrs[0].v4 = ip4("10.0.0.100");
	adv_buf.addrs[1].v4 = ip4("10.0.0.101");
	return vrrp_packet_build(&adv_buf, &ctx, msg, len);
}

static size_t build_ah(const char *src, const char *dst, uint16_t ip_id, uint32_t seq,
		       uint8_t priority, uint8_t *buf, size_t len)
{
	uint8_t msg[VRRP_PACKET_MAX_LEN];
	struct vrrp_packet_ctx ctx = ah_ctx("secret1");
	struct vrrp_ah_tx tx = { .src = ip4(src), .dst = ip4(dst), .ttl = 255,
				 .ip_id = ip_id, .seq = seq };
	size_t msg_len = build_message(priority, msg, sizeof(msg));

	assert_int_not_equal(msg_len, 0);
	return vrrp_ah_build(ctx.auth_data, &tx, msg, msg_len, buf, len);
}

/* ---- known answers ---- */

static void test_builds_keepalived_bytes(void **state)
{
	uint8_t buf[VRRP_AH_PACKET_MAX];

	(void)state;
	assert_int_equal(build_ah("10.0.0.1", "224.0.0.18", 1, 1, 200, buf, sizeof(buf)), KA_LEN);
	assert_memory_equal(buf, keepalived_prio200_seq1, KA_LEN);
	assert_int_equal(build_ah("10.0.0.2", "224.0.0.18", 1, 5, 100, buf, sizeof(buf)), KA_LEN);
	assert_memory_equal(buf, keepalived_prio100_seq5, KA_LEN);
	assert_int_equal(build_ah("10.0.0.1", "10.0.0.2", 1, 1, 200, buf, sizeof(buf)), KA_LEN);
	assert_memory_equal(buf, keepalived_unicast_seq1, KA_LEN);
}

static void test_verifies_keepalived_adverts(void **state)
{
	struct vrrp_packet_ctx ctx = ah_ctx("secret1");
	struct vrrp_ah_seq seq = { 0 };
	struct vrrp_rx_meta meta;

	(void)state;
	assert_int_equal(vrrp_ah_parse_ipv4(keepalived_prio200_seq1, KA_LEN, &ctx, &seq, &adv_buf,
					    &meta), VRRP_RX_OK);
	assert_int_equal(adv_buf.priority, 200);
	assert_int_equal(adv_buf.vrid, 51);
	assert_int_equal(adv_buf.naddrs, 2);
	assert_int_equal(adv_buf.auth_type, VRRP_AUTH_AH);
	assert_int_equal(meta.protocol, VRRP_IPPROTO_AH);
	assert_int_equal(meta.ep.src.v4.s_addr, ip4("10.0.0.1").s_addr);
	assert_true(meta.dst_multicast);
	assert_int_equal(seq.last, 1);
	/* The other router's advert continues the sequence: accepted. */
	assert_int_equal(vrrp_ah_parse_ipv4(keepalived_prio100_seq5, KA_LEN, &ctx, &seq, &adv_buf,
					    NULL), VRRP_RX_OK);
	assert_int_equal(adv_buf.priority, 100);
	assert_int_equal(seq.last, 5);
	/* Unicast, RFC 2402 form; a TTL changed on the way does not matter. */
	{
		uint8_t pkt[KA_LEN];

		memcpy(pkt, keepalived_unicast_seq1, KA_LEN);
		seq.last = 0;
		assert_int_equal(parse(pkt, KA_LEN, "secret1", 0), VRRP_RX_OK);
		pkt[8] = 64;
		assert_int_equal(parse(pkt, KA_LEN, "secret1", 0), VRRP_RX_OK);
	}
}

static void test_wrong_password(void **state)
{
	(void)state;
	assert_int_equal(parse(keepalived_prio200_seq1, KA_LEN, "secret2", 0),
			 VRRP_RX_AH_ICV_MISMATCH);
	assert_int_equal(parse(keepalived_prio200_seq1, KA_LEN, "secret", 0),
			 VRRP_RX_AH_ICV_MISMATCH);
	assert_int_equal(parse(keepalived_prio200_seq1, KA_LEN, "secret1", 0), VRRP_RX_OK);
}

/* ---- what the ICV covers ---- */

/* Recomputes the IP header checksum, so a tampered header fails on its
 * ICV and not on anything else. */
static void fix_ip_checksum(uint8_t *p)
{
	uint32_t sum = 0;

	p[10] = p[11] = 0;
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	p[10] = (uint8_t)(~sum >> 8);
	p[11] = (uint8_t)~sum;
}

static void test_covered_fields_tampered(void **state)
{
	/* IP: total length's low byte (then the buffer is one byte longer),
	 * id, source, destination; AH: reserved, SPI, sequence, ICV; every
	 * byte of the VRRP message. */
	static const size_t covered[] = { 4, 5, 12, 15, 16, 19, 22, 23, 24, 27, 28, 31, 32, 43 };
	uint8_t pkt[KA_LEN + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(covered) / sizeof(covered[0]); i++) {
		memcpy(pkt, keepalived_prio200_seq1, KA_LEN);
		pkt[covered[i]] ^= 0x01;
		fix_ip_checksum(pkt);
		assert_int_equal(parse(pkt, KA_LEN, "secret1", 0), VRRP_RX_AH_ICV_MISMATCH);
	}
	for (size_t i = IP_VRRP; i < KA_LEN; i++) {
		memcpy(pkt, keepalived_prio200_seq1, KA_LEN);
		pkt[i] ^= 0x80;
		assert_int_equal(parse(pkt, KA_LEN, "secret1", 0), VRRP_RX_AH_ICV_MISMATCH);
	}
	/* A longer total length (one more byte, also in the buffer). */
	memcpy(pkt, keepalived_prio200_seq1, KA_LEN);
	pkt[KA_LEN] = 0;
	pkt[3]++;
	fix_ip_checksum(pkt);
	assert_int_equal(parse(pkt, KA_LEN + 1, "secret1", 0), VRRP_RX_AH_ICV_MISMATCH);
}

static void test_mutable_fields_changed(void **state)
{
	uint8_t pkt[KA_LEN];

	(void)state;
	memcpy(pkt, keepalived_prio200_seq1, KA_LEN);
	pkt[1] = 0x00;                          /* TOS */
	pkt[10] ^= 0xff;                        /* header checksum (unchecked on raw sockets) */
	assert_int_equal(parse(pkt, KA_LEN, "secret1", 0), VRRP_RX_OK);
	memcpy(pkt, keepalived_prio200_seq1, KA_LEN);
	pkt[6] = 0x40;                          /* don't fragment */
	assert_int_equal(parse(pkt, KA_LEN, "secret1", 0), VRRP_RX_OK);
}

/* keepalived covers the TTL; a TTL changed on the way (unicast over a
 * router) fails, but the RFC 2402 form (TTL taken as 0) is accepted. */
static void test_ttl_forms(void **state)
{
	uint8_t pkt[KA_LEN];
	uint8_t digest[EVP_MAX_MD_SIZE];
	unsigned digest_len;
	uint8_t scratch[KA_LEN];

	(void)state;
	memcpy(pkt, keepalived_prio200_seq1, KA_LEN);
	pkt[8] = 254;
	fix_ip_checksum(pkt);
	assert_int_equal(parse(pkt, KA_LEN, "secret1", 0), VRRP_RX_AH_ICV_MISMATCH);
	/* The RFC 2402 ICV, computed here independently of vrrp_ah.c. */
	memcpy(scratch, keepalived_prio200_seq1, KA_LEN);
	scratch[1] = 0, scratch[6] = scratch[7] = 0, scratch[8] = 0, scratch[10] = scratch[11] = 0;
	memset(scratch + IP_AH + 12, 0, 12);
	assert_non_null(HMAC(EVP_md5(), "secret1", 7, scratch, KA_LEN, digest, &digest_len));
	memcpy(pkt, keepalived_prio200_seq1, KA_LEN);
	memcpy(pkt + IP_AH + 12, digest, 12);
	assert_int_equal(parse(pkt, KA_LEN, "secret1", 0), VRRP_RX_OK);
	/* That form leaves the TTL to the VRRP check: 255 on multicast. */
	pkt[8] = 254;
	fix_ip_checksum(pkt);
	assert_int_equal(parse(pkt, KA_LEN, "secret1", 0), VRRP_RX_BAD_TTL);
}

/* ---- sequence numbers ---- */

static void test_replay(void **state)
{
	struct vrrp_packet_ctx ctx = ah_ctx("secret1");
	struct vrrp_ah_seq seq = { 0 };

	(void)state;
	assert_int_equal(vrrp_ah_parse_ipv4(keepalived_prio100_seq5, KA_LEN, &ctx, &seq, &adv_buf,
					    NULL), VRRP_RX_OK);
	/* The same packet again, and an older one: replays. */
	assert_int_equal(vrrp_ah_parse_ipv4(keepalived_prio100_seq5, KA_LEN, &ctx, &seq, &adv_buf,
					    NULL), VRRP_RX_AH_REPLAY);
	assert_int_equal(vrrp_ah_parse_ipv4(keepalived_prio200_seq1, KA_LEN, &ctx, &seq, &adv_buf,
					    NULL), VRRP_RX_AH_REPLAY);
	assert_int_equal(seq.last, 5);
	/* A forged higher number fails its ICV and moves nothing. */
	{
		uint8_t pkt[KA_LEN];

		memcpy(pkt, keepalived_prio100_seq5, KA_LEN);
		pkt[IP_AH + 11] = 9;
		assert_int_equal(vrrp_ah_parse_ipv4(pkt, KA_LEN, &ctx, &seq, &adv_buf, NULL),
				 VRRP_RX_AH_ICV_MISMATCH);
		assert_int_equal(seq.last, 5);
	}
}

/* What we send continues above what we heard; the IP id never is 0. */
static void test_next_continues(void **state)
{
	struct vrrp_packet_ctx ctx = ah_ctx("secret1");
	struct vrrp_ah_seq mine = { 0 }, theirs = { 0 };
	struct vrrp_ah_tx tx = { 0 };
	uint8_t buf[VRRP_AH_PACKET_MAX], msg[VRRP_PACKET_MAX_LEN];
	size_t msg_len = build_message(150, msg, sizeof(msg)), len;

	(void)state;
	vrrp_ah_next(&mine, &tx);
	assert_int_equal(tx.seq, 1);
	assert_int_equal(tx.ip_id, 1);
	assert_int_equal(vrrp_ah_parse_ipv4(keepalived_prio100_seq5, KA_LEN, &ctx, &mine, &adv_buf,
					    NULL), VRRP_RX_OK);
	tx = (struct vrrp_ah_tx){ .src = ip4("10.0.0.3"), .dst = ip4("224.0.0.18"), .ttl = 255 };
	vrrp_ah_next(&mine, &tx);
	assert_int_equal(tx.seq, 6);
	assert_int_equal(tx.ip_id, 2);
	len = vrrp_ah_build(ctx.auth_data, &tx, msg, msg_len, buf, sizeof(buf));
	assert_int_not_equal(len, 0);
	/* A peer that heard sequence 5 accepts it. */
	theirs.last = 5;
	assert_int_equal(vrrp_ah_parse_ipv4(buf, len, &ctx, &theirs, &adv_buf, NULL), VRRP_RX_OK);
	assert_int_equal(adv_buf.priority, 150);
	assert_int_equal(theirs.last, 6);
	mine.ip_id = UINT16_MAX, mine.last = UINT32_MAX;
	vrrp_ah_next(&mine, &tx);
	assert_int_equal(tx.ip_id, 1);
	assert_int_equal(tx.seq, 1);
}

/* ---- malformed ---- */

static void test_malformed(void **state)
{
	uint8_t pkt[KA_LEN + 4];

	(void)state;
	for (size_t n = 0; n < KA_LEN; n++) {
		memcpy(pkt, keepalived_prio200_seq1, KA_LEN);
		assert_int_not_equal(parse(pkt, n, "secret1", 0), VRRP_RX_OK);
	}
	memcpy(pkt, keepalived_prio200_seq1, KA_LEN);
	pkt[IP_AH] = 6;                         /* next header TCP */
	assert_int_equal(parse(pkt, KA_LEN, "secret1", 0), VRRP_RX_AH_BAD_HEADER);
	memcpy(pkt, keepalived_prio200_seq1, KA_LEN);
	pkt[IP_AH + 1] = 5;                     /* longer ICV */
	assert_int_equal(parse(pkt, KA_LEN, "secret1", 0), VRRP_RX_AH_BAD_HEADER);
	memcpy(pkt, keepalived_prio200_seq1, KA_LEN);
	pkt[9] = 112;                           /* VRRP without AH */
	assert_int_equal(parse(pkt, KA_LEN, "secret1", 0), VRRP_RX_BAD_PROTOCOL);
	/* Four bytes of IP options. */
	memcpy(pkt, keepalived_prio200_seq1, 20);
	memset(pkt + 20, 1, 4);                 /* NOPs */
	memcpy(pkt + 24, keepalived_prio200_seq1 + 20, KA_LEN - 20);
	pkt[0] = 0x46, pkt[3] += 4;
	fix_ip_checksum(pkt);
	assert_int_equal(parse(pkt, KA_LEN + 4, "secret1", 0), VRRP_RX_AH_BAD_HEADER);
	assert_string_equal(vrrp_rx_verdict_name(VRRP_RX_AH_REPLAY), "ah_replay");
	assert_string_equal(vrrp_rx_verdict_name(VRRP_RX_AH_ICV_MISMATCH), "ah_icv_mismatch");
	assert_string_equal(vrrp_rx_verdict_name(VRRP_RX_AH_BAD_HEADER), "ah_bad_header");
}

/* An authentic AH packet must still be a good advert for the instance. */
static void test_inner_checks(void **state)
{
	struct vrrp_packet_ctx ctx = ah_ctx("secret1");
	struct vrrp_ah_seq seq = { 0 };
	uint8_t buf[VRRP_AH_PACKET_MAX], msg[VRRP_PACKET_MAX_LEN];
	struct vrrp_ah_tx tx = { .src = ip4("10.0.0.1"), .dst = ip4("224.0.0.18"),
				 .ttl = 254, .ip_id = 7, .seq = 9 };
	size_t msg_len = build_message(200, msg, sizeof(msg));
	size_t len = vrrp_ah_build(ctx.auth_data, &tx, msg, msg_len, buf, sizeof(buf));

	(void)state;
	/* Authentic, but multicast with TTL 254. */
	assert_int_equal(vrrp_ah_parse_ipv4(buf, len, &ctx, &seq, &adv_buf, NULL),
			 VRRP_RX_BAD_TTL);
	/* A PASS instance's context refuses AH outright. */
	ctx.auth_type = VRRP_AUTH_PASS;
	len = build_ah("10.0.0.1", "224.0.0.18", 8, 10, 200, buf, sizeof(buf));
	assert_int_equal(vrrp_ah_parse_ipv4(buf, len, &ctx, &seq, &adv_buf, NULL),
			 VRRP_RX_BAD_PROTOCOL);
	/* Too small a buffer to build in. */
	assert_int_equal(build_ah("10.0.0.1", "224.0.0.18", 1, 1, 200, buf, KA_LEN - 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builds_keepalived_bytes),
		cmocka_unit_test(test_verifies_keepalived_adverts),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_covered_fields_tampered),
		cmocka_unit_test(test_mutable_fields_changed),
		cmocka_unit_test(test_ttl_forms),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_next_continues),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_inner_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
