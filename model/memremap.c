// SPDX-License-Identifier: GPL-2.0-only
/*
 * memremap.c - a driver's memory (see memremap.h): pagemap_range's
 * System RAM check and arch_add_memory with a pgmap, then the range's
 * sub-sections marked as the driver's (the model's ZONE_DEVICE:
 * pfn_zone() returns NULL for them); memunmap_pages the reverse.
 */
#include <errno.h>

#include "memblock.h"
#include "memremap.h"
#include "mmzone.h"
#include "pgtable.h"
#include "sparse.h"

/* A pgmap is only a marker here: params->pgmap != NULL */
struct dev_pagemap {
	int unused;
};

/* region_intersects(IORESOURCE_SYSTEM_RAM): boot memory or hot-added memory that is not a driver's */
static bool intersects_system_ram(struct machine *m, unsigned long start, unsigned long end)
{
	if (memblock_overlaps_memory(m, start, end))
		return true;
	for (unsigned long pfn = start; pfn < end; pfn += PAGES_PER_SUBSECTION) {
		const struct mem_section *ms = __pfn_to_section(m, pfn);
		unsigned int i = subsection_idx(pfn);

		if (ms && ms->present && !ms->early && (ms->subsection_map >> i & 1) &&
		    !(ms->zone_device_map >> i & 1))
			return true;
	}
	return false;
}

static void mark_device(struct machine *m, unsigned long start, unsigned long end, bool set)
{
	for (unsigned long pfn = start; pfn < end; pfn += PAGES_PER_SUBSECTION) {
		struct mem_section *ms = __pfn_to_section(m, pfn);
		uint64_t bit = 1ULL << subsection_idx(pfn);

		if (set)
			ms->zone_device_map |= bit;
		else
			ms->zone_device_map &= ~bit;
	}
}

int memremap_pages(struct machine *m, int nid, unsigned long start_pfn, unsigned long nr_pages)
{
	struct dev_pagemap pgmap = { 0 };
	struct mhp_params params = { .pgprot = PAGE_KERNEL, .pgmap = &pgmap };
	unsigned long end = start_pfn + nr_pages;
	int ret;

	if (end > start_pfn && end <= MAX_PHYS_PFN && intersects_system_ram(m, start_pfn, end))
		return -ENXIO;
	ret = arch_add_memory(m, nid, start_pfn, nr_pages, &params);
	if (ret)
		return ret;
	mark_device(m, start_pfn, end, true);	/* move_pfn_range_to_zone(ZONE_DEVICE) */
	return 0;
}

int memunmap_pages(struct machine *m, unsigned long start_pfn, unsigned long nr_pages)
{
	unsigned long end = start_pfn + nr_pages;

	if (!nr_pages || ((start_pfn | nr_pages) & (PAGES_PER_SUBSECTION - 1)) || end > MAX_PHYS_PFN)
		return -EINVAL;
	for (unsigned long pfn = start_pfn; pfn < end; pfn += PAGES_PER_SUBSECTION) {
		const struct mem_section *ms = __pfn_to_section(m, pfn);

		if (!ms || !(ms->zone_device_map >> subsection_idx(pfn) & 1))
			return -EINVAL;
	}
	mark_device(m, start_pfn, end, false);	/* remove_pfn_range_from_zone */
	arch_remove_memory(m, start_pfn, nr_pages, NULL);
	return 0;
}
