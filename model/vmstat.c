// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmstat.c - the kernel's text views of the simulated machine and the
 * counters they print, which scenario `expect` lines read.
 *
 * Views, byte-exact against Debian's 6.1 kernel (linux-image-amd64):
 *   /proc/buddyinfo, /proc/pagetypeinfo, /proc/zoneinfo   (mm/vmstat.c)
 *   /proc/vmstat                                         (mm/vmstat.c)
 *   /proc/meminfo                                        (fs/proc/meminfo.c)
 *   /sys/kernel/debug/extfrag/{unusable,extfrag}_index   (mm/vmstat.c)
 * plus the vm sysctls a scenario reads or writes (/proc/sys/vm/...).
 *
 * Which lines exist follows Debian's config (config.amd64_none_amd64 of
 * linux-config-6.1), not a generic one.  The parts that decide the shape:
 * ZONE_DMA, ZONE_DMA32 and ZONE_DEVICE on (so /proc/zoneinfo has a fifth,
 * never populated "Device" zone per node, protection arrays have five
 * entries and /proc/vmstat has *_device event lines); CMA *off* (no "CMA"
 * migratetype column in pagetypeinfo, no CmaTotal/CmaFree in meminfo, no
 * cma_alloc_* events; nr_free_cma and the zoneinfo "cma" line are printed
 * regardless); MEMORY_ISOLATION, ZSMALLOC (module), SWAP, ZSWAP, KSM,
 * NUMA, NUMA_BALANCING, MIGRATION, COMPACTION, HUGETLB_PAGE, THP with PUD
 * support, MEMORY_BALLOON + BALLOON_COMPACTION, MEMORY_FAILURE on;
 * DEBUG_TLBFLUSH, SHADOW_CALL_STACK, HIGHMEM, PAGE_OWNER off.
 *
 * One emitter for text and counters.  Every view is written once, against
 * the output object of vout.h, so each number is printed and recorded
 * under its counter name from the same variable in the same place.  The
 * module's table (mm_module_vmstat, at the end) lists the files and the
 * counter namespaces; a lookup regenerates one view, the dump each once.
 * The meminfo view calls hugetlb's hugetlb_report_meminfo for its
 * HugePages_* lines, as fs/proc/meminfo.c does.
 *
 * Counters the model does not keep print as 0, exactly where the kernel
 * prints them, so the files have the kernel's line set and order.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmstat.h"
#include "vmscan.h"
#include "compaction.h"
#include "host.h"
#include "hugetlb.h"
#include "machine.h"
#include "memblock.h"
#include "mmzone.h"
#include "module.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "sbuf.h"
#include "vm_event_item.h"
#include "vout.h"

/* -------------------------------------------------------------------------
 * What the views show that the model does not have as such
 */

/* ZONE_DEVICE exists in Debian's kernel; the model has no such zone */
#define VM_NR_ZONES		(MAX_NR_ZONES + 1)
static const char *const device_zone_name = "Device";

/* CONFIG_CMA is off in Debian's 6.1: the CMA migratetype is not shown */
static const int shown_migratetypes[] = {
	MIGRATE_UNMOVABLE, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE,
	MIGRATE_HIGHATOMIC, MIGRATE_ISOLATE,
};

#define PAGECOUNT_CAP		100000UL	/* pagetypeinfo list walk cap */
#define MAX_RECLAIM_RETRIES	16
#define VM_OVERCOMMIT_RATIO	50		/* vm.overcommit_ratio default */
#define VM_DIRTY_RATIO		20		/* vm.dirty_ratio default */
#define VM_DIRTY_BG_RATIO	10		/* vm.dirty_background_ratio default */
/* x86_64, 4-level paging: 32 TiB of vmalloc space, minus one byte */
#define VMALLOC_TOTAL		((32UL << 40) - 1)
#define MIN_PERCPU_PAGELIST_HIGH_FRACTION	8

/* -------------------------------------------------------------------------
 * Counter names, in the order the 6.1 kernel prints them (vmstat_text[])
 * with Debian's config.  idx is the model's counter, or -1 when the model
 * does not keep it (printed as 0).
 */
struct vm_item {
	const char *name;
	int idx;
	bool in_thp;		/* shown in THP units (vmstat_item_print_in_thp) */
};
#define VM_ITEM(n, i)		{ .name = (n), .idx = (i), .in_thp = false }
#define VM_ITEM_THP(n, i)	{ .name = (n), .idx = (i), .in_thp = true }

static const struct vm_item zone_stat_items[] = {
	VM_ITEM("nr_free_pages", NR_FREE_PAGES),
	VM_ITEM("nr_zone_inactive_anon", NR_ZONE_INACTIVE_ANON),
	VM_ITEM("nr_zone_active_anon", NR_ZONE_ACTIVE_ANON),
	VM_ITEM("nr_zone_inactive_file", NR_ZONE_INACTIVE_FILE),
	VM_ITEM("nr_zone_active_file", NR_ZONE_ACTIVE_FILE),
	VM_ITEM("nr_zone_unevictable", NR_ZONE_UNEVICTABLE),
	VM_ITEM("nr_zone_write_pending", NR_ZONE_WRITE_PENDING),
	VM_ITEM("nr_mlock", NR_MLOCK),
	VM_ITEM("nr_bounce", NR_BOUNCE),
	VM_ITEM("nr_zspages", -1),
	VM_ITEM("nr_free_cma", NR_FREE_CMA_PAGES),
};

static const char *const numa_stat_names[] = {
	"numa_hit", "numa_miss", "numa_foreign", "numa_interleave",
	"numa_local", "numa_other",
};

static const struct vm_item node_stat_items[] = {
	VM_ITEM("nr_inactive_anon", NR_INACTIVE_ANON),
	VM_ITEM("nr_active_anon", NR_ACTIVE_ANON),
	VM_ITEM("nr_inactive_file", NR_INACTIVE_FILE),
	VM_ITEM("nr_active_file", NR_ACTIVE_FILE),
	VM_ITEM("nr_unevictable", NR_UNEVICTABLE),
	VM_ITEM("nr_slab_reclaimable", NR_SLAB_RECLAIMABLE_B),
	VM_ITEM("nr_slab_unreclaimable", NR_SLAB_UNRECLAIMABLE_B),
	VM_ITEM("nr_isolated_anon", NR_ISOLATED_ANON),
	VM_ITEM("nr_isolated_file", NR_ISOLATED_FILE),
	VM_ITEM("workingset_nodes", -1),
	VM_ITEM("workingset_refault_anon", -1),
	VM_ITEM("workingset_refault_file", -1),
	VM_ITEM("workingset_activate_anon", -1),
	VM_ITEM("workingset_activate_file", -1),
	VM_ITEM("workingset_restore_anon", -1),
	VM_ITEM("workingset_restore_file", -1),
	VM_ITEM("workingset_nodereclaim", -1),
	VM_ITEM("nr_anon_pages", NR_ANON_MAPPED),
	VM_ITEM("nr_mapped", NR_FILE_MAPPED),
	VM_ITEM("nr_file_pages", NR_FILE_PAGES),
	VM_ITEM("nr_dirty", -1),
	VM_ITEM("nr_writeback", -1),
	VM_ITEM("nr_writeback_temp", -1),
	VM_ITEM("nr_shmem", NR_SHMEM),
	VM_ITEM_THP("nr_shmem_hugepages", NR_SHMEM_THPS),
	VM_ITEM_THP("nr_shmem_pmdmapped", NR_SHMEM_PMDMAPPED),
	VM_ITEM_THP("nr_file_hugepages", NR_FILE_THPS),
	VM_ITEM_THP("nr_file_pmdmapped", NR_FILE_PMDMAPPED),
	VM_ITEM_THP("nr_anon_transparent_hugepages", NR_ANON_THPS),
	VM_ITEM("nr_vmscan_write", -1),
	VM_ITEM("nr_vmscan_immediate_reclaim", -1),
	VM_ITEM("nr_dirtied", -1),
	VM_ITEM("nr_written", -1),
	VM_ITEM("nr_throttled_written", -1),
	VM_ITEM("nr_kernel_misc_reclaimable", -1),
	VM_ITEM("nr_foll_pin_acquired", -1),
	VM_ITEM("nr_foll_pin_released", -1),
	VM_ITEM("nr_kernel_stack", NR_KERNEL_STACK_KB),
	VM_ITEM("nr_page_table_pages", NR_PAGETABLE),
	VM_ITEM("nr_sec_page_table_pages", -1),
	VM_ITEM("nr_swapcached", -1),
	VM_ITEM("pgpromote_success", -1),
	VM_ITEM("pgpromote_candidate", -1),
};

