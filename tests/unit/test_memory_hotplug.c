// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_memory_hotplug.c - memory blocks, online_pages and offline_pages,
 * hot-add and hot-remove of blocks (model/memory_hotplug.c,
 * model/page_isolation.c, on model/sparse.c).
 *
 * Most tests use a 1 GiB node without holes (testlib's t_opts): 128 MiB
 * blocks memory0..memory7; memory0 holds ZONE_DMA and the start of
 * ZONE_DMA32, memory7 the memmap and the other boot allocations (top-down),
 * so memory1..memory6 are free DMA32 memory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hugetlb.h"
#include "hugetlb_vmemmap.h"
#include "memory_hotplug.h"
#include "migrate.h"
#include "module.h"
#include "sbuf.h"
#include "sparse.h"
#include "testlib.h"
#include "vmstat.h"

#define MEM	"/sys/devices/system/memory/"
#define BLOCK_PAGES	((128UL << 20) >> PAGE_SHIFT)

/* ---- helpers --------------------------------------------------------------- */

/* Blocks the test holds, as the scenario runner holds its allocations */
struct held {
	unsigned long pfn[4096];
	unsigned int order[4096];
	int n;
};

static void held_iter(void *priv, void (*cb)(void *cbpriv, unsigned long pfn, unsigned int order),
		      void *cbpriv)
{
	struct held *h = priv;

	for (int i = 0; i < h->n; i++)
		cb(cbpriv, h->pfn[i], h->order[i]);
}

static void held_migrated(void *priv, unsigned long old_pfn, unsigned long new_pfn,
			  unsigned int order)
{
	struct held *h = priv;

	(void)order;
	for (int i = 0; i < h->n; i++)
		if (h->pfn[i] == old_pfn)
			h->pfn[i] = new_pfn;
}

static void hold(struct machine *m, struct held *h)
{
	m->inuse_iter = held_iter;
	m->inuse_priv = h;
	mm_set_migrate_notify(m, held_migrated, h);
}

/* An order-0 page at exactly pfn, held; movable user data or pinned kernel memory */
static void place_page(struct machine *m, struct held *h, unsigned long pfn, bool movable)
{
	assert_int_equal(alloc_contig_range(m, pfn, pfn + 1, MIGRATE_MOVABLE, GFP_KERNEL), 0);
	if (movable)
		assert_true(mm_mark_movable_data(m, pfn, 0));
	h->pfn[h->n] = pfn;
	h->order[h->n++] = 0;
}

/* A compound movable block (a THP) of this order at pfn, held */
static void place_compound(struct machine *m, struct held *h, unsigned long pfn, unsigned int order)
{
	assert_int_equal(alloc_contig_range(m, pfn, pfn + (1UL << order), MIGRATE_MOVABLE,
					    GFP_KERNEL), 0);
	for (unsigned long i = 1; i < 1UL << order; i++)
		set_page_count(m, pfn + i, 0);
	prep_compound_page(m, pfn, order);
	assert_true(mm_mark_movable_data(m, pfn, order));
	h->pfn[h->n] = pfn;
	h->order[h->n++] = order;
}

static char *read_file(struct machine *m, const char *path)
{
	struct sbuf sb;

	sb_init(&sb);
	if (!mm_show_file(m, path, &sb))
		fail_msg("%s: not readable", path);
	return sb_steal(&sb);
}

static void assert_file(struct machine *m, const char *path, const char *want)
{
	char *got = read_file(m, path);

	assert_string_equal(got, want);
	free(got);
}

static int write_file(struct machine *m, const char *path, const char *val, char *err,
		      size_t errlen)
{
	return mm_store_file(m, path, val, err, errlen);
}

static int set_block(struct machine *m, unsigned long id, const char *state)
{
	char path[96], err[512];

	snprintf(path, sizeof(path), MEM "memory%lu/state", id);
	return write_file(m, path, state, err, sizeof(err));
}

static unsigned long block_pfn(unsigned long id)
{
	return id * BLOCK_PAGES;
}

static long counter(struct machine *m, const char *name)
{
	long v = -1;

	assert_true(counter_read(m, name, &v));
	return v;
}

/* What a block round trip must give back, zone by zone */
struct zone_snap {
	unsigned long start, spanned, present, managed, wmark[NR_WMARK];
	long free;
	int pcp_high, pcp_batch;
	unsigned long nr_free[MAX_ORDER];
};

static void snap_zone(struct machine *m, struct zone *z, struct zone_snap *s)
{
	memset(s, 0, sizeof(*s));
	s->start = z->zone_start_pfn;
	s->spanned = z->spanned_pages;
	s->present = z->present_pages;
	s->managed = z->managed_pages;
	memcpy(s->wmark, z->_watermark, sizeof(s->wmark));
	s->free = z->vm_stat[NR_FREE_PAGES];
	s->pcp_high = z->pcp ? z->pcp[0].high : -1;
	s->pcp_batch = z->pcp ? z->pcp[0].batch : -1;
	for (int o = 0; o < MAX_ORDER; o++)
		s->nr_free[o] = z->free_area[o].nr_free;
	(void)m;
}

/* The zone's memory and lists; with marks, its watermarks and per-cpu high too */
static void assert_zone_snap_equal(const struct zone_snap *a, const struct zone_snap *b,
				   bool marks)
{
	assert_int_equal(a->start, b->start);
	assert_int_equal(a->spanned, b->spanned);
	assert_int_equal(a->present, b->present);
	assert_int_equal(a->managed, b->managed);
	if (marks) {
		assert_memory_equal(a->wmark, b->wmark, sizeof(a->wmark));
		assert_int_equal(a->pcp_high, b->pcp_high);
	}
	assert_int_equal(a->free, b->free);
	assert_int_equal(a->pcp_batch, b->pcp_batch);
	assert_memory_equal(a->nr_free, b->nr_free, sizeof(a->nr_free));
}

/* calculate_min_free_kbytes: 4 * sqrt(lowmem in kB), lowmem the pages above the high marks */
static unsigned long min_free_kbytes_from(struct machine *m, const unsigned long *high)
{
	unsigned long lowmem = 0, kb, r = 0;

	for (int zi = 0; zi <= ZONE_NORMAL; zi++) {
		struct zone *z = zone_of(m, 0, zi);

		if (z->managed_pages > high[zi])
			lowmem += z->managed_pages - high[zi];
	}
	kb = lowmem * (PAGE_SIZE >> 10) * 16;
	while ((r + 1) * (r + 1) <= kb)
		r++;
	return r < 128 ? 128 : r;
}

static void high_marks(struct machine *m, unsigned long *high)
{
	for (int zi = 0; zi <= ZONE_NORMAL; zi++)
		high[zi] = high_wmark_pages(zone_of(m, 0, zi));
}

/* ---- the block devices ------------------------------------------------------ */

/*
 *   | memory0 | memory1 ... memory6 | memory7 |
 *   | DMA+DMA32 | DMA32, free       | DMA32, boot allocations |
 * A 1 GiB machine has eight 128 MiB blocks, all online; memory0 spans two
 * zones, so its valid_zones is "none", the others "DMA32".
 */
static void test_blocks_at_boot(void **state)
{
	struct machine *m = t_machine(1, 1024, 2);

	(void)state;
	assert_file(m, MEM "block_size_bytes", "8000000\n");
	assert_file(m, MEM "auto_online_blocks", "offline\n");
	assert_int_equal(counter(m, "hotplug.blocks"), 8);
	assert_int_equal(counter(m, "hotplug.blocks_online"), 8);
	assert_file(m, MEM "memory0/valid_zones", "none\n");
	assert_file(m, MEM "memory3/valid_zones", "DMA32\n");
	assert_file(m, MEM "memory3/state", "online\n");
	assert_file(m, MEM "memory3/online", "1\n");
	assert_file(m, MEM "memory3/phys_index", "00000003\n");
	assert_file(m, MEM "memory3/removable", "1\n");
	assert_file(m, MEM "memory3/phys_device", "0\n");
	assert_file(m, "/sys/module/memory_hotplug/parameters/online_policy", "contig-zones\n");
	assert_file(m, "/sys/module/memory_hotplug/parameters/auto_movable_ratio", "301\n");
	assert_false(mm_show_file(m, MEM "memory8/state", &(struct sbuf){ 0 }));
	t_check(m);
	machine_destroy(m);
}

/*
 * x86's probe_memory_block_size in a guest: 128 MiB below 64 GiB, above
 * the largest of 2 GiB ... 256 MiB that the end of memory is aligned to.
 */
static void test_block_size_probe(void **state)
{
	static const struct { unsigned long mb; const char *bs; } cases[] = {
		{ 63 * 1024, "8000000\n" },		/* below 64 GiB */
		{ 64 * 1024, "80000000\n" },		/* 64 GiB: 2 GiB aligned */
		{ 64 * 1024 + 512, "20000000\n" },	/* 512 MiB aligned */
		{ 64 * 1024 + 128, "8000000\n" },	/* only 128 MiB */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct machine *m = t_machine(1, cases[i].mb, 1);

		assert_file(m, MEM "block_size_bytes", cases[i].bs);
		machine_destroy(m);
	}
}

/*
 * Two nodes of 1 GiB + 64 MiB: memory8 holds the last 64 MiB of node 0
 * and the first 64 MiB of node 1, so it has no zone and cannot go offline.
 */
static void test_block_spanning_nodes(void **state)
{
	struct machine *m = t_machine(2, 1024 + 64, 2);
	char err[512];

	(void)state;
	assert_file(m, MEM "memory8/valid_zones", "none\n");
	assert_file(m, MEM "memory9/valid_zones", "DMA32\n");
	assert_int_equal(write_file(m, MEM "memory8/state", "offline", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "spans several zones or nodes"));
	assert_file(m, MEM "memory8/state", "online\n");
	t_check(m);
	machine_destroy(m);
}

/* ---- offline and online ----------------------------------------------------- */

/*
 *   | memory0 | 1 | 2 | memory3 | 4 | 5 | 6 | 7 |
 *                      ^ free: offline, then online again
 * Offlining takes the block's 32 order-10 blocks out of DMA32 (present,
 * managed and free pages drop by 32768, the span stays: memory3 is in
 * the middle); onlining gives the memory and the free lists back as they
 * were.  min_free_kbytes is recomputed each time from the pages above
 * the high marks then in force, as 6.1's calculate_min_free_kbytes does:
 * at boot the marks were still 0, so after the round trip it is a little
 * lower than at boot.
 */
static void test_offline_online_free_block(void **state)
{
	struct machine *m = t_machine(1, 1024, 2);
	struct zone *dma32 = zone_of(m, 0, ZONE_DMA32);
	struct zone_snap boot, now;
	unsigned long pfn = block_pfn(3), high[ZONE_NORMAL + 1];

	(void)state;
	drain_all_pages(m, NULL);
	snap_zone(m, dma32, &boot);
	high_marks(m, high);
	assert_int_equal(set_block(m, 3, "offline"), 0);
	assert_int_equal(m->min_free_kbytes, min_free_kbytes_from(m, high));
	assert_file(m, MEM "memory3/state", "offline\n");
	assert_file(m, MEM "memory3/online", "0\n");
	assert_file(m, MEM "memory3/valid_zones", "DMA32 Movable\n");
	assert_int_equal(dma32->present_pages, boot.present - BLOCK_PAGES);
	assert_int_equal(dma32->managed_pages, boot.managed - BLOCK_PAGES);
	assert_int_equal(dma32->vm_stat[NR_FREE_PAGES], boot.free - (long)BLOCK_PAGES);
	assert_int_equal(dma32->free_area[MAX_ORDER - 1].nr_free,
			 boot.nr_free[MAX_ORDER - 1] - BLOCK_PAGES / MAX_ORDER_NR_PAGES);
	assert_int_equal(dma32->spanned_pages, boot.spanned);
	assert_false(pfn_is_online(m, pfn));
	assert_false(pfn_is_online(m, pfn + BLOCK_PAGES - 1));
	assert_true(pfn_is_online(m, pfn - 1));
	assert_true(dma32->_watermark[WMARK_MIN] < boot.wmark[WMARK_MIN]);
	/* the memmap stays as the buddy left it: no poison without CONFIG_DEBUG_VM */
	assert_int_equal(page_ref_count(m, pfn), 0);
	assert_false(PageBuddy(m, pfn));
	assert_false(PageReserved(m, pfn));
	assert_int_equal(page_zonenum(m, pfn), ZONE_DMA32);
	assert_int_equal(counter(m, "hotplug.offline"), 1);
	assert_int_equal(counter(m, "hotplug.blocks_offline"), 1);
	t_check(m);

	high_marks(m, high);
	assert_int_equal(set_block(m, 3, "online"), 0);
	assert_file(m, MEM "memory3/valid_zones", "DMA32\n");
	assert_true(pfn_is_online(m, pfn));
	snap_zone(m, dma32, &now);
	assert_zone_snap_equal(&now, &boot, false);
	assert_int_equal(m->min_free_kbytes, min_free_kbytes_from(m, high));
	assert_true(dma32->_watermark[WMARK_MIN] < boot.wmark[WMARK_MIN]);
	assert_int_equal(counter(m, "hotplug.online"), 1);
	t_check(m);
	machine_destroy(m);
}

/*
 *   | ... | memory3: M . . M . [THP] . . M . . | ... |
 * Three movable pages and a compound movable block in memory3: offlining
 * migrates them out (PGMIGRATE_SUCCESS, the holder follows them), and the
 * block goes offline with nothing of the data left in it.
 */
static void test_offline_migrates_movable(void **state)
{
	struct machine *m = t_machine(1, 1024, 2);
	unsigned long base = block_pfn(3);
	struct held h = { .n = 0 };

	(void)state;
	hold(m, &h);
	place_page(m, &h, base, true);
	place_page(m, &h, base + 777, true);
	place_page(m, &h, base + BLOCK_PAGES - MAX_ORDER_NR_PAGES, true);
	place_compound(m, &h, base + 4 * pageblock_nr_pages, pageblock_order);
	drain_all_pages(m, NULL);
	t_check(m);

	assert_int_equal(set_block(m, 3, "offline"), 0);
	/* 6.1's migrate_pages counts the THP's pages, not the THP */
	assert_int_equal(m->vm_events[PGMIGRATE_SUCCESS], 3 + pageblock_nr_pages);
	assert_int_equal(counter(m, "hotplug.offline_migrated"), 3 + pageblock_nr_pages);
	for (int i = 0; i < h.n; i++) {
		assert_true(h.pfn[i] < base || h.pfn[i] >= base + BLOCK_PAGES);
		assert_true(is_movable_data(m, h.pfn[i]));
	}
	assert_true(PageHead(m, h.pfn[3]));
	assert_int_equal(compound_order(m, h.pfn[3]), pageblock_order);
	t_check(m);
	for (int i = 0; i < h.n; i++)
		__free_pages(m, h.pfn[i], h.order[i]);
	h.n = 0;
	t_check(m);
	machine_destroy(m);
}

/*
 *   | ... | memory3: . . . U . . . | ... |
 *                         ^ an unmovable (kernel) page
 * has_unmovable_pages refuses to isolate its pageblock: EBUSY naming the
 * page, and nothing changed (free lists, counters, pageblock types, the
 * block's state).
 */
static void test_offline_unmovable_is_busy(void **state)
{
	struct machine *m = t_machine(1, 1024, 2);
	struct zone *dma32 = zone_of(m, 0, ZONE_DMA32);
	unsigned long base = block_pfn(3), bad = base + 2 * pageblock_nr_pages + 5;
	struct held h = { .n = 0 };
	struct zone_snap before, after;
	char err[512], want[64];
	uint8_t mt_before[BLOCK_PAGES / pageblock_nr_pages];

	(void)state;
	hold(m, &h);
	place_page(m, &h, base + 100, true);	/* movable, before the unmovable one */
	place_page(m, &h, bad, false);
	drain_all_pages(m, NULL);
	snap_zone(m, dma32, &before);
	for (unsigned long b = 0; b < ARRAY_SIZE(mt_before); b++)
		mt_before[b] = (uint8_t)get_pageblock_migratetype(m, base + b * pageblock_nr_pages);

	assert_int_equal(write_file(m, MEM "memory3/state", "offline", err, sizeof(err)), -EBUSY);
	snprintf(want, sizeof(want), "unmovable page at pfn %#lx", bad);
	assert_non_null(strstr(err, "Device or resource busy"));
	assert_non_null(strstr(err, want));
	assert_file(m, MEM "memory3/state", "online\n");
	assert_file(m, MEM "memory3/online", "1\n");
	snap_zone(m, dma32, &after);
	assert_zone_snap_equal(&after, &before, true);
	for (unsigned long b = 0; b < ARRAY_SIZE(mt_before); b++)
		assert_int_equal(get_pageblock_migratetype(m, base + b * pageblock_nr_pages),
				 mt_before[b]);
	assert_int_equal(m->vm_events[PGMIGRATE_SUCCESS], 0);
	assert_int_equal(h.pfn[0], base + 100);
	assert_int_equal(counter(m, "hotplug.offline_failed"), 1);
	t_check(m);
	machine_destroy(m);
}

/*
 *   | ... | memory3 | ... |  DMA32 spans all of it
 *   offline memory3, online_movable:
 *   | ... | Movable | ... |  ZONE_MOVABLE spans memory3 only, inside DMA32's span
 * The block's pages are ZONE_MOVABLE's now: only movable allocations
 * (__GFP_HIGHMEM|__GFP_MOVABLE) reach them, and offlining it again empties
 * ZONE_MOVABLE (no span, no pagesets, no zonelist entry).
 */
static void test_online_movable(void **state)
{
	struct machine *m = t_machine(1, 1024, 2);
	struct zone *dma32 = zone_of(m, 0, ZONE_DMA32), *mov = zone_of(m, 0, ZONE_MOVABLE);
	unsigned long base = block_pfn(3), dma32_span = dma32->spanned_pages, pfn;
	bool in_list = false;

	(void)state;
	assert_false(populated_zone(mov));
	assert_int_equal(set_block(m, 3, "offline"), 0);
	assert_int_equal(set_block(m, 3, "online_movable"), 0);
	assert_file(m, MEM "memory3/valid_zones", "Movable\n");
	assert_int_equal(mov->zone_start_pfn, base);
	assert_int_equal(mov->spanned_pages, BLOCK_PAGES);
	assert_int_equal(mov->present_pages, BLOCK_PAGES);
	assert_int_equal(mov->managed_pages, BLOCK_PAGES);
	assert_int_equal(mov->vm_stat[NR_FREE_PAGES], (long)BLOCK_PAGES);
	assert_int_equal(dma32->spanned_pages, dma32_span);
	assert_ptr_equal(pfn_zone(m, base), mov);
	assert_ptr_equal(page_zone(m, base + 12345), mov);
	assert_ptr_equal(pfn_zone(m, base - 1), dma32);
	assert_non_null(mov->pcp);
	assert_true(mov->_watermark[WMARK_MIN] > 0);
	for (struct zone *const *zr = m->zonelists[0][ZONELIST_FALLBACK]; *zr; zr++)
		in_list |= *zr == mov;
	assert_true(in_list);
	t_check(m);

	pfn = alloc_pages_node(m, 0, GFP_HIGHUSER_MOVABLE, 0);
	assert_ptr_equal(page_zone(m, pfn), mov);
	__free_pages(m, pfn, 0);
	pfn = alloc_pages_node(m, 0, GFP_KERNEL, 0);
	assert_ptr_not_equal(page_zone(m, pfn), mov);
	__free_pages(m, pfn, 0);
	drain_all_pages(m, NULL);

	assert_int_equal(set_block(m, 3, "offline"), 0);
	assert_false(populated_zone(mov));
	assert_int_equal(mov->spanned_pages, 0);
	assert_null(mov->pcp);
	for (struct zone *const *zr = m->zonelists[0][ZONELIST_FALLBACK]; *zr; zr++)
		assert_ptr_not_equal(*zr, mov);
	assert_file(m, MEM "memory3/valid_zones", "DMA32 Movable\n");
	t_check(m);
	assert_int_equal(set_block(m, 3, "online_kernel"), 0);
	assert_file(m, MEM "memory3/valid_zones", "DMA32\n");
	t_check(m);
	machine_destroy(m);
}

/*
 * One node of 5 GiB: DMA32 ends at 4 GiB (block 31), ZONE_NORMAL is
 * blocks 32..39.  Offlining a zone's edge block shrinks its span
 * (shrink_zone_span), onlining it grows it again; offlining blocks
 * 32, 33, 34 and onlining 32 and 34 movable gives
 *   | DMA32 ..31 | Mov 32 | off 33 | Mov 34 | Normal 35.. |
 * where memory33 lies in ZONE_MOVABLE's span only: its default zone is
 * Movable ("Movable Normal"), and `online` puts it there.
 */
static void test_zone_spans_and_valid_zones(void **state)
{
	struct machine *m = t_machine(1, 5 * 1024, 2);
	struct zone *dma32 = zone_of(m, 0, ZONE_DMA32), *normal = zone_of(m, 0, ZONE_NORMAL);
	struct zone *mov = zone_of(m, 0, ZONE_MOVABLE);
	unsigned long dma32_end = zone_end_pfn(dma32), normal_end = zone_end_pfn(normal);

	(void)state;
	assert_int_equal(dma32_end, block_pfn(32));
	assert_int_equal(normal->zone_start_pfn, block_pfn(32));
	/* memory31 holds swiotlb's 64 MiB (below 4 GiB, top-down) */
	assert_int_equal(set_block(m, 31, "offline"), -EBUSY);
	/* the bottom of Normal */
	assert_int_equal(set_block(m, 32, "offline"), 0);
	assert_int_equal(normal->zone_start_pfn, block_pfn(33));
	assert_int_equal(zone_end_pfn(normal), normal_end);
	assert_file(m, MEM "memory32/valid_zones", "Normal Movable\n");
	assert_int_equal(set_block(m, 33, "offline"), 0);
	assert_int_equal(set_block(m, 34, "offline"), 0);
	assert_int_equal(normal->zone_start_pfn, block_pfn(35));
	assert_int_equal(set_block(m, 32, "online_movable"), 0);
	assert_int_equal(set_block(m, 34, "online_movable"), 0);
	assert_int_equal(mov->zone_start_pfn, block_pfn(32));
	assert_int_equal(zone_end_pfn(mov), block_pfn(35));
	assert_int_equal(mov->present_pages, 2 * BLOCK_PAGES);
	assert_file(m, MEM "memory33/valid_zones", "Movable Normal\n");
	t_check(m);
	assert_int_equal(set_block(m, 33, "online"), 0);
	assert_file(m, MEM "memory33/valid_zones", "Movable\n");
	assert_int_equal(mov->present_pages, 3 * BLOCK_PAGES);
	/* the middle one goes: Movable's span stays, its edge shrinks next */
	assert_int_equal(set_block(m, 33, "offline"), 0);
	assert_int_equal(zone_end_pfn(mov), block_pfn(35));
	assert_int_equal(set_block(m, 34, "offline"), 0);
	assert_int_equal(zone_end_pfn(mov), block_pfn(33));
	/* Normal takes its blocks back, growing downward again */
	assert_int_equal(set_block(m, 34, "online_kernel"), 0);
	assert_int_equal(normal->zone_start_pfn, block_pfn(34));
	assert_int_equal(m->node[0].node_start_pfn, 0);
	assert_int_equal(m->node[0].node_spanned_pages, normal_end);
	t_check(m);
	machine_destroy(m);
}

/*
 * Two nodes of 1 GiB, all DMA32:
 *   node 0: | memory0 ... memory7 |  node 1: | memory8 | memory9 ... memory15 |
 * Offlining node 1's first block moves the node's start and its DMA32
 * zone's (update_pgdat_span, shrink_zone_span).  Then no kernel zone of
 * node 1 spans memory8 any more, and default_kernel_zone_for_pfn falls
 * back to ZONE_NORMAL: the block comes back online as Normal memory below
 * 4 GiB ("Normal Movable"), as 6.1 does.
 */
static void test_node_span(void **state)
{
	struct machine *m = t_machine(2, 1024, 2);
	struct pglist_data *pg = &m->node[1];
	struct zone *dma32 = zone_of(m, 1, ZONE_DMA32), *normal = zone_of(m, 1, ZONE_NORMAL);
	unsigned long end = pg->node_start_pfn + pg->node_spanned_pages;

	(void)state;
	assert_int_equal(pg->node_start_pfn, block_pfn(8));
	assert_int_equal(set_block(m, 8, "offline"), 0);
	assert_int_equal(pg->node_start_pfn, block_pfn(9));
	assert_int_equal(pg->node_start_pfn + pg->node_spanned_pages, end);
	assert_int_equal(dma32->zone_start_pfn, block_pfn(9));
	assert_file(m, MEM "memory8/valid_zones", "Normal Movable\n");
	t_check(m);
	assert_int_equal(set_block(m, 8, "online"), 0);
	assert_file(m, MEM "memory8/valid_zones", "Normal\n");
	assert_int_equal(pg->node_start_pfn, block_pfn(8));
	assert_int_equal(dma32->zone_start_pfn, block_pfn(9));
	assert_int_equal(normal->zone_start_pfn, block_pfn(8));
	assert_int_equal(normal->present_pages, BLOCK_PAGES);
	assert_ptr_equal(page_zone(m, block_pfn(8)), normal);
	t_check(m);
	/* online_kernel picks the same zone: DMA32 does not meet the range */
	assert_int_equal(set_block(m, 8, "offline"), 0);
	assert_int_equal(normal->spanned_pages, 0);
	assert_int_equal(set_block(m, 8, "online_kernel"), 0);
	assert_ptr_equal(page_zone(m, block_pfn(8)), normal);
	t_check(m);
	machine_destroy(m);
}

/*
 * Movable data in memory3 and no room for it anywhere else (the rest of
 * memory filled with pinned pages): 6.1 retries the migration for ever;
 * the model stops with EINTR, says why, and undoes the isolation.
 */
static void test_offline_without_room_is_eintr(void **state)
{
	struct machine *m = t_machine(1, 1024, 1);
	unsigned long base = block_pfn(3), pfn, *taken, nr = 0;
	struct held h = { .n = 0 };
	struct zone_snap before, after;
	char err[512];

	(void)state;
	hold(m, &h);
	place_page(m, &h, base + 10, true);
	/* take everything, past the watermarks, then give memory3's pages back */
	taken = calloc(1UL << 18, sizeof(*taken));
	assert_non_null(taken);
	while ((pfn = alloc_pages_node(m, 0, GFP_ATOMIC | __GFP_NOWARN, 0)) != PFN_NONE)
		taken[nr++] = pfn;
	for (unsigned long i = 0; i < nr; i++)
		if (taken[i] >= base && taken[i] < base + BLOCK_PAGES)
			__free_pages(m, taken[i], 0);
	drain_all_pages(m, NULL);
	snap_zone(m, zone_of(m, 0, ZONE_DMA32), &before);
	assert_int_equal(write_file(m, MEM "memory3/state", "offline", err, sizeof(err)),
			 -EINTR);
	assert_non_null(strstr(err, "write error: Interrupted system call (offline_pages: pfn"));
	assert_non_null(strstr(err, "no memory to migrate it to"));
	assert_non_null(strstr(err, "retries until a signal"));
	snap_zone(m, zone_of(m, 0, ZONE_DMA32), &after);
	assert_zone_snap_equal(&after, &before, true);
	assert_file(m, MEM "memory3/state", "online\n");
	assert_int_equal(h.pfn[0], base + 10);
	assert_true(is_movable_data(m, base + 10));
	assert_int_equal(m->vm_events[PGMIGRATE_SUCCESS], 0);
	for (unsigned long i = 0; i < nr; i++)
		if (taken[i] < base || taken[i] >= base + BLOCK_PAGES)
			__free_pages(m, taken[i], 0);
	free(taken);
	drain_all_pages(m, NULL);
	t_check(m);
	/* with room again, the same offline succeeds */
	assert_int_equal(set_block(m, 3, "offline"), 0);
	assert_true(h.pfn[0] < base || h.pfn[0] >= base + BLOCK_PAGES);
	t_check(m);
	machine_destroy(m);
}

/*
 * In ZONE_MOVABLE, isolation only refuses PG_reserved pages.  A pinned
 * block there (order 3 without __GFP_COMP: not an LRU folio) passes it,
 * cannot be migrated and never becomes free: 6.1 loops for ever, the
 * model returns EINTR naming the page.
 */
static void test_offline_pinned_in_movable_is_eintr(void **state)
{
	struct machine *m = t_machine(1, 1024, 2);
	unsigned long base = block_pfn(3), pinned;
	char err[512], want[64];

	(void)state;
	assert_int_equal(set_block(m, 3, "offline"), 0);
	assert_int_equal(set_block(m, 3, "online_movable"), 0);
	pinned = alloc_pages_node(m, 0, GFP_HIGHUSER_MOVABLE, 3);
	assert_true(pinned >= base && pinned < base + BLOCK_PAGES);
	assert_int_equal(write_file(m, MEM "memory3/state", "offline", err, sizeof(err)),
			 -EINTR);
	snprintf(want, sizeof(want), "pfn %#lx is in use", pinned);
	assert_non_null(strstr(err, want));
	assert_file(m, MEM "memory3/state", "online\n");
	__free_pages(m, pinned, 3);
	drain_all_pages(m, NULL);
	assert_int_equal(set_block(m, 3, "offline"), 0);
	t_check(m);
	machine_destroy(m);
}

/*
 * 2 MiB pool pages in memory3, all free: offlining dissolves them (the
 * pool shrinks) and succeeds.  With the pages reserved it is EBUSY.
 */
static void test_offline_dissolves_free_hugepages(void **state)
{
	struct machine *m = t_machine(1, 1024, 2);
	struct hstate *h = hugetlb_size_to_hstate(m, 2UL << 20);
	unsigned long base = block_pfn(3), in_block = 0, total;

	(void)state;
	hugetlb_set_max_huge_pages(m, h, 400, NUMA_NO_NODE);
	total = h->nr_huge_pages;
	for (unsigned long p = base; p < base + BLOCK_PAGES; p += pageblock_nr_pages)
		in_block += PageHuge(m, p);
	assert_true(in_block > 0);
	assert_int_equal(set_block(m, 3, "offline"), 0);
	assert_int_equal(h->nr_huge_pages, total - in_block);
	assert_int_equal(h->free_huge_pages, total - in_block);
	assert_int_equal(h->max_huge_pages, total - in_block);
	assert_int_equal(counter(m, "hotplug.offline_dissolved"), in_block * pageblock_nr_pages);
	t_check(m);
	machine_destroy(m);
}

/* ---- the files' write semantics ----------------------------------------------- */

/*
 * state takes offline/online/online_kernel/online_movable (a trailing
 * newline too) and answers EINVAL for anything else and for a block already
 * in that state; online takes kstrtobool's values and is silent when the
 * block already is; auto_online_blocks and online_policy take their words;
 * read-only files refuse writes with EACCES.
 */
static void test_write_semantics(void **state)
{
	struct machine *m = t_machine(1, 1024, 2);
	char err[512];

	(void)state;
	assert_int_equal(write_file(m, MEM "memory3/state", "banana", err, sizeof(err)), -EINVAL);
	assert_int_equal(write_file(m, MEM "memory3/state", "offlin", err, sizeof(err)), -EINVAL);
	assert_int_equal(write_file(m, MEM "memory3/state", "online", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "online already"));
	assert_int_equal(write_file(m, MEM "memory3/state", "offline\n", err, sizeof(err)), 0);
	assert_int_equal(write_file(m, MEM "memory3/state", "offline", err, sizeof(err)), -EINVAL);
	assert_int_equal(write_file(m, MEM "memory3/online", "0", err, sizeof(err)), 0);
	assert_int_equal(write_file(m, MEM "memory3/online", "2", err, sizeof(err)), -EINVAL);
	assert_int_equal(write_file(m, MEM "memory3/online", "on", err, sizeof(err)), 0);
	assert_file(m, MEM "memory3/state", "online\n");
	assert_int_equal(write_file(m, MEM "memory3/online", "y", err, sizeof(err)), 0);
	assert_int_equal(write_file(m, MEM "memory3/online", "off", err, sizeof(err)), 0);
	assert_file(m, MEM "memory3/state", "offline\n");
	assert_int_equal(write_file(m, MEM "memory3/valid_zones", "1", err, sizeof(err)), -EACCES);
	assert_int_equal(write_file(m, MEM "block_size_bytes", "1", err, sizeof(err)), -EACCES);
	assert_int_equal(write_file(m, MEM "memory99/state", "online", err, sizeof(err)), -ENOENT);
	assert_int_equal(write_file(m, MEM "auto_online_blocks", "online_movable", err,
				    sizeof(err)), 0);
	assert_file(m, MEM "auto_online_blocks", "online_movable\n");
	assert_int_equal(write_file(m, MEM "auto_online_blocks", "on", err, sizeof(err)), -EINVAL);
	assert_int_equal(write_file(m, "/sys/module/memory_hotplug/parameters/online_policy",
				    "movable", err, sizeof(err)), -EINVAL);
	assert_int_equal(write_file(m, "/sys/module/memory_hotplug/parameters/auto_movable_ratio",
				    "4294967296", err, sizeof(err)), -ERANGE);
	assert_int_equal(write_file(m, "/sys/module/memory_hotplug/parameters/auto_movable_ratio",
				    "x", err, sizeof(err)), -EINVAL);
	assert_int_equal(write_file(m, "/sys/module/memory_hotplug/parameters/memmap_on_memory",
				    "1", err, sizeof(err)), -EACCES);
	t_check(m);
	machine_destroy(m);
}

/*
 * online_policy auto-movable: a plain `online` goes to ZONE_MOVABLE while
 * MOVABLE stays within auto_movable_ratio percent of the early kernel
 * memory; with the ratio 0 it goes to the kernel zone.
 */
static void test_online_policy_auto_movable(void **state)
{
	struct machine *m = t_machine(1, 1024, 2);
	char err[512];

	(void)state;
	assert_int_equal(write_file(m, "/sys/module/memory_hotplug/parameters/online_policy",
				    "auto-movable", err, sizeof(err)), 0);
	assert_int_equal(set_block(m, 3, "offline"), 0);
	assert_file(m, MEM "memory3/valid_zones", "Movable DMA32\n");
	assert_int_equal(set_block(m, 3, "online"), 0);
	assert_file(m, MEM "memory3/valid_zones", "Movable\n");
	assert_int_equal(set_block(m, 3, "offline"), 0);
	assert_int_equal(write_file(m, "/sys/module/memory_hotplug/parameters/auto_movable_ratio",
				    "0", err, sizeof(err)), 0);
	assert_file(m, MEM "memory3/valid_zones", "DMA32 Movable\n");
	assert_int_equal(set_block(m, 3, "online"), 0);
	assert_file(m, MEM "memory3/valid_zones", "DMA32\n");
	t_check(m);
	machine_destroy(m);
}

/* ---- hot-add and hot-remove ---------------------------------------------- */

#define GiB	(1ULL << 30)
#define BLOCK	(128ULL << 20)

static int probe(struct machine *m, uint64_t addr, char *err, size_t errlen)
{
	char val[32];

	snprintf(val, sizeof(val), "%#llx", (unsigned long long)addr);
	return write_file(m, MEM "probe", val, err, errlen);
}

/* Free pages wherever they sit: the buddy lists and every CPU's pagesets */
static long free_and_pcp(struct machine *m)
{
	long n = (long)global_zone_page_state(m, NR_FREE_PAGES);
	struct zone *z;

	for_each_zone_of(m, z)
		for (int c = 0; z->pcp && c < m->nr_cpus; c++)
			n += z->pcp[c].count;
	return n;
}

static unsigned long census_pmds(struct machine *m)
{
	struct vmemmap_census c;

	vmemmap_census(m, &c);
	return c.pmds;
}

/*
 *   | memory0 ... memory7 | memory8 |
 *     boot memory [0, 1G)   probed: [1G, 1G + 128M)
 * A probe adds one block: its section is present and has a memmap (one
 * more 2 MiB vmemmap PMD, from the buddy allocator) but is not online, so
 * its pages are in no zone and none is free; the block device appears
 * offline, and would go to ZONE_NORMAL or ZONE_MOVABLE.  Then the
 * kernel's refusals: the same block again and boot memory (EEXIST: the
 * System RAM resource exists), a misaligned address and a word (EINVAL,
 * probe_store's own checks), an address beyond 46 bits (E2BIG).
 */
static void test_probe(void **state)
{
	struct machine *m = t_machine(1, 1024, 2);
	unsigned long pfn = GiB >> PAGE_SHIFT, pmds = census_pmds(m);
	unsigned long ram = totalram_pages(m), memmap = m->node[0].nr_memmap_pages;
	const struct mem_section *ms;
	long free;
	char err[512];

	(void)state;
	drain_all_pages(m, NULL);
	free = free_and_pcp(m);
	assert_int_equal(probe(m, GiB, err, sizeof(err)), 0);
	ms = &m->sections[pfn >> PFN_SECTION_SHIFT];
	assert_true(ms->present && ms->has_memmap && !ms->online && !ms->early);
	assert_int_equal(ms->nid, 0);
	assert_null(pfn_zone(m, pfn));
	assert_false(pfn_is_online(m, pfn));
	assert_true(pfn_present_mem(m, pfn + BLOCK_PAGES - 1));
	assert_int_equal(m->max_pfn, pfn + BLOCK_PAGES);
	assert_file(m, MEM "memory8/state", "offline\n");
	assert_file(m, MEM "memory8/online", "0\n");
	assert_file(m, MEM "memory8/phys_index", "00000008\n");
	assert_file(m, MEM "memory8/valid_zones", "Normal Movable\n");
	assert_int_equal(census_pmds(m), pmds + 1);
	assert_int_equal(m->node[0].nr_memmap_pages, memmap + 512);
	assert_int_equal(totalram_pages(m), ram);
	assert_int_equal(free_and_pcp(m), free - 512);		/* the memmap's 2 MiB */
	assert_int_equal(counter(m, "hotplug.added"), 1);
	assert_int_equal(counter(m, "hotplug.ram_blocks"), 1);
	assert_int_equal(counter(m, "hotplug.blocks"), 9);
	assert_int_equal(counter(m, "hotplug.blocks_offline"), 1);
	t_check(m);

	assert_int_equal(probe(m, GiB, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "File exists ([0x40000000, 0x48000000) overlaps"));
	assert_int_equal(probe(m, 3 * BLOCK, err, sizeof(err)), -EEXIST);
	assert_int_equal(probe(m, GiB + BLOCK + 4096, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not aligned to the memory block size"));
	assert_int_equal(write_file(m, MEM "probe", "banana", err, sizeof(err)), -EINVAL);
	assert_int_equal(probe(m, 1ULL << MAX_PHYSMEM_BITS, err, sizeof(err)), -E2BIG);
	assert_int_equal(counter(m, "hotplug.add_failed"), 3);
	assert_int_equal(counter(m, "hotplug.ram_blocks"), 1);
	assert_false(mm_show_file(m, MEM "probe", &(struct sbuf){ 0 }));	/* write-only */
	t_check(m);
	machine_destroy(m);
}

/*
 * remove_memory's refusals: a block still online (EBUSY, and nothing
 * changes), boot memory and a range that is not whole blocks (the kernel
 * BUG()s or WARNs there: EINVAL in the model, the runner's input error).
 */
static void test_remove_memory_refusals(void **state)
{
	struct machine *m = t_machine(1, 1024, 2);
	unsigned long pmds;
	char err[512];

	(void)state;
	assert_int_equal(probe(m, GiB, err, sizeof(err)), 0);
	assert_int_equal(set_block(m, 8, "online_movable"), 0);
	pmds = census_pmds(m);
	assert_int_equal(remove_memory(m, GiB, BLOCK), -EBUSY);
	assert_non_null(strstr(m->hotplug->why, "memory [0x40000000-0x47ffffff] is onlined"));
	assert_file(m, MEM "memory8/state", "online\n");
	assert_int_equal(census_pmds(m), pmds);
	assert_int_equal(remove_memory(m, 3 * BLOCK, BLOCK), -EINVAL);
	assert_non_null(strstr(m->hotplug->why, "not memory that hotplug added"));
	assert_int_equal(remove_memory(m, GiB, BLOCK / 2), -EINVAL);
	assert_non_null(strstr(m->hotplug->why, "unaligned hotplug range"));
	assert_int_equal(counter(m, "hotplug.remove_failed"), 3);
	assert_int_equal(counter(m, "hotplug.removed"), 0);
	t_check(m);
	machine_destroy(m);
}

/*
 *   | DMA32 [0, 1G)           | Movable: memory8, probed   |
 *   | ... held elsewhere ...  | 2048 movable pages, held  |
 * The first case: hot-remove after online_movable when only
 * movable pages are there.  Removal refuses the online block (EBUSY);
 * offlining migrates the 2048 pages out (to DMA32, the only other zone
 * they may use) and empties ZONE_MOVABLE; removal then takes the block,
 * its section and its memmap.  Nothing is lost: every held page is still
 * held, now below 1 GiB, the free pages are what they were before the
 * probe less the 2048 migrated ones, and the totals are boot's.  The
 * invariant checker runs after every step.
 */
static void test_hot_remove_movable(void **state)
{
	struct machine *m = t_machine(1, 1024, 2);
	struct zone *movable = zone_of(m, 0, ZONE_MOVABLE);
	unsigned long base = GiB >> PAGE_SHIFT, ram = totalram_pages(m), pmds = census_pmds(m);
	unsigned long present = m->node[0].node_present_pages;
	struct held h = { .n = 0 };
	long free;
	char err[512];

	(void)state;
	hold(m, &h);
	drain_all_pages(m, NULL);
	free = free_and_pcp(m);
	assert_int_equal(probe(m, GiB, err, sizeof(err)), 0);
	assert_int_equal(set_block(m, 8, "online_movable"), 0);
	assert_int_equal(movable->zone_start_pfn, base);
	assert_int_equal(movable->spanned_pages, BLOCK_PAGES);
	assert_int_equal(movable->managed_pages, BLOCK_PAGES);
	assert_int_equal(totalram_pages(m), ram + BLOCK_PAGES);
	t_check(m);
	for (unsigned long i = 0; i < 2048; i++)
		place_page(m, &h, base + 3 * i, true);
	t_check(m);

	assert_int_equal(remove_memory(m, GiB, BLOCK), -EBUSY);
	t_check(m);
	assert_int_equal(set_block(m, 8, "offline"), 0);
	assert_int_equal(counter(m, "hotplug.offline_migrated"), 2048);
	assert_int_equal(movable->spanned_pages, 0);
	assert_int_equal(movable->present_pages, 0);
	for (int i = 0; i < h.n; i++)
		assert_true(h.pfn[i] < base && page_ref_count(m, h.pfn[i]) == 1);
	t_check(m);

	assert_int_equal(remove_memory(m, GiB, BLOCK), 0);
	assert_false(m->sections[base >> PFN_SECTION_SHIFT].present);
	assert_false(mm_show_file(m, MEM "memory8/state", &(struct sbuf){ 0 }));
	assert_int_equal(counter(m, "hotplug.blocks"), 8);
	assert_int_equal(counter(m, "hotplug.ram_blocks"), 0);
	assert_int_equal(census_pmds(m), pmds);
	assert_int_equal(totalram_pages(m), ram);
	assert_int_equal(m->node[0].node_present_pages, present);
	drain_all_pages(m, NULL);
	assert_int_equal(free_and_pcp(m), free - 2048);
	assert_int_equal(h.n, 2048);
	t_check(m);
	machine_destroy(m);
}

/*
 *   | DMA32 [0, 1G)  | Normal: memory8, probed          |
 *                    | . . U . . . . . . . . . . . . . . |  U: a kernel page
 * The second case: with an unmovable page the block cannot go offline
 * (EBUSY, the page named) and so cannot be removed (EBUSY); nothing
 * changes, the checker finds everything in place.  (An unmovable page
 * cannot land in ZONE_MOVABLE; one pinned there makes 6.1 retry for
 * ever, test_offline_pinned_in_movable_is_eintr.)  Once it is freed the
 * block goes offline and away.
 */
static void test_hot_remove_unmovable_is_busy(void **state)
{
	struct machine *m = t_machine(1, 1024, 2);
	struct zone *normal = zone_of(m, 0, ZONE_NORMAL);
	unsigned long base = GiB >> PAGE_SHIFT, bad = base + 700;
	struct held h = { .n = 0 };
	struct zone_snap before, after;
	char err[512], want[64];
	long free;

	(void)state;
	hold(m, &h);
	assert_int_equal(probe(m, GiB, err, sizeof(err)), 0);
	assert_int_equal(set_block(m, 8, "online_kernel"), 0);
	assert_int_equal(normal->zone_start_pfn, base);
	place_page(m, &h, base + 5, true);
	place_page(m, &h, bad, false);
	drain_all_pages(m, NULL);
	snap_zone(m, normal, &before);
	free = free_and_pcp(m);
	t_check(m);

	assert_int_equal(write_file(m, MEM "memory8/state", "offline", err, sizeof(err)), -EBUSY);
	snprintf(want, sizeof(want), "unmovable page at pfn %#lx", bad);
	assert_non_null(strstr(err, want));
	t_check(m);
	assert_int_equal(remove_memory(m, GiB, BLOCK), -EBUSY);
	t_check(m);
	assert_file(m, MEM "memory8/state", "online\n");
	snap_zone(m, normal, &after);
	assert_zone_snap_equal(&after, &before, true);
	assert_int_equal(free_and_pcp(m), free);
	assert_int_equal(h.pfn[0], base + 5);
	assert_int_equal(h.pfn[1], bad);
	assert_int_equal(m->vm_events[PGMIGRATE_SUCCESS], 0);

	__free_pages(m, bad, 0);
	h.n = 1;
	assert_int_equal(set_block(m, 8, "offline"), 0);
	assert_int_equal(remove_memory(m, GiB, BLOCK), 0);
	assert_int_equal(normal->spanned_pages, 0);
	assert_true(h.pfn[0] < base);
	t_check(m);
	machine_destroy(m);
}

/*
 * probe -> online_movable -> offline -> remove -> probe, and the vmemmap
 * PMDs (vmemmap.pmds) at each step, on 1 GiB without holes (sections
 * 0..7 at boot, memory8 = section 8).
 *
 * 64-byte struct pages: a section's memmap is one PMD of its own:
 *   PMDs  | s0 | s1 | ... | s7 | s8 |      8 at boot, 9 with memory8
 * 72-byte: 2.25 MiB a section, so boot's 8 sections fill 9 PMDs exactly
 * and section 8's memmap takes PMD 9 and the first quarter of PMD 10:
 *   PMDs  | 0 | 1 | ... | 8 | 9 (s8) | 10 (s8, 1/4) |   9 at boot, 11 added
 * Removing section 8 frees PMD 9 (whole) and, under unused-0xfd, PMD 10
 * (all 0xFD now); under leak, PMD 10 stays, leaked, and the next probe
 * uses it again: the count comes back where it was only in the other
 * cases, and never grows beyond one leaked PMD for this address.
 */
static void test_hotplug_cycle_vmemmap_pmds(void **state)
{
	static const struct {
		unsigned int sps;
		const char *policy;
		unsigned long boot, added, removed, leaked;
	} cases[] = {
		{ 64, "leak", 8, 9, 8, 0 },
		{ 64, "unused-0xfd", 8, 9, 8, 0 },
		{ 72, "leak", 9, 11, 10, 1 },
		{ 72, "unused-0xfd", 9, 11, 9, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct machine_opts o;
		struct machine *m;
		struct vmemmap_census c;
		char err[512];

		t_opts(&o, 1, 1024, 2);
		o.struct_page_size = cases[i].sps;
		assert_true(policy_set_pick(&o.policies, "vmemmap-subpmd", cases[i].policy));
		m = t_boot(&o);
		assert_int_equal(census_pmds(m), cases[i].boot);
		for (int round = 0; round < 2; round++) {
			assert_int_equal(probe(m, GiB, err, sizeof(err)), 0);
			assert_int_equal(census_pmds(m), cases[i].added);
			t_check(m);
			assert_int_equal(set_block(m, 8, "online_movable"), 0);
			t_check(m);
			assert_int_equal(set_block(m, 8, "offline"), 0);
			t_check(m);
			assert_int_equal(remove_memory(m, GiB, BLOCK), 0);
			vmemmap_census(m, &c);
			assert_int_equal(c.pmds, cases[i].removed);
			assert_int_equal(c.pmds_leaked, cases[i].leaked);
			t_check(m);
		}
		machine_destroy(m);
	}
}

/*
 * memory_hotplug.memmap_on_memory: ACPI adds memory8 with
 * MHP_MEMMAP_ON_MEMORY, and its memmap (2 MiB: 512 pages of 64 bytes a
 * struct page for 32768 pages) is memory8's own first 512 pages:
 *   | memory8: [memmap 512 pages][ 32256 pages for the buddy ] |
 * nothing comes from the buddy allocator for it.  Online: the 512 pages
 * are in the zone, present but not managed, PG_reserved and
 * VmemmapSelfHosted, so HVO leaves alone a hugepage whose vmemmap they
 * hold; offline and remove give everything back.  With 72-byte struct
 * pages the memmap does not fill whole PMDs: the add is refused (EINVAL),
 * as mhp_supports_memmap_on_memory says; without the flag it works.
 */
static void test_memmap_on_memory(void **state)
{
	static const struct hstate h2m = { .order = 9 };
	struct machine_opts o;
	struct machine *m;
	struct zone *movable;
	unsigned long base = GiB >> PAGE_SHIFT, memmap, frame;
	long free;
	bool w;

	(void)state;
	t_opts(&o, 1, 1024, 2);
	o.memmap_on_memory = true;
	o.hugetlb_free_vmemmap = true;
	m = t_boot(&o);
	movable = zone_of(m, 0, ZONE_MOVABLE);
	assert_file(m, "/sys/module/memory_hotplug/parameters/memmap_on_memory", "Y\n");
	assert_true(mhp_supports_memmap_on_memory(m, BLOCK));
	assert_false(mhp_supports_memmap_on_memory(m, 2 * BLOCK));
	drain_all_pages(m, NULL);
	free = free_and_pcp(m);
	memmap = m->node[0].nr_memmap_pages;
	assert_int_equal(add_memory(m, 0, GiB, BLOCK, MHP_MEMMAP_ON_MEMORY), 0);
	assert_true(vmemmap_peek(m, page_va(m, base), &frame, &w, NULL));
	assert_int_equal(frame, base);
	assert_true(vmemmap_peek(m, page_va(m, base + BLOCK_PAGES - 1), &frame, &w, NULL));
	assert_int_equal(frame, base + 511);
	assert_int_equal(m->node[0].nr_memmap_pages, memmap);
	assert_int_equal(free_and_pcp(m), free);
	assert_int_equal(find_memory_block_by_id(m, 8)->nr_vmemmap_pages, 512);
	t_check(m);

	assert_int_equal(set_block(m, 8, "online_movable"), 0);
	assert_int_equal(movable->present_pages, BLOCK_PAGES);
	assert_int_equal(movable->managed_pages, BLOCK_PAGES - 512);
	assert_int_equal(movable->zone_start_pfn, base);
	assert_true(PageReserved(m, base) && PageVmemmapSelfHosted(m, base + 511));
	assert_int_equal(page_zone(m, base), movable);
	assert_false(PageVmemmapSelfHosted(m, base + 512));
	assert_false(vmemmap_should_optimize(m, &h2m, base + 512));
	assert_true(vmemmap_should_optimize(m, &h2m, 3 * BLOCK_PAGES));
	t_check(m);
	assert_int_equal(set_block(m, 8, "offline"), 0);
	assert_int_equal(movable->present_pages, 0);
	assert_int_equal(movable->spanned_pages, 0);
	t_check(m);
	assert_int_equal(remove_memory(m, GiB, BLOCK), 0);
	assert_int_equal(free_and_pcp(m), free);
	assert_int_equal(counter(m, "hotplug.ram_blocks"), 0);
	t_check(m);
	machine_destroy(m);

	o.struct_page_size = 72;
	m = t_boot(&o);
	assert_false(mhp_supports_memmap_on_memory(m, BLOCK));
	assert_int_equal(add_memory(m, 0, GiB, BLOCK, MHP_MEMMAP_ON_MEMORY), -EINVAL);
	assert_int_equal(counter(m, "hotplug.ram_blocks"), 0);
	assert_int_equal(add_memory(m, 0, GiB, BLOCK, MHP_NONE), 0);
	t_check(m);
	machine_destroy(m);
}

/*
 * Zone choice for a hot-added block, as valid_zones shows it: Normal by
 * default (no kernel zone spans it, contig-zones), Movable first under
 * online_policy=auto-movable while ZONE_MOVABLE stays within 301% of the
 * early kernel memory; onlined with `online`, it goes to the default.
 * On two nodes, a probe above all memory is the last node's.
 */
static void test_hotadd_zone_choice(void **state)
{
	struct machine *m = t_machine(1, 1024, 2);
	char err[512];

	(void)state;
	assert_int_equal(probe(m, GiB, err, sizeof(err)), 0);
	assert_int_equal(probe(m, GiB + BLOCK, err, sizeof(err)), 0);
	assert_file(m, MEM "memory8/valid_zones", "Normal Movable\n");
	assert_int_equal(write_file(m, "/sys/module/memory_hotplug/parameters/online_policy",
				    "auto-movable", err, sizeof(err)), 0);
	assert_file(m, MEM "memory8/valid_zones", "Movable Normal\n");
	assert_int_equal(set_block(m, 8, "online"), 0);
	assert_file(m, MEM "memory8/valid_zones", "Movable\n");
	assert_int_equal(write_file(m, "/sys/module/memory_hotplug/parameters/online_policy",
				    "contig-zones", err, sizeof(err)), 0);
	assert_int_equal(set_block(m, 9, "online"), 0);
	assert_file(m, MEM "memory9/valid_zones", "Normal\n");
	t_check(m);
	machine_destroy(m);

	m = t_machine(2, 1024, 2);
	assert_int_equal(memory_add_physaddr_to_nid(m, 2 * GiB), 1);
	assert_int_equal(memory_add_physaddr_to_nid(m, GiB / 2), 0);
	assert_int_equal(probe(m, 2 * GiB, err, sizeof(err)), 0);
	assert_int_equal(m->sections[(2 * GiB) >> (PAGE_SHIFT + PFN_SECTION_SHIFT)].nid, 1);
	assert_int_equal(pfn_to_nid(m, (2 * GiB) >> PAGE_SHIFT), 1);
	assert_int_equal(set_block(m, 16, "online"), 0);
	assert_int_equal(page_to_nid(m, (2 * GiB) >> PAGE_SHIFT), 1);
	t_check(m);
	machine_destroy(m);
}

/* The locks are free between operations, and a reader may hold mem_hotplug_lock */
static void test_locks(void **state)
{
	struct machine *m = t_machine(1, 1024, 2);

	(void)state;
	assert_int_equal(set_block(m, 3, "offline"), 0);
	assert_false(rwsem_is_locked(&m->hotplug->mem_hotplug_lock));
	assert_false(rwsem_is_locked(&m->hotplug->device_hotplug_lock));
	get_online_mems(m);
	assert_true(rwsem_held(m, &m->hotplug->mem_hotplug_lock));
	assert_false(rwsem_write_held(m, &m->hotplug->mem_hotplug_lock));
	put_online_mems(m);
	mem_hotplug_begin(m);
	assert_true(rwsem_write_held(m, &m->hotplug->mem_hotplug_lock));
	mem_hotplug_done(m);
	assert_false(m->fail.failed);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks_at_boot),
		cmocka_unit_test(test_block_size_probe),
		cmocka_unit_test(test_block_spanning_nodes),
		cmocka_unit_test(test_offline_online_free_block),
		cmocka_unit_test(test_offline_migrates_movable),
		cmocka_unit_test(test_offline_unmovable_is_busy),
		cmocka_unit_test(test_online_movable),
		cmocka_unit_test(test_zone_spans_and_valid_zones),
		cmocka_unit_test(test_node_span),
		cmocka_unit_test(test_offline_without_room_is_eintr),
		cmocka_unit_test(test_offline_pinned_in_movable_is_eintr),
		cmocka_unit_test(test_offline_dissolves_free_hugepages),
		cmocka_unit_test(test_write_semantics),
		cmocka_unit_test(test_online_policy_auto_movable),
		cmocka_unit_test(test_locks),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_remove_memory_refusals),
		cmocka_unit_test(test_hot_remove_movable),
		cmocka_unit_test(test_hot_remove_unmovable_is_busy),
		cmocka_unit_test(test_hotplug_cycle_vmemmap_pmds),
		cmocka_unit_test(test_memmap_on_memory),
		cmocka_unit_test(test_hotadd_zone_choice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
