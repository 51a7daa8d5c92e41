// SPDX-License-Identifier: GPL-2.0-only
/*
 * huge_memory.c - transparent huge pages in user mappings
 * (mm/huge_memory.c, mm/memory.c's PMD paths, 6.1), and the THP files
 * under /sys/kernel/mm/transparent_hugepage/.
 *
 * Anonymous THPs: a fault on an empty PMD of a VMA that may have THPs
 * (hugepage_vma_check) and covers the aligned 2 MiB maps an order-9 folio
 * by PMD, or on a read the huge zero page; every such PMD carries a
 * deposited page table, counted in PageTables and VmPTE, that becomes the
 * PTE table when the PMD is split.  A write to a PMD that is not
 * exclusively ours splits it and copies one 4 KiB page (6.1 has no 2 MiB
 * COW).  fork copies anonymous PMDs write-protected; file PMDs are not
 * copied (the child refaults).
 *
 * File (tmpfs) THPs: a fault that finds an order-9 folio maps it by PMD
 * when the VMA is suitably aligned (do_set_pmd); splitting such a PMD
 * just unmaps it, and the pages refault by PTE.
 *
 * split_huge_page turns a THP into 512 pages: reachable through the
 * kernel's debugfs file /sys/kernel/debug/split_huge_pages and partial
 * truncation.  Anonymous subpages are remapped PTE by PTE; file pages are
 * unmapped and refault.  The deferred split queue is only counted
 * (thp_deferred_split_page): the shrinker that would split queued THPs
 * under memory pressure is not modelled.
 *
 * The mapcount rules are 6.1's (PageDoubleMap, compound_mapcount): see
 * rmap.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "huge_memory.h"
#include "cpu.h"
#include "filemap.h"
#include "gfp.h"
#include "khugepaged.h"
#include "machine.h"
#include "mman.h"
#include "mmap.h"
#include "mmzone.h"
#include "module.h"
#include "page.h"
#include "page_alloc.h"
#include "rmap.h"
#include "sbuf.h"
#include "task.h"
#include "vout.h"

struct thp_settings *thp_settings(struct machine *m)
{
	struct proc_ctx *pc = proc_ctx(m);

	if (!pc->thp.init) {
		pc->thp.init = true;
		pc->thp.enabled = m->thp_off_at_boot ? THP_NEVER : m->opts.thp_enabled;
		pc->thp.defrag = m->thp_off_at_boot ? THP_DEFRAG_NEVER : THP_DEFRAG_MADVISE;
		pc->thp.use_zero_page = !m->thp_off_at_boot;
		pc->thp.shmem_enabled = SHMEM_HUGE_NEVER;
		pc->thp.huge_zero_pfn = PFN_NONE;
	}
	return &pc->thp;
}

/* transhuge_vma_suitable: the aligned 2 MiB around addr lies in the VMA,
 * and a file's pages line up with PMDs */
bool transhuge_vma_suitable(const struct vm_area_struct *vma, uint64_t addr)
{
	uint64_t haddr = addr & ~(HPAGE_PMD_SIZE - 1);

	if (!vma_is_anonymous(vma) &&
	    (((vma->vm_start >> PAGE_SHIFT) - vma->vm_pgoff) & (HPAGE_PMD_NR - 1)))
		return false;
	return haddr >= vma->vm_start && haddr + HPAGE_PMD_SIZE <= vma->vm_end;
}

/*
 * hugepage_vma_check(vma, vm_flags, smaps, in_pf, enforce_sysfs): faults
 * and smaps enforce the sysfs setting, MADV_COLLAPSE does not (and asks
 * shmem with shmem_huge_force).
 */
bool hugepage_vma_check_flags(struct machine *m, const struct vm_area_struct *vma,
			      unsigned long f, bool smaps, bool in_pf, bool enforce_sysfs)
{
	struct thp_settings *t = thp_settings(m);

	if ((f & VM_NOHUGEPAGE) || (vma->vm_mm->flags & (1UL << MMF_DISABLE_THP)))
		return false;
	if (f & (VM_SPECIAL | VM_HUGETLB))
		return false;
	if (!in_pf && !transhuge_vma_suitable(vma, vma->vm_end - HPAGE_PMD_SIZE))
		return false;
	/* shmem has its own settings: before (and instead of) sysfs enabled */
	if (!in_pf && vma->vm_file && vma->vm_file->shmem)
		return __shmem_is_huge(m, vma, vma->vm_file, vma->vm_pgoff, !enforce_sysfs);
	if (enforce_sysfs && (t->enabled == THP_NEVER ||
			      (!(f & VM_HUGEPAGE) && t->enabled != THP_ALWAYS)))
		return false;
	if (!vma_is_anonymous(vma))
		return false;
	if (!vma->anon_vma)
		return smaps || in_pf;
	return true;
}

bool hugepage_vma_check(struct machine *m, const struct vm_area_struct *vma, bool smaps,
			bool in_pf)
{
	return hugepage_vma_check_flags(m, vma, vma->vm_flags, smaps, in_pf, true);
}

/* vma_thp_gfp_mask: how hard a THP allocation tries, by the defrag setting */
gfp_t vma_thp_gfp_mask(struct machine *m, const struct vm_area_struct *vma)
{
	bool madvised = vma && (vma->vm_flags & VM_HUGEPAGE);

	switch (thp_settings(m)->defrag) {
	case THP_DEFRAG_ALWAYS:
		return GFP_TRANSHUGE | (madvised ? 0 : __GFP_NORETRY);
	case THP_DEFRAG_DEFER:
		return GFP_TRANSHUGE_LIGHT | __GFP_KSWAPD_RECLAIM;
	case THP_DEFRAG_DEFER_MADVISE:
		return GFP_TRANSHUGE_LIGHT | (madvised ? __GFP_DIRECT_RECLAIM : __GFP_KSWAPD_RECLAIM);
	case THP_DEFRAG_MADVISE:
		return GFP_TRANSHUGE_LIGHT | (madvised ? __GFP_DIRECT_RECLAIM : 0);
	default:
		return GFP_TRANSHUGE_LIGHT;
	}
}