static const struct vm_item event_items[] = {
	VM_ITEM("pgpgin", -1), VM_ITEM("pgpgout", -1),
	VM_ITEM("pswpin", -1), VM_ITEM("pswpout", -1),
	VM_ITEM("pgalloc_dma", PGALLOC_DMA),
	VM_ITEM("pgalloc_dma32", PGALLOC_DMA32),
	VM_ITEM("pgalloc_normal", PGALLOC_NORMAL),
	VM_ITEM("pgalloc_movable", PGALLOC_MOVABLE),
	VM_ITEM("pgalloc_device", -1),
	VM_ITEM("allocstall_dma", ALLOCSTALL_DMA),
	VM_ITEM("allocstall_dma32", ALLOCSTALL_DMA32),
	VM_ITEM("allocstall_normal", ALLOCSTALL_NORMAL),
	VM_ITEM("allocstall_movable", ALLOCSTALL_MOVABLE),
	VM_ITEM("allocstall_device", -1),
	VM_ITEM("pgskip_dma", -1),
	VM_ITEM("pgskip_dma32", -1),
	VM_ITEM("pgskip_normal", -1),
	VM_ITEM("pgskip_movable", -1),
	VM_ITEM("pgskip_device", -1),
	VM_ITEM("pgfree", PGFREE),
	VM_ITEM("pgactivate", -1),
	VM_ITEM("pgdeactivate", -1),
	VM_ITEM("pglazyfree", -1),
	VM_ITEM("pgfault", PGFAULT),
	VM_ITEM("pgmajfault", -1),
	VM_ITEM("pglazyfreed", -1),
	VM_ITEM("pgrefill", -1),
	VM_ITEM("pgreuse", PGREUSE),
	VM_ITEM("pgsteal_kswapd", -1),
	VM_ITEM("pgsteal_direct", -1),
	VM_ITEM("pgdemote_kswapd", -1),
	VM_ITEM("pgdemote_direct", -1),
	VM_ITEM("pgscan_kswapd", -1),
	VM_ITEM("pgscan_direct", -1),
	VM_ITEM("pgscan_direct_throttle", -1),
	VM_ITEM("pgscan_anon", -1),
	VM_ITEM("pgscan_file", -1),
	VM_ITEM("pgsteal_anon", -1),
	VM_ITEM("pgsteal_file", -1),
	VM_ITEM("zone_reclaim_failed", -1),
	VM_ITEM("pginodesteal", -1),
	VM_ITEM("slabs_scanned", -1),
	VM_ITEM("kswapd_inodesteal", -1),
	VM_ITEM("kswapd_low_wmark_hit_quickly", -1),
	VM_ITEM("kswapd_high_wmark_hit_quickly", -1),
	VM_ITEM("pageoutrun", PAGEOUTRUN),
	VM_ITEM("pgrotated", -1),
	VM_ITEM("drop_pagecache", -1),
	VM_ITEM("drop_slab", -1),
	VM_ITEM("oom_kill", -1),
	VM_ITEM("numa_pte_updates", -1),
	VM_ITEM("numa_huge_pte_updates", -1),
	VM_ITEM("numa_hint_faults", -1),
	VM_ITEM("numa_hint_faults_local", -1),
	VM_ITEM("numa_pages_migrated", -1),
	VM_ITEM("pgmigrate_success", PGMIGRATE_SUCCESS),
	VM_ITEM("pgmigrate_fail", PGMIGRATE_FAIL),
	VM_ITEM("thp_migration_success", -1),
	VM_ITEM("thp_migration_fail", -1),
	VM_ITEM("thp_migration_split", -1),
	VM_ITEM("compact_migrate_scanned", COMPACTMIGRATE_SCANNED),
	VM_ITEM("compact_free_scanned", COMPACTFREE_SCANNED),
	VM_ITEM("compact_isolated", COMPACTISOLATED),
	VM_ITEM("compact_stall", COMPACTSTALL),
	VM_ITEM("compact_fail", COMPACTFAIL),
	VM_ITEM("compact_success", COMPACTSUCCESS),
	VM_ITEM("compact_daemon_wake", KCOMPACTD_WAKE),
	VM_ITEM("compact_daemon_migrate_scanned", -1),
	VM_ITEM("compact_daemon_free_scanned", -1),
	VM_ITEM("htlb_buddy_alloc_success", HTLB_BUDDY_PGALLOC),
	VM_ITEM("htlb_buddy_alloc_fail", HTLB_BUDDY_PGALLOC_FAIL),
	VM_ITEM("unevictable_pgs_culled", -1),
	VM_ITEM("unevictable_pgs_scanned", -1),
	VM_ITEM("unevictable_pgs_rescued", -1),
	VM_ITEM("unevictable_pgs_mlocked", -1),
	VM_ITEM("unevictable_pgs_munlocked", -1),
	VM_ITEM("unevictable_pgs_cleared", -1),
	VM_ITEM("unevictable_pgs_stranded", -1),
	VM_ITEM("thp_fault_alloc", THP_FAULT_ALLOC),
	VM_ITEM("thp_fault_fallback", THP_FAULT_FALLBACK),
	VM_ITEM("thp_fault_fallback_charge", THP_FAULT_FALLBACK_CHARGE),
	VM_ITEM("thp_collapse_alloc", THP_COLLAPSE_ALLOC),
	VM_ITEM("thp_collapse_alloc_failed", THP_COLLAPSE_ALLOC_FAILED),
	VM_ITEM("thp_file_alloc", THP_FILE_ALLOC),
	VM_ITEM("thp_file_fallback", THP_FILE_FALLBACK),
	VM_ITEM("thp_file_fallback_charge", THP_FILE_FALLBACK_CHARGE),
	VM_ITEM("thp_file_mapped", THP_FILE_MAPPED),
	VM_ITEM("thp_split_page", THP_SPLIT_PAGE),
	VM_ITEM("thp_split_page_failed", THP_SPLIT_PAGE_FAILED),
	VM_ITEM("thp_deferred_split_page", THP_DEFERRED_SPLIT_PAGE),
	VM_ITEM("thp_split_pmd", THP_SPLIT_PMD),
	VM_ITEM("thp_scan_exceed_none_pte", THP_SCAN_EXCEED_NONE_PTE),
	VM_ITEM("thp_scan_exceed_swap_pte", THP_SCAN_EXCEED_SWAP_PTE),
	VM_ITEM("thp_scan_exceed_share_pte", THP_SCAN_EXCEED_SHARED_PTE),
	VM_ITEM("thp_split_pud", -1),
	VM_ITEM("thp_zero_page_alloc", THP_ZERO_PAGE_ALLOC),
	VM_ITEM("thp_zero_page_alloc_failed", THP_ZERO_PAGE_ALLOC_FAILED),
	VM_ITEM("thp_swpout", -1),
	VM_ITEM("thp_swpout_fallback", -1),
	VM_ITEM("balloon_inflate", -1),
	VM_ITEM("balloon_deflate", -1),
	VM_ITEM("balloon_migrate", -1),
	VM_ITEM("swap_ra", -1),
	VM_ITEM("swap_ra_hit", -1),
	VM_ITEM("ksm_swpin_copy", -1),
	VM_ITEM("cow_ksm", -1),
	VM_ITEM("zswpin", -1),
	VM_ITEM("zswpout", -1),
	VM_ITEM("direct_map_level2_splits", -1),
	VM_ITEM("direct_map_level3_splits", -1),
};

