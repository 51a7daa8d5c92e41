// SPDX-License-Identifier: GPL-2.0-only
/*
 * compaction.c - memory compaction and contiguous range allocation
 * (mm/compaction.c, mm/page_alloc.c:alloc_contig_range, Linux 6.1, and
 * Debian's 6.12 on a version=6.12 machine: cc->v612 and the KVER612_*
 * comments, docs/model-notes.md "Compaction on 6.12").
 *
 * A migrate scanner walks the zone upward a pageblock at a time and
 * isolates movable in-use pages; a free scanner walks down from the top and
 * isolates free pages in blocks that may receive movable data; migration
 * copies each page into an order-0 target and frees the source (through
 * the per-cpu lists, drained when the migrate scanner leaves an
 * order-aligned block, as compact_zone does).  Compaction stops when the
 * scanners meet, or, for an allocation, once the migrate scanner is at a
 * pageblock boundary and a free block of the wanted order exists, or when
 * the block it freed is captured for the allocation (compaction_capture).
 *
 * What makes direct compaction give up early, as 6.1 has it:
 * - pageblock skip hints: a block the migrate scanner scanned whole
 *   without isolating anything, a block the free scanner scanned whole,
 *   and the blocks the fast searches pick are marked (as is a block whose
 *   first pfn is the first page isolated, test_and_set_skip); both scanners
 *   pass marked blocks until __reset_isolation_suitable clears them, which
 *   runs when kswapd goes to sleep after a direct compaction whose scanners
 *   met (compact_blockskip_flush), or when compaction restarts after the
 *   longest deferral.  Only the last priority (MIN_COMPACT_PRIORITY) and
 *   compact_memory ignore them.
 * - cached scanner positions: a run resumes where the last one stopped
 *   (separately for async and sync migrate scanners), and a run whose
 *   scanners met before the whole zone was scanned reports
 *   COMPACT_PARTIAL_SKIPPED.
 * - the fast searches: the free scanner first takes a free block from the
 *   movable free lists high in the zone (fast_isolate_freepages), and the
 *   migrate scanner starts at a movable block that already has free pages
 *   low in the zone (fast_find_migrateblock); both rotate the free lists.
 * - async direct compaction scans only movable pageblocks, gives up an
 *   order-aligned block at the first page it cannot isolate or migrate
 *   (skip_on_failure), and its free scanner strides over pages.
 * - deferral (defer_compaction/compaction_deferred) after failed sync runs.
 *
 * What is movable: pages the scenario allocated with a movable gfp and the
 * runner marked as user data (mm_mark_movable_data: PageLRU and a movable
 * mapping tag), and processes' order-0 anonymous pages on the LRU that
 * nothing pins (migrate.c), i.e. what the kernel would have on the LRU.
 * As in 6.1, compaction skips compound pages; only alloc_contig_range
 * migrates them.  A non-compound block of order > 0 is never marked: it is
 * not an LRU folio, and its tails are not compound tails, so 6.1's
 * isolate_migratepages_block fails its head and then each following pfn
 * in turn (a sync run goes on to the next pfn), and the block stays where
 * it is; alloc_contig_range over it fails with -EBUSY.
 *
 * Not modelled: lock contention and need_resched (an async run is never
 * aborted as contended), too_many_isolated (nothing else isolates while a
 * run is going), file and shmem pages (not isolated), and proactive
 * compaction and kcompactd (no background compaction).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compaction.h"
#include "host.h"
#include "machine.h"
#include "memblock.h"
#include "migrate.h"
#include "mmzone.h"
#include "page.h"
#include "page_alloc.h"
#include "rmap.h"
#include "vm_event_item.h"

#define COMPACT_CLUSTER_MAX	32
#define COMPACT_MAX_DEFER_SHIFT	6
#define sysctl_extfrag_threshold 500

enum migrate_mode { MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT, MIGRATE_SYNC };

/* Growable arrays of pfns standing in for the kernel's page lists */
struct pfn_vec {
	unsigned long *v;
	int nr, cap;
};

static void pfn_vec_push(struct pfn_vec *pv, unsigned long pfn)
{
	if (pv->nr == pv->cap) {
		pv->cap = pv->cap ? pv->cap * 2 : 64;
		pv->v = host_reallocarray(pv->v, (size_t)pv->cap, sizeof(*pv->v),
					  "a compaction page list");
	}
	pv->v[pv->nr++] = pfn;
}

/* 6.12's per-order lists: list_add puts pfn at the head (index 0) */
static void pfn_vec_push_head(struct pfn_vec *pv, unsigned long pfn)
{
	pfn_vec_push(pv, pfn);
	memmove(pv->v + 1, pv->v, (size_t)(pv->nr - 1) * sizeof(*pv->v));
	pv->v[0] = pfn;
}

/* ... and list_first_entry + list_del take it from there */
static unsigned long pfn_vec_pop_head(struct pfn_vec *pv)
{
	unsigned long pfn = pv->v[0];

	memmove(pv->v, pv->v + 1, (size_t)(pv->nr - 1) * sizeof(*pv->v));
	pv->nr--;
	return pfn;
}

struct compact_control {
	struct zone *zone;
	int order;			/* -1: compact everything */
	int search_order;		/* fast_isolate_freepages resumes here */
	int migratetype;
	enum migrate_mode mode;
	bool direct_compaction;
	bool whole_zone;
	bool ignore_skip_hint;
	bool ignore_block_suitable;	/* free scanner: any pageblock type */
	bool rescan;			/* in the block it last migrated from */
	unsigned int alloc_flags;
	int highest_zoneidx;
	unsigned long migrate_pfn, free_pfn;
	unsigned long fast_start_pfn;	/* 0: unset, ULONG_MAX: used */
	unsigned int fast_search_fail;
	unsigned long total_migrate_scanned, total_free_scanned;
	/*
	 * cc->migratepages, isolated sources: the kernel adds each at the
	 * list head and migrates from the head, so the last one first.
	 * cc->freepages, isolated free pages split into order-0 pages: the
	 * kernel's list head is the last element here.
	 */
	struct pfn_vec migratepages, freepages;
	struct capture_control *capc;
	/*
	 * 6.12 (v612): cc->freepages[order], the isolated free blocks kept
	 * whole, each list's head at index 0; nr_freepages and
	 * nr_migratepages count pages (compaction_alloc takes both down)
	 */
	bool v612;
	struct pfn_vec freelists[MAX_ORDER];
	unsigned long nr_freepages, nr_migratepages;
};

/*
 * What the scanners compare: pages isolated on each side.  6.1 splits its
 * targets into order-0 pages and (compaction skipping compound pages)
 * isolates order-0 sources, so the lists' lengths are the counts.
 */
static unsigned long cc_nr_free(const struct compact_control *cc)
{
	return cc->v612 ? cc->nr_freepages : (unsigned long)cc->freepages.nr;
}

static unsigned long cc_nr_migrate(const struct compact_control *cc)
{
	return cc->v612 ? cc->nr_migratepages : (unsigned long)cc->migratepages.nr;
}

bool is_movable_data(struct machine *m, unsigned long pfn)
{
	return PageLRU(m, pfn) && page_mapping(m, pfn) == PAGE_MAPPING_MOVABLE_DATA;
}

static inline unsigned long pageblock_start_pfn(unsigned long pfn)
{
	return pfn & ~(pageblock_nr_pages - 1);
}
static inline unsigned long pageblock_end_pfn(unsigned long pfn)
{
	return pageblock_start_pfn(pfn) + pageblock_nr_pages;
}
static inline bool pageblock_aligned(unsigned long pfn)
{
	return !(pfn & (pageblock_nr_pages - 1));
}
/* block_start_pfn / block_end_pfn of an order-aligned block */
static inline unsigned long order_block_start(unsigned long pfn, int order)
{
	return pfn & ~((1UL << order) - 1);
}
static inline unsigned long order_block_end(unsigned long pfn, int order)
{
	return order_block_start(pfn, order) + (1UL << order);
}

/*
 * pageblock_pfn_to_page: may the scanners look at [start, end)?  Its first
 * and last pfn must be memory of this zone.
 */
static bool pageblock_in_zone(struct machine *m, struct zone *z, unsigned long start,
			      unsigned long end)
{
	/* memory hotplug leaves offline sections inside zone spans */
	return pfn_present_mem(m, start) && pfn_is_online(m, start) && pfn_zone(m, start) == z &&
	       pfn_present_mem(m, end - 1) && pfn_is_online(m, end - 1) &&
	       pfn_zone(m, end - 1) == z;
}

static void count_compact_events(struct machine *m, enum vm_event_item item, long n)
{
	if (n)
		count_vm_events(m, item, n);
}

/* -------------------------------------------------------------------------
 * Deferral (defer_compaction and friends)
 */
