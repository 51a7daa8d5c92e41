/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hugetlb.h - HugeTLB (mm/hugetlb.c, fs/hugetlbfs/inode.c, Linux 6.1):
 * hstates for 2 MiB and 1 GiB pages, per-node pools, surplus and
 * overcommit, the sysfs and meminfo views, boot-time allocation; and, in
 * the sections further down, reservations (resv_map, subpools), hugetlb
 * mappings (the VMA side, page tables and faults) and hugetlbfs.
 *
 * Life of the module on a machine (boot.c makes the first three calls):
 *   hugetlb_reserve_bootmem  before memblock_free_all: gigantic boot pages
 *                            are taken from memblock (alloc_bootmem_huge_page)
 *   hugetlb_init             after the buddy allocator and the watermarks:
 *                            hstates, 2 MiB boot pages through the buddy,
 *                            gigantic boot pages turned into pool pages
 *   hugetlb_destroy          machine_destroy: host memory only
 * Boot parameters reach machine_opts through hugetlb_parse_param(); the
 * pool is resized through the kernel's files (mm_store_file, module.h) or
 * hugetlb_set_max_huge_pages().
 */
#ifndef MMSIM_HUGETLB_H
#define MMSIM_HUGETLB_H

#include "machine.h"
#include "mmzone.h"
#include "page.h"
#include "sbuf.h"
#include "cpu.h"
#include "mm_types.h"
#include "memory.h"
#include "pgtable.h"

struct vout;

#define HUGE_MAX_HSTATE		2
#define HPAGE_PUD_ORDER		18
#define NUMA_NO_NODE		(-1)

/* hugetlb page flags, kept in the head page's private (6.1) */
enum hugetlb_page_flags {
	HPG_restore_reserve, HPG_migratable, HPG_temporary, HPG_freed,
	HPG_vmemmap_optimized, HPG_raw_hwp_unreliable, __NR_HPAGEFLAGS,
};

/* compound_dtor values of 6.1 (enum compound_dtor_id, CONFIG_HUGETLB_PAGE and THP on) */
#define NULL_COMPOUND_DTOR	0
#define COMPOUND_PAGE_DTOR	1
#define HUGETLB_PAGE_DTOR	2	/* compound_dtor of a hugetlb folio */
#define TRANSHUGE_PAGE_DTOR	3

struct hstate {
	unsigned int order;
	char name[32];				/* "hugepages-2048kB" */
	unsigned long max_huge_pages;
	unsigned long nr_huge_pages;
	unsigned long free_huge_pages;
	unsigned long resv_huge_pages;
	unsigned long surplus_huge_pages;
	unsigned long nr_overcommit_huge_pages;
	unsigned long nr_huge_pages_node[MAX_NUMNODES];
	unsigned long free_huge_pages_node[MAX_NUMNODES];
	unsigned long surplus_huge_pages_node[MAX_NUMNODES];
	unsigned long max_huge_pages_node[MAX_NUMNODES];
	struct pfnlist_head hugepage_freelists[MAX_NUMNODES];	/* through head lru */
	int next_nid_to_alloc, next_nid_to_free;
	/*
	 * Pool pages whose vmemmap is optimised now.  Kept by hugetlb.c
	 * around its hugetlb_vmemmap_optimize/restore calls (the flag
	 * HPageVmemmapOptimized before and after); hugetlb_vmemmap.c does not
	 * touch it.
	 */
	unsigned long nr_vmemmap_optimized;
};

static inline unsigned long pages_per_huge_page(const struct hstate *h)
{
	return 1UL << h->order;
}
static inline unsigned long huge_page_size(const struct hstate *h)
{
	return PAGE_SIZE << h->order;
}
static inline unsigned int huge_page_order(const struct hstate *h)
{
	return h->order;
}
static inline bool hstate_is_gigantic(const struct hstate *h)
{
	return h->order >= MAX_ORDER;
}
/* nr_huge_pages - surplus_huge_pages */
static inline unsigned long persistent_huge_pages(const struct hstate *h)
{
	return h->nr_huge_pages - h->surplus_huge_pages;
}

