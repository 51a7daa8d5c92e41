/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * explore_cmocka.h - one exploration is one CMocka test.
 *
 *	static const struct xp_test lost_update = { ... };
 *	const struct CMUnitTest tests[] = { XP_UNIT_TEST(lost_update) };
 *
 * The explorer runs on the test's own (main) stack and returns; only then is
 * a failure reported, with fail_msg(), so CMocka's longjmp never leaves a
 * coroutine stack.  Do not call CMocka's assert_* inside CPU bodies: use
 * xp_assert(), which ends the schedule and lets the explorer report it.
 *
 * Environment: MMSIM_REPLAY='xp1:...' replays that schedule instead of
 * searching, in every exploration of the binary or, with
 * MMSIM_REPLAY_TEST=name, only in the one of that name: every other test
 * of the binary is skipped (a CMocka test filter, set before main runs,
 * plus a skip here for groups run later).  A replay is a question, "does
 * this schedule still fail?": it fails the test when the schedule fails,
 * whether or not the test expects a failure, so the binary exits non-zero
 * when the failure reproduces; a clean replay passes a test that expects
 * no failure and fails one that does.
 *
 * Without a replay, a test with expect_failure passes when the search
 * finds a failure (whose message contains expect_msg, if set) and
 * replaying its schedule string reproduces the same failure (kind and
 * message); the failure is printed either way.
 *
 * Include after <cmocka.h>; only tests include this header (sim/ itself does
 * not link CMocka).
 */
#ifndef MMSIM_EXPLORE_CMOCKA_H
#define MMSIM_EXPLORE_CMOCKA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore.h"

/*
 * Two failure messages name the same failure: equal but for host
 * addresses (hex numbers of 8 digits or more, such as a lock's in a
 * deadlock message), which differ between the search's machine and the
 * replay's.
 */
static inline bool xp_same_failure_msg(const char *a, const char *b)
{
	while (*a && *b) {
		if (!strncmp(a, "0x", 2) && !strncmp(b, "0x", 2)) {
			size_t la = strspn(a + 2, "0123456789abcdef");
			size_t lb = strspn(b + 2, "0123456789abcdef");

			if (la >= 8 && lb >= 8) {
				a += 2 + la;
				b += 2 + lb;
				continue;
			}
		}
		if (*a++ != *b++)
			return false;
	}
	return *a == *b;
}

/* MMSIM_REPLAY_TEST names one test: the binary runs that one only */
__attribute__((constructor)) static void xp_cmocka_filter(void)
{
	const char *only = getenv("MMSIM_REPLAY_TEST");

	if (only && *only)
		cmocka_set_test_filter(only);
}

/* A replayed schedule: its outcome is the verdict (see the top comment) */
static inline void xp_cmocka_replayed(const struct xp_test *t, struct xp_result *r)
{
	char msg[2 * XP_MSG + 256];

	if (r->kind == XP_OK) {
		xp_result_free(r);
		if (t->expect_failure)
			fail_msg("%s: the replayed schedule ran without a failure", t->name);
		return;
	}
	snprintf(msg, sizeof(msg), "%s: %s%s: %s", t->name,
		 r->kind == XP_FAIL_DIVERGED || r->kind == XP_FAIL_USAGE ?
		 "" : "the replay reproduced the failure: ", xp_fail_kind_name(r->kind), r->msg);
	xp_result_free(r);
	fail_msg("%s", msg);
}

