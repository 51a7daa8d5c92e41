// SPDX-License-Identifier: GPL-2.0-only
/*
 * page_isolation.c - pageblock isolation as Linux 6.1 has it
 * (mm/page_isolation.c): has_unmovable_pages, set_migratetype_isolate and
 * unset_migratetype_isolate, start_isolate_page_range with its boundary
 * pageblocks, undo_isolate_page_range and test_pages_isolated.  See
 * page_isolation.h for what it leaves out.
 *
 * The free pages of an isolated pageblock sit on the MIGRATE_ISOLATE free
 * lists and stop counting in NR_FREE_PAGES; a page freed into such a
 * pageblock goes there too (free_unref_page, free_pcppages_bulk), so once
 * everything in a range has been migrated or freed, the range is free and
 * nobody can allocate it.
 */
#include <errno.h>

#include "page_isolation.h"
#include "hugetlb.h"
#include "machine.h"
#include "migrate.h"
#include "mmzone.h"
#include "page.h"
#include "page_alloc.h"

bool is_migrate_isolate_page(struct machine *m, unsigned long pfn)
{
	return get_pageblock_migratetype(m, pfn) == MIGRATE_ISOLATE;
}

bool __PageMovable(struct machine *m, unsigned long pfn)
{
	return (page_mapping(m, pfn) & PAGE_MAPPING_FLAGS) == PAGE_MAPPING_MOVABLE_DATA;
}

bool PageOffline(struct machine *m, unsigned long pfn)
{
	return page_has_type_flag(m, pfn, PG_offline);
}

static void mod_zone_freepage_state(struct zone *z, long nr, int mt)
{
	z->vm_stat[NR_FREE_PAGES] += nr;
	if (mt == MIGRATE_CMA)
		z->vm_stat[NR_FREE_CMA_PAGES] += nr;
}

/* The first pfn in [pfn, pfn + nr) that has an online struct page, or PFN_NONE */
static unsigned long __first_valid_page(struct machine *m, unsigned long pfn, unsigned long nr)
{
	for (unsigned long i = 0; i < nr; i++)
		if (pfn_is_online(m, pfn + i))
			return pfn + i;
	return PFN_NONE;
}

/*
 * has_unmovable_pages over [start_pfn, end_pfn), inside one pageblock:
 * the first page that cannot move, or PFN_NONE.  Reserved pages never
 * move; in ZONE_MOVABLE everything else is taken to be movable; hugetlb
 * pages are movable (x86 migrates both of its sizes), other compound
 * pages when their head is on the LRU; free pages and pages without
 * references are skipped; an in-use page must be on the LRU or movable.
 */
static unsigned long has_unmovable_pages(struct machine *m, unsigned long start_pfn,
					 unsigned long end_pfn, int flags)
{
	struct zone *z = page_zone(m, start_pfn);

	for (unsigned long pfn = start_pfn; pfn < end_pfn; pfn++) {
		if (PageReserved(m, pfn))
			return pfn;
		if (z->idx == ZONE_MOVABLE)
			continue;
		if (PageCompound(m, pfn)) {	/* PageHuge || PageTransCompound */
			unsigned long head = compound_head(m, pfn);

			if (!PageHuge(m, pfn) && !PageLRU(m, head) && !__PageMovable(m, head))
				return pfn;
			pfn = head + (1UL << compound_order(m, head)) - 1;
			continue;
		}
		if (!page_ref_count(m, pfn)) {
			if (PageBuddy(m, pfn))
				pfn += (1UL << buddy_order(m, pfn)) - 1;
			continue;
		}
		if ((flags & MEMORY_OFFLINE) && (PageHWPoison(m, pfn) || PageOffline(m, pfn)))
			continue;
		if (__PageMovable(m, pfn) || PageLRU(m, pfn))
			continue;
		return pfn;
	}
	return PFN_NONE;
}

