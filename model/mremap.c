// SPDX-License-Identifier: GPL-2.0-only
/*
 * mremap.c - the mremap system call (mm/mremap.c, 6.1.192): shrink a
 * mapping in place, grow it in place, or move it to a new address with
 * its page tables (MREMAP_MAYMOVE, MREMAP_FIXED, MREMAP_DONTUNMAP).
 *
 * The argument checks follow sys_mremap, mremap_to and vma_to_resize in
 * their order, so a call with two faults fails with the errno 6.1 picks.
 * A move is move_vma: copy_vma (mmap.c) makes or merges the new VMA,
 * move_page_tables moves the entries, and the old range is unmapped
 * (except under MREMAP_DONTUNMAP, which leaves the old VMA empty).
 * move_page_tables moves a whole PMD table by its PUD entry when both
 * ranges line up on 1 GiB (move_normal_pud: x86 has HAVE_MOVE_PUD), a
 * whole PTE table by its PMD entry when they line up on 2 MiB
 * (move_normal_pmd), a THP's PMD when it lines up (move_huge_pmd,
 * huge_memory.c; otherwise the PMD is split first), and PTEs one by one
 * under both PTE locks otherwise.  Pages, their mapcounts and rss stay;
 * emptied tables go when the old range is unmapped (free_pgtables).
 *
 * Locks, for the interleaving explorer: the mmap lock for write
 * throughout, the PTE and PMD table locks as move_ptes,
 * move_normal_pmd and move_huge_pmd take them, mm->page_table_lock for
 * a PUD entry, and i_mmap_rwsem and the anon_vma lock where 6.1 takes
 * the rmap locks.
 *
 * Hugetlb VMAs: the four places where 6.1 treats them differently go
 * through the hugetlb-mremap policy family (policies/hugetlb_mremap.h),
 * each marked "hugetlb branch" below; move_hugetlb_page_tables
 * (hugetlb_memory.c) moves their entries.
 *
 * Not modelled: userfaultfd (no mremap events), mlock (VM_LOCKED: the
 * RLIMIT_MEMLOCK check, locked_vm and populating the new part), the
 * overcommit check on VM_ACCOUNT growth (the flag itself is kept and
 * moved as 6.1 moves it; Committed_AS is not modelled), KSM, the
 * soft-dirty PTE bit move_ptes sets, special mappings' vm_ops->mremap
 * (no vdso), the downgrade of the mmap lock to read during a shrink's
 * unmap (munmap's is not modelled either), and RLIMIT_AS/RLIMIT_DATA
 * (unlimited, as by default).
 */
#include <errno.h>

#include "mremap.h"
#include "cpu.h"
#include "huge_memory.h"
#include "hugetlb.h"
#include "machine.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "module.h"
#include "pgtable.h"
#include "policies/hugetlb_mremap.h"
#include "rmap.h"
#include "task.h"

#define PUD_SIZE	(1UL << PUD_SHIFT)

/* vma_lookup: the VMA containing addr, or NULL */
static struct vm_area_struct *vma_lookup(struct mm_struct *mm, uint64_t addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return vma && vma->vm_start <= addr ? vma : NULL;
}

/* may_expand_vm: RLIMIT_AS and RLIMIT_DATA are unlimited, as by default */
static bool may_expand_vm(struct mm_struct *mm, unsigned long flags, unsigned long npages)
{
	(void)mm;
	(void)flags;
	(void)npages;
	return true;
}

/* ---- the rmap locks --------------------------------------------------- */

static void take_rmap_locks(struct machine *m, struct vm_area_struct *vma)
{
	if (vma->vm_file)
		down_write(m, &vma->vm_file->i_mmap_rwsem);
	if (vma->anon_vma)
		down_write(m, &vma->anon_vma->root->rwsem);
}

static void drop_rmap_locks(struct machine *m, struct vm_area_struct *vma)
{
	if (vma->anon_vma)
		up_write(m, &vma->anon_vma->root->rwsem);
	if (vma->vm_file)
		up_write(m, &vma->vm_file->i_mmap_rwsem);
}

/* ---- moving page-table entries ---------------------------------------- */

