// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_compaction.c - what makes 6.1's direct compaction give up, rule by
 * rule (mm/compaction.c, the slow path in mm/page_alloc.c, kswapd's sleep
 * in mm/vmscan.c), and the migration of processes' anonymous pages.
 *
 * Machines: one node, one zone (DMA32) of 16 pageblocks at [16M, 48M)
 * with its watermarks at zero unless a test says otherwise, every page
 * taken first (grab_zone) and then laid out block by block.  Pictures
 * show the pageblocks B0..B15 from the bottom of the zone: "U" a block
 * held whole by unmovable pages, "m/." movable pages with free ones
 * between them, "u/." unmovable ones with free ones between them.  Boot
 * keeps the first 62 pages of B13, all of B14 and the top 55 pages of B15
 * reserved (the memmap, percpu chunks, early page tables): they are "R",
 * whatever the picture says, and hold nothing movable.
 */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "check.h"
#include "compaction.h"
#include "memory.h"
#include "migrate.h"
#include "mman.h"
#include "mmap.h"
#include "mmzone.h"
#include "task.h"
#include "vm_event_item.h"
#include "vmscan.h"

#define MB(x)		((unsigned long)(x) << 20)
#define NBLOCKS		16
#define NUSABLE		13	/* B0..B12: no reserved page */
#define ANON_GFP	(GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOWARN | __GFP_RETRY_MAYFAIL | \
			 __GFP_THISNODE)

static struct zone *dz(struct machine *m)
{
	return zone_of(m, 0, ZONE_DMA32);
}

static unsigned long ev(struct machine *m, enum vm_event_item i)
{
	return m->vm_events[i];
}

static unsigned long blk(struct zone *z, int i)
{
	return z->zone_start_pfn + (unsigned long)i * pageblock_nr_pages;
}

static void no_watermarks(struct zone *z)
{
	for (int w = 0; w < NR_WMARK; w++)
		z->_watermark[w] = 0;
	z->watermark_boost = 0;
}

/* One node of NBLOCKS pageblocks at [16M, 48M), cpus CPUs */
static struct machine *small_zone(int cpus)
{
	struct machine_opts o;
	struct machine *m;

	t_opts(&o, 1, 2 * NBLOCKS, cpus);
	o.nr_holes = 1;
	o.hole[0] = (struct hole_desc){ 0, MB(16), false };
	o.thp_enabled = THP_NEVER;
	m = t_boot(&o);
	no_watermarks(dz(m));
	return m;
}

/* Take every free page of z; each is held with one reference */
static void grab_zone(struct machine *m, struct zone *z)
{
	drain_all_pages(m, NULL);
	for (unsigned long pfn = z->zone_start_pfn; pfn < zone_end_pfn(z);) {
		if (pfn_present_mem(m, pfn) && PageBuddy(m, pfn)) {
			unsigned int o = buddy_order(m, pfn);

			assert_int_equal(alloc_contig_range(m, pfn, pfn + (1UL << o),
							    MIGRATE_MOVABLE, GFP_KERNEL), 0);
			pfn += 1UL << o;
			continue;
		}
		pfn++;
	}
	assert_int_equal(zone_page_state(z, NR_FREE_PAGES), 0);
}

/*
 * Lay out block i: pages at offsets where free(off) is true go back to the
 * allocator, the others stay held, movable (user data) or not.
 */
static void layout(struct machine *m, struct zone *z, int i, bool movable,
		   bool (*is_free)(unsigned long off))
{
	unsigned long b = blk(z, i);

	for (unsigned long off = 0; off < pageblock_nr_pages; off++) {
		if (PageReserved(m, b + off) || page_ref_count(m, b + off) != 1)
			continue;	/* boot's, or already laid out */
		if (is_free && is_free(off))
			__free_pages(m, b + off, 0);
		else if (movable)
			mm_mark_movable_data(m, b + off, 0);
	}
}

static bool odd(unsigned long off)
{
	return off & 1;
}

static bool even(unsigned long off)
{
	return !(off & 1);
}

/* The first four pages of each eight: free o2 blocks kswapd's sample sees */
static bool first4of8(unsigned long off)
{
	return (off & 7) < 4;
}

struct migrations {
	int n;
	unsigned long old_pfn[2048], new_pfn[2048];
};

