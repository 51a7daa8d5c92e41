/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * page_isolation.h - pageblock isolation (include/linux/page-isolation.h,
 * mm/page_isolation.c, Linux 6.1): turning a pfn range's pageblocks
 * MIGRATE_ISOLATE so that nothing allocates from them, the check for
 * unmovable pages that refuses it, undoing it, and the test that a range
 * holds nothing but isolated free pages.  Memory offlining uses it;
 * onlining isolates the new range while it hands it to the buddy.
 *
 * The model's alloc_contig_range (compaction.c) keeps its own, simpler
 * isolation of whole pageblocks; these are the kernel's functions for
 * ranges aligned to MAX_ORDER_NR_PAGES, which is every range memory
 * hotplug isolates (sections).  A free or compound page crossing the
 * range's boundary (what isolate_single_pageblock splits or migrates in
 * the kernel) cannot occur there and is reported as a simulated failure.
 */
#ifndef MMSIM_PAGE_ISOLATION_H
#define MMSIM_PAGE_ISOLATION_H

#include "mm.h"

/* isolation flags */
#define MEMORY_OFFLINE	0x1	/* isolate to offline: skip HWPoison and PageOffline pages */
#define REPORT_FAILURE	0x2	/* report the unmovable page (the kernel's dump_page) */

bool is_migrate_isolate_page(struct machine *m, unsigned long pfn);

/*
 * Isolate [start_pfn, end_pfn): 0, or -EBUSY when a pageblock holds an
 * unmovable page or is isolated already; then nothing stays isolated.
 * *unmovable (if not NULL) gets the unmovable page found, or PFN_NONE.
 */
int start_isolate_page_range(struct machine *m, unsigned long start_pfn, unsigned long end_pfn,
			     int migratetype, int flags, unsigned long *unmovable);
/* Put isolated pageblocks back to migratetype, their free pages with them */
void undo_isolate_page_range(struct machine *m, unsigned long start_pfn, unsigned long end_pfn,
			     int migratetype);
/* 0 when every pageblock is isolated and every page a free page, else -EBUSY */
int test_pages_isolated(struct machine *m, unsigned long start_pfn, unsigned long end_pfn,
			int isol_flags);
/* __PageMovable: a non-LRU movable page (page->mapping's low bits say so) */
bool __PageMovable(struct machine *m, unsigned long pfn);
/* PageOffline: the page type ballooning drivers set */
bool PageOffline(struct machine *m, unsigned long pfn);

#endif /* MMSIM_PAGE_ISOLATION_H */
