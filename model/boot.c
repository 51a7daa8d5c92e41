// SPDX-License-Identifier: GPL-2.0-only
/*
 * boot.c - build a machine and boot it the way x86_64 Linux 6.1 does,
 * as far as memory is concerned.
 *
 *  1. Lay out each node's memory in physical address order around the
 *     holes the scenario names and register it with memblock (e820 ->
 *     memblock_add_node).  By default a q35 guest's, as the real-kernel
 *     harness runs qemu: the first page, [0x9f000, 1M) and SeaBIOS's top
 *     128 KiB of the RAM below 2 GiB are carve-outs (RAM the kernel never
 *     gets), the PCI hole [2G, 4G) moves RAM above 4 GiB.
 *  2. Derive zones per node: DMA [0, 16M), DMA32 [16M, 4G), Normal above,
 *     and Movable for the top of a node when asked (movablecore-like,
 *     rounded to MAX_ORDER_NR_PAGES as find_zone_movable_pfns_for_nodes
 *     does).
 *  3. Carve memblock reservations in boot order: the first 1 MiB (x86
 *     reserves it since 5.13), the kernel image at 16 MiB (Debian
 *     6.1.192's, _text to the end of brk), the scenario's reservations,
 *     per node the pglist_data, the mem_section root array and a page of
 *     mem_sections per root in use, then per node the memmap:
 *     sparse_buffer_init() takes one node-local, top-down, PMD-aligned
 *     buffer of section_map_size() per present section; vmemmap_populate
 *     (sparse.c, with the sub-PMD rules of the vmemmap-subpmd policy)
 *     maps the memmap with 2 MiB PMDs taken from it in order, and the
 *     unused tail of the buffer is given back (sparse_buffer_fini); the
 *     percpu first chunk (setup_per_cpu_areas, sized as
 *     pcpu_embed_first_chunk does); boot gigantic hugepages (hugepages=);
 *     on a one-node machine the dentry and inode hash tables
 *     (vfs_caches_init_early); swiotlb's 64 MiB below 4G and its slot
 *     array when memory reaches above 4G (mem_init).
 *  4. memblock_free_all: every free range goes to the buddy allocator in
 *     the largest naturally aligned blocks, each to the tail of its list
 *     (__free_pages_core with FPI_TO_TAIL), lowest addresses first.
 *  5. Watermarks, lowmem reserves, per-cpu list sizes
 *     (init_per_zone_wmark_min); the kernel's own allocations
 *     (boot_alloc.c: slab, stacks, hash tables, buffers); boot hugepages
 *     (hugetlb_init); khugepaged's min_free_kbytes raise, in initcall
 *     order; last the image's init sections go back (free_initmem).
 *
 * Simplified: the image sits where it is linked (16 MiB, as with
 * nokaslr; Debian's KASLR puts it at a random 2 MiB-aligned address);
 * memblock allocations smaller than a page and the direct map's page
 * tables (from the image's brk; 1 GiB pages make them tiny) are left out.
 *
 * Only machine_opts_default, machine_create and machine_destroy are
 * exported (machine.h), and no other model file calls them: the helpers
 * every file uses are in machine.c (mm_fail, the RNG) and mmzone.c (pfn
 * to node and zone).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "hugetlb.h"
#include "machine.h"
#include "memblock.h"
#include "memory_hotplug.h"
#include "mmzone.h"
#include "page.h"
#include "task.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "sparse.h"

/* NODE_DATA(nid): sizeof(pg_data_t) page-aligned, "NODE_DATA(0) allocated [mem ...]" */
#define PGLIST_DATA_BYTES	0x2b000UL
#define SWIOTLB_BYTES		(64UL << 20)
/* swiotlb's slot array: 24 bytes per 2 KiB slot (struct io_tlb_slot) */
#define SWIOTLB_SLOTS_BYTES	(SWIOTLB_BYTES / 2048 * 24)
/* mem_section[]: a root pointer per 128 sections (32-byte mem_section), 46 bits */
#define SECTIONS_PER_ROOT	(PAGE_SIZE / 32)
#define NR_SECTION_ROOTS	((1UL << (MAX_PHYSMEM_BITS - SECTION_SIZE_BITS)) / SECTIONS_PER_ROOT)

/*
 * Debian 6.1.192's vmlinux as a guest shows it: /proc/iomem's "Kernel
 * code" start to the end of the brk area memblock reserves, sections
 * 2 MiB aligned.  At the end of boot the kernel frees parts of it
 * ("Freeing unused kernel image ... memory" and the like), at these
 * offsets from _text: 8044 KiB, 2011 pages.
 */
#define KERNEL_IMAGE_BYTES	0x3411000UL
static const struct {
	unsigned long start, end;	/* bytes from _text, [start, end) */
	const char *what;
} kernel_init_freed[] = {
	{ 0x0e02000, 0x1000000, "text/rodata gap (mark_rodata_ro)" },
	{ 0x18eb000, 0x1a00000, "rodata/data gap (mark_rodata_ro)" },
	{ 0x1c4a000, 0x1f0c000, "initmem (free_initmem)" },
	{ 0x1f0c000, 0x1f15000, "SMP alternatives (alternatives_smp_unlock)" },
	{ 0x3203000, 0x3400000, "unused decrypted bss (mem_encrypt_free_decrypted_mem)" },
};

