// SPDX-License-Identifier: GPL-2.0-only
/*
 * memory_hotplug.c - memory blocks and onlining/offlining of memory, as
 * Linux 6.1 has them (drivers/base/memory.c, mm/memory_hotplug.c, and
 * the hotplug parts of mm/page_alloc.c: memmap_init_range for hotplug,
 * __offline_isolated_pages).
 *
 * Memory blocks.  The block size is x86's probe_memory_block_size for a
 * guest (the model describes a q35 guest, so X86_FEATURE_HYPERVISOR is
 * set): 128 MiB below 64 GiB of RAM, else the largest of 2 GiB, 1 GiB,
 * 512 MiB, 256 MiB that divides the end of boot memory.  memory_dev_init
 * makes a device for every block with a present section, online, and
 * registers each under the nodes whose memory it holds
 * (register_mem_block_under_node_early): a block whose memory lies in one
 * populated zone of one node gets that zone, others none (they cannot be
 * offlined; valid_zones says "none").
 *
 * Online (online_pages): move_pfn_range_to_zone grows the zone's and the
 * node's span and writes every struct page of the range (memmap_init_range:
 * the zone and node in flags, PG_reserved, one reference) with its
 * pageblocks MIGRATE_ISOLATE; a zone that was empty gets its pagesets and
 * the zonelists are rebuilt; the range goes to the buddy allocator in
 * MAX_ORDER-1 chunks (generic_online_page: __free_pages_core, to the
 * tail of the isolate lists), the sections are marked online, present
 * pages counted, the isolation undone (the free pages move to the tail of
 * the movable lists and start counting as free), the zone shuffled when
 * page_alloc.shuffle is on, and the watermarks and pageset sizes
 * recomputed (init_per_zone_wmark_min).
 *
 * Offline (offline_pages): holes and ranges spanning zones are refused
 * (EINVAL); the zone's pagesets are disabled and drained; the range is
 * isolated (EBUSY on an unmovable page, and nothing changed); then,
 * round after round, movable pages are migrated out (scan_movable_pages,
 * do_migrate_range, targets from alloc_migration_target's gfp mask and
 * node mask), free hugepages dissolved, until test_pages_isolated finds
 * only free pages; those leave the buddy lists (__offline_isolated_pages),
 * the sections go offline, managed and present pages drop, the watermarks
 * are recomputed, an emptied zone loses its pagesets, and the zone and
 * node spans shrink at their edges (remove_pfn_range_from_zone).
 *
 * What the model leaves out or does differently:
 * - Migration moves what the model can migrate: movable user data held by
 *   the scenario (migrate.h), order 0 or compound.  Pages of simulated
 *   processes (anonymous, page cache) and hugetlb pages in use are LRU or
 *   migratable in the kernel, which would move them; the model has no
 *   rmap-driven migration yet, so offlining a range that holds them fails
 *   with EBUSY and says why (a difference from 6.1, not its behaviour).
 * - 6.1 retries forever when a page cannot be migrated for want of memory,
 *   or when a page stays in use without being movable (possible in
 *   ZONE_MOVABLE, where isolation checks only PG_reserved): the write
 *   hangs until a signal ends it with EINTR.  The model stops after a
 *   round that changed nothing and returns EINTR with the reason.
 * - The target of a migration comes from the other nodes with memory, one
 *   node at a time in the source node's fallback order (__GFP_THISNODE),
 *   where the kernel walks one zonelist filtered by a node mask.
 * - scan_movable_pages skips free buddy blocks whole (they hold nothing
 *   movable); the kernel reads each of their struct pages.
 * - memmap poisoning (page_init_poison) is a CONFIG_DEBUG_VM feature,
 *   off in Debian: the struct pages of an offline range stay as the buddy
 *   left them (refcount 0, the old zone in flags, no PG_buddy).
 * - No memory notifiers (MEM_GOING_OFFLINE, ...), no node_states bitmaps
 *   (the model derives N_MEMORY from populated zones), no kswapd or
 *   kcompactd threads to start or stop, no writeback ratelimit; lru_cache
 *   (the per-CPU LRU pagevecs) does not exist in the model.
 * - The pageblock flags live in the zone (one byte per pageblock of its
 *   span), not in the section's usemap: a span that grows or shrinks
 *   reallocates them, and the compaction scanners' cached positions are
 *   reset with it.
 * - Memory groups (virtio-mem, ACPI) do not exist: online_policy
 *   auto-movable works with group NULL.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "memory_hotplug.h"
#include "gfp.h"
#include "host.h"
#include "hugetlb.h"
#include "machine.h"
#include "memblock.h"
#include "migrate.h"
#include "mman.h"
#include "mmzone.h"
#include "module.h"
#include "page.h"
#include "page_alloc.h"
#include "page_isolation.h"
#include "sbuf.h"
#include "sparse.h"
#include "vm_event_item.h"
#include "vout.h"

static const char *const online_type_to_str[] = {
	[MMOP_OFFLINE] = "offline",
	[MMOP_ONLINE] = "online",
	[MMOP_ONLINE_KERNEL] = "online_kernel",
	[MMOP_ONLINE_MOVABLE] = "online_movable",
};

static const char *const online_policy_to_str[] = {
	[ONLINE_POLICY_CONTIG_ZONES] = "contig-zones",
	[ONLINE_POLICY_AUTO_MOVABLE] = "auto-movable",
};

#define MEM_SIZE_FOR_LARGE_BLOCK	(64UL << 30)
#define MAX_BLOCK_SIZE			(2UL << 30)

static struct memory_hotplug *mhp(struct machine *m)
{
	return m->hotplug;
}

static void why(struct machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why(struct machine *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(mhp(m)->why, sizeof(mhp(m)->why), fmt, ap);
	va_end(ap);
}

/* sysfs_streq: equal, treating a trailing newline on either as the end */
static bool sysfs_streq(const char *s1, const char *s2)
{
	while (*s1 && *s1 == *s2) {
		s1++;
		s2++;
	}
	if (*s1 == *s2)
		return true;
	if (!*s1 && *s2 == '\n' && !s2[1])
		return true;
	return *s1 == '\n' && !s1[1] && !*s2;
}

static int mhp_online_type_from_str(const char *str)
{
	for (int i = 0; i < (int)ARRAY_SIZE(online_type_to_str); i++)
		if (sysfs_streq(str, online_type_to_str[i]))
			return i;
	return -EINVAL;
}

/* -------------------------------------------------------------------------
 * Locks
 */
void mem_hotplug_begin(struct machine *m)
{
	SCHED_WHERE(m);
	down_write(m, &mhp(m)->mem_hotplug_lock);
}

void mem_hotplug_done(struct machine *m)
{
	SCHED_WHERE(m);
	up_write(m, &mhp(m)->mem_hotplug_lock);
}

void get_online_mems(struct machine *m)
{
	SCHED_WHERE(m);
	down_read(m, &mhp(m)->mem_hotplug_lock);
}

void put_online_mems(struct machine *m)
{
	SCHED_WHERE(m);
	up_read(m, &mhp(m)->mem_hotplug_lock);
}

void lock_device_hotplug(struct machine *m)
{
	SCHED_WHERE(m);
	down_write(m, &mhp(m)->device_hotplug_lock);
}

void unlock_device_hotplug(struct machine *m)
{
	SCHED_WHERE(m);
	up_write(m, &mhp(m)->device_hotplug_lock);
}

/* -------------------------------------------------------------------------
 * Sections, zones and spans
 */
static bool early_section_nr(struct machine *m, unsigned long nr)
{
	return nr < m->nr_sections && m->sections[nr].early;
}

/* online_mem_sections / offline_mem_sections */
static void set_sections_online(struct machine *m, unsigned long start_pfn, unsigned long end_pfn,
				bool online)
{
	for (unsigned long nr = start_pfn >> PFN_SECTION_SHIFT; nr < end_pfn >> PFN_SECTION_SHIFT;
	     nr++)
		m->sections[nr].online = online;
}

/*
 * The zone a section is in for pfn_zone (mmzone.h): set while online.
 * Every section the range touches: memmap_on_memory moves a block's first
 * pages into the zone before the rest.
 */
static void set_sections_zone(struct machine *m, unsigned long start_pfn, unsigned long end_pfn,
			      struct zone *z)
{
	for (unsigned long nr = start_pfn >> PFN_SECTION_SHIFT;
	     nr < (end_pfn + PAGES_PER_SECTION - 1) >> PFN_SECTION_SHIFT; nr++)
		m->sections[nr].zone = z;
}

static bool zone_intersects(const struct zone *z, unsigned long start_pfn, unsigned long nr_pages)
{
	if (!z->spanned_pages)
		return false;
	return start_pfn < zone_end_pfn(z) && start_pfn + nr_pages > z->zone_start_pfn;
}

/*
 * Give the zone the span [start, end) (empty when start == end).  The
 * pageblock flags follow the span (one byte per pageblock from the
 * pageblock holding zone_start_pfn); bytes of pageblocks the zone keeps
 * are kept, new ones start MIGRATE_MOVABLE until memmap_init_range sets
 * them.  The compaction scanners' cached positions start over.
 */
static void zone_set_span(struct machine *m, struct zone *z, unsigned long start, unsigned long end)
{
	unsigned long old_first = z->zone_start_pfn & ~(pageblock_nr_pages - 1);
	unsigned long old_end = zone_end_pfn(z), first, nblocks;
	uint8_t *flags = NULL;

	(void)m;
	if (start < end) {
		first = start & ~(pageblock_nr_pages - 1);
		nblocks = (end - first + pageblock_nr_pages - 1) >> pageblock_order;
		flags = host_malloc(nblocks, "resizing a zone's pageblock flags");
		memset(flags, MIGRATE_MOVABLE, nblocks);
		for (unsigned long b = 0; b < nblocks && z->pageblock_flags && z->spanned_pages; b++) {
			unsigned long pfn = first + (b << pageblock_order);

			if (pfn >= old_first && pfn < old_end)
				flags[b] = z->pageblock_flags[(pfn - old_first) >> pageblock_order];
		}
		z->zone_start_pfn = start;
		z->spanned_pages = end - start;
	} else {
		z->zone_start_pfn = 0;
		z->spanned_pages = 0;
	}
	host_free(z->pageblock_flags);
	z->pageblock_flags = flags;
	/* the scanners start over (compaction.c's reset_cached_positions) */
	z->compact_cached_migrate_pfn[0] = z->zone_start_pfn;
	z->compact_cached_migrate_pfn[1] = z->zone_start_pfn;
	z->compact_cached_free_pfn = z->spanned_pages ?
				     (zone_end_pfn(z) - 1) & ~(pageblock_nr_pages - 1) : 0;
}

