/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pagewalk.h - the generic page-table walker (mm/pagewalk.c,
 * include/linux/pagewalk.h): a caller's callbacks at each level of the
 * real page tables of an mm, over the VMAs of a user mm or, with no VMA,
 * over any range (the kernel's own tables).
 *
 * The model's tables are frames (pgtable.h), so where the kernel passes a
 * pointer to an entry (pmd_t *pmd) the model passes the entry's place:
 * its table frame and index (struct pt_slot).  A callback reads the entry
 * with pt_slot_read() when it needs it, as the kernel's dereferences
 * *pmd; every read is a scheduling point under the explorer, as pt_read,
 * and a read of a table that was freed is reported there.
 *
 * x86_64 with 4-level paging: the p4d level is folded into the pgd, so
 * the model's PT_PGD tables are the kernel's p4d tables as well.
 * pgd_entry is called for every pgd slot of the range (pgd_none() is
 * false with the p4d folded), holes at that level are found one step
 * later and reported with depth 0; there is no p4d_entry.  PUD leaves
 * (1 GiB mappings) exist only in hugetlb VMAs, which go to hugetlb_entry,
 * and in no kernel range the model walks.
 *
 * The lock each entry point asserts is the pagewalk-lock family's
 * (policies/pagewalk_lock.h); a violated assertion is a simulated kernel
 * failure (a lockdep WARNING, as a kernel with CONFIG_PROVE_LOCKING and
 * CONFIG_DEBUG_VM reports it; Debian's own kernels have neither and
 * check nothing).
 */
#ifndef MMSIM_PAGEWALK_H
#define MMSIM_PAGEWALK_H

#include "pgtable.h"

struct huge_pte;
struct mm_walk;

/* Where an entry lives: the kernel's pgd_t *, pud_t *, pmd_t *, pte_t * */
struct pt_slot {
	unsigned long table;		/* pfn of the table frame */
	unsigned int idx;		/* 0..511 */
};

/*
 * Under the explorer a walker's read of an entry in a table frame that is
 * free (refcount 0: back in the buddy allocator or on a per-cpu list) is
 * a use-after-free of a page-table page, reported to the explorer
 * (pagewalk.c).  Frees that race lockless walkers of init_mm announce a
 * write of the whole frame (sparse.c's remove_pagetable), so a read and
 * the free are ordered against each other in the search.
 */
void pt_slot_read_check(struct machine *m, const struct pt_slot *s);

static inline pteval_t pt_slot_read(struct machine *m, const struct pt_slot *s)
{
	pteval_t v = pt_read(m, s->table, s->idx);

	if (unlikely(m->sched))
		pt_slot_read_check(m, s);	/* in the same step as the read */
	return v;
}

static inline void pt_slot_write(struct machine *m, const struct pt_slot *s, pteval_t v)
{
	pt_write(m, s->table, s->idx, v);
}

/*
 * The mmap lock a walk of a user mm's VMAs asserts (enum page_walk_lock,
 * 6.5+): the read lock, or the write lock (PGWALK_WRLOCK also write-locks
 * each VMA, PGWALK_WRLOCK_VERIFY expects it; per-VMA locks are not
 * modelled).  Kernels before 6.5 assert the read lock whatever the ops say.
 */
enum page_walk_lock {
	PGWALK_RDLOCK = 0,
	PGWALK_WRLOCK = 1,
	PGWALK_WRLOCK_VERIFY = 2,
};

/*
 * The callbacks (struct mm_walk_ops).  Each returns 0 to go on, > 0 to
 * stop the walk and hand that value to the caller, < 0 to stop with an
 * error.  @addr and @next bound the part of [start, end) the entry covers.
 *
 *   pgd_entry	every pgd slot of the range
 *   pud_entry	every non-empty PUD entry
 *   pmd_entry	every non-empty PMD entry, table or leaf (a huge PMD): it
 *		may split a leaf into a table, and the walk then goes on
 *		into the new table if there is a pte_entry
 *   pte_entry	every PTE of a table, empty ones too
 *   pte_hole	a range with no table below it; depth 0 (pgd/p4d), 2 (PUD),
 *		3 (PMD), or -1 outside any VMA
 *   hugetlb_entry  each huge page of a hugetlb VMA whose entry exists
 *   test_walk	before each VMA: 0 walk it, 1 skip it, < 0 stop.  Without
 *		it a VM_PFNMAP VMA is skipped (its range given to pte_hole)
 *   pre_vma, post_vma  around the walk of each VMA
 *
 * pud_entry and pmd_entry may set walk->action (reset to ACTION_SUBTREE
 * before each call).  Levels below the lowest callback are not walked.
 */
struct mm_walk_ops {
	int (*pgd_entry)(struct machine *m, const struct pt_slot *pgd, uint64_t addr,
			 uint64_t next, struct mm_walk *walk);
	int (*pud_entry)(struct machine *m, const struct pt_slot *pud, uint64_t addr,
			 uint64_t next, struct mm_walk *walk);
	int (*pmd_entry)(struct machine *m, const struct pt_slot *pmd, uint64_t addr,
			 uint64_t next, struct mm_walk *walk);
	int (*pte_entry)(struct machine *m, const struct pt_slot *pte, uint64_t addr,
			 uint64_t next, struct mm_walk *walk);
	int (*pte_hole)(struct machine *m, uint64_t addr, uint64_t next, int depth,
			struct mm_walk *walk);
	int (*hugetlb_entry)(struct machine *m, const struct huge_pte *pte, uint64_t hmask,
			     uint64_t addr, uint64_t next, struct mm_walk *walk);
	int (*test_walk)(struct machine *m, uint64_t addr, uint64_t next, struct mm_walk *walk);
	int (*pre_vma)(struct machine *m, uint64_t start, uint64_t end, struct mm_walk *walk);
	void (*post_vma)(struct machine *m, struct mm_walk *walk);
	enum page_walk_lock walk_lock;
};

/* What the walk does after a pud_entry or pmd_entry (enum page_walk_action) */
enum page_walk_action {
	ACTION_SUBTREE = 0,	/* go down into the entry's table (the default) */
	ACTION_CONTINUE = 1,	/* go on with the next entry at this level */
	ACTION_AGAIN = 2,	/* call the callback on this entry again */
};

struct mm_walk {
	const struct mm_walk_ops *ops;
	struct mm_struct *mm;
	unsigned long pgd;		/* the top table walked (no VMA); PFN_NONE: mm->pgd */
	struct vm_area_struct *vma;	/* the VMA walked now, NULL outside VMAs */
	enum page_walk_action action;
	bool no_vma;
	void *private;
};

/*
 * walk_page_range: walk [start, end) of @mm VMA by VMA, skipping VMAs as
 * test_walk says, calling pte_hole (depth -1) for the gaps.  A hugetlb
 * VMA goes to hugetlb_entry.  Descending into a huge PMD to call
 * pte_entry splits it (split_huge_pmd).  The caller holds @mm's mmap
 * lock as the policy asserts.  0, the first callback's nonzero return,
 * or -EINVAL for an empty range.
 */
int walk_page_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
		    const struct mm_walk_ops *ops, void *private);
