/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * racelib.h - a CMocka race test is a named race of the library
 * (sim/races.h) under one of its expectations, found by the test's name:
 *
 *	const struct CMUnitTest tests[] = { RACE_CASE("seed000_new_head_get_put") };
 *
 * An expected failure runs as XP_UNIT_TEST does (found, and reproduced by
 * its replay string); an expected clean verdict as XP_UNIT_TEST_EXHAUSTIVE
 * (no failure, exhaustive, more than one schedule) unless it is one
 * whose CPUs never overlap (race_expect.one_schedule).  MMSIM_REPLAY and
 * MMSIM_REPLAY_TEST work as for any explorer test (explore_cmocka.h).
 */
#ifndef MMSIM_RACELIB_H
#define MMSIM_RACELIB_H

#include "testlib.h"
#include "explore.h"
#include "explore_cmocka.h"
#include "races.h"

/* The instance a test runs; released by the next test (fail_msg longjmps) */
static struct race_inst race_cur;

/* Build the instance of a test; fails the test if the library has no such case */
static inline const struct xp_test *race_case_test(const char *name,
						    const struct race_expect **ep)
{
	const struct race_expect *e;
	const struct race_def *r = race_find_test(name, &e);
	char err[256];

	race_release(&race_cur);
	if (!r)
		fail_msg("no race in sim/races_*.c has a test named %s", name);
	if (race_prepare(&race_cur, r, NULL, e, err, sizeof(err)))
		fail_msg("%s: %s", name, err);
	if (ep)
		*ep = e;
	return &race_cur.t;
}

static inline void race_cmocka_test(void **state)
{
	const struct race_expect *e;
	const struct xp_test *t = race_case_test(*state, &e);
	void *ts = (void *)t;

	if (e->fails || e->one_schedule)
		xp_cmocka_run(t);
	else
		xp_cmocka_test_exhaustive(&ts);
	race_release(&race_cur);
}

#define RACE_CASE(test)							\
	{ .name = (test), .test_func = race_cmocka_test,		\
	  .initial_state = (void *)(test) }

#endif /* MMSIM_RACELIB_H */
