/* libcurl's multi interface driven by a libuv loop.
 *
 * One CURLM exists per uv loop that has transfers running or a holder
 * (check_curl_hold); it is made on the first transfer and torn down (its
 * timer closed) once the last one has ended and nobody holds it, so a
 * loop with no transfers and no holder keeps no handle of ours.  A holder
 * that runs transfers all the time (the checker runtime with SSL_GET
 * checkers) keeps it, and its pool of idle easy handles, instead
 * of paying for a new multi handle (hash tables, a socketpair) whenever
 * the number of transfers in flight touches zero.  curl
 * tells us which sockets to watch (one uv_poll each) and when to wake it
 * (one uv_timer); completions come from curl_multi_info_read().
 *
 * SSL_GET (check_ssl.c) is its one user; HTTP_GET speaks HTTP itself
 * (check_http.c).  The caller builds the easy handle
 * (URL, options, write callback) and owns it; this module only runs it.
 */
#ifndef VIGIL_CHECK_CURL_H
#define VIGIL_CHECK_CURL_H

#include "lib/late_curl.h"
#include <stdbool.h>
#include <uv.h>

struct check_curl_transfer;
struct check_curl_multi;

/* Called once per started transfer, from the loop (never from inside
 * check_curl_start), after the easy handle has left the multi handle: the
 * callback may clean it up, reuse it, or start another transfer. */
typedef void check_curl_done_cb(struct check_curl_transfer *t, CURLcode result);

struct check_curl_transfer {
	CURL *easy;                      /* set by the caller */
	check_curl_done_cb *done;        /* set by the caller */
	void *data;                      /* the caller's */
	struct check_curl_multi *multi;  /* private: non-NULL while running */
};

/* Adds t->easy to `loop`'s multi handle.  The easy handle's
 * CURLOPT_PRIVATE is taken for `t`.  Returns 0, or -ENOMEM / -EINVAL (no
 * done callback then). */
int check_curl_start(uv_loop_t *loop, struct check_curl_transfer *t);

/* Stops a running transfer without calling done (no-op if not running). */
void check_curl_stop(struct check_curl_transfer *t);

/* Transfers running on `loop` (tests, diagnostics). */
unsigned check_curl_running(uv_loop_t *loop);

/* Keeps `loop`'s multi handle (made now if need be) until as many
 * check_curl_release() calls: the loop then holds its timer, stopped
 * while idle, which does not keep uv_run() going.  Returns 0 or -ENOMEM. */
int check_curl_hold(uv_loop_t *loop);
void check_curl_release(uv_loop_t *loop);
/* Whether `loop` has a multi handle now (tests, diagnostics). */
bool check_curl_active(uv_loop_t *loop);

/* An easy handle for a transfer on `loop`: an idle one from the multi
 * handle's pool, its options back at their defaults, or a new one; NULL
 * when out of memory.  Handles are not tied to a check or to its TLS
 * settings: the caller sets every option it needs each time. */
/* Loads libcurl if it is not yet (lib/late_curl.h); false, logged once,
 * when it cannot be loaded. */
bool check_curl_load(void);

CURL *check_curl_easy_get(uv_loop_t *loop);
/* Gives back an easy handle that is not running: reset and pooled for the
 * next transfer while `loop` has a multi handle, else cleaned up. */
void check_curl_easy_put(uv_loop_t *loop, CURL *easy);

#endif
