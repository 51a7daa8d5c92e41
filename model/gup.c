// SPDX-License-Identifier: GPL-2.0-only
/*
 * gup.c - get_user_pages for another process's address space (mm/gup.c,
 * follow_trans_huge_pmd of mm/huge_memory.c, 6.1; the FOLL_SPLIT branch
 * of 5.3 for the thp-uprobe policy foll-split).
 *
 * The walk reads the page tables level by level as follow_page_mask
 * does: nothing mapped is "no page" (the caller faults it in and walks
 * again), a huge PMD gives the subpage at the address, a PTE gives its
 * page.  The flags decide on the way:
 *
 *   FOLL_WRITE     the entry must be writable, or (FOLL_FORCE, a private
 *                  mapping the VMA may write but does not) map an
 *                  exclusive anonymous page: can_follow_write_pte.  A
 *                  file page there is "no page", so faultin_page takes a
 *                  write fault, which copies it (COW) into an anonymous
 *                  page mapped read-only; the next walk accepts that one.
 *   FOLL_SPLIT_PMD a huge PMD is split (a file PMD just goes, an anon
 *                  one becomes 512 PTEs, the huge zero page 512 PTEs of
 *                  the zero page), a PTE table is put in when the PMD is
 *                  empty, and the PTE is followed; the THP stays whole.
 *                  -EBUSY when the PMD of the huge zero page is not a
 *                  table after the split (pmd_trans_unstable).
 *   FOLL_SPLIT     (5.3) the THP itself is split into 512 pages first,
 *                  mapped by PMD or by PTEs; the PMD is then empty (file)
 *                  or a table (anon) and the walk goes on from there.
 *
 * The caller holds the mmap lock and the model never drops it (no
 * VM_FAULT_RETRY); pages come back referenced (FOLL_GET).
 *
 * Simplified: FOLL_TOUCH's mark_page_accessed sets PG_referenced on the
 * folio but never moves it to the active list (the model keeps user pages
 * on the inactive lists); no FOLL_PIN, FOLL_LONGTERM, GUP-fast, hugetlb
 * (-EFAULT) or device mappings.
 */
#include <errno.h>

#include "gup.h"
#include "cpu.h"
#include "huge_memory.h"
#include "machine.h"
#include "memory.h"
#include "mmap.h"
#include "page.h"
#include "rmap.h"
#include "task.h"

#define _PAGE_SOFT_DIRTY	(1ULL << 11)	/* _PAGE_SOFTW3 */

/* A walk that makes no progress on one page this often is a bug in the model */
#define GUP_MAX_RETRIES		1000

struct follow_page_context {
	unsigned int page_mask;
};

bool is_zero_pfn(struct machine *m, unsigned long pfn)
{
	return pfn == proc_ctx(m)->zero_pfn;
}

static inline unsigned int idx_at(uint64_t va, unsigned int shift)
{
	return (unsigned int)(va >> shift) & (PTRS_PER_TABLE - 1);
}

/* pte_protnone: PROT_NONE, not present to the CPU */
static bool pte_protnone(pteval_t e)
{
	return (e & (_PAGE_PRESENT | _PAGE_PROTNONE)) == _PAGE_PROTNONE;
}

/* FOLL_FORCE has to get through PROT_NONE (and skips NUMA hinting faults) */
static bool gup_can_follow_protnone(unsigned int flags)
{
	return flags & FOLL_FORCE;
}

