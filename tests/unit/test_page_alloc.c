// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_page_alloc.c - the buddy allocator's rules, as Linux 6.1
 * (Debian 6.1.192, mm/page_alloc.c and mm/compaction.c) has them.
 *
 * Each test builds the smallest memory state that makes one rule
 * visible, draws it, and says what a wrong implementation would do
 * instead.  Rules covered: orders and MAX_ORDER, pageblocks;
 * __rmqueue_smallest and expand(); the fallback table, the top-down
 * fallback scan, whole-block stealing, can_steal, the smallest-block
 * rule for movable requests, the 256-page claim threshold, watermark
 * boosting; merging (buddy pfn, zones, migratetypes at pageblock order),
 * head/tail placement (FPI_TO_TAIL, buddy_merge_likely, shuffle); the
 * per-cpu lists (which orders, which list, LIFO, refill, bulk free,
 * free_factor, drains, batch and high, HIGHATOMIC/CMA/ISOLATE pages);
 * watermarks, min_free_kbytes, lowmem reserves and __zone_watermark_ok;
 * gfp zones, __GFP_THISNODE, node fallback by distance, ALLOC_NOFRAGMENT;
 * the slow path's compaction rules; alloc_contig_range/pages; bad frees
 * reported as simulated failures; the invariant checker.
 *
 * Most tests use one_zone(): a node whose memory starts at 16 MiB (a hole
 * hides [0, 16M)), so DMA32 is its only zone and nothing else can serve
 * an allocation.  grab_zone() takes every free page of a zone (through
 * alloc_contig_range, which ignores watermarks) and give_back() returns
 * chosen blocks, so a test decides exactly which blocks are free, of
 * which order and in which pageblock type.  Pictures are in pfns relative
 * to a block B, "o8" a free order-8 block, "U/M/R/HA/ISO" pageblock types.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "memblock.h"
#include "check.h"
#include "compaction.h"
#include "migrate.h"
#include "vmscan.h"

/* 6.1.192 names of the reserve flags; older model headers used 6.1.0's */

#define MB(x)		((unsigned long)(x) << 20)
#define PFN_MB(x)	(MB(x) >> PAGE_SHIFT)
#define U		MIGRATE_UNMOVABLE
#define M		MIGRATE_MOVABLE
#define R		MIGRATE_RECLAIMABLE
#define HA		MIGRATE_HIGHATOMIC
#define ISO		MIGRATE_ISOLATE

static const gfp_t gfp_of_mt[] = {
	[U] = GFP_KERNEL,
	[M] = GFP_HIGHUSER_MOVABLE,
	[R] = GFP_KERNEL | __GFP_RECLAIMABLE,
};

/* -------------------------------------------------------------------------
 * Helpers
 */

/* One node of mb MiB at [16M, 16M + mb): DMA32 is the only zone */
static struct machine *one_zone(unsigned long mb, int cpus)
{
	struct machine_opts o;

	t_opts(&o, 1, mb, cpus);
	o.nr_holes = 1;
	o.hole[0] = (struct hole_desc){ 0, MB(16), false };
	return t_boot(&o);
}

/*
 * Node 0 with DMA, DMA32 [16M, 128M) and Normal [4G, 4G + normal_mb): a
 * hole hides [128M, 4G) so the machine stays small; swiotlb takes 64 MiB
 * of DMA32.  With node1_mb, a second node of that size follows.
 */
static struct machine *dma32_normal(unsigned long normal_mb, unsigned long node1_mb)
{
	struct machine_opts o;

	t_opts(&o, node1_mb ? 2 : 1, node1_mb ? node1_mb : 64, 2);
	o.node[0].mem_bytes = MB(128 + normal_mb);
	o.nr_holes = 1;
	o.hole[0] = (struct hole_desc){ MB(128), 4UL << 30, false };
	return t_boot(&o);
}

static struct zone *dz(struct machine *m)
{
	return zone_of(m, 0, ZONE_DMA32);
}

static long nr_free(struct zone *z)
{
	return z->vm_stat[NR_FREE_PAGES];
}

static unsigned long ev(struct machine *m, enum vm_event_item i)
{
	return m->vm_events[i];
}

/* Head of the free buddy block containing pfn, or PFN_NONE */
static unsigned long free_head(struct machine *m, unsigned long pfn)
{
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		unsigned long h = pfn & ~((1UL << o) - 1);

		if (PageBuddy(m, h) && buddy_order(m, h) >= o)
			return h;
	}
	return PFN_NONE;
}

static bool on_pcp(struct machine *m, struct zone *z, unsigned long pfn)
{
	for (int c = 0; c < m->nr_cpus; c++)
		for (int l = 0; l < NR_PCP_LISTS; l++) {
			unsigned long p;

			pfnlist_for_each(m, p, &z->pcp[c].lists[l])
				if (p == pfn)
					return true;
		}
	return false;
}

/* Take every free page of z (pcp lists drained first); each gets refcount 1 */
static unsigned long grab_zone(struct machine *m, struct zone *z)
{
	unsigned long n = 0;

	drain_all_pages(m, NULL);
	for (unsigned long pfn = z->zone_start_pfn; pfn < zone_end_pfn(z);) {
		if (pfn_present_mem(m, pfn) && PageBuddy(m, pfn)) {
			unsigned int o = buddy_order(m, pfn);

			if (alloc_contig_range(m, pfn, pfn + (1UL << o), MIGRATE_MOVABLE,
					       GFP_KERNEL))
				fail_msg("grab_zone: alloc_contig_range(%#lx, o%u) failed", pfn, o);
			n += 1UL << o;
			pfn += 1UL << o;
			continue;
		}
		pfn++;
	}
	assert_int_equal(nr_free(z), 0);
	return n;
}

/* Pages grab_zone took: present, not reserved, held with one reference */
static bool grabbed(struct machine *m, unsigned long pfn)
{
	return pfn_present_mem(m, pfn) && !PageReserved(m, pfn) && page_ref_count(m, pfn) == 1;
}

/* Free [pfn, pfn + 2^order) held page by page as one block, then drain */
static void give_back(struct machine *m, unsigned long pfn, unsigned int order)
{
	for (unsigned long i = 1; i < 1UL << order; i++)
		set_page_count(m, pfn + i, 0);
	__free_pages(m, pfn, order);
	drain_all_pages(m, NULL);
}

/*
 * Take the free blocks below order 10 that boot leaves at the edges of
 * reserved ranges, so that every free block of z is an order-10 block.
 */
static void only_order10(struct machine *m, struct zone *z)
{
	drain_all_pages(m, NULL);
	for (unsigned int o = 0; o < MAX_ORDER - 1; o++)
		for (int t = 0; t < MIGRATE_TYPES; t++)
			while (!pfnlist_empty(&z->free_area[o].free_list[t])) {
				unsigned long h = z->free_area[o].free_list[t].first;

				assert_int_equal(alloc_contig_range(m, h, h + (1UL << o),
								    MIGRATE_MOVABLE, GFP_KERNEL), 0);
			}
	assert_int_equal((unsigned long)nr_free(z), z->free_area[10].nr_free << 10);
}

static void no_watermarks(struct zone *z)
{
	for (int w = 0; w < NR_WMARK; w++)
		z->_watermark[w] = 0;
	z->watermark_boost = 0;
}

static void pcp_set(struct machine *m, struct zone *z, int batch, int high)
{
	for (int c = 0; c < m->nr_cpus; c++) {
		z->pcp[c].batch = batch;
		z->pcp[c].high = high;
		z->pcp[c].free_factor = 0;
	}
}

/* Retype the pageblock of pfn and move its free blocks to that type's lists */
static void retype(struct machine *m, struct zone *z, unsigned long pfn, int mt)
{
	set_pageblock_migratetype(m, pfn, mt);
	move_freepages_block(m, z, pfn, mt, NULL);
}

/* Retype every pageblock of z */
static void retype_zone(struct machine *m, struct zone *z, int mt)
{
	unsigned long b = z->zone_start_pfn & ~(pageblock_nr_pages - 1);

	for (; b < zone_end_pfn(z); b += pageblock_nr_pages)
		retype(m, z, b < z->zone_start_pfn ? z->zone_start_pfn : b, mt);
}

/* A HIGHATOMIC block with the accounting reserve_highatomic_pageblock keeps */
static void make_highatomic(struct machine *m, struct zone *z, unsigned long pfn)
{
	retype(m, z, pfn, MIGRATE_HIGHATOMIC);
	z->nr_reserved_highatomic += pageblock_nr_pages;
}

/* The first nr-aligned range of nr grabbed pages at or above pfn */
static unsigned long next_grabbed_range(struct machine *m, struct zone *z, unsigned long pfn,
					unsigned long nr)
{
	for (unsigned long b = (pfn + nr - 1) & ~(nr - 1); b + nr <= zone_end_pfn(z); b += nr) {
		bool all = true;

		for (unsigned long p = b; p < b + nr && all; p++)
			all = grabbed(m, p);
		if (all)
			return b;
	}
	fail_msg("no grabbed range of %lu pages above %#lx", nr, pfn);
	return PFN_NONE;
}

static unsigned long next_grabbed_block(struct machine *m, struct zone *z, unsigned long pfn)
{
	return next_grabbed_range(m, z, pfn, pageblock_nr_pages);
}

/*
 * Teardown for tests that keep their machine in *state: it runs even when
 * an assertion fails, so a failing test leaks nothing.
 */
static int destroy_machine(void **state)
{
	machine_destroy(*state);
	*state = NULL;
	return 0;
}

static unsigned long alloc_mt(struct machine *m, int mt, unsigned int order)
{
	return __alloc_pages(m, gfp_of_mt[mt], order, 0);
}

/* -------------------------------------------------------------------------
 * Orders, MAX_ORDER, __rmqueue_smallest and expand()
 */

/*
 *   free_area[0] ... free_area[10]       (11 entries, MAX_ORDER = 11)
 * Orders run 0..10: an allocation of every order 0..10 succeeds and is
 * naturally aligned; order 11 (MAX_ORDER) is refused without touching
 * the free lists (a model with orders 0..11 or an off-by-one fails).
 */
static void test_orders_and_max_order(void **state)
{
	struct machine *m = one_zone(128, 1);
	struct zone *z = dz(m);
	long before;

	(void)state;
	assert_int_equal(MAX_ORDER, 11);
	assert_int_equal(MAX_ORDER_NR_PAGES, 1024);
	assert_int_equal(ARRAY_SIZE(z->free_area), 11);
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		unsigned long pfn = alloc_mt(m, M, o);

		assert_int_not_equal(pfn, PFN_NONE);
		assert_int_equal(pfn & ((1UL << o) - 1), 0);
		assert_true(zone_spans_pfn(z, pfn));
	}
	before = nr_free(z);
	assert_int_equal(alloc_mt(m, M, MAX_ORDER), PFN_NONE);
	assert_int_equal(nr_free(z), before);
	machine_destroy(m);
}

/*
 *   fresh zone (boot's small edge blocks taken), order-10 MOVABLE list:
 *   P (head), P+1024, ...
 *   order-4 request:  P+0 | o4 P+16 | o5 P+32 | o6 P+64 | o7 | o8 | o9 P+512
 * __rmqueue_smallest takes the head of the first non-empty order (here
 * 10); expand() puts each upper half at the HEAD of the lower order's
 * list.  The following order-4 requests take P+16 (the o4 head), then
 * split P+32 (o5) and take it, leaving P+48 at the o4 head, then P+48.
 * A tail-taking or lower-half-keeping implementation fails.
 */
static void test_rmqueue_smallest_head_and_expand(void **state)
{
	struct machine *m = one_zone(128, 1);
	struct zone *z = dz(m);
	static const unsigned long expect[] = { 0, 16, 32, 48, 64, 80, 96 };
	unsigned long p;

	(void)state;
	only_order10(m, z);
	p = z->free_area[10].free_list[M].first;
	assert_int_equal(alloc_mt(m, M, 4), p);
	for (unsigned int o = 4; o < 10; o++)
		assert_int_equal(z->free_area[o].free_list[M].first, p + (1UL << o));
	for (size_t i = 1; i < ARRAY_SIZE(expect); i++)
		assert_int_equal(alloc_mt(m, M, 4), p + expect[i]);
	t_check(m);
	machine_destroy(m);
}

/* -------------------------------------------------------------------------
 * Fallback
 */

/*
 * Requested type T, its fallbacks F1 then F2 (fallbacks[] in 6.1):
 *   U -> R, M     M -> R, U     R -> U, M
 * Case "both": every free block is F2 except one order-10 block X of F1:
 *   | X: F1 o10 | F2 o10 | F2 o10 | ...        -> X is stolen
 * Case "second": every free block is F2       -> the F2 head is stolen
 * An order-4 request of type T finds no T page and steals: X must be
 * taken while F1 has free pages (a wrong table steals from F2), and the
 * stolen order-10 block's two pageblocks both become T.
 */
static void test_fallback_order_matrix(void **state)
{
	static const int fb[3][2] = { [U] = { R, M }, [M] = { R, U }, [R] = { U, M } };

	(void)state;
	for (int t = 0; t < 3; t++) {
		for (int both = 0; both < 2; both++) {
			struct machine *m = one_zone(64, 1);
			struct zone *z = dz(m);
			unsigned long x, pfn;
			int f1 = fb[t][0], f2 = fb[t][1];

			retype_zone(m, z, f2);
			x = z->free_area[10].free_list[f2].first;
			if (both) {
				retype(m, z, x, f1);
				set_pageblock_migratetype(m, x + 512, f1);
			}
			pfn = alloc_mt(m, t, 4);
			if (pfn != x)
				fail_msg("type %s (%s): took %#lx, expected %#lx", migratetype_names[t],
					 both ? "both fallbacks free" : "only the second", pfn, x);
			assert_int_equal(get_pageblock_migratetype(m, x), t);
			assert_int_equal(get_pageblock_migratetype(m, x + 512), t);
			t_check(m);
			machine_destroy(m);
		}
	}
}

/*
 *   P: o4 taken by a movable request, its halves o5..o9 free MOVABLE
 *   | P: M (split: o5 o6 o7 o8 o9 free) | Q: M o10 | Q+1024: M o10 | ...
 * An unmovable order-4 request falls back scanning from order 10 DOWN:
 * it steals the order-10 block Q (not the order-5 half of P a bottom-up
 * scan would find), retypes both of Q's pageblocks (change_pageblock_range)
 * and nothing else, and boosts no watermark (whole-block steals do not).
 */
static void test_fallback_scans_down_and_steals_whole_blocks(void **state)
{
	struct machine *m = one_zone(128, 1);
	struct zone *z = dz(m);
	unsigned long p, q, pfn;

	(void)state;
	only_order10(m, z);
	p = alloc_mt(m, M, 5);
	q = z->free_area[10].free_list[M].first;
	assert_int_equal(t_nr_free_mt(m, 0, ZONE_DMA32, 5, M), 1);
	pfn = alloc_mt(m, U, 4);
	assert_int_equal(pfn, q);
	assert_int_equal(get_pageblock_migratetype(m, q), U);
	assert_int_equal(get_pageblock_migratetype(m, q + 512), U);
	assert_int_equal(get_pageblock_migratetype(m, q + 1024), M);
	assert_int_equal(get_pageblock_migratetype(m, p), M);
	assert_int_equal(t_nr_free_mt(m, 0, ZONE_DMA32, 5, M), 1);
	assert_int_equal(z->watermark_boost, 0);
	t_check(m);
	machine_destroy(m);
}

/*
 *   everything held except one order-9 block B (MOVABLE)
 *   | B-512: held | B: M o9 | B+512: held |
 * Stealing an order-9 block retypes exactly its one pageblock.
 */
static void test_fallback_order9_retypes_one_block(void **state)
{
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);
	unsigned long b;

	(void)state;
	grab_zone(m, z);
	b = next_grabbed_block(m, z, z->zone_start_pfn + 1024);
	give_back(m, b, 9);
	no_watermarks(z);
	assert_int_equal(alloc_mt(m, U, 4), b);
	assert_int_equal(get_pageblock_migratetype(m, b), U);
	assert_int_equal(get_pageblock_migratetype(m, b ^ 512), M);
	t_check(m);
	machine_destroy(m);
}

/*
 * can_steal_fallback(order, type) is true for order >= 4
 * (pageblock_order / 2) or an UNMOVABLE/RECLAIMABLE request; for a
 * movable request below order 4, find_suitable_fallback(only_stealable)
 * finds nothing.  Checked for every order 0..10 on a real free area that
 * has UNMOVABLE and MOVABLE order-10 blocks.
 */
static void test_can_steal_rule_matrix(void **state)
{
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);
	struct free_area *area = &z->free_area[10];

	(void)state;
	retype(m, z, area->free_list[M].first, U);
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		for (int t = 0; t < 3; t++) {
			bool can = false, want = o >= 4 || t != M;
			int fmt = find_suitable_fallback(area, o, t, false, &can);

			if (can != want)
				fail_msg("order %u %s: can_steal %d, expected %d", o,
					 migratetype_names[t], can, want);
			assert_int_not_equal(fmt, -1);
			fmt = find_suitable_fallback(area, o, t, true, &can);
			assert_int_equal(fmt == -1, !want);
		}
	}
	machine_destroy(m);
}

/*
 *   block B (UNMOVABLE): | o3 free | held | o1 free | held ... 300 movable pages |
 *   nothing else free in the zone
 * A movable order-0 request finds the o3 block first (scan from 10
 * down), cannot steal below order 4, so it rescans UP from order 0 and
 * takes the smallest fallback block, the o1 one; only that block moves
 * (single page), B stays UNMOVABLE although 300 of its pages are movable
 * (a model stealing the whole block would retype it), the o3 block stays
 * free, and the zone's watermark is boosted by one pageblock.
 */
