/* Unit tests for judging HTTP answers (checker/check_http_verify.c):
 * status ranges, the body's MD5 against `digest`, regex with its options
 * and offsets, and the order of the verdicts.  Then the probes' life
 * cycle against loopback sockets, HTTP_GET (checker/check_http.c) and
 * SSL_GET (checker/check_ssl.c on check_curl.c): done comes from the
 * loop, exactly once, never after cancel, and the loop is left with no
 * handle of ours; and HTTP_GET's deadline when the loop itself is late. */
#include "unit.h"

#include "checker/check_conf.h"
#include "checker/check_curl.h"
#include "checker/check_http_verify.h"
#include "checker/check_probe.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* MD5 of "hello world\n" and of nothing (md5sum). */
#define MD5_HELLO "6f5902ac237024bdd0c176cb93063dc4"
#define MD5_EMPTY "d41d8cd98f00b204e9800998ecf8427e"

/* The configuration structs hold char * (the parser's copies); the tests
 * point them at literals they never write. */
#define TXT(s) ((char *)(s))

static unsigned option_bit(const char *name)
{
	for (unsigned i = 0; check_regex_option_names[i]; i++)
		if (strcmp(check_regex_option_names[i], name) == 0)
			return 1u << i;
	fail_msg("no regex option %s", name);
	return 0;
}

/* Feeds `body` in pieces of 3 bytes, as a network would. */
static void feed(struct check_http_body *b, const char *body)
{
	size_t len = strlen(body);

	for (size_t off = 0; off < len; off += 3) {
		size_t n = len - off < 3 ? len - off : 3;

		assert_int_equal(check_http_body_add(b, body + off, n), 0);
	}
}

/* The verdict on status/body for url u; `why` gets the reason. */
static enum check_outcome judge(const struct check_url_config *u, long status, const char *body,
				int *detail, char *why, size_t len)
{
	struct check_http_body b;
	struct check_http_regex *re = NULL;
	char err[128];
	enum check_outcome o;

	assert_int_equal(check_http_body_init(&b, u), 0);
	if (u->regex) {
		re = check_http_regex_new(u, err, sizeof(err));
		assert_non_null(re);
	}
	feed(&b, body);
	o = check_http_verify(u, status, &b, re, detail, why, len);
	check_http_regex_free(re);
	check_http_body_free(&b);
	return o;
}

static enum check_outcome judge_simple(const struct check_url_config *u, long status,
				       const char *body)
{
	char why[160];
	int detail;

	return judge(u, status, body, &detail, why, sizeof(why));
}

static void test_status_default(void **state)
{
	struct check_url_config u = { .path = TXT("/") };
	char text[64];

	(void)state;
	assert_true(check_http_status_accepted(&u, 200));
	assert_true(check_http_status_accepted(&u, 204));
	assert_true(check_http_status_accepted(&u, 299));
	assert_false(check_http_status_accepted(&u, 199));
	assert_false(check_http_status_accepted(&u, 300));
	assert_false(check_http_status_accepted(&u, 301));
	assert_false(check_http_status_accepted(&u, 503));
	check_http_status_describe(&u, text, sizeof(text));
	assert_string_equal(text, "200-299");
}

static void test_status_ranges(void **state)
{
	struct check_status_range r[] = { { 200, 200 }, { 400, 499 }, { 503, 503 } };
	struct check_url_config u = { .path = TXT("/"), .status = r, .n_status = 3 };
	char text[64], small[6];

	(void)state;
	assert_true(check_http_status_accepted(&u, 200));
	assert_true(check_http_status_accepted(&u, 400));
	assert_true(check_http_status_accepted(&u, 404));
	assert_true(check_http_status_accepted(&u, 499));
	assert_true(check_http_status_accepted(&u, 503));
	assert_false(check_http_status_accepted(&u, 201));
	assert_false(check_http_status_accepted(&u, 500));
	assert_false(check_http_status_accepted(&u, 502));
	check_http_status_describe(&u, text, sizeof(text));
	assert_string_equal(text, "200 400-499 503");
	check_http_status_describe(&u, small, sizeof(small));
	assert_string_equal(small, "200 4");   /* cut, still terminated */
}