static void note_migration(void *priv, unsigned long old_pfn, unsigned long new_pfn,
			   unsigned int order)
{
	struct migrations *mg = priv;

	(void)order;
	if (mg->n < 2048) {
		mg->old_pfn[mg->n] = old_pfn;
		mg->new_pfn[mg->n] = new_pfn;
	}
	mg->n++;
}

static enum compact_result compact(struct machine *m, enum compact_priority prio,
				   unsigned int order, unsigned long *capture)
{
	return try_to_compact_pages(m, GFP_HIGHUSER_MOVABLE, order, 0, ALLOC_WMARK_MIN, prio,
				    capture);
}

/* -------------------------------------------------------------------------
 * Skip hints
 */

/*
 *   B0 U | B1 m/. | B2..B7 U | B8..B15 u/.
 * Sync-light direct compaction for order 9: the migrate scanner scans B0
 * whole without isolating anything and marks it (update_pageblock_skip
 * at the block's end); in B1 the first page it isolates is the block's
 * first pfn, which marks B1 too (test_and_set_skip); B1's 256 pages move
 * up into the u/. blocks and B1, freed whole, is captured for the
 * allocation.  The blocks above are never reached: unmarked.
 */
static void test_migrate_scanner_marks_blocks(void **state)
{
	struct machine *m = small_zone(1);
	struct zone *z = dz(m);
	unsigned long cap = 0;

	(void)state;
	grab_zone(m, z);
	layout(m, z, 1, true, odd);
	for (int i = 8; i < NBLOCKS; i++)
		layout(m, z, i, false, odd);
	drain_all_pages(m, NULL);
	assert_int_equal(compact(m, COMPACT_PRIO_SYNC_LIGHT, 9, &cap), COMPACT_SUCCESS);
	assert_true(get_pageblock_skip(m, blk(z, 0)));
	assert_true(get_pageblock_skip(m, blk(z, 1)));
	for (int i = 2; i < 8; i++)
		assert_false(get_pageblock_skip(m, blk(z, i)));
	assert_int_equal(ev(m, PGMIGRATE_SUCCESS), 256);
	assert_int_equal(cap, blk(z, 1));
	assert_false(PageBuddy(m, cap));
	t_check(m);
	machine_destroy(m);
}

/*
 *   B0 U | B1 .m (first page free) | B2..B7 U | B8..B15 u/.
 * As above, but B1's first isolated page is its second pfn:
 * test_and_set_skip marks only from a block's first pfn, and a block
 * something was isolated from is not marked at its end, so B1 stays
 * unmarked while B0 is marked.
 */
static void test_skip_only_from_first_pfn(void **state)
{
	struct machine *m = small_zone(1);
	struct zone *z = dz(m);

	(void)state;
	grab_zone(m, z);
	layout(m, z, 1, true, even);
	for (int i = 8; i < NBLOCKS; i++)
		layout(m, z, i, false, odd);
	drain_all_pages(m, NULL);
	assert_int_equal(compact(m, COMPACT_PRIO_SYNC_LIGHT, 9, NULL), COMPACT_SUCCESS);
	assert_true(get_pageblock_skip(m, blk(z, 0)));
	assert_false(get_pageblock_skip(m, blk(z, 1)));
	t_check(m);
	machine_destroy(m);
}

/*
 *   B0..B15: u/. with the first four pages of each eight free
 * Nothing can move: the migrate scanner marks every block it passes and
 * the scanners meet, COMPACT_PARTIAL_SKIPPED (the run did not start at
 * the zone's first block a reset chose), and compact_blockskip_flush is
 * set.  The next run passes every marked block: it scans nothing.  kswapd
 * going to sleep (__reset_isolation_suitable) walks the zone from both
 * ends at once and clears the flush flag and the hints of blocks where
 * its one-in-eight sample sees a page the scanner from that end could
 * use: from the bottom an LRU page (none here: B0..B7 stay marked), from
 * the top a free page (B8..B12 are cleared).
 */