void machine_opts_default(struct machine_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->nr_nodes = 1;
	o->node[0].mem_bytes = 4UL << 30;
	/*
	 * A q35 guest's e820 as the real-kernel harness runs it
	 * (max-ram-below-4g=2G): the first page (x86 keeps it), [0x9f000, 1M)
	 * and the top 128 KiB of RAM below 2 GiB (SeaBIOS's tables) are RAM
	 * the kernel never gets; the PCI hole [2G, 4G) moves RAM above 4G.
	 */
	o->nr_holes = 3;
	o->hole[0] = (struct hole_desc){ 0, 0x1000, true };
	o->hole[1] = (struct hole_desc){ 0x9f000, 0x100000, true };
	o->hole[2] = (struct hole_desc){ 2UL << 30, 4UL << 30, false };
	o->bios_top_reserved = true;
	o->nr_cpus = 2;
	o->struct_page_size = 64;
	o->kernel_image_bytes = KERNEL_IMAGE_BYTES;
	o->watermark_scale_factor = 10;
	o->thp = true;
	o->thp_enabled = 0;	/* THP_ALWAYS: Debian's CONFIG_TRANSPARENT_HUGEPAGE_ALWAYS */
	o->seed = 1;
	o->kver = MM_KVER_DEFAULT;
}

