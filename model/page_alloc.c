// SPDX-License-Identifier: GPL-2.0-only
/*
 * page_alloc.c - the buddy allocator as Linux 6.1 has it (mm/page_alloc.c).
 *
 * Modelled at the level where fragmentation emerges: free lists per zone,
 * order and migratetype, linked through the struct pages themselves;
 * pageblocks with their migratetype; merging on free with the migratetype
 * rule at pageblock order and above; head or tail placement (FPI_TO_TAIL,
 * buddy_merge_likely, the optional shuffle of order-10 frees); fallback
 * with whole-block stealing and its thresholds; watermark boosting; the
 * per-cpu lists of orders 0-3 and 9 with batch, high, free_factor and
 * drains; watermarks min/low/high and lowmem reserves; node fallback by
 * distance, __GFP_THISNODE and ALLOC_NOFRAGMENT.
 *
 * Simplified, and what it changes:
 * - There is no reclaim: every allocated page is held by the scenario, so
 *   reclaim never frees anything.  The slow path runs as 6.1's does in
 *   that case: compaction is the only rescue; for a costly order, direct
 *   reclaim that skipped a compaction_ready zone still reports progress
 *   (do_try_to_free_pages), which drains every CPU's lists and lets
 *   should_compact_retry decide; the allocation fails where the kernel
 *   would OOM-kill.  Highatomic reserves are never unreserved
 *   (unreserve_highatomic_pageblock is not modelled).
 * - kswapd runs between scenario steps (mm_background_work): a fallback
 *   that boosted a zone's watermark wakes it, and, with nothing to
 *   reclaim, balance_pgdat ends by taking the boost back.  Within one step
 *   (a long fill) the boost stays, as it does until kswapd gets a CPU.
 * - No zone lock or pcp lock contention: outside the interleaving explorer
 *   one CPU runs at a time.  pcp_spin_trylock always succeeds.
 * - CMA areas and MIGRATE_HIGHATOMIC reserves exist in the lists and the
 *   accounting, but nothing creates a CMA area yet, and highatomic blocks
 *   are reserved only for ALLOC_HIGHATOMIC (GFP_ATOMIC high-order)
 *   allocations, with 6.1.192's reserve flags (ALLOC_NON_BLOCK,
 *   ALLOC_MIN_RESERVE, ALLOC_HIGHATOMIC, backported from 6.3).
 *
 * On `machine ... version=6.12` the fallback is Debian 6.12's (claim, then
 * steal) over its freelist hygiene (free pages on their block's list);
 * see "6.12's fallback" below and docs/model-notes.md.
 *
 * Declared in page_alloc.h, except the gfp helpers (gfp.h), the marking of
 * movable user data and the migration callback (migrate.h), and kswapd
 * (vmscan.h); the zone and migratetype names are mmzone.h's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page_alloc.h"
#include "compaction.h"
#include "host.h"
#include "machine.h"
#include "memblock.h"
#include "migrate.h"
#include "mmzone.h"
#include "page.h"
#include "vm_event_item.h"
#include "vmscan.h"

const char *const migratetype_names[MIGRATE_TYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
};

const char *const zone_names[MAX_NR_ZONES] = { "DMA", "DMA32", "Normal", "Movable" };

static const int fallbacks[MIGRATE_TYPES][3] = {
	[MIGRATE_UNMOVABLE]   = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE,   MIGRATE_TYPES },
	[MIGRATE_MOVABLE]     = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE, MIGRATE_TYPES },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE,   MIGRATE_MOVABLE,   MIGRATE_TYPES },
	[MIGRATE_HIGHATOMIC]  = { MIGRATE_TYPES },
	[MIGRATE_CMA]         = { MIGRATE_TYPES },
	[MIGRATE_ISOLATE]     = { MIGRATE_TYPES },
};

#define watermark_boost_factor	15000
static const int sysctl_lowmem_reserve_ratio[MAX_NR_ZONES] = { 256, 256, 32, 0 };

#define PAGE_FLAGS_CHECK_AT_FREE \
	(1UL << PG_lru | 1UL << PG_locked | 1UL << PG_private | 1UL << PG_private_2 | \
	 1UL << PG_writeback | 1UL << PG_reserved | 1UL << PG_slab | 1UL << PG_active | \
	 1UL << PG_unevictable | 1UL << PG_mlocked)
#define PAGE_FLAGS_CHECK_AT_PREP	(PAGEFLAGS_MASK & ~(1UL << PG_hwpoison))
/* a bit no real page flag uses: free_pages_prepare() succeeded */
#define FREE_PREP_OK			(1UL << 50)

/* -------------------------------------------------------------------------
 * gfp helpers
 */
int gfp_zone(gfp_t gfp)
{
	if (gfp & __GFP_DMA)
		return ZONE_DMA;
	if (gfp & __GFP_DMA32)
		return ZONE_DMA32;
	if ((gfp & (__GFP_MOVABLE | __GFP_HIGHMEM)) == (__GFP_MOVABLE | __GFP_HIGHMEM))
		return ZONE_MOVABLE;
	return ZONE_NORMAL;
}

/*
 * The names ftrace prints for gfp_flags, in the order it tries them
 * (6.1 include/trace/events/mmflags.h): a composite is printed when all
 * its bits are set, so formatting here gives what a trace shows, and a
 * trace's names parse back.
 */
static const struct { const char *name; gfp_t val; } gfp_names[] = {
	{ "GFP_TRANSHUGE", GFP_TRANSHUGE },
	{ "GFP_TRANSHUGE_LIGHT", GFP_TRANSHUGE_LIGHT },
	{ "GFP_HIGHUSER_MOVABLE", GFP_HIGHUSER_MOVABLE },
	{ "GFP_HIGHUSER", GFP_HIGHUSER },
	{ "GFP_USER", GFP_USER },
	{ "GFP_KERNEL_ACCOUNT", GFP_KERNEL_ACCOUNT },
	{ "GFP_KERNEL", GFP_KERNEL },
	{ "GFP_NOFS", GFP_NOFS },
	{ "GFP_ATOMIC", GFP_ATOMIC },
	{ "GFP_NOIO", GFP_NOIO },
	{ "GFP_NOWAIT", GFP_NOWAIT },
	{ "GFP_DMA", GFP_DMA },
	{ "__GFP_HIGHMEM", __GFP_HIGHMEM },
	{ "GFP_DMA32", GFP_DMA32 },
	{ "__GFP_HIGH", __GFP_HIGH },
	{ "__GFP_ATOMIC", __GFP_ATOMIC },
	{ "__GFP_IO", __GFP_IO },
	{ "__GFP_FS", __GFP_FS },
	{ "__GFP_NOWARN", __GFP_NOWARN },
	{ "__GFP_RETRY_MAYFAIL", __GFP_RETRY_MAYFAIL },
	{ "__GFP_NOFAIL", __GFP_NOFAIL },
	{ "__GFP_NORETRY", __GFP_NORETRY },
	{ "__GFP_COMP", __GFP_COMP },
	{ "__GFP_ZERO", __GFP_ZERO },
	{ "__GFP_NOMEMALLOC", __GFP_NOMEMALLOC },
	{ "__GFP_MEMALLOC", __GFP_MEMALLOC },
	{ "__GFP_HARDWALL", __GFP_HARDWALL },
	{ "__GFP_THISNODE", __GFP_THISNODE },
	{ "__GFP_RECLAIMABLE", __GFP_RECLAIMABLE },
	{ "__GFP_MOVABLE", __GFP_MOVABLE },
	{ "__GFP_ACCOUNT", __GFP_ACCOUNT },
	{ "__GFP_WRITE", __GFP_WRITE },
	{ "__GFP_RECLAIM", __GFP_RECLAIM },
	{ "__GFP_DIRECT_RECLAIM", __GFP_DIRECT_RECLAIM },
	{ "__GFP_KSWAPD_RECLAIM", __GFP_KSWAPD_RECLAIM },
	{ "__GFP_ZEROTAGS", __GFP_ZEROTAGS },
	/* spellings scenarios use that ftrace never prints */
	{ "__GFP_DMA", __GFP_DMA },
	{ "__GFP_DMA32", __GFP_DMA32 },
};

/*
 * Parse "GFP_KERNEL|__GFP_COMP" (also accepts a number).  On failure *bad
 * points at the offending token inside s.
 */
bool gfp_parse(const char *s, gfp_t *out, const char **bad)
{
	gfp_t v = 0;
	const char *p = s;

	if (!*s) {
		*bad = s;
		return false;
	}
	while (*p) {
		const char *e = strchr(p, '|');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		bool found = false;

		if (n && (p[0] >= '0' && p[0] <= '9')) {
			char *end;
			unsigned long x = strtoul(p, &end, 0);

			if ((size_t)(end - p) == n) {
				v |= (gfp_t)x;
				found = true;
			}
		}
		for (size_t i = 0; !found && i < ARRAY_SIZE(gfp_names); i++) {
			if (strlen(gfp_names[i].name) == n && !strncmp(p, gfp_names[i].name, n)) {
				v |= gfp_names[i].val;
				found = true;
			}
		}
		if (!found) {
			*bad = p;
			return false;
		}
		p += n;
		if (*p == '|') {
			p++;
			if (!*p) {
				*bad = p;
				return false;
			}
		}
	}
	*out = v;
	return true;
}

void gfp_format(gfp_t gfp, char *buf, size_t len)
{
	size_t off = 0;
	gfp_t left = gfp;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(gfp_names) && left; i++) {
		gfp_t v = gfp_names[i].val;

		if ((left & v) != v || (gfp & v) != v)
			continue;
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%s",
					off ? "|" : "", gfp_names[i].name);
		left &= ~v;
	}
	if (left)
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%#x",
					off ? "|" : "", left);
	if (!gfp)
		snprintf(buf, len, "0");
}

/* -------------------------------------------------------------------------
 * Pageblocks
 */
int get_pageblock_migratetype(struct machine *m, unsigned long pfn)
{
	return get_pfnblock_migratetype(pfn_zone(m, pfn), pfn);
}

void set_pageblock_migratetype(struct machine *m, unsigned long pfn, int mt)
{
	set_pfnblock_migratetype(pfn_zone(m, pfn), pfn, mt);
}

bool get_pageblock_skip(struct machine *m, unsigned long pfn)
{
	return *pageblock_byte(pfn_zone(m, pfn), pfn) & 8;
}

void set_pageblock_skip(struct machine *m, unsigned long pfn, bool skip)
{
	uint8_t *b = pageblock_byte(pfn_zone(m, pfn), pfn);

	*b = skip ? (*b | 8) : (*b & ~8);
}

/* -------------------------------------------------------------------------
 * Free lists
 */
static inline void __mod_zone_freepage_state(struct zone *z, long nr, int mt)
{
	z->vm_stat[NR_FREE_PAGES] += nr;
	if (mt == MIGRATE_CMA)
		z->vm_stat[NR_FREE_CMA_PAGES] += nr;
}

static inline void set_buddy_order(struct machine *m, unsigned long pfn, unsigned int order)
{
	struct page_handle p = page_handle(m, pfn);

	ph_set_page_private(m, &p, order);
	ph_page_set_type(m, &p, PG_buddy);		/* __SetPageBuddy */
}

static inline void add_to_free_list(struct machine *m, unsigned long pfn, struct zone *z,
				    unsigned int order, int mt)
{
	struct free_area *area = &z->free_area[order];

	pfnlist_add(m, &area->free_list[mt], pfn);
	set_page_index(m, pfn, (unsigned long)mt);
	area->nr_free++;
	area->nr_free_mt[mt]++;
}

static inline void add_to_free_list_tail(struct machine *m, unsigned long pfn, struct zone *z,
					 unsigned int order, int mt)
{
	struct free_area *area = &z->free_area[order];

	pfnlist_add_tail(m, &area->free_list[mt], pfn);
	set_page_index(m, pfn, (unsigned long)mt);
	area->nr_free++;
	area->nr_free_mt[mt]++;
}

/* The free list a block is on is not recorded in the page; callers know it */
inline void del_page_from_free_list(struct machine *m, unsigned long pfn, struct zone *z,
				    unsigned int order, int mt)
{
	struct free_area *area = &z->free_area[order];
	struct page_handle p;

	pfnlist_del(m, &area->free_list[mt], pfn);
	p = page_handle(m, pfn);
	ph_page_clear_type(m, &p, PG_buddy);		/* __ClearPageBuddy */
	ph_set_page_private(m, &p, 0);
	area->nr_free--;
	area->nr_free_mt[mt]--;
}

static inline void move_to_free_list(struct machine *m, unsigned long pfn, struct zone *z,
				     unsigned int order, int from_mt, int to_mt)
{
	struct free_area *area = &z->free_area[order];

	pfnlist_del(m, &area->free_list[from_mt], pfn);
	pfnlist_add_tail(m, &area->free_list[to_mt], pfn);
	set_page_index(m, pfn, (unsigned long)to_mt);
	area->nr_free_mt[from_mt]--;
	area->nr_free_mt[to_mt]++;
}

/*
 * Which list a free block is on.  The kernel never needs to know (list_del
 * works through the page); this model keeps per-list counts, so a free
 * block records its list's migratetype in page->index, the field the
 * kernel uses for the pcp migratetype.
 */
static inline int free_block_list_mt(struct machine *m, struct zone *z, unsigned long pfn,
				     unsigned int order)
{
	return (int)page_index(m, pfn);
}

static inline bool page_is_buddy(struct machine *m, struct zone *z, unsigned long pfn,
				 unsigned int order)
{
	/* the buddy shares the pfn's section, so it has a struct page */
	if (!zone_spans_pfn(z, pfn))
		return false;
	if (!PageBuddy(m, pfn) || buddy_order(m, pfn) != order)
		return false;
	return page_zonenum(m, pfn) == z->idx && page_to_nid(m, pfn) == z->zone_pgdat->node_id;
}

static bool buddy_merge_likely(struct machine *m, struct zone *z, unsigned long pfn,
			       unsigned long buddy_pfn, unsigned int order)
{
	unsigned long higher;

	if (order >= MAX_ORDER - 2)
		return false;
	higher = buddy_pfn & pfn;
	return page_is_buddy(m, z, higher ^ (1UL << (order + 1)), order + 1);
}

/* The running direct compaction's capture control, for frees into its zone */
static inline struct capture_control *task_capc(struct machine *m, struct zone *z)
{
	struct capture_control *capc = m->capture_control;

	return unlikely(capc) && capc->page == PFN_NONE && capc->zone == z ? capc : NULL;
}

/*
 * compaction_capture: a block of the compactor's order is its; never from
 * CMA or isolated blocks, nor a movable one smaller than a pageblock
 * unless (6.12) the compactor wants movable pages itself
 */
static inline bool compaction_capture(struct capture_control *capc, unsigned long pfn,
				      unsigned int order, int migratetype)
{
	if (!capc || (int)order != capc->order)
		return false;
	if (migratetype == MIGRATE_CMA || migratetype == MIGRATE_ISOLATE)
		return false;
	if (order < pageblock_order && migratetype == MIGRATE_MOVABLE && !capc->capture_movable)
		return false;
	capc->page = pfn;
	return true;
}

