/* The pure codecs behind SMTP_CHECK and DNS_CHECK: SMTP reply parsing
 * (check_smtp_reply.c) and DNS query building / reply checking
 * (check_dns_codec.c). */
#include "unit.h"

#include "checker/check_dns_codec.h"
#include "checker/check_smtp_reply.h"

/* ---- SMTP replies ---- */

static enum check_smtp_parse smtp(const char *text, struct check_smtp_reply *r)
{
	return check_smtp_reply_parse(text, strlen(text), r);
}

static void test_smtp_single_line(void **state)
{
	struct check_smtp_reply r;

	(void)state;
	assert_int_equal(smtp("220 mail.example.org ESMTP ready\r\n", &r), CHECK_SMTP_REPLY_COMPLETE);
	assert_int_equal(r.code, 220);
	assert_string_equal(r.text, "mail.example.org ESMTP ready");
	assert_int_equal(r.consumed, strlen("220 mail.example.org ESMTP ready\r\n"));
	/* a code alone, and a bare LF, are replies too */
	assert_int_equal(smtp("250\r\n", &r), CHECK_SMTP_REPLY_COMPLETE);
	assert_int_equal(r.code, 250);
	assert_string_equal(r.text, "");
	assert_int_equal(smtp("554 go away\n", &r), CHECK_SMTP_REPLY_COMPLETE);
	assert_int_equal(r.code, 554);
	assert_int_equal(r.consumed, 12);
}

static void test_smtp_multi_line(void **state)
{
	const char *text = "250-mx.example.org\r\n250-SIZE 1000\r\n250 HELP\r\n221 extra";
	struct check_smtp_reply r;

	(void)state;
	assert_int_equal(smtp(text, &r), CHECK_SMTP_REPLY_COMPLETE);
	assert_int_equal(r.code, 250);
	assert_string_equal(r.text, "mx.example.org");
	/* only the reply is consumed, not what follows it */
	assert_int_equal(r.consumed, strlen(text) - strlen("221 extra"));
	/* a continuation line with nothing after the '-' */
	assert_int_equal(smtp("220-\r\n220 ok\r\n", &r), CHECK_SMTP_REPLY_COMPLETE);
	assert_int_equal(r.code, 220);
}

static void test_smtp_partial(void **state)
{
	struct check_smtp_reply r;

	(void)state;
	assert_int_equal(smtp("", &r), CHECK_SMTP_REPLY_INCOMPLETE);
	assert_int_equal(smtp("22", &r), CHECK_SMTP_REPLY_INCOMPLETE);
	assert_int_equal(smtp("220 still typ", &r), CHECK_SMTP_REPLY_INCOMPLETE);
	assert_int_equal(smtp("250-first\r\n", &r), CHECK_SMTP_REPLY_INCOMPLETE);
	assert_int_equal(smtp("250-first\r\n250 la", &r), CHECK_SMTP_REPLY_INCOMPLETE);
	assert_int_equal(smtp("250 done\r", &r), CHECK_SMTP_REPLY_INCOMPLETE);
}

static void test_smtp_garbage(void **state)
{
	static const char *const bad[] = {
		"HTTP/1.1 400 Bad Request\r\n",
		"2x0 hello",            /* refused before any newline arrives */
		"250xhello\r\n",
		"25\r\n",
		"\r\n",
		"600 out of range\r\n",
		"099 out of range\r\n",
		"250-one\r\n251 two\r\n",   /* the code changes mid-reply */
		"250-one\r\nnonsense\r\n",
	};
	struct check_smtp_reply r;
	char long_line[CHECK_SMTP_LINE_MAX + 10];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(smtp(bad[i], &r), CHECK_SMTP_REPLY_MALFORMED);
		assert_non_null(r.why);
	}
	memset(long_line, 'x', sizeof(long_line) - 1);
	memcpy(long_line, "220 ", 4);
	long_line[sizeof(long_line) - 1] = '\0';
	assert_int_equal(smtp(long_line, &r), CHECK_SMTP_REPLY_MALFORMED);
	/* NUL bytes and control characters never reach the log text */
	assert_int_equal(check_smtp_reply_parse("220 a\001b\0c\r\n", 11, &r),
			 CHECK_SMTP_REPLY_COMPLETE);
	assert_string_equal(r.text, "a?b?c");
}

