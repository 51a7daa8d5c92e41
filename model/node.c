// SPDX-License-Identifier: GPL-2.0-only
/*
 * node.c - per-node memory accounting as counters, the numbers the
 * kernel shows per node under /sys/devices/system/node/node<nid>/
 * (drivers/base/node.c) and that no /proc file of the model breaks down
 * by node.
 *
 * Counters (read with counter_read, module.h):
 *   node.<nid>.free_pages            free pages in the node's buddy lists
 *   node.<nid>.pcp_pages             pages on its zones' per-cpu lists
 *   node.<nid>.nr_memmap_pages       vmemmap pages from the buddy and
 *   node.<nid>.nr_memmap_boot_pages  from memblock (6.12's NR_MEMMAP,
 *                                    NR_MEMMAP_BOOT; HVO frees both)
 *   node.<nid>.nr_page_table_pages   page table pages (NR_PAGETABLE)
 * The node's files themselves are not modelled yet.
 */
#include "machine.h"
#include "mmzone.h"
#include "module.h"
#include "page_alloc.h"
#include "vout.h"

static void node_counters(struct machine *m, struct vout *vo)
{
	for (int n = 0; n < m->nr_nodes; n++) {
		struct pglist_data *pg = &m->node[n];
		long free = 0, pcp = 0;

		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			free += pg->node_zones[zi].vm_stat[NR_FREE_PAGES];
			pcp += (long)pcp_total(m, &pg->node_zones[zi]);
		}
		vo_rec(vo, free, "node.%d.free_pages", n);
		vo_rec(vo, pcp, "node.%d.pcp_pages", n);
		vo_rec(vo, pg->nr_memmap_pages, "node.%d.nr_memmap_pages", n);
		vo_rec(vo, pg->nr_memmap_boot_pages, "node.%d.nr_memmap_boot_pages", n);
		vo_rec(vo, pg->vm_stat[NR_PAGETABLE], "node.%d.nr_page_table_pages", n);
	}
}

static const struct counter_ns node_counter_ns[] = {
	{ "node.", node_counters },
};

const struct mm_module mm_module_node = {
	.name = "node",
	.counters = node_counter_ns,
	.nr_counters = ARRAY_SIZE(node_counter_ns),
};
