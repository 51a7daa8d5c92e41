// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fallback612.c - the allocator's fallback and block claiming as
 * Debian's 6.12 has them (machine version=6.12; model/page_alloc.c):
 * __rmqueue_claim then __rmqueue_steal, try_to_steal_block's all-or-nothing
 * claim, the rmqueue_bulk mode, and the freelist hygiene under them
 * (merged buddies retyped, split_large_buddy, __isolate_free_page moving
 * a block's free pages with its type).  Each test runs the same steps on
 * 6.1 and checks 6.1's own outcome where it differs.
 *
 * A machine is one node at [16M, 16M + 64M): DMA32 is its only zone.
 * grab_zone() takes every free page and give_back() returns chosen
 * blocks, so a test decides which blocks are free, of which order and in
 * which pageblock type.  Pictures are in pfns relative to a pageblock B,
 * "o7" a free order-7 block, "U/M" pageblock types.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "compaction.h"
#include "migrate.h"

#define MB(x)		((unsigned long)(x) << 20)
#define U		MIGRATE_UNMOVABLE
#define M		MIGRATE_MOVABLE
#define V61		MM_KVER(6, 1)
#define V612		MM_KVER(6, 12)

static struct machine *one_zone(unsigned int kver)
{
	struct machine_opts o;

	t_opts(&o, 1, 64, 1);
	o.nr_holes = 1;
	o.hole[0] = (struct hole_desc){ 0, MB(16), false };
	o.kver = kver;
	return t_boot(&o);
}

static struct zone *dz(struct machine *m)
{
	return zone_of(m, 0, ZONE_DMA32);
}

static unsigned long nfree(struct machine *m, unsigned int order, int mt)
{
	return t_nr_free_mt(m, 0, ZONE_DMA32, order, mt);
}

/* Take every free page of z; each gets refcount 1 */
static void grab_zone(struct machine *m, struct zone *z)
{
	drain_all_pages(m, NULL);
	for (unsigned long pfn = z->zone_start_pfn; pfn < zone_end_pfn(z);) {
		if (pfn_present_mem(m, pfn) && PageBuddy(m, pfn)) {
			unsigned int o = buddy_order(m, pfn);

			if (alloc_contig_range(m, pfn, pfn + (1UL << o), MIGRATE_MOVABLE, GFP_KERNEL))
				fail_msg("grab_zone: alloc_contig_range(%#lx, o%u) failed", pfn, o);
			pfn += 1UL << o;
			continue;
		}
		pfn++;
	}
	assert_int_equal(z->vm_stat[NR_FREE_PAGES], 0);
}

/* The first range of nr (a power of two) grabbed pages, nr-aligned, from the zone's middle */
static unsigned long grabbed_range(struct machine *m, struct zone *z, unsigned long nr)
{
	unsigned long b = (z->zone_start_pfn + z->spanned_pages / 2) & ~(nr - 1);

	for (; b + nr <= zone_end_pfn(z); b += nr) {
		bool all = true;

		for (unsigned long p = b; p < b + nr && all; p++)
			all = pfn_present_mem(m, p) && !PageReserved(m, p) && page_ref_count(m, p) == 1;
		if (all)
			return b;
	}
	fail_msg("no grabbed range of %lu pages", nr);
	return PFN_NONE;
}

/* Free [pfn, pfn + 2^order) held page by page as one block, then drain */
static void give_back(struct machine *m, unsigned long pfn, unsigned int order)
{
	for (unsigned long i = 1; i < 1UL << order; i++)
		set_page_count(m, pfn + i, 0);
	__free_pages(m, pfn, order);
	drain_all_pages(m, NULL);
}

/* Watermarks 0 but a high mark for boost_watermark to scale from */
static void low_watermarks(struct zone *z)
{
	for (int w = 0; w < NR_WMARK; w++)
		z->_watermark[w] = 0;
	z->_watermark[WMARK_HIGH] = 10000;	/* max boost 15000 */
	z->watermark_boost = 0;
}

/* Per-cpu refills of exactly batch pages on either version */
static void pcp_batch(struct machine *m, struct zone *z, int batch)
{
	for (int c = 0; c < m->nr_cpus; c++) {
		struct per_cpu_pages *pcp = &z->pcp[c];

		pcp->batch = batch;
		pcp->high = pcp->high_min = pcp->high_max = 1000;
		pcp->free_factor = 0;
		pcp->alloc_factor = 0;
	}
}

static unsigned long alloc_mt(struct machine *m, int mt, unsigned int order)
{
	return __alloc_pages(m, mt == U ? GFP_KERNEL : GFP_HIGHUSER_MOVABLE, order, 0);
}

/*
 *   block B (U): | o3 free | held | B+64: o1 free | held, 300 movable |
 * A movable order-0 request: 6.12's claim finds the U o3 where a movable
 * request may not claim and stops; __rmqueue_steal takes the smallest
 * fallback, the o1, and splits it on U's lists (B+65 stays a U order-0
 * page) without boosting.  6.1 moves the o1 to M's list first (its half
 * ends on M's order-0 list) and boosts the watermark by a pageblock.
 */
static void test_steal_splits_on_fallback_lists(void **state)
{
	(void)state;
	for (int v = 0; v < 2; v++) {
		struct machine *m = one_zone(v ? V612 : V61);
		struct zone *z = dz(m);
		unsigned long b;

		grab_zone(m, z);
		b = grabbed_range(m, z, pageblock_nr_pages);
		set_pageblock_migratetype(m, b, U);
		give_back(m, b, 3);
		give_back(m, b + 64, 1);
		for (unsigned long p = b + 128; p < b + 428; p++)
			mm_mark_movable_data(m, p, 0);
		low_watermarks(z);
		pcp_batch(m, z, 1);
		assert_int_equal(alloc_mt(m, M, 0), b + 64);
		assert_int_equal(get_pageblock_migratetype(m, b), U);
		assert_int_equal(nfree(m, 3, U), 1);
		if (v) {
			assert_int_equal(nfree(m, 0, U), 1);
			assert_int_equal(nfree(m, 0, M), 0);
			assert_int_equal(z->watermark_boost, 0);
		} else {
			assert_int_equal(nfree(m, 0, M), 1);
			assert_int_equal(nfree(m, 0, U), 0);
			assert_int_equal(z->watermark_boost, pageblock_nr_pages);
		}
		t_check(m);
		machine_destroy(m);
	}
}

/*
 *   block B (M): | o7 free | 257 movable held | other held |
 * An unmovable order-4 request: free + alike = 128 + 127 = 255 < 256, so
 * 6.12 claims nothing (the o7 stays on M's list, nothing moves) and
 * steals: B's o4 is taken and the rest (o4 o5 o6) stays on M's lists.
 * 6.1 moves the o7 to U's list anyway and splits it there.  The block
 * stays M on both.
 */
static void test_claim_all_or_nothing(void **state)
{
	(void)state;
	for (int v = 0; v < 2; v++) {
		struct machine *m = one_zone(v ? V612 : V61);
		struct zone *z = dz(m);
		unsigned long b;
		int rest = v ? M : U;

		grab_zone(m, z);
		b = grabbed_range(m, z, pageblock_nr_pages);
		give_back(m, b, 7);
		for (unsigned long p = b + 128; p < b + 128 + 257; p++)
			mm_mark_movable_data(m, p, 0);
		low_watermarks(z);
		assert_int_equal(alloc_mt(m, U, 4), b);
		assert_int_equal(get_pageblock_migratetype(m, b), M);
		for (unsigned int o = 4; o <= 6; o++) {
			assert_int_equal(nfree(m, o, rest), 1);
			assert_int_equal(nfree(m, o, rest == M ? U : M), 0);
		}
		t_check(m);
		machine_destroy(m);
	}
}

/*
 *   block A (M): | o7 free | 257 movable held | other held |
 *   block C (M): | o5 free | held, none movable |
 * An unmovable order-4 request.  6.12: the claim of A (the largest
 * fallback) fails (255 < 256) and __rmqueue_claim goes on down the
 * orders to C's o5, whose block it claims (32 + 480 alike): C becomes U
 * and the page comes from C.  6.1 takes the largest fallback, A, and
 * serves the request from it, claim or not.
 */
static void test_claim_goes_on_down(void **state)
{
	(void)state;
	for (int v = 0; v < 2; v++) {
		struct machine *m = one_zone(v ? V612 : V61);
		struct zone *z = dz(m);
		unsigned long a, c;

		grab_zone(m, z);
		a = grabbed_range(m, z, 2 * pageblock_nr_pages);
		c = a + pageblock_nr_pages;
		give_back(m, a, 7);
		for (unsigned long p = a + 128; p < a + 128 + 257; p++)
			mm_mark_movable_data(m, p, 0);
		give_back(m, c, 5);
		low_watermarks(z);
		if (v) {
			assert_int_equal(alloc_mt(m, U, 4), c);
			assert_int_equal(get_pageblock_migratetype(m, c), U);
			assert_int_equal(nfree(m, 7, M), 1);	/* A untouched */
			assert_int_equal(nfree(m, 4, U), 1);	/* C's other half */
		} else {
			assert_int_equal(alloc_mt(m, U, 4), a);
			assert_int_equal(get_pageblock_migratetype(m, c), M);
			assert_int_equal(nfree(m, 5, M), 1);	/* C untouched */
			assert_int_equal(nfree(m, 6, U), 1);	/* A's rest, on U's lists */
		}
		assert_int_equal(get_pageblock_migratetype(m, a), M);
		t_check(m);
		machine_destroy(m);
	}
}

/*
 *   block A (U): | o5 free | held, none movable |   nothing else free
 * A movable per-cpu refill of 4 pages.  6.12: the first __rmqueue tries
 * to claim A (boost: one pageblock; 32 free < 256: no claim) and steals
 * A's first page; the rest of the refill stays in steal mode (the
 * rmqueue_bulk mode), so it neither tries to claim again nor boosts
 * again, and A's free pages stay on U's lists (27 of 32 left there).
 * 6.1 moves A's free pages to M's lists in the first fallback, boosts
 * once and takes the rest from M's lists.
 */
static void test_bulk_mode_steals_on(void **state)
{
	(void)state;
	for (int v = 0; v < 2; v++) {
		struct machine *m = one_zone(v ? V612 : V61);
		struct zone *z = dz(m);
		unsigned long a, u = 0, mv = 0;

		grab_zone(m, z);
		a = grabbed_range(m, z, pageblock_nr_pages);
		set_pageblock_migratetype(m, a, U);
		give_back(m, a, 5);
		low_watermarks(z);
		pcp_batch(m, z, 4);
		assert_int_equal(alloc_mt(m, M, 0), a);
		assert_int_equal(z->pcp[0].count, 3);
		assert_int_equal(z->watermark_boost, pageblock_nr_pages);
		assert_int_equal(get_pageblock_migratetype(m, a), U);
		for (unsigned int o = 0; o < MAX_ORDER; o++) {
			u += nfree(m, o, U) << o;
			mv += nfree(m, o, M) << o;
		}
		assert_int_equal(u, v ? 28 : 0);
		assert_int_equal(mv, v ? 0 : 28);
		t_check(m);
		machine_destroy(m);
	}
}

/*
 *   | X (M): o9 free | Y (U): o9 held, then freed |
 * Freeing Y merges it with X into an o10 on U's list.  6.12 retypes X to
 * U with it (free pages stay on their block's list); 6.1 leaves X M.
 */
static void test_merge_retypes_buddy(void **state)
{
	(void)state;
	for (int v = 0; v < 2; v++) {
		struct machine *m = one_zone(v ? V612 : V61);
		struct zone *z = dz(m);
		unsigned long x;

		grab_zone(m, z);
		x = grabbed_range(m, z, 2 * pageblock_nr_pages);
		set_pageblock_migratetype(m, x + pageblock_nr_pages, U);
		give_back(m, x, pageblock_order);
		give_back(m, x + pageblock_nr_pages, pageblock_order);
		assert_int_equal(nfree(m, 10, U), 1);
		assert_int_equal(get_pageblock_migratetype(m, x + pageblock_nr_pages), U);
		assert_int_equal(get_pageblock_migratetype(m, x), v ? U : M);
		t_check(m);
		machine_destroy(m);
	}
}

/*
 *   | X (U) | Y (M) |  held as one order-10 block, then freed
 * 6.12's split_large_buddy frees X then Y, each to its own type; they
 * merge into an o10 on M's list and X becomes M.  6.1 frees the o10 to
 * the first block's type: U's list, X U and Y M.
 */
static void test_split_large_buddy(void **state)
{
	(void)state;
	for (int v = 0; v < 2; v++) {
		struct machine *m = one_zone(v ? V612 : V61);
		struct zone *z = dz(m);
		unsigned long x;

		grab_zone(m, z);
		x = grabbed_range(m, z, 2 * pageblock_nr_pages);
		set_pageblock_migratetype(m, x, U);
		give_back(m, x, MAX_ORDER - 1);
		assert_int_equal(nfree(m, 10, v ? M : U), 1);
		assert_int_equal(get_pageblock_migratetype(m, x), v ? M : U);
		assert_int_equal(get_pageblock_migratetype(m, x + pageblock_nr_pages), M);
		t_check(m);
		machine_destroy(m);
	}
}

/*
 *   block B (U): | o8 free | B+256: o3 free | held |
 * Compaction's free scanner takes the o8 (__isolate_free_page): half a
 * pageblock, so B becomes M.  6.12 moves B's other free pages with the
 * type (the o3 goes to M's list); 6.1 leaves the o3 on U's list.
 */
static void test_isolate_free_page_moves_block(void **state)
{
	(void)state;
	for (int v = 0; v < 2; v++) {
		struct machine *m = one_zone(v ? V612 : V61);
		struct zone *z = dz(m);
		unsigned long b;

		grab_zone(m, z);
		b = grabbed_range(m, z, pageblock_nr_pages);
		set_pageblock_migratetype(m, b, U);
		give_back(m, b, 8);
		give_back(m, b + 256, 3);
		low_watermarks(z);
		assert_int_equal(__isolate_free_page(m, b, 8), 256);
		assert_int_equal(get_pageblock_migratetype(m, b), M);
		assert_int_equal(nfree(m, 3, v ? M : U), 1);
		assert_int_equal(nfree(m, 3, v ? U : M), 0);
		for (unsigned long i = 0; i < 256; i++)
			set_page_count(m, b + i, 1);	/* held, as compaction would */
		t_check(m);
		machine_destroy(m);
	}
}

/* Free blocks of z on a list other than their pageblock's type */
static unsigned long misplaced(struct machine *m, struct zone *z)
{
	unsigned long n = 0;

	for (unsigned int o = 0; o < MAX_ORDER; o++)
		for (int t = 0; t < MIGRATE_TYPES; t++) {
			unsigned long pfn;

			pfnlist_for_each(m, pfn, &z->free_area[o].free_list[t])
				n += get_pageblock_migratetype(m, pfn) != t;
		}
	return n;
}

/*
 * Movable pages fill the zone, every third one is freed, then unmovable
 * pages are allocated until the zone is at its min mark, and a third of
 * them freed again.  On 6.12 every free block is on its pageblock's list
 * throughout; 6.1's fallback leaves free pages of unclaimed movable
 * blocks on the unmovable lists.
 */
static void test_free_pages_on_their_blocks_list(void **state)
{
	(void)state;
	for (int v = 0; v < 2; v++) {
		struct machine *m = one_zone(v ? V612 : V61);
		struct zone *z = dz(m);
		unsigned long *held = calloc(1UL << 15, sizeof(*held)), n = 0, k = 0, bad;

		assert_non_null(held);
		while (n < 1UL << 15 && (held[n] = alloc_mt(m, M, 0)) != PFN_NONE)
			n++;
		for (unsigned long i = 0; i < n; i += 3)
			__free_pages(m, held[i], 0);
		while (k < 1UL << 14 && (held[k] = alloc_mt(m, U, 0)) != PFN_NONE)
			k++;
		for (unsigned long i = 0; i < k; i += 3)
			__free_pages(m, held[i], 0);
		drain_all_pages(m, NULL);
		bad = misplaced(m, z);
		if (v)
			assert_int_equal(bad, 0);
		else
			assert_true(bad > 0);
		free(held);
		machine_destroy(m);
	}
}

/* A 6.12 run no longer warns that the fallback is modelled as 6.1's */
static void test_fallback_does_not_warn(void **state)
{
	struct machine *m = one_zone(V612);
	struct zone *z = dz(m);
	char buf[256];
	unsigned long b;

	(void)state;
	grab_zone(m, z);
	b = grabbed_range(m, z, pageblock_nr_pages);
	give_back(m, b, 7);
	low_watermarks(z);
	assert_int_equal(alloc_mt(m, U, 4), b);
	/* no rule at all was left to 6.1's code on the way */
	assert_null(mm_kver_take_warning(m, buf, sizeof(buf)));
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steal_splits_on_fallback_lists),
		cmocka_unit_test(test_claim_all_or_nothing),
		cmocka_unit_test(test_claim_goes_on_down),
		cmocka_unit_test(test_bulk_mode_steals_on),
		cmocka_unit_test(test_merge_retypes_buddy),
		cmocka_unit_test(test_split_large_buddy),
		cmocka_unit_test(test_isolate_free_page_moves_block),
		cmocka_unit_test(test_free_pages_on_their_blocks_list),
		cmocka_unit_test(test_fallback_does_not_warn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
