/* Judging one HTTP answer (see check_http_verify.h): status ranges, the
 * body's MD5 (OpenSSL EVP) and regular expressions (PCRE2, the library
 * whose option names regex_options takes). */
#include "config.h"
#include "checker/check_http_verify.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include "lib/late_crypto.h"
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_HTTP_STATUS_DEFAULT_LOW 200
#define CHECK_HTTP_STATUS_DEFAULT_HIGH 299
#define CHECK_HTTP_KEPT_INITIAL 4096

/* ---- status ---- */

bool check_http_status_accepted(const struct check_url_config *u, long status)
{
	if (u->n_status == 0)
		return status >= CHECK_HTTP_STATUS_DEFAULT_LOW &&
		       status <= CHECK_HTTP_STATUS_DEFAULT_HIGH;
	for (size_t i = 0; i < u->n_status; i++)
		if (status >= u->status[i].low && status <= u->status[i].high)
			return true;
	return false;
}

void check_http_status_describe(const struct check_url_config *u, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (u->n_status == 0) {
		snprintf(buf, len, "%d-%d", CHECK_HTTP_STATUS_DEFAULT_LOW,
			 CHECK_HTTP_STATUS_DEFAULT_HIGH);
		return;
	}
	for (size_t i = 0; i < u->n_status && used < len; i++) {
		const struct check_status_range *r = &u->status[i];
		int n = r->low == r->high ?
			snprintf(buf + used, len - used, "%s%u", i ? " " : "", r->low) :
			snprintf(buf + used, len - used, "%s%u-%u", i ? " " : "", r->low, r->high);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* ---- body ---- */

int check_http_body_init(struct check_http_body *b, const struct check_url_config *u)
{
	memset(b, 0, sizeof(*b));
	b->keep_max = u->regex ? CHECK_HTTP_BODY_KEEP_MAX : 0;
	if (!u->digest)
		return 0;
	if (!late_lib_load(&late_crypto, "the digest of HTTP_GET and SSL_GET"))
		return -ELIBACC;
	b->md5 = EVP_MD_CTX_new();
	if (!b->md5 || !EVP_DigestInit_ex(b->md5, EVP_md5(), NULL)) {
		check_http_body_free(b);
		return -ENOMEM;
	}
	return 0;
}

/* Appends what still fits under keep_max to the kept copy. */
static int check_http_body_keep(struct check_http_body *b, const void *data, size_t len)
{
	size_t room = b->keep_max - b->kept_len, want, cap;
	char *grown;

	if (len > room)
		len = room;
	if (len == 0)
		return 0;
	want = b->kept_len + len + 1;
	cap = CHECK_HTTP_KEPT_INITIAL;
	while (cap < want)
		cap *= 2;
	grown = realloc(b->kept, cap);
	if (!grown)
		return -ENOMEM;
	b->kept = grown;
	memcpy(b->kept + b->kept_len, data, len);
	b->kept_len += len;
	b->kept[b->kept_len] = '\0';
	return 0;
}

int check_http_body_add(struct check_http_body *b, const void *data, size_t len)
{
	b->total += len;
	if (b->md5 && !EVP_DigestUpdate(b->md5, data, len))
		return -ENOMEM;
	return check_http_body_keep(b, data, len);
}

bool check_http_body_md5_hex(struct check_http_body *b, char out[CHECK_HTTP_MD5_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	out[0] = '\0';
	if (!b->md5 || !EVP_DigestFinal_ex(b->md5, md, &n) || n * 2 != CHECK_HTTP_MD5_HEX_LEN)
		return false;
	for (unsigned int i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	EVP_MD_CTX_free(b->md5);
	b->md5 = NULL;
	return true;
}

void check_http_body_free(struct check_http_body *b)
{
	if (b->md5)   /* else libcrypto may not even be loaded */
		EVP_MD_CTX_free(b->md5);
	free(b->kept);
	memset(b, 0, sizeof(*b));
}

/* ---- regex ---- */

static const struct { const char *name; uint32_t flag; } check_http_regex_flags[] = {
	{ "allow_empty_class", PCRE2_ALLOW_EMPTY_CLASS }, { "alt_bsux", PCRE2_ALT_BSUX },
	{ "auto_callout", PCRE2_AUTO_CALLOUT }, { "caseless", PCRE2_CASELESS },
	{ "dollar_endonly", PCRE2_DOLLAR_ENDONLY }, { "dotall", PCRE2_DOTALL },
	{ "dupnames", PCRE2_DUPNAMES }, { "extended", PCRE2_EXTENDED },
	{ "firstline", PCRE2_FIRSTLINE }, { "match_unset_backref", PCRE2_MATCH_UNSET_BACKREF },
	{ "multiline", PCRE2_MULTILINE }, { "never_ucp", PCRE2_NEVER_UCP },
	{ "never_utf", PCRE2_NEVER_UTF }, { "no_auto_capture", PCRE2_NO_AUTO_CAPTURE },
	{ "no_auto_possess", PCRE2_NO_AUTO_POSSESS },
	{ "no_dotstar_anchor", PCRE2_NO_DOTSTAR_ANCHOR },
	{ "no_start_optimize", PCRE2_NO_START_OPTIMIZE }, { "ucp", PCRE2_UCP },
	{ "ungreedy", PCRE2_UNGREEDY }, { "utf", PCRE2_UTF },
	{ "never_backslash_c", PCRE2_NEVER_BACKSLASH_C },
	{ "alt_circumflex", PCRE2_ALT_CIRCUMFLEX }, { "alt_verbnames", PCRE2_ALT_VERBNAMES },
	{ "use_offset_limit", PCRE2_USE_OFFSET_LIMIT },
};

uint32_t check_http_regex_flag(unsigned option_index)
{
	const char *name;

	for (unsigned i = 0; i < option_index; i++)
		if (!check_regex_option_names[i])
			return 0;
	name = check_regex_option_names[option_index];
	for (size_t i = 0; name && i < sizeof(check_http_regex_flags) /
	     sizeof(check_http_regex_flags[0]); i++)
		if (strcmp(name, check_http_regex_flags[i].name) == 0)
			return check_http_regex_flags[i].flag;
	return 0;
}

struct check_http_regex {
	pcre2_code *code;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit_stack;
	uint32_t min_offset;
};

static uint32_t check_http_regex_compile_flags(const struct check_url_config *u)
{
	uint32_t flags = 0;

	for (unsigned i = 0; i < 32; i++)
		if (u->regex_options & (1u << i))
			flags |= check_http_regex_flag(i);
	/* pcre2_set_offset_limit() is refused without it */
	if (u->regex_max_offset)
		flags |= PCRE2_USE_OFFSET_LIMIT;
	return flags;
}

/* regex_stack START MAX: with the JIT it is the JIT stack, as keepalived
 * documents it; the interpreter (no JIT on this CPU) keeps its
 * backtracking frames on the heap, so MAX becomes its heap limit there
 * and START has no equivalent. */
static int check_http_regex_limits(struct check_http_regex *re, const struct check_url_config *u,
				   bool jit)
{
	if (u->regex_max_offset)
		pcre2_set_offset_limit(re->mctx, u->regex_max_offset);
	if (!u->regex_stack_max)
		return 0;
	if (!jit) {
		pcre2_set_heap_limit(re->mctx, (u->regex_stack_max + 1023) / 1024);
		return 0;
	}
	re->jit_stack = pcre2_jit_stack_create(u->regex_stack_start, u->regex_stack_max, NULL);
	if (!re->jit_stack)
		return -ENOMEM;
	pcre2_jit_stack_assign(re->mctx, NULL, re->jit_stack);
	return 0;
}

struct check_http_regex *check_http_regex_new(const struct check_url_config *u, char *err,
					      size_t errlen)
{
	struct check_http_regex *re = calloc(1, sizeof(*re));
	int code;
	PCRE2_SIZE offset;
	bool jit;

	if (!re || !u->regex) {
		snprintf(err, errlen, "%s", re ? "no regex" : "out of memory");
		free(re);
		return NULL;
	}
	re->min_offset = u->regex_min_offset;
	re->code = pcre2_compile((PCRE2_SPTR)u->regex, PCRE2_ZERO_TERMINATED,
				 check_http_regex_compile_flags(u), &code, &offset, NULL);
	if (!re->code) {
		PCRE2_UCHAR msg[120];

		pcre2_get_error_message(code, msg, sizeof(msg));
		snprintf(err, errlen, "regex does not compile at offset %zu: %s", (size_t)offset,
			 (const char *)msg);
		free(re);
		return NULL;
	}
	jit = pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE) == 0;
	re->mctx = pcre2_match_context_create(NULL);
	if (!re->mctx || check_http_regex_limits(re, u, jit) < 0) {
		snprintf(err, errlen, "out of memory");
		check_http_regex_free(re);
		return NULL;
	}
	return re;
}

void check_http_regex_free(struct check_http_regex *re)
{
	if (!re)
		return;
	pcre2_jit_stack_free(re->jit_stack);
	pcre2_match_context_free(re->mctx);
	pcre2_code_free(re->code);
	free(re);
}

enum check_http_regex_result check_http_regex_match(const struct check_http_regex *re,
						    const char *subject, size_t len,
						    char *err, size_t errlen)
{
	pcre2_match_data *md;
	PCRE2_UCHAR msg[120];
	int rc;

	if (re->min_offset > len)
		return CHECK_HTTP_REGEX_NO_MATCH;   /* nothing left to search */
	md = pcre2_match_data_create_from_pattern(re->code, NULL);
	if (!md) {
		snprintf(err, errlen, "out of memory");
		return CHECK_HTTP_REGEX_ERROR;
	}
	rc = pcre2_match(re->code, (PCRE2_SPTR)(subject ? subject : ""), len, re->min_offset, 0,
			 md, re->mctx);
	pcre2_match_data_free(md);
	if (rc >= 0)
		return CHECK_HTTP_REGEX_MATCH;
	if (rc == PCRE2_ERROR_NOMATCH)
		return CHECK_HTTP_REGEX_NO_MATCH;
	pcre2_get_error_message(rc, msg, sizeof(msg));
	snprintf(err, errlen, "%s", (const char *)msg);
	return CHECK_HTTP_REGEX_ERROR;
}

/* ---- the verdict ---- */

static enum check_outcome check_http_verify_digest(const struct check_url_config *u,
						   struct check_http_body *b,
						   char *why, size_t whylen)
{
	char hex[CHECK_HTTP_MD5_HEX_LEN + 1];

	if (!check_http_body_md5_hex(b, hex)) {
		snprintf(why, whylen, "body MD5 could not be computed");
		return CHECK_FAIL_INTERNAL;
	}
	if (strcmp(hex, u->digest) == 0)
		return CHECK_OK;
	snprintf(why, whylen, "body MD5 %s, digest wants %s", hex, u->digest);
	return CHECK_FAIL_DIGEST_MISMATCH;
}

static enum check_outcome check_http_verify_regex(const struct check_url_config *u,
						  const struct check_http_body *b,
						  const struct check_http_regex *re,
						  char *why, size_t whylen)
{
	char err[120];
	enum check_http_regex_result r;
	const char *part = b->total > b->kept_len ? " in its first MiB" : "";

	if (!re) {
		snprintf(why, whylen, "regex \"%.40s\" is not compiled", u->regex);
		return CHECK_FAIL_INTERNAL;
	}
	r = check_http_regex_match(re, b->kept, b->kept_len, err, sizeof(err));
	if (r == CHECK_HTTP_REGEX_ERROR)
		snprintf(why, whylen, "regex \"%.40s\": %s", u->regex, err);
	else if (r == CHECK_HTTP_REGEX_MATCH && u->regex_no_match)
		snprintf(why, whylen, "body matches regex \"%.40s\" (regex_no_match)", u->regex);
	else if (r == CHECK_HTTP_REGEX_NO_MATCH && !u->regex_no_match)
		snprintf(why, whylen, "body does not match regex \"%.40s\"%s", u->regex, part);
	else
		return CHECK_OK;
	return CHECK_FAIL_REGEX_MISMATCH;
}

enum check_outcome check_http_verify(const struct check_url_config *u, long status,
				     struct check_http_body *b,
				     const struct check_http_regex *re,
				     int *detail, char *why, size_t whylen)
{
	enum check_outcome outcome = CHECK_OK;
	char accepted[64];

	*detail = 0;
	if (!check_http_status_accepted(u, status)) {
		check_http_status_describe(u, accepted, sizeof(accepted));
		snprintf(why, whylen, "HTTP %ld, accepted %s", status, accepted);
		*detail = (int)status;
		return CHECK_FAIL_BAD_STATUS;
	}
	if (u->digest)
		outcome = check_http_verify_digest(u, b, why, whylen);
	if (outcome == CHECK_OK && u->regex)
		outcome = check_http_verify_regex(u, b, re, why, whylen);
	if (outcome == CHECK_OK)
		snprintf(why, whylen, "HTTP %ld", status);
	return outcome;
}