/*
 * 6.12's vmstat_text differs from 6.1's (Debian's configs): items added
 * after an anchor (the counters the model does not keep: printed as 0)
 * and items gone.  vm_items_612() applies them to a 6.1 table.
 */
struct vm_item_edit {
	const char *after;	/* insert after this item; NULL: remove `item` */
	struct vm_item item;
};

static const struct vm_item_edit zone_items_612[] = {
	{ "nr_free_cma", VM_ITEM("nr_unaccepted", -1) },	/* CONFIG_UNACCEPTED_MEMORY=y */
};

static const struct vm_item_edit node_items_612[] = {
	{ "nr_sec_page_table_pages", VM_ITEM("nr_iommu_pages", -1) },
	/* demotion moved from the events to the node counters (6.9) */
	{ "pgpromote_candidate", VM_ITEM("pgdemote_kswapd", -1) },
	{ "pgdemote_kswapd", VM_ITEM("pgdemote_direct", -1) },
	{ "pgdemote_direct", VM_ITEM("pgdemote_khugepaged", -1) },
};

static const struct vm_item_edit event_items_612[] = {
	{ NULL, VM_ITEM("pgdemote_kswapd", -1) },
	{ NULL, VM_ITEM("pgdemote_direct", -1) },
	{ "pgsteal_direct", VM_ITEM("pgsteal_khugepaged", -1) },
	{ "pgscan_direct", VM_ITEM("pgscan_khugepaged", -1) },
	{ "pgsteal_file", VM_ITEM("zone_reclaim_success", -1) },
	{ "thp_deferred_split_page", VM_ITEM("thp_underused_split_page", -1) },
	{ "swap_ra_hit", VM_ITEM("swpin_zero", -1) },
	{ "swpin_zero", VM_ITEM("swpout_zero", -1) },
	{ "zswpout", VM_ITEM("zswpwb", -1) },
};

#define VM_ITEMS_MAX	(ARRAY_SIZE(event_items) + ARRAY_SIZE(event_items_612))

/*
 * The items m's kernel prints: tab itself on 6.1; on 6.12 a copy into out
 * (VM_ITEMS_MAX entries) with edits applied.  Sets *n.
 */
static const struct vm_item *vm_items(const struct machine *m, const struct vm_item *tab,
				      size_t ntab, const struct vm_item_edit *ed, size_t ned,
				      struct vm_item *out, size_t *n)
{
	size_t k = 0;

	if (!mm_kver_ge(m, 6, 12)) {
		*n = ntab;
		return tab;
	}
	for (size_t i = 0; i < ntab; i++) {
		bool gone = false;
		const char *last;

		for (size_t e = 0; e < ned; e++)
			if (!ed[e].after && !strcmp(ed[e].item.name, tab[i].name))
				gone = true;
		if (gone)
			continue;
		out[k++] = tab[i];
		/* then what goes after it, and after those, in turn */
		last = tab[i].name;
		for (size_t e = 0; e < ned; e++) {
			if (ed[e].after && !strcmp(ed[e].after, last)) {
				out[k++] = ed[e].item;
				last = ed[e].item.name;
				e = (size_t)-1;		/* look again from the start */
			}
		}
	}
	*n = k;
	return out;
}

#define VM_ITEMS(m, tab, ed, out, n) \
	vm_items((m), (tab), ARRAY_SIZE(tab), (ed), ARRAY_SIZE(ed), (out), (n))

/* -------------------------------------------------------------------------
 * Counter sums (global_zone_page_state and friends; negatives read as 0)
 */
static unsigned long clamp_pos(long x)
{
	return x < 0 ? 0 : (unsigned long)x;
}

static unsigned long zone_item(const struct zone *z, int idx)
{
	return idx < 0 ? 0 : clamp_pos(z->vm_stat[idx]);
}

static unsigned long global_zone_item(const struct machine *m, int idx)
{
	long x = 0;

	if (idx < 0)
		return 0;
	for (int nid = 0; nid < m->nr_nodes; nid++)
		for (int zid = 0; zid < MAX_NR_ZONES; zid++)
			x += m->node[nid].node_zones[zid].vm_stat[idx];
	return clamp_pos(x);
}

static unsigned long node_item(const struct pglist_data *pgdat, const struct vm_item *it)
{
	unsigned long v = it->idx < 0 ? 0 : clamp_pos(pgdat->vm_stat[it->idx]);

	return it->in_thp ? v / HPAGE_PMD_NR : v;
}

static unsigned long global_node_raw(const struct machine *m, int idx)
{
	long x = 0;

	if (idx < 0)
		return 0;
	for (int nid = 0; nid < m->nr_nodes; nid++)
		x += m->node[nid].vm_stat[idx];
	return clamp_pos(x);
}

static unsigned long global_node_item(const struct machine *m, const struct vm_item *it)
{
	unsigned long v = global_node_raw(m, it->idx);

	return it->in_thp ? v / HPAGE_PMD_NR : v;
}

static unsigned long event_item(const struct machine *m, const struct vm_item *it)
{
	return it->idx < 0 ? 0 : m->vm_events[it->idx];
}

/* Sum of managed pages: the kernel's totalram_pages() */
static unsigned long vm_totalram_pages(const struct machine *m)
{
	unsigned long n = 0;

	for (int nid = 0; nid < m->nr_nodes; nid++)
		for (int zid = 0; zid < MAX_NR_ZONES; zid++)
			n += m->node[nid].node_zones[zid].managed_pages;
	return n;
}

static const char *vm_zone_name(int zid)
{
	return zid < MAX_NR_ZONES ? zone_names[zid] : device_zone_name;
}

/* node_state(nid, N_MEMORY) */
static bool node_has_memory(const struct pglist_data *pgdat)
{
	for (int zid = 0; zid < MAX_NR_ZONES; zid++)
		if (populated_zone(&pgdat->node_zones[zid]))
			return true;
	return false;
}

static int fls_int(unsigned long x)
{
	return x ? (int)(sizeof(x) * 8) - __builtin_clzl(x) : 0;
}