static void test_movable_cannot_steal_takes_smallest(void **state)
{
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);
	unsigned long b, pfn;

	(void)state;
	grab_zone(m, z);
	b = next_grabbed_block(m, z, z->zone_start_pfn);
	set_pageblock_migratetype(m, b, U);
	give_back(m, b, 3);
	give_back(m, b + 64, 1);
	for (unsigned long p = b + 128; p < b + 428; p++)
		mm_mark_movable_data(m, p, 0);
	pcp_set(m, z, 1, 1 << 20);
	no_watermarks(z);
	z->_watermark[WMARK_HIGH] = 1000;	/* boost needs a high mark; min/low stay 0 */
	pfn = alloc_mt(m, M, 0);
	assert_int_equal(pfn, b + 64);
	assert_int_equal(get_pageblock_migratetype(m, b), U);
	assert_true(PageBuddy(m, b));
	assert_int_equal(buddy_order(m, b), 3);
	assert_int_equal(t_nr_free_mt(m, 0, ZONE_DMA32, 3, U), 1);
	assert_int_equal(z->watermark_boost, pageblock_nr_pages);
	t_check(m);
	machine_destroy(m);
}

/*
 * The claim threshold: after move_freepages_block, a block is retyped
 * when free + alike >= 256 (1 << (pageblock_order - 1)).
 *   block B: | o7 free (128) | k movable-marked held pages | other held |
 * (a) UNMOVABLE request from a MOVABLE block: alike = 512 - free - movable,
 *     so free + alike = 512 - k: k = 256 claims, k = 257 does not.
 * (b) MOVABLE request from an UNMOVABLE block: alike = movable = k, so
 *     free + alike = 128 + k: k = 128 claims, k = 127 does not.
 * Either way the free o7 block moves to the requested type's list and
 * the order-4 request is served from B.
 */
static void test_claim_threshold_255_256(void **state)
{
	static const struct { int req, block; unsigned int k; bool claim; } c[] = {
		{ U, M, 256, true }, { U, M, 257, false },
		{ M, U, 128, true }, { M, U, 127, false },
		{ R, M, 256, true }, { R, M, 257, false },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		struct machine *m = one_zone(64, 1);
		struct zone *z = dz(m);
		unsigned long b, pfn;

		grab_zone(m, z);
		b = next_grabbed_block(m, z, z->zone_start_pfn);
		set_pageblock_migratetype(m, b, c[i].block);
		give_back(m, b, 7);
		for (unsigned long p = b + 128; p < b + 128 + c[i].k; p++)
			mm_mark_movable_data(m, p, 0);
		no_watermarks(z);
		pfn = alloc_mt(m, c[i].req, 4);
		assert_int_equal(pfn, b);
		if ((get_pageblock_migratetype(m, b) == c[i].req) != c[i].claim)
			fail_msg("%s request, %s block, %u movable: block is %s, claim expected %d",
				 migratetype_names[c[i].req], migratetype_names[c[i].block], c[i].k,
				 migratetype_names[get_pageblock_migratetype(m, b)], c[i].claim);
		assert_int_equal(t_nr_free_mt(m, 0, ZONE_DMA32, 4, c[i].req), 1);
		t_check(m);
		machine_destroy(m);
	}
}

/*
 * Watermark boost: every fallback below pageblock order adds one
 * pageblock to watermark_boost, capped at max(pageblock,
 * high * 15000 / 10000); zones smaller than 4 pageblocks never boost.
 *   big zone: 3 MOVABLE blocks with a free o8, 20 with a free o7
 *   | o8 free | held | o8 free | held | o8 free | held | o7 | held | ...
 * Three unmovable order-8 requests each steal one o8 (they cannot use
 * the o7s): boost 512, 1024, then the cap (high*1.5 lies in (1024,1536)).
 * kswapd_run() clears the boost as balance_pgdat does.
 */
static void test_watermark_boost_and_cap(void **state)
{
	struct machine *m = one_zone(256, 1);
	struct zone *z = dz(m);
	unsigned long b = z->zone_start_pfn, cap;

	(void)state;
	grab_zone(m, z);
	cap = z->_watermark[WMARK_HIGH] * 15000 / 10000;
	assert_true(cap > 1024 && cap < 1536);
	for (int i = 0; i < 23; i++) {
		b = next_grabbed_block(m, z, b);
		give_back(m, b, i < 3 ? 8 : 7);
		b += pageblock_nr_pages;
	}
	for (int i = 1; i <= 3; i++) {
		unsigned long want = (unsigned long)i * 512 < cap ? (unsigned long)i * 512 : cap;

		assert_int_not_equal(alloc_mt(m, U, 8), PFN_NONE);
		if (z->watermark_boost != want)
			fail_msg("after fallback %d: boost %lu, expected %lu", i, z->watermark_boost,
				 want);
	}
	kswapd_run(m, 0);
	assert_int_equal(z->watermark_boost, 0);
	t_check(m);
	machine_destroy(m);
}

/*
 *   DMA zone made tiny by a hole at [1M, 12M): present [0,1M) (reserved)
 *   and [12M, 16M): managed 1024 pages < 4 pageblocks
 *   | 3072: M o8 free | held | 3584: M o7 free | held |
 * An unmovable DMA order-8 request steals the o8 (its block is retyped,
 * so the fallback did happen) but boost_watermark refuses zones with
 * fewer than 4 pageblocks: the boost stays 0.
 */
static void test_no_boost_on_small_zone(void **state)
{
	struct machine_opts o;
	struct machine *m;
	struct zone *z;

	(void)state;
	t_opts(&o, 1, 256, 1);
	o.nr_holes = 1;
	o.hole[0] = (struct hole_desc){ MB(1), MB(12), false };
	m = t_boot(&o);
	z = zone_of(m, 0, ZONE_DMA);
	assert_int_equal(z->managed_pages, 1024);
	grab_zone(m, z);
	give_back(m, 3072, 8);
	give_back(m, 3584, 7);
	assert_int_equal(__alloc_pages(m, GFP_KERNEL | __GFP_DMA, 8, 0), 3072);
	assert_int_equal(get_pageblock_migratetype(m, 3072), U);
	assert_int_equal(z->watermark_boost, 0);
	t_check(m);
	machine_destroy(m);
}

/* -------------------------------------------------------------------------
 * Merging and list placement
 */

/*
 *   order-10 block P split by two order-k allocations (k = 4..8):
 *   | A = P (ok) | B = P + 2^k (ok) | o(k+1) | ... | o9 |
 * The buddy of A at order k is A ^ (1 << k) = B.  Freeing A leaves an
 * order-k block (B is held); freeing B merges at A & B = P and cascades
 * back to one order-10 block, restoring the free counts (merging at the
 * wrong pfn or not cascading fails).
 */
static void test_merge_buddy_pfn_matrix(void **state)
{
	(void)state;
	for (unsigned int k = 4; k <= 8; k++) {
		struct machine *m = one_zone(64, 1);
		struct zone *z = dz(m);
		long before;
		unsigned long n10, a, b;

		only_order10(m, z);
		before = nr_free(z);
		n10 = z->free_area[10].nr_free;
		a = alloc_mt(m, M, k);
		b = alloc_mt(m, M, k);
		assert_int_equal(b, a ^ (1UL << k));
		__free_pages(m, a, k);
		assert_true(PageBuddy(m, a));
		assert_int_equal(buddy_order(m, a), k);
		__free_pages(m, b, k);
		assert_false(PageBuddy(m, b));
		assert_true(PageBuddy(m, a & b));
		assert_int_equal(buddy_order(m, a & b), 10);
		assert_int_equal(nr_free(z), before);
		assert_int_equal(z->free_area[10].nr_free, n10);
		t_check(m);
		machine_destroy(m);
	}
}

/*
 *   node 0 ends at S = 130 MiB (512- but not 1024-aligned), node 1 starts there;
 *   a scenario reservation keeps [S-512, S) out of node 0's boot allocations
 *   pfn S-512                 S                  S+512
 *       | node 0: o9 (after   | node 1: o9 free  |
 *       |  the range is freed)|                  |
 * The two order-9 blocks are buddies (S-512 ^ 512 = S) but lie in
 * different zones: page_is_buddy refuses, nothing merges across.
 */
static void test_no_merge_across_zones(void **state)
{
	struct machine_opts o;
	struct machine *m;
	unsigned long s;

	(void)state;
	t_opts(&o, 2, 64, 1);
	o.node[0].mem_bytes = MB(130);
	o.nr_reserves = 1;
	o.reserve[0] = (struct reserve_desc){ MB(128), MB(2), -1 };
	m = t_boot(&o);
	s = m->node[1].node_start_pfn;
	assert_int_equal(s, PFN_MB(130));
	assert_int_equal(s & 1023, 512);
	assert_true(PageBuddy(m, s));
	assert_int_equal(buddy_order(m, s), 9);
	assert_int_equal(memblock_reserved_pages(m, s - 512, s), 512);
	for (unsigned long p = s - 512; p < s; p++)
		free_bootmem_page(m, p);
	drain_all_pages(m, NULL);
	assert_true(PageBuddy(m, s - 512));
	assert_int_equal(buddy_order(m, s - 512), 9);
	assert_true(PageBuddy(m, s));
	assert_int_equal(buddy_order(m, s), 9);
	assert_int_equal(page_to_nid(m, s - 512), 0);
	t_check(m);
	machine_destroy(m);
}

/*
 * At pageblock order and above, __free_one_page merges two buddies of
 * different pageblock types only if both types are mergeable (< 3):
 *   | P: type a o9 | P+512: type b o9 |  -> one o10 block, or two o9s
 * MOVABLE+UNMOVABLE and RECLAIMABLE+MOVABLE merge, HIGHATOMIC or ISOLATE
 * next to another type does not (either order of freeing), two
 * HIGHATOMIC blocks do.
 */
static void test_merge_types_at_pageblock_order(void **state)
{
	static const struct { int a, b; bool merge; } c[] = {
		{ M, U, true }, { U, M, true }, { R, M, true }, { HA, HA, true },
		{ HA, M, false }, { M, HA, false }, { ISO, M, false }, { M, ISO, false },
		{ U, HA, false },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		struct machine *m = one_zone(64, 1);
		struct zone *z = dz(m);
		unsigned long p = alloc_mt(m, M, 10);
		bool merged;

		set_page_count(m, p + 512, 1);
		set_pageblock_migratetype(m, p, c[i].a);
		set_pageblock_migratetype(m, p + 512, c[i].b);
		z->nr_reserved_highatomic += (c[i].a == HA) * 512 + (c[i].b == HA) * 512;
		__free_pages(m, p + 512, 9);
		__free_pages(m, p, 9);
		drain_all_pages(m, NULL);
		assert_true(PageBuddy(m, p));
		merged = buddy_order(m, p) == 10;
		if (merged != c[i].merge)
			fail_msg("%s + %s: merged %d, expected %d", migratetype_names[c[i].a],
				 migratetype_names[c[i].b], merged, c[i].merge);
		if (!merged) {
			assert_int_equal(buddy_order(m, p), 9);
			assert_true(PageBuddy(m, p + 512));
		}
		t_check(m);
		machine_destroy(m);
	}
}

/*
 *   boot: memblock_free_all frees ascending with FPI_TO_TAIL
 *   order-10 list: P0 -> P0+1024 -> P0+2048 -> ...  (ascending)
 * The boot list is in ascending pfn order (head insertion would reverse
 * it).  A later order-10 free (no shuffle, buddy_merge_likely does not
 * apply at order >= 9) goes to the head.
 */
static void test_fpi_to_tail_boot_order(void **state)
{
	struct machine *m = one_zone(128, 1);
	struct zone *z = dz(m);
	unsigned long pfn, prev = 0, n = 0, x;

	(void)state;
	pfnlist_for_each(m, pfn, &z->free_area[10].free_list[M]) {
		assert_true(n == 0 || pfn > prev);
		prev = pfn;
		n++;
	}
	assert_int_equal(n, z->free_area[10].nr_free);
	assert_true(n > 10);
	x = alloc_mt(m, M, 10);
	assert_int_equal(x, z->free_area[10].free_list[M].first - 1024);
	alloc_mt(m, M, 10);
	__free_pages(m, x, 10);
	assert_int_equal(z->free_area[10].free_list[M].first, x);
	assert_int_not_equal(z->free_area[10].free_list[M].last, x);
	t_check(m);
	machine_destroy(m);
}

/*
 * buddy_merge_likely (orders <= 8): a freed block that cannot merge goes
 * to the TAIL of its list when the buddy of its order-(k+1) parent is
 * free (it will probably merge soon), else to the head.
 *   block P (held order 10):  | held 2^k | X: free o(k) | o(k+1) free | held ... |
 *   block Q (held order 10):  | held 2^k | Y: free o(k) | held 2^(k+1)  | ...
 *   block S: one other o(k) free block on the list first.
 * Expect X at the tail, Y at the head of the order-k list (k = 4 and 8).
 */
static void test_buddy_merge_likely_tail_or_head(void **state)
{
	static const unsigned int ks[] = { 4, 8 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ks); i++) {
		unsigned int k = ks[i];
		unsigned long sz = 1UL << k;
		struct machine *m = one_zone(64, 1);
		struct zone *z = dz(m);
		struct pfnlist_head *h = &z->free_area[k].free_list[M];
		unsigned long p, q, s;

		grab_zone(m, z);
		p = next_grabbed_range(m, z, z->zone_start_pfn, 1024);
		q = next_grabbed_range(m, z, p + 1024, 1024);
		s = next_grabbed_range(m, z, q + 1024, 1024);
		give_back(m, s + sz, k);		/* the first member */
		give_back(m, p + 2 * sz, k + 1);	/* X's parent buddy */
		give_back(m, p + sz, k);		/* X */
		assert_int_equal(h->last, p + sz);
		assert_int_equal(h->first, s + sz);
		give_back(m, q + sz, k);		/* Y */
		assert_int_equal(h->first, q + sz);
		assert_int_equal(h->last, p + sz);
		t_check(m);
		machine_destroy(m);
	}
}

struct shuffle_log {
	unsigned long boot[64];
	int nboot;
	char ends[48];
};

static void shuffle_run(uint64_t seed, bool shuffle, struct shuffle_log *l)
{
	struct machine_opts o;
	struct machine *m;
	struct zone *z;
	unsigned long pfn;

	t_opts(&o, 1, 128, 1);
	o.nr_holes = 1;
	o.hole[0] = (struct hole_desc){ 0, MB(16), false };
	o.page_alloc_shuffle = shuffle;
	o.seed = seed;
	m = t_boot(&o);
	z = dz(m);
	memset(l, 0, sizeof(*l));
	pfnlist_for_each(m, pfn, &z->free_area[10].free_list[M])
		if (l->nboot < 64)
			l->boot[l->nboot++] = pfn;
	for (int i = 0; i < 47; i++) {
		unsigned long x = alloc_mt(m, M, 10);

		__free_pages(m, x, 10);
		l->ends[i] = z->free_area[10].free_list[M].first == x ? 'h' : 't';
	}
	t_check(m);
	machine_destroy(m);
}

/*
 * page_alloc.shuffle=1: boot shuffles the order-10 free lists and every
 * later order-10 free goes to a random end, both from the machine's
 * seeded generator.  Expect: the boot list no longer ascending, both
 * ends used, the same seed giving the same lists and ends, another seed
 * different ones; without shuffle every order-10 free goes to the head.
 */
static void test_shuffle_seeded(void **state)
{
	struct shuffle_log a, b, c, off;
	bool sorted = true, heads = false, tails = false;

	(void)state;
	shuffle_run(1, true, &a);
	shuffle_run(1, true, &b);
	shuffle_run(2, true, &c);
	shuffle_run(1, false, &off);
	for (int i = 1; i < a.nboot; i++)
		sorted &= a.boot[i] > a.boot[i - 1];
	assert_false(sorted);
	assert_int_equal(a.nboot, b.nboot);
	assert_memory_equal(a.boot, b.boot, sizeof(a.boot));
	assert_string_equal(a.ends, b.ends);
	for (int i = 0; a.ends[i]; i++) {
		heads |= a.ends[i] == 'h';
		tails |= a.ends[i] == 't';
	}
	assert_true(heads && tails);
	assert_true(memcmp(a.boot, c.boot, sizeof(a.boot)) || strcmp(a.ends, c.ends));
	for (int i = 0; off.ends[i]; i++)
		assert_int_equal(off.ends[i], 'h');
}

/* -------------------------------------------------------------------------
 * Per-cpu lists
 */

static unsigned int pindex_of(unsigned int order, int mt)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return NR_LOWORDER_PCP_LISTS + (mt == M);
	return order * MIGRATE_PCPTYPES + (unsigned int)mt;
}

/*
 *   pcp lists of a CPU:  0..11 = order * 3 + type (orders 0..3),
 *                        12 = THP (order 9) non-movable, 13 = THP movable
 * For every order 0..10 and pcp type, free one block from a pageblock of
 * that type: orders 0-3 and 9 land at the head of list order*3+mt (or
 * 12/13), with pcp->count += 2^order and NR_FREE_PAGES unchanged; every
 * other order goes straight to the buddy lists (NR_FREE_PAGES grows, the
 * pcp count does not).
 */
