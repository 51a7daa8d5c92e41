// SPDX-License-Identifier: GPL-2.0-only
/*
 * hugetlb_memory.c - hugetlb pages in user page tables (mm/hugetlb.c,
 * arch/x86/include/asm/hugetlb.h, Linux 6.1): the entries that map them
 * (huge_pte_offset, huge_pte_alloc), faults (hugetlb_fault,
 * hugetlb_no_page, hugetlb_wp with unmap_ref_private), fork's copy
 * (copy_hugetlb_page_range), unmapping (__unmap_hugepage_range and its
 * callers), mprotect (hugetlb_change_protection) and the hugetlbfs page
 * cache (hugetlb_add_to_page_cache).
 *
 * x86_64: a 2 MiB page is a PMD entry, a 1 GiB page a PUD entry, both
 * with _PAGE_PSE; no PTE table ever sits under them.  A PMD entry's lock
 * is its PMD table's split lock, a PUD entry's mm->page_table_lock
 * (huge_pte_lockptr).  The entry is built as make_huge_pte builds it:
 * vm_page_prot, young, writable and dirty only for a shared writable
 * mapping (a private one is made writable by hugetlb_wp).  A PROT_NONE
 * entry keeps _PAGE_PRESENT without _PAGE_USER, as the model's THP PMDs
 * do (the kernel's is PROTNONE, which pte_present also counts).
 *
 * A hugetlb page is one compound page: its PTE-level mapcounts stay -1
 * and every mapping counts in compound_mapcount (page[1]), as 6.1 keeps
 * them; no node counter moves (NR_ANON_MAPPED, NR_FILE_MAPPED and the
 * rss counters leave hugetlb out) but mm->hugetlb_usage, which status
 * shows as HugetlbPages.  The page cache of a hugetlbfs file holds one
 * entry per huge page, indexed in huge pages, and one reference.
 *
 * Locks, in 6.1's order: the hugetlb fault mutex of (file, index), the
 * VMA lock (hugetlb_vma_lock_read), i_mmap_rwsem, the page lock, the page
 * table lock; all are scheduling points under the explorer.
 *
 * PMD sharing (huge_pmd_share, huge_pmd_unshare, hugetlb_split; see
 * hugetlb.h): a fault in a shared VMA that covers a whole PUD takes
 * another mm's PMD table for the same stretch of the file when there is
 * one; unmap, mprotect, mremap and splits take their mm out of a shared
 * table first.  A PMD table that maps hugetlb pages has one lock for
 * every mm (hugetlb_pmd_lockptr), as the kernel's lives in its struct
 * page; other users of the same table (a THP of another VMA in the same
 * 1 GiB) take the mm's split lock (memory.c), a different lock in the
 * model, which matters only to schedules of entries nobody shares.
 * move_hugetlb_page_tables (mremap) moves entries one by one.  The lock
 * assertions of __huge_pmd_unshare (lockdep) are not modelled.
 *
 * Not modelled: migration and hwpoison entries, userfaultfd,
 * FAULT_FLAG_UNSHARE (GUP), the mmu notifiers and a user TLB (so the
 * flushes of huge_pmd_unshare_flush and the ranges widened for PMD
 * sharing have nothing to act on).
 */
#include <errno.h>

#include "hugetlb.h"
#include "cpu.h"
#include "filemap.h"
#include "host.h"
#include "machine.h"
#include "memory.h"
#include "migrate.h"
#include "mmap.h"
#include "page.h"
#include "rmap.h"
#include "task.h"

#define PUD_SIZE	(1UL << PUD_SHIFT)
#define PGDIR_SIZE	(1UL << PGDIR_SHIFT)

/* ---- content tags of huge pages ------------------------------------------- */

void hugetlb_clear_content(struct machine *m, unsigned long head, unsigned long nr)
{
	struct pfnmap *c = &proc_ctx(m)->content;

	/* a leaf at a time: leaves nothing was stored in are skipped */
	for (unsigned long pfn = head; pfn < head + nr;) {
		unsigned long leaf_end = (pfn | (PFNMAP_LEAF_SIZE - 1)) + 1;

		if (leaf_end > head + nr)
			leaf_end = head + nr;
		if (pfnmap_slot(c, pfn))
			for (unsigned long p = pfn; p < leaf_end; p++)
				*pfnmap_slot(c, p) = 0;
		pfn = leaf_end;
	}
}

/* copy_user_huge_page: dst's subpages hold what src's hold */
static void copy_huge_content(struct machine *m, unsigned long dst, unsigned long src,
			      unsigned long nr)
{
	struct pfnmap *c = &proc_ctx(m)->content;

	hugetlb_clear_content(m, dst, nr);
	for (unsigned long i = 0; i < nr;) {
		unsigned long leaf_end = ((src + i) | (PFNMAP_LEAF_SIZE - 1)) + 1 - src;

		if (leaf_end > nr)
			leaf_end = nr;
		if (pfnmap_slot(c, src + i)) {
			for (; i < leaf_end; i++) {
				uint64_t tag = *pfnmap_slot(c, src + i);

				if (tag)
					pfnmap_set(c, dst + i, tag);
			}
		}
		i = leaf_end;
	}
}

/* ---- rmap of hugetlb pages (mm/rmap.c) ------------------------------------ */

static void compound_mapcount_add(struct machine *m, unsigned long head, int d)
{
	uint64_t va = page_va(m, head + 1) + PGOFF_COMPOUND_MAPCOUNT;

	sched_point(m, SCHED_RMW, va, 4);
	pg_write32(m, head + 1, PGOFF_COMPOUND_MAPCOUNT,
		   pg_read32(m, head + 1, PGOFF_COMPOUND_MAPCOUNT) + (uint32_t)d);
}

/* page_mapcount of a hugetlb page: its compound mapcount */
static int hugetlb_page_mapcount(struct machine *m, unsigned long head)
{
	return (int)pg_read32(m, head + 1, PGOFF_COMPOUND_MAPCOUNT) + 1;
}

/* hugepage_add_new_anon_rmap: a new anonymous huge page, exclusively ours */
static void hugepage_add_new_anon_rmap(struct machine *m, unsigned long head,
				       struct vm_area_struct *vma, unsigned long address)
{
	pg_write32(m, head + 1, PGOFF_COMPOUND_MAPCOUNT, 0);
	pg_write32(m, head + 1, PGOFF_COMPOUND_PINCOUNT, 0);
	set_page_mapping(m, head, anon_vma_addr(vma->anon_vma) | PAGE_MAPPING_ANON);
	set_page_index(m, head, vma_hugecache_offset(hstate_vma(vma), vma, address));
	SetPageAnonExclusive(m, head);
}