/* The per-cpu stat threshold of a zone (calculate_normal_threshold) */
static int calculate_normal_threshold(const struct machine *m, const struct zone *z)
{
	unsigned long mem = z->managed_pages >> (27 - PAGE_SHIFT);	/* 128 MiB units */
	int threshold = 2 * fls_int((unsigned long)m->nr_cpus) * (1 + fls_int(mem));

	return threshold < 125 ? threshold : 125;
}

/* -------------------------------------------------------------------------
 * Fragmentation indices (mm/vmstat.c, CONFIG_COMPACTION)
 */
struct contig_page_info {
	unsigned long free_pages;
	unsigned long free_blocks_total;
	unsigned long free_blocks_suitable;
};

/* Free pages, free blocks, and blocks big enough for suitable_order */
/* Count @blocks free blocks of @order into @info */
static void contig_page_info_add(struct contig_page_info *info, unsigned long blocks,
				 unsigned int order, unsigned int suitable_order)
{
	info->free_blocks_total += blocks;
	info->free_pages += blocks << order;
	if (order >= suitable_order)
		info->free_blocks_suitable += blocks << (order - suitable_order);
}

static void fill_contig_page_info(const struct zone *z, unsigned int suitable_order,
				  struct contig_page_info *info)
{
	*info = (struct contig_page_info){ 0 };
	for (unsigned int order = 0; order < MAX_ORDER; order++)
		contig_page_info_add(info, z->free_area[order].nr_free, order, suitable_order);
}

/*
 * x1000: towards 0 an allocation of this order fails for lack of memory,
 * towards 1000 because of fragmentation; -1000 when it would not fail.
 */
static int __fragmentation_index(unsigned int order, const struct contig_page_info *info)
{
	unsigned long long requested = 1ULL << order;
	long long q;

	if (order >= MAX_ORDER)
		return 0;
	if (!info->free_blocks_total)
		return 0;
	if (info->free_blocks_suitable)
		return -1000;
	q = (long long)((1000ULL + info->free_pages * 1000ULL / requested) /
			info->free_blocks_total);
	return (int)(1000 - q);
}

int fragmentation_index(struct zone *z, unsigned int order)
{
	struct contig_page_info info;

	fill_contig_page_info(z, order, &info);
	return __fragmentation_index(order, &info);
}

/* x1000: share of free memory in blocks too small for this order */
static int __unusable_free_index(unsigned int order, const struct contig_page_info *info)
{
	if (info->free_pages == 0)
		return 1000;
	return (int)((info->free_pages - (info->free_blocks_suitable << order)) * 1000ULL /
		     info->free_pages);
}

int unusable_free_index(struct zone *z, unsigned int order)
{
	struct contig_page_info info;

	/* no block is that big: all free memory is unusable for it */
	if (order >= MAX_ORDER)
		return 1000;
	fill_contig_page_info(z, order, &info);
	return __unusable_free_index(order, &info);
}

/*
 * The same index over free block counts by order rather than one zone's
 * free lists, e.g. counts summed over every zone of a machine (compare's
 * machine-wide figure)
 */
int unusable_free_index_blocks(const unsigned long nr_free[MAX_ORDER], unsigned int order)
{
	struct contig_page_info info = { 0 };

	if (order >= MAX_ORDER)
		return 1000;
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		contig_page_info_add(&info, nr_free[o], o, order);
	return __unusable_free_index(order, &info);
}

/* The fragmentation index the same way (compare's per-zone figures, tests) */
int fragmentation_index_blocks(const unsigned long nr_free[MAX_ORDER], unsigned int order)
{
	struct contig_page_info info = { 0 };

	for (unsigned int o = 0; o < MAX_ORDER; o++)
		contig_page_info_add(&info, nr_free[o], o, order);
	return __fragmentation_index(order, &info);
}

/* -------------------------------------------------------------------------
 * /proc/buddyinfo
 */
static void buddyinfo_view(struct machine *m, struct vout *vo)
{
	for (int nid = 0; nid < m->nr_nodes; nid++) {
		struct pglist_data *pgdat = &m->node[nid];

		for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
			struct zone *z = &pgdat->node_zones[zid];
			const char *zn = vm_zone_name(zid);

			if (!populated_zone(z))
				continue;
			vo_text(vo, "Node %d, zone %8s ", pgdat->node_id, zn);
			for (int order = 0; order < MAX_ORDER; order++) {
				unsigned long n = z->free_area[order].nr_free;

				vo_text(vo, "%6lu ", n);
				vo_rec(vo, (long)n, "buddyinfo.%d.%s.%d", pgdat->node_id, zn,
				       order);
			}
			vo_text(vo, "\n");
		}
	}
}

/* -------------------------------------------------------------------------
 * /proc/pagetypeinfo
 */

/*
 * Does the pageblock step at pfn have a struct page the kernel would hand
 * out (pfn_to_online_page)?  Boot marks every 2 MiB sub-section that
 * overlaps memory as valid, so a block counts when its sub-section holds
 * any memory, even if pfn itself sits in a small hole; memory hotplug
 * takes whole sections offline.
 */
static bool pfn_block_online(const struct machine *m, unsigned long pfn)
{
	return pfn_is_online(m, pfn);
}

void zone_pageblock_counts(struct machine *m, struct zone *z,
			   unsigned long count[MIGRATE_TYPES])
{
	for (unsigned long pfn = z->zone_start_pfn; pfn < zone_end_pfn(z);
	     pfn += pageblock_nr_pages) {
		struct zone *pz;
		int mt;

		if (!pfn_block_online(m, pfn))
			continue;
		/* page_zone(): holes inside the span belong to the zone */
		pz = pfn_zone(m, pfn);
		if (pz ? pz != z : !zone_spans_pfn(z, pfn))
			continue;
		mt = get_pfnblock_migratetype(z, pfn);
		if (mt < MIGRATE_TYPES)
			count[mt]++;
	}
}

static void pagetypeinfo_showfree(struct machine *m, struct pglist_data *pgdat,
				  struct vout *vo)
{
	vo_text(vo, "%-43s ", "Free pages count per migrate type at order");
	for (int order = 0; order < MAX_ORDER; order++)
		vo_text(vo, "%6d ", order);
	vo_text(vo, "\n");

	for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
		struct zone *z = &pgdat->node_zones[zid];
		const char *zn = vm_zone_name(zid);

		if (!populated_zone(z))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(shown_migratetypes); i++) {
			int mt = shown_migratetypes[i];
			const char *tn = migratetype_names[mt];

			vo_text(vo, "Node %4d, zone %8s, type %12s ", pgdat->node_id, zn, tn);
			for (int order = 0; order < MAX_ORDER; order++) {
				unsigned long n = z->free_area[order].nr_free_mt[mt];
				bool overflow = n >= PAGECOUNT_CAP;

				if (overflow)
					n = PAGECOUNT_CAP;
				vo_text(vo, "%s%6lu ", overflow ? ">" : "", n);
				vo_rec(vo, (long)n, "pagetypeinfo.%d.%s.%s.%d",
				       pgdat->node_id, zn, tn, order);
			}
			vo_text(vo, "\n");
		}
	}
}

static void pagetypeinfo_showblockcount(struct machine *m, struct pglist_data *pgdat,
					struct vout *vo)
{
	vo_text(vo, "\n%-23s", "Number of blocks type ");
	for (size_t i = 0; i < ARRAY_SIZE(shown_migratetypes); i++)
		vo_text(vo, "%12s ", migratetype_names[shown_migratetypes[i]]);
	vo_text(vo, "\n");

