/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check.h - the model's invariant checker (check.c), for the runner, the
 * fuzzer and the tests.  Not a kernel interface: the closest the kernel
 * has is CONFIG_DEBUG_VM's checks, which look at one page at a time.
 */
#ifndef MMSIM_CHECK_H
#define MMSIM_CHECK_H

#include "mm.h"

/*
 * Invariant checker (check.c): walks every free and pcp list and
 * recomputes the counters from the pages: nr_free per order and type,
 * NR_FREE_PAGES, pcp counts, free blocks aligned, PageBuddy with the right
 * order and list type, inside their zone, never overlapping each other or
 * a pcp page, highatomic reserve = its blocks.  With an in-use iterator
 * registered, also that no block the scenario holds is free.
 *
 * With processes (m->procs), also every live user address space: VMAs
 * sorted, non-empty, page aligned, owned, counted by map_count; its page
 * tables walked, so that no PTE maps a free page or lies outside every
 * VMA, every table page is reached once, and nr_pgtables,
 * pgtables_bytes and the rss counters equal what the walk finds; then,
 * over all mms, each mapped page's mapcount equals the PTEs that map it
 * and its refcount covers them (and the page cache), and NR_ANON_MAPPED,
 * NR_FILE_MAPPED and NR_PAGETABLE equal what the walks found.  User THPs
 * as 6.1 maps them: huge PMDs inside one VMA, an anonymous one with its
 * deposited table (counted like any table), the huge zero page read-only
 * and uncounted, compound_mapcount and each subpage's page_mapcount
 * against the PMDs and PTEs found, the head's refcount, NR_ANON_THPS,
 * NR_SHMEM_PMDMAPPED, NR_FILE_PMDMAPPED, NR_SHMEM_THPS and NR_FILE_THPS.
 */
typedef void (*mm_inuse_cb)(void *cbpriv, unsigned long pfn, unsigned int order);
typedef void (*mm_inuse_iter_fn)(void *priv, mm_inuse_cb cb, void *cbpriv);
void mm_set_inuse_iter(struct machine *m, mm_inuse_iter_fn fn, void *priv);
bool mm_check_invariants(struct machine *m, char *err, size_t errlen);

#endif /* MMSIM_CHECK_H */
