/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * migrate.h - migration of movable in-use blocks (include/linux/migrate.h):
 * which blocks compaction may move, and who is told when one moves.
 * page_alloc.c keeps the marking and the callback; compaction.c migrates.
 */
#ifndef MMSIM_MIGRATE_H
#define MMSIM_MIGRATE_H

#include "mm.h"

/* Migration of one movable in-use block: allocate a target, move contents.
 * The model's owner of the block is told so it can follow (page_alloc.c
 * keeps a callback so the scenario runner's ids follow migrated pages). */
typedef void (*migrate_notify_fn)(void *priv, unsigned long old_pfn,
				  unsigned long new_pfn, unsigned int order);
void mm_set_migrate_notify(struct machine *m, migrate_notify_fn fn, void *priv);

/* A page allocated by the runner or a workload is "movable user data" when
 * it carries this mapping tag (and PG_lru); compaction may migrate exactly
 * those.  Only order-0 and compound blocks can be marked (the kernel's LRU
 * holds folios); a non-compound block of order > 0 stays pinned: returns
 * whether the block was marked. */
#define PAGE_MAPPING_MOVABLE_DATA	0x2UL	/* like PAGE_MAPPING_MOVABLE */
/* page->mapping low bits (include/linux/page-flags.h) */
#define PAGE_MAPPING_ANON		0x1UL
#define PAGE_MAPPING_FLAGS		0x3UL
bool mm_mark_movable_data(struct machine *m, unsigned long pfn, unsigned int order);
/* Is pfn such a block (its head)?  compaction.c */
bool is_movable_data(struct machine *m, unsigned long pfn);
/*
 * migrate_pages for one such block, isolated from the LRU by the caller
 * (PG_lru cleared): its contents and tag move to dst, a block of the same
 * order the caller allocated (alloc_migration_target), the owner is told,
 * and the source is freed.  compaction.c
 */
void migrate_movable_block(struct machine *m, unsigned long src, unsigned long dst,
			   unsigned int order);

/*
 * Anonymous user pages (migrate.c): isolate an order-0 anon page from the
 * LRU for compaction (false when it is not one, or is pinned beyond its
 * mappings), put it back, or move it to dst, a free page the caller
 * isolated (every PTE follows; the old page is freed).
 */
bool isolate_anon_lru_page(struct machine *m, unsigned long pfn);
void putback_anon_lru_page(struct machine *m, unsigned long pfn);
void migrate_anon_page(struct machine *m, unsigned long src, unsigned long dst);

#endif /* MMSIM_MIGRATE_H */