static bool is_cow_mapping(unsigned long flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

/* CONFIG_MEM_SOFT_DIRTY: tracking is on for a VMA clear_refs cleared VM_SOFTDIRTY on */
static bool vma_soft_dirty_enabled(const struct vm_area_struct *vma)
{
	return !(vma->vm_flags & VM_SOFTDIRTY);
}

bool try_grab_page(struct machine *m, unsigned long pfn, unsigned int flags)
{
	if (page_ref_count(m, page_head(m, pfn)) <= 0)	/* WARN_ON_ONCE in the kernel */
		return false;
	if (flags & FOLL_GET)
		get_page(m, pfn);
	return true;
}

/* mark_page_accessed, first step only (see the header comment) */
static void mark_page_accessed(struct machine *m, unsigned long pfn)
{
	unsigned long head = page_head(m, pfn);

	if (!PageReferenced(m, head))
		SetPageReferenced(m, head);
}

static int no_page_table(const struct vm_area_struct *vma, unsigned int flags,
			 unsigned long *pfn)
{
	/* a core dump skips holes of memory that would read as zeroes */
	if ((flags & FOLL_DUMP) && vma_is_anonymous(vma))
		return -EFAULT;
	*pfn = PFN_NONE;
	return 0;
}

/*
 * can_follow_write_pte / can_follow_write_pmd: may GUP write through this
 * entry without a write fault first?  FOLL_FORCE writes through a
 * read-only entry only in a private mapping the VMA may write but does
 * not (VM_MAYWRITE, !VM_WRITE), and only to an anonymous page that is
 * exclusively this mapping's: the COW already happened.
 */
static bool can_follow_write(struct machine *m, pteval_t e, unsigned long pfn,
			     const struct vm_area_struct *vma, unsigned int flags, bool pmd)
{
	if (pte_write(e))
		return true;
	if (!(flags & FOLL_FORCE))
		return false;
	if (vma->vm_flags & (VM_MAYSHARE | VM_SHARED))
		return false;
	if (!(vma->vm_flags & VM_MAYWRITE))
		return false;
	if (vma->vm_flags & VM_WRITE)
		return false;
	if (pfn == PFN_NONE || !PageAnon(m, pfn) || !PageAnonExclusive(m, pfn))
		return false;
	if (!pmd && vma_soft_dirty_enabled(vma) && !(e & _PAGE_SOFT_DIRTY))
		return false;
	return true;		/* no userfaultfd write protection in the model */
}

static int follow_page_pte(struct machine *m, struct vm_area_struct *vma, uint64_t address,
			   unsigned long pmd_table, unsigned int pmd_idx, unsigned int flags,
			   unsigned long *pfn_out)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long pte_table, pfn;
	unsigned int idx = idx_at(address, PAGE_SHIFT);
	spinlock_t *ptl;
	pteval_t pmd, pte;
	int ret = 0;

retry:
	pmd = pt_read(m, pmd_table, pmd_idx);
	if (!pte_present(pmd) || pmd_leaf(pmd))	/* pmd_bad: it changed under us */
		return no_page_table(vma, flags, pfn_out);
	pte_table = pte_pfn(pmd);
	ptl = table_lock(m, mm, pte_table);
	spin_lock(m, ptl);
	pte = pt_read(m, pte_table, idx);
	if (!upte_present(pte))
		goto no_page;
	if (pte_protnone(pte) && !gup_can_follow_protnone(flags))
		goto no_page;
	pfn = vm_normal_pfn(pte);
	if ((flags & FOLL_WRITE) && !can_follow_write(m, pte, pfn, vma, flags, false)) {
		pfn = PFN_NONE;
		goto out;
	}
	if (pfn == PFN_NONE) {
		if (flags & FOLL_DUMP) {
			ret = -EFAULT;		/* no zero pages in core dumps */
			goto out;
		}
		if (!is_zero_pfn(m, pte_pfn(pte))) {
			ret = -EEXIST;		/* follow_pfn_pte: no struct page */
			goto out;
		}
		pfn = pte_pfn(pte);
	}
	if ((flags & FOLL_SPLIT) && PageCompound(m, pfn)) {
		/* 5.3: a PTE-mapped THP is split too, and the walk starts over */
		unsigned long head = page_head(m, pfn);

		get_page(m, head);
		spin_unlock(m, ptl);
		ret = split_huge_page(m, head);
		put_page(m, head);
		if (ret)
			return ret;
		goto retry;
	}
	if (!try_grab_page(m, pfn, flags)) {
		ret = -ENOMEM;
		goto out;
	}
	if (flags & FOLL_TOUCH) {
		unsigned long head = page_head(m, pfn);

		if ((flags & FOLL_WRITE) && !(pte & _PAGE_DIRTY) && !PageDirty(m, head))
			SetPageDirty(m, head);		/* set_page_dirty */
		mark_page_accessed(m, pfn);
	}
out:
	spin_unlock(m, ptl);
	*pfn_out = ret ? PFN_NONE : pfn;
	return ret;
no_page:
	spin_unlock(m, ptl);
	if (pte) {			/* not none: a fault will sort it out */
		*pfn_out = PFN_NONE;
		return 0;
	}
	return no_page_table(vma, flags, pfn_out);
}