static void resize_zone_range(struct machine *m, struct zone *z, unsigned long start_pfn,
			      unsigned long nr_pages)
{
	unsigned long old_end = zone_end_pfn(z);
	unsigned long start = !z->spanned_pages || start_pfn < z->zone_start_pfn ?
			      start_pfn : z->zone_start_pfn;
	unsigned long end = start_pfn + nr_pages > old_end || !z->spanned_pages ?
			    start_pfn + nr_pages : old_end;

	if (start != z->zone_start_pfn || end != old_end)
		zone_set_span(m, z, start, end);
}

static void resize_pgdat_range(struct pglist_data *pgdat, unsigned long start_pfn,
			       unsigned long nr_pages)
{
	unsigned long old_end = pgdat->node_start_pfn + pgdat->node_spanned_pages;

	if (!pgdat->node_spanned_pages || start_pfn < pgdat->node_start_pfn)
		pgdat->node_start_pfn = start_pfn;
	pgdat->node_spanned_pages = (start_pfn + nr_pages > old_end ? start_pfn + nr_pages :
				     old_end) - pgdat->node_start_pfn;
}

/*
 * __init_single_page for hotplug (mm/page_alloc.c): a zeroed struct page
 * with zone and node in flags, one reference, no mapcount and its lru
 * list empty (pointing at itself), then PG_reserved (MEMINIT_HOTPLUG).
 */
static void init_single_page_reserved(struct machine *m, unsigned long pfn, int zid, int nid)
{
	struct page_handle p = page_handle(m, pfn);

	for (unsigned int off = 0; off < m->sps; off += 8)
		ph_write64(m, &p, off, 0);
	ph_set_page_flags(m, &p, (uint64_t)nid << NODES_PGSHIFT | (uint64_t)zid << ZONES_PGSHIFT |
			  1UL << PG_reserved);
	ph_write32(m, &p, PGOFF_MAPCOUNT, (uint32_t)-1);
	ph_set_page_count(m, &p, 1);
	ph_set_page_lru_next(m, &p, pfn);
	ph_set_page_lru_prev(m, &p, pfn);
}

/* memmap_init_range(MEMINIT_HOTPLUG): every struct page, and each pageblock's type */
static void memmap_init_range(struct machine *m, unsigned long size, int nid, int zid,
			      unsigned long start_pfn, int migratetype)
{
	for (unsigned long pfn = start_pfn; pfn < start_pfn + size; pfn++) {
		init_single_page_reserved(m, pfn, zid, nid);
		if (!(pfn & (pageblock_nr_pages - 1)))
			set_pageblock_migratetype(m, pfn, migratetype);
	}
}

/*
 * move_pfn_range_to_zone: the zone and node spans take the range in, and
 * its memmap is initialised (every page PG_reserved, the pageblocks
 * migratetype).  The sections are the zone's for pfn_zone from here on.
 */
static void move_pfn_range_to_zone(struct machine *m, struct zone *z, unsigned long start_pfn,
				   unsigned long nr_pages, int migratetype)
{
	struct pglist_data *pgdat = z->zone_pgdat;

	resize_zone_range(m, z, start_pfn, nr_pages);
	resize_pgdat_range(pgdat, start_pfn, nr_pages);
	set_sections_zone(m, start_pfn, start_pfn + nr_pages, z);
	memmap_init_range(m, nr_pages, pgdat->node_id, z->idx, start_pfn, migratetype);
}

/* The smallest (biggest) online pfn of zone on nid in [start, end), by sub-section; 0: none */
static unsigned long find_smallest_section_pfn(struct machine *m, int nid, struct zone *z,
					       unsigned long start_pfn, unsigned long end_pfn)
{
	for (; start_pfn < end_pfn; start_pfn += PAGES_PER_SUBSECTION) {
		if (!pfn_is_online(m, start_pfn))
			continue;
		if (page_to_nid(m, start_pfn) != nid || page_zone(m, start_pfn) != z)
			continue;
		return start_pfn;
	}
	return 0;
}

static unsigned long find_biggest_section_pfn(struct machine *m, int nid, struct zone *z,
					      unsigned long start_pfn, unsigned long end_pfn)
{
	/* pfns are below 2^46: signed, the walk can step below start_pfn and stop */
	for (long pfn = (long)end_pfn - 1; pfn >= (long)start_pfn;
	     pfn -= (long)PAGES_PER_SUBSECTION) {
		if (!pfn_is_online(m, (unsigned long)pfn))
			continue;
		if (page_to_nid(m, (unsigned long)pfn) != nid ||
		    page_zone(m, (unsigned long)pfn) != z)
			continue;
		return (unsigned long)pfn;
	}
	return 0;
}

/* shrink_zone_span: a range at either edge of the zone leaves its span */
static void shrink_zone_span(struct machine *m, struct zone *z, unsigned long start_pfn,
			     unsigned long end_pfn)
{
	int nid = z->zone_pgdat->node_id;
	unsigned long pfn;

	if (z->zone_start_pfn == start_pfn) {
		pfn = find_smallest_section_pfn(m, nid, z, end_pfn, zone_end_pfn(z));
		zone_set_span(m, z, pfn ? pfn : 0, pfn ? zone_end_pfn(z) : 0);
	} else if (zone_end_pfn(z) == end_pfn) {
		pfn = find_biggest_section_pfn(m, nid, z, z->zone_start_pfn, start_pfn);
		zone_set_span(m, z, pfn ? z->zone_start_pfn : 0, pfn ? pfn + 1 : 0);
	}
}

static void update_pgdat_span(struct pglist_data *pgdat)
{
	unsigned long node_start_pfn = 0, node_end_pfn = 0;

	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &pgdat->node_zones[zi];

		if (!z->spanned_pages)
			continue;
		if (!node_end_pfn) {
			node_start_pfn = z->zone_start_pfn;
			node_end_pfn = zone_end_pfn(z);
			continue;
		}
		if (zone_end_pfn(z) > node_end_pfn)
			node_end_pfn = zone_end_pfn(z);
		if (z->zone_start_pfn < node_start_pfn)
			node_start_pfn = z->zone_start_pfn;
	}
	pgdat->node_start_pfn = node_start_pfn;
	pgdat->node_spanned_pages = node_end_pfn - node_start_pfn;
}

/* remove_pfn_range_from_zone: no memmap poisoning (CONFIG_DEBUG_VM is off) */
static void remove_pfn_range_from_zone(struct machine *m, struct zone *z, unsigned long start_pfn,
				       unsigned long nr_pages)
{
	set_sections_zone(m, start_pfn, start_pfn + nr_pages, NULL);
	shrink_zone_span(m, z, start_pfn, start_pfn + nr_pages);
	update_pgdat_span(z->zone_pgdat);
}

static void adjust_present_page_count(struct machine *m, unsigned long pfn, long nr_pages)
{
	struct zone *z = page_zone(m, pfn);

	if (early_section_nr(m, pfn >> PFN_SECTION_SHIFT))
		mhp(m)->present_early_pages[z->zone_pgdat->node_id][z->idx] += (unsigned long)nr_pages;
	z->present_pages += (unsigned long)nr_pages;
	z->zone_pgdat->node_present_pages += (unsigned long)nr_pages;
}

/* -------------------------------------------------------------------------
 * Zone choice
 */
static struct zone *default_kernel_zone_for_pfn(struct machine *m, int nid,
						unsigned long start_pfn, unsigned long nr_pages)
{
	for (int zid = 0; zid < ZONE_NORMAL; zid++)
		if (zone_intersects(zone_of(m, nid, zid), start_pfn, nr_pages))
			return zone_of(m, nid, zid);
	return zone_of(m, nid, ZONE_NORMAL);
}

static void auto_movable_stats_account_zone(struct machine *m, const struct zone *z,
					    unsigned long *kernel_early, unsigned long *movable)
{
	if (z->idx == ZONE_MOVABLE)
		*movable += z->present_pages;
	else
		*kernel_early += mhp(m)->present_early_pages[z->zone_pgdat->node_id][z->idx];
}

/* Could nr_pages more go to ZONE_MOVABLE within auto_movable_ratio (nid or every node)? */
static bool auto_movable_can_online_movable(struct machine *m, int nid, unsigned long nr_pages)
{
	unsigned long kernel_early = 0, movable = 0;
	struct zone *z;

	for_each_zone_of(m, z)
		if (populated_zone(z) && (nid == NUMA_NO_NODE || z->zone_pgdat->node_id == nid))
			auto_movable_stats_account_zone(m, z, &kernel_early, &movable);
	/* no memory groups: they require no early kernel pages */
	if (!kernel_early)
		return false;
	movable += nr_pages;
	return movable <= mhp(m)->auto_movable_ratio * kernel_early / 100;
}

static struct zone *auto_movable_zone_for_pfn(struct machine *m, int nid, unsigned long pfn,
					      unsigned long nr_pages)
{
	if (mhp(m)->auto_movable_ratio &&
	    auto_movable_can_online_movable(m, NUMA_NO_NODE, nr_pages) &&
	    (!mhp(m)->auto_movable_numa_aware || auto_movable_can_online_movable(m, nid, nr_pages)))
		return zone_of(m, nid, ZONE_MOVABLE);
	return default_kernel_zone_for_pfn(m, nid, pfn, nr_pages);
}

static struct zone *default_zone_for_pfn(struct machine *m, int nid, unsigned long start_pfn,
					 unsigned long nr_pages)
{
	struct zone *kernel_zone = default_kernel_zone_for_pfn(m, nid, start_pfn, nr_pages);
	struct zone *movable_zone = zone_of(m, nid, ZONE_MOVABLE);
	bool in_kernel = zone_intersects(kernel_zone, start_pfn, nr_pages);
	bool in_movable = zone_intersects(movable_zone, start_pfn, nr_pages);

	/* inherit the zone where exactly one of the two spans the range */
	if (in_kernel ^ in_movable)
		return in_kernel ? kernel_zone : movable_zone;
	return mhp(m)->movable_node_enabled ? movable_zone : kernel_zone;
}

