/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * page_alloc.h - the buddy allocator (mm/page_alloc.c, Linux 6.1).
 */
#ifndef MMSIM_PAGE_ALLOC_H
#define MMSIM_PAGE_ALLOC_H

#include "mm.h"
#include "page.h"

/* gfp flags (include/linux/gfp_types.h, 6.1 values) */
typedef unsigned int gfp_t;
#define __GFP_DMA		0x01u
#define __GFP_HIGHMEM		0x02u
#define __GFP_DMA32		0x04u
#define __GFP_MOVABLE		0x08u
#define __GFP_RECLAIMABLE	0x10u
#define __GFP_HIGH		0x20u
#define __GFP_IO		0x40u
#define __GFP_FS		0x80u
#define __GFP_ATOMIC		0x200u
#define __GFP_ZERO		0x100u
#define __GFP_DIRECT_RECLAIM	0x400u
#define __GFP_KSWAPD_RECLAIM	0x800u
#define __GFP_WRITE		0x1000u
#define __GFP_NOWARN		0x2000u
#define __GFP_RETRY_MAYFAIL	0x4000u
#define __GFP_NOFAIL		0x8000u
#define __GFP_NORETRY		0x10000u
#define __GFP_MEMALLOC		0x20000u
#define __GFP_COMP		0x40000u
#define __GFP_NOMEMALLOC	0x80000u
#define __GFP_HARDWALL		0x100000u
#define __GFP_THISNODE		0x200000u
#define __GFP_ACCOUNT		0x400000u
#define __GFP_ZEROTAGS		0x800000u	/* arm64 MTE: never set on x86, but ftrace names it */

#define __GFP_RECLAIM		(__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define GFP_ATOMIC		(__GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL		(__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_NOWAIT		(__GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL_ACCOUNT	(GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_NOIO		(__GFP_RECLAIM)
#define GFP_NOFS		(__GFP_RECLAIM | __GFP_IO)
#define GFP_DMA			__GFP_DMA
#define GFP_DMA32		__GFP_DMA32
#define GFP_USER		(GFP_KERNEL | __GFP_HARDWALL)
#define GFP_HIGHUSER		(GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE	(GFP_HIGHUSER | __GFP_MOVABLE)
#define GFP_TRANSHUGE_LIGHT	((GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | \
				  __GFP_NOWARN) & ~__GFP_RECLAIM)
#define GFP_TRANSHUGE		(GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM)
#define GFP_MOVABLE_MASK	(__GFP_RECLAIMABLE | __GFP_MOVABLE)
#define GFP_ZONEMASK		(__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE)

static inline int gfp_migratetype(gfp_t gfp)
{
	/* __GFP_MOVABLE is bit 3, __GFP_RECLAIMABLE bit 4: shift gives 1 or 2 */
	return (int)((gfp & GFP_MOVABLE_MASK) >> 3);
}

/* Highest zone a gfp mask may use (gfp_zone) */
int gfp_zone(gfp_t gfp);

/* Parse and format gfp masks with the kernel's names ("GFP_KERNEL|__GFP_COMP") */
bool gfp_parse(const char *s, gfp_t *out, const char **bad);
void gfp_format(gfp_t gfp, char *buf, size_t len);

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
unsigned long pcp_total(struct machine *m, struct zone *z);	/* pages on all cpus */

/* Watermarks */
void setup_per_zone_wmarks(struct machine *m);
void setup_per_zone_lowmem_reserve(struct machine *m);
void zone_pcp_setup(struct machine *m);
bool zone_watermark_ok(struct machine *m, struct zone *z, unsigned int order,
		       unsigned long mark, int highest_zoneidx, unsigned int alloc_flags);
bool __zone_watermark_ok(struct machine *m, struct zone *z, unsigned int order,
			 unsigned long mark, int highest_zoneidx,
			 unsigned int alloc_flags, long free_pages);

/* Contiguous range allocation (alloc_contig_range / alloc_contig_pages) */
int alloc_contig_range(struct machine *m, unsigned long start, unsigned long end,
		       int migratetype, gfp_t gfp);
unsigned long alloc_contig_pages(struct machine *m, unsigned long nr_pages, gfp_t gfp,
				 int nid);