static void test_pcp_orders_and_list_index(void **state)
{
	(void)state;
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		for (int t = 0; t < 3; t++) {
			struct machine *m = one_zone(128, 1);
			struct zone *z = dz(m);
			struct per_cpu_pages *pcp = &z->pcp[0];
			unsigned long p = alloc_mt(m, M, o);
			bool pcp_order = o <= 3 || o == 9;
			long free0;
			int count0;

			assert_int_not_equal(p, PFN_NONE);
			drain_all_pages(m, NULL);
			pcp_set(m, z, pcp->batch, 1 << 20);
			set_pageblock_migratetype(m, p, t);
			free0 = nr_free(z);
			count0 = pcp->count;
			__free_pages(m, p, o);
			if (pcp_order) {
				unsigned int idx = pindex_of(o, t);

				if (pcp->lists[idx].first != p)
					fail_msg("order %u %s: not at the head of pcp list %u", o,
						 migratetype_names[t], idx);
				assert_int_equal(pcp->count, count0 + (1 << o));
				assert_int_equal(nr_free(z), free0);
				assert_false(PageBuddy(m, p));
			} else {
				assert_int_equal(pcp->count, count0);
				assert_int_equal(nr_free(z), free0 + (1L << o));
				assert_int_not_equal(free_head(m, p), PFN_NONE);
			}
			t_check(m);
			machine_destroy(m);
		}
	}
}

/*
 *   pcp list (order 0, movable), emptied by a drain:
 *   free A -> [A]; free B -> [B, A]; alloc -> B; alloc -> A
 * Freeing adds at the head and allocation takes the head (LIFO): the
 * most recently freed, cache-hot page comes back first.
 */
static void test_pcp_lifo(void **state)
{
	struct machine *m = one_zone(128, 1);
	struct zone *z = dz(m);
	struct per_cpu_pages *pcp = &z->pcp[0];
	unsigned long a = alloc_mt(m, M, 0), b = alloc_mt(m, M, 0);

	(void)state;
	drain_all_pages(m, NULL);
	pcp_set(m, z, pcp->batch, 1 << 20);
	__free_pages(m, a, 0);
	__free_pages(m, b, 0);
	assert_int_equal(pcp->lists[pindex_of(0, M)].first, b);
	assert_int_equal(pcp->lists[pindex_of(0, M)].last, a);
	assert_int_equal(alloc_mt(m, M, 0), b);
	assert_int_equal(alloc_mt(m, M, 0), a);
	t_check(m);
	machine_destroy(m);
}

/*
 *   empty pcp list; one allocation of order o refills it from the buddy
 *   lists with n = max(batch >> o, 2) blocks and hands out one of them
 * zone of 256 MiB: batch 15, so n = 15, 7, 3, 2 for orders 0..3 and 2 for
 * the THP order 9.  NR_FREE_PAGES drops by n << o at once (pages on pcp
 * lists are not free pages), pcp->count is (n - 1) << o.
 */
static void test_pcp_refill_batch(void **state)
{
	static const unsigned int orders[] = { 0, 1, 2, 3, 9 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(orders); i++) {
		unsigned int o = orders[i];
		struct machine *m = one_zone(256, 1);
		struct zone *z = dz(m);
		struct per_cpu_pages *pcp = &z->pcp[0];
		long free0 = nr_free(z);
		int n;

		assert_int_equal(pcp->batch, 15);
		n = pcp->batch >> o > 2 ? pcp->batch >> o : 2;
		assert_int_not_equal(alloc_mt(m, M, o), PFN_NONE);
		if (pcp->count != (n - 1) << o)
			fail_msg("order %u: pcp count %d, expected %d", o, pcp->count, (n - 1) << o);
		assert_int_equal(free0 - nr_free(z), (long)n << o);
		assert_int_equal(pcp->lists_count[pindex_of(o, M)], n - 1);
		t_check(m);
		machine_destroy(m);
	}
}

/*
 *   pcp (batch 2, high 5) before the last free:
 *   list 0 (unmovable o0): U1 -> U0      list 2 (reclaimable o0): R1 -> R0
 *   free M0 -> list 1: [M0], count 5 >= high -> free_pcppages_bulk(2)
 * The bulk free starts with the list just used (1), takes pages from the
 * TAIL, and moves round-robin to the next non-empty list: M0, then R0.
 * A drain from list 0, or from list heads, frees other pages.
 */
static void test_pcp_bulk_free_tail_round_robin(void **state)
{
	struct machine *m = one_zone(128, 1);
	struct zone *z = dz(m);
	struct per_cpu_pages *pcp = &z->pcp[0];
	unsigned long u0 = alloc_mt(m, U, 0), u1 = alloc_mt(m, U, 0);
	unsigned long r0 = alloc_mt(m, R, 0), r1 = alloc_mt(m, R, 0);
	unsigned long m0 = alloc_mt(m, M, 0);
	long free0;

	(void)state;
	drain_all_pages(m, NULL);
	pcp_set(m, z, 2, 1 << 20);
	__free_pages(m, u0, 0);
	__free_pages(m, u1, 0);
	__free_pages(m, r0, 0);
	__free_pages(m, r1, 0);
	assert_int_equal(pcp->count, 4);
	pcp->high = 5;
	free0 = nr_free(z);
	__free_pages(m, m0, 0);
	assert_int_equal(pcp->count, 3);
	assert_int_equal(nr_free(z), free0 + 2);
	assert_false(on_pcp(m, z, m0));
	assert_false(on_pcp(m, z, r0));
	assert_true(on_pcp(m, z, u0));
	assert_true(on_pcp(m, z, u1));
	assert_true(on_pcp(m, z, r1));
	assert_int_not_equal(free_head(m, m0), PFN_NONE);
	assert_int_not_equal(free_head(m, r0), PFN_NONE);
	t_check(m);
	machine_destroy(m);
}

/*
 *   pcp batch 2, high 200, order-0 frees only:
 *   count 199 -> free -> 200: bulk 2 -> 198 ... next trigger bulk 4 ...
 * nr_pcp_free doubles the bulk size on each consecutive trigger
 * (batch << free_factor, free_factor capped at PCP_BATCH_SCALE_MAX = 5,
 * the 6.1.192 backport): 2, 4, 8, 16, 32, 64, 64.  An allocation halves
 * free_factor (5 -> 2): the next trigger frees 8.  With free_factor set,
 * freeing a high-order (1..3) page drains the whole pcp (free_high).
 */
static void test_pcp_free_factor(void **state)
{
	struct machine *m = one_zone(256, 1);
	struct zone *z = dz(m);
	struct per_cpu_pages *pcp = &z->pcp[0];
	static const int expect[] = { 2, 4, 8, 16, 32, 64, 64 };
	unsigned long *pages = calloc(420, sizeof(*pages)), o1;
	int next = 0, trig = 0, freed;

	(void)state;
	assert_non_null(pages);
	for (int i = 0; i < 420; i++) {
		pages[i] = alloc_mt(m, M, 0);
		assert_int_not_equal(pages[i], PFN_NONE);
	}
	o1 = alloc_mt(m, M, 1);
	drain_all_pages(m, NULL);
	pcp_set(m, z, 2, 200);
	while (trig < (int)ARRAY_SIZE(expect)) {
		int c0 = pcp->count;

		assert_true(next < 420);
		__free_pages(m, pages[next++], 0);
		freed = c0 + 1 - pcp->count;
		if (!freed)
			continue;
		if (freed != expect[trig])
			fail_msg("trigger %d freed %d pages, expected %d", trig, freed, expect[trig]);
		trig++;
	}
	assert_int_equal(pcp->free_factor, 5);
	assert_int_not_equal(alloc_mt(m, M, 0), PFN_NONE);
	assert_int_equal(pcp->free_factor, 2);
	for (;;) {
		int c0 = pcp->count;

		assert_true(next < 420);
		__free_pages(m, pages[next++], 0);
		freed = c0 + 1 - pcp->count;
		if (freed) {
			assert_int_equal(freed, 8);
			break;
		}
	}
	assert_true(pcp->free_factor > 0);
	assert_true(pcp->count > 0);
	__free_pages(m, o1, 1);
	assert_int_equal(pcp->count, 0);
	t_check(m);
	free(pages);
	machine_destroy(m);
}

/*
 *   CPU 0 pcp: 14 pages    CPU 1 pcp: 14 pages     (after one refill each)
 * drain_local_pages empties only the current CPU's lists;
 * drain_all_pages empties every CPU's lists in every zone, and the pages
 * become free pages (NR_FREE_PAGES grows by what was drained).
 */
static void test_drain_local_and_all(void **state)
{
	struct machine *m = one_zone(128, 2);
	struct zone *z = dz(m);
	long free0;
	int c0, c1;

	(void)state;
	alloc_mt(m, M, 0);
	m->cur_cpu = 1;
	alloc_mt(m, U, 0);
	c0 = z->pcp[0].count;
	c1 = z->pcp[1].count;
	assert_true(c0 > 0 && c1 > 0);
	free0 = nr_free(z);
	drain_local_pages(m, NULL);
	assert_int_equal(z->pcp[1].count, 0);
	assert_int_equal(z->pcp[0].count, c0);
	assert_int_equal(nr_free(z), free0 + c1);
	drain_all_pages(m, NULL);
	assert_int_equal(z->pcp[0].count, 0);
	assert_int_equal(pcp_total(m, z), 0);
	assert_int_equal(nr_free(z), free0 + c0 + c1);
	m->cur_cpu = 0;
	t_check(m);
	machine_destroy(m);
}

/*
 *   page p freed to the pcp list: buddyinfo and NR_FREE_PAGES unchanged
 *   drain: p back in the buddy lists, NR_FREE_PAGES + 1
 * Pages on pcp lists are not counted as free (a watermark check cannot
 * see them until a drain).
 */
static void test_pcp_pages_not_free_pages(void **state)
{
	struct machine *m = one_zone(128, 1);
	struct zone *z = dz(m);
	unsigned long p = alloc_mt(m, M, 0), nr0[MAX_ORDER];
	long free0;

	(void)state;
	drain_all_pages(m, NULL);
	free0 = nr_free(z);
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		nr0[o] = z->free_area[o].nr_free;
	__free_pages(m, p, 0);
	assert_true(on_pcp(m, z, p));
	assert_int_equal(nr_free(z), free0);
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		assert_int_equal(z->free_area[o].nr_free, nr0[o]);
	drain_all_pages(m, NULL);
	assert_int_equal(nr_free(z), free0 + 1);
	assert_int_not_equal(free_head(m, p), PFN_NONE);
	t_check(m);
	machine_destroy(m);
}

/*
 *   page p in a pageblock retyped to HIGHATOMIC / CMA / ISOLATE
 * HIGHATOMIC and CMA pages freed to the pcp go on the MOVABLE list but
 * keep their type in page->index, so a drain returns them to their own
 * free list; an ISOLATE page bypasses the pcp and lands on the ISOLATE
 * list at once, not counted in NR_FREE_PAGES.
 */
static void test_pcp_highatomic_cma_isolate(void **state)
{
	static const int types[] = { HA, MIGRATE_CMA, ISO };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		int t = types[i];
		struct machine *m = one_zone(128, 1);
		struct zone *z = dz(m);
		struct per_cpu_pages *pcp = &z->pcp[0];
		unsigned long p = alloc_mt(m, M, 0), h;
		int moved;
		long free0;

		drain_all_pages(m, NULL);
		set_pageblock_migratetype(m, p, t);
		moved = move_freepages_block(m, z, p, t, NULL);
		if (t == HA)
			z->nr_reserved_highatomic += pageblock_nr_pages;
		if (t == MIGRATE_CMA)
			z->vm_stat[NR_FREE_CMA_PAGES] += moved;
		if (t == ISO)
			z->vm_stat[NR_FREE_PAGES] -= moved;
		free0 = nr_free(z);
		__free_pages(m, p, 0);
		if (t == ISO) {
			assert_int_equal(pcp->count, 0);
			assert_int_equal(nr_free(z), free0);
		} else {
			assert_int_equal(pcp->lists[pindex_of(0, M)].first, p);
			assert_int_equal(page_index(m, p), t);
			drain_all_pages(m, NULL);
			assert_int_equal(nr_free(z), free0 + 1);
		}
		h = free_head(m, p);
		assert_int_not_equal(h, PFN_NONE);
		if ((int)page_index(m, h) != t)
			fail_msg("%s page ended on the %s list", migratetype_names[t],
				 migratetype_names[page_index(m, h)]);
		t_check(m);
		machine_destroy(m);
	}
}

/*
 * zone_batchsize: batch = rounddown_pow_of_two(b + b/2) - 1 with
 * b = max(1, min(managed >> 10, 256) / 4): 63 once a zone has >= 1 GiB
 * (managed >> 10 >= 256), 15 for ~250 MiB, 3 for ~60 MiB.
 * zone_highsize: high = low watermark / CPUs local to the node, at least
 * 4 * batch; with percpu_pagelist_high_fraction f: managed / f / CPUs.
 */