static bool err(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool err(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return false;
}

/* sparse_init: record present sections and their sub-sections */
static bool init_sections(struct machine *m, char *e, size_t el)
{
	m->nr_sections = (m->max_pfn + PAGES_PER_SECTION - 1) >> PFN_SECTION_SHIFT;
	m->sections = host_calloc(m->nr_sections, sizeof(*m->sections), "building the mem_section table");
	for (int i = 0; i < m->memblock.memory.cnt; i++) {
		struct memblock_region *r = &m->memblock.memory.regions[i];

		for (unsigned long pfn = r->base_pfn; pfn < r->end_pfn;
		     pfn = (pfn | (PAGES_PER_SUBSECTION - 1)) + 1) {
			struct mem_section *ms = &m->sections[pfn >> PFN_SECTION_SHIFT];

			if (!ms->present)
				ms->nid = r->nid;
			ms->present = true;
			ms->early = true;
			ms->online = true;	/* boot memory is online */
			ms->subsection_map |= 1ULL << ((pfn & (PAGES_PER_SECTION - 1)) /
						       PAGES_PER_SUBSECTION);
		}
	}
	return true;
}

/* -------------------------------------------------------------------------
 * Layout
 */
/*
 * find_next_best_node: the nearest unused node; among equals, nodes above
 * the local one first, nodes without CPUs first, then the least loaded.
 */
#define PENALTY_FOR_NODE_WITH_CPUS	1
#define NODES_SHIFT_MAX			1024	/* MAX_NUMNODES with NODES_SHIFT 10 */

static int find_next_best_node(struct machine *m, int node, bool *used, const int *node_load)
{
	int best = -1;
	long min_val = -1;

	if (!used[node]) {
		used[node] = true;
		return node;
	}
	for (int n = 0; n < m->nr_nodes; n++) {
		bool has_cpus = false;
		long val;

		if (used[n])
			continue;
		for (int c = 0; c < m->nr_cpus; c++)
			has_cpus |= m->cpu_node[c] == n;
		val = m->distance[node][n] + (n < node) + (has_cpus ? PENALTY_FOR_NODE_WITH_CPUS : 0);
		val = val * NODES_SHIFT_MAX + node_load[n];
		if (best < 0 || val < min_val) {
			min_val = val;
			best = n;
		}
	}
	if (best >= 0)
		used[best] = true;
	return best;
}

/* build_all_zonelists: each node's fallback order, node_load shared across nodes */
static void build_all_zonelists(struct machine *m)
{
	int node_load[MAX_NUMNODES] = { 0 };

	for (int local = 0; local < m->nr_nodes; local++) {
		bool used[MAX_NUMNODES] = { false };
		int prev = local, node, nr = 0;

		while ((node = find_next_best_node(m, local, used, node_load)) >= 0) {
			if (m->distance[local][node] != m->distance[local][prev])
				node_load[node] += 1;
			m->node_order[local][nr++] = node;
			prev = node;
		}
	}
}

static bool validate_opts(const struct machine_opts *o, char *e, size_t el)
{
	if (o->nr_nodes < 1 || o->nr_nodes > MAX_NUMNODES)
		return err(e, el, "impossible machine: %d nodes (1..%d)", o->nr_nodes, MAX_NUMNODES);
	if (o->nr_cpus < 1 || o->nr_cpus > MAX_CPUS)
		return err(e, el, "impossible machine: %d CPUs (1..%d)", o->nr_cpus, MAX_CPUS);
	if (o->struct_page_size < STRUCT_PAGE_MIN_SIZE || o->struct_page_size > 256 ||
	    o->struct_page_size % 8)
		return err(e, el, "impossible machine: struct page size %u (a multiple of 8 in [%d, 256])",
			   o->struct_page_size, STRUCT_PAGE_MIN_SIZE);
	if (o->kver && strcmp(mm_kver_name(o->kver), "?") == 0)
		return err(e, el, "impossible machine: kernel version %u.%u (6.1 or 6.12)",
			   o->kver >> 8, o->kver & 0xff);
	for (int n = 0; n < o->nr_nodes; n++) {
		const struct node_desc *nd = &o->node[n];

		if (!nd->mem_bytes)
			return err(e, el, "impossible machine: node %d has no memory", n);
		if (nd->mem_bytes % PAGE_SIZE || nd->movable_bytes % PAGE_SIZE)
			return err(e, el, "impossible machine: node %d memory is not a multiple of the page size", n);
		if (nd->mem_bytes < (16UL << 20))
			return err(e, el, "impossible machine: node %d has %lu bytes, less than 16 MiB",
				   n, nd->mem_bytes);
		if (nd->movable_bytes >= nd->mem_bytes)
			return err(e, el, "impossible machine: node %d movable part %lu >= its memory",
				   n, nd->movable_bytes);
	}
	for (int h = 0; h < o->nr_holes; h++)
		if (o->hole[h].start >= o->hole[h].end || o->hole[h].start % PAGE_SIZE ||
		    o->hole[h].end % PAGE_SIZE)
			return err(e, el, "impossible machine: hole %d [%#lx, %#lx) is empty or not page aligned",
				   h, o->hole[h].start, o->hole[h].end);
	return true;
}

/* The hole containing phys, or NULL */
static const struct hole_desc *hole_at(const struct machine_opts *o, unsigned long phys)
{
	for (int h = 0; h < o->nr_holes; h++)
		if (phys >= o->hole[h].start && phys < o->hole[h].end)
			return &o->hole[h];
	return NULL;
}

static unsigned long next_hole_start(const struct machine_opts *o, unsigned long phys)
{
	unsigned long best = ~0UL;

	for (int h = 0; h < o->nr_holes; h++)
		if (o->hole[h].start > phys && o->hole[h].start < best)
			best = o->hole[h].start;
	return best;
}

#define BIOS_TOP_BYTES	(128UL << 10)

static bool layout_memory(struct machine *m, char *e, size_t el)
{
	struct machine_opts *o = &m->opts;
	const unsigned long phys_limit = 1UL << MAX_PHYSMEM_BITS;
	unsigned long phys = 0, total = 0;

	/* SeaBIOS's reservation: the top of the RAM below 2 GiB, a carve-out */
	for (int n = 0; n < o->nr_nodes; n++)
		total += o->node[n].mem_bytes;
	if (o->bios_top_reserved && o->nr_holes < MAX_HOLES) {
		unsigned long top = total < (2UL << 30) ? total : 2UL << 30;

		o->hole[o->nr_holes++] = (struct hole_desc){ top - BIOS_TOP_BYTES, top, true };
		o->bios_top_reserved = false;	/* once: m->opts is the machine's copy */
	}

	for (int n = 0; n < o->nr_nodes; n++) {
		unsigned long left = o->node[n].mem_bytes, ram_end = phys;
		struct pglist_data *pg = &m->node[n];
		bool first = true;

		pg->node_id = n;
		pg->mem_bytes = left;
		pg->kswapd_highest_zoneidx = MAX_NR_ZONES;	/* kswapd() starts so */
		while (left) {
			const struct hole_desc *h = hole_at(o, phys);
			unsigned long chunk, nh;

			if (h) {
				/* a carve-out takes the node's RAM behind it */
				if (h->carve)
					left -= h->end - phys < left ? h->end - phys : left;
				phys = h->end;
				continue;
			}
			nh = next_hole_start(o, phys);
			chunk = nh - phys < left ? nh - phys : left;
			/* checked before the sum, which could wrap past 2^64 */
			if (phys >= phys_limit || chunk > phys_limit - phys)
				return err(e, el, "impossible machine: node %d's memory ends above "
					   "MAX_PHYSMEM_BITS (%d): %#lx bytes from %#lx with %#lx left",
					   n, MAX_PHYSMEM_BITS, o->node[n].mem_bytes, phys, left);
			if (first)
				pg->node_start_pfn = phys >> PAGE_SHIFT;
			first = false;
			memblock_add_node(m, phys >> PAGE_SHIFT, (phys + chunk) >> PAGE_SHIFT, n);
			phys += chunk;
			left -= chunk;
			ram_end = phys;
		}
		/* the span ends with the node's last RAM, not a carve-out after it */
		pg->node_spanned_pages = (ram_end >> PAGE_SHIFT) - pg->node_start_pfn;
		pg->node_present_pages = 0;
		for (int i = 0; i < m->memblock.memory.cnt; i++)
			if (m->memblock.memory.regions[i].nid == n)
				pg->node_present_pages += m->memblock.memory.regions[i].end_pfn -
							  m->memblock.memory.regions[i].base_pfn;
		m->max_pfn = ram_end >> PAGE_SHIFT;
	}
	return true;
}

static unsigned long present_in(struct machine *m, unsigned long start, unsigned long end)
{
	unsigned long n = 0;

	for (int i = 0; i < m->memblock.memory.cnt; i++) {
		struct memblock_region *r = &m->memblock.memory.regions[i];
		unsigned long lo = r->base_pfn > start ? r->base_pfn : start;
		unsigned long hi = r->end_pfn < end ? r->end_pfn : end;

		if (lo < hi)
			n += hi - lo;
	}
	return n;
}

/* The pfn where a node's ZONE_MOVABLE starts (its top movable_bytes of memory) */
static unsigned long zone_movable_pfn(struct machine *m, int nid)
{
	struct pglist_data *pg = &m->node[nid];
	unsigned long want = m->opts.node[nid].movable_bytes >> PAGE_SHIFT;
	unsigned long end = pg->node_start_pfn + pg->node_spanned_pages;

	if (!want)
		return end;
	for (int i = m->memblock.memory.cnt - 1; i >= 0 && want; i--) {
		struct memblock_region *r = &m->memblock.memory.regions[i];
		unsigned long n = r->end_pfn - r->base_pfn;

		if (r->nid != nid)
			continue;
		if (n >= want)
			return (r->end_pfn - want + MAX_ORDER_NR_PAGES - 1) & ~(MAX_ORDER_NR_PAGES - 1);
		want -= n;
	}
	return pg->node_start_pfn;
}

static bool setup_zones(struct machine *m, char *e, size_t el)
{
	static const unsigned long zone_lo[MAX_NR_ZONES] = { 0, DMA_PFN_END, DMA32_PFN_END, 0 };
	static const unsigned long zone_hi[MAX_NR_ZONES] = { DMA_PFN_END, DMA32_PFN_END, ~0UL, ~0UL };

	for (int n = 0; n < m->nr_nodes; n++) {
		struct pglist_data *pg = &m->node[n];
		unsigned long ns = pg->node_start_pfn, ne = ns + pg->node_spanned_pages;
		unsigned long mv = zone_movable_pfn(m, n);

		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			struct zone *z = &pg->node_zones[zi];
			unsigned long lo = zone_lo[zi], hi = zone_hi[zi];

			z->zone_pgdat = pg;
			z->idx = zi;
			z->name = zone_names[zi];
			if (zi == ZONE_MOVABLE) {
				lo = mv;
			} else if (hi > mv) {
				hi = mv;
			}
			lo = lo > ns ? lo : ns;
			hi = hi < ne ? hi : ne;
			for (int o = 0; o < MAX_ORDER; o++)
				for (int t = 0; t < MIGRATE_TYPES; t++)
					pfnlist_init(&z->free_area[o].free_list[t]);
			z->compact_order_failed = 0;	/* as zone init leaves it */
			if (lo >= hi) {
				z->zone_start_pfn = 0;
				z->spanned_pages = 0;
				continue;
			}
			/* trim the span to present memory, like zone_spanned_pages_in_node */
			z->zone_start_pfn = lo;
			z->spanned_pages = hi - lo;
			z->present_pages = present_in(m, lo, hi);
			if (!z->present_pages) {
				z->spanned_pages = 0;
				continue;
			}
			unsigned long first = z->zone_start_pfn & ~(pageblock_nr_pages - 1);
			unsigned long nblocks = (zone_end_pfn(z) - first + pageblock_nr_pages - 1) >>
						pageblock_order;

			z->pageblock_flags = host_malloc(nblocks, "setting up the pageblock flags");
			z->pcp = host_calloc((size_t)m->nr_cpus, sizeof(struct per_cpu_pages),
					     "setting up the per-cpu lists");
			/* memmap_init_pageblocks sets the types once memblock is done */
			memset(z->pageblock_flags, MIGRATE_MOVABLE, nblocks);
			for (int c = 0; c < m->nr_cpus; c++) {
				z->pcp[c].batch = 1;	/* boot pageset until zone_pcp_setup */
				for (int l = 0; l < NR_PCP_LISTS; l++)
					pfnlist_init(&z->pcp[c].lists[l]);
			}
		}
	}
	return true;
}