static void defer_compaction(struct zone *z, int order)
{
	z->compact_considered = 0;
	if (z->compact_defer_shift < COMPACT_MAX_DEFER_SHIFT)
		z->compact_defer_shift++;
	if (order < z->compact_order_failed)
		z->compact_order_failed = order;
}

static bool compaction_deferred(struct zone *z, int order)
{
	unsigned int limit = 1U << z->compact_defer_shift;

	if (order < z->compact_order_failed)
		return false;
	if (++z->compact_considered >= limit) {
		z->compact_considered = limit;
		return false;
	}
	return true;
}

void compaction_defer_reset(struct zone *z, int order, bool alloc_success)
{
	if (alloc_success) {
		z->compact_considered = 0;
		z->compact_defer_shift = 0;
	}
	if (order >= z->compact_order_failed)
		z->compact_order_failed = order + 1;
}

/* Restarting after the longest deferral: the skip hints go first */
static bool compaction_restarting(struct zone *z, int order)
{
	if (order < z->compact_order_failed)
		return false;
	return z->compact_defer_shift == COMPACT_MAX_DEFER_SHIFT &&
	       z->compact_considered >= 1U << z->compact_defer_shift;
}

/* -------------------------------------------------------------------------
 * Pageblock skip hints and cached scanner positions
 */
static bool isolation_suitable(struct machine *m, struct compact_control *cc, unsigned long pfn)
{
	return cc->ignore_skip_hint || !get_pageblock_skip(m, pfn);
}

static void reset_cached_positions(struct zone *z)
{
	z->compact_cached_migrate_pfn[0] = z->zone_start_pfn;
	z->compact_cached_migrate_pfn[1] = z->zone_start_pfn;
	z->compact_cached_free_pfn = pageblock_start_pfn(zone_end_pfn(z) - 1);
}

/*
 * A compound page of pageblock order or more (a hugetlb page, a THP) at
 * pfn: its blocks hold nothing to migrate and no free page until it goes
 */
static bool pageblock_skip_persistent(struct machine *m, unsigned long pfn)
{
	if (!PageCompound(m, pfn))
		return false;
	return compound_order(m, page_head(m, pfn)) >= pageblock_order;
}

/*
 * __reset_isolation_pfn: clear the hint of the block at pfn when a sample
 * of its pages (one in eight) finds a page the scanner could use: an LRU
 * page for the migrate scanner (check_source), a free page for the free
 * scanner (check_target).  True when the block may be scanned.
 */
static bool __reset_isolation_pfn(struct machine *m, struct zone *z, unsigned long pfn,
				  bool check_source, bool check_target)
{
	unsigned long start, end;

	if (!pfn_present_mem(m, pfn) || pfn_zone(m, pfn) != z)
		return false;
	if (pageblock_skip_persistent(m, pfn))
		return false;
	if (check_source && check_target && !get_pageblock_skip(m, pfn))
		return true;
	if (!check_source && check_target &&
	    get_pfnblock_migratetype(z, pfn) != MIGRATE_MOVABLE)
		return false;
	start = pageblock_start_pfn(pfn);
	if (start < z->zone_start_pfn)
		start = z->zone_start_pfn;
	if (pfn_present_mem(m, start))
		pfn = start;
	end = pageblock_end_pfn(pfn) - 1;
	if (end > zone_end_pfn(z) - 1)
		end = zone_end_pfn(z) - 1;
	if (!pfn_present_mem(m, end))
		return false;
	for (; pfn <= end; pfn += 1UL << PAGE_ALLOC_COSTLY_ORDER) {
		if (!pfn_present_mem(m, pfn))
			continue;
		if ((check_source && PageLRU(m, pfn)) || (check_target && PageBuddy(m, pfn))) {
			set_pageblock_skip(m, pfn, false);
			return true;
		}
	}
	return false;
}

/*
 * __reset_isolation_suitable: walk the zone from both ends at once,
 * clearing the hints of blocks that may be scanned again, and restart the
 * scanners at the outermost such blocks
 */
static void __reset_isolation_suitable(struct machine *m, struct zone *z)
{
	unsigned long migrate_pfn = z->zone_start_pfn;
	unsigned long free_pfn = zone_end_pfn(z) - 1;
	unsigned long reset_migrate = free_pfn, reset_free = migrate_pfn;
	bool source_set = false, free_set = false;

	if (!z->compact_blockskip_flush)
		return;
	z->compact_blockskip_flush = false;
	for (; migrate_pfn < free_pfn; migrate_pfn += pageblock_nr_pages,
					free_pfn -= pageblock_nr_pages) {
		if (__reset_isolation_pfn(m, z, migrate_pfn, true, source_set) &&
		    migrate_pfn < reset_migrate) {
			source_set = true;
			reset_migrate = migrate_pfn;
			z->compact_init_migrate_pfn = reset_migrate;
			z->compact_cached_migrate_pfn[0] = reset_migrate;
			z->compact_cached_migrate_pfn[1] = reset_migrate;
		}
		if (__reset_isolation_pfn(m, z, free_pfn, free_set, true) &&
		    free_pfn > reset_free) {
			free_set = true;
			reset_free = free_pfn;
			z->compact_init_free_pfn = reset_free;
			z->compact_cached_free_pfn = reset_free;
		}
	}
	/* no block was reset: leave the scanners no distance */
	if (reset_migrate >= reset_free) {
		z->compact_cached_migrate_pfn[0] = migrate_pfn;
		z->compact_cached_migrate_pfn[1] = migrate_pfn;
		z->compact_cached_free_pfn = free_pfn;
	}
}

void reset_isolation_suitable(struct machine *m, int nid)
{
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = zone_of(m, nid, zi);

		if (populated_zone(z) && z->compact_blockskip_flush)
			__reset_isolation_suitable(m, z);
	}
}

/*
 * test_and_set_skip: mark the block at pfn for other runs when pfn is its
 * first page; true when it already was marked
 */
static bool test_and_set_skip(struct machine *m, struct compact_control *cc, unsigned long pfn)
{
	bool skip;

	/* 6.12 is handed the block's first page scanned (KVER612_FINISH_PAGEBLOCK) */
	if (cc->ignore_skip_hint || (!cc->v612 && !pageblock_aligned(pfn)))
		return false;
	skip = get_pageblock_skip(m, pfn);
	if (!skip)
		set_pageblock_skip(m, pfn, true);
	return skip;
}

static void update_cached_migrate(struct compact_control *cc, unsigned long pfn)
{
	struct zone *z = cc->zone;

	pfn = pageblock_end_pfn(pfn);
	if (pfn > z->compact_cached_migrate_pfn[0])
		z->compact_cached_migrate_pfn[0] = pfn;
	if (cc->mode != MIGRATE_ASYNC && pfn > z->compact_cached_migrate_pfn[1])
		z->compact_cached_migrate_pfn[1] = pfn;
}

/* update_pageblock_skip: the free scanner found nothing to take here */
static void update_pageblock_skip(struct machine *m, struct compact_control *cc,
				  unsigned long pfn)
{
	set_pageblock_skip(m, pfn, true);
	if (pfn < cc->zone->compact_cached_free_pfn)
		cc->zone->compact_cached_free_pfn = pfn;
}

/* -------------------------------------------------------------------------
 * Suitability
 */
static enum compact_result __compaction_suitable(struct machine *m, struct zone *z, int order,
						 unsigned int alloc_flags, int highest_zoneidx,
						 unsigned long wmark_target)
{
	unsigned long watermark;

	if (order < 0)
		return COMPACT_CONTINUE;
	watermark = wmark_pages(z, alloc_flags & ALLOC_WMARK_MASK);
	if (zone_watermark_ok(m, z, (unsigned int)order, watermark, highest_zoneidx, alloc_flags))
		return COMPACT_SUCCESS;
	/* compact_gap: room for the migration targets */
	watermark = (order > PAGE_ALLOC_COSTLY_ORDER) ? low_wmark_pages(z) : min_wmark_pages(z);
	watermark += 2UL << order;
	if (!__zone_watermark_ok(m, z, 0, watermark, highest_zoneidx, ALLOC_CMA,
				 (long)wmark_target))
		return COMPACT_SKIPPED;
	return COMPACT_CONTINUE;
}

int compaction_suitable(struct machine *m, struct zone *z, int order, unsigned int alloc_flags,
			int highest_zoneidx)
{
	enum compact_result ret = __compaction_suitable(m, z, order, alloc_flags, highest_zoneidx,
							zone_page_state(z, NR_FREE_PAGES));

	if (ret == COMPACT_CONTINUE && order > PAGE_ALLOC_COSTLY_ORDER) {
		int fragindex = fragmentation_index(z, (unsigned int)order);

		/* the failure is lack of memory, not fragmentation */
		if (fragindex >= 0 && fragindex <= sysctl_extfrag_threshold)
			ret = COMPACT_NOT_SUITABLE_ZONE;
	}
	/* callers see NOT_SUITABLE_ZONE as SKIPPED (6.1 folds it here) */
	if (ret == COMPACT_NOT_SUITABLE_ZONE)
		ret = COMPACT_SKIPPED;
	return ret;
}

