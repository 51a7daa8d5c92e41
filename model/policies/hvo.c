// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvo.c - vmemmap optimisation policies (see hvo.h): the functions of the
 * hooks where the kernels differ, and one table with an entry per variant
 * (name, summary, what it models, its ops).
 *
 * reuse-head	Linux 6.1 (mm/hugetlb_vmemmap.c as of v6.1): the head
 *		vmemmap page stays and becomes the page every tail PTE maps
 *		read-only; 7 of 8 pages are freed per 2 MiB page.
 * new-head	Linux 6.2, 11aad2631bf7 "mm/hugetlb_vmemmap: remap head page
 *		to newly allocated page" (Joao Martins): before the walk a new
 *		page is allocated with GFP_KERNEL|__GFP_THISNODE|__GFP_NORETRY|
 *		__GFP_NOWARN on the hugepage's node and the head vmemmap page
 *		copied into it; the head PTE maps it read-write, the tails
 *		read-only, and all 8 original pages are freed.  If the
 *		allocation fails the old head page is reused.
 * new-head-v1	The seed's v1 patch (2022-08-02): the page is allocated with
 *		GFP_KERNEL|__GFP_RETRY_MAYFAIL|__GFP_NOWARN (any node) before
 *		the walk, and the copy is made inside the walk, at the first
 *		PTE, after the PMD was split.
 * new-head-boot Muchun Song's variant from the review (2022-08-03): a new
 *		head only while hugepages are allocated early at boot, with
 *		GFP_KERNEL|__GFP_THISNODE|__GFP_NORETRY|__GFP_NOWARN, and the
 *		vmemmap pages freed with the zone's per-cpu lists disabled
 *		(the model frees so after boot too).
 * new-head-aligned Joao Martins's follow-up in the review (2022-08-03): v1,
 *		but only when the head struct page starts its vmemmap page
 *		(IS_ALIGNED(start, PAGE_SIZE)).  With power-of-two struct page
 *		sizes, the only ones HVO accepts, a 2 MiB or 1 GiB head is
 *		always aligned, so this behaves as new-head-v1.
 * new-head-6.7	Linux 6.7: 6a898c2757af drops __GFP_THISNODE from the head
 *		allocation (GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN, so the new
 *		head may come from another node), and the batching series
 *		(hugetlb_vmemmap_optimize_folios, Mike Kravetz / Joao Martins):
 *		split every PMD of the batch, one flush_tlb_all, remap all
 *		collecting the freed pages, one flush_tlb_all, free them in one
 *		list; on ENOMEM free what was collected and retry that page
 *		once.  Restore allocates with GFP_KERNEL|__GFP_RETRY_MAYFAIL.
 * new-head-6.12 Debian 6.12.117 (stable backport of "mm/hugetlb: refactor
 *		code around vmemmap_walk", Kiryl Shutemov, 2025-26): the head
 *		copy is always allocated with plain GFP_KERNEL and failure
 *		leaves the page unoptimised; PTE 0 maps the copy read-write,
 *		the rest read-only; every original page is freed; restore
 *		copies without reset_struct_pages.  Batched as in 6.7.  The
 *		pages the walk takes out and the pages restore allocates are
 *		LIFO lists (list_add): freed newest first, the last allocated
 *		backing the first tail.  A
 *		pool page on its way back to the buddy stays frozen
 *		(refcount 0) until its vmemmap is restored
 *		(remove_hugetlb_folio takes no reference;
 *		__update_and_free_hugetlb_folio calls folio_ref_unfreeze
 *		after hugetlb_vmemmap_restore_folio, which warns on a
 *		nonzero refcount): the struct pages that restore fills with
 *		byte copies of the head so carry refcount 0 into the buddy.
 *		A remap that fails past its first PTE (a 1 GiB page whose
 *		split of a later PMD fails) is rolled back from the list
 *		(hvo.h, undo_from_list): the walked PTEs get the freed pages
 *		newest first, each a copy of the new head, and the new head
 *		leaks.
 *		It walks the vmemmap with the generic page walker under
 *		init_mm's read lock (seed 002, 6.8; 6.12.101 on spell it
 *		walk_kernel_page_table_range): it implies pagewalk-lock=6.17,
 *		and under an explicit pagewalk-lock=6.1 the walk's assertion
 *		(the write lock) fails.
 * Every other entry walks with HVO's own walker, as kernels before 6.8
 * do, which asserts nothing.
 */
#include <errno.h>
#include <string.h>

