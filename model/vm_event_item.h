/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vm_event_item.h - the events the model counts
 * (include/linux/vm_event_item.h): the part of /proc/vmstat's events it
 * keeps.  The counters live in struct machine; count_vm_event() is in
 * machine.h.
 */
#ifndef MMSIM_VM_EVENT_ITEM_H
#define MMSIM_VM_EVENT_ITEM_H

enum vm_event_item {
	PGALLOC_DMA, PGALLOC_DMA32, PGALLOC_NORMAL, PGALLOC_MOVABLE,
	PGFREE,
	ALLOCSTALL_NORMAL,
	COMPACTMIGRATE_SCANNED, COMPACTFREE_SCANNED, COMPACTISOLATED,
	COMPACTSTALL, COMPACTFAIL, COMPACTSUCCESS,
	KCOMPACTD_WAKE,
	PAGEOUTRUN,		/* kswapd's balance_pgdat runs */
	PGMIGRATE_SUCCESS, PGMIGRATE_FAIL,
	HTLB_BUDDY_PGALLOC, HTLB_BUDDY_PGALLOC_FAIL,
	NR_VM_EVENT_ITEMS
};


#endif /* MMSIM_VM_EVENT_ITEM_H */
