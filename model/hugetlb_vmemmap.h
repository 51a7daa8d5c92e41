/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hugetlb_vmemmap.h - HugeTLB Vmemmap Optimization (HVO) as a mechanism
 * with policies (mm/hugetlb_vmemmap.c).  The first part is what hugetlb
 * calls; the second what the policies' ops (policies/hvo.h) are made of.
 */
#ifndef MMSIM_HUGETLB_VMEMMAP_H
#define MMSIM_HUGETLB_VMEMMAP_H

#include "hugetlb.h"
#include "page_alloc.h"
#include "pagewalk.h"
#include "pgtable.h"

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
/* The same with VMEMMAP_* @flags: VMEMMAP_REMAP_NO_TLB_FLUSH for a batch (6.7+) */
int hugetlb_vmemmap_restore_flags(struct machine *m, const struct hstate *h, unsigned long head,
				  unsigned int flags);

/*
 * 6.7+ batching: a pool write allocates all its pages first, then
 * optimises them together (one flush per phase).  hugetlb asks whether
 * the policy batches (hvo_ops.batch); the batch entry point works for
 * any policy.
 */
bool hugetlb_vmemmap_batched(struct machine *m);
void hugetlb_vmemmap_optimize_folios(struct machine *m, const struct hstate *h,
				     const unsigned long *heads, unsigned long n);

/*
 * 6.12: a pool page is restored while still frozen and gets its reference
 * only afterwards; 6.1 takes the reference first (remove_hugetlb_page).
 * hugetlb asks which: a 6.12 machine (its hugetlb.c), or an entry that
 * models 6.12 (hvo_ops.restore_frozen).
 */
bool hugetlb_vmemmap_restore_frozen(struct machine *m);

/* Is HVO switched on (boot parameter or sysctl) */
bool hugetlb_vmemmap_enabled(struct machine *m);
void hugetlb_vmemmap_set_enabled(struct machine *m, bool on);

/* -------------------------------------------------------------------------
 * The pieces the HVO policies (policies/hvo.c) build their ops from.
 */

/* Vmemmap frames to free (the kernel threads them through page->lru) */
struct frame_list {
	unsigned long *pfn;
	size_t n, cap;
};

/*
 * One walk of the vmemmap of a hugepage (struct vmemmap_remap_walk), the
 * private data of the page walk (pagewalk.h) every remap, restore and
 * split goes through: the tails are mapped onto reuse_page, and the
 * frames taken out of the vmemmap are queued, with the address each
 * backed, to be freed.
 */
struct vmemmap_remap_walk {
	uint64_t reuse_addr;		/* the head vmemmap page */
	unsigned long reuse_page;	/* PFN_NONE: the frame at reuse_addr, found by the walk */
	unsigned long *queued;
	uint64_t *queued_va;
	unsigned long nr_queued;
	/*
	 * The mechanism's own: what each PTE of the walk gets (@frame is what
	 * it maps now; NULL: the walk only splits PMDs), the VMEMMAP_* flags,
	 * and the state of an undo or a restore.
	 */
	int (*remap_pte)(struct machine *m, const struct pt_slot *pte, uint64_t addr,
			 unsigned long frame, struct vmemmap_remap_walk *walk);
	unsigned int flags;
	unsigned long old_head;		/* the frame the head PTE mapped before the walk */
	unsigned long new_head;		/* a head page allocated for the walk, or PFN_NONE */
	unsigned long nr_undone;	/* undo: queued entries put back */
	const unsigned long *pages;	/* restore: the frames the tails get, in order */
	unsigned long nr_restored;
};

#define VMEMMAP_SPLIT_NO_TLB_FLUSH	0x1
#define VMEMMAP_REMAP_NO_TLB_FLUSH	0x2

/* The frame backing vmemmap address va, found through init_mm */
unsigned long vmemmap_frame(struct machine *m, uint64_t va);
/* Make the vmemmap PTE at @pte map @frame */
static inline void vmemmap_set_pte(struct machine *m, const struct pt_slot *pte,
				   unsigned long frame, pteval_t prot)
{
	pt_slot_write(m, pte, pfn_pte(frame, prot));
}
/* Queue frame, which backed va, on the walk's list of pages to free */
static inline void vmemmap_walk_queue(struct vmemmap_remap_walk *walk, unsigned long frame,
				      uint64_t va)
{
	walk->queued[walk->nr_queued] = frame;
	walk->queued_va[walk->nr_queued++] = va;
}
/* Allocate a page to become a new head vmemmap page, counted as memmap; or PFN_NONE */
unsigned long vmemmap_alloc_head(struct machine *m, int nid, gfp_t gfp);
/*
 * Count a vmemmap frame as freed and drop its contents; true when it is
 * boot memmap (PageReserved), which needs freeing as such.
 */
bool vmemmap_free_account(struct machine *m, unsigned long pfn);

/* Is the hugepage at head one HVO may optimise now */
bool vmemmap_should_optimize(struct machine *m, const struct hstate *h, unsigned long head);
/*
 * Remap [reuse + PAGE_SIZE, end) onto the reuse page with the policy's
 * ops and free what was taken out, or collect it into list when non-NULL.
 * 0, or a negative errno with the vmemmap as it was.
 */
int vmemmap_remap_free(struct machine *m, int nid, uint64_t reuse, uint64_t end,
		       unsigned int flags, struct frame_list *list);
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
 *   hvo.rollback_heads_lost      6.12: new heads a failed remap's rollback
 *                                left mapped nowhere and allocated
 *   hvo.pgtable_pages            init_mm's page table pages
 *   hvo.tlb_flushes              kernel TLB flushes
 *   hvo.heads_allocated.<nid>    new head pages, by node
 */

#endif /* MMSIM_HUGETLB_VMEMMAP_H */