static void test_hints_persist_until_kswapd_sleeps(void **state)
{
	struct machine *m = small_zone(1);
	struct zone *z = dz(m);
	unsigned long scanned;

	(void)state;
	grab_zone(m, z);
	for (int i = 0; i < NBLOCKS; i++)
		layout(m, z, i, false, first4of8);
	drain_all_pages(m, NULL);
	assert_int_equal(compact(m, COMPACT_PRIO_SYNC_LIGHT, 9, NULL), COMPACT_PARTIAL_SKIPPED);
	assert_true(z->compact_blockskip_flush);
	for (int i = 0; i < NBLOCKS - 1; i++)
		assert_true(get_pageblock_skip(m, blk(z, i)));
	scanned = ev(m, COMPACTMIGRATE_SCANNED);
	assert_true(scanned > 0);
	/* the failed sync run deferred the zone: not what this test is about */
	compaction_defer_reset(z, 9, true);
	assert_int_equal(compact(m, COMPACT_PRIO_SYNC_LIGHT, 9, NULL), COMPACT_PARTIAL_SKIPPED);
	assert_int_equal(ev(m, COMPACTMIGRATE_SCANNED), scanned);

	kswapd_run(m, 0);
	assert_false(z->compact_blockskip_flush);
	/* from the bottom only an LRU page clears a hint: none here */
	for (int i = 0; i < NBLOCKS / 2; i++)
		assert_true(get_pageblock_skip(m, blk(z, i)));
	/* from the top a free page does */
	for (int i = NBLOCKS / 2; i < NUSABLE; i++)
		assert_false(get_pageblock_skip(m, blk(z, i)));
	/*
	 * B13 starts with the first percpu chunk and ends free; B14 is all
	 * percpu: the sample sees nothing free or on the LRU there
	 */
	assert_false(get_pageblock_skip(m, blk(z, 13)));
	assert_true(get_pageblock_skip(m, blk(z, 14)));
	t_check(m);
	machine_destroy(m);
}

/*
 *   B0..B15: u/. (free pages at odd offsets only)
 * The same run, but kswapd's sample (offsets 0, 8, 16, ...) finds neither
 * an LRU page nor a free one in any block: it leaves every hint in
 * place (6.1 clears only what its sample shows may be scanned).
 */
static void test_reset_samples_one_page_in_eight(void **state)
{
	struct machine *m = small_zone(1);
	struct zone *z = dz(m);

	(void)state;
	grab_zone(m, z);
	for (int i = 0; i < NBLOCKS; i++)
		layout(m, z, i, false, odd);
	drain_all_pages(m, NULL);
	assert_int_equal(compact(m, COMPACT_PRIO_SYNC_LIGHT, 9, NULL), COMPACT_PARTIAL_SKIPPED);
	kswapd_run(m, 0);
	assert_false(z->compact_blockskip_flush);
	for (int i = 0; i < NBLOCKS - 1; i++)
		assert_true(get_pageblock_skip(m, blk(z, i)));
	t_check(m);
	machine_destroy(m);
}

/*
 *   B0..B15: u/. with the first four pages of each eight free
 * MIN_COMPACT_PRIORITY ignores the hints: after a sync-light run marked
 * every block, another sync-light run scans nothing, and a full-priority
 * run scans the zone again, over the whole zone (COMPACT_COMPLETE).
 */
static void test_min_priority_ignores_hints(void **state)
{
	struct machine *m = small_zone(1);
	struct zone *z = dz(m);
	unsigned long scanned;

	(void)state;
	grab_zone(m, z);
	for (int i = 0; i < NBLOCKS; i++)
		layout(m, z, i, false, first4of8);
	drain_all_pages(m, NULL);
	compact(m, COMPACT_PRIO_SYNC_LIGHT, 9, NULL);
	scanned = ev(m, COMPACTMIGRATE_SCANNED);
	compaction_defer_reset(z, 9, true);
	compact(m, COMPACT_PRIO_SYNC_LIGHT, 9, NULL);
	assert_int_equal(ev(m, COMPACTMIGRATE_SCANNED), scanned);
	assert_int_equal(compact(m, COMPACT_PRIO_SYNC_FULL, 9, NULL), COMPACT_COMPLETE);
	assert_int_equal(ev(m, COMPACTMIGRATE_SCANNED), 2 * scanned);
	t_check(m);
	machine_destroy(m);
}