static inline bool HPageFlag(struct machine *m, unsigned long head, int bit)
{
	return (page_private(m, head) >> bit) & 1;
}
static inline void SetHPageFlag(struct machine *m, unsigned long head, int bit)
{
	set_page_private(m, head, page_private(m, head) | (1UL << bit));
}
static inline void ClearHPageFlag(struct machine *m, unsigned long head, int bit)
{
	set_page_private(m, head, page_private(m, head) & ~(1UL << bit));
}
#define HPageVmemmapOptimized(m, p)	HPageFlag(m, p, HPG_vmemmap_optimized)
#define SetHPageVmemmapOptimized(m, p)	SetHPageFlag(m, p, HPG_vmemmap_optimized)
#define ClearHPageVmemmapOptimized(m, p) ClearHPageFlag(m, p, HPG_vmemmap_optimized)
#define HPageFreed(m, p)		HPageFlag(m, p, HPG_freed)
#define SetHPageFreed(m, p)		SetHPageFlag(m, p, HPG_freed)
#define ClearHPageFreed(m, p)		ClearHPageFlag(m, p, HPG_freed)
#define HPageTemporary(m, p)		HPageFlag(m, p, HPG_temporary)
#define HPageRestoreReserve(m, p)	HPageFlag(m, p, HPG_restore_reserve)
#define SetHPageRestoreReserve(m, p)	SetHPageFlag(m, p, HPG_restore_reserve)
#define ClearHPageRestoreReserve(m, p)	ClearHPageFlag(m, p, HPG_restore_reserve)
#define SetHPageMigratable(m, p)	SetHPageFlag(m, p, HPG_migratable)
#define ClearHPageMigratable(m, p)	ClearHPageFlag(m, p, HPG_migratable)
#define SetHPageTemporary(m, p)		SetHPageFlag(m, p, HPG_temporary)
#define HPageRawHwpUnreliable(m, p)	HPageFlag(m, p, HPG_raw_hwp_unreliable)

/* page[1].compound_dtor */
static inline unsigned int compound_dtor(struct machine *m, unsigned long head)
{
	return pg_read8(m, head + 1, PGOFF_COMPOUND_DTOR);
}
static inline void set_compound_page_dtor(struct machine *m, unsigned long head,
					  unsigned int dtor)
{
	pg_write8(m, head + 1, PGOFF_COMPOUND_DTOR, (uint8_t)dtor);
}
/* PageHeadHuge / PageHuge: a compound page whose destructor is hugetlb's */
static inline bool PageHeadHuge(struct machine *m, unsigned long pfn)
{
	return PageHead(m, pfn) && compound_dtor(m, pfn) == HUGETLB_PAGE_DTOR;
}
static inline bool PageHuge(struct machine *m, unsigned long pfn)
{
	if (!PageCompound(m, pfn))
		return false;
	return compound_dtor(m, compound_head(m, pfn)) == HUGETLB_PAGE_DTOR;
}

/* -------------------------------------------------------------------------
 * Boot parameters: hugepagesz=, hugepages=, default_hugepagesz=,
 * hugetlb_free_vmemmap=, in the kernel's syntax and with its ordering
 * rules (a hugepages= before any hugepagesz= is for the default size).
 * Returns 0, 1 when key is not a hugetlb parameter, or -1 with err set.
 */
int hugetlb_parse_param(struct machine_opts *o, const char *key, const char *val,
			char *err, size_t errlen);

/* Boot steps (see the header comment).  0, or -1 with err set for
 * parameters the machine cannot have (a node it does not have). */
int hugetlb_reserve_bootmem(struct machine *m, char *err, size_t errlen);
int hugetlb_init(struct machine *m, char *err, size_t errlen);
void hugetlb_destroy(struct machine *m);

/* The hstate of a page size in bytes (NULL if none), and the default one */
struct hstate *hugetlb_size_to_hstate(struct machine *m, unsigned long size);
struct hstate *hugetlb_default_hstate(struct machine *m);

/*
 * Resize a pool as a write of nr_hugepages does (set_max_huge_pages):
 * nid NUMA_NO_NODE for the global file, else the node's file.  A shortfall
 * is not an error: the pool keeps what it got.  Returns 0.
 */
int hugetlb_set_max_huge_pages(struct machine *m, struct hstate *h, unsigned long count,
			       int nid);

/*
 * dissolve_free_huge_pages: free pool pages in [start_pfn, end_pfn) go back
 * to the buddy allocator (memory offlining); 0, or the first page's error
 * (-EBUSY: a page in use or needed by reservations; -ENOMEM: its vmemmap
 * could not be restored), after which the pages before stay dissolved
 */
int dissolve_free_huge_pages(struct machine *m, unsigned long start_pfn, unsigned long end_pfn);

/* The kernel's boot messages about hugetlb (pr_warn/pr_info lines) */
void hugetlb_show_boot_log(struct machine *m, struct sbuf *sb);

