/* Pure checker, real server and virtual server decisions; see check_sched.h. */
#include "config.h"
#include "checker/check_sched.h"
#include "checker/check_text.h"
#include "xalloc.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void check_sched_params_from(const struct check_defaults *eff, struct check_sched_params *out)
{
	*out = (struct check_sched_params){
		.delay_loop_us = eff->delay_loop_us,
		.delay_before_retry_us = eff->delay_before_retry_us,
		.warmup_us = eff->warmup_us,
		.rise = eff->rise ? eff->rise : 1,
		.fall = eff->fall ? eff->fall : 1,
		.alpha = eff->alpha,
	};
}

void check_sched_init(struct check_schedule *s, const struct check_sched_params *p)
{
	memset(s, 0, sizeof(*s));
	s->up = !p->alpha;
	s->weight = -1;
}

uint64_t check_sched_first_delay_us(const struct check_sched_params *p, uint32_t random)
{
	/* 128-bit free: warmup fits in 2^40 us, random in 2^32. */
	return (uint64_t)(((unsigned __int128)p->warmup_us * random) >> 32);
}

uint64_t check_sched_next_due_us(uint64_t due_us, uint64_t started_us, uint64_t ended_us,
				 uint64_t delay_us)
{
	uint64_t next = due_us + delay_us;

	if (ended_us >= next)
		return ended_us + delay_us;
	if (started_us > due_us + delay_us / 2)
		return started_us + delay_us;
	return next;
}

bool check_sched_retrying(const struct check_schedule *s)
{
	return s->successes != 0 || s->failures != 0;
}

const char *check_sched_text(const struct check_sched_last *l)
{
	return l->text ? l->text : "";
}

void check_sched_free(struct check_schedule *s)
{
	check_text_put(s->last.text);
	s->last.text = NULL;
	if (s->failed)
		check_text_put(s->failed->last.text);
	free(s->failed);
	s->failed = NULL;
}

const struct check_sched_last *check_sched_last_failure(const struct check_schedule *s)
{
	static const struct check_sched_last none;

	return s->failed ? &s->failed->last : &none;
}

uint32_t check_sched_outcome_count(const struct check_schedule *s, enum check_outcome outcome)
{
	if (outcome == CHECK_OK)
		return s->oks;
	if ((unsigned)outcome >= CHECK_OUTCOME_COUNT || !s->failed)
		return 0;
	return s->failed->counts[outcome];
}

static void count_outcome(struct check_schedule *s, enum check_outcome outcome)
{
	if (outcome == CHECK_OK) {
		s->oks++;
		return;
	}
	if (!s->failed)
		s->failed = XNEW(struct check_sched_failures);
	if ((unsigned)outcome < CHECK_OUTCOME_COUNT)
		s->failed->counts[outcome]++;
}

/* Points *slot at the shared `text` (NULL for ""); most results repeat
 * the previous one, which keeps its reference. */
static void text_keep(char **slot, const char *text)
{
	if (strcmp(*slot ? *slot : "", text) == 0)
		return;
	check_text_put(*slot);
	*slot = text[0] ? check_text_get(text) : NULL;
}

static void remember(struct check_sched_last *l, const struct check_result *r, uint64_t wall_us)
{
	l->valid = true;
	l->outcome = r->outcome;
	text_keep(&l->text, r->text);
	l->wall_us = wall_us;
	l->latency_us = r->latency_us;
}

/* Counts a result that disagrees with the state; true once it is enough. */
static bool disagreement_reaches(struct check_schedule *s, const struct check_sched_params *p,
				 bool ok)
{
	if (ok) {
		s->failures = 0;
		return ++s->successes >= (p->rise ? p->rise : 1);
	}
	s->successes = 0;
	return ++s->failures >= (p->fall ? p->fall : 1);
}

enum check_sched_change check_sched_result(struct check_schedule *s,
					   const struct check_sched_params *p,
					   const struct check_result *r, uint64_t wall_us,
					   uint64_t *next_us)
{
	bool ok = r->outcome == CHECK_OK;

	s->attempts++;
	count_outcome(s, r->outcome);
	if (!ok)
		remember(&s->failed->last, r, wall_us);
	remember(&s->last, r, wall_us);
	if (r->weight >= 0)
		s->weight = r->weight;
	*next_us = p->delay_loop_us;
	/* vigil's own shortage is no evidence either way: counts unchanged */
	if (r->no_verdict)
		return CHECK_SCHED_SAME;
	if (ok == s->up) {
		s->successes = s->failures = 0;
		return CHECK_SCHED_SAME;
	}
	if (!disagreement_reaches(s, p, ok)) {
		*next_us = p->delay_before_retry_us;
		return CHECK_SCHED_SAME;
	}
	s->up = ok;
	s->successes = s->failures = 0;
	s->transitions++;
	return ok ? CHECK_SCHED_WENT_UP : CHECK_SCHED_WENT_DOWN;
}

bool check_rs_all_up(const bool *checker_up, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!checker_up[i])
			return false;
	return true;
}

int64_t check_rs_dynamic_weight(uint32_t configured, const int32_t *asked, size_t n)
{
	int64_t w = configured;

	for (size_t i = 0; i < n; i++)
		if (asked[i] >= 0)
			w += (int64_t)asked[i] - configured;
	return w < 0 ? 0 : w;
}

int64_t check_rs_ipvs_weight(bool up, int64_t weight, bool inhibit, bool drained, bool drain_done)
{
	if (drained)
		return drain_done ? -1 : 0;
	if (up)
		return weight;
	return inhibit ? 0 : -1;
}

bool check_vs_quorum_next(bool was_ok, uint64_t live_weight, uint32_t quorum,
			  uint32_t hysteresis)
{
	if (was_ok)
		return live_weight + hysteresis >= quorum;
	return live_weight >= (uint64_t)quorum + hysteresis;
}

int64_t check_vs_sorry_weight(bool has_sorry, bool quorum_ok, uint32_t sorry_weight,
			      bool sorry_inhibit)
{
	if (!has_sorry)
		return -1;
	if (!quorum_ok)
		return sorry_weight;
	return sorry_inhibit ? 0 : -1;
}

bool check_vs_real_servers_in(bool has_sorry, bool quorum_ok)
{
	return quorum_ok || !has_sorry;
}