static void test_bad_status_detail(void **state)
{
	struct check_url_config u = { .path = TXT("/"), .digest = TXT(MD5_HELLO) };
	char why[160];
	int detail = -1;

	(void)state;
	/* the status is judged first, even when the digest would match */
	assert_int_equal(judge(&u, 503, "hello world\n", &detail, why, sizeof(why)),
			 CHECK_FAIL_BAD_STATUS);
	assert_int_equal(detail, 503);
	assert_non_null(strstr(why, "HTTP 503"));
	assert_non_null(strstr(why, "200-299"));
	/* a redirect is a status like any other */
	assert_int_equal(judge(&u, 301, "hello world\n", &detail, why, sizeof(why)),
			 CHECK_FAIL_BAD_STATUS);
	assert_int_equal(detail, 301);
}

static void test_digest(void **state)
{
	struct check_url_config u = { .path = TXT("/"), .digest = TXT(MD5_HELLO) };
	char why[160];
	int detail = -1;

	(void)state;
	assert_int_equal(judge(&u, 200, "hello world\n", &detail, why, sizeof(why)), CHECK_OK);
	assert_int_equal(detail, 0);
	assert_string_equal(why, "HTTP 200");
	assert_int_equal(judge(&u, 200, "hello world", &detail, why, sizeof(why)),
			 CHECK_FAIL_DIGEST_MISMATCH);
	assert_non_null(strstr(why, MD5_HELLO));          /* what was wanted */
	assert_non_null(strstr(why, "5eb63bbbe01eeed093cb22bb8f5acdc3"));   /* what came */
}

static void test_digest_hex(void **state)
{
	struct check_url_config u = { .path = TXT("/"), .digest = TXT(MD5_EMPTY) };
	struct check_url_config none = { .path = TXT("/") };
	struct check_http_body b;
	char hex[CHECK_HTTP_MD5_HEX_LEN + 1];

	(void)state;
	assert_int_equal(check_http_body_init(&b, &u), 0);
	assert_true(check_http_body_md5_hex(&b, hex));
	assert_string_equal(hex, MD5_EMPTY);
	check_http_body_free(&b);
	/* no digest wanted: nothing computed, and nothing kept without a regex */
	assert_int_equal(check_http_body_init(&b, &none), 0);
	feed(&b, "hello world\n");
	assert_false(check_http_body_md5_hex(&b, hex));
	assert_null(b.kept);
	assert_int_equal(b.total, 12);
	check_http_body_free(&b);
}

static void test_regex_match(void **state)
{
	struct check_url_config u = { .path = TXT("/"), .regex = TXT("status: (up|ok)") };
	char why[160];
	int detail;

	(void)state;
	assert_int_equal(judge_simple(&u, 200, "<p>status: up</p>"), CHECK_OK);
	assert_int_equal(judge(&u, 200, "<p>status: down</p>", &detail, why, sizeof(why)),
			 CHECK_FAIL_REGEX_MISMATCH);
	assert_non_null(strstr(why, "does not match"));
	/* case matters unless caseless is given */
	assert_int_equal(judge_simple(&u, 200, "STATUS: UP"), CHECK_FAIL_REGEX_MISMATCH);
	u.regex_options = option_bit("caseless");
	assert_int_equal(judge_simple(&u, 200, "STATUS: UP"), CHECK_OK);
}

static void test_regex_no_match(void **state)
{
	struct check_url_config u = { .path = TXT("/"), .regex = TXT("error|maintenance"),
				      .regex_no_match = true };
	char why[160];
	int detail;

	(void)state;
	assert_int_equal(judge_simple(&u, 200, "all fine"), CHECK_OK);
	assert_int_equal(judge(&u, 200, "down for maintenance", &detail, why, sizeof(why)),
			 CHECK_FAIL_REGEX_MISMATCH);
	assert_non_null(strstr(why, "regex_no_match"));
}

static void test_regex_options(void **state)
{
	struct check_url_config u = { .path = TXT("/"), .regex = TXT("^ready$") };

	(void)state;
	/* ^ and $ at line starts/ends only with multiline */
	assert_int_equal(judge_simple(&u, 200, "x\nready\ny"), CHECK_FAIL_REGEX_MISMATCH);
	u.regex_options = option_bit("multiline");
	assert_int_equal(judge_simple(&u, 200, "x\nready\ny"), CHECK_OK);
	/* . matches a newline only with dotall */
	u.regex = TXT("a.b");
	u.regex_options = 0;
	assert_int_equal(judge_simple(&u, 200, "a\nb"), CHECK_FAIL_REGEX_MISMATCH);
	u.regex_options = option_bit("dotall");
	assert_int_equal(judge_simple(&u, 200, "a\nb"), CHECK_OK);
	/* extended ignores white space in the pattern */
	u.regex = TXT("o k");
	u.regex_options = option_bit("extended");
	assert_int_equal(judge_simple(&u, 200, "ok"), CHECK_OK);
}