static unsigned int pte_index(uint64_t addr)
{
	return (unsigned int)(addr >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1);
}

/*
 * move_ptes: the PTEs of [old_addr, old_end), all in the PTE table
 * old_pt, to new_pt from new_addr, under both tables' locks.  The mmap
 * lock held for write orders any two movers, so the lock order does not
 * matter.  x86's move_pte changes nothing; no user TLB to flush.
 */
static void move_ptes(struct machine *m, struct vm_area_struct *vma, unsigned long old_pt,
		      uint64_t old_addr, uint64_t old_end, unsigned long new_pt, uint64_t new_addr,
		      bool need_rmap_locks)
{
	struct mm_struct *mm = vma->vm_mm;
	spinlock_t *old_ptl = table_lock(m, mm, old_pt), *new_ptl = table_lock(m, mm, new_pt);

	if (need_rmap_locks)
		take_rmap_locks(m, vma);
	spin_lock(m, old_ptl);
	if (new_ptl != old_ptl)
		spin_lock(m, new_ptl);
	for (; old_addr < old_end; old_addr += PAGE_SIZE, new_addr += PAGE_SIZE) {
		pteval_t pte = pt_read(m, old_pt, pte_index(old_addr));

		if (!pte)
			continue;
		pt_write(m, old_pt, pte_index(old_addr), 0);	/* ptep_get_and_clear */
		pt_write(m, new_pt, pte_index(new_addr), pte);	/* set_pte_at */
	}
	if (new_ptl != old_ptl)
		spin_unlock(m, new_ptl);
	spin_unlock(m, old_ptl);
	if (need_rmap_locks)
		drop_rmap_locks(m, vma);
}

/* move_normal_pmd: hand the whole PTE table over to the new, empty, PMD entry */
static bool move_normal_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t new_addr,
			    unsigned long old_pmd_t, unsigned int old_pmd_i, unsigned long new_pmd_t,
			    unsigned int new_pmd_i)
{
	struct mm_struct *mm = vma->vm_mm;
	spinlock_t *old_ptl, *new_ptl;
	pteval_t pmd;

	/* free_pgtables should have freed it (6.1 warns once and moves PTEs instead) */
	if (pt_read(m, new_pmd_t, new_pmd_i)) {
		mm_fail(m, "WARNING: move_normal_pmd: the PMD for %#llx is not empty",
			(unsigned long long)new_addr);
		return false;
	}
	old_ptl = table_lock(m, mm, old_pmd_t);
	spin_lock(m, old_ptl);
	new_ptl = table_lock(m, mm, new_pmd_t);
	if (new_ptl != old_ptl)
		spin_lock(m, new_ptl);
	pmd = pt_read(m, old_pmd_t, old_pmd_i);
	pt_write(m, old_pmd_t, old_pmd_i, 0);			/* pmd_clear */
	pt_write(m, new_pmd_t, new_pmd_i, pfn_pte(pte_pfn(pmd), _PAGE_TABLE));	/* pmd_populate */
	if (new_ptl != old_ptl)
		spin_unlock(m, new_ptl);
	spin_unlock(m, old_ptl);
	return true;
}

/* move_normal_pud: the same one level up, under mm->page_table_lock (pud_lock) */
static bool move_normal_pud(struct machine *m, struct vm_area_struct *vma, uint64_t new_addr,
			    unsigned long old_pud_t, unsigned int old_pud_i, unsigned long new_pud_t,
			    unsigned int new_pud_i)
{
	struct mm_struct *mm = vma->vm_mm;
	pteval_t pud;

	if (pt_read(m, new_pud_t, new_pud_i)) {
		mm_fail(m, "WARNING: move_normal_pud: the PUD for %#llx is not empty",
			(unsigned long long)new_addr);
		return false;
	}
	spin_lock(m, &mm->page_table_lock);
	pud = pt_read(m, old_pud_t, old_pud_i);
	pt_write(m, old_pud_t, old_pud_i, 0);
	pt_write(m, new_pud_t, new_pud_i, pfn_pte(pte_pfn(pud), _PAGE_TABLE));
	spin_unlock(m, &mm->page_table_lock);
	return true;
}

