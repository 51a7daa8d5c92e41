/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mm_types.h - address spaces and what maps into them
 * (include/linux/mm_types.h, include/linux/mm.h, include/linux/rmap.h,
 * include/linux/fs.h): struct mm_struct, struct vm_area_struct, struct
 * anon_vma, and the inode whose page cache file mappings map.
 *
 * The VMA set of an mm is a sorted array of pointers searched by
 * bisection.  The kernel keeps a maple tree; what the model needs from it
 * is what the kernel uses it for (find_vma in O(log n), in-order walks
 * for unmap, fork and the /proc views, and neighbours for merging), and a
 * sorted array gives all three with no rebalancing code to get wrong.
 * Insertion and removal cost a memmove, O(n) in the number of VMAs,
 * which stays in the tens for the scenarios this models.
 *
 * Host pointers stand for kernel pointers where no simulated code reads
 * the pointer's bytes (vma->vm_mm, vma->anon_vma).  Where the kernel
 * stores a pointer in a struct page (page->mapping), the model stores a
 * made-up kernel address that names the object (anon_vma_addr(),
 * mapping_addr()), so that struct page bytes stay the kernel's.
 */
#ifndef MMSIM_MM_TYPES_H
#define MMSIM_MM_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "xmap.h"

struct machine;
struct task;
struct inode;
struct shmem_sb;
struct hugetlbfs_sb_info;
struct resv_map;

/* vma->vm_flags (include/linux/mm.h, 6.1) */
#define VM_NONE		0x00000000UL
#define VM_READ		0x00000001UL
#define VM_WRITE	0x00000002UL
#define VM_EXEC		0x00000004UL
#define VM_SHARED	0x00000008UL
#define VM_MAYREAD	0x00000010UL
#define VM_MAYWRITE	0x00000020UL
#define VM_MAYEXEC	0x00000040UL
#define VM_MAYSHARE	0x00000080UL
#define VM_GROWSDOWN	0x00000100UL
#define VM_PFNMAP	0x00000400UL
#define VM_LOCKED	0x00002000UL
#define VM_IO		0x00004000UL
#define VM_SEQ_READ	0x00008000UL
#define VM_RAND_READ	0x00010000UL
#define VM_DONTCOPY	0x00020000UL
#define VM_DONTEXPAND	0x00040000UL
#define VM_LOCKONFAULT	0x00080000UL
#define VM_ACCOUNT	0x00100000UL
#define VM_NORESERVE	0x00200000UL
#define VM_HUGETLB	0x00400000UL
#define VM_SYNC		0x00800000UL
#define VM_WIPEONFORK	0x02000000UL
#define VM_DONTDUMP	0x04000000UL
#define VM_SOFTDIRTY	0x08000000UL	/* CONFIG_MEM_SOFT_DIRTY, as Debian */
#define VM_MIXEDMAP	0x10000000UL
#define VM_HUGEPAGE	0x20000000UL
#define VM_NOHUGEPAGE	0x40000000UL
#define VM_MERGEABLE	0x80000000UL

#define VM_ACCESS_FLAGS	(VM_READ | VM_WRITE | VM_EXEC)
#define VM_SPECIAL	(VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP)

/* mm->rss_stat (include/linux/mm_types_task.h) */
enum mm_counter { MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES, NR_MM_COUNTERS };

/* mm->flags */
#define MMF_VM_HUGEPAGE		17	/* registered with khugepaged */
#define MMF_HUGE_ZERO_PAGE	23
#define MMF_DISABLE_THP	24
/* What fork passes on (MMF_INIT_MASK; the dump flags are not modelled) */
#define MMF_INIT_MASK	(1UL << MMF_DISABLE_THP)

/*
 * An anon_vma (mm/rmap.c).  The kernel links VMAs to anon_vmas through
 * anon_vma_chain objects in an interval tree per anon_vma; the model keeps
 * the same many-to-many relation as an array of VMAs per anon_vma and an
 * array of anon_vmas per VMA.  A page's mapping names the anon_vma of the
 * VMA it was faulted into; the rmap walk visits every VMA chained to it,
 * which after fork includes the children's.
 */
struct anon_vma {
	struct anon_vma *root;
	struct anon_vma *parent;
	uint32_t id;			/* names it in page->mapping */
	int refcount;			/* chains + child anon_vmas' parent refs */
	struct vm_area_struct **vmas;	/* the chains, in the kernel's interval tree */
	unsigned int nr_vmas, cap_vmas;
	unsigned long degree;		/* VMAs and child anon_vmas that point here */
	struct rw_semaphore rwsem;	/* the root's one is the lock */
};

/*
 * A file: its inode and page cache (struct address_space).  The page
 * cache maps a page index to the pfn of the page holding it; an order-9
 * folio appears under each of its 512 indices, as a multi-index xarray
 * entry does.  i_mmap is the set of VMAs that map the file (the kernel's
 * interval tree), in the order they were added.
 */
