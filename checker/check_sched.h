/* The decisions of the checker runtime, as pure functions of state, counts
 * and a result, so they can be tested without a loop, a clock or a kernel.
 *
 * One checker (struct check_schedule):
 *  - the first attempt comes after a random delay in [0, warmup] (warmup
 *    defaults to delay_loop, so thousands of checks do not fire together;
 *    warmup 0 starts at once);
 *  - a result that agrees with the state (success while up, failure while
 *    down) resets the counts; the next attempt comes delay_loop after the
 *    previous one was due (check_sched_next_due_us);
 *  - a result that disagrees is counted; `rise` consecutive successes make
 *    a down checker up, `fall` consecutive failures make an up checker down
 *    (keepalived's `retry N` is fall N + 1).  Until the count is reached the
 *    next attempt comes sooner, delay_before_retry after the attempt ended
 *    (check_sched_retrying);
 *  - a result with no_verdict (vigil itself was out of descriptors or
 *    memory) changes neither state nor counts; the next attempt comes
 *    after delay_loop, as it would for a server whose state it confirmed;
 *  - it starts up, or down with alpha.
 *
 * Above the checkers: a real server is up iff all its checkers are up (one
 * without checkers is always up); its weight in IPVS; a virtual server's
 * quorum with hysteresis; when the sorry server replaces the real servers. */
#ifndef VIGIL_CHECK_SCHED_H
#define VIGIL_CHECK_SCHED_H

#include "checker/check_probe.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct check_sched_params {
	uint64_t delay_loop_us, delay_before_retry_us, warmup_us;
	uint32_t rise, fall;            /* 0 is taken as 1 */
	bool alpha;
};

/* Derived from check_checker_effective()'s answer. */
void check_sched_params_from(const struct check_defaults *eff, struct check_sched_params *out);

/* The text is a counted reference to one copy per distinct text, shared
 * by every schedule (most checkers say the same thing): a fixed buffer of
 * check_result's size in the last result and the last failure was most of a
 * checker's memory (check_text.h).  Use check_sched_text(). */
struct check_sched_last {
	bool valid;                     /* an attempt has ended */
	enum check_outcome outcome;
	char *text;                     /* NULL: "" */
	uint64_t wall_us;               /* when it ended (wall clock), for status */
	uint64_t latency_us;
};

/* The result's text ("" before any). */
const char *check_sched_text(const struct check_sched_last *l);

/* What a checker's failures left: made on the first one, as most
 * checkers never see one (tens of thousands of schedules).  Counts wrap
 * after 136 years at one check a second. */
struct check_sched_failures {
	struct check_sched_last last;
	uint32_t counts[CHECK_OUTCOME_COUNT];
};

/* One checker's state.  Its parameters are not kept here: they follow
 * from the configuration, and the caller passes them to each call that
 * needs them (40 bytes less for each of tens of thousands of checkers). */
struct check_schedule {
	bool up;
	uint32_t successes, failures;   /* consecutive, disagreeing with `up` */
	int32_t weight;                 /* dynamic weight asked for; -1: none */
	struct check_sched_last last;
	uint64_t attempts, transitions;
	uint32_t oks;                   /* results by outcome: check_sched_outcome_count */
	struct check_sched_failures *failed;   /* NULL: no failure yet */
};

/* What one result did. */
enum check_sched_change {
	CHECK_SCHED_SAME,               /* state unchanged */
	CHECK_SCHED_WENT_UP,
	CHECK_SCHED_WENT_DOWN,
};

/* Starts up, or down with p->alpha. */
void check_sched_init(struct check_schedule *s, const struct check_sched_params *p);
/* Frees what the results left (texts, counts); init makes it usable again. */
void check_sched_free(struct check_schedule *s);

/* The last failed attempt (not `valid` before the first). */
const struct check_sched_last *check_sched_last_failure(const struct check_schedule *s);

/* How many attempts ended with `outcome`. */
uint32_t check_sched_outcome_count(const struct check_schedule *s, enum check_outcome outcome);

/* The delay before the first attempt; `random` is uniform over uint32_t. */
uint64_t check_sched_first_delay_us(const struct check_sched_params *p, uint32_t random);

/* When the attempt after one that was due at `due_us`, started at
 * `started_us` and ended at `ended_us` (all monotonic) is due, `delay_us`
 * being delay_loop (retries go by check_sched_retrying instead).
 * Attempts keep to a timetable:
 * the next is due delay_us after the previous one was *due*, not after it
 * ended, so the time a check takes and the loop's own lateness do not add
 * up from one attempt to the next, and checkers that happened to run in
 * the same loop pass do not stay glued together (their phases, spread by
 * the warmup, are kept).  Two exceptions keep attempts from crowding:
 * one that ran past that point (a timeout longer than the delay) is
 * followed delay_us after its end, so a slow server is never probed back
 * to back; one that started more than half the delay late (a loop far
 * behind) restarts the timetable from its start instead of catching up. */
uint64_t check_sched_next_due_us(uint64_t due_us, uint64_t started_us, uint64_t ended_us,
				 uint64_t delay_us);

/* Applies one attempt's result (ended at wall time `wall_us`); returns what
 * changed and sets *next_us to the delay before the next attempt.  A
 * dynamic weight (r->weight >= 0) is remembered whatever the outcome. */
enum check_sched_change check_sched_result(struct check_schedule *s,
					   const struct check_sched_params *p,
					   const struct check_result *r, uint64_t wall_us,
					   uint64_t *next_us);

/* Whether the last result disagreed with the state and is being counted
 * towards rise or fall: the next attempt is a retry, due
 * delay_before_retry after that result (keepalived's "delay before retry
 * after failure"), not on the timetable. */
bool check_sched_retrying(const struct check_schedule *s);

/* ---- real server ---- */

/* Up iff every checker is up; true with no checkers. */
bool check_rs_all_up(const bool *checker_up, size_t n);

/* The weight a real server asks for: the configured weight moved by each
 * dynamic checker's (weight asked - configured), never below 0. */
int64_t check_rs_dynamic_weight(uint32_t configured, const int32_t *asked, size_t n);

/* Whether a real server is in IPVS and at which weight: up -> its weight,
 * drained -> 0 (removed once drain_done), down -> absent unless
 * inhibit_on_failure, then 0.  Returns -1 for "absent". */
int64_t check_rs_ipvs_weight(bool up, int64_t weight, bool inhibit, bool drained, bool drain_done);

/* ---- virtual server ---- */

/* Quorum with hysteresis: gained when the live weight reaches
 * quorum + hysteresis, lost when it falls below quorum - hysteresis. */
bool check_vs_quorum_next(bool was_ok, uint64_t live_weight, uint32_t quorum,
			  uint32_t hysteresis);

/* The sorry server is in service when quorum is lost (and replaces the
 * real servers); with sorry_server_inhibit it stays at weight 0 otherwise.
 * Returns its IPVS weight, or -1 for absent; no sorry server: -1. */
int64_t check_vs_sorry_weight(bool has_sorry, bool quorum_ok, uint32_t sorry_weight,
			      bool sorry_inhibit);
/* Whether the real servers stay in IPVS: not while a sorry server stands in. */
bool check_vs_real_servers_in(bool has_sorry, bool quorum_ok);

#endif
