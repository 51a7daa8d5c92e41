// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_khugepaged_race.c - khugepaged's retraction of page tables racing faults and lockless
 * walkers: races retract-* of sim/races_khugepaged.c.
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
		RACE_CASE("retract_vs_cow_fault"),
		RACE_CASE("retract_vs_read_fault"),
		RACE_CASE("retract_vs_cow_fault_unlock_early"),
		RACE_CASE("retract_66_vs_lockless_walker"),
		RACE_CASE("retract_vs_read_fault_unlock_early"),
		RACE_CASE("retract_66_vs_lockless_walker_no_grace_period"),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
