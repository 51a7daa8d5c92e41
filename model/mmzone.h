/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mmzone.h - zones and nodes (include/linux/mmzone.h, Linux 6.1):
 * migratetypes, zone types and watermarks, the free areas and per-cpu
 * lists of a zone, struct zone and struct pglist_data with their
 * counters, memory sections, and the pfn -> node/zone lookups (mmzone.c).
 *
 * Debian's amd64 config has CONFIG_MEMORY_ISOLATION but not CONFIG_CMA:
 * MIGRATE_CMA exists in the enum below so the allocator's CMA paths read
 * like the kernel's, but nothing creates a CMA block and the views do not
 * print the type.
 */
#ifndef MMSIM_MMZONE_H
#define MMSIM_MMZONE_H

#include "mm.h"

/* -------------------------------------------------------------------------
 * Migratetypes (include/linux/mmzone.h, 6.1 with CMA and MEMORY_ISOLATION)
 */
enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_PCPTYPES,		/* number of types on the pcp lists */
	MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES,
	MIGRATE_CMA,
	MIGRATE_ISOLATE,
	MIGRATE_TYPES
};

extern const char *const migratetype_names[MIGRATE_TYPES];

static inline bool is_migrate_movable(int mt)
{
	return mt == MIGRATE_MOVABLE || mt == MIGRATE_CMA;
}

/* Types that may merge with each other across pageblocks */
static inline bool migratetype_is_mergeable(int mt)
{
	return mt < MIGRATE_PCPTYPES;
}

/* -------------------------------------------------------------------------
 * Zones
 */
enum zone_type { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ZONE_MOVABLE, MAX_NR_ZONES };
extern const char *const zone_names[MAX_NR_ZONES];

#define DMA_PFN_END	(16UL * SZ_1M >> PAGE_SHIFT)
#define DMA32_PFN_END	(4UL * SZ_1G >> PAGE_SHIFT)

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, WMARK_PROMO, NR_WMARK };

/* Zone counters kept the kernel's way (a subset of enum zone_stat_item) */
enum zone_stat_item {
	NR_FREE_PAGES,
	NR_ZONE_INACTIVE_ANON,
	NR_ZONE_ACTIVE_ANON,
	NR_ZONE_INACTIVE_FILE,
	NR_ZONE_ACTIVE_FILE,
	NR_ZONE_UNEVICTABLE,
	NR_ZONE_WRITE_PENDING,
	NR_MLOCK,
	NR_BOUNCE,
	NR_FREE_CMA_PAGES,
	NR_VM_ZONE_STAT_ITEMS
};

/*
 * Per-cpu page lists (struct per_cpu_pages).  Orders 0..3 get one list per
 * pcp migratetype; pageblock_order gets two (THP: non-movable, movable).
 */
#define NR_LOWORDER_PCP_LISTS	(MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1))
#define NR_PCP_THP		2
#define NR_PCP_LISTS		(NR_LOWORDER_PCP_LISTS + NR_PCP_THP)

/*
 * A list head inside the model's own data (a free list or a pcp list).
 * List members are struct pages linked through their lru field, which holds
 * pfns (see page.h); the head holds pfns of the first and last member.
 */
struct pfnlist_head {
	unsigned long first, last;
};

struct per_cpu_pages {
	int count;			/* pages on the lists */
	int high;			/* free to the buddy above this */
	int batch;			/* chunk size for refill and drain */
	short free_factor;		/* batch scaling for consecutive frees */
	/*
	 * 6.12 (mm_kver_ge(m, 6, 12)): high moves within [high_min,
	 * high_max]; free_count counts consecutive frees (halved on each
	 * allocation) and alloc_factor scales refills; flags PCPF_*
	 */
	int high_min, high_max;
	int free_count;
	short alloc_factor;
	unsigned char flags;
	struct pfnlist_head lists[NR_PCP_LISTS];
	unsigned int lists_count[NR_PCP_LISTS];
};

struct free_area {
	struct pfnlist_head free_list[MIGRATE_TYPES];
	unsigned long nr_free;		/* blocks, all migratetypes */
	unsigned long nr_free_mt[MIGRATE_TYPES];	/* simulator bookkeeping */
};

struct pglist_data;

struct zone {
	struct pglist_data *zone_pgdat;
	int idx;			/* enum zone_type */
	const char *name;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages;
	unsigned long managed_pages;
	unsigned long cma_pages;
	unsigned long _watermark[NR_WMARK];
	unsigned long watermark_boost;
	unsigned long nr_reserved_highatomic;
	long lowmem_reserve[MAX_NR_ZONES];
	struct free_area free_area[MAX_ORDER];
	long vm_stat[NR_VM_ZONE_STAT_ITEMS];
	/* one byte per pageblock: migratetype in bits 0-2, skip bit 3 */
	uint8_t *pageblock_flags;
	struct per_cpu_pages *pcp;	/* [machine.nr_cpus] */
	int pageset_high, pageset_batch;	/* what zone_pcp_update gave every CPU */
	int pageset_high_min, pageset_high_max;	/* 6.12: the same, auto-tuned range */
	bool below_high;		/* 6.12 ZONE_BELOW_HIGH: free pages under the high mark */
	/* compaction scanner state (struct zone, CONFIG_COMPACTION) */
	unsigned long compact_cached_free_pfn;
	unsigned long compact_cached_migrate_pfn[2];	/* [0] async, [1] sync */
	unsigned long compact_init_migrate_pfn, compact_init_free_pfn;
	unsigned int compact_considered, compact_defer_shift;
	int compact_order_failed;
	bool compact_blockskip_flush;	/* clear the skip hints when kswapd sleeps */
	bool boosted_watermark;		/* ZONE_BOOSTED_WATERMARK: kswapd to wake */
};

