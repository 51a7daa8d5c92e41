// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_uprobe_collapse_race.c - collapse_pte_mapped_thp racing a uprobe register on the same page:
 * races uprobe-* of sim/races_khugepaged.c.
 *
 * The bodies, set-up and checks are the race library's; each test is a
 * race under one expected verdict (tests/races/racelib.h), with the name
 * MMSIM_REPLAY_TEST takes.
 */
#include <stdio.h>
#include <string.h>

#include "racelib.h"

int main(void)
{
	const struct CMUnitTest tests[] = {
		RACE_CASE("khugepaged_cpmt_vs_uprobe_register"),
		RACE_CASE("madv_collapse_vs_uprobe_register"),
		RACE_CASE("madv_collapse_vs_uprobe_register_no_subpage_check"),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
