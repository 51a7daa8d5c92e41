/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compaction.h - memory compaction (include/linux/compaction.h,
 * mm/compaction.c, Linux 6.1): direct compaction for the allocator's slow
 * path, its suitability and deferral, whole-node compaction, and the
 * fragmentation indices (vmstat.c computes them, as the kernel does).
 */
#ifndef MMSIM_COMPACTION_H
#define MMSIM_COMPACTION_H

#include "mm.h"
#include "gfp.h"
#include "mmzone.h"

enum compact_result {
	COMPACT_NOT_SUITABLE_ZONE, COMPACT_SKIPPED, COMPACT_DEFERRED,
	COMPACT_NO_SUITABLE_PAGE, COMPACT_CONTINUE, COMPACT_COMPLETE,
	COMPACT_PARTIAL_SKIPPED, COMPACT_CONTENDED, COMPACT_SUCCESS,
};
enum compact_priority {
	COMPACT_PRIO_SYNC_FULL,
	MIN_COMPACT_PRIORITY = COMPACT_PRIO_SYNC_FULL,
	COMPACT_PRIO_SYNC_LIGHT,
	MIN_COMPACT_COSTLY_PRIORITY = COMPACT_PRIO_SYNC_LIGHT,
	DEF_COMPACT_PRIORITY = COMPACT_PRIO_SYNC_LIGHT,
	COMPACT_PRIO_ASYNC,
	INIT_COMPACT_PRIORITY = COMPACT_PRIO_ASYNC
};

/*
 * A direct compactor's claim on the block it frees (struct
 * capture_control, current->capture_control): while it is set in
 * m->capture_control, __free_one_page hands a block of this order in this
 * zone to the compactor instead of the free lists (compaction_capture).
 */
struct capture_control {
	struct zone *zone;
	int order;
	unsigned long page;		/* the captured block, or PFN_NONE */
	/*
	 * 6.12: a compactor for movable pages may capture a movable block
	 * smaller than a pageblock (compaction_capture; docs/model-notes.md)
	 */
	bool capture_movable;
};

/*
 * Direct compaction of the zones an allocation from preferred_nid may use
 * (its zonelist, up to gfp_zone); *capture (when not NULL) is the block
 * captured for it, or PFN_NONE
 */
enum compact_result try_to_compact_pages(struct machine *m, gfp_t gfp, unsigned int order,
					 int preferred_nid, unsigned int alloc_flags,
					 enum compact_priority prio, unsigned long *capture);
/* COMPACT_SUCCESS, COMPACT_SKIPPED or COMPACT_CONTINUE; order -1: compact_memory */
int compaction_suitable(struct machine *m, struct zone *z, int order,
			unsigned int alloc_flags, int highest_zoneidx);
/*
 * should_compact_retry's question after a skipped compaction: would some
 * zone of the zonelist (up to highest_zoneidx) have order-0 room enough
 * for compaction at this order?
 */
bool compaction_zonelist_suitable(struct machine *m, struct zone *const *zonelist,
				  int highest_zoneidx, int order, unsigned int alloc_flags);
/*
 * An allocation in z of this order is expected (false) or succeeded
 * (true) after compaction: the zone's deferral is reset for it
 */
void compaction_defer_reset(struct zone *z, int order, bool alloc_success);
/*
 * kswapd going to sleep: clear the skip hints of the node's zones where a
 * direct compaction's scanners met since (compact_blockskip_flush)
 */
void reset_isolation_suitable(struct machine *m, int nid);
/* Compact a whole node (echo 1 > /proc/sys/vm/compact_memory) */
void compact_node(struct machine *m, int nid);
/* Fragmentation index of a zone at an order, x1000 (fragmentation_index) */
int fragmentation_index(struct zone *z, unsigned int order);
int unusable_free_index(struct zone *z, unsigned int order);
/* The same from free block counts by order (e.g. summed over zones) */
int unusable_free_index_blocks(const unsigned long nr_free[MAX_ORDER], unsigned int order);
int fragmentation_index_blocks(const unsigned long nr_free[MAX_ORDER], unsigned int order);

#endif /* MMSIM_COMPACTION_H */