/* Set the type of the pageblocks of a block of start_order >= pageblock_order */
static void change_pageblock_range(struct zone *z, unsigned long pfn, unsigned int start_order,
				   int mt)
{
	for (unsigned long i = 0; i < 1UL << (start_order - pageblock_order); i++)
		set_pfnblock_migratetype(z, pfn + i * pageblock_nr_pages, mt);
}

void __free_one_page(struct machine *m, unsigned long pfn, struct zone *z,
		     unsigned int order, int migratetype, fpi_t fpi)
{
	struct capture_control *capc = task_capc(m, z);
	unsigned long buddy_pfn = 0, combined;
	bool to_tail;

	if (MM_BUG_ON(m, pfn & ((1UL << order) - 1), "__free_one_page: pfn %#lx not aligned to order %u", pfn, order))
		return;
	if (migratetype != MIGRATE_ISOLATE)
		__mod_zone_freepage_state(z, 1L << order, migratetype);

	while (order < MAX_ORDER - 1) {
		if (compaction_capture(capc, pfn, order, migratetype)) {
			__mod_zone_freepage_state(z, -(1L << order), migratetype);
			return;
		}
		buddy_pfn = pfn ^ (1UL << order);
		if (!page_is_buddy(m, z, buddy_pfn, order))
			break;
		int buddy_list = free_block_list_mt(m, z, buddy_pfn, order);

		if (order >= pageblock_order) {
			int buddy_mt = get_pfnblock_migratetype(z, buddy_pfn);

			if (migratetype != buddy_mt &&
			    (!migratetype_is_mergeable(migratetype) ||
			     !migratetype_is_mergeable(buddy_mt)))
				break;
		}
		del_page_from_free_list(m, buddy_pfn, z, order, buddy_list);
		/*
		 * 6.12 retypes a merged buddy's pageblocks to the freed block's
		 * type, so that what expand() later splits off lands on its
		 * block's list ("mm: page_alloc: fix up block types when
		 * merging compatible blocks", 6.10)
		 */
		if (order >= pageblock_order && mm_kver_ge(m, 6, 12) &&
		    get_pfnblock_migratetype(z, buddy_pfn) != migratetype)
			change_pageblock_range(z, buddy_pfn, order, migratetype);
		combined = buddy_pfn & pfn;
		pfn = combined;
		order++;
	}

	set_buddy_order(m, pfn, order);

	if (fpi & FPI_TO_TAIL)
		to_tail = true;
	else if (m->opts.page_alloc_shuffle && order >= MAX_ORDER - 1)
		to_tail = mm_rng_next(m) & 1;		/* shuffle_pick_tail */
	else
		to_tail = buddy_merge_likely(m, z, pfn, buddy_pfn, order);

	if (to_tail)
		add_to_free_list_tail(m, pfn, z, order, migratetype);
	else
		add_to_free_list(m, pfn, z, order, migratetype);
}

/*
 * 6.12's split_large_buddy: a block larger than a pageblock is freed a
 * pageblock at a time, each to its own block's type, so that the free
 * pages land on their blocks' lists; they merge again in
 * __free_one_page, the later block's type winning ("mm: page_alloc:
 * close migratetype race between freeing and stealing", "mm:
 * page_isolation: prepare for hygienic freelists", 6.10)
 */
static void split_large_buddy(struct machine *m, struct zone *z, unsigned long pfn,
			      unsigned int order, fpi_t fpi)
{
	unsigned long end = pfn + (1UL << order);
	unsigned int o = order > pageblock_order ? pageblock_order : order;

	for (; pfn < end; pfn += 1UL << o)
		__free_one_page(m, pfn, z, o, get_pfnblock_migratetype(z, pfn), fpi);
}

static void free_one_page(struct machine *m, struct zone *z, unsigned long pfn,
			  unsigned int order, int mt, fpi_t fpi)
{
	if (mm_kver_ge(m, 6, 12)) {
		split_large_buddy(m, z, pfn, order, fpi);
		return;
	}
	if (mt == MIGRATE_ISOLATE)
		mt = get_pfnblock_migratetype(z, pfn);
	__free_one_page(m, pfn, z, order, mt, fpi);
}

/*
 * The tails of a compound page on their way to the allocator, as 6.1's
 * loop in free_pages_prepare treats them once free_tail_pages_check
 * (destroy_compound_page here) cleared mapping and compound_head: each
 * must look free (free_page_is_bad: no references, _mapcount -1, none of
 * PAGE_FLAGS_CHECK_AT_FREE), and loses its page flags.  A tail can carry
 * flags and counts when its struct page was a byte copy of the head (an
 * HVO fake head that 6.12's restore copied without reset_struct_pages).
 * Tails of non-compound blocks are not read: the model gives them no state
 * and reading them would materialise their struct pages.
 */
static bool free_tail_pages_prepare(struct machine *m, unsigned long head, unsigned int order)
{
	for (unsigned long p = head + 1; p < head + (1UL << order); p++) {
		uint64_t flags = page_flags(m, p);
		uint64_t counts = pg_read64(m, p, PGOFF_MAPCOUNT);
		int mapcount = (int)(uint32_t)counts, ref = (int)(uint32_t)(counts >> 32);

		if (unlikely(flags & PAGE_FLAGS_CHECK_AT_FREE || mapcount != -1 || ref)) {
			mm_fail(m, "BUG: Bad page state: pfn:%#lx (tail of %#lx order %u): %s", p, head,
				order, ref ? "nonzero _refcount" : mapcount != -1 ? "nonzero mapcount" :
				"PAGE_FLAGS_CHECK_AT_FREE flag(s) set");
			return false;
		}
		if (flags & PAGE_FLAGS_CHECK_AT_PREP)
			set_page_flags(m, p, flags & ~PAGE_FLAGS_CHECK_AT_PREP);
	}
	return true;
}

/*
 * Check a page on its way to the allocator (free_pages_prepare): report a
 * bad page state as a simulated kernel failure, then clear what the free
 * path clears.  Returns the page's flags (0 when the page was bad), which
 * carry its zone and node.  p: a handle to the page (page.h says when one
 * holds; empty under the explorer, where each access is its own step),
 * taken again here after the compound case touched the tails.  Inline:
 * the order-0 free path's call and return were an eighth of its cost.
 */
static __attribute__((always_inline)) inline uint64_t
free_pages_prepare(struct machine *m, struct page_handle *p, unsigned int order)
{
	unsigned long pfn = p->pfn;
	uint64_t flags = ph_page_flags(m, p);
	uint64_t counts = ph_read64(m, p, PGOFF_MAPCOUNT);	/* _mapcount, _refcount */
	int mapcount = (int)(uint32_t)counts, ref = (int)(uint32_t)(counts >> 32);
	uint64_t mapping = ph_read64(m, p, PGOFF_MAPPING);

	/* user data the scenario held: release it as the LRU release path does */
	if (mapping == PAGE_MAPPING_MOVABLE_DATA) {
		ph_set_page_mapping(m, p, 0);
		mapping = 0;
		flags &= ~(1UL << PG_lru);
		ph_set_page_flags(m, p, flags);
	} else if (mapping & PAGE_MAPPING_FLAGS) {
		/* an anon page keeps its anon_vma to the end (PageMappingFlags) */
		ph_set_page_mapping(m, p, 0);
		mapping = 0;
	}
	if (unlikely(flags & PAGE_FLAGS_CHECK_AT_FREE || mapcount != -1 || mapping || ref)) {
		const char *why = ref ? "nonzero _refcount" :
				  mapcount != -1 ? "nonzero mapcount" :
				  mapping ? "non-NULL mapping" : "PAGE_FLAGS_CHECK_AT_FREE flag(s) set";
		if (PageBuddy(m, pfn))
			why = "freeing a page that is already free (PageBuddy)";
		mm_fail(m, "BUG: Bad page state: pfn:%#lx order:%u: %s", pfn, order, why);
		return 0;
	}
	if (order && (flags & (1UL << PG_head))) {
		unsigned int corder = compound_order(m, pfn);

		if (MM_BUG_ON(m, corder != order, "BUG: freeing compound page %#lx order %u as order %u",
			      pfn, corder, order))
			return 0;
		destroy_compound_page(m, pfn, order);
		if (!free_tail_pages_prepare(m, pfn, order))
			return 0;
		flags = page_flags(m, pfn);
		*p = page_handle(m, pfn);	/* the tails' accesses came between */
	}
	if (flags & PAGE_FLAGS_CHECK_AT_PREP) {
		flags &= ~PAGE_FLAGS_CHECK_AT_PREP;
		ph_set_page_flags(m, p, flags);
	}
	return flags | FREE_PREP_OK;
}

static inline struct zone *flags_zone(struct machine *m, uint64_t flags)
{
	return &m->node[(flags >> NODES_PGSHIFT) & NODES_MASK]
			.node_zones[(flags >> ZONES_PGSHIFT) & ZONES_MASK];
}

static void __free_pages_ok(struct machine *m, unsigned long pfn, unsigned int order, fpi_t fpi)
{
	struct page_handle p = page_handle(m, pfn);
	uint64_t flags = free_pages_prepare(m, &p, order);
	struct zone *z;

	if (!flags)
		return;
	z = flags_zone(m, flags);
	free_one_page(m, z, pfn, order, get_pfnblock_migratetype(z, pfn), fpi);
	count_vm_events(m, PGFREE, 1L << order);
}

/* -------------------------------------------------------------------------
 * Per-cpu lists
 */
static inline bool pcp_allowed_order(unsigned int order)
{
	return order <= PAGE_ALLOC_COSTLY_ORDER || (order == pageblock_order && true);
}

static inline unsigned int order_to_pindex(int mt, unsigned int order)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return NR_LOWORDER_PCP_LISTS + (mt == MIGRATE_MOVABLE);
	return MIGRATE_PCPTYPES * order + mt;
}

static inline unsigned int pindex_to_order(unsigned int pindex)
{
	return pindex < NR_LOWORDER_PCP_LISTS ? pindex / MIGRATE_PCPTYPES : pageblock_order;
}

static inline struct per_cpu_pages *this_pcp(struct machine *m, struct zone *z)
{
	return &z->pcp[m->cur_cpu];
}

static unsigned long pcp_pop(struct machine *m, struct per_cpu_pages *pcp, unsigned int pindex,
			     bool tail)
{
	struct pfnlist_head *h = &pcp->lists[pindex];
	unsigned long pfn = tail ? pfnlist_pop_tail(m, h) : pfnlist_pop_head(m, h);

	pcp->lists_count[pindex]--;
	return pfn;
}

static void free_pcppages_bulk(struct machine *m, struct zone *z, int count,
			       struct per_cpu_pages *pcp, int pindex)
{
	int min_pindex = 0, max_pindex = NR_PCP_LISTS - 1;

	if (count > pcp->count)
		count = pcp->count;
	pindex--;
	while (count > 0) {
		unsigned int order;
		int nr;

		for (;;) {
			if (++pindex > max_pindex)
				pindex = min_pindex;
			if (!pfnlist_empty(&pcp->lists[pindex]))
				break;
			if (pindex == max_pindex)
				max_pindex--;
			if (pindex == min_pindex)
				min_pindex++;
		}
		order = pindex_to_order((unsigned int)pindex);
		nr = 1 << order;
		do {
			unsigned long pfn = pcp_pop(m, pcp, (unsigned int)pindex, true);
			int mt;

			/*
			 * 6.12 reads the block's type now ("mm: page_alloc:
			 * remove pcppage migratetype caching", 6.10); 6.1 the
			 * type the page was freed with, unless the block has
			 * been isolated meanwhile
			 */
			if (mm_kver_ge(m, 6, 12)) {
				mt = get_pfnblock_migratetype(z, pfn);
			} else {
				mt = (int)page_index(m, pfn);	/* get_pcppage_migratetype */
				if (unlikely(get_pfnblock_migratetype(z, pfn) == MIGRATE_ISOLATE))
					mt = MIGRATE_ISOLATE;
			}
			count -= nr;
			pcp->count -= nr;
			__free_one_page(m, pfn, z, order, mt, FPI_NONE);
		} while (count > 0 && !pfnlist_empty(&pcp->lists[pindex]));
	}
}

static int nr_pcp_free(struct per_cpu_pages *pcp, int high, int batch, bool free_high)
{
	int min_nr_free, max_nr_free;

	if (free_high)
		return pcp->count;
	if (high < batch)
		return 1;
	min_nr_free = batch;
	max_nr_free = high - batch;
	batch <<= pcp->free_factor;
	if (batch < max_nr_free && pcp->free_factor < 5)	/* PCP_BATCH_SCALE_MAX */
		pcp->free_factor++;
	if (batch < min_nr_free)
		batch = min_nr_free;
	if (batch > max_nr_free)
		batch = max_nr_free;
	return batch;
}

/*
 * 6.12's per-cpu list auto-tuning (6.7: "mm: add framework for PCP high
 * auto-tuning", "mm: tune PCP high automatically", "mm, pcp: decrease PCP
 * high if free pages < high watermark", "mm, pcp: reduce detecting time of
 * consecutive high order page freeing", "mm, page_alloc: scale the number
 * of pages that are batch allocated", "mm: restrict the pcp batch scale
 * factor to avoid too long latency").  pcp->high moves within [high_min,
 * high_max]: it grows by a batch on each refill while the zone is above
 * its high watermark, shrinks on frees while it is below it, and decays
 * by an eighth per vmstat update.  No reclaim runs in the model, so the
 * ZONE_RECLAIM_ACTIVE limit never applies.
 */
#define PCP_BATCH_SCALE_MAX		5	/* CONFIG_PCP_BATCH_SCALE_MAX, Debian's default */
#define PCPF_PREV_FREE_HIGH_ORDER	0x01
#define PCPF_FREE_HIGH_BATCH		0x02