/*
 * Files (mm_module_hugetlb; read and write them with mm_show_file and
 * mm_store_file, module.h), with the kernel's parsers and errors:
 *   /sys/kernel/mm/hugepages/hugepages-<kB>kB/nr_hugepages, ..._mempolicy,
 *       nr_overcommit_hugepages (rw), free_, resv_, surplus_hugepages (r)
 *   /sys/devices/system/node/node<nid>/hugepages/hugepages-<kB>kB/
 *       nr_hugepages (rw), free_hugepages, surplus_hugepages (r)
 *   /proc/sys/vm/nr_hugepages, nr_hugepages_mempolicy,
 *       nr_overcommit_hugepages, and hugetlb_optimize_vmemmap when some
 *       hstate's vmemmap can be optimised (rw)
 */

/*
 * The HugePages_* and Hugetlb lines of /proc/meminfo, text and meminfo.*
 * counters (the meminfo view calls it, as fs/proc/meminfo.c does), and
 * the pages every pool holds.
 */
void hugetlb_report_meminfo(struct machine *m, struct vout *vo);
unsigned long hugetlb_total_pages(struct machine *m);

/*
 * Counters (read with counter_read, module.h):
 *   hugepages.<kB>kB.<file>        nr_hugepages free_hugepages resv_hugepages
 *                                  surplus_hugepages nr_overcommit_hugepages,
 *                                  as the sysfs files show them, and
 *                                  vmemmap_optimized (pool pages optimised now)
 *   hugepages.<nid>.<kB>kB.<file>  nr_hugepages free_hugepages surplus_hugepages
 */


/* -------------------------------------------------------------------------
 * Reservations (hugetlb_resv.c): the reserve map of a file or of a
 * private mapping, as 6.1 keeps it.
 *
 * A resv_map is a sorted list of disjoint file_regions [from, to) in huge
 * page indices.  Its meaning depends on its owner:
 *   - a hugetlbfs inode's map (shared mappings): an index in a region is
 *     "reserved or present": a reservation was taken for it, or a page was
 *     allocated for it;
 *   - a private mapping's map (owned by the VMA that mmap made, flagged
 *     HPAGE_RESV_OWNER in vm_private_data): an index in a region is
 *     "consumed": the owner faulted a page there, using its reservation.
 * region_chg counts what region_add would add and makes sure the
 * region cache holds enough file_region entries for it (adds_in_progress
 * counts the entries promised to adds still to come); region_add then adds
 * without allocating; region_abort gives up a promise; region_del removes
 * (and may split a region); region_count counts.
 *
 * The kernel's kmalloc can fail in region_chg, region_add and region_del
 * (-ENOMEM); the model's host memory cannot (running out ends the run with
 * exit 3), so those paths return -ENOMEM never.  Cgroup uncharge info
 * (CONFIG_CGROUP_HUGETLB) is not modelled.
 */
struct file_region {
	struct file_region *prev, *next;	/* link: in regions or in region_cache */
	long from, to;
};

struct resv_map {
	int refs;				/* kref */
	spinlock_t lock;
	struct file_region regions;		/* list head, sorted by from */
	long adds_in_progress;
	struct file_region region_cache;	/* list head of spare entries */
	long region_cache_count;
	struct rw_semaphore rw_sema;		/* the private owner's VMA lock */
};

#define resv_for_each_region(resv, rg)	\
	for ((rg) = (resv)->regions.next; (rg) != &(resv)->regions; (rg) = (rg)->next)

struct resv_map *resv_map_alloc(struct machine *m);
/* kref_put(&resv->refs, resv_map_release) */
void resv_map_put(struct machine *m, struct resv_map *resv);
/* Free a map's host memory without touching any count (machine teardown) */
void resv_map_free_host(struct resv_map *resv);
static inline void resv_map_get(struct resv_map *resv)
{
	resv->refs++;
}
long region_chg(struct machine *m, struct resv_map *resv, long f, long t,
		long *out_regions_needed);
long region_add(struct machine *m, struct resv_map *resv, long f, long t, long in_regions_needed);
void region_abort(struct machine *m, struct resv_map *resv, long f, long t, long regions_needed);
long region_del(struct machine *m, struct resv_map *resv, long f, long t);
long region_count(struct machine *m, struct resv_map *resv, long f, long t);
/* "[0, 2) [5, 7)" (the regions, for tests and messages); "" when empty */
void resv_map_format(const struct resv_map *resv, char *buf, size_t len);