/*
 * vma_alloc_folio(hugepage=true) with the default mempolicy: the local
 * node only (__GFP_THISNODE | __GFP_NORETRY); other nodes only when the
 * mask may reclaim directly (defrag always, or a madvised VMA).
 */
unsigned long vma_alloc_hugepage(struct machine *m, gfp_t gfp)
{
	int nid = m->cpu_node[m->cur_cpu];
	unsigned long pfn = __alloc_pages(m, gfp | __GFP_THISNODE | __GFP_NORETRY, HPAGE_PMD_ORDER,
					  nid);

	if (pfn == PFN_NONE && (gfp & __GFP_DIRECT_RECLAIM))
		pfn = __alloc_pages(m, gfp, HPAGE_PMD_ORDER, nid);
	return pfn;
}

/* A zeroed table for the PMD to carry (pte_alloc_one) */
static unsigned long deposit_table_alloc(struct machine *m)
{
	unsigned long pfn = __alloc_pages(m, GFP_KERNEL_ACCOUNT | __GFP_ZERO, 0,
					  m->cpu_node[m->cur_cpu]);

	if (pfn == PFN_NONE)
		return PFN_NONE;
	fstore_frame_zero(m, pfn);
	__SetPageTable(m, pfn);
	m->node[page_to_nid(m, pfn)].vm_stat[NR_PAGETABLE]++;
	return pfn;
}

static void deposit_table_free(struct machine *m, unsigned long pfn)
{
	__ClearPageTable(m, pfn);
	m->node[page_to_nid(m, pfn)].vm_stat[NR_PAGETABLE]--;
	__free_pages(m, pfn, 0);
}

/* pgtable_trans_huge_deposit / withdraw: the model keeps the deposited
 * table in an xmap of the mm, keyed by the PMD slot (table pfn << 9 | index) */
void pgtable_trans_huge_deposit(struct mm_struct *mm, unsigned long pmd_table, unsigned int idx,
				unsigned long pt)
{
	xmap_set(&mm->deposited, ((uint64_t)pmd_table << 9) | idx, pt);
}

/* A table allocated for the deposit (deposit_table_alloc) starts counting in mm here */
static void deposit(struct mm_struct *mm, unsigned long pmd_table, unsigned int idx,
		    unsigned long pt)
{
	pgtable_trans_huge_deposit(mm, pmd_table, idx, pt);
	mm->nr_pgtables++;
	mm->pgtables_bytes += PAGE_SIZE;
}

static unsigned long withdraw(struct mm_struct *mm, unsigned long pmd_table, unsigned int idx)
{
	uint64_t pt = PFN_NONE;

	if (xmap_get(&mm->deposited, ((uint64_t)pmd_table << 9) | idx, &pt))
		xmap_del(&mm->deposited, ((uint64_t)pmd_table << 9) | idx);
	return (unsigned long)pt;
}

/* get_huge_zero_page: allocated on first use, kept (the shrinker is not modelled) */
static unsigned long mm_get_huge_zero_page(struct machine *m, struct mm_struct *mm)
{
	struct thp_settings *t = thp_settings(m);

	if (t->huge_zero_pfn == PFN_NONE) {
		unsigned long pfn = __alloc_pages(m, (GFP_TRANSHUGE | __GFP_ZERO) & ~__GFP_MOVABLE,
						  HPAGE_PMD_ORDER, m->cpu_node[m->cur_cpu]);

		if (pfn == PFN_NONE) {
			count_vm_event(m, THP_ZERO_PAGE_ALLOC_FAILED);
			return PFN_NONE;
		}
		count_vm_event(m, THP_ZERO_PAGE_ALLOC);
		t->huge_zero_pfn = pfn;
	}
	if (!(mm->flags & (1UL << MMF_HUGE_ZERO_PAGE))) {
		mm->flags |= 1UL << MMF_HUGE_ZERO_PAGE;
		t->huge_zero_users++;
	}
	return t->huge_zero_pfn;
}

bool is_huge_zero_pmd(struct machine *m, pteval_t pmd)
{
	struct thp_settings *t = thp_settings(m);

	return t->huge_zero_pfn != PFN_NONE && pte_pfn(pmd) == t->huge_zero_pfn;
}

