// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_compaction612.c - direct compaction as Debian's 6.12 runs it
 * (machine ... version=6.12), one rule 6.12 changed per test; each test
 * fails when the machine runs 6.1's compaction.  docs/model-notes.md
 * names the upstream change behind each.
 *
 * Machines as in test_compaction.c: one node, one zone (DMA32) of 16
 * pageblocks at [16M, 48M), watermarks at zero, every page taken first
 * (grab_zone) and then laid out block by block.  Pictures show the
 * pageblocks B0..B15 from the bottom of the zone: "U" a block held whole
 * by unmovable pages, "m/." movable pages with free ones between them,
 * "u/." unmovable ones with free ones between them.  Boot keeps parts of
 * B13..B15 reserved ("R").
 */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "check.h"
#include "compaction.h"
#include "huge_memory.h"
#include "migrate.h"
#include "mmzone.h"
#include "vm_event_item.h"

#define MB(x)		((unsigned long)(x) << 20)
#define NBLOCKS		16

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

static bool in_blk(struct zone *z, unsigned long pfn, int i)
{
	return pfn >= blk(z, i) && pfn < blk(z, i + 1);
}

/* One node of NBLOCKS pageblocks at [16M, 48M), 6.12, no watermarks */
static struct machine *small_zone612(void)
{
	struct machine_opts o;
	struct machine *m;
	struct zone *z;