/* follow_trans_huge_pmd, with the PMD lock held */
static int follow_trans_huge_pmd(struct machine *m, struct vm_area_struct *vma,
				 uint64_t address, unsigned long pmd_table, unsigned int pmd_idx,
				 pteval_t pmd, unsigned int flags, unsigned long *pfn_out)
{
	unsigned long head = pte_pfn(pmd);

	*pfn_out = PFN_NONE;
	if ((flags & FOLL_WRITE) && !can_follow_write(m, pmd, head, vma, flags, true))
		return 0;
	if ((flags & FOLL_DUMP) && is_huge_zero_pmd(m, pmd))
		return -EFAULT;
	if (!try_grab_page(m, head, flags))
		return -ENOMEM;
	if (flags & FOLL_TOUCH) {		/* touch_pmd */
		pteval_t e = pmd | _PAGE_ACCESSED | ((flags & FOLL_WRITE) ? _PAGE_DIRTY : 0);

		if (e != pmd)
			pt_write(m, pmd_table, pmd_idx, e);
	}
	*pfn_out = head + ((address & (HPAGE_PMD_SIZE - 1)) >> PAGE_SHIFT);
	return 0;
}

/* pmd_trans_unstable: none, huge or bad, i.e. not a PTE table */
static bool pmd_trans_unstable(struct machine *m, unsigned long pmd_table, unsigned int pmd_idx)
{
	pteval_t pmd = pt_read(m, pmd_table, pmd_idx);

	return !pte_present(pmd) || pmd_leaf(pmd);
}

static int follow_pmd_mask(struct machine *m, struct vm_area_struct *vma, uint64_t address,
			   unsigned long pmd_table, unsigned int flags,
			   struct follow_page_context *ctx, unsigned long *pfn)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned int pmd_idx = idx_at(address, PMD_SHIFT);
	pteval_t pmdval = pt_read(m, pmd_table, pmd_idx);
	spinlock_t *ptl;
	int ret;

	if (!pte_present(pmdval))		/* pmd_none (no THP migration entries) */
		return no_page_table(vma, flags, pfn);
	if (!pmd_leaf(pmdval))
		return follow_page_pte(m, vma, address, pmd_table, pmd_idx, flags, pfn);

	ptl = table_lock(m, mm, pmd_table);
	spin_lock(m, ptl);
	pmdval = pt_read(m, pmd_table, pmd_idx);
	if (!pte_present(pmdval)) {
		spin_unlock(m, ptl);
		return no_page_table(vma, flags, pfn);
	}
	if (!pmd_leaf(pmdval)) {
		spin_unlock(m, ptl);
		return follow_page_pte(m, vma, address, pmd_table, pmd_idx, flags, pfn);
	}
	/*
	 * The seed's "mm, thp: introduce FOLL_SPLIT_PMD" shape: both split
	 * flags share the huge zero page case; FOLL_SPLIT wins when both are
	 * given (it splits the PMD too).  6.1 has only the FOLL_SPLIT_PMD half.
	 */
	if (flags & (FOLL_SPLIT | FOLL_SPLIT_PMD)) {
		unsigned long head = pte_pfn(pmdval);

		ret = 0;
		if (is_huge_zero_pmd(m, pmdval)) {
			spin_unlock(m, ptl);
			__split_huge_pmd(m, vma, address, pmd_table, pmd_idx);
			if (pmd_trans_unstable(m, pmd_table, pmd_idx))
				ret = -EBUSY;
		} else if (flags & FOLL_SPLIT) {
			if (!try_grab_page(m, head, FOLL_GET)) {	/* try_get_page */
				spin_unlock(m, ptl);
				return -ENOMEM;
			}
			spin_unlock(m, ptl);
			/* lock_page + split_huge_page + unlock_page: the model's takes the lock */
			ret = split_huge_page(m, head);
			put_page(m, head);
			if (!pte_present(pt_read(m, pmd_table, pmd_idx)))
				return no_page_table(vma, flags, pfn);
		} else {
			spin_unlock(m, ptl);
			__split_huge_pmd(m, vma, address, pmd_table, pmd_idx);
			ret = pte_alloc(m, mm, pmd_table, pmd_idx) ? -ENOMEM : 0;
		}
		if (ret) {
			*pfn = PFN_NONE;
			return ret;
		}
		return follow_page_pte(m, vma, address, pmd_table, pmd_idx, flags, pfn);
	}
	ret = follow_trans_huge_pmd(m, vma, address, pmd_table, pmd_idx, pmdval, flags, pfn);
	spin_unlock(m, ptl);
	ctx->page_mask = HPAGE_PMD_NR - 1;
	return ret;
}