static vm_fault_t do_huge_pmd_anonymous_page(struct machine *m, struct vm_area_struct *vma,
					     uint64_t addr, unsigned int flags,
					     unsigned long pmd_table, unsigned int pmd_idx)
{
	struct mm_struct *mm = vma->vm_mm;
	uint64_t haddr = addr & ~(HPAGE_PMD_SIZE - 1);
	spinlock_t *ptl;
	unsigned long pt, head;
	pteval_t entry;

	if (!transhuge_vma_suitable(vma, haddr))
		return VM_FAULT_FALLBACK;
	if (anon_vma_prepare(m, vma))
		return VM_FAULT_OOM;
	khugepaged_enter_vma(m, vma, vma->vm_flags);
	if (!(flags & FAULT_FLAG_WRITE) && thp_settings(m)->use_zero_page) {
		unsigned long zp;

		pt = deposit_table_alloc(m);
		if (pt == PFN_NONE)
			return VM_FAULT_OOM;
		zp = mm_get_huge_zero_page(m, mm);
		if (zp == PFN_NONE) {
			deposit_table_free(m, pt);
			count_vm_event(m, THP_FAULT_FALLBACK);
			return VM_FAULT_FALLBACK;
		}
		ptl = table_lock(m, mm, pmd_table);
		spin_lock(m, ptl);
		if (!pte_present(pt_read(m, pmd_table, pmd_idx))) {
			deposit(mm, pmd_table, pmd_idx, pt);
			entry = pfn_pte(zp, vm_get_page_prot(vma->vm_flags) & ~_PAGE_RW) | _PAGE_PSE;
			pt_write(m, pmd_table, pmd_idx, entry);
			pt = PFN_NONE;
		}
		spin_unlock(m, ptl);
		if (pt != PFN_NONE)
			deposit_table_free(m, pt);
		return 0;
	}
	head = vma_alloc_hugepage(m, vma_thp_gfp_mask(m, vma));
	if (head == PFN_NONE) {
		count_vm_event(m, THP_FAULT_FALLBACK);
		return VM_FAULT_FALLBACK;
	}
	pt = deposit_table_alloc(m);
	if (pt == PFN_NONE) {
		put_page(m, head);
		return VM_FAULT_OOM;
	}
	SetPageUptodate(m, head);
	ptl = table_lock(m, mm, pmd_table);
	spin_lock(m, ptl);
	if (pte_present(pt_read(m, pmd_table, pmd_idx))) {
		spin_unlock(m, ptl);
		deposit_table_free(m, pt);
		put_page(m, head);
		return 0;
	}
	entry = pfn_pte(head, vm_get_page_prot(vma->vm_flags)) | _PAGE_PSE | _PAGE_DIRTY;
	if (vma->vm_flags & VM_WRITE)
		entry |= _PAGE_RW;
	page_add_new_anon_rmap_pmd(m, head, vma, haddr);
	lru_cache_add(m, head, HPAGE_PMD_NR);
	deposit(mm, pmd_table, pmd_idx, pt);
	pt_write(m, pmd_table, pmd_idx, entry);
	inc_mm_counter(mm, MM_ANONPAGES, HPAGE_PMD_NR);
	spin_unlock(m, ptl);
	count_vm_event(m, THP_FAULT_ALLOC);
	return 0;
}

vm_fault_t create_huge_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			   unsigned int flags, unsigned long pmd_table, unsigned int pmd_idx)
{
	if (!vma_is_anonymous(vma) || !hugepage_vma_check(m, vma, false, true))
		return VM_FAULT_FALLBACK;
	return do_huge_pmd_anonymous_page(m, vma, addr, flags, pmd_table, pmd_idx);
}

/* do_set_pmd: map a file THP by PMD, or VM_FAULT_FALLBACK */
vm_fault_t do_set_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
		      unsigned long head, bool write, unsigned long pmd_table, unsigned int pmd_idx)
{
	struct mm_struct *mm = vma->vm_mm;
	spinlock_t *ptl;
	pteval_t entry;

	if (!transhuge_vma_suitable(vma, addr) || !PageHead(m, head) ||
	    compound_order(m, head) != HPAGE_PMD_ORDER)
		return VM_FAULT_FALLBACK;
	ptl = table_lock(m, mm, pmd_table);
	spin_lock(m, ptl);
	if (pte_present(pt_read(m, pmd_table, pmd_idx))) {
		spin_unlock(m, ptl);
		return VM_FAULT_NOPAGE;		/* raced: the reference stays the caller's */
	}
	entry = pfn_pte(head, vm_get_page_prot(vma->vm_flags)) | _PAGE_PSE;
	if (write)
		entry |= _PAGE_DIRTY | ((vma->vm_flags & VM_WRITE) ? _PAGE_RW : 0);
	inc_mm_counter(mm, mm_counter_of(m, head), HPAGE_PMD_NR);
	page_add_file_rmap_pmd(m, head);
	pt_write(m, pmd_table, pmd_idx, entry);
	spin_unlock(m, ptl);
	count_vm_event(m, THP_FILE_MAPPED);
	return 0;
}

/* ---- splitting a PMD ------------------------------------------------------ */

/*
 * __split_huge_pmd_locked.  Anonymous: the deposited table gets 512 PTEs
 * onto the subpages.  The huge zero page: 512 PTEs onto the 4 KiB zero
 * page.  File: the PMD just goes (the pages refault).
 */
static void split_huge_pmd_locked(struct machine *m, struct vm_area_struct *vma, uint64_t haddr,
				  unsigned long pmd_table, unsigned int pmd_idx, pteval_t pmd)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long head = pte_pfn(pmd), pt;
	pteval_t prot = (pmd & ~(PTE_PFN_MASK | _PAGE_PSE | _PAGE_DIRTY));

	if (prot & _PAGE_PROTNONE)	/* a PROT_NONE PTE is not _PAGE_PRESENT */
		prot &= ~_PAGE_PRESENT;
	count_vm_event(m, THP_SPLIT_PMD);
	if (!vma_is_anonymous(vma)) {
		pt_write(m, pmd_table, pmd_idx, 0);
		if (pmd & _PAGE_DIRTY)
			SetPageDirty(m, head);
		page_remove_rmap_pmd(m, head);
		inc_mm_counter(mm, mm_counter_of(m, head), -(long)HPAGE_PMD_NR);
		put_page(m, head);
		return;
	}
	pt = withdraw(mm, pmd_table, pmd_idx);
	if (pt == PFN_NONE) {
		mm_fail(m, "BUG: split of an anonymous PMD at %#llx without a deposited table",
			(unsigned long long)haddr);
		return;
	}
	if (is_huge_zero_pmd(m, pmd)) {
		for (unsigned int i = 0; i < PTRS_PER_TABLE; i++)
			pt_write(m, pt, i, pfn_pte(proc_ctx(m)->zero_pfn, prot & ~_PAGE_RW) |
					   _PAGE_SPECIAL);
	} else {
		bool exclusive = PageAnonExclusive(m, head);

		if (pmd & _PAGE_DIRTY)
			SetPageDirty(m, head);
		page_ref_add_return(m, head, HPAGE_PMD_NR - 1);	/* one per PTE */
		for (unsigned int i = 0; i < PTRS_PER_TABLE; i++) {
			if (exclusive)
				SetPageAnonExclusive(m, head + i);
			pt_write(m, pt, i, pfn_pte(head + i, prot));
		}
		page_rmap_split_pmd_anon(m, head);
	}
	/* the deposited table is now a PTE table like any other */
	pt_write(m, pmd_table, pmd_idx, pfn_pte(pt, _PAGE_TABLE));
}

