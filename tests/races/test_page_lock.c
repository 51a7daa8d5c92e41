// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_page_lock.c - page locks (PG_locked) under the explorer: races page-lock-* of
 * sim/races_locks.c, and a second lock_page without the explorer.
 *
 * The bodies, set-up and checks are the race library's; each test is a
 * race under one expected verdict (tests/races/racelib.h), with the name
 * MMSIM_REPLAY_TEST takes.
 */
#include <stdio.h>
#include <string.h>

#include "racelib.h"
#include "page.h"
#include "page_alloc.h"

/* Sequentially a second lock_page can never succeed: a reported failure */
static void test_sequential_relock_reported(void **state)
{
	struct machine *m = t_machine(1, 64, 1);
	unsigned long p = alloc_pages_node(m, 0, GFP_KERNEL, 0);

	(void)state;
	assert_true(trylock_page(m, p));
	assert_false(trylock_page(m, p));
	assert_true(PageLocked(m, p));
	lock_page(m, p);
	assert_true(m->fail.failed);
	assert_non_null(strstr(m->fail.msg, "lock_page"));
	m->fail.failed = false;
	unlock_page(m, p);
	assert_false(PageLocked(m, p));
	unlock_page(m, p);
	assert_true(m->fail.failed);
	assert_non_null(strstr(m->fail.msg, "not locked"));
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		RACE_CASE("page_lock_mutual_exclusion"),
		RACE_CASE("page_lock_abba_deadlock"),
		cmocka_unit_test(test_sequential_relock_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