	for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
		struct zone *z = &pgdat->node_zones[zid];
		const char *zn = vm_zone_name(zid);
		unsigned long count[MIGRATE_TYPES] = { 0 };

		if (!populated_zone(z))
			continue;
		zone_pageblock_counts(m, z, count);

		vo_text(vo, "Node %d, zone %8s ", pgdat->node_id, zn);
		for (size_t i = 0; i < ARRAY_SIZE(shown_migratetypes); i++) {
			int mt = shown_migratetypes[i];

			vo_text(vo, "%12lu ", count[mt]);
			vo_rec(vo, (long)count[mt], "blocks.%d.%s.%s", pgdat->node_id, zn,
			       migratetype_names[mt]);
		}
		vo_text(vo, "\n");
	}
}

static void pagetypeinfo_view(struct machine *m, struct vout *vo)
{
	for (int nid = 0; nid < m->nr_nodes; nid++) {
		struct pglist_data *pgdat = &m->node[nid];

		if (!node_has_memory(pgdat))
			continue;
		vo_text(vo, "Page block order: %d\n", pageblock_order);
		vo_text(vo, "Pages per block:  %lu\n", pageblock_nr_pages);
		vo_text(vo, "\n");
		pagetypeinfo_showfree(m, pgdat, vo);
		pagetypeinfo_showblockcount(m, pgdat, vo);
		/* "Number of mixed blocks" needs PAGE_OWNER, off in Debian */
	}
}

/* -------------------------------------------------------------------------
 * /proc/zoneinfo
 */
static bool is_zone_first_populated(const struct pglist_data *pgdat, int zid)
{
	for (int i = 0; i < MAX_NR_ZONES; i++)
		if (populated_zone(&pgdat->node_zones[i]))
			return i == zid;
	return false;
}

/* lowmem_reserve[] as the kernel holds it, with a ZONE_DEVICE column */
static long zone_protection(const struct zone *z, int j)
{
	/*
	 * The kernel's reserve against ZONE_DEVICE sums the managed pages
	 * of the zones above up to Device, which has none: it equals the
	 * reserve against ZONE_MOVABLE.  The Device zone itself reserves 0.
	 */
	return z->lowmem_reserve[j < MAX_NR_ZONES ? j : MAX_NR_ZONES - 1];
}

static void zoneinfo_print_zone(struct machine *m, struct pglist_data *pgdat, int zid,
				struct vout *vo)
{
	static const struct zone device_zone;	/* never populated, all zero */
	const struct zone *z = zid < MAX_NR_ZONES ? &pgdat->node_zones[zid] : &device_zone;
	const char *zn = vm_zone_name(zid);
	int nid = pgdat->node_id;
	struct {
		const char *text, *key;
		unsigned long v;
	} wm[] = {
		{ "\n  pages free     %lu", "free", zone_item(z, NR_FREE_PAGES) },
		{ "\n        boost    %lu", "boost", z->watermark_boost },
		{ "\n        min      %lu", "min", min_wmark_pages(z) },
		{ "\n        low      %lu", "low", low_wmark_pages(z) },
		{ "\n        high     %lu", "high", high_wmark_pages(z) },
		{ "\n        spanned  %lu", "spanned", z->spanned_pages },
		{ "\n        present  %lu", "present", z->present_pages },
		{ "\n        managed  %lu", "managed", z->managed_pages },
		{ "\n        cma      %lu", "cma", z->cma_pages },
	};

	struct vm_item items[VM_ITEMS_MAX];
	const struct vm_item *tab;
	size_t ntab;

