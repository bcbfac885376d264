/* Judging one HTTP answer against its url { ... } block, without I/O:
 * the status against status_code (default 200-299), the MD5 of the body
 * against digest, the body against regex / regex_no_match.
 *
 * The body is fed in pieces as it arrives: the MD5 is computed
 * incrementally, and only a url with a regex keeps the body (its first
 * CHECK_HTTP_BODY_KEEP_MAX bytes). */
#ifndef VIGIL_CHECK_HTTP_VERIFY_H
#define VIGIL_CHECK_HTTP_VERIFY_H

#include "checker/check_conf.h"
#include "checker/check_probe.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHECK_HTTP_MD5_HEX_LEN 32
/* A regex is matched against the first MiB of the body: a health page is
 * small, and a server streaming endlessly must not grow our memory. */
#define CHECK_HTTP_BODY_KEEP_MAX (1024 * 1024)

/* true when `status` is in one of the url's status_code ranges, or in
 * 200-299 when it gives none. */
bool check_http_status_accepted(const struct check_url_config *u, long status);

/* The accepted statuses as the configuration spells them ("200-299"),
 * shortened to fit `len`. */
void check_http_status_describe(const struct check_url_config *u, char *buf, size_t len);

/* The body of one answer, as far as the url needs it. */
struct check_http_body {
	void *md5;                       /* EVP_MD_CTX *; NULL: no digest wanted */
	char *kept;                      /* the body's start, for the regex; NUL-ended */
	size_t kept_len, keep_max;       /* keep_max 0: nothing kept */
	uint64_t total;                  /* bytes seen */
};

/* Returns 0 or -ENOMEM. */
int check_http_body_init(struct check_http_body *b, const struct check_url_config *u);
/* Returns 0 or -ENOMEM (the MD5 or the kept copy could not be updated). */
int check_http_body_add(struct check_http_body *b, const void *data, size_t len);
/* The MD5 of everything added, lowercase hex; false when no digest was
 * wanted.  Ends the digest: call once. */
bool check_http_body_md5_hex(struct check_http_body *b, char out[CHECK_HTTP_MD5_HEX_LEN + 1]);
void check_http_body_free(struct check_http_body *b);

/* A url's regex compiled with its regex_options, regex_stack and
 * regex_min/max_offset applied. */
struct check_http_regex;

/* NULL with the reason in `err` when the pattern does not compile. */
struct check_http_regex *check_http_regex_new(const struct check_url_config *u, char *err,
					      size_t errlen);
void check_http_regex_free(struct check_http_regex *re);

enum check_http_regex_result { CHECK_HTTP_REGEX_MATCH, CHECK_HTTP_REGEX_NO_MATCH,
			       CHECK_HTTP_REGEX_ERROR };
/* Searches subject[regex_min_offset..] for a match starting no later
 * than regex_max_offset (when set); ERROR (reason in err) for a limit hit
 * or an invalid UTF subject. */
enum check_http_regex_result check_http_regex_match(const struct check_http_regex *re,
						    const char *subject, size_t len,
						    char *err, size_t errlen);

/* The whole verdict on one answer: CHECK_OK, CHECK_FAIL_BAD_STATUS
 * (*detail = status), CHECK_FAIL_DIGEST_MISMATCH or
 * CHECK_FAIL_REGEX_MISMATCH, with the reason in `why`.  `re` is the url's
 * compiled regex (NULL when it has none); ends the body's digest. */
enum check_outcome check_http_verify(const struct check_url_config *u, long status,
				     struct check_http_body *b,
				     const struct check_http_regex *re,
				     int *detail, char *why, size_t whylen);

/* A regex_options bit index to its PCRE2 compile flag; 0 for an unknown
 * index (every name in check_regex_option_names[] has one). */
uint32_t check_http_regex_flag(unsigned option_index);

#endif
