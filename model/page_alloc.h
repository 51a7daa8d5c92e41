/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * page_alloc.h - the buddy allocator (mm/page_alloc.c, Linux 6.1).
 *
 * Its neighbours have their own headers: gfp flags (gfp.h), compaction
 * (compaction.h), migration of movable blocks (migrate.h), kswapd
 * (vmscan.h) and the model's invariant checker (check.h).
 */
#ifndef MMSIM_PAGE_ALLOC_H
#define MMSIM_PAGE_ALLOC_H

#include "gfp.h"
#include "mmzone.h"

/* alloc_flags (mm/internal.h, 6.1.192: the reserve flags 6.3 introduced
 * were backported to 6.1 stable) */
#define ALLOC_WMARK_MIN		WMARK_MIN
#define ALLOC_WMARK_LOW		WMARK_LOW
#define ALLOC_WMARK_HIGH	WMARK_HIGH
#define ALLOC_NO_WATERMARKS	0x04
#define ALLOC_WMARK_MASK	(ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM		0x08
#define ALLOC_NON_BLOCK		0x10	/* caller cannot block: a bit more of min */
#define ALLOC_MIN_RESERVE	0x20	/* __GFP_HIGH: half of min */
#define ALLOC_CPUSET		0x40
#define ALLOC_CMA		0x80
#define ALLOC_NOFRAGMENT	0x100
#define ALLOC_HIGHATOMIC	0x200	/* may use MIGRATE_HIGHATOMIC */
#define ALLOC_KSWAPD		0x800
#define ALLOC_RESERVES		(ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM)

/* fpi flags (mm/page_alloc.c) */
typedef unsigned int fpi_t;
#define FPI_NONE		0x0
#define FPI_SKIP_REPORT_NOTIFY	0x1
#define FPI_TO_TAIL		0x2

/* Pageblock migratetype (get_pageblock_migratetype and friends) */
static inline uint8_t *pageblock_byte(struct zone *z, unsigned long pfn)
{
	return &z->pageblock_flags[(pfn - (z->zone_start_pfn & ~(pageblock_nr_pages - 1)))
				   >> pageblock_order];
}
static inline int get_pfnblock_migratetype(struct zone *z, unsigned long pfn)
{
	return *pageblock_byte(z, pfn) & 7;
}
static inline void set_pfnblock_migratetype(struct zone *z, unsigned long pfn, int mt)
{
	uint8_t *b = pageblock_byte(z, pfn);

	*b = (uint8_t)((*b & ~7) | mt);
}
int get_pageblock_migratetype(struct machine *m, unsigned long pfn);
void set_pageblock_migratetype(struct machine *m, unsigned long pfn, int mt);
bool get_pageblock_skip(struct machine *m, unsigned long pfn);
void set_pageblock_skip(struct machine *m, unsigned long pfn, bool skip);

/* Allocation entry points.  Return the head pfn or PFN_NONE. */
unsigned long __alloc_pages(struct machine *m, gfp_t gfp, unsigned int order,
			    int preferred_nid);
unsigned long alloc_pages_node(struct machine *m, int nid, gfp_t gfp, unsigned int order);
void __free_pages(struct machine *m, unsigned long pfn, unsigned int order);
void free_unref_page(struct machine *m, unsigned long pfn, unsigned int order);
/* Drop a reference to an order-0 page; free it bypassing the pcp lists */
void __free_pages_nonpcp(struct machine *m, unsigned long pfn);
/* Boot: release a memblock range to the buddy (memblock_free_all) */
void __free_pages_core(struct machine *m, unsigned long pfn, unsigned int order);
void free_bootmem_page(struct machine *m, unsigned long pfn);
/* page_alloc.shuffle=1: shuffle a zone's order-10 free lists (boot) */
void shuffle_zone(struct machine *m, struct zone *z);
/* Free a block straight into the buddy lists (no pcp) */
void __free_one_page(struct machine *m, unsigned long pfn, struct zone *z,
		     unsigned int order, int migratetype, fpi_t fpi);
