// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_hugetlb_mremap_race.c - mremap of a shared hugetlb range against another process's fault:
 * races hugetlb-mremap-* of sim/races_hugetlb.c.
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
		RACE_CASE("hugetlb_mremap_race"),
		RACE_CASE("hugetlb_mremap_race_no_vma_lock"),
		RACE_CASE("hugetlb_mremap_race_no_locks"),
		RACE_CASE("hugetlb_mremap_race_6_1_deadlock"),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