/*
 * Early memblock allocations, in the order a boot makes them.  Fixed
 * ranges come first; allocations go top-down on their node.
 */
static bool reserve_early(struct machine *m, char *e, size_t el)
{
	const struct machine_opts *o = &m->opts;
	unsigned long dma_limit = DMA_PFN_END;	/* __pa(MAX_DMA_ADDRESS) */

	memblock_reserve(m, 0, SZ_1M >> PAGE_SHIFT, "real mode and BIOS");
	if (o->kernel_image_bytes) {
		unsigned long start = 16UL * SZ_1M >> PAGE_SHIFT;
		unsigned long end = start + ((o->kernel_image_bytes + PAGE_SIZE - 1) >> PAGE_SHIFT);

		if (end > m->max_pfn || present_in(m, start, end) != end - start)
			return err(e, el, "impossible machine: the kernel image [16M, +%lu) is not in memory",
				   o->kernel_image_bytes);
		memblock_reserve(m, start, end, "kernel image");
	}
	for (int r = 0; r < o->nr_reserves; r++) {
		const struct reserve_desc *rd = &o->reserve[r];
		unsigned long nr = (rd->size + PAGE_SIZE - 1) >> PAGE_SHIFT;

		if (!nr)
			return err(e, el, "impossible machine: reservation %d is empty", r);
		if (rd->nid < 0) {
			unsigned long start = rd->start >> PAGE_SHIFT;

			if (rd->start % PAGE_SIZE || start + nr > m->max_pfn ||
			    present_in(m, start, start + nr) != nr)
				return err(e, el, "impossible machine: reservation [%#lx, +%#lx) is not in memory",
					   rd->start, rd->size);
			memblock_reserve(m, start, start + nr, "scenario");
		} else {
			if (rd->nid >= m->nr_nodes)
				return err(e, el, "impossible machine: reservation on node %d, which does not exist",
					   rd->nid);
			if (memblock_alloc_try_nid(m, nr, 1, dma_limit, ~0UL, rd->nid, true,
						   "scenario") == PFN_NONE)
				return err(e, el, "impossible machine: no room for a %lu-byte reservation on node %d",
					   rd->size, rd->nid);
		}
	}
	for (int n = 0; n < m->nr_nodes; n++)
		if (memblock_alloc_try_nid(m, PGLIST_DATA_BYTES >> PAGE_SHIFT, 1, dma_limit, ~0UL, n,
					   false, "node_data") == PFN_NONE)
			return err(e, el, "impossible machine: no room for node %d's pglist_data", n);
	return true;
}