enum pgt_entry { NORMAL_PMD, HPAGE_PMD, NORMAL_PUD };

/*
 * get_extent: the step from old_addr: up to the next boundary of size on
 * both sides, at most to old_end.
 */
static uint64_t get_extent(uint64_t size, uint64_t old_addr, uint64_t old_end, uint64_t new_addr)
{
	uint64_t next = (old_addr + size) & ~(size - 1);
	uint64_t extent = next - old_addr;	/* right even when next wrapped */

	if (extent > old_end - old_addr)
		extent = old_end - old_addr;
	next = (new_addr + size) & ~(size - 1);
	if (extent > next - new_addr)
		extent = next - new_addr;
	return extent;
}

/* move_pgt_entry: one PUD or PMD entry, with the rmap locks when asked */
static bool move_pgt_entry(struct machine *m, enum pgt_entry entry, struct vm_area_struct *vma,
			   uint64_t old_addr, uint64_t new_addr, unsigned long old_t,
			   unsigned int old_i, unsigned long new_t, unsigned int new_i,
			   bool need_rmap_locks)
{
	bool moved = false;

	if (need_rmap_locks)
		take_rmap_locks(m, vma);
	switch (entry) {
	case NORMAL_PMD:
		moved = move_normal_pmd(m, vma, new_addr, old_t, old_i, new_t, new_i);
		break;
	case NORMAL_PUD:
		moved = move_normal_pud(m, vma, new_addr, old_t, old_i, new_t, new_i);
		break;
	case HPAGE_PMD:
		moved = move_huge_pmd(m, vma, old_addr, new_addr, old_t, old_i, new_t, new_i);
		break;
	}
	if (need_rmap_locks)
		drop_rmap_locks(m, vma);
	return moved;
}

uint64_t move_page_tables(struct machine *m, struct vm_area_struct *vma, uint64_t old_addr,
			  struct vm_area_struct *new_vma, uint64_t new_addr, uint64_t len,
			  bool need_rmap_locks)
{
	struct mm_struct *mm = vma->vm_mm;
	uint64_t extent, old_end;
	SCHED_WHERE(m);

	if (!len)
		return 0;
	old_end = old_addr + len;

	/* hugetlb branch: move_hugetlb_page_tables */
	if (is_vm_hugetlb_page(vma))
		return hugetlb_mremap_ops(m)->move_page_tables(m, vma, new_vma, old_addr, new_addr,
							       len);

	for (; old_addr < old_end; old_addr += extent, new_addr += extent) {
		unsigned long old_t, new_t, new_pt;
		unsigned int old_i, new_i;
		pteval_t pmd;

		/* a PUD entry at a time when both sides are 1 GiB aligned */
		extent = get_extent(PUD_SIZE, old_addr, old_end, new_addr);
		if (!pud_slot(m, mm, old_addr, false, &old_t, &old_i, NULL) ||
		    !pt_read(m, old_t, old_i))
			continue;			/* get_old_pud: nothing there */
		if (!pud_slot(m, mm, new_addr, true, &new_t, &new_i, NULL))
			break;				/* alloc_new_pud */
		if (extent == PUD_SIZE &&
		    move_pgt_entry(m, NORMAL_PUD, vma, old_addr, new_addr, old_t, old_i, new_t,
				   new_i, true))
			continue;

		extent = get_extent(PMD_SIZE, old_addr, old_end, new_addr);
		if (!pmd_slot(m, mm, old_addr, false, &old_t, &old_i, NULL))
			continue;
		pmd = pt_read(m, old_t, old_i);
		if (!pmd)
			continue;			/* get_old_pmd: pmd_none */
		if (!pmd_slot(m, mm, new_addr, true, &new_t, &new_i, NULL))
			break;				/* alloc_new_pmd */
		if (pmd_leaf(pmd)) {
			if (extent == HPAGE_PMD_SIZE &&
			    move_pgt_entry(m, HPAGE_PMD, vma, old_addr, new_addr, old_t, old_i,
					   new_t, new_i, need_rmap_locks))
				continue;
			__split_huge_pmd(m, vma, old_addr, old_t, old_i);
			pmd = pt_read(m, old_t, old_i);
			if (!pte_present(pmd) || pmd_leaf(pmd))
				continue;		/* pmd_trans_unstable: a file PMD just went */
		} else if (extent == PMD_SIZE &&
			   move_pgt_entry(m, NORMAL_PMD, vma, old_addr, new_addr, old_t, old_i,
					  new_t, new_i, true)) {
			continue;
		}
		if (__pte_alloc(m, mm, new_t, new_i))
			break;
		new_pt = pte_pfn(pt_read(m, new_t, new_i));
		move_ptes(m, vma, pte_pfn(pmd), old_addr, old_addr + extent, new_pt, new_addr,
			  need_rmap_locks);
	}
	return len + old_addr - old_end;	/* how much was done */
}