static void test_regex_offsets(void **state)
{
	struct check_url_config u = { .path = TXT("/"), .regex = TXT("OK") };

	(void)state;
	/* regex_min_offset: the search starts there */
	u.regex_min_offset = 5;
	assert_int_equal(judge_simple(&u, 200, "OK.........."), CHECK_FAIL_REGEX_MISMATCH);
	assert_int_equal(judge_simple(&u, 200, ".....OK"), CHECK_OK);
	/* beyond the body: nothing to search */
	u.regex_min_offset = 100;
	assert_int_equal(judge_simple(&u, 200, ".....OK"), CHECK_FAIL_REGEX_MISMATCH);
	/* regex_max_offset: a match must start no later than it */
	u.regex_min_offset = 0;
	u.regex_max_offset = 4;
	assert_int_equal(judge_simple(&u, 200, "....OK"), CHECK_OK);
	assert_int_equal(judge_simple(&u, 200, ".....OK"), CHECK_FAIL_REGEX_MISMATCH);
}

static void test_regex_compile_error(void **state)
{
	struct check_url_config u = { .path = TXT("/"), .regex = TXT("(unclosed") };
	char err[128];

	(void)state;
	assert_null(check_http_regex_new(&u, err, sizeof(err)));
	assert_non_null(strstr(err, "does not compile"));
}

/* regex_stack is the JIT's stack: a pattern that backtracks deep fails
 * on PCRE2's default 32 KiB and matches with a large enough one. */
static void test_regex_stack(void **state)
{
	struct check_url_config u = { .path = TXT("/"), .regex = TXT("^(a|b)*$") };
	size_t len = 200000;
	char *body = malloc(len + 1), why[160];
	uint32_t jit = 0;
	int detail;

	(void)state;
	pcre2_config(PCRE2_CONFIG_JIT, &jit);
	if (!jit)
		skip();   /* the interpreter keeps its frames on the heap instead */
	for (size_t i = 0; i < len; i++)
		body[i] = i % 2 ? 'b' : 'a';
	body[len] = '\0';
	assert_int_equal(judge(&u, 200, body, &detail, why, sizeof(why)),
			 CHECK_FAIL_REGEX_MISMATCH);
	assert_non_null(strstr(why, "stack"));
	u.regex_stack_start = 32768;
	u.regex_stack_max = 64u << 20;
	assert_int_equal(judge(&u, 200, body, &detail, why, sizeof(why)), CHECK_OK);
	u.regex = TXT("^(a|b)*c$");   /* and it still fails to match when it should */
	assert_int_equal(judge(&u, 200, body, &detail, why, sizeof(why)),
			 CHECK_FAIL_REGEX_MISMATCH);
	free(body);
}

/* The body kept for a regex stops at CHECK_HTTP_BODY_KEEP_MAX; the digest
 * still covers everything. */
static void test_body_cap(void **state)
{
	struct check_url_config u = { .path = TXT("/"), .regex = TXT("NEEDLE"),
				      .digest = TXT(MD5_EMPTY) };
	struct check_http_body b;
	struct check_http_regex *re;
	size_t chunk = 64 * 1024;
	char *filler = malloc(chunk), why[160], err[128];
	int detail;

	(void)state;
	memset(filler, 'a', chunk);
	assert_int_equal(check_http_body_init(&b, &u), 0);
	for (size_t done = 0; done < CHECK_HTTP_BODY_KEEP_MAX; done += chunk)
		assert_int_equal(check_http_body_add(&b, filler, chunk), 0);
	assert_int_equal(check_http_body_add(&b, "NEEDLE", 6), 0);
	assert_int_equal(b.kept_len, CHECK_HTTP_BODY_KEEP_MAX);
	assert_int_equal(b.total, CHECK_HTTP_BODY_KEEP_MAX + 6);
	re = check_http_regex_new(&u, err, sizeof(err));
	assert_non_null(re);
	u.digest = NULL;   /* judge the regex alone from here */
	assert_int_equal(check_http_verify(&u, 200, &b, re, &detail, why, sizeof(why)),
			 CHECK_FAIL_REGEX_MISMATCH);
	assert_non_null(strstr(why, "first MiB"));
	check_http_regex_free(re);
	check_http_body_free(&b);
	free(filler);
}