/* ---- DNS: names and queries ---- */

static void test_dns_qtypes(void **state)
{
	(void)state;
	assert_int_equal(check_dns_qtype(CHECK_DNS_A), 1);
	assert_int_equal(check_dns_qtype(CHECK_DNS_NS), 2);
	assert_int_equal(check_dns_qtype(CHECK_DNS_CNAME), 5);
	assert_int_equal(check_dns_qtype(CHECK_DNS_SOA), 6);
	assert_int_equal(check_dns_qtype(CHECK_DNS_MX), 15);
	assert_int_equal(check_dns_qtype(CHECK_DNS_TXT), 16);
	assert_int_equal(check_dns_qtype(CHECK_DNS_AAAA), 28);
}

static void test_dns_encode_name(void **state)
{
	static const uint8_t example[] = { 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0 };
	uint8_t out[300];
	char name[300];

	(void)state;
	assert_int_equal(check_dns_encode_name(".", out, sizeof(out)), 1);
	assert_int_equal(out[0], 0);
	assert_int_equal(check_dns_encode_name("", out, sizeof(out)), 1);
	assert_int_equal(check_dns_encode_name("example.com", out, sizeof(out)), sizeof(example));
	assert_memory_equal(out, example, sizeof(example));
	assert_int_equal(check_dns_encode_name("example.com.", out, sizeof(out)), sizeof(example));
	assert_memory_equal(out, example, sizeof(example));
	assert_int_equal(check_dns_encode_name("a..b", out, sizeof(out)), -1);
	assert_int_equal(check_dns_encode_name(".com", out, sizeof(out)), -1);
	assert_int_equal(check_dns_encode_name("example.com", out, 5), -1);
	/* labels: 63 bytes is the most */
	memset(name, 'a', 63);
	strcpy(name + 63, ".org");
	assert_int_equal(check_dns_encode_name(name, out, sizeof(out)), 1 + 63 + 4 + 1);
	memset(name, 'a', 64);
	strcpy(name + 64, ".org");
	assert_int_equal(check_dns_encode_name(name, out, sizeof(out)), -1);
	/* names: 255 bytes in wire form is the most (63.63.63.61 is exactly that) */
	memset(name, 'b', sizeof(name));
	name[63] = name[127] = name[191] = '.';
	name[253] = '\0';
	assert_int_equal(check_dns_encode_name(name, out, sizeof(out)), 255);
	name[253] = 'b';
	name[254] = '\0';
	assert_int_equal(check_dns_encode_name(name, out, sizeof(out)), -1);
}

static void test_dns_build_query(void **state)
{
	static const uint8_t want[] = {
		0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,        /* id, RD, one question */
		3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		0, 1, 0, 1,                                             /* A, IN */
	};
	uint8_t q[CHECK_DNS_QUERY_MAX];
	int n;

	(void)state;
	n = check_dns_build_query(0x1234, check_dns_qtype(CHECK_DNS_A), "www.example.com", q,
				  sizeof(q));
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(q, want, sizeof(want));
	/* every type: the root name, then the type and class IN */
	for (int t = 0; t < CHECK_DNS_COUNT; t++) {
		uint16_t qtype = check_dns_qtype((enum check_dns_type)t);

		n = check_dns_build_query(0xbeef, qtype, ".", q, sizeof(q));
		assert_int_equal(n, CHECK_DNS_HEADER_LEN + 1 + 4);
		assert_int_equal(q[0], 0xbe);
		assert_int_equal(q[12], 0);
		assert_int_equal(q[13] << 8 | q[14], qtype);
		assert_int_equal(q[15] << 8 | q[16], CHECK_DNS_CLASS_IN);
	}
	assert_int_equal(check_dns_build_query(1, 1, "a..b", q, sizeof(q)), -1);
	assert_int_equal(check_dns_build_query(1, 1, "example.com", q, 20), -1);
}