struct zone *zone_for_pfn_range(struct machine *m, int online_type, int nid,
				unsigned long start_pfn, unsigned long nr_pages)
{
	if (online_type == MMOP_ONLINE_KERNEL)
		return default_kernel_zone_for_pfn(m, nid, start_pfn, nr_pages);
	if (online_type == MMOP_ONLINE_MOVABLE)
		return zone_of(m, nid, ZONE_MOVABLE);
	if (mhp(m)->online_policy == ONLINE_POLICY_AUTO_MOVABLE)
		return auto_movable_zone_for_pfn(m, nid, start_pfn, nr_pages);
	return default_zone_for_pfn(m, nid, start_pfn, nr_pages);
}

/* -------------------------------------------------------------------------
 * online_pages
 */

/* generic_online_page: __free_pages_core of the chunk, every struct page made free */
static void generic_online_page(struct machine *m, unsigned long pfn, unsigned int order)
{
	/* __free_pages_core clears the head itself (page_alloc.c) */
	for (unsigned long p = pfn + 1; p < pfn + (1UL << order); p++) {
		struct page_handle h = page_handle(m, p);

		ph_set_page_flags(m, &h, ph_page_flags(m, &h) & ~(1UL << PG_reserved));
		ph_set_page_count(m, &h, 0);
	}
	__free_pages_core(m, pfn, order);
	count_vm_events(m, PGFREE, 1L << order);	/* __free_pages_ok counts them */
}

static void online_pages_range(struct machine *m, unsigned long start_pfn, unsigned long nr_pages)
{
	unsigned long end_pfn = start_pfn + nr_pages;

	for (unsigned long pfn = start_pfn; pfn < end_pfn;) {
		unsigned int order = pfn ? (unsigned int)__builtin_ctzl(pfn) : MAX_ORDER - 1;

		if (order > MAX_ORDER - 1)
			order = MAX_ORDER - 1;
		generic_online_page(m, pfn, order);
		pfn += 1UL << order;
	}
	set_sections_online(m, start_pfn, end_pfn, true);
}

int online_pages(struct machine *m, unsigned long pfn, unsigned long nr_pages, struct zone *zone)
{
	bool need_zonelists_rebuild = false;

	if (MM_BUG_ON(m, !nr_pages || pfn & (pageblock_nr_pages - 1) ||
		      (pfn + nr_pages) & (PAGES_PER_SECTION - 1),
		      "online_pages: [%#lx, %#lx) is not a range of whole sections", pfn,
		      pfn + nr_pages)) {
		why(m, "online_pages: not a range of whole sections");
		return -EINVAL;
	}
	move_pfn_range_to_zone(m, zone, pfn, nr_pages, MIGRATE_ISOLATE);
	/* a zone that was not populated is in no zonelist yet */
	if (!populated_zone(zone)) {
		need_zonelists_rebuild = true;
		setup_zone_pageset(m, zone);
	}
	online_pages_range(m, pfn, nr_pages);
	adjust_present_page_count(m, pfn, (long)nr_pages);
	if (need_zonelists_rebuild)
		build_zonelists(m);
	/* done: the pages may be allocated now */
	undo_isolate_page_range(m, pfn, pfn + nr_pages, MIGRATE_MOVABLE);
	if (m->opts.page_alloc_shuffle)
		shuffle_zone(m, zone);
	init_per_zone_wmark_min(m);
	mhp(m)->stats.online++;
	return 0;
}

/* -------------------------------------------------------------------------
 * offline_pages
 */

/* scan_movable_pages: 0 and *movable_pfn at the first page to migrate, -ENOENT, -EBUSY */
static int scan_movable_pages(struct machine *m, unsigned long start, unsigned long end,
			      unsigned long *movable_pfn)
{
	for (unsigned long pfn = start; pfn < end; pfn++) {
		unsigned long head;

		if (!pfn_valid(m, pfn))
			continue;
		if (PageBuddy(m, pfn)) {	/* nothing movable in a free block */
			pfn += (1UL << buddy_order(m, pfn)) - 1;
			continue;
		}
		if (PageLRU(m, pfn) || __PageMovable(m, pfn))
			goto found;
		if (PageOffline(m, pfn) && page_ref_count(m, pfn))
			return -EBUSY;
		if (!PageHuge(m, pfn))
			continue;
		head = compound_head(m, pfn);
		if (HPageFlag(m, head, HPG_migratable))
			goto found;
		pfn = head + (1UL << compound_order(m, head)) - 1;
		continue;
found:
		*movable_pfn = pfn;
		return 0;
	}
	return -ENOENT;
}

/*
 * alloc_migration_target for memory offlining: GFP_USER | __GFP_MOVABLE |
 * __GFP_RETRY_MAYFAIL (__GFP_HIGHMEM for a page in ZONE_MOVABLE, so the
 * target may be there too; GFP_TRANSHUGE for a compound page), from the
 * other nodes with memory, or the page's own node when it is the only one.
 */
static unsigned long alloc_migration_target(struct machine *m, unsigned long src, unsigned int order)
{
	int nid = page_to_nid(m, src), others = 0;
	gfp_t gfp = GFP_USER | __GFP_MOVABLE | __GFP_RETRY_MAYFAIL;
	unsigned long dst;

	if (page_zone(m, src)->idx == ZONE_MOVABLE)
		gfp |= __GFP_HIGHMEM;
	if (order)
		gfp = (gfp & ~__GFP_RECLAIM) | GFP_TRANSHUGE;
	for (int i = 0; i < m->nr_nodes; i++) {
		int n = m->node_order[nid][i];
		bool has_memory = false;

		if (n == nid)
			continue;
		for (int zi = 0; zi < MAX_NR_ZONES; zi++)
			has_memory |= populated_zone(zone_of(m, n, zi));
		if (!has_memory)
			continue;
		others++;
		dst = __alloc_pages(m, gfp | __GFP_THISNODE, order, n);
		if (dst != PFN_NONE)
			return dst;
	}
	if (others)
		return PFN_NONE;
	return __alloc_pages(m, gfp, order, nid);
}

/*
 * What one do_migrate_range left behind: pages it could not migrate, and
 * the first of them with the reason (for the write's error text).
 */
struct migrate_result {
	unsigned long migrated, failed;
	unsigned long first_failed;
	bool not_modelled;	/* a page 6.1 migrates and the model cannot */
	const char *reason;
};

static void migrate_failed(struct migrate_result *r, unsigned long pfn, bool not_modelled,
			   const char *reason)
{
	if (!r->failed++ || (not_modelled && !r->not_modelled)) {
		r->first_failed = pfn;
		r->reason = reason;
		r->not_modelled |= not_modelled;
	}
}

/* do_migrate_range: migrate every movable page of [start_pfn, end_pfn) */
static void do_migrate_range(struct machine *m, unsigned long start_pfn, unsigned long end_pfn,
			     struct migrate_result *r)
{
	for (unsigned long pfn = start_pfn; pfn < end_pfn; pfn++) {
		unsigned long head, dst;
		unsigned int order = 0;

		if (!pfn_valid(m, pfn))
			continue;
		if (PageBuddy(m, pfn)) {
			pfn += (1UL << buddy_order(m, pfn)) - 1;
			continue;
		}
		head = compound_head(m, pfn);
		if (PageHuge(m, pfn)) {
			pfn = head + (1UL << compound_order(m, head)) - 1;
			if (HPageFlag(m, head, HPG_migratable))
				migrate_failed(r, head, true, "a hugetlb page in use (the model "
					       "cannot migrate hugetlb pages yet)");
			continue;
		}
		if (PageCompound(m, pfn)) {
			order = compound_order(m, head);
			pfn = head + (1UL << order) - 1;
		}
		if (PageHWPoison(m, head) || !page_ref_count(m, head))
			continue;
		if (!PageLRU(m, head) && !__PageMovable(m, head))
			continue;	/* isolate_movable_page fails: not movable */
		if (!is_movable_data(m, head)) {
			migrate_failed(r, head, true, "a page of a process or the page cache "
				       "(the model cannot migrate mapped pages yet)");
			continue;
		}
		/* isolate_lru_page, then migrate_pages with alloc_migration_target */
		ClearPageLRU(m, head);
		dst = alloc_migration_target(m, head, order);
		if (dst == PFN_NONE) {
			SetPageLRU(m, head);	/* putback_movable_pages */
			count_vm_events(m, PGMIGRATE_FAIL, 1L << order);	/* nr_failed_pages */
			migrate_failed(r, head, false, "no memory to migrate it to");
			continue;
		}
		migrate_movable_block(m, head, dst, order);
		r->migrated += 1UL << order;
	}
}

/* The pages [lo, hi) and [start, end) share */
static unsigned long overlap(unsigned long lo, unsigned long hi, unsigned long start,
			     unsigned long end)
{
	lo = lo > start ? lo : start;
	hi = hi < end ? hi : end;
	return lo < hi ? hi - lo : 0;
}

/*
 * count_system_ram_pages_cb over walk_system_ram_range: memory, not holes.
 * System RAM is boot memory (memblock.memory) and what hotplug added.
 */
static unsigned long system_ram_pages(struct machine *m, unsigned long start_pfn,
				      unsigned long nr_pages)
{
	unsigned long n = 0, end = start_pfn + nr_pages;

	for (int i = 0; i < m->memblock.memory.cnt; i++)
		n += overlap(m->memblock.memory.regions[i].base_pfn,
			     m->memblock.memory.regions[i].end_pfn, start_pfn, end);
	for (unsigned long i = 0; i < mhp(m)->nr_ram; i++)
		n += overlap(mhp(m)->ram[i].start_pfn, mhp(m)->ram[i].end_pfn, start_pfn, end);
	return n;
}

/* The first page of [start_pfn, end_pfn) that is not free (what test_pages_isolated trips on) */
static unsigned long first_busy_pfn(struct machine *m, unsigned long start_pfn,
				    unsigned long end_pfn)
{
	unsigned long pfn = start_pfn;

	while (pfn < end_pfn && PageBuddy(m, pfn))
		pfn += 1UL << buddy_order(m, pfn);
	return pfn;
}

