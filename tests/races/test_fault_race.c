// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fault_race.c - user page faults racing each other and munmap: races fault-* of
 * sim/races_fault.c.
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
		RACE_CASE("fault_race_write_write"),
		RACE_CASE("fault_race_write_read"),
		RACE_CASE("fault_race_write_write_cold"),
		RACE_CASE("fault_race_write_read_cold"),
		RACE_CASE("fault_race_munmap"),
		RACE_CASE("fault_race_munmap_no_mmap_lock"),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