void __split_huge_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
		      unsigned long pmd_table, unsigned int pmd_idx)
{
	spinlock_t *ptl = table_lock(m, vma->vm_mm, pmd_table);
	pteval_t pmd;

	spin_lock(m, ptl);
	pmd = pt_read(m, pmd_table, pmd_idx);
	if (pmd_leaf(pmd))
		split_huge_pmd_locked(m, vma, addr & ~(HPAGE_PMD_SIZE - 1), pmd_table, pmd_idx, pmd);
	spin_unlock(m, ptl);
}

/* split_huge_pmd_address: split the huge PMD mapping addr, if there is one */
void split_huge_pmd_address(struct machine *m, struct vm_area_struct *vma, uint64_t addr)
{
	unsigned long pmd_table;
	unsigned int pmd_idx;

	if (pmd_slot(m, vma->vm_mm, addr, false, &pmd_table, &pmd_idx, NULL) &&
	    pmd_leaf(pt_read(m, pmd_table, pmd_idx)))
		__split_huge_pmd(m, vma, addr, pmd_table, pmd_idx);
}

void vma_adjust_trans_huge(struct machine *m, struct vm_area_struct *vma, uint64_t addr)
{
	/* a boundary inside a PMD: split it (split_huge_pmd_if_needed) */
	if (addr & (HPAGE_PMD_SIZE - 1))
		split_huge_pmd_address(m, vma, addr);
}

/* ---- faults on a huge PMD ----------------------------------------------- */

vm_fault_t huge_pmd_fault(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			  unsigned int flags, unsigned long pmd_table, unsigned int pmd_idx,
			  pteval_t pmd)
{
	spinlock_t *ptl = table_lock(m, vma->vm_mm, pmd_table);
	unsigned long head = pte_pfn(pmd);

	if (!(flags & FAULT_FLAG_WRITE) || pte_write(pmd)) {
		/* huge_pmd_set_accessed */
		spin_lock(m, ptl);
		if (pt_read(m, pmd_table, pmd_idx) == pmd)
			pt_write(m, pmd_table, pmd_idx, pmd | _PAGE_ACCESSED |
				 ((flags & FAULT_FLAG_WRITE) ? _PAGE_DIRTY : 0));
		spin_unlock(m, ptl);
		return 0;
	}
	/* wp_huge_pmd */
	if (vma_is_anonymous(vma) && !is_huge_zero_pmd(m, pmd)) {
		bool reuse = false;

		spin_lock(m, ptl);
		if (pt_read(m, pmd_table, pmd_idx) != pmd) {
			spin_unlock(m, ptl);
			return 0;
		}
		if (PageAnonExclusive(m, head)) {
			reuse = true;
		} else if (page_ref_count(m, head) == 1 && trylock_page(m, head)) {
			if (page_ref_count(m, head) == 1) {
				set_page_mapping(m, head, anon_vma_addr(vma->anon_vma) |
							  PAGE_MAPPING_ANON);
				SetPageAnonExclusive(m, head);
				reuse = true;
			}
			unlock_page(m, head);
		}
		if (reuse) {
			pt_write(m, pmd_table, pmd_idx, pmd | _PAGE_ACCESSED | _PAGE_DIRTY |
				 ((vma->vm_flags & VM_WRITE) ? _PAGE_RW : 0));
			spin_unlock(m, ptl);
			return 0;
		}
		split_huge_pmd_locked(m, vma, addr & ~(HPAGE_PMD_SIZE - 1), pmd_table, pmd_idx, pmd);
		spin_unlock(m, ptl);
		return VM_FAULT_FALLBACK;
	}
	/* the huge zero page, or a file PMD in a private mapping: split, COW by PTE */
	__split_huge_pmd(m, vma, addr, pmd_table, pmd_idx);
	return VM_FAULT_FALLBACK;
}

/* ---- unmap and fork ------------------------------------------------------- */

void zap_huge_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
		  unsigned long pmd_table, unsigned int pmd_idx)
{
	struct mm_struct *mm = vma->vm_mm;
	spinlock_t *ptl = table_lock(m, mm, pmd_table);
	pteval_t pmd;
	unsigned long head;

	(void)addr;
	spin_lock(m, ptl);
	pmd = pt_read(m, pmd_table, pmd_idx);
	if (!pmd_leaf(pmd)) {
		spin_unlock(m, ptl);
		return;
	}
	pt_write(m, pmd_table, pmd_idx, 0);
	head = pte_pfn(pmd);
	if (vma_is_anonymous(vma)) {
		unsigned long pt = withdraw(mm, pmd_table, pmd_idx);

		if (pt != PFN_NONE) {
			mm->nr_pgtables--;
			mm->pgtables_bytes -= PAGE_SIZE;
			deposit_table_free(m, pt);
		}
	}
	if (is_huge_zero_pmd(m, pmd)) {
		spin_unlock(m, ptl);
		return;
	}
	if (!vma_is_anonymous(vma) && (pmd & _PAGE_DIRTY))
		SetPageDirty(m, head);
	inc_mm_counter(mm, mm_counter_of(m, head), -(long)HPAGE_PMD_NR);
	page_remove_rmap_pmd(m, head);
	spin_unlock(m, ptl);
	put_page(m, head);
}