/*
 *   B0..B15: u/. with the first four pages of each eight free; compaction deferred
 *   to the limit (defer_shift 6, considered 63)
 * compaction_restarting: the run let through after the longest deferral
 * clears the hints first (__reset_isolation_suitable), from both ends of
 * the zone at once: the lower half only for blocks whose sample shows an
 * LRU page (none here: B0 stays marked), the upper half for free pages
 * too (B12 is cleared).  With no source block found, the scanners are
 * left to meet in the middle: the run scans nothing.
 */
static void test_restart_after_longest_deferral_resets(void **state)
{
	struct machine *m = small_zone(1);
	struct zone *z = dz(m);
	unsigned long scanned;

	(void)state;
	grab_zone(m, z);
	for (int i = 0; i < NBLOCKS; i++)
		layout(m, z, i, false, first4of8);
	drain_all_pages(m, NULL);
	compact(m, COMPACT_PRIO_SYNC_LIGHT, 9, NULL);
	scanned = ev(m, COMPACTMIGRATE_SCANNED);
	assert_true(get_pageblock_skip(m, blk(z, 0)));
	assert_true(get_pageblock_skip(m, blk(z, 12)));
	z->compact_defer_shift = 6;
	z->compact_considered = 63;
	z->compact_order_failed = 9;
	assert_int_equal(compact(m, COMPACT_PRIO_SYNC_LIGHT, 9, NULL), COMPACT_PARTIAL_SKIPPED);
	assert_true(get_pageblock_skip(m, blk(z, 0)));
	assert_false(get_pageblock_skip(m, blk(z, 12)));
	assert_int_equal(ev(m, COMPACTMIGRATE_SCANNED), scanned);
	t_check(m);
	machine_destroy(m);
}

/* -------------------------------------------------------------------------
 * The free scanner
 */

/*
 *   B0 U | B1 m/. | B2..B5 u/. | B6..B11 U | B12 u/. | B13, B14 R | B15 u/.
 * The free pages of B12 were freed first, so they are at the tail of the
 * order-0 free list, then those of B2..B5 and B1, those of B15 at its
 * head.  fast_isolate_freepages
 * looks from the list tails for a page in the top quarter of the zone
 * left to scan (B12 is in it), so the first target is in B12; a linear
 * scan from the top would have taken B15's.
 */
static void test_fast_free_search_takes_from_list_tail(void **state)
{
	struct machine *m = small_zone(1);
	struct zone *z = dz(m);
	struct migrations *mg = calloc(1, sizeof(*mg));

	(void)state;
	grab_zone(m, z);
	mm_set_migrate_notify(m, note_migration, mg);
	layout(m, z, 12, false, odd);
	drain_all_pages(m, NULL);
	for (int i = 2; i < 6; i++)
		layout(m, z, i, false, odd);
	layout(m, z, 1, true, odd);
	drain_all_pages(m, NULL);
	layout(m, z, 15, false, odd);
	drain_all_pages(m, NULL);
	compact(m, COMPACT_PRIO_SYNC_LIGHT, 9, NULL);
	assert_true(mg->n > 0);
	assert_true(mg->new_pfn[0] >= blk(z, 12) && mg->new_pfn[0] < blk(z, 13));
	mm_set_migrate_notify(m, NULL, NULL);
	free(mg);
	t_check(m);
	machine_destroy(m);
}

/*
 *   B0 m/. | B1..B4 U | B5 m with a free o3 at offset 64 | B6..B7 U | B8..B15 u/.
 * fast_find_migrateblock: for a costly movable request the migrate
 * scanner starts at a block in the first half of the zone whose free
 * pages of order 3 or more are on the movable free lists, B5, before
 * B0, which a linear scan would take first; and B5 is marked.
 */
