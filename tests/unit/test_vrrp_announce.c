/* The announcement builders: gratuitous ARP and unsolicited NA compared
 * byte for byte with frames made by scapy, the flags, the checksum
 * (pseudo-header; verifies to zero; changes with the source), and short
 * buffers refused without writing. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vrrp/vrrp_announce.h"

static const uint8_t test_mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

/* bytes(Ether(dst='ff:ff:ff:ff:ff:ff', src='02:11:22:33:44:55') /
 *       ARP(op=1, psrc='10.0.0.100', pdst='10.0.0.100',
 *           hwsrc='02:11:22:33:44:55', hwdst='00:00:00:00:00:00')) */
static const uint8_t scapy_garp[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55,
	0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x11,
	0x22, 0x33, 0x44, 0x55, 0x0a, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x0a, 0x00, 0x00, 0x64,
};

/* bytes(IPv6(src='fe80::11:22ff:fe33:4455', dst='ff02::1', hlim=255) /
 *       ICMPv6ND_NA(R=0, S=0, O=1, tgt='fd00::100') /
 *       ICMPv6NDOptDstLLAddr(lladdr='02:11:22:33:44:55'))[40:] */
static const uint8_t scapy_na[] = {
	0x88, 0x00, 0x8b, 0xeb, 0x20, 0x00, 0x00, 0x00, 0xfd, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x02, 0x01, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55,
};

/* The same with R=1 (a router's NA). */
static const uint8_t scapy_na_router[] = {
	0x88, 0x00, 0x0b, 0xeb, 0xa0, 0x00, 0x00, 0x00, 0xfd, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x02, 0x01, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55,
};

static struct in6_addr addr6(const char *text)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, text, &a), 1);
	return a;
}

static struct in_addr addr4(const char *text)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, text, &a), 1);
	return a;
}

static size_t build_test_na(uint8_t *buf, size_t len, bool router, const char *src)
{
	struct in6_addr vip = addr6("fd00::100"), s = addr6(src), all_nodes = addr6("ff02::1");

	return vrrp_announce_build_na(buf, len, test_mac, &vip, router, &s, &all_nodes);
}

static void test_garp_matches_scapy(void **state)
{
	uint8_t buf[64];

	(void)state;
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(vrrp_announce_build_garp(buf, sizeof(buf), test_mac, addr4("10.0.0.100")),
			 VRRP_GARP_FRAME_LEN);
	assert_int_equal(sizeof(scapy_garp), VRRP_GARP_FRAME_LEN);
	assert_memory_equal(buf, scapy_garp, sizeof(scapy_garp));
	assert_int_equal(buf[VRRP_GARP_FRAME_LEN], 0xaa);      /* nothing written beyond */
}

static void test_garp_uses_given_mac(void **state)
{
	static const uint8_t vmac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x33 };
	uint8_t buf[VRRP_GARP_FRAME_LEN];

	(void)state;
	assert_int_equal(vrrp_announce_build_garp(buf, sizeof(buf), vmac, addr4("10.1.2.3")),
			 VRRP_GARP_FRAME_LEN);
	assert_memory_equal(buf + 6, vmac, 6);                  /* Ethernet source */
	assert_memory_equal(buf + 22, vmac, 6);                 /* ARP sender hardware */
	assert_memory_equal(buf + 28, "\x0a\x01\x02\x03", 4);   /* sender IP */
	assert_memory_equal(buf + 38, "\x0a\x01\x02\x03", 4);   /* target IP */
}

static void test_garp_short_buffer(void **state)
{
	uint8_t buf[VRRP_GARP_FRAME_LEN];

	(void)state;
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(vrrp_announce_build_garp(buf, VRRP_GARP_FRAME_LEN - 1, test_mac,
						  addr4("10.0.0.100")), 0);
	assert_int_equal(buf[0], 0xaa);
}

