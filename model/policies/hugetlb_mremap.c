// SPDX-License-Identifier: GPL-2.0-only
/*
 * hugetlb_mremap.c - mremap of hugetlb VMAs (see hugetlb_mremap.h): the
 * functions of the hooks where the kernels differ, and one table with an
 * entry per variant.
 *
 * reject	Linux before 5.17: vma_to_resize refuses a hugetlb VMA with
 *		EINVAL, so every growth and every move fails; a shrink (which
 *		does not call vma_to_resize) is a plain munmap of the tail.
 * move-v1	seed 003's v1 as posted (2021-07-30): move_hugetlb_page_tables
 *		without huge_pmd_unshare, whose move_huge_pte has
 *		BUG_ON(vma_shareable(vma, old_addr)), and move_vma calling
 *		clear_vma_resv_huge_pages on the old VMA.  Moving any entry of
 *		a shared VMA that covers a whole 1 GiB PUD is a kernel BUG (a
 *		reported outcome of the run), whether or not the PMD table
 *		there is actually shared; private mappings move as in 5.17.
 * move-noclear	move-v1 without clear_vma_resv_huge_pages: the double
 *		uncharge Mina Almasry's reply in the seed explains.  copy_vma
 *		gives the new VMA a reference to the old VMA's reserve map
 *		(hugetlb_vm_op_open), the unmap of the old VMA gives the
 *		unconsumed reservations back (hugetlb_vm_op_close), and the new
 *		VMA, owner of the same map, gives them back again when it goes:
 *		resv_huge_pages goes below zero, which the hugetlb code reports
 *		(hugetlb_counter_sub) at the step that does it.
 * move		Linux 5.17 (550a7d60bd5e, Mina Almasry) as in 6.1.192: lengths
 *		aligned up to the huge page size, both addresses aligned and
 *		no growth (EINVAL), move_hugetlb_page_tables unsharing shared
 *		PMDs (the rest of that PUD is not moved: it refaults),
 *		clear_vma_resv_huge_pages on the old VMA after the move.
 *
 * The system call's checks of move-v1 and move-noclear are 5.17's (the
 * seed quotes only the VMA lookup v1 added there).  The mechanism of
 * the page tables is move_hugetlb_page_tables (hugetlb_memory.c); the
 * reserve map's, clear_vma_resv_huge_pages (hugetlb_resv.c).
 */
#include <errno.h>

#include "hugetlb.h"
#include "machine.h"
#include "mm.h"
#include "mm_types.h"
#include "policies/hugetlb_mremap.h"
#include "policy.h"

/* -------------------------------------------------------------------------
 * The system call (mremap_check)
 */

/* before 5.17: no hugetlb block in the system call */
static long mremap_check_none(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			      uint64_t new_addr, uint64_t *old_len, uint64_t *new_len)
{
	return 0;
}

/* 5.17: lengths aligned up, addresses aligned, no growth */
static long mremap_check_aligned(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
				 uint64_t new_addr, uint64_t *old_len, uint64_t *new_len)
{
	uint64_t size = huge_page_size(hstate_vma(vma));

	*old_len = (*old_len + size - 1) & ~(size - 1);
	*new_len = (*new_len + size - 1) & ~(size - 1);
	if ((addr | new_addr) & (size - 1))
		return -EINVAL;
	/* the reservation cannot be split: no growth */
	if (*new_len > *old_len)
		return -EINVAL;
	return 0;
}

/* -------------------------------------------------------------------------
 * vma_to_resize (resize_check)
 */

static long resize_refuse(struct machine *m, struct vm_area_struct *vma)
{
	return -EINVAL;
}

static long resize_allow(struct machine *m, struct vm_area_struct *vma)
{
	return 0;
}

/* -------------------------------------------------------------------------
 * The page tables (move_page_tables)
 */

/* 6.1: unshare, move, with the VMA lock and i_mmap_rwsem */
static uint64_t move_tables_unshare(struct machine *m, struct vm_area_struct *vma,
				    struct vm_area_struct *new_vma, uint64_t old_addr,
				    uint64_t new_addr, uint64_t len)
{
	return move_hugetlb_page_tables(m, vma, new_vma, old_addr, new_addr, len, 0);
}

/* seed 003 v1: no unshare, BUG_ON(vma_shareable) */
static uint64_t move_tables_v1(struct machine *m, struct vm_area_struct *vma,
			       struct vm_area_struct *new_vma, uint64_t old_addr,
			       uint64_t new_addr, uint64_t len)
{
	return move_hugetlb_page_tables(m, vma, new_vma, old_addr, new_addr, len,
					HUGETLB_MOVE_V1);
}

/* before 5.17 vma_to_resize refused every move first */
static uint64_t move_tables_unreachable(struct machine *m, struct vm_area_struct *vma,
					struct vm_area_struct *new_vma, uint64_t old_addr,
					uint64_t new_addr, uint64_t len)
{
	mm_fail(m, "BUG: a hugetlb VMA moved by mremap at %#llx, which this kernel refuses",
		(unsigned long long)old_addr);
	return 0;
}