/*
 * A hugetlbfs mount's page budget (hugepage_subpool): size= gives
 * max_hpages (-1: no limit), min_size= min_hpages (-1: none), reserved in
 * the global pool when the mount is made and kept in rsv_hpages while
 * unused.  used_hpages counts pages allocated or reserved against max.
 * Pages name their subpool in page[1].private by a made-up kernel address
 * (subpool_addr()).
 */
struct hugepage_subpool {
	spinlock_t lock;
	long count;
	long max_hpages;
	long used_hpages;
	struct hstate *hstate;
	long min_hpages;
	long rsv_hpages;
	uint32_t id;			/* names it in page[1].private */
};

#define SUBPOOL_ADDR_BASE	0xffff88c000000000UL
static inline uint64_t subpool_addr(const struct hugepage_subpool *spool)
{
	return spool ? SUBPOOL_ADDR_BASE + spool->id * 0x100UL : 0;
}

struct hugepage_subpool *hugepage_new_subpool(struct machine *m, struct hstate *h,
					      long max_hpages, long min_hpages);
void hugepage_put_subpool(struct machine *m, struct hugepage_subpool *spool);
long hugepage_subpool_get_pages(struct machine *m, struct hugepage_subpool *spool, long delta);
long hugepage_subpool_put_pages(struct machine *m, struct hugepage_subpool *spool, long delta);
/* Every subpool alive, in creation order (NULL-terminated walk), for the checker */
struct hugepage_subpool *hugetlb_subpool_next(struct machine *m, size_t *i);

/*
 * hugetlb_acct_memory: take (delta > 0) or give back (delta < 0) global
 * reservations, allocating surplus pages (gather_surplus_pages, bounded
 * by nr_overcommit_hugepages) or freeing unused ones
 * (return_unused_surplus_pages).  0 or -ENOMEM.
 */
int hugetlb_acct_memory(struct machine *m, struct hstate *h, long delta);

/* The hstate a huge page of this order belongs to (page_hstate), or NULL */
struct hstate *hugetlb_order_to_hstate(struct machine *m, unsigned int order);
/* The hstate of size 2^page_size_log bytes, 0 for the default one (hstate_sizelog) */
struct hstate *hstate_sizelog(struct machine *m, int page_size_log);
/* Index of h in the machine's hstates (hstate_index) */
int hstate_index(struct machine *m, const struct hstate *h);
static inline unsigned int huge_page_shift(const struct hstate *h)
{
	return h->order + PAGE_SHIFT;
}
static inline unsigned long huge_page_mask(const struct hstate *h)
{
	return ~(huge_page_size(h) - 1);
}

/* The hstates by index (0..HUGE_MAX_HSTATE-1), NULL before hugetlb is set up */
struct hstate *hugetlb_hstate_at(struct machine *m, int i);
/* The checker's look at a pool: free lists against the counters (check.c) */
bool hugetlb_check_pool(struct machine *m, const struct hstate *h, char *err, size_t errlen);

/* free_huge_page: the compound destructor of a hugetlb page (put_page calls it) */
void free_huge_page(struct machine *m, unsigned long head);
/* The hugetlb_lock (taken where 6.1 takes it in the mapping paths) */
spinlock_t *hugetlb_lock(struct machine *m);

/*
 * What the model counts about hugetlb that no kernel file shows: PMD
 * sharing and counter underflows (counters hugetlb.shared_pmds,
 * hugetlb.pmd_shares, hugetlb.pmd_unshares, hugetlb.counter_underflows).
 */
struct hugetlb_stats {
	unsigned long shared_pmds;	/* PMD tables shared now (pt_share_count > 0) */
	unsigned long pmd_shares;	/* huge_pmd_share put a table into a second mm */
	unsigned long pmd_unshares;	/* huge_pmd_unshare took one out again */
	unsigned long underflows;	/* hugetlb_counter_sub found a counter too small */
};
struct hugetlb_stats *hugetlb_stats(struct machine *m);

/*
 * A counter of h going down by n.  The kernel's are unsigned and wrap
 * silently; the model reports the step that would wrap one (mm_fail,
 * "hugetlb: resv_huge_pages of hugepages-2048kB would go below zero")
 * and leaves it at 0.  Returns false when it would have wrapped.
 */
bool hugetlb_counter_sub(struct machine *m, const struct hstate *h, unsigned long *counter,
			 unsigned long n, const char *name, const char *where);