static inline int clamp_int(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static int nr_pcp_free_612(struct per_cpu_pages *pcp, int batch, int high, bool free_high)
{
	if (unlikely(free_high))
		return pcp->count < batch << PCP_BATCH_SCALE_MAX ? pcp->count
								 : batch << PCP_BATCH_SCALE_MAX;
	if (unlikely(high < batch))
		return 1;
	/* free as many as were freed in a row, leaving at least a batch */
	return clamp_int(pcp->free_count, batch, high - batch);
}

static int nr_pcp_high_612(struct per_cpu_pages *pcp, struct zone *z, int batch, bool free_high)
{
	int high = pcp->high = clamp_int(pcp->high, pcp->high_min, pcp->high_max);
	int free_count = pcp->free_count > batch ? pcp->free_count : batch;

	if (unlikely(!high))
		return 0;
	if (unlikely(free_high)) {
		pcp->high = high - (batch << PCP_BATCH_SCALE_MAX) > pcp->high_min ?
			    high - (batch << PCP_BATCH_SCALE_MAX) : pcp->high_min;
		return 0;
	}
	if (pcp->high_min == pcp->high_max)
		return high;
	if (z->below_high) {
		pcp->high = high - free_count > pcp->high_min ? high - free_count : pcp->high_min;
		high = pcp->count > pcp->high_min ? pcp->count : pcp->high_min;
	} else if (pcp->count >= high) {
		int need_high = pcp->free_count + batch;

		if (pcp->high < need_high)
			pcp->high = clamp_int(need_high, pcp->high_min, pcp->high_max);
	}
	return high;
}

static void free_unref_page_commit_612(struct machine *m, struct zone *z,
				       struct per_cpu_pages *pcp, unsigned long pfn, int mt,
				       unsigned int order)
{
	unsigned int pindex = order_to_pindex(mt, order);
	int batch = pcp->batch, high;
	bool free_high = false;

	pcp->alloc_factor >>= 1;
	count_vm_events(m, PGFREE, 1L << order);
	pfnlist_add(m, &pcp->lists[pindex], pfn);
	pcp->lists_count[pindex]++;
	pcp->count += 1 << order;
	/* orders 1-3 freed in a row without allocations are pushed out early */
	if (order && order <= PAGE_ALLOC_COSTLY_ORDER) {
		free_high = pcp->free_count >= batch && (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER) &&
			    (!(pcp->flags & PCPF_FREE_HIGH_BATCH) || pcp->count >= batch);
		pcp->flags |= PCPF_PREV_FREE_HIGH_ORDER;
	} else {
		pcp->flags &= ~PCPF_PREV_FREE_HIGH_ORDER;
	}
	if (pcp->free_count < batch << PCP_BATCH_SCALE_MAX)
		pcp->free_count += 1 << order;
	high = nr_pcp_high_612(pcp, z, batch, free_high);
	if (pcp->count >= high) {
		free_pcppages_bulk(m, z, nr_pcp_free_612(pcp, batch, high, free_high), pcp,
				   (int)pindex);
		if (z->below_high &&
		    zone_watermark_ok(m, z, 0, high_wmark_pages(z), ZONE_MOVABLE, 0))
			z->below_high = false;
	}
}

/*
 * 6.12's refill size: a batch, doubled for each refill in a row without a
 * free (alloc_factor, up to PCP_BATCH_SCALE_MAX), bounded by the room
 * below high; each refill also raises high by that batch while the zone
 * is above its high watermark.
 */
static int nr_pcp_alloc(struct per_cpu_pages *pcp, struct zone *z, unsigned int order)
{
	int base_batch = pcp->batch, batch, max_nr_alloc;
	int high = pcp->high = clamp_int(pcp->high, pcp->high_min, pcp->high_max);

	if (unlikely(high < base_batch))
		return 1;
	batch = order ? base_batch : base_batch << pcp->alloc_factor;
	if (pcp->high_min != pcp->high_max && !z->below_high)
		high = pcp->high = high + batch < pcp->high_max ? high + batch : pcp->high_max;
	if (!order) {
		max_nr_alloc = high - pcp->count - base_batch > base_batch ?
			       high - pcp->count - base_batch : base_batch;
		if (batch <= max_nr_alloc && pcp->alloc_factor < PCP_BATCH_SCALE_MAX)
			pcp->alloc_factor++;
		if (batch > max_nr_alloc)
			batch = max_nr_alloc;
	}
	if (batch > 1) {
		batch >>= order;
		if (batch < 2)
			batch = 2;
	}
	return batch;
}

/*
 * decay_pcp_high (6.7), from vmstat's periodic refresh on each CPU: high
 * loses an eighth (at most down to count - a scaled batch, at least
 * high_min) and what lies above it goes back to the buddy lists a batch
 * at a time.  Returns whether there is more to do.
 */
bool decay_pcp_high(struct machine *m, struct zone *z, struct per_cpu_pages *pcp)
{
	int batch = pcp->batch, to_drain;
	bool todo = false;

	if (pcp->high > pcp->high_min) {
		int h = pcp->count - (batch << PCP_BATCH_SCALE_MAX);

		if (h < pcp->high - (pcp->high >> 3))
			h = pcp->high - (pcp->high >> 3);
		if (h < pcp->high_min)
			h = pcp->high_min;
		pcp->high = h;
		if (pcp->high > pcp->high_min)
			todo = true;
	}
	for (to_drain = pcp->count - pcp->high; to_drain > 0; to_drain -= batch) {
		free_pcppages_bulk(m, z, to_drain < batch ? to_drain : batch, pcp, 0);
		todo = true;
	}
	return todo;
}

/*
 * pfnlist_add through the handle the free path already holds (p: pfn's,
 * possibly empty): the same accesses in the same order, without looking
 * the page up in the TLB again; nothing touched a struct page since p
 * was last used
 */
static __attribute__((always_inline)) inline void pcp_list_add_ph(struct machine *m,
								   struct pfnlist_head *h,
								   struct page_handle *p)
{
	unsigned long pfn = p->pfn;

	ph_set_page_lru_prev(m, p, PFN_NONE);
	ph_set_page_lru_next(m, p, h->first);
	if (h->first != PFN_NONE)
		set_page_lru_prev(m, h->first, pfn);
	else
		h->last = pfn;
	h->first = pfn;
}

/*
 * Inline into the order-0 free path (see __free_pages), where the order is
 * a constant: its tests on the order fold away
 */
static __attribute__((always_inline)) inline void
free_unref_page_commit(struct machine *m, struct zone *z, struct per_cpu_pages *pcp,
		       struct page_handle *p, int mt, unsigned int order)
{
	unsigned long pfn = p->pfn;

	unsigned int pindex = order_to_pindex(mt, order);
	bool free_high;
	int high;

	if (mm_kver_ge(m, 6, 12)) {
		free_unref_page_commit_612(m, z, pcp, pfn, mt, order);
		return;
	}
	count_vm_events(m, PGFREE, 1L << order);
	pcp_list_add_ph(m, &pcp->lists[pindex], p);
	pcp->lists_count[pindex]++;
	pcp->count += 1 << order;

	free_high = pcp->free_factor && order && order <= PAGE_ALLOC_COSTLY_ORDER;
	high = (!pcp->high || free_high) ? 0 : pcp->high;	/* nr_pcp_high, no reclaim */
	if (pcp->count >= high)
		free_pcppages_bulk(m, z, nr_pcp_free(pcp, high, pcp->batch, free_high), pcp,
				   (int)pindex);
}

/* p: a handle to pfn, possibly empty; inline where the order is a constant */
static __attribute__((always_inline)) inline void
__free_unref_page_ph(struct machine *m, struct page_handle *p, unsigned int order)
{
	uint64_t flags = free_pages_prepare(m, p, order);
	unsigned long pfn = p->pfn;
	struct zone *z;
	int mt, pcpmt;

	if (!flags)
		return;
	z = flags_zone(m, flags);
	mt = pcpmt = get_pfnblock_migratetype(z, pfn);
	ph_set_page_index(m, p, (unsigned long)mt);		/* set_pcppage_migratetype */
	if (unlikely(mt >= MIGRATE_PCPTYPES)) {
		if (mt == MIGRATE_ISOLATE) {
			free_one_page(m, z, pfn, order, mt, FPI_NONE);	/* no PGFREE here in 6.1 */
			return;
		}
		pcpmt = MIGRATE_MOVABLE;
	}
	free_unref_page_commit(m, z, this_pcp(m, z), p, pcpmt, order);
}

static void free_unref_page_ph(struct machine *m, struct page_handle *p, unsigned int order)
{
	__free_unref_page_ph(m, p, order);
}

void free_unref_page(struct machine *m, unsigned long pfn, unsigned int order)
{
	struct page_handle p = page_handle(m, pfn);

	free_unref_page_ph(m, &p, order);
}

static void free_the_page(struct machine *m, unsigned long pfn, unsigned int order)
{
	if (pcp_allowed_order(order))
		free_unref_page(m, pfn, order);
	else
		__free_pages_ok(m, pfn, order, FPI_NONE);
}

/*
 * Drop a reference; free when it was the last.  Pages the runner marked as
 * movable user data are released on the way (free_pages_prepare).
 */
void __free_pages(struct machine *m, unsigned long pfn, unsigned int order)
{
	/* PageHead before the reference goes; it only matters above order 0 */
	bool head = order && PageHead(m, pfn);
	struct page_handle p = page_handle(m, pfn);
	int ref = ph_page_ref_add_return(m, &p, -1);

	if (ref == 0) {
		/* the handle still holds: nothing touched another struct page */
		if (likely(!order))
			__free_unref_page_ph(m, &p, 0);		/* the order-0 path, inline */
		else if (pcp_allowed_order(order))
			free_unref_page_ph(m, &p, order);
		else
			__free_pages_ok(m, pfn, order, FPI_NONE);
	} else if (ref < 0) {
		/*
		 * put_page_testzero's VM_BUG_ON_PAGE(page_ref_count(page) == 0):
		 * the BUG fires before the count moves, so put it back.
		 */
		page_ref_add_return(m, pfn, 1);
		mm_fail(m, "BUG: Bad page state: pfn:%#lx order:%u: page refcount underflow "
			"(freeing a page nobody holds: double free?)", pfn, order);
	} else if (!head) {
		/*
		 * Someone else (a speculative reference) holds the first page
		 * of a non-compound block: it frees that page when it drops
		 * the reference; the rest goes back now, in halves.
		 */
		while (order-- > 0)
			free_the_page(m, pfn + (1UL << order), order);
	}
}

/* Free an order-0 page straight into the buddy lists (pcp disabled) */
void __free_pages_nonpcp(struct machine *m, unsigned long pfn)
{
	if (page_ref_add_return(m, pfn, -1) == 0)
		__free_pages_ok(m, pfn, 0, FPI_NONE);
}

void drain_zone_pages(struct machine *m, struct zone *z, struct per_cpu_pages *pcp)
{
	int to_drain = pcp->count < pcp->batch ? pcp->count : pcp->batch;

	if (to_drain > 0)
		free_pcppages_bulk(m, z, to_drain, pcp, 0);
}

static void drain_pages_zone(struct machine *m, int cpu, struct zone *z)
{
	struct per_cpu_pages *pcp = &z->pcp[cpu];

	/*
	 * 6.12 drains in rounds of a scaled batch ("mm: page_alloc: control
	 * latency caused by zone PCP draining", 6.10); each round starts
	 * again from the first list
	 */
	if (mm_kver_ge(m, 6, 12)) {
		while (pcp->count) {
			int n = pcp->batch << PCP_BATCH_SCALE_MAX;

			free_pcppages_bulk(m, z, pcp->count < n ? pcp->count : n, pcp, 0);
		}
		return;
	}
	if (pcp->count)
		free_pcppages_bulk(m, z, pcp->count, pcp, 0);
}

void drain_local_pages(struct machine *m, struct zone *z)
{
	struct zone *zz;

	if (z) {
		drain_pages_zone(m, m->cur_cpu, z);
		return;
	}
	for_each_zone_of(m, zz)
		if (zz->pcp)
			drain_pages_zone(m, m->cur_cpu, zz);
}

void drain_all_pages(struct machine *m, struct zone *z)
{
	struct zone *zz;

	for (int cpu = 0; cpu < m->nr_cpus; cpu++) {
		if (z) {
			drain_pages_zone(m, cpu, z);
			continue;
		}
		for_each_zone_of(m, zz)
			if (zz->pcp)
				drain_pages_zone(m, cpu, zz);
	}
}

unsigned long pcp_total(struct machine *m, struct zone *z)
{
	unsigned long n = 0;

	if (!z->pcp)
		return 0;
	for (int cpu = 0; cpu < m->nr_cpus; cpu++)
		n += (unsigned long)z->pcp[cpu].count;
	return n;
}

/* -------------------------------------------------------------------------
 * Taking pages out of the buddy lists
 */
static inline void expand(struct machine *m, struct zone *z, unsigned long pfn,
			  unsigned int low, unsigned int high, int mt)
{
	unsigned long size = 1UL << high;

	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_list(m, pfn + size, z, high, mt);
		set_buddy_order(m, pfn + size, high);
	}
}

static unsigned long __rmqueue_smallest(struct machine *m, struct zone *z, unsigned int order,
					int mt)
{
	for (unsigned int o = order; o < MAX_ORDER; o++) {
		struct free_area *area = &z->free_area[o];
		unsigned long pfn = area->free_list[mt].first;

		if (pfn == PFN_NONE)
			continue;
		del_page_from_free_list(m, pfn, z, o, mt);
		expand(m, z, pfn, order, o, mt);
		set_page_index(m, pfn, (unsigned long)mt);	/* set_pcppage_migratetype */
		return pfn;
	}
	return PFN_NONE;
}

static bool can_steal_fallback(unsigned int order, int start_mt)
{
	if (order >= pageblock_order)
		return true;
	return order >= pageblock_order / 2 || start_mt == MIGRATE_RECLAIMABLE ||
	       start_mt == MIGRATE_UNMOVABLE;
}

static bool boost_watermark(struct zone *z)
{
	unsigned long max_boost;

	if (pageblock_nr_pages * 4 > z->managed_pages)
		return false;
	max_boost = z->_watermark[WMARK_HIGH] * watermark_boost_factor / 10000;
	if (!max_boost)
		return false;
	if (max_boost < pageblock_nr_pages)
		max_boost = pageblock_nr_pages;
	z->watermark_boost += pageblock_nr_pages;
	if (z->watermark_boost > max_boost)
		z->watermark_boost = max_boost;
	return true;
}

/*
 * Move every free block in [start, end] to the mt lists; count in-use
 * pages that look movable (LRU or movable mapping).
 */
static int move_freepages(struct machine *m, struct zone *z, unsigned long start,
			  unsigned long end, int mt, int *num_movable)
{
	int moved = 0;

	for (unsigned long pfn = start; pfn <= end;) {
		if (!pfn_present_mem(m, pfn) || !PageBuddy(m, pfn)) {
			if (num_movable && pfn_present_mem(m, pfn) &&
			    (PageLRU(m, pfn) || (page_mapping(m, pfn) & PAGE_MAPPING_MOVABLE_DATA)))
				(*num_movable)++;
			pfn++;
			continue;
		}
		unsigned int order = buddy_order(m, pfn);
		int from = free_block_list_mt(m, z, pfn, order);

		move_to_free_list(m, pfn, z, order, from, mt);
		pfn += 1UL << order;
		moved += 1 << order;
	}
	return moved;
}

int move_freepages_block(struct machine *m, struct zone *z, unsigned long pfn, int mt,
			 int *num_movable)
{
	unsigned long start = pfn & ~(pageblock_nr_pages - 1);
	unsigned long end = start + pageblock_nr_pages - 1;

	if (num_movable)
		*num_movable = 0;
	if (!zone_spans_pfn(z, start))
		start = pfn;
	if (!zone_spans_pfn(z, end))
		return 0;
	return move_freepages(m, z, start, end, mt, num_movable);
}

static void steal_suitable_fallback(struct machine *m, struct zone *z, unsigned long pfn,
				    int from_mt, unsigned int alloc_flags, int start_type,
				    bool whole_block)
{
	unsigned int current_order = buddy_order(m, pfn);
	int old_block_type = get_pfnblock_migratetype(z, pfn);
	int free_pages, movable_pages, alike_pages;

	if (old_block_type == MIGRATE_HIGHATOMIC)
		goto single_page;
	if (current_order >= pageblock_order) {
		for (unsigned long i = 0; i < 1UL << (current_order - pageblock_order); i++)
			set_pfnblock_migratetype(z, pfn + i * pageblock_nr_pages, start_type);
		goto single_page;
	}
	if (boost_watermark(z) && (alloc_flags & ALLOC_KSWAPD))
		z->boosted_watermark = true;	/* rmqueue wakes kswapd */
	if (!whole_block)
		goto single_page;

	free_pages = move_freepages_block(m, z, pfn, start_type, &movable_pages);
	if (start_type == MIGRATE_MOVABLE)
		alike_pages = movable_pages;
	else if (old_block_type == MIGRATE_MOVABLE)
		alike_pages = (int)pageblock_nr_pages - (free_pages + movable_pages);
	else
		alike_pages = 0;
	if (!free_pages)
		goto single_page;
	if (free_pages + alike_pages >= (1 << (pageblock_order - 1)))
		set_pfnblock_migratetype(z, pfn, start_type);
	return;

single_page:
	move_to_free_list(m, pfn, z, current_order, from_mt, start_type);
}