int copy_huge_pmd(struct machine *m, struct vm_area_struct *dst, struct vm_area_struct *src,
		  uint64_t addr, unsigned long dst_pmd_table, unsigned int dst_pmd_idx,
		  unsigned long src_pmd_table, unsigned int src_pmd_idx)
{
	spinlock_t *sptl, *dptl;
	unsigned long pt, head;
	pteval_t pmd;

	(void)addr;
	if (!vma_is_anonymous(src))
		return 0;		/* file PMDs are not copied: the child refaults */
	pt = deposit_table_alloc(m);
	if (pt == PFN_NONE)
		return -ENOMEM;
	dptl = table_lock(m, dst->vm_mm, dst_pmd_table);
	sptl = table_lock(m, src->vm_mm, src_pmd_table);
	spin_lock(m, dptl);
	spin_lock(m, sptl);
	pmd = pt_read(m, src_pmd_table, src_pmd_idx);
	head = pte_pfn(pmd);
	if (is_huge_zero_pmd(m, pmd)) {
		mm_get_huge_zero_page(m, dst->vm_mm);
	} else {
		get_page(m, head);
		ClearPageAnonExclusive(m, head);	/* page_try_dup_anon_rmap */
		page_dup_rmap_pmd(m, head);
		inc_mm_counter(dst->vm_mm, MM_ANONPAGES, HPAGE_PMD_NR);
		if (pte_write(pmd)) {
			pmd &= ~_PAGE_RW;
			pt_write(m, src_pmd_table, src_pmd_idx, pmd);
		}
	}
	deposit(dst->vm_mm, dst_pmd_table, dst_pmd_idx, pt);
	pt_write(m, dst_pmd_table, dst_pmd_idx, pmd & ~_PAGE_ACCESSED);
	spin_unlock(m, sptl);
	spin_unlock(m, dptl);
	return 0;
}

/*
 * move_huge_pmd: mremap moves a whole huge PMD to an empty PMD entry,
 * under both PMD locks.  The kernel moves an anonymous PMD's deposited
 * table only when the two PMDs have different locks (in the same PMD
 * table it stays on that table's list); the model keys deposits by the
 * PMD slot, so it always moves the key, and the counters stay.
 */
bool move_huge_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t old_addr,
		   uint64_t new_addr, unsigned long old_pmd_table, unsigned int old_pmd_idx,
		   unsigned long new_pmd_table, unsigned int new_pmd_idx)
{
	struct mm_struct *mm = vma->vm_mm;
	spinlock_t *old_ptl, *new_ptl;
	pteval_t pmd;

	(void)old_addr;
	if (pt_read(m, new_pmd_table, new_pmd_idx)) {
		mm_fail(m, "WARNING: move_huge_pmd: the PMD for %#llx is not empty",
			(unsigned long long)new_addr);
		return false;
	}
	old_ptl = table_lock(m, mm, old_pmd_table);
	spin_lock(m, old_ptl);			/* __pmd_trans_huge_lock */
	pmd = pt_read(m, old_pmd_table, old_pmd_idx);
	if (!pmd_leaf(pmd)) {
		spin_unlock(m, old_ptl);
		return false;
	}
	new_ptl = table_lock(m, mm, new_pmd_table);
	if (new_ptl != old_ptl)
		spin_lock(m, new_ptl);
	pt_write(m, old_pmd_table, old_pmd_idx, 0);	/* pmdp_huge_get_and_clear */
	if (vma_is_anonymous(vma)) {
		unsigned long pt = withdraw(mm, old_pmd_table, old_pmd_idx);

		if (pt != PFN_NONE)
			xmap_set(&mm->deposited, ((uint64_t)new_pmd_table << 9) | new_pmd_idx, pt);
	}
	pt_write(m, new_pmd_table, new_pmd_idx, pmd);	/* set_pmd_at; no user TLB to flush */
	if (new_ptl != old_ptl)
		spin_unlock(m, new_ptl);
	spin_unlock(m, old_ptl);
	return true;
}

void free_compound_user_page(struct machine *m, unsigned long head, unsigned int order)
{
	/* free_transhuge_page: off the deferred split queue */
	clear_page_flag(m, head + 2, PG_private);
	clear_page_flag(m, head + 1, PG_workingset);
	set_page_count(m, head, 1);
	__free_pages(m, head, order);
}

int hugepage_madvise(struct machine *m, struct vm_area_struct *vma, unsigned long *vm_flags,
		     long advice)
{
	if (advice == MADV_HUGEPAGE) {
		*vm_flags &= ~VM_NOHUGEPAGE;
		*vm_flags |= VM_HUGEPAGE;
		/* eligible now: register without waiting for a fault */
		khugepaged_enter_vma(m, vma, *vm_flags);
	} else {
		*vm_flags &= ~VM_HUGEPAGE;
		*vm_flags |= VM_NOHUGEPAGE;
	}
	return 0;
}

/* ---- split_huge_page ------------------------------------------------------ */

struct unmap_arg {
	unsigned long head;
	unsigned long index;	/* the folio's first page index in its file */
};