/* __offline_isolated_pages: the sections go offline, their free pages leave the buddy */
static void __offline_isolated_pages(struct machine *m, unsigned long start_pfn,
				     unsigned long end_pfn)
{
	struct zone *z = page_zone(m, start_pfn);

	set_sections_online(m, start_pfn, end_pfn, false);
	for (unsigned long pfn = start_pfn; pfn < end_pfn;) {
		unsigned int order;

		if (!PageBuddy(m, pfn) && (PageHWPoison(m, pfn) || PageOffline(m, pfn))) {
			pfn++;
			continue;
		}
		if (MM_BUG_ON(m, page_ref_count(m, pfn) || !PageBuddy(m, pfn),
			      "__offline_isolated_pages: page %#lx is not free", pfn))
			return;
		order = buddy_order(m, pfn);
		del_page_from_free_list(m, pfn, z, order, (int)page_index(m, pfn));
		pfn += 1UL << order;
	}
}

int offline_pages(struct machine *m, unsigned long start_pfn, unsigned long nr_pages,
		  struct zone *zone)
{
	unsigned long end_pfn = start_pfn + nr_pages, pfn, bad;
	struct mhp_stats *st = &mhp(m)->stats;
	struct migrate_result r = { 0 };
	int ret;

	if (MM_BUG_ON(m, !nr_pages || start_pfn & (pageblock_nr_pages - 1) ||
		      end_pfn & (PAGES_PER_SECTION - 1),
		      "offline_pages: [%#lx, %#lx) is not a range of whole sections", start_pfn,
		      end_pfn)) {
		why(m, "offline_pages: not a range of whole sections");
		return -EINVAL;
	}
	/* hotplugged memory has no holes, so blocks with holes never go offline */
	if (system_ram_pages(m, start_pfn, nr_pages) != nr_pages) {
		why(m, "offline_pages: memory holes in the block");
		ret = -EINVAL;
		goto failed_removal;
	}
	if (page_zone(m, start_pfn) != zone || page_zone(m, end_pfn - 1) != zone) {
		why(m, "offline_pages: multizone range");
		ret = -EINVAL;
		goto failed_removal;
	}
	/* no page freed into the range may stay on a per-cpu list */
	zone_pcp_disable(m, zone);
	ret = start_isolate_page_range(m, start_pfn, end_pfn, MIGRATE_MOVABLE,
				       MEMORY_OFFLINE | REPORT_FAILURE, &bad);
	if (ret) {
		if (bad != PFN_NONE)
			why(m, "offline_pages: failure to isolate range: unmovable page at pfn %#lx",
			    bad);
		else
			why(m, "offline_pages: failure to isolate range");
		goto failed_removal_pcplists_disabled;
	}
	do {
		unsigned long migrated = st->offline_migrated, dissolved;

		st->offline_rounds++;
		pfn = start_pfn;
		do {
			ret = scan_movable_pages(m, pfn, end_pfn, &pfn);
			if (!ret) {
				struct migrate_result one = { 0 };

				do_migrate_range(m, pfn, end_pfn, &one);
				st->offline_migrated += one.migrated;
				if (one.failed)
					r = one;
				if (one.not_modelled) {
					why(m, "offline_pages: pfn %#lx is %s", one.first_failed,
					    one.reason);
					ret = -EBUSY;
					goto failed_removal_isolated;
				}
				/* 6.1 scans and migrates again, for ever */
				if (!one.migrated)
					goto retries_forever;
			}
		} while (!ret);
		if (ret != -ENOENT) {
			why(m, "offline_pages: unmovable page (PageOffline with references)");
			goto failed_removal_isolated;
		}
		/* free hugepages leave the pool, so its counts stay right */
		dissolved = hugetlb_total_pages(m);
		ret = dissolve_free_huge_pages(m, start_pfn, end_pfn);
		dissolved -= hugetlb_total_pages(m);
		st->offline_dissolved += dissolved;
		if (ret) {
			why(m, "offline_pages: failure to dissolve huge pages");
			goto failed_removal_isolated;
		}
		ret = test_pages_isolated(m, start_pfn, end_pfn, MEMORY_OFFLINE);
		if (ret && st->offline_migrated == migrated && !dissolved)
			goto retries_forever;
	} while (ret);

	/* the sections go offline and the free pages leave the buddy */
	__offline_isolated_pages(m, start_pfn, end_pfn);
	zone_pcp_enable(m, zone);
	adjust_managed_page_count(m, start_pfn, -(long)nr_pages);
	adjust_present_page_count(m, start_pfn, -(long)nr_pages);
	init_per_zone_wmark_min(m);
	if (!populated_zone(zone))
		zone_pcp_reset(m, zone);
	remove_pfn_range_from_zone(m, zone, start_pfn, nr_pages);
	/* the model's zonelists hold the zones that span memory: after the shrink */
	build_zonelists(m);
	st->offline++;
	return 0;

retries_forever:
	if (r.failed)
		why(m, "offline_pages: pfn %#lx cannot be migrated: %s; 6.1 retries until a "
		    "signal ends the write (EINTR)", r.first_failed, r.reason);
	else
		why(m, "offline_pages: pfn %#lx is in use and cannot be migrated (not on the LRU, "
		    "not movable); 6.1 retries until a signal ends the write (EINTR)",
		    first_busy_pfn(m, start_pfn, end_pfn));
	ret = -EINTR;
failed_removal_isolated:
	undo_isolate_page_range(m, start_pfn, end_pfn, MIGRATE_MOVABLE);
failed_removal_pcplists_disabled:
	zone_pcp_enable(m, zone);
failed_removal:
	st->offline_failed++;
	return ret;
}

/* -------------------------------------------------------------------------
 * Memory blocks (drivers/base/memory.c)
 */

/* x86's probe_memory_block_size, for a guest */
static unsigned long probe_memory_block_size(struct machine *m)
{
	unsigned long boot_mem_end = m->max_pfn << PAGE_SHIFT, bz;

	if (boot_mem_end < MEM_SIZE_FOR_LARGE_BLOCK)
		return MIN_MEMORY_BLOCK_SIZE;
	/* X86_FEATURE_HYPERVISOR: the largest size the end of boot memory is aligned to */
	for (bz = MAX_BLOCK_SIZE; bz > MIN_MEMORY_BLOCK_SIZE; bz >>= 1)
		if (!(boot_mem_end & (bz - 1)))
			break;
	return bz;
}

unsigned long memory_block_size_bytes(struct machine *m)
{
	return mhp(m)->block_size;
}

static unsigned long pages_per_block(struct machine *m)
{
	return PAGES_PER_SECTION * mhp(m)->sections_per_block;
}

struct memory_block *find_memory_block_by_id(struct machine *m, unsigned long block_id)
{
	struct memory_hotplug *h = mhp(m);

	return h && block_id < h->nr_blocks ? h->blocks[block_id] : NULL;
}

static int add_memory_block(struct machine *m, unsigned long block_id, unsigned long state,
			    unsigned long nr_vmemmap_pages)
{
	struct memory_hotplug *h = mhp(m);
	struct memory_block *mem;

	if (find_memory_block_by_id(m, block_id))
		return -EEXIST;
	if (block_id >= h->nr_blocks) {
		unsigned long n = h->nr_blocks ? h->nr_blocks : 16;

		while (n <= block_id)
			n *= 2;
		h->blocks = host_reallocarray(h->blocks, n, sizeof(*h->blocks),
					      "adding a memory block");
		memset(h->blocks + h->nr_blocks, 0, (n - h->nr_blocks) * sizeof(*h->blocks));
		h->nr_blocks = n;
	}
	mem = host_calloc(1, sizeof(*mem), "adding a memory block");
	mem->start_section_nr = block_id * h->sections_per_block;
	mem->state = state;
	mem->online_type = MMOP_OFFLINE;
	mem->nid = NUMA_NO_NODE;
	mem->nr_vmemmap_pages = nr_vmemmap_pages;
	mem->dev_offline = state == MEM_OFFLINE;
	h->blocks[block_id] = mem;
	return 0;
}

static void remove_memory_block(struct machine *m, unsigned long block_id)
{
	host_free(mhp(m)->blocks[block_id]);
	mhp(m)->blocks[block_id] = NULL;
}

/* The one populated zone of nid that the block's range meets, or NULL */
static struct zone *early_node_zone_for_memory_block(struct machine *m,
						     const struct memory_block *mem, int nid)
{
	unsigned long start_pfn = memory_block_start_pfn(mem), nr_pages = pages_per_block(m);
	struct zone *matching = NULL;

	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = zone_of(m, nid, zi);

		if (!populated_zone(z) || !zone_intersects(z, start_pfn, nr_pages))
			continue;
		if (matching)
			return NULL;	/* spans several zones */
		matching = z;
	}
	return matching;
}

/*
 * memory_block_add_nid: the block holds memory of nid.  At boot the first
 * node decides the zone, a second one makes it NULL (the block cannot go
 * offline); hot-added blocks belong to one node.
 */
static void memory_block_add_nid(struct machine *m, struct memory_block *mem, int nid, bool early)
{
	if (early && mem->nid != nid)
		mem->zone = mem->nid == NUMA_NO_NODE ? early_node_zone_for_memory_block(m, mem, nid) :
			    NULL;
	mem->nid = nid;
}

/* Does nid have memory (memblock.memory) in [start, end)? */
static bool node_has_memory_in(struct machine *m, int nid, unsigned long start, unsigned long end)
{
	for (int i = 0; i < m->memblock.memory.cnt; i++) {
		const struct memblock_region *r = &m->memblock.memory.regions[i];

		if (r->nid == nid && r->base_pfn < end && r->end_pfn > start)
			return true;
	}
	return false;
}

