// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_seed000.c - the races of the seed-000 review (mm/hugetlb_vmemmap: remap head
 * page to newly allocated page, Aug 2022) and the checks of the lost-update
 * check, explored: races hvo-* and check-* of sim/races_hvo.c.
 *
 * The bodies, set-up and checks are the race library's; each test is a
 * race under one expected verdict (tests/races/racelib.h), with the name
 * MMSIM_REPLAY_TEST takes.
 */
#include <stdio.h>
#include <string.h>

#include "racelib.h"

/*
 * The lost update is no blanket verdict: explored to the end (every
 * schedule, not only up to the first failure), the schedules where CPU1's
 * get and put both land before the copy, or both after the flush reached
 * CPU1, lose nothing and end with refcount 1 (the race's final check).
 */
static void test_new_head_only_the_window_loses(void **state)
{
	const struct xp_test *t = race_case_test("seed000_new_head_get_put", NULL);
	struct xp_opts o = t->opts;
	struct xp_result r;

	(void)state;
	o.keep_going = true;
	xp_explore(t, &o, &r);
	xp_print_stats(stdout, "seed000_new_head_get_put, every schedule", &o, &r);
	assert_int_equal(r.kind, XP_FAIL_CHECK);
	assert_non_null(strstr(r.msg, "lost update"));
	assert_true(r.stats.complete);
	assert_true(r.stats.failed > 0);
	assert_true(r.stats.failed < r.stats.schedules);
	xp_result_free(&r);
	race_release(&race_cur);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		RACE_CASE("seed000_new_head_get_put"),
		cmocka_unit_test(test_new_head_only_the_window_loses),
		RACE_CASE("seed000_new_head_frozen_gup"),
		RACE_CASE("seed000_new_head_memory_failure"),
		RACE_CASE("seed000_new_head_boot"),
		RACE_CASE("seed000_reuse_head"),
		RACE_CASE("check_stale_tlb_write"),
		RACE_CASE("check_freed_frame_write"),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
