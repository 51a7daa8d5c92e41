/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvo.h - the family of vmemmap optimisation policies.
 *
 * The mechanism (hugetlb_vmemmap.c) splits, walks, flushes and frees; an
 * entry's ops are what its kernel does at the points where the kernels
 * differ: whether and how a new head page is allocated, how each PTE of
 * the walk is remapped, how the freed pages are freed, when a page is
 * marked optimised, how restore fills a page back in.  Each entry says
 * which kernel or patch it models.  Adding a variant is one entry in
 * hvo.c's table (plus the functions of whatever it does differently).
 */
#ifndef MMSIM_POLICIES_HVO_H
#define MMSIM_POLICIES_HVO_H

#include "hugetlb_vmemmap.h"
#include "policy.h"

struct hvo_ops {
	/*
	 * Before the walk (vmemmap_remap_free): allocate the page that
	 * becomes the new head into walk->reuse_page (vmemmap_alloc_head
	 * with @gfp, head_gfp below) and copy the head vmemmap page into it
	 * now or leave that to remap_pte; or leave reuse_page PFN_NONE and
	 * the walk keeps the head vmemmap page.  0, or -ENOMEM to leave the
	 * hugepage unoptimised.
	 */
	int (*alloc_head)(struct machine *m, struct vmemmap_remap_walk *walk, int nid, gfp_t gfp);
	gfp_t head_gfp;
	/*
	 * walk->remap_pte: map the PTE @pte of @addr, which maps @frame, onto
	 * walk->reuse_page and queue @frame (vmemmap_walk_queue).  Called
	 * for every PTE but the first, and for the first when there is a
	 * new head.
	 */
	void (*remap_pte)(struct machine *m, const struct pt_slot *pte, uint64_t addr,
			  unsigned long frame, struct vmemmap_remap_walk *walk);
	/* Free the vmemmap pages a remap took out (vmemmap_free_account each); empties @list */
	void (*free_vmemmap_page_list)(struct machine *m, struct frame_list *list);
	/*
	 * Optimise one hugepage: vmemmap_should_optimize, vmemmap_remap_free
	 * (@flags, collecting into @list when non-NULL) and the
	 * HPageVmemmapOptimized mark, set when this kernel sets it; counts
	 * hvo_stats.optimized.  0 or a negative errno.
	 */
	int (*optimize_folio)(struct machine *m, const struct hstate *h, unsigned long head,
			      unsigned int flags, struct frame_list *list);
	/*
	 * walk->restore_pte: give the PTE @pte of @addr its own page @page
	 * again, filled from @reuse_page, mapped read-write.  Used by restore
	 * and to undo a remap whose split failed.
	 */
	void (*restore_pte)(struct machine *m, const struct pt_slot *pte, uint64_t addr,
			    unsigned long page, unsigned long reuse_page);
	gfp_t restore_gfp;		/* restore's order-0 allocations */
	/*
	 * 6.12: restore's new pages are a LIFO list (alloc_vmemmap_page_list
	 * list_adds them), so the first tail PTE gets the last page
	 * allocated; 6.1 list_add_tails them, the first gets the first.
	 */
	bool restore_lifo;
	/*
	 * A remap whose walk fails (a PMD split out of memory), as 6.12
	 * undoes it (vmemmap_remap_free's rollback with vmemmap_restore_pte,
	 * "mm/hugetlb_vmemmap: fix incorrect vmemmap restore in rollback"):
	 * the walked PTEs that map the shared page are restored, in address
	 * order, from the head of the walk's LIFO list (the newest page the
	 * walk took out first), each with a byte copy of the shared page; in
	 * 6.12 the head page is the shared page, so the head PTE is restored
	 * too and the new head, already off the list, is mapped nowhere and
	 * never freed.  A walk that failed before its first PTE leaves the new
	 * head on the list: freed with it (the batch's list, which is then not
	 * empty, so the batch frees it and retries the page).  Without this
	 * (6.1 to 6.7) every walked PTE gets its own page back, the head PTE
	 * the old head with the new head's contents, and the new head is
	 * freed at once.
	 */
	bool undo_from_list;
	/*
	 * The walk of init_mm's tables over [start, end) every remap,
	 * restore and split goes through (vmemmap_remap_range), with the
	 * mechanism's @ops and @private; the caller holds init_mm's mmap
	 * lock for read, as every kernel's HVO takes it.  Up to 6.7 HVO
	 * walks with a walker of its own, which asserts nothing; from 6.8
	 * with walk_page_range_novma (6.17: walk_kernel_page_table_range),
	 * which asserts what the pagewalk-lock policy says.
	 */
	int (*walk)(struct machine *m, uint64_t start, uint64_t end, const struct mm_walk_ops *ops,
		    void *private);
	/*
	 * How hugetlb (hugetlb.c) treats pool pages around the mechanism;
	 * its code differs with these, read through hugetlb_vmemmap_batched()
	 * and hugetlb_vmemmap_restore_frozen().
	 */
	bool batch;		/* 6.7+: a pool write allocates all, then optimize_folios */
	bool restore_frozen;	/* 6.12: a pool page is restored at refcount 0 */
};

/* The "hvo" family of the policy registry (policy.h) */
extern const struct policy_family policy_family_hvo;

/* The entry machine m runs */
static inline const struct hvo_ops *hvo_ops(const struct machine *m)
{
	return machine_policy(m, &policy_family_hvo);
}

#endif /* MMSIM_POLICIES_HVO_H */
