// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_contig.c - alloc_contig_range / alloc_contig_pages regressions.
 */
#include "testlib.h"

/*
 *   [1G ................................................ 2G)
 *   | M | free (1023 pages) | free order-10 blocks ...     |
 *     ^ a movable page at the first pfn of an order-10 block
 * Migrating M frees it and it merges with the free pages above into one
 * order-10 block whose head is M's old pfn; the walk must step over the
 * whole block, not stop at M + 1 and call it unmovable.
 */
static void test_contig_after_merge_upward(void **state)
{
	struct machine *m = t_machine(1, 3072, 2);
	unsigned long base = SZ_1G >> PAGE_SHIFT, nr = SZ_1G >> PAGE_SHIFT, got;

	(void)state;
	/* put a movable page exactly at base */
	assert_int_equal(alloc_contig_range(m, base, base + 1, MIGRATE_MOVABLE, GFP_KERNEL), 0);
	mm_mark_movable_data(m, base, 0);
	drain_all_pages(m, NULL);
	got = alloc_contig_pages(m, nr, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE, 0);
	assert_int_equal(got, base);
	assert_int_equal(m->vm_events[PGMIGRATE_SUCCESS], 1);
	free_contig_range(m, got, nr);
	t_check(m);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contig_after_merge_upward),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