/* page_dup_file_rmap(page, true) / page_try_dup_anon_rmap (no pins: never fails) */
static void hugetlb_dup_rmap(struct machine *m, unsigned long head)
{
	if ((page_mapping(m, head) & PAGE_MAPPING_ANON) && PageAnonExclusive(m, head))
		ClearPageAnonExclusive(m, head);
	compound_mapcount_add(m, head, 1);
}

/* page_remove_rmap(page, vma, true): hugetlb pages leave every counter alone */
static void hugetlb_remove_rmap(struct machine *m, unsigned long head)
{
	if ((int)pg_read32(m, head + 1, PGOFF_COMPOUND_MAPCOUNT) < 0)
		mm_fail(m, "BUG: Bad page map: hugetlb page %#lx compound mapcount underflow",
			head);
	compound_mapcount_add(m, head, -1);
}

static void hugetlb_count_add(struct mm_struct *mm, long pages)
{
	mm->hugetlb_usage += pages;
}

/* ---- the entries ----------------------------------------------------------- */

bool huge_pte_offset(struct machine *m, struct mm_struct *mm, unsigned long addr,
		     unsigned long sz, struct huge_pte *ptep)
{
	unsigned long table;
	unsigned int idx;

	if (!pud_slot(m, mm, addr, false, &table, &idx, NULL))
		return false;
	if (sz == PUD_SIZE) {
		*ptep = (struct huge_pte){ table, idx, PT_PUD };
		return true;
	}
	if (!pmd_slot(m, mm, addr, false, &table, &idx, NULL))
		return false;
	*ptep = (struct huge_pte){ table, idx, PT_PMD };
	return true;
}

static int huge_pmd_share(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
			  unsigned long addr, unsigned long pud_table, unsigned int pud_idx,
			  struct huge_pte *ptep);

int huge_pte_alloc(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		   unsigned long addr, unsigned long sz, struct huge_pte *ptep)
{
	unsigned long table;
	unsigned int idx;
	int err;
	pteval_t e;

	if (sz == PUD_SIZE) {
		if (!pud_slot(m, mm, addr, true, &table, &idx, &err))
			return err;
		*ptep = (struct huge_pte){ table, idx, PT_PUD };
	} else if (want_pmd_share(vma, addr)) {
		/* pud_alloc, then another mm's PMD table if the PUD entry is empty */
		if (!pud_slot(m, mm, addr, true, &table, &idx, &err))
			return err;
		if (!pt_read(m, table, idx)) {
			err = huge_pmd_share(m, mm, vma, addr, table, idx, ptep);
			if (err)
				return err;
		} else if (!pmd_slot(m, mm, addr, true, &table, &idx, &err)) {
			return err;
		} else {
			*ptep = (struct huge_pte){ table, idx, PT_PMD };
		}
	} else {
		if (!pmd_slot(m, mm, addr, true, &table, &idx, &err))
			return err;
		*ptep = (struct huge_pte){ table, idx, PT_PMD };
	}
	e = pt_read(m, ptep->table, ptep->idx);
	MM_BUG_ON(m, pte_present(e) && !(e & _PAGE_PSE),
		  "BUG: huge_pte_alloc at %#lx found a table, not a huge page", addr);
	return 0;
}

spinlock_t *huge_pte_lockptr(struct machine *m, struct mm_struct *mm,
			     const struct huge_pte *ptep)
{
	if (ptep->level == PT_PMD)
		return hugetlb_pmd_lockptr(m, ptep->table);
	return &mm->page_table_lock;
}

static pteval_t huge_ptep_get(struct machine *m, const struct huge_pte *ptep)
{
	return pt_read(m, ptep->table, ptep->idx);
}

static void set_huge_pte_at(struct machine *m, const struct huge_pte *ptep, pteval_t e)
{
	pt_write(m, ptep->table, ptep->idx, e);
}

static bool huge_pte_none(pteval_t e)
{
	return !e;
}

/* make_huge_pte */
static pteval_t make_huge_pte(const struct vm_area_struct *vma, unsigned long head, bool writable)
{
	pteval_t e = pfn_pte(head, vm_get_page_prot(vma->vm_flags));

	if (writable)
		e |= _PAGE_RW | _PAGE_DIRTY;
	else
		e &= ~_PAGE_RW;
	return e | _PAGE_ACCESSED | _PAGE_PSE;
}

/* set_huge_ptep_writable: huge_pte_mkwrite(huge_pte_mkdirty()) */
static void set_huge_ptep_writable(struct machine *m, const struct huge_pte *ptep)
{
	pteval_t e = huge_ptep_get(m, ptep);

	set_huge_pte_at(m, ptep, e | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED);
}

/* hugetlb_mask_last_page: skip to the last huge page a missing table would hold */
static unsigned long hugetlb_mask_last_page(const struct hstate *h)
{
	if (huge_page_size(h) == PUD_SIZE)
		return PGDIR_SIZE - PUD_SIZE;
	return PUD_SIZE - PMD_SIZE;
}

/* ---- PMD sharing ------------------------------------------------------------ */

/* atomic_inc / atomic_dec of the table's pt_share_count; tables shared now are counted */
static void pt_share_count_add(struct machine *m, unsigned long table, int d)
{
	uint64_t va = page_va(m, table) + PGOFF_PT_SHARE_COUNT;
	int old;

	sched_point(m, SCHED_RMW, va, 4);
	old = pt_share_count(m, table);
	pg_write32(m, table, PGOFF_PT_SHARE_COUNT, (uint32_t)(old + d));
	if (!old && d > 0)
		hugetlb_stats(m)->shared_pmds++;
	else if (old && old + d == 0)
		hugetlb_stats(m)->shared_pmds--;
}

/* mm_inc_nr_pmds / mm_dec_nr_pmds: one more or one less PMD table in this mm */
static void mm_add_nr_pmds(struct mm_struct *mm, long d)
{
	mm->nr_pgtables += d;
	mm->pgtables_bytes += d * (long)PAGE_SIZE;
}

static bool range_in_vma(const struct vm_area_struct *vma, unsigned long start,
			 unsigned long end)
{
	return vma && vma->vm_start <= start && end <= vma->vm_end;
}

