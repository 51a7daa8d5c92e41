// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_hugetlb_resv.c - the region arithmetic of hugetlb reserve maps
 * (model/hugetlb_resv.c, mm/hugetlb.c's region_* functions in 6.1).
 *
 * Each test draws the map before and after, one column per huge page
 * index: '#' is inside a region, '.' is not.  The map's meaning (reserved
 * or present for a file, consumed for a private mapping) does not matter
 * here: this is the list arithmetic both share.
 */
#include <limits.h>
#include <string.h>

#include "testlib.h"
#include "hugetlb.h"

/* Assert the map's regions, as resv_map_format prints them */
#define assert_regions(resv, want)						\
	do {									\
		char buf_[256];							\
										\
		resv_map_format((resv), buf_, sizeof(buf_));			\
		assert_string_equal(buf_, (want));				\
	} while (0)

/* A map holding the regions [from[i], to[i]), added one chg/add pair each */
static struct resv_map *map_with(struct machine *m, const long *from, const long *to, int n)
{
	struct resv_map *resv = resv_map_alloc(m);

	for (int i = 0; i < n; i++) {
		long needed;

		assert_int_equal(region_chg(m, resv, from[i], to[i], &needed), to[i] - from[i]);
		assert_int_equal(region_add(m, resv, from[i], to[i], needed), to[i] - from[i]);
	}
	return resv;
}

/*
 *   index   0 1 2 3 4 5 6 7
 *   before  . . . . . . . .
 *   chg [2, 5): 3 pages not covered, 1 entry promised (the map's spare)
 *   add [2, 5)
 *   after   . . # # # . . .
 */
static void test_chg_add_empty(void **state)
{
	struct machine *m = t_machine(1, 64, 1);
	struct resv_map *resv = resv_map_alloc(m);
	long needed = -1;

	(void)state;
	assert_int_equal(resv->region_cache_count, 1);		/* resv_map_alloc's spare */
	assert_int_equal(region_chg(m, resv, 2, 5, &needed), 3);
	assert_int_equal(needed, 1);
	assert_int_equal(resv->adds_in_progress, 1);
	assert_int_equal(resv->region_cache_count, 1);		/* the spare covers it */
	assert_regions(resv, "");				/* chg changes nothing */
	assert_int_equal(region_add(m, resv, 2, 5, needed), 3);
	assert_regions(resv, "[2, 5)");
	assert_int_equal(resv->adds_in_progress, 0);
	assert_int_equal(resv->region_cache_count, 0);		/* the spare is used */
	resv_map_put(m, resv);
	assert_false(m->fail.failed);
	machine_destroy(m);
}

/*
 *   index   0 1 2 3 4 5 6 7 8
 *   before  # # . . # # . . .
 *   chg [1, 8): 2 + 2 pages in two gaps, 2 entries promised
 *   add [1, 8): the gaps are filled, everything coalesces
 *   after   # # # # # # # # .
 */
static void test_chg_add_fills_gaps(void **state)
{
	struct machine *m = t_machine(1, 64, 1);
	long from[] = { 0, 4 }, to[] = { 2, 6 }, needed;
	struct resv_map *resv = map_with(m, from, to, 2);

	(void)state;
	assert_regions(resv, "[0, 2) [4, 6)");
	assert_int_equal(region_chg(m, resv, 1, 8, &needed), 4);
	assert_int_equal(needed, 2);
	assert_int_equal(resv->adds_in_progress, 2);
	assert_true(resv->region_cache_count >= 2);		/* allocated for the promise */
	assert_int_equal(region_count(m, resv, 0, 9), 4);	/* still the old map */
	assert_int_equal(region_add(m, resv, 1, 8, needed), 4);
	assert_regions(resv, "[0, 8)");
	assert_int_equal(resv->adds_in_progress, 0);
	resv_map_put(m, resv);
	assert_false(m->fail.failed);
	machine_destroy(m);
}

/*
 *   index   0 1 2 3 4 5 6 7
 *   before  # # . . . # # .
 *   add [2, 5): touches both neighbours
 *   after   # # # # # # # .        one region
 */
static void test_add_coalesces_both_sides(void **state)
{
	struct machine *m = t_machine(1, 64, 1);
	long from[] = { 0, 5 }, to[] = { 2, 7 }, needed;
	struct resv_map *resv = map_with(m, from, to, 2);

	(void)state;
	assert_int_equal(region_chg(m, resv, 2, 5, &needed), 3);
	assert_int_equal(needed, 1);
	assert_int_equal(region_add(m, resv, 2, 5, needed), 3);
	assert_regions(resv, "[0, 7)");
	resv_map_put(m, resv);
	machine_destroy(m);
}

