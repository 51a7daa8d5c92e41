/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hugetlb.h - HugeTLB pools (mm/hugetlb.c, Linux 6.1): hstates for 2 MiB
 * and 1 GiB pages, per-node pools, surplus and overcommit, the sysfs and
 * meminfo views, boot-time allocation.
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
#define ClearHPageRestoreReserve(m, p)	ClearHPageFlag(m, p, HPG_restore_reserve)
#define ClearHPageMigratable(m, p)	ClearHPageFlag(m, p, HPG_migratable)
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

#endif /* MMSIM_HUGETLB_H */
