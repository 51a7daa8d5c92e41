// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmap.c - VMAs and the system calls that make, split, merge, protect
 * and remove them (mm/mmap.c, mm/mprotect.c, mm/madvise.c, kernel/fork.c's
 * dup_mmap, 6.1).
 *
 * Argument checks follow do_mmap, get_unmapped_area, do_mas_munmap,
 * do_mprotect_pkey and do_madvise in their order, so a call with two
 * faults fails with the errno the kernel picks.
 *
 * Layout: top-down from mmap_base, which without randomisation is
 * TASK_SIZE less the stack gap clamped to at least 128 MiB:
 * 0x7ffff7fff000 (the addresses gdb users know).  The gap search is
 * vm_unmapped_area's: the highest hole below mmap_base that fits, with
 * the stack guard gap (1 MiB below a VM_GROWSDOWN VMA) kept free.  A
 * simulated process starts with an empty address space: no program
 * text, heap, stack or vdso (what exec would map is not modelled).
 *
 * Merging: the kernel's vma_merge decides, before it splits, which of the
 * eight cases in its comment applies.  The model splits first and then
 * merges the changed VMA with each neighbour it is compatible with
 * (is_mergeable_vma and is_mergeable_anon_vma: flags equal but for
 * VM_SOFTDIRTY, same open file, contiguous pgoff, anon_vmas equal or one of
 * them absent while the other VMA's chain is a single link), in the
 * kernel's order: a new mapping tries next then prev (vma_expand), a
 * changed range takes prev over next when the two cannot meet
 * (vma_merge).  The layout this leaves is the one 6.1 leaves for mmap,
 * mprotect and madvise;
 * what is not modelled: mempolicies, userfaultfd contexts and anon VMA
 * names as merge criteria (none of them exist here), and the "expand
 * instead of allocate" reuse of the VMA object (only identities differ).
 */
#include <errno.h>
#include <string.h>

#include "mmap.h"
#include "cpu.h"
#include "filemap.h"
#include "host.h"
#include "huge_memory.h"
#include "hugetlb.h"
#include "khugepaged.h"
#include "machine.h"
#include "memory.h"
#include "mman.h"
#include "rmap.h"
#include "task.h"
#include "uprobes.h"

#define MAX_LFS_FILESIZE	((uint64_t)INT64_MAX)

/* ---- the VMA set ------------------------------------------------------ */

unsigned int find_vma_index(const struct mm_struct *mm, uint64_t addr)
{
	unsigned int lo = 0, hi = mm->nr_vmas;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (mm->vmas[mid]->vm_end > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

struct vm_area_struct *find_vma(struct mm_struct *mm, uint64_t addr)
{
	unsigned int i = find_vma_index(mm, addr);

	return i < mm->nr_vmas ? mm->vmas[i] : NULL;
}

struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	return vma && vma->vm_start < end ? vma : NULL;
}

static void vma_insert_at(struct mm_struct *mm, unsigned int i, struct vm_area_struct *vma)
{
	if (mm->nr_vmas == mm->cap_vmas) {
		mm->cap_vmas = mm->cap_vmas ? mm->cap_vmas * 2 : 16;
		mm->vmas = host_reallocarray(mm->vmas, mm->cap_vmas, sizeof(*mm->vmas),
					     "the VMAs of a process");
	}
	memmove(&mm->vmas[i + 1], &mm->vmas[i], (mm->nr_vmas - i) * sizeof(*mm->vmas));
	mm->vmas[i] = vma;
	mm->nr_vmas++;
	mm->map_count++;
}

static void vma_remove_at(struct mm_struct *mm, unsigned int i)
{
	memmove(&mm->vmas[i], &mm->vmas[i + 1], (mm->nr_vmas - i - 1) * sizeof(*mm->vmas));
	mm->nr_vmas--;
	mm->map_count--;
}

static void vma_link_file(struct machine *m, struct vm_area_struct *vma)
{
	struct inode *inode = vma->vm_file;

	if (!inode)
		return;
	down_write(m, &inode->i_mmap_rwsem);
	if (inode->nr_mmap == inode->cap_mmap) {
		inode->cap_mmap = inode->cap_mmap ? inode->cap_mmap * 2 : 4;
		inode->i_mmap = host_reallocarray(inode->i_mmap, inode->cap_mmap,
						  sizeof(*inode->i_mmap), "a file's mappings");
	}
	inode->i_mmap[inode->nr_mmap++] = vma;
	inode->refcount++;	/* get_file */
	up_write(m, &inode->i_mmap_rwsem);
}

static void vma_unlink_file(struct machine *m, struct vm_area_struct *vma)
{
	struct inode *inode = vma->vm_file;

	if (!inode)
		return;
	down_write(m, &inode->i_mmap_rwsem);
	for (unsigned int i = 0; i < inode->nr_mmap; i++) {
		if (inode->i_mmap[i] == vma) {
			memmove(&inode->i_mmap[i], &inode->i_mmap[i + 1],
				(inode->nr_mmap - i - 1) * sizeof(*inode->i_mmap));
			inode->nr_mmap--;
			break;
		}
	}
	up_write(m, &inode->i_mmap_rwsem);
	iput(m, inode);		/* fput */
}

static struct vm_area_struct *vm_area_dup(struct machine *m, struct vm_area_struct *orig)
{
	struct vm_area_struct *new = host_malloc(sizeof(*new), "a VMA");

	*new = *orig;
	new->avc = NULL;
	new->nr_avc = new->cap_avc = 0;
	anon_vma_clone(m, new, orig);
	vma_link_file(m, new);
	return new;
}

/* Hide a VMA from rmap: off its anon_vmas and its file's i_mmap */
static void vma_unlink_rmap(struct machine *m, struct vm_area_struct *vma)
{
	unlink_anon_vmas(m, vma);
	vma_unlink_file(m, vma);
}

static void vm_area_free(struct machine *m, struct vm_area_struct *vma)
{
	vma_unlink_rmap(m, vma);
	host_free(vma);
}

void vm_stat_account(struct mm_struct *mm, unsigned long flags, long npages)
{
	mm->total_vm += npages;
	if ((flags & (VM_EXEC | VM_WRITE | VM_GROWSDOWN)) == VM_EXEC)
		mm->exec_vm += npages;
	else if (flags & VM_GROWSDOWN)
		mm->stack_vm += npages;
	else if ((flags & (VM_WRITE | VM_SHARED | VM_GROWSDOWN)) == VM_WRITE)
		mm->data_vm += npages;
}

/*
 * __split_vma: vmas[i] becomes [vm_start, addr) and a new VMA [addr,
 * vm_end) after it.  A hugetlb VMA splits only at a huge page boundary
 * (may_split: hugetlb_vm_op_split, -EINVAL), and the copy is opened
 * (hugetlb_vm_op_open: a private owner's reserve map is shared, a shared
 * VMA's lock is not).  A huge PMD straddling addr is split first
 * (vma_adjust_trans_huge), and a shared hugetlb PMD table around addr
 * unshared (hugetlb_split).
 * No limit on the map count: munmap checks it itself, and only for the
 * split that leaves one more VMA.
 */
static int __split_vma(struct machine *m, struct mm_struct *mm, unsigned int i, uint64_t addr)
{
	struct vm_area_struct *vma = mm->vmas[i], *new;

	if (is_vm_hugetlb_page(vma)) {
		int err = hugetlb_vm_op_split(vma, addr);

		if (err)
			return err;
	}
	vma_adjust_trans_huge(m, vma, addr);
	if (is_vm_hugetlb_page(vma))		/* no shared PMD may straddle addr */
		hugetlb_split(m, vma, addr);
	new = vm_area_dup(m, vma);
	new->vm_start = addr;
	new->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
	if (is_vm_hugetlb_page(new))
		hugetlb_vm_op_open(m, new);
	vma->vm_end = addr;
	vma_insert_at(mm, i + 1, new);
	return 0;
}

/* split_vma: __split_vma within sysctl_max_map_count (mprotect, madvise) */
static int split_vma(struct machine *m, struct mm_struct *mm, unsigned int i, uint64_t addr)
{
	if (mm->map_count >= SYSCTL_MAX_MAP_COUNT)
		return -ENOMEM;
	return __split_vma(m, mm, i, addr);
}

/*
 * is_mergeable_anon_vma(neighbour's, region's, neighbour): equal anon_vmas,
 * or one missing while the neighbour's chain is exactly one link.  A
 * neighbour never faulted (no chain at all) takes only a region without
 * an anon_vma either.
 */
static bool anon_vma_compatible(const struct vm_area_struct *neighbour,
				const struct vm_area_struct *region)
{
	if (neighbour->anon_vma == region->anon_vma)
		return true;
	return (!neighbour->anon_vma || !region->anon_vma) && neighbour->nr_avc == 1;
}

/* May a and b (adjacent, a first) become one VMA?  n is the neighbour of
 * the region that changed: a or b */
static bool can_merge(const struct vm_area_struct *a, const struct vm_area_struct *b,
		      const struct vm_area_struct *n)
{
	return a->vm_end == b->vm_start &&
	       !((a->vm_flags ^ b->vm_flags) & ~VM_SOFTDIRTY) &&
	       !(a->vm_flags & VM_SPECIAL) &&
	       a->vm_file == b->vm_file && a->vm_file_id == b->vm_file_id &&
	       a->vm_pgoff + vma_pages(a) == b->vm_pgoff &&
	       anon_vma_compatible(n, n == a ? b : a);
}

/* vmas[i] absorbs vmas[i + 1] */
static void merge_next(struct machine *m, struct mm_struct *mm, unsigned int i)
{
	struct vm_area_struct *a = mm->vmas[i], *b = mm->vmas[i + 1];

	if (!a->anon_vma && b->anon_vma) {	/* dup_anon_vma */
		anon_vma_clone(m, a, b);
		a->anon_vma = b->anon_vma;
	}
	a->vm_end = b->vm_end;
	a->vm_flags |= b->vm_flags & VM_SOFTDIRTY;
	vma_remove_at(mm, i + 1);
	vm_area_free(m, b);
}

/*
 * A new mapping vmas[i] merges with its neighbours as __mmap_region's
 * vma_expand does: next first, then prev, which must then accept the
 * anon_vma next brought in.  Returns its new index.
 */
static unsigned int vma_merge_neighbours(struct machine *m, struct mm_struct *mm, unsigned int i)
{
	if (i + 1 < mm->nr_vmas && can_merge(mm->vmas[i], mm->vmas[i + 1], mm->vmas[i + 1]))
		merge_next(m, mm, i);
	if (i > 0 && can_merge(mm->vmas[i - 1], mm->vmas[i], mm->vmas[i - 1])) {
		merge_next(m, mm, i - 1);
		i--;
	}
	return i;
}

/*
 * vmas[i], whose flags just changed, merges as vma_merge decides for
 * mprotect and madvise: each neighbour must accept it on its own, both
 * together only when their anon_vmas may meet (is_mergeable_anon_vma
 * without a chain test), and otherwise prev wins over next.  Returns its
 * new index.
 */
static unsigned int vma_merge(struct machine *m, struct mm_struct *mm, unsigned int i)
{
	struct vm_area_struct *prev = i > 0 ? mm->vmas[i - 1] : NULL;
	struct vm_area_struct *next = i + 1 < mm->nr_vmas ? mm->vmas[i + 1] : NULL;
	bool with_prev = prev && can_merge(prev, mm->vmas[i], prev);
	bool with_next = next && can_merge(mm->vmas[i], next, next);

	if (with_prev && with_next && prev->anon_vma && next->anon_vma &&
	    prev->anon_vma != next->anon_vma)
		with_next = false;
	if (with_next)
		merge_next(m, mm, i);
	if (with_prev) {
		merge_next(m, mm, i - 1);
		i--;
	}
	return i;
}

/*
 * vma_merge for [addr, end), a range no VMA overlaps, as a region with
 * the flags, file and anon_vma of @like and page offset @pgoff: the VMA
 * ending at addr grows over it, or the one starting at end grows down
 * over it, or both become one VMA when their anon_vmas may meet (the
 * kernel's cases 1, 2 and 3).  mremap's expansion and copy_vma call it
 * so.  Returns the VMA that covers the range now, or NULL.
 */
struct vm_area_struct *vma_merge_range(struct machine *m, struct mm_struct *mm, uint64_t addr,
				       uint64_t end, const struct vm_area_struct *like,
				       unsigned long pgoff)
{
	struct vm_area_struct region = *like;
	unsigned int i = find_vma_index(mm, addr);
	struct vm_area_struct *prev = i ? mm->vmas[i - 1] : NULL;
	struct vm_area_struct *next = i < mm->nr_vmas ? mm->vmas[i] : NULL;
	bool with_prev, with_next;

	if (like->vm_flags & VM_SPECIAL)
		return NULL;
	region.vm_start = addr;
	region.vm_end = end;
	region.vm_pgoff = pgoff;
	with_prev = prev && prev->vm_end == addr && can_merge(prev, &region, prev);
	with_next = next && next->vm_start == end && can_merge(&region, next, next);
	if (!with_prev && !with_next)
		return NULL;
	vma_set_point(m, mm, SCHED_WRITE);
	if (with_prev) {
		prev->vm_end = end;
		/* both, unless two different anon_vmas would meet */
		if (with_next && (!prev->anon_vma || !next->anon_vma ||
				   prev->anon_vma == next->anon_vma))
			merge_next(m, mm, i - 1);
		return prev;
	}
	next->vm_start = addr;
	next->vm_pgoff = pgoff;
	return next;
}

struct vm_area_struct *copy_vma(struct machine *m, struct vm_area_struct **vmap, uint64_t addr,
				uint64_t len, unsigned long pgoff, bool *need_rmap_locks,
				bool keep_source)
{
	struct vm_area_struct *vma = *vmap, *new_vma;
	struct mm_struct *mm = vma->vm_mm;
	uint64_t vma_start = vma->vm_start;
	bool faulted_in_anon_vma = true, can_self_merge = false;

	/* never faulted: the new range's pgoff follows its address, to merge more often */
	if (vma_is_anonymous(vma) && !vma->anon_vma) {
		pgoff = addr >> PAGE_SHIFT;
		faulted_in_anon_vma = false;
		can_self_merge = true;
	}
	if (find_vma_intersection(mm, addr, addr + len))
		return NULL;		/* the caller made room: cannot happen */
	/* MREMAP_DONTUNMAP keeps the source: it must not merge with the copy */
	if (can_self_merge && keep_source && (addr == vma->vm_end || vma->vm_start == addr + len))
		new_vma = NULL;
	else
		new_vma = vma_merge_range(m, mm, addr, addr + len, vma, pgoff);
	if (new_vma) {
		/* the source itself took the range (it may have been freed into new_vma) */
		if (vma_start >= new_vma->vm_start && vma_start < new_vma->vm_end) {
			if (faulted_in_anon_vma)
				mm_fail(m, "BUG: copy_vma merged the faulted VMA at %#llx with its copy",
					(unsigned long long)vma_start);
			*vmap = vma = new_vma;
		}
		*need_rmap_locks = new_vma->vm_pgoff <= vma->vm_pgoff;
		return new_vma;
	}
	new_vma = vm_area_dup(m, vma);
	new_vma->vm_start = addr;
	new_vma->vm_end = addr + len;
	new_vma->vm_pgoff = pgoff;
	/* vm_ops->open: hugetlb's is the only one (a reserve map reference, a VMA lock) */
	if (is_vm_hugetlb_page(new_vma))
		hugetlb_vm_op_open(m, new_vma);
	vma_set_point(m, mm, SCHED_WRITE);
	vma_insert_at(mm, find_vma_index(mm, addr), new_vma);
	*need_rmap_locks = false;
	return new_vma;
}

/* ---- unmapping -------------------------------------------------------- */

/* unmap_vmas' unmap_single_vma for a VMA that goes: all of it, ZAP_FLAG_UNMAP */
static void unmap_single_vma_final(struct machine *m, struct vm_area_struct *vma)
{
	if (is_vm_hugetlb_page(vma))
		__unmap_hugepage_range_final(m, vma, vma->vm_start, vma->vm_end, PFN_NONE,
					     ZAP_FLAG_DROP_MARKER | ZAP_FLAG_UNMAP);
	else
		zap_vma_range(m, vma, vma->vm_start, vma->vm_end);
}

/* vma->vm_ops->close */
static void vma_close(struct machine *m, struct vm_area_struct *vma)
{
	if (is_vm_hugetlb_page(vma))
		hugetlb_vm_op_close(m, vma);
}

/* Remove vmas[first, last) (already split to the range), as unmap_region does */
static void remove_vmas(struct machine *m, struct mm_struct *mm, unsigned int first,
			unsigned int last)
{
	uint64_t floor = first ? mm->vmas[first - 1]->vm_end : 0;
	uint64_t ceiling = last < mm->nr_vmas ? mm->vmas[last]->vm_start : 0;
	unsigned int n = last - first;
	struct vm_area_struct **gone;

	if (!n)
		return;
	gone = host_malloc(n * sizeof(*gone), "VMAs being unmapped");
	memcpy(gone, &mm->vmas[first], n * sizeof(*gone));
	for (unsigned int k = 0; k < n; k++)
		vma_remove_at(mm, first);
	update_hiwater_vm(mm);		/* remove_mt: before total_vm goes down */
	for (unsigned int k = 0; k < n; k++) {
		vm_stat_account(mm, gone[k]->vm_flags, -(long)vma_pages(gone[k]));
		unmap_single_vma_final(m, gone[k]);
	}
	/*
	 * free_pgtables hides the VMAs from rmap before freeing their tables;
	 * remove_vma calls vm_ops->close before the file goes (here before
	 * the unlink, which drops the file too)
	 */
	for (unsigned int k = 0; k < n; k++) {
		vma_close(m, gone[k]);
		vma_unlink_rmap(m, gone[k]);
	}
	free_pgtables(m, mm, gone, n, floor, ceiling);
	for (unsigned int k = 0; k < n; k++)
		host_free(gone[k]);
	host_free(gone);
}

/* do_mas_align_munmap: unmap [start, end), splitting VMAs at the ends */
static int do_munmap_locked(struct machine *m, struct mm_struct *mm, uint64_t start,
			    uint64_t end)
{
	unsigned int i = find_vma_index(mm, start), j;
	int err;

	if (i == mm->nr_vmas || mm->vmas[i]->vm_start >= end)
		return 0;
	vma_set_point(m, mm, SCHED_WRITE);
	if (start > mm->vmas[i]->vm_start) {
		/* only a hole in the middle leaves one more VMA than before */
		if (end < mm->vmas[i]->vm_end && mm->map_count >= SYSCTL_MAX_MAP_COUNT)
			return -ENOMEM;
		err = __split_vma(m, mm, i, start);
		if (err)
			return err;
		i++;
	}
	for (j = i; j < mm->nr_vmas && mm->vmas[j]->vm_start < end; j++) {
		if (mm->vmas[j]->vm_end > end) {
			/* a failure here leaves the first split in place, as 6.1 does */
			err = __split_vma(m, mm, j, end);
			if (err)
				return err;
			j++;
			break;
		}
	}
	remove_vmas(m, mm, i, j);
	return 0;
}

int do_munmap(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t len)
{
	uint64_t end;

	if ((start & (PAGE_SIZE - 1)) || start > TASK_SIZE || len > TASK_SIZE - start)
		return -EINVAL;
	end = start + ((len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
	if (end == start)
		return -EINVAL;
	return do_munmap_locked(m, mm, start, end);
}

long vm_munmap(struct machine *m, struct task *t, uint64_t start, uint64_t len)
{
	struct mm_struct *mm = t->mm;
	uint64_t end;
	int ret;
	SCHED_WHERE(m);

	if ((start & (PAGE_SIZE - 1)) || start > TASK_SIZE || len > TASK_SIZE - start)
		return -EINVAL;
	end = start + ((len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
	if (end == start)
		return -EINVAL;
	down_write(m, &mm->mmap_lock);
	ret = do_munmap_locked(m, mm, start, end);
	up_write(m, &mm->mmap_lock);
	return ret;
}

/* ---- placing mappings ------------------------------------------------- */

unsigned long mmap_base_norandom(void)
{
	unsigned long gap = STACK_RLIMIT + STACK_GUARD_GAP;	/* no stack randomisation */
	unsigned long gap_min = 128UL << 20, gap_max = (TASK_SIZE / 6) * 5;

	if (gap < gap_min)
		gap = gap_min;
	else if (gap > gap_max)
		gap = gap_max;
	return (TASK_SIZE - gap) & ~(PAGE_SIZE - 1);
}

/* vm_start_gap: where a VMA begins for placing others, a stack's guard gap included */
static uint64_t vm_start_gap(const struct vm_area_struct *vma)
{
	uint64_t start = vma->vm_start;

	if (vma->vm_flags & VM_GROWSDOWN) {
		start -= STACK_GUARD_GAP;
		if (start > vma->vm_start)
			start = 0;
	}
	return start;
}

/*
 * vm_unmapped_area, top-down: the highest [addr, addr + len) in a hole of
 * [low, high), with addr & align_mask == 0 (the hole must then hold len +
 * align_mask, the worst case, as the kernel searches).  A hole under a
 * stack is searched again below its guard gap, as unmapped_area_topdown
 * retries with a lower high_limit.  (shmem's alignment is
 * shmem_get_unmapped_area's business: it asks for a longer range.)
 */
static long unmapped_area_topdown(struct mm_struct *mm, uint64_t len, uint64_t low,
				  uint64_t high, uint64_t align_mask)
{
	uint64_t length = len + align_mask;

	if (length < len)
		return -ENOMEM;
retry:
	for (unsigned int i = mm->nr_vmas + 1; i-- > 0;) {
		uint64_t gap_end = i < mm->nr_vmas ? mm->vmas[i]->vm_start : high;
		uint64_t gap_start = i ? mm->vmas[i - 1]->vm_end : 0;
		uint64_t addr;

		if (gap_end > high)
			gap_end = high;
		if (gap_start < low)
			gap_start = low;
		if (gap_end <= gap_start || gap_end - gap_start < length)
			continue;
		if (i < mm->nr_vmas && (mm->vmas[i]->vm_flags & VM_GROWSDOWN) &&
		    vm_start_gap(mm->vmas[i]) < gap_end) {
			high = vm_start_gap(mm->vmas[i]);
			goto retry;
		}
		addr = gap_end - len;
		addr -= addr & align_mask;
		return (long)addr;
	}
	return -ENOMEM;
}

/* unmapped_area: the lowest fit, again keeping a stack's guard gap free */
static long unmapped_area_bottomup(struct mm_struct *mm, uint64_t len, uint64_t low,
				   uint64_t high, uint64_t align_mask)
{
	uint64_t length = len + align_mask;

	if (length < len)
		return -ENOMEM;
retry:
	for (unsigned int i = 0; i <= mm->nr_vmas; i++) {
		uint64_t gap_start = i ? mm->vmas[i - 1]->vm_end : 0;
		uint64_t gap_end = i < mm->nr_vmas ? mm->vmas[i]->vm_start : high;

		if (gap_start < low)
			gap_start = low;
		if (gap_end > high)
			gap_end = high;
		if (gap_end <= gap_start || gap_end - gap_start < length)
			continue;
		gap_start += -gap_start & align_mask;
		if (i < mm->nr_vmas && (mm->vmas[i]->vm_flags & VM_GROWSDOWN) &&
		    vm_start_gap(mm->vmas[i]) < gap_start + len) {
			low = mm->vmas[i]->vm_end;
			goto retry;
		}
		return (long)gap_start;
	}
	return -ENOMEM;
}

/* arch_get_unmapped_area_topdown: the hint if it fits, else the search */
static long arch_get_unmapped_area_topdown(struct mm_struct *mm, uint64_t addr, uint64_t len)
{
	long ret;

	if (addr) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		unsigned int i = find_vma_index(mm, addr);
		struct vm_area_struct *prev = i ? mm->vmas[i - 1] : NULL;

		addr = (addr + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		if (TASK_SIZE - len >= addr && addr >= MMAP_MIN_ADDR &&
		    (!vma || addr + len <= vm_start_gap(vma)) && (!prev || addr >= prev->vm_end))
			return (long)addr;
	}
	/* the search goes down to PAGE_SIZE; below mmap_min_addr is refused after it */
	ret = unmapped_area_topdown(mm, len, PAGE_SIZE, mm->mmap_base, 0);
	/* the fallback: bottom-up from TASK_UNMAPPED_BASE */
	if (ret == -ENOMEM)
		ret = unmapped_area_bottomup(mm, len, TASK_UNMAPPED_BASE, TASK_SIZE, 0);
	return ret;
}

long vm_unmapped_area(struct mm_struct *mm, const struct vm_unmapped_area_info *info)
{
	if (info->flags & VM_UNMAPPED_AREA_TOPDOWN)
		return unmapped_area_topdown(mm, info->length, info->low_limit, info->high_limit,
					     info->align_mask);
	return unmapped_area_bottomup(mm, info->length, info->low_limit, info->high_limit,
				      info->align_mask);
}

/* vm_start_gap of the first VMA ending above addr, for the hint checks (TASK_SIZE: none) */
uint64_t vma_start_gap_after(struct mm_struct *mm, uint64_t addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return vma ? vm_start_gap(vma) : TASK_SIZE;
}

/*
 * shmem_get_unmapped_area: take the plain answer when the hint was taken
 * or it already lines up with the file's THPs; otherwise search for room
 * for len + 2 MiB - 4 KiB and place the mapping aligned inside it.
 */
static long shmem_get_unmapped_area(struct machine *m, struct mm_struct *mm, struct inode *file,
				    uint64_t uaddr, uint64_t len, unsigned long pgoff)
{
	long addr = arch_get_unmapped_area_topdown(mm, uaddr, len), inflated;
	uint64_t align, offset, inflated_len = len + HPAGE_PMD_SIZE - PAGE_SIZE, ioff;

	if (addr < 0 || (uint64_t)addr > TASK_SIZE - len || (uint64_t)addr == uaddr)
		return addr;
	shmem_align(m, file, len, pgoff, &align, &offset);
	if (!align || ((uint64_t)addr & (HPAGE_PMD_SIZE - 1)) == offset)
		return addr;
	if (inflated_len > TASK_SIZE || inflated_len < len)
		return addr;
	inflated = arch_get_unmapped_area_topdown(mm, uaddr, inflated_len);
	if (inflated < 0 || (inflated & (PAGE_SIZE - 1)))
		return addr;
	ioff = (uint64_t)inflated & (HPAGE_PMD_SIZE - 1);
	inflated += (long)offset - (long)ioff;
	if (ioff > offset)
		inflated += HPAGE_PMD_SIZE;
	if ((uint64_t)inflated > TASK_SIZE - len)
		return addr;
	return inflated;
}

long get_unmapped_area(struct machine *m, struct mm_struct *mm, struct inode *file, uint64_t addr,
		       uint64_t len, unsigned long pgoff, long flags)
{
	long ret;

	if (len > TASK_SIZE)
		return -ENOMEM;
	if (is_file_hugepages(file))		/* file->f_op->get_unmapped_area */
		ret = hugetlb_get_unmapped_area(m, mm, file, addr, len, pgoff, flags);
	else if (flags & MAP_FIXED)
		ret = (long)addr;
	else if ((file && file->shmem) || (!file && (flags & MAP_SHARED)))
		ret = shmem_get_unmapped_area(m, mm, file, addr, len, file ? pgoff : 0);
	else
		ret = arch_get_unmapped_area_topdown(mm, addr, len);
	if (ret < 0)
		return ret;
	if ((uint64_t)ret > TASK_SIZE - len)
		return -ENOMEM;
	if (ret & (PAGE_SIZE - 1))
		return -EINVAL;
	if ((uint64_t)ret < MMAP_MIN_ADDR)
		return -EPERM;		/* security_mmap_addr: cap_mmap_addr */
	return ret;
}

static unsigned long calc_vm_prot_bits(long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

static unsigned long calc_vm_flag_bits(long flags)
{
	return (flags & MAP_GROWSDOWN ? VM_GROWSDOWN : 0) | (flags & MAP_LOCKED ? VM_LOCKED : 0) |
	       (flags & MAP_SYNC ? VM_SYNC : 0);
}

static bool accountable_mapping(struct inode *file, unsigned long vm_flags)
{
	if (is_file_hugepages(file))	/* hugetlb has its own accounting */
		return false;
	return (vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE;
}

/* __mmap_region: the new VMA, merged with its neighbours where it can be */
static long mmap_region(struct machine *m, struct mm_struct *mm, struct inode *file,
			uint64_t file_id, uint64_t addr, uint64_t len, unsigned long vm_flags,
			unsigned long pgoff)
{
	struct vm_area_struct *vma;
	unsigned int i;

	if (do_munmap_locked(m, mm, addr, addr + len))
		return -ENOMEM;
	if (accountable_mapping(file, vm_flags))
		vm_flags |= VM_ACCOUNT;
	vma = host_calloc(1, sizeof(*vma), "a VMA");
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	vma->vm_pgoff = pgoff;
	vma->vm_mm = mm;
	if (!file && (vm_flags & VM_SHARED)) {
		file = shmem_zero_setup(m, len);	/* "/dev/zero (deleted)" */
		if (!file) {
			host_free(vma);
			return -ENOMEM;
		}
		vma->vm_file = file;
		vma->vm_file_id = ++proc_ctx(m)->next_file_id;
		vma_link_file(m, vma);
		iput(m, file);		/* the mapping holds it now */
	} else if (file) {
		vma->vm_file = file;
		vma->vm_file_id = file_id;
		if (is_file_hugepages(file)) {		/* mmap_file: hugetlbfs_file_mmap */
			int err = hugetlbfs_file_mmap(m, file, vma);

			if (err) {
				host_free(vma);
				return err;
			}
			vm_flags = vma->vm_flags;
		}
		vma_link_file(m, vma);
	}
	vma_set_point(m, mm, SCHED_WRITE);
	i = find_vma_index(mm, addr);
	vma_insert_at(mm, i, vma);
	vma_merge_neighbours(m, mm, i);
	vm_stat_account(mm, vm_flags, (long)(len >> PAGE_SHIFT));
	vma = find_vma(mm, addr);
	khugepaged_enter_vma(m, vma, vma->vm_flags);
	vma->vm_flags |= VM_SOFTDIRTY;
	if (file)
		uprobe_mmap(m, vma);	/* breakpoints registered before this mapping */
	return (long)addr;
}

/*
 * mm_populate: fault the range in, as a write when the mapping is
 * writable; a hugetlb VMA a huge page at a time (follow_hugetlb_page)
 */
static void mm_populate(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t len)
{
	for (uint64_t a = start, step; a < start + len; a += step) {
		struct vm_area_struct *vma;
		unsigned int flags;

		step = PAGE_SIZE;
		down_read(m, &mm->mmap_lock);
		vma = find_vma(mm, a);
		if (!vma || vma->vm_start > a ||
		    !(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC))) {
			up_read(m, &mm->mmap_lock);
			continue;
		}
		step = vma_kernel_pagesize(vma) - (a & (vma_kernel_pagesize(vma) - 1));
		/* populate_vma_page_range: FOLL_WRITE for private writable mappings */
		flags = (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE ? FAULT_FLAG_WRITE : 0;
		if (!follow_page_present(m, vma, a, flags & FAULT_FLAG_WRITE))
			handle_mm_fault(m, vma, a, flags);
		up_read(m, &mm->mmap_lock);
	}
}

long ksys_mmap_pgoff(struct machine *m, struct task *t, uint64_t addr, uint64_t len, long prot,
		     long flags, int fd, uint64_t off)
{
	struct mm_struct *mm = t->mm;
	struct inode *file = NULL, *huge_file = NULL;
	struct file *f = NULL;
	unsigned long vm_flags = 0, pgoff;
	uint64_t file_id = 0;
	long ret;

	/* the mmap system call: the offset must be page aligned */
	if (off & (PAGE_SIZE - 1))
		return -EINVAL;
	pgoff = off >> PAGE_SHIFT;
	if (!(flags & MAP_ANONYMOUS)) {
		if (fd < 0 || fd >= TASK_MAX_FDS || !t->fd[fd])
			return -EBADF;
		f = t->fd[fd];
		file = f->inode;
		file_id = f->f_id;
		if (is_file_hugepages(file)) {
			uint64_t hsz = huge_page_size(hstate_inode(file));

			len = (len + hsz - 1) & ~(hsz - 1);	/* ALIGN: may wrap to 0 */
		} else if (flags & MAP_HUGETLB) {
			return -EINVAL;
		}
	} else if (flags & MAP_HUGETLB) {
		/* an unlinked file on the internal mount of the size bits 26..31 name */
		int log = (int)((flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK);
		struct hstate *hs = hstate_sizelog(m, log);
		uint64_t hsz;

		if (!hs)
			return -EINVAL;
		hsz = huge_page_size(hs);
		len = (len + hsz - 1) & ~(hsz - 1);
		/* VM_NORESERVE: the reservation is taken by hugetlbfs_file_mmap */
		huge_file = hugetlb_file_setup(m, HUGETLB_ANON_FILE, len, VM_NORESERVE, log, &ret);
		if (!huge_file)
			return ret;
		file = huge_file;
		file_id = ++proc_ctx(m)->next_file_id;
	}
	/* do_mmap */
	ret = -EINVAL;
	if (!len)
		goto out_fput;
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if (!(flags & MAP_FIXED)) {
		addr &= ~(PAGE_SIZE - 1);		/* round_hint_to_min */
		if (addr && addr < MMAP_MIN_ADDR)
			addr = MMAP_MIN_ADDR;
	}
	len = (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	ret = -ENOMEM;
	if (!len)
		goto out_fput;
	ret = -EOVERFLOW;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		goto out_fput;
	down_write(m, &mm->mmap_lock);
	ret = -ENOMEM;
	if (mm->map_count > SYSCTL_MAX_MAP_COUNT)
		goto out;
	ret = get_unmapped_area(m, mm, file, addr, len, pgoff, flags);
	if (ret < 0)
		goto out;
	addr = (uint64_t)ret;
	ret = -EEXIST;
	if ((flags & MAP_FIXED_NOREPLACE) && find_vma_intersection(mm, addr, addr + len))
		goto out;
	vm_flags = calc_vm_prot_bits(prot) | calc_vm_flag_bits(flags) | mm->def_flags |
		   VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	if (file) {
		/* hugetlb_file_setup's pseudo file is O_RDWR */
		bool can_write = !f || (f->f_flags & O_ACCMODE) != O_RDONLY;
		bool can_read = !f || (f->f_flags & O_ACCMODE) != O_WRONLY;

		ret = -EOVERFLOW;		/* file_mmap_ok: a regular file ends at MAX_LFS_FILESIZE */
		if (len > MAX_LFS_FILESIZE || pgoff > (MAX_LFS_FILESIZE - len) >> PAGE_SHIFT)
			goto out;
		switch (flags & MAP_TYPE) {
		case MAP_SHARED:
			flags &= LEGACY_MAP_MASK;
			/* fall through */
		case MAP_SHARED_VALIDATE:
			ret = -EOPNOTSUPP;
			if (flags & ~LEGACY_MAP_MASK)
				goto out;
			ret = -EACCES;
			if ((prot & PROT_WRITE) && !can_write)
				goto out;
			vm_flags |= VM_SHARED | VM_MAYSHARE;
			if (!can_write)
				vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
			/* fall through */
		case MAP_PRIVATE:
			ret = -EACCES;
			if (!can_read)
				goto out;
			ret = -EINVAL;
			if (vm_flags & VM_GROWSDOWN)
				goto out;
			break;
		default:
			ret = -EINVAL;
			goto out;
		}
	} else {
		switch (flags & MAP_TYPE) {
		case MAP_SHARED:
			ret = -EINVAL;
			if (vm_flags & VM_GROWSDOWN)
				goto out;
			pgoff = 0;
			vm_flags |= VM_SHARED | VM_MAYSHARE;
			break;
		case MAP_PRIVATE:
			pgoff = addr >> PAGE_SHIFT;
			break;
		default:
			ret = -EINVAL;
			goto out;
		}
	}
	/*
	 * MAP_NORESERVE is honoured unless vm.overcommit_memory is 2 (never;
	 * the model runs the default heuristic), and for hugetlb files always:
	 * hugetlb otherwise applies strict overcommit (reservations).
	 */
	if (flags & MAP_NORESERVE)
		vm_flags |= VM_NORESERVE;
	ret = mmap_region(m, mm, file, file_id, addr, len, vm_flags, pgoff);
out:
	up_write(m, &mm->mmap_lock);
	if (ret >= 0 && ((vm_flags & VM_LOCKED) ||
			 (flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE))
		mm_populate(m, mm, (uint64_t)ret, len);
out_fput:
	if (huge_file)
		iput(m, huge_file);	/* fput: the mapping holds the file now */
	return ret;
}

/* ---- mprotect and madvise: change flags over a range ------------------- */

/*
 * Give [start, end) of vmas[i] the flags newflags: split at the ends,
 * update, merge.  Returns the index of the last VMA of the range, or a
 * negative errno.
 */
static long vma_modify_flags(struct machine *m, struct mm_struct *mm, unsigned int i,
			     uint64_t start, uint64_t end, unsigned long newflags)
{
	struct vm_area_struct *vma = mm->vmas[i];
	int err;

	if (newflags == vma->vm_flags)
		return i;
	vma_set_point(m, mm, SCHED_WRITE);
	if (start > vma->vm_start) {
		err = split_vma(m, mm, i, start);
		if (err)
			return err;
		i++;
	}
	if (end < mm->vmas[i]->vm_end) {
		err = split_vma(m, mm, i, end);
		if (err)
			return err;
	}
	mm->vmas[i]->vm_flags = newflags;
	return vma_merge(m, mm, i);
}

long do_mprotect_pkey(struct machine *m, struct task *t, uint64_t start, uint64_t len, long prot)
{
	struct mm_struct *mm = t->mm;
	long grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
	uint64_t end, tmp, nstart;
	long err = 0;
	unsigned int i;

	prot &= ~(PROT_GROWSDOWN | PROT_GROWSUP);
	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (start & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!len)
		return 0;
	len = (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	end = start + len;
	if (end <= start)
		return -ENOMEM;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
		return -EINVAL;		/* arch_validate_prot */
	down_write(m, &mm->mmap_lock);
	i = find_vma_index(mm, start);
	err = -ENOMEM;
	if (i == mm->nr_vmas)
		goto out;
	if (grows & PROT_GROWSDOWN) {
		/* from the start of the VMA at or above start, which must be a stack */
		if (mm->vmas[i]->vm_start >= end)
			goto out;
		start = mm->vmas[i]->vm_start;
		err = -EINVAL;
		if (!(mm->vmas[i]->vm_flags & VM_GROWSDOWN))
			goto out;
	} else if (mm->vmas[i]->vm_start > start) {
		goto out;
	} else if (grows & PROT_GROWSUP) {
		err = -EINVAL;
		goto out;
	}
	err = 0;
	nstart = start;
	while (nstart < end) {
		struct vm_area_struct *vma;
		unsigned long newflags, oldflags;
		long r;

		i = find_vma_index(mm, nstart);
		vma = i < mm->nr_vmas ? mm->vmas[i] : NULL;
		if (!vma || vma->vm_start > nstart) {
			err = -ENOMEM;		/* a hole: what came before stays changed */
			break;
		}
		oldflags = vma->vm_flags;
		newflags = calc_vm_prot_bits(prot) | (oldflags & ~VM_ACCESS_FLAGS);
		/* a permission the VMA may not have (VM_MAY*) */
		if ((newflags & ~(newflags >> 4)) & VM_ACCESS_FLAGS) {
			err = -EACCES;
			break;
		}
		tmp = vma->vm_end < end ? vma->vm_end : end;
		/* mprotect_fixup: becoming writable private memory is accounted */
		if ((newflags & VM_WRITE) &&
		    !(oldflags & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB | VM_SHARED | VM_NORESERVE)))
			newflags |= VM_ACCOUNT;
		r = vma_modify_flags(m, mm, i, nstart, tmp, newflags);
		if (r < 0) {
			err = r;
			break;
		}
		/* mprotect_fixup: nothing to do when the flags stay */
		if (newflags != oldflags) {
			vm_stat_account(mm, oldflags, -(long)((tmp - nstart) >> PAGE_SHIFT));
			vm_stat_account(mm, newflags, (long)((tmp - nstart) >> PAGE_SHIFT));
			change_protection(m, mm->vmas[r], nstart, tmp, newflags);
		}
		nstart = tmp;
	}
out:
	up_write(m, &mm->mmap_lock);
	return err;
}

bool madvise_modelled(long behavior)
{
	switch (behavior) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
	case MADV_DONTNEED: case MADV_DONTFORK: case MADV_DOFORK: case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE: case MADV_DONTDUMP: case MADV_DODUMP: case MADV_WIPEONFORK:
	case MADV_KEEPONFORK: case MADV_COLLAPSE:
		return true;
	}
	return false;
}

static bool madvise_behavior_valid(long behavior)
{
	switch (behavior) {
	case MADV_DOFORK: case MADV_DONTFORK: case MADV_NORMAL: case MADV_SEQUENTIAL:
	case MADV_RANDOM: case MADV_REMOVE: case MADV_WILLNEED: case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED: case MADV_FREE: case MADV_COLD: case MADV_PAGEOUT:
	case MADV_POPULATE_READ: case MADV_POPULATE_WRITE: case MADV_MERGEABLE:
	case MADV_UNMERGEABLE: case MADV_HUGEPAGE: case MADV_NOHUGEPAGE: case MADV_COLLAPSE:
	case MADV_DONTDUMP: case MADV_DODUMP: case MADV_WIPEONFORK: case MADV_KEEPONFORK:
		return true;
	}
	return false;
}

/* madvise_vma_behavior for one VMA's part [start, end); returns index or -errno */
static long madvise_one(struct machine *m, struct mm_struct *mm, unsigned int i, uint64_t start,
			uint64_t end, long behavior)
{
	struct vm_area_struct *vma = mm->vmas[i];
	unsigned long f = vma->vm_flags;
	long ret;

	switch (behavior) {
	case MADV_DONTNEED:
		if (f & VM_HUGETLB) {
			/*
			 * madvise_dontneed_free_valid_vma: the start must be huge
			 * page aligned; the end is rounded down, so that no page
			 * the caller did not cover goes
			 */
			unsigned long hsz = huge_page_size(hstate_vma(vma));

			if (start & (hsz - 1))
				return -EINVAL;
			end &= ~(uint64_t)(hsz - 1);
			if (start < end)
				zap_vma_range(m, vma, start, end);
			return i;
		}
		if (f & (VM_LOCKED | VM_PFNMAP))
			return -EINVAL;
		zap_vma_range(m, vma, start, end);
		return i;
	case MADV_WILLNEED:
		return i;	/* no swap, and tmpfs has no readahead: nothing to do */
	case MADV_NORMAL:
		f &= ~(VM_RAND_READ | VM_SEQ_READ);
		break;
	case MADV_SEQUENTIAL:
		f = (f & ~VM_RAND_READ) | VM_SEQ_READ;
		break;
	case MADV_RANDOM:
		f = (f & ~VM_SEQ_READ) | VM_RAND_READ;
		break;
	case MADV_DONTFORK:
		f |= VM_DONTCOPY;
		break;
	case MADV_DOFORK:
		if (f & VM_IO)
			return -EINVAL;
		f &= ~VM_DONTCOPY;
		break;
	case MADV_WIPEONFORK:
		if (vma->vm_file || (f & VM_SHARED))
			return -EINVAL;
		f |= VM_WIPEONFORK;
		break;
	case MADV_KEEPONFORK:
		f &= ~VM_WIPEONFORK;
		break;
	case MADV_DONTDUMP:
		f |= VM_DONTDUMP;
		break;
	case MADV_DODUMP:
		if (!vma->vm_file && (f & VM_SPECIAL))
			return -EINVAL;
		f &= ~VM_DONTDUMP;
		break;
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
		if (hugepage_madvise(m, vma, &f, behavior))
			return -EINVAL;
		break;
	case MADV_COLLAPSE:
		/* its own errnos, ENOMEM included (not turned into EAGAIN) */
		ret = madvise_collapse(m, vma, start, end);
		return ret ? ret : i;
	}
	ret = vma_modify_flags(m, mm, i, start, end, f);
	/* madvise_vma_behavior: no room for a VMA is "try again" */
	return ret == -ENOMEM ? -EAGAIN : ret;
}

long do_madvise(struct machine *m, struct task *t, uint64_t start, uint64_t len_in, long behavior)
{
	struct mm_struct *mm = t->mm;
	uint64_t len, end;
	long unmapped_error = 0, err = 0;
	bool write = true;

	if (!madvise_behavior_valid(behavior))
		return -EINVAL;
	if (start & (PAGE_SIZE - 1))
		return -EINVAL;
	len = (len_in + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	if (len_in && !len)
		return -EINVAL;
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	/* madvise_need_mmap_write: these take the lock for read */
	if (behavior == MADV_DONTNEED || behavior == MADV_WILLNEED || behavior == MADV_COLD ||
	    behavior == MADV_COLLAPSE)
		write = false;
	if (write)
		down_write(m, &mm->mmap_lock);
	else
		down_read(m, &mm->mmap_lock);
	/* madvise_walk_vmas: holes give ENOMEM, after the mapped parts are done */
	for (uint64_t a = start; a < end;) {
		unsigned int i = find_vma_index(mm, a);
		struct vm_area_struct *vma = i < mm->nr_vmas ? mm->vmas[i] : NULL;
		uint64_t tmp;
		long r;

		if (!vma || vma->vm_start >= end) {
			unmapped_error = -ENOMEM;
			break;
		}
		if (vma->vm_start > a) {
			unmapped_error = -ENOMEM;
			a = vma->vm_start;
		}
		tmp = vma->vm_end < end ? vma->vm_end : end;
		r = madvise_one(m, mm, i, a, tmp, behavior);
		if (r < 0) {
			err = r;
			break;
		}
		a = tmp;
	}
	if (write)
		up_write(m, &mm->mmap_lock);
	else
		up_read(m, &mm->mmap_lock);
	return err ? err : unmapped_error;
}

/* ---- fork and exit ---------------------------------------------------- */

int dup_mmap(struct machine *m, struct mm_struct *mm, struct mm_struct *oldmm)
{
	int err = 0;

	uprobe_start_dup_mmap(m);
	down_write(m, &oldmm->mmap_lock);
	mm->total_vm = oldmm->total_vm;
	mm->data_vm = oldmm->data_vm;
	mm->exec_vm = oldmm->exec_vm;
	mm->stack_vm = oldmm->stack_vm;
	mm->def_flags = oldmm->def_flags;
	mm->flags = oldmm->flags & MMF_INIT_MASK;	/* not MMF_HUGE_ZERO_PAGE */
	uprobe_dup_mmap(oldmm, mm);
	for (unsigned int i = 0; i < oldmm->nr_vmas && !err; i++) {
		struct vm_area_struct *mpnt = oldmm->vmas[i], *tmp;

		if (mpnt->vm_flags & VM_DONTCOPY) {
			vm_stat_account(mm, mpnt->vm_flags, -(long)vma_pages(mpnt));
			continue;
		}
		tmp = host_malloc(sizeof(*tmp), "a VMA");
		*tmp = *mpnt;
		tmp->vm_mm = mm;
		if (tmp->vm_flags & VM_WIPEONFORK) {
			/* the child gets a fresh anonymous VMA */
			tmp->anon_vma = NULL;
			tmp->avc = NULL;
			tmp->nr_avc = tmp->cap_avc = 0;
		} else {
			anon_vma_fork(m, tmp, mpnt);
		}
		tmp->vm_flags &= ~VM_LOCKED;
		/* a private reservation stays with the parent; a shared VMA gets its own lock */
		if (is_vm_hugetlb_page(tmp)) {
			hugetlb_dup_vma_private(tmp);
			hugetlb_vm_op_open(m, tmp);
		}
		vma_link_file(m, tmp);
		vma_insert_at(mm, mm->nr_vmas, tmp);
		if (!(tmp->vm_flags & VM_WIPEONFORK))
			err = copy_page_range(m, tmp, mpnt);
	}
	up_write(m, &oldmm->mmap_lock);
	uprobe_end_dup_mmap(m);
	return err;
}

void exit_mmap(struct machine *m, struct mm_struct *mm)
{
	down_write(m, &mm->mmap_lock);
	if (mm->nr_vmas) {
		unsigned int n = mm->nr_vmas;
		struct vm_area_struct **all = host_malloc(n * sizeof(*all), "VMAs at exit");

		memcpy(all, mm->vmas, n * sizeof(*all));
		for (unsigned int k = 0; k < n; k++)
			unmap_single_vma_final(m, all[k]);
		/* remove_vma's close before the file goes with the unlink */
		for (unsigned int k = 0; k < n; k++) {
			vma_close(m, all[k]);
			vma_unlink_rmap(m, all[k]);
		}
		free_pgtables(m, mm, all, n, 0, 0);
		for (unsigned int k = 0; k < n; k++) {
			vm_stat_account(mm, all[k]->vm_flags, -(long)vma_pages(all[k]));
			host_free(all[k]);
		}
		mm->nr_vmas = 0;
		mm->map_count = 0;
		host_free(all);
	}
	up_write(m, &mm->mmap_lock);
}