static void test_fast_migrate_search_starts_at_free_o3(void **state)
{
	struct machine *m = small_zone(1);
	struct zone *z = dz(m);
	struct migrations *mg = calloc(1, sizeof(*mg));

	(void)state;
	grab_zone(m, z);
	mm_set_migrate_notify(m, note_migration, mg);
	layout(m, z, 0, true, odd);
	layout(m, z, 5, true, NULL);
	for (int i = 0; i < 8; i++) {
		/* give the o3 back as one block */
		unsigned long p = blk(z, 5) + 64 + (unsigned long)i;

		mm_mark_movable_data(m, p, 0);
		set_page_mapping(m, p, 0);
		ClearPageLRU(m, p);
		__free_pages(m, p, 0);
	}
	for (int i = 8; i < NBLOCKS; i++)
		layout(m, z, i, false, odd);
	drain_all_pages(m, NULL);
	assert_int_equal(z->free_area[3].nr_free, 1);
	compact(m, COMPACT_PRIO_SYNC_LIGHT, 9, NULL);
	assert_true(mg->n > 0);
	assert_true(mg->old_pfn[0] >= blk(z, 5) && mg->old_pfn[0] < blk(z, 6));
	assert_true(get_pageblock_skip(m, blk(z, 5)));
	mm_set_migrate_notify(m, NULL, NULL);
	free(mg);
	t_check(m);
	machine_destroy(m);
}

/* -------------------------------------------------------------------------
 * Async direct compaction
 */

/*
 *   B0 U | B1: m/. with an unmovable page at offset 10 | B2..B7 U | B8..B15 u/.
 * Async direct compaction gives up an order-aligned block (here the
 * pageblock) at the first page it cannot isolate (skip_on_failure): the
 * pages of B1 it took before offset 10 go back, nothing migrates, and
 * B1, scanned to its end with nothing isolated, is marked.  So a
 * sync-light run after it migrates nothing either; only the full
 * priority, which ignores the hints, migrates B1's 255 movable pages.
 */
static void test_async_skips_block_on_failure(void **state)
{
	struct machine *m = small_zone(1);
	struct zone *z = dz(m);

	(void)state;
	grab_zone(m, z);
	layout(m, z, 1, true, odd);
	set_page_mapping(m, blk(z, 1) + 10, 0);	/* pinned: not user data */
	ClearPageLRU(m, blk(z, 1) + 10);
	for (int i = 8; i < NBLOCKS; i++)
		layout(m, z, i, false, odd);
	drain_all_pages(m, NULL);
	assert_int_not_equal(compact(m, COMPACT_PRIO_ASYNC, 9, NULL), COMPACT_SUCCESS);
	assert_int_equal(ev(m, PGMIGRATE_SUCCESS), 0);
	/* offsets 0..8 were taken and put back: not counted as isolated */
	assert_int_equal(ev(m, COMPACTISOLATED), 0);
	assert_true(get_pageblock_skip(m, blk(z, 1)));
	/* the sync-light run that follows passes the block the async one marked */
	assert_int_not_equal(compact(m, COMPACT_PRIO_SYNC_LIGHT, 9, NULL), COMPACT_SUCCESS);
	assert_int_equal(ev(m, PGMIGRATE_SUCCESS), 0);
	assert_int_not_equal(compact(m, COMPACT_PRIO_SYNC_FULL, 9, NULL), COMPACT_SUCCESS);
	assert_int_equal(ev(m, PGMIGRATE_SUCCESS), 255);
	t_check(m);
	machine_destroy(m);
}

/*
 *   B0 U | B1: m/. in offsets 0..63, U above | B2..B7 U | B8..B15 u/.
 * A direct compaction for order 4 always finishes the pageblock the
 * migrate scanner is in: after the first 16 pages of B1 are free (an
 * order-4 block, enough) it still migrates the other 24 movable pages of
 * offsets 16..63, and reports success only at B1's end.
 */
static bool low64_odd(unsigned long off)
{
	return off < 64 && (off & 1);
}

static void test_finishes_the_pageblock(void **state)
{
	struct machine *m = small_zone(1);
	struct zone *z = dz(m);

	(void)state;
	grab_zone(m, z);
	for (unsigned long off = 0; off < 64; off++)
		if (!(off & 1))
			mm_mark_movable_data(m, blk(z, 1) + off, 0);
	layout(m, z, 1, false, low64_odd);
	for (int i = 8; i < NBLOCKS; i++)
		layout(m, z, i, false, odd);
	drain_all_pages(m, NULL);
	assert_int_equal(compact(m, COMPACT_PRIO_ASYNC, 4, NULL), COMPACT_SUCCESS);
	assert_int_equal(ev(m, PGMIGRATE_SUCCESS), 32);
	t_check(m);
	machine_destroy(m);
}

/* -------------------------------------------------------------------------
 * Migration failures and the slow path
 */

