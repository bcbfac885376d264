/* The probes' common code and pure parts: outcome names, errno mapping,
 * building an attempt from a configuration, UDP_CHECK reply matching, the
 * ICMP echo codec (against packets made by scapy), and TCP_CHECK and
 * UDP_CHECK on the loopback (result from the loop, never inside start;
 * cancel ends everything without a result). */
#include "unit.h"

#include "checker/check_conf.h"
#include "checker/check_ping_packet.h"
#include "checker/check_probe.h"
#include "checker/check_udp_match.h"
#include "daemon/config_load.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <uv.h>

/* ---- outcome names and errno mapping ---- */

static void test_outcome_names_complete(void **state)
{
	(void)state;
	for (int i = 0; i < CHECK_OUTCOME_COUNT; i++) {
		assert_non_null(check_outcome_names[i]);
		assert_string_equal(check_outcome_name(i), check_outcome_names[i]);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(check_outcome_names[i], check_outcome_names[j]);
	}
	assert_string_equal(check_outcome_name(CHECK_OK), "ok");
	assert_string_equal(check_outcome_name(CHECK_FAIL_CONNECT_REFUSED), "connect-refused");
	assert_string_equal(check_outcome_name(CHECK_FAIL_TIMEOUT), "timeout");
	assert_string_equal(check_outcome_name(CHECK_OUTCOME_COUNT), "unknown");
}

static void test_outcome_from_errno(void **state)
{
	(void)state;
	assert_int_equal(check_outcome_from_errno(ECONNREFUSED), CHECK_FAIL_CONNECT_REFUSED);
	assert_int_equal(check_outcome_from_errno(UV_ECONNREFUSED), CHECK_FAIL_CONNECT_REFUSED);
	assert_int_equal(check_outcome_from_errno(EHOSTUNREACH), CHECK_FAIL_UNREACHABLE);
	assert_int_equal(check_outcome_from_errno(UV_ENETUNREACH), CHECK_FAIL_UNREACHABLE);
	assert_int_equal(check_outcome_from_errno(ETIMEDOUT), CHECK_FAIL_TIMEOUT);
	assert_int_equal(check_outcome_from_errno(UV_ETIMEDOUT), CHECK_FAIL_TIMEOUT);
	assert_int_equal(check_outcome_from_errno(EADDRNOTAVAIL), CHECK_FAIL_CONNECT_ERROR);
	assert_int_equal(check_outcome_from_errno(ECONNRESET), CHECK_FAIL_CONNECT_ERROR);
	assert_int_equal(check_outcome_from_errno(EMFILE), CHECK_FAIL_INTERNAL);
	assert_int_equal(check_outcome_from_errno(0), CHECK_OK);
}

/* ---- check_attempt_init ---- */

static const char attempt_conf[] =
	"virtual_server 10.1.1.1 80 {\n"
	"  connect_timeout 3\n"
	"  virtualhost vs.example\n"
	"  real_server 10.0.0.2 8080 {\n"
	"    TCP_CHECK {\n"
	"    }\n"
	"    TCP_CHECK {\n"
	"      connect_ip 10.0.0.9\n"
	"      connect_port 9000\n"
	"      bindto 10.0.0.1\n"
	"      bind_port 4000\n"
	"      bind_if eth0\n"
	"      fwmark 7\n"
	"      connect_timeout 1.5\n"
	"    }\n"
	"    UDP_CHECK {\n"
	"      bind_port 5000\n"
	"    }\n"
	"  }\n"
	"}\n"
	"virtual_server fd00::100 53 {\n"
	"  real_server fd00::2 53 {\n"
	"    PING_CHECK {\n"
	"    }\n"
	"  }\n"
	"}\n";

struct attempt_fixture {
	struct vigil_config *cfg;
	struct check_attempt a;
};