static void test_zone_batch_and_high(void **state)
{
	static const struct { unsigned long mb; int batch; } c[] = {
		{ 64, 3 }, { 256, 15 }, { 1100, 63 }, { 2048, 63 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		struct machine *m = one_zone(c[i].mb, 1);
		struct zone *z = dz(m);
		int high;

		if (z->pcp[0].batch != c[i].batch)
			fail_msg("%lu MiB zone (managed %lu): batch %d, expected %d", c[i].mb,
				 z->managed_pages, z->pcp[0].batch, c[i].batch);
		high = (int)low_wmark_pages(z);
		if (high < 4 * c[i].batch)
			high = 4 * c[i].batch;
		assert_int_equal(z->pcp[0].high, high);
		machine_destroy(m);
	}
	{
		/* two local CPUs share the low watermark */
		struct machine *m = one_zone(256, 2);
		struct zone *z = dz(m);

		assert_int_equal(z->pcp[1].high, (int)(low_wmark_pages(z) / 2));
		machine_destroy(m);
	}
	{
		/* 64 CPUs share the low watermark: the 4 * batch floor applies */
		struct machine *m = one_zone(256, 64);
		struct zone *z = dz(m);

		assert_true(low_wmark_pages(z) / 64 < 4UL * (unsigned long)z->pcp[0].batch);
		assert_int_equal(z->pcp[63].high, 4 * z->pcp[0].batch);
		machine_destroy(m);
	}
	{
		/*
		 * high fraction 8, 4 CPUs spread over 2 nodes: node 1's zone splits
		 * managed / 8 between its 2 local CPUs only
		 */
		struct machine_opts o;
		struct machine *m;
		struct zone *z;

		t_opts(&o, 2, 256, 4);
		o.percpu_pagelist_high_fraction = 8;
		m = t_boot(&o);
		z = zone_of(m, 1, ZONE_DMA32);
		assert_int_equal(z->pcp[0].high, (int)(z->managed_pages / 8 / 2));
		machine_destroy(m);
	}
}

/* -------------------------------------------------------------------------
 * Watermarks, min_free_kbytes, lowmem reserves, __zone_watermark_ok
 */

static unsigned long isqrt(unsigned long x)
{
	unsigned long r = (unsigned long)sqrt((double)x);

	while (r * r > x)
		r--;
	while ((r + 1) * (r + 1) <= x)
		r++;
	return r;
}

static unsigned long lowmem_managed(struct machine *m)
{
	unsigned long n = 0;
	struct zone *z;

	for_each_zone_of(m, z)
		if (z->idx <= ZONE_NORMAL)
			n += z->managed_pages;
	return n;
}

/* The per-zone marks __setup_per_zone_wmarks derives from min_free_kbytes */
static void expect_wmarks(struct machine *m, unsigned long min_kb, unsigned int wsf,
			  unsigned long out[MAX_NUMNODES][MAX_NR_ZONES][NR_WMARK])
{
	unsigned long pages_min = min_kb >> 2, total = 0;
	struct zone *z;

	for_each_zone_of(m, z)
		total += z->managed_pages;
	for_each_zone_of(m, z) {
		unsigned long min = pages_min * z->managed_pages / total;
		unsigned long tmp = z->managed_pages * wsf / 10000;
		unsigned long *w = out[z->zone_pgdat->node_id][z->idx];

		if (min / 4 > tmp)
			tmp = min / 4;
		w[WMARK_MIN] = min;
		w[WMARK_LOW] = min + tmp;
		w[WMARK_HIGH] = min + 2 * tmp;
		w[WMARK_PROMO] = min + 3 * tmp;
	}
}

/*
 *   machines of 64 MiB, 256 MiB, 1 GiB, 2 x 512 MiB (lowmem = all of it)
 * min_free_kbytes = int_sqrt(lowmem_kbytes * 16), lowmem counted as the
 * managed pages of zones up to Normal (before any watermark exists); the
 * kernel's table gives 1024k for 64 MB and 4096k for 1 GB of lowmem,
 * slightly less here because boot reservations are not managed.
 */
static void test_min_free_kbytes_formula(void **state)
{
	static const struct { int nodes; unsigned long mb, lo, hi; } c[] = {
		{ 1, 64, 900, 1024 }, { 1, 256, 1950, 2048 }, { 1, 1024, 4000, 4096 },
		{ 2, 512, 4000, 4096 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		struct machine *m = t_machine(c[i].nodes, c[i].mb, 1);
		unsigned long want = isqrt(lowmem_managed(m) * 4 * 16);

		if (want < 128)
			want = 128;
		assert_int_equal(m->min_free_kbytes, want);
		assert_true(want >= c[i].lo && want <= c[i].hi);
		machine_destroy(m);
	}
}

/*
 *   256 MiB: DMA (3840 managed) + DMA32 (~60000 managed)
 * Per zone: min = pages_min * managed / lowmem_managed; the gaps
 * low - min = high - low = promo - high = max(min / 4,
 * managed * watermark_scale_factor / 10000).  Checked for scale factors
 * 10 (default: min/4 dominates), 100 and 1000 (the scaled gap dominates).
 */
static void test_zone_watermarks_matrix(void **state)
{
	static const unsigned int wsf[] = { 10, 100, 1000 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(wsf); i++) {
		static unsigned long w[MAX_NUMNODES][MAX_NR_ZONES][NR_WMARK];
		struct machine_opts o;
		struct machine *m;
		struct zone *z;

		t_opts(&o, 1, 256, 1);
		o.watermark_scale_factor = wsf[i];
		m = t_boot(&o);
		expect_wmarks(m, m->min_free_kbytes, wsf[i], w);
		for_each_zone_of(m, z) {
			if (!populated_zone(z))
				continue;
			for (int k = 0; k < NR_WMARK; k++)
				if (z->_watermark[k] != w[0][z->idx][k])
					fail_msg("wsf %u %s mark %d: %lu, expected %lu", wsf[i],
						 z->name, k, z->_watermark[k], w[0][z->idx][k]);
		}
		assert_true(zone_of(m, 0, ZONE_DMA)->_watermark[WMARK_MIN] <
			    zone_of(m, 0, ZONE_DMA32)->_watermark[WMARK_MIN]);
		machine_destroy(m);
	}
}

/*
 * khugepaged's set_recommended_min_free_kbytes with THP on: 2 + 3 * 3 =
 * 11 pageblocks (22528 kB) per populated zone up to Normal, ZONE_MOVABLE
 * not counted, capped at 5% of nr_free_buffer_pages (managed - high over
 * lowmem zones, with the marks before the raise); only ever raises.
 *   2 GiB: DMA + DMA32                    -> 2 * 22528 = 45056 kB
 *   6 GiB, 1 GiB movable: DMA, DMA32, Normal (+ Movable) -> 67584 kB
 *   640 MiB: 2 zones but 5% of lowmem is less than 45056 kB -> the cap
 *   256 MiB: below 512 MiB of RAM hugepage_init starts THP off: no raise
 *   THP off: the square-root value stays
 */
static void test_thp_raises_min_free_kbytes(void **state)
{
	static unsigned long w[MAX_NUMNODES][MAX_NR_ZONES][NR_WMARK];
	struct machine_opts o;
	struct machine *m;
	unsigned long sq, nfb = 0;
	struct zone *z;

	(void)state;
	t_opts(&o, 1, 2048, 1);
	o.thp = true;
	m = t_boot(&o);
	assert_int_equal(m->min_free_kbytes, 2 * 22528);
	machine_destroy(m);

	t_opts(&o, 1, 6144, 1);
	o.node[0].movable_bytes = MB(1024);
	o.thp = true;
	m = t_boot(&o);
	assert_true(populated_zone(zone_of(m, 0, ZONE_MOVABLE)));
	assert_int_equal(m->min_free_kbytes, 3 * 22528);
	machine_destroy(m);

	t_opts(&o, 1, 640, 1);
	o.thp = true;
	m = t_boot(&o);
	sq = isqrt(lowmem_managed(m) * 64);
	expect_wmarks(m, sq, 10, w);
	for_each_zone_of(m, z)
		if (populated_zone(z) && z->managed_pages > w[0][z->idx][WMARK_HIGH])
			nfb += z->managed_pages - w[0][z->idx][WMARK_HIGH];
	assert_int_equal(m->min_free_kbytes, nfb / 20 * 4);
	assert_true(m->min_free_kbytes < 2 * 22528);
	machine_destroy(m);

	t_opts(&o, 1, 256, 1);
	o.thp = true;
	m = t_boot(&o);
	assert_int_equal(m->min_free_kbytes, isqrt(lowmem_managed(m) * 64));
	machine_destroy(m);

	t_opts(&o, 1, 2048, 1);
	m = t_boot(&o);
	assert_int_equal(m->min_free_kbytes, isqrt(lowmem_managed(m) * 64));
	machine_destroy(m);
}

/*
 *   6 GiB node, top 1 GiB movable:
 *   | DMA | DMA32 [16M, 4G) | Normal [4G, 5G) | Movable [5G, 6G) |
 * lowmem_reserve[j] of zone i = managed pages of zones (i, j] divided by
 * sysctl_lowmem_reserve_ratio[i] = 256 (DMA), 256 (DMA32), 32 (Normal);
 * entries for j <= i are 0.  The reserve counts in the watermark check of
 * an allocation whose highest zone is j.
 */
static void test_lowmem_reserve_ratios(void **state)
{
	struct machine_opts o;
	struct machine *m;
	struct zone *dma, *d32, *nrm, *mov;

	(void)state;
	t_opts(&o, 1, 6144, 1);
	o.node[0].movable_bytes = MB(1024);
	m = t_boot(&o);
	dma = zone_of(m, 0, ZONE_DMA);
	d32 = zone_of(m, 0, ZONE_DMA32);
	nrm = zone_of(m, 0, ZONE_NORMAL);
	mov = zone_of(m, 0, ZONE_MOVABLE);
	assert_int_equal(dma->lowmem_reserve[ZONE_DMA], 0);
	assert_int_equal(dma->lowmem_reserve[ZONE_DMA32], d32->managed_pages / 256);
	assert_int_equal(dma->lowmem_reserve[ZONE_NORMAL],
			 (d32->managed_pages + nrm->managed_pages) / 256);
	assert_int_equal(dma->lowmem_reserve[ZONE_MOVABLE],
			 (d32->managed_pages + nrm->managed_pages + mov->managed_pages) / 256);
	assert_int_equal(d32->lowmem_reserve[ZONE_DMA32], 0);
	assert_int_equal(d32->lowmem_reserve[ZONE_NORMAL], nrm->managed_pages / 256);
	assert_int_equal(d32->lowmem_reserve[ZONE_MOVABLE],
			 (nrm->managed_pages + mov->managed_pages) / 256);
	assert_int_equal(nrm->lowmem_reserve[ZONE_MOVABLE], mov->managed_pages / 32);
	assert_int_equal(mov->lowmem_reserve[ZONE_MOVABLE], 0);
	/* the reserve guards DMA32 against a Normal-capable request */
	{
		long free = (long)(min_wmark_pages(d32) + d32->lowmem_reserve[ZONE_NORMAL]);

		assert_true(__zone_watermark_ok(m, d32, 0, min_wmark_pages(d32), ZONE_DMA32, 0,
						free));
		assert_false(__zone_watermark_ok(m, d32, 0, min_wmark_pages(d32), ZONE_NORMAL, 0,
						 free));
		assert_true(__zone_watermark_ok(m, d32, 0, min_wmark_pages(d32), ZONE_NORMAL, 0,
						free + 1));
	}
	machine_destroy(m);
}

/*
 * __zone_watermark_ok(order 0, mark 1000): ok iff free > effective min.
 *   no flags: 1000    ALLOC_MIN_RESERVE (__GFP_HIGH): 1000 - 500 = 500
 *   ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK (GFP_ATOMIC): 500 - 500/4 = 375
 *   ALLOC_OOM: 500
 * Probed at free = min and min + 1 (a wrong fraction or order of the
 * reductions moves the boundary).
 */
static void test_watermark_ok_reserve_shaving(void **state)
{
	static const struct { unsigned int flags; long min; } c[] = {
		{ 0, 1000 }, { ALLOC_MIN_RESERVE, 500 }, { ALLOC_MIN_RESERVE | ALLOC_NON_BLOCK, 375 },
		{ ALLOC_OOM, 500 },
	};
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		if (__zone_watermark_ok(m, z, 0, 1000, ZONE_DMA32, c[i].flags, c[i].min) ||
		    !__zone_watermark_ok(m, z, 0, 1000, ZONE_DMA32, c[i].flags, c[i].min + 1))
			fail_msg("alloc_flags %#x: boundary is not free > %ld", c[i].flags, c[i].min);
	}
	machine_destroy(m);
}

/*
 * Debian's 6.1.192 carries the stable backport that split 6.1.0's
 * ALLOC_HARDER into ALLOC_NON_BLOCK (the same bit, 0x10) and
 * ALLOC_HIGHATOMIC: the min reserve is shaved only for ALLOC_MIN_RESERVE
 * (__GFP_HIGH, 0x20), and by a further quarter when NON_BLOCK is also
 * set.  NON_BLOCK alone (any !__GFP_DIRECT_RECLAIM request, e.g.
 * GFP_NOWAIT) gets the full min: expect free = 1000 to fail a mark of
 * 1000 with ALLOC_NON_BLOCK alone (6.1.0 shaved a quarter here: 750).
 */
static void test_watermark_ok_nonblock_alone_no_shave(void **state)
{
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);

	*state = m;
	assert_false(__zone_watermark_ok(m, z, 0, 1000, ZONE_DMA32, ALLOC_NON_BLOCK, 1000));
	assert_false(__zone_watermark_ok(m, z, 0, 1000, ZONE_DMA32, ALLOC_NON_BLOCK, 751));
	assert_true(__zone_watermark_ok(m, z, 0, 1000, ZONE_DMA32, ALLOC_NON_BLOCK, 1001));
}

/*
 *   nr_reserved_highatomic = 200, mark 1000, order 0
 * Free pages in HIGHATOMIC reserves do not count for callers without
 * access to them: 1200 free is not enough, 1201 is; with ALLOC_OOM
 * (reserves allowed, min halved) 501 is enough.
 */
static void test_watermark_ok_highatomic_unusable(void **state)
{
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);

	(void)state;
	z->nr_reserved_highatomic = 200;
	assert_false(__zone_watermark_ok(m, z, 0, 1000, ZONE_DMA32, 0, 1200));
	assert_true(__zone_watermark_ok(m, z, 0, 1000, ZONE_DMA32, 0, 1201));
	assert_true(__zone_watermark_ok(m, z, 0, 1000, ZONE_DMA32, ALLOC_OOM, 501));
	z->nr_reserved_highatomic = 0;
	machine_destroy(m);
}

/*
 * For order > 0, __zone_watermark_ok also needs a free block of at least
 * that order on a list the caller may use:
 *   stage 1 free lists: M o3 | HA o6 (reserved block) | ISO o7
 *   stage 2 adds:       U o10
 * order 3: ok.  order 4: not ok for a plain request (HA and ISO do not
 * count), ok for ALLOC_OOM, which may use HIGHATOMIC.  order 7: never ok
 * (ISO).  End to end, with the zone's marks at 0: an order-4 GFP_ATOMIC
 * allocation is served from the HIGHATOMIC block, an order-4 GFP_NOWAIT
 * one (no access to the reserve) fails.  After stage 2, orders 8 and 10
 * are ok for everyone (UNMOVABLE counts).
 */
static void test_watermark_ok_high_order_needs_list(void **state)
{
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);
	unsigned long b1, b2, b3, b4;
	const long lots = 1L << 20;

	(void)state;
	grab_zone(m, z);
	b1 = next_grabbed_block(m, z, z->zone_start_pfn);
	b2 = next_grabbed_block(m, z, b1 + 512);
	b3 = next_grabbed_block(m, z, b2 + 512);
	give_back(m, b1, 3);
	make_highatomic(m, z, b2);
	give_back(m, b2, 6);
	set_pageblock_migratetype(m, b3, ISO);
	give_back(m, b3, 7);
	assert_true(__zone_watermark_ok(m, z, 3, 0, ZONE_DMA32, 0, lots));
	assert_false(__zone_watermark_ok(m, z, 4, 0, ZONE_DMA32, 0, lots));
	assert_true(__zone_watermark_ok(m, z, 4, 0, ZONE_DMA32, ALLOC_OOM, lots));
	assert_false(__zone_watermark_ok(m, z, 7, 0, ZONE_DMA32, ALLOC_OOM, lots));
	assert_false(__zone_watermark_ok(m, z, 8, 0, ZONE_DMA32, 0, lots));
	no_watermarks(z);
	assert_int_equal(__alloc_pages(m, GFP_NOWAIT, 4, 0), PFN_NONE);
	assert_int_equal(__alloc_pages(m, GFP_ATOMIC, 4, 0), b2);
	b4 = next_grabbed_range(m, z, b3 + 512, 1024);
	set_pageblock_migratetype(m, b4, U);
	set_pageblock_migratetype(m, b4 + 512, U);
	give_back(m, b4, 10);
	assert_true(__zone_watermark_ok(m, z, 8, 0, ZONE_DMA32, 0, lots));
	assert_true(__zone_watermark_ok(m, z, 10, 0, ZONE_DMA32, 0, lots));
	t_check(m);
	machine_destroy(m);
}

/*
 *   zone with one HIGHATOMIC pageblock (512 reserved) and F free pages;
 *   all marks set to F - 256: F > mark, but F - 512 <= mark
 * zone_watermark_fast's order-0 shortcut subtracts what the caller may
 * not use (__zone_watermark_unusable_free: the highatomic reserve unless
 * reserves are allowed) before comparing with the mark.  An order-0
 * GFP_NOWAIT | __GFP_NOMEMALLOC request (no reserve flags, cannot
 * reclaim) must therefore fail: the zone is below its mark once the
 * reserve is set aside.
 */
static void test_watermark_fast_subtracts_highatomic(void **state)
{
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);
	unsigned long b = z->free_area[10].free_list[M].first;
	unsigned long mark;

	*state = m;
	make_highatomic(m, z, b);
	mark = (unsigned long)nr_free(z) - 256;
	for (int w = 0; w < NR_WMARK; w++)
		z->_watermark[w] = mark;
	assert_int_equal(__alloc_pages(m, GFP_NOWAIT | __GFP_NOMEMALLOC, 0, 0), PFN_NONE);
	t_check(m);
}

/*
 *   zone marks: min 0, low = high = above the free pages (the fast path
 *   fails, the slow path's min check passes); 50 order-1 GFP_ATOMIC
 *   allocations, each pcp refill stealing a fresh MOVABLE block
 * A successful high-order atomic allocation in the slow path reserves
 * its pageblock as MIGRATE_HIGHATOMIC (free pages moved with it) while
 * the zone's reserve is below 1% of managed pages plus one pageblock:
 * for ~31000 managed pages the cap is 822, so exactly two blocks (1024
 * pages) end up reserved, and nr_reserved_highatomic matches them.
 */
static void test_highatomic_reserve_cap(void **state)
{
	struct machine *m = one_zone(128, 1);
	struct zone *z = dz(m);
	unsigned long cap = z->managed_pages / 100 + pageblock_nr_pages, blocks = 0;

	(void)state;
	assert_true(cap > 512 && cap < 1024);
	z->_watermark[WMARK_MIN] = 0;
	z->_watermark[WMARK_LOW] = z->_watermark[WMARK_HIGH] = (unsigned long)nr_free(z) + 1;
	for (int i = 0; i < 50; i++)
		assert_int_not_equal(__alloc_pages(m, GFP_ATOMIC, 1, 0), PFN_NONE);
	assert_int_equal(z->nr_reserved_highatomic, 1024);
	for (unsigned long b = z->zone_start_pfn; b < zone_end_pfn(z); b += pageblock_nr_pages)
		blocks += get_pfnblock_migratetype(z, b) == HA;
	assert_int_equal(blocks, 2);
	t_check(m);
	machine_destroy(m);
}

/* -------------------------------------------------------------------------
 * gfp flags, zones and nodes
 */

/*
 * gfp_zone (GFP_ZONE_TABLE on x86_64, no highmem): __GFP_DMA -> DMA,
 * __GFP_DMA32 -> DMA32, __GFP_HIGHMEM|__GFP_MOVABLE -> Movable, anything
 * else (including __GFP_MOVABLE or __GFP_HIGHMEM alone) -> Normal; the
 * migratetype comes from __GFP_MOVABLE / __GFP_RECLAIMABLE.
 */
static void test_gfp_zone_table(void **state)
{
	(void)state;
	assert_int_equal(gfp_zone(0), ZONE_NORMAL);
	assert_int_equal(gfp_zone(GFP_KERNEL), ZONE_NORMAL);
	assert_int_equal(gfp_zone(__GFP_DMA), ZONE_DMA);
	assert_int_equal(gfp_zone(GFP_KERNEL | __GFP_DMA32), ZONE_DMA32);
	assert_int_equal(gfp_zone(__GFP_HIGHMEM), ZONE_NORMAL);
	assert_int_equal(gfp_zone(__GFP_MOVABLE), ZONE_NORMAL);
	assert_int_equal(gfp_zone(GFP_HIGHUSER_MOVABLE), ZONE_MOVABLE);
	assert_int_equal(gfp_zone(__GFP_MOVABLE | __GFP_DMA32), ZONE_DMA32);
	assert_int_equal(gfp_zone(__GFP_MOVABLE | __GFP_DMA), ZONE_DMA);
	assert_int_equal(gfp_migratetype(GFP_KERNEL), U);
	assert_int_equal(gfp_migratetype(GFP_HIGHUSER_MOVABLE), M);
	assert_int_equal(gfp_migratetype(GFP_KERNEL | __GFP_RECLAIMABLE), R);
}

/*
 *   node:  | DMA | DMA32 [16M, 128M) | hole | Normal [4G, 4G + 384M) |
 * GFP_KERNEL prefers Normal; __GFP_DMA32 never goes above 4 GiB: served
 * from DMA32, then (DMA32 exhausted) from DMA, then not at all although
 * Normal is nearly empty of allocations; __GFP_DMA stays below 16 MiB.
 */