/* set_migratetype_isolate: isolate pfn's pageblock unless part of [start, end) cannot move */
static int set_migratetype_isolate(struct machine *m, unsigned long pfn, int flags,
				   unsigned long start_pfn, unsigned long end_pfn,
				   unsigned long *unmovable)
{
	struct zone *z = page_zone(m, pfn);
	unsigned long block_end = (pfn | (pageblock_nr_pages - 1)) + 1, bad;
	int mt, nr;

	/* someone else isolated it: two isolations may not overlap */
	if (is_migrate_isolate_page(m, pfn))
		return -EBUSY;
	bad = has_unmovable_pages(m, pfn > start_pfn ? pfn : start_pfn,
				  block_end < end_pfn ? block_end : end_pfn, flags);
	if (bad == PFN_NONE) {
		mt = get_pfnblock_migratetype(z, pfn);
		/*
		 * 6.12's move_freepages_block_isolate splits a free buddy
		 * larger than this pageblock and isolates only this block's
		 * part; the model moves the whole buddy as 6.1 does.  Both
		 * end the same once the rest of the range is isolated, so the
		 * difference shows only to another CPU under the explorer.
		 */
		if (m->sched && PageBuddy(m, pfn & ~(pageblock_nr_pages - 1)) &&
		    buddy_order(m, pfn & ~(pageblock_nr_pages - 1)) > pageblock_order)
			mm_kver_unmodelled(m, KVER_ISOLATION);
		set_pfnblock_migratetype(z, pfn, MIGRATE_ISOLATE);
		nr = move_freepages_block(m, z, pfn, MIGRATE_ISOLATE, NULL);
		mod_zone_freepage_state(z, -nr, mt);
		return 0;
	}
	if ((flags & REPORT_FAILURE) && unmovable && *unmovable == PFN_NONE)
		*unmovable = bad;
	return -EBUSY;
}

/* The buddy of a free block of this order, if it is one (find_buddy_page_pfn) */
static unsigned long find_buddy_page_pfn(struct machine *m, struct zone *z, unsigned long pfn,
					 unsigned int order)
{
	unsigned long buddy = pfn ^ (1UL << order);

	if (!zone_spans_pfn(z, buddy) || !PageBuddy(m, buddy) || buddy_order(m, buddy) != order ||
	    page_zone(m, buddy) != z)
		return PFN_NONE;
	return buddy;
}

static void unset_migratetype_isolate(struct machine *m, unsigned long pfn, int migratetype)
{
	struct zone *z = page_zone(m, pfn);
	bool isolated_page = false;
	unsigned int order = 0;

	if (!is_migrate_isolate_page(m, pfn))
		return;
	/*
	 * A free page of pageblock order or more whose buddy is not isolated
	 * could not merge while it was: take it and free it again, so it
	 * merges now.
	 */
	if (PageBuddy(m, pfn)) {
		order = buddy_order(m, pfn);
		if (order >= pageblock_order && order < MAX_ORDER - 1) {
			unsigned long buddy = find_buddy_page_pfn(m, z, pfn, order);

			if (buddy != PFN_NONE && !is_migrate_isolate_page(m, buddy))
				isolated_page = __isolate_free_page(m, pfn, order) != 0;
		}
	}
	/* otherwise move the free pages back, to the tail of the lists */
	if (!isolated_page) {
		int nr = move_freepages_block(m, z, pfn, migratetype, NULL);

		mod_zone_freepage_state(z, nr, migratetype);
	}
	set_pfnblock_migratetype(z, pfn, migratetype);
	if (isolated_page)
		__free_one_page(m, pfn, z, order, migratetype, FPI_SKIP_REPORT_NOTIFY);
}

/*
 * isolate_single_pageblock: isolate the pageblock before (isolate_before)
 * or after boundary_pfn, then look for a free or compound page that
 * crosses the boundary, which the kernel splits or migrates.  The ranges
 * isolated here are MAX_ORDER aligned, so none can.
 */
static int isolate_single_pageblock(struct machine *m, unsigned long boundary_pfn, int flags,
				    bool isolate_before, bool skip_isolation,
				    unsigned long *unmovable)
{
	unsigned long block = isolate_before ? boundary_pfn - pageblock_nr_pages : boundary_pfn;
	struct zone *z = page_zone(m, block);
	unsigned long start_pfn = block & ~(MAX_ORDER_NR_PAGES - 1), pfn;
	int ret;

	if (start_pfn < z->zone_start_pfn)
		start_pfn = z->zone_start_pfn;
	if (skip_isolation) {
		if (MM_BUG_ON(m, !is_migrate_isolate_page(m, block),
			      "isolate_single_pageblock: pageblock %#lx should be isolated", block))
			return -EBUSY;
	} else {
		ret = set_migratetype_isolate(m, block, flags, block, block + pageblock_nr_pages,
					      unmovable);
		if (ret)
			return ret;
	}
	/* nothing online on the other side: no page can cross */
	if (!pfn_is_online(m, isolate_before ? boundary_pfn : boundary_pfn - 1))
		return 0;
	for (pfn = start_pfn; pfn < boundary_pfn;) {
		pfn = __first_valid_page(m, pfn, boundary_pfn - pfn);
		if (pfn == PFN_NONE)
			break;
		if (PageBuddy(m, pfn)) {
			unsigned int order = buddy_order(m, pfn);

			if (MM_BUG_ON(m, pfn + (1UL << order) > boundary_pfn,
				      "isolate_single_pageblock: free page %#lx order %u crosses %#lx "
				      "(split_free_page is not modelled)", pfn, order, boundary_pfn))
				goto failed;
			pfn += 1UL << order;
			continue;
		}
		if (PageCompound(m, pfn)) {
			unsigned long head = compound_head(m, pfn);
			unsigned long nr = 1UL << compound_order(m, head);

			if (MM_BUG_ON(m, head + nr > boundary_pfn,
				      "isolate_single_pageblock: compound page %#lx crosses %#lx "
				      "(migrating it is not modelled)", head, boundary_pfn))
				goto failed;
			pfn = head + nr;
			continue;
		}
		pfn++;
	}
	return 0;
failed:
	if (!skip_isolation)
		unset_migratetype_isolate(m, block, MIGRATE_MOVABLE);
	return -EBUSY;
}