void memory_dev_init(struct machine *m)
{
	struct memory_hotplug *h = host_calloc(1, sizeof(*h), "setting up memory hotplug");
	unsigned long spb;

	m->hotplug = h;
	init_rwsem(&h->mem_hotplug_lock);
	init_rwsem(&h->device_hotplug_lock);
	h->block_size = probe_memory_block_size(m);
	h->sections_per_block = spb = h->block_size / MIN_MEMORY_BLOCK_SIZE;
	h->default_online_type = MMOP_OFFLINE;	/* no CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE */
	h->online_policy = ONLINE_POLICY_CONTIG_ZONES;
	h->auto_movable_ratio = 301;
	h->auto_movable_numa_aware = true;
	h->memmap_on_memory = m->opts.memmap_on_memory;
	/* zones start with all their pages early (boot marks the sections SECTION_IS_EARLY) */
	for (int n = 0; n < m->nr_nodes; n++)
		for (int zi = 0; zi < MAX_NR_ZONES; zi++)
			h->present_early_pages[n][zi] = zone_of(m, n, zi)->present_pages;
	/* a device for every block with a present section, online */
	for (unsigned long nr = 0; nr < m->nr_sections; nr += spb) {
		bool present = false;

		for (unsigned long s = nr; s < nr + spb && s < m->nr_sections; s++)
			present |= m->sections[s].present;
		if (present)
			add_memory_block(m, nr / spb, MEM_ONLINE, 0);
	}
	/* node_dev_init: each node claims the blocks that hold its memory */
	for (int n = 0; n < m->nr_nodes; n++) {
		struct pglist_data *pg = &m->node[n];
		unsigned long first = pg->node_start_pfn / pages_per_block(m);
		unsigned long end = pg->node_start_pfn + pg->node_spanned_pages;

		for (unsigned long id = first; id * pages_per_block(m) < end; id++) {
			struct memory_block *mem = find_memory_block_by_id(m, id);
			unsigned long start_pfn = id * pages_per_block(m);

			if (mem && node_has_memory_in(m, n, start_pfn, start_pfn + pages_per_block(m)))
				memory_block_add_nid(m, mem, n, true);
		}
	}
}

void memory_hotplug_destroy(struct machine *m)
{
	struct memory_hotplug *h = mhp(m);

	if (!h)
		return;
	for (unsigned long id = 0; id < h->nr_blocks; id++)
		host_free(h->blocks[id]);
	host_free(h->blocks);
	host_free(h->ram);
	host_free(h);
	m->hotplug = NULL;
}

/*
 * mhp_init_memmap_on_memory: the block's own memmap pages join the zone
 * first, unmovable and marked self-hosted (HVO leaves hugepages whose
 * vmemmap they hold alone); mhp_deinit_memmap_on_memory undoes it.
 */
static void mhp_init_memmap_on_memory(struct machine *m, unsigned long pfn,
				      unsigned long nr_pages, struct zone *zone)
{
	move_pfn_range_to_zone(m, zone, pfn, nr_pages, MIGRATE_UNMOVABLE);
	for (unsigned long i = 0; i < nr_pages; i++)
		SetPageVmemmapSelfHosted(m, pfn + i);
	if (nr_pages >= PAGES_PER_SECTION)
		set_sections_online(m, pfn, (pfn + nr_pages) & ~(PAGES_PER_SECTION - 1), true);
}

static void mhp_deinit_memmap_on_memory(struct machine *m, unsigned long pfn,
					unsigned long nr_pages)
{
	if (nr_pages >= PAGES_PER_SECTION)
		set_sections_online(m, pfn, (pfn + nr_pages) & ~(PAGES_PER_SECTION - 1), false);
	remove_pfn_range_from_zone(m, page_zone(m, pfn), pfn, nr_pages);
}

/* memory_block_online: takes mem_hotplug_lock for write */
static int memory_block_online(struct machine *m, struct memory_block *mem)
{
	unsigned long start_pfn = memory_block_start_pfn(mem), nr_pages = pages_per_block(m);
	unsigned long nr_vmemmap_pages = mem->nr_vmemmap_pages;
	struct zone *zone = zone_for_pfn_range(m, mem->online_type, mem->nid, start_pfn, nr_pages);
	int ret;

	mem_hotplug_begin(m);
	if (nr_vmemmap_pages)
		mhp_init_memmap_on_memory(m, start_pfn, nr_vmemmap_pages, zone);
	ret = online_pages(m, start_pfn + nr_vmemmap_pages, nr_pages - nr_vmemmap_pages, zone);
	if (ret) {
		if (nr_vmemmap_pages)
			mhp_deinit_memmap_on_memory(m, start_pfn, nr_vmemmap_pages);
		mhp(m)->stats.online_failed++;
	} else {
		/* counted once onlining worked: the zone is populated now */
		if (nr_vmemmap_pages)
			adjust_present_page_count(m, start_pfn, (long)nr_vmemmap_pages);
		mem->zone = zone;
	}
	mem_hotplug_done(m);
	return ret;
}

static int memory_block_offline(struct machine *m, struct memory_block *mem)
{
	unsigned long start_pfn = memory_block_start_pfn(mem), nr_pages = pages_per_block(m);
	unsigned long nr_vmemmap_pages = mem->nr_vmemmap_pages;
	int ret;

	/* spanning several zones or nodes (boot memory): it stays */
	if (!mem->zone) {
		why(m, "the block spans several zones or nodes (valid_zones: none)");
		mhp(m)->stats.offline_failed++;
		return -EINVAL;
	}
	mem_hotplug_begin(m);
	/* uncounted first, so an emptied zone can be torn down in offline_pages */
	if (nr_vmemmap_pages)
		adjust_present_page_count(m, start_pfn, -(long)nr_vmemmap_pages);
	ret = offline_pages(m, start_pfn + nr_vmemmap_pages, nr_pages - nr_vmemmap_pages,
			    mem->zone);
	if (ret) {
		if (nr_vmemmap_pages)
			adjust_present_page_count(m, start_pfn, (long)nr_vmemmap_pages);
	} else {
		if (nr_vmemmap_pages)
			mhp_deinit_memmap_on_memory(m, start_pfn, nr_vmemmap_pages);
		mem->zone = NULL;
	}
	mem_hotplug_done(m);
	return ret;
}

static int memory_block_change_state(struct machine *m, struct memory_block *mem,
				     unsigned long to_state, unsigned long from_state_req)
{
	int ret;

	if (mem->state != from_state_req) {
		why(m, "the block is not %s", from_state_req == MEM_ONLINE ? "online" : "offline");
		return -EINVAL;
	}
	if (to_state == MEM_OFFLINE)
		mem->state = MEM_GOING_OFFLINE;
	ret = to_state == MEM_ONLINE ? memory_block_online(m, mem) : memory_block_offline(m, mem);
	mem->state = ret ? from_state_req : to_state;
	return ret;
}

/* memory_subsys_online / memory_subsys_offline: the bus's callbacks */
static int memory_subsys_online(struct machine *m, struct memory_block *mem)
{
	int ret;

	if (mem->state == MEM_ONLINE)
		return 0;
	/* device_online() without an online type: MMOP_ONLINE */
	if (mem->online_type == MMOP_OFFLINE)
		mem->online_type = MMOP_ONLINE;
	ret = memory_block_change_state(m, mem, MEM_ONLINE, MEM_OFFLINE);
	mem->online_type = MMOP_OFFLINE;
	return ret;
}

static int memory_subsys_offline(struct machine *m, struct memory_block *mem)
{
	if (mem->state == MEM_OFFLINE)
		return 0;
	return memory_block_change_state(m, mem, MEM_OFFLINE, MEM_ONLINE);
}

/* device_online / device_offline: 1 when the device already was */
static int device_online(struct machine *m, struct memory_block *mem)
{
	int ret;

	if (!mem->dev_offline)
		return 1;
	ret = memory_subsys_online(m, mem);
	if (!ret)
		mem->dev_offline = false;
	return ret;
}

static int device_offline(struct machine *m, struct memory_block *mem)
{
	int ret;

	if (mem->dev_offline)
		return 1;
	ret = memory_subsys_offline(m, mem);
	if (!ret)
		mem->dev_offline = true;
	return ret;
}

int memory_block_set_state(struct machine *m, struct memory_block *mem, int online_type)
{
	int ret;

	mhp(m)->why[0] = '\0';
	lock_device_hotplug(m);
	if (online_type == MMOP_OFFLINE) {
		ret = device_offline(m, mem);
	} else {
		mem->online_type = online_type;
		ret = device_online(m, mem);
	}
	unlock_device_hotplug(m);
	if (ret > 0) {
		why(m, "the block is %s already", online_type == MMOP_OFFLINE ? "offline" : "online");
		return -EINVAL;
	}
	return ret;
}

/* -------------------------------------------------------------------------
 * Hot-add and hot-remove of blocks (sparse.c's arch_add_memory comes first)
 */
static bool block_range(struct machine *m, unsigned long start, unsigned long size,
			unsigned long *first, unsigned long *end)
{
	unsigned long bs = memory_block_size_bytes(m);

	if (!size || start & (bs - 1) || size & (bs - 1))
		return false;
	*first = start / bs;
	*end = (start + size) / bs;
	return true;
}

int create_memory_block_devices(struct machine *m, int nid, unsigned long start,
				unsigned long size, unsigned long vmemmap_pages)
{
	unsigned long first, end, id;
	int ret = 0;

	if (MM_BUG_ON(m, !block_range(m, start, size, &first, &end),
		      "create_memory_block_devices: [%#lx, +%#lx) is not block aligned", start, size))
		return -EINVAL;
	for (id = first; id < end; id++) {
		ret = add_memory_block(m, id, MEM_OFFLINE, vmemmap_pages);
		if (ret)
			break;
		memory_block_add_nid(m, find_memory_block_by_id(m, id), nid, false);
	}
	if (ret)
		while (id-- > first)
			remove_memory_block(m, id);
	return ret;
}

void remove_memory_block_devices(struct machine *m, unsigned long start, unsigned long size)
{
	unsigned long first, end;

	if (MM_BUG_ON(m, !block_range(m, start, size, &first, &end),
		      "remove_memory_block_devices: [%#lx, +%#lx) is not block aligned", start, size))
		return;
	for (unsigned long id = first; id < end; id++)
		if (find_memory_block_by_id(m, id))
			remove_memory_block(m, id);
}

void online_memory_blocks(struct machine *m, unsigned long start, unsigned long size)
{
	unsigned long first, end;

	if (!block_range(m, start, size, &first, &end))
		return;
	for (unsigned long id = first; id < end; id++) {
		struct memory_block *mem = find_memory_block_by_id(m, id);

		if (mem) {
			mem->online_type = mhp(m)->default_online_type;
			device_online(m, mem);
		}
	}
}

