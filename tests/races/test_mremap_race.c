// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_mremap_race.c - mremap moving a range while another CPU writes to it: races
 * mremap-store* of sim/races_fault.c.
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
		RACE_CASE("mremap_race_store"),
		RACE_CASE("mremap_race_store_no_mmap_lock"),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