#include "cpu.h"
#include "machine.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "policies/hvo.h"
#include "policy.h"

/* -------------------------------------------------------------------------
 * The head page, before the walk (alloc_head)
 */

/* 6.1: no new head; the walk keeps the head vmemmap page as the reuse page */
static int keep_head(struct machine *m, struct vmemmap_remap_walk *walk, int nid, gfp_t gfp)
{
	return 0;
}

/* 6.2: a new head, the head vmemmap page copied into it; without one the old head stays */
static int alloc_head_copy(struct machine *m, struct vmemmap_remap_walk *walk, int nid, gfp_t gfp)
{
	walk->reuse_page = vmemmap_alloc_head(m, nid, gfp);
	if (walk->reuse_page != PFN_NONE)
		fstore_frame_copy(m, walk->reuse_page, vmemmap_frame(m, walk->reuse_addr));
	return 0;
}

/* seed v1: a new head, filled in the walk (vmemmap_remap_pte_copy_head) */
static int alloc_head_nocopy(struct machine *m, struct vmemmap_remap_walk *walk, int nid,
			     gfp_t gfp)
{
	walk->reuse_page = vmemmap_alloc_head(m, nid, gfp);
	return 0;
}

/* review (Muchun Song): 6.2's new head, only while the machine boots */
static int alloc_head_copy_booting(struct machine *m, struct vmemmap_remap_walk *walk, int nid,
				   gfp_t gfp)
{
	return m->booted ? 0 : alloc_head_copy(m, walk, nid, gfp);
}

/* review (Joao Martins): v1's new head, when the head struct page starts its vmemmap page */
static int alloc_head_nocopy_aligned(struct machine *m, struct vmemmap_remap_walk *walk, int nid,
				     gfp_t gfp)
{
	if (walk->reuse_addr & (PAGE_SIZE - 1))
		return 0;
	return alloc_head_nocopy(m, walk, nid, gfp);
}

/* 6.12: a new head or no optimisation at all */
static int alloc_head_copy_or_skip(struct machine *m, struct vmemmap_remap_walk *walk, int nid,
				   gfp_t gfp)
{
	walk->reuse_page = vmemmap_alloc_head(m, nid, gfp);
	if (walk->reuse_page == PFN_NONE)
		return -ENOMEM;
	fstore_frame_copy(m, walk->reuse_page, vmemmap_frame(m, walk->reuse_addr));
	return 0;
}

/* -------------------------------------------------------------------------
 * The walk (remap_pte)
 */

/*
 * vmemmap_remap_pte (6.2): the head PTE maps the new head read-write,
 * every other PTE the reuse page read-only; the frame it mapped is
 * queued.  6.1's has no head case: without a new head the walk never
 * passes the head PTE here.
 */
static void vmemmap_remap_pte(struct machine *m, const struct pt_slot *pte, uint64_t addr,
			      unsigned long frame, struct vmemmap_remap_walk *walk)
{
	pteval_t prot = addr == walk->reuse_addr ? PAGE_KERNEL : PAGE_KERNEL_RO;

	vmemmap_set_pte(m, pte, walk->reuse_page, prot);
	vmemmap_walk_queue(walk, frame, addr);
}

/* seed v1: the head is copied into the new page at the head PTE, after the PMD split */
static void vmemmap_remap_pte_copy_head(struct machine *m, const struct pt_slot *pte,
					uint64_t addr, unsigned long frame,
					struct vmemmap_remap_walk *walk)
{
	if (addr == walk->reuse_addr)
		fstore_frame_copy(m, walk->reuse_page, frame);
	vmemmap_remap_pte(m, pte, addr, frame, walk);
}

/* -------------------------------------------------------------------------
 * Freeing the pages the walk took out (free_vmemmap_page_list)
 */

/* free_vmemmap_page (6.1): boot memmap through free_bootmem_page, the rest through the pcp lists */
static void free_vmemmap_page(struct machine *m, unsigned long pfn)
{
	SCHED_WHERE(m);

	if (vmemmap_free_account(m, pfn))
		free_bootmem_page(m, pfn);
	else
		__free_pages(m, pfn, 0);
}

static void free_vmemmap_page_list(struct machine *m, struct frame_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free_vmemmap_page(m, l->pfn[i]);
	l->n = 0;
}

/*
 * 6.12: the walk list_adds each page it takes out (vmemmap_remap_pte), so
 * the list, a whole batch's in optimize_folios, is freed newest first:
 * the last page of the last hugepage first, the first head last.  Freed
 * through the per-cpu lists, that page is the first the next order-0
 * allocation on the CPU gets.
 */