static void init_attempt(struct attempt_fixture *f, unsigned vs_i, unsigned rs_i, unsigned c_i)
{
	struct config_load_options opts = { .check_host = false };
	struct conf_diags diags;
	const struct check_vs_config *vs;
	const struct check_rs_config *rs;
	const struct check_checker_config *c;
	struct check_defaults eff;

	conf_diags_init(&diags);
	f->cfg = vigil_config_load_string("probe.conf", attempt_conf, &opts, &diags);
	unit_assert_no_errors(&diags);
	conf_diags_free(&diags);
	assert_non_null(f->cfg);
	vs = f->cfg->check->virtual_servers.items[vs_i];
	rs = vs->real_servers.items[rs_i];
	c = rs->checkers.items[c_i];
	check_checker_effective(vs, rs, c, &eff);
	check_attempt_init(&f->a, NULL, f->cfg, vs, rs, c, &eff);
}

static void test_attempt_init_defaults(void **state)
{
	struct attempt_fixture f;
	const struct sockaddr_in *t = (const struct sockaddr_in *)&f.a.target;

	(void)state;
	init_attempt(&f, 0, 0, 0);
	assert_int_equal(t->sin_family, AF_INET);
	assert_int_equal(ntohl(t->sin_addr.s_addr), 0x0a000002);
	assert_int_equal(ntohs(t->sin_port), 8080);
	assert_int_equal(f.a.target_len, sizeof(struct sockaddr_in));
	assert_false(f.a.has_source);
	assert_null(f.a.bind_if);
	assert_int_equal(f.a.fwmark, 0);
	assert_int_equal(f.a.timeout_us, 3000000);
	assert_string_equal(f.a.virtualhost, "vs.example");
	assert_ptr_equal(f.a.ssl, &f.cfg->check->ssl);
	vigil_config_free(f.cfg);
}

static void test_attempt_init_overrides(void **state)
{
	struct attempt_fixture f;
	const struct sockaddr_in *t = (const struct sockaddr_in *)&f.a.target;
	const struct sockaddr_in *s = (const struct sockaddr_in *)&f.a.source;

	(void)state;
	init_attempt(&f, 0, 0, 1);
	assert_int_equal(ntohl(t->sin_addr.s_addr), 0x0a000009);
	assert_int_equal(ntohs(t->sin_port), 9000);
	assert_true(f.a.has_source);
	assert_int_equal(s->sin_family, AF_INET);
	assert_int_equal(ntohl(s->sin_addr.s_addr), 0x0a000001);
	assert_int_equal(ntohs(s->sin_port), 4000);
	assert_string_equal(f.a.bind_if, "eth0");
	assert_int_equal(f.a.fwmark, 7);
	assert_int_equal(f.a.timeout_us, 1500000);
	vigil_config_free(f.cfg);
}

/* bind_port alone binds the wildcard address of the target's family. */
static void test_attempt_init_bind_port_only(void **state)
{
	struct attempt_fixture f;
	const struct sockaddr_in *s = (const struct sockaddr_in *)&f.a.source;

	(void)state;
	init_attempt(&f, 0, 0, 2);
	assert_true(f.a.has_source);
	assert_int_equal(s->sin_family, AF_INET);
	assert_int_equal(s->sin_addr.s_addr, htonl(INADDR_ANY));
	assert_int_equal(ntohs(s->sin_port), 5000);
	vigil_config_free(f.cfg);
}

static void test_attempt_init_ipv6(void **state)
{
	struct attempt_fixture f;
	const struct sockaddr_in6 *t = (const struct sockaddr_in6 *)&f.a.target;
	struct in6_addr want;

	(void)state;
	init_attempt(&f, 1, 0, 0);
	inet_pton(AF_INET6, "fd00::2", &want);
	assert_int_equal(t->sin6_family, AF_INET6);
	assert_memory_equal(&t->sin6_addr, &want, sizeof(want));
	assert_int_equal(ntohs(t->sin6_port), 53);
	assert_int_equal(f.a.target_len, sizeof(struct sockaddr_in6));
	vigil_config_free(f.cfg);
}

/* ---- UDP_CHECK reply matching ---- */