/*
 *   B0 U | B1 m/. | B2..B7 U | B8..B12 u/. | R | R | B15 U
 * The min watermark is set at the zone's free pages (low at 0, so that
 * compaction_suitable lets the run start): __isolate_free_page refuses
 * every target.  The fast free search finds nothing in the top quarter,
 * so it moves the free scanner to the middle of the zone (B8, min_pfn)
 * and, failing there too, marks B8 (fast_isolate_around); the linear scan
 * goes down from B8, never seeing B9..B12, and meets the migrate
 * scanner.  migrate_pages fails the first page only (pgmigrate_fail 1,
 * not the 32 isolated), the pages go back to the LRU and the run ends
 * with the scanners met.
 */
static void test_no_target_fails_one_page(void **state)
{
	struct machine *m = small_zone(1);
	struct zone *z = dz(m);

	(void)state;
	grab_zone(m, z);
	layout(m, z, 1, true, odd);
	for (int i = 8; i < NUSABLE; i++)
		layout(m, z, i, false, odd);
	drain_all_pages(m, NULL);
	z->_watermark[WMARK_MIN] = (unsigned long)zone_page_state(z, NR_FREE_PAGES);
	assert_int_equal(compact(m, COMPACT_PRIO_SYNC_LIGHT, 9, NULL), COMPACT_PARTIAL_SKIPPED);
	assert_int_equal(ev(m, PGMIGRATE_SUCCESS), 0);
	assert_int_equal(ev(m, PGMIGRATE_FAIL), 1);
	assert_true(PageLRU(m, blk(z, 1)));
	assert_true(get_pageblock_skip(m, blk(z, 8)));
	assert_false(get_pageblock_skip(m, blk(z, 9)));
	t_check(m);
	machine_destroy(m);
}

/*
 *   B0..B15: u/. with the first four pages of each eight free (nothing can move)
 * A costly __GFP_RETRY_MAYFAIL allocation (a hugetlb pool page) with
 * nothing reclaimable: it wakes kswapd, which runs at the allocation's
 * first scheduling point (before its compaction): balance_pgdat cannot
 * balance order 9 (a failure), then kswapd sleeps, order 0 being
 * balanced.  Then async compaction, direct reclaim (no progress),
 * sync-light compaction, and it fails: two stalls, two failures, one
 * allocstall; the sync failure defers the zone, and the scanners met, so
 * kswapd's next sleep will clear the hints.  The retry woke kswapd again
 * (a second failure).  After 16 such runs the node is hopeless: kswapd is
 * no longer woken (node_unreclaimable).
 */
static void test_costly_retry_mayfail_slowpath(void **state)
{
	struct machine *m = small_zone(1);
	struct zone *z = dz(m);
	struct pglist_data *pgdat = &m->node[0];

	(void)state;
	grab_zone(m, z);
	for (int i = 0; i < NBLOCKS; i++)
		layout(m, z, i, false, first4of8);
	drain_all_pages(m, NULL);
	assert_int_equal(__alloc_pages(m, ANON_GFP, 9, 0), PFN_NONE);
	assert_int_equal(ev(m, COMPACTSTALL), 2);
	assert_int_equal(ev(m, COMPACTFAIL), 2);
	assert_int_equal(ev(m, ALLOCSTALL_DMA + ZONE_MOVABLE), 1);
	assert_int_equal(z->compact_defer_shift, 1);
	/* woken at the start and again at the retry: two runs */
	assert_int_equal(ev(m, PAGEOUTRUN), 2);
	assert_int_equal(pgdat->kswapd_failures, 2);
	assert_false(pgdat->kswapd_woken);
	assert_true(z->compact_blockskip_flush);
	/* the next one: kswapd runs and sleeps first, clearing the hints */
	assert_int_equal(__alloc_pages(m, ANON_GFP, 9, 0), PFN_NONE);
	assert_int_equal(ev(m, PAGEOUTRUN), 4);
	for (int i = 2; i < 8; i++)
		__alloc_pages(m, ANON_GFP, 9, 0);
	assert_int_equal(ev(m, PAGEOUTRUN), 16);
	assert_int_equal(pgdat->kswapd_failures, 16);
	__alloc_pages(m, ANON_GFP, 9, 0);
	mm_background_work(m);
	assert_int_equal(ev(m, PAGEOUTRUN), 16);
	t_check(m);
	machine_destroy(m);
}