/*
 * setup_per_cpu_areas, which runs after sparse_init: the embedded first
 * chunk (pcpu_embed_first_chunk).  pcpu_build_alloc_info groups the CPUs
 * by node and picks how many units share a PMD-sized allocation (upa):
 * as many as fit, unless that wastes more than a third of the CPUs'
 * worth of units, and never more allocations than a larger upa needs.
 * Each group gets one PMD-aligned block on its node; of each unit the
 * part past the first chunk's size (and all of a unit no CPU uses) goes
 * back to memblock.  Without a PMD-aligned block the kernel builds the
 * chunk page by page (pcpu_page_first_chunk).
 */
#define PCPU_MIN_UNIT_SIZE	(32UL << 10)
#define PCPU_ATOM_SIZE		PMD_SIZE

static unsigned long pcpu_best_upa(struct machine *m, const int *group_cnt, int nr_groups,
				   unsigned long alloc_size, unsigned long min_unit)
{
	unsigned long upa = alloc_size / min_unit, best = 0;
	int last_allocs = -1;

	while (alloc_size % upa || (alloc_size / upa) % PAGE_SIZE)
		upa--;
	for (; upa; upa--) {
		int allocs = 0, wasted = 0;

		if (alloc_size % upa || (alloc_size / upa) % PAGE_SIZE)
			continue;
		for (int g = 0; g < nr_groups; g++) {
			int this_allocs = (int)((group_cnt[g] + upa - 1) / upa);

			allocs += this_allocs;
			wasted += this_allocs * (int)upa - group_cnt[g];
		}
		if (wasted > m->nr_cpus / 3)
			continue;
		if (last_allocs >= 0 && allocs > last_allocs)
			break;
		last_allocs = allocs;
		best = upa;
	}
	return best;
}

static bool setup_per_cpu_areas(struct machine *m, char *e, size_t el)
{
	unsigned long size_sum = PCPU_FC_SIZE_SUM, pages = size_sum >> PAGE_SHIFT;
	unsigned long min_unit = size_sum > PCPU_MIN_UNIT_SIZE ? size_sum : PCPU_MIN_UNIT_SIZE;
	unsigned long alloc_size = (min_unit + PCPU_ATOM_SIZE - 1) & ~(PCPU_ATOM_SIZE - 1);
	int group_cnt[MAX_NUMNODES] = { 0 }, group_nid[MAX_NUMNODES], nr_groups = 0;
	unsigned long upa, unit, unit_pages, base[MAX_NUMNODES], units[MAX_NUMNODES];

	/* groups in the order their first CPU appears */
	for (int c = 0; c < m->nr_cpus; c++) {
		int g = 0;

		while (g < nr_groups && group_nid[g] != m->cpu_node[c])
			g++;
		if (g == nr_groups)
			group_nid[nr_groups++] = m->cpu_node[c];
		group_cnt[g]++;
	}
	upa = pcpu_best_upa(m, group_cnt, nr_groups, alloc_size, min_unit);
	unit = alloc_size / upa;
	unit_pages = unit >> PAGE_SHIFT;
	m->kmem.pcpu_unit_size = unit;
	m->kmem.pcpu_nr_populated = pages;
	/* first every group's block, then the unused parts back */
	for (int g = 0; g < nr_groups; g++) {
		units[g] = (group_cnt[g] + upa - 1) / upa * upa;
		base[g] = memblock_alloc_try_nid(m, units[g] * unit_pages, PCPU_ATOM_SIZE >> PAGE_SHIFT,
						 DMA_PFN_END, ~0UL, group_nid[g], false, "percpu");
		if (base[g] == PFN_NONE) {
			while (g--)
				memblock_free(m, base[g], base[g] + units[g] * unit_pages);
			goto page_first_chunk;
		}
	}
	m->kmem.pcpu_nr_units = 0;
	for (int g = 0; g < nr_groups; g++) {
		m->kmem.pcpu_nr_units += units[g];
		for (unsigned long u = 0; u < units[g]; u++) {
			unsigned long ub = base[g] + u * unit_pages;

			memblock_free(m, u < (unsigned long)group_cnt[g] ? ub + pages : ub,
				      ub + unit_pages);
		}
	}
	return true;
page_first_chunk:
	/* a unit per CPU, page by page on the CPU's node */
	m->kmem.pcpu_unit_size = size_sum;
	m->kmem.pcpu_nr_units = (unsigned long)m->nr_cpus;
	for (int c = 0; c < m->nr_cpus; c++)
		if (memblock_alloc_try_nid(m, pages, 1, DMA_PFN_END, ~0UL, m->cpu_node[c], false,
					   "percpu (page first chunk)") == PFN_NONE)
			return err(e, el, "impossible machine: no room for CPU %d's percpu area", c);
	return true;
}

