/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hugetlb.h - HugeTLB pools (mm/hugetlb.c, Linux 6.1): hstates for 2 MiB
 * and 1 GiB pages, per-node pools, surplus and overcommit, the sysfs and
 * meminfo views, boot-time allocation.
 */
#ifndef MMSIM_HUGETLB_H
#define MMSIM_HUGETLB_H

#include "mm.h"
#include "page.h"
#include "sbuf.h"

#define HUGE_MAX_HSTATE		2
#define HPAGE_PMD_ORDER		9
#define HPAGE_PUD_ORDER		18

/* hugetlb page flags, kept in the head page's private (6.1) */
enum hugetlb_page_flags {
	HPG_restore_reserve, HPG_migratable, HPG_temporary, HPG_freed,
	HPG_vmemmap_optimized, HPG_raw_hwp_unreliable, __NR_HPAGEFLAGS,
};

#define HUGETLB_PAGE_DTOR	2	/* compound_dtor of a hugetlb folio */

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
	struct plist_head hugepage_freelists[MAX_NUMNODES];	/* through head lru */
	int next_nid_to_alloc, next_nid_to_free;
	/* vmemmap optimisation accounting (hugetlb_vmemmap.c) */
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
static inline bool hstate_is_gigantic(const struct hstate *h)
{
	return h->order >= MAX_ORDER;
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

#endif /* MMSIM_HUGETLB_H */
