// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmzone.c - lookups over a machine's nodes, zones and memory sections,
 * the model's side of include/linux/mmzone.h (and mm/mmzone.c): which node
 * and zone a pfn belongs to, by range, as page_zone() would answer once
 * the memmap exists; whether a pfn has a memmap (pfn_valid with
 * SPARSEMEM_VMEMMAP); and the machine-wide sums of zone counters that
 * /proc/meminfo reads (global_zone_page_state, totalram_pages).
 */
#include "mmzone.h"
#include "machine.h"

/* -------------------------------------------------------------------------
 * pfn -> node, zone
 */
int pfn_to_nid(const struct machine *m, unsigned long pfn)
{
	unsigned long sec = pfn >> PFN_SECTION_SHIFT;

	/* memory added after boot is one node's, whatever the spans say */
	if (sec < m->nr_sections && m->sections[sec].present && !m->sections[sec].early)
		return m->sections[sec].nid;
	for (int n = 0; n < m->nr_nodes; n++) {
		const struct pglist_data *pg = &m->node[n];

		if (pfn >= pg->node_start_pfn && pfn < pg->node_start_pfn + pg->node_spanned_pages)
			return n;
	}
	return 0;
}

struct zone *pfn_zone(struct machine *m, unsigned long pfn)
{
	struct pglist_data *pg = &m->node[pfn_to_nid(m, pfn)];
	unsigned long sec = pfn >> PFN_SECTION_SHIFT;

	if (sec < m->nr_sections) {
		const struct mem_section *ms = &m->sections[sec];

		/* onlined by memory hotplug (zone spans may overlap there) */
		if (ms->zone)
			return ms->zone;
		if (ms->present && !ms->online)
			return NULL;	/* hot-added not onlined, or offline */
		if (ms->zone_device_map &&
		    (ms->zone_device_map >> ((pfn & (PAGES_PER_SECTION - 1)) / PAGES_PER_SUBSECTION) & 1))
			return NULL;	/* a driver's memory */
	}

	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (pg->node_zones[z].spanned_pages && zone_spans_pfn(&pg->node_zones[z], pfn))
			return &pg->node_zones[z];
	return NULL;
}

/* pfn_valid with SPARSEMEM_VMEMMAP: the section has a memmap and the
 * pfn's sub-section is populated (pfn_section_valid) */
bool pfn_valid(const struct machine *m, unsigned long pfn)
{
	unsigned long sec = pfn >> PFN_SECTION_SHIFT;
	const struct mem_section *ms;

	if (sec >= m->nr_sections)
		return false;
	ms = &m->sections[sec];
	return ms->has_memmap &&
	       (ms->subsection_map >> ((pfn & (PAGES_PER_SECTION - 1)) / PAGES_PER_SUBSECTION) & 1);
}

bool pfn_is_online(const struct machine *m, unsigned long pfn)
{
	unsigned long sec = pfn >> PFN_SECTION_SHIFT;

	return sec < m->nr_sections && m->sections[sec].online && pfn_valid(m, pfn);
}

/* -------------------------------------------------------------------------
 * Machine-wide sums of zone counters
 */
unsigned long global_zone_page_state(struct machine *m, int item)
{
	long sum = 0;
	struct zone *z;

	for_each_zone_of(m, z)
		sum += z->vm_stat[item];
	return sum < 0 ? 0 : (unsigned long)sum;
}

unsigned long totalram_pages(struct machine *m)
{
	unsigned long sum = 0;
	struct zone *z;

	for_each_zone_of(m, z)
		sum += z->managed_pages;
	return sum;
}