static unsigned long section_map_size(struct machine *m)
{
	return (PAGES_PER_SECTION * m->sps + PMD_SIZE - 1) & ~(PMD_SIZE - 1);
}

static bool section_present(struct machine *m, unsigned long sec)
{
	return sec < m->nr_sections && m->sections[sec].present;
}

/*
 * sparse_init_nid: map every present section's memmap with
 * vmemmap_populate (sparse.c), whose 2 MiB blocks come from the node's
 * sparse buffer first; the buffer's unused tail goes back to memblock
 * (sparse_buffer_fini).
 */
static bool populate_memmap(struct machine *m, char *e, size_t el)
{
	unsigned long nsec = (m->max_pfn + PAGES_PER_SECTION - 1) >> PFN_SECTION_SHIFT;
	unsigned long map_size = section_map_size(m) >> PAGE_SHIFT;
	struct vmemmap_state *st = &m->vmemmap;

	st->defer_fills = true;		/* until vmemmap_boot_fills_apply */
	/*
	 * memblocks_present: the mem_section root array (anywhere, top-down),
	 * then a page of mem_sections per root that has a present section,
	 * on that section's node (sparse_index_alloc)
	 */
	memblock_alloc_try_nid(m, (NR_SECTION_ROOTS * sizeof(void *)) >> PAGE_SHIFT, 1, 0, ~0UL, -1,
			       false, "mem_section roots");
	for (unsigned long root = 0; root * SECTIONS_PER_ROOT < nsec; root++)
		for (unsigned long s = root * SECTIONS_PER_ROOT;
		     s < (root + 1) * SECTIONS_PER_ROOT && s < nsec; s++)
			if (section_present(m, s)) {
				memblock_alloc_try_nid(m, 1, 1, 0, ~0UL,
						       pfn_to_nid(m, s << PFN_SECTION_SHIFT), false,
						       "mem_section");
				break;
			}
	for (int n = 0; n < m->nr_nodes; n++) {
		struct pglist_data *pg = &m->node[n];
		unsigned long first_sec = pg->node_start_pfn >> PFN_SECTION_SHIFT;
		unsigned long end_sec = (pg->node_start_pfn + pg->node_spanned_pages +
					 PAGES_PER_SECTION - 1) >> PFN_SECTION_SHIFT;
		unsigned long count = 0, buf;

		for (unsigned long s = first_sec; s < end_sec && s < nsec; s++)
			if (section_present(m, s) && pfn_to_nid(m, s << PFN_SECTION_SHIFT) == n)
				count++;
		if (!count)
			continue;
		buf = memblock_alloc_try_nid(m, count * map_size, map_size, DMA_PFN_END, ~0UL, n, true,
					     "memmap");
		/* sparse_buffer_init; no buffer: vmemmap_alloc_block block by block */
		st->sparsemap_buf = buf == PFN_NONE ? 0 : buf;
		st->sparsemap_buf_end = buf == PFN_NONE ? 0 : buf + count * map_size;
		for (unsigned long s = first_sec; s < end_sec && s < nsec; s++) {
			unsigned long pfn = s << PFN_SECTION_SHIFT;

			if (!section_present(m, s) || pfn_to_nid(m, pfn) != n)
				continue;
			m->sections[s].has_memmap = true;
			if (vmemmap_populate(m, page_va(m, pfn), page_va(m, pfn + PAGES_PER_SECTION), n,
					     NULL))
				return err(e, el, "impossible machine: node %d cannot hold its memmap", n);
		}
		if (st->sparsemap_buf < st->sparsemap_buf_end)
			memblock_free(m, st->sparsemap_buf, st->sparsemap_buf_end);
		st->sparsemap_buf = st->sparsemap_buf_end = 0;
	}
	return true;
}

/*
 * vfs_caches_init_early: with one node of memory (hashdist off) the
 * dentry and inode hash tables come from memblock (HASH_EARLY), sized
 * from memory (boot_alloc.c); with more they are vmalloc'd later.
 */
static bool vfs_caches_init_early(struct machine *m, char *e, size_t el)
{
	static const char *const early[] = { "Dentry cache", "Inode-cache" };

	if (m->nr_nodes > 1 || m->opts.no_kernel_alloc)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(early); i++) {
		unsigned long pages = (large_system_hash_bytes(m, early[i]) + PAGE_SIZE - 1) >>
				      PAGE_SHIFT;

		if (memblock_alloc_try_nid(m, pages, 1, 0, ~0UL, -1, false, early[i]) == PFN_NONE)
			return err(e, el, "impossible machine: no room for the %s hash table",
				   early[i]);
	}
	return true;
}