/* -------------------------------------------------------------------------
 * The old VMA's reservation (clear_resv)
 */

/* clear_vma_resv_huge_pages: the reservation lives on in the new VMA only */
static void clear_resv(struct machine *m, struct vm_area_struct *vma)
{
	clear_vma_resv_huge_pages(m, vma);
}

/* the old VMA keeps its reference and owner flag: its unmap gives the reservation back */
static void keep_vma_resv(struct machine *m, struct vm_area_struct *vma)
{
}

static const struct policy hugetlb_mremap_policies[] = {
	{
		.name = "reject",
		.summary = "before 5.17: growing or moving a hugetlb VMA fails with EINVAL",
		.models = "Linux 5.16 and earlier",
		.ops = &(const struct hugetlb_mremap_ops){
			.mremap_check = mremap_check_none,
			.resize_check = resize_refuse,
			.move_page_tables = move_tables_unreachable,
			.clear_resv = keep_vma_resv,
		},
	},
	{
		.name = "move-v1",
		.summary = "seed 003 v1: no unshare, BUG_ON(vma_shareable); clears the old "
			   "reservation",
		.models = "seed 003, v1 (2021-07-30) as quoted in the review",
		.ops = &(const struct hugetlb_mremap_ops){
			.mremap_check = mremap_check_aligned,
			.resize_check = resize_allow,
			.move_page_tables = move_tables_v1,
			.clear_resv = clear_resv,
		},
	},
	{
		.name = "move-noclear",
		.summary = "v1 without clear_vma_resv_huge_pages: the reservation uncharged twice",
		.models = "seed 003 v1 less clear_vma_resv_huge_pages (Mina Almasry's reply)",
		.breaks_books = true,	/* two VMAs own one reservation */
		.ops = &(const struct hugetlb_mremap_ops){
			.mremap_check = mremap_check_aligned,
			.resize_check = resize_allow,
			.move_page_tables = move_tables_v1,
			.clear_resv = keep_vma_resv,
		},
	},
	{
		.name = "move",
		.summary = "Linux 5.17 (550a7d60bd5e), 6.1: unshare, move, clear old reservation",
		.models = "Linux 5.17, commit 550a7d60bd5e; 6.1.192",
		.ops = &(const struct hugetlb_mremap_ops){
			.mremap_check = mremap_check_aligned,
			.resize_check = resize_allow,
			.move_page_tables = move_tables_unshare,
			.clear_resv = clear_resv,
		},
	},
};

/* -------------------------------------------------------------------------
 * What `mmsim compare` prints for the family (the default huge page size)
 */
static long fig_hstate(struct machine *m, int which)
{
	struct hstate *h;

	if (!m->hugetlb)
		return 0;
	h = hugetlb_default_hstate(m);
	switch (which) {
	case 0:
		return (long)h->nr_huge_pages;
	case 1:
		return (long)h->free_huge_pages;
	case 2:
		return (long)h->resv_huge_pages;
	default:
		return (long)h->surplus_huge_pages;
	}
}

static long fig_total(struct machine *m, int nid)
{
	return fig_hstate(m, 0);
}

static long fig_free(struct machine *m, int nid)
{
	return fig_hstate(m, 1);
}

static long fig_resv(struct machine *m, int nid)
{
	return fig_hstate(m, 2);
}

static long fig_surp(struct machine *m, int nid)
{
	return fig_hstate(m, 3);
}

static long fig_underflows(struct machine *m, int nid)
{
	return m->hugetlb ? (long)hugetlb_stats(m)->underflows : 0;
}

static long fig_shared_pmds(struct machine *m, int nid)
{
	return m->hugetlb ? (long)hugetlb_stats(m)->shared_pmds : 0;
}

static long fig_unshares(struct machine *m, int nid)
{
	return m->hugetlb ? (long)hugetlb_stats(m)->pmd_unshares : 0;
}

static const struct policy_figure hugetlb_mremap_figures[] = {
	{ "HugePages_Total", fig_total, false },
	{ "HugePages_Free", fig_free, false },
	{ "HugePages_Rsvd", fig_resv, false },
	{ "HugePages_Surp", fig_surp, false },
	{ "hugetlb counter underflows", fig_underflows, false },
	{ "shared PMD tables", fig_shared_pmds, false },
	{ "PMD unshares", fig_unshares, false },
	{ NULL, NULL, false },
};

const struct policy_family policy_family_hugetlb_mremap = {
	.name = "hugetlb-mremap",
	.summary = "mremap of hugetlb VMAs: the seed 003 patch, its v1 and before it",
	.policies = hugetlb_mremap_policies,
	.nr_policies = ARRAY_SIZE(hugetlb_mremap_policies),
	.default_idx = 3,
	.figures = hugetlb_mremap_figures,
};
