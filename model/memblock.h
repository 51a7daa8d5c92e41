/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memblock.h - the boot-time memory allocator (include/linux/memblock.h,
 * mm/memblock.c): its types, which struct machine embeds, and its calls.
 */
#ifndef MMSIM_MEMBLOCK_H
#define MMSIM_MEMBLOCK_H

#include "mm.h"

struct memblock_region {
	unsigned long base_pfn, end_pfn;	/* [base, end) */
	int nid;
	const char *what;			/* reserved: who asked */
};

struct memblock_type {
	int cnt, max;
	struct memblock_region *regions;	/* sorted, non-overlapping */
};

struct memblock {
	struct memblock_type memory;
	struct memblock_type reserved;
};

#define MEMBLOCK_ALLOC_ANYWHERE	(~0UL)

void memblock_add_node(struct machine *m, unsigned long base_pfn, unsigned long end_pfn, int nid);
void memblock_reserve(struct machine *m, unsigned long base_pfn, unsigned long end_pfn,
		      const char *what);
void memblock_free(struct machine *m, unsigned long base_pfn, unsigned long end_pfn);
/*
 * Top-down allocation of nr_pages aligned to align pages inside
 * [min_pfn, max_pfn) on node nid (exact_nid: that node only; otherwise
 * any node if nid has no room).  Returns the base pfn or PFN_NONE.
 */
unsigned long memblock_alloc_try_nid(struct machine *m, unsigned long nr_pages,
				     unsigned long align, unsigned long min_pfn,
				     unsigned long max_pfn, int nid, bool exact_nid,
				     const char *what);
void memblock_destroy(struct machine *m);

/* Iterate [start, end) ranges of memory that are not reserved, ascending */
typedef void (*memblock_range_fn)(struct machine *m, unsigned long start,
				  unsigned long end, int nid, void *priv);
void for_each_free_mem_range(struct machine *m, memblock_range_fn fn, void *priv);
unsigned long memblock_reserved_pages(struct machine *m, unsigned long start, unsigned long end);

/* Queries on memblock.memory and memblock.reserved, after boot too */
/*
 * Is pfn System RAM: in memblock.memory, or in memory added after boot
 * (a present sub-section of a section that is not early, and no driver's:
 * x86 does not extend memblock on hot-add)?
 */
bool pfn_present_mem(const struct machine *m, unsigned long pfn);
/* The first pfn of [pfn, end) that is not pfn_present_mem, or end: runs, not pfns */
unsigned long pfn_present_mem_end(const struct machine *m, unsigned long pfn, unsigned long end);
bool memblock_is_reserved(const struct machine *m, unsigned long pfn);
bool memblock_range_plain(const struct machine *m, unsigned long start, unsigned long end);
bool memblock_overlaps_memory(const struct machine *m, unsigned long start, unsigned long end);

#endif /* MMSIM_MEMBLOCK_H */