int find_suitable_fallback(struct free_area *area, unsigned int order, int mt,
			   bool only_stealable, bool *can_steal)
{
	if (!area->nr_free)
		return -1;
	*can_steal = false;
	for (int i = 0; fallbacks[mt][i] != MIGRATE_TYPES; i++) {
		int fmt = fallbacks[mt][i];

		if (pfnlist_empty(&area->free_list[fmt]))
			continue;
		if (can_steal_fallback(order, mt))
			*can_steal = true;
		if (!only_stealable || *can_steal)
			return fmt;
	}
	return -1;
}

static bool __rmqueue_fallback(struct machine *m, struct zone *z, int order, int start_mt,
			       unsigned int alloc_flags)
{
	int current_order, min_order = order, fmt = -1;
	bool can_steal = false;

	if (order < pageblock_order && (alloc_flags & ALLOC_NOFRAGMENT))
		min_order = pageblock_order;

	for (current_order = MAX_ORDER - 1; current_order >= min_order; current_order--) {
		fmt = find_suitable_fallback(&z->free_area[current_order], (unsigned int)current_order,
					     start_mt, false, &can_steal);
		if (fmt == -1)
			continue;
		if (!can_steal && start_mt == MIGRATE_MOVABLE && current_order > order)
			goto find_smallest;
		goto do_steal;
	}
	return false;

find_smallest:
	for (current_order = order; current_order < MAX_ORDER; current_order++) {
		fmt = find_suitable_fallback(&z->free_area[current_order], (unsigned int)current_order,
					     start_mt, false, &can_steal);
		if (fmt != -1)
			break;
	}
	if (MM_BUG_ON(m, current_order == MAX_ORDER, "__rmqueue_fallback: fallback vanished"))
		return false;

do_steal:
	steal_suitable_fallback(m, z, z->free_area[current_order].free_list[fmt].first, fmt,
				alloc_flags, start_mt, can_steal);
	return true;
}

static unsigned long __rmqueue_cma_fallback(struct machine *m, struct zone *z, unsigned int order)
{
	return __rmqueue_smallest(m, z, order, MIGRATE_CMA);
}

/* -------------------------------------------------------------------------
 * 6.12's fallback, as Debian's 6.12 has it: the freelist hygiene series of
 * 6.10 (free pages always on their pageblock's list; a block's type and
 * its free pages change together, under the zone lock) and the claim and
 * steal split that Debian backports from 6.15 ("mm: page_alloc: don't
 * steal single pages from biggest buddy", "mm: page_alloc: speed up
 * fallbacks in rmqueue_bulk()").  find_suitable_fallback,
 * can_steal_fallback and boost_watermark are 6.1's.
 */

/*
 * __move_freepages_block: every free block of the pageblock at start goes
 * to the tail of new_mt's lists, and the pageblock becomes new_mt.  The
 * list each block is on is the one it recorded (old_mt in the kernel).
 */
static int __move_freepages_block(struct machine *m, struct zone *z, unsigned long start,
				  int new_mt)
{
	int moved = 0;

	for (unsigned long pfn = start; pfn < start + pageblock_nr_pages;) {
		if (!pfn_present_mem(m, pfn) || !PageBuddy(m, pfn)) {
			pfn++;
			continue;
		}
		unsigned int order = buddy_order(m, pfn);

		move_to_free_list(m, pfn, z, order, free_block_list_mt(m, z, pfn, order), new_mt);
		pfn += 1UL << order;
		moved += 1 << order;
	}
	set_pfnblock_migratetype(z, start, new_mt);
	return moved;
}

/*
 * prep_move_freepages_block: false for a pageblock the zone does not span
 * whole; else its first pfn, and with num_free its free pages and the
 * in-use pages that look movable (as 6.1's move_freepages counts them)
 */
static bool prep_move_freepages_block(struct machine *m, struct zone *z, unsigned long pfn,
				      unsigned long *start_pfn, int *num_free, int *num_movable)
{
	unsigned long start = pfn & ~(pageblock_nr_pages - 1), end = start + pageblock_nr_pages;

	if (!zone_spans_pfn(z, start) || !zone_spans_pfn(z, end - 1))
		return false;
	*start_pfn = start;
	if (!num_free)
		return true;
	*num_free = *num_movable = 0;
	for (pfn = start; pfn < end;) {
		if (!pfn_present_mem(m, pfn)) {
			pfn++;
			continue;
		}
		if (PageBuddy(m, pfn)) {
			int nr = 1 << buddy_order(m, pfn);

			*num_free += nr;
			pfn += (unsigned long)nr;
			continue;
		}
		if (PageLRU(m, pfn) || (page_mapping(m, pfn) & PAGE_MAPPING_MOVABLE_DATA))
			(*num_movable)++;
		pfn++;
	}
	return true;
}

/* 6.12's move_freepages_block: -1 for a block the zone does not span whole */
static int move_freepages_block_612(struct machine *m, struct zone *z, unsigned long pfn,
				    int new_mt)
{
	unsigned long start;

	if (!prep_move_freepages_block(m, z, pfn, &start, NULL, NULL))
		return -1;
	return __move_freepages_block(m, z, start, new_mt);
}

/* page_del_and_expand: a block off mt's list, the rest split back onto mt's lists */
static unsigned long page_del_and_expand(struct machine *m, struct zone *z, unsigned long pfn,
					 unsigned int low, unsigned int high, int mt)
{
	del_page_from_free_list(m, pfn, z, high, free_block_list_mt(m, z, pfn, high));
	expand(m, z, pfn, low, high, mt);
	set_page_index(m, pfn, (unsigned long)mt);	/* which list it left, for the accounting */
	return pfn;
}

/*
 * try_to_steal_block (Debian's 6.12 name; mainline renamed it
 * try_to_claim_block in 6.15): a block of pageblock order or more is
 * retyped and allocated from; a smaller one boosts the watermark and
 * claims its whole pageblock (free pages moved, type changed) when at
 * least half of it is free or alike, and allocates from start_type's
 * lists; otherwise nothing changes and it returns PFN_NONE.  A
 * highatomic block is never claimed.
 */
static unsigned long try_to_steal_block(struct machine *m, struct zone *z, unsigned long pfn,
					unsigned int current_order, unsigned int order,
					int start_type, unsigned int alloc_flags)
{
	int block_type = get_pfnblock_migratetype(z, pfn);
	int free_pages, movable_pages, alike_pages;
	unsigned long start;

	if (block_type == MIGRATE_HIGHATOMIC)
		return PFN_NONE;
	if (current_order >= pageblock_order) {
		del_page_from_free_list(m, pfn, z, current_order,
					free_block_list_mt(m, z, pfn, current_order));
		change_pageblock_range(z, pfn, current_order, start_type);
		expand(m, z, pfn, order, current_order, start_type);
		set_page_index(m, pfn, (unsigned long)start_type);
		return pfn;
	}
	if (boost_watermark(z) && (alloc_flags & ALLOC_KSWAPD))
		z->boosted_watermark = true;	/* rmqueue wakes kswapd */
	if (!prep_move_freepages_block(m, z, pfn, &start, &free_pages, &movable_pages))
		return PFN_NONE;
	if (start_type == MIGRATE_MOVABLE)
		alike_pages = movable_pages;
	else if (block_type == MIGRATE_MOVABLE)
		alike_pages = (int)pageblock_nr_pages - (free_pages + movable_pages);
	else
		alike_pages = 0;
	if (free_pages + alike_pages >= (1 << (pageblock_order - 1))) {
		__move_freepages_block(m, z, start, start_type);
		return __rmqueue_smallest(m, z, order, start_type);
	}
	return PFN_NONE;
}

/*
 * __rmqueue_claim: from the largest order down, claim the block of the
 * first fallback list's first free block; an order where the fallback
 * exists but may not be claimed (can_steal false) ends the search.
 */
static unsigned long __rmqueue_claim(struct machine *m, struct zone *z, int order, int start_mt,
				     unsigned int alloc_flags)
{
	int min_order = order;
	bool can_steal;

	if (order < pageblock_order && (alloc_flags & ALLOC_NOFRAGMENT))
		min_order = pageblock_order;
	for (int co = MAX_ORDER - 1; co >= min_order; co--) {
		struct free_area *area = &z->free_area[co];
		int fmt = find_suitable_fallback(area, (unsigned int)co, start_mt, false, &can_steal);
		unsigned long pfn;

		if (fmt == -1)
			continue;
		if (!can_steal)
			break;
		pfn = try_to_steal_block(m, z, area->free_list[fmt].first, (unsigned int)co,
					 (unsigned int)order, start_mt, alloc_flags);
		if (pfn != PFN_NONE)
			return pfn;
	}
	return PFN_NONE;
}

/*
 * __rmqueue_steal: the smallest fallback block, split on its own lists;
 * one page leaves, the pageblock keeps its type and nothing is boosted
 */
static unsigned long __rmqueue_steal(struct machine *m, struct zone *z, unsigned int order,
				     int start_mt)
{
	bool can_steal;

	for (unsigned int co = order; co < MAX_ORDER; co++) {
		struct free_area *area = &z->free_area[co];
		int fmt = find_suitable_fallback(area, co, start_mt, false, &can_steal);

		if (fmt == -1)
			continue;
		return page_del_and_expand(m, z, area->free_list[fmt].first, order, co, fmt);
	}
	return PFN_NONE;
}

/*
 * Where the last __rmqueue of an rmqueue_bulk found its page: the next
 * one starts there (nothing else touches the lists under the zone lock)
 */
enum rmqueue_mode { RMQUEUE_NORMAL, RMQUEUE_CMA, RMQUEUE_CLAIM, RMQUEUE_STEAL };

static unsigned long __rmqueue_612(struct machine *m, struct zone *z, unsigned int order, int mt,
				   unsigned int alloc_flags, enum rmqueue_mode *mode)
{
	unsigned long pfn;

	if ((alloc_flags & ALLOC_CMA) &&
	    zone_page_state(z, NR_FREE_CMA_PAGES) > zone_page_state(z, NR_FREE_PAGES) / 2) {
		pfn = __rmqueue_cma_fallback(m, z, order);
		if (pfn != PFN_NONE)
			return pfn;
	}
	switch (*mode) {
	case RMQUEUE_NORMAL:
		pfn = __rmqueue_smallest(m, z, order, mt);
		if (pfn != PFN_NONE)
			return pfn;
		/* fall through */
	case RMQUEUE_CMA:
		if (alloc_flags & ALLOC_CMA) {
			pfn = __rmqueue_cma_fallback(m, z, order);
			if (pfn != PFN_NONE) {
				*mode = RMQUEUE_CMA;
				return pfn;
			}
		}
		/* fall through */
	case RMQUEUE_CLAIM:
		pfn = __rmqueue_claim(m, z, (int)order, mt, alloc_flags);
		if (pfn != PFN_NONE) {
			*mode = RMQUEUE_NORMAL;
			return pfn;
		}
		/* fall through */
	case RMQUEUE_STEAL:
		if (!(alloc_flags & ALLOC_NOFRAGMENT)) {
			pfn = __rmqueue_steal(m, z, order, mt);
			if (pfn != PFN_NONE) {
				*mode = RMQUEUE_STEAL;
				return pfn;
			}
		}
	}
	return PFN_NONE;
}

static unsigned long __rmqueue(struct machine *m, struct zone *z, unsigned int order, int mt,
			       unsigned int alloc_flags, enum rmqueue_mode *mode)
{
	unsigned long pfn;

	if (mm_kver_ge(m, 6, 12))
		return __rmqueue_612(m, z, order, mt, alloc_flags, mode);

	if ((alloc_flags & ALLOC_CMA) &&
	    zone_page_state(z, NR_FREE_CMA_PAGES) > zone_page_state(z, NR_FREE_PAGES) / 2) {
		pfn = __rmqueue_cma_fallback(m, z, order);
		if (pfn != PFN_NONE)
			return pfn;
	}
retry:
	pfn = __rmqueue_smallest(m, z, order, mt);
	if (unlikely(pfn == PFN_NONE)) {
		if (alloc_flags & ALLOC_CMA)
			pfn = __rmqueue_cma_fallback(m, z, order);
		if (pfn == PFN_NONE && __rmqueue_fallback(m, z, (int)order, mt, alloc_flags))
			goto retry;
	}
	return pfn;
}

/*
 * rmqueue_bulk's order-0 refill, a block at a time.  Each round of the
 * loop below takes the first block of the smallest non-empty order of
 * mt's free lists (__rmqueue_smallest), splits it down to one page
 * (expand, each half going to the head of its list) and appends that page
 * to the pcp list.  When the block taken has order o, every list below o
 * is empty, so the rounds that follow hand out the block's pages in pfn
 * order, each list below o holding at most one block of it at a time.
 * After n rounds, pages [pfn, pfn + n) are on the pcp list in that order
 * and the rest of the block lies on the lists as one block per set bit of
 * 2^o - n, in rising order from pfn + n, each alone on its list.
 *
 * This writes that end state directly: for each page handed out, its
 * pcp links, index (the migratetype, as expand and set_pcppage_migratetype
 * leave it), private 0 and PG_buddy clear (set as a buddy, cleared as
 * taken: one read-modify-write of _mapcount); for each block left, its
 * links (alone on its list), index, order and PG_buddy; the free_area
 * counts by their net change.  Struct page contents, list order and
 * counters are the rounds' own.  What differs is only which struct page
 * accesses happen, and in which order: the same chunks are touched, so
 * each TLB ends up holding the same translations unless two of them
 * collide in one slot, and then either is the page tables' current
 * translation (free pages' struct pages are never remapped: HVO remaps
 * the vmemmap of hugetlb pages only, and flushes before they go back).
 * Under the explorer, where each access is a scheduling point, and with
 * m->inject.step_by_step, the rounds run one by one.
 *
 * Returns the pages taken, fewer than count when mt's lists ran out (the
 * caller goes on round by round, through the fallback).
 */
static int rmqueue_bulk_blocks(struct machine *m, struct zone *z, int count,
			       struct pfnlist_head *list, int mt)
{
	int i = 0;