static void test_gfp_dma32_stays_below_4g(void **state)
{
	struct machine *m = dma32_normal(384, 0);
	struct zone *d32 = zone_of(m, 0, ZONE_DMA32), *dma = zone_of(m, 0, ZONE_DMA);
	unsigned long pfn;

	(void)state;
	assert_true(__alloc_pages(m, GFP_KERNEL, 0, 0) >= DMA32_PFN_END);
	for (int i = 0; i < 64; i++) {
		pfn = __alloc_pages(m, GFP_KERNEL | __GFP_DMA32, i & 3, 0);
		assert_true(pfn >= DMA_PFN_END && pfn < DMA32_PFN_END);
	}
	pfn = __alloc_pages(m, GFP_KERNEL | __GFP_DMA, 0, 0);
	assert_true(pfn < DMA_PFN_END);
	grab_zone(m, d32);
	pfn = __alloc_pages(m, GFP_KERNEL | __GFP_DMA32, 0, 0);
	assert_true(pfn < DMA_PFN_END);
	grab_zone(m, dma);
	assert_int_equal(__alloc_pages(m, GFP_KERNEL | __GFP_DMA32 | __GFP_NORETRY, 0, 0),
			 PFN_NONE);
	assert_true(nr_free(zone_of(m, 0, ZONE_NORMAL)) > 90000);
	t_check(m);
	machine_destroy(m);
}

/*
 *   order-3 block: | head | tail | tail | ... |
 * __GFP_COMP makes prep_new_page build a compound page (head, tails
 * pointing at it, compound_order 3); without it the block is just eight
 * pages, the head not PageHead.  A compound page frees as one block.
 */
static void test_gfp_comp(void **state)
{
	struct machine *m = one_zone(64, 1);
	long free0 = nr_free(dz(m));
	unsigned long p = __alloc_pages(m, GFP_KERNEL | __GFP_COMP, 3, 0);
	unsigned long q = __alloc_pages(m, GFP_KERNEL, 3, 0);

	(void)state;
	assert_true(PageHead(m, p));
	assert_int_equal(compound_order(m, p), 3);
	for (unsigned long t = 1; t < 8; t++)
		assert_int_equal(compound_head(m, p + t), p);
	assert_false(PageHead(m, q));
	assert_false(PageTail(m, q + 1));
	assert_int_equal(page_ref_count(m, p), 1);
	__free_pages(m, p, 3);
	__free_pages(m, q, 3);
	assert_false(PageHead(m, p));
	drain_all_pages(m, NULL);
	assert_int_equal(nr_free(dz(m)), free0);
	t_check(m);
	machine_destroy(m);
}

static void grab_node(struct machine *m, int nid)
{
	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		if (managed_zone(zone_of(m, nid, zi)))
			grab_zone(m, zone_of(m, nid, zi));
}

/*
 *   node 0 (64 MiB, every page held)     node 1 (64 MiB, free)
 * __GFP_THISNODE never leaves the preferred node: the allocation fails
 * (order 0 and a costly order 9) and node 1 is untouched; the same
 * request without __GFP_THISNODE falls back to node 1.
 */
static void test_thisnode_never_other_node(void **state)
{
	struct machine *m = t_machine(2, 64, 2);
	unsigned long pfn;
	long free1;

	(void)state;
	grab_node(m, 0);
	free1 = nr_free(zone_of(m, 1, ZONE_DMA32));
	assert_int_equal(__alloc_pages(m, GFP_KERNEL | __GFP_THISNODE, 0, 0), PFN_NONE);
	assert_int_equal(__alloc_pages(m, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE, 9, 0), PFN_NONE);
	assert_int_equal(nr_free(zone_of(m, 1, ZONE_DMA32)), free1);
	assert_int_equal(pcp_total(m, zone_of(m, 1, ZONE_DMA32)), 0);
	pfn = __alloc_pages(m, GFP_KERNEL, 0, 0);
	assert_int_not_equal(pfn, PFN_NONE);
	assert_int_equal(pfn_to_nid(m, pfn), 1);
	t_check(m);
	machine_destroy(m);
}

/*
 *   3 nodes of 64 MiB; distance 0-1 = 30, 0-2 = 20, 1-2 = 20
 *   node 0's zonelist: 0, 2, 1
 * Node fallback follows distance: with node 0 full the page comes from
 * node 2, with nodes 0 and 2 full from node 1 (by node id it would be 1
 * first).
 */
static void test_node_fallback_by_distance(void **state)
{
	struct machine_opts o;
	struct machine *m;
	unsigned long pfn;

	(void)state;
	t_opts(&o, 3, 64, 3);
	o.distance[0][1] = o.distance[1][0] = 30;
	o.distance[0][2] = o.distance[2][0] = 20;
	o.distance[1][2] = o.distance[2][1] = 20;
	m = t_boot(&o);
	assert_int_equal(m->node_order[0][0], 0);
	assert_int_equal(m->node_order[0][1], 2);
	assert_int_equal(m->node_order[0][2], 1);
	grab_node(m, 0);
	pfn = __alloc_pages(m, GFP_KERNEL, 0, 0);
	assert_int_equal(pfn_to_nid(m, pfn), 2);
	grab_node(m, 2);
	pfn = __alloc_pages(m, GFP_KERNEL, 0, 0);
	assert_int_equal(pfn_to_nid(m, pfn), 1);
	t_check(m);
	machine_destroy(m);
}

/*
 *   3 nodes, all remote distances 20, one CPU per node
 * build_zonelists/find_next_best_node break distance ties by preferring
 * higher node ids (val += n < node), nodes without CPUs, and less loaded
 * nodes (node_load, raised for the first node of each distance group):
 *   node 0: 0 1 2     node 1: 1 2 0     node 2: 2 0 1
 * so with node 1 full its allocations go to node 2, not node 0.
 */
static void test_node_fallback_equal_distance_ties(void **state)
{
	static const int want[3][3] = { { 0, 1, 2 }, { 1, 2, 0 }, { 2, 0, 1 } };
	struct machine *m = t_machine(3, 64, 3);
	unsigned long pfn;

	*state = m;
	for (int n = 0; n < 3; n++)
		for (int i = 0; i < 3; i++)
			if (m->node_order[n][i] != want[n][i])
				fail_msg("node %d fallback position %d: node %d, expected %d", n, i,
					 m->node_order[n][i], want[n][i]);
	grab_node(m, 1);
	pfn = __alloc_pages(m, GFP_KERNEL, 0, 1);
	assert_int_equal(pfn_to_nid(m, pfn), 2);
}

/*
 * Fragment a Normal zone: every free page is in an UNMOVABLE pageblock,
 * in order-8 halves (the other halves held), nothing of order >= 9:
 *   Normal: | U: o8 free | held | U: o8 free | held | ...
 */
static void fragment_normal_unmovable(struct machine *m, struct zone *z)
{
	unsigned long b;

	grab_zone(m, z);
	retype_zone(m, z, U);
	for (b = z->zone_start_pfn; b + pageblock_nr_pages <= zone_end_pfn(z);
	     b += pageblock_nr_pages) {
		bool all = true;

		for (unsigned long p = b; p < b + pageblock_nr_pages && all; p++)
			all = grabbed(m, p);
		if (all) {
			for (unsigned long i = 1; i < 256; i++)
				set_page_count(m, b + i, 0);
			__free_pages(m, b, 8);
		}
	}
	assert_true(nr_free(z) > 20000);
}

/*
 *   one node:  | DMA | DMA32 (free, MOVABLE) | Normal (fragmented, UNMOVABLE o8s) |
 * The first attempt of a movable order-0 allocation preferring Normal
 * carries ALLOC_NOFRAGMENT (alloc_flags_nofragment: Normal with a DMA32
 * below): Normal may only fall back in whole pageblocks, it has none, so
 * the zonelist moves on to DMA32 of the same node instead of polluting a
 * Normal pageblock.  Normal's free pages and pageblock types stay as
 * they were.
 */
static void test_nofragment_prefers_dma32_of_same_node(void **state)
{
	struct machine *m = dma32_normal(384, 0);
	struct zone *nrm = zone_of(m, 0, ZONE_NORMAL);
	unsigned long pfn;
	long free_n;

	(void)state;
	fragment_normal_unmovable(m, nrm);
	free_n = nr_free(nrm);
	pfn = __alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0, 0);
	assert_int_not_equal(pfn, PFN_NONE);
	assert_ptr_equal(pfn_zone(m, pfn), zone_of(m, 0, ZONE_DMA32));
	assert_int_equal(nr_free(nrm), free_n);
	for (unsigned long b = nrm->zone_start_pfn; b < zone_end_pfn(nrm); b += pageblock_nr_pages)
		assert_int_equal(get_pfnblock_migratetype(nrm, b), U);
	t_check(m);
	machine_destroy(m);
}

/*
 *   node 0: | DMA | DMA32 (free, MOVABLE) | Normal (fragmented, UNMOVABLE o8s) |
 *   node 1: | Normal (free) |
 * The same rule on a two-node machine: alloc_flags_nofragment looks at
 * the preferred zone, the first zone of the zonelist (node 0's Normal,
 * whose node has a DMA32), so the first attempt carries ALLOC_NOFRAGMENT
 * and the page comes from node 0's DMA32 - not from a Normal pageblock
 * of node 0 stolen for it, and not from node 1.
 */
static void test_nofragment_two_nodes_prefers_local_dma32(void **state)
{
	struct machine *m = dma32_normal(384, 256);
	struct zone *nrm = zone_of(m, 0, ZONE_NORMAL);
	unsigned long pfn;
	long free_n;

	*state = m;
	fragment_normal_unmovable(m, nrm);
	free_n = nr_free(nrm);
	pfn = __alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0, 0);
	assert_int_not_equal(pfn, PFN_NONE);
	if (pfn_zone(m, pfn) != zone_of(m, 0, ZONE_DMA32))
		fail_msg("page %#lx came from node %d %s", pfn, pfn_to_nid(m, pfn),
			 pfn_zone(m, pfn)->name);
	assert_int_equal(nr_free(nrm), free_n);
	t_check(m);
}

/*
 *   node 0: | DMA (held) | DMA32 (held) | Normal (fragmented, UNMOVABLE o8s) |
 *   node 1: | Normal (free) |
 * When the walk with ALLOC_NOFRAGMENT would move to a remote node, the
 * kernel restarts without it (locality beats fragmentation avoidance):
 * the movable page comes from node 0's Normal zone, stealing from an
 * UNMOVABLE block, not from node 1.
 */
static void test_nofragment_locality_beats_fragmentation(void **state)
{
	struct machine *m = dma32_normal(384, 256);
	struct zone *nrm = zone_of(m, 0, ZONE_NORMAL);
	unsigned long pfn;

	(void)state;
	fragment_normal_unmovable(m, nrm);
	grab_zone(m, zone_of(m, 0, ZONE_DMA32));
	grab_zone(m, zone_of(m, 0, ZONE_DMA));
	pfn = __alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0, 0);
	assert_int_not_equal(pfn, PFN_NONE);
	assert_ptr_equal(pfn_zone(m, pfn), nrm);
	t_check(m);
	machine_destroy(m);
}

/* -------------------------------------------------------------------------
 * The slow path: direct compaction and its retry rules
 */

/*
 * Every page of the zone held, then every even pfn freed:
 *   | free | held | free | held | ...     (free memory all order 0)
 * movable: the held pages are user data compaction may migrate.  The
 * free pages are at even pfns so that async compaction's free scanner,
 * which looks at every 32nd pfn of a block, and kswapd's reset of the
 * skip hints, which samples every 8th, see them, as they would see the
 * free pages of a real fragmented zone (they would see none of a
 * checkerboard with its free pages at odd pfns).
 */
static void checkerboard(struct machine *m, struct zone *z, bool movable)
{
	grab_zone(m, z);
	for (unsigned long pfn = z->zone_start_pfn; pfn < zone_end_pfn(z); pfn++) {
		if (!grabbed(m, pfn))
			continue;
		if (movable)
			mm_mark_movable_data(m, pfn, 0);
		if (!(pfn & 1))
			__free_pages(m, pfn, 0);
	}
	drain_all_pages(m, NULL);
	assert_int_equal(z->free_area[0].nr_free, (unsigned long)nr_free(z));
}

/* Every fully held pageblock gives back its first half: free memory is all o8 */
static void half_blocks(struct machine *m, struct zone *z)
{
	unsigned long b = z->zone_start_pfn;

	grab_zone(m, z);
	for (;;) {
		bool all = true;

		for (; b + pageblock_nr_pages <= zone_end_pfn(z); b += pageblock_nr_pages) {
			all = true;
			for (unsigned long p = b; p < b + pageblock_nr_pages && all; p++)
				all = grabbed(m, p);
			if (all)
				break;
		}
		if (b + pageblock_nr_pages > zone_end_pfn(z))
			break;
		give_back(m, b, 8);
		b += pageblock_nr_pages;
	}
}

struct migrations {
	int n;
	unsigned long old_pfn[4096], new_pfn[4096];
};

static void note_migration(void *priv, unsigned long old_pfn, unsigned long new_pfn,
			   unsigned int order)
{
	struct migrations *mg = priv;

	assert_int_equal(order, 0);
	assert_true(mg->n < 4096);
	mg->old_pfn[mg->n] = old_pfn;
	mg->new_pfn[mg->n] = new_pfn;
	mg->n++;
}

/*
 *   one zone, checkerboard of movable user data (all free pages order 0)
 * A costly movable allocation (order 9) fails the fast path; the slow
 * path's direct compaction migrates held pages into free ones at the top
 * of the zone until an order-9 block is free, and the allocation
 * succeeds: compact_stall and compact_success count it, every migration
 * is reported through mm_set_migrate_notify (pgmigrate_success equals
 * the reports) and the data now lives at the new pfn, outside the block.
 */
static void test_compaction_rescues_costly_movable(void **state)
{
	struct machine *m = one_zone(128, 1);
	struct zone *z = dz(m);
	struct migrations *mg = calloc(1, sizeof(*mg));
	unsigned long stall, success, migrated, pfn;

	(void)state;
	assert_non_null(mg);
	checkerboard(m, z, true);
	mm_set_migrate_notify(m, note_migration, mg);
	stall = ev(m, COMPACTSTALL);
	success = ev(m, COMPACTSUCCESS);
	migrated = ev(m, PGMIGRATE_SUCCESS);
	pfn = __alloc_pages(m, GFP_HIGHUSER_MOVABLE, 9, 0);
	assert_int_not_equal(pfn, PFN_NONE);
	assert_int_equal(pfn & 511, 0);
	assert_true(ev(m, COMPACTSTALL) > stall);
	assert_int_equal(ev(m, COMPACTSUCCESS), success + 1);
	assert_true(mg->n >= 256);
	assert_int_equal(ev(m, PGMIGRATE_SUCCESS) - migrated, (unsigned long)mg->n);
	for (int i = 0; i < mg->n; i++) {
		unsigned long np = mg->new_pfn[i];

		assert_int_equal(page_mapping(m, np), PAGE_MAPPING_MOVABLE_DATA);
		assert_true(PageLRU(m, np));
		assert_true(np < pfn || np >= pfn + 512);
		assert_int_equal(page_ref_count(m, np), 1);
		assert_int_not_equal(page_mapping(m, mg->old_pfn[i]), PAGE_MAPPING_MOVABLE_DATA);
	}
	mm_set_migrate_notify(m, NULL, NULL);
	t_check(m);
	free(mg);
	machine_destroy(m);
}

/*
 *   one zone, checkerboard of movable user data (anonymous-like pages)
 *   request: (GFP_NOFS | __GFP_MOVABLE), order 9
 * Direct compaction needs __GFP_IO only (gfp_compaction_allowed); without
 * __GFP_FS it still migrates pages that have no file mapping, as the
 * model's user data has none: the costly GFP_NOFS allocation succeeds
 * through compaction like the GFP_KERNEL one.
 */
static void test_nofs_allocation_compacts(void **state)
{
	struct machine *m = one_zone(128, 1);
	unsigned long success, pfn;

	*state = m;
	checkerboard(m, dz(m), true);
	success = ev(m, COMPACTSUCCESS);
	pfn = __alloc_pages(m, (GFP_KERNEL & ~__GFP_FS) | __GFP_MOVABLE, 9, 0);
	assert_int_not_equal(pfn, PFN_NONE);
	assert_int_equal(ev(m, COMPACTSUCCESS), success + 1);
	t_check(m);
}

/*
 *   one zone, checkerboard of UNMOVABLE kernel pages
 * Compaction only migrates movable pages: the costly allocation fails,
 * every compaction stall is a compact_fail, nothing is migrated and the
 * held pages are where they were.
 */
static void test_compaction_cannot_move_unmovable(void **state)
{
	struct machine *m = one_zone(128, 1);
	struct zone *z = dz(m);
	unsigned long stall, fail, success, migrated;

	(void)state;
	checkerboard(m, z, false);
	stall = ev(m, COMPACTSTALL);
	fail = ev(m, COMPACTFAIL);
	success = ev(m, COMPACTSUCCESS);
	migrated = ev(m, PGMIGRATE_SUCCESS);
	assert_int_equal(__alloc_pages(m, GFP_HIGHUSER_MOVABLE, 9, 0), PFN_NONE);
	assert_true(ev(m, COMPACTSTALL) > stall);
	assert_int_equal(ev(m, COMPACTFAIL) - fail, ev(m, COMPACTSTALL) - stall);
	assert_int_equal(ev(m, COMPACTSUCCESS), success);
	assert_int_equal(ev(m, PGMIGRATE_SUCCESS), migrated);
	assert_int_equal(page_ref_count(m, z->zone_start_pfn + 1), 1);
	assert_false(PageBuddy(m, z->zone_start_pfn + 1));
	t_check(m);
	machine_destroy(m);
}