int start_isolate_page_range(struct machine *m, unsigned long start_pfn, unsigned long end_pfn,
			     int migratetype, int flags, unsigned long *unmovable)
{
	unsigned long isolate_start = start_pfn & ~(pageblock_nr_pages - 1);
	unsigned long isolate_end = (end_pfn + pageblock_nr_pages - 1) & ~(pageblock_nr_pages - 1);
	bool skip_isolation;
	int ret;

	if (unmovable)
		*unmovable = PFN_NONE;
	ret = isolate_single_pageblock(m, isolate_start, flags, false, false, unmovable);
	if (ret)
		return ret;
	skip_isolation = isolate_start == isolate_end - pageblock_nr_pages;
	ret = isolate_single_pageblock(m, isolate_end, flags, true, skip_isolation, unmovable);
	if (ret) {
		unset_migratetype_isolate(m, isolate_start, migratetype);
		return ret;
	}
	/* the pageblocks between the two boundary ones */
	for (unsigned long pfn = isolate_start + pageblock_nr_pages;
	     pfn < isolate_end - pageblock_nr_pages; pfn += pageblock_nr_pages) {
		unsigned long page = __first_valid_page(m, pfn, pageblock_nr_pages);

		if (page != PFN_NONE &&
		    set_migratetype_isolate(m, page, flags, start_pfn, end_pfn, unmovable)) {
			undo_isolate_page_range(m, isolate_start, pfn, migratetype);
			unset_migratetype_isolate(m, isolate_end - pageblock_nr_pages, migratetype);
			return -EBUSY;
		}
	}
	return 0;
}

void undo_isolate_page_range(struct machine *m, unsigned long start_pfn, unsigned long end_pfn,
			     int migratetype)
{
	unsigned long isolate_start = start_pfn & ~(pageblock_nr_pages - 1);
	unsigned long isolate_end = (end_pfn + pageblock_nr_pages - 1) & ~(pageblock_nr_pages - 1);

	for (unsigned long pfn = isolate_start; pfn < isolate_end; pfn += pageblock_nr_pages) {
		unsigned long page = __first_valid_page(m, pfn, pageblock_nr_pages);

		if (page == PFN_NONE || !is_migrate_isolate_page(m, page))
			continue;
		unset_migratetype_isolate(m, page, migratetype);
	}
}

/* The first pfn of [pfn, end_pfn) that is neither free nor skippable */
static unsigned long __test_page_isolated_in_pageblock(struct machine *m, unsigned long pfn,
						       unsigned long end_pfn, int flags)
{
	while (pfn < end_pfn) {
		if (PageBuddy(m, pfn))
			pfn += 1UL << buddy_order(m, pfn);
		else if ((flags & MEMORY_OFFLINE) && PageHWPoison(m, pfn))
			pfn++;
		else if ((flags & MEMORY_OFFLINE) && PageOffline(m, pfn) && !page_ref_count(m, pfn))
			pfn++;
		else
			break;
	}
	return pfn;
}

int test_pages_isolated(struct machine *m, unsigned long start_pfn, unsigned long end_pfn,
			int isol_flags)
{
	unsigned long pfn, page;

	for (pfn = start_pfn; pfn < end_pfn; pfn += pageblock_nr_pages) {
		page = __first_valid_page(m, pfn, pageblock_nr_pages);
		if (page != PFN_NONE && !is_migrate_isolate_page(m, page))
			break;
	}
	page = __first_valid_page(m, start_pfn, end_pfn - start_pfn);
	if (pfn < end_pfn || page == PFN_NONE)
		return -EBUSY;
	pfn = __test_page_isolated_in_pageblock(m, start_pfn, end_pfn, isol_flags);
	return pfn < end_pfn ? -EBUSY : 0;
}
