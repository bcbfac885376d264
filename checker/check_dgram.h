/* The life cycle shared by probes that watch a datagram socket of their
 * own (UDP_CHECK, PING_CHECK): the socket in the loop's socket set
 * (check_sock.h), the attempt's timeout under a uv_timer, failures found
 * while starting reported from the loop, and teardown that outlives cancel
 * until libuv closes the timer.
 *
 * A probe's state begins with a struct check_dgram and is allocated with
 * malloc/calloc: the state is freed (free() on the check_dgram) once the
 * timer is closed. */
#ifndef VIGIL_CHECK_DGRAM_H
#define VIGIL_CHECK_DGRAM_H

#include "checker/check_probe.h"

#include <stdbool.h>
#include <uv.h>

struct check_dgram;
/* The socket is readable or has a pending error. */
typedef void check_dgram_cb(struct check_dgram *d);

struct check_dgram {
	struct check_attempt *attempt;  /* NULL once the attempt is over */
	struct check_sock *sock;        /* the socket, once adopted */
	uv_timer_t timer;
	int sock_error;                 /* positive errno the socket set took from SO_ERROR */
	check_dgram_cb *on_readable, *on_timeout;
	int early_error;                /* positive errno, see check_dgram_fail_soon */
	const char *early_what;
};

/* Sets up the timer and links d and the attempt (attempt->probe = d). */
void check_dgram_init(struct check_dgram *d, struct check_attempt *attempt,
		      check_dgram_cb *on_readable, check_dgram_cb *on_timeout);
/* Takes fd (closed at teardown, or at once on failure) and watches it
 * for input.  Returns 0 or a negative errno. */
int check_dgram_adopt(struct check_dgram *d, int fd);
/* The adopted socket, or -1. */
int check_dgram_fd(const struct check_dgram *d);
/* Starts the attempt's timeout. */
void check_dgram_arm(struct check_dgram *d);
/* Reports `what: strerror(err)` from the loop, as soon as it runs. */
void check_dgram_fail_soon(struct check_dgram *d, int err, const char *what);
/* Ends the attempt: tears down, then reports. */
void check_dgram_end(struct check_dgram *d, enum check_outcome outcome, int detail,
		     const char *text);
/* Ends the attempt on a socket error (positive errno). */
void check_dgram_end_errno(struct check_dgram *d, int err, const char *what);
/* The ops' cancel for such probes. */
void check_dgram_cancel(struct check_attempt *attempt);
/* The socket's pending error (SO_ERROR, or the one the socket set already
 * read), cleared; 0 if none. */
int check_dgram_socket_error(struct check_dgram *d);
/* Unpredictable bytes for payloads and identifiers (getrandom, else rand). */
void check_dgram_random(void *buf, size_t len);

#endif