/*
 * compact_node over one pageblock B of movable allocations, held as the
 * scenario runner holds them (mm_mark_movable_data), the first half of
 * every other pageblock of the zone free (an order-8 block: 6.1's free
 * scanner takes no targets from a pageblock that is one free block):
 *
 *   B  [b, b+256)        32 x order 3 without __GFP_COMP   n3 n3 ... n3
 *      [b+256, b+384)    16 x order 3 compound (THP-like)  C3 C3 ... C3
 *      [b+384, b+512)   128 x order 0                      0 0 0 ... 0
 *
 * 6.1's isolate_migratepages_block takes LRU pages and __PageMovable ones.
 * An LRU page is a folio, order 0 or compound, so a non-compound order-3
 * block is neither; its tails are not compound tails either: the scanner
 * fails each of its 8 pfns in turn and the block stays where it is, whole.
 * Compound blocks are skipped whole (compaction does not migrate them).
 * Only the 128 order-0 pages move; afterwards the order-3 blocks free as
 * order 3 and B merges into one free block of order >= 9.
 */
static void test_compaction_leaves_noncompound_blocks(void **state)
{
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);
	struct migrations *mg = calloc(1, sizeof(*mg));
	unsigned long b, blk;

	*state = m;
	assert_non_null(mg);
	grab_zone(m, z);
	b = next_grabbed_block(m, z, z->zone_start_pfn);
	for (unsigned long p = b; p < b + 256; p += 8) {
		for (unsigned long i = 1; i < 8; i++)
			set_page_count(m, p + i, 0);	/* as __alloc_pages(order 3) */
		mm_mark_movable_data(m, p, 3);
	}
	for (unsigned long p = b + 256; p < b + 384; p += 8) {
		prep_compound_page(m, p, 3);
		mm_mark_movable_data(m, p, 3);
	}
	for (unsigned long p = b + 384; p < b + 512; p++)
		mm_mark_movable_data(m, p, 0);
	for (blk = b + pageblock_nr_pages; blk + pageblock_nr_pages <= zone_end_pfn(z);
	     blk += pageblock_nr_pages) {
		bool all = true;

		for (unsigned long p = blk; p < blk + pageblock_nr_pages && all; p++)
			all = grabbed(m, p);
		if (all)
			give_back(m, blk, pageblock_order - 1);
	}

	mm_set_migrate_notify(m, note_migration, mg);
	compact_node(m, 0);
	mm_set_migrate_notify(m, NULL, NULL);

	assert_int_equal(mg->n, 128);
	for (int i = 0; i < mg->n; i++)
		if (mg->old_pfn[i] < b + 384 || mg->old_pfn[i] >= b + 512)
			fail_msg("compaction moved %#lx, inside an order-3 block at %#lx",
				 mg->old_pfn[i], b);
	for (unsigned long p = b; p < b + 256; p += 8) {
		assert_false(PageLRU(m, p));		/* never an LRU page */
		assert_int_equal(page_ref_count(m, p), 1);
		for (unsigned long i = 0; i < 8; i++)
			assert_false(PageBuddy(m, p + i));
	}
	for (unsigned long p = b + 256; p < b + 384; p += 8)
		assert_true(PageHead(m, p) && PageLRU(m, p));
	t_check(m);

	for (unsigned long p = b; p < b + 384; p += 8)
		__free_pages(m, p, 3);
	for (int i = 0; i < mg->n; i++)
		__free_pages(m, mg->new_pfn[i], 0);
	drain_all_pages(m, NULL);
	assert_false(m->fail.failed);
	/* B is free as a whole: inside one free block of order 9 or 10 */
	blk = PFN_NONE;
	for (unsigned int o = pageblock_order; o < MAX_ORDER && blk == PFN_NONE; o++) {
		unsigned long head = b & ~((1UL << o) - 1);

		if (PageBuddy(m, head) && buddy_order(m, head) >= o)
			blk = head;
	}
	assert_int_not_equal(blk, PFN_NONE);
	t_check(m);
	free(mg);
}

/*
 *   DMA32 zone: every page held      CPU 1 pcp: 8 freed pages
 *   |##################|             [p p p p p p p p]
 * A GFP_KERNEL order-0 allocation on CPU 0 finds no free page; direct
 * reclaim makes no progress (nothing is reclaimable), and 6.1 then
 * returns before its get_page_from_freelist retry and drain_all_pages:
 * the allocation fails, CPU 1 keeps its 8 pages, and the stall is
 * counted under the zone gfp_zone() names (allocstall_normal for
 * GFP_KERNEL, allocstall_movable for GFP_HIGHUSER_MOVABLE).
 */
static void test_direct_reclaim_without_progress_keeps_pcp(void **state)
{
	struct machine *m = one_zone(128, 2);
	struct zone *z = dz(m);
	unsigned long normal, movable;
	int freed = 0;

	(void)state;
	grab_zone(m, z);
	m->cur_cpu = 1;
	for (unsigned long pfn = z->zone_start_pfn; freed < 8 && pfn < zone_end_pfn(z); pfn++)
		if (grabbed(m, pfn)) {
			__free_pages(m, pfn, 0);
			freed++;
		}
	m->cur_cpu = 0;
	assert_int_equal(z->pcp[1].count, 8);
	assert_int_equal(nr_free(z), 0);
	normal = ev(m, ALLOCSTALL_NORMAL);
	movable = ev(m, ALLOCSTALL_MOVABLE);
	assert_int_equal(__alloc_pages(m, GFP_KERNEL, 0, 0), PFN_NONE);
	assert_int_equal(__alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0, 0), PFN_NONE);
	assert_int_equal(z->pcp[1].count, 8);
	assert_int_equal(ev(m, ALLOCSTALL_NORMAL) - normal, 1);
	assert_int_equal(ev(m, ALLOCSTALL_MOVABLE) - movable, 1);
	/* the pages were there all along: a drain gives them to the buddy lists */
	drain_all_pages(m, NULL);
	assert_int_equal(nr_free(z), 8);
	t_check(m);
	machine_destroy(m);
}

/*
 * __GFP_NORETRY on a costly order: after the first direct compaction the
 * slow path gives up at once when compaction was DEFERRED or SKIPPED (no
 * reclaim attempt: allocstall unchanged); otherwise it makes one more
 * reclaim + compaction round and stops.
 *   deferred: unmovable checkerboard, zone deferred at order 0 (max shift)
 *             -> 1 stall (deferral counts), 0 allocstall, nothing scanned
 *   skipped:  64 free pages only (below low + 2 << 9) -> 0 stall, 0 allocstall
 *   complete: unmovable checkerboard -> 2 stalls, 1 allocstall
 */
static void test_noretry_costly_rules(void **state)
{
	enum { DEFERRED, SKIPPED, COMPLETE };
	static const struct { unsigned long stall, allocstall; } want[] = {
		[DEFERRED] = { 1, 0 }, [SKIPPED] = { 0, 0 }, [COMPLETE] = { 2, 1 },
	};

	(void)state;
	for (int c = DEFERRED; c <= COMPLETE; c++) {
		struct machine *m = one_zone(128, 1);
		struct zone *z = dz(m);
		unsigned long stall, astall, scanned;

		if (c == SKIPPED) {
			unsigned long b;

			grab_zone(m, z);
			b = next_grabbed_block(m, z, z->zone_start_pfn);
			for (unsigned long p = b; p < b + 128; p += 2)
				__free_pages(m, p, 0);
			drain_all_pages(m, NULL);
		} else {
			checkerboard(m, z, false);
		}
		if (c == DEFERRED) {
			z->compact_defer_shift = 6;
			z->compact_considered = 0;
			z->compact_order_failed = 0;
		}
		stall = ev(m, COMPACTSTALL);
		astall = ev(m, ALLOCSTALL_MOVABLE);
		scanned = ev(m, COMPACTMIGRATE_SCANNED);
		assert_int_equal(__alloc_pages(m, GFP_HIGHUSER_MOVABLE | __GFP_NORETRY, 9, 0),
				 PFN_NONE);
		if (ev(m, COMPACTSTALL) - stall != want[c].stall ||
		    ev(m, ALLOCSTALL_MOVABLE) - astall != want[c].allocstall)
			fail_msg("case %d: %lu stalls, %lu allocstalls; expected %lu, %lu", c,
				 ev(m, COMPACTSTALL) - stall, ev(m, ALLOCSTALL_MOVABLE) - astall,
				 want[c].stall, want[c].allocstall);
		if (c != COMPLETE)
			assert_int_equal(ev(m, COMPACTMIGRATE_SCANNED), scanned);
		t_check(m);
		machine_destroy(m);
	}
}

/*
 *   unmovable checkerboard; GFP_HIGHUSER_MOVABLE | __GFP_NORETRY |
 *   __GFP_THISNODE, order 9 (a THP fault's first, local-only attempt)
 * 6.1.192 (stable backport) stops a costly __GFP_NORETRY request with
 * __GFP_THISNODE right after the first compaction attempt, whatever its
 * result, so as not to reclaim a single node: one stall, no allocstall.
 */
static void test_noretry_thisnode_stops_after_first_compaction(void **state)
{
	struct machine *m = one_zone(128, 1);
	unsigned long stall, astall;

	*state = m;
	checkerboard(m, dz(m), false);
	stall = ev(m, COMPACTSTALL);
	astall = ev(m, ALLOCSTALL_NORMAL);
	assert_int_equal(__alloc_pages(m, GFP_HIGHUSER_MOVABLE | __GFP_NORETRY | __GFP_THISNODE,
				       9, 0), PFN_NONE);
	assert_int_equal(ev(m, COMPACTSTALL) - stall, 1);
	assert_int_equal(ev(m, ALLOCSTALL_NORMAL) - astall, 0);
}

/*
 *   unmovable checkerboard (compaction runs but cannot help); a costly
 *   movable order-9 request with: no retry flag / __GFP_RETRY_MAYFAIL /
 *   __GFP_NORETRY
 * The slow path compacts first at INIT_COMPACT_PRIORITY (async); its
 * retry loop then compacts at DEF_COMPACT_PRIORITY (sync-light), except
 * that a costly __GFP_NORETRY request keeps async.  Sync-light is also
 * MIN_COMPACT_COSTLY_PRIORITY: should_compact_retry never goes on to a
 * sync-full run for a costly order, so __GFP_RETRY_MAYFAIL ends after
 * the failed sync-light run too.  Every case is two stalls; a failed
 * sync run defers compaction in the zone (compact_defer_shift 1), async
 * runs do not (NORETRY leaves 0).
 */
static void test_costly_compaction_priorities(void **state)
{
	static const struct { gfp_t extra; unsigned long stalls; unsigned int shift; } c[] = {
		{ 0, 2, 1 },
		{ __GFP_RETRY_MAYFAIL, 2, 1 },
		{ __GFP_NORETRY, 2, 0 },
	};
	char bad[512] = "";
	size_t len = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		struct machine *m = one_zone(128, 1);
		struct zone *z = dz(m);
		unsigned long stall, fail;

		checkerboard(m, z, false);
		stall = ev(m, COMPACTSTALL);
		fail = ev(m, COMPACTFAIL);
		assert_int_equal(__alloc_pages(m, GFP_HIGHUSER_MOVABLE | c[i].extra, 9, 0), PFN_NONE);
		assert_int_equal(ev(m, COMPACTFAIL) - fail, ev(m, COMPACTSTALL) - stall);
		if (ev(m, COMPACTSTALL) - stall != c[i].stalls || z->compact_defer_shift != c[i].shift)
			len += (size_t)snprintf(bad + len, sizeof(bad) - len,
						"[gfp extra %#x: %lu stalls, defer shift %u; "
						"expected %lu, %u] ", c[i].extra,
						ev(m, COMPACTSTALL) - stall,
						z->compact_defer_shift, c[i].stalls, c[i].shift);
		machine_destroy(m);
	}
	if (len)
		fail_msg("%s", bad);
}

/*
 *   free memory all in order-8 halves of N pageblocks (no order-9 block)
 *   fragmentation_index(9) = 1000 - (1000 + 256N * 1000 / 512) / N  (<= 500)
 *   versus a checkerboard (all order 0): index close to 1000
 * For costly orders, compaction_suitable declines a zone whose failure
 * is due to lack of memory rather than fragmentation (index <= 500,
 * extfrag_threshold): the costly allocation fails without any
 * compaction run (no stall, nothing scanned).  The checkerboard zone is
 * suitable (COMPACT_CONTINUE).
 */
static void test_fragindex_declines_compaction(void **state)
{
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);
	unsigned long n, stall, scanned;
	int want;

	(void)state;
	half_blocks(m, z);
	n = z->free_area[8].nr_free;
	assert_int_equal((unsigned long)nr_free(z), n * 256);
	want = 1000 - (int)((1000 + n * 256 * 1000 / 512) / n);
	assert_int_equal(fragmentation_index(z, 9), want);
	assert_true(want <= 500);
	assert_int_not_equal(compaction_suitable(m, z, 9, ALLOC_WMARK_LOW, ZONE_DMA32),
			     COMPACT_CONTINUE);
	stall = ev(m, COMPACTSTALL);
	scanned = ev(m, COMPACTMIGRATE_SCANNED);
	assert_int_equal(__alloc_pages(m, GFP_HIGHUSER_MOVABLE, 9, 0), PFN_NONE);
	assert_int_equal(ev(m, COMPACTSTALL), stall);
	assert_int_equal(ev(m, COMPACTMIGRATE_SCANNED), scanned);
	t_check(m);
	machine_destroy(m);

	m = one_zone(64, 1);
	z = dz(m);
	checkerboard(m, z, true);
	assert_true(fragmentation_index(z, 9) > 900);
	assert_int_equal(compaction_suitable(m, z, 9, ALLOC_WMARK_LOW, ZONE_DMA32),
			 COMPACT_CONTINUE);
	machine_destroy(m);
}

/*
 * Same order-8 zone: compaction_suitable() returns COMPACT_SKIPPED.  In
 * 6.1, COMPACT_NOT_SUITABLE_ZONE only reaches the tracepoint;
 * compaction_suitable converts it to COMPACT_SKIPPED for its callers.
 */
static void test_compaction_suitable_reports_skipped(void **state)
{
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);

	*state = m;
	half_blocks(m, z);
	assert_true(fragmentation_index(z, 9) <= 500);
	assert_int_equal(compaction_suitable(m, z, 9, ALLOC_WMARK_LOW, ZONE_DMA32),
			 COMPACT_SKIPPED);
}

/*
 *   one zone, every page held (unmovable) except:
 *   A: | o3 free | held ...                  (a block below B: free memory)
 *   B: | o0 free | 32 movable pages, B+1..B+32 | held ... B+511 |
 *   no watermarks; echo 1 > /proc/sys/vm/compact_memory (compact_node)
 * The migrate scanner isolates B+1..B+32 (COMPACT_CLUSTER_MAX) and stops
 * at B+33, inside B.  The free scanner comes down from the top, finds no
 * free page above the migrate scanner, and stops where they meet: it
 * must not take B+0, which the migrate scanner has already passed (6.1
 * never scans below pageblock_end_pfn(migrate_pfn)).  Nothing migrates;
 * a free scanner that scans all of B moves B+1 down into B+0.
 */
static void test_compaction_free_scanner_stops_at_migrate_scanner(void **state)
{
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);
	unsigned long a, b, migrated;

	*state = m;
	grab_zone(m, z);
	a = next_grabbed_block(m, z, z->zone_start_pfn);
	b = next_grabbed_block(m, z, a + pageblock_nr_pages);
	give_back(m, a, 3);
	give_back(m, b, 0);
	for (unsigned long p = b + 1; p <= b + 32; p++)
		mm_mark_movable_data(m, p, 0);
	no_watermarks(z);
	migrated = ev(m, PGMIGRATE_SUCCESS);
	compact_node(m, 0);
	assert_int_equal(ev(m, PGMIGRATE_SUCCESS), migrated);
	assert_true(PageBuddy(m, b));
	assert_int_equal(buddy_order(m, b), 0);
	for (unsigned long p = b + 1; p <= b + 32; p++) {
		assert_int_equal(page_mapping(m, p), PAGE_MAPPING_MOVABLE_DATA);
		assert_true(PageLRU(m, p));
		assert_int_equal(page_ref_count(m, p), 1);
	}
	assert_int_equal(nr_free(z), 9);
	t_check(m);
}

/*
 *   one zone, every page held (unmovable) except:
 *   A: | o3 free | held ...
 *   B: | held | 32 movable, B+1..B+32 | held ... | o2 free at B+256 | held ... |
 * The migrate scanner stops at B+33, inside B, with 32 pages isolated.
 * 6.1's free scanner never enters the migrate scanner's pageblock
 * (low_pfn = pageblock_end_pfn(migrate_pfn)), so the free pages at B+256,
 * though above the migrate scanner, are not targets: the scanners meet and
 * nothing migrates.  A free scanner that stops only at migrate_pfn moves
 * four pages into B+256.
 */