/* ---- DNS: replies ---- */

struct dns_case {
	uint8_t query[CHECK_DNS_QUERY_MAX];
	size_t query_len;
	uint8_t reply[512];
	size_t reply_len;
	struct check_dns_reply_info info;
};

/* A query for `name`/`type` and the start of its answer: the query with
 * QR and RA set, no records yet. */
static void dns_case_init(struct dns_case *c, const char *name, enum check_dns_type type)
{
	int n = check_dns_build_query(0xa1b2, check_dns_qtype(type), name, c->query,
				      sizeof(c->query));

	assert_true(n > 0);
	c->query_len = (size_t)n;
	memcpy(c->reply, c->query, c->query_len);
	c->reply_len = c->query_len;
	c->reply[2] |= 0x80;    /* QR */
	c->reply[3] |= 0x80;    /* RA */
}

static void dns_append(struct dns_case *c, const void *bytes, size_t len)
{
	assert_true(c->reply_len + len <= sizeof(c->reply));
	memcpy(c->reply + c->reply_len, bytes, len);
	c->reply_len += len;
}

/* One record: `owner` (wire bytes), type, class IN, TTL 300, then rdata. */
static void dns_add_record(struct dns_case *c, const void *owner, size_t owner_len,
			   uint16_t type, const void *rdata, size_t rdlen)
{
	uint8_t fixed[10] = { (uint8_t)(type >> 8), (uint8_t)type, 0, 1, 0, 0, 1, 0x2c,
			      (uint8_t)(rdlen >> 8), (uint8_t)rdlen };

	dns_append(c, owner, owner_len);
	dns_append(c, fixed, sizeof(fixed));
	dns_append(c, rdata, rdlen);
	c->reply[7]++;          /* ancount (fewer than 256 here) */
}

static enum check_dns_verdict dns_verdict(struct dns_case *c)
{
	return check_dns_check_reply(c->query, c->query_len, c->reply, c->reply_len, &c->info);
}

static const uint8_t to_question[] = { 0xc0, 12 };     /* a pointer to the question's name */

static void test_dns_reply_good(void **state)
{
	static const uint8_t addr[] = { 10, 0, 0, 2 };
	struct dns_case c;

	(void)state;
	dns_case_init(&c, "example.com", CHECK_DNS_A);
	dns_add_record(&c, to_question, sizeof(to_question), 1, addr, sizeof(addr));
	assert_int_equal(dns_verdict(&c), CHECK_DNS_OK);
	assert_int_equal(c.info.id, 0xa1b2);
	assert_int_equal(c.info.ancount, 1);
	assert_int_equal(c.info.rcode, 0);
	/* NOERROR with no answer records is still a working server */
	dns_case_init(&c, "example.com", CHECK_DNS_AAAA);
	assert_int_equal(dns_verdict(&c), CHECK_DNS_OK);
	assert_int_equal(c.info.ancount, 0);
	/* the question may come back in another case (DNS 0x20) */
	dns_case_init(&c, "example.com", CHECK_DNS_A);
	c.reply[13] = 'E';
	assert_int_equal(dns_verdict(&c), CHECK_DNS_OK);
	/* TC: a truncated answer is still an answer */
	dns_case_init(&c, ".", CHECK_DNS_SOA);
	c.reply[2] |= 0x02;
	assert_int_equal(dns_verdict(&c), CHECK_DNS_OK);
	assert_true(c.info.truncated);
}

static void test_dns_reply_not_ours(void **state)
{
	struct dns_case c;

	(void)state;
	dns_case_init(&c, "example.com", CHECK_DNS_A);
	c.reply[1] ^= 1;
	assert_int_equal(dns_verdict(&c), CHECK_DNS_WRONG_ID);
	dns_case_init(&c, "example.com", CHECK_DNS_A);
	c.reply[2] &= 0x7f;
	assert_int_equal(dns_verdict(&c), CHECK_DNS_NOT_RESPONSE);
	dns_case_init(&c, "example.com", CHECK_DNS_A);
	c.reply_len = 11;
	assert_int_equal(dns_verdict(&c), CHECK_DNS_SHORT);
}