int memory_blocks_offlined(struct machine *m, unsigned long start, unsigned long size)
{
	unsigned long first, end;

	if (!block_range(m, start, size, &first, &end))
		return -EINVAL;
	for (unsigned long id = first; id < end; id++) {
		struct memory_block *mem = find_memory_block_by_id(m, id);

		if (mem && mem->state != MEM_OFFLINE)
			return -EBUSY;
	}
	return 0;
}

/* -------------------------------------------------------------------------
 * Hot-add and hot-remove of memory (mm/memory_hotplug.c): add_memory and
 * add_memory_resource, remove_memory and try_remove_memory
 */

/* Does [start, end) meet hot-added System RAM? */
static bool ram_overlaps(struct machine *m, unsigned long start, unsigned long end)
{
	for (unsigned long i = 0; i < mhp(m)->nr_ram; i++)
		if (mhp(m)->ram[i].start_pfn < end && start < mhp(m)->ram[i].end_pfn)
			return true;
	return false;
}

bool mhp_range_is_hotadded(struct machine *m, unsigned long start_pfn, unsigned long end_pfn)
{
	unsigned long pfn = start_pfn;

	for (unsigned long i = 0; i < mhp(m)->nr_ram && pfn < end_pfn; i++) {
		const struct mhp_ram *r = &mhp(m)->ram[i];

		if (r->end_pfn <= pfn)
			continue;
		if (r->start_pfn > pfn)
			return false;
		pfn = r->end_pfn;
	}
	return pfn >= end_pfn;
}

/* Does [start, end) meet a driver's sub-sections (memremap_pages)? */
static bool device_overlaps(struct machine *m, unsigned long start, unsigned long end)
{
	for (unsigned long pfn = start & ~(PAGES_PER_SUBSECTION - 1); pfn < end;
	     pfn += PAGES_PER_SUBSECTION) {
		unsigned long sec = pfn >> PFN_SECTION_SHIFT;

		if (sec >= m->nr_sections)
			break;
		if (m->sections[sec].zone_device_map >>
		    ((pfn & (PAGES_PER_SECTION - 1)) / PAGES_PER_SUBSECTION) & 1)
			return true;
	}
	return false;
}

/*
 * register_memory_resource: a busy System RAM resource for the range, the
 * kernel's __request_region of iomem_resource.  Boot RAM, memory added
 * before and a driver's memory are resources already (-EEXIST).
 */
static int register_memory_resource(struct machine *m, unsigned long start_pfn,
				    unsigned long end_pfn)
{
	struct memory_hotplug *h = mhp(m);
	unsigned long i;

	if (memblock_overlaps_memory(m, start_pfn, end_pfn) || ram_overlaps(m, start_pfn, end_pfn) ||
	    device_overlaps(m, start_pfn, end_pfn)) {
		why(m, "[%#llx, %#llx) overlaps a System RAM or device resource "
		    "(register_memory_resource)", (unsigned long long)start_pfn << PAGE_SHIFT,
		    (unsigned long long)end_pfn << PAGE_SHIFT);
		return -EEXIST;
	}
	if (h->nr_ram == h->cap_ram) {
		h->cap_ram = h->cap_ram ? 2 * h->cap_ram : 8;
		h->ram = host_reallocarray(h->ram, h->cap_ram, sizeof(*h->ram),
					   "requesting a System RAM resource");
	}
	for (i = h->nr_ram; i > 0 && h->ram[i - 1].start_pfn > start_pfn; i--)
		h->ram[i] = h->ram[i - 1];
	h->ram[i] = (struct mhp_ram){ start_pfn, end_pfn };
	h->nr_ram++;
	return 0;
}

/* release_mem_region_adjustable: [start, end) leaves the resources, which may split */
static void release_mem_region_adjustable(struct machine *m, unsigned long start_pfn,
					  unsigned long end_pfn)
{
	struct memory_hotplug *h = mhp(m);
	unsigned long n = 0;
	struct mhp_ram *out = host_calloc(h->nr_ram + 1, sizeof(*out), "releasing a resource");

	for (unsigned long i = 0; i < h->nr_ram; i++) {
		struct mhp_ram r = h->ram[i];

		if (r.end_pfn <= start_pfn || r.start_pfn >= end_pfn) {
			out[n++] = r;
			continue;
		}
		if (r.start_pfn < start_pfn)
			out[n++] = (struct mhp_ram){ r.start_pfn, start_pfn };
		if (r.end_pfn > end_pfn)
			out[n++] = (struct mhp_ram){ end_pfn, r.end_pfn };
	}
	host_free(h->ram);
	h->ram = out;
	h->nr_ram = n;
	h->cap_ram = h->nr_ram + 1;
}

/*
 * x86's memory_add_physaddr_to_nid looks the address up in numa_meminfo
 * (the SRAT's ranges).  The model's: the node of the boot memory at or
 * nearest below the address.  Above every node that is the last node, as
 * on a q35 guest, whose SRAT gives the hotpluggable range above RAM to the
 * last node; below any memory, node 0 (numa_meminfo's first block).
 */
int memory_add_physaddr_to_nid(struct machine *m, uint64_t start)
{
	unsigned long pfn = (unsigned long)(start >> PAGE_SHIFT), best = 0;
	int nid = 0;

	for (int i = 0; i < m->memblock.memory.cnt; i++) {
		const struct memblock_region *r = &m->memblock.memory.regions[i];

		if (r->base_pfn <= pfn && r->base_pfn >= best) {
			best = r->base_pfn;
			nid = r->nid;
		}
	}
	return nid;
}

bool mhp_supports_memmap_on_memory(struct machine *m, uint64_t size)
{
	uint64_t vmemmap_size = (size >> PAGE_SHIFT) * m->sps;
	uint64_t remaining = size - vmemmap_size;

	/* one block, whole vmemmap PMDs, whole pageblocks left for the buddy */
	return mhp(m)->memmap_on_memory && size == memory_block_size_bytes(m) &&
	       !(vmemmap_size & (PMD_SIZE - 1)) &&
	       !(remaining & ((pageblock_nr_pages << PAGE_SHIFT) - 1));
}

/* check_hotplug_memory_range: whole blocks */
static bool check_hotplug_memory_range(struct machine *m, uint64_t start, uint64_t size)
{
	uint64_t bs = memory_block_size_bytes(m);

	if (size && !(start & (bs - 1)) && !(size & (bs - 1)))
		return true;
	why(m, "block size [%#llx] unaligned hotplug range: start %#llx, size %#llx",
	    (unsigned long long)bs, (unsigned long long)start, (unsigned long long)size);
	return false;
}

/* add_memory_resource: with device_hotplug_lock held */
static int add_memory_resource(struct machine *m, int nid, uint64_t start, uint64_t size,
			       mhp_t mhp_flags)
{
	struct mhp_params params = { .pgprot = PAGE_KERNEL };
	struct vmem_altmap mhp_altmap = { 0 };
	unsigned long start_pfn = (unsigned long)(start >> PAGE_SHIFT);
	unsigned long nr_pages = (unsigned long)(size >> PAGE_SHIFT);
	int ret;

	if (!check_hotplug_memory_range(m, start, size))
		return -EINVAL;
	if (nid < 0 || nid >= m->nr_nodes) {
		why(m, "node %d was absent from the node_possible_map", nid);
		return -EINVAL;
	}
	mem_hotplug_begin(m);
	/* CONFIG_ARCH_KEEP_MEMBLOCK is not set on x86: memblock stays as boot left it */
	if (mhp_flags & MHP_MEMMAP_ON_MEMORY) {
		if (!mhp_supports_memmap_on_memory(m, size)) {
			why(m, "memmap_on_memory: the range cannot hold its own memmap");
			ret = -EINVAL;
			goto out;
		}
		mhp_altmap.free = nr_pages;
		mhp_altmap.base_pfn = start_pfn;
		params.altmap = &mhp_altmap;
	}
	ret = arch_add_memory(m, nid, start_pfn, nr_pages, &params);
	if (ret < 0) {
		why(m, "arch_add_memory: %s", errno_name(-ret));
		goto out;
	}
	ret = create_memory_block_devices(m, nid, start, size, mhp_altmap.alloc);
	if (ret) {
		arch_remove_memory(m, start_pfn, nr_pages, params.altmap);
		why(m, "create_memory_block_devices: %s", errno_name(-ret));
		goto out;
	}
	mem_hotplug_done(m);
	/* device_online takes mem_hotplug_lock itself */
	if (mhp(m)->default_online_type != MMOP_OFFLINE)
		online_memory_blocks(m, start, size);
	return 0;
out:
	mem_hotplug_done(m);
	return ret;
}

/* __add_memory: with device_hotplug_lock held */
static int __add_memory(struct machine *m, int nid, uint64_t start, uint64_t size,
			mhp_t mhp_flags)
{
	const uint64_t max = (uint64_t)MAX_PHYS_PFN << PAGE_SHIFT;
	int ret;

	/* mhp_range_allowed */
	if (!size || start >= max || size > max - start) {
		why(m, "[%#llx, +%#llx) is beyond the hotpluggable range (%d physical address bits)",
		    (unsigned long long)start, (unsigned long long)size, MAX_PHYSMEM_BITS);
		ret = -E2BIG;
	} else {
		ret = register_memory_resource(m, (unsigned long)(start >> PAGE_SHIFT),
					       (unsigned long)((start + size) >> PAGE_SHIFT));
	}
	if (!ret) {
		ret = add_memory_resource(m, nid, start, size, mhp_flags);
		if (ret < 0)
			release_mem_region_adjustable(m, (unsigned long)(start >> PAGE_SHIFT),
						      (unsigned long)((start + size) >> PAGE_SHIFT));
	}
	if (ret)
		mhp(m)->stats.add_failed++;
	else
		mhp(m)->stats.added++;
	return ret;
}

int add_memory(struct machine *m, int nid, uint64_t start, uint64_t size, mhp_t mhp_flags)
{
	int ret;

	mhp(m)->why[0] = '\0';
	lock_device_hotplug(m);
	ret = __add_memory(m, nid, start, size, mhp_flags);
	unlock_device_hotplug(m);
	return ret;
}

