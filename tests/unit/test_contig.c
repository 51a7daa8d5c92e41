// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_contig.c - alloc_contig_range / alloc_contig_pages regressions.
 */
#include "migrate.h"
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

/*
 *   [1G ............ 1G + 2M)   one pageblock, all free
 *   | N3 | free ...          |  N3: order 3 from GFP_HIGHUSER_MOVABLE,
 *                               no __GFP_COMP, held as the runner holds it
 * alloc_contig_range over the pageblock cannot isolate N3 (not an LRU
 * folio, not __PageMovable: 6.1's isolate_migratepages_block fails its
 * head and each tail), so it fails with -EBUSY and moves nothing; N3
 * then frees as the order-3 block it is.
 */
static void test_contig_noncompound_block_is_busy(void **state)
{
	struct machine *m = t_machine(1, 3072, 2);
	unsigned long base = SZ_1G >> PAGE_SHIFT, got;
	long free_before;

	(void)state;
	drain_all_pages(m, NULL);
	free_before = global_zone_page_state(m, NR_FREE_PAGES);
	/* take [base, base + 8) and hold it as one order-3 block */
	assert_int_equal(alloc_contig_range(m, base, base + 8, MIGRATE_MOVABLE, GFP_KERNEL), 0);
	for (unsigned long i = 1; i < 8; i++)
		set_page_count(m, base + i, 0);
	mm_mark_movable_data(m, base, 3);
	assert_int_equal(alloc_contig_range(m, base, base + pageblock_nr_pages, MIGRATE_MOVABLE,
					    GFP_HIGHUSER_MOVABLE), -16);
	assert_int_equal(m->vm_events[PGMIGRATE_SUCCESS], 0);
	assert_int_equal(page_ref_count(m, base), 1);
	got = alloc_contig_pages(m, pageblock_nr_pages, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE, 0);
	assert_int_not_equal(got, PFN_NONE);
	assert_true(got + pageblock_nr_pages <= base || got >= base + pageblock_nr_pages);
	free_contig_range(m, got, pageblock_nr_pages);
	__free_pages(m, base, 3);
	drain_all_pages(m, NULL);
	assert_false(m->fail.failed);
	assert_int_equal(global_zone_page_state(m, NR_FREE_PAGES), free_before);
	t_check(m);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contig_after_merge_upward),
		cmocka_unit_test(test_contig_noncompound_block_is_busy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
