// SPDX-License-Identifier: GPL-2.0-only
/*
 * compaction.c - memory compaction and contiguous range allocation
 * (mm/compaction.c, mm/page_alloc.c:alloc_contig_range, Linux 6.1).
 *
 * A migrate scanner walks the zone upward a pageblock at a time and
 * isolates movable in-use pages; a free scanner walks down from the top and
 * isolates free pages in blocks that may receive movable data; migration
 * copies each page into an order-0 target and frees the source (through
 * the per-cpu lists, drained when the migrate scanner leaves an
 * order-aligned block, as compact_zone does).  Compaction stops when the
 * scanners meet or a free block of the wanted order exists.
 *
 * What is movable: pages the scenario allocated with a movable gfp and the
 * runner marked as user data (mm_mark_movable_data: PageLRU and a movable
 * mapping tag), i.e. what the kernel would have on the LRU: order-0 pages
 * and compound pages.  As in 6.1, compaction skips compound pages; only
 * alloc_contig_range migrates them.  A non-compound block of order > 0 is
 * never marked: it is not an LRU folio, and its tails are not compound
 * tails, so 6.1's isolate_migratepages_block fails its head and then each
 * following pfn in turn (a sync run goes on to the next pfn), and the
 * block stays where it is; alloc_contig_range over it fails with -EBUSY.
 *
 * Simplified, and what it changes: the scanners resume from the cached
 * positions, but there are no pageblock skip hints and no fast free-page
 * search, so a run may scan blocks the kernel would skip; no capture of
 * freed pages for the caller, so a concurrent allocation could take the
 * block first (there is none here).
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
#include "vm_event_item.h"

#define COMPACT_CLUSTER_MAX	32
#define COMPACT_MAX_DEFER_SHIFT	6
#define sysctl_extfrag_threshold 500

enum migrate_mode { MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT, MIGRATE_SYNC };

struct compact_control {
	struct zone *zone;
	int order;			/* -1: compact everything */
	int migratetype;
	enum migrate_mode mode;
	bool direct_compaction;
	bool whole_zone;
	bool ignore_block_suitable;	/* free scanner: any pageblock type */
	unsigned int alloc_flags;
	int highest_zoneidx;
	unsigned long migrate_pfn, free_pfn;
	unsigned long migratepages[COMPACT_CLUSTER_MAX];
	int nr_migratepages;
	unsigned long *freepages;	/* isolated order-0 free pages */
	int nr_freepages, cap_freepages;
};

bool is_movable_data(struct machine *m, unsigned long pfn)
{
	return PageLRU(m, pfn) && page_mapping(m, pfn) == PAGE_MAPPING_MOVABLE_DATA;
}

/*
 * pageblock_pfn_to_page: may the scanners look at the pageblock at pfn?
 * Only when it is online and in this zone: memory hotplug leaves offline
 * sections inside zone spans and lets the spans of two zones overlap.
 */
