/* One health-check attempt against one real server, of any checker type.
 *
 * The scheduler (checker/check_sched.c) decides when to probe and what the
 * results mean (retries, rise/fall, the real server's state); a probe only
 * runs one attempt and says how it ended.  Every probe is non-blocking: it
 * works from the libuv loop it is given (its own non-blocking sockets
 * watched with uv_poll, TLS through libcurl's multi interface, scripts
 * through lib/script_run.h) and never sleeps or blocks.
 *
 * Contract:
 *  - check_probe_start() returns 0 and later calls attempt->done exactly
 *    once, always from the loop (never from inside start()); or returns a
 *    negative errno and never calls done.
 *  - check_probe_cancel() stops a running attempt: done is not called, all
 *    its handles are closed (their memory may outlive the call until libuv
 *    closes them, so the probe owns it, not the caller).
 *  - The attempt's own timeout (attempt->timeout_us) is enforced by the
 *    probe, reported as CHECK_FAIL_TIMEOUT.
 */
#ifndef VIGIL_CHECK_PROBE_H
#define VIGIL_CHECK_PROBE_H

#include "checker/check_conf.h"
#include "script_run.h"

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <uv.h>

/* Why an attempt failed (or that it did not).  Names in
 * check_outcome_names[] ("ok", "connect-refused", ...) are what the log,
 * vigilctl, JSON, SNMP and metrics all show. */
enum check_outcome {
	CHECK_OK,
	CHECK_FAIL_CONNECT_REFUSED,     /* TCP RST / ICMP port unreachable */
	CHECK_FAIL_UNREACHABLE,         /* host/net unreachable, no route */
	CHECK_FAIL_CONNECT_ERROR,       /* any other socket error; detail: errno */
	CHECK_FAIL_TIMEOUT,             /* no (complete) answer in connect_timeout */
	CHECK_FAIL_BAD_STATUS,          /* HTTP status not accepted; detail: the status */
	CHECK_FAIL_DIGEST_MISMATCH,     /* HTTP body MD5 differs from `digest` */
	CHECK_FAIL_REGEX_MISMATCH,      /* HTTP body (not) matching `regex` */
	CHECK_FAIL_TLS,                 /* handshake or certificate failure */
	CHECK_FAIL_PROTOCOL,            /* the server spoke, but wrongly (SMTP code, DNS rcode...) */
	CHECK_FAIL_BAD_REPLY,           /* UDP/DNS/ICMP reply present but not the expected one */
	CHECK_FAIL_SCRIPT_EXIT,         /* MISC_CHECK exited non-zero; detail: the status */
	CHECK_FAIL_SCRIPT_SIGNAL,       /* MISC_CHECK killed by a signal; detail: the signal */
	CHECK_FAIL_SCRIPT_TIMEOUT,      /* MISC_CHECK ran past its timeout */
	CHECK_FAIL_SCRIPT_START,        /* MISC_CHECK could not start; detail: errno */
	CHECK_FAIL_FILE,                /* FILE_CHECK: the tracked file says down */
	CHECK_FAIL_INTERNAL,            /* vigil could not run the check (out of fds, ...) */
	CHECK_OUTCOME_COUNT
};
extern const char *const check_outcome_names[CHECK_OUTCOME_COUNT];
const char *check_outcome_name(enum check_outcome outcome);

struct check_result {
	enum check_outcome outcome;
	int detail;                     /* errno, HTTP status, exit code, signal; 0: none */
	char text[160];                 /* a human explanation for the log ("HTTP 503 for /health") */
	/* MISC_CHECK misc_dynamic / FILE_CHECK dynamic: the weight the check
	 * asks for; -1 when it does not set one. */
	int32_t weight;
	uint64_t latency_us;            /* start to result */
	/* vigil could not make the attempt for want of its own resources
	 * (descriptors, memory): CHECK_FAIL_INTERNAL that says nothing about
	 * the server, so it must not take the server down (check_sched). */
	bool no_verdict;
};

/* An IPv4 or IPv6 socket address: 28 bytes where a sockaddr_storage
 * takes 128, and an attempt holds two (thousands may be in flight). */
