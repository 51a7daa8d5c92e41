// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_hotplug_lock.c - mem_hotplug_lock under the explorer: races hotplug-lock-* of
 * sim/races_locks.c.
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
		RACE_CASE("mem_hotplug_lock_reader_excludes_hotplug"),
		RACE_CASE("mem_hotplug_lock_unlocked_reader"),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