static void test_dns_reply_errors(void **state)
{
	struct dns_case c;
	char buf[16];

	(void)state;
	dns_case_init(&c, "nowhere.example", CHECK_DNS_A);
	c.reply[3] = (uint8_t)((c.reply[3] & 0xf0) | 3);
	assert_int_equal(dns_verdict(&c), CHECK_DNS_RCODE);
	assert_int_equal(c.info.rcode, 3);
	assert_string_equal(check_dns_rcode_name(3, buf, sizeof(buf)), "NXDOMAIN");
	assert_string_equal(check_dns_rcode_name(2, buf, sizeof(buf)), "SERVFAIL");
	assert_string_equal(check_dns_rcode_name(11, buf, sizeof(buf)), "RCODE11");
	/* an error reply without the question is still judged by its rcode */
	dns_case_init(&c, "example.com", CHECK_DNS_A);
	c.reply[3] = (uint8_t)((c.reply[3] & 0xf0) | 5);
	c.reply[5] = 0;
	c.reply_len = CHECK_DNS_HEADER_LEN;
	assert_int_equal(dns_verdict(&c), CHECK_DNS_RCODE);
	assert_int_equal(c.info.rcode, 5);
	dns_case_init(&c, "example.com", CHECK_DNS_A);
	c.reply[2] |= 2 << 3;   /* opcode STATUS */
	assert_int_equal(dns_verdict(&c), CHECK_DNS_BAD_OPCODE);
}

static void test_dns_reply_question(void **state)
{
	struct dns_case c;

	(void)state;
	dns_case_init(&c, "example.com", CHECK_DNS_A);
	c.reply[14] = 'z';      /* "ezample.com" */
	assert_int_equal(dns_verdict(&c), CHECK_DNS_BAD_QUESTION);
	dns_case_init(&c, "example.com", CHECK_DNS_A);
	c.reply[c.reply_len - 3] = 28;   /* AAAA instead of A */
	assert_int_equal(dns_verdict(&c), CHECK_DNS_BAD_QUESTION);
	dns_case_init(&c, "example.com", CHECK_DNS_A);
	c.reply[5] = 0;         /* NOERROR without the question */
	assert_int_equal(dns_verdict(&c), CHECK_DNS_BAD_QUESTION);
	dns_case_init(&c, "example.com", CHECK_DNS_A);
	c.reply_len -= 2;       /* class cut off */
	assert_int_equal(dns_verdict(&c), CHECK_DNS_MALFORMED);
}

static void test_dns_reply_truncated(void **state)
{
	static const uint8_t addr[] = { 10, 0, 0, 2 };
	struct dns_case c;
	size_t full;

	(void)state;
	dns_case_init(&c, "example.com", CHECK_DNS_A);
	dns_add_record(&c, to_question, sizeof(to_question), 1, addr, sizeof(addr));
	full = c.reply_len;
	/* cut anywhere inside the record: malformed */
	for (size_t cut = c.query_len + 1; cut < full; cut++) {
		c.reply_len = cut;
		assert_int_equal(dns_verdict(&c), CHECK_DNS_MALFORMED);
	}
	/* ancount promises a record that is not there */
	c.reply_len = full;
	c.reply[7] = 2;
	assert_int_equal(dns_verdict(&c), CHECK_DNS_MALFORMED);
}