static void free_vmemmap_page_list_lifo(struct machine *m, struct frame_list *l)
{
	for (size_t i = l->n; i-- > 0;)
		free_vmemmap_page(m, l->pfn[i]);
	l->n = 0;
}

/* review (Muchun Song): the same with the zone's per-cpu lists off (zone_pcp_disable) */
static void free_vmemmap_page_nonpcp(struct machine *m, unsigned long pfn)
{
	SCHED_WHERE_AS(m, "free_vmemmap_page");

	if (vmemmap_free_account(m, pfn)) {
		ClearPageReserved(m, pfn);
		set_page_count(m, pfn, 1);
		page_zone(m, pfn)->managed_pages++;
	}
	__free_pages_nonpcp(m, pfn);
}

static void free_vmemmap_page_list_nonpcp(struct machine *m, struct frame_list *l)
{
	/* zone_pcp_disable: drain, then free straight to the buddy */
	for (size_t i = 0; i < l->n; i++)
		drain_all_pages(m, page_zone(m, l->pfn[i]));
	for (size_t i = 0; i < l->n; i++)
		free_vmemmap_page_nonpcp(m, l->pfn[i]);
	l->n = 0;
}

/* -------------------------------------------------------------------------
 * One hugepage (optimize_folio)
 */

/* 6.1's hugetlb_vmemmap_optimize: the page is marked once its remap succeeded */
static int __hugetlb_vmemmap_optimize(struct machine *m, const struct hstate *h,
				      unsigned long head, unsigned int flags,
				      struct frame_list *list)
{
	uint64_t reuse = page_va(m, head);
	uint64_t end = reuse + hugetlb_vmemmap_size(m, h);
	int ret;

	if (!vmemmap_should_optimize(m, h, head))
		return 0;
	ret = vmemmap_remap_free(m, page_to_nid(m, head), reuse, end, flags, list);
	if (ret)
		return ret;
	SetHPageVmemmapOptimized(m, head);
	m->hvo_stats.optimized++;
	return 0;
}

/*
 * 6.7+ __hugetlb_vmemmap_optimize_folio: the mark is set before the
 * remap, so the head copy carries it; set afterwards without a flush, the
 * write could land in the old head frame through a stale translation and
 * be lost.
 */
static int __hugetlb_vmemmap_optimize_folio(struct machine *m, const struct hstate *h,
					    unsigned long head, unsigned int flags,
					    struct frame_list *list)
{
	uint64_t reuse = page_va(m, head);
	uint64_t end = reuse + hugetlb_vmemmap_size(m, h);
	int ret;

	if (!vmemmap_should_optimize(m, h, head))
		return 0;
	SetHPageVmemmapOptimized(m, head);
	ret = vmemmap_remap_free(m, page_to_nid(m, head), reuse, end, flags, list);
	if (ret) {
		ClearHPageVmemmapOptimized(m, head);
		return ret;
	}
	m->hvo_stats.optimized++;
	return 0;
}

/* -------------------------------------------------------------------------
 * Restore (restore_pte)
 */

#define NR_RESET_STRUCT_PAGE		3

/* reset_struct_pages: the first struct pages of a restored page get clean copies */
static void reset_struct_pages(struct machine *m, unsigned long frame)
{
	for (unsigned int off = 0; off < NR_RESET_STRUCT_PAGE * m->sps; off += 8) {
		uint8_t *d = fstore_frame_bytes(m, frame, off);
		uint8_t *s = fstore_frame_bytes(m, frame, off + NR_RESET_STRUCT_PAGE * m->sps);

		if (d && s)
			memcpy(d, s, 8);
	}
}

/* vmemmap_restore_pte (6.1): a copy of the reuse page, then reset_struct_pages */
static void vmemmap_restore_pte(struct machine *m, const struct pt_slot *pte, uint64_t addr,
				unsigned long page, unsigned long reuse_page)
{
	fstore_frame_copy(m, page, reuse_page);
	reset_struct_pages(m, page);
	vmemmap_set_pte(m, pte, page, PAGE_KERNEL);
}

/* 6.12: a byte copy of the reuse page, no reset_struct_pages */
static void vmemmap_restore_pte_no_reset(struct machine *m, const struct pt_slot *pte,
					 uint64_t addr, unsigned long page,
					 unsigned long reuse_page)
{
	fstore_frame_copy(m, page, reuse_page);
	vmemmap_set_pte(m, pte, page, PAGE_KERNEL);
}