/* try_remove_memory: with device_hotplug_lock held */
static int try_remove_memory(struct machine *m, uint64_t start, uint64_t size)
{
	unsigned long start_pfn = (unsigned long)(start >> PAGE_SHIFT);
	unsigned long nr_pages = (unsigned long)(size >> PAGE_SHIFT);
	unsigned long bs = memory_block_size_bytes(m), nr_vmemmap_pages = 0;
	struct vmem_altmap mhp_altmap = { 0 }, *altmap = NULL;

	/* the kernel BUG()s on a misaligned range and WARNs on memory nobody added */
	if (!check_hotplug_memory_range(m, start, size))
		return -EINVAL;
	if (start + size > (uint64_t)MAX_PHYS_PFN << PAGE_SHIFT ||
	    !mhp_range_is_hotadded(m, start_pfn, start_pfn + nr_pages)) {
		why(m, "[%#llx, %#llx) is not memory that hotplug added", (unsigned long long)start,
		    (unsigned long long)(start + size));
		return -EINVAL;
	}
	/* check_memblock_offlined_cb: every block offline */
	for (uint64_t a = start; a < start + size; a += bs) {
		struct memory_block *mem = find_memory_block_by_id(m, (unsigned long)(a / bs));

		if (mem && mem->state != MEM_OFFLINE) {
			why(m, "removing memory fails, because memory [%#llx-%#llx] is onlined",
			    (unsigned long long)a, (unsigned long long)(a + bs - 1));
			return -EBUSY;
		}
		if (mem && !nr_vmemmap_pages)
			nr_vmemmap_pages = mem->nr_vmemmap_pages;	/* get_nr_vmemmap_pages_cb */
	}
	/* memory added with its own memmap goes as it came: one block */
	if (mhp(m)->memmap_on_memory && nr_vmemmap_pages) {
		if (size != bs) {
			why(m, "Refuse to remove %#llx - %#llx, wrong granularity",
			    (unsigned long long)start, (unsigned long long)(start + size));
			return -EINVAL;
		}
		mhp_altmap.alloc = nr_vmemmap_pages;
		altmap = &mhp_altmap;
	}
	remove_memory_block_devices(m, start, size);
	mem_hotplug_begin(m);
	arch_remove_memory(m, start_pfn, nr_pages, altmap);
	release_mem_region_adjustable(m, start_pfn, start_pfn + nr_pages);
	/* try_offline_node: the model's nodes stay online */
	mem_hotplug_done(m);
	return 0;
}

int remove_memory(struct machine *m, uint64_t start, uint64_t size)
{
	int ret;

	mhp(m)->why[0] = '\0';
	lock_device_hotplug(m);
	ret = try_remove_memory(m, start, size);
	unlock_device_hotplug(m);
	if (ret)
		mhp(m)->stats.remove_failed++;
	else
		mhp(m)->stats.removed++;
	return ret;
}

/* -------------------------------------------------------------------------
 * The files: /sys/devices/system/memory and memory_hotplug's parameters
 */
enum mhp_file {
	MF_PROBE, MF_BLOCK_SIZE, MF_AUTO_ONLINE, MF_PHYS_INDEX, MF_STATE, MF_PHYS_DEVICE, MF_REMOVABLE,
	MF_VALID_ZONES, MF_ONLINE, MF_ONLINE_POLICY, MF_AUTO_MOVABLE_RATIO,
	MF_AUTO_MOVABLE_NUMA_AWARE, MF_MEMMAP_ON_MEMORY,
};

/* valid_zones: an online block's zone; an offline one's default zone, then the others allowed */
static void valid_zones_show(struct machine *m, const struct memory_block *mem, struct sbuf *sb)
{
	unsigned long start_pfn = memory_block_start_pfn(mem), nr_pages = pages_per_block(m);
	static const int others[] = { MMOP_ONLINE_KERNEL, MMOP_ONLINE_MOVABLE };
	struct zone *def;

	if (mem->state == MEM_ONLINE) {
		sb_printf(sb, "%s\n", mem->zone ? mem->zone->name : "none");
		return;
	}
	def = zone_for_pfn_range(m, MMOP_ONLINE, mem->nid, start_pfn, nr_pages);
	sb_puts(sb, def->name);
	for (size_t i = 0; i < ARRAY_SIZE(others); i++) {
		struct zone *z = zone_for_pfn_range(m, others[i], mem->nid, start_pfn, nr_pages);

		if (z != def)
			sb_printf(sb, " %s", z->name);
	}
	sb_puts(sb, "\n");
}

static bool mhp_file_show(struct machine *m, const struct mm_file_args *a, struct sbuf *sb)
{
	struct memory_hotplug *h = mhp(m);
	struct memory_block *mem = NULL;

	if (!h)
		return false;
	if (a->block >= 0 && !(mem = find_memory_block_by_id(m, (unsigned long)a->block)))
		return false;
	switch (a->file->tag) {
	case MF_BLOCK_SIZE:
		sb_printf(sb, "%lx\n", h->block_size);
		break;
	case MF_AUTO_ONLINE:
		sb_printf(sb, "%s\n", online_type_to_str[h->default_online_type]);
		break;
	case MF_PHYS_INDEX:
		sb_printf(sb, "%08lx\n", mem->start_section_nr / h->sections_per_block);
		break;
	case MF_STATE:
		sb_printf(sb, "%s\n", mem->state == MEM_ONLINE ? "online" :
			  mem->state == MEM_OFFLINE ? "offline" : "going-offline");
		break;
	case MF_PHYS_DEVICE:
		sb_puts(sb, "0\n");	/* arch_get_memory_phys_device: 0 off s390 */
		break;
	case MF_REMOVABLE:
		sb_puts(sb, "1\n");	/* always, with CONFIG_MEMORY_HOTREMOVE */
		break;
	case MF_VALID_ZONES:
		valid_zones_show(m, mem, sb);
		break;
	case MF_ONLINE:
		sb_printf(sb, "%u\n", !mem->dev_offline);
		break;
	case MF_ONLINE_POLICY:
		sb_printf(sb, "%s\n", online_policy_to_str[h->online_policy]);
		break;
	case MF_AUTO_MOVABLE_RATIO:
		sb_printf(sb, "%u\n", h->auto_movable_ratio);
		break;
	case MF_AUTO_MOVABLE_NUMA_AWARE:
		sb_printf(sb, "%c\n", h->auto_movable_numa_aware ? 'Y' : 'N');
		break;
	case MF_MEMMAP_ON_MEMORY:
		sb_printf(sb, "%c\n", h->memmap_on_memory ? 'Y' : 'N');
		break;
	default:
		return false;
	}
	return true;
}