/* Every name regex_options accepts has its own PCRE2 flag. */
static void test_option_table(void **state)
{
	uint32_t seen = 0;
	unsigned n = 0;

	(void)state;
	for (unsigned i = 0; check_regex_option_names[i]; i++, n++) {
		uint32_t flag = check_http_regex_flag(i);

		if (flag == 0)
			fail_msg("regex option %s has no PCRE2 flag", check_regex_option_names[i]);
		assert_int_equal(seen & flag, 0);
		seen |= flag;
	}
	assert_int_equal(n, 24);
	assert_int_equal(check_http_regex_flag(n), 0);
	assert_int_equal(check_http_regex_flag(1000), 0);
}


/* ---- the probe in a loop ---- */

struct probe_run {
	uv_loop_t loop;
	struct check_url_config url;
	struct check_checker_config cfg;
	struct check_attempt attempt;
	int listener;                    /* accepts nothing, answers nothing */
	unsigned done_calls;
	struct check_result result;
	uv_timer_t cancel_timer;
	/* a loop that falls behind (the late-loop tests) */
	uv_check_t stall;
	uv_timer_t answer_timer;
	int peer;                        /* the listener's side of the connection */
	bool start_in_stall, answer_in_stall;
};

static void probe_done(struct check_attempt *a, const struct check_result *r)
{
	struct probe_run *run = a->data;

	run->done_calls++;
	run->result = *r;
}

/* A loopback port: listening (connections complete in the backlog and
 * then hear nothing) or, with listen_too false, closed again (refused). */
static uint16_t probe_port(struct probe_run *run, bool listen_too)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	if (listen_too) {
		assert_int_equal(listen(fd, 8), 0);
		run->listener = fd;
	} else {
		close(fd);
	}
	return ntohs(sin.sin_port);
}

static void probe_setup_type(struct probe_run *run, enum check_type type, bool listening,
			     uint64_t timeout_us)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&run->attempt.target;

	memset(run, 0, sizeof(*run));
	run->listener = -1;
	assert_int_equal(uv_loop_init(&run->loop), 0);
	run->url.path = TXT("/health");
	run->cfg.type = type;
	ptr_array_push(&run->cfg.http.urls, &run->url);
	run->attempt.loop = &run->loop;
	run->attempt.cfg = &run->cfg;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin->sin_port = htons(probe_port(run, listening));
	run->attempt.target_len = sizeof(*sin);
	run->attempt.timeout_us = timeout_us;
	run->attempt.done = probe_done;
	run->attempt.data = run;
}

static void probe_setup(struct probe_run *run, bool listening, uint64_t timeout_us)
{
	probe_setup_type(run, CHECK_TYPE_HTTP_GET, listening, timeout_us);
}

/* Runs the loop dry and checks nothing of ours is left on it. */
static void probe_teardown(struct probe_run *run)
{
	uv_run(&run->loop, UV_RUN_DEFAULT);
	assert_int_equal(check_curl_running(&run->loop), 0);
	assert_int_equal(uv_loop_close(&run->loop), 0);
	ptr_array_free(&run->cfg.http.urls, NULL);
	if (run->listener >= 0)
		close(run->listener);
}

static void probe_refused(enum check_type type)
{
	struct probe_run run;

	probe_setup_type(&run, type, false, 2000000);
	assert_int_equal(check_probe_start(&run.attempt), 0);
	assert_int_equal(run.done_calls, 0);   /* never from inside start */
	probe_teardown(&run);
	assert_int_equal(run.done_calls, 1);
	assert_int_equal(run.result.outcome, CHECK_FAIL_CONNECT_REFUSED);
	assert_int_equal(run.result.detail, ECONNREFUSED);
	assert_non_null(strstr(run.result.text, "/health"));
}

static void test_probe_refused(void **state)
{
	(void)state;
	probe_refused(CHECK_TYPE_HTTP_GET);
	probe_refused(CHECK_TYPE_SSL_GET);
}

static void probe_timeout(enum check_type type)
{
	struct probe_run run;

	probe_setup_type(&run, type, true, 200000);
	assert_int_equal(check_probe_start(&run.attempt), 0);
	probe_teardown(&run);
	assert_int_equal(run.done_calls, 1);
	assert_int_equal(run.result.outcome, CHECK_FAIL_TIMEOUT);
	assert_true(run.result.latency_us >= 190000);
	assert_true(run.result.latency_us < 1000000);
	/* SSL_GET: curl counts the connection as made only once TLS is up,
	 * and this listener never answers the ClientHello */
	assert_non_null(strstr(run.result.text, type == CHECK_TYPE_HTTP_GET ?
			       "no complete answer within" : "no connection within"));
}