	while (i < count) {
		unsigned long pfn = PFN_NONE, rest, next, x;
		struct page_handle p;
		unsigned int o;
		int n;

		for (o = 0; o < MAX_ORDER; o++) {
			pfn = z->free_area[o].free_list[mt].first;
			if (pfn != PFN_NONE)
				break;
		}
		if (pfn == PFN_NONE)
			break;
		n = count - i < (1 << o) ? count - i : 1 << o;
		/* the first round's del_page_from_free_list, as it makes it */
		del_page_from_free_list(m, pfn, z, o, mt);
		for (x = pfn; x < pfn + (unsigned long)n; x++) {
			/* each page's accesses follow the last one's: page_handle_next holds */
			p = x == pfn ? page_handle(m, x) : page_handle_next(m, &p);
			if (x != pfn) {		/* a buddy of an earlier round, now taken */
				ph_page_clear_type(m, &p, PG_buddy);
				ph_set_page_private(m, &p, 0);
			}
			ph_set_page_index(m, &p, (unsigned long)mt);
			ph_set_page_lru_prev(m, &p, x == pfn ? list->last : x - 1);
			ph_set_page_lru_next(m, &p,
					     x + 1 < pfn + (unsigned long)n ? x + 1 : PFN_NONE);
		}
		if (list->last != PFN_NONE)
			set_page_lru_next(m, list->last, pfn);
		else
			list->first = pfn;
		list->last = pfn + (unsigned long)n - 1;
		/* what the rounds left of the block: one block per set bit */
		rest = (1UL << o) - (unsigned long)n;
		next = pfn + (unsigned long)n;
		for (unsigned int k = 0; k < o; k++) {
			struct free_area *area = &z->free_area[k];

			if (!(rest & (1UL << k)))
				continue;
			p = page_handle(m, next);
			ph_set_page_lru_prev(m, &p, PFN_NONE);	/* add_to_free_list */
			ph_set_page_lru_next(m, &p, PFN_NONE);
			ph_set_page_index(m, &p, (unsigned long)mt);
			ph_set_page_private(m, &p, k);		/* set_buddy_order */
			ph_page_set_type(m, &p, PG_buddy);
			area->free_list[mt].first = area->free_list[mt].last = next;
			area->nr_free++;
			area->nr_free_mt[mt]++;
			next += 1UL << k;
		}
		i += n;
	}
	return i;
}

/* Once per pcp->batch allocations: kept out of the allocation's fast path */
static __attribute__((noinline)) int rmqueue_bulk(struct machine *m, struct zone *z,
						  unsigned int order, int count,
						  struct per_cpu_pages *pcp, unsigned int pindex,
						  int mt, unsigned int alloc_flags)
{
	enum rmqueue_mode rmqm = RMQUEUE_NORMAL;
	int i = 0;

	/* __rmqueue's CMA-first test cannot change while only mt's lists are used */
	if (!order && !m->sched && !m->inject.step_by_step && mt != MIGRATE_CMA &&
	    !((alloc_flags & ALLOC_CMA) &&
	      zone_page_state(z, NR_FREE_CMA_PAGES) > zone_page_state(z, NR_FREE_PAGES) / 2)) {
		i = rmqueue_bulk_blocks(m, z, count, &pcp->lists[pindex], mt);
		pcp->lists_count[pindex] += (unsigned int)i;
	}
	for (; i < count; i++) {
		unsigned long pfn = __rmqueue(m, z, order, mt, alloc_flags, &rmqm);

		if (pfn == PFN_NONE)
			break;
		pfnlist_add_tail(m, &pcp->lists[pindex], pfn);
		pcp->lists_count[pindex]++;
		if ((int)page_index(m, pfn) == MIGRATE_CMA)
			z->vm_stat[NR_FREE_CMA_PAGES] -= 1L << order;
	}
	z->vm_stat[NR_FREE_PAGES] -= (long)i << order;
	return i;
}

static __attribute__((always_inline)) inline unsigned long
rmqueue_pcplist(struct machine *m, struct zone *z, unsigned int order, int mt,
		unsigned int alloc_flags, struct page_handle *p)
{
	struct per_cpu_pages *pcp = this_pcp(m, z);
	unsigned int pindex = order_to_pindex(mt, order);
	int batch;

	if (mm_kver_ge(m, 6, 12)) {
		pcp->free_count >>= 1;
		batch = pfnlist_empty(&pcp->lists[pindex]) ? nr_pcp_alloc(pcp, z, order) : 0;
	} else {
		pcp->free_factor >>= 1;
		batch = pcp->batch;
		if (batch > 1) {
			batch >>= order;
			if (batch < 2)
				batch = 2;
		}
	}
	if (pfnlist_empty(&pcp->lists[pindex])) {
		pcp->count += rmqueue_bulk(m, z, order, batch, pcp, pindex, mt, alloc_flags) << order;
		if (pfnlist_empty(&pcp->lists[pindex]))
			return PFN_NONE;
	}
	pcp->count -= 1 << order;
	pcp->lists_count[pindex]--;		/* pcp_pop, keeping a handle to the page */
	return pfnlist_pop_head_ph(m, &pcp->lists[pindex], p);
}

static unsigned long rmqueue_buddy(struct machine *m, struct zone *z, unsigned int order,
				   unsigned int alloc_flags, int mt)
{
	unsigned long pfn = PFN_NONE;

	if (alloc_flags & ALLOC_HIGHATOMIC)
		pfn = __rmqueue_smallest(m, z, order, MIGRATE_HIGHATOMIC);
	if (pfn == PFN_NONE) {
		enum rmqueue_mode rmqm = RMQUEUE_NORMAL;

		pfn = __rmqueue(m, z, order, mt, alloc_flags, &rmqm);
		/* failing now is worse: OOM and atomic order-0 may take the reserve */
		if (pfn == PFN_NONE && (alloc_flags & (ALLOC_OOM | ALLOC_NON_BLOCK)))
			pfn = __rmqueue_smallest(m, z, order, MIGRATE_HIGHATOMIC);
		if (pfn == PFN_NONE)
			return PFN_NONE;
	}
	__mod_zone_freepage_state(z, -(1L << order), (int)page_index(m, pfn));
	return pfn;
}

/*
 * Sets *p to a handle to the page it returns, empty where none is at
 * hand; nothing after it touches a struct page, so it holds for the
 * caller's prep_new_page
 */
static __attribute__((always_inline)) inline unsigned long
rmqueue(struct machine *m, struct zone *z, unsigned int order, gfp_t gfp, unsigned int alloc_flags,
	int mt, struct page_handle *p)
{
	unsigned long pfn;

	if (likely(pcp_allowed_order(order)) &&
	    ((alloc_flags & ALLOC_CMA) || mt != MIGRATE_MOVABLE)) {
		pfn = rmqueue_pcplist(m, z, order, mt, alloc_flags, p);
		if (likely(pfn != PFN_NONE))
			goto out;
	}
	p->r = p->w = NULL;
	pfn = rmqueue_buddy(m, z, order, alloc_flags, mt);
	if (pfn == PFN_NONE)
		return PFN_NONE;
out:
	count_vm_events(m, (enum vm_event_item)(PGALLOC_DMA + z->idx), 1L << order);
	return pfn;
}

/* -------------------------------------------------------------------------
 * Watermarks
 */
/* Free pages a request may not count: its own order's tail, the highatomic
 * reserve unless it may use reserves, CMA unless it may use CMA */
/* 6.12's nr_free_highatomic: the free pages on the highatomic lists */
static long nr_free_highatomic(const struct zone *z)
{
	long n = 0;

	for (unsigned int o = 0; o < MAX_ORDER; o++)
		n += (long)z->free_area[o].nr_free_mt[MIGRATE_HIGHATOMIC] << o;
	return n;
}

static inline long __zone_watermark_unusable_free(struct machine *m, struct zone *z,
						  unsigned int order,
					   unsigned int alloc_flags)
{
	long unusable = (1L << order) - 1;

	/*
	 * 6.12 counts the free pages of the highatomic reserve
	 * (nr_free_highatomic, kept since 6.10's per-migratetype free page
	 * accounting) where 6.1 counts the whole reserve, free or not
	 */
	if (!(alloc_flags & ALLOC_RESERVES))
		unusable += mm_kver_ge(m, 6, 12) ? nr_free_highatomic(z)
						 : (long)z->nr_reserved_highatomic;
	if (!(alloc_flags & ALLOC_CMA))
		unusable += (long)zone_page_state(z, NR_FREE_CMA_PAGES);
	return unusable;
}

bool __zone_watermark_ok(struct machine *m, struct zone *z, unsigned int order,
			 unsigned long mark, int highest_zoneidx, unsigned int alloc_flags,
			 long free_pages)
{
	long min = (long)mark;

	free_pages -= __zone_watermark_unusable_free(m, z, order, alloc_flags);
	if (alloc_flags & ALLOC_RESERVES) {
		/* __GFP_HIGH: half of min; non-blocking on top: a quarter more */
		if (alloc_flags & ALLOC_MIN_RESERVE) {
			min -= min / 2;
			if (alloc_flags & ALLOC_NON_BLOCK)
				min -= min / 4;
		}
		if (alloc_flags & ALLOC_OOM)
			min -= min / 2;
	}

	if (free_pages <= min + z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	for (unsigned int o = order; o < MAX_ORDER; o++) {
		struct free_area *area = &z->free_area[o];

		if (!area->nr_free)
			continue;
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (!pfnlist_empty(&area->free_list[mt]))
				return true;
		if ((alloc_flags & ALLOC_CMA) && !pfnlist_empty(&area->free_list[MIGRATE_CMA]))
			return true;
		if ((alloc_flags & (ALLOC_HIGHATOMIC | ALLOC_OOM)) &&
		    !pfnlist_empty(&area->free_list[MIGRATE_HIGHATOMIC]))
			return true;
	}
	return false;
}

bool zone_watermark_ok(struct machine *m, struct zone *z, unsigned int order,
		       unsigned long mark, int highest_zoneidx, unsigned int alloc_flags)
{
	return __zone_watermark_ok(m, z, order, mark, highest_zoneidx, alloc_flags,
				   (long)zone_page_state(z, NR_FREE_PAGES));
}

static inline bool zone_watermark_fast(struct machine *m, struct zone *z, unsigned int order,
				unsigned long mark, int highest_zoneidx,
				unsigned int alloc_flags, gfp_t gfp)
{
	long free_pages = (long)zone_page_state(z, NR_FREE_PAGES);

	if (!order) {
		long usable = free_pages;
		long reserved = __zone_watermark_unusable_free(m, z, 0, alloc_flags);

		usable -= reserved < usable ? reserved : usable;
		if (usable > (long)mark + z->lowmem_reserve[highest_zoneidx])
			return true;
	}
	if (__zone_watermark_ok(m, z, order, mark, highest_zoneidx, alloc_flags, free_pages))
		return true;
	/*
	 * an atomic order-0 request may ignore the boost; 6.12 asks for
	 * ALLOC_MIN_RESERVE (__GFP_HIGH) since 6.3 removed __GFP_ATOMIC ("mm/
	 * page_alloc: explicitly define how __GFP_HIGH non-blocking
	 * allocations accesses reserves")
	 */
	if (!order && (mm_kver_ge(m, 6, 12) ? (alloc_flags & ALLOC_MIN_RESERVE) != 0
					     : (gfp & __GFP_ATOMIC) != 0) &&
	    z->watermark_boost &&
	    (alloc_flags & ALLOC_WMARK_MASK) == WMARK_MIN)
		return __zone_watermark_ok(m, z, order, z->_watermark[WMARK_MIN],
					   highest_zoneidx, alloc_flags, free_pages);
	return false;
}

static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0, b = 1UL << (sizeof(long) * 8 - 2);

	while (b > x)
		b >>= 2;
	while (b) {
		if (x >= r + b) {
			x -= r + b;
			r = (r >> 1) + b;
		} else {
			r >>= 1;
		}
		b >>= 2;
	}
	return r;
}

/* nr_free_buffer_pages: managed pages above the high mark, zones <= Normal */
static unsigned long nr_free_buffer_pages(struct machine *m)
{
	unsigned long sum = 0;
	struct zone *z;

	for_each_zone_of(m, z) {
		if (z->idx > ZONE_NORMAL || !managed_zone(z))
			continue;
		if (z->managed_pages > high_wmark_pages(z))
			sum += z->managed_pages - high_wmark_pages(z);
	}
	return sum;
}

static void calculate_totalreserve_pages(struct machine *m)
{
	struct zone *z;

	m->totalreserve_pages = 0;
	for_each_zone_of(m, z) {
		long max = 0;

		for (int j = z->idx; j < MAX_NR_ZONES; j++)
			if (z->lowmem_reserve[j] > max)
				max = z->lowmem_reserve[j];
		max += (long)high_wmark_pages(z);
		if (max > (long)z->managed_pages)
			max = (long)z->managed_pages;
		m->totalreserve_pages += (unsigned long)max;
	}
}

void setup_per_zone_lowmem_reserve(struct machine *m)
{
	for (int nid = 0; nid < m->nr_nodes; nid++) {
		for (int i = 0; i < MAX_NR_ZONES - 1; i++) {
			struct zone *z = zone_of(m, nid, i);
			int ratio = sysctl_lowmem_reserve_ratio[i];
			bool clear = !ratio || !managed_zone(z);
			unsigned long managed = 0;

			for (int j = i + 1; j < MAX_NR_ZONES; j++) {
				managed += zone_of(m, nid, j)->managed_pages;
				z->lowmem_reserve[j] = clear ? 0 : (long)(managed / (unsigned long)ratio);
			}
		}
	}
	calculate_totalreserve_pages(m);
}

static int zone_batchsize(struct zone *z)
{
	unsigned long b = z->managed_pages >> 10;
	int batch;

	if (b > SZ_1M / PAGE_SIZE)
		b = SZ_1M / PAGE_SIZE;
	batch = (int)b / 4;
	if (batch < 1)
		batch = 1;
	batch += batch / 2;
	while (batch & (batch - 1))		/* rounddown_pow_of_two */
		batch &= batch - 1;
	return batch - 1;
}

static int zone_highsize(struct machine *m, struct zone *z, int batch, unsigned int high_fraction)
{
	unsigned long total;
	int nr_split_cpus = 0, high;

	if (!high_fraction)
		total = low_wmark_pages(z);
	else
		total = z->managed_pages / high_fraction;
	for (int c = 0; c < m->nr_cpus; c++)
		if (m->cpu_node[c] == z->zone_pgdat->node_id)
			nr_split_cpus++;
	if (!nr_split_cpus)
		nr_split_cpus = m->nr_cpus;
	high = (int)(total / (unsigned long)nr_split_cpus);
	if (high < batch << 2)
		high = batch << 2;
	return high;
}

/*
 * 6.12's zone_set_pageset_high_and_batch: high_min as 6.1's high, high_max
 * from an eighth of the zone (MIN_PERCPU_PAGELIST_HIGH_FRACTION); a
 * percpu_pagelist_high_fraction set by the admin fixes both, which turns
 * the auto-tuning off.  The kernel leaves pcp->high to be clamped into
 * the new range by each CPU's next use of its list, which a running system
 * makes at once; the model clamps it here (a new pageset starts at
 * high_min), so that zoneinfo shows what it would.
 */
#define MIN_PERCPU_PAGELIST_HIGH_FRACTION	8

static void zone_pcp_update_612(struct machine *m, struct zone *z, int batch)
{
	unsigned int frac = m->opts.percpu_pagelist_high_fraction;
	int high_min, high_max;

	if (frac) {
		high_min = high_max = zone_highsize(m, z, batch, frac);
	} else {
		high_min = zone_highsize(m, z, batch, 0);
		high_max = zone_highsize(m, z, batch, MIN_PERCPU_PAGELIST_HIGH_FRACTION);
	}
	z->pageset_high_min = high_min;
	z->pageset_high_max = high_max;
	for (int c = 0; c < m->nr_cpus; c++) {
		struct per_cpu_pages *pcp = &z->pcp[c];

		pcp->batch = batch;
		pcp->high_min = high_min;
		pcp->high_max = high_max;
		pcp->high = clamp_int(pcp->high, high_min, high_max);
		/* cacheinfo: a TCG guest's LLC slice holds more than 3 batches */
		pcp->flags |= PCPF_FREE_HIGH_BATCH;
	}
}