static void test_compaction_free_scanner_skips_migrate_block(void **state)
{
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);
	unsigned long a, b, migrated;

	*state = m;
	grab_zone(m, z);
	a = next_grabbed_block(m, z, z->zone_start_pfn);
	b = next_grabbed_block(m, z, a + pageblock_nr_pages);
	give_back(m, a, 3);
	give_back(m, b + 256, 2);
	for (unsigned long p = b + 1; p <= b + 32; p++)
		mm_mark_movable_data(m, p, 0);
	no_watermarks(z);
	migrated = ev(m, PGMIGRATE_SUCCESS);
	compact_node(m, 0);
	assert_int_equal(ev(m, PGMIGRATE_SUCCESS), migrated);
	assert_true(PageBuddy(m, b + 256));
	assert_int_equal(buddy_order(m, b + 256), 2);
	for (unsigned long p = b + 1; p <= b + 32; p++)
		assert_true(PageLRU(m, p));
	t_check(m);
}

/*
 *   one zone, every page held (movable pageblocks) except:
 *   A: | held | 32 movable, A+1..A+32 | held | o3 free at A+256 | held |
 *   B: | free, one order-9 block (the whole pageblock)                |  (B >= A + 1024)
 * The only free memory above the migrate scanner's pageblock is B, whole
 * (the migrate scanner stops at A+33 with 32 pages isolated, and the free
 * scanner never enters its pageblock; the order-3 block there only keeps
 * the zone above the watermark __isolate_free_page checks).  6.1's
 * suitable_migration_target refuses a pageblock whose first page is a
 * free block of pageblock order or more (splitting it for targets would
 * undo what compaction is for), and compact_node does not set
 * ignore_block_suitable: nothing migrates and B stays one order-9 block.
 * A model that takes B as a target moves A's 32 pages into it.
 */
static void test_compaction_free_scanner_skips_whole_free_pageblock(void **state)
{
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);
	unsigned long a, b, migrated;

	*state = m;
	grab_zone(m, z);
	a = next_grabbed_block(m, z, z->zone_start_pfn);
	b = next_grabbed_block(m, z, a + 2 * pageblock_nr_pages);
	assert_int_equal(get_pageblock_migratetype(m, b), MIGRATE_MOVABLE);
	give_back(m, b, pageblock_order);
	give_back(m, a + 256, 3);
	for (unsigned long p = a + 1; p <= a + 32; p++)
		mm_mark_movable_data(m, p, 0);
	no_watermarks(z);
	migrated = ev(m, PGMIGRATE_SUCCESS);
	compact_node(m, 0);
	assert_int_equal(ev(m, PGMIGRATE_SUCCESS), migrated);
	assert_true(PageBuddy(m, b));
	assert_int_equal(buddy_order(m, b), pageblock_order);
	for (unsigned long p = a + 1; p <= a + 32; p++)
		assert_true(PageLRU(m, p));
	t_check(m);
}

/* -------------------------------------------------------------------------
 * Contiguous ranges
 */

/*
 *   block P (order 10): | 40 movable user pages | pcp leftovers | free ... |
 * alloc_contig_range(P, P + 1024) migrates the movable pages out (each
 * reported, data now outside the range), takes every page of the range
 * (one reference each, none free, none on a pcp list) and restores the
 * pageblock types; free_contig_range gives them all back.
 */
static void test_alloc_contig_range_migrates(void **state)
{
	struct machine *m = one_zone(128, 1);
	struct zone *z = dz(m);
	struct migrations *mg = calloc(1, sizeof(*mg));
	unsigned long p, got[40];
	unsigned long migrated = ev(m, PGMIGRATE_SUCCESS);
	long total0;

	(void)state;
	assert_non_null(mg);
	only_order10(m, z);
	p = z->free_area[10].free_list[M].first;
	for (int i = 0; i < 40; i++) {
		got[i] = alloc_mt(m, M, 0);
		assert_true(got[i] >= p && got[i] < p + 1024);
		mm_mark_movable_data(m, got[i], 0);
	}
	total0 = nr_free(z) + (long)pcp_total(m, z);
	mm_set_migrate_notify(m, note_migration, mg);
	assert_int_equal(alloc_contig_range(m, p, p + 1024, MIGRATE_MOVABLE, GFP_KERNEL), 0);
	assert_int_equal(mg->n, 40);
	assert_int_equal(ev(m, PGMIGRATE_SUCCESS) - migrated, 40);
	for (int i = 0; i < mg->n; i++) {
		assert_true(mg->old_pfn[i] >= p && mg->old_pfn[i] < p + 1024);
		assert_true(mg->new_pfn[i] < p || mg->new_pfn[i] >= p + 1024);
		assert_int_equal(page_mapping(m, mg->new_pfn[i]), PAGE_MAPPING_MOVABLE_DATA);
	}
	for (unsigned long q = p; q < p + 1024; q++) {
		assert_int_equal(page_ref_count(m, q), 1);
		assert_int_equal(free_head(m, q), PFN_NONE);
		assert_false(on_pcp(m, z, q));
	}
	assert_int_equal(get_pageblock_migratetype(m, p), M);
	assert_int_equal(get_pageblock_migratetype(m, p + 512), M);
	/* 1024 pages taken; 40 new homes for the data came from free memory */
	assert_int_equal(nr_free(z) + (long)pcp_total(m, z), total0 - (1024 - 40) - 40);
	t_check(m);
	free_contig_range(m, p, 1024);
	drain_all_pages(m, NULL);
	assert_int_not_equal(free_head(m, p), PFN_NONE);
	mm_set_migrate_notify(m, NULL, NULL);
	t_check(m);
	free(mg);
	machine_destroy(m);
}

/*
 *   block Q (stolen by one unmovable page X): | X | free ... |
 * alloc_contig_range over Q's order-10 range fails with -EBUSY: X cannot
 * migrate.  Nothing leaks: X is still held, the pageblocks are back to
 * UNMOVABLE, no free page is left on an ISOLATE list and free + pcp
 * pages are what they were.
 */
static void test_alloc_contig_range_ebusy(void **state)
{
	struct machine *m = one_zone(128, 1);
	struct zone *z = dz(m);
	unsigned long x = alloc_mt(m, U, 0), q = x & ~1023UL;
	long total0 = nr_free(z) + (long)pcp_total(m, z);

	(void)state;
	assert_int_equal(alloc_contig_range(m, q, q + 1024, MIGRATE_MOVABLE, GFP_KERNEL), -16);
	assert_int_equal(page_ref_count(m, x), 1);
	assert_int_equal(free_head(m, x), PFN_NONE);
	assert_int_equal(get_pageblock_migratetype(m, q), U);
	assert_int_equal(get_pageblock_migratetype(m, q + 512), U);
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		assert_int_equal(z->free_area[o].nr_free_mt[ISO], 0);
	assert_int_equal(nr_free(z) + (long)pcp_total(m, z), total0);
	t_check(m);
	machine_destroy(m);
}

/*
 *   zone: | A (512, taken) | A+512: one held page | A+1024 ... |
 * alloc_contig_pages scans candidate ranges aligned to nr_pages: the
 * first call takes the first aligned range A, the second skips A (held)
 * and A+512 (an unmovable page) and takes A+1024; a 1024-page request
 * is 1024-aligned.
 */
static void test_alloc_contig_pages_aligned(void **state)
{
	struct machine *m = one_zone(128, 1);
	struct zone *z = dz(m);
	unsigned long a, b, c;

	(void)state;
	a = alloc_contig_pages(m, 512, GFP_KERNEL, 0);
	assert_int_not_equal(a, PFN_NONE);
	assert_int_equal(a % 512, 0);
	assert_int_equal(a, z->zone_start_pfn);
	assert_int_equal(alloc_contig_range(m, a + 700, a + 701, MIGRATE_MOVABLE, GFP_KERNEL), 0);
	b = alloc_contig_pages(m, 512, GFP_KERNEL, 0);
	assert_int_equal(b, a + 1024);
	for (unsigned long p = b; p < b + 512; p++)
		assert_int_equal(page_ref_count(m, p), 1);
	c = alloc_contig_pages(m, 1024, GFP_KERNEL, 0);
	assert_int_not_equal(c, PFN_NONE);
	assert_int_equal(c % 1024, 0);
	assert_true(c >= b + 512);
	t_check(m);
	machine_destroy(m);
}

/* -------------------------------------------------------------------------
 * Bad frees and the invariant checker
 */

/*
 *   free block H (PageBuddy) freed again through free_unref_page
 * free_pages_prepare finds the page already free: a simulated "Bad page
 * state" failure on the machine, not a crash, and the free lists are
 * left intact (the checker passes once the failure is cleared).
 */
static void test_free_of_free_page_reported(void **state)
{
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);
	unsigned long h = z->free_area[10].free_list[M].first;
	long free0 = nr_free(z);

	(void)state;
	free_unref_page(m, h, 0);
	assert_true(m->fail.failed);
	assert_non_null(strstr(m->fail.msg, "Bad page state"));
	assert_non_null(strstr(m->fail.msg, "already free"));
	assert_int_equal(nr_free(z), free0);
	assert_int_equal(z->pcp[0].count, 0);
	m->fail.failed = false;
	t_check(m);
	machine_destroy(m);
}

/*
 *   order-4 block p: allocated, freed, freed again (__free_pages twice)
 * The second put finds _refcount already 0 (a kernel with DEBUG_VM hits
 * VM_BUG_ON_PAGE in put_page_testzero): the model must report it as a
 * simulated failure and leave the free block as it was, not drive the
 * refcount of a free page to -1 silently.
 */
static void test_double_free_reported(void **state)
{
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);
	unsigned long p = alloc_mt(m, M, 4);
	long free0;

	*state = m;
	__free_pages(m, p, 4);
	free0 = nr_free(z);
	__free_pages(m, p, 4);
	assert_true(m->fail.failed);
	assert_int_equal(nr_free(z), free0);
	assert_int_equal(page_ref_count(m, p), 0);
}

/*
 *   page p, still mapped (_mapcount 0), freed
 * The free path reports "Bad page state ... nonzero mapcount" as a
 * simulated failure (at the free, or at the latest when the pcp lists are
 * drained, as a kernel without DEBUG_VM checks) and does not free the
 * page: it is leaked, as the kernel does; free plus pcp pages unchanged.
 */
static void test_free_mapped_page_reported(void **state)
{
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);
	unsigned long p = alloc_mt(m, M, 0);
	long total0 = nr_free(z) + (long)pcp_total(m, z);

	(void)state;
	pg_write32(m, p, PGOFF_MAPCOUNT, 0);
	__free_pages(m, p, 0);
	drain_all_pages(m, NULL);	/* without DEBUG_VM the check runs at drain time */
	assert_true(m->fail.failed);
	assert_non_null(strstr(m->fail.msg, "Bad page state"));
	assert_non_null(strstr(m->fail.msg, "mapcount"));
	assert_int_equal(nr_free(z) + (long)pcp_total(m, z), total0);
	assert_false(on_pcp(m, z, p));
	assert_int_equal(free_head(m, p), PFN_NONE);
	m->fail.failed = false;
	t_check(m);
	machine_destroy(m);
}

/*
 * mm_check_invariants recomputes the counters from the lists: each
 * corruption below is caught with a message naming what drifted, and
 * the machine checks clean again once it is undone.
 */
static void test_checker_catches_corruption(void **state)
{
	enum { C_NR_FREE_MT, C_NR_FREE, C_FREE_PAGES, C_PCP_COUNT, C_ORDER, C_HIGHATOMIC, NR_C };
	static const char *const want[NR_C] = {
		[C_NR_FREE_MT] = "order 10 Movable", [C_NR_FREE] = "nr_free",
		[C_FREE_PAGES] = "NR_FREE_PAGES", [C_PCP_COUNT] = "pcp count",
		[C_ORDER] = "not a free block of this list",
		[C_HIGHATOMIC] = "nr_reserved_highatomic",
	};
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);
	unsigned long h = z->free_area[10].free_list[M].first;
	char err[512];

	(void)state;
	alloc_mt(m, M, 0);	/* something on the pcp list */
	t_check(m);
	for (int c = 0; c < NR_C; c++) {
		switch (c) {
		case C_NR_FREE_MT: z->free_area[10].nr_free_mt[M]++; break;
		case C_NR_FREE: z->free_area[3].nr_free++; break;
		case C_FREE_PAGES: z->vm_stat[NR_FREE_PAGES]++; break;
		case C_PCP_COUNT: z->pcp[0].count++; break;
		case C_ORDER: set_page_private(m, h, 9); break;
		case C_HIGHATOMIC: z->nr_reserved_highatomic += 512; break;
		}
		if (mm_check_invariants(m, err, sizeof(err)))
			fail_msg("corruption %d (%s) not caught", c, want[c]);
		if (!strstr(err, want[c]))
			fail_msg("corruption %d: message \"%s\" does not name \"%s\"", c, err, want[c]);
		switch (c) {
		case C_NR_FREE_MT: z->free_area[10].nr_free_mt[M]--; break;
		case C_NR_FREE: z->free_area[3].nr_free--; break;
		case C_FREE_PAGES: z->vm_stat[NR_FREE_PAGES]--; break;
		case C_PCP_COUNT: z->pcp[0].count--; break;
		case C_ORDER: set_page_private(m, h, 10); break;
		case C_HIGHATOMIC: z->nr_reserved_highatomic -= 512; break;
		}
		t_check(m);
	}
	machine_destroy(m);
}

/*
 *   order-2 block p without __GFP_COMP, a speculative reference on p
 *   (get_page_unless_zero: _refcount 2), then __free_pages(p, 2)
 *   | p (kept) | p+1: o0 freed | p+2: o1 freed |
 * 6.1's __free_pages: when the put does not free a non-compound block,
 * the caller's part of it is freed anyway, all but the head page:
 * p+2 (order 1) and p+1 (order 0); the head goes when the speculative
 * holder puts it.  Without this the tail pages leak.
 */
static void test_free_pages_with_speculative_ref(void **state)
{
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);
	unsigned long p = alloc_mt(m, U, 2);
	long total0;

	*state = m;
	drain_all_pages(m, NULL);
	total0 = nr_free(z);
	assert_true(get_page_unless_zero(m, p));
	__free_pages(m, p, 2);
	drain_all_pages(m, NULL);
	assert_int_equal(page_ref_count(m, p), 1);
	assert_int_equal(nr_free(z), total0 + 3);
	assert_int_equal(free_head(m, p), PFN_NONE);
	assert_int_not_equal(free_head(m, p + 1), PFN_NONE);
	assert_int_not_equal(free_head(m, p + 2), PFN_NONE);
	__free_pages(m, p, 0);
	drain_all_pages(m, NULL);
	assert_int_equal(nr_free(z), total0 + 4);
	t_check(m);
}

/*
 *   one zone, checkerboard of movable user data (all free pages order 0)
 *   the zone's deferral state: defer_shift 3, considered 8 (= 1 << 3, so
 *   the next attempt is let through), order_failed 9
 * A costly movable allocation (order 9) compacts and succeeds.  6.1's
 * __alloc_pages_direct_compact then calls compaction_defer_reset(zone,
 * order, true): considered and defer_shift go back to 0 and
 * order_failed to order + 1.  Keeping the old shift would make the next
 * failure defer compaction 16 times instead of twice.
 */
static void test_compaction_success_resets_deferral(void **state)
{
	struct machine *m = one_zone(128, 1);
	struct zone *z = dz(m);
	unsigned long pfn;

	(void)state;
	checkerboard(m, z, true);
	z->compact_defer_shift = 3;
	z->compact_considered = 8;
	z->compact_order_failed = 9;
	pfn = __alloc_pages(m, GFP_HIGHUSER_MOVABLE, 9, 0);
	assert_int_not_equal(pfn, PFN_NONE);
	assert_int_equal(ev(m, COMPACTSUCCESS), 1);
	assert_int_equal(z->compact_considered, 0);
	assert_int_equal(z->compact_defer_shift, 0);
	assert_int_equal(z->compact_order_failed, 10);
	t_check(m);
	machine_destroy(m);
}

/*
 * try_to_compact_pages' own rules, called as the slow path calls it:
 *   - without __GFP_IO nothing is compacted (gfp_compaction_allowed):
 *     COMPACT_SKIPPED, no page scanned
 *   - a zone whose compaction is deferred for this order is skipped
 *     (COMPACT_DEFERRED, the consideration counted) at the async and
 *     sync-light priorities, but COMPACT_PRIO_SYNC_FULL compacts it
 *     anyway, over the whole zone (cc->whole_zone)
 *   - a sync run that completes without success defers the zone again:
 *     defer_shift grows (up to COMPACT_MAX_DEFER_SHIFT, 6), considered
 *     restarts at 0, order_failed drops to the order
 * zone: a checkerboard of unmovable pages (nothing can move, nothing can
 * ever succeed), so each run completes.
 */