static void test_dns_reply_compression(void **state)
{
	/* MX 10 mail.<question>, CNAME www -> <question>, SOA ns.<q> admin.<q> */
	static const uint8_t mx[] = { 0, 10, 4, 'm', 'a', 'i', 'l', 0xc0, 12 };
	static const uint8_t cname[] = { 0xc0, 12 };
	static const uint8_t www[] = { 3, 'w', 'w', 'w', 0xc0, 12 };
	uint8_t soa[2 + 2 + 7 + 2 + 20] = { 0xc0, 12, 5, 'a', 'd', 'm', 'i', 'n', 0xc0, 12 };
	struct dns_case c;

	(void)state;
	dns_case_init(&c, "example.com", CHECK_DNS_MX);
	dns_add_record(&c, to_question, sizeof(to_question), 15, mx, sizeof(mx));
	assert_int_equal(dns_verdict(&c), CHECK_DNS_OK);
	dns_case_init(&c, "www.example.com", CHECK_DNS_CNAME);
	dns_add_record(&c, www, sizeof(www), 5, cname, sizeof(cname));
	assert_int_equal(dns_verdict(&c), CHECK_DNS_OK);
	dns_case_init(&c, "example.com", CHECK_DNS_SOA);
	dns_add_record(&c, to_question, sizeof(to_question), 6, soa, 10 + 20);
	assert_int_equal(dns_verdict(&c), CHECK_DNS_OK);
	dns_case_init(&c, "example.com", CHECK_DNS_SOA);
	dns_add_record(&c, to_question, sizeof(to_question), 6, soa, 10 + 19);
	assert_int_equal(dns_verdict(&c), CHECK_DNS_MALFORMED);
	/* an MX whose name runs past its rdata */
	dns_case_init(&c, "example.com", CHECK_DNS_MX);
	dns_add_record(&c, to_question, sizeof(to_question), 15, mx, sizeof(mx) - 1);
	assert_int_equal(dns_verdict(&c), CHECK_DNS_MALFORMED);
}

static void test_dns_reply_bad_pointers(void **state)
{
	static const uint8_t addr[] = { 10, 0, 0, 2 };
	struct dns_case c;
	uint8_t self[2];

	(void)state;
	/* a pointer to itself would loop forever */
	dns_case_init(&c, "example.com", CHECK_DNS_A);
	self[0] = (uint8_t)(0xc0 | c.reply_len >> 8);
	self[1] = (uint8_t)c.reply_len;
	dns_add_record(&c, self, sizeof(self), 1, addr, sizeof(addr));
	assert_int_equal(dns_verdict(&c), CHECK_DNS_MALFORMED);
	/* forwards, into the header, and the reserved 0x40 label type */
	dns_case_init(&c, "example.com", CHECK_DNS_A);
	self[1] = (uint8_t)(c.reply_len + 6);
	dns_add_record(&c, self, sizeof(self), 1, addr, sizeof(addr));
	assert_int_equal(dns_verdict(&c), CHECK_DNS_MALFORMED);
	dns_case_init(&c, "example.com", CHECK_DNS_A);
	dns_add_record(&c, (const uint8_t[]){ 0xc0, 2 }, 2, 1, addr, sizeof(addr));
	assert_int_equal(dns_verdict(&c), CHECK_DNS_MALFORMED);
	dns_case_init(&c, "example.com", CHECK_DNS_A);
	dns_add_record(&c, (const uint8_t[]){ 0x41, 0 }, 2, 1, addr, sizeof(addr));
	assert_int_equal(dns_verdict(&c), CHECK_DNS_MALFORMED);
	assert_string_equal(check_dns_verdict_name(CHECK_DNS_WRONG_ID), "wrong id");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smtp_single_line),
		cmocka_unit_test(test_smtp_multi_line),
		cmocka_unit_test(test_smtp_partial),
		cmocka_unit_test(test_smtp_garbage),
		cmocka_unit_test(test_dns_qtypes),
		cmocka_unit_test(test_dns_encode_name),
		cmocka_unit_test(test_dns_build_query),
		cmocka_unit_test(test_dns_reply_good),
		cmocka_unit_test(test_dns_reply_not_ours),
		cmocka_unit_test(test_dns_reply_errors),
		cmocka_unit_test(test_dns_reply_question),
		cmocka_unit_test(test_dns_reply_truncated),
		cmocka_unit_test(test_dns_reply_compression),
		cmocka_unit_test(test_dns_reply_bad_pointers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