/* zone_pcp_update (zone_set_pageset_high_and_batch): one zone's batch and high from its size */
void zone_pcp_update(struct machine *m, struct zone *z)
{
	int batch = zone_batchsize(z) > 1 ? zone_batchsize(z) : 1;
	int high = zone_highsize(m, z, batch, m->opts.percpu_pagelist_high_fraction);

	if (!z->pcp)
		return;
	z->pageset_high = high;
	z->pageset_batch = batch;
	if (mm_kver_ge(m, 6, 12)) {
		zone_pcp_update_612(m, z, batch);
		return;
	}
	for (int c = 0; c < m->nr_cpus; c++) {
		z->pcp[c].batch = batch;
		z->pcp[c].high = high;
	}
}

void zone_pcp_setup(struct machine *m)
{
	struct zone *z;

	for_each_zone_of(m, z)
		zone_pcp_update(m, z);
}

/* setup_zone_pageset: a zone that gains memory after boot gets its own pagesets */
void setup_zone_pageset(struct machine *m, struct zone *z)
{
	if (!z->pcp) {
		z->pcp = host_calloc((size_t)m->nr_cpus, sizeof(struct per_cpu_pages),
				     "setting up the per-cpu lists");
		for (int c = 0; c < m->nr_cpus; c++)
			for (int l = 0; l < NR_PCP_LISTS; l++)
				pfnlist_init(&z->pcp[c].lists[l]);
	}
	zone_pcp_update(m, z);
}

/*
 * zone_pcp_disable: high 0 and batch 1 on every CPU, then drain them, so
 * a page freed meanwhile goes straight to the buddy lists (an isolated
 * pageblock's to the isolate list); zone_pcp_enable puts back the values
 * zone_pcp_update last gave (computing them again could differ: a boosted
 * watermark raises the low mark they come from).
 */
void zone_pcp_disable(struct machine *m, struct zone *z)
{
	for (int c = 0; c < m->nr_cpus; c++) {
		z->pcp[c].high = 0;
		z->pcp[c].batch = 1;
		z->pcp[c].high_min = z->pcp[c].high_max = 0;	/* 6.12 */
	}
	drain_all_pages(m, z);
}

void zone_pcp_enable(struct machine *m, struct zone *z)
{
	for (int c = 0; c < m->nr_cpus; c++) {
		z->pcp[c].high = z->pageset_high;
		z->pcp[c].batch = z->pageset_batch;
		if (mm_kver_ge(m, 6, 12)) {
			/* 6.12 leaves high at 0 until its next use clamps it */
			z->pcp[c].high = 0;
			z->pcp[c].high_min = z->pageset_high_min;
			z->pcp[c].high_max = z->pageset_high_max;
		}
	}
}

/* zone_pcp_reset: a zone left without memory goes back to the boot pageset */
void zone_pcp_reset(struct machine *m, struct zone *z)
{
	if (!z->pcp)
		return;
	MM_BUG_ON(m, pcp_total(m, z), "zone_pcp_reset: %s still has %lu pages on per-cpu lists",
		  z->name, pcp_total(m, z));
	host_free(z->pcp);
	z->pcp = NULL;
}

void adjust_managed_page_count(struct machine *m, unsigned long pfn, long count)
{
	struct zone *z = page_zone(m, pfn);	/* the memmap's: pfn may be offline already */

	z->managed_pages = (unsigned long)((long)z->managed_pages + count);
}

static void __setup_per_zone_wmarks(struct machine *m)
{
	unsigned long pages_min = m->min_free_kbytes >> (PAGE_SHIFT - 10);
	unsigned long lowmem_pages = 0;
	struct zone *z;

	/*
	 * 6.12 treats ZONE_MOVABLE as 6.1 treats highmem: it does not count
	 * in lowmem_pages and its min is a small fixed share ("mm/page_alloc:
	 * fix min_free_kbytes calculation regarding ZONE_MOVABLE", 6.5)
	 */
	bool movable_apart = mm_kver_ge(m, 6, 12);

	for_each_zone_of(m, z)
		if (!movable_apart || z->idx != ZONE_MOVABLE)
			lowmem_pages += z->managed_pages;
	for_each_zone_of(m, z) {
		unsigned long tmp = lowmem_pages ? pages_min * z->managed_pages / lowmem_pages : 0;
		unsigned long scaled = z->managed_pages * m->opts.watermark_scale_factor / 10000;

		z->_watermark[WMARK_MIN] = tmp;
		if (movable_apart && z->idx == ZONE_MOVABLE) {
			unsigned long min_pages = z->managed_pages / 1024;

			min_pages = min_pages < 32 ? 32 : min_pages > 128 ? 128 : min_pages;
			z->_watermark[WMARK_MIN] = min_pages;	/* SWAP_CLUSTER_MAX..128 */
		}
		tmp = tmp >> 2 > scaled ? tmp >> 2 : scaled;
		z->watermark_boost = 0;
		z->_watermark[WMARK_LOW] = z->_watermark[WMARK_MIN] + tmp;
		z->_watermark[WMARK_HIGH] = z->_watermark[WMARK_LOW] + tmp;
		z->_watermark[WMARK_PROMO] = z->_watermark[WMARK_HIGH] + tmp;
	}
	calculate_totalreserve_pages(m);
}

void setup_per_zone_wmarks(struct machine *m)
{
	__setup_per_zone_wmarks(m);
	zone_pcp_setup(m);
}

/*
 * init_per_zone_wmark_min: min_free_kbytes from the square root of
 * lowmem, unless the scenario set it; then watermarks and reserves.
 * khugepaged raises it later with THP on (below).
 */
/* calculate_min_free_kbytes: 4 * sqrt(lowmem in kB), never below what
 * the user set */
static void calculate_min_free_kbytes(struct machine *m)
{
	unsigned long lowmem_kbytes = nr_free_buffer_pages(m) * (PAGE_SIZE >> 10);
	unsigned long v = int_sqrt(lowmem_kbytes * 16);

	if ((long)v > m->user_min_free_kbytes)
		m->min_free_kbytes = v < 128 ? 128 : v > 262144 ? 262144 : v;
}

void init_per_zone_wmark_min(struct machine *m)
{
	if (m->booted) {
		/*
		 * Memory hotplug: the kernel's function as it runs after boot,
		 * ending with khugepaged_min_free_kbytes_update (the raise
		 * when khugepaged runs)
		 */
		calculate_min_free_kbytes(m);
		setup_per_zone_wmarks(m);
		setup_per_zone_lowmem_reserve(m);
		if (m->khugepaged_thread)
			set_recommended_min_free_kbytes(m, true);
		return;
	}
	m->user_min_free_kbytes = -1;
	if (!m->opts.min_free_kbytes) {
		calculate_min_free_kbytes(m);
	} else {
		/* sysctl.vm.min_free_kbytes= is the sysctl's write, at boot */
		m->min_free_kbytes = m->opts.min_free_kbytes;
		m->user_min_free_kbytes = (long)m->opts.min_free_kbytes;
	}
	setup_per_zone_wmarks(m);
	setup_per_zone_lowmem_reserve(m);
}

/* THP's recommended min_free_kbytes: two pageblocks free per zone, and
 * room for a pageblock of each of MIGRATE_PCPTYPES to fall back to each
 * other, at most 5% of lowmem */
static unsigned long recommended_min_free_kbytes(struct machine *m)
{
	unsigned long nr_zones = 0, rec;
	struct zone *z;

	for_each_zone_of(m, z)
		if (populated_zone(z) && z->idx <= ZONE_NORMAL)
			nr_zones++;
	rec = pageblock_nr_pages * nr_zones * 2 +
	      pageblock_nr_pages * nr_zones * MIGRATE_PCPTYPES * MIGRATE_PCPTYPES;
	if (rec > nr_free_buffer_pages(m) / 20)
		rec = nr_free_buffer_pages(m) / 20;
	return rec << (PAGE_SHIFT - 10);
}

/*
 * khugepaged's set_recommended_min_free_kbytes (start_stop_khugepaged) on
 * a write to THP's `enabled`: THP on raises min_free_kbytes to the
 * recommended value, even over the user's; THP off recomputes it
 * (calculate_min_free_kbytes, 6.1.192; a real 6.1 guest shows the lower
 * watermarks after `echo never`).
 */
void set_recommended_min_free_kbytes(struct machine *m, bool thp_enabled)
{
	m->khugepaged_thread = thp_enabled;	/* start_stop_khugepaged */
	if (thp_enabled) {
		unsigned long rec = recommended_min_free_kbytes(m);

		if (rec > m->min_free_kbytes)
			m->min_free_kbytes = rec;
	} else {
		calculate_min_free_kbytes(m);
	}
	setup_per_zone_wmarks(m);
}

/*
 * The same at hugepage_init, a subsys_initcall after hugetlb_init (so boot
 * hugepages are allocated under the lower watermarks, as in 6.1), when THP
 * is on.  A sysctl.vm.min_free_kbytes= boot parameter is applied after the
 * initcalls (do_sysctl_args), so it wins.
 */
void khugepaged_min_free_kbytes_update(struct machine *m)
{
	/*
	 * hugepage_init: with less than 512 MiB of RAM THP starts off
	 * altogether (transparent_hugepage_flags = 0: enabled and defrag
	 * never, no huge zero page, even over transparent_hugepage=), so
	 * khugepaged neither starts nor raises min_free_kbytes.  An admin's
	 * write to `enabled` turns it on (set_recommended_min_free_kbytes).
	 */
	if (totalram_pages(m) < (512UL << (20 - PAGE_SHIFT)))
		m->thp_off_at_boot = true;
	if (!m->opts.thp || m->thp_off_at_boot)
		return;
	m->khugepaged_thread = true;	/* hugepage_init starts khugepaged */
	if (!m->opts.min_free_kbytes) {
		unsigned long rec = recommended_min_free_kbytes(m);

		if (rec > m->min_free_kbytes)
			m->min_free_kbytes = rec;
	}
	setup_per_zone_wmarks(m);
}

/*
 * kswapd (mm/vmscan.c) with nothing to reclaim.  pgdat_balanced: some
 * zone up to highest_zoneidx meets its high watermark (boost included) at
 * this order.
 */
static bool pgdat_balanced(struct machine *m, struct pglist_data *pgdat, int order,
			   int highest_zoneidx)
{
	bool managed = false;

	for (int zi = 0; zi <= highest_zoneidx; zi++) {
		struct zone *z = &pgdat->node_zones[zi];

		if (!managed_zone(z))
			continue;
		managed = true;
		if (zone_watermark_ok(m, z, (unsigned int)order, high_wmark_pages(z),
				      highest_zoneidx, 0))
			return true;
	}
	return !managed;
}

/*
 * balance_pgdat: a run that had to reclaim (the node is not balanced at
 * this order, or a zone is boosted) reclaims nothing and counts a failure;
 * the boosts it found are taken back.  Returns the order it ends at (no
 * progress: the order it was asked for).
 */
static int balance_pgdat(struct machine *m, struct pglist_data *pgdat, int order,
			 int highest_zoneidx)
{
	unsigned long nr_boost_reclaim = 0, zone_boosts[MAX_NR_ZONES] = { 0 };
	bool boosted;

	count_vm_event(m, PAGEOUTRUN);
	for (int zi = 0; zi <= highest_zoneidx; zi++) {
		struct zone *z = &pgdat->node_zones[zi];

		if (!managed_zone(z))
			continue;
		nr_boost_reclaim += z->watermark_boost;
		zone_boosts[zi] = z->watermark_boost;
	}
	boosted = nr_boost_reclaim;
	if (pgdat_balanced(m, pgdat, order, highest_zoneidx)) {
		if (!nr_boost_reclaim)
			goto out;
	}
	/* the priority loop: nothing is reclaimable */
	pgdat->kswapd_failures++;
out:
	if (boosted) {
		for (int zi = 0; zi <= highest_zoneidx; zi++) {
			struct zone *z = &pgdat->node_zones[zi];

			z->watermark_boost -= z->watermark_boost < zone_boosts[zi] ?
					      z->watermark_boost : zone_boosts[zi];
		}
	}
	return order;
}

/* prepare_kswapd_sleep: a hopeless node, or a balanced one, lets kswapd sleep */
static bool prepare_kswapd_sleep(struct machine *m, struct pglist_data *pgdat, int order,
				 int highest_zoneidx)
{
	if (pgdat->kswapd_failures >= MAX_RECLAIM_RETRIES)
		return true;
	return pgdat_balanced(m, pgdat, order, highest_zoneidx);
}

static int kswapd_highest_zoneidx(struct pglist_data *pgdat, int prev)
{
	return pgdat->kswapd_highest_zoneidx == MAX_NR_ZONES ? prev :
	       pgdat->kswapd_highest_zoneidx;
}

/*
 * kswapd(): one wake-up, run until it sleeps.  Between scenario steps
 * nothing wakes it again meanwhile, so its short sleep (HZ/10) is never
 * cut short.  Going to sleep clears the compaction skip hints where a
 * direct compaction's scanners met (reset_isolation_suitable); it would
 * also wake kcompactd for the order it was woken for, and kcompactd is
 * not modelled (see docs/model-notes.md).
 */
void kswapd_run(struct machine *m, int nid)
{
	struct pglist_data *pgdat = &m->node[nid];
	int highest = kswapd_highest_zoneidx(pgdat, MAX_NR_ZONES - 1);
	int alloc_order = pgdat->kswapd_order, reclaim_order;

	pgdat->kswapd_woken = false;
	pgdat->kswapd_order = 0;
	pgdat->kswapd_highest_zoneidx = MAX_NR_ZONES;
	for (;;) {
		/* no progress: balance_pgdat ends at the order it began with */
		balance_pgdat(m, pgdat, alloc_order, highest);
		/* kswapd_try_to_sleep: nobody asked for more, so for order 0 */
		alloc_order = reclaim_order = 0;
		if (prepare_kswapd_sleep(m, pgdat, reclaim_order, highest)) {
			reset_isolation_suitable(m, nid);
			break;
		}
	}
}

/*
 * wakeup_kswapd: record the order and zone asked for; a hopeless node, or
 * one balanced and not boosted, is not woken
 */
static void wakeup_kswapd(struct machine *m, struct zone *z, int order, int highest_zoneidx)
{
	struct pglist_data *pgdat = z->zone_pgdat;

	if (!managed_zone(z))
		return;
	if (pgdat->kswapd_highest_zoneidx == MAX_NR_ZONES ||
	    pgdat->kswapd_highest_zoneidx < highest_zoneidx)
		pgdat->kswapd_highest_zoneidx = highest_zoneidx;
	if (pgdat->kswapd_order < order)
		pgdat->kswapd_order = order;
	if (pgdat->kswapd_woken)
		return;
	if (pgdat->kswapd_failures >= MAX_RECLAIM_RETRIES)
		return;
	if (pgdat_balanced(m, pgdat, order, highest_zoneidx)) {
		bool boosted = false;

		for (int zi = 0; zi <= highest_zoneidx; zi++)
			boosted |= pgdat->node_zones[zi].watermark_boost != 0;
		if (!boosted)
			return;
	}
	pgdat->kswapd_woken = true;
}