/*
 *   B0..B15: u/. with the first four pages of each eight free, and 64
 *   more free pages sitting on CPU 1's per-cpu list
 * The same costly allocation from CPU 0.  Nothing is reclaimable, but the
 * zone is compaction_ready (its order-0 pages clear the high watermark
 * plus compact_gap and it is fragmented, not short of memory), so 6.1's
 * shrink_zones leaves it alone and do_try_to_free_pages reports one page
 * of progress so as not to OOM.  __alloc_pages_direct_reclaim then drains
 * every CPU's lists (drain_all_pages(NULL)) before sync-light compaction.
 * Without the room (high watermark raised past the free pages) reclaim
 * makes no progress and CPU 1's list stays full.
 */
static void test_direct_reclaim_progress_when_compaction_ready(void **state)
{
	for (int ready = 1; ready >= 0; ready--) {
		struct machine *m = small_zone(2);
		struct zone *z = dz(m);
		unsigned long held[64];

		(void)state;
		grab_zone(m, z);
		for (int i = 0; i < NBLOCKS; i++)
			layout(m, z, i, false, first4of8);
		drain_all_pages(m, NULL);
		/* 64 order-0 pages of B0's held half onto CPU 1's list */
		for (int i = 0; i < 64; i++)
			held[i] = blk(z, 0) + 4 + (unsigned long)(i / 4) * 8 + (unsigned long)(i % 4);
		m->cur_cpu = 1;
		for (int i = 0; i < 64; i++)
			__free_pages(m, held[i], 0);
		m->cur_cpu = 0;
		assert_int_equal(z->pcp[1].count, 64);
		if (!ready)
			z->_watermark[WMARK_HIGH] = zone_page_state(z, NR_FREE_PAGES);
		assert_int_equal(__alloc_pages(m, ANON_GFP, 9, 0), PFN_NONE);
		assert_int_equal(ev(m, ALLOCSTALL_DMA + ZONE_MOVABLE), 1);
		assert_int_equal(z->pcp[1].count, ready ? 0 : 64);
		t_check(m);
		machine_destroy(m);
	}
}

/*
 *   the whole zone held by the scenario: nothing free
 * An order-0 allocation fails and wakes kswapd (it runs at the direct
 * reclaim); with nothing free, order 0 is not balanced either, so kswapd
 * keeps failing until the node is hopeless (16 runs of balance_pgdat) and
 * only then sleeps.
 */
static void test_kswapd_gives_up_after_16_failures(void **state)
{
	struct machine *m = small_zone(1);
	struct zone *z = dz(m);

	(void)state;
	grab_zone(m, z);
	z->_watermark[WMARK_MIN] = 1;
	z->_watermark[WMARK_LOW] = 2;
	z->_watermark[WMARK_HIGH] = 3;
	assert_int_equal(__alloc_pages(m, GFP_KERNEL, 0, 0), PFN_NONE);
	assert_int_equal(ev(m, PAGEOUTRUN), 16);
	assert_int_equal(m->node[0].kswapd_failures, 16);
	t_check(m);
	machine_destroy(m);
}

/* -------------------------------------------------------------------------
 * Anonymous pages of processes
 */

/*
 * A process writes 8 MiB of anonymous memory (2048 pages, each with its
 * own content), then unmaps 16 KiB of every 32 KiB: half the pages are
 * free, in holes no larger than order 2.  compact_memory moves the
 * other half together: every remaining virtual page still reads its
 * content, through a PTE onto a page the rmap and the counters agree
 * about (t_check walks the page tables), and blocks of order 9 appear.
 */
