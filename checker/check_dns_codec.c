/* DNS query building and reply checking; see check_dns_codec.h. */
#include "config.h"
#include "checker/check_dns_codec.h"

#include <stdio.h>
#include <string.h>

#define DNS_FLAG_QR 0x8000u
#define DNS_FLAG_TC 0x0200u
#define DNS_FLAG_RD 0x0100u
#define DNS_OPCODE(flags) (((flags) >> 11) & 0xfu)
#define DNS_RCODE(flags) ((flags) & 0xfu)
#define DNS_RR_FIXED_LEN 10             /* type, class, ttl, rdlength */
#define DNS_POINTER_MASK 0xc0u

enum { RR_A = 1, RR_NS = 2, RR_CNAME = 5, RR_SOA = 6, RR_MX = 15, RR_TXT = 16, RR_AAAA = 28 };

static const uint16_t qtypes[CHECK_DNS_COUNT] = {
	[CHECK_DNS_A] = RR_A, [CHECK_DNS_NS] = RR_NS, [CHECK_DNS_CNAME] = RR_CNAME,
	[CHECK_DNS_SOA] = RR_SOA, [CHECK_DNS_MX] = RR_MX, [CHECK_DNS_TXT] = RR_TXT,
	[CHECK_DNS_AAAA] = RR_AAAA,
};

const char *const check_dns_verdict_names[CHECK_DNS_VERDICT_COUNT] = {
	[CHECK_DNS_OK] = "ok",
	[CHECK_DNS_SHORT] = "shorter than a DNS header",
	[CHECK_DNS_WRONG_ID] = "wrong id",
	[CHECK_DNS_NOT_RESPONSE] = "not a response (QR clear)",
	[CHECK_DNS_BAD_OPCODE] = "wrong opcode",
	[CHECK_DNS_RCODE] = "error rcode",
	[CHECK_DNS_BAD_QUESTION] = "question not echoed",
	[CHECK_DNS_MALFORMED] = "malformed message",
};

const char *check_dns_verdict_name(enum check_dns_verdict v)
{
	return (unsigned)v < CHECK_DNS_VERDICT_COUNT ? check_dns_verdict_names[v] : "?";
}

uint16_t check_dns_qtype(enum check_dns_type type)
{
	return (unsigned)type < CHECK_DNS_COUNT ? qtypes[type] : RR_SOA;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int check_dns_encode_name(const char *name, uint8_t *out, size_t cap)
{
	size_t n = 0;
	const char *s = name;

	if (strcmp(name, ".") == 0)
		s = "";
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t label = dot ? (size_t)(dot - s) : strlen(s);

		if (label == 0 || label > CHECK_DNS_LABEL_MAX)
			return -1;
		if (n + 1 + label + 1 > CHECK_DNS_NAME_WIRE_MAX || n + 1 + label + 1 > cap)
			return -1;
		out[n++] = (uint8_t)label;
		memcpy(out + n, s, label);
		n += label;
		s += label + (dot ? 1 : 0);
	}
	if (n + 1 > cap)
		return -1;
	out[n++] = 0;
	return (int)n;
}

int check_dns_build_query(uint16_t id, uint16_t qtype, const char *name, uint8_t *out,
			  size_t cap)
{
	int n;

	if (cap < CHECK_DNS_HEADER_LEN + 4)
		return -1;
	memset(out, 0, CHECK_DNS_HEADER_LEN);
	put16(out, id);
	put16(out + 2, DNS_FLAG_RD);    /* opcode QUERY; recursion desired, as keepalived */
	put16(out + 4, 1);              /* one question, no records */
	n = check_dns_encode_name(name, out + CHECK_DNS_HEADER_LEN,
				  cap - CHECK_DNS_HEADER_LEN - 4);
	if (n < 0)
		return -1;
	n += CHECK_DNS_HEADER_LEN;
	put16(out + n, qtype);
	put16(out + n + 2, CHECK_DNS_CLASS_IN);
	return n + 4;
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 'a' - 'A') : c;
}

/* Reads the possibly compressed name at m[off]; *next is where the bytes
 * after it (in place, not after a pointer's target) begin.  The expanded
 * name, lowercased, goes to out (CHECK_DNS_NAME_WIRE_MAX bytes) if not
 * NULL.  A pointer must point strictly backwards, so reading always ends. */
static bool read_name(const uint8_t *m, size_t len, size_t off, size_t *next, uint8_t *out,
		      size_t *out_len)
{
	size_t n = 0, limit = off;
	bool jumped = false;

	for (;;) {
		if (off >= len)
			return false;
		uint8_t b = m[off];

		if ((b & DNS_POINTER_MASK) == DNS_POINTER_MASK) {
			if (off + 1 >= len)
				return false;
			size_t target = (size_t)((b & 0x3fu) << 8 | m[off + 1]);

			if (target >= limit || target < CHECK_DNS_HEADER_LEN)
				return false;
			if (!jumped)
				*next = off + 2;
			jumped = true;
			off = limit = target;
			continue;
		}
		if (b & DNS_POINTER_MASK)       /* 0x40 and 0x80: reserved label types */
			return false;
		if (off + 1 + b > len || n + 1 + b > CHECK_DNS_NAME_WIRE_MAX)
			return false;
		if (out)
			for (size_t i = 0; i <= b; i++)
				out[n + i] = lower(m[off + i]);
		n += 1 + (size_t)b;
		off += 1 + (size_t)b;
		if (b == 0)
			break;
	}
	if (!jumped)
		*next = off;
	if (out_len)
		*out_len = n;
	return true;
}