static void test_probe_timeout(void **state)
{
	(void)state;
	probe_timeout(CHECK_TYPE_HTTP_GET);
	probe_timeout(CHECK_TYPE_SSL_GET);
}

static void probe_cancel_now(uv_timer_t *timer)
{
	struct probe_run *run = timer->data;

	check_probe_cancel(&run->attempt);
	uv_close((uv_handle_t *)timer, NULL);
}

static void probe_cancel(enum check_type type)
{
	struct probe_run run;

	probe_setup_type(&run, type, true, 5000000);
	assert_int_equal(check_probe_start(&run.attempt), 0);
	uv_timer_init(&run.loop, &run.cancel_timer);
	run.cancel_timer.data = &run;
	uv_timer_start(&run.cancel_timer, probe_cancel_now, 100, 0);
	probe_teardown(&run);   /* returns long before the 5 s timeout */
	assert_int_equal(run.done_calls, 0);
	assert_null(run.attempt.probe);
}

static void test_probe_cancel(void **state)
{
	(void)state;
	probe_cancel(CHECK_TYPE_HTTP_GET);
	probe_cancel(CHECK_TYPE_SSL_GET);
}

/* Runs one attempt to the end (the loop itself may stay alive). */
static void probe_once(struct probe_run *run)
{
	run->done_calls = 0;
	assert_int_equal(check_probe_start(&run->attempt), 0);
	while (run->done_calls == 0)
		uv_run(&run->loop, UV_RUN_ONCE);
}

/* A held loop keeps its multi handle between transfers, and the idle
 * handle keeps no loop alive; released, it goes. */
static void test_probe_held_multi_outlives_transfers(void **state)
{
	struct probe_run run;

	(void)state;
	probe_setup_type(&run, CHECK_TYPE_SSL_GET, false, 2000000);
	assert_false(check_curl_active(&run.loop));
	assert_int_equal(check_curl_hold(&run.loop), 0);
	for (int i = 0; i < 3; i++) {
		probe_once(&run);
		assert_int_equal(run.result.outcome, CHECK_FAIL_CONNECT_REFUSED);
		uv_run(&run.loop, UV_RUN_DEFAULT);   /* returns: nothing of ours is active */
		assert_true(check_curl_active(&run.loop));
	}
	check_curl_release(&run.loop);
	assert_false(check_curl_active(&run.loop));
	probe_teardown(&run);
}

/* The lowest descriptor number not in use: with the open file limit
 * there, no new descriptor can be made (those above stay open). */
static int lowest_free_fd(void)
{
	int fd = 0;

	while (fcntl(fd, F_GETFD) >= 0)
		fd++;
	return fd;
}

/* No descriptor left for the socket: "internal", detail EMFILE, and no
 * verdict about the server (not a connect error). */
static void probe_out_of_descriptors(enum check_type type)
{
	struct probe_run run;
	struct rlimit old, low;

	probe_setup_type(&run, type, true, 2000000);
	assert_int_equal(check_curl_hold(&run.loop), 0);   /* curl's own descriptors first */
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = (rlim_t)lowest_free_fd();
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	probe_once(&run);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	assert_int_equal(run.result.outcome, CHECK_FAIL_INTERNAL);
	assert_int_equal(run.result.detail, EMFILE);
	assert_true(run.result.no_verdict);
	assert_non_null(strstr(run.result.text, "socket: Too many open files"));
	check_curl_release(&run.loop);
	probe_teardown(&run);
}

static void test_probe_out_of_descriptors(void **state)
{
	(void)state;
	probe_out_of_descriptors(CHECK_TYPE_HTTP_GET);
	probe_out_of_descriptors(CHECK_TYPE_SSL_GET);
}

/* ---- HTTP_GET when the loop itself is late ---- */

#define LATE_TIMEOUT_US 100000
#define LATE_STALL_US 300000
#define LATE_ANSWER "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"

/* The listener's side: takes the probe's connection (already in the
 * backlog: loopback connects complete at once) and answers it. */