/* The scanners meet as soon as they are in the same pageblock */
static bool compact_scanners_met(const struct compact_control *cc)
{
	return (cc->free_pfn >> pageblock_order) <= (cc->migrate_pfn >> pageblock_order);
}

static enum compact_result __compact_finished(struct machine *m, struct compact_control *cc)
{
	struct zone *z = cc->zone;

	if (compact_scanners_met(cc)) {
		/* the next run starts anew; kswapd clears the hints when it sleeps */
		reset_cached_positions(z);
		if (cc->direct_compaction)
			z->compact_blockskip_flush = true;
		return cc->whole_zone ? COMPACT_COMPLETE : COMPACT_PARTIAL_SKIPPED;
	}
	if (cc->order < 0)
		return COMPACT_CONTINUE;
	/* always finish the pageblock the migrate scanner is in */
	if (!pageblock_aligned(cc->migrate_pfn))
		return COMPACT_CONTINUE;
	for (int o = cc->order; o < MAX_ORDER; o++) {
		struct free_area *area = &z->free_area[o];
		bool can_steal;

		if (!pfnlist_empty(&area->free_list[cc->migratetype]))
			return COMPACT_SUCCESS;
		if (cc->migratetype == MIGRATE_MOVABLE && !pfnlist_empty(&area->free_list[MIGRATE_CMA]))
			return COMPACT_SUCCESS;
		if (find_suitable_fallback(area, (unsigned int)o, cc->migratetype, true,
					      &can_steal) != -1)
			return COMPACT_SUCCESS;
	}
	return COMPACT_NO_SUITABLE_PAGE;
}

static enum compact_result compact_finished(struct machine *m, struct compact_control *cc)
{
	enum compact_result ret = __compact_finished(m, cc);

	return ret == COMPACT_NO_SUITABLE_PAGE ? COMPACT_CONTINUE : ret;
}

/* -------------------------------------------------------------------------
 * Free lists: the rotations the fast searches leave behind
 */
/* move_freelist_head: rotate the list so that pfn is its first member */
static void move_freelist_head(struct machine *m, struct pfnlist_head *h, unsigned long pfn)
{
	unsigned long prev = page_lru_prev(m, pfn);

	if (prev == PFN_NONE)
		return;
	set_page_lru_next(m, h->last, h->first);
	set_page_lru_prev(m, h->first, h->last);
	set_page_lru_prev(m, pfn, PFN_NONE);
	set_page_lru_next(m, prev, PFN_NONE);
	h->first = pfn;
	h->last = prev;
}

/* move_freelist_tail: rotate the list so that pfn is its last member */
static void move_freelist_tail(struct machine *m, struct pfnlist_head *h, unsigned long pfn)
{
	unsigned long next = page_lru_next(m, pfn);

	if (next == PFN_NONE)
		return;
	set_page_lru_next(m, h->last, h->first);
	set_page_lru_prev(m, h->first, h->last);
	set_page_lru_next(m, pfn, PFN_NONE);
	set_page_lru_prev(m, next, PFN_NONE);
	h->first = next;
	h->last = pfn;
}

static unsigned int freelist_scan_limit(const struct compact_control *cc)
{
	unsigned int shift = cc->fast_search_fail < 63 ? cc->fast_search_fail : 63;

	return (unsigned int)(COMPACT_CLUSTER_MAX >> (shift < 31 ? shift : 31)) + 1;
}

/* -------------------------------------------------------------------------
 * The free scanner
 */
/* Take the free block at pfn (split_map_pages: order-0 pages, a reference each) */
static void add_freepages(struct machine *m, struct compact_control *cc, unsigned long pfn,
			  unsigned int order)
{
	/*
	 * 6.12 keeps the block whole on cc->freepages[order] (tail) and
	 * splits it only in compaction_alloc (KVER612_FREE_LISTS)
	 */
	if (cc->v612) {
		pfn_vec_push(&cc->freelists[order], pfn);
		cc->nr_freepages += 1UL << order;
		return;
	}
	for (unsigned long i = 0; i < 1UL << order; i++) {
		set_page_count(m, pfn + i, 1);
		pfn_vec_push(&cc->freepages, pfn + i);
	}
}

/*
 * isolate_freepages_block: take free blocks from [*start_pfn, end_pfn),
 * looking at every stride-th pfn, until there are targets for every
 * isolated source; *start_pfn is left where the scan stopped.
 */
static unsigned long isolate_freepages_block(struct machine *m, struct compact_control *cc,
					     unsigned long *start_pfn, unsigned long end_pfn,
					     unsigned int stride)
{
	unsigned long nr_scanned = 0, total_isolated = 0, blockpfn = *start_pfn;

	for (; blockpfn < end_pfn; blockpfn += stride) {
		unsigned int order;
		int isolated;

		nr_scanned++;
		if (!pfn_present_mem(m, blockpfn))
			continue;
		if (PageCompound(m, blockpfn)) {
			order = compound_order(m, blockpfn);
			/*
			 * 6.12 skips a compound page only when it ends in the
			 * block, and counts its pages scanned
			 * (KVER612_SCANNED_COUNTS)
			 */
			if (cc->v612) {
				if (order < MAX_ORDER && blockpfn + (1UL << order) <= end_pfn) {
					blockpfn += (1UL << order) - 1;
					nr_scanned += (1UL << order) - 1;
				}
				continue;
			}
			if (order < MAX_ORDER)
				blockpfn += (1UL << order) - 1;
			continue;
		}
		if (!PageBuddy(m, blockpfn))
			continue;
		order = buddy_order(m, blockpfn);
		isolated = __isolate_free_page(m, blockpfn, order);
		if (!isolated)
			break;		/* the zone is at its min watermark */
		add_freepages(m, cc, blockpfn, order);
		nr_scanned += (unsigned long)isolated - 1;
		total_isolated += (unsigned long)isolated;
		if (cc_nr_migrate(cc) <= cc_nr_free(cc)) {
			blockpfn += (unsigned long)isolated;
			break;
		}
		blockpfn += (unsigned long)isolated - 1;
	}
	if (blockpfn > end_pfn)
		blockpfn = end_pfn;
	*start_pfn = blockpfn;
	cc->total_free_scanned += nr_scanned;
	count_compact_events(m, COMPACTISOLATED, (long)total_isolated);
	return total_isolated;
}

/*
 * suitable_migration_target: may the free scanner take target pages from
 * the pageblock starting at pfn?  Never from one that is a free block of
 * pageblock order or more (splitting it would make the fragmentation
 * compaction is there to remove); otherwise from a movable pageblock, or
 * from any with ignore_block_suitable (the last, full-priority attempt).
 */
static bool suitable_migration_target(struct machine *m, struct compact_control *cc,
				      unsigned long pfn)
{
	/*
	 * 6.12 refuses a block whose first page is a free block of the
	 * wanted order already (KVER612_TARGET_ORDER)
	 */
	unsigned int limit = cc->v612 && cc->order > 0 ? (unsigned int)cc->order : pageblock_order;

	if (PageBuddy(m, pfn) && buddy_order(m, pfn) >= limit)
		return false;
	if (cc->ignore_block_suitable)
		return true;
	return is_migrate_movable(get_pfnblock_migratetype(cc->zone, pfn));
}

/* fast_isolate_around: sync runs take the rest of the found block too */
static void fast_isolate_around(struct machine *m, struct compact_control *cc, unsigned long pfn)
{
	struct zone *z = cc->zone;
	unsigned long start, end;

	if (cc_nr_free(cc) >= cc_nr_migrate(cc))
		return;
	if (cc->direct_compaction && cc->mode == MIGRATE_ASYNC)
		return;
	start = pageblock_start_pfn(pfn);
	if (start < z->zone_start_pfn)
		start = z->zone_start_pfn;
	end = pageblock_end_pfn(pfn);
	if (end > zone_end_pfn(z))
		end = zone_end_pfn(z);
	if (!pageblock_in_zone(m, z, start, end))
		return;
	isolate_freepages_block(m, cc, &start, end, 1);
	/*
	 * 6.12 marks the block when the scan reached its end, 6.1 when it
	 * could not supply every source (KVER612_FAST_AROUND_SKIP, see
	 * docs/model-notes.md for the upstream change)
	 */
	if (cc->v612 ? start == end : cc->freepages.nr < cc->migratepages.nr)
		set_pageblock_skip(m, pfn, true);
}