static int follow_pud_mask(struct machine *m, struct vm_area_struct *vma, uint64_t address,
			   unsigned long pud_table, unsigned int flags,
			   struct follow_page_context *ctx, unsigned long *pfn)
{
	pteval_t pud = pt_read(m, pud_table, idx_at(address, PUD_SHIFT));

	if (!pte_present(pud) || pmd_leaf(pud))	/* none, or a 1 GiB leaf (hugetlb/DAX only) */
		return no_page_table(vma, flags, pfn);
	return follow_pmd_mask(m, vma, address, pte_pfn(pud), flags, ctx, pfn);
}

/* The p4d level is folded on 4-level x86_64: the pgd entry is the p4d entry */
static int follow_p4d_mask(struct machine *m, struct vm_area_struct *vma, uint64_t address,
			   pteval_t p4d, unsigned int flags, struct follow_page_context *ctx,
			   unsigned long *pfn)
{
	if (!pte_present(p4d))
		return no_page_table(vma, flags, pfn);
	return follow_pud_mask(m, vma, address, pte_pfn(p4d), flags, ctx, pfn);
}

static int follow_page_mask(struct machine *m, struct vm_area_struct *vma, uint64_t address,
			    unsigned int flags, struct follow_page_context *ctx,
			    unsigned long *pfn)
{
	struct mm_struct *mm = vma->vm_mm;
	pteval_t pgd;

	ctx->page_mask = 0;
	pgd = pt_read(m, mm->pgd, idx_at(address, PGDIR_SHIFT));
	if (!pte_present(pgd))
		return no_page_table(vma, flags, pfn);
	return follow_p4d_mask(m, vma, address, pgd, flags, ctx, pfn);
}

int follow_page(struct machine *m, struct vm_area_struct *vma, uint64_t address,
		unsigned int foll_flags, unsigned long *pfn)
{
	struct follow_page_context ctx = { 0 };

	*pfn = PFN_NONE;
	if (foll_flags & FOLL_PIN)
		return 0;
	return follow_page_mask(m, vma, address, foll_flags, &ctx, pfn);
}

static int vm_fault_to_errno(vm_fault_t r)
{
	if (r & VM_FAULT_OOM)
		return -ENOMEM;
	if (r & (VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV))
		return -EFAULT;
	return 0;
}

/* faultin_page: 0 (walk again), -EBUSY (retry later), or an errno */
static int faultin_page(struct machine *m, struct vm_area_struct *vma, uint64_t address,
			unsigned int flags)
{
	unsigned int fault_flags = 0;
	vm_fault_t ret;

	if (flags & FOLL_NOFAULT)
		return -EFAULT;
	if (flags & FOLL_WRITE)
		fault_flags |= FAULT_FLAG_WRITE;
	ret = handle_mm_fault(m, vma, address, fault_flags);
	if (ret & VM_FAULT_ERROR)
		return vm_fault_to_errno(ret);
	if (ret & VM_FAULT_RETRY)
		return -EBUSY;
	return 0;
}