static void test_na_matches_scapy(void **state)
{
	uint8_t buf[64];

	(void)state;
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(build_test_na(buf, sizeof(buf), false, "fe80::11:22ff:fe33:4455"),
			 VRRP_NA_PACKET_LEN);
	assert_int_equal(sizeof(scapy_na), VRRP_NA_PACKET_LEN);
	assert_memory_equal(buf, scapy_na, sizeof(scapy_na));
	assert_int_equal(buf[VRRP_NA_PACKET_LEN], 0xaa);
}

static void test_na_router_flag_matches_scapy(void **state)
{
	uint8_t buf[VRRP_NA_PACKET_LEN];

	(void)state;
	assert_int_equal(build_test_na(buf, sizeof(buf), true, "fe80::11:22ff:fe33:4455"),
			 VRRP_NA_PACKET_LEN);
	assert_memory_equal(buf, scapy_na_router, sizeof(scapy_na_router));
}

/* A receiver sums the packet with its checksum in place and gets zero;
 * another source address must give another checksum (the pseudo-header
 * is really covered). */
static void test_na_checksum_covers_pseudo_header(void **state)
{
	struct in6_addr src = addr6("fe80::1"), dst = addr6("ff02::1"), other = addr6("fe80::2");
	uint8_t a[VRRP_NA_PACKET_LEN], b[VRRP_NA_PACKET_LEN];

	(void)state;
	assert_int_equal(build_test_na(a, sizeof(a), false, "fe80::1"), VRRP_NA_PACKET_LEN);
	assert_int_equal(build_test_na(b, sizeof(b), false, "fe80::2"), VRRP_NA_PACKET_LEN);
	assert_int_equal(vrrp_announce_icmp6_checksum(a, sizeof(a), &src, &dst), 0);
	assert_int_not_equal(vrrp_announce_icmp6_checksum(a, sizeof(a), &other, &dst), 0);
	assert_memory_not_equal(a + 2, b + 2, 2);
	assert_memory_equal(a + 4, b + 4, sizeof(a) - 4);
}

/* RFC 1071 with an odd length: the last byte is padded on the right. */
static void test_checksum_odd_length(void **state)
{
	static const struct in6_addr zero;
	const uint8_t msg[3] = { 0x01, 0x02, 0x03 };
	/* ~(0x0102 + 0x0300 + 3 (length) + 58 (next header)) */
	uint16_t expect = (uint16_t)~(0x0102 + 0x0300 + 3 + 58);

	(void)state;
	assert_int_equal(vrrp_announce_icmp6_checksum(msg, sizeof(msg), &zero, &zero), expect);
}

static void test_na_short_buffer(void **state)
{
	uint8_t buf[VRRP_NA_PACKET_LEN];

	(void)state;
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(build_test_na(buf, VRRP_NA_PACKET_LEN - 1, false, "fe80::1"), 0);
	assert_int_equal(buf[0], 0xaa);
}

/* The thin sender refuses what it cannot send without touching a socket. */
static void test_send_without_sockets(void **state)
{
	struct vrrp_announcer a = { .packet_fd = -1, .icmp6_fd = -1 };
	struct vrrp_announce_if ifc = { .ifindex = 1, .has_link_local = false };
	struct in6_addr vip = addr6("fd00::100");

	(void)state;
	assert_int_equal(vrrp_announce_garp(&a, &ifc, addr4("10.0.0.1")), -EBADF);
	assert_int_equal(vrrp_announce_na(&a, &ifc, &vip), -EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_garp_matches_scapy),
		cmocka_unit_test(test_garp_uses_given_mac),
		cmocka_unit_test(test_garp_short_buffer),
		cmocka_unit_test(test_na_matches_scapy),
		cmocka_unit_test(test_na_router_flag_matches_scapy),
		cmocka_unit_test(test_na_checksum_covers_pseudo_header),
		cmocka_unit_test(test_checksum_odd_length),
		cmocka_unit_test(test_na_short_buffer),
		cmocka_unit_test(test_send_without_sockets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