/*
 * mem_init's pci_iommu_alloc: with memory above 4 GiB, swiotlb's 64 MiB
 * bounce buffer below 4 GiB (memblock_alloc_low) and its slot array
 * anywhere, after every other boot reservation.
 */
static bool swiotlb_init(struct machine *m, char *e, size_t el)
{
	if (m->max_pfn <= DMA32_PFN_END)
		return true;
	if (memblock_alloc_try_nid(m, SWIOTLB_BYTES >> PAGE_SHIFT, 1, 0, DMA32_PFN_END, -1, false,
				   "swiotlb") == PFN_NONE)
		return err(e, el, "impossible machine: no room for swiotlb below 4G");
	memblock_alloc_try_nid(m, SWIOTLB_SLOTS_BYTES >> PAGE_SHIFT, 1, 0, ~0UL, -1, false,
			       "swiotlb slots");
	return true;
}

/*
 * The end of kernel_init: the parts of the kernel image boot no longer
 * needs go to the buddy allocator page by page (free_reserved_area, so
 * through the boot CPU's per-cpu lists).  Only for Debian's image, the
 * default: a scenario's kernel=SIZE is all resident.
 */
static void free_initmem(struct machine *m)
{
	unsigned long text = 16UL * SZ_1M >> PAGE_SHIFT;

	if (m->opts.kernel_image_bytes != KERNEL_IMAGE_BYTES)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(kernel_init_freed); i++)
		for (unsigned long pfn = text + (kernel_init_freed[i].start >> PAGE_SHIFT);
		     pfn < text + (kernel_init_freed[i].end >> PAGE_SHIFT); pfn++)
			free_bootmem_page(m, pfn);
}

/*
 * The first pfn defer_init() leaves to deferred_init_memmap on node nid
 * (CONFIG_DEFERRED_STRUCT_PAGE_INIT=y, Debian's config): in the node's
 * last zone, the first section-aligned pfn of memory after more than a
 * section's worth of that zone's memory pfns, counted from its start.
 * ~0UL when the node has no such pfn or the machine has
 * CONFIG_DEFERRED_STRUCT_PAGE_INIT off (nothing deferred).
 */
static unsigned long first_deferred_pfn(struct machine *m, int nid)
{
	struct pglist_data *pg = &m->node[nid];
	unsigned long node_end = pg->node_start_pfn + pg->node_spanned_pages;
	const struct memblock_type *mem = &m->memblock.memory;
	unsigned long counted = 0;
	struct zone *last = NULL;

	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &pg->node_zones[zi];

		if (z->spanned_pages && zone_end_pfn(z) == node_end)
			last = z;
	}
	if (!last || m->opts.no_deferred_struct_page_init)
		return ~0UL;
	for (int i = 0; i < mem->cnt; i++) {
		unsigned long lo = mem->regions[i].base_pfn, hi = mem->regions[i].end_pfn, sec;

		lo = lo > last->zone_start_pfn ? lo : last->zone_start_pfn;
		hi = hi < zone_end_pfn(last) ? hi : zone_end_pfn(last);
		if (lo >= hi)
			continue;
		/* the first section boundary in [lo, hi) whose count exceeds a section */
		if (counted + (hi - lo) > PAGES_PER_SECTION) {
			/* the count exceeds a section from pfn need on */
			unsigned long need = counted >= PAGES_PER_SECTION ? lo :
					     lo + PAGES_PER_SECTION - counted;

			sec = (need + PAGES_PER_SECTION - 1) & ~(PAGES_PER_SECTION - 1);
			if (sec < hi)
				return sec;
		}
		counted += hi - lo;
	}
	return ~0UL;
}

/*
 * The migratetype boot leaves in each pageblock.  The bitmap starts as
 * zeroes, MIGRATE_UNMOVABLE.  memmap_init_range marks MOVABLE the block of
 * every pageblock-aligned pfn of memblock.memory it initialises; in each
 * node's last zone it stops at first_deferred_pfn, and from there
 * deferred_free_range marks only the blocks whose aligned pfn it frees.
 * So a block that starts in a hole (the DMA zone's first, pfn 0 being
 * e820-reserved) or, past first_deferred_pfn, in memory reserved at boot
 * (the memmap, percpu, node_data, page tables, bootmem hugepages) stays
 * Unmovable, and whatever is freed into it later (HVO's vmemmap pages,
 * a bootmem gigantic page) goes to the Unmovable free lists.
 */
static void memmap_init_pageblocks(struct machine *m)
{
	for (int n = 0; n < m->nr_nodes; n++) {
		unsigned long deferred = first_deferred_pfn(m, n);

		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			struct zone *z = &m->node[n].node_zones[zi];
			unsigned long pfn;

			if (!z->spanned_pages || !z->pageblock_flags)
				continue;
			for (pfn = z->zone_start_pfn & ~(pageblock_nr_pages - 1); pfn < zone_end_pfn(z);
			     pfn += pageblock_nr_pages) {
				bool movable = pfn_present_mem(m, pfn) &&
					       (pfn < deferred || !memblock_is_reserved(m, pfn));

				set_pfnblock_migratetype(z, pfn, movable ? MIGRATE_MOVABLE :
									     MIGRATE_UNMOVABLE);
			}
		}
	}
}