/* The question must be the one asked: name (any case), type, class. */
static enum check_dns_verdict check_question(const uint8_t *query, size_t query_len,
					     const uint8_t *m, size_t len, size_t *off)
{
	uint8_t got[CHECK_DNS_NAME_WIRE_MAX];
	size_t got_len, want_len = query_len - CHECK_DNS_HEADER_LEN - 4;
	const uint8_t *want = query + CHECK_DNS_HEADER_LEN;

	if (get16(m + 4) != 1)
		return CHECK_DNS_BAD_QUESTION;
	if (!read_name(m, len, *off, off, got, &got_len) || *off + 4 > len)
		return CHECK_DNS_MALFORMED;
	if (got_len != want_len || memcmp(m + *off, want + want_len, 4) != 0)
		return CHECK_DNS_BAD_QUESTION;
	for (size_t i = 0; i < got_len; i++)
		if (got[i] != lower(want[i]))
			return CHECK_DNS_BAD_QUESTION;
	*off += 4;
	return CHECK_DNS_OK;
}

/* Record data that holds names (NS, CNAME, MX, SOA) must hold them whole. */
static bool check_rdata(const uint8_t *m, uint16_t type, size_t off, size_t end)
{
	size_t next = off;

	switch (type) {
	case RR_MX:
		off += 2;
		/* fall through */
	case RR_NS:
	case RR_CNAME:
		return off < end && read_name(m, end, off, &next, NULL, NULL) && next == end;
	case RR_SOA:
		if (!read_name(m, end, off, &next, NULL, NULL) ||
		    !read_name(m, end, next, &next, NULL, NULL))
			return false;
		return next + 20 == end;        /* serial, refresh, retry, expire, minimum */
	default:
		return true;
	}
}

/* Every record of the three sections must lie inside the message. */
static bool check_records(const uint8_t *m, size_t len, size_t off, unsigned count)
{
	for (unsigned i = 0; i < count; i++) {
		uint16_t type, rdlength;

		if (!read_name(m, len, off, &off, NULL, NULL) || off + DNS_RR_FIXED_LEN > len)
			return false;
		type = get16(m + off);
		rdlength = get16(m + off + 8);
		off += DNS_RR_FIXED_LEN;
		if (off + rdlength > len || !check_rdata(m, type, off, off + rdlength))
			return false;
		off += rdlength;
	}
	return true;
}

static void read_header(const uint8_t *m, struct check_dns_reply_info *info)
{
	uint16_t flags = get16(m + 2);

	info->id = get16(m);
	info->opcode = (int)DNS_OPCODE(flags);
	info->rcode = (int)DNS_RCODE(flags);
	info->truncated = (flags & DNS_FLAG_TC) != 0;
	info->qdcount = get16(m + 4);
	info->ancount = get16(m + 6);
	info->nscount = get16(m + 8);
	info->arcount = get16(m + 10);
}

enum check_dns_verdict check_dns_check_reply(const uint8_t *query, size_t query_len,
					     const uint8_t *reply, size_t reply_len,
					     struct check_dns_reply_info *info)
{
	size_t off = CHECK_DNS_HEADER_LEN;
	enum check_dns_verdict v;

	memset(info, 0, sizeof(*info));
	if (reply_len < CHECK_DNS_HEADER_LEN)
		return CHECK_DNS_SHORT;
	read_header(reply, info);
	if (info->id != get16(query))
		return CHECK_DNS_WRONG_ID;
	if (!(get16(reply + 2) & DNS_FLAG_QR))
		return CHECK_DNS_NOT_RESPONSE;
	if (info->opcode != (int)DNS_OPCODE(get16(query + 2)))
		return CHECK_DNS_BAD_OPCODE;
	if (info->rcode != 0)
		return CHECK_DNS_RCODE;
	v = check_question(query, query_len, reply, reply_len, &off);
	if (v != CHECK_DNS_OK)
		return v;
	if (!check_records(reply, reply_len, off,
			   (unsigned)info->ancount + info->nscount + info->arcount))
		return CHECK_DNS_MALFORMED;
	return CHECK_DNS_OK;
}

const char *check_dns_rcode_name(int rcode, char *buf, size_t len)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					     "NOTIMP", "REFUSED" };

	if (rcode >= 0 && rcode < (int)(sizeof(names) / sizeof(names[0])))
		return names[rcode];
	snprintf(buf, len, "RCODE%d", rcode);
	return buf;
}