static inline void xp_cmocka_run(const struct xp_test *t)
{
	const char *rep = getenv("MMSIM_REPLAY"), *only = getenv("MMSIM_REPLAY_TEST");
	struct xp_opts o = t->opts;
	struct xp_result r, again;
	char msg[2 * XP_MSG + 256];
	bool ok;

	if (only && *only && strcmp(only, t->name)) {
		skip();
		return;
	}
	if (rep && *rep)
		o.replay = rep;
	xp_explore(t, &o, &r);
	xp_print_stats(stdout, t->name, &o, &r);
	if (r.kind != XP_OK)
		xp_print_failure(stdout, &r);
	if (o.replay) {
		xp_cmocka_replayed(t, &r);
		return;
	}
	if (!t->expect_failure || r.kind == XP_FAIL_USAGE || r.kind == XP_FAIL_DIVERGED ||
	    r.kind == XP_FAIL_NONDET) {
		if (r.kind == XP_OK) {
			xp_result_free(&r);
			return;
		}
		snprintf(msg, sizeof(msg), "%s: %s: %s%s%s%s%s", t->name,
			 xp_fail_kind_name(r.kind), r.msg,
			 r.schedule ? "\n  replay: MMSIM_REPLAY='" : "",
			 r.schedule ? r.schedule : "",
			 r.schedule ? "' MMSIM_REPLAY_TEST=" : "", r.schedule ? t->name : "");
		xp_result_free(&r);
		fail_msg("%s", msg);
		return;
	}
	if (r.kind == XP_OK || !r.schedule) {
		snprintf(msg, sizeof(msg), "%s: expected a failure, none in %lu schedules%s",
			 t->name, r.stats.schedules,
			 r.stats.complete ? "" : " (the search was cut short)");
		xp_result_free(&r);
		fail_msg("%s", msg);
		return;
	}
	if (t->expect_msg && !strstr(r.msg, t->expect_msg)) {
		snprintf(msg, sizeof(msg), "%s: expected a failure with '%s', found %s: %s",
			 t->name, t->expect_msg, xp_fail_kind_name(r.kind), r.msg);
		xp_result_free(&r);
		fail_msg("%s", msg);
		return;
	}
	/* the string must reproduce the very same failure */
	xp_replay(t, r.schedule, &again);
	ok = again.kind == r.kind && xp_same_failure_msg(again.msg, r.msg);
	if (ok)
		printf("xp: %s: expected failure found and reproduced by its replay string\n",
		       t->name);
	else
		snprintf(msg, sizeof(msg), "%s: replaying '%s' gave %s: %s; the search had %s: %s",
			 t->name, r.schedule, xp_fail_kind_name(again.kind), again.msg,
			 xp_fail_kind_name(r.kind), r.msg);
	xp_result_free(&again);
	xp_result_free(&r);
	if (!ok)
		fail_msg("%s", msg);
}

static inline void xp_cmocka_test(void **state)
{
	xp_cmocka_run(*state);
}

#define XP_UNIT_TEST(t)							\
	{ .name = (t).name, .test_func = xp_cmocka_test,		\
	  .initial_state = (void *)&(t) }

/*
 * A race that must be searched to the end: it passes only when the search
 * found nothing, was exhaustive, and saw more than one schedule (one means
 * the race has no scheduling points: nothing was tested).  A failure
 * prints its replay string; MMSIM_REPLAY replays as xp_cmocka_run does.
 */
static inline void xp_cmocka_test_exhaustive(void **state)
{
	const struct xp_test *t = *state;
	struct xp_result r;
	const char *only = getenv("MMSIM_REPLAY_TEST");
	unsigned long n;
	bool ok;

	if (only && *only && strcmp(only, t->name)) {
		skip();
		return;
	}
	if (getenv("MMSIM_REPLAY") && *getenv("MMSIM_REPLAY")) {
		xp_cmocka_run(t);
		return;
	}
	xp_explore(t, NULL, &r);
	xp_print_stats(stdout, t->name, &t->opts, &r);
	if (r.kind != XP_OK) {
		char msg[2 * XP_MSG + 256];

		xp_print_failure(stdout, &r);
		snprintf(msg, sizeof(msg), "%s: %s: %s\n  replay: MMSIM_REPLAY='%s' "
			 "MMSIM_REPLAY_TEST=%s", t->name, xp_fail_kind_name(r.kind), r.msg,
			 r.schedule ? r.schedule : "", t->name);
		xp_result_free(&r);
		fail_msg("%s", msg);
		return;
	}
	ok = r.stats.exhaustive && r.stats.schedules > 1;
	n = r.stats.schedules;
	xp_result_free(&r);
	if (!ok)
		fail_msg("%s: %lu schedules, %s", t->name, n,
			 n > 1 ? "not exhaustive" : "the race has no scheduling points");
}

#define XP_UNIT_TEST_EXHAUSTIVE(t)					\
	{ .name = (t).name, .test_func = xp_cmocka_test_exhaustive,	\
	  .initial_state = (void *)&(t) }

#endif /* MMSIM_EXPLORE_CMOCKA_H */