/* Search orders round-robin, below the wanted order */
static int next_search_order(struct compact_control *cc, int order)
{
	order--;
	if (order < 0)
		order = cc->order - 1;
	if (order == cc->search_order) {
		cc->search_order--;
		if (cc->search_order < 0)
			cc->search_order = cc->order - 1;
		return -1;
	}
	return order;
}

/*
 * fast_isolate_freepages: look along the movable free lists, from their
 * tails, for a free block in the top quarter of what is left to scan (or
 * the top half), and take it
 */
static void fast_isolate_freepages(struct machine *m, struct compact_control *cc)
{
	struct zone *z = cc->zone;
	unsigned int limit = freelist_scan_limit(cc) >> 1;
	unsigned long nr_scanned = 0, low_pfn, min_pfn, highest = 0, distance;
	unsigned long page = PFN_NONE;
	bool scan_start = false;
	int order;

	if (limit < 1)
		limit = 1;
	if (cc->order <= 0)
		return;
	/* starting the scan: search deeper, and keep the highest block seen */
	if (cc->free_pfn >= z->compact_init_free_pfn) {
		limit = pageblock_nr_pages >> 1;
		scan_start = true;
	}
	distance = cc->free_pfn - cc->migrate_pfn;
	low_pfn = pageblock_start_pfn(cc->free_pfn - (distance >> 2));
	min_pfn = pageblock_start_pfn(cc->free_pfn - (distance >> 1));
	if (min_pfn > low_pfn)
		low_pfn = min_pfn;
	if (cc->search_order > cc->order - 1)
		cc->search_order = cc->order - 1;

	for (order = cc->search_order; page == PFN_NONE && order >= 0;
	     order = next_search_order(cc, order)) {
		struct free_area *area = &z->free_area[order];
		struct pfnlist_head *freelist = &area->free_list[MIGRATE_MOVABLE];
		unsigned int order_scanned = 0;
		unsigned long high_pfn = 0, freepage = PFN_NONE;

		if (!area->nr_free)
			continue;
		for (unsigned long pfn = freelist->last; pfn != PFN_NONE;
		     pfn = page_lru_prev(m, pfn)) {
			freepage = pfn;
			order_scanned++;
			nr_scanned++;
			if (pfn >= highest) {
				highest = pageblock_start_pfn(pfn);
				if (highest < z->zone_start_pfn)
					highest = z->zone_start_pfn;
			}
			if (pfn >= low_pfn) {
				cc->fast_search_fail = 0;
				cc->search_order = order;
				page = pfn;
				break;
			}
			if (pfn >= min_pfn && pfn > high_pfn) {
				high_pfn = pfn;
				/* a candidate: shorten the scan */
				limit >>= 1;
			}
			if (order_scanned >= limit)
				break;
			/* the walk ran off the list: the rotation below is a no-op */
			if (page_lru_prev(m, pfn) == PFN_NONE)
				freepage = PFN_NONE;
		}
		/* the best below the preferred point */
		if (page == PFN_NONE && high_pfn) {
			page = high_pfn;
			freepage = page;
		}
		/* a later search starts with what this one did not see */
		if (freepage != PFN_NONE)
			move_freelist_head(m, freelist, freepage);
		if (page != PFN_NONE) {
			if (__isolate_free_page(m, page, (unsigned int)order)) {
				add_freepages(m, cc, page, (unsigned int)order);
				nr_scanned += (1UL << order) - 1;
				count_compact_events(m, COMPACTISOLATED, 1L << order);
			} else {
				/* the watermark refused: end the search */
				order = cc->search_order + 1;
				page = PFN_NONE;
			}
		}
		/* 6.12: enough targets, no further order (KVER612_FAST_FREE) */
		if (cc->v612 && cc_nr_free(cc) >= cc_nr_migrate(cc))
			break;
		if (order_scanned >= limit) {
			limit >>= 1;
			if (limit < 1)
				limit = 1;
		}
	}
	if (page == PFN_NONE) {
		cc->fast_search_fail++;
		if (scan_start) {
			/* the highest block seen, or, for direct compaction, min_pfn */
			if (highest >= min_pfn) {
				page = highest;
				cc->free_pfn = highest;
			} else if (cc->direct_compaction && pfn_present_mem(m, min_pfn)) {
				unsigned long end = pageblock_end_pfn(min_pfn);

				if (end > zone_end_pfn(z))
					end = zone_end_pfn(z);
				if (pageblock_in_zone(m, z, min_pfn, end))
					page = min_pfn;
				/* 6.12 takes it only as a target block (KVER612_FAST_FREE) */
				if (cc->v612 && page != PFN_NONE &&
				    !suitable_migration_target(m, cc, page))
					page = PFN_NONE;
				cc->free_pfn = min_pfn;
			}
		}
	}
	if (highest && highest >= z->compact_cached_free_pfn) {
		highest -= pageblock_nr_pages;
		z->compact_cached_free_pfn = highest;
	}
	cc->total_free_scanned += nr_scanned;
	if (page != PFN_NONE)
		fast_isolate_around(m, cc, page);
}

/* isolate_freepages: targets for the isolated sources, from the top down */
static void isolate_freepages(struct machine *m, struct compact_control *cc)
{
	struct zone *z = cc->zone;
	unsigned long block_start, block_end, isolate_start, low_pfn;
	unsigned int stride;

	fast_isolate_freepages(m, cc);
	if (cc_nr_free(cc))
		return;
	isolate_start = cc->free_pfn;
	block_start = pageblock_start_pfn(isolate_start);
	block_end = block_start + pageblock_nr_pages;
	if (block_end > zone_end_pfn(z))
		block_end = zone_end_pfn(z);
	/* never the migrate scanner's own block */
	low_pfn = pageblock_end_pfn(cc->migrate_pfn);
	stride = cc->mode == MIGRATE_ASYNC ? COMPACT_CLUSTER_MAX : 1;

	for (; block_start >= low_pfn; block_end = block_start,
	     block_start -= pageblock_nr_pages, isolate_start = block_start) {
		unsigned long nr_isolated;

		if (!pageblock_in_zone(m, z, block_start, block_end))
			continue;
		if (!suitable_migration_target(m, cc, block_start))
			continue;
		if (!isolation_suitable(m, cc, block_start))
			continue;
		nr_isolated = isolate_freepages_block(m, cc, &isolate_start, block_end, stride);
		/*
		 * scanned to its end: nothing more to take here; 6.12 resumes
		 * in the block below (KVER612_CACHED_FREE)
		 */
		if (isolate_start == block_end) {
			update_pageblock_skip(m, cc, block_start);
			if (cc->v612 &&
			    block_start - pageblock_nr_pages < cc->zone->compact_cached_free_pfn)
				cc->zone->compact_cached_free_pfn = block_start - pageblock_nr_pages;
		}
		if (cc_nr_free(cc) >= cc_nr_migrate(cc)) {
			/* resume in the block below if this one is done */
			if (isolate_start >= block_end)
				isolate_start = block_start - pageblock_nr_pages;
			break;
		} else if (isolate_start < block_end) {
			break;		/* the watermark stopped it */
		}
		stride = nr_isolated ? 1 : (stride << 1 < COMPACT_CLUSTER_MAX ? stride << 1 :
					    COMPACT_CLUSTER_MAX);
	}
	cc->free_pfn = isolate_start;
}

/*
 * 6.12's compaction_alloc: a target of the source's order from the
 * smallest isolated block that has one, the first isolated of its order;
 * what is left of the block goes back to the heads of the lower lists,
 * and the target is the block's first pages (KVER612_FREE_LISTS)
 */
static unsigned long compaction_alloc_612(struct machine *m, struct compact_control *cc,
					  unsigned int order)
{
	bool isolated = false;
	unsigned int o;
	unsigned long pfn;

	for (;;) {
		for (o = order; o < MAX_ORDER; o++)
			if (cc->freelists[o].nr)
				break;
		if (o < MAX_ORDER)
			break;
		if (isolated)
			return PFN_NONE;
		isolate_freepages(m, cc);
		isolated = true;
	}
	pfn = pfn_vec_pop_head(&cc->freelists[o]);
	while (o > order) {
		o--;
		pfn_vec_push_head(&cc->freelists[o], pfn + (1UL << o));
	}
	set_page_count(m, pfn, 1);
	if (order)
		prep_compound_page(m, pfn, order);
	cc->nr_freepages -= 1UL << order;
	cc->nr_migratepages -= 1UL << order;
	return pfn;
}