	vo_text(vo, "Node %d, zone %8s", nid, zn);
	if (zid < MAX_NR_ZONES && is_zone_first_populated(pgdat, zid)) {
		vo_text(vo, "\n  per-node stats");
		tab = VM_ITEMS(m, node_stat_items, node_items_612, items, &ntab);
		for (size_t i = 0; i < ntab; i++) {
			const struct vm_item *it = &tab[i];
			unsigned long v = node_item(pgdat, it);

			vo_text(vo, "\n      %-12s %lu", it->name, v);
			vo_rec(vo, (long)v, "zoneinfo.%d.%s.%s", nid, zn, it->name);
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(wm); i++) {
		vo_text(vo, wm[i].text, wm[i].v);
		vo_rec(vo, (long)wm[i].v, "zoneinfo.%d.%s.%s", nid, zn, wm[i].key);
		/* 6.12 prints the promotion mark after high (6.1 keeps it unprinted) */
		if (mm_kver_ge(m, 6, 12) && !strcmp(wm[i].key, "high")) {
			unsigned long promo = z->_watermark[WMARK_PROMO] + z->watermark_boost;

			vo_text(vo, "\n        promo    %lu", promo);
			vo_rec(vo, (long)promo, "zoneinfo.%d.%s.promo", nid, zn);
		}
	}
	for (int j = 0; j < VM_NR_ZONES; j++) {
		long r = zid < MAX_NR_ZONES ? zone_protection(z, j) : 0;

		vo_text(vo, j ? ", %ld" : "\n        protection: (%ld", r);
		vo_rec(vo, r, "zoneinfo.%d.%s.protection.%s", nid, zn, vm_zone_name(j));
	}
	vo_text(vo, ")");

	if (!populated_zone(z)) {
		vo_text(vo, "\n");
		return;
	}

	tab = VM_ITEMS(m, zone_stat_items, zone_items_612, items, &ntab);
	for (size_t i = 0; i < ntab; i++) {
		const struct vm_item *it = &tab[i];
		unsigned long v = zone_item(z, it->idx);

		vo_text(vo, "\n      %-12s %lu", it->name, v);
		vo_rec(vo, (long)v, "zoneinfo.%d.%s.%s", nid, zn, it->name);
	}
	for (size_t i = 0; i < ARRAY_SIZE(numa_stat_names); i++) {
		vo_text(vo, "\n      %-12s %lu", numa_stat_names[i], 0UL);
		vo_rec(vo, 0, "zoneinfo.%d.%s.%s", nid, zn, numa_stat_names[i]);
	}

	long pcp_count = 0;
	int threshold = calculate_normal_threshold(m, z);

	vo_text(vo, "\n  pagesets");
	for (int cpu = 0; cpu < m->nr_cpus; cpu++) {
		/* a zone without its own pagesets uses the boot pageset */
		struct per_cpu_pages boot = { .count = 0, .high = 0, .batch = 1 };
		const struct per_cpu_pages *pcp = z->pcp ? &z->pcp[cpu] : &boot;

		vo_text(vo, "\n    cpu: %i"
			    "\n              count: %i"
			    "\n              high:  %i"
			    "\n              batch: %i",
			cpu, pcp->count, pcp->high, pcp->batch);
		vo_rec(vo, pcp->count, "zoneinfo.%d.%s.cpu.%d.count", nid, zn, cpu);
		vo_rec(vo, pcp->high, "zoneinfo.%d.%s.cpu.%d.high", nid, zn, cpu);
		vo_rec(vo, pcp->batch, "zoneinfo.%d.%s.cpu.%d.batch", nid, zn, cpu);
		pcp_count += pcp->count;
		vo_text(vo, "\n  vm stats threshold: %d", threshold);
		vo_rec(vo, threshold, "zoneinfo.%d.%s.cpu.%d.vm_stats_threshold", nid, zn, cpu);
	}
	vo_rec(vo, pcp_count, "zoneinfo.%d.%s.pcp_count", nid, zn);

	/* kswapd gave up on the node: 16 runs that reclaimed nothing (vmscan.h) */
	unsigned int unreclaimable = pgdat->kswapd_failures >= MAX_RECLAIM_RETRIES;

	vo_text(vo, "\n  node_unreclaimable:  %u", unreclaimable);
	vo_rec(vo, unreclaimable, "zoneinfo.%d.%s.node_unreclaimable", nid, zn);
	vo_text(vo, "\n  start_pfn:           %lu", z->zone_start_pfn);
	vo_rec(vo, (long)z->zone_start_pfn, "zoneinfo.%d.%s.start_pfn", nid, zn);
	vo_text(vo, "\n");
}

static void zoneinfo_view(struct machine *m, struct vout *vo)
{
	for (int nid = 0; nid < m->nr_nodes; nid++)
		for (int zid = 0; zid < VM_NR_ZONES; zid++)
			zoneinfo_print_zone(m, &m->node[nid], zid, vo);
}

/* -------------------------------------------------------------------------
 * /proc/meminfo
 */

/* One meminfo line: label (with its colon and padding), value, unit */
static void meminfo_line(struct vout *vo, const char *label, int width, unsigned long v,
			 bool kb)
{
	char key[64];
	size_t n = strcspn(label, ":");

	vo_text(vo, "%s%*lu%s\n", label, width, v, kb ? " kB" : "");
	if (vo_keys(vo)) {
		snprintf(key, sizeof(key), "meminfo.%.*s", (int)n, label);
		vo_put(vo, key, (long)v);
	}
}

/* show_val_kb: a count of pages shown in kB */
static void show_val_kb(struct vout *vo, const char *label, unsigned long pages)
{
	meminfo_line(vo, label, 8, pages << (PAGE_SHIFT - 10), true);
}

static unsigned long sum_low_wmarks(const struct machine *m)
{
	unsigned long w = 0;

	for (int nid = 0; nid < m->nr_nodes; nid++)
		for (int zid = 0; zid < MAX_NR_ZONES; zid++)
			w += low_wmark_pages(&m->node[nid].node_zones[zid]);
	return w;
}

/* si_mem_available() with the model's counters */
static unsigned long si_mem_available(const struct machine *m)
{
	unsigned long wmark_low = sum_low_wmarks(m);
	unsigned long pagecache, reclaimable, half;
	long available;

	available = (long)(global_zone_item(m, NR_FREE_PAGES) - m->totalreserve_pages);

	pagecache = global_node_raw(m, NR_ACTIVE_FILE) + global_node_raw(m, NR_INACTIVE_FILE);
	half = pagecache / 2;
	pagecache -= half < wmark_low ? half : wmark_low;
	available += (long)pagecache;

	/* slab reclaimable plus NR_KERNEL_MISC_RECLAIMABLE (not kept: 0) */
	reclaimable = global_node_raw(m, NR_SLAB_RECLAIMABLE_B);
	half = reclaimable / 2;
	available += (long)(reclaimable - (half < wmark_low ? half : wmark_low));

	return available < 0 ? 0 : (unsigned long)available;
}

static void meminfo_view(struct machine *m, struct vout *vo)
{
	unsigned long totalram = vm_totalram_pages(m);
	unsigned long inactive_anon = global_node_raw(m, NR_INACTIVE_ANON);
	unsigned long active_anon = global_node_raw(m, NR_ACTIVE_ANON);
	unsigned long inactive_file = global_node_raw(m, NR_INACTIVE_FILE);
	unsigned long active_file = global_node_raw(m, NR_ACTIVE_FILE);
	unsigned long sreclaimable = global_node_raw(m, NR_SLAB_RECLAIMABLE_B);
	unsigned long sunreclaim = global_node_raw(m, NR_SLAB_UNRECLAIMABLE_B);
	unsigned long hugetlb_pages, commit_limit;
	/* file pages less swap cache and block device buffers (both 0) */
	unsigned long cached = global_node_raw(m, NR_FILE_PAGES);

	hugetlb_pages = hugetlb_total_pages(m);
	commit_limit = (totalram > hugetlb_pages ? totalram - hugetlb_pages : 0) *
		       VM_OVERCOMMIT_RATIO / 100;

	show_val_kb(vo, "MemTotal:       ", totalram);
	show_val_kb(vo, "MemFree:        ", global_zone_item(m, NR_FREE_PAGES));
	show_val_kb(vo, "MemAvailable:   ", si_mem_available(m));
	show_val_kb(vo, "Buffers:        ", 0);
	show_val_kb(vo, "Cached:         ", cached);
	show_val_kb(vo, "SwapCached:     ", 0);
	show_val_kb(vo, "Active:         ", active_anon + active_file);
	show_val_kb(vo, "Inactive:       ", inactive_anon + inactive_file);
	show_val_kb(vo, "Active(anon):   ", active_anon);
	show_val_kb(vo, "Inactive(anon): ", inactive_anon);
	show_val_kb(vo, "Active(file):   ", active_file);
	show_val_kb(vo, "Inactive(file): ", inactive_file);
	show_val_kb(vo, "Unevictable:    ", global_node_raw(m, NR_UNEVICTABLE));
	show_val_kb(vo, "Mlocked:        ", global_zone_item(m, NR_MLOCK));
	show_val_kb(vo, "SwapTotal:      ", 0);
	show_val_kb(vo, "SwapFree:       ", 0);
	meminfo_line(vo, "Zswap:          ", 8, 0, true);
	meminfo_line(vo, "Zswapped:       ", 8, 0, true);
	show_val_kb(vo, "Dirty:          ", 0);
	show_val_kb(vo, "Writeback:      ", 0);
	show_val_kb(vo, "AnonPages:      ", global_node_raw(m, NR_ANON_MAPPED));
	show_val_kb(vo, "Mapped:         ", global_node_raw(m, NR_FILE_MAPPED));
	show_val_kb(vo, "Shmem:          ", global_node_raw(m, NR_SHMEM));
	show_val_kb(vo, "KReclaimable:   ", sreclaimable);
	show_val_kb(vo, "Slab:           ", sreclaimable + sunreclaim);
	show_val_kb(vo, "SReclaimable:   ", sreclaimable);
	show_val_kb(vo, "SUnreclaim:     ", sunreclaim);
	meminfo_line(vo, "KernelStack:    ", 8, global_node_raw(m, NR_KERNEL_STACK_KB), true);
	show_val_kb(vo, "PageTables:     ", global_node_raw(m, NR_PAGETABLE));
	show_val_kb(vo, "SecPageTables:  ", 0);
	show_val_kb(vo, "NFS_Unstable:   ", 0);
	show_val_kb(vo, "Bounce:         ", global_zone_item(m, NR_BOUNCE));
	show_val_kb(vo, "WritebackTmp:   ", 0);
	show_val_kb(vo, "CommitLimit:    ", commit_limit);
	show_val_kb(vo, "Committed_AS:   ", 0);
	meminfo_line(vo, "VmallocTotal:   ", 8, VMALLOC_TOTAL >> 10, true);
	show_val_kb(vo, "VmallocUsed:    ", m->kmem.vmalloc_pages);
	show_val_kb(vo, "VmallocChunk:   ", 0);
	show_val_kb(vo, "Percpu:         ", pcpu_nr_pages(m));
	meminfo_line(vo, "HardwareCorrupted: ", 5, 0, true);
	show_val_kb(vo, "AnonHugePages:  ", global_node_raw(m, NR_ANON_THPS));
	show_val_kb(vo, "ShmemHugePages: ", global_node_raw(m, NR_SHMEM_THPS));
	show_val_kb(vo, "ShmemPmdMapped: ", global_node_raw(m, NR_SHMEM_PMDMAPPED));
	show_val_kb(vo, "FileHugePages:  ", global_node_raw(m, NR_FILE_THPS));
	show_val_kb(vo, "FilePmdMapped:  ", global_node_raw(m, NR_FILE_PMDMAPPED));
	hugetlb_report_meminfo(m, vo);
	/* arch_report_meminfo: the direct map is not modelled */
	meminfo_line(vo, "DirectMap4k:    ", 8, 0, true);
	meminfo_line(vo, "DirectMap2M:    ", 8, 0, true);
	meminfo_line(vo, "DirectMap1G:    ", 8, 0, true);
}

/* -------------------------------------------------------------------------
 * /proc/vmstat
 */

/* global_dirty_limits() with the default ratios and no rt reader */
static void global_dirty_limits(const struct machine *m, unsigned long *pbackground,
				unsigned long *pdirty)
{
	unsigned long avail = global_zone_item(m, NR_FREE_PAGES);
	unsigned long ratio = VM_DIRTY_RATIO * PAGE_SIZE / 100;
	unsigned long bg_ratio = VM_DIRTY_BG_RATIO * PAGE_SIZE / 100;
	unsigned long thresh, bg_thresh;

	avail -= avail < m->totalreserve_pages ? avail : m->totalreserve_pages;
	avail += global_node_raw(m, NR_INACTIVE_FILE) + global_node_raw(m, NR_ACTIVE_FILE);
	avail += 1;

	thresh = ratio * avail / PAGE_SIZE;
	bg_thresh = bg_ratio * avail / PAGE_SIZE;
	if (thresh > UINT_MAX)
		thresh = UINT_MAX;
	if (bg_thresh >= thresh)
		bg_thresh = thresh / 2;
	*pbackground = bg_thresh;
	*pdirty = thresh;
}

static void vmstat_line(struct vout *vo, const char *name, unsigned long v)
{
	vo_text(vo, "%s %lu\n", name, v);
	vo_rec(vo, (long)v, "vmstat.%s", name);
}

static void vmstat_view(struct machine *m, struct vout *vo)
{
	struct vm_item items[VM_ITEMS_MAX];
	const struct vm_item *tab;
	unsigned long bg, dirty;
	size_t ntab;

	tab = VM_ITEMS(m, zone_stat_items, zone_items_612, items, &ntab);
	for (size_t i = 0; i < ntab; i++)
		vmstat_line(vo, tab[i].name, global_zone_item(m, tab[i].idx));
	for (size_t i = 0; i < ARRAY_SIZE(numa_stat_names); i++)
		vmstat_line(vo, numa_stat_names[i], 0);
	tab = VM_ITEMS(m, node_stat_items, node_items_612, items, &ntab);
	for (size_t i = 0; i < ntab; i++)
		vmstat_line(vo, tab[i].name, global_node_item(m, &tab[i]));
	global_dirty_limits(m, &bg, &dirty);
	vmstat_line(vo, "nr_dirty_threshold", dirty);
	vmstat_line(vo, "nr_dirty_background_threshold", bg);
	if (mm_kver_ge(m, 6, 12)) {
		/* 6.12's system-wide memmap counters (6.11) */
		long memmap = 0, boot = 0;

		for (int n = 0; n < m->nr_nodes; n++) {
			memmap += m->node[n].nr_memmap_pages;
			boot += m->node[n].nr_memmap_boot_pages;
		}
		vmstat_line(vo, "nr_memmap_pages", clamp_pos(memmap));
		vmstat_line(vo, "nr_memmap_boot_pages", clamp_pos(boot));
	}
	tab = VM_ITEMS(m, event_items, event_items_612, items, &ntab);
	for (size_t i = 0; i < ntab; i++)
		vmstat_line(vo, tab[i].name, event_item(m, &tab[i]));
	/* deprecated, kept by the kernel for old readers */
	vmstat_line(vo, "nr_unstable", 0);
}

/* -------------------------------------------------------------------------
 * debugfs extfrag/unusable_index and extfrag/extfrag_index
 */
static void frag_index_view(struct machine *m, struct vout *vo, bool extfrag)
{
	const char *ns = extfrag ? "extfrag_index" : "unusable_index";

	for (int nid = 0; nid < m->nr_nodes; nid++) {
		struct pglist_data *pgdat = &m->node[nid];

		if (!extfrag && !node_has_memory(pgdat))
			continue;
		for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
			struct zone *z = &pgdat->node_zones[zid];
			const char *zn = vm_zone_name(zid);

			if (!populated_zone(z))
				continue;
			vo_text(vo, "Node %d, zone %8s ", pgdat->node_id, zn);
			for (unsigned int order = 0; order < MAX_ORDER; order++) {
				struct contig_page_info info;
				int index;

				fill_contig_page_info(z, order, &info);
				if (extfrag) {
					index = __fragmentation_index(order, &info);
					vo_text(vo, "%2d.%03d ", index / 1000, index % 1000);
				} else {
					index = __unusable_free_index(order, &info);
					vo_text(vo, "%d.%03d ", index / 1000, index % 1000);
				}
				vo_rec(vo, index, "%s.%d.%s.%u", ns, pgdat->node_id, zn, order);
			}
			vo_text(vo, "\n");
		}
	}
}

