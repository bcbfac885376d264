/* A test-only driver for the tracking monitors, so the network tests can
 * exercise them in namespaces without a daemon.
 *
 *   vrrp_track_tool watch-if IFACE SECONDS
 *       prints IFACE's state now ("up" or "down"; an interface that does
 *       not exist is "down"), then one line "up" / "down" per change, for
 *       SECONDS seconds.
 *
 * Exit status 0 on success, 1 on a failure (message on stderr), 2 on bad
 * usage. */
#include "config.h"

#include "vrrp/vrrp_track_if.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

struct watch {
	const char *ifname;
	bool up;
};

static int usage(const char *why)
{
	fprintf(stderr, "vrrp_track_tool: %s (see the comment at the top of the source)\n", why);
	return 2;
}

static void print_state(bool up)
{
	printf("%s\n", up ? "up" : "down");
	fflush(stdout);
}

/* Only changes of the watched name are printed, once each. */
static void on_link(void *data, const struct vrrp_track_if_link *link)
{
	struct watch *w = data;
	bool up = link->present && link->up;

	if (strcmp(link->name, w->ifname) != 0 || up == w->up)
		return;
	w->up = up;
	print_state(up);
}

static void on_timeout(uv_timer_t *timer)
{
	uv_stop(timer->loop);
}

static int watch_if(const char *ifname, const char *seconds)
{
	static const struct vrrp_track_if_ops ops = { .on_change = on_link };
	struct watch w = { .ifname = ifname };
	char *end;
	double secs = strtod(seconds, &end);
	uv_loop_t *loop = uv_default_loop();
	struct vrrp_track_if *mon;
	uv_timer_t timer;
	int err;

	if (*end || end == seconds || secs < 0 || secs > 3600)
		return usage("SECONDS must be a number from 0 to 3600");
	mon = vrrp_track_if_start(loop, &ops, &w, &err);
	if (!mon) {
		fprintf(stderr, "vrrp_track_tool: link monitor: %s\n", uv_strerror(err));
		return 1;
	}
	w.up = vrrp_track_if_is_up(mon, ifname);
	print_state(w.up);
	uv_timer_init(loop, &timer);
	uv_timer_start(&timer, on_timeout, (uint64_t)(secs * 1000), 0);
	uv_run(loop, UV_RUN_DEFAULT);
	vrrp_track_if_stop(mon);
	uv_close((uv_handle_t *)&timer, NULL);
	uv_run(loop, UV_RUN_DEFAULT);
	return uv_loop_close(loop) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "watch-if") == 0)
		return watch_if(argv[2], argv[3]);
	return usage("usage: vrrp_track_tool watch-if IFACE SECONDS");
}