/* compaction_alloc: the next target, isolating more when none is left */
static unsigned long compaction_alloc(struct machine *m, struct compact_control *cc)
{
	if (!cc->freepages.nr) {
		isolate_freepages(m, cc);
		if (!cc->freepages.nr)
			return PFN_NONE;
	}
	return cc->freepages.v[--cc->freepages.nr];
}

/* -------------------------------------------------------------------------
 * The migrate scanner
 */
static bool suitable_migration_source(struct machine *m, struct compact_control *cc,
				      unsigned long pfn)
{
	int block_mt;

	if (pageblock_skip_persistent(m, pfn))
		return false;
	if (cc->mode != MIGRATE_ASYNC || !cc->direct_compaction)
		return true;
	block_mt = get_pfnblock_migratetype(cc->zone, pfn);
	if (cc->migratetype == MIGRATE_MOVABLE)
		return is_migrate_movable(block_mt);
	return block_mt == cc->migratetype;
}

/* Can this page be isolated, and is it the scenario's movable data?  */
static bool migrate_candidate(struct machine *m, unsigned long pfn, bool *data)
{
	*data = is_movable_data(m, pfn);
	if (*data)
		return true;
	/* an anonymous page held only by its mappings (the pinned check) */
	return PageLRU(m, pfn) && !PageCompound(m, pfn) && PageAnon(m, pfn) &&
	       page_ref_count(m, pfn) > 0 && page_ref_count(m, pfn) <= page_mapcount(m, pfn);
}

static void isolate_candidate(struct machine *m, unsigned long pfn, bool data)
{
	if (data)
		ClearPageLRU(m, pfn);
	else
		isolate_anon_lru_page(m, pfn);
}

/*
 * skip_isolation_on_order: 6.12 migrates a folio smaller than the order
 * compaction is for (and than a pageblock); compact_memory any below a
 * pageblock (KVER612_LARGE_FOLIOS)
 */
static bool skip_isolation_on_order(int order, int target_order)
{
	if (target_order >= 0 && order >= target_order)
		return true;
	return order >= (int)pageblock_order;
}

static void putback_movable_pages(struct machine *m, struct compact_control *cc)
{
	for (int i = 0; i < cc->migratepages.nr; i++) {
		unsigned long pfn = cc->migratepages.v[i];

		if (page_mapping(m, pfn) == PAGE_MAPPING_MOVABLE_DATA)
			SetPageLRU(m, pfn);
		else
			putback_anon_lru_page(m, pfn);
	}
	cc->migratepages.nr = 0;
	cc->nr_migratepages = 0;
}

/*
 * isolate_migratepages_block: isolate the movable pages of [low_pfn,
 * end_pfn), within one pageblock, up to COMPACT_CLUSTER_MAX of them
 * (unless the block is rescanned); cc->migrate_pfn is left where the scan
 * stopped
 */
static void isolate_migratepages_block(struct machine *m, struct compact_control *cc,
				       unsigned long low_pfn, unsigned long end_pfn)
{
	unsigned long nr_scanned = 0, nr_isolated = 0, next_skip_pfn = 0;
	unsigned long valid_page = PFN_NONE;
	bool skip_on_failure = false, skip_updated = false;

	cc->migrate_pfn = low_pfn;
	if (cc->direct_compaction && cc->mode == MIGRATE_ASYNC) {
		skip_on_failure = true;
		next_skip_pfn = order_block_end(low_pfn, cc->order);
	}
	for (; low_pfn < end_pfn; low_pfn++) {
		bool data;

		if (skip_on_failure && low_pfn >= next_skip_pfn) {
			/* the previous order-aligned block is all isolated: migrate it */
			if (nr_isolated)
				break;
			next_skip_pfn = order_block_end(low_pfn, cc->order);
		}
		nr_scanned++;
		/*
		 * a block marked since the caller looked is passed whole; 6.12
		 * looks at a zone's unaligned first block too (KVER612_ZONE_START)
		 */
		if (valid_page == PFN_NONE &&
		    (pageblock_aligned(low_pfn) ||
		     (cc->v612 && low_pfn == cc->zone->zone_start_pfn))) {
			if (!isolation_suitable(m, cc, low_pfn)) {
				low_pfn = end_pfn;
				goto isolate_abort;
			}
			valid_page = low_pfn;
		}
		if (!pfn_present_mem(m, low_pfn))
			goto isolate_fail;
		if (PageBuddy(m, low_pfn)) {
			unsigned int o = buddy_order(m, low_pfn);

			if (o > 0 && o < MAX_ORDER) {
				low_pfn += (1UL << o) - 1;
				if (cc->v612)	/* KVER612_SCANNED_COUNTS */
					nr_scanned += (1UL << o) - 1;
			}
			continue;
		}
		/*
		 * compound pages are skipped whole (6.12: those
		 * skip_isolation_on_order refuses, counting their pages
		 * scanned); a lone tail counts one pfn
		 */
		if (PageCompound(m, low_pfn) &&
		    (!cc->v612 || skip_isolation_on_order((int)compound_order(m, low_pfn), cc->order))) {
			unsigned int o = compound_order(m, low_pfn);

			if (o < MAX_ORDER) {
				low_pfn += (1UL << o) - 1;
				if (cc->v612)
					nr_scanned += (1UL << o) - 1;
			}
			goto isolate_fail;
		}
		/*
		 * LRU pages only (the model has no non-LRU movable pages):
		 * kernel memory and every pfn of a non-compound block of
		 * order > 0 fail here, one at a time, as do pinned pages
		 */
		if (!migrate_candidate(m, low_pfn, &data))
			goto isolate_fail;
		/* the first page taken under the LRU lock marks its block */
		if (cc->v612) {
			/*
			 * 6.12 marks the block (its first page, if the scan
			 * began there) whatever page is taken first, and a
			 * block already marked is left at once, unless it is
			 * to be finished (KVER612_FINISH_PAGEBLOCK)
			 */
			if (!skip_updated && valid_page != PFN_NONE) {
				skip_updated = true;
				if (test_and_set_skip(m, cc, valid_page) && !cc->rescan) {
					low_pfn = end_pfn;
					goto isolate_abort;
				}
			}
		} else if (!skip_updated) {
			skip_updated = true;
			if (test_and_set_skip(m, cc, low_pfn))
				goto isolate_abort;
		}
		isolate_candidate(m, low_pfn, data);
		pfn_vec_push(&cc->migratepages, low_pfn);
		if (cc->v612) {
			/* a large folio goes whole (KVER612_LARGE_FOLIOS) */
			unsigned long nr = 1UL << compound_order(m, low_pfn);

			cc->nr_migratepages += nr;
			nr_isolated += nr;
			nr_scanned += nr - 1;
			low_pfn += nr - 1;
		} else {
			nr_isolated++;
		}
		if (cc_nr_migrate(cc) >= COMPACT_CLUSTER_MAX && !cc->rescan) {
			++low_pfn;
			break;
		}
		continue;
isolate_fail:
		if (!skip_on_failure)
			continue;
		/* this order-aligned block cannot become free: give it up */
		if (nr_isolated) {
			putback_movable_pages(m, cc);
			nr_isolated = 0;
		}
		if (low_pfn < next_skip_pfn) {
			low_pfn = next_skip_pfn - 1;
			next_skip_pfn += 1UL << cc->order;
		}
	}
	if (low_pfn > end_pfn)
		low_pfn = end_pfn;
isolate_abort:
	/* scanned to the end with nothing taken (or rescanned): skip it next time */
	if (low_pfn == end_pfn && (!nr_isolated || cc->rescan)) {
		if (valid_page != PFN_NONE && !skip_updated)
			set_pageblock_skip(m, valid_page, true);
		update_cached_migrate(cc, low_pfn);
	}
	cc->total_migrate_scanned += nr_scanned;
	count_compact_events(m, COMPACTISOLATED, (long)nr_isolated);
	cc->migrate_pfn = low_pfn;
}

static void update_fast_start_pfn(struct compact_control *cc, unsigned long pfn)
{
	if (cc->fast_start_pfn == ULONG_MAX)
		return;
	if (!cc->fast_start_pfn || pfn < cc->fast_start_pfn)
		cc->fast_start_pfn = pfn;
}

static unsigned long reinit_migrate_pfn(struct compact_control *cc)
{
	if (!cc->fast_start_pfn || cc->fast_start_pfn == ULONG_MAX)
		return cc->migrate_pfn;
	cc->migrate_pfn = cc->fast_start_pfn;
	cc->fast_start_pfn = ULONG_MAX;
	return cc->migrate_pfn;
}

/*
 * fast_find_migrateblock: for a costly movable request, start the migrate
 * scanner in a block low in the zone whose free pages (order 3 up) are
 * already on the movable free lists, so less has to move
 */
