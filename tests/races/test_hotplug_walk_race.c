// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_hotplug_walk_race.c - a walk of init_mm's page tables, and HVO, against the hot-remove
 * of a neighbouring memory block: races ptdump-* and hvo-remove-memory of
 * sim/races_hotplug.c.
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
		RACE_CASE("ptdump_walk_vs_remove_memory_online_mems"),
		RACE_CASE("ptdump_walk_vs_remove_memory_read_lock_only"),
		RACE_CASE("ptdump_walk_vs_remove_memory_write_lock_only"),
		RACE_CASE("hvo_walk_vs_remove_memory_of_the_neighbour"),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