static void test_udp_match_any(void **state)
{
	struct check_udp_expect e = { .min_len = 0, .max_len = 255 };
	uint8_t reply[300] = { 1, 2, 3 };

	(void)state;
	assert_int_equal(check_udp_match(&e, reply, 3, 3, NULL), CHECK_UDP_MATCH);
	assert_int_equal(check_udp_match(&e, reply, 0, 0, NULL), CHECK_UDP_MATCH);
	assert_int_equal(check_udp_match(&e, reply, 255, 255, NULL), CHECK_UDP_MATCH);
	assert_int_equal(check_udp_match(&e, reply, 256, 256, NULL), CHECK_UDP_TOO_LONG);
	e.min_len = 4;
	assert_int_equal(check_udp_match(&e, reply, 3, 3, NULL), CHECK_UDP_TOO_SHORT);
	assert_int_equal(check_udp_match(&e, reply, 4, 4, NULL), CHECK_UDP_MATCH);
}

static void test_udp_match_data_and_mask(void **state)
{
	static const uint8_t data[] = { 0xab, 0x12, 0x00, 0x03 };
	static const uint8_t mask[] = { 0xff, 0xff, 0x0f, 0xff };  /* "ab12X0 03" */
	struct check_udp_expect e = { data, mask, sizeof(data), 0, 255 };
	uint8_t good[] = { 0xab, 0x12, 0x70, 0x03, 0x99 };
	uint8_t bad[] = { 0xab, 0x12, 0x71, 0x03 };
	size_t offset = 99;

	(void)state;
	assert_int_equal(check_udp_match(&e, good, sizeof(good), sizeof(good), NULL),
			 CHECK_UDP_MATCH);
	assert_int_equal(check_udp_match(&e, bad, sizeof(bad), sizeof(bad), &offset),
			 CHECK_UDP_MISMATCH);
	assert_int_equal(offset, 2);
	/* only min(reply, data) bytes are compared */
	assert_int_equal(check_udp_match(&e, good, 2, 2, NULL), CHECK_UDP_MATCH);
	good[0] = 0xac;
	assert_int_equal(check_udp_match(&e, good, 1, 1, &offset), CHECK_UDP_MISMATCH);
	assert_int_equal(offset, 0);
	/* without a mask every bit counts */
	e.mask = NULL;
	good[0] = 0xab;
	assert_int_equal(check_udp_match(&e, good, sizeof(good), sizeof(good), NULL),
			 CHECK_UDP_MISMATCH);
}

/* The expectation comes from the parsed configuration, X digits and all. */
static void test_udp_match_from_config(void **state)
{
	static const char conf[] =
		"virtual_server 10.1.1.1 53 {\n"
		"  protocol UDP\n"
		"  real_server 10.0.0.2 53 {\n"
		"    UDP_CHECK {\n"
		"      payload 01 02\n"
		"      require_reply 4f 4Bx\n"
		"      min_reply_length 2\n"
		"      max_reply_length 8\n"
		"    }\n"
		"  }\n"
		"}\n";
	struct config_load_options opts = { .check_host = false };
	struct conf_diags diags;
	struct vigil_config *cfg;
	const struct check_vs_config *vs;
	const struct check_rs_config *rs;
	struct check_udp_expect e;
	/* "4Bx": a lone X is a byte 0X, its high nibble a known 0 */
	const uint8_t ok1[] = { 0x4f, 0x4b, 0x0a }, ok2[] = { 0x4f, 0x4b, 0x07 };
	const uint8_t high[] = { 0x4f, 0x4b, 0x17 };
	const uint8_t wrong[] = { 0x4f, 0x4c, 0x0a }, one[] = { 0x4f };
	const uint8_t long9[9] = { 0x4f, 0x4b };

	(void)state;
	conf_diags_init(&diags);
	cfg = vigil_config_load_string("udp.conf", conf, &opts, &diags);
	unit_assert_no_errors(&diags);
	conf_diags_free(&diags);
	vs = cfg->check->virtual_servers.items[0];
	rs = vs->real_servers.items[0];
	check_udp_expect_from_config(rs->checkers.items[0], &e);
	assert_int_equal(e.len, 3);
	assert_int_equal(check_udp_match(&e, ok1, 3, 3, NULL), CHECK_UDP_MATCH);
	assert_int_equal(check_udp_match(&e, ok2, 3, 3, NULL), CHECK_UDP_MATCH);
	assert_int_equal(check_udp_match(&e, wrong, 3, 3, NULL), CHECK_UDP_MISMATCH);
	assert_int_equal(check_udp_match(&e, high, 3, 3, NULL), CHECK_UDP_MISMATCH);
	assert_int_equal(check_udp_match(&e, one, 1, 1, NULL), CHECK_UDP_TOO_SHORT);
	assert_int_equal(check_udp_match(&e, long9, 9, 9, NULL), CHECK_UDP_TOO_LONG);
	vigil_config_free(cfg);
}