static unsigned long fast_find_migrateblock(struct machine *m, struct compact_control *cc)
{
	struct zone *z = cc->zone;
	unsigned int limit = freelist_scan_limit(cc), nr_scanned = 0;
	unsigned long pfn = cc->migrate_pfn, distance, high_pfn;
	bool found_block = false;

	if (cc->ignore_skip_hint)
		return pfn;
	/* 6.12: a block to be finished is not traded for another (KVER612_FINISH_PAGEBLOCK) */
	if (cc->v612 && cc->rescan)
		return pfn;
	/* in the middle of a block: a continuation of the last scan */
	if (pfn != z->zone_start_pfn && pfn != pageblock_start_pfn(pfn))
		return pfn;
	if (cc->order <= PAGE_ALLOC_COSTLY_ORDER)
		return pfn;
	if (cc->direct_compaction && cc->migratetype != MIGRATE_MOVABLE)
		return pfn;
	/* the first half of the search space at the start, else its first eighth */
	distance = (cc->free_pfn - cc->migrate_pfn) >> 1;
	if (cc->migrate_pfn != z->zone_start_pfn)
		distance >>= 2;
	high_pfn = pageblock_start_pfn(cc->migrate_pfn + distance);

	for (int order = cc->order - 1;
	     order >= PAGE_ALLOC_COSTLY_ORDER && !found_block && nr_scanned < limit; order--) {
		struct free_area *area = &z->free_area[order];
		struct pfnlist_head *freelist = &area->free_list[MIGRATE_MOVABLE];
		unsigned long freepage, next;

		if (!area->nr_free)
			continue;
		for (freepage = freelist->first; freepage != PFN_NONE; freepage = next) {
			next = page_lru_next(m, freepage);
			if (nr_scanned++ >= limit) {
				move_freelist_tail(m, freelist, freepage);
				break;
			}
			if (freepage >= high_pfn)
				continue;
			/* recently skipped */
			if (get_pageblock_skip(m, freepage))
				continue;
			/* a later search starts after this one */
			move_freelist_tail(m, freelist, freepage);
			update_fast_start_pfn(cc, freepage);
			pfn = pageblock_start_pfn(freepage);
			if (pfn < z->zone_start_pfn)
				pfn = z->zone_start_pfn;
			cc->fast_search_fail = 0;
			found_block = true;
			/* 6.12 leaves the hint to the scan (KVER612_FAST_MIGRATE) */
			if (!cc->v612)
				set_pageblock_skip(m, freepage, true);
			break;
		}
	}
	cc->total_migrate_scanned += nr_scanned;
	/* nothing found: scan linearly from the lowest block that had free pages */
	if (!found_block) {
		cc->fast_search_fail++;
		pfn = reinit_migrate_pfn(cc);
	}
	return pfn;
}

/* isolate_migratepages: the first suitable block from the migrate scanner on */
static bool isolate_migratepages(struct machine *m, struct compact_control *cc)
{
	struct zone *z = cc->zone;
	unsigned long low_pfn, block_start, block_end;
	bool fast_find_block;

	low_pfn = fast_find_migrateblock(m, cc);
	block_start = pageblock_start_pfn(low_pfn);
	if (block_start < z->zone_start_pfn)
		block_start = z->zone_start_pfn;
	/* the fast search marked its block: do not take that for a hint */
	fast_find_block = low_pfn != cc->migrate_pfn && !cc->fast_search_fail;
	block_end = pageblock_end_pfn(low_pfn);

	/* whole blocks, never crossing the free scanner */
	for (; block_end <= cc->free_pfn; fast_find_block = false,
	     cc->migrate_pfn = low_pfn = block_end, block_start = block_end,
	     block_end += pageblock_nr_pages) {
		if (!pageblock_in_zone(m, z, block_start, block_end))
			continue;
		if ((pageblock_aligned(low_pfn) ||
		     (cc->v612 && low_pfn == z->zone_start_pfn)) && !fast_find_block &&
		    !isolation_suitable(m, cc, block_start))
			continue;
		/* async direct compaction scans movable blocks only */
		if (!suitable_migration_source(m, cc, block_start)) {
			update_cached_migrate(cc, block_end);
			continue;
		}
		isolate_migratepages_block(m, cc, low_pfn, block_end);
		break;
	}
	return cc->migratepages.nr > 0;
}

/*
 * Move one movable block's contents to dst (migrate_page_move_mapping +
 * copy).  migrate_pages counts a folio's pages, not the folio, in
 * pgmigrate_success (stats->nr_succeeded += nr_pages).
 */
void migrate_movable_block(struct machine *m, unsigned long src, unsigned long dst,
			   unsigned int order)
{
	set_page_mapping(m, dst, page_mapping(m, src));
	set_page_index(m, dst, page_index(m, src));
	SetPageLRU(m, dst);		/* putback_lru_page of the new page */
	if (m->migrate_notify)
		m->migrate_notify(m->migrate_priv, src, dst, order);
	set_page_mapping(m, src, 0);
	count_vm_events(m, PGMIGRATE_SUCCESS, 1L << order);
	__free_pages(m, src, order);
}

/*
 * migrate_pages with compaction_alloc as the target allocator: the last
 * isolated page first.  -ENOMEM when the free scanner found no target:
 * that page counts as failed and the rest stay isolated for the caller.
 */
static int compact_migrate_pages(struct machine *m, struct compact_control *cc)
{
	while (cc->migratepages.nr) {
		unsigned long src = cc->migratepages.v[cc->migratepages.nr - 1];
		unsigned int order = cc->v612 ? compound_order(m, src) : 0;
		unsigned long dst = cc->v612 ? compaction_alloc_612(m, cc, order) :
					       compaction_alloc(m, cc);

		if (dst == PFN_NONE) {
			count_vm_events(m, PGMIGRATE_FAIL, 1L << order);
			return -ENOMEM;
		}
		cc->migratepages.nr--;
		if (page_mapping(m, src) == PAGE_MAPPING_MOVABLE_DATA) {
			migrate_movable_block(m, src, dst, order);
		} else {
			/* migrate_pages counts a large folio's pages */
			if (order)
				count_vm_events(m, PGMIGRATE_SUCCESS, (1L << order) - 1);
			migrate_anon_page(m, src, dst);
		}
	}
	return 0;
}

/* release_freepages: the unused targets go back; returns the highest pfn */
static unsigned long release_freepages(struct machine *m, struct compact_control *cc)
{
	unsigned long high = 0;

	/* 6.12's release_free_list: each block whole, order by order, list order */
	if (cc->v612) {
		for (unsigned int o = 0; o < MAX_ORDER; o++) {
			struct pfn_vec *pv = &cc->freelists[o];

			for (int i = 0; i < pv->nr; i++) {
				unsigned long pfn = pv->v[i];

				if (pfn > high)
					high = pfn;
				set_page_count(m, pfn, 1);
				__free_pages(m, pfn, o);
			}
			pv->nr = 0;
		}
		cc->nr_freepages = 0;
		return high;
	}

	while (cc->freepages.nr) {
		unsigned long pfn = cc->freepages.v[--cc->freepages.nr];

		if (pfn > high)
			high = pfn;
		__free_pages(m, pfn, 0);
	}
	return high;
}

static enum compact_result compact_zone(struct machine *m, struct compact_control *cc)
{
	struct zone *z = cc->zone;
	unsigned long start_pfn = z->zone_start_pfn, end_pfn = zone_end_pfn(z);
	unsigned long last_migrated_pfn = 0;
	const bool sync = cc->mode != MIGRATE_ASYNC;
	enum compact_result ret;
	bool update_cached;

	cc->v612 = mm_kver_ge(m, 6, 12);
	cc->total_migrate_scanned = cc->total_free_scanned = 0;
	ret = (enum compact_result)compaction_suitable(m, z, cc->order, cc->alloc_flags,
						       cc->highest_zoneidx);
	if (ret == COMPACT_SUCCESS || ret == COMPACT_SKIPPED)
		return ret;
	/* retried after the longest deferral: clear the hints first */
	if (compaction_restarting(z, cc->order))
		__reset_isolation_suitable(m, z);

	cc->fast_start_pfn = 0;
	if (cc->whole_zone) {
		cc->migrate_pfn = start_pfn;
		cc->free_pfn = pageblock_start_pfn(end_pfn - 1);
	} else {
		/* resume where the last run stopped (compact_cached_*_pfn) */
		cc->migrate_pfn = z->compact_cached_migrate_pfn[sync];
		cc->free_pfn = z->compact_cached_free_pfn;
		if (cc->free_pfn < start_pfn || cc->free_pfn >= end_pfn) {
			cc->free_pfn = pageblock_start_pfn(end_pfn - 1);
			z->compact_cached_free_pfn = cc->free_pfn;
		}
		if (cc->migrate_pfn < start_pfn || cc->migrate_pfn >= end_pfn) {
			cc->migrate_pfn = start_pfn;
			z->compact_cached_migrate_pfn[0] = cc->migrate_pfn;
			z->compact_cached_migrate_pfn[1] = cc->migrate_pfn;
		}
		if (cc->migrate_pfn <= z->compact_init_migrate_pfn)
			cc->whole_zone = true;
	}
	/* keep the async and sync positions together until something is isolated */
	update_cached = !sync &&
			z->compact_cached_migrate_pfn[0] == z->compact_cached_migrate_pfn[1];