/* walk_page_vma: the same over the whole of @vma */
int walk_page_vma(struct machine *m, struct vm_area_struct *vma, const struct mm_walk_ops *ops,
		  void *private);

/*
 * walk_page_range_novma: walk [start, end) of @mm's page tables (from
 * table @pgd when not PFN_NONE) with no regard for VMAs: the kernel's own
 * address space, init_mm.  No PTE table lock is taken, nothing is split
 * for the walker's sake, leaves are not descended into.  Asserts the
 * mmap lock the pagewalk-lock policy says (6.1: the write lock, 6.8: the
 * read lock is enough for init_mm, ...).
 */
int walk_page_range_novma(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
			  const struct mm_walk_ops *ops, unsigned long pgd, void *private);
/*
 * The same walk without any lock assertion: the walker's core
 * (walk_pgd_range), for kernel code that walks its own tables with a
 * walker of its own in the kernels it models (6.1's HVO).
 */
int __walk_page_range_novma(struct machine *m, struct mm_struct *mm, uint64_t start,
			    uint64_t end, const struct mm_walk_ops *ops, unsigned long pgd,
			    void *private);

/*
 * The kernel's mmap_assert_locked / mmap_assert_write_locked as lockdep
 * checks them: held by the running CPU (for read or write / for write).
 * On failure a simulated kernel WARNING naming @walker, the mm (init_mm,
 * or the process) and what the CPU holds (not held / read / write).
 * True when the assertion holds.
 */
bool mmap_assert_locked(struct machine *m, const char *walker, struct mm_struct *mm);
bool mmap_assert_write_locked(struct machine *m, const char *walker, struct mm_struct *mm);

#endif /* MMSIM_PAGEWALK_H */