static void test_udp_verdict_names(void **state)
{
	(void)state;
	for (int i = 0; i < CHECK_UDP_VERDICT_COUNT; i++)
		assert_non_null(check_udp_verdict_names[i]);
}

/* ---- ICMP echo codec; reference packets made by scapy 2.x ---- */

/* ICMP(type=8, id=0x1234, seq=7)/Raw(bytes(range(24))) */
static const uint8_t scapy_req4[] = {
	0x08, 0x00, 0x61, 0x34, 0x12, 0x34, 0x00, 0x07, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05,
	0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13,
	0x14, 0x15, 0x16, 0x17
};
/* IP(src='10.0.0.2', dst='10.0.0.1', id=1)/ICMP(type=0, id=0x1234, seq=7)/Raw(same) */
static const uint8_t scapy_rep4_ip[] = {
	0x45, 0x00, 0x00, 0x34, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0x66, 0xc6, 0x0a, 0x00,
	0x00, 0x02, 0x0a, 0x00, 0x00, 0x01, 0x00, 0x00, 0x69, 0x34, 0x12, 0x34, 0x00, 0x07,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
	0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17
};
/* ICMPv6EchoReply(id=0x1234, seq=7, data=same); checksum left to the kernel */
static const uint8_t scapy_rep6[] = {
	0x81, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x07, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05,
	0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13,
	0x14, 0x15, 0x16, 0x17
};

static void echo_fixture(struct check_ping_echo *e)
{
	e->id = 0x1234;
	e->seq = 7;
	for (int i = 0; i < CHECK_PING_PAYLOAD_LEN; i++)
		e->payload[i] = (uint8_t)i;
}

static void test_ping_build_v4_matches_scapy(void **state)
{
	struct check_ping_echo e;
	uint8_t buf[CHECK_PING_PACKET_LEN];

	(void)state;
	echo_fixture(&e);
	assert_int_equal(check_ping_build(AF_INET, &e, buf), sizeof(scapy_req4));
	assert_memory_equal(buf, scapy_req4, sizeof(scapy_req4));
	assert_int_equal(check_ping_checksum(buf, sizeof(buf)), 0);
}

static void test_ping_build_v6(void **state)
{
	struct check_ping_echo e;
	uint8_t buf[CHECK_PING_PACKET_LEN];

	(void)state;
	echo_fixture(&e);
	assert_int_equal(check_ping_build(AF_INET6, &e, buf), CHECK_PING_PACKET_LEN);
	assert_int_equal(buf[0], CHECK_ICMP6_ECHO_REQUEST);
	assert_int_equal(buf[2] | buf[3], 0);   /* the kernel's job */
	assert_memory_equal(buf + 4, scapy_rep6 + 4, sizeof(scapy_rep6) - 4);
}