#define VM_LOCKED_CLEAR_MASK	(~(VM_LOCKED | VM_LOCKONFAULT))

/*
 * page_table_shareable: where svma maps file page idx, if svma's table
 * for it could serve vma at addr: the same offset within a PUD, the same
 * flags (VM_LOCKED aside), svma covering that whole PUD, and svma holding
 * a VMA lock.  0 if not.
 */
static unsigned long page_table_shareable(const struct vm_area_struct *svma,
					  const struct vm_area_struct *vma, unsigned long addr,
					  unsigned long idx)
{
	unsigned long saddr = ((idx - svma->vm_pgoff) << PAGE_SHIFT) + svma->vm_start;
	unsigned long sbase = saddr & ~(PUD_SIZE - 1), s_end = sbase + PUD_SIZE;

	if (((addr >> PMD_SHIFT) & (PTRS_PER_TABLE - 1)) !=
	    ((saddr >> PMD_SHIFT) & (PTRS_PER_TABLE - 1)) ||
	    (vma->vm_flags & VM_LOCKED_CLEAR_MASK) != (svma->vm_flags & VM_LOCKED_CLEAR_MASK) ||
	    !range_in_vma(svma, sbase, s_end) || !svma->vm_private_data)
		return 0;
	return saddr;
}

bool want_pmd_share(const struct vm_area_struct *vma, unsigned long addr)
{
	unsigned long start = addr & ~(PUD_SIZE - 1), end = start + PUD_SIZE;

	/* no userfaultfd: uffd_disable_huge_pmd_share never says no */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return false;
	if (!vma->vm_private_data)	/* the VMA lock: required for sharing */
		return false;
	return range_in_vma(vma, start, end);
}

void adjust_range_if_pmd_sharing_possible(const struct vm_area_struct *vma, unsigned long *start,
					  unsigned long *end)
{
	unsigned long v_start = (vma->vm_start + PUD_SIZE - 1) & ~(PUD_SIZE - 1);
	unsigned long v_end = vma->vm_end & ~(PUD_SIZE - 1);

	/* the VMA must span an aligned PUD, and the range reach into it */
	if (!(vma->vm_flags & VM_MAYSHARE) || !(v_end > v_start) || *end <= v_start ||
	    *start >= v_end)
		return;
	if (*start > v_start)
		*start &= ~(PUD_SIZE - 1);
	if (*end < v_end)
		*end = (*end + PUD_SIZE - 1) & ~(PUD_SIZE - 1);
}

/*
 * huge_pmd_share: the PUD entry at (pud_table, pud_idx) of mm is empty.
 * Look through the file's mappings (in the order they were added; the
 * kernel walks its interval tree) for another mm whose table could serve
 * addr, and put that table into this mm's PUD entry; then pmd_alloc,
 * which allocates a table of our own if none was found.  The search and
 * the PUD write are under i_mmap_rwsem for read, so that two faults
 * cannot make two tables for one stretch of the file, and the table
 * cannot be unshared meanwhile.
 */