struct inode {
	uint32_t id;			/* names its address_space in page->mapping */
	unsigned long i_ino;
	char *path;			/* where the scenario created it */
	uint64_t i_size;
	unsigned long nrpages;		/* pages in the cache (a folio counts its pages) */
	struct xmap i_pages;		/* index -> pfn */
	struct vm_area_struct **i_mmap;
	unsigned int nr_mmap, cap_mmap;
	struct rw_semaphore i_mmap_rwsem;
	int huge;			/* the mount's huge= (shmem.h) */
	bool shmem;
	bool unlinked;
	int refcount;			/* open files, mappings and the directory entry */
	struct shmem_sb *sb;
	/* a hugetlbfs file: its superblock, and i_data.private_data, its reserve map */
	struct hugetlbfs_sb_info *hugetlbfs;
	struct resv_map *resv_map;
};

struct vm_area_struct {
	unsigned long vm_start, vm_end;	/* [vm_start, vm_end) */
	unsigned long vm_flags;
	unsigned long vm_pgoff;		/* offset in PAGE_SIZE units (file) or va >> PAGE_SHIFT (anon) */
	struct mm_struct *vm_mm;
	struct inode *vm_file;		/* the file's inode; NULL for anonymous memory */
	uint64_t vm_file_id;		/* the open file mapped through (struct file *) */
	struct anon_vma *anon_vma;	/* the VMA's own, set on its first anon fault */
	struct anon_vma **avc;		/* every anon_vma this VMA is chained to */
	unsigned int nr_avc, cap_avc;
	void *vm_private_data;		/* hugetlb: its VMA lock or resv_map (hugetlb.h) */
};

struct mm_struct {
	unsigned long pgd;		/* pfn of the top-level table */
	long nr_pgtables;		/* table pages below the pgd */
	bool is_init_mm;

	/* The rest describes user address spaces (memory.c, mmap.c) */
	struct rw_semaphore mmap_lock;
	spinlock_t page_table_lock;	/* PMD-level changes (pmd_lock) */
	struct xmap ptlocks;		/* table pfn -> its spinlock_t (host pointer) */
	struct xmap deposited;		/* PMD slot -> the table an anon huge PMD carries */

	struct vm_area_struct **vmas;	/* sorted by vm_start */
	unsigned int nr_vmas, cap_vmas;
	int map_count;			/* == nr_vmas; kept to read like the kernel */

	unsigned long mmap_base;	/* top-down allocation starts below this */
	unsigned long task_size;
	unsigned long mmap_legacy_base;
	unsigned long flags;		/* MMF_* */
	unsigned long def_flags;

	long rss_stat[NR_MM_COUNTERS];
	long pgtables_bytes;		/* PUD, PMD and PTE tables, as VmPTE shows */
	long hugetlb_usage;		/* 4 KiB pages of hugetlb pages mapped (HugetlbPages) */
	/*
	 * Not the kernel's: a PMD table was shared into or out of this mm.
	 * From then on hugetlb_usage counts what this mm's own faults
	 * mapped, as 6.1 counts it, not what its page tables map; the
	 * invariant checker stops comparing the two.
	 */
	bool hugetlb_pmd_shared_seen;
	unsigned long total_vm, locked_vm, pinned_vm, data_vm, exec_vm, stack_vm;
	unsigned long hiwater_rss, hiwater_vm;
	struct task *owner;

	/*
	 * Host-side memos of memory.c, no kernel counterpart: the last walk
	 * to a PMD entry, good while m->pt_changes has not moved, and the
	 * last table_lock() lookup (a table's lock lives as long as the mm).
	 */
	struct {
		uint64_t changes;
		uint64_t pmd_range;		/* addr >> PMD_SHIFT, or ~0: none */
		unsigned long pmd_table;
		unsigned int pmd_idx;
		bool pmd_known;			/* pmd holds the entry's value */
		uint64_t pmd;
	} walk_memo;
	unsigned long ptl_table;		/* PFN_NONE: none */
	spinlock_t *ptl;
};

static inline unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> 12;
}

static inline bool vma_is_anonymous(const struct vm_area_struct *vma)
{
	return !vma->vm_file;
}

static inline unsigned long get_mm_rss(const struct mm_struct *mm)
{
	return (unsigned long)(mm->rss_stat[MM_FILEPAGES] + mm->rss_stat[MM_ANONPAGES] +
			       mm->rss_stat[MM_SHMEMPAGES]);
}

static inline void update_hiwater_rss(struct mm_struct *mm)
{
	if (mm->hiwater_rss < get_mm_rss(mm))
		mm->hiwater_rss = get_mm_rss(mm);
}

static inline void update_hiwater_vm(struct mm_struct *mm)
{
	if (mm->hiwater_vm < mm->total_vm)
		mm->hiwater_vm = mm->total_vm;
}

#endif /* MMSIM_MM_TYPES_H */
