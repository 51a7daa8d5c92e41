/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * import.h - a real machine's memory state, as /proc/zoneinfo,
 * /proc/pagetypeinfo and /proc/buddyinfo show it, and the placement that
 * rebuilds it on a booted model machine (import.c).
 *
 * The dump gives, per zone, its span and sizes, its watermarks and per-cpu
 * list figures, the free blocks per order and migratetype and the
 * pageblocks per migratetype; it does not give a single pfn.  import_plan
 * chooses the pfns (deterministically, from a seed); import_apply puts the
 * machine's free lists, pageblock types and per-cpu lists in that state and
 * hands every other page of the zone to the caller as a held allocation.
 * sim/import.c reads the files; docs/scenario-language.md ("Importing a
 * real machine") says how the unknowable parts are chosen.
 */
#ifndef MMSIM_IMPORT_H
#define MMSIM_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "mm.h"
#include "mmzone.h"

struct machine;

/* Where a figure came from, for messages: file index (enum), line, column */
enum import_file { IMPORT_ZONEINFO, IMPORT_PAGETYPEINFO, IMPORT_BUDDYINFO, IMPORT_NR_FILES };

struct import_pos {
	int line, col;
};

struct import_zone {
	bool seen;			/* zoneinfo has the zone */
	bool populated;			/* present pages */
	unsigned long start_pfn, spanned, present, managed, free;
	unsigned long wmark[NR_WMARK];
	int nr_cpus;			/* pagesets listed */
	int pcp_count[MAX_CPUS], pcp_high[MAX_CPUS], pcp_batch[MAX_CPUS];
	int threshold;			/* vm stats threshold (largest) */
	bool have_protection;
	long protection[MAX_NR_ZONES];	/* lowmem_reserve, as boot computed it */
	/* pagetypeinfo: free blocks per migratetype and order, pageblocks per migratetype */
	bool have_free, have_blocks;
	unsigned long nr_free[MIGRATE_TYPES][MAX_ORDER];
	unsigned long nr_blocks[MIGRATE_TYPES];
	struct import_pos zone_pos;		/* zoneinfo's "Node N, zone NAME" line */
	struct import_pos managed_pos;		/* zoneinfo's managed line */
	struct import_pos free_pos[MIGRATE_TYPES];	/* pagetypeinfo's row of the type */
	struct import_pos blocks_pos;		/* pagetypeinfo's block count row */
};

struct mm_import {
	char path[IMPORT_NR_FILES][512];	/* the files read, as named in messages */
	int nr_nodes;
	int nr_cpus;
	struct import_zone zone[MAX_NUMNODES][MAX_NR_ZONES];
};

/* -------------------------------------------------------------------------
 * The placement of one zone (pure: no machine, unit-tested)
 */
enum import_page_state {
	IMP_UNAVAIL = 0,	/* not the buddy allocator's: hole, reserved, another zone */
	IMP_USED,		/* the allocator's, not free: held, or per-cpu */
	IMP_FREE,		/* in a free block */
	IMP_ANCHOR,		/* held, and must stay so: keeps a free block's buddy from merging */
};

struct import_free_block {
	unsigned long pfn;
	uint8_t order, mt;
};

struct import_plan {
	/* in */
	unsigned long first_pfn;	/* pageblock aligned */
	unsigned long nr_blocks;	/* pageblocks from first_pfn */
	const bool *counted;		/* [nr_blocks]: pagetypeinfo counts the block */
	uint8_t *state;			/* [nr_blocks << pageblock_order]: in IMP_UNAVAIL/IMP_USED, out */
	unsigned long nr_free[MIGRATE_TYPES][MAX_ORDER];
	unsigned long nr_type_blocks[MIGRATE_TYPES];
	uint64_t seed;
	/* out */
	int8_t *block_mt;		/* [nr_blocks]: -1 for blocks not counted */
	struct import_free_block *free;	/* in pfn order */
	size_t nr_free_blocks;
};

/*
 * Choose pageblock types and free block pfns; false with err (naming the
 * migratetype and order that did not fit) when the counts cannot be
 * placed in the zone's memory.  Frees p->free and p->block_mt with
 * import_plan_free.
 */
bool import_plan_zone(struct import_plan *p, char *err, size_t errlen);
void import_plan_free(struct import_plan *p);

/*
 * Rebuild the booted machine's free lists from imp: drain the per-cpu
 * lists, take every free block off the lists, give back to memblock the
 * pages the real kernel reserved beyond the model's (the managed
 * figure), place the zone (import_plan_zone with seed), set the
 * watermarks and per-cpu list figures, put the per-cpu pages, and call
 * hold(priv, pfn, order, user) for every other block of the zone: user
 * blocks are order-0 movable data in Movable pageblocks, the others
 * kernel blocks.  false with err ("FILE:LINE:COL: message") otherwise.
 */
typedef void (*import_hold_fn)(void *priv, unsigned long pfn, unsigned int order, bool user);
bool import_apply(struct machine *m, const struct mm_import *imp, uint64_t seed,
		  import_hold_fn hold, void *priv, char *err, size_t errlen);

#endif /* MMSIM_IMPORT_H */