static void late_answer(struct probe_run *run)
{
	run->peer = accept(run->listener, NULL, NULL);
	assert_true(run->peer >= 0);
	assert_int_equal(write(run->peer, LATE_ANSWER, strlen(LATE_ANSWER)),
			 (ssize_t)strlen(LATE_ANSWER));
}

static void late_on_answer_timer(uv_timer_t *timer)
{
	late_answer(timer->data);
	uv_close((uv_handle_t *)timer, NULL);
}

/* Runs after the loop looked at its sockets: whatever becomes ready
 * while it sleeps is seen next after the due timers, the probe's
 * deadline among them. */
static void late_on_stall(uv_check_t *check)
{
	struct probe_run *run = check->data;

	uv_close((uv_handle_t *)check, NULL);
	if (run->start_in_stall)
		assert_int_equal(check_probe_start(&run->attempt), 0);
	if (run->answer_in_stall)
		late_answer(run);
	usleep(LATE_STALL_US);
	if (run->start_in_stall) {   /* the server answers soon after, not before */
		uv_update_time(&run->loop);
		uv_timer_init(&run->loop, &run->answer_timer);
		run->answer_timer.data = run;
		uv_timer_start(&run->answer_timer, late_on_answer_timer, 30, 0);
	}
}

static void late_on_kick(uv_timer_t *timer)
{
	uv_close((uv_handle_t *)timer, NULL);
}

static void late_run(struct probe_run *run, bool start_in_stall, bool answer_in_stall)
{
	probe_setup(run, true, LATE_TIMEOUT_US);
	run->peer = -1;
	run->start_in_stall = start_in_stall;
	run->answer_in_stall = answer_in_stall;
	uv_check_init(&run->loop, &run->stall);
	run->stall.data = run;
	uv_check_start(&run->stall, late_on_stall);
	if (start_in_stall) {   /* something for the first loop turn to wait on */
		uv_timer_init(&run->loop, &run->cancel_timer);
		uv_timer_start(&run->cancel_timer, late_on_kick, 0, 0);
	} else {
		assert_int_equal(check_probe_start(&run->attempt), 0);
	}
	probe_teardown(run);
	if (run->peer >= 0)
		close(run->peer);
	assert_int_equal(run->done_calls, 1);
}

/* The answer came in time but the loop saw the deadline first: the
 * socket is read before a timeout is declared. */
static void test_late_loop_reads_the_answer_first(void **state)
{
	struct probe_run run;

	(void)state;
	late_run(&run, false, true);
	assert_int_equal(run.result.outcome, CHECK_OK);
	assert_true(run.result.latency_us >= LATE_STALL_US);
}

/* The loop was too late even to send the request: the deadline moves by
 * the loop's lateness, once, and the answer that follows counts. */
static void test_late_loop_moves_the_deadline(void **state)
{
	struct probe_run run;

	(void)state;
	late_run(&run, true, false);
	assert_int_equal(run.result.outcome, CHECK_OK);
	assert_true(run.result.latency_us >= LATE_STALL_US);
}

/* A server that does not answer gains nothing from a late loop: the
 * request went out in time, nothing came back, so no grace. */
static void test_dead_server_gets_no_grace(void **state)
{
	struct probe_run run;

	(void)state;
	late_run(&run, false, false);
	assert_int_equal(run.result.outcome, CHECK_FAIL_TIMEOUT);
	assert_true(run.result.latency_us >= LATE_STALL_US);
	assert_true(run.result.latency_us < LATE_STALL_US + 100000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_default),
		cmocka_unit_test(test_status_ranges),
		cmocka_unit_test(test_bad_status_detail),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_digest_hex),
		cmocka_unit_test(test_regex_match),
		cmocka_unit_test(test_regex_no_match),
		cmocka_unit_test(test_regex_options),
		cmocka_unit_test(test_regex_offsets),
		cmocka_unit_test(test_regex_compile_error),
		cmocka_unit_test(test_regex_stack),
		cmocka_unit_test(test_body_cap),
		cmocka_unit_test(test_option_table),
		cmocka_unit_test(test_probe_refused),
		cmocka_unit_test(test_probe_timeout),
		cmocka_unit_test(test_probe_cancel),
		cmocka_unit_test(test_probe_held_multi_outlives_transfers),
		cmocka_unit_test(test_probe_out_of_descriptors),
		cmocka_unit_test(test_late_loop_reads_the_answer_first),
		cmocka_unit_test(test_late_loop_moves_the_deadline),
		cmocka_unit_test(test_dead_server_gets_no_grace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