/* ---- moving a VMA ------------------------------------------------------- */

/* Give VM_ACCOUNT back to what is left of [lo, hi) around the moved [addr, addr + len) */
static void restore_vm_account(struct mm_struct *mm, uint64_t lo, uint64_t hi, uint64_t addr,
			       uint64_t len)
{
	struct vm_area_struct *v;

	if (lo < addr && (v = vma_lookup(mm, lo)))
		v->vm_flags |= VM_ACCOUNT;
	if (addr + len < hi && (v = vma_lookup(mm, addr + len)))
		v->vm_flags |= VM_ACCOUNT;
}

static long move_vma(struct machine *m, struct vm_area_struct *vma, uint64_t old_addr,
		     uint64_t old_len, uint64_t new_len, uint64_t new_addr, unsigned long flags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_area_struct *new_vma;
	unsigned long vm_flags = vma->vm_flags, new_pgoff, hiwater_vm;
	uint64_t moved_len, excess = 0, lo, hi;
	bool need_rmap_locks;
	long err = 0;

	/* room for do_munmap to split one VMA into three */
	if (mm->map_count >= SYSCTL_MAX_MAP_COUNT - 3)
		return -ENOMEM;
	/*
	 * vm_ops->may_split is hugetlb's (unaligned splits refused): its
	 * branch of sys_mremap made both ends aligned.  No KSM to break, no
	 * VM_LOCKED to split ahead, no overcommit check (see the header).
	 */
	new_pgoff = vma->vm_pgoff + ((old_addr - vma->vm_start) >> PAGE_SHIFT);
	new_vma = copy_vma(m, &vma, new_addr, new_len, new_pgoff, &need_rmap_locks,
			   flags & MREMAP_DONTUNMAP);
	if (!new_vma)
		return -ENOMEM;

	moved_len = move_page_tables(m, vma, old_addr, new_vma, new_addr, old_len,
				     need_rmap_locks);
	if (moved_len < old_len)
		err = -ENOMEM;
	if (err) {
		/* put back what moved, then unmap the new range instead of the old */
		move_page_tables(m, new_vma, new_addr, vma, old_addr, moved_len, true);
		vma = new_vma;
		old_len = new_len;
		old_addr = new_addr;
		new_addr = (uint64_t)err;
	}

	/* hugetlb branch: clear_vma_resv_huge_pages */
	if (is_vm_hugetlb_page(vma))
		hugetlb_mremap_ops(m)->clear_resv(m, vma);

	/* hide VM_ACCOUNT so that the unmap does not give the charge back */
	lo = vma->vm_start;
	hi = vma->vm_end;
	if ((vm_flags & VM_ACCOUNT) && !(flags & MREMAP_DONTUNMAP)) {
		vma->vm_flags &= ~VM_ACCOUNT;
		excess = vma->vm_end - vma->vm_start - old_len;
	}

	/* total_vm goes up by new_len now and down by old_len in the unmap */
	hiwater_vm = mm->hiwater_vm;
	vm_stat_account(mm, vma->vm_flags, (long)(new_len >> PAGE_SHIFT));

	if (!err && (flags & MREMAP_DONTUNMAP)) {
		/* the old VMA stays, empty; a wholly moved one is unfaulted again */
		if (vma->vm_start == old_addr && vma->vm_end == old_addr + old_len) {
			unlink_anon_vmas(m, vma);
			if (vma_is_anonymous(vma))
				vma->vm_pgoff = vma->vm_start >> PAGE_SHIFT;
		}
		return (long)new_addr;
	}

	if (do_munmap(m, mm, old_addr, old_len) < 0)
		excess = 0;	/* the VMA could not be split: it stays, without VM_ACCOUNT */
	mm->hiwater_vm = hiwater_vm;
	/* the pieces of the old VMA that are left are accounted again */
	if (excess)
		restore_vm_account(mm, lo, hi, old_addr, old_len);
	return (long)new_addr;
}

