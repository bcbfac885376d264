/* The Prometheus endpoint (global_defs `metrics_listen ADDRESS:PORT`):
 * GET /metrics answers with metrics_render() of a status collected at that
 * moment, so a scrape never sees stale state and an idle vigild does no
 * work between scrapes.
 *
 * libmicrohttpd serves HTTP on its own thread; a request for /metrics is
 * suspended there, handed to the parent's libuv loop (uv_async), where the
 * status is collected from the workers as for `vigilctl status`, rendered,
 * and the request resumed with the text.  Nothing of vigild's state is
 * touched off the loop thread. */
#ifndef VIGIL_METRICS_HTTP_H
#define VIGIL_METRICS_HTTP_H

#include "conf_value.h"

#include <json-c/json.h>
#include <stdint.h>
#include <uv.h>

struct metrics_http;

/* Asks for the whole status; calls done(status, ctx) later from the loop
 * (status: a reference the callee consumes). */
typedef void metrics_status_done(json_object *status, void *ctx);
typedef void metrics_collect_fn(void *collector, metrics_status_done *done, void *ctx);

/* Listens on addr:port; NULL (logged) when it cannot. */
struct metrics_http *metrics_http_start(uv_loop_t *loop, const struct vigil_addr *addr,
					uint16_t port, metrics_collect_fn *collect, void *collector);

/* Answers requests still waiting with 503, stops the HTTP thread, frees. */
void metrics_http_stop(struct metrics_http *m);

#endif