static inline bool populated_zone(const struct zone *z)
{
	return z->present_pages != 0;
}

static inline bool managed_zone(const struct zone *z)
{
	return z->managed_pages != 0;
}

static inline unsigned long zone_end_pfn(const struct zone *z)
{
	return z->zone_start_pfn + z->spanned_pages;
}

static inline bool zone_spans_pfn(const struct zone *z, unsigned long pfn)
{
	return pfn >= z->zone_start_pfn && pfn < zone_end_pfn(z);
}

static inline unsigned long wmark_pages(const struct zone *z, int w)
{
	return z->_watermark[w] + z->watermark_boost;
}
#define min_wmark_pages(z)	wmark_pages(z, WMARK_MIN)
#define low_wmark_pages(z)	wmark_pages(z, WMARK_LOW)
#define high_wmark_pages(z)	wmark_pages(z, WMARK_HIGH)

static inline unsigned long zone_page_state(const struct zone *z, int item)
{
	long x = z->vm_stat[item];
	return x < 0 ? 0 : (unsigned long)x;
}

/* Node counters (a subset of enum node_stat_item) */
enum node_stat_item {
	NR_INACTIVE_ANON,
	NR_ACTIVE_ANON,
	NR_INACTIVE_FILE,
	NR_ACTIVE_FILE,
	NR_UNEVICTABLE,
	NR_SLAB_RECLAIMABLE_B,
	NR_SLAB_UNRECLAIMABLE_B,
	NR_ISOLATED_ANON,
	NR_ISOLATED_FILE,
	NR_ANON_MAPPED,
	NR_FILE_MAPPED,
	NR_FILE_PAGES,
	NR_SHMEM,
	NR_SHMEM_THPS,		/* in pages, as 6.1 counts them */
	NR_SHMEM_PMDMAPPED,
	NR_FILE_THPS,
	NR_FILE_PMDMAPPED,
	NR_ANON_THPS,
	NR_KERNEL_STACK_KB,
	NR_PAGETABLE,
	NR_UNRECLAIMABLE_PAGES,	/* simulated kernel allocations (unmovable) */
	NR_VM_NODE_STAT_ITEMS
};

struct pglist_data {
	int node_id;
	struct zone node_zones[MAX_NR_ZONES];
	unsigned long node_start_pfn;
	unsigned long node_spanned_pages;
	unsigned long node_present_pages;
	unsigned long mem_bytes;		/* memory the scenario asked for */
	long vm_stat[NR_VM_NODE_STAT_ITEMS];
	unsigned long memmap_pages;		/* memmap backing, at boot */
	/* 6.12's nr_memmap_pages / nr_memmap_boot_pages (mm/vmstat.c) */
	long nr_memmap_pages, nr_memmap_boot_pages;
	/* kswapd (mm/vmscan.c): woken and not yet run, and what for */
	bool kswapd_woken;
	int kswapd_order, kswapd_highest_zoneidx;	/* MAX_NR_ZONES: none asked */
	int kswapd_failures;		/* balance_pgdat runs that reclaimed nothing */
};

/*
 * A 128 MiB memory section (struct mem_section): which of its 64 2 MiB
 * sub-sections hold memory (subsection_map, as SPARSEMEM_VMEMMAP tracks
 * for hotplug), its node, and the section_mem_map flags: present
 * (SECTION_MARKED_PRESENT), memmap populated (SECTION_HAS_MEM_MAP),
 * online (SECTION_IS_ONLINE: boot sections, and hot-added ones once
 * onlined; memory hotplug takes a section offline and back with
 * online_mem_sections), early (SECTION_IS_EARLY: present at boot).
 * zone_device_map marks the sub-sections a driver added (memremap_pages,
 * memremap.h): device memory in no zone of the model.  The table grows
 * when memory is hot-added above it (sparse.c: sparse_index_init).
 *
 * zone is the model's: the zone memory hotplug onlined the section into
 * (memory_hotplug.c), what page_zone() of its pages says, or NULL for
 * boot sections, whose zone the zone spans decide (pfn_zone).  Hotplug
 * lets zone spans overlap (a block onlined movable inside ZONE_NORMAL's
 * span), which spans alone cannot resolve.
 */
struct mem_section {
	uint64_t subsection_map;
	uint64_t zone_device_map;
	int nid;
	bool present;
	bool has_memmap;
	bool online;
	bool early;
	struct zone *zone;
};

/*
 * pfn -> node and zone (the model's page_zone() before the memmap says
 * it): the zone memory hotplug onlined the pfn's section into, else by
 * range lookup over the zone spans.  A pfn of a section that is present
 * but not online (hot-added and not onlined, or offlined) and not being
 * onlined, or of a driver's sub-section, is in no zone: NULL.
 */
int pfn_to_nid(const struct machine *m, unsigned long pfn);	/* a hot-added section's own */
struct zone *pfn_zone(struct machine *m, unsigned long pfn);
bool pfn_valid(const struct machine *m, unsigned long pfn);	/* has memmap */
/* pfn_to_online_page(pfn) != NULL: an online section and a valid sub-section */
bool pfn_is_online(const struct machine *m, unsigned long pfn);

/* Total pages on a node's or the machine's free lists, for meminfo */
unsigned long global_zone_page_state(struct machine *m, int item);
unsigned long totalram_pages(struct machine *m);

#endif /* MMSIM_MMZONE_H */