/* -------------------------------------------------------------------------
 * Hugetlb mappings (hugetlb.c, hugetlb_resv.c, hugetlb_memory.c,
 * hugetlbfs.c).  A hugetlb VMA maps a file on a hugetlbfs mount (the
 * scenario's, or for MAP_HUGETLB the kernel's internal mount of the page
 * size); the inode's page cache holds one entry per huge page, indexed in
 * huge pages.  The VMA's vm_private_data holds, as 6.1 keeps it:
 *   - MAP_SHARED: its hugetlb_vma_lock (host pointer);
 *   - MAP_PRIVATE: the resv_map its mmap allocated, or'ed with
 *     HPAGE_RESV_OWNER in the VMA that made it (and the VMAs a split made
 *     of it) and HPAGE_RESV_UNMAPPED once the owner's COW took a page away
 *     from a child; a child's VMAs after fork have none.
 */
#define HPAGE_RESV_OWNER	(1UL << 0)
#define HPAGE_RESV_UNMAPPED	(1UL << 1)
#define HPAGE_RESV_MASK		(HPAGE_RESV_OWNER | HPAGE_RESV_UNMAPPED)

/* struct hugetlb_vma_lock: a shared VMA's lock against truncation and PMD unsharing */
struct hugetlb_vma_lock {
	int refs;			/* kref */
	struct rw_semaphore rw_sema;
	struct vm_area_struct *vma;	/* NULL once the VMA let go of it */
};

/* A hugetlbfs superblock (struct hugetlbfs_sb_info) */
struct hugetlbfs_sb_info {
	char *dir;			/* mount point; NULL for an internal mount */
	struct hstate *hstate;
	struct hugepage_subpool *spool;	/* NULL without size= and min_size= */
	long max_inodes, free_inodes;	/* nr_inodes=; -1: no limit */
	unsigned int mode;
	unsigned int dev_minor;		/* s_dev is 0:dev_minor */
};

static inline bool is_vm_hugetlb_page(const struct vm_area_struct *vma)
{
	return vma->vm_flags & VM_HUGETLB;
}
static inline bool is_file_hugepages(const struct inode *inode)
{
	return inode && inode->hugetlbfs;
}
static inline struct hstate *hstate_inode(const struct inode *inode)
{
	return inode->hugetlbfs->hstate;
}
static inline struct hstate *hstate_vma(const struct vm_area_struct *vma)
{
	return hstate_inode(vma->vm_file);
}
static inline struct hugepage_subpool *subpool_inode(const struct inode *inode)
{
	return inode->hugetlbfs->spool;
}
static inline struct hugepage_subpool *subpool_vma(const struct vm_area_struct *vma)
{
	return subpool_inode(vma->vm_file);
}
/* The huge page index of address in vma (vma_hugecache_offset) */
static inline unsigned long vma_hugecache_offset(const struct hstate *h,
						 const struct vm_area_struct *vma,
						 unsigned long address)
{
	return ((address - vma->vm_start) >> huge_page_shift(h)) +
	       (vma->vm_pgoff >> huge_page_order(h));
}
/* vma_kernel_pagesize / vma_mmu_pagesize (the same on x86) */
static inline unsigned long vma_kernel_pagesize(const struct vm_area_struct *vma)
{
	return is_vm_hugetlb_page(vma) ? huge_page_size(hstate_vma(vma)) : PAGE_SIZE;
}

/* The VMA's reservation bookkeeping (hugetlb_resv.c) */
struct resv_map *vma_resv_map(const struct vm_area_struct *vma);
bool is_vma_resv_set(const struct vm_area_struct *vma, unsigned long flag);
void set_vma_resv_flags(struct vm_area_struct *vma, unsigned long flags);
bool vma_has_reserves(const struct vm_area_struct *vma, long chg);
long vma_needs_reservation(struct machine *m, struct hstate *h, struct vm_area_struct *vma,
			   unsigned long addr);
long vma_commit_reservation(struct machine *m, struct hstate *h, struct vm_area_struct *vma,
			    unsigned long addr);
void vma_end_reservation(struct machine *m, struct hstate *h, struct vm_area_struct *vma,
			 unsigned long addr);
void restore_reserve_on_error(struct machine *m, struct hstate *h, struct vm_area_struct *vma,
			      unsigned long address, unsigned long head);
/*
 * hugetlb_reserve_pages: reservations for huge pages [from, to) of inode,
 * mapped by vma (NULL: hugetlb_file_setup's whole-file reservation).
 * False when the pool (or the subpool) cannot cover them.
 */
bool hugetlb_reserve_pages(struct machine *m, struct inode *inode, long from, long to,
			   struct vm_area_struct *vma, unsigned long vm_flags);