/* -------------------------------------------------------------------------
 * The walker (walk)
 */

/*
 * 6.1 to 6.7: vmemmap_remap_range's own pgd -> p4d -> pud -> pmd -> pte
 * loop, which splits each PMD and remaps each PTE as the page walker's
 * callbacks do here: the walker's core, with no lock assertion of its own.
 */
static int vmemmap_walk_own(struct machine *m, uint64_t start, uint64_t end,
			    const struct mm_walk_ops *ops, void *private)
{
	return __walk_page_range_novma(m, m->init_mm, start, end, ops, PFN_NONE, private);
}

/* 6.8 on (seed 002 patch 2): walk_page_range_novma(&init_mm, ...) */
static int vmemmap_walk_novma(struct machine *m, uint64_t start, uint64_t end,
			      const struct mm_walk_ops *ops, void *private)
{
	return walk_page_range_novma(m, m->init_mm, start, end, ops, PFN_NONE, private);
}

/* -------------------------------------------------------------------------
 * The variants, one entry each; the first is the default.
 */
#define GFP_HEAD_6_2	(GFP_KERNEL | __GFP_THISNODE | __GFP_NORETRY | __GFP_NOWARN)
#define GFP_HEAD_V1	(GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)
#define GFP_RESTORE_6_1	(GFP_KERNEL | __GFP_NORETRY | __GFP_THISNODE)
#define GFP_RESTORE_6_7	(GFP_KERNEL | __GFP_RETRY_MAYFAIL)

static const struct policy hvo_policies[] = {
	{
		.name = "reuse-head",
		.summary = "Linux 6.1: keep the head vmemmap page, free 7 of 8",
		.models = "Linux 6.1",
		.ops = &(const struct hvo_ops){
			.alloc_head = keep_head,
			.remap_pte = vmemmap_remap_pte,
			.free_vmemmap_page_list = free_vmemmap_page_list,
			.optimize_folio = __hugetlb_vmemmap_optimize,
			.restore_pte = vmemmap_restore_pte,
			.restore_gfp = GFP_RESTORE_6_1,
			.walk = vmemmap_walk_own,
		},
	},
	{
		.name = "new-head",
		.summary = "Linux 6.2 (11aad2631bf7): copy the head into a new page, free all 8",
		.models = "Linux 6.2, commit 11aad2631bf7",
		.ops = &(const struct hvo_ops){
			.alloc_head = alloc_head_copy,
			.head_gfp = GFP_HEAD_6_2,
			.remap_pte = vmemmap_remap_pte,
			.free_vmemmap_page_list = free_vmemmap_page_list,
			.optimize_folio = __hugetlb_vmemmap_optimize,
			.restore_pte = vmemmap_restore_pte,
			.restore_gfp = GFP_RESTORE_6_1,
			.walk = vmemmap_walk_own,
		},
	},
	{
		.name = "new-head-v1",
		.summary = "seed 000 v1: RETRY_MAYFAIL head, copy inside the walk",
		.models = "seed 000 v1 patch, 2022-08-02",
		.ops = &(const struct hvo_ops){
			.alloc_head = alloc_head_nocopy,
			.head_gfp = GFP_HEAD_V1,
			.remap_pte = vmemmap_remap_pte_copy_head,
			.free_vmemmap_page_list = free_vmemmap_page_list,
			.optimize_folio = __hugetlb_vmemmap_optimize,
			.restore_pte = vmemmap_restore_pte,
			.restore_gfp = GFP_RESTORE_6_1,
			.walk = vmemmap_walk_own,
		},
	},
	{
		.name = "new-head-boot",
		.summary = "review: new head only while booting, free without pcp",
		.models = "seed 000 review, Muchun Song 2022-08-03",
		.ops = &(const struct hvo_ops){
			.alloc_head = alloc_head_copy_booting,
			.head_gfp = GFP_HEAD_6_2,
			.remap_pte = vmemmap_remap_pte,
			.free_vmemmap_page_list = free_vmemmap_page_list_nonpcp,
			.optimize_folio = __hugetlb_vmemmap_optimize,
			.restore_pte = vmemmap_restore_pte,
			.restore_gfp = GFP_RESTORE_6_1,
			.walk = vmemmap_walk_own,
		},
	},
	{
		.name = "new-head-aligned",
		.summary = "review: v1 when the head struct page is page aligned",
		.models = "seed 000 review, Joao Martins 2022-08-03",
		.ops = &(const struct hvo_ops){
			.alloc_head = alloc_head_nocopy_aligned,
			.head_gfp = GFP_HEAD_V1,
			.remap_pte = vmemmap_remap_pte_copy_head,
			.free_vmemmap_page_list = free_vmemmap_page_list,
			.optimize_folio = __hugetlb_vmemmap_optimize,
			.restore_pte = vmemmap_restore_pte,
			.restore_gfp = GFP_RESTORE_6_1,
			.walk = vmemmap_walk_own,
		},
	},
	{
		.name = "new-head-6.7",
		.summary = "Linux 6.7: no __GFP_THISNODE, batched optimisation",
		.models = "Linux 6.7, commits 6a898c2757af and the HVO batching series",
		.ops = &(const struct hvo_ops){
			.alloc_head = alloc_head_copy,
			.head_gfp = GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN,
			.remap_pte = vmemmap_remap_pte,
			.free_vmemmap_page_list = free_vmemmap_page_list,
			.optimize_folio = __hugetlb_vmemmap_optimize_folio,
			.restore_pte = vmemmap_restore_pte,
			.restore_gfp = GFP_RESTORE_6_7,
			.walk = vmemmap_walk_own,
			.batch = true,
		},
	},
	{
		.name = "new-head-6.12",
		.summary = "Debian 6.12: GFP_KERNEL head or no HVO, head/tail scheme",
		.models = "Debian 6.12.117, mm/hugetlb: refactor code around vmemmap_walk",
		.implies = "pagewalk-lock=6.17",
		.ops = &(const struct hvo_ops){
			.alloc_head = alloc_head_copy_or_skip,
			.head_gfp = GFP_KERNEL,
			.remap_pte = vmemmap_remap_pte,
			.free_vmemmap_page_list = free_vmemmap_page_list_lifo,
			.optimize_folio = __hugetlb_vmemmap_optimize_folio,
			.restore_pte = vmemmap_restore_pte_no_reset,
			.restore_gfp = GFP_RESTORE_6_7,
			.restore_lifo = true,
			.undo_from_list = true,
			.walk = vmemmap_walk_novma,
			.batch = true,
			.restore_frozen = true,
		},
	},
};