/* try_to_unmap / try_to_migrate for one VMA: split PMDs, clear PTEs of the folio */
static bool unmap_folio_one(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			    void *arg)
{
	struct unmap_arg *u = arg;

	split_huge_pmd_address(m, vma, addr);
	if (!vma_is_anonymous(vma)) {
		/* file: every PTE onto the folio in this VMA goes (try_to_unmap) */
		for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
			unsigned long idx = u->index + i;
			enum pt_level level;
			uint64_t a;
			pteval_t e;

			if (idx < vma->vm_pgoff || idx >= vma->vm_pgoff + vma_pages(vma))
				continue;
			a = vma_address_of(vma, idx);
			e = pt_walk(m, vma->vm_mm, a, &level, NULL, NULL);
			if (level == PT_PTE && pte_present(e) && !(e & _PAGE_SPECIAL) &&
			    pte_pfn(e) == u->head + i)
				zap_vma_range(m, vma, a, a + PAGE_SIZE);
		}
	}
	return true;
}

/*
 * split_huge_page: the folio at head becomes 512 order-0 pages.  The
 * caller holds one reference, which stays on the head page.  Returns 0,
 * or -EAGAIN when references other than mappings, the page cache and the
 * caller's exist (can_split_folio), -EBUSY for what cannot be split.
 */
int split_huge_page(struct machine *m, unsigned long head)
{
	bool anon = PageAnon(m, head);
	struct unmap_arg u = { head, page_index(m, head) };
	uint64_t mapping = page_mapping(m, head);
	unsigned long index = page_index(m, head);
	bool cached = !anon && mapping;
	long mapcount = 0;
	uint64_t flags;

	if (!PageHead(m, head) || compound_order(m, head) != HPAGE_PMD_ORDER ||
	    head == thp_settings(m)->huge_zero_pfn)
		return -EBUSY;
	if (!trylock_page(m, head))
		return -EAGAIN;
	/* unmap_folio: PMDs split everywhere (anon: remapped by PTE); file PTEs go */
	rmap_walk(m, head, unmap_folio_one, &u);
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
		mapcount += page_mapcount(m, head + i);
	if (compound_mapcount(m, head) > 0 ||
	    mapcount != page_ref_count(m, head) - (cached ? (long)HPAGE_PMD_NR : 0) - 1) {
		unlock_page(m, head);
		count_vm_event(m, THP_SPLIT_PAGE_FAILED);
		return -EAGAIN;
	}
	/* __split_huge_page: the tails become pages of their own */
	flags = page_flags(m, head) & ((1UL << PG_referenced) | (1UL << PG_swapbacked) |
				       (1UL << PG_uptodate) | (1UL << PG_active) |
				       (1UL << PG_dirty) | (1UL << PG_lru));
	clear_page_flag(m, head + 2, PG_private);	/* off the deferred list */
	clear_page_flag(m, head + 1, PG_workingset);
	if (cached)
		m->node[page_to_nid(m, head)].vm_stat[PageSwapBacked(m, head) ?
						      NR_SHMEM_THPS : NR_FILE_THPS] -= HPAGE_PMD_NR;
	destroy_compound_page(m, head, HPAGE_PMD_ORDER);
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		unsigned long p = head + i;
		int maps = page_mapcount_raw(m, p) + 1;

		if (i) {
			set_page_flags(m, p, (page_flags(m, p) & ~PAGEFLAGS_MASK) | flags |
					     (page_flags(m, p) & (1UL << PG_anon_exclusive)));
			set_page_mapping(m, p, mapping);
			set_page_index(m, p, index + i);
		}
		/* one reference per mapping, one for the page cache, the caller's on the head */
		set_page_count(m, p, maps + (cached ? 1 : 0) + (i ? 0 : 1));
	}
	count_vm_event(m, THP_SPLIT_PAGE);
	unlock_page(m, head);
	/* anon subpages nobody maps any more go now */
	for (unsigned long i = 1; i < HPAGE_PMD_NR; i++) {
		if (page_ref_count(m, head + i) == 0) {
			set_page_count(m, head + i, 1);
			put_page(m, head + i);
		}
	}
	return 0;
}

/* Split the THP behind pfn (a mapped page), holding a reference meanwhile */
static void split_one(struct machine *m, unsigned long pfn)
{
	unsigned long head = page_head(m, pfn);

	get_page(m, head);
	split_huge_page(m, head);
	put_page(m, head);
}

/*
 * split_huge_pages_pid: every THP mapped in [start, end) of mm, page by
 * page; the walk stops at the first address no VMA covers (vma_lookup).
 */
void split_huge_pages_in(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end)
{
	down_read(m, &mm->mmap_lock);
	for (uint64_t addr = start; addr < end; addr += PAGE_SIZE) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		enum pt_level level;
		unsigned long pfn;
		pteval_t e;

		if (!vma || vma->vm_start > addr)
			break;
		if (vma->vm_flags & VM_HUGETLB) {	/* not a THP: follow_page's page is PageHuge */
			addr = vma->vm_end - PAGE_SIZE;
			continue;
		}
		e = pt_walk(m, mm, addr, &level, NULL, NULL);
		if (!pte_present(e) || (e & _PAGE_SPECIAL) || is_huge_zero_pmd(m, e))
			continue;
		pfn = pte_pfn(e) + (level == PT_PMD ? (addr >> PAGE_SHIFT) & (HPAGE_PMD_NR - 1) : 0);
		if (!PageCompound(m, pfn))
			continue;
		up_read(m, &mm->mmap_lock);
		split_one(m, pfn);
		down_read(m, &mm->mmap_lock);
	}
	up_read(m, &mm->mmap_lock);
}