static void unusable_view(struct machine *m, struct vout *vo)
{
	frag_index_view(m, vo, false);
}

static void extfrag_view(struct machine *m, struct vout *vo)
{
	frag_index_view(m, vo, true);
}

/* -------------------------------------------------------------------------
 * Public show_* entry points
 */
static void show_view(struct machine *m, struct sbuf *sb,
		      void (*view)(struct machine *, struct vout *))
{
	struct vout vo = { .sb = sb };

	view(m, &vo);
}

void show_buddyinfo(struct machine *m, struct sbuf *sb)
{
	show_view(m, sb, buddyinfo_view);
}

void show_pagetypeinfo(struct machine *m, struct sbuf *sb)
{
	show_view(m, sb, pagetypeinfo_view);
}

void show_zoneinfo(struct machine *m, struct sbuf *sb)
{
	show_view(m, sb, zoneinfo_view);
}

void show_meminfo(struct machine *m, struct sbuf *sb)
{
	show_view(m, sb, meminfo_view);
}

void show_vmstat(struct machine *m, struct sbuf *sb)
{
	show_view(m, sb, vmstat_view);
}

void show_unusable_index(struct machine *m, struct sbuf *sb)
{
	show_view(m, sb, unusable_view);
}

void show_extfrag_index(struct machine *m, struct sbuf *sb)
{
	show_view(m, sb, extfrag_view);
}

/* -------------------------------------------------------------------------
 * vm sysctls (/proc/sys/vm), parsed like proc_dointvec_minmax
 */