/*
 * The kswapds the slow path woke run once the allocating task reaches a
 * scheduling point: its direct reclaim or compaction.  kswapd is bound to
 * its node's CPUs and preempts the waker there (or runs at once on an idle
 * one); a balance_pgdat with nothing to reclaim is short.  So by the time
 * the allocation compacts, kswapd has failed once more and gone back to
 * sleep, clearing the skip hints if a direct compaction's scanners had met.
 */
static void kswapd_run_woken(struct machine *m)
{
	for (int nid = 0; nid < m->nr_nodes; nid++)
		if (m->node[nid].kswapd_woken)
			kswapd_run(m, nid);
}

/* What the kernel's background threads do while the scenario pauses */
void mm_background_work(struct machine *m)
{
	/*
	 * 6.12: vmstat's refresh decays each CPU's pcp->high (once per
	 * second while there is more to do); the model counts one refresh
	 * per pause between steps
	 */
	if (mm_kver_ge(m, 6, 12)) {
		struct zone *z;

		for_each_zone_of(m, z)
			if (z->pcp && populated_zone(z))
				for (int c = 0; c < m->nr_cpus; c++)
					decay_pcp_high(m, z, &z->pcp[c]);
	}
	for (int nid = 0; nid < m->nr_nodes; nid++) {
		struct pglist_data *pgdat = &m->node[nid];

		/* rmqueue's wake-up for a zone whose watermark a fallback boosted */
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			struct zone *z = &pgdat->node_zones[zi];

			if (z->boosted_watermark) {
				z->boosted_watermark = false;
				wakeup_kswapd(m, z, 0, zi);
			}
		}
		if (pgdat->kswapd_woken)
			kswapd_run(m, nid);
	}
}

/* -------------------------------------------------------------------------
 * The zonelist walk (get_page_from_freelist) and the entry points
 */
struct alloc_context {
	int preferred_nid;
	int highest_zoneidx;
	int migratetype;
	bool thisnode;
	struct zone *const *zonelist;		/* m->zonelists[preferred_nid][thisnode] */
	struct zone *const *preferred_zoneref;	/* its first usable zone */
	struct zone *preferred_zone;
};

/*
 * build_zonelists: every zone that spans memory, node by node in
 * node_order and from the highest zone down; the no-fallback list stops
 * after the first node.  A zone that spans nothing can never gain
 * managed pages, so leaving it out changes no walk.
 */
void build_zonelists(struct machine *m)
{
	for (int nid = 0; nid < m->nr_nodes; nid++) {
		struct zone **fb = m->zonelists[nid][ZONELIST_FALLBACK];
		struct zone **nf = m->zonelists[nid][ZONELIST_NOFALLBACK];

		for (int nidx = 0; nidx < m->nr_nodes; nidx++)
			for (int zi = MAX_NR_ZONES - 1; zi >= 0; zi--) {
				struct zone *z = zone_of(m, m->node_order[nid][nidx], zi);

				if (!z->spanned_pages)
					continue;
				*fb++ = z;
				if (!nidx)
					*nf++ = z;
			}
		*fb = NULL;
		*nf = NULL;
	}
}

/* The zones an allocation may use, in the order it tries them, from zoneref start */
#define for_next_zone_in_list(ac, z, zr, start)						\
	for (struct zone *const *zr = (start); ((z) = *zr); zr++)			\
		if ((z)->idx > (ac)->highest_zoneidx || !managed_zone(z)) {} else
#define for_each_zone_in_list(ac, z, zr)	for_next_zone_in_list(ac, z, zr, (ac)->zonelist)

/* p: a handle to pfn if one holds, else empty; inline: the fast path's */
static __attribute__((always_inline)) inline void
prep_new_page(struct machine *m, unsigned long pfn, struct page_handle p, unsigned int order,
	      gfp_t gfp)
{
	if (!p.r)
		p = page_handle(m, pfn);
	ph_set_page_private(m, &p, 0);
	ph_set_page_count(m, &p, 1);		/* set_page_refcounted */
	if (order && (gfp & __GFP_COMP))
		prep_compound_page(m, pfn, order);
}

/*
 * 6.12 sizes the reserve as about 1% of the zone rounded up to a
 * pageblock, and none when 1% is less than a pageblock (6.1: 1% plus a
 * pageblock), and an allocation of pageblock order or more retypes all its
 * blocks ("mm: page_alloc: fix highatomic typing in multi-block buddies",
 * 6.11, and the sizing change with it in 6.12)
 */
static void reserve_highatomic_pageblock_612(struct machine *m, unsigned long pfn,
					     unsigned int order, struct zone *z)
{
	unsigned long max_managed = z->managed_pages / 100;
	int mt;

	if (max_managed < pageblock_nr_pages)
		return;
	max_managed = (max_managed + pageblock_nr_pages - 1) & ~(pageblock_nr_pages - 1);
	if (z->nr_reserved_highatomic >= max_managed)
		return;
	mt = get_pfnblock_migratetype(z, pfn);
	if (!migratetype_is_mergeable(mt))
		return;
	if (order < pageblock_order) {
		/* 6.10's move_freepages_block refuses a block the zone does not span whole */
		if (move_freepages_block_612(m, z, pfn, MIGRATE_HIGHATOMIC) == -1)
			return;
		z->nr_reserved_highatomic += pageblock_nr_pages;
	} else {
		change_pageblock_range(z, pfn, order, MIGRATE_HIGHATOMIC);
		z->nr_reserved_highatomic += 1UL << order;
	}
}

static void reserve_highatomic_pageblock(struct machine *m, unsigned long pfn,
					 unsigned int order, struct zone *z)
{
	unsigned long max_managed = z->managed_pages / 100 + pageblock_nr_pages;
	int mt;

	if (mm_kver_ge(m, 6, 12)) {
		reserve_highatomic_pageblock_612(m, pfn, order, z);
		return;
	}
	if (z->nr_reserved_highatomic >= max_managed)
		return;
	mt = get_pfnblock_migratetype(z, pfn);
	if (!migratetype_is_mergeable(mt))	/* only normal pageblocks */
		return;
	z->nr_reserved_highatomic += pageblock_nr_pages;
	set_pfnblock_migratetype(z, pfn, MIGRATE_HIGHATOMIC);
	move_freepages_block(m, z, pfn, MIGRATE_HIGHATOMIC, NULL);
}

/* Inline into __alloc_pages' order-0 call, where the order is a constant */
static __attribute__((always_inline)) inline unsigned long
__get_page_from_freelist(struct machine *m, gfp_t gfp, unsigned int order, unsigned int alloc_flags,
			 struct alloc_context *ac)
{
	struct zone *z;
	bool no_fallback;

retry:
	no_fallback = alloc_flags & ALLOC_NOFRAGMENT;
	/*
	 * From the preferred zone, as 6.1 does: the zones before it are above
	 * highest_zoneidx or not managed, and a zone gains managed pages only
	 * when boot memory is freed, never during an allocation
	 */
	for_next_zone_in_list(ac, z, zr, ac->preferred_zoneref) {
		unsigned long mark, pfn;
		struct page_handle p;

		if (no_fallback && m->nr_nodes > 1 && z != ac->preferred_zone &&
		    z->zone_pgdat != ac->preferred_zone->zone_pgdat) {
			alloc_flags &= ~ALLOC_NOFRAGMENT;
			goto retry;
		}
		/*
		 * 6.12 notes a zone whose free pages fell below its high mark
		 * (ZONE_BELOW_HIGH, "mm, pcp: decrease PCP high if free pages <
		 * high watermark", 6.7): its per-cpu lists then shrink on free;
		 * a zone above it is taken without the allocation's own check
		 */
		if (mm_kver_ge(m, 6, 12) && !z->below_high) {
			if (zone_watermark_fast(m, z, order, high_wmark_pages(z), ac->highest_zoneidx,
						alloc_flags, gfp))
				goto try_this_zone;
			z->below_high = true;
		}
		mark = wmark_pages(z, alloc_flags & ALLOC_WMARK_MASK);
		if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
		    !zone_watermark_fast(m, z, order, mark, ac->highest_zoneidx, alloc_flags, gfp))
			continue;
try_this_zone:
		pfn = rmqueue(m, z, order, gfp, alloc_flags, ac->migratetype, &p);
		if (pfn != PFN_NONE) {
			prep_new_page(m, pfn, p, order, gfp);
			if (alloc_flags & ALLOC_HIGHATOMIC)
				reserve_highatomic_pageblock(m, pfn, order, z);
			return pfn;
		}
	}
	if (no_fallback) {
		alloc_flags &= ~ALLOC_NOFRAGMENT;
		goto retry;
	}
	return PFN_NONE;
}

static unsigned long get_page_from_freelist(struct machine *m, gfp_t gfp, unsigned int order,
					    unsigned int alloc_flags, struct alloc_context *ac)
{
	return __get_page_from_freelist(m, gfp, order, alloc_flags, ac);
}

static unsigned int alloc_flags_nofragment(struct machine *m, struct zone *z, gfp_t gfp)
{
	unsigned int flags = (gfp & __GFP_KSWAPD_RECLAIM) ? ALLOC_KSWAPD : 0;

	if (!z || z->idx != ZONE_NORMAL)
		return flags;
	if (m->nr_nodes > 1 && !populated_zone(&z->zone_pgdat->node_zones[ZONE_DMA32]))
		return flags;
	return flags | ALLOC_NOFRAGMENT;
}

static unsigned int gfp_to_alloc_flags(gfp_t gfp, unsigned int order)
{
	unsigned int f = ALLOC_WMARK_MIN | ALLOC_CPUSET;

	if (gfp & __GFP_HIGH)
		f |= ALLOC_MIN_RESERVE;
	if (gfp & __GFP_KSWAPD_RECLAIM)
		f |= ALLOC_KSWAPD;
	if (!(gfp & __GFP_DIRECT_RECLAIM)) {
		if (!(gfp & __GFP_NOMEMALLOC)) {
			f |= ALLOC_NON_BLOCK;
			if (order > 0 && (f & ALLOC_MIN_RESERVE))
				f |= ALLOC_HIGHATOMIC;
		}
		if (f & ALLOC_MIN_RESERVE)
			f &= ~ALLOC_CPUSET;
	}
	if (gfp_migratetype(gfp) == MIGRATE_MOVABLE)
		f |= ALLOC_CMA;
	return f;
}

static bool prepare_alloc_pages(struct machine *m, gfp_t gfp, int preferred_nid,
				struct alloc_context *ac)
{
	struct zone *z;

	ac->preferred_nid = preferred_nid;
	ac->highest_zoneidx = gfp_zone(gfp);
	ac->migratetype = gfp_migratetype(gfp);
	ac->thisnode = gfp & __GFP_THISNODE;
	ac->zonelist = m->zonelists[preferred_nid][ac->thisnode];
	ac->preferred_zone = NULL;
	/* first_zones_zonelist: the first usable zone of the whole list */
	for_each_zone_in_list(ac, z, zr) {
		ac->preferred_zoneref = zr;
		ac->preferred_zone = z;
		break;
	}
	return ac->preferred_zone != NULL;
}

static unsigned long __alloc_pages_direct_compact(struct machine *m, gfp_t gfp, unsigned int order,
						  unsigned int alloc_flags,
						  struct alloc_context *ac,
						  enum compact_priority prio,
						  enum compact_result *result)
{
	unsigned long pfn;

	if (!order)
		return PFN_NONE;
	kswapd_run_woken(m);
	*result = try_to_compact_pages(m, gfp, order, ac->preferred_nid, alloc_flags, prio, &pfn);
	if (*result == COMPACT_SKIPPED)
		return PFN_NONE;
	count_vm_event(m, COMPACTSTALL);
	/* a block captured while it was freed needs no watermark check */
	if (pfn != PFN_NONE)
		prep_new_page(m, pfn, (struct page_handle){ 0 }, order, gfp);
	else
		pfn = get_page_from_freelist(m, gfp, order, alloc_flags, ac);
	if (pfn != PFN_NONE) {
		struct zone *z = page_zone(m, pfn);

		z->compact_blockskip_flush = false;
		compaction_defer_reset(z, (int)order, true);
		count_vm_event(m, COMPACTSUCCESS);
		return pfn;
	}
	count_vm_event(m, COMPACTFAIL);
	return PFN_NONE;
}

/*
 * compaction_ready (mm/vmscan.c): for a costly order, is there already
 * room enough in z to compact rather than reclaim?  Yes when the order is
 * there at the min watermark, or when compaction may run (order-0 room
 * for its targets and a fragmentation index over the threshold) and the
 * zone is above its high watermark plus compact_gap.
 */
static bool compaction_ready(struct machine *m, struct zone *z, gfp_t gfp, int order,
			     int reclaim_idx)
{
	int suitable;

	if (!(gfp & __GFP_IO))			/* gfp_compaction_allowed */
		return false;
	suitable = compaction_suitable(m, z, order, 0, reclaim_idx);
	if (suitable == COMPACT_SUCCESS)
		return true;
	if (suitable == COMPACT_SKIPPED)
		return false;
	return __zone_watermark_ok(m, z, 0, high_wmark_pages(z) + (2UL << order), reclaim_idx, 0,
				   (long)zone_page_state(z, NR_FREE_PAGES));	/* _safe */
}

/*
 * try_to_free_pages / do_try_to_free_pages with nothing reclaimable (every
 * page is held by the scenario, so shrink_node frees nothing): the stall
 * is counted in allocstall_<zone of gfp_zone()>, and each priority pass
 * of shrink_zones skips, for a costly order, every zone that is
 * compaction_ready.  When one was, reclaim was aborted to let compaction
 * run and 6.1 reports one page of progress ("don't OOM"); otherwise none.
 * throttle_direct_reclaim never waits: allow_direct_reclaim counts only
 * zones with reclaimable pages, and there are none.
 */
static unsigned long try_to_free_pages(struct machine *m, gfp_t gfp, unsigned int order,
				       struct alloc_context *ac)
{
	int reclaim_idx = gfp_zone(gfp);
	bool ready = false;
	struct zone *z;

	count_vm_event(m, ALLOCSTALL_DMA + reclaim_idx);
	if (order <= PAGE_ALLOC_COSTLY_ORDER)
		return 0;
	/* the zones do not change between priority passes: one pass decides */
	for_each_zone_in_list(ac, z, zr)
		if (compaction_ready(m, z, gfp, (int)order, reclaim_idx))
			ready = true;
	return ready ? 1 : 0;
}

/*
 * __alloc_pages_direct_reclaim: __perform_reclaim (kswapd, woken, runs at
 * its cond_resched), and only after progress the free lists again, then,
 * if they still fail, drain_all_pages(NULL): every CPU's lists of every
 * zone, and once more the free lists.  With no progress 6.1 returns at
 * once and pages on other CPUs' lists stay there.  The
 * unreserve_highatomic_pageblock before the drain is not modelled.
 */