/* hugetlb_unreserve_pages: [start, end) left the file, freed of them were pages */
long hugetlb_unreserve_pages(struct machine *m, struct inode *inode, long start, long end,
			     long freed);
void hugetlb_fix_reserve_counts(struct machine *m, struct inode *inode);
/* hugetlb_vm_ops: open (a copy of a VMA: split, fork), close, may_split */
void hugetlb_vm_op_open(struct machine *m, struct vm_area_struct *vma);
void hugetlb_vm_op_close(struct machine *m, struct vm_area_struct *vma);
int hugetlb_vm_op_split(struct vm_area_struct *vma, unsigned long addr);
/* fork: the child's copy keeps no private reservation and no VMA lock */
void hugetlb_dup_vma_private(struct vm_area_struct *vma);
/* mremap: the old VMA's reservation lives on in the new one only */
void clear_vma_resv_huge_pages(struct machine *m, struct vm_area_struct *vma);
/* Host memory of a VMA's private data when its process table goes (no accounting) */
void hugetlb_vma_destroy_host(struct machine *m, struct vm_area_struct *vma);

/* The hugetlb VMA lock: a shared VMA's own, a private owner's resv_map rw_sema */
void hugetlb_vma_lock_read(struct machine *m, struct vm_area_struct *vma);
void hugetlb_vma_unlock_read(struct machine *m, struct vm_area_struct *vma);
void hugetlb_vma_lock_write(struct machine *m, struct vm_area_struct *vma);
void hugetlb_vma_unlock_write(struct machine *m, struct vm_area_struct *vma);
bool hugetlb_vma_trylock_write(struct machine *m, struct vm_area_struct *vma);
void hugetlb_vma_lock_alloc(struct vm_area_struct *vma);
void hugetlb_vma_lock_free(struct machine *m, struct vm_area_struct *vma);
void __hugetlb_vma_unlock_write_free(struct machine *m, struct vm_area_struct *vma);
void hugetlb_vma_lock_release(struct hugetlb_vma_lock *vma_lock);

/*
 * alloc_huge_page (6.1; alloc_hugetlb_folio from 6.3): a page for addr of
 * vma, consuming the reservation there is one, else within the subpool
 * and the pool (surplus pages up to nr_overcommit_hugepages).  The page
 * comes referenced; PFN_NONE with *err -ENOSPC or -ENOMEM when none can
 * be had.  avoid_reserve: do not use the VMA's reservation (COW of a page
 * a child still maps).
 */
unsigned long alloc_huge_page(struct machine *m, struct vm_area_struct *vma,
			      unsigned long addr, int avoid_reserve, int *err);

/* The hugetlb fault mutex for (mapping, idx) (hugetlb_fault_mutex_table[hash]) */
struct rw_semaphore *hugetlb_fault_mutex(struct machine *m, const struct inode *inode,
					 unsigned long idx);

/*
 * Page tables (hugetlb_memory.c).  A hugetlb "pte_t *" is the entry that
 * maps a huge page: a PMD entry (2 MiB) or a PUD entry (1 GiB), given as
 * its table and index.
 */
struct huge_pte {
	unsigned long table;		/* pfn of the PMD or PUD table */
	unsigned int idx;
	enum pt_level level;		/* PT_PMD or PT_PUD */
};

/* huge_pte_offset: the entry for addr if the tables above it exist */
bool huge_pte_offset(struct machine *m, struct mm_struct *mm, unsigned long addr,
		     unsigned long sz, struct huge_pte *ptep);
/* huge_pte_alloc: the same, allocating the tables above it; -ENOMEM */
int huge_pte_alloc(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		   unsigned long addr, unsigned long sz, struct huge_pte *ptep);
/* huge_pte_lockptr: the PMD table's split lock, or page_table_lock for a PUD */
spinlock_t *huge_pte_lockptr(struct machine *m, struct mm_struct *mm,
			     const struct huge_pte *ptep);
/* The split lock of a PMD table, one per table for every mm that maps it (hugetlb.c) */
spinlock_t *hugetlb_pmd_lockptr(struct machine *m, unsigned long table);