/* split_huge_pages_in_file: the THPs of a file in [first, last) page indices */
static void split_huge_pages_in_file(struct machine *m, struct inode *inode, unsigned long first,
				     unsigned long last)
{
	if (inode->hugetlbfs)	/* hugetlb pages are no THPs: nothing splits them */
		return;
	for (unsigned long idx = first; idx < last; idx++) {
		unsigned long pfn = page_cache_lookup(m, inode, idx);

		if (pfn != PFN_NONE && PageCompound(m, pfn))
			split_one(m, pfn);
	}
}

/*
 * split_huge_pages_all: every THP on an LRU list.  A user THP is in a
 * page cache or mapped by some process, so those two walks find them all
 * (the kernel scans every pfn).
 */
static void split_huge_pages_all(struct machine *m)
{
	struct proc_ctx *pc = proc_ctx(m);
	struct inode *inode;

	for (size_t i = 0; (inode = inode_next(m, &i)) != NULL;)
		split_huge_pages_in_file(m, inode, 0,
					 (inode->i_size + PAGE_SIZE - 1) >> PAGE_SHIFT);
	for (unsigned int i = 0; i < pc->nr_tasks; i++) {
		struct mm_struct *mm = pc->tasks[i]->mm;

		for (unsigned int k = 0; mm && k < mm->nr_vmas; k++)
			split_huge_pages_in(m, mm, mm->vmas[k]->vm_start, mm->vmas[k]->vm_end);
	}
}

/* ---- how THPs are mapped (thp.* counters) --------------------------------- */

static void census_vma(struct machine *m, struct vm_area_struct *vma, struct thp_census *c,
		       struct xmap *pmd_heads, struct xmap *pte_heads)
{
	uint64_t addr, next;

	for (addr = vma->vm_start; addr < vma->vm_end; addr = next) {
		unsigned long pmd_table;
		unsigned int pmd_idx;
		pteval_t pmd;

		next = (addr + PMD_SIZE) & ~(PMD_SIZE - 1);
		if (next > vma->vm_end)
			next = vma->vm_end;
		if (!pmd_slot(m, vma->vm_mm, addr, false, &pmd_table, &pmd_idx, NULL))
			continue;
		pmd = pt_read(m, pmd_table, pmd_idx);
		if (!pte_present(pmd))
			continue;
		if (pmd_leaf(pmd)) {
			if (!is_huge_zero_pmd(m, pmd)) {
				c->pmd_maps++;
				xmap_set(pmd_heads, pte_pfn(pmd), 1);
			}
			continue;
		}
		for (uint64_t a = addr; a < next; a += PAGE_SIZE) {
			pteval_t e = pt_read(m, pte_pfn(pmd), (unsigned int)(a >> PAGE_SHIFT) &
								 (PTRS_PER_TABLE - 1));
			unsigned long pfn;

			if (!upte_present(e) || (pfn = vm_normal_pfn(e)) == PFN_NONE ||
			    !PageCompound(m, pfn))
				continue;
			c->pte_maps++;
			xmap_set(pte_heads, page_head(m, pfn), 1);
		}
	}
}

void thp_census(struct machine *m, struct thp_census *c)
{
	struct proc_ctx *pc = m->procs;		/* not proc_ctx(): reading creates nothing */
	struct xmap pmd_heads, pte_heads;

	*c = (struct thp_census){ 0 };
	if (!pc)
		return;
	xmap_init(&pmd_heads);
	xmap_init(&pte_heads);
	for (unsigned int i = 0; i < pc->nr_tasks; i++) {
		struct mm_struct *mm = pc->tasks[i]->mm;

		for (unsigned int k = 0; mm && k < mm->nr_vmas; k++)
			census_vma(m, mm->vmas[k], c, &pmd_heads, &pte_heads);
	}
	c->pmd_mapped = (long)pmd_heads.nr;
	c->pte_mapped = (long)pte_heads.nr;
	xmap_destroy(&pmd_heads);
	xmap_destroy(&pte_heads);
}

static void thp_counters(struct machine *m, struct vout *vo)
{
	struct thp_census c;

	thp_census(m, &c);
	vo_rec(vo, c.pmd_maps, "thp.pmd_maps");
	vo_rec(vo, c.pmd_mapped, "thp.pmd_mapped");
	vo_rec(vo, c.pte_maps, "thp.pte_maps");
	vo_rec(vo, c.pte_mapped, "thp.pte_mapped");
}

static const struct counter_ns thp_counter_ns[] = {
	{ "thp.", thp_counters },
};

/* ---- /sys/kernel/mm/transparent_hugepage ---------------------------------- */

enum thp_file { TF_ENABLED, TF_DEFRAG, TF_USE_ZERO_PAGE, TF_HPAGE_PMD_SIZE, TF_SHMEM_ENABLED,
		TF_SPLIT };

static const char *const enabled_words[] = { "always", "madvise", "never" };
static const char *const defrag_words[] = { "always", "defer", "defer+madvise", "madvise",
					    "never" };
/* shmem_enabled: the order the kernel prints them in, with their values */
static const struct { const char *w; int v; } shmem_words[] = {
	{ "always", SHMEM_HUGE_ALWAYS }, { "within_size", SHMEM_HUGE_WITHIN_SIZE },
	{ "advise", SHMEM_HUGE_ADVISE }, { "never", SHMEM_HUGE_NEVER },
	{ "deny", SHMEM_HUGE_DENY }, { "force", SHMEM_HUGE_FORCE },
};