static void test_try_to_compact_rules(void **state)
{
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);
	unsigned long scanned;
	unsigned int flags = ALLOC_WMARK_MIN;

	(void)state;
	checkerboard(m, z, false);
	scanned = ev(m, COMPACTMIGRATE_SCANNED) + ev(m, COMPACTFREE_SCANNED);
	assert_int_equal(try_to_compact_pages(m, GFP_NOIO, 4, 0, flags, COMPACT_PRIO_SYNC_LIGHT,
					      NULL), COMPACT_SKIPPED);
	assert_int_equal(ev(m, COMPACTMIGRATE_SCANNED) + ev(m, COMPACTFREE_SCANNED), scanned);

	z->compact_defer_shift = 5;
	z->compact_considered = 0;
	z->compact_order_failed = 2;
	assert_int_equal(try_to_compact_pages(m, GFP_KERNEL, 4, 0, flags, COMPACT_PRIO_ASYNC, NULL),
			 COMPACT_DEFERRED);
	assert_int_equal(try_to_compact_pages(m, GFP_KERNEL, 4, 0, flags, COMPACT_PRIO_SYNC_LIGHT,
					      NULL), COMPACT_DEFERRED);
	assert_int_equal(z->compact_considered, 2);
	/* below order_failed nothing is deferred */
	assert_int_not_equal(try_to_compact_pages(m, GFP_KERNEL, 1, 0, flags, COMPACT_PRIO_ASYNC,
						  NULL), COMPACT_DEFERRED);

	z->compact_considered = 0;
	assert_int_equal(try_to_compact_pages(m, GFP_KERNEL, 4, 0, flags, COMPACT_PRIO_SYNC_FULL,
					      NULL), COMPACT_COMPLETE);
	assert_int_equal(z->compact_considered, 0);	/* not consulted */
	assert_int_equal(z->compact_defer_shift, 6);
	assert_int_equal(z->compact_order_failed, 2);
	assert_true(ev(m, COMPACTMIGRATE_SCANNED) > scanned);
	/* the whole zone: the scanners start again from its ends (the last block's start) */
	assert_int_equal(z->compact_cached_migrate_pfn[0], z->zone_start_pfn);
	assert_int_equal(z->compact_cached_migrate_pfn[1], z->zone_start_pfn);
	assert_int_equal(z->compact_cached_free_pfn,
			 (zone_end_pfn(z) - 1) & ~(pageblock_nr_pages - 1));
	assert_int_equal(try_to_compact_pages(m, GFP_KERNEL, 4, 0, flags, COMPACT_PRIO_SYNC_FULL,
					      NULL), COMPACT_COMPLETE);
	assert_int_equal(z->compact_defer_shift, 6);	/* COMPACT_MAX_DEFER_SHIFT */
	z->compact_order_failed = 9;
	assert_int_equal(try_to_compact_pages(m, GFP_KERNEL, 4, 0, flags, COMPACT_PRIO_SYNC_FULL,
					      NULL), COMPACT_COMPLETE);
	assert_int_equal(z->compact_order_failed, 4);
	t_check(m);
	machine_destroy(m);
}

/*
 * A page freed in a state the free path refuses: the failure message is
 * exactly the kernel's bad_page reason (6.1 page_bad_reason /
 * free_tail_pages_check / free_pages_prepare), with the pfn, the order
 * and for a tail its head; nothing is freed (the block is leaked, as
 * the kernel leaks a bad page).
 */
static void expect_bad_free(struct machine *m, unsigned long p, unsigned int order,
			    const char *msg)
{
	struct zone *z = dz(m);
	long total0;

	drain_all_pages(m, NULL);
	total0 = nr_free(z);
	__free_pages(m, p, order);
	drain_all_pages(m, NULL);
	assert_true(m->fail.failed);
	assert_string_equal(m->fail.msg, msg);
	assert_int_equal(nr_free(z), total0);
	m->fail.failed = false;
}

/*
 *   order-2 compound page H: | H | H+1 | H+2 | H+3 |, one bad thing each time
 *   H+2 with a reference, H+1 mapped, H+3 PG_active, H mapped,
 *   H with a mapping, H PG_locked; then H freed as order 1
 * Each is reported with the reason the kernel gives.  The order-4 block
 * freed at an odd pfn trips __free_one_page's alignment check.
 */
static void test_bad_free_reasons(void **state)
{
	struct machine *m = one_zone(64, 1);
	char want[160];
	unsigned long h;

	(void)state;
	h = __alloc_pages(m, GFP_KERNEL | __GFP_COMP, 2, 0);
	set_page_count(m, h + 2, 1);
	snprintf(want, sizeof(want), "BUG: Bad page state: pfn:%#lx (tail of %#lx order 2): "
		 "nonzero _refcount", h + 2, h);
	expect_bad_free(m, h, 2, want);

	h = __alloc_pages(m, GFP_KERNEL | __GFP_COMP, 2, 0);
	pg_write32(m, h + 3, PGOFF_MAPCOUNT, 0);
	snprintf(want, sizeof(want), "BUG: Bad page state: pfn:%#lx (tail of %#lx order 2): "
		 "nonzero mapcount", h + 3, h);
	expect_bad_free(m, h, 2, want);

	h = __alloc_pages(m, GFP_KERNEL | __GFP_COMP, 2, 0);
	set_page_flags(m, h + 3, page_flags(m, h + 3) | 1UL << PG_active);
	snprintf(want, sizeof(want), "BUG: Bad page state: pfn:%#lx (tail of %#lx order 2): "
		 "PAGE_FLAGS_CHECK_AT_FREE flag(s) set", h + 3, h);
	expect_bad_free(m, h, 2, want);

	h = __alloc_pages(m, GFP_KERNEL | __GFP_COMP, 2, 0);
	pg_write32(m, h, PGOFF_MAPCOUNT, 0);
	snprintf(want, sizeof(want), "BUG: Bad page state: pfn:%#lx order:2: nonzero mapcount", h);
	expect_bad_free(m, h, 2, want);

	h = __alloc_pages(m, GFP_KERNEL | __GFP_COMP, 2, 0);
	set_page_mapping(m, h, 0x1000);
	snprintf(want, sizeof(want), "BUG: Bad page state: pfn:%#lx order:2: non-NULL mapping", h);
	expect_bad_free(m, h, 2, want);

	h = __alloc_pages(m, GFP_KERNEL | __GFP_COMP, 2, 0);
	set_page_flags(m, h, page_flags(m, h) | 1UL << PG_locked);
	snprintf(want, sizeof(want), "BUG: Bad page state: pfn:%#lx order:2: "
		 "PAGE_FLAGS_CHECK_AT_FREE flag(s) set", h);
	expect_bad_free(m, h, 2, want);

	h = __alloc_pages(m, GFP_KERNEL | __GFP_COMP, 2, 0);
	snprintf(want, sizeof(want), "BUG: freeing compound page %#lx order 2 as order 1", h);
	expect_bad_free(m, h, 1, want);

	h = __alloc_pages(m, GFP_KERNEL, 5, 0);
	snprintf(want, sizeof(want), "__free_one_page: pfn %#lx not aligned to order 4", h + 1);
	set_page_count(m, h + 1, 1);
	expect_bad_free(m, h + 1, 4, want);
	machine_destroy(m);
}

/*
 *   order-2 block P without __GFP_COMP: | P | P+1 | P+2 | P+3 |
 * split_page gives each tail its own reference, so the four pages are
 * freed one by one as order-0 pages and all come back.
 */
static void test_split_page_frees_each(void **state)
{
	struct machine *m = one_zone(64, 1);
	struct zone *z = dz(m);
	unsigned long p;
	long free0;

	(void)state;
	drain_all_pages(m, NULL);
	free0 = nr_free(z);
	p = alloc_mt(m, U, 2);
	drain_all_pages(m, NULL);
	assert_int_equal(nr_free(z), free0 - 4);
	split_page(m, p, 2);
	for (unsigned long i = 0; i < 4; i++)
		assert_int_equal(page_ref_count(m, p + i), 1);
	for (unsigned long i = 0; i < 4; i++)
		__free_pages(m, p + i, 0);
	assert_false(m->fail.failed);
	drain_all_pages(m, NULL);
	assert_int_equal(nr_free(z), free0);
	t_check(m);
	machine_destroy(m);
}

/*
 *   2 nodes; CPU#0 on node 0, CPU#1 on node 1
 * alloc_pages_node(NUMA_NO_NODE) (or a node that does not exist) uses
 * the running CPU's node (numa_mem_id()).  A GFP_DMA request on a
 * machine without a DMA zone has no zone to try: it fails, changing
 * nothing and reporting nothing.
 */
static void test_alloc_node_defaults_and_no_zone(void **state)
{
	struct machine *m = dma32_normal(0, 128);
	unsigned long p;

	(void)state;
	for (int c = 0; c < 2; c++) {
		m->cur_cpu = c;
		p = alloc_pages_node(m, -1, GFP_KERNEL, 0);
		assert_int_equal(pfn_to_nid(m, p), c);
		__free_pages(m, p, 0);
		p = alloc_pages_node(m, 7, GFP_KERNEL, 0);
		assert_int_equal(pfn_to_nid(m, p), c);
		__free_pages(m, p, 0);
	}
	m->cur_cpu = 0;
	machine_destroy(m);

	m = one_zone(64, 1);
	drain_all_pages(m, NULL);
	{
		long free0 = nr_free(dz(m));

		assert_int_equal(alloc_pages_node(m, 0, GFP_DMA | GFP_KERNEL, 0), PFN_NONE);
		assert_int_equal(nr_free(dz(m)), free0);
		assert_int_equal(ev(m, ALLOCSTALL_NORMAL), 0);
		assert_false(m->fail.failed);
	}
	machine_destroy(m);
}

/*
 * gfp_format prints a mask as ftrace's show_gfp_flags does (6.1
 * include/trace/events/mmflags.h): composite names first when all their
 * bits are set, then single flags, then what no name covers in hex, "|"
 * between; 0 is "0".  Every mask it prints parses back to itself
 * (gfp_parse takes names and numbers), and a short buffer truncates.
 */
static void test_gfp_format_and_parse(void **state)
{
	static const struct {
		gfp_t gfp;
		const char *s;
	} cases[] = {
		{ GFP_KERNEL, "GFP_KERNEL" },
		{ GFP_HIGHUSER_MOVABLE | __GFP_COMP, "GFP_HIGHUSER_MOVABLE|__GFP_COMP" },
		{ GFP_ATOMIC | __GFP_NOWARN, "GFP_ATOMIC|__GFP_NOWARN" },
		{ GFP_TRANSHUGE, "GFP_TRANSHUGE" },
		{ __GFP_THISNODE | __GFP_NORETRY, "__GFP_NORETRY|__GFP_THISNODE" },
		{ GFP_KERNEL | 0x4000000u, "GFP_KERNEL|0x4000000" },
		{ 0x4000000u, "0x4000000" },
		{ 0, "0" },
	};
	static const gfp_t roundtrip[] = {
		GFP_KERNEL | __GFP_ZERO, GFP_USER | __GFP_WRITE, GFP_HIGHUSER | __GFP_MEMALLOC,
		GFP_NOWAIT | __GFP_NOMEMALLOC, __GFP_HIGH | __GFP_NOFAIL | 0x10000000u,
		GFP_TRANSHUGE_LIGHT | __GFP_THISNODE, __GFP_RECLAIMABLE | GFP_KERNEL,
	};
	char buf[128];
	const char *bad;
	gfp_t g;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		gfp_format(cases[i].gfp, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].s);
		assert_true(gfp_parse(buf, &g, &bad));
		assert_int_equal(g, cases[i].gfp);
	}
	for (size_t i = 0; i < ARRAY_SIZE(roundtrip); i++) {
		gfp_format(roundtrip[i], buf, sizeof(buf));
		assert_true(gfp_parse(buf, &g, &bad));
		if (g != roundtrip[i])
			fail_msg("%#x printed as %s parses as %#x", roundtrip[i], buf, g);
	}
	/* a short buffer gets a terminated prefix */
	gfp_format(GFP_HIGHUSER_MOVABLE | __GFP_COMP, buf, 8);
	assert_string_equal(buf, "GFP_HIG");
	gfp_format(GFP_KERNEL | 0x4000000u, buf, 12);
	assert_string_equal(buf, "GFP_KERNEL|");

	/* numbers in any base, alone or among names */
	assert_true(gfp_parse("0x40000|GFP_KERNEL", &g, &bad));
	assert_int_equal(g, GFP_KERNEL | __GFP_COMP);
	assert_true(gfp_parse("8", &g, &bad));
	assert_int_equal(g, __GFP_MOVABLE);
	/* refused, pointing at the offending token */
	{
		static const char *const refused[][2] = {
			{ "", "" },
			{ "12abc|GFP_KERNEL", "12abc|GFP_KERNEL" },
			{ "GFP_KERNEL||__GFP_COMP", "|__GFP_COMP" },
			{ "GFP_KERNEL|", "" },
			{ "GFP_KERNELX", "GFP_KERNELX" },
		};

		for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
			assert_false(gfp_parse(refused[i][0], &g, &bad));
			assert_string_equal(bad, refused[i][1]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* orders, smallest-first */
		cmocka_unit_test(test_orders_and_max_order),
		cmocka_unit_test(test_rmqueue_smallest_head_and_expand),
		/* fallback */
		cmocka_unit_test(test_fallback_order_matrix),
		cmocka_unit_test(test_fallback_scans_down_and_steals_whole_blocks),
		cmocka_unit_test(test_fallback_order9_retypes_one_block),
		cmocka_unit_test(test_can_steal_rule_matrix),
		cmocka_unit_test(test_movable_cannot_steal_takes_smallest),
		cmocka_unit_test(test_claim_threshold_255_256),
		cmocka_unit_test(test_watermark_boost_and_cap),
		cmocka_unit_test(test_no_boost_on_small_zone),
		/* merging and placement */
		cmocka_unit_test(test_merge_buddy_pfn_matrix),
		cmocka_unit_test(test_no_merge_across_zones),
		cmocka_unit_test(test_merge_types_at_pageblock_order),
		cmocka_unit_test(test_fpi_to_tail_boot_order),
		cmocka_unit_test(test_buddy_merge_likely_tail_or_head),
		cmocka_unit_test(test_shuffle_seeded),
		/* pcp */
		cmocka_unit_test(test_pcp_orders_and_list_index),
		cmocka_unit_test(test_pcp_lifo),
		cmocka_unit_test(test_pcp_refill_batch),
		cmocka_unit_test(test_pcp_bulk_free_tail_round_robin),
		cmocka_unit_test(test_pcp_free_factor),
		cmocka_unit_test(test_drain_local_and_all),
		cmocka_unit_test(test_pcp_pages_not_free_pages),
		cmocka_unit_test(test_pcp_highatomic_cma_isolate),
		cmocka_unit_test(test_zone_batch_and_high),
		/* watermarks */
		cmocka_unit_test(test_min_free_kbytes_formula),
		cmocka_unit_test(test_zone_watermarks_matrix),
		cmocka_unit_test(test_thp_raises_min_free_kbytes),
		cmocka_unit_test(test_lowmem_reserve_ratios),
		cmocka_unit_test(test_watermark_ok_reserve_shaving),
		cmocka_unit_test_teardown(test_watermark_ok_nonblock_alone_no_shave, destroy_machine),
		cmocka_unit_test(test_watermark_ok_highatomic_unusable),
		cmocka_unit_test(test_watermark_ok_high_order_needs_list),
		cmocka_unit_test_teardown(test_watermark_fast_subtracts_highatomic, destroy_machine),
		cmocka_unit_test(test_highatomic_reserve_cap),
		/* gfp, zones, nodes */
		cmocka_unit_test(test_gfp_zone_table),
		cmocka_unit_test(test_gfp_dma32_stays_below_4g),
		cmocka_unit_test(test_gfp_comp),
		cmocka_unit_test(test_thisnode_never_other_node),
		cmocka_unit_test(test_node_fallback_by_distance),
		cmocka_unit_test_teardown(test_node_fallback_equal_distance_ties, destroy_machine),
		cmocka_unit_test(test_nofragment_prefers_dma32_of_same_node),
		cmocka_unit_test_teardown(test_nofragment_two_nodes_prefers_local_dma32, destroy_machine),
		cmocka_unit_test(test_nofragment_locality_beats_fragmentation),
		/* slow path and compaction */
		cmocka_unit_test(test_compaction_rescues_costly_movable),
		cmocka_unit_test_teardown(test_nofs_allocation_compacts, destroy_machine),
		cmocka_unit_test(test_compaction_cannot_move_unmovable),
		cmocka_unit_test_teardown(test_compaction_leaves_noncompound_blocks, destroy_machine),
		cmocka_unit_test(test_noretry_costly_rules),
		cmocka_unit_test(test_direct_reclaim_without_progress_keeps_pcp),
		cmocka_unit_test_teardown(test_noretry_thisnode_stops_after_first_compaction, destroy_machine),
		cmocka_unit_test(test_costly_compaction_priorities),
		cmocka_unit_test(test_fragindex_declines_compaction),
		cmocka_unit_test_teardown(test_compaction_suitable_reports_skipped, destroy_machine),
		cmocka_unit_test_teardown(test_compaction_free_scanner_skips_migrate_block,
					  destroy_machine),
		cmocka_unit_test_teardown(test_compaction_free_scanner_skips_whole_free_pageblock,
					  destroy_machine),
		cmocka_unit_test_teardown(test_compaction_free_scanner_stops_at_migrate_scanner,
					  destroy_machine),
		/* contiguous ranges */
		cmocka_unit_test(test_alloc_contig_range_migrates),
		cmocka_unit_test(test_alloc_contig_range_ebusy),
		cmocka_unit_test(test_alloc_contig_pages_aligned),
		/* bad frees, checker */
		cmocka_unit_test(test_free_of_free_page_reported),
		cmocka_unit_test_teardown(test_double_free_reported, destroy_machine),
		cmocka_unit_test(test_free_mapped_page_reported),
		cmocka_unit_test(test_checker_catches_corruption),
		cmocka_unit_test_teardown(test_free_pages_with_speculative_ref, destroy_machine),
		cmocka_unit_test(test_compaction_success_resets_deferral),
		cmocka_unit_test(test_try_to_compact_rules),
		cmocka_unit_test(test_bad_free_reasons),
		cmocka_unit_test(test_split_page_frees_each),
		/* gfp names */
		cmocka_unit_test(test_alloc_node_defaults_and_no_zone),
		cmocka_unit_test(test_gfp_format_and_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