	while ((ret = compact_finished(m, cc)) == COMPACT_CONTINUE) {
		unsigned long iteration_start_pfn = cc->migrate_pfn;

		/* a second pass over the block just migrated from takes it all */
		cc->rescan = pageblock_start_pfn(last_migrated_pfn) ==
			     pageblock_start_pfn(iteration_start_pfn);
rescan:
		if (!isolate_migratepages(m, cc)) {
			if (update_cached)
				z->compact_cached_migrate_pfn[1] = z->compact_cached_migrate_pfn[0];
			goto check_drain;
		}
		update_cached = false;
		/*
		 * 6.12: the pageblock the isolated pages came from, not where
		 * the iteration began (KVER612_LAST_MIGRATED)
		 */
		if (cc->v612) {
			last_migrated_pfn = pageblock_start_pfn(cc->migrate_pfn - 1);
			if (last_migrated_pfn < start_pfn)
				last_migrated_pfn = start_pfn;
		} else {
			last_migrated_pfn = iteration_start_pfn;
		}
		if (cc->v612) {
			if (compact_migrate_pages(m, cc)) {
				putback_movable_pages(m, cc);
				if (!compact_scanners_met(cc)) {
					ret = COMPACT_CONTENDED;
					goto out;
				}
				/*
				 * a page failed in the block: finish the block
				 * (which marks it) instead of giving up its
				 * order-aligned part (KVER612_FINISH_PAGEBLOCK)
				 */
				if (!pageblock_aligned(cc->migrate_pfn) && !cc->ignore_skip_hint &&
				    !cc->rescan && cc->mode < MIGRATE_SYNC) {
					cc->rescan = true;
					if (cc->order == (int)pageblock_order)
						last_migrated_pfn = 0;
					goto rescan;
				}
			}
			/* a captured block ends the run before the drain (KVER612_CAPTURE) */
			if (cc->capc && cc->capc->page != PFN_NONE) {
				ret = COMPACT_SUCCESS;
				break;
			}
			goto check_drain;
		}
		if (compact_migrate_pages(m, cc)) {
			putback_movable_pages(m, cc);
			if (!compact_scanners_met(cc)) {
				ret = COMPACT_CONTENDED;
				goto out;
			}
			/* a page of this order-aligned block stayed: skip the rest */
			if (cc->direct_compaction && cc->mode == MIGRATE_ASYNC) {
				cc->migrate_pfn = order_block_end(cc->migrate_pfn - 1, cc->order);
				last_migrated_pfn = 0;
			}
		}
check_drain:
		/* flush the freed sources once the scanner left their order-aligned block */
		if (cc->order > 0 && last_migrated_pfn) {
			if (last_migrated_pfn < order_block_start(cc->migrate_pfn, cc->order)) {
				drain_local_pages(m, z);
				last_migrated_pfn = 0;
			}
		}
		if (!cc->v612 && cc->capc && cc->capc->page != PFN_NONE) {
			ret = COMPACT_SUCCESS;
			break;
		}
	}
out:
	/* unused targets go back; the free scanner resumes no lower than they were */
	if (cc_nr_free(cc)) {
		unsigned long free_pfn = pageblock_start_pfn(release_freepages(m, cc));

		if (free_pfn > z->compact_cached_free_pfn)
			z->compact_cached_free_pfn = free_pfn;
	}
	host_free(cc->freepages.v);
	host_free(cc->migratepages.v);
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		host_free(cc->freelists[o].v);
		cc->freelists[o] = (struct pfn_vec){ 0 };
	}
	cc->freepages = (struct pfn_vec){ 0 };
	cc->migratepages = (struct pfn_vec){ 0 };
	count_compact_events(m, COMPACTMIGRATE_SCANNED, (long)cc->total_migrate_scanned);
	count_compact_events(m, COMPACTFREE_SCANNED, (long)cc->total_free_scanned);
	return ret;
}

/*
 * compact_zone_order: one zone at one priority.  The priorities differ in
 * migration mode (async only at COMPACT_PRIO_ASYNC) and, at
 * MIN_COMPACT_PRIORITY only, in scanning the whole zone, ignoring the skip
 * hints and taking targets from any pageblock type.  A block of the order
 * freed meanwhile is captured for the caller.
 */
static enum compact_result compact_zone_order(struct machine *m, struct zone *z, int order,
					      gfp_t gfp, enum compact_priority prio,
					      unsigned int alloc_flags, int highest_zoneidx,
					      unsigned long *capture)
{
	struct capture_control capc = {
		.zone = z, .order = order, .page = PFN_NONE,
		/* KVER612_CAPTURE */
		.capture_movable = mm_kver_ge(m, 6, 12) && gfp_migratetype(gfp) == MIGRATE_MOVABLE,
	};
	struct compact_control cc = {
		.zone = z, .order = order, .search_order = order,
		.migratetype = gfp_migratetype(gfp),
		.mode = prio == COMPACT_PRIO_ASYNC ? MIGRATE_ASYNC : MIGRATE_SYNC_LIGHT,
		.alloc_flags = alloc_flags,
		.highest_zoneidx = highest_zoneidx,
		.direct_compaction = true,
		.whole_zone = prio == MIN_COMPACT_PRIORITY,
		.ignore_skip_hint = prio == MIN_COMPACT_PRIORITY,
		.ignore_block_suitable = prio == MIN_COMPACT_PRIORITY,
		.capc = &capc,
	};
	enum compact_result ret;

	m->capture_control = &capc;
	ret = compact_zone(m, &cc);
	m->capture_control = NULL;
	*capture = capc.page;
	if (*capture != PFN_NONE)
		ret = COMPACT_SUCCESS;
	return ret;
}

enum compact_result try_to_compact_pages(struct machine *m, gfp_t gfp, unsigned int order,
					 int preferred_nid, unsigned int alloc_flags,
					 enum compact_priority prio, unsigned long *capture)
{
	struct zone *const *zonelist = m->zonelists[preferred_nid][!!(gfp & __GFP_THISNODE)];
	int highest_zoneidx = gfp_zone(gfp);
	enum compact_result rc = COMPACT_SKIPPED;
	unsigned long captured = PFN_NONE;

	if (!capture)
		capture = &captured;
	*capture = PFN_NONE;
	if (!(gfp & __GFP_IO))
		return COMPACT_SKIPPED;	/* gfp_compaction_allowed */
	for (struct zone *const *zr = zonelist; *zr; zr++) {
		struct zone *z = *zr;
		enum compact_result status;

		if (z->idx > highest_zoneidx || !managed_zone(z))
			continue;
		if (prio > MIN_COMPACT_PRIORITY && compaction_deferred(z, (int)order)) {
			if (rc < COMPACT_DEFERRED)
				rc = COMPACT_DEFERRED;
			continue;
		}
		status = compact_zone_order(m, z, (int)order, gfp, prio, alloc_flags,
					    highest_zoneidx, capture);
		if (status > rc)
			rc = status;
		/* the allocation should succeed here (not certain: reset, not success) */
		if (status == COMPACT_SUCCESS) {
			compaction_defer_reset(z, (int)order, false);
			break;
		}
		if (prio != COMPACT_PRIO_ASYNC &&
		    (status == COMPACT_COMPLETE || status == COMPACT_PARTIAL_SKIPPED))
			defer_compaction(z, (int)order);
	}
	return rc;
}

/*
 * compaction_zonelist_suitable: would a zone of the list pass the order-0
 * watermark compaction needs if reclaim went on?  (The kernel adds an
 * order-th of the zone's reclaimable pages; the model has none.)
 */
bool compaction_zonelist_suitable(struct machine *m, struct zone *const *zonelist,
				  int highest_zoneidx, int order, unsigned int alloc_flags)
{
	for (struct zone *const *zr = zonelist; *zr; zr++) {
		struct zone *z = *zr;

		if (z->idx > highest_zoneidx || !managed_zone(z))
			continue;
		if (__compaction_suitable(m, z, order, alloc_flags, highest_zoneidx,
					  zone_page_state(z, NR_FREE_PAGES)) == COMPACT_CONTINUE)
			return true;
	}
	return false;
}