/*
 * PMD sharing (CONFIG_ARCH_WANT_HUGE_PMD_SHARE, x86_64): shared hugetlb
 * mappings of 2 MiB pages of one file, each covering the same PUD_SIZE
 * (1 GiB) aligned stretch of the file at the same offset within a PUD,
 * with the same flags and a VMA lock, use one PMD table: the first fault
 * in a new mm finds another mm's table through the file's i_mmap and puts
 * it in its own PUD entry (huge_pmd_share).  The table page counts how
 * many more mms than one hold it in pt_share_count (6.1.192, backported
 * from 6.13: "mm: hugetlb: independent PMD page table shared count";
 * 6.1.0 counted them in the page's refcount), which overlays page->index.
 * A table is PageTable and in NR_PAGETABLE once; each mm that holds it
 * counts it in pgtables_bytes (mm_inc_nr_pmds).  Whoever unmaps, changes
 * or splits a range of a shared table takes it out of its own PUD entry
 * first (huge_pmd_unshare), leaving the entries to the other mms.
 */
#define PGOFF_PT_SHARE_COUNT	PGOFF_INDEX
static inline int pt_share_count(struct machine *m, unsigned long table)
{
	return (int)pg_read32(m, table, PGOFF_PT_SHARE_COUNT);
}
/* hugetlb_pmd_shared: the table holding this entry is shared */
static inline bool hugetlb_pmd_shared(struct machine *m, const struct huge_pte *ptep)
{
	return ptep->level == PT_PMD && pt_share_count(m, ptep->table);
}
/* want_pmd_share: may a fault at addr of vma share a PMD table? */
bool want_pmd_share(const struct vm_area_struct *vma, unsigned long addr);
/* The range a change to [*start, *end) of vma may reach through shared PMDs, PUD-aligned */
void adjust_range_if_pmd_sharing_possible(const struct vm_area_struct *vma, unsigned long *start,
					  unsigned long *end);
/*
 * huge_pmd_unshare: if the PMD table of ptep (an entry of vma at addr) is
 * shared, clear this mm's PUD entry for it and return 1; else 0.  The
 * caller holds the table's lock, i_mmap_rwsem for write and the VMA lock.
 */
int huge_pmd_unshare(struct machine *m, struct vm_area_struct *vma, unsigned long addr,
		     const struct huge_pte *ptep);
/* hugetlb_split: a split of vma at addr unshares the PUD range around addr (mmap.c) */
void hugetlb_split(struct machine *m, struct vm_area_struct *vma, unsigned long addr);
/* hugetlb_unshare_all_pmds: unshare every PMD table of vma, under its locks */
void hugetlb_unshare_all_pmds(struct machine *m, struct vm_area_struct *vma);

vm_fault_t hugetlb_fault(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
			 unsigned long address, unsigned int flags);
int copy_hugetlb_page_range(struct machine *m, struct mm_struct *dst, struct mm_struct *src,
			    struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma);
/*
 * move_hugetlb_page_tables (mremap): move the entries of [old_addr,
 * old_addr + len) of vma to new_addr in new_vma, under the VMA lock and
 * i_mmap_rwsem; returns how many bytes it went through (less than len
 * when a table could not be allocated).  flags: HUGETLB_MOVE_* below.
 */
#define HUGETLB_MOVE_V1		(1U << 0)	/* seed 003 v1: no unshare, BUG_ON(vma_shareable) */
unsigned long move_hugetlb_page_tables(struct machine *m, struct vm_area_struct *vma,
				       struct vm_area_struct *new_vma, unsigned long old_addr,
				       unsigned long new_addr, unsigned long len, unsigned int flags);
/* zap_flags for the unmap calls */
#define ZAP_FLAG_DROP_MARKER	(1U << 0)
#define ZAP_FLAG_UNMAP		(1U << 1)
/*
 * __unmap_hugepage_range_final: unmap [start, end) of vma under the VMA
 * lock and i_mmap_rwsem (ZAP_FLAG_UNMAP: the VMA is going, its lock goes
 * too); unmap_hugepage_range: without taking them (the caller has).
 * ref_page: only that page (PFN_NONE: every page).
 */
void __unmap_hugepage_range_final(struct machine *m, struct vm_area_struct *vma,
				  unsigned long start, unsigned long end, unsigned long ref_page,
				  unsigned int zap_flags);
void unmap_hugepage_range(struct machine *m, struct vm_area_struct *vma, unsigned long start,
			  unsigned long end, unsigned long ref_page, unsigned int zap_flags);
/* mprotect: returns the 4 KiB pages whose protection changed */
long hugetlb_change_protection(struct machine *m, struct vm_area_struct *vma,
			       unsigned long address, unsigned long end, unsigned long newflags);
/* Add a new page to inode's page cache at huge page index idx (hugetlb_add_to_page_cache) */
int hugetlb_add_to_page_cache(struct machine *m, unsigned long head, struct inode *inode,
			      unsigned long idx);
