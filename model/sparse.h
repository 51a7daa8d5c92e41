/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sparse.h - memory sections after boot and the vmemmap that backs them
 * (mm/sparse.c, mm/sparse-vmemmap.c, arch/x86/mm/init_64.c and
 * __add_pages/__remove_pages of mm/memory_hotplug.c, Linux 6.1).
 *
 * arch_add_memory() adds [start_pfn, start_pfn + nr_pages) section piece
 * by section piece (sparse_add_section: fill the sub-section map, populate
 * the piece's memmap), arch_remove_memory() takes it away again
 * (sparse_remove_section -> section_deactivate -> vmemmap_free).  The
 * vmemmap is populated as x86 does it: 2 MiB PMDs for a section's worth,
 * base pages below that or when no 2 MiB block can be had, and the
 * sub-PMD rules of the vmemmap-subpmd policy family
 * (policies/vmemmap_subpmd.h) for PMDs a memmap only partly fills.
 *
 * Memory blocks, onlining, zones and the hotplug lock are not here:
 * memory_hotplug.c builds them on these calls.  Added memory is in no zone
 * (pfn_zone() returns NULL) until its section is onlined.
 */
#ifndef MMSIM_SPARSE_H
#define MMSIM_SPARSE_H

#include "machine.h"
#include "pgtable.h"

/*
 * memmap_on_memory: the memmap of a hot-added range carved from its own
 * first pages (include/linux/memremap.h).  vmemmap_populate takes its
 * blocks from [base_pfn + reserve, base_pfn + reserve + free).
 */
struct vmem_altmap {
	unsigned long base_pfn;		/* the range's first pfn */
	unsigned long end_pfn;		/* the range's end (not used by the allocator) */
	unsigned long reserve;		/* pages at the start kept out */
	unsigned long free;		/* pages the memmap may use */
	unsigned long align;		/* pages skipped to align blocks */
	unsigned long alloc;		/* pages given out */
};

/* Pages of a range the altmap accounts for (vmem_altmap_offset) */
static inline unsigned long vmem_altmap_offset(const struct vmem_altmap *altmap)
{
	return altmap ? altmap->reserve + altmap->free : 0;
}

/* A driver's range (memremap.h): no max_pfn update, no zone */
struct dev_pagemap;

struct mhp_params {
	struct vmem_altmap *altmap;	/* or NULL */
	pteval_t pgprot;		/* PAGE_KERNEL; 0 is refused, as the kernel does */
	struct dev_pagemap *pgmap;	/* set by memremap_pages */
};

/*
 * Add memory on node nid: 0, -EINVAL (not 2 MiB aligned, empty, a bad
 * altmap, no pgprot, no such node), -EEXIST (a sub-section already
 * present), -ENOMEM (no memory for the memmap), -ERANGE (beyond
 * MAX_PHYSMEM_BITS).  As in the kernel, sections added before a failing
 * one stay added.  Raises max_pfn unless params->pgmap.
 */
int arch_add_memory(struct machine *m, int nid, unsigned long start_pfn, unsigned long nr_pages,
		    struct mhp_params *params);
/*
 * Remove what arch_add_memory added (whole sub-sections).  A range that
 * is misaligned or not present is the kernel's WARNING: a simulated
 * failure (mm_fail), nothing removed.
 */
void arch_remove_memory(struct machine *m, unsigned long start_pfn, unsigned long nr_pages,
			struct vmem_altmap *altmap);

/* The steps, for memory_hotplug.c and tests */
int __add_pages(struct machine *m, int nid, unsigned long pfn, unsigned long nr_pages,
		struct mhp_params *params);
void __remove_pages(struct machine *m, unsigned long pfn, unsigned long nr_pages,
		    struct vmem_altmap *altmap);
int sparse_add_section(struct machine *m, int nid, unsigned long start_pfn,
		       unsigned long nr_pages, struct vmem_altmap *altmap,
		       struct dev_pagemap *pgmap);
void sparse_remove_section(struct machine *m, unsigned long pfn, unsigned long nr_pages,
			   unsigned long map_offset, struct vmem_altmap *altmap);
/* Make m->sections (and the frame index) cover section_nr */
void sparse_index_init(struct machine *m, unsigned long section_nr);

/* The section of pfn, or NULL beyond the table */
static inline struct mem_section *__pfn_to_section(struct machine *m, unsigned long pfn)
{
	unsigned long s = pfn >> PFN_SECTION_SHIFT;

	return s < m->nr_sections ? &m->sections[s] : NULL;
}
static inline unsigned int subsection_idx(unsigned long pfn)
{
	return (unsigned int)((pfn & (PAGES_PER_SECTION - 1)) / PAGES_PER_SUBSECTION);
}
/* Is pfn's struct page in use: its section's memmap covers it (early: all of it) */
bool memmap_in_use(struct machine *m, unsigned long pfn);

/*
 * x86's vmemmap_populate / vmemmap_free over vmemmap addresses
 * [start, end), page aligned.  Boot uses vmemmap_populate too, with its
 * sparse buffer in m->vmemmap.  0 or -ENOMEM.
 */
int vmemmap_populate(struct machine *m, uint64_t start, uint64_t end, int node,
		     struct vmem_altmap *altmap);
int vmemmap_populate_basepages(struct machine *m, uint64_t start, uint64_t end, int node,
			       struct vmem_altmap *altmap);
void vmemmap_free(struct machine *m, uint64_t start, uint64_t end, struct vmem_altmap *altmap);

/*
 * Boot: apply the fills vmemmap_memset queued while the memmap was not
 * initialised (m->vmemmap.defer_fills), once every memblock reservation
 * is made.  A fill of zeros over struct pages in use is dropped:
 * memmap_init writes them after it, and the frame store's boot state is
 * that write.
 */
void vmemmap_boot_fills_apply(struct machine *m);

/* memset / memchr_inv through the vmemmap (the page tables, not a TLB) */
void vmemmap_memset(struct machine *m, uint64_t va, uint64_t len, uint8_t byte);
uint64_t vmemmap_count_byte(struct machine *m, uint64_t va, uint64_t len, uint8_t byte);

/*
 * What the vmemmap looks like now, recounted from init_mm's page tables
 * (the vmemmap.* counters and the compare figures):
 *   pmds         huge PMDs mapping the vmemmap
 *   pte_tables   PMDs mapping it through a PTE table (base pages, HVO splits)
 *   pages        4 KiB vmemmap pages mapped (512 per huge PMD, one per PTE)
 *   pmds_partial huge PMDs holding bytes of no struct page in use
 *   pmds_marked  ... with some of those bytes PAGE_UNUSED
 *   bytes_marked the PAGE_UNUSED bytes among them
 *   pmds_leaked  huge PMDs holding no struct page in use at all
 */
struct vmemmap_census {
	unsigned long pmds, pte_tables, pages;
	unsigned long pmds_partial, pmds_marked, pmds_leaked;
	uint64_t bytes_marked;
};
void vmemmap_census(struct machine *m, struct vmemmap_census *c);

#endif /* MMSIM_SPARSE_H */