/*
 *   index   0 1 2 3 4 5
 *   before  # # # # . .
 *   chg [1, 3): nothing new, still one entry promised
 *   add [1, 3): adds 0
 *   after   # # # # . .
 */
static void test_chg_inside_region(void **state)
{
	struct machine *m = t_machine(1, 64, 1);
	long from[] = { 0 }, to[] = { 4 }, needed = 0;
	struct resv_map *resv = map_with(m, from, to, 1);

	(void)state;
	assert_int_equal(region_chg(m, resv, 1, 3, &needed), 0);
	assert_int_equal(needed, 1);				/* at least one, always */
	assert_int_equal(region_add(m, resv, 1, 3, needed), 0);
	assert_regions(resv, "[0, 4)");
	assert_int_equal(resv->adds_in_progress, 0);
	resv_map_put(m, resv);
	machine_destroy(m);
}

/*
 *   index   0 1 2 3 4 5 6 7
 *   before  # # # # # # # #
 *   del [3, 5): a hole in the middle splits the region
 *   after   # # # . . # # #
 */
static void test_del_splits(void **state)
{
	struct machine *m = t_machine(1, 64, 1);
	long from[] = { 0 }, to[] = { 8 };
	struct resv_map *resv = map_with(m, from, to, 1);

	(void)state;
	assert_int_equal(region_del(m, resv, 3, 5), 2);
	assert_regions(resv, "[0, 3) [5, 8)");
	assert_int_equal(region_count(m, resv, 0, 8), 6);
	resv_map_put(m, resv);
	assert_false(m->fail.failed);
	machine_destroy(m);
}

/*
 *   index   0 1 2 3 4 5 6 7 8 9
 *   before  # # # . # # . # # #
 *   del [1, 8): trims the first, removes the second, trims the third
 *   after   # . . . . . . . # #
 */
static void test_del_trims_and_removes(void **state)
{
	struct machine *m = t_machine(1, 64, 1);
	long from[] = { 0, 4, 7 }, to[] = { 3, 6, 10 };
	struct resv_map *resv = map_with(m, from, to, 3);

	(void)state;
	assert_regions(resv, "[0, 3) [4, 6) [7, 10)");
	assert_int_equal(region_del(m, resv, 1, 8), 2 + 2 + 1);
	assert_regions(resv, "[0, 1) [8, 10)");
	resv_map_put(m, resv);
	machine_destroy(m);
}

/*
 *   index   0 1 2 3 4 5 6 7
 *   before  # # . # # . # #
 *   del [4, LONG_MAX): truncation, everything from 4 on
 *   after   # # . # . . . .
 */
static void test_del_to_end(void **state)
{
	struct machine *m = t_machine(1, 64, 1);
	long from[] = { 0, 3, 6 }, to[] = { 2, 5, 8 };
	struct resv_map *resv = map_with(m, from, to, 3);

	(void)state;
	assert_int_equal(region_del(m, resv, 4, LONG_MAX), 1 + 2);
	assert_regions(resv, "[0, 2) [3, 4)");
	assert_int_equal(region_del(m, resv, 0, LONG_MAX), 3);
	assert_regions(resv, "");
	resv_map_put(m, resv);
	machine_destroy(m);
}

/*
 *   index   0 1 2 3 4 5 6 7 8 9
 *   map     . # # . . # # # . #
 *   count [2, 9): 1 + 3 = 4; count [0, 10): 6; count [3, 5): 0
 */
static void test_count(void **state)
{
	struct machine *m = t_machine(1, 64, 1);
	long from[] = { 1, 5, 9 }, to[] = { 3, 8, 10 };
	struct resv_map *resv = map_with(m, from, to, 3);

	(void)state;
	assert_int_equal(region_count(m, resv, 2, 9), 4);
	assert_int_equal(region_count(m, resv, 0, 10), 6);
	assert_int_equal(region_count(m, resv, 3, 5), 0);
	assert_int_equal(region_count(m, resv, 9, LONG_MAX), 1);
	resv_map_put(m, resv);
	machine_destroy(m);
}

/*
 *   index   0 1 2 3 4 5
 *   before  . . . . . .
 *   chg [0, 4), then region_abort: the promise is given back, the
 *   cache keeps its entry for the next add, the map is unchanged
 *   after   . . . . . .
 */
