/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mmap.h - the VMA set of an address space and the system calls that
 * change it (mm/mmap.c, mm/mprotect.c, mm/madvise.c, 6.1).
 *
 * System calls return what the kernel's return: an address or 0, or a
 * negative errno.  They take the mmap lock as the kernel does.
 */
#ifndef MMSIM_MMAP_H
#define MMSIM_MMAP_H

#include "mm.h"
#include "cpu.h"
#include "mm_types.h"

struct task;
struct file;

/* x86_64, 4-level paging, no randomisation (arch/x86/mm/mmap.c) */
#define TASK_SIZE		0x7ffffffff000UL	/* TASK_SIZE_MAX */
#define MMAP_MIN_ADDR		65536UL		/* Debian's vm.mmap_min_addr */
#define STACK_RLIMIT		(8UL << 20)	/* ulimit -s 8192 */
#define STACK_GUARD_GAP		(256UL << PAGE_SHIFT)
#define SYSCTL_MAX_MAP_COUNT	65530
#define TASK_UNMAPPED_BASE	((TASK_SIZE / 3 + 4095) & ~4095UL)

/*
 * For the interleaving explorer: reading the VMA set (a fault's find_vma)
 * and changing it (VMAs inserted, removed, split, merged or given new
 * flags) are scheduling points on mm->vmas, so that a search orders a
 * fault against a change even where the mmap lock does not (a fault path
 * without the lock, m->inject.fault_skip_mmap_lock).  A change announces
 * itself once, before its first step: a split and the removal that follows
 * it are one step.
 */
static inline void vma_set_point(struct machine *m, struct mm_struct *mm, enum sched_op op)
{
	sched_point(m, op, (uint64_t)(uintptr_t)&mm->vmas, sizeof(mm->vmas));
}

/* The first VMA with vm_end > addr, or NULL */
struct vm_area_struct *find_vma(struct mm_struct *mm, uint64_t addr);
/* Index of that VMA in mm->vmas (nr_vmas when none) */
unsigned int find_vma_index(const struct mm_struct *mm, uint64_t addr);
/* The first VMA intersecting [start, end), or NULL */
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, uint64_t start,
					     uint64_t end);

/* vm_unmapped_area: a free range as struct vm_unmapped_area_info asks */
#define VM_UNMAPPED_AREA_TOPDOWN	1
struct vm_unmapped_area_info {
	unsigned long flags;
	uint64_t length;
	uint64_t low_limit, high_limit;	/* [low, high) */
	uint64_t align_mask;		/* align_offset is 0 for every caller here */
};
long vm_unmapped_area(struct mm_struct *mm, const struct vm_unmapped_area_info *info);
/* vm_start_gap(find_vma(mm, addr)), or TASK_SIZE when no VMA ends above addr */
uint64_t vma_start_gap_after(struct mm_struct *mm, uint64_t addr);

/* mmap_base without randomisation (mmap_base() with rnd = 0) */
unsigned long mmap_base_norandom(void);

long ksys_mmap_pgoff(struct machine *m, struct task *t, uint64_t addr, uint64_t len,
		     long prot, long flags, int fd, uint64_t off);
long vm_munmap(struct machine *m, struct task *t, uint64_t start, uint64_t len);
long do_mprotect_pkey(struct machine *m, struct task *t, uint64_t start, uint64_t len,
		      long prot);
long do_madvise(struct machine *m, struct task *t, uint64_t start, uint64_t len_in,
		long behavior);

/*
 * For mremap (mremap.c), with the mmap lock held for write:
 * do_munmap is do_mas_munmap with its argument checks (0 or -EINVAL,
 * -ENOMEM); get_unmapped_area returns an address or a negative errno as
 * the kernel's does (MAP_FIXED and MAP_SHARED in flags).
 */
int do_munmap(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t len);
long get_unmapped_area(struct machine *m, struct mm_struct *mm, struct inode *file, uint64_t addr,
		       uint64_t len, unsigned long pgoff, long flags);
/*
 * vma_merge for [addr, end), which no VMA overlaps, as a region with
 * like's flags, file and anon_vma at page offset pgoff: a neighbour (or
 * both) grows over it.  The VMA covering it, or NULL when neither can.
 */
struct vm_area_struct *vma_merge_range(struct machine *m, struct mm_struct *mm, uint64_t addr,
				       uint64_t end, const struct vm_area_struct *like,
				       unsigned long pgoff);
/*
 * copy_vma: a VMA for [addr, addr + len) like *vmap at pgoff, merged
 * with a neighbour when it can be (*vmap itself, when it was never
 * faulted, in which case *vmap becomes the merged VMA), unless
 * keep_source and the neighbour is *vmap.  *need_rmap_locks says whether
 * rmap might walk the new VMA before the old one.  NULL when the range
 * is not free.
 */
struct vm_area_struct *copy_vma(struct machine *m, struct vm_area_struct **vmap, uint64_t addr,
				uint64_t len, unsigned long pgoff, bool *need_rmap_locks,
				bool keep_source);

/* Is the madvise behaviour one the model carries out? */
bool madvise_modelled(long behavior);

/* fork's dup_mmap: 0 or -ENOMEM */
int dup_mmap(struct machine *m, struct mm_struct *mm, struct mm_struct *oldmm);
/* exit_mmap: everything unmapped and freed, page tables included */
void exit_mmap(struct machine *m, struct mm_struct *mm);

/* The counters vm_stat_account keeps (total_vm, exec_vm, stack_vm, data_vm) */
void vm_stat_account(struct mm_struct *mm, unsigned long flags, long npages);

#endif /* MMSIM_MMAP_H */