/* ---- the system call ---------------------------------------------------- */

static struct vm_area_struct *vma_to_resize(struct machine *m, struct mm_struct *mm,
					    uint64_t addr, uint64_t old_len, uint64_t new_len,
					    unsigned long flags, long *err)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	unsigned long pgoff;

	*err = -EFAULT;
	if (!vma)
		return NULL;
	/* old_len 0 duplicates a mapping: only shared ones make sense */
	*err = -EINVAL;
	if (!old_len && !(vma->vm_flags & (VM_SHARED | VM_MAYSHARE)))
		return NULL;
	if ((flags & MREMAP_DONTUNMAP) && (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP)))
		return NULL;
	/* hugetlb branch: refused here before 5.17 */
	if (is_vm_hugetlb_page(vma)) {
		*err = hugetlb_mremap_ops(m)->resize_check(m, vma);
		if (*err)
			return NULL;
	}
	/* not across VMA boundaries */
	*err = -EFAULT;
	if (old_len > vma->vm_end - addr)
		return NULL;
	if (new_len == old_len)
		return vma;
	/* growing: the file offset must not wrap */
	pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	*err = -EINVAL;
	if (pgoff + (new_len >> PAGE_SHIFT) < pgoff)
		return NULL;
	*err = -EFAULT;
	if (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP))
		return NULL;
	/* mlock_future_check: only for VM_LOCKED, which nothing sets */
	*err = -ENOMEM;
	if (!may_expand_vm(mm, vma->vm_flags, (new_len - old_len) >> PAGE_SHIFT))
		return NULL;
	*err = 0;
	return vma;
}

static long mremap_to(struct machine *m, struct mm_struct *mm, uint64_t addr, uint64_t old_len,
		      uint64_t new_addr, uint64_t new_len, unsigned long flags)
{
	struct vm_area_struct *vma;
	long ret, map_flags = 0;

	if (new_addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (new_len > TASK_SIZE || new_addr > TASK_SIZE - new_len)
		return -EINVAL;
	/* the old and new ranges must not overlap */
	if (addr + old_len > new_addr && new_addr + new_len > addr)
		return -EINVAL;
	/*
	 * move_vma wants room for 4 more VMAs; the unmaps below may split
	 * two, so refuse before anything is unmapped.
	 */
	if (mm->map_count + 2 >= SYSCTL_MAX_MAP_COUNT - 3)
		return -ENOMEM;
	if (flags & MREMAP_FIXED) {
		ret = do_munmap(m, mm, new_addr, new_len);
		if (ret)
			return ret;
	}
	if (old_len > new_len) {
		ret = do_munmap(m, mm, addr + new_len, old_len - new_len);
		if (ret)
			return ret;
		old_len = new_len;
	}
	vma = vma_to_resize(m, mm, addr, old_len, new_len, flags, &ret);
	if (!vma)
		return ret;
	/* MREMAP_DONTUNMAP maps old_len more, the old VMA staying */
	if ((flags & MREMAP_DONTUNMAP) && !may_expand_vm(mm, vma->vm_flags, old_len >> PAGE_SHIFT))
		return -ENOMEM;
	if (flags & MREMAP_FIXED)
		map_flags |= MAP_FIXED;
	if (vma->vm_flags & VM_MAYSHARE)
		map_flags |= MAP_SHARED;
	ret = get_unmapped_area(m, mm, vma->vm_file, new_addr, new_len,
				vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT), map_flags);
	if (ret < 0)
		return ret;
	if (!(flags & MREMAP_FIXED))
		new_addr = (uint64_t)ret;
	return move_vma(m, vma, addr, old_len, new_len, new_addr, flags);
}