enum vm_sysctl {
	VM_COMPACT_MEMORY, VM_DROP_CACHES, VM_MIN_FREE_KBYTES, VM_WATERMARK_SCALE_FACTOR,
	VM_PERCPU_PAGELIST_HIGH_FRACTION,
};

/* One decimal, octal or hex int with optional sign and surrounding blanks */
static bool parse_sysctl_int(const char *s, long *out)
{
	const char *p = s;
	bool neg = false;
	unsigned long v;
	char *end;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (*p < '0' || *p > '9')
		return false;
	errno = 0;
	v = strtoul(p, &end, 0);
	if (errno || v > (unsigned long)INT_MAX + (neg ? 1 : 0))
		return false;
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (*end)
		return false;
	*out = neg ? -(long)v : (long)v;
	return true;
}

static int parse_range(const struct mm_file_args *a, const char *val, long min, long max,
		       long *out, char *err, size_t errlen)
{
	char what[96];

	if (!parse_sysctl_int(val, out)) {
		snprintf(what, sizeof(what), "\"%s\" is not an integer", val);
		return mm_file_error(a, EINVAL, what, err, errlen);
	}
	if (*out < min || *out > max) {
		snprintf(what, sizeof(what), "%ld is outside [%ld, %ld]", *out, min, max);
		return mm_file_error(a, EINVAL, what, err, errlen);
	}
	return 0;
}

static bool show_vm_sysctl(struct machine *m, const struct mm_file_args *a, struct sbuf *sb)
{
	switch ((enum vm_sysctl)a->file->tag) {
	case VM_MIN_FREE_KBYTES:
		sb_printf(sb, "%lu\n", m->min_free_kbytes);
		return true;
	case VM_WATERMARK_SCALE_FACTOR:
		sb_printf(sb, "%u\n", m->opts.watermark_scale_factor);
		return true;
	case VM_PERCPU_PAGELIST_HIGH_FRACTION:
		sb_printf(sb, "%u\n", m->opts.percpu_pagelist_high_fraction);
		return true;
	default:
		return false;
	}
}

static int store_compact_memory(struct machine *m, const struct mm_file_args *a,
				const char *val, char *err, size_t errlen)
{
	/* the kernel compacts on any write, without parsing the value */
	for (int nid = 0; nid < m->nr_nodes; nid++)
		compact_node(m, nid);
	return 0;
}

static int store_drop_caches(struct machine *m, const struct mm_file_args *a, const char *val,
			     char *err, size_t errlen)
{
	long v;
	int rc = parse_range(a, val, 1, 4, &v, err, errlen);

	if (rc)
		return rc;
	/* no page cache or slab to drop in the model; pcp pages go back */
	drain_all_pages(m, NULL);
	return 0;
}

static int store_min_free_kbytes(struct machine *m, const struct mm_file_args *a,
				 const char *val, char *err, size_t errlen)
{
	long v;
	int rc = parse_range(a, val, 0, INT_MAX, &v, err, errlen);

	if (rc)
		return rc;
	m->min_free_kbytes = (unsigned long)v;
	m->user_min_free_kbytes = v;
	setup_per_zone_wmarks(m);
	return 0;
}

static int store_watermark_scale_factor(struct machine *m, const struct mm_file_args *a,
					const char *val, char *err, size_t errlen)
{
	long v;
	int rc = parse_range(a, val, 1, 3000, &v, err, errlen);

	if (rc)
		return rc;
	m->opts.watermark_scale_factor = (unsigned int)v;
	setup_per_zone_wmarks(m);
	return 0;
}

static int store_percpu_pagelist_high_fraction(struct machine *m, const struct mm_file_args *a,
					       const char *val, char *err, size_t errlen)
{
	long v;
	int rc = parse_range(a, val, 0, INT_MAX, &v, err, errlen);

	if (rc)
		return rc;
	if (v && v < MIN_PERCPU_PAGELIST_HIGH_FRACTION)
		return mm_file_error(a, EINVAL, "must be 0 or at least 8", err, errlen);
	if ((unsigned int)v == m->opts.percpu_pagelist_high_fraction)
		return 0;
	m->opts.percpu_pagelist_high_fraction = (unsigned int)v;
	zone_pcp_setup(m);
	return 0;
}

/* -------------------------------------------------------------------------
 * The module: its files and counter namespaces
 *
 * Every number a view prints is a counter (see vmstat.h for the names).
 * Fields of zoneinfo.<nid>.<zone>.<field>:
 *   free boost min low high spanned present managed cma    (every zone)
 *   protection.<zone>                 lowmem_reserve against <zone>
 *   <zone stat> <numa stat>           nr_free_pages ... numa_other
 *   <node stat>                       nr_inactive_anon ..., only under
 *                                     the node's first populated zone,
 *                                     where the file prints them
 *   cpu.<cpu>.count/high/batch/vm_stats_threshold, pcp_count (sum of
 *   the counts), node_unreclaimable, start_pfn   (populated zones)
 * pagetypeinfo.* reads the number as printed: a list of 100000 blocks
 * or more (shown ">100000") reads 100000.
 */
#define VM_VIEW(p, v)		{ .pattern = (p), .view = (v) }

static const struct mm_file vmstat_files[] = {
	VM_VIEW("/proc/buddyinfo", buddyinfo_view),
	VM_VIEW("/proc/pagetypeinfo", pagetypeinfo_view),
	VM_VIEW("/proc/zoneinfo", zoneinfo_view),
	VM_VIEW("/proc/meminfo", meminfo_view),
	VM_VIEW("/proc/vmstat", vmstat_view),
	VM_VIEW("/sys/kernel/debug/extfrag/unusable_index", unusable_view),
	VM_VIEW("/sys/kernel/debug/extfrag/extfrag_index", extfrag_view),
	{ .pattern = "/proc/sys/vm/compact_memory", .store = store_compact_memory,
	  .tag = VM_COMPACT_MEMORY },
	{ .pattern = "/proc/sys/vm/drop_caches", .store = store_drop_caches,
	  .tag = VM_DROP_CACHES },
	{ .pattern = "/proc/sys/vm/min_free_kbytes", .show = show_vm_sysctl,
	  .store = store_min_free_kbytes, .tag = VM_MIN_FREE_KBYTES },
	{ .pattern = "/proc/sys/vm/watermark_scale_factor", .show = show_vm_sysctl,
	  .store = store_watermark_scale_factor, .tag = VM_WATERMARK_SCALE_FACTOR },
	{ .pattern = "/proc/sys/vm/percpu_pagelist_high_fraction", .show = show_vm_sysctl,
	  .store = store_percpu_pagelist_high_fraction, .tag = VM_PERCPU_PAGELIST_HIGH_FRACTION },
};

static const struct counter_ns vmstat_counters[] = {
	{ "vmstat.", vmstat_view },
	{ "meminfo.", meminfo_view },
	{ "buddyinfo.", buddyinfo_view },
	{ "pagetypeinfo.", pagetypeinfo_view },
	{ "blocks.", pagetypeinfo_view },
	{ "zoneinfo.", zoneinfo_view },
	{ "unusable_index.", unusable_view },
	{ "extfrag_index.", extfrag_view },
};

const struct mm_module mm_module_vmstat = {
	.name = "vmstat",
	.files = vmstat_files,
	.nr_files = ARRAY_SIZE(vmstat_files),
	.counters = vmstat_counters,
	.nr_counters = ARRAY_SIZE(vmstat_counters),
};