static int huge_pmd_share(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
			  unsigned long addr, unsigned long pud_table, unsigned int pud_idx,
			  struct huge_pte *ptep)
{
	struct inode *mapping = vma->vm_file;
	unsigned long idx = ((addr - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
	struct vm_area_struct *svma = NULL;
	struct huge_pte spte;
	unsigned long table;
	unsigned int i;
	int err = 0;
	SCHED_WHERE(m);

	/*
	 * move_hugetlb_page_tables allocates the destination with the
	 * file's i_mmap_rwsem held for write: a destination VMA that may
	 * share gets here, and the task would wait for itself forever.
	 */
	if (!m->sched && rwsem_write_held(m, &mapping->i_mmap_rwsem)) {
		mm_fail(m, "INFO: task blocked forever: huge_pmd_share at %#lx takes i_mmap_rwsem "
			"of %s for read while this task holds it for write", addr,
			mapping->path ? mapping->path : "a hugetlbfs file");
		return pmd_slot(m, mm, addr, true, &table, &i, &err) ?
			(*ptep = (struct huge_pte){ table, i, PT_PMD }, 0) : (err ? err : -ENOMEM);
	}
	down_read(m, &mapping->i_mmap_rwsem);
	for (unsigned int k = 0; k < mapping->nr_mmap; k++) {
		struct vm_area_struct *v = mapping->i_mmap[k];
		unsigned long saddr;

		if (v == vma || idx < v->vm_pgoff || idx >= v->vm_pgoff + vma_pages(v))
			continue;
		saddr = page_table_shareable(v, vma, addr, idx);
		if (saddr && huge_pte_offset(m, v->vm_mm, saddr, vma_kernel_pagesize(v), &spte)) {
			pt_share_count_add(m, spte.table, 1);
			svma = v;
			break;
		}
	}
	if (svma) {
		spinlock_t *ptl = huge_pte_lockptr(m, mm, &spte);

		spin_lock(m, ptl);
		if (!pt_read(m, pud_table, pud_idx)) {
			pt_write(m, pud_table, pud_idx, pfn_pte(spte.table, _PAGE_TABLE)); /* pud_populate */
			mm_add_nr_pmds(mm, 1);
			mm->hugetlb_pmd_shared_seen = true;
			svma->vm_mm->hugetlb_pmd_shared_seen = true;
			hugetlb_stats(m)->pmd_shares++;
		} else {
			pt_share_count_add(m, spte.table, -1);	/* someone populated it meanwhile */
		}
		spin_unlock(m, ptl);
	}
	if (!pmd_slot(m, mm, addr, true, &table, &i, &err))
		err = err ? err : -ENOMEM;
	else
		*ptep = (struct huge_pte){ table, i, PT_PMD };
	up_read(m, &mapping->i_mmap_rwsem);
	return err;
}

/*
 * __huge_pmd_unshare: the table of ptep is shared: clear this mm's PUD
 * entry (the other mms keep the table and its entries) and count one
 * sharer less (tlb_unshare_pmd_ptdesc; the flush that follows has no
 * user TLB to act on).  The lock checks of check_locks are lockdep's.
 */
static int __huge_pmd_unshare(struct machine *m, struct vm_area_struct *vma, unsigned long addr,
			      const struct huge_pte *ptep)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long pud_table;
	unsigned int pud_idx;

	if (huge_page_size(hstate_vma(vma)) != PMD_SIZE || ptep->level != PT_PMD)
		return 0;
	if (!pt_share_count(m, ptep->table))
		return 0;
	if (!pud_slot(m, mm, addr, false, &pud_table, &pud_idx, NULL))
		return 0;
	pt_write(m, pud_table, pud_idx, 0);		/* pud_clear */
	pt_share_count_add(m, ptep->table, -1);
	mm_add_nr_pmds(mm, -1);
	hugetlb_stats(m)->pmd_unshares++;
	return 1;
}

int huge_pmd_unshare(struct machine *m, struct vm_area_struct *vma, unsigned long addr,
		     const struct huge_pte *ptep)
{
	return __huge_pmd_unshare(m, vma, addr, ptep);
}

/*
 * hugetlb_unshare_pmds: unshare the PMD tables of [start, end), a
 * PUD-aligned range of vma; take_locks: under the VMA lock and
 * i_mmap_rwsem (otherwise the caller keeps page-table walkers out).
 */
static void hugetlb_unshare_pmds(struct machine *m, struct vm_area_struct *vma,
				 unsigned long start, unsigned long end, bool take_locks)
{
	struct hstate *h = hstate_vma(vma);
	struct mm_struct *mm = vma->vm_mm;
	unsigned long sz = huge_page_size(h);
	SCHED_WHERE(m);

	if (!(vma->vm_flags & VM_MAYSHARE) || start >= end)
		return;
	if (take_locks) {
		hugetlb_vma_lock_write(m, vma);
		down_write(m, &vma->vm_file->i_mmap_rwsem);
	}
	for (unsigned long address = start; address < end; address += PUD_SIZE) {
		struct huge_pte ptep;
		spinlock_t *ptl;

		if (!huge_pte_offset(m, mm, address, sz, &ptep))
			continue;
		ptl = huge_pte_lockptr(m, mm, &ptep);
		spin_lock(m, ptl);
		__huge_pmd_unshare(m, vma, address, &ptep);
		spin_unlock(m, ptl);
	}
	if (take_locks) {
		up_write(m, &vma->vm_file->i_mmap_rwsem);
		hugetlb_vma_unlock_write(m, vma);
	}
}

void hugetlb_unshare_all_pmds(struct machine *m, struct vm_area_struct *vma)
{
	hugetlb_unshare_pmds(m, vma, (vma->vm_start + PUD_SIZE - 1) & ~(PUD_SIZE - 1),
			     vma->vm_end & ~(PUD_SIZE - 1), true);
}

/*
 * hugetlb_split: vma is about to be split at addr.  PMD sharing needs
 * the whole PUD around an address in one VMA, so a split inside a PUD
 * the VMA covers unshares that PUD now, for both halves.  6.1.192 calls
 * it from __vma_adjust before taking i_mmap_rwsem, without the VMA lock
 * (take_locks false): the mmap lock held for write keeps this mm's
 * walkers out.
 */
void hugetlb_split(struct machine *m, struct vm_area_struct *vma, unsigned long addr)
{
	if (addr & (PUD_SIZE - 1)) {
		unsigned long floor = addr & ~(PUD_SIZE - 1), ceil = floor + PUD_SIZE;

		if (floor >= vma->vm_start && ceil <= vma->vm_end)
			hugetlb_unshare_pmds(m, vma, floor, ceil, false);
	}
}

/* ---- the page cache of hugetlbfs files -------------------------------------- */

/* find_lock_page: the cached page at idx, referenced and locked, or PFN_NONE */
static unsigned long find_lock_page(struct machine *m, struct inode *inode, unsigned long idx)
{
	unsigned long pfn;

repeat:
	pfn = page_cache_lookup(m, inode, idx);
	if (pfn == PFN_NONE)
		return PFN_NONE;
	get_page(m, pfn);
	lock_page(m, pfn);
	if (page_mapping(m, pfn) != mapping_addr(inode)) {	/* truncated meanwhile */
		unlock_page(m, pfn);
		put_page(m, pfn);
		goto repeat;
	}
	return pfn;
}

int hugetlb_add_to_page_cache(struct machine *m, unsigned long head, struct inode *inode,
			      unsigned long idx)
{
	/* __filemap_add_folio for a hugetlb folio: one entry, one reference, no counters */
	if (page_cache_lookup(m, inode, idx) != PFN_NONE)
		return -EEXIST;
	SetPageLocked(m, head);		/* __folio_set_locked: nobody sees it yet */
	page_ref_add_return(m, head, 1);
	set_page_mapping(m, head, mapping_addr(inode));
	set_page_index(m, head, idx);
	xmap_set(&inode->i_pages, idx, head);
	inode->nrpages++;
	ClearHPageRestoreReserve(m, head);
	SetPageDirty(m, head);		/* so that nothing generic drops it */
	return 0;
}

void hugetlb_delete_from_page_cache(struct machine *m, struct inode *inode, unsigned long head)
{
	ClearPageDirty(m, head);
	ClearPageUptodate(m, head);
	xmap_del(&inode->i_pages, page_index(m, head));
	inode->nrpages--;
	set_page_mapping(m, head, 0);
	put_page(m, head);		/* the cache's reference */
}

/* ---- unmapping --------------------------------------------------------------- */

static void __unmap_hugepage_range(struct machine *m, struct vm_area_struct *vma,
				   unsigned long start, unsigned long end, unsigned long ref_page,
				   unsigned int zap_flags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct hstate *h = hstate_vma(vma);
	unsigned long sz = huge_page_size(h), last_addr_mask = hugetlb_mask_last_page(h);
	unsigned long address, *freed = NULL;
	size_t nr_freed = 0, cap = 0;
	SCHED_WHERE(m);

	(void)zap_flags;	/* no uffd-wp markers to keep or drop */
	MM_BUG_ON(m, (start | end) & ~huge_page_mask(h),
		  "BUG: __unmap_hugepage_range [%#lx, %#lx) not huge page aligned", start, end);
	update_hiwater_rss(mm);
	for (address = start; address < end; address += sz) {
		struct huge_pte ptep;
		spinlock_t *ptl;
		pteval_t pte;
		unsigned long page;

		if (!huge_pte_offset(m, mm, address, sz, &ptep)) {
			address |= last_addr_mask;
			continue;
		}
		ptl = huge_pte_lockptr(m, mm, &ptep);
		spin_lock(m, ptl);
		/* a shared table: take it out of this mm, leave its entries to the others */
		if (huge_pmd_unshare(m, vma, address, &ptep)) {
			spin_unlock(m, ptl);
			address |= last_addr_mask;
			continue;
		}
		pte = huge_ptep_get(m, &ptep);
		if (huge_pte_none(pte)) {
			spin_unlock(m, ptl);
			continue;
		}
		page = pte_pfn(pte);
		if (ref_page != PFN_NONE) {
			if (page != ref_page) {
				spin_unlock(m, ptl);
				continue;
			}
			/* faults here must fail, not look like lost data */
			set_vma_resv_flags(vma, HPAGE_RESV_UNMAPPED);
		}
		set_huge_pte_at(m, &ptep, 0);		/* huge_ptep_get_and_clear */
		if (pte & _PAGE_DIRTY)
			SetPageDirty(m, page);
		hugetlb_count_add(mm, -(long)pages_per_huge_page(h));
		hugetlb_remove_rmap(m, page);
		spin_unlock(m, ptl);
		/* tlb_remove_page_size: dropped once the (not modelled) TLB flush is done */
		if (nr_freed == cap) {
			cap = cap ? 2 * cap : 16;
			freed = host_reallocarray(freed, cap, sizeof(*freed), "unmapping huge pages");
		}
		freed[nr_freed++] = page;
		if (ref_page != PFN_NONE)
			break;
	}
	/* huge_pmd_unshare_flush: no user TLB to flush */
	for (size_t i = 0; i < nr_freed; i++)
		put_page(m, freed[i]);
	host_free(freed);
}

void unmap_hugepage_range(struct machine *m, struct vm_area_struct *vma, unsigned long start,
			  unsigned long end, unsigned long ref_page, unsigned int zap_flags)
{
	__unmap_hugepage_range(m, vma, start, end, ref_page, zap_flags);
}

void __unmap_hugepage_range_final(struct machine *m, struct vm_area_struct *vma,
				  unsigned long start, unsigned long end, unsigned long ref_page,
				  unsigned int zap_flags)
{
	struct inode *mapping = vma->vm_file;

	hugetlb_vma_lock_write(m, vma);
	down_write(m, &mapping->i_mmap_rwsem);
	__unmap_hugepage_range(m, vma, start, end, ref_page, zap_flags);
	if (zap_flags & ZAP_FLAG_UNMAP) {
		/* the VMA goes: its lock goes before i_mmap_rwsem is let go */
		__hugetlb_vma_unlock_write_free(m, vma);
		up_write(m, &mapping->i_mmap_rwsem);
	} else {
		up_write(m, &mapping->i_mmap_rwsem);
		hugetlb_vma_unlock_write(m, vma);
	}
}

/*
 * unmap_ref_private: the owner of a private mapping could not get a page
 * to break COW of a page its children still map: take the page away from
 * every child (VMAs of the file without a reservation of their own, at
 * the same address), and mark them so their next fault there is SIGBUS.
 */
static void unmap_ref_private(struct machine *m, struct mm_struct *mm,
			      struct vm_area_struct *vma, unsigned long page,
			      unsigned long address)
{
	struct hstate *h = hstate_vma(vma);
	struct inode *mapping = vma->vm_file;
	unsigned long pgoff;

	(void)mm;
	address &= huge_page_mask(h);
	pgoff = ((address - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
	down_write(m, &mapping->i_mmap_rwsem);
	for (unsigned int i = 0; i < mapping->nr_mmap; i++) {
		struct vm_area_struct *iter_vma = mapping->i_mmap[i];

		if (pgoff < iter_vma->vm_pgoff || pgoff >= iter_vma->vm_pgoff + vma_pages(iter_vma))
			continue;
		if (iter_vma == vma || (iter_vma->vm_flags & VM_MAYSHARE))
			continue;
		if (!is_vma_resv_set(iter_vma, HPAGE_RESV_OWNER))
			unmap_hugepage_range(m, iter_vma, address, address + huge_page_size(h), page,
					     0);
	}
	up_write(m, &mapping->i_mmap_rwsem);
}

/* ---- faults ------------------------------------------------------------------ */

/* vmf_error */
static vm_fault_t vmf_error(int err)
{
	return err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
}

/*
 * hugetlb_wp: a write to a present, read-only entry (entered and left
 * with the page table lock held).  A shared mapping just makes it
 * writable; a private one reuses an anonymous page only it maps, else
 * copies.  The owner copies outside its reservation unless the page is
 * the file's (its reservation there was not consumed yet); when that
 * fails for want of pages, the children lose the page instead
 * (unmap_ref_private) and the owner reuses it.
 */
static vm_fault_t hugetlb_wp(struct machine *m, struct mm_struct *mm,
			     struct vm_area_struct *vma, unsigned long address,
			     struct huge_pte *ptep, unsigned int flags,
			     unsigned long pagecache_page, spinlock_t *ptl,
			     struct rw_semaphore *fault_mutex)
{
	struct hstate *h = hstate_vma(vma);
	unsigned long haddr = address & huge_page_mask(h), old_page, new_page;
	pteval_t pte = huge_ptep_get(m, ptep);
	int outside_reserve = 0, err = 0;
	vm_fault_t ret = 0;

	(void)flags;
	if (!(vma->vm_flags & VM_WRITE)) {
		mm_fail(m, "WARNING: hugetlb_wp on a VMA without VM_WRITE at %#lx", address);
		return VM_FAULT_SIGSEGV;
	}
	if (vma->vm_flags & VM_MAYSHARE) {
		set_huge_ptep_writable(m, ptep);
		return 0;
	}
	old_page = pte_pfn(pte);
retry_avoidcopy:
	if (hugetlb_page_mapcount(m, old_page) == 1 && PageAnon(m, old_page)) {
		if (!PageAnonExclusive(m, old_page)) {	/* page_move_anon_rmap */
			set_page_mapping(m, old_page,
					 anon_vma_addr(vma->anon_vma) | PAGE_MAPPING_ANON);
			SetPageAnonExclusive(m, old_page);
		}
		set_huge_ptep_writable(m, ptep);
		return 0;
	}
	if (is_vma_resv_set(vma, HPAGE_RESV_OWNER) && old_page != pagecache_page)
		outside_reserve = 1;
	get_page(m, old_page);
	spin_unlock(m, ptl);
	new_page = alloc_huge_page(m, vma, haddr, outside_reserve, &err);
	if (new_page == PFN_NONE) {
		if (outside_reserve) {
			put_page(m, old_page);
			/* drop the fault mutex and the VMA lock: the unmap takes the VMA lock */
			hugetlb_vma_unlock_read(m, vma);
			up_write(m, fault_mutex);
			unmap_ref_private(m, mm, vma, old_page, haddr);
			down_write(m, fault_mutex);
			hugetlb_vma_lock_read(m, vma);
			spin_lock(m, ptl);
			if (huge_pte_offset(m, mm, haddr, huge_page_size(h), ptep) &&
			    huge_ptep_get(m, ptep) == pte)
				goto retry_avoidcopy;
			return 0;	/* changed meanwhile: someone did it */
		}
		ret = vmf_error(err);
		goto out_release_old;
	}
	if (anon_vma_prepare(m, vma)) {
		ret = VM_FAULT_OOM;
		goto out_release_all;
	}
	copy_huge_content(m, new_page, old_page, pages_per_huge_page(h));
	SetPageUptodate(m, new_page);
	spin_lock(m, ptl);
	if (huge_pte_offset(m, mm, haddr, huge_page_size(h), ptep) &&
	    huge_ptep_get(m, ptep) == pte) {
		ClearHPageRestoreReserve(m, new_page);
		set_huge_pte_at(m, ptep, 0);		/* huge_ptep_clear_flush */
		hugetlb_remove_rmap(m, old_page);
		hugepage_add_new_anon_rmap(m, new_page, vma, haddr);
		set_huge_pte_at(m, ptep, make_huge_pte(vma, new_page, true));
		SetHPageMigratable(m, new_page);
		new_page = old_page;	/* the old page's mapping reference goes below */
	}
	spin_unlock(m, ptl);
out_release_all:
	if (new_page != old_page)
		restore_reserve_on_error(m, h, vma, haddr, new_page);
	put_page(m, new_page);
out_release_old:
	put_page(m, old_page);
	spin_lock(m, ptl);
	return ret;
}

/* hugetlb_pte_stable: the entry is still old_pte */
static bool hugetlb_pte_stable(struct machine *m, struct mm_struct *mm,
			       struct huge_pte *ptep, pteval_t old_pte)
{
	spinlock_t *ptl = huge_pte_lockptr(m, mm, ptep);
	bool same;

	spin_lock(m, ptl);
	same = huge_ptep_get(m, ptep) == old_pte;
	spin_unlock(m, ptl);
	return same;
}

/*
 * hugetlb_no_page: nothing mapped yet.  A shared mapping maps the file's
 * page, allocating it into the page cache if needed; a private one maps
 * the file's page read-only if there is one, else a new anonymous page.
 * A write to a private mapping goes on to hugetlb_wp at once.  Drops the
 * VMA lock and the fault mutex.
 */
static vm_fault_t hugetlb_no_page(struct machine *m, struct mm_struct *mm,
				  struct vm_area_struct *vma, struct inode *mapping,
				  unsigned long idx, unsigned long address,
				  struct huge_pte *ptep, pteval_t old_pte, unsigned int flags,
				  struct rw_semaphore *fault_mutex)
{
	struct hstate *h = hstate_vma(vma);
	unsigned long haddr = address & huge_page_mask(h), page;
	bool new_page = false, new_pagecache_page = false, anon_rmap = false;
	bool write = flags & FAULT_FLAG_WRITE;
	vm_fault_t ret = VM_FAULT_SIGBUS;
	spinlock_t *ptl;
	int err = 0;

	/* the owner took this page away from us (unmap_ref_private) */
	if (is_vma_resv_set(vma, HPAGE_RESV_UNMAPPED))
		goto out;
	page = find_lock_page(m, mapping, idx);
	if (page == PFN_NONE) {
		if (idx >= mapping->i_size >> huge_page_shift(h))
			goto out;
		page = alloc_huge_page(m, vma, haddr, 0, &err);
		if (page == PFN_NONE) {
			ret = hugetlb_pte_stable(m, mm, ptep, old_pte) ? vmf_error(err) : 0;
			goto out;
		}
		hugetlb_clear_content(m, page, pages_per_huge_page(h));	/* clear_huge_page */
		SetPageUptodate(m, page);
		new_page = true;
		if (vma->vm_flags & VM_MAYSHARE) {
			if (hugetlb_add_to_page_cache(m, page, mapping, idx)) {
				restore_reserve_on_error(m, h, vma, haddr, page);
				put_page(m, page);
				goto out;
			}
			new_pagecache_page = true;
		} else {
			lock_page(m, page);
			if (anon_vma_prepare(m, vma)) {
				ret = VM_FAULT_OOM;
				goto backout_unlocked;
			}
			anon_rmap = true;
		}
	}
	/* a COW to come: record its reservation need now, outside the lock */
	if (write && !(vma->vm_flags & VM_SHARED)) {
		if (vma_needs_reservation(m, h, vma, haddr) < 0) {
			ret = VM_FAULT_OOM;
			goto backout_unlocked;
		}
		vma_end_reservation(m, h, vma, haddr);
	}
	ptl = huge_pte_lockptr(m, mm, ptep);
	spin_lock(m, ptl);
	ret = 0;
	if (huge_ptep_get(m, ptep) != old_pte)
		goto backout;
	if (anon_rmap) {
		ClearHPageRestoreReserve(m, page);
		hugepage_add_new_anon_rmap(m, page, vma, haddr);
	} else {
		hugetlb_dup_rmap(m, page);		/* page_dup_file_rmap */
	}
	set_huge_pte_at(m, ptep, make_huge_pte(vma, page, (vma->vm_flags & VM_WRITE) &&
							    (vma->vm_flags & VM_SHARED)));
	hugetlb_count_add(mm, (long)pages_per_huge_page(h));
	if (write && !(vma->vm_flags & VM_SHARED))
		ret = hugetlb_wp(m, mm, vma, address, ptep, flags, page, ptl, fault_mutex);
	spin_unlock(m, ptl);
	if (new_page)
		SetHPageMigratable(m, page);
	unlock_page(m, page);
out:
	hugetlb_vma_unlock_read(m, vma);
	up_write(m, fault_mutex);
	return ret;

backout:
	spin_unlock(m, ptl);
backout_unlocked:
	if (new_page && !new_pagecache_page)
		restore_reserve_on_error(m, h, vma, haddr, page);
	unlock_page(m, page);
	put_page(m, page);
	goto out;
}

vm_fault_t hugetlb_fault(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
			 unsigned long address, unsigned int flags)
{
	struct hstate *h = hstate_vma(vma);
	unsigned long haddr = address & huge_page_mask(h), idx, page;
	unsigned long pagecache_page = PFN_NONE;
	struct inode *mapping = vma->vm_file;
	struct rw_semaphore *fault_mutex;
	struct huge_pte ptep;
	pteval_t entry;
	spinlock_t *ptl;
	vm_fault_t ret = 0;
	SCHED_WHERE(m);

	/* no migration or hwpoison entries in the model: nothing to wait for */
	idx = vma_hugecache_offset(h, vma, haddr);
	fault_mutex = hugetlb_fault_mutex(m, mapping, idx);
	down_write(m, fault_mutex);		/* mutex_lock(&hugetlb_fault_mutex_table[hash]) */
	/* the VMA lock keeps the entry from going (huge_pmd_unshare) while used */
	hugetlb_vma_lock_read(m, vma);
	if (huge_pte_alloc(m, mm, vma, haddr, huge_page_size(h), &ptep)) {
		hugetlb_vma_unlock_read(m, vma);
		up_write(m, fault_mutex);
		return VM_FAULT_OOM;
	}
	entry = huge_ptep_get(m, &ptep);
	if (huge_pte_none(entry))
		return hugetlb_no_page(m, mm, vma, mapping, idx, address, &ptep, entry, flags,
				       fault_mutex);
	/* a COW to come: its reservation need, and the file's page, looked up now */
	if ((flags & FAULT_FLAG_WRITE) && !(vma->vm_flags & VM_MAYSHARE) && !pte_write(entry)) {
		if (vma_needs_reservation(m, h, vma, haddr) < 0) {
			ret = VM_FAULT_OOM;
			goto out_mutex;
		}
		vma_end_reservation(m, h, vma, haddr);
		pagecache_page = find_lock_page(m, mapping, idx);
	}
	ptl = huge_pte_lockptr(m, mm, &ptep);
	spin_lock(m, ptl);
	if (entry != huge_ptep_get(m, &ptep))
		goto out_ptl;
	page = pte_pfn(entry);
	if (page != pagecache_page && !trylock_page(m, page))
		goto out_ptl;		/* the kernel waits for the lock, then refaults */
	get_page(m, page);
	if (flags & FAULT_FLAG_WRITE) {
		if (!pte_write(entry)) {
			ret = hugetlb_wp(m, mm, vma, address, &ptep, flags, pagecache_page, ptl,
					 fault_mutex);
			goto out_put_page;
		}
		entry |= _PAGE_DIRTY;
	}
	entry |= _PAGE_ACCESSED;
	if (entry != huge_ptep_get(m, &ptep))	/* huge_ptep_set_access_flags */
		set_huge_pte_at(m, &ptep, entry);
out_put_page:
	if (page != pagecache_page)
		unlock_page(m, page);
	put_page(m, page);
out_ptl:
	spin_unlock(m, ptl);
	if (pagecache_page != PFN_NONE) {
		unlock_page(m, pagecache_page);
		put_page(m, pagecache_page);
	}
out_mutex:
	hugetlb_vma_unlock_read(m, vma);
	up_write(m, fault_mutex);
	return ret;
}

/* ---- fork ----------------------------------------------------------------------- */

static bool is_cow_mapping(unsigned long flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

/*
 * copy_hugetlb_page_range: the child maps what the parent maps.  Private
 * (COW) pages are write-protected in both and shared: the child's VMA has
 * no reservation (hugetlb_dup_vma_private), so its COW must find a free
 * page of its own.  A shared source VMA is read under its VMA lock.
 */
int copy_hugetlb_page_range(struct machine *m, struct mm_struct *dst, struct mm_struct *src,
			    struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma)
{
	struct hstate *h = hstate_vma(src_vma);
	unsigned long sz = huge_page_size(h), npages = pages_per_huge_page(h);
	unsigned long last_addr_mask = hugetlb_mask_last_page(h), addr;
	bool cow = is_cow_mapping(src_vma->vm_flags);
	int ret = 0;
	SCHED_WHERE(m);

	if (!cow)
		hugetlb_vma_lock_read(m, src_vma);
	for (addr = src_vma->vm_start; addr < src_vma->vm_end; addr += sz) {
		struct huge_pte src_pte, dst_pte;
		spinlock_t *src_ptl, *dst_ptl;
		pteval_t entry;

		if (!huge_pte_offset(m, src, addr, sz, &src_pte)) {
			addr |= last_addr_mask;
			continue;
		}
		if (huge_pte_alloc(m, dst, dst_vma, addr, sz, &dst_pte)) {
			ret = -ENOMEM;
			break;
		}
		/* the child shares the parent's table (huge_pmd_share): nothing to copy */
		if (hugetlb_pmd_shared(m, &dst_pte)) {
			addr |= last_addr_mask;
			continue;
		}
		dst_ptl = huge_pte_lockptr(m, dst, &dst_pte);
		src_ptl = huge_pte_lockptr(m, src, &src_pte);
		spin_lock(m, dst_ptl);
		spin_lock(m, src_ptl);
		entry = huge_ptep_get(m, &src_pte);
		if (!huge_pte_none(entry)) {
			unsigned long page = pte_pfn(entry);

			get_page(m, page);
			hugetlb_dup_rmap(m, page);
			if (cow) {
				entry &= ~_PAGE_RW;	/* huge_ptep_set_wrprotect */
				set_huge_pte_at(m, &src_pte, entry);
			}
			set_huge_pte_at(m, &dst_pte, entry);
			hugetlb_count_add(dst, (long)npages);
		}
		spin_unlock(m, src_ptl);
		spin_unlock(m, dst_ptl);
	}
	if (!cow)
		hugetlb_vma_unlock_read(m, src_vma);
	return ret;
}

/* ---- mremap ------------------------------------------------------------------------ */

/*
 * vma_shareable as 5.14 had it, the test of seed 003 v1's BUG_ON: a
 * VM_MAYSHARE VMA that covers the whole PUD around addr, whether or not
 * a table there is actually shared.
 */
static bool vma_shareable_v1(const struct vm_area_struct *vma, unsigned long addr)
{
	unsigned long base = addr & ~(PUD_SIZE - 1);

	return (vma->vm_flags & VM_MAYSHARE) && range_in_vma(vma, base, base + PUD_SIZE);
}

/*
 * move_huge_pte: move one huge entry under both table locks (the mmap
 * lock held for write, and i_mmap_rwsem, order the two locks).  Like the
 * kernel's, it writes the destination without looking at it: a
 * destination in a table another mm shares and already maps there has
 * that mapping overwritten, which the invariant checker then reports.
 */
static void move_huge_pte(struct machine *m, struct vm_area_struct *vma, const struct huge_pte *src,
			  const struct huge_pte *dst)
{
	struct mm_struct *mm = vma->vm_mm;
	spinlock_t *dst_ptl = huge_pte_lockptr(m, mm, dst), *src_ptl = huge_pte_lockptr(m, mm, src);
	pteval_t pte;

	spin_lock(m, dst_ptl);
	if (src_ptl != dst_ptl)
		spin_lock(m, src_ptl);
	pte = huge_ptep_get(m, src);
	set_huge_pte_at(m, src, 0);		/* huge_ptep_get_and_clear */
	set_huge_pte_at(m, dst, pte);
	if (src_ptl != dst_ptl)
		spin_unlock(m, src_ptl);
	spin_unlock(m, dst_ptl);
}

/*
 * move_hugetlb_page_tables (6.1.192, mm/hugetlb.c), and with
 * HUGETLB_MOVE_V1 the seed 003 v1 loop: no huge_pmd_unshare, the
 * destination allocated for the old VMA (v1 had no new_vma argument, so
 * it never shares a destination table), and BUG_ON(vma_shareable()) on
 * every entry it is about to move, reported as a simulated kernel BUG.
 * v1 predates the VMA lock and takes i_mmap_rwsem only.  The pages, their
 * mapcounts and hugetlb_usage stay: an entry only changes place.
 */
unsigned long move_hugetlb_page_tables(struct machine *m, struct vm_area_struct *vma,
				       struct vm_area_struct *new_vma, unsigned long old_addr,
				       unsigned long new_addr, unsigned long len, unsigned int flags)
{
	struct hstate *h = hstate_vma(vma);
	struct inode *mapping = vma->vm_file;
	struct mm_struct *mm = vma->vm_mm;
	unsigned long sz = huge_page_size(h), last_addr_mask = hugetlb_mask_last_page(h);
	unsigned long old_end = old_addr + len, range_start = old_addr, range_end = old_end;
	bool v1 = flags & HUGETLB_MOVE_V1;
	bool take_i_mmap = !m->inject.hugetlb_move_skip_locks;
	bool take_vma_lock = !v1 && take_i_mmap && !m->inject.hugetlb_move_skip_vma_lock;
	SCHED_WHERE(m);

	/* the mmu-notifier range, widened to whole PUDs where PMDs may be shared: no notifiers */
	if (!v1)
		adjust_range_if_pmd_sharing_possible(vma, &range_start, &range_end);
	/* against truncation, and against huge_pmd_share while entries move */
	if (take_vma_lock)
		hugetlb_vma_lock_write(m, vma);
	if (take_i_mmap)
		down_write(m, &mapping->i_mmap_rwsem);
	for (; old_addr < old_end; old_addr += sz, new_addr += sz) {
		unsigned long offset_to_last_entry = (old_addr | last_addr_mask) - old_addr;
		struct huge_pte src, dst;

		if (!huge_pte_offset(m, mm, old_addr, sz, &src)) {
			old_addr += offset_to_last_entry;
			new_addr += offset_to_last_entry;
			continue;
		}
		if (huge_pte_none(huge_ptep_get(m, &src)))
			continue;
		if (!v1 && huge_pmd_unshare(m, vma, old_addr, &src)) {
			/* the other mms keep the table: this mm refaults into the new range */
			old_addr += offset_to_last_entry;
			new_addr += offset_to_last_entry;
			continue;
		}
		if (v1 && vma_shareable_v1(vma, old_addr)) {
			mm_fail(m, "kernel BUG at mm/hugetlb.c: move_huge_pte: "
				"BUG_ON(vma_shareable(vma, %#lx)) (seed 003 v1: shared page tables "
				"are not handled; the PMD table there is %s)", old_addr,
				hugetlb_pmd_shared(m, &src) ? "shared" : "not shared");
			break;
		}
		if (huge_pte_alloc(m, mm, v1 ? vma : new_vma, new_addr, sz, &dst))
			break;
		move_huge_pte(m, vma, &src, &dst);
	}
	/* huge_pmd_unshare_flush and the TLB flush: no user TLB */
	if (take_i_mmap)
		up_write(m, &mapping->i_mmap_rwsem);
	if (take_vma_lock)
		hugetlb_vma_unlock_write(m, vma);
	return len + old_addr - old_end;
}

/* ---- mprotect ---------------------------------------------------------------------- */

long hugetlb_change_protection(struct machine *m, struct vm_area_struct *vma,
			       unsigned long address, unsigned long end, unsigned long newflags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct hstate *h = hstate_vma(vma);
	unsigned long psize = huge_page_size(h), last_addr_mask = hugetlb_mask_last_page(h);
	/* huge_pte_modify keeps the pfn, accessed and dirty bits (_PAGE_CHG_MASK) */
	pteval_t prot = vm_get_page_prot(newflags) & ~_PAGE_ACCESSED;
	pteval_t keep = PTE_PFN_MASK | _PAGE_DIRTY | _PAGE_ACCESSED;
	long pages = 0;
	SCHED_WHERE(m);

	hugetlb_vma_lock_write(m, vma);
	down_write(m, &vma->vm_file->i_mmap_rwsem);
	for (; address < end; address += psize) {
		struct huge_pte ptep;
		spinlock_t *ptl;
		pteval_t pte;

		if (!huge_pte_offset(m, mm, address, psize, &ptep)) {
			address |= last_addr_mask;
			continue;
		}
		ptl = huge_pte_lockptr(m, mm, &ptep);
		spin_lock(m, ptl);
		/* a shared table: unshared, counted as one page changed (6.1 does so) */
		if (huge_pmd_unshare(m, vma, address, &ptep)) {
			pages++;
			spin_unlock(m, ptl);
			address |= last_addr_mask;
			continue;
		}
		pte = huge_ptep_get(m, &ptep);
		if (!huge_pte_none(pte)) {
			/* arch_make_huge_pte sets PSE; PROT_NONE keeps PRESENT here (see top) */
			set_huge_pte_at(m, &ptep, (pte & keep) | prot | _PAGE_PRESENT | _PAGE_PSE);
			pages++;
		}
		spin_unlock(m, ptl);
		cond_resched(m);
	}
	up_write(m, &vma->vm_file->i_mmap_rwsem);
	hugetlb_vma_unlock_write(m, vma);
	return pages << h->order;
}
