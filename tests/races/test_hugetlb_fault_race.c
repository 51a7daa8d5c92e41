// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_hugetlb_fault_race.c - two CPUs fault the same hugetlb page at once: races hugetlb-fault-*
 * of sim/races_hugetlb.c.
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
		RACE_CASE("hugetlb_fault_race_shared_write_write"),
		RACE_CASE("hugetlb_fault_race_shared_write_read"),
		RACE_CASE("hugetlb_fault_race_private_write_write"),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