static void test_abort(void **state)
{
	struct machine *m = t_machine(1, 64, 1);
	struct resv_map *resv = resv_map_alloc(m);
	long needed;

	(void)state;
	assert_int_equal(region_chg(m, resv, 0, 4, &needed), 4);
	assert_int_equal(resv->adds_in_progress, 1);
	region_abort(m, resv, 0, 4, needed);
	assert_int_equal(resv->adds_in_progress, 0);
	assert_int_equal(resv->region_cache_count, 1);
	assert_regions(resv, "");
	resv_map_put(m, resv);
	assert_false(m->fail.failed);
	machine_destroy(m);
}

/*
 * The race hugetlb_reserve_pages handles with "chg > add": a fault's
 * one-page add lands between a reservation's chg and add.
 *
 *   index   0 1 2 3 4 5
 *   before  . . . . . .
 *   A: chg [0, 4) = 4, one entry promised
 *   B: chg [1, 2) = 1, add [1, 2)      . # . . . .
 *   A: add [0, 4): two gaps now, one entry more than promised is
 *      allocated; adds 3, not the 4 A's chg counted
 *   after   # # # # . .
 */
static void test_add_after_concurrent_add(void **state)
{
	struct machine *m = t_machine(1, 64, 1);
	struct resv_map *resv = resv_map_alloc(m);
	long na, nb;

	(void)state;
	assert_int_equal(region_chg(m, resv, 0, 4, &na), 4);
	assert_int_equal(na, 1);
	assert_int_equal(region_chg(m, resv, 1, 2, &nb), 1);
	assert_int_equal(region_add(m, resv, 1, 2, nb), 1);
	assert_regions(resv, "[1, 2)");
	assert_int_equal(region_add(m, resv, 0, 4, na), 3);
	assert_regions(resv, "[0, 4)");
	assert_int_equal(resv->adds_in_progress, 0);
	resv_map_put(m, resv);
	assert_false(m->fail.failed);
	machine_destroy(m);
}

/*
 * One-page adds (vma_commit_reservation) never allocate: each chg
 * promises one entry and the cache always holds it.
 *
 *   index   0 1 2 3 4 5 6 7
 *   before  . . . . . . . .
 *   pages 0, 2, 4, 6, then 1: chg/add one page at a time
 *   after   # # # . # . # .
 */
static void test_one_page_adds(void **state)
{
	struct machine *m = t_machine(1, 64, 1);
	struct resv_map *resv = resv_map_alloc(m);
	long idx[] = { 0, 2, 4, 6, 1 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(idx); i++) {
		long needed;

		assert_int_equal(region_chg(m, resv, idx[i], idx[i] + 1, &needed), 1);
		assert_int_equal(needed, 1);
		assert_true(resv->region_cache_count >= resv->adds_in_progress);
		assert_int_equal(region_add(m, resv, idx[i], idx[i] + 1, needed), 1);
	}
	assert_regions(resv, "[0, 3) [4, 5) [6, 7)");
	/* the same page again: nothing to add */
	{
		long needed;

		assert_int_equal(region_chg(m, resv, 2, 3, &needed), 0);
		assert_int_equal(region_add(m, resv, 2, 3, needed), 0);
	}
	resv_map_put(m, resv);
	assert_false(m->fail.failed);
	machine_destroy(m);
}

/* A map shared by two holders goes with the last put, regions and cache included */
static void test_refs(void **state)
{
	struct machine *m = t_machine(1, 64, 1);
	long from[] = { 0, 5 }, to[] = { 2, 9 };
	struct resv_map *resv = map_with(m, from, to, 2);

	(void)state;
	resv_map_get(resv);
	assert_int_equal(resv->refs, 2);
	resv_map_put(m, resv);
	assert_int_equal(resv->refs, 1);
	assert_regions(resv, "[0, 2) [5, 9)");
	resv_map_put(m, resv);		/* freed: ASan would see a leak otherwise */
	assert_false(m->fail.failed);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chg_add_empty),
		cmocka_unit_test(test_chg_add_fills_gaps),
		cmocka_unit_test(test_add_coalesces_both_sides),
		cmocka_unit_test(test_chg_inside_region),
		cmocka_unit_test(test_del_splits),
		cmocka_unit_test(test_del_trims_and_removes),
		cmocka_unit_test(test_del_to_end),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_abort),
		cmocka_unit_test(test_add_after_concurrent_add),
		cmocka_unit_test(test_one_page_adds),
		cmocka_unit_test(test_refs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