static bool thp_file_show(struct machine *m, const struct mm_file_args *a, struct sbuf *sb)
{
	struct thp_settings *t = thp_settings(m);

	switch (a->file->tag) {
	case TF_ENABLED:
		for (int i = 0; i < 3; i++)
			sb_printf(sb, i == t->enabled ? "%s[%s]" : "%s%s", i ? " " : "",
				  enabled_words[i]);
		sb_puts(sb, "\n");
		return true;
	case TF_DEFRAG:
		for (int i = 0; i < 5; i++)
			sb_printf(sb, i == t->defrag ? "%s[%s]" : "%s%s", i ? " " : "",
				  defrag_words[i]);
		sb_puts(sb, "\n");
		return true;
	case TF_USE_ZERO_PAGE:
		sb_printf(sb, "%d\n", t->use_zero_page);
		return true;
	case TF_HPAGE_PMD_SIZE:
		sb_printf(sb, "%lu\n", HPAGE_PMD_SIZE);
		return true;
	case TF_SHMEM_ENABLED:
		for (size_t i = 0; i < sizeof(shmem_words) / sizeof(shmem_words[0]); i++)
			sb_printf(sb, shmem_words[i].v == t->shmem_enabled ? "%s[%s]" : "%s%s",
				  i ? " " : "", shmem_words[i].w);
		sb_puts(sb, "\n");
		return true;
	}
	return false;
}

static bool word_is(const char *val, const char *w)
{
	size_t n = strlen(w);

	/* sysfs_streq: a trailing newline is fine */
	return !strncmp(val, w, n) && (!val[n] || (val[n] == '\n' && !val[n + 1]));
}

/* echo PID,START,END or 1 > /sys/kernel/debug/split_huge_pages */
/* echo 1, PID,0xSTART,0xEND or /PATH,0xSTART,0xEND > /sys/kernel/debug/split_huge_pages */
static int split_huge_pages_write(struct machine *m, const struct mm_file_args *a, const char *val,
				  char *err, size_t errlen)
{
	unsigned long long start, end;
	long pid;
	int n;
	struct task *t;

	if (val[0] == '/') {
		/* a file: PATH,0xOFF_START,0xOFF_END in pages */
		const char *comma = strchr(val, ',');
		char path[256];
		struct inode *inode;

		if (!comma || (size_t)(comma - val) >= sizeof(path) ||
		    sscanf(comma, ",0x%llx,0x%llx", &start, &end) != 2)
			return mm_file_error(a, EINVAL, "expected PATH,0xSTART,0xEND", err, errlen);
		memcpy(path, val, (size_t)(comma - val));
		path[comma - val] = 0;
		inode = inode_lookup(m, path);
		if (!inode)
			return mm_file_error(a, EINVAL, "no such file", err, errlen);
		split_huge_pages_in_file(m, inode, start, end);
		return 0;
	}
	n = sscanf(val, "%ld,0x%llx,0x%llx", &pid, &start, &end);
	if (n == 1 && pid == 1) {
		split_huge_pages_all(m);
		return 0;
	}
	if (n != 3)
		return mm_file_error(a, EINVAL, "expected 1 or PID,0xSTART,0xEND", err, errlen);
	t = find_task_by_pid(m, pid);
	if (!t || !t->mm)
		return mm_file_error(a, EINVAL, "no such process", err, errlen);
	split_huge_pages_in(m, t->mm, start & ~(PAGE_SIZE - 1), end);
	return 0;
}

static int thp_file_store(struct machine *m, const struct mm_file_args *a, const char *val,
			  char *err, size_t errlen)
{
	struct thp_settings *t = thp_settings(m);

	switch (a->file->tag) {
	case TF_ENABLED:
		for (int i = 0; i < 3; i++)
			if (word_is(val, enabled_words[i])) {
				t->enabled = i;
				/* enabled_store -> start_stop_khugepaged */
				set_recommended_min_free_kbytes(m, t->enabled != THP_NEVER);
				return 0;
			}
		break;
	case TF_DEFRAG:
		for (int i = 0; i < 5; i++)
			if (word_is(val, defrag_words[i])) {
				t->defrag = i;
				return 0;
			}
		break;
	case TF_USE_ZERO_PAGE:
		if (word_is(val, "0") || word_is(val, "1")) {
			t->use_zero_page = val[0] == '1';
			return 0;
		}
		break;
	case TF_SHMEM_ENABLED:
		for (size_t i = 0; i < sizeof(shmem_words) / sizeof(shmem_words[0]); i++)
			if (word_is(val, shmem_words[i].w)) {
				t->shmem_enabled = shmem_words[i].v;
				if (shmem_words[i].v >= 0)	/* deny and force leave shm_mnt alone */
					t->shm_mnt_huge = shmem_words[i].v;
				return 0;
			}
		break;
	case TF_SPLIT:
		return split_huge_pages_write(m, a, val, err, errlen);
	}
	return mm_file_error(a, EINVAL, "not one of the words the file lists", err, errlen);
}

#define THP_FILE(name, t, st)							\
	{ .pattern = "/sys/kernel/mm/transparent_hugepage/" name,		\
	  .show = thp_file_show, .store = (st), .tag = (t) }

static const struct mm_file thp_files[] = {
	THP_FILE("enabled", TF_ENABLED, thp_file_store),
	THP_FILE("defrag", TF_DEFRAG, thp_file_store),
	THP_FILE("use_zero_page", TF_USE_ZERO_PAGE, thp_file_store),
	THP_FILE("hpage_pmd_size", TF_HPAGE_PMD_SIZE, NULL),
	THP_FILE("shmem_enabled", TF_SHMEM_ENABLED, thp_file_store),
	{ .pattern = "/sys/kernel/debug/split_huge_pages", .store = thp_file_store,
	  .tag = TF_SPLIT },
};

const struct mm_module mm_module_huge_memory = {
	.name = "huge_memory",
	.files = thp_files,
	.nr_files = sizeof(thp_files) / sizeof(thp_files[0]),
	.counters = thp_counter_ns,
	.nr_counters = ARRAY_SIZE(thp_counter_ns),
};