void split_page(struct machine *m, unsigned long pfn, unsigned int order);

/* Per-cpu lists */
void drain_local_pages(struct machine *m, struct zone *z);
void drain_all_pages(struct machine *m, struct zone *z);	/* z NULL: all zones */
void drain_zone_pages(struct machine *m, struct zone *z, struct per_cpu_pages *pcp);
/* 6.12: vmstat's periodic decay of one CPU's pcp->high; true while more is to do */
bool decay_pcp_high(struct machine *m, struct zone *z, struct per_cpu_pages *pcp);
unsigned long pcp_total(struct machine *m, struct zone *z);	/* pages on all cpus */

/* Watermarks */
void setup_per_zone_wmarks(struct machine *m);
void setup_per_zone_lowmem_reserve(struct machine *m);
void zone_pcp_setup(struct machine *m);
/* One zone's pagesets, for memory hotplug (mm/page_alloc.c) */
void zone_pcp_update(struct machine *m, struct zone *z);
void setup_zone_pageset(struct machine *m, struct zone *z);
void zone_pcp_disable(struct machine *m, struct zone *z);
void zone_pcp_enable(struct machine *m, struct zone *z);
void zone_pcp_reset(struct machine *m, struct zone *z);
void adjust_managed_page_count(struct machine *m, unsigned long pfn, long count);
/* import.c: a free order-0 page onto cpu's per-cpu list of mt, no drain */
void pcp_import_page(struct machine *m, struct zone *z, int cpu, unsigned long pfn, int mt);
/* m->zonelists from node_order and the zones' spans (once the zones are set up) */
void build_zonelists(struct machine *m);
bool zone_watermark_ok(struct machine *m, struct zone *z, unsigned int order,
		       unsigned long mark, int highest_zoneidx, unsigned int alloc_flags);
bool __zone_watermark_ok(struct machine *m, struct zone *z, unsigned int order,
			 unsigned long mark, int highest_zoneidx,
			 unsigned int alloc_flags, long free_pages);

/* Contiguous range allocation (alloc_contig_range / alloc_contig_pages);
 * compaction.c defines them, next to the migration they need */
int alloc_contig_range(struct machine *m, unsigned long start, unsigned long end,
		       int migratetype, gfp_t gfp);
unsigned long alloc_contig_pages(struct machine *m, unsigned long nr_pages, gfp_t gfp,
				 int nid);
void free_contig_range(struct machine *m, unsigned long pfn, unsigned long nr_pages);

/* Internals the compaction code and the tests use */
/* Unlink a free block from the list of type mt (the caller knows which) */
void del_page_from_free_list(struct machine *m, unsigned long pfn, struct zone *z,
			     unsigned int order, int mt);
/* Take a free block for use; 0 when the zone's min watermark refuses it */
int __isolate_free_page(struct machine *m, unsigned long pfn, unsigned int order);
int move_freepages_block(struct machine *m, struct zone *z, unsigned long pfn, int mt,
			 int *num_movable);
int find_suitable_fallback(struct free_area *area, unsigned int order, int mt,
			   bool only_stealable, bool *can_steal);
/*
 * At boot: min_free_kbytes (from sysctl.vm.min_free_kbytes= or computed),
 * watermarks, reserves.  After boot (memory hotplug), the kernel's
 * function: recomputed unless the user's value is larger, then raised
 * again for THP while khugepaged runs (m->khugepaged_thread).
 */
void init_per_zone_wmark_min(struct machine *m);
void khugepaged_min_free_kbytes_update(struct machine *m);
/* start_stop_khugepaged's min_free_kbytes: raised with THP on, recomputed off */
void set_recommended_min_free_kbytes(struct machine *m, bool thp_enabled);

#endif /* MMSIM_PAGE_ALLOC_H */