static bool pageblock_in_zone(struct machine *m, struct zone *z, unsigned long pfn)
{
	return pfn_is_online(m, pfn) && pfn_zone(m, pfn) == z;
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

/* -------------------------------------------------------------------------
 * Suitability
 */
static enum compact_result __compaction_suitable(struct machine *m, struct zone *z, int order,
						 unsigned int alloc_flags, int highest_zoneidx)
{
	unsigned long watermark;

	if (order <= 0)
		return COMPACT_CONTINUE;
	watermark = wmark_pages(z, alloc_flags & ALLOC_WMARK_MASK);
	if (zone_watermark_ok(m, z, (unsigned int)order, watermark, highest_zoneidx, alloc_flags))
		return COMPACT_SUCCESS;
	/* compact_gap: room for the migration targets */
	watermark = (order > PAGE_ALLOC_COSTLY_ORDER) ? low_wmark_pages(z) : min_wmark_pages(z);
	watermark += 2UL << order;
	if (!__zone_watermark_ok(m, z, 0, watermark, highest_zoneidx, ALLOC_CMA,
				 (long)zone_page_state(z, NR_FREE_PAGES)))
		return COMPACT_SKIPPED;
	return COMPACT_CONTINUE;
}

int compaction_suitable(struct machine *m, struct zone *z, unsigned int order,
			unsigned int alloc_flags, int highest_zoneidx)
{
	enum compact_result ret = __compaction_suitable(m, z, (int)order, alloc_flags,
							highest_zoneidx);

	if (ret == COMPACT_CONTINUE && order > PAGE_ALLOC_COSTLY_ORDER) {
		int fragindex = fragmentation_index(z, order);

		/* the failure is lack of memory, not fragmentation */
		if (fragindex >= 0 && fragindex <= sysctl_extfrag_threshold)
			ret = COMPACT_NOT_SUITABLE_ZONE;
	}
	/* callers see NOT_SUITABLE_ZONE as SKIPPED (6.1 folds it here) */
	if (ret == COMPACT_NOT_SUITABLE_ZONE)
		ret = COMPACT_SKIPPED;
	return ret;
}

/*
 * The model's free_pfn is the exclusive end of what the free scanner has
 * left to scan; the kernel's cc->free_pfn is the start of the pageblock it
 * scans next.  This gives the kernel's value.
 */
static unsigned long free_scanner_block(const struct compact_control *cc)
{
	return (cc->free_pfn - 1) & ~(pageblock_nr_pages - 1);
}

/*
 * compact_scanners_met: the scanners meet as soon as they are in the same
 * pageblock; neither ever scans the other's block.
 */
static bool compact_scanners_met(const struct compact_control *cc)
{
	return cc->free_pfn <= cc->migrate_pfn ||
	       (free_scanner_block(cc) >> pageblock_order) <= (cc->migrate_pfn >> pageblock_order);
}

static enum compact_result __compact_finished(struct machine *m, struct compact_control *cc)
{
	struct zone *z = cc->zone;

	if (compact_scanners_met(cc))
		return COMPACT_COMPLETE;
	if (cc->order < 0)
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
	return COMPACT_CONTINUE;
}

/* -------------------------------------------------------------------------
 * Scanners
 */
static bool suitable_migration_source(struct compact_control *cc, int block_mt)
{
	if (cc->mode != MIGRATE_ASYNC || !cc->direct_compaction)
		return true;
	if (cc->migratetype == MIGRATE_MOVABLE)
		return is_migrate_movable(block_mt);
	return block_mt == cc->migratetype;
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
	if (PageBuddy(m, pfn) && buddy_order(m, pfn) >= pageblock_order)
		return false;
	if (cc->ignore_block_suitable)
		return true;
	return is_migrate_movable(get_pfnblock_migratetype(cc->zone, pfn));
}

/* Isolate movable pages from the next pageblock; returns false at the end */
static bool isolate_migratepages(struct machine *m, struct compact_control *cc)
{
	struct zone *z = cc->zone;

	/* whole pageblocks below the one the free scanner scans next */
	while (cc->free_pfn > cc->migrate_pfn &&
	       (cc->migrate_pfn | (pageblock_nr_pages - 1)) + 1 <= free_scanner_block(cc)) {
		unsigned long start = cc->migrate_pfn;
		unsigned long end = (start | (pageblock_nr_pages - 1)) + 1;

		cc->migrate_pfn = end;
		if (!pfn_present_mem(m, start) || !pageblock_in_zone(m, z, start) ||
		    !suitable_migration_source(cc, get_pfnblock_migratetype(z, start)))
			continue;
		for (unsigned long pfn = start; pfn < end; pfn++) {
			count_vm_event(m, COMPACTMIGRATE_SCANNED);
			if (!pfn_present_mem(m, pfn))
				continue;
			if (PageBuddy(m, pfn)) {
				unsigned int o = buddy_order(m, pfn);

				if (o < MAX_ORDER)
					pfn += (1UL << o) - 1;
				continue;
			}
			/* compound pages are skipped whole; a lone tail counts one pfn */
			if (PageCompound(m, pfn)) {
				pfn += (1UL << compound_order(m, pfn)) - 1;
				continue;
			}
			/*
			 * Only LRU pages (the model has no non-LRU movable
			 * pages): kernel memory and every pfn of a non-compound
			 * block of order > 0 fail here, one at a time.
			 */
			if (!is_movable_data(m, pfn))
				continue;
			ClearPageLRU(m, pfn);		/* isolate_lru_page */
			cc->migratepages[cc->nr_migratepages++] = pfn;
			count_vm_event(m, COMPACTISOLATED);
			if (cc->nr_migratepages == COMPACT_CLUSTER_MAX) {
				cc->migrate_pfn = pfn + 1;
				return true;
			}
		}
		if (cc->nr_migratepages)
			return true;
	}
	return cc->nr_migratepages > 0;
}

/* isolate_freepages_block for one free block: false when the watermark refused it */
static bool isolate_one_free_block(struct machine *m, struct compact_control *cc,
				   unsigned long pfn, unsigned int order)
{
	unsigned long nr = 1UL << order;

	if (!__isolate_free_page(m, pfn, order))
		return false;
	/* split_map_pages: order-0 pages with a reference each */
	if (cc->nr_freepages + (int)nr > cc->cap_freepages) {
		int cap = cc->cap_freepages ? cc->cap_freepages : 64;

		while (cap < cc->nr_freepages + (int)nr)
			cap *= 2;
		cc->freepages = host_reallocarray(cc->freepages, (size_t)cap, sizeof(unsigned long),
						  "isolating free pages for compaction");
		cc->cap_freepages = cap;
	}
	for (unsigned long i = 0; i < nr; i++) {
		set_page_count(m, pfn + i, 1);
		cc->freepages[cc->nr_freepages++] = pfn + i;
	}
	count_vm_events(m, COMPACTISOLATED, (long)nr);
	return true;
}

static void isolate_freepages(struct machine *m, struct compact_control *cc)
{
	struct zone *z = cc->zone;

	/* pageblock_end_pfn(migrate_pfn): never the migrate scanner's own block */
	unsigned long low_pfn = (cc->migrate_pfn | (pageblock_nr_pages - 1)) + 1;

	while (cc->free_pfn > cc->migrate_pfn && cc->nr_freepages < COMPACT_CLUSTER_MAX) {
		unsigned long end = cc->free_pfn;
		unsigned long start = free_scanner_block(cc);

		if (start < low_pfn) {
			cc->free_pfn = cc->migrate_pfn;	/* the scanners met */
			break;
		}
		if (start < z->zone_start_pfn)
			start = z->zone_start_pfn;
		cc->free_pfn = start;
		if (!pfn_present_mem(m, start) || !pageblock_in_zone(m, z, start) ||
		    !suitable_migration_target(m, cc, start))
			continue;
		for (unsigned long pfn = start; pfn < end; pfn++) {
			count_vm_event(m, COMPACTFREE_SCANNED);
			if (!pfn_present_mem(m, pfn) || !PageBuddy(m, pfn))
				continue;
			unsigned int o = buddy_order(m, pfn);

			if (pfn + (1UL << o) > end)
				break;
			/* the zone stays above its min watermark, or the scan stops */
			if (!isolate_one_free_block(m, cc, pfn, o))
				return;
			pfn += (1UL << o) - 1;
		}
	}
}

/* Move one movable block's contents to dst (migrate_page_move_mapping + copy) */
void migrate_movable_block(struct machine *m, unsigned long src, unsigned long dst,
			   unsigned int order)
{
	set_page_mapping(m, dst, page_mapping(m, src));
	set_page_index(m, dst, page_index(m, src));
	SetPageLRU(m, dst);		/* putback_lru_page of the new page */
	if (m->migrate_notify)
		m->migrate_notify(m->migrate_priv, src, dst, order);
	set_page_mapping(m, src, 0);
	count_vm_event(m, PGMIGRATE_SUCCESS);
	__free_pages(m, src, order);
}

static enum compact_result compact_zone(struct machine *m, struct compact_control *cc)
{
	struct zone *z = cc->zone;
	enum compact_result ret;
	unsigned long last_migrated_pfn = 0;

	if (cc->order >= 0) {
		ret = (enum compact_result)compaction_suitable(m, z, (unsigned int)cc->order,
							       cc->alloc_flags, cc->highest_zoneidx);
		if (ret == COMPACT_SUCCESS)
			return COMPACT_SUCCESS;
		if (ret != COMPACT_CONTINUE)
			return ret;
	}
	/*
	 * Resume where the last run stopped (compact_cached_*_pfn), unless
	 * asked for the whole zone; a run whose scanners met resets them.
	 */
	if (cc->whole_zone || !z->compact_cached_free_pfn ||
	    z->compact_cached_migrate_pfn >= z->compact_cached_free_pfn) {
		cc->migrate_pfn = z->zone_start_pfn;
		cc->free_pfn = zone_end_pfn(z);
	} else {
		cc->migrate_pfn = z->compact_cached_migrate_pfn;
		cc->free_pfn = z->compact_cached_free_pfn;
	}

	while ((ret = __compact_finished(m, cc)) == COMPACT_CONTINUE) {
		if (!isolate_migratepages(m, cc))
			continue;	/* migrate scanner reached the free scanner */
		for (int i = 0; i < cc->nr_migratepages; i++) {
			unsigned long src = cc->migratepages[i];

			if (!cc->nr_freepages)
				isolate_freepages(m, cc);
			if (!cc->nr_freepages) {
				/* no target: put the rest back (putback_movable_pages) */
				for (int j = i; j < cc->nr_migratepages; j++)
					SetPageLRU(m, cc->migratepages[j]);
				count_vm_events(m, PGMIGRATE_FAIL, cc->nr_migratepages - i);
				cc->nr_migratepages = 0;
				cc->free_pfn = cc->migrate_pfn;	/* scanners meet */
				break;
			}
			migrate_movable_block(m, src, cc->freepages[--cc->nr_freepages], 0);
			last_migrated_pfn = src;
		}
		cc->nr_migratepages = 0;
		/* drain freed sources once the scanner left their order-aligned block */
		if (cc->order > 0 && last_migrated_pfn) {
			unsigned long block = cc->migrate_pfn & ~((1UL << cc->order) - 1);

			if (last_migrated_pfn < block) {
				drain_local_pages(m, z);
				last_migrated_pfn = 0;
			}
		}
	}
	/* release_freepages */
	while (cc->nr_freepages)
		__free_pages(m, cc->freepages[--cc->nr_freepages], 0);
	host_free(cc->freepages);
	cc->freepages = NULL;
	cc->cap_freepages = 0;
	if (last_migrated_pfn || cc->order < 0)
		drain_local_pages(m, z);
	if (ret == COMPACT_CONTINUE)
		ret = COMPACT_COMPLETE;
	if (ret == COMPACT_COMPLETE) {
		/* reset_cached_positions */
		z->compact_cached_migrate_pfn = z->zone_start_pfn;
		z->compact_cached_free_pfn = zone_end_pfn(z);
	} else {
		z->compact_cached_migrate_pfn = cc->migrate_pfn & ~(pageblock_nr_pages - 1);
		z->compact_cached_free_pfn = cc->free_pfn;
	}
	return ret;
}

enum compact_result try_to_compact_pages(struct machine *m, gfp_t gfp, unsigned int order,
					 int preferred_nid, unsigned int alloc_flags,
					 enum compact_priority prio, unsigned long *captured)
{
	enum compact_result rc = COMPACT_SKIPPED;
	int highest = gfp_zone(gfp);
	int nodes = (gfp & __GFP_THISNODE) ? 1 : m->nr_nodes;

	(void)captured;
	if (!(gfp & __GFP_IO))
		return COMPACT_SKIPPED;	/* gfp_compaction_allowed */
	for (int ni = 0; ni < nodes; ni++) {
		int nid = m->node_order[preferred_nid][ni];

		for (int zi = highest; zi >= 0; zi--) {
			struct zone *z = zone_of(m, nid, zi);
			struct compact_control cc = {
				.zone = z, .order = (int)order,
				.migratetype = gfp_migratetype(gfp),
				.mode = prio == COMPACT_PRIO_ASYNC ? MIGRATE_ASYNC :
					prio == COMPACT_PRIO_SYNC_LIGHT ? MIGRATE_SYNC_LIGHT : MIGRATE_SYNC,
				.direct_compaction = true,
				.whole_zone = prio == COMPACT_PRIO_SYNC_FULL,
				.ignore_block_suitable = prio == COMPACT_PRIO_SYNC_FULL,
				.alloc_flags = alloc_flags,
				.highest_zoneidx = highest,
			};
			enum compact_result status;

			if (!managed_zone(z))
				continue;
			if (prio > COMPACT_PRIO_SYNC_FULL && compaction_deferred(z, (int)order)) {
				if (rc < COMPACT_DEFERRED)
					rc = COMPACT_DEFERRED;
				continue;
			}
			status = compact_zone(m, &cc);
			if (status > rc)
				rc = status;
			if (status == COMPACT_SUCCESS) {
				compaction_defer_reset(z, (int)order, false);
				return rc;
			}
			if (prio != COMPACT_PRIO_ASYNC &&
			    (status == COMPACT_COMPLETE || status == COMPACT_PARTIAL_SKIPPED))
				defer_compaction(z, (int)order);
		}
	}
	return rc;
}

void compact_node(struct machine *m, int nid)
{
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = zone_of(m, nid, zi);
		struct compact_control cc = {
			.zone = z, .order = -1, .mode = MIGRATE_SYNC, .whole_zone = true,
			.migratetype = MIGRATE_MOVABLE,
		};

		if (!managed_zone(z))
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
		/* free pages on the isolate list go back, and are accounted again */
		for (unsigned long pfn = b; pfn < b + pageblock_nr_pages;) {
			if (pfn_present_mem(m, pfn) && PageBuddy(m, pfn) &&
			    (int)page_index(m, pfn) == MIGRATE_ISOLATE) {
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

static bool pfn_range_valid_contig(struct machine *m, struct zone *z, unsigned long start,
				   unsigned long nr)
{
	for (unsigned long pfn = start; pfn < start + nr; pfn++) {
		if (!pfn_present_mem(m, pfn) || !pfn_is_online(m, pfn) || page_zone(m, pfn) != z)
			return false;
		if (PageReserved(m, pfn))
			return false;
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