	t_opts(&o, 1, 2 * NBLOCKS, 1);
	o.nr_holes = 1;
	o.hole[0] = (struct hole_desc){ 0, MB(16), false };
	o.thp_enabled = THP_NEVER;
	o.kver = MM_KVER(6, 12);
	m = t_boot(&o);
	z = dz(m);
	for (int w = 0; w < NR_WMARK; w++)
		z->_watermark[w] = 0;
	z->watermark_boost = 0;
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

/* Block i: offsets where is_free says so go back, the rest stay held */
static void layout(struct machine *m, struct zone *z, int i, bool movable,
		   bool (*is_free)(unsigned long off))
{
	unsigned long b = blk(z, i);

	for (unsigned long off = 0; off < pageblock_nr_pages; off++) {
		if (PageReserved(m, b + off) || page_ref_count(m, b + off) != 1)
			continue;
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

static bool first4of8(unsigned long off)
{
	return (off & 7) < 4;
}

static bool three_of_four(unsigned long off)
{
	return off & 3;
}

static bool o3_at_0_and_16(unsigned long off)
{
	return off < 8 || (off >= 16 && off < 24);
}

struct migrations {
	int n;
	unsigned long old_pfn[2048], new_pfn[2048];
	unsigned int order[2048];
};

static void note_migration(void *priv, unsigned long old_pfn, unsigned long new_pfn,
			   unsigned int order)
{
	struct migrations *mg = priv;

	if (mg->n < 2048) {
		mg->old_pfn[mg->n] = old_pfn;
		mg->new_pfn[mg->n] = new_pfn;
		mg->order[mg->n] = order;
	}
	mg->n++;
}

static enum compact_result compact(struct machine *m, enum compact_priority prio,
				   unsigned int order, unsigned long *capture)
{
	return try_to_compact_pages(m, GFP_HIGHUSER_MOVABLE, order, 0, ALLOC_WMARK_MIN, prio,
				    capture);
}

/*
 *   B0 U | B1 m/. | B2, B3 U | B4..B11 u/. | B12: free o3 blocks at offsets 0
 *   and 16, U around | B13..B15 U
 * 6.12 keeps isolated free blocks whole (cc->freepages[order]) and splits
 * one only for a target: the first target is the first page of a free o3
 * block and the second the page after it, where 6.1's split lists hand
 * out the last page of the last block first and go down from there.
 */
static void test_targets_from_whole_blocks_ascending(void **state)
{
	struct machine *m = small_zone612();
	struct zone *z = dz(m);
	struct migrations *mg = calloc(1, sizeof(*mg));

	(void)state;
	grab_zone(m, z);
	mm_set_migrate_notify(m, note_migration, mg);
	layout(m, z, 1, true, odd);
	for (int i = 4; i < 12; i++)
		layout(m, z, i, false, odd);
	layout(m, z, 12, false, o3_at_0_and_16);
	drain_all_pages(m, NULL);
	assert_int_equal(t_nr_free(m, 0, ZONE_DMA32, 3), 2);
	compact(m, COMPACT_PRIO_SYNC_LIGHT, 9, NULL);
	assert_true(mg->n >= 2);
	assert_true(in_blk(z, mg->new_pfn[0], 12));
	assert_int_equal((mg->new_pfn[0] - blk(z, 12)) & 7, 0);
	assert_int_equal(mg->new_pfn[1], mg->new_pfn[0] + 1);
	mm_set_migrate_notify(m, NULL, NULL);
	free(mg);
	t_check(m);
	machine_destroy(m);
}

/*
 *   B0 U | B1: an o2 movable folio at offset 0, the rest free | B2..B7 U |
 *   B8..B15 u/. with the first four pages of each eight free (o2 blocks)
 * 6.12 migrates a large folio smaller than the order compaction is for
 * (skip_isolation_on_order) into a target of its own order: the folio
 * moves whole (four pages counted migrated), B1 comes free and is
 * captured; 6.1 skips compound pages and cannot free B1.  (The run goes
 * on after the capture, which happens in the drain, and may move the
 * folio again from a target the fast free search took low in the zone.)
 */
static void test_small_folio_migrated_whole(void **state)
{
	struct machine *m = small_zone612();
	struct zone *z = dz(m);
	struct migrations *mg = calloc(1, sizeof(*mg));
	unsigned long b1, cap = PFN_NONE;

	(void)state;
	grab_zone(m, z);
	mm_set_migrate_notify(m, note_migration, mg);
	b1 = blk(z, 1);
	for (unsigned long i = 1; i < 4; i++)
		set_page_count(m, b1 + i, 0);
	prep_compound_page(m, b1, 2);
	assert_true(mm_mark_movable_data(m, b1, 2));
	for (unsigned long off = 4; off < pageblock_nr_pages; off++)
		__free_pages(m, b1 + off, 0);
	for (int i = 8; i < NBLOCKS; i++)
		layout(m, z, i, false, first4of8);
	drain_all_pages(m, NULL);
	assert_int_equal(compact(m, COMPACT_PRIO_SYNC_LIGHT, 9, &cap), COMPACT_SUCCESS);
	assert_true(mg->n >= 1);
	assert_int_equal(mg->old_pfn[0], b1);
	for (int i = 0; i < mg->n; i++)
		assert_int_equal(mg->order[i], 2);
	assert_true(PageHead(m, mg->new_pfn[mg->n - 1]));
	assert_int_equal(compound_order(m, mg->new_pfn[mg->n - 1]), 2);
	assert_int_equal(ev(m, PGMIGRATE_SUCCESS), 4UL * (unsigned long)mg->n);
	assert_int_equal(cap, b1);
	mm_set_migrate_notify(m, NULL, NULL);
	free(mg);
	t_check(m);
	machine_destroy(m);
}

/*
 *   B0 U | B1 .m (first page free) | B2..B7 U | B8..B15 u/.
 * 6.12 marks a block at the first page it isolates wherever that page
 * is (test_and_set_skip on the block's first page scanned): B1 ends
 * marked, where 6.1 marks only from a block's first pfn and leaves B1
 * unmarked.
 */
static void test_first_isolation_marks_block(void **state)
{
	struct machine *m = small_zone612();
	struct zone *z = dz(m);

	(void)state;
	grab_zone(m, z);
	layout(m, z, 1, true, even);
	for (int i = 8; i < NBLOCKS; i++)
		layout(m, z, i, false, odd);
	drain_all_pages(m, NULL);
	assert_int_equal(compact(m, COMPACT_PRIO_SYNC_LIGHT, 9, NULL), COMPACT_SUCCESS);
	assert_true(get_pageblock_skip(m, blk(z, 0)));
	assert_true(get_pageblock_skip(m, blk(z, 1)));
	t_check(m);
	machine_destroy(m);
}

/*
 *   B0 m/. | B1..B4 U | B5 m with a free o3 at offset 64 | B6..B7 U | B8..B15 u/.
 * fast_find_migrateblock picks B5 and, in 6.12, leaves its hint alone,
 * so the scan of B5 starts at its first page: the first page migrated
 * is among offsets 0..63.  6.1 marks B5 first, the block scan then
 * refuses the marked block and the migrate scanner comes back at the
 * free o3 (offset 64) instead.
 */
static void test_fast_migrate_block_scanned_from_start(void **state)
{
	struct machine *m = small_zone612();
	struct zone *z = dz(m);
	struct migrations *mg = calloc(1, sizeof(*mg));

	(void)state;
	grab_zone(m, z);
	mm_set_migrate_notify(m, note_migration, mg);
	layout(m, z, 0, true, odd);
	layout(m, z, 5, true, NULL);
	for (int i = 0; i < 8; i++) {
		unsigned long p = blk(z, 5) + 64 + (unsigned long)i;

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
	assert_true(mg->old_pfn[0] >= blk(z, 5) && mg->old_pfn[0] < blk(z, 5) + 64);
	mm_set_migrate_notify(m, NULL, NULL);
	free(mg);
	t_check(m);
	machine_destroy(m);
}

/*
 *   B0..B2 U, unmovable pageblocks | B3 m (all 512 pages movable) | B4..B7 U |
 *   B8..B15 u with the first four pages of each eight free
 * Async compaction passes B0..B2 (not movable blocks) and isolates 32
 * pages of B3.  6.12 records B3 as the block last migrated from
 * (last_migrated_pfn from where isolation stopped), so the next batch
 * finishes B3: its first page migrated is B3's last.  6.1 records the
 * iteration's start, B0, and takes another 32 (offsets 32..63).
 */
static void test_next_batch_finishes_the_block(void **state)
{
	struct machine *m = small_zone612();
	struct zone *z = dz(m);
	struct migrations *mg = calloc(1, sizeof(*mg));

	(void)state;
	grab_zone(m, z);
	mm_set_migrate_notify(m, note_migration, mg);
	for (int i = 0; i < 3; i++)
		set_pfnblock_migratetype(z, blk(z, i), MIGRATE_UNMOVABLE);
	layout(m, z, 3, true, NULL);
	for (int i = 8; i < NBLOCKS; i++)
		layout(m, z, i, false, first4of8);
	drain_all_pages(m, NULL);
	compact(m, COMPACT_PRIO_ASYNC, 9, NULL);
	assert_true(mg->n > 32);
	assert_int_equal(mg->old_pfn[0], blk(z, 3) + 31);
	assert_int_equal(mg->old_pfn[32], blk(z, 3) + pageblock_nr_pages - 1);
	mm_set_migrate_notify(m, NULL, NULL);
	free(mg);
	t_check(m);
	machine_destroy(m);
}

/*
 *   B0 U | B1: movable offsets 0..3, U above | B2..B15 u/. (order-0 holes only)
 * Compaction for a movable order-2 page: the four pages of B1 move, come
 * free and merge into an o2 block in a movable pageblock.  6.12 lets a
 * compactor that wants movable pages capture it (compaction_capture);
 * 6.1 never captures a movable block smaller than a pageblock, and the
 * block goes to the free lists.
 */
static bool from4(unsigned long off)
{
	(void)off;
	return false;
}

static void test_capture_small_movable_block(void **state)
{
	struct machine *m = small_zone612();
	struct zone *z = dz(m);
	unsigned long cap = PFN_NONE;

	(void)state;
	grab_zone(m, z);
	for (unsigned long off = 0; off < 4; off++)
		mm_mark_movable_data(m, blk(z, 1) + off, 0);
	layout(m, z, 1, false, from4);
	for (int i = 2; i < NBLOCKS; i++)
		layout(m, z, i, false, odd);
	drain_all_pages(m, NULL);
	assert_int_equal(compact(m, COMPACT_PRIO_SYNC_LIGHT, 2, &cap), COMPACT_SUCCESS);
	assert_int_equal(cap, blk(z, 1));
	assert_false(PageBuddy(m, cap));
	t_check(m);
	machine_destroy(m);
}

/*
 *   B0 U | B1 m/. | B2..B5 u, three pages of four free | B6 u, the first four
 *   of each eight free | B7 U | B8 u/., an unmovable pageblock | B9..B15 U
 * The fast free search finds nothing in the top of the zone and, for a
 * direct compaction, falls back to the block at min_pfn (B8).  6.12
 * takes it only if it is a suitable target block, and B8 is not
 * movable: the targets come from the linear scan down from B8 (B6, then
 * B5; B6's o2 holes because the stride is 2 after B7 gave nothing) and
 * none from B8.  6.1 takes B8's free pages first.
 */
static void test_fast_free_fallback_needs_suitable_block(void **state)
{
	struct machine *m = small_zone612();
	struct zone *z = dz(m);
	struct migrations *mg = calloc(1, sizeof(*mg));

	(void)state;
	grab_zone(m, z);
	mm_set_migrate_notify(m, note_migration, mg);
	layout(m, z, 1, true, odd);
	for (int i = 2; i < 6; i++)
		layout(m, z, i, false, three_of_four);
	layout(m, z, 6, false, first4of8);
	set_pfnblock_migratetype(z, blk(z, 8), MIGRATE_UNMOVABLE);
	layout(m, z, 8, false, odd);
	drain_all_pages(m, NULL);
	compact(m, COMPACT_PRIO_SYNC_LIGHT, 9, NULL);
	assert_true(mg->n > 0);
	assert_true(mg->new_pfn[0] >= blk(z, 2) && mg->new_pfn[0] < blk(z, 7));
	for (int i = 0; i < mg->n && i < 2048; i++)
		assert_false(in_blk(z, mg->new_pfn[i], 8));
	mm_set_migrate_notify(m, NULL, NULL);
	free(mg);
	t_check(m);
	machine_destroy(m);
}

/*
 *   B0 U | B1 u with the first four pages of each eight free (o2 holes) |
 *   B2..B15 U
 * compact_memory with nothing to move: the migrate scanner walks B0..B14
 * (up to the free scanner, which never moves) and passes each free o2
 * block at once.  6.12 counts its four pages scanned, so
 * compact_migrate_scanned is every pfn of the fifteen blocks; 6.1
 * counts one per free block, 192 fewer.
 */
static void test_free_blocks_count_scanned(void **state)
{
	struct machine *m = small_zone612();
	struct zone *z = dz(m);

	(void)state;
	grab_zone(m, z);
	layout(m, z, 1, false, first4of8);
	drain_all_pages(m, NULL);
	assert_int_equal(t_nr_free(m, 0, ZONE_DMA32, 2), pageblock_nr_pages / 8);
	compact_node(m, 0);
	assert_int_equal(ev(m, PGMIGRATE_SUCCESS), 0);
	assert_int_equal(ev(m, COMPACTMIGRATE_SCANNED), 15 * pageblock_nr_pages);
	t_check(m);
	machine_destroy(m);
}

/* A 6.12 run no longer says compaction is modelled as 6.1's */
static void test_no_compaction_warning(void **state)
{
	struct machine *m = small_zone612();
	struct zone *z = dz(m);
	char buf[256];

	(void)state;
	grab_zone(m, z);
	layout(m, z, 1, true, odd);
	for (int i = 8; i < NBLOCKS; i++)
		layout(m, z, i, false, odd);
	drain_all_pages(m, NULL);
	compact(m, COMPACT_PRIO_SYNC_LIGHT, 9, NULL);
	assert_true(ev(m, PGMIGRATE_SUCCESS) > 0);
	/* no rule at all was left to 6.1's code on the way */
	assert_null(mm_kver_take_warning(m, buf, sizeof(buf)));
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets_from_whole_blocks_ascending),
		cmocka_unit_test(test_small_folio_migrated_whole),
		cmocka_unit_test(test_first_isolation_marks_block),
		cmocka_unit_test(test_fast_migrate_block_scanned_from_start),
		cmocka_unit_test(test_next_batch_finishes_the_block),
		cmocka_unit_test(test_capture_small_movable_block),
		cmocka_unit_test(test_fast_free_fallback_needs_suitable_block),
		cmocka_unit_test(test_free_blocks_count_scanned),
		cmocka_unit_test(test_no_compaction_warning),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