union check_sockaddr {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

struct check_attempt;
struct vrrp_track_file_config;
typedef void check_attempt_done_cb(struct check_attempt *attempt, const struct check_result *r);

/* What the scheduler hands a probe.  Everything pointed to stays valid
 * until done is called or the attempt is cancelled. */
struct check_attempt {
	uv_loop_t *loop;
	const struct check_checker_config *cfg;   /* type and type-specific options */
	const struct check_ssl_config *ssl;       /* the global SSL block (SSL_GET) */
	const char *virtualhost;                  /* effective, or NULL */
	union check_sockaddr target;              /* connect_ip/connect_port or the real server */
	socklen_t target_len;
	bool has_source;                          /* bindto / bind_port */
	union check_sockaddr source;
	socklen_t source_len;
	const char *bind_if;                      /* SO_BINDTODEVICE, or NULL */
	uint32_t fwmark;                          /* SO_MARK; 0: none */
	uint64_t timeout_us;                      /* connect_timeout (MISC: its own timeout) */
	struct script_runner *scripts;            /* MISC_CHECK */
	uid_t script_uid;                         /* MISC_CHECK: run as */
	gid_t script_gid;
	bool script_set_user;
	/* FILE_CHECK: the track_file block cfg->file.track_file names
	 * (check_attempt_init looks it up), or NULL. */
	const struct vrrp_track_file_config *track_file;
	check_attempt_done_cb *done;
	/* Optional, set by the scheduler: a probe that watches what it checks
	 * (FILE_CHECK) calls it between attempts, when it sees a change, to
	 * ask for an attempt now rather than after delay_loop. */
	void (*wake)(struct check_attempt *attempt);
	void *data;                               /* the scheduler's */
	void *probe;                              /* the probe's own state */
	uint64_t started_us;                      /* set by check_probe_start */
};

/* One checker type's implementation. */
struct check_probe_ops {
	enum check_type type;
	int (*start)(struct check_attempt *attempt);
	void (*cancel)(struct check_attempt *attempt);
	/* Optional: drops what the probe keeps for this attempt between
	 * attempts (FILE_CHECK's file watch); must not read attempt->cfg. */
	void (*forget)(struct check_attempt *attempt);
};

/* The implementations, one per file (check_tcp.c, check_http.c, ...). */
extern const struct check_probe_ops check_probe_tcp, check_probe_http, check_probe_ssl,
	check_probe_smtp, check_probe_dns, check_probe_udp, check_probe_ping, check_probe_misc,
	check_probe_file;

/* Fills an attempt from the configuration: the target is connect_ip /
 * connect_port, else the real server's address and port (the virtual
 * server's port when the real server has none); the source is bindto /
 * bind_port; bind_if, fwmark, connect_timeout (MISC_CHECK: misc_timeout,
 * else delay_loop), the SSL block, the effective virtualhost and
 * FILE_CHECK's track_file block (through cfg->vrrp).  `effective`
 * comes from check_checker_effective().  The caller still sets done, data,
 * and for MISC_CHECK scripts and the user to run as.  SMTP_CHECK host{}
 * sub-blocks are the SMTP probe's business. */
void check_attempt_init(struct check_attempt *a, uv_loop_t *loop, const struct vigil_config *cfg,
			const struct check_vs_config *vs, const struct check_rs_config *rs,
			const struct check_checker_config *c, const struct check_defaults *effective);

/* Dispatch by attempt->cfg->type; sets started_us. */
int check_probe_start(struct check_attempt *attempt);
void check_probe_cancel(struct check_attempt *attempt);
/* The attempt's owner goes away: every probe type forgets it (it may never
 * have started, or its configuration may be gone already). */
void check_probe_forget(struct check_attempt *attempt);
/* Whether a checker type's probe keeps state for an attempt between
 * attempts (it has `forget`): its owner must then keep the same struct
 * check_attempt for the checker's whole life; the others may have one
 * only while an attempt runs. */
bool check_probe_keeps_state(enum check_type type);

/* Whether an errno (positive, or libuv's negative) says vigil itself ran
 * short: EMFILE, ENFILE, ENOMEM, ENOBUFS. */
bool check_errno_is_shortage(int err);

/* For probes: fills a result and calls done (sets latency_us; sets
 * no_verdict for CHECK_FAIL_INTERNAL with a shortage errno as detail). */
void check_attempt_finish(struct check_attempt *attempt, enum check_outcome outcome, int detail,
			  int32_t weight, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Maps a connect/recv errno to an outcome (ECONNREFUSED -> CONNECT_REFUSED,
 * EHOSTUNREACH/ENETUNREACH -> UNREACHABLE, ETIMEDOUT -> TIMEOUT, else
 * CONNECT_ERROR).  Accepts positive errnos and libuv's negative codes. */
enum check_outcome check_outcome_from_errno(int err);

/* Shared socket setup for probes that open their own socket: applies
 * bind_if, fwmark and the source address of the attempt to `fd`.
 * Returns 0 or a negative errno. */
int check_attempt_prepare_socket(const struct check_attempt *attempt, int fd);

#endif