static int check_vma_flags(const struct vm_area_struct *vma, unsigned int gup_flags)
{
	unsigned long vm_flags = vma->vm_flags;

	if (vm_flags & (VM_IO | VM_PFNMAP))
		return -EFAULT;
	if ((gup_flags & FOLL_ANON) && !vma_is_anonymous(vma))
		return -EFAULT;
	if (gup_flags & FOLL_WRITE) {
		if (!(vm_flags & VM_WRITE)) {
			if (!(gup_flags & FOLL_FORCE))
				return -EFAULT;
			if (vm_flags & VM_HUGETLB)
				return -EFAULT;
			/* FOLL_FORCE writes only by COW: never into a shared mapping */
			if (!is_cow_mapping(vm_flags))
				return -EFAULT;
		}
	} else if (!(vm_flags & VM_READ)) {
		if (!(gup_flags & FOLL_FORCE))
			return -EFAULT;
		if (!(vm_flags & VM_MAYREAD))
			return -EFAULT;
	}
	return 0;
}

long __get_user_pages(struct machine *m, struct mm_struct *mm, uint64_t start,
		      unsigned long nr_pages, unsigned int gup_flags, unsigned long *pages,
		      struct vm_area_struct **vmas)
{
	struct follow_page_context ctx = { 0 };
	struct vm_area_struct *vma = NULL;
	long ret = 0, i = 0;
	SCHED_WHERE(m);

	if (!nr_pages)
		return 0;
	if (!!pages != !!(gup_flags & FOLL_GET))	/* VM_BUG_ON in the kernel */
		return -EINVAL;
	do {
		unsigned long pfn, page_increm;
		int tries = 0, r;

		if (!vma || start >= vma->vm_end) {
			vma_set_point(m, mm, SCHED_READ);
			vma = find_vma(mm, start);		/* vma_lookup */
			if (vma && vma->vm_start > start)
				vma = NULL;
			if (!vma) {
				ret = -EFAULT;
				goto out;
			}
			ret = check_vma_flags(vma, gup_flags);
			if (ret)
				goto out;
			if (vma->vm_flags & VM_HUGETLB) {	/* follow_hugetlb_page: not modelled */
				ret = -EFAULT;
				goto out;
			}
		}
retry:
		cond_resched(m);
		r = follow_page_mask(m, vma, start, gup_flags, &ctx, &pfn);
		if (!r && pfn == PFN_NONE) {
			if (++tries > GUP_MAX_RETRIES) {
				mm_fail(m, "get_user_pages at %#llx: no progress after %d faults",
					(unsigned long long)start, GUP_MAX_RETRIES);
				ret = -EFAULT;
				goto out;
			}
			ret = faultin_page(m, vma, start, gup_flags);
			switch (ret) {
			case 0:
				goto retry;
			case -EBUSY:
			case -EAGAIN:
				ret = 0;
				goto out;
			default:
				goto out;
			}
		} else if (r == -EEXIST) {
			/* a mapping without a struct page: nothing to hand back */
			if (pages) {
				ret = r;
				goto out;
			}
			goto next_page;
		} else if (r) {
			ret = r;
			goto out;
		}
		if (pages) {
			pages[i] = pfn;
			ctx.page_mask = 0;
		}
next_page:
		if (vmas) {
			vmas[i] = vma;
			ctx.page_mask = 0;
		}
		page_increm = 1 + (~(start >> PAGE_SHIFT) & ctx.page_mask);
		if (page_increm > nr_pages)
			page_increm = nr_pages;
		i += (long)page_increm;
		start += page_increm * PAGE_SIZE;
		nr_pages -= page_increm;
	} while (nr_pages);
out:
	return i ? i : ret;
}

long get_user_pages_remote(struct machine *m, struct mm_struct *mm, uint64_t start,
			   unsigned long nr_pages, unsigned int gup_flags, unsigned long *pages,
			   struct vm_area_struct **vmas)
{
	/* is_valid_gup_flags: FOLL_PIN and FOLL_LONGTERM belong to pin_user_pages */
	if (gup_flags & (FOLL_PIN | FOLL_LONGTERM))
		return -EINVAL;
	gup_flags |= FOLL_TOUCH | FOLL_REMOTE;
	if (pages)
		gup_flags |= FOLL_GET;
	return __get_user_pages(m, mm, start, nr_pages, gup_flags, pages, vmas);
}