static void test_compact_migrates_anon_pages(void **state)
{
	struct machine_opts o;
	struct machine *m;
	struct task *t;
	uint64_t *tags;
	long a;
	int err;

	(void)state;
	t_opts(&o, 1, 64, 1);
	o.thp_enabled = THP_NEVER;
	m = t_boot(&o);
	t = task_create(m, "p", &err);
	assert_non_null(t);
	a = ksys_mmap_pgoff(m, t, 0, MB(8), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
	assert_true(a > 0);
	tags = calloc(2048, sizeof(*tags));
	for (int i = 0; i < 2048; i++) {
		enum pt_level level;

		assert_int_equal(user_access(m, t->mm, (uint64_t)a + (uint64_t)i * PAGE_SIZE, true),
				 UA_OK);
		tags[i] = page_content(m, pte_pfn(pt_walk(m, t->mm, (uint64_t)a +
							       (uint64_t)i * PAGE_SIZE,
							       &level, NULL, NULL)));
	}
	for (int i = 0; i < 2048; i += 8)
		assert_int_equal(vm_munmap(m, t, (uint64_t)a + (uint64_t)i * PAGE_SIZE,
					   4 * PAGE_SIZE), 0);
	drain_all_pages(m, NULL);
	compact_node(m, 0);
	drain_all_pages(m, NULL);
	assert_true(ev(m, PGMIGRATE_SUCCESS) > 0);
	for (int i = 0; i < 2048; i++) {
		enum pt_level level;
		pteval_t e;

		if (i % 8 < 4)
			continue;
		e = pt_walk(m, t->mm, (uint64_t)a + (uint64_t)i * PAGE_SIZE, &level, NULL, NULL);
		assert_true(pte_present(e));
		assert_int_equal(page_content(m, pte_pfn(e)), tags[i]);
	}
	assert_true(t_nr_free(m, 0, ZONE_DMA32, 9) + t_nr_free(m, 0, ZONE_DMA32, 10) > 0);
	t_check(m);
	free(tags);
	machine_destroy(m);
}

/*
 * The same process, with one page pinned by an extra reference (a GUP pin):
 * 6.1's isolation leaves a page with more references than mappings where
 * it is, and so does the model.
 */
static void test_pinned_anon_page_stays(void **state)
{
	struct machine_opts o;
	struct machine *m;
	struct task *t;
	unsigned long pinned;
	enum pt_level level;
	long a;
	int err;

	(void)state;
	t_opts(&o, 1, 64, 1);
	o.thp_enabled = THP_NEVER;
	m = t_boot(&o);
	t = task_create(m, "p", &err);
	a = ksys_mmap_pgoff(m, t, 0, MB(8), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
	for (int i = 0; i < 2048; i++)
		assert_int_equal(user_access(m, t->mm, (uint64_t)a + (uint64_t)i * PAGE_SIZE, true),
				 UA_OK);
	for (int i = 0; i < 2048; i += 8)
		vm_munmap(m, t, (uint64_t)a + (uint64_t)i * PAGE_SIZE, 4 * PAGE_SIZE);
	pinned = pte_pfn(pt_walk(m, t->mm, (uint64_t)a + 4 * PAGE_SIZE, &level, NULL, NULL));
	get_page(m, pinned);
	drain_all_pages(m, NULL);
	compact_node(m, 0);
	assert_true(ev(m, PGMIGRATE_SUCCESS) > 0);
	assert_int_equal(pte_pfn(pt_walk(m, t->mm, (uint64_t)a + 4 * PAGE_SIZE, &level, NULL,
					 NULL)), pinned);
	put_page(m, pinned);
	t_check(m);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrate_scanner_marks_blocks),
		cmocka_unit_test(test_skip_only_from_first_pfn),
		cmocka_unit_test(test_hints_persist_until_kswapd_sleeps),
		cmocka_unit_test(test_reset_samples_one_page_in_eight),
		cmocka_unit_test(test_min_priority_ignores_hints),
		cmocka_unit_test(test_restart_after_longest_deferral_resets),
		cmocka_unit_test(test_fast_free_search_takes_from_list_tail),
		cmocka_unit_test(test_fast_migrate_search_starts_at_free_o3),
		cmocka_unit_test(test_async_skips_block_on_failure),
		cmocka_unit_test(test_finishes_the_pageblock),
		cmocka_unit_test(test_no_target_fails_one_page),
		cmocka_unit_test(test_costly_retry_mayfail_slowpath),
		cmocka_unit_test(test_direct_reclaim_progress_when_compaction_ready),
		cmocka_unit_test(test_kswapd_gives_up_after_16_failures),
		cmocka_unit_test(test_compact_migrates_anon_pages),
		cmocka_unit_test(test_pinned_anon_page_stays),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