static void test_ping_parse_v4(void **state)
{
	struct check_ping_echo e;
	const uint8_t *icmp = scapy_rep4_ip + 20;
	size_t icmp_len = sizeof(scapy_rep4_ip) - 20;

	(void)state;
	echo_fixture(&e);
	/* raw socket: IP header in front; datagram socket: none */
	assert_int_equal(check_ping_parse(AF_INET, true, true, &e, scapy_rep4_ip,
					  sizeof(scapy_rep4_ip)), CHECK_PING_MATCH);
	assert_int_equal(check_ping_parse(AF_INET, false, true, &e, icmp, icmp_len),
			 CHECK_PING_MATCH);
	/* our own request is not a reply */
	assert_int_equal(check_ping_parse(AF_INET, false, true, &e, scapy_req4, sizeof(scapy_req4)),
			 CHECK_PING_NOT_ECHO_REPLY);
	e.id = 0x4321;
	assert_int_equal(check_ping_parse(AF_INET, false, true, &e, icmp, icmp_len),
			 CHECK_PING_OTHER_ID);
	/* a datagram socket's kernel-chosen id is not compared */
	assert_int_equal(check_ping_parse(AF_INET, false, false, &e, icmp, icmp_len),
			 CHECK_PING_MATCH);
	e.seq = 8;
	assert_int_equal(check_ping_parse(AF_INET, false, false, &e, icmp, icmp_len),
			 CHECK_PING_OTHER_SEQ);
	echo_fixture(&e);
	e.payload[5] ^= 1;
	assert_int_equal(check_ping_parse(AF_INET, false, true, &e, icmp, icmp_len),
			 CHECK_PING_OTHER_PAYLOAD);
}

static void test_ping_parse_v4_damaged(void **state)
{
	struct check_ping_echo e;
	uint8_t pkt[sizeof(scapy_rep4_ip)];

	(void)state;
	echo_fixture(&e);
	memcpy(pkt, scapy_rep4_ip, sizeof(pkt));
	pkt[30] ^= 0xff;
	assert_int_equal(check_ping_parse(AF_INET, true, true, &e, pkt, sizeof(pkt)),
			 CHECK_PING_BAD_CHECKSUM);
	memcpy(pkt, scapy_rep4_ip, sizeof(pkt));
	pkt[0] = 0x65;
	assert_int_equal(check_ping_parse(AF_INET, true, true, &e, pkt, sizeof(pkt)),
			 CHECK_PING_BAD_IP_HEADER);
	pkt[0] = 0x4f;   /* IHL 60 bytes: past the end */
	assert_int_equal(check_ping_parse(AF_INET, true, true, &e, pkt, 40),
			 CHECK_PING_BAD_IP_HEADER);
	for (size_t len = 0; len < sizeof(scapy_rep4_ip); len++)
		assert_int_equal(check_ping_parse(AF_INET, true, true, &e, scapy_rep4_ip, len),
				 CHECK_PING_TRUNCATED);
}

static void test_ping_parse_v6(void **state)
{
	struct check_ping_echo e;
	uint8_t pkt[sizeof(scapy_rep6)];

	(void)state;
	echo_fixture(&e);
	assert_int_equal(check_ping_parse(AF_INET6, false, true, &e, scapy_rep6, sizeof(scapy_rep6)),
			 CHECK_PING_MATCH);
	/* an IPv4 echo reply type means nothing in ICMPv6 */
	memcpy(pkt, scapy_rep6, sizeof(pkt));
	pkt[0] = CHECK_ICMP_ECHO_REPLY;
	assert_int_equal(check_ping_parse(AF_INET6, false, true, &e, pkt, sizeof(pkt)),
			 CHECK_PING_NOT_ECHO_REPLY);
	assert_int_equal(check_ping_parse(AF_INET6, false, true, &e, scapy_rep6, 12),
			 CHECK_PING_TRUNCATED);
}

static void test_ping_verdict_names(void **state)
{
	(void)state;
	for (int i = 0; i < CHECK_PING_VERDICT_COUNT; i++)
		assert_non_null(check_ping_verdict_names[i]);
}

/* ---- TCP_CHECK on the loopback, through check_probe_start ---- */

struct probe_run {
	int calls;
	bool in_start;
	bool called_in_start;
	struct check_result result;
};

static void probe_done(struct check_attempt *a, const struct check_result *r)
{
	struct probe_run *run = a->data;

	run->calls++;
	run->called_in_start |= run->in_start;
	run->result = *r;
}

