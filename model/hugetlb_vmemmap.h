/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hugetlb_vmemmap.h - HugeTLB Vmemmap Optimization (HVO) as a mechanism
 * with policies (mm/hugetlb_vmemmap.c).
 */
#ifndef MMSIM_HUGETLB_VMEMMAP_H
#define MMSIM_HUGETLB_VMEMMAP_H

#include "hugetlb.h"

/* Bytes of vmemmap a hugepage of h owns, and how many of them HVO frees */
unsigned long hugetlb_vmemmap_size(struct machine *m, const struct hstate *h);
unsigned long hugetlb_vmemmap_optimizable_size(struct machine *m, const struct hstate *h);
static inline bool hugetlb_vmemmap_optimizable(struct machine *m, const struct hstate *h)
{
	return hugetlb_vmemmap_optimizable_size(m, h) != 0;
}

/*
 * Called by hugetlb for each new pool page (__prep_new_huge_page) and
 * before a pool page goes back to the buddy (__update_and_free_page).
 * restore returns 0 or -ENOMEM; on failure the caller keeps the page as
 * a surplus page, as 6.1 does.
 */
void hugetlb_vmemmap_optimize(struct machine *m, const struct hstate *h, unsigned long head);
int hugetlb_vmemmap_restore(struct machine *m, const struct hstate *h, unsigned long head);

/*
 * 6.7+ batching: a pool write allocates all its pages first, then
 * optimises them together (one flush per phase).  hugetlb asks whether
 * the policy batches; the batch entry point works for any policy.
 */
bool hugetlb_vmemmap_batched(struct machine *m);
void hugetlb_vmemmap_optimize_folios(struct machine *m, const struct hstate *h,
				     const unsigned long *heads, unsigned long n);

/*
 * 6.12: a pool page is restored while still frozen and gets its reference
 * only afterwards; 6.1 takes the reference first (remove_hugetlb_page).
 */
bool hugetlb_vmemmap_restore_frozen(struct machine *m);

/* Is HVO switched on (boot parameter or sysctl) */
bool hugetlb_vmemmap_enabled(struct machine *m);
void hugetlb_vmemmap_set_enabled(struct machine *m, bool on);

/*
 * Counters (read with counter_read, module.h), the optimisation's work
 * since boot:
 *   hvo.enabled                  HVO on (boot parameter or sysctl)
 *   hvo.optimized                pool pages whose vmemmap is optimised now
 *   hvo.vmemmap_pages_freed      vmemmap pages freed, boot memmap included
 *   hvo.bootmem_pages_freed      of them, boot (memblock) memmap
 *   hvo.head_alloc_failed        new head pages not had (reused or skipped)
 *   hvo.pmd_splits               vmemmap PMDs split into PTE tables
 *   hvo.restored, hvo.restore_failed, hvo.restore_pages
 *                                restores, failed ones, pages allocated
 *   hvo.batch_retries            6.7 batching: retries after -ENOMEM
 *   hvo.pgtable_pages            init_mm's page table pages
 *   hvo.tlb_flushes              kernel TLB flushes
 *   hvo.heads_allocated.<nid>    new head pages, by node
 */

#endif /* MMSIM_HUGETLB_VMEMMAP_H */