/* kstrtobool: y/Y/t/T/1, n/N/f/F/0, on/off by the first two characters */
static bool kstrtobool(const char *s, bool *res)
{
	switch (s[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		*res = true;
		return true;
	case 'n': case 'N': case 'f': case 'F': case '0':
		*res = false;
		return true;
	case 'o': case 'O':
		if (s[1] == 'n' || s[1] == 'N' || s[1] == 'f' || s[1] == 'F') {
			*res = s[1] == 'n' || s[1] == 'N';
			return true;
		}
		return false;
	default:
		return false;
	}
}

static int block_write_result(struct machine *m, const struct mm_file_args *a, int ret,
			      char *err, size_t errlen)
{
	if (ret >= 0)
		return 0;
	return mm_file_error(a, -ret, mhp(m)->why[0] ? mhp(m)->why : "refused", err, errlen);
}

static int mhp_file_store(struct machine *m, const struct mm_file_args *a, const char *val,
			  char *err, size_t errlen)
{
	struct memory_hotplug *h = mhp(m);
	struct memory_block *mem = NULL;
	unsigned long long v;
	int type, ret;
	bool b;

	if (!h)
		return -ENOENT;
	if (a->block >= 0 && !(mem = find_memory_block_by_id(m, (unsigned long)a->block)))
		return -ENOENT;
	switch (a->file->tag) {
	case MF_PROBE:
		/* probe_store: one block at a block-aligned address, on its SRAT node */
		ret = kstrtoull(val, 0, &v);
		if (ret)
			return mm_file_error(a, -ret, "kstrtoull", err, errlen);
		if (v & (h->block_size - 1))
			return mm_file_error(a, EINVAL, "not aligned to the memory block size",
					     err, errlen);
		h->why[0] = '\0';
		lock_device_hotplug(m);
		ret = __add_memory(m, memory_add_physaddr_to_nid(m, v), v,
				   MIN_MEMORY_BLOCK_SIZE * h->sections_per_block, MHP_NONE);
		unlock_device_hotplug(m);
		return block_write_result(m, a, ret, err, errlen);
	case MF_AUTO_ONLINE:
		type = mhp_online_type_from_str(val);
		if (type < 0)
			return mm_file_error(a, EINVAL, "expected offline, online, online_kernel or "
					     "online_movable", err, errlen);
		h->default_online_type = type;
		return 0;
	case MF_STATE:
		type = mhp_online_type_from_str(val);
		if (type < 0)
			return mm_file_error(a, EINVAL, "expected offline, online, online_kernel or "
					     "online_movable", err, errlen);
		return block_write_result(m, a, memory_block_set_state(m, mem, type), err, errlen);
	case MF_ONLINE:
		/* online_store: device_online/device_offline, "already" is no error */
		if (!kstrtobool(val, &b))
			return mm_file_error(a, EINVAL, "kstrtobool takes 1/0, y/n, t/f or on/off",
					     err, errlen);
		h->why[0] = '\0';
		lock_device_hotplug(m);
		ret = b ? device_online(m, mem) : device_offline(m, mem);
		unlock_device_hotplug(m);
		return block_write_result(m, a, ret, err, errlen);
	case MF_ONLINE_POLICY:
		for (int i = 0; i < (int)ARRAY_SIZE(online_policy_to_str); i++)
			if (sysfs_streq(val, online_policy_to_str[i])) {
				h->online_policy = i;
				return 0;
			}
		return mm_file_error(a, EINVAL, "expected contig-zones or auto-movable", err, errlen);
	case MF_AUTO_MOVABLE_RATIO:
		ret = kstrtoull(val, 0, &v);
		if (!ret && v > 0xffffffffULL)
			ret = -ERANGE;
		if (ret)
			return mm_file_error(a, -ret, "kstrtouint", err, errlen);
		h->auto_movable_ratio = (unsigned int)v;
		return 0;
	case MF_AUTO_MOVABLE_NUMA_AWARE:
		if (!kstrtobool(val, &b))
			return mm_file_error(a, EINVAL, "kstrtobool takes 1/0, y/n, t/f or on/off",
					     err, errlen);
		h->auto_movable_numa_aware = b;
		return 0;
	default:
		return mm_file_error(a, EACCES, "read-only file", err, errlen);
	}
}

#define MEM_DIR		"/sys/devices/system/memory/"
#define PARAM_DIR	"/sys/module/memory_hotplug/parameters/"
#define MHP_FILE(path, t, st) { .pattern = (path), .show = mhp_file_show, .store = (st), .tag = (t) }

/* In drivers/base/memory.c's order: the root attributes, then a block's */
static const struct mm_file mhp_files[] = {
	{ .pattern = MEM_DIR "probe", .store = mhp_file_store, .tag = MF_PROBE },	/* write-only */
	MHP_FILE(MEM_DIR "block_size_bytes", MF_BLOCK_SIZE, NULL),
	MHP_FILE(MEM_DIR "auto_online_blocks", MF_AUTO_ONLINE, mhp_file_store),
	MHP_FILE(MEM_DIR "memory%M/phys_index", MF_PHYS_INDEX, NULL),
	MHP_FILE(MEM_DIR "memory%M/state", MF_STATE, mhp_file_store),
	MHP_FILE(MEM_DIR "memory%M/phys_device", MF_PHYS_DEVICE, NULL),
	MHP_FILE(MEM_DIR "memory%M/removable", MF_REMOVABLE, NULL),
	MHP_FILE(MEM_DIR "memory%M/valid_zones", MF_VALID_ZONES, NULL),
	MHP_FILE(MEM_DIR "memory%M/online", MF_ONLINE, mhp_file_store),
	MHP_FILE(PARAM_DIR "online_policy", MF_ONLINE_POLICY, mhp_file_store),
	MHP_FILE(PARAM_DIR "auto_movable_ratio", MF_AUTO_MOVABLE_RATIO, mhp_file_store),
	MHP_FILE(PARAM_DIR "auto_movable_numa_aware", MF_AUTO_MOVABLE_NUMA_AWARE, mhp_file_store),
	MHP_FILE(PARAM_DIR "memmap_on_memory", MF_MEMMAP_ON_MEMORY, NULL),
};

/* -------------------------------------------------------------------------
 * Counters
 */
static void mhp_counters(struct machine *m, struct vout *vo)
{
	static const struct mhp_stats none;
	struct memory_hotplug *h = mhp(m);
	const struct mhp_stats *st = h ? &h->stats : &none;
	long blocks = 0, online = 0, offline = 0, ram_blocks = 0;

	for (unsigned long i = 0; h && i < h->nr_ram; i++)
		ram_blocks += (long)((h->ram[i].end_pfn - h->ram[i].start_pfn) /
				     (PAGES_PER_SECTION * h->sections_per_block));

	for (unsigned long id = 0; h && id < h->nr_blocks; id++) {
		const struct memory_block *mem = h->blocks[id];

		if (!mem)
			continue;
		blocks++;
		online += mem->state == MEM_ONLINE;
		offline += mem->state == MEM_OFFLINE;
	}
	vo_rec(vo, h ? (long)h->block_size : 0, "hotplug.block_size");
	vo_rec(vo, blocks, "hotplug.blocks");
	vo_rec(vo, online, "hotplug.blocks_online");
	vo_rec(vo, offline, "hotplug.blocks_offline");
	vo_rec(vo, (long)st->online, "hotplug.online");
	vo_rec(vo, (long)st->online_failed, "hotplug.online_failed");
	vo_rec(vo, (long)st->offline, "hotplug.offline");
	vo_rec(vo, (long)st->offline_failed, "hotplug.offline_failed");
	vo_rec(vo, (long)st->offline_migrated, "hotplug.offline_migrated");
	vo_rec(vo, (long)st->offline_dissolved, "hotplug.offline_dissolved");
	vo_rec(vo, (long)st->offline_rounds, "hotplug.offline_rounds");
	vo_rec(vo, (long)st->added, "hotplug.added");
	vo_rec(vo, (long)st->add_failed, "hotplug.add_failed");
	vo_rec(vo, (long)st->removed, "hotplug.removed");
	vo_rec(vo, (long)st->remove_failed, "hotplug.remove_failed");
	vo_rec(vo, ram_blocks, "hotplug.ram_blocks");
}

static const struct counter_ns mhp_counter_ns[] = {
	{ "hotplug.", mhp_counters },
};

const struct mm_module mm_module_memory_hotplug = {
	.name = "memory_hotplug",
	.files = mhp_files,
	.nr_files = ARRAY_SIZE(mhp_files),
	.counters = mhp_counter_ns,
	.nr_counters = ARRAY_SIZE(mhp_counter_ns),
};

/* -------------------------------------------------------------------------
 * The invariant checker's part
 */
static bool chk_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool chk_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return false;
}

/* The pages of [start, end) in online sections, added to present[nid] (nid < 0: the section's) */
static void online_sections_pages(struct machine *m, unsigned long start, unsigned long end,
				  int nid, unsigned long *present)
{
	for (unsigned long pfn = start; pfn < end;) {
		unsigned long next = ((pfn >> PFN_SECTION_SHIFT) + 1) << PFN_SECTION_SHIFT;
		const struct mem_section *ms = &m->sections[pfn >> PFN_SECTION_SHIFT];

		if (next > end)
			next = end;
		if (ms->online)
			present[nid < 0 ? ms->nid : nid] += next - pfn;
		pfn = next;
	}
}

bool memory_hotplug_check(struct machine *m, char *err, size_t errlen)
{
	struct memory_hotplug *h = mhp(m);
	unsigned long present[MAX_NUMNODES] = { 0 };

	if (!h)
		return true;
	/* each block's state, device state and sections agree; an online one is in its zone */
	for (unsigned long id = 0; id < h->nr_blocks; id++) {
		const struct memory_block *mem = h->blocks[id];
		unsigned long start;

		if (!mem)
			continue;
		start = memory_block_start_pfn(mem);
		if (mem->state != MEM_ONLINE && mem->state != MEM_OFFLINE)
			return chk_fail(err, errlen, "memory%lu: state %lu between steps", id,
					mem->state);
		if (mem->dev_offline != (mem->state == MEM_OFFLINE))
			return chk_fail(err, errlen, "memory%lu: state %s but the device says %s", id,
					mem->state == MEM_ONLINE ? "online" : "offline",
					mem->dev_offline ? "offline" : "online");
		for (unsigned long s = mem->start_section_nr;
		     s < mem->start_section_nr + h->sections_per_block && s < m->nr_sections; s++) {
			const struct mem_section *ms = &m->sections[s];

			if (!ms->present)
				continue;
			if (ms->online != (mem->state == MEM_ONLINE))
				return chk_fail(err, errlen, "memory%lu is %s but section %lu is %s", id,
						mem->state == MEM_ONLINE ? "online" : "offline", s,
						ms->online ? "online" : "offline");
			if (ms->zone && (!ms->online || ms->zone != mem->zone))
				return chk_fail(err, errlen, "section %lu of memory%lu is recorded in "
						"zone %s, the block %s", s, id, ms->zone->name,
						mem->zone ? mem->zone->name : "in none");
			/* a section hotplug onlined lies wholly in its zone's span */
			if (ms->zone && (!zone_spans_pfn(ms->zone, s << PFN_SECTION_SHIFT) ||
					 !zone_spans_pfn(ms->zone, ((s + 1) << PFN_SECTION_SHIFT) - 1)))
				return chk_fail(err, errlen, "section %lu of memory%lu is online in %s, "
						"whose span [%#lx, %#lx) does not hold it", s, id,
						ms->zone->name, ms->zone->zone_start_pfn,
						zone_end_pfn(ms->zone));
		}
		if (mem->state == MEM_ONLINE && mem->zone &&
		    !zone_intersects(mem->zone, start, pages_per_block(m)))
			return chk_fail(err, errlen, "memory%lu is online in %s, whose span [%#lx, %#lx) "
					"does not meet it", id, mem->zone->name,
					mem->zone->zone_start_pfn, zone_end_pfn(mem->zone));
	}
	/* present pages: the memory of the online sections, node by node */
	for (int i = 0; i < m->memblock.memory.cnt; i++) {
		const struct memblock_region *r = &m->memblock.memory.regions[i];

		online_sections_pages(m, r->base_pfn, r->end_pfn, r->nid, present);
	}
	/* hot-added System RAM: whole sections of one node; none present beyond a resource */
	for (unsigned long i = 0; i < h->nr_ram; i++) {
		const struct mhp_ram *r = &h->ram[i];

		for (unsigned long s = r->start_pfn >> PFN_SECTION_SHIFT;
		     s < r->end_pfn >> PFN_SECTION_SHIFT; s++) {
			const struct mem_section *ms = &m->sections[s];

			if (ms->online && (!ms->present || ms->early))
				return chk_fail(err, errlen, "section %lu of hot-added memory is online "
						"but %s", s, ms->present ? "early" : "not present");
		}
		online_sections_pages(m, r->start_pfn, r->end_pfn, -1, present);
	}
	for (unsigned long s = 0; s < m->nr_sections; s++) {
		const struct mem_section *ms = &m->sections[s];
		unsigned long pfn = s << PFN_SECTION_SHIFT;

		if (ms->online && ms->present && !ms->early &&
		    !mhp_range_is_hotadded(m, pfn, pfn + PAGES_PER_SECTION))
			return chk_fail(err, errlen, "section %lu is online, hot-added, and in no "
					"System RAM resource", s);
	}
	for (int n = 0; n < m->nr_nodes; n++) {
		unsigned long zones = 0;

		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			const struct zone *z = zone_of(m, n, zi);

			zones += z->present_pages;
			if (z->managed_pages > z->present_pages)
				return chk_fail(err, errlen, "node %d %s: %lu managed pages but %lu "
						"present", n, z->name, z->managed_pages,
						z->present_pages);
		}
		if (zones != m->node[n].node_present_pages)
			return chk_fail(err, errlen, "node %d: node_present_pages %lu but its zones "
					"hold %lu", n, m->node[n].node_present_pages, zones);
		if (zones != present[n])
			return chk_fail(err, errlen, "node %d: %lu present pages but %lu pages of "
					"memory are online", n, zones, present[n]);
	}
	return true;
}