/* A listening socket on 127.0.0.1 and an ephemeral port. */
static int tcp_listener(uint16_t *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* A listener whose accept queue is full (backlog 0 and one connection
 * waiting in it): the kernel drops further SYNs, so a connect to it stays
 * in progress, as to a server that does not answer.  *queued: that
 * connection. */
static int tcp_listener_full(uint16_t *port, int *queued)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = tcp_listener(port);

	assert_int_equal(listen(fd, 0), 0);
	sin.sin_port = htons(*port);
	*queued = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(*queued >= 0);
	assert_int_equal(connect(*queued, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

/* A TCP_CHECK attempt at 127.0.0.1:port reporting to `run`. */
static void tcp_attempt_init(struct check_attempt *a, struct check_checker_config *c,
			     uint16_t port, uint64_t timeout_us, struct probe_run *run)
{
	struct sockaddr_in *t = (struct sockaddr_in *)&a->target;

	*c = (struct check_checker_config){ .type = CHECK_TYPE_TCP };
	*a = (struct check_attempt){ .cfg = c, .timeout_us = timeout_us, .done = probe_done,
				     .data = run };
	t->sin_family = AF_INET;
	t->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	t->sin_port = htons(port);
	a->target_len = sizeof(*t);
}

/* Runs `a` on a loop of its own until everything is closed; `stall_us`:
 * the loop is that late to start (busy elsewhere), as a saturated
 * checker's is. */
static void tcp_attempt_run(struct check_attempt *a, unsigned stall_us)
{
	struct probe_run *run = a->data;
	uv_loop_t loop;

	uv_loop_init(&loop);
	a->loop = &loop;
	run->in_start = true;
	assert_int_equal(check_probe_start(a), 0);
	run->in_start = false;
	if (stall_us)
		usleep(stall_us);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void tcp_attempt_stalled(uint16_t port, struct probe_run *run, uint64_t timeout_us,
				unsigned stall_us)
{
	struct check_checker_config c;
	struct check_attempt a;

	tcp_attempt_init(&a, &c, port, timeout_us, run);
	tcp_attempt_run(&a, stall_us);
}

static void tcp_attempt(uint16_t port, struct probe_run *run)
{
	tcp_attempt_stalled(port, run, 2000000, 0);
}

static void test_tcp_probe_loopback(void **state)
{
	struct probe_run up = { 0 }, down = { 0 };
	uint16_t port;
	int fd = tcp_listener(&port);

	(void)state;
	tcp_attempt(port, &up);
	assert_int_equal(up.calls, 1);
	assert_false(up.called_in_start);
	assert_int_equal(up.result.outcome, CHECK_OK);
	assert_string_equal(up.result.text, "TCP connection established");
	assert_true(up.result.latency_us < 2000000);
	close(fd);
	tcp_attempt(port, &down);
	assert_int_equal(down.calls, 1);
	assert_false(down.called_in_start);
	assert_int_equal(down.result.outcome, CHECK_FAIL_CONNECT_REFUSED);
	assert_int_equal(down.result.detail, ECONNREFUSED);
	assert_string_equal(down.result.text, "TCP connect: Connection refused");
}

/* Nothing answers: connect_timeout, reported in milliseconds. */
static void test_tcp_probe_timeout(void **state)
{
	struct probe_run run = { 0 };
	uint16_t port;
	int queued, fd = tcp_listener_full(&port, &queued);

	(void)state;
	tcp_attempt_stalled(port, &run, 50000, 0);
	assert_int_equal(run.calls, 1);
	assert_false(run.called_in_start);
	assert_int_equal(run.result.outcome, CHECK_FAIL_TIMEOUT);
	assert_int_equal(run.result.detail, 0);
	assert_string_equal(run.result.text, "TCP connect timed out after 50 ms");
	assert_true(run.result.latency_us >= 50000);
	close(queued);
	close(fd);
}

/* The loop comes back after connect_timeout has passed and finds the
 * timeout and the socket ready together.  Whichever it runs first, the
 * connection was made (or refused) in time and that is what counts, not
 * the checker's lateness. */
static void test_tcp_probe_late_loop_sees_the_socket(void **state)
{
	struct probe_run up = { 0 }, down = { 0 };
	uint16_t port;
	int fd = tcp_listener(&port);

	(void)state;
	tcp_attempt_stalled(port, &up, 50000, 200000);
	assert_int_equal(up.calls, 1);
	assert_int_equal(up.result.outcome, CHECK_OK);
	close(fd);
	tcp_attempt_stalled(port, &down, 50000, 200000);
	assert_int_equal(down.calls, 1);
	assert_int_equal(down.result.outcome, CHECK_FAIL_CONNECT_REFUSED);
	assert_int_equal(down.result.detail, ECONNREFUSED);
}

/* A failure while starting comes from the loop too, named by its step. */
static void test_tcp_probe_fails_from_the_loop(void **state)
{
	struct probe_run bad_source = { 0 }, unreachable = { 0 };
	struct check_checker_config c;
	struct check_attempt a;
	struct sockaddr_in *src = (struct sockaddr_in *)&a.source;
	struct sockaddr_in *dst = (struct sockaddr_in *)&a.target;

	(void)state;
	/* bindto an address this host does not have (TEST-NET-1) */
	tcp_attempt_init(&a, &c, 9, 2000000, &bad_source);
	a.has_source = true;
	src->sin_family = AF_INET;
	src->sin_addr.s_addr = htonl(0xc0000201);
	a.source_len = sizeof(*src);
	tcp_attempt_run(&a, 0);
	assert_int_equal(bad_source.calls, 1);
	assert_false(bad_source.called_in_start);
	assert_int_equal(bad_source.result.outcome, CHECK_FAIL_CONNECT_ERROR);
	assert_int_equal(bad_source.result.detail, EADDRNOTAVAIL);
	assert_string_equal(bad_source.result.text,
			    "TCP socket setup: Cannot assign requested address");
	/* TCP to the broadcast address fails in connect() itself */
	tcp_attempt_init(&a, &c, 9, 2000000, &unreachable);
	dst->sin_addr.s_addr = htonl(INADDR_BROADCAST);
	tcp_attempt_run(&a, 0);
	assert_int_equal(unreachable.calls, 1);
	assert_false(unreachable.called_in_start);
	assert_int_equal(unreachable.result.outcome, CHECK_FAIL_UNREACHABLE);
	assert_string_equal(unreachable.result.text, "TCP connect: Network is unreachable");
}

/* Cancelled before the loop runs: done never comes, handles all close. */
static void test_tcp_probe_cancel(void **state)
{
	struct probe_run run = { 0 };
	struct check_checker_config c;
	struct check_attempt a;
	uv_loop_t loop;
	uint16_t port;
	int fd = tcp_listener(&port);

	(void)state;
	tcp_attempt_init(&a, &c, port, 2000000, &run);
	uv_loop_init(&loop);
	a.loop = &loop;
	assert_int_equal(check_probe_start(&a), 0);
	check_probe_cancel(&a);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	assert_int_equal(run.calls, 0);
	close(fd);
}

static void cancel_from_loop(uv_timer_t *timer)
{
	check_probe_cancel(timer->data);
	uv_close((uv_handle_t *)timer, NULL);
}

/* Cancelled from the loop while the connect is still in progress: no
 * result, and the timeout goes with it (the loop ends long before it). */
static void test_tcp_probe_cancel_while_connecting(void **state)
{
	struct probe_run run = { 0 };
	struct check_checker_config c;
	struct check_attempt a;
	uv_loop_t loop;
	uv_timer_t canceller;
	uint64_t started_ns;
	uint16_t port;
	int queued, fd = tcp_listener_full(&port, &queued);

	(void)state;
	tcp_attempt_init(&a, &c, port, 2000000, &run);
	uv_loop_init(&loop);
	a.loop = &loop;
	uv_timer_init(&loop, &canceller);
	canceller.data = &a;
	uv_timer_start(&canceller, cancel_from_loop, 20, 0);
	started_ns = uv_hrtime();
	assert_int_equal(check_probe_start(&a), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	assert_int_equal(run.calls, 0);
	assert_true(uv_hrtime() - started_ns < 1000000000u);
	close(queued);
	close(fd);
}

/* ---- UDP_CHECK on the loopback: a server in the same loop ---- */

static void udp_server_reply(uv_poll_t *poll, int status, int events)
{
	int fd = *(int *)poll->data;
	struct sockaddr_storage from;
	socklen_t len = sizeof(from);
	char buf[64];

	(void)status;
	(void)events;
	if (recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len) >= 0)
		sendto(fd, "OK\n", 3, 0, (struct sockaddr *)&from, len);
}

static int udp_bound(uint16_t *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* One UDP_CHECK attempt to 127.0.0.1:port expecting "OK"; with
 * serve_fd >= 0 that socket answers from the same loop. */
static void udp_attempt(uint16_t port, int serve_fd, bool cancel, struct probe_run *run)
{
	static uint8_t want[] = { 'O', 'K' }, mask[] = { 0xff, 0xff };
	struct check_checker_config c = { .type = CHECK_TYPE_UDP };
	struct check_attempt a = { .cfg = &c, .timeout_us = 2000000, .done = probe_done,
				   .data = run };
	struct sockaddr_in *t = (struct sockaddr_in *)&a.target;
	uv_loop_t loop;
	uv_poll_t server;

	c.udp.require_reply = true;
	c.udp.reply = want;
	c.udp.reply_mask = mask;
	c.udp.reply_len = sizeof(want);
	c.udp.max_reply_length = 255;
	uv_loop_init(&loop);
	a.loop = &loop;
	t->sin_family = AF_INET;
	t->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	t->sin_port = htons(port);
	a.target_len = sizeof(*t);
	if (serve_fd >= 0) {
		uv_poll_init(&loop, &server, serve_fd);
		server.data = &serve_fd;
		uv_poll_start(&server, UV_READABLE, udp_server_reply);
	}
	run->in_start = true;
	assert_int_equal(check_probe_start(&a), 0);
	run->in_start = false;
	if (cancel)
		check_probe_cancel(&a);
	if (serve_fd >= 0) {
		while (!run->calls && !cancel && uv_run(&loop, UV_RUN_ONCE))
			;
		uv_close((uv_handle_t *)&server, NULL);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void test_udp_probe_loopback(void **state)
{
	struct probe_run up = { 0 }, down = { 0 }, cancelled = { 0 };
	uint16_t port;
	int fd = udp_bound(&port);

	(void)state;
	udp_attempt(port, fd, false, &up);
	assert_int_equal(up.calls, 1);
	assert_false(up.called_in_start);
	assert_int_equal(up.result.outcome, CHECK_OK);
	udp_attempt(port, fd, true, &cancelled);
	assert_int_equal(cancelled.calls, 0);
	close(fd);
	/* nobody on the port: ICMP port unreachable on the connected socket */
	udp_attempt(port, -1, false, &down);
	assert_int_equal(down.calls, 1);
	assert_int_equal(down.result.outcome, CHECK_FAIL_CONNECT_REFUSED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outcome_names_complete),
		cmocka_unit_test(test_outcome_from_errno),
		cmocka_unit_test(test_attempt_init_defaults),
		cmocka_unit_test(test_attempt_init_overrides),
		cmocka_unit_test(test_attempt_init_bind_port_only),
		cmocka_unit_test(test_attempt_init_ipv6),
		cmocka_unit_test(test_udp_match_any),
		cmocka_unit_test(test_udp_match_data_and_mask),
		cmocka_unit_test(test_udp_match_from_config),
		cmocka_unit_test(test_udp_verdict_names),
		cmocka_unit_test(test_ping_build_v4_matches_scapy),
		cmocka_unit_test(test_ping_build_v6),
		cmocka_unit_test(test_ping_parse_v4),
		cmocka_unit_test(test_ping_parse_v4_damaged),
		cmocka_unit_test(test_ping_parse_v6),
		cmocka_unit_test(test_ping_verdict_names),
		cmocka_unit_test(test_tcp_probe_loopback),
		cmocka_unit_test(test_tcp_probe_timeout),
		cmocka_unit_test(test_tcp_probe_late_loop_sees_the_socket),
		cmocka_unit_test(test_tcp_probe_fails_from_the_loop),
		cmocka_unit_test(test_tcp_probe_cancel),
		cmocka_unit_test(test_tcp_probe_cancel_while_connecting),
		cmocka_unit_test(test_udp_probe_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