void compact_node(struct machine *m, int nid)
{
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = zone_of(m, nid, zi);
		struct compact_control cc = {
			.zone = z, .order = -1, .mode = MIGRATE_SYNC, .whole_zone = true,
			.ignore_skip_hint = true, .migratetype = gfp_migratetype(GFP_KERNEL),
		};

		if (!populated_zone(z))
			continue;
		compact_zone(m, &cc);
	}
}

/* -------------------------------------------------------------------------
 * alloc_contig_range: isolate the pageblocks, migrate everything movable
 * out (compound pages too), then take the now free range.
 */
/* The head of the free buddy block containing pfn, or PFN_NONE */
static unsigned long free_block_head(struct machine *m, unsigned long pfn)
{
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		unsigned long head = pfn & ~((1UL << o) - 1);

		if (PageBuddy(m, head) && buddy_order(m, head) >= o)
			return head;
	}
	return PFN_NONE;
}

static int isolate_range(struct machine *m, struct zone *z, unsigned long start, unsigned long end,
			 uint8_t *saved)
{
	for (unsigned long b = start & ~(pageblock_nr_pages - 1), i = 0; b < end;
	     b += pageblock_nr_pages, i++) {
		saved[i] = (uint8_t)get_pfnblock_migratetype(z, b);
		if (saved[i] == MIGRATE_ISOLATE)
			return -1;
		set_pfnblock_migratetype(z, b, MIGRATE_ISOLATE);
		/* set_migratetype_isolate: isolated free pages stop counting as free */
		z->vm_stat[NR_FREE_PAGES] -= move_freepages_block(m, z, b, MIGRATE_ISOLATE, NULL);
	}
	return 0;
}

static void undo_isolate_range(struct machine *m, struct zone *z, unsigned long start,
			       unsigned long end, const uint8_t *saved)
{
	for (unsigned long b = start & ~(pageblock_nr_pages - 1), i = 0; b < end;
	     b += pageblock_nr_pages, i++) {
		unsigned long e = b + pageblock_nr_pages, present_end = b;

		/*
		 * free pages on the isolate list go back, and are accounted
		 * again; presence is asked a run at a time (present_end: the
		 * end of the run pfn is in), which reads no struct page
		 */
		for (unsigned long pfn = b; pfn < e;) {
			if (pfn >= present_end) {
				present_end = pfn_present_mem_end(m, pfn, e);
				if (present_end == pfn) {
					pfn++;
					continue;
				}
			}
			if (PageBuddy(m, pfn) && (int)page_index(m, pfn) == MIGRATE_ISOLATE) {
				unsigned int o = buddy_order(m, pfn);

				del_page_from_free_list(m, pfn, z, o, MIGRATE_ISOLATE);
				set_pfnblock_migratetype(z, b, saved[i]);
				__free_one_page(m, pfn, z, o, saved[i], FPI_NONE);
				pfn += 1UL << o;
				continue;
			}
			pfn++;
		}
		set_pfnblock_migratetype(z, b, saved[i]);
	}
}

int alloc_contig_range(struct machine *m, unsigned long start, unsigned long end,
		       int migratetype, gfp_t gfp)
{
	struct zone *z = page_zone(m, start);
	unsigned long nblocks = ((end - 1) >> pageblock_order) - (start >> pageblock_order) + 1;
	uint8_t *saved = host_calloc(nblocks, 1, "isolating a range for alloc_contig_range");
	int ret = 0;

	(void)migratetype;
	if (isolate_range(m, z, start, end, saved)) {
		host_free(saved);
		return -EBUSY;
	}
	drain_all_pages(m, z);
	for (unsigned long pfn = start; pfn < end && !ret;) {
		unsigned int o;
		unsigned long fh = free_block_head(m, pfn);

		/* inside a free block (a migrated page may have merged upward) */
		if (fh != PFN_NONE) {
			pfn = fh + (1UL << buddy_order(m, fh));
			continue;
		}
		if (PageHead(m, pfn) && is_movable_data(m, pfn)) {
			o = compound_order(m, pfn);
		} else if (is_movable_data(m, pfn)) {
			o = 0;
		} else {
			ret = -EBUSY;	/* unmovable page in the range */
			break;
		}
		unsigned long dst = __alloc_pages(m, (gfp & ~__GFP_THISNODE) | __GFP_MOVABLE |
						  (o ? __GFP_COMP : 0), o, page_to_nid(m, pfn));
		if (dst == PFN_NONE) {
			ret = -ENOMEM;
			break;
		}
		ClearPageLRU(m, pfn);
		migrate_movable_block(m, pfn, dst, o);
		pfn += 1UL << o;
	}
	drain_all_pages(m, z);
	if (!ret) {
		/*
		 * Everything is free now, in isolated pageblocks
		 * (test_pages_isolated): take it (isolate_freepages_range).
		 */
		for (unsigned long pfn = start; pfn < end;) {
			unsigned long fh = free_block_head(m, pfn);

			if (fh == PFN_NONE || get_pfnblock_migratetype(z, fh) != MIGRATE_ISOLATE) {
				ret = -EBUSY;
				break;
			}
			pfn = fh + (1UL << buddy_order(m, fh));
		}
	}
	if (!ret) {
		for (unsigned long pfn = start & ~(MAX_ORDER_NR_PAGES - 1); pfn < end;) {
			if (!PageBuddy(m, pfn)) {
				pfn++;
				continue;
			}
			unsigned int o = buddy_order(m, pfn);

			if (pfn + (1UL << o) <= start) {
				pfn += 1UL << o;
				continue;
			}
			/* isolated: no watermark, and the pages already left NR_FREE_PAGES */
			__isolate_free_page(m, pfn, o);
			for (unsigned long i = 0; i < 1UL << o; i++) {
				unsigned long p = pfn + i;

				if (p < start || p >= end) {
					/* the part outside the range goes back */
					set_page_count(m, p, 0);
					__free_one_page(m, p, z, 0, get_pfnblock_migratetype(z, p),
							FPI_NONE);
					continue;
				}
				set_page_count(m, p, 1);
			}
			pfn += 1UL << o;
		}
	}
	undo_isolate_range(m, z, start, end, saved);
	host_free(saved);
	return ret;
}

/*
 * 6.1's loop reads, pfn by pfn: is it present memory, is its zone z, is it
 * not PageReserved.  Presence comes here a run at a time (memblock
 * regions, sub-sections), which gives the same answer for each pfn; the
 * zone and PG_reserved come from one read of the page's flags where the
 * loop makes two with nothing between them, which reads the same word
 * through the same TLB entry.  Under the explorer each of those reads is
 * a scheduling point of its own, so the loop is 6.1's there.
 */
static bool pfn_range_valid_contig(struct machine *m, struct zone *z, unsigned long start,
				   unsigned long nr)
{
	unsigned long end = start + nr;

	if (unlikely(m->sched)) {
		for (unsigned long pfn = start; pfn < end; pfn++) {
			if (!pfn_present_mem(m, pfn) || page_zone(m, pfn) != z)
				return false;
			if (PageReserved(m, pfn))
				return false;
		}
		return true;
	}
	for (unsigned long pfn = start; pfn < end;) {
		unsigned long run = pfn_present_mem_end(m, pfn, end);

		if (run == pfn)
			return false;
		for (; pfn < run; pfn++) {
			uint64_t f = page_flags(m, pfn);

			if (&m->node[(f >> NODES_PGSHIFT) & NODES_MASK]
				     .node_zones[(f >> ZONES_PGSHIFT) & ZONES_MASK] != z ||
			    (f & (1UL << PG_reserved)))
				return false;
		}
	}
	return true;
}

unsigned long alloc_contig_pages(struct machine *m, unsigned long nr_pages, gfp_t gfp, int nid)
{
	int highest = gfp_zone(gfp);
	int nodes = (gfp & __GFP_THISNODE) ? 1 : m->nr_nodes;

	for (int ni = 0; ni < nodes; ni++) {
		int n = m->node_order[nid][ni];

		for (int zi = highest; zi >= 0; zi--) {
			struct zone *z = zone_of(m, n, zi);
			unsigned long pfn = (z->zone_start_pfn + nr_pages - 1) & ~(nr_pages - 1);

			if (!managed_zone(z))
				continue;
			for (; pfn + nr_pages <= zone_end_pfn(z); pfn += nr_pages) {
				if (!pfn_range_valid_contig(m, z, pfn, nr_pages))
					continue;
				if (alloc_contig_range(m, pfn, pfn + nr_pages, MIGRATE_MOVABLE, gfp) == 0)
					return pfn;
			}
		}
	}
	return PFN_NONE;
}

void free_contig_range(struct machine *m, unsigned long pfn, unsigned long nr_pages)
{
	for (unsigned long i = 0; i < nr_pages; i++)
		__free_pages(m, pfn + i, 0);
}