void free_contig_range(struct machine *m, unsigned long pfn, unsigned long nr_pages);

/* Compaction (compaction.c) */
enum compact_result {
	COMPACT_NOT_SUITABLE_ZONE, COMPACT_SKIPPED, COMPACT_DEFERRED,
	COMPACT_NO_SUITABLE_PAGE, COMPACT_CONTINUE, COMPACT_COMPLETE,
	COMPACT_PARTIAL_SKIPPED, COMPACT_CONTENDED, COMPACT_SUCCESS,
};
enum compact_priority { COMPACT_PRIO_SYNC_FULL, COMPACT_PRIO_SYNC_LIGHT, COMPACT_PRIO_ASYNC };
enum compact_result try_to_compact_pages(struct machine *m, gfp_t gfp, unsigned int order,
					 int preferred_nid, unsigned int alloc_flags,
					 enum compact_priority prio, unsigned long *captured);
int compaction_suitable(struct machine *m, struct zone *z, unsigned int order,
			unsigned int alloc_flags, int highest_zoneidx);
/*
 * An allocation in z of this order is expected (false) or succeeded
 * (true) after compaction: the zone's deferral is reset for it
 */
void compaction_defer_reset(struct zone *z, int order, bool alloc_success);
/* Compact a whole node (echo 1 > /proc/sys/vm/compact_memory) */
void compact_node(struct machine *m, int nid);
/* Fragmentation index of a zone at an order, x1000 (fragmentation_index) */
int fragmentation_index(struct zone *z, unsigned int order);
int unusable_free_index(struct zone *z, unsigned int order);
/* The same from free block counts by order (e.g. summed over zones) */
int unusable_free_index_blocks(const unsigned long nr_free[MAX_ORDER], unsigned int order);

/* Migration of one movable in-use block: allocate a target, move contents.
 * The model's owner of the block is told so it can follow (page_alloc.c
 * keeps a callback so the scenario runner's ids follow migrated pages). */
typedef void (*migrate_notify_fn)(void *priv, unsigned long old_pfn,
				  unsigned long new_pfn, unsigned int order);
void mm_set_migrate_notify(struct machine *m, migrate_notify_fn fn, void *priv);

/* A page allocated by the runner or a workload is "movable user data" when
 * it carries this mapping tag (and PG_lru); compaction may migrate exactly
 * those.  Only order-0 and compound blocks can be marked (the kernel's LRU
 * holds folios); a non-compound block of order > 0 stays pinned: returns
 * whether the block was marked. */
#define PAGE_MAPPING_MOVABLE_DATA	0x2UL	/* like PAGE_MAPPING_MOVABLE */
bool mm_mark_movable_data(struct machine *m, unsigned long pfn, unsigned int order);

/* Internals the compaction code and the tests use */
int move_freepages_block(struct machine *m, struct zone *z, unsigned long pfn, int mt,
			 int *num_movable);
int find_suitable_fallback(struct free_area *area, unsigned int order, int mt,
			   bool only_stealable, bool *can_steal);
void init_per_zone_wmark_min(struct machine *m);
void khugepaged_min_free_kbytes_update(struct machine *m);
/* kswapd's balance_pgdat as far as the model has it: reset watermark boosts */
void kswapd_run(struct machine *m, int nid);
/* Between scenario steps: kswapd for nodes whose watermark a fallback boosted */
void mm_background_work(struct machine *m);

/*
 * Invariant checker (check.c): walks every free and pcp list and
 * recomputes the counters from the pages: nr_free per order and type,
 * NR_FREE_PAGES, pcp counts, free blocks aligned, PageBuddy with the right
 * order and list type, inside their zone, never overlapping each other or
 * a pcp page, highatomic reserve = its blocks.  With an in-use iterator
 * registered, also that no block the scenario holds is free.
 */
typedef void (*mm_inuse_cb)(void *cbpriv, unsigned long pfn, unsigned int order);
typedef void (*mm_inuse_iter_fn)(void *priv, mm_inuse_cb cb, void *cbpriv);
void mm_set_inuse_iter(struct machine *m, mm_inuse_iter_fn fn, void *priv);
bool mm_check_invariants(struct machine *m, char *err, size_t errlen);

#endif /* MMSIM_PAGE_ALLOC_H */