/* Can vma grow by delta where it is? */
static bool vma_expandable(struct machine *m, struct vm_area_struct *vma, uint64_t delta)
{
	struct mm_struct *mm = vma->vm_mm;
	uint64_t end = vma->vm_end + delta;

	if (end < vma->vm_end)
		return false;
	if (find_vma_intersection(mm, vma->vm_end, end))
		return false;
	return get_unmapped_area(m, mm, NULL, vma->vm_start, end - vma->vm_start, 0,
				 MAP_FIXED) >= 0;
}

long sys_mremap(struct machine *m, struct task *t, uint64_t addr, uint64_t old_len,
		uint64_t new_len, unsigned long flags, uint64_t new_addr)
{
	struct mm_struct *mm = t->mm;
	struct vm_area_struct *vma;
	long ret = -EINVAL;
	SCHED_WHERE(m);

	if (flags & ~(unsigned long)(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP))
		return ret;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return ret;
	/* MREMAP_DONTUNMAP always moves, and never resizes */
	if ((flags & MREMAP_DONTUNMAP) && (!(flags & MREMAP_MAYMOVE) || old_len != new_len))
		return ret;
	if (addr & (PAGE_SIZE - 1))
		return ret;
	old_len = (old_len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	new_len = (new_len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	/* old_len 0 is allowed (duplicating a shared mapping), new_len 0 not */
	if (!new_len)
		return ret;

	down_write(m, &mm->mmap_lock);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		ret = -EFAULT;
		goto out;
	}

	/* hugetlb branch: huge-page alignment, no growth */
	if (is_vm_hugetlb_page(vma)) {
		ret = hugetlb_mremap_ops(m)->mremap_check(m, vma, addr, new_addr, &old_len,
							  &new_len);
		if (ret)
			goto out;
		ret = -EINVAL;
	}

	if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {
		ret = mremap_to(m, mm, addr, old_len, new_addr, new_len, flags);
		goto out;
	}

	/* shrinking always works: the tail is unmapped */
	if (old_len >= new_len) {
		int r = do_munmap(m, mm, addr + new_len, old_len - new_len);

		ret = r < 0 && old_len != new_len ? r : (long)addr;
		goto out;
	}

	/* growing */
	vma = vma_to_resize(m, mm, addr, old_len, new_len, flags, &ret);
	if (!vma)
		goto out;
	/* in place, when [addr, addr + old_len) ends the VMA and the room after it is free */
	if (old_len == vma->vm_end - addr && vma_expandable(m, vma, new_len - old_len)) {
		uint64_t ext_start = addr + old_len, ext_end = addr + new_len;
		unsigned long ext_pgoff = vma->vm_pgoff + ((ext_start - vma->vm_start) >> PAGE_SHIFT);

		/*
		 * vma_merge with prev = vma (6.1 uses vma_adjust only for a
		 * VMA with vm_ops->close, i.e. hugetlb, which cannot grow).
		 */
		vma = vma_merge_range(m, mm, ext_start, ext_end, vma, ext_pgoff);
		if (!vma) {
			ret = -ENOMEM;
			goto out;
		}
		vm_stat_account(mm, vma->vm_flags, (long)((new_len - old_len) >> PAGE_SHIFT));
		ret = (long)addr;
		goto out;
	}
	/* elsewhere, if the caller lets it move */
	ret = -ENOMEM;
	if (flags & MREMAP_MAYMOVE) {
		long map_flags = (vma->vm_flags & VM_MAYSHARE) ? MAP_SHARED : 0;

		ret = get_unmapped_area(m, mm, vma->vm_file, 0, new_len,
					vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT),
					map_flags);
		if (ret < 0)
			goto out;
		ret = move_vma(m, vma, addr, old_len, new_len, (uint64_t)ret, flags);
	}
out:
	up_write(m, &mm->mmap_lock);
	return ret;
}

/* ---- registration ------------------------------------------------------- */

static const struct policy_family *const mremap_families[] = {
	&policy_family_hugetlb_mremap,
};

const struct mm_module mm_module_mremap = {
	.name = "mremap",
	.families = mremap_families,
	.nr_families = ARRAY_SIZE(mremap_families),
};