static void free_range_to_buddy(struct machine *m, unsigned long start, unsigned long end,
				int nid, void *priv)
{
	(void)nid;
	(void)priv;
	while (start < end) {
		unsigned int order = start ? (unsigned int)__builtin_ctzl(start) : MAX_ORDER - 1;

		if (order > MAX_ORDER - 1)
			order = MAX_ORDER - 1;
		while (start + (1UL << order) > end)
			order--;
		/* a block never straddles zones: zone ends are page aligned only */
		struct zone *z = pfn_zone(m, start);

		while (z && start + (1UL << order) > zone_end_pfn(z))
			order--;
		if (z)
			__free_pages_core(m, start, order);
		start += 1UL << order;
	}
}

struct machine *machine_create(const struct machine_opts *o, char *e, size_t el)
{
	struct policy_set policies, picks = o->policies;
	struct machine *m;

	/* the kernel version's defaults (HVO on 6.12), unless picked */
	policy_set_apply_kver(&picks, o->kver ? o->kver : MM_KVER_DEFAULT);
	if (!validate_opts(o, e, el) || !policy_set_resolve(&policies, &picks, e, el))
		return NULL;
	m = host_calloc(1, sizeof(*m), "creating the machine");
	m->opts = *o;
	m->opts.policies = policies;	/* the selection, for the machine's life */
	if (!m->opts.kver)
		m->opts.kver = MM_KVER_DEFAULT;	/* opts not from machine_opts_default */
	m->sps = o->struct_page_size;
	m->nr_nodes = o->nr_nodes;
	m->nr_cpus = o->nr_cpus;
	for (int c = 0; c < m->nr_cpus; c++)
		m->cpu_node[c] = c % m->nr_nodes;
	mm_rng_seed(m, o->seed);

	for (int a = 0; a < m->nr_nodes; a++)
		for (int b = 0; b < m->nr_nodes; b++)
			m->distance[a][b] = o->distance[a][b] ? o->distance[a][b] : (a == b ? 10 : 20);
	build_all_zonelists(m);

	if (!layout_memory(m, e, el) || !init_sections(m, e, el) || !setup_zones(m, e, el))
		goto fail;
	build_zonelists(m);	/* the rest of build_all_zonelists, now that zones exist */
	m->init_mm = host_calloc(1, sizeof(*m->init_mm), "creating init_mm");
	fstore_init(m);
	m->init_mm->is_init_mm = true;
	if (!reserve_early(m, e, el))
		goto fail;
	if (mm_init_pgd(m, m->init_mm, 0)) {
		err(e, el, "impossible machine: no room for the kernel's page tables");
		goto fail;
	}
	if (!populate_memmap(m, e, el) || !setup_per_cpu_areas(m, e, el))
		goto fail;
	for (int n = 0; n < m->nr_nodes; n++)
		m->node[n].nr_memmap_boot_pages = (long)m->node[n].memmap_pages;
	if (hugetlb_reserve_bootmem(m, e, el))	/* parse_args: hugepages= */
		goto fail;
	if (!vfs_caches_init_early(m, e, el) || !swiotlb_init(m, e, el))
		goto fail;

	vmemmap_boot_fills_apply(m);	/* every memblock reservation is made */
	fstore_flush_xc(m);
	memmap_init_pageblocks(m);
	for_each_free_mem_range(m, free_range_to_buddy, NULL);
	m->buddy_up = true;
	if (o->page_alloc_shuffle) {
		struct zone *z;

		for_each_zone_of(m, z)
			if (managed_zone(z))
				shuffle_zone(m, z);
	}
	init_per_zone_wmark_min(m);
	if (!o->no_kernel_alloc) {
		const char *what = boot_kernel_alloc(m);

		if (what) {
			err(e, el, "impossible machine: no memory for the kernel's own %s at boot "
			    "(kernel_alloc=n leaves them out)", what);
			goto fail;
		}
	}
	if (hugetlb_init(m, e, el))
		goto fail;
	khugepaged_min_free_kbytes_update(m);
	memory_dev_init(m);
	free_initmem(m);
	m->booted = true;
	if (m->fail.failed) {
		err(e, el, "boot failed: %s", m->fail.msg);
		goto fail;
	}
	return m;
fail:
	machine_destroy(m);
	return NULL;
}

void machine_destroy(struct machine *m)
{
	if (!m)
		return;
	proc_ctx_destroy(m);
	memory_hotplug_destroy(m);
	for (int n = 0; n < MAX_NUMNODES; n++)
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			host_free(m->node[n].node_zones[zi].pageblock_flags);
			host_free(m->node[n].node_zones[zi].pcp);
		}
	hugetlb_destroy(m);
	fstore_destroy(m);
	memblock_destroy(m);
	host_free(m->sections);
	host_free(m->vmemmap.fills);
	host_free(m->init_mm);
	host_free(m);
}