static unsigned long __alloc_pages_direct_reclaim(struct machine *m, gfp_t gfp, unsigned int order,
						  unsigned int alloc_flags,
						  struct alloc_context *ac,
						  unsigned long *did_some_progress)
{
	unsigned long pfn;

	kswapd_run_woken(m);
	*did_some_progress = try_to_free_pages(m, gfp, order, ac);
	if (!*did_some_progress)
		return PFN_NONE;
	pfn = get_page_from_freelist(m, gfp, order, alloc_flags, ac);
	if (pfn == PFN_NONE) {
		drain_all_pages(m, NULL);
		pfn = get_page_from_freelist(m, gfp, order, alloc_flags, ac);
	}
	return pfn;
}

/*
 * should_reclaim_retry: costly orders count every loop as without
 * progress; a retry is worth it while some zone would meet the min
 * watermark at this order with its free (and, in the kernel, reclaimable:
 * none here) pages
 */
static bool should_reclaim_retry(struct machine *m, unsigned int order, struct alloc_context *ac,
				 unsigned int alloc_flags, bool did_some_progress,
				 int *no_progress_loops)
{
	struct zone *z;

	if (did_some_progress && order <= PAGE_ALLOC_COSTLY_ORDER)
		*no_progress_loops = 0;
	else
		++*no_progress_loops;
	if (*no_progress_loops > MAX_RECLAIM_RETRIES)
		return false;
	for_each_zone_in_list(ac, z, zr) {
		if (__zone_watermark_ok(m, z, order, min_wmark_pages(z), ac->highest_zoneidx,
					alloc_flags, (long)zone_page_state(z, NR_FREE_PAGES)))
			return true;
	}
	return false;
}

#define MAX_COMPACT_RETRIES	16

/*
 * should_compact_retry, reached only after reclaim progress: a compaction
 * that succeeded but whose page went elsewhere is retried (a quarter as
 * often for costly orders); one skipped for want of order-0 targets is
 * retried while some zone would be suitable; any other failure raises the
 * priority, down to sync-light for costly orders and sync-full otherwise
 */
static bool should_compact_retry(struct machine *m, struct alloc_context *ac, unsigned int order,
				 unsigned int alloc_flags, enum compact_result result,
				 enum compact_priority *prio, int *compaction_retries)
{
	int max_retries = MAX_COMPACT_RETRIES;
	enum compact_priority min_prio;

	if (!order)
		return false;
	if (result == COMPACT_SUCCESS)		/* compaction_made_progress */
		++*compaction_retries;
	if (result == COMPACT_SKIPPED)		/* compaction_needs_reclaim */
		return compaction_zonelist_suitable(m, ac->zonelist, ac->highest_zoneidx,
						    (int)order, alloc_flags);
	if (result != COMPACT_COMPLETE && result != COMPACT_DEFERRED &&
	    result != COMPACT_CONTENDED && result != COMPACT_PARTIAL_SKIPPED) {
		if (order > PAGE_ALLOC_COSTLY_ORDER)
			max_retries /= 4;
		if (*compaction_retries <= max_retries)
			return true;
	}
	/* check_priority: failed, withdrawn, or out of retries */
	min_prio = order > PAGE_ALLOC_COSTLY_ORDER ? MIN_COMPACT_COSTLY_PRIORITY
						   : MIN_COMPACT_PRIORITY;
	if (*prio > min_prio) {
		(*prio)--;
		*compaction_retries = 0;
		return true;
	}
	return false;
}

/* wake_all_kswapds: each node of the zonelist once */
static void wake_all_kswapds(struct machine *m, unsigned int order, struct alloc_context *ac)
{
	struct pglist_data *last_pgdat = NULL;
	struct zone *z;

	for_each_zone_in_list(ac, z, zr) {
		if (last_pgdat != z->zone_pgdat) {
			wakeup_kswapd(m, z, (int)order, ac->highest_zoneidx);
			last_pgdat = z->zone_pgdat;
		}
	}
}

/*
 * __alloc_pages_slowpath as 6.1.192 runs it with nothing reclaimable (see
 * the header comment): kswapd is woken (it runs at the allocating task's
 * next scheduling point), an async compaction comes first for costly and
 * non-movable high orders, then each retry tries the free lists, direct
 * reclaim and compaction at compact_priority.  Reclaim frees nothing, but
 * for a costly order it reports progress when it left a zone alone as
 * compaction_ready (try_to_free_pages); then the per-cpu lists are drained
 * and should_compact_retry may retry or raise the priority.  The OOM
 * killer is not invoked for costly, __GFP_RETRY_MAYFAIL or __GFP_THISNODE
 * requests, and has nothing to kill otherwise.
 */
static unsigned long __alloc_pages_slowpath(struct machine *m, gfp_t gfp, unsigned int order,
					    struct alloc_context *ac)
{
	bool can_direct_reclaim = gfp & __GFP_DIRECT_RECLAIM;
	bool costly = order > PAGE_ALLOC_COSTLY_ORDER;
	bool can_compact = (gfp & __GFP_IO) != 0;	/* gfp_compaction_allowed */
	unsigned int alloc_flags = gfp_to_alloc_flags(gfp, order);
	enum compact_priority prio = DEF_COMPACT_PRIORITY;
	enum compact_result cres = COMPACT_SKIPPED;
	unsigned long did_some_progress;
	int no_progress_loops = 0, compaction_retries = 0;
	unsigned long pfn;

	if (alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(m, order, ac);
	pfn = get_page_from_freelist(m, gfp, order, alloc_flags, ac);
	if (pfn != PFN_NONE)
		return pfn;

	if (can_direct_reclaim && can_compact &&
	    (costly || (order > 0 && ac->migratetype != MIGRATE_MOVABLE))) {
		pfn = __alloc_pages_direct_compact(m, gfp, order, alloc_flags, ac,
						   INIT_COMPACT_PRIORITY, &cres);
		if (pfn != PFN_NONE)
			return pfn;
		if (costly && (gfp & __GFP_NORETRY)) {
			if (cres == COMPACT_SKIPPED || cres == COMPACT_DEFERRED)
				return PFN_NONE;
			if (gfp & __GFP_THISNODE)
				return PFN_NONE;
			prio = INIT_COMPACT_PRIORITY;	/* keep to async compaction */
		}
	}

	for (;;) {	/* retry: */
		if (alloc_flags & ALLOC_KSWAPD)
			wake_all_kswapds(m, order, ac);
		pfn = get_page_from_freelist(m, gfp, order, alloc_flags, ac);
		if (pfn != PFN_NONE)
			return pfn;
		if (!can_direct_reclaim)
			return PFN_NONE;
		pfn = __alloc_pages_direct_reclaim(m, gfp, order, alloc_flags, ac,
						   &did_some_progress);
		if (pfn != PFN_NONE)
			return pfn;
		pfn = __alloc_pages_direct_compact(m, gfp, order, alloc_flags, ac, prio, &cres);
		if (pfn != PFN_NONE)
			return pfn;
		if (gfp & __GFP_NORETRY)
			return PFN_NONE;
		if (costly && (!can_compact || !(gfp & __GFP_RETRY_MAYFAIL)))
			return PFN_NONE;
		if (should_reclaim_retry(m, order, ac, alloc_flags, did_some_progress > 0,
					 &no_progress_loops))
			continue;
		if (did_some_progress > 0 && can_compact &&
		    should_compact_retry(m, ac, order, alloc_flags, cres, &prio,
					 &compaction_retries))
			continue;
		/* __alloc_pages_may_oom: nothing to kill, no progress */
		return PFN_NONE;
	}
}

unsigned long __alloc_pages(struct machine *m, gfp_t gfp, unsigned int order, int preferred_nid)
{
	struct alloc_context ac;
	unsigned int alloc_flags = ALLOC_WMARK_LOW;
	unsigned long pfn;

	if (order >= MAX_ORDER) {
		mm_fail(m, "WARNING: __alloc_pages order %u >= MAX_ORDER", order);
		return PFN_NONE;
	}
	if (preferred_nid < 0 || preferred_nid >= m->nr_nodes)
		preferred_nid = m->cpu_node[m->cur_cpu];
	if (!prepare_alloc_pages(m, gfp, preferred_nid, &ac))
		return PFN_NONE;
	alloc_flags |= alloc_flags_nofragment(m, ac.preferred_zone, gfp);
	if (gfp_migratetype(gfp) == MIGRATE_MOVABLE)
		alloc_flags |= ALLOC_CMA;
	if (likely(!order))
		pfn = __get_page_from_freelist(m, gfp, 0, alloc_flags, &ac);
	else
		pfn = get_page_from_freelist(m, gfp, order, alloc_flags, &ac);
	if (pfn == PFN_NONE)
		pfn = __alloc_pages_slowpath(m, gfp, order, &ac);
	return pfn;
}

unsigned long alloc_pages_node(struct machine *m, int nid, gfp_t gfp, unsigned int order)
{
	return __alloc_pages(m, gfp, order, nid);
}

/*
 * Take a free block off its free list for a caller that will use its pages
 * (compaction's free scanner, alloc_contig_range).  Outside an isolated
 * pageblock the zone must stay above its min watermark as if the block
 * were allocated, and the pages stop counting as free; an isolated block's
 * pages already do not count.  A block of half a pageblock or more turns
 * its (mergeable) pageblocks movable.  Returns the pages taken, 0 when the
 * watermark refused.
 */
int __isolate_free_page(struct machine *m, unsigned long pfn, unsigned int order)
{
	struct zone *z = pfn_zone(m, pfn);
	int mt = get_pfnblock_migratetype(z, pfn);
	unsigned long nr = 1UL << order;

	if (mt != MIGRATE_ISOLATE) {
		/* a raised order-0 mark stands in for the high-order check */
		if (!zone_watermark_ok(m, z, 0, z->_watermark[WMARK_MIN] + nr, 0, ALLOC_CMA))
			return 0;
		__mod_zone_freepage_state(z, -(long)nr, mt);
	}
	del_page_from_free_list(m, pfn, z, order, free_block_list_mt(m, z, pfn, order));
	/*
	 * 6.12 moves the block's other free pages with its type (the freelist
	 * hygiene series, 6.10: "mm: page_alloc: move free pages when
	 * converting block during isolation"); 6.1 changes the type only
	 */
	if (order >= pageblock_order - 1)
		for (unsigned long b = pfn; b < pfn + nr; b += pageblock_nr_pages)
			if (migratetype_is_mergeable(get_pfnblock_migratetype(z, b))) {
				if (mm_kver_ge(m, 6, 12))
					move_freepages_block_612(m, z, b, MIGRATE_MOVABLE);
				else
					set_pfnblock_migratetype(z, b, MIGRATE_MOVABLE);
			}
	return (int)nr;
}

void split_page(struct machine *m, unsigned long pfn, unsigned int order)
{
	for (unsigned long i = 1; i < 1UL << order; i++)
		set_page_count(m, pfn + i, 1);
}

/* -------------------------------------------------------------------------
 * Boot-time release (memblock_free_all)
 */
void __free_pages_core(struct machine *m, unsigned long pfn, unsigned int order)
{
	struct zone *z = pfn_zone(m, pfn);

	/*
	 * The kernel clears PG_reserved and the refcount of every page here;
	 * untouched struct pages already read as free (page_boot_state), so
	 * only the head is written.
	 */
	set_page_flags(m, pfn, page_flags(m, pfn) & ~(1UL << PG_reserved));
	set_page_count(m, pfn, 0);
	z->managed_pages += 1UL << order;
	/* 6.12 frees it through __free_pages_ok, so a pageblock at a time */
	if (mm_kver_ge(m, 6, 12)) {
		split_large_buddy(m, z, pfn, order, FPI_TO_TAIL);
		return;
	}
	__free_one_page(m, pfn, z, order, get_pfnblock_migratetype(z, pfn), FPI_TO_TAIL);
}

/*
 * page_alloc.shuffle=1 at boot (__shuffle_zone): walk the zone's order-10
 * free blocks and swap each with a random other one of the same type, up
 * to SHUFFLE_RETRY draws, from the machine's seeded generator.
 */
#define SHUFFLE_ORDER	(MAX_ORDER - 1)
#define SHUFFLE_RETRY	10

static bool shuffle_valid_page(struct machine *m, struct zone *z, unsigned long pfn)
{
	/* pfn_to_online_page: memory added and not onlined has no memmap to trust */
	return pfn_present_mem(m, pfn) && pfn_is_online(m, pfn) && page_zone(m, pfn) == z &&
	       PageBuddy(m, pfn) && buddy_order(m, pfn) == SHUFFLE_ORDER;
}

void shuffle_zone(struct machine *m, struct zone *z)
{
	unsigned long order_pages = 1UL << SHUFFLE_ORDER;
	unsigned long start = (z->zone_start_pfn + order_pages - 1) & ~(order_pages - 1);

	for (unsigned long i = start; i < zone_end_pfn(z); i += order_pages) {
		unsigned long j = 0;
		int retry, mt;

		if (!shuffle_valid_page(m, z, i))
			continue;
		for (retry = 0; retry < SHUFFLE_RETRY; retry++) {
			j = z->zone_start_pfn + (mm_rng_next(m) % z->spanned_pages & ~(order_pages - 1));
			if (shuffle_valid_page(m, z, j) && j != i)
				break;
		}
		if (retry >= SHUFFLE_RETRY)
			continue;
		mt = (int)page_index(m, i);
		if ((int)page_index(m, j) != mt)
			continue;
		pfnlist_swap(m, &z->free_area[SHUFFLE_ORDER].free_list[mt], i, j);
	}
}

/* A boot memblock page going to the buddy later (free_bootmem_page) */
void free_bootmem_page(struct machine *m, unsigned long pfn)
{
	struct zone *z = pfn_zone(m, pfn);

	ClearPageReserved(m, pfn);
	set_page_count(m, pfn, 1);
	z->managed_pages++;
	__free_pages(m, pfn, 0);
}

/* -------------------------------------------------------------------------
 * Movable user data and its migration
 */
void mm_set_migrate_notify(struct machine *m, migrate_notify_fn fn, void *priv)
{
	m->migrate_notify = fn;
	m->migrate_priv = priv;
}

/*
 * Movable user data is what the kernel keeps on the LRU, and an LRU page
 * is a folio: an order-0 page or a compound page (a THP).  A non-compound
 * block of order > 0 is neither an LRU folio nor a non-LRU movable page
 * (__PageMovable), whatever gfp it came with: nothing can migrate it, so
 * it stays unmarked, pinned memory in a movable pageblock.  Marking its
 * head alone would let compaction move that one page as an order-0 page
 * and leave the tails behind.
 */
bool mm_mark_movable_data(struct machine *m, unsigned long pfn, unsigned int order)
{
	if (order && !PageHead(m, pfn))
		return false;
	set_page_mapping(m, pfn, PAGE_MAPPING_MOVABLE_DATA);
	SetPageLRU(m, pfn);
	return true;
}

/*
 * A free order-0 page onto cpu's per-cpu list of migratetype mt, without
 * the free path's drain (import.c rebuilds a dumped machine's lists).
 */
void pcp_import_page(struct machine *m, struct zone *z, int cpu, unsigned long pfn, int mt)
{
	struct per_cpu_pages *pcp = &z->pcp[cpu];
	unsigned int pindex = order_to_pindex(mt, 0);

	set_page_count(m, pfn, 0);
	set_page_index(m, pfn, (unsigned long)mt);
	pfnlist_add_tail(m, &pcp->lists[pindex], pfn);
	pcp->lists_count[pindex]++;
	pcp->count++;
}