/* Remove it (hugetlb_delete_from_page_cache); drops the cache's reference */
void hugetlb_delete_from_page_cache(struct machine *m, struct inode *inode, unsigned long head);
/* The content tags of a huge page: gone (freed), copied (COW) */
void hugetlb_clear_content(struct machine *m, unsigned long head, unsigned long nr);


/* -------------------------------------------------------------------------
 * hugetlbfs (hugetlbfs.c): mounts, files, the internal mounts MAP_HUGETLB
 * uses, and the file operations hugetlb mappings go through.
 */
#define HUGETLB_ANON_FILE	"anon_hugepage"

/* What mount -o gives hugetlbfs (struct hugetlbfs_fs_context) */
enum hugetlbfs_size_type { NO_SIZE, SIZE_STD, SIZE_PERCENT };
struct hugetlbfs_mount_opts {
	unsigned long pagesize;		/* 0: the default hstate's */
	unsigned long long max_size_opt, min_size_opt;
	enum hugetlbfs_size_type max_val_type, min_val_type;
	long nr_inodes;			/* -1: no limit */
	unsigned int mode;		/* 0755 */
	unsigned int uid, gid;
};

/*
 * hugetlbfs_parse_param for each option of "opt,opt=val,...": 0, or
 * -EINVAL with the reason in err and *bad_off at the option in opts.
 * Needs no machine: x86_64 has both page sizes.
 */
int hugetlbfs_parse_options(const char *opts, struct hugetlbfs_mount_opts *o, char *err,
			    size_t errlen, size_t *bad_off);
/*
 * mount -t hugetlbfs -o OPTS none DIR: 0, -EINVAL (bad options, or
 * min_size above size), -EBUSY (DIR is a mount already), -ENOMEM (the
 * pool cannot hold min_size); err says why.
 */
int hugetlbfs_mount(struct machine *m, const char *dir, const char *opts, char *err,
		    size_t errlen);
/* The mount a path is in (its directory), with *name the file's name in it, or NULL */
struct hugetlbfs_sb_info *hugetlbfs_find_mount(struct machine *m, const char *path,
					       const char **name);
/* Is dir (len bytes) a hugetlbfs mount point? */
bool hugetlbfs_is_mount_dir(struct machine *m, const char *dir, size_t len);
/* open(O_CREAT) of a new file on a hugetlbfs mount; NULL and *err -ENOSPC past nr_inodes */
struct inode *hugetlbfs_create(struct machine *m, struct hugetlbfs_sb_info *sb, const char *path,
			       long *err);
/*
 * hugetlb_file_setup: an unlinked file of size bytes on the internal mount
 * of the page size 2^page_size_log (0: the default), reserved for unless
 * acctflag has VM_NORESERVE; NULL with *err (-EINVAL no such size,
 * -ENOMEM no reservation).
 */
struct inode *hugetlb_file_setup(struct machine *m, const char *name, uint64_t size,
				 unsigned long acctflag, int page_size_log, long *err);
/* hugetlb_get_unmapped_area (arch/x86/mm/hugetlbpage.c) */
long hugetlb_get_unmapped_area(struct machine *m, struct mm_struct *mm, struct inode *file,
			       uint64_t addr, uint64_t len, unsigned long pgoff, long flags);
/* hugetlbfs_file_mmap: the VMA becomes a hugetlb VMA with its reservations; 0 or -errno */
int hugetlbfs_file_mmap(struct machine *m, struct inode *inode, struct vm_area_struct *vma);
/* hugetlbfs_setattr with ATTR_SIZE: truncate or extend; -EINVAL if not huge page aligned */
long hugetlbfs_setattr_size(struct machine *m, struct inode *inode, uint64_t newsize);
/* hugetlbfs_fallocate: mode 0, FALLOC_FL_KEEP_SIZE, or FALLOC_FL_PUNCH_HOLE|KEEP_SIZE */
long hugetlbfs_fallocate(struct machine *m, struct inode *inode, int mode, uint64_t offset,
			 uint64_t len);
/* The last reference went (hugetlbfs_evict_inode, hugetlbfs_destroy_inode) */
void hugetlbfs_evict_inode(struct machine *m, struct inode *inode);
/* Host memory of the mounts, at the end of the process table */
void hugetlbfs_destroy(struct machine *m);
/* get_next_ino: the inode numbers hugetlbfs (and every pseudo file system) hands out */
unsigned long get_next_ino(struct machine *m);

#endif /* MMSIM_HUGETLB_H */