/* -------------------------------------------------------------------------
 * What `mmsim compare` prints for the family (policy.h): the vmemmap
 * optimisation's work, machine-wide and, for new head pages, per node.
 */
static long hvo_fig_vmemmap_freed(struct machine *m, int nid)
{
	return (long)m->hvo_stats.vmemmap_pages_freed;
}

/* New head pages: on node @nid, or on every node for -1 */
static long hvo_fig_heads(struct machine *m, int nid)
{
	unsigned long n = 0;

	if (nid >= 0)
		return (long)m->hvo_stats.heads_allocated[nid];
	for (int i = 0; i < m->nr_nodes; i++)
		n += m->hvo_stats.heads_allocated[i];
	return (long)n;
}

static long hvo_fig_head_failed(struct machine *m, int nid)
{
	return (long)m->hvo_stats.head_alloc_failed;
}

/* The vmemmap's page tables: init_mm's table pages below the pgd */
static long hvo_fig_pgtable_pages(struct machine *m, int nid)
{
	return m->init_mm ? m->init_mm->nr_pgtables : 0;
}

static long hvo_fig_tlb_flushes(struct machine *m, int nid)
{
	return (long)m->tlb_flushes;
}

static const struct policy_figure hvo_compare_figures[] = {
	{ "vmemmap pages freed", hvo_fig_vmemmap_freed, false },
	{ "head pages allocated", hvo_fig_heads, false },
	{ "head allocations failed", hvo_fig_head_failed, false },
	{ "vmemmap page-table pages", hvo_fig_pgtable_pages, false },
	{ "TLB flushes", hvo_fig_tlb_flushes, false },
	{ "head pages", hvo_fig_heads, true },
	{ NULL, NULL, false },
};

const struct policy_family policy_family_hvo = {
	.name = "hvo",
	.summary = "HugeTLB vmemmap optimisation: what happens to the head vmemmap page",
	.policies = hvo_policies,
	.nr_policies = ARRAY_SIZE(hvo_policies),
	.default_idx = 0,
	/* Debian's 6.12 is new-head-6.12 (and, implied, pagewalk-lock=6.17) */
	.kver_defaults = (const struct policy_kver_default[]){
		{ MM_KVER(6, 12), "new-head-6.12" },
		{ 0, NULL },
	},
	.figures = hvo_compare_figures,
};
